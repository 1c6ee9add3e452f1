//! Required fields (and URL path segments) a step fills from its record (`"To": "{field:phone}"`) when the record it
//! gets does not carry them: a schedule's run record has no phone number, an AI step's answer
//! has only text. Such a field becomes a setting of the step (its parameter of the field's
//! name, an environment variable the user fills), stated in the assumptions, so the request is
//! never sent with the field empty; the code reads the record's field first and the setting
//! when it is missing (`python::expr`).
//!
//! Whether a record carries a field is judged the way the generated `_field` finds it: a key
//! equal to the name or containing it, at any depth of the catalog's documented fields reached
//! through objects (not through lists, which `_field` does not search), or the documented path
//! itself for a dotted name ([`documented_path`]).

use serde_json::Value;

use crate::catalog::{Action, Catalog, Field, FieldType, Role, Tool};
use crate::escape::ident;
use crate::model::{Delivery, Plan, PlannedTool};
use crate::python::record::RecordPaths;
use crate::values::ParamRule;

/// Adds a setting for every required `{field:…}` the step's input record is not known to
/// carry (its documented fields lack it, or it has none documented: a sheet's columns are the
/// user's), with an assumption saying so. Idempotent: a step that has the parameter keeps it.
pub(crate) fn fill(catalog: &Catalog, plan: &mut Plan) {
    for index in 0..plan.steps.len() {
        take_the_file_where_it_is(catalog, plan, index);
        state_the_file_fallback(catalog, plan, index);
        state_the_s3_fallback(catalog, plan, index);
    }
    for index in 0..plan.steps.len() {
        let step = &plan.steps[index];
        let Some(tool) = catalog.tool(&step.tool) else {
            continue;
        };
        let Some(action) = tool.action(&step.action) else {
            continue;
        };
        let carried = input_fields(catalog, plan, index);
        let paths: Option<Vec<String>> = carried
            .as_ref()
            .map(|c| c.iter().map(|(p, _)| p.clone()).collect());
        let answers = carried.as_deref().is_some_and(lists_answers);
        // a field the record documents under another name, whose words name it (an RSS
        // item's `link` for `url`), is read there (`python::record`)
        let input = input_source(catalog, plan, index);
        let named = match input {
            Input::Fields(fields) => RecordPaths::of(fields, false),
            _ => RecordPaths::default(),
        };
        // a record that may hold one e-mail address somewhere (a form's answers, a list of
        // addresses): an e-mail named otherwise (`work_email`) is read as its only one (R18-3)
        let holds_email = matches!(input, Input::Fields(fields) if may_hold_email(fields));
        // records that are no files are sent as one CSV file, which has its name (R11-6)
        let exported =
            crate::refs::sends_file(action) && !crate::python::carries_files(catalog, plan, index);
        let missing: Vec<String> = required_record_fields(action)
            .into_iter()
            .filter(|f| !step.params.contains_key(f) && !action.params.contains_key(f))
            .filter(|f| !(exported && f == "name"))
            .filter(|f| {
                !paths.as_ref().is_some_and(|c| carries(c, f)) && named.path_of(f).is_none()
            })
            .collect();
        for field in missing {
            let value = placeholder(tool, action, &field);
            // a field the vendor takes as a phone number (`_shaped`'s phone kinds) gets a
            // fictional E.164 number (555-0100), which the code sends as it would the user's: a
            // stand-in of another form would be refused as no phone number
            let phone = crate::python::shaped_slots(action)
                .iter()
                .find(|(_, _, f)| *f == field)
                .map(|(_, kind, _)| *kind);
            let value = match phone {
                // the stand-in `recipients::stand_in` knows; digits-alone vendors get its digits
                Some("phone" | "phone_digits") => "+15555550100".to_owned(),
                _ => value,
            };
            let setting = format!("{}_{}", ident(&tool.id), ident(&field)).to_ascii_uppercase();
            let id = &plan.steps[index].id;
            let note = if holds_email && crate::python::record::names_other_email(&field) {
                format!(
                    "{id} reads {field} from its record, else the record's only e-mail address (a form's one e-mail answer); when it holds none, or several, it sends the setting {setting} (now \"{value}\": set it before deploying)."
                )
            } else if answers {
                format!(
                    "{id} reads {field} from its record, which may list it among answers the catalog does not name (a form's own questions); when it has none it sends the setting {setting} (now \"{value}\": set it before deploying)."
                )
            } else if carried.is_some() {
                format!(
                    "{id} needs {field} from its record, which does not carry it; it sends the setting {setting} (now \"{value}\": set it before deploying)."
                )
            } else {
                format!(
                    "{id} reads {field} from its record, whose fields are not documented (a sheet's own columns, a custom payload); when a record has none it sends the setting {setting} (now \"{value}\": set it before deploying)."
                )
            };
            // a field the vendor takes as a number: the code refuses the stand-in (`_shaped`)
            let note = match phone {
                Some("number") => format!(
                    "{note} It takes a number: until the setting is one, the step refuses to send it."
                ),
                Some("phone" | "phone_digits") => format!(
                    "{note} It takes a phone in international form (E.164, +14155552345); the stand-in +15555550100 is fictional."
                ),
                _ => note,
            };
            plan.steps[index].params.insert(field, value);
            if !plan.assumptions.contains(&note) {
                plan.assumptions.push(note);
            }
        }
    }
}

