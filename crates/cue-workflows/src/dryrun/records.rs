//! The records each step reads, in the simulator's answers, prepared by one mechanism so that
//! every planned step runs: a read step's listed records, the detail answers that complete
//! them (a Hacker News item, a Gmail message), rows of cells named by a header row or a
//! schema (a sheet, a warehouse query), and the trigger's own records (an id-only delivery's
//! detail answer, a polled list). Each record carries the fields later steps send, refers to
//! its files where the catalog says how, and meets the conditions that read it.

use serde_json::{Map, Value, json};

use super::{events, simulator};
use crate::catalog::{Action, Catalog, CellValue, Cells, ColumnNames, Field, Role};
use crate::model::{Condition, Delivery, Plan};
use simulator::Simulator;

/// One answer holding records: the route (tool, action), where the records are, whether they
/// are an object's values keyed by id (BambooHR's changed employees), how their cells are
/// named, and the documented fields whose files they may refer to.
struct Answered<'c> {
    tool: &'c str,
    action: String,
    path: String,
    keyed: bool,
    cells: Option<&'c Cells>,
    fields: &'c [Field],
}

/// Prepares every answer a step or the trigger reads (see the module's doc).
pub(super) fn prepare(sim: &mut Simulator, catalog: &Catalog, plan: &Plan) {
    let sent = events::fields_read(catalog, plan);
    type Window = Option<(String, Value)>;
    let mut sources: Vec<(Vec<Answered<'_>>, Vec<&Condition>, Window)> = vec![(
        trigger_answers(catalog, plan),
        events::trigger_conditions(plan),
        None,
    )];
    let period = plan
        .trigger
        .params
        .get(crate::window::PARAM)
        .and_then(|p| crate::window::Said::from_param(p))
        .filter(|_| matches!(plan.trigger.delivery, Delivery::Schedule | Delivery::Direct));
    for (i, step) in plan.steps.iter().enumerate() {
        let Some(action) = reader(catalog, &step.tool, &step.action) else {
            continue;
        };
        // a step's condition reads the records of the latest step before it that produced any
        let conditions = plan.steps[i + 1..]
            .iter()
            .enumerate()
            .filter(|(j, _)| source_of(catalog, plan, i + 1 + j) == Some(i))
            .filter_map(|(_, s)| s.condition.as_ref())
            .collect();
        // a read the vendor cannot filter by time keeps only the records of the run's window
        // (`python::windowed`): its records are of now, as a real run's new ones are
        let window = period.and_then(|said| {
            let (field, format) = crate::window::cut_field(catalog, &step.tool, &step.action)?;
            Some((field.to_owned(), time_in(said, format)))
        });
        sources.push((step_answers(&step.tool, action), conditions, window));
    }
    for (answers, conditions, window) in sources {
        for a in answers {
            let Some(route) = sim.route_mut(a.tool, &a.action) else {
                continue;
            };
            visit(
                &mut route.answer.body,
                &a.path,
                a.keyed,
                a.cells,
                &mut |record| {
                    for name in &sent {
                        events::add_read_field(record, name, a.fields);
                    }
                    events::refer_to_files(record, a.fields);
                    if let Some((field, time)) = &window {
                        simulator::set_path(record, field, time.clone());
                    }
                    for c in &conditions {
                        events::satisfy(record, c);
                    }
                },
            );
        }
    }
}

