//! Required fields (and URL path segments) a step fills from its record (`"To": "{field:phone}"`) when the record it
//! gets does not carry them: a schedule's run record has no phone number, an AI step's answer
//! has only text. Such a field becomes a setting of the step (its parameter of the field's
//! name, an environment variable the user fills), stated in the assumptions, so the request is
//! never sent with the field empty; the code reads the record's field first and the setting
//! when it is missing (`python::expr`).
//!
//! Whether a record carries a field is judged the way the generated `_field` finds it: a key
//! equal to the name or containing it, at any depth of the catalog's documented fields.

use serde_json::Value;

use crate::catalog::{Action, Catalog, Role, Tool};
use crate::escape::ident;
use crate::model::{Delivery, Plan};
use crate::values::ParamRule;

/// Adds a setting for every required `{field:…}` the step's input record is not known to
/// carry (its documented fields lack it, or it has none documented: a sheet's columns are the
/// user's), with an assumption saying so. Idempotent: a step that has the parameter keeps it.
pub(crate) fn fill(catalog: &Catalog, plan: &mut Plan) {
    for index in 0..plan.steps.len() {
        let step = &plan.steps[index];
        let Some(tool) = catalog.tool(&step.tool) else {
            continue;
        };
        let Some(action) = tool.action(&step.action) else {
            continue;
        };
        let carried = input_fields(catalog, plan, index);
        let missing: Vec<String> = required_record_fields(action)
            .into_iter()
            .filter(|f| !step.params.contains_key(f) && !action.params.contains_key(f))
            .filter(|f| !carried.as_ref().is_some_and(|c| carries(c, f)))
            .collect();
        for field in missing {
            let value = placeholder(tool, action, &field);
            let setting = format!("{}_{}", ident(&tool.id), ident(&field)).to_ascii_uppercase();
            let id = &plan.steps[index].id;
            let note = if carried.is_some() {
                format!(
                    "{id} needs {field} from its record, which does not carry it; it sends the setting {setting} (now \"{value}\": set it before deploying)."
                )
            } else {
                format!(
                    "{id} reads {field} from its record, whose fields are not documented (a sheet's own columns, a custom payload); when a record has none it sends the setting {setting} (now \"{value}\": set it before deploying)."
                )
            };
            plan.steps[index].params.insert(field, value);
            if !plan.assumptions.contains(&note) {
                plan.assumptions.push(note);
            }
        }
    }
}

/// A stand-in the user replaces, of the kind the parameter's rule takes (a URL, an address, a
/// phone number), so `values::enforce` keeps it when the plan is settled again.
fn placeholder(tool: &Tool, action: &Action, field: &str) -> String {
    let rule = ParamRule::of(tool, action, field);
    let name = field.replace('_', "-");
    [
        format!("your-{name}"),
        format!("https://example.com/your-{name}"),
        "you@example.com".to_owned(),
        "+15555550100".to_owned(),
    ]
    .into_iter()
    .find(|v| rule.check(v).is_ok())
    .unwrap_or_else(|| format!("your-{name}"))
}

/// The record fields (`{field:name}`) that fill the action's required request fields or a
/// segment of its URL path (which the code refuses to leave empty too).
fn required_record_fields(action: &Action) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = action.path.as_deref().unwrap_or_default();
    while let Some((i, j)) = crate::refs::next_ref(rest) {
        if let Some(name) = rest[i + 1..j].strip_prefix("field:")
            && !out.iter().any(|o| o == name)
        {
            out.push(name.to_owned());
        }
        rest = &rest[j + 1..];
    }
    for path in &action.required {
        let value = match path.strip_prefix("query.") {
            Some(name) => action.query.get(name),
            // a request body, or a client call's keyword arguments (boto3's `Key`)
            None => action
                .body
                .as_ref()
                .and_then(|b| at_path(b, path))
                .or_else(|| {
                    let (first, rest) = path.split_once('.').unwrap_or((path, ""));
                    let v = action.kwargs.get(first)?;
                    if rest.is_empty() {
                        Some(v)
                    } else {
                        at_path(v, rest)
                    }
                }),
        };
        // the field itself, or a list of fields (Dropbox Sign's `file_urls: ["{field:url}"]`,
        // empty when every item is)
        let values: Vec<&Value> = match value {
            Some(Value::Array(items)) => items.iter().collect(),
            Some(v) => vec![v],
            None => Vec::new(),
        };
        for v in values {
            if let Some(name) = v
                .as_str()
                .and_then(|s| s.strip_prefix("{field:"))
                .and_then(|s| s.strip_suffix('}'))
                .filter(|n| !n.contains(['{', '}', ':']))
                && !out.iter().any(|o| o == name)
            {
                out.push(name.to_owned());
            }
        }
    }
    out
}

/// The value at a dotted path (`Invoices.0.Contact.Name`) of a request template.
fn at_path<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(value, |v, key| match v {
        Value::Object(m) => m.get(key),
        Value::Array(a) => key.parse::<usize>().ok().and_then(|i| a.get(i)),
        _ => None,
    })
}