/// A step whose tool reads its input only from an S3 location (Amazon Transcribe's
/// `MediaFileUri`, Textract's `S3Object`), on a record that documents no bucket and key but
/// refers to a file (a recording's download URL, a message's attachments): when the planner
/// chose the tool for a need ("No speech to text tool was named; using …"), the need's first
/// alternative that takes the file's bytes (`{file}`) does the step instead, and the
/// assumption says why. A tool the user named is kept. Idempotent.
fn take_the_file_where_it_is(catalog: &Catalog, plan: &mut Plan, index: usize) {
    let step = &plan.steps[index];
    let Some(tool) = catalog.tool(&step.tool) else {
        return;
    };
    let Some(action) = tool.action(&step.action) else {
        return;
    };
    let Input::Fields(fields) = input_source(catalog, plan, index) else {
        return;
    };
    let paths: Vec<&str> = fields.iter().map(|f| f.path.as_str()).collect();
    let located = ["bucket", "key"]
        .iter()
        .all(|n| documented_path(&paths, n).is_some());
    if !reads_s3_location(action) || located || !fields.iter().any(refers_to_file) {
        return;
    }
    let Some(need) = catalog
        .needs
        .iter()
        .find(|n| n.default == tool.id && n.action == action.id)
    else {
        return;
    };
    let chosen = format!("No {} tool was named; using {}", need.id, tool.name);
    let Some(at) = plan.assumptions.iter().position(|a| a.starts_with(&chosen)) else {
        return;
    };
    let Some((other, other_action)) = need.alternatives.iter().find_map(|id| {
        let t = catalog.tool(id)?;
        // the need's action, or one of the same role named differently (Document AI's process)
        let takes_file = |a: &&Action| a.unusable.is_none() && crate::refs::sends_file(a);
        let a = t.action(&need.action).filter(takes_file).or_else(|| {
            t.actions
                .iter()
                .find(|a| a.role == action.role && takes_file(a))
        })?;
        Some((t, a))
    }) else {
        return;
    };
    let old = tool.id.clone();
    let step = &mut plan.steps[index];
    step.tool = other.id.clone();
    step.action = other_action.id.clone();
    step.params
        .retain(|k, _| other_action.params.contains_key(k));
    // the other action's own settings, with their defaults (Document AI's processor)
    for (k, v) in &other_action.params {
        step.params.entry(k.clone()).or_insert_with(|| v.clone());
    }
    plan.assumptions[at] = format!(
        "No {} tool was named; using {}, which takes the file's bytes: {} reads only a file in S3, and the record {} gets refers to its file elsewhere (a download URL, an attachment); to use {} instead, upload the file to S3 first.",
        need.id, other.name, tool.name, step.id, tool.name
    );
    plan.name = plan.name.replace(&tool.name, &other.name);
    plan.summary = plan.summary.replace(&tool.name, &other.name);
    if !plan.steps.iter().any(|s| s.tool == old) {
        plan.tools.retain(|t| t.id != old);
    }
    add_credentials(
        plan,
        other,
        crate::refs::credentials_for(other, other_action),
    );
    // the trigger's file is fetched with its tool's own authorization, which its webhook
    // alone does not need (as `planner::assembly` gives it when a step sends a file)
    let source = plan.steps[..index].iter().any(|s| {
        catalog
            .tool(&s.tool)
            .and_then(|t| t.action(&s.action))
            .is_some_and(|a| a.role != Role::Write)
    });
    if !source && let Some(trigger) = plan.trigger.tool.as_deref().and_then(|t| catalog.tool(t)) {
        let creds = match trigger.actions.iter().find(|a| a.role == Role::Read) {
            Some(read) => crate::refs::credentials_for(trigger, read),
            None => crate::refs::api_credentials(trigger),
        };
        add_credentials(plan, trigger, creds);
    }
}