/// A time inside the period a run reads (`window::Said`), in a cursor's form (`unix`,
/// `unix_ms`, `date`, else ISO 8601): now for the last minutes; the middle of a calendar
/// period (noon of the day, Thursday of the week, the 15th of the month, in UTC), which lies
/// inside it in the schedule's zone too.
fn time_in(said: crate::window::Said, format: &str) -> Value {
    use crate::window::{Said, Unit};
    use chrono::{Datelike, Days, Months, NaiveTime, Utc};
    let now = Utc::now();
    let at = match said {
        Said::Minutes(_) => Some(now),
        Said::Calendar { unit, back } => {
            let today = now.date_naive();
            let day = match unit {
                Unit::Day => today.checked_sub_days(Days::new(back.into())),
                Unit::Week => today
                    .checked_sub_days(Days::new(u64::from(today.weekday().num_days_from_monday())))
                    .and_then(|monday| monday.checked_sub_days(Days::new(7 * u64::from(back))))
                    .and_then(|monday| monday.checked_add_days(Days::new(3))),
                Unit::Month => today
                    .with_day(15)
                    .and_then(|mid| mid.checked_sub_months(Months::new(back))),
            };
            day.map(|d| {
                d.and_time(NaiveTime::MIN + chrono::Duration::hours(12))
                    .and_utc()
            })
        }
    }
    .unwrap_or(now);
    match format {
        "unix" => json!(at.timestamp()),
        "unix_ms" => json!(at.timestamp_millis()),
        "date" => json!(at.format("%Y-%m-%d").to_string()),
        _ => json!(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
    }
}

/// A step's action when it hands on records (reads or transforms), not a write's receipt.
fn reader<'c>(catalog: &'c Catalog, tool: &str, action: &str) -> Option<&'c Action> {
    let action = catalog.tool(tool)?.action(action)?;
    (action.role != Role::Write).then_some(action)
}

/// The index of the latest step before step `i` that hands on records.
fn source_of(catalog: &Catalog, plan: &Plan, i: usize) -> Option<usize> {
    (0..i)
        .rev()
        .find(|&j| reader(catalog, &plan.steps[j].tool, &plan.steps[j].action).is_some())
}

/// A read step's answers: its list (or single answer), and the detail call per listed record.
fn step_answers<'c>(tool: &'c str, action: &'c Action) -> Vec<Answered<'c>> {
    let mut out = vec![Answered {
        tool,
        action: action.id.clone(),
        path: action.records.clone().unwrap_or_default(),
        keyed: action.records_keyed,
        cells: action.cells.as_ref(),
        fields: &action.fields,
    }];
    if let Some(detail) = &action.detail {
        out.push(Answered {
            tool,
            action: format!("{}.detail", action.id),
            path: detail.record.clone().unwrap_or_default(),
            keyed: false,
            cells: None,
            fields: &action.fields,
        });
    }
    out
}

/// The trigger's answers: an id-only delivery's detail call (a Square order, a Facebook lead)
/// and a polled event's list; a delivered item is the sample event's (`events`).
fn trigger_answers<'c>(catalog: &'c Catalog, plan: &'c Plan) -> Vec<Answered<'c>> {
    let Some(tool) = plan.trigger.tool.as_deref().and_then(|t| catalog.tool(t)) else {
        return Vec::new();
    };
    let Some(event) = tool
        .events
        .iter()
        .find(|e| Some(e.id.as_str()) == plan.trigger.event.as_deref())
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(detail) = &event.detail {
        out.push(Answered {
            tool: &tool.id,
            action: format!("{}.detail", event.id),
            path: detail.record.clone().unwrap_or_default(),
            keyed: false,
            cells: None,
            fields: &event.fields,
        });
    }
    if let Some(action) = event.poll.as_deref().and_then(|p| tool.action(p)) {
        out.extend(step_answers(&tool.id, action));
    }
    out
}

/// Calls `f` on each record of an answer at `path` (each value of the object there when the
/// records are `keyed` by id, as the generated code's `_keyed` reads them: the object itself
/// is no record, and a field added to it would be read as one more record without an id);
/// rows of cells are seen as records keyed by column name, and what `f` changes is written
/// back into the cells (a new field is a new column).
fn visit(
    body: &mut Value,
    path: &str,
    keyed: bool,
    cells: Option<&Cells>,
    f: &mut dyn FnMut(&mut Value),
) {
    let Some(cells) = cells else {
        for record in simulator::records_mut(body, path, keyed) {
            f(record);
        }
        return;
    };
    let mut names = column_names(body, path, &cells.names);
    let Some(Value::Array(rows)) = records_at(body, path) else {
        return;
    };
    let skip = usize::from(matches!(cells.names, ColumnNames::HeaderRow));
    for row in rows.iter_mut().skip(skip) {
        let Some(row_cells) = row_cells(row, &cells.row) else {
            continue;
        };
        let record: Map<String, Value> = names
            .iter()
            .zip(row_cells.iter())
            .map(|(n, c)| (n.clone(), read_cell(c, &cells.value)))
            .collect();
        let mut record = Value::Object(record);
        f(&mut record);
        let Value::Object(changed) = record else {
            continue;
        };
        for (name, value) in changed {
            let i = names.iter().position(|n| *n == name).unwrap_or_else(|| {
                names.push(name);
                names.len() - 1
            });
            if row_cells.len() <= i {
                row_cells.resize(i + 1, write_cell(&json!(""), &cells.value));
            }
            row_cells[i] = write_cell(&value, &cells.value);
        }
    }
    set_column_names(body, path, &cells.names, &names);
}