/// The documented fields of the record step `index` gets; `None` when they are not known
/// (the record is then taken to carry what the step reads).
fn input_fields(catalog: &Catalog, plan: &Plan, index: usize) -> Option<Vec<String>> {
    let action_of = |tool: &str, action: &str| catalog.tool(tool).and_then(|t| t.action(action));
    let previous = plan.steps[..index]
        .iter()
        .rev()
        .find_map(|s| action_of(&s.tool, &s.action).filter(|a| a.role != Role::Write));
    if let Some(a) = previous {
        return if a.text.is_some() {
            // a transform answering text: its record is {"text": …}
            Some(vec!["text".to_owned()])
        } else if a.fields.is_empty() {
            None
        } else {
            Some(a.fields.iter().map(|f| f.path.clone()).collect())
        };
    }
    match plan.trigger.delivery {
        // the run record: the run's time and what the run was given
        Delivery::Schedule | Delivery::Direct => Some(vec!["time".to_owned()]),
        _ => {
            let t = &plan.trigger;
            let event = catalog
                .tool(t.tool.as_deref()?)?
                .events
                .iter()
                .find(|e| Some(&e.id) == t.event.as_ref())?;
            (!event.fields.is_empty())
                .then(|| event.fields.iter().map(|f| f.path.clone()).collect())
        }
    }
}

/// Whether a record with these documented field paths has `name` as `_field` finds it.
fn carries(paths: &[String], name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    paths.iter().any(|p| {
        p.split('.')
            .any(|segment| segment.to_ascii_lowercase().contains(&name))
    })
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use super::*;
    use crate::model::{Step, Trigger, TriggerKind};

    fn plan(delivery: Delivery, steps: &[(&str, &str)]) -> Plan {
        Plan {
            name: "t".into(),
            summary: String::new(),
            trigger: Trigger {
                kind: TriggerKind::Schedule,
                delivery,
                schedule_expression: Some("rate(1 hour)".into()),
                timezone: None,
                description: "Runs every hour".into(),
                tool: None,
                event: None,
                params: Default::default(),
                filter: None,
            },
            steps: steps
                .iter()
                .enumerate()
                .map(|(i, (tool, action))| Step {
                    id: format!("step_{}", i + 1),
                    tool: (*tool).into(),
                    action: (*action).into(),
                    description: String::new(),
                    params: Default::default(),
                    condition: None,
                    for_each: None,
                })
                .collect(),
            tools: Vec::new(),
            assumptions: Vec::new(),
        }
    }

    #[test]
    fn a_run_record_gets_a_setting_for_each_required_record_field() {
        let catalog = Catalog::builtin().unwrap();
        let mut p = plan(Delivery::Schedule, &[("twilio", "send_sms")]);
        fill(&catalog, &mut p);
        assert_eq!(p.steps[0].params["phone"], "your-phone");
        assert!(
            p.assumptions[0].contains("TWILIO_PHONE"),
            "{:?}",
            p.assumptions
        );
        // again: nothing more
        fill(&catalog, &mut p);
        assert_eq!(p.assumptions.len(), 1);
        // a transform's required query field, after a schedule (Clearbit's query.email)
        let mut p = plan(Delivery::Schedule, &[("clearbit", "enrich")]);
        fill(&catalog, &mut p);
        assert_eq!(p.steps[0].params["email"], "your-email");
        // a nested required path (Xero's Invoices.0.Contact.Name)
        let mut p = plan(Delivery::Schedule, &[("xero", "create_invoice")]);
        fill(&catalog, &mut p);
        assert_eq!(p.steps[0].params["name"], "your-name");
    }

    #[test]
    fn a_record_of_unknown_fields_gets_the_setting_as_a_fallback() {
        let catalog = Catalog::builtin().unwrap();
        // a generic webhook's record may carry it or not: the record's field first, the setting
        // when it has none, never an empty field
        let mut p = plan(Delivery::Http, &[("twilio", "send_sms")]);
        fill(&catalog, &mut p);
        assert_eq!(p.steps[0].params["phone"], "your-phone");
        assert!(
            p.assumptions[0].contains("not documented"),
            "{:?}",
            p.assumptions
        );
    }

    #[test]
    fn a_required_field_inside_an_object_or_a_client_call_gets_a_setting() {
        let catalog = Catalog::builtin().unwrap();
        // the customer's email itself, not the customer object that always holds it
        for (tool, action) in [
            ("help_scout", "create_conversation"),
            ("wix", "create_contact"),
        ] {
            let mut p = plan(Delivery::Schedule, &[(tool, action)]);
            fill(&catalog, &mut p);
            assert_eq!(p.steps[0].params["email"], "your-email", "{tool}");
            assert!(
                p.assumptions[0].contains("needs email"),
                "{:?}",
                p.assumptions
            );
        }
        // a boto3 keyword argument, whole or nested
        let action: Action = serde_json::from_value(serde_json::json!({
            "id": "put", "label": "Put", "call": "put_object",
            "kwargs": {"Key": "{field:key}", "Tags": {"Name": "{field:name}"}, "Body": "{json}"},
            "required": ["Key", "Tags.Name", "Body"]
        }))
        .unwrap();
        assert_eq!(required_record_fields(&action), ["key", "name"]);
        // settings and fixed values need nothing from the record
        for (tool, action) in [("aws_s3", "put_object"), ("redis", "increment")] {
            let mut p = plan(Delivery::Schedule, &[(tool, action)]);
            fill(&catalog, &mut p);
            assert!(p.assumptions.is_empty(), "{tool}: {:?}", p.assumptions);
        }
    }

    #[test]
    fn a_record_that_carries_the_field_gets_no_setting() {
        assert!(carries(&["customer.phone_number".to_owned()], "phone"));
        assert!(!carries(&["text".to_owned()], "phone"));
    }
}