/// A step that sends its record's file and, when the record names none, the file at a URL
/// setting (`{file_or:image_url}`): when its records are not known to carry files (a payment, a
/// scheduled run's record), the assumptions name the setting and say the step refuses to run
/// until it holds the file's URL. Idempotent.
fn state_the_file_fallback(catalog: &Catalog, plan: &mut Plan, index: usize) {
    let step = &plan.steps[index];
    let Some(tool) = catalog.tool(&step.tool) else {
        return;
    };
    let Some(action) = tool.action(&step.action) else {
        return;
    };
    let Some(param) = crate::refs::file_fallback_param(action) else {
        return;
    };
    if crate::python::carries_files(catalog, plan, index) {
        return;
    }
    if let Input::Fields(fields) = input_source(catalog, plan, index) {
        let paths: Vec<&str> = fields.iter().map(|f| f.path.as_str()).collect();
        let located = ["bucket", "key"]
            .iter()
            .all(|n| documented_path(&paths, n).is_some());
        if located || fields.iter().any(refers_to_file) {
            return;
        }
    }
    let value = step
        .params
        .get(&param)
        .or_else(|| action.params.get(&param))
        .cloned()
        .unwrap_or_default();
    let setting = format!("{}_{}", ident(&tool.id), ident(&param)).to_ascii_uppercase();
    let note = format!(
        "{} sends the file its record names; its records name none, so it sends the file at the setting {setting} instead (now \"{value}\": set it to the file's https URL before deploying; until then the step refuses to run).",
        step.id
    );
    if !plan.assumptions.contains(&note) {
        plan.assumptions.push(note);
    }
}

/// A step that reads its file only from an S3 location (`{field:bucket}`, `{field:key}`: Amazon
/// Transcribe's `MediaFileUri`) whose record, and the record the workflow started from, are not
/// known to name an S3 object (a schedule's run, a Dropbox file, a model's answer): the bucket
/// and key become settings of the step (`…_BUCKET`, `…_KEY`, at stand-ins), stated in the
/// assumptions; the code reads the record's object first and refuses the stand-ins
/// (`python::expr`). Idempotent.
fn state_the_s3_fallback(catalog: &Catalog, plan: &mut Plan, index: usize) {
    let step = &plan.steps[index];
    let Some(tool) = catalog.tool(&step.tool) else {
        return;
    };
    let Some(action) = tool.action(&step.action) else {
        return;
    };
    if !reads_s3_location(action) {
        return;
    }
    let located = |fields: &[Field]| {
        let paths: Vec<&str> = fields.iter().map(|f| f.path.as_str()).collect();
        ["bucket", "key"]
            .iter()
            .all(|n| documented_path(&paths, n).is_some())
    };
    if let Input::Fields(fields) = input_source(catalog, plan, index)
        && located(fields)
    {
        return;
    }
    // the object the workflow started from (`_file_source`), whatever came between
    let t = &plan.trigger;
    let started_in_s3 = t
        .tool
        .as_deref()
        .and_then(|id| catalog.tool(id))
        .and_then(|tool| tool.events.iter().find(|e| Some(&e.id) == t.event.as_ref()))
        .is_some_and(|e| located(&e.fields));
    if started_in_s3 {
        return;
    }
    let prefix = ident(&tool.id).to_ascii_uppercase();
    let id = step.id.clone();
    let step = &mut plan.steps[index];
    for field in ["bucket", "key"] {
        step.params
            .entry(field.to_owned())
            .or_insert_with(|| format!("your-{field}"));
    }
    let note = format!(
        "{id} reads its file from S3 only, and its records name no S3 object; it reads the object at the settings {prefix}_BUCKET and {prefix}_KEY (now \"your-bucket\" and \"your-key\": upload the file to S3 and set them before deploying; until then the step refuses to run)."
    );
    if !plan.assumptions.contains(&note) {
        plan.assumptions.push(note);
    }
}