/// The value at a dotted path of an answer (`""`: the answer itself).
fn records_at<'a>(body: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    path.split('.')
        .filter(|k| !k.is_empty())
        .try_fold(body, |v, k| match v {
            Value::Object(map) => map.get_mut(k),
            Value::Array(items) => items.get_mut(k.parse::<usize>().ok()?),
            _ => None,
        })
}

/// A row's list of cells (`""`: the row is the list).
fn row_cells<'a>(row: &'a mut Value, key: &str) -> Option<&'a mut Vec<Value>> {
    let cells = if key.is_empty() {
        row
    } else {
        row.get_mut(key)?
    };
    cells.as_array_mut()
}

/// The column names of a rows answer, as the generated code reads them: the first row at
/// `path`, or the schema's list.
fn column_names(body: &mut Value, path: &str, names: &ColumnNames) -> Vec<String> {
    let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
    let (at, key) = match names {
        ColumnNames::HeaderRow => (format!("{path}.0"), None),
        ColumnNames::Schema { path, key } => (path.clone(), Some(key)),
    };
    let Some(Value::Array(columns)) = records_at(body, &at) else {
        return Vec::new();
    };
    columns
        .iter()
        .map(|c| match key {
            Some(k) => c.get(k.as_str()).map(text).unwrap_or_default(),
            None => text(c),
        })
        .collect()
}

/// Writes the column names back (a new field added a column).
fn set_column_names(body: &mut Value, path: &str, names: &ColumnNames, all: &[String]) {
    match names {
        ColumnNames::HeaderRow => {
            if let Some(Value::Array(rows)) = records_at(body, path)
                && let Some(Value::Array(header)) = rows.first_mut()
            {
                for name in all.iter().skip(header.len()) {
                    header.push(json!(name));
                }
            }
        }
        ColumnNames::Schema { path, key } => {
            if let Some(Value::Array(columns)) = records_at(body, path) {
                for name in all.iter().skip(columns.len()) {
                    columns.push(json!({ key.as_str(): name }));
                }
            }
        }
    }
}

/// A cell's value.
fn read_cell(cell: &Value, how: &CellValue) -> Value {
    match how {
        CellValue::Plain => cell.clone(),
        CellValue::Key(k) => cell.get(k).cloned().unwrap_or(Value::Null),
        CellValue::Typed => cell
            .as_object()
            .and_then(|m| {
                m.iter()
                    .find(|(k, _)| *k != "isNull")
                    .map(|(_, v)| v.clone())
            })
            .unwrap_or(Value::Null),
    }
}