/// `creds` added to the plan's entry for `tool` (made when it has none).
pub(crate) fn add_credentials(plan: &mut Plan, tool: &Tool, creds: Vec<String>) {
    match plan.tools.iter_mut().find(|t| t.id == tool.id) {
        Some(t) => {
            for c in creds {
                if !t.credentials.contains(&c) {
                    t.credentials.push(c);
                }
            }
        }
        None => plan.tools.push(PlannedTool {
            id: tool.id.clone(),
            name: tool.name.clone(),
            credentials: creds,
        }),
    }
}

/// Whether an action reads its input from the record's S3 bucket and key only.
fn reads_s3_location(action: &Action) -> bool {
    let text: String = action.kwargs.values().map(Value::to_string).collect();
    text.contains("{field:bucket}")
        && text.contains("{field:key}")
        && !crate::refs::sends_file(action)
}

/// Whether a documented field refers to a file the record does not carry (the catalog's
/// `file`), is the record's own `url`, or is a URL named for a file (`download_url`) reached
/// through objects, as the generated `_file_url` finds one: a URL nested under another name (a
/// video's `snippet.thumbnails.high.url`) is not the record's file, and one inside a list
/// (`recording_files.*.download_url` without the catalog's `file`) is not found.
fn refers_to_file(field: &Field) -> bool {
    const FILE_URL_WORDS: [&str; 10] = [
        "download",
        "file",
        "media",
        "content",
        "image",
        "photo",
        "audio",
        "video",
        "attachment",
        "pdf",
    ];
    let name = field
        .path
        .rsplit('.')
        .next()
        .unwrap_or(&field.path)
        .to_ascii_lowercase();
    let through_objects = field
        .path
        .split('.')
        .all(|k| k != "*" && k.parse::<usize>().is_err());
    field.file.is_some()
        || field.path == "url"
        || (through_objects
            && name.ends_with("url")
            && FILE_URL_WORDS.iter().any(|w| name.contains(w)))
}

/// The record fields inside a required text that are a recipient's address (`{field:email}`),
/// added to `out` once each.
fn addresses_in(text: &str, out: &mut Vec<String>) {
    let mut rest = text;
    while let Some((i, j)) = crate::refs::next_ref(rest) {
        if let Some(name) = rest[i + 1..j].strip_prefix("field:")
            && is_address(name)
            && !out.iter().any(|o| o == name)
        {
            out.push(name.to_owned());
        }
        rest = &rest[j + 1..];
    }
}

/// Every text inside a JSON value, in order.
fn strings_in(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().flat_map(strings_in).collect(),
        Value::Object(o) => o.values().flat_map(strings_in).collect(),
        _ => Vec::new(),
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
            // a required field sent as JSON text (Expensify's job description, `json_text`):
            // its texts are inside one required text, as below
            let inner = if v.is_object() {
                strings_in(v)
            } else {
                Vec::new()
            };
            let Some(text) = v.as_str() else {
                for text in inner {
                    addresses_in(text, &mut out);
                }
                continue;
            };
            if let Some(name) = text
                .strip_prefix("{field:")
                .and_then(|s| s.strip_suffix('}'))
                .filter(|n| !n.contains(['{', '}', ':']))
            {
                if !out.iter().any(|o| o == name) {
                    out.push(name.to_owned());
                }
                continue;
            }
            // inside a longer required text, which the code refuses to send without it
            // (`_part`): a recipient's address, which a setting can stand for; the record's
            // own data (an amount, a merchant) no setting can
            addresses_in(text, &mut out);
        }
    }
    out
}