/// A cell holding a value, the way the vendor writes one.
fn write_cell(value: &Value, how: &CellValue) -> Value {
    match how {
        CellValue::Plain => value.clone(),
        CellValue::Key(k) => json!({ k.as_str(): value }),
        CellValue::Typed => match value {
            Value::Number(n) if n.is_i64() => json!({ "longValue": n }),
            Value::Number(n) => json!({ "doubleValue": n }),
            Value::Bool(b) => json!({ "booleanValue": b }),
            other => {
                json!({ "stringValue": other.as_str().map_or_else(|| other.to_string(), str::to_owned) })
            }
        },
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::Engine;

    /// A plan of `trigger` (`schedule`, or a tool's event) and `steps` (tool, action and the
    /// step's condition as field, op, value).
    fn plan(trigger: Option<(&str, &str)>, steps: &[(&str, &str, Option<[&str; 3]>)]) -> Plan {
        let steps: Vec<Value> = steps
            .iter()
            .enumerate()
            .map(|(i, (tool, action, condition))| {
                json!({
                    "id": format!("step_{}", i + 1), "tool": tool, "action": action,
                    "description": "", "params": {}, "for_each": null,
                    "condition": condition.map(|[field, op, value]| json!({
                        "field": field, "op": op, "value": value, "description": ""
                    })),
                })
            })
            .collect();
        serde_json::from_value(json!({
            "name": "", "summary": "", "tools": [], "assumptions": [],
            "trigger": {
                "kind": if trigger.is_some() { "app_event" } else { "schedule" },
                "delivery": "schedule", "schedule_expression": "rate(1 hour)", "timezone": null,
                "description": "", "tool": trigger.map(|t| t.0), "event": trigger.map(|t| t.1),
                "params": {}, "filter": null,
            },
            "steps": steps,
        }))
        .unwrap()
    }

    fn answer(plan: &Plan, tool: &str, action: &str) -> Value {
        let engine = Engine::new().unwrap();
        let sim = super::super::simulator_for(engine.catalog(), Some(plan));
        sim.routes
            .iter()
            .find(|r| r.tool == tool && r.action == action)
            .unwrap()
            .answer
            .body
            .clone()
    }

    /// The rows of a sheet's answer as records keyed by its header row.
    fn sheet_rows(body: &Value) -> Vec<Map<String, Value>> {
        let rows = body["values"].as_array().unwrap();
        let header: Vec<&str> = rows[0]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        rows[1..]
            .iter()
            .map(|r| {
                header
                    .iter()
                    .zip(r.as_array().unwrap())
                    .map(|(h, c)| ((*h).to_owned(), c.clone()))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn detail_answers_meet_the_condition_that_reads_them() {
        let cases = [
            (Some(["score", "gt", "300"]), Some(301.0)),
            (Some(["score", "lt", "10"]), Some(9.0)),
            // no condition: the documented sample value stays
            (None, Some(42.0)),
        ];
        for (condition, want) in cases {
            let p = plan(
                None,
                &[
                    ("hacker_news", "top_stories", None),
                    ("telegram", "send_message", condition),
                ],
            );
            let body = answer(&p, "hacker_news", "top_stories.detail");
            assert_eq!(body["score"].as_f64(), want, "{condition:?}: {body}");
        }
    }

    #[test]
    fn rows_named_by_a_header_row_meet_a_condition_on_a_column() {
        let p = plan(
            None,
            &[
                ("google_sheets", "read_rows", None),
                ("slack", "post_message", Some(["age", "lt", "18"])),
            ],
        );
        let body = answer(&p, "google_sheets", "read_rows");
        let rows = sheet_rows(&body);
        assert!(!rows.is_empty(), "{body}");
        for row in &rows {
            assert_eq!(row["age"].as_f64(), Some(17.0), "{body}");
            // the documented columns stay
            assert_eq!(row["Name"], "Ana", "{body}");
        }
        // the header row is not a record: it names the column, holds no value
        assert!(
            body["values"][0]
                .as_array()
                .unwrap()
                .iter()
                .all(Value::is_string),
            "{body}"
        );
        // an existing column is changed in place, not added again
        let p = plan(
            None,
            &[
                ("google_sheets", "read_rows", None),
                ("slack", "post_message", Some(["Name", "eq", "Grace"])),
            ],
        );
        let body = answer(&p, "google_sheets", "read_rows");
        assert_eq!(body["values"][0], json!(["Name", "Email"]), "{body}");
        assert_eq!(sheet_rows(&body)[0]["Name"], "Grace", "{body}");
    }

    #[test]
    fn a_condition_changes_only_the_records_it_reads() {
        // the condition reads Hacker News items (the latest read before it), not the sheet
        let p = plan(
            None,
            &[
                ("google_sheets", "read_rows", None),
                ("hacker_news", "top_stories", None),
                ("slack", "post_message", Some(["score", "gt", "300"])),
            ],
        );
        let sheet = answer(&p, "google_sheets", "read_rows");
        assert!(!sheet.to_string().contains("score"), "{sheet}");
        let item = answer(&p, "hacker_news", "top_stories.detail");
        assert_eq!(item["score"].as_f64(), Some(301.0), "{item}");
        // a write's receipt is not what a later condition reads
        let p = plan(
            None,
            &[
                ("hacker_news", "top_stories", None),
                ("slack", "post_message", None),
                ("telegram", "send_message", Some(["score", "gt", "300"])),
            ],
        );
        let receipt = answer(&p, "slack", "post_message");
        assert!(!receipt.to_string().contains("score"), "{receipt}");
        let item = answer(&p, "hacker_news", "top_stories.detail");
        assert_eq!(item["score"].as_f64(), Some(301.0), "{item}");
    }

    #[test]
    fn a_polled_trigger_lists_records_that_meet_the_trigger_conditions() {
        let p = plan(
            Some(("google_sheets", "new_row")),
            &[("slack", "post_message", Some(["age", "lt", "18"]))],
        );
        let body = answer(&p, "google_sheets", "read_rows");
        assert_eq!(sheet_rows(&body)[0]["age"].as_f64(), Some(17.0), "{body}");
        // without a condition the polled rows keep their documented cells
        let p = plan(
            Some(("google_sheets", "new_row")),
            &[("slack", "post_message", None)],
        );
        let body = answer(&p, "google_sheets", "read_rows");
        assert_eq!(body["values"][0], json!(["Name", "Email"]), "{body}");
    }

    #[test]
    fn records_keyed_by_id_are_prepared_one_by_one() {
        // BambooHR lists changed employees as an object keyed by id; a later step sends
        // fields the list documents (the detail call's), which go on each listed record, never
        // on the object (whose values the code reads as records: one without an id failed)
        let p = plan(
            Some(("bamboohr", "employee_added")),
            &[
                ("bamboohr", "list_changed_employees", None),
                ("okta", "create_user", None),
            ],
        );
        let body = answer(&p, "bamboohr", "list_changed_employees");
        let employees = body["employees"].as_object().unwrap();
        assert!(!employees.is_empty(), "{body}");
        for (id, record) in employees {
            assert!(record.is_object(), "{id}: {body}");
            assert_eq!(record["id"].as_str(), Some(id.as_str()), "{body}");
        }
        // a list of records is still a list, and a single record still one
        let mut list = json!({"items": [{"id": 1}, {"id": 2}]});
        let mut seen = 0;
        visit(&mut list, "items", false, None, &mut |_| seen += 1);
        assert_eq!(seen, 2);
        let mut one = json!({"id": 1, "name": "a"});
        let mut seen = 0;
        visit(&mut one, "", false, None, &mut |_| seen += 1);
        assert_eq!(seen, 1);
        let mut keyed = json!({"employees": {"3": {"id": "3"}, "4": {"id": "4"}}});
        visit(&mut keyed, "employees", true, None, &mut |r| {
            r["seen"] = json!(true)
        });
        assert_eq!(
            keyed,
            json!({"employees": {"3": {"id": "3", "seen": true}, "4": {"id": "4", "seen": true}}})
        );
    }

    #[test]
    fn cells_named_by_a_schema_are_written_the_way_the_vendor_writes_them() {
        let cells = |value: Value| -> Cells {
            serde_json::from_value(json!({
                "names": {"schema": {"path": "schema.fields"}}, "row": "f", "value": value,
            }))
            .unwrap()
        };
        let cases = [
            (json!({"key": "v"}), json!({"v": "pro"}), json!({"v": "x"})),
            (
                json!("typed"),
                json!({"stringValue": "pro"}),
                json!({"stringValue": "x"}),
            ),
            (json!("plain"), json!("pro"), json!("x")),
        ];
        for (how, want, name_cell) in cases {
            let cells = cells(how);
            let mut body = json!({
                "schema": {"fields": [{"name": "name"}]},
                "rows": [{"f": [name_cell]}],
            });
            visit(&mut body, "rows", false, Some(&cells), &mut |r| {
                // the record is read through the cells: the existing column is there
                assert_eq!(r["name"], "x", "{r}");
                r["plan"] = json!("pro");
            });
            assert_eq!(
                body["schema"]["fields"][1],
                json!({"name": "plan"}),
                "{body}"
            );
            assert_eq!(body["rows"][0]["f"][1], want, "{body}");
            // an untouched column keeps its cell
            assert_eq!(body["rows"][0]["f"][0], name_cell, "{body}");
        }
    }
}