/// Whether a field names a recipient's address (an e-mail address, a phone number).
fn is_address(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["email", "phone"].iter().any(|w| name.contains(w))
}

/// The value at a dotted path (`Invoices.0.Contact.Name`) of a request template.
fn at_path<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(value, |v, key| match v {
        Value::Object(m) => m.get(key),
        Value::Array(a) => key.parse::<usize>().ok().and_then(|i| a.get(i)),
        _ => None,
    })
}

/// What the record step `index` gets is known to hold.
enum Input<'c> {
    /// A transform's answer: `{"text": …}`.
    Text,
    /// The run record of a schedule or a direct invocation: the run's time.
    Run,
    /// An event's or a read action's documented fields.
    Fields(&'c [Field]),
    /// Fields nobody documents (a sheet's columns, a custom payload).
    Unknown,
}

fn input_source<'c>(catalog: &'c Catalog, plan: &Plan, index: usize) -> Input<'c> {
    let action_of = |tool: &str, action: &str| catalog.tool(tool).and_then(|t| t.action(action));
    let previous = plan.steps[..index]
        .iter()
        .rev()
        .find_map(|s| action_of(&s.tool, &s.action).filter(|a| a.role != Role::Write));
    if let Some(a) = previous {
        return if a.text.is_some() {
            Input::Text
        } else if a.fields.is_empty() {
            Input::Unknown
        } else {
            Input::Fields(&a.fields)
        };
    }
    match plan.trigger.delivery {
        Delivery::Schedule | Delivery::Direct => Input::Run,
        _ => {
            let t = &plan.trigger;
            let event = t
                .tool
                .as_deref()
                .and_then(|id| catalog.tool(id))
                .and_then(|tool| tool.events.iter().find(|e| Some(&e.id) == t.event.as_ref()));
            match event {
                Some(e) if !e.fields.is_empty() => Input::Fields(&e.fields),
                _ => Input::Unknown,
            }
        }
    }
}

/// The documented fields (path, type) of the record step `index` gets; `None` when they are
/// not known (a setting then stands in when the record has none).
fn input_fields(catalog: &Catalog, plan: &Plan, index: usize) -> Option<Vec<(String, FieldType)>> {
    match input_source(catalog, plan, index) {
        // a transform answering text: its record is {"text": …}
        Input::Text => Some(vec![("text".to_owned(), FieldType::String)]),
        // the run record: the run's time and what the run was given
        Input::Run => Some(vec![("time".to_owned(), FieldType::Datetime)]),
        Input::Fields(fields) => Some(fields.iter().map(|f| (f.path.clone(), f.kind)).collect()),
        Input::Unknown => None,
    }
}

/// Whether the documented fields include answers whose names the catalog cannot know (a form's
/// questions), which `_field` reads by name: a list of name and value pairs
/// (`field_data.*.name` with `field_data.*.values`).
/// Whether a record with these documented fields may hold an e-mail address the generated
/// `_reading` finds as its only one: a field whose key or words name an e-mail (inside a list
/// too), or a form's answers (`answers`, whose questions are the form's own).
fn may_hold_email(fields: &[Field]) -> bool {
    let folded = crate::python::record::fold;
    fields.iter().any(|f| {
        let key = f.path.rsplit('.').next().unwrap_or(&f.path);
        folded(key).ends_with("email")
            || f.words.iter().any(|w| folded(w).ends_with("email"))
            || (f.kind == FieldType::Array
                && (key == "answers" || f.words.iter().any(|w| w == "answers")))
    })
}

fn lists_answers(fields: &[(String, FieldType)]) -> bool {
    fields.iter().any(|(path, _)| {
        path.strip_suffix(".*.name").is_some_and(|list| {
            fields
                .iter()
                .any(|(p, _)| *p == format!("{list}.*.value") || *p == format!("{list}.*.values"))
        })
    })
}

/// Whether a record with these documented field paths has `name` where `_field` finds it.
fn carries(paths: &[String], name: &str) -> bool {
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    documented_path(&paths, name).is_some()
}

/// The documented path (of `paths`) where the generated `_field(record, name)` finds `name`:
/// the path itself for a dotted name (`calculated.score`, `items.*.amount`), else the
/// shallowest key equal to the name or containing it, reached through objects only (`_field`
/// does not look inside lists: a Gmail message's `payload.parts.*.filename` is no `name`).
/// `None` when no documented field is found so.
pub(crate) fn documented_path<'p>(paths: &[&'p str], name: &str) -> Option<&'p str> {
    if name.contains('.') {
        let wanted: Vec<&str> = name.split('.').collect();
        return paths.iter().copied().find(|p| {
            let keys: Vec<&str> = p.split('.').collect();
            keys.len() >= wanted.len()
                && wanted
                    .iter()
                    .zip(&keys)
                    .all(|(w, k)| w == k || (*k == "*" && w.parse::<usize>().is_ok()))
        });
    }
    // (depth, not exact, path): the shallowest, an equal key before one containing the name
    let mut best: Option<(usize, bool, &str)> = None;
    for p in paths {
        for (depth, key) in p.split('.').enumerate() {
            if key == "*" || key.parse::<usize>().is_ok() {
                break;
            }
            let exact = key == name;
            if exact || key.to_ascii_lowercase().contains(name) {
                let rank = (depth, !exact, *p);
                if best.is_none_or(|b| (rank.0, rank.1) < (b.0, b.1)) {
                    best = Some(rank);
                }
                break;
            }
        }
    }
    best.map(|(_, _, p)| p)
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
        assert_eq!(p.steps[0].params["phone"], "+15555550100");
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

    /// bind10: a setting standing for a field the vendor takes as a number (QuickBooks'
    /// `Line.Amount`, its example shows 100) says the step refuses its stand-in; a text field's
    /// (Twilio's `To`, QuickBooks' customer id) does not.
    #[test]
    fn a_number_fields_setting_says_the_step_refuses_its_stand_in() {
        let catalog = Catalog::builtin().unwrap();
        let mut p = plan(Delivery::Schedule, &[("quickbooks", "create_invoice")]);
        fill(&catalog, &mut p);
        assert_eq!(p.steps[0].params["amount"], "your-amount");
        let about = |field: &str| {
            p.assumptions
                .iter()
                .find(|a| a.contains(&format!("needs {field} ")))
                .cloned()
                .unwrap_or_default()
        };
        assert!(
            about("amount").contains("It takes a number"),
            "{:?}",
            p.assumptions
        );
        assert!(!about("customer_id").is_empty(), "{:?}", p.assumptions);
        assert!(
            !about("customer_id").contains("number"),
            "{:?}",
            p.assumptions
        );
        let mut p = plan(Delivery::Schedule, &[("twilio", "send_sms")]);
        fill(&catalog, &mut p);
        assert!(!p.assumptions[0].contains("number"), "{:?}", p.assumptions);
    }

    #[test]
    fn a_record_of_unknown_fields_gets_the_setting_as_a_fallback() {
        let catalog = Catalog::builtin().unwrap();
        // a generic webhook's record may carry it or not: the record's field first, the setting
        // when it has none, never an empty field
        let mut p = plan(Delivery::Http, &[("twilio", "send_sms")]);
        fill(&catalog, &mut p);
        assert_eq!(p.steps[0].params["phone"], "+15555550100");
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

    #[test]
    fn a_field_is_carried_only_where_field_finds_it_not_inside_lists() {
        let paths = |ps: &[&str]| ps.iter().map(|p| (*p).to_owned()).collect::<Vec<_>>();
        // through objects, at any depth: `_field` recurses into nested objects
        assert!(carries(
            &paths(&["payload.headers", "billing_details.email"]),
            "email"
        ));
        // not through a list: `_field` does not look inside one (a message part's filename is
        // no `name` of the message)
        assert!(!carries(&paths(&["payload.parts.*.filename"]), "name"));
        assert!(!carries(&paths(&["templateRoles.0.email"]), "email"));
        // `_field` lowers the key, not the name: `Id` is found only as the key itself
        assert!(carries(&paths(&["Id"]), "Id"));
        assert!(!carries(&paths(&["id"]), "Id"));
        assert!(carries(&paths(&["DisplayName"]), "name"));
        // a dotted name is its documented path (a list index matches `*`), nothing else
        assert!(carries(&paths(&["items.*.amount"]), "items.0.amount"));
        assert!(carries(&paths(&["calculated.score"]), "calculated.score"));
        assert!(!carries(&paths(&["score"]), "calculated.score"));
        // the shallowest, an equal key before one containing the name
        let found = |ps: &[&'static str], n| documented_path(ps, n);
        assert_eq!(
            found(&["contact.email", "email_verified", "email"], "email"),
            Some("email")
        );
        assert_eq!(
            found(&["contact.email", "work_email"], "email"),
            Some("work_email")
        );
        assert_eq!(found(&["parts.*.email"], "email"), None);
    }

    #[test]
    fn a_field_only_inside_a_list_gets_a_setting_and_one_outside_does_not() {
        let catalog = Catalog::builtin().unwrap();
        // a Gmail message documents a `name` only as its parts' `filename` (inside a list):
        // QuickBooks' required DisplayName gets a setting, the request never goes out empty
        let mut p = plan(Delivery::Http, &[("quickbooks", "create_customer")]);
        p.trigger.tool = Some("gmail".into());
        p.trigger.event = Some("new_email".into());
        fill(&catalog, &mut p);
        assert_eq!(
            p.steps[0].params["name"], "your-name",
            "{:?}",
            p.assumptions
        );
        assert!(
            p.assumptions[0].contains("does not carry it"),
            "{:?}",
            p.assumptions
        );
        // a Stripe customer documents its name: no setting
        let mut p = plan(Delivery::Http, &[("quickbooks", "create_customer")]);
        p.trigger.tool = Some("stripe".into());
        p.trigger.event = Some("customer_created".into());
        fill(&catalog, &mut p);
        assert!(
            !p.steps[0].params.contains_key("name"),
            "{:?}",
            p.assumptions
        );
    }

    #[test]
    fn listed_answers_may_carry_the_field_and_the_assumption_says_so() {
        let catalog = Catalog::builtin().unwrap();
        // a lead's answers are the form's own questions: the record is read first, the setting
        // stands in, and the assumption does not claim the record lacks the field
        let mut p = plan(Delivery::Http, &[("twilio", "send_sms")]);
        p.trigger.tool = Some("facebook".into());
        p.trigger.event = Some("lead".into());
        fill(&catalog, &mut p);
        assert_eq!(p.steps[0].params["phone"], "+15555550100");
        assert!(
            p.assumptions[0].contains("may list it among answers"),
            "{:?}",
            p.assumptions
        );
        // documented fields without listed answers are no such record
        let fields = |ps: &[&str]| {
            ps.iter()
                .map(|p| ((*p).to_owned(), FieldType::String))
                .collect::<Vec<_>>()
        };
        assert!(lists_answers(&fields(&[
            "field_data.*.name",
            "field_data.*.values"
        ])));
        assert!(!lists_answers(&fields(&[
            "labels.*.name",
            "labels.*.color"
        ])));
    }

    /// A plan whose trigger is `tool`'s `event` and whose one step is Amazon Transcribe, chosen
    /// by the planner for the need (`named`: the user named it).
    fn transcribe_after(tool: &str, event: &str, delivery: Delivery, named: bool) -> Plan {
        let mut p = plan(delivery, &[("amazon_transcribe", "transcribe")]);
        p.trigger.tool = Some(tool.into());
        p.trigger.event = Some(event.into());
        p.tools = vec![PlannedTool {
            id: "amazon_transcribe".into(),
            name: "Amazon Transcribe".into(),
            credentials: Vec::new(),
        }];
        if !named {
            p.assumptions.push(
                "No speech to text tool was named; using Amazon Transcribe (alternatives: OpenAI)."
                    .into(),
            );
        }
        p
    }

    #[test]
    fn an_s3_only_tool_on_a_file_outside_s3_gives_way_to_one_that_takes_the_bytes() {
        let catalog = Catalog::builtin().unwrap();
        // a recording's file is at its download URL, not in S3
        let mut p = transcribe_after("zoom", "recording_completed", Delivery::Http, false);
        fill(&catalog, &mut p);
        let step = &p.steps[0];
        let taker = catalog.tool(&step.tool).unwrap();
        assert_ne!(step.tool, "amazon_transcribe", "{:?}", p.assumptions);
        assert!(crate::refs::sends_file(taker.action(&step.action).unwrap()));
        assert!(
            p.tools
                .iter()
                .any(|t| t.id == step.tool && !t.credentials.is_empty())
        );
        assert!(
            !p.tools.iter().any(|t| t.id == "amazon_transcribe"),
            "{:?}",
            p.tools
        );
        // the recording is fetched with Zoom's own authorization
        let zoom = p.tools.iter().find(|t| t.id == "zoom").unwrap();
        assert!(!zoom.credentials.is_empty(), "{:?}", p.tools);
        assert_eq!(p.assumptions.len(), 1, "{:?}", p.assumptions);
        assert!(
            p.assumptions[0].contains("reads only a file in S3")
                && p.assumptions[0].contains(&taker.name),
            "{:?}",
            p.assumptions
        );
        // again: nothing more
        let before = p.clone();
        fill(&catalog, &mut p);
        assert_eq!(p.steps[0].tool, before.steps[0].tool);
        assert_eq!(p.assumptions, before.assumptions);
    }

    #[test]
    fn an_s3_only_tool_stays_where_the_file_is_in_s3_or_was_named_or_there_is_no_file() {
        let catalog = Catalog::builtin().unwrap();
        // an S3 upload carries its bucket and key
        let mut p = transcribe_after("aws_s3", "object_created", Delivery::S3, false);
        fill(&catalog, &mut p);
        assert_eq!(p.steps[0].tool, "amazon_transcribe");
        // the user named the tool: kept
        let mut p = transcribe_after("zoom", "recording_completed", Delivery::Http, true);
        fill(&catalog, &mut p);
        assert_eq!(p.steps[0].tool, "amazon_transcribe");
        // a record without any file (a picture's URL nested in it is no recording): no tool
        // would take what is not there
        let mut p = transcribe_after("zoom", "meeting_ended", Delivery::Http, false);
        fill(&catalog, &mut p);
        assert_eq!(p.steps[0].tool, "amazon_transcribe");
        let mut p = transcribe_after("youtube", "new_video", Delivery::Poll, false);
        fill(&catalog, &mut p);
        assert_eq!(p.steps[0].tool, "amazon_transcribe");
        // a file URL the catalog documents only inside a list, with no way to fetch it
        let listed: Field = serde_json::from_value(serde_json::json!({
            "path": "recording_files.*.download_url", "type": "string", "description": "d"
        }))
        .unwrap();
        assert!(!refers_to_file(&listed));
        let own: Field = serde_json::from_value(serde_json::json!({
            "path": "media.download_url", "type": "string", "description": "d"
        }))
        .unwrap();
        assert!(refers_to_file(&own));
    }

    #[test]
    fn an_address_inside_a_required_text_gets_a_setting_and_the_records_data_does_not() {
        let catalog = Catalog::builtin().unwrap();
        // Expensify's job description is one required text holding the employee's e-mail
        let mut p = plan(Delivery::Schedule, &[("expensify", "create_expense")]);
        fill(&catalog, &mut p);
        assert_eq!(
            p.steps[0].params["email"], "your-email",
            "{:?}",
            p.steps[0].params
        );
        assert!(
            p.assumptions[0].contains("EXPENSIFY_EMAIL"),
            "{:?}",
            p.assumptions
        );
        // the expense's own data is the record's: no fixed setting stands for it
        for data in ["amount", "merchant", "date", "currency"] {
            assert!(
                !p.steps[0].params.contains_key(data),
                "{data}: {:?}",
                p.steps[0].params
            );
        }
        let action: Action = serde_json::from_value(serde_json::json!({
            "id": "note", "label": "Note", "method": "POST", "path": "/x",
            "body": {"job": "{\"to\":\"{field:phone}\",\"n\":{field:amount}}", "memo": "{field:work_email} {field:name}"},
            "required": ["job"]
        }))
        .unwrap();
        // only required texts; the optional memo's address is no setting
        assert_eq!(required_record_fields(&action), ["phone"]);
    }
}
