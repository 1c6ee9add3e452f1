//! Sample events, in the shapes AWS delivers them, for a plan's trigger: an EventBridge
//! scheduled event, a function URL request carrying the trigger event's documented delivery
//! (to be signed by the harness with a test secret, see [`Signing`]), the catalog's S3, SQS and
//! Kinesis examples, or a direct invocation's `{"items": [...]}`.
//!
//! The item the workflow receives is the catalog event's example (or a record made from its
//! `fields`), changed so that the trigger's filter and the conditions on the trigger's items
//! hold, so every step runs.

use std::sync::OnceLock;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::simulator::{record_of, set_path};
use crate::catalog::{
    Catalog, Event, JwtAlgorithm, SecretEncoding, SignatureEncoding, TimeUnit, TokenIn, Tool,
    Verify, WebhookBody,
};
use crate::model::{CompareOp, Condition, Delivery, Plan};
use crate::python::plan_sends_file;

const DELIVERIES_JSON: &str = include_str!("../../data/dryrun/deliveries.json");

/// An envelope AWS delivers, as documented (`data/dryrun/deliveries.json`).
#[derive(Debug, Deserialize)]
struct Envelope {
    example: Value,
}

#[derive(Debug, Deserialize)]
struct Envelopes {
    schedule: Envelope,
    http: Envelope,
}

fn envelopes() -> Option<&'static Envelopes> {
    static PARSED: OnceLock<Option<Envelopes>> = OnceLock::new();
    PARSED
        .get_or_init(|| serde_json::from_str(DELIVERIES_JSON).ok())
        .as_ref()
}

/// How the harness signs a function URL request so the workflow's check accepts it; the secret
/// is named by its credential and read from the run's environment.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Signing {
    Hmac {
        header: String,
        /// The query parameter the signature goes in instead of a header (PandaDoc).
        query: Option<String>,
        prefix: String,
        algorithm: &'static str,
        encoding: &'static str,
        /// `{body}`, `{timestamp}`, `{url}`, `{method}`, `{form_sorted}`, `{header:<name>}`.
        signed: String,
        /// `key=value` pairs: `{separator, assign, signature, timestamp}`.
        pairs: Option<Value>,
        /// `header:<name>`, `pair:<key>` or `body:<path>`.
        timestamp_from: Option<String>,
        milliseconds: bool,
        /// The timestamp is ISO 8601 text.
        iso8601: bool,
        secret: String,
        secret_base64: bool,
    },
    Token {
        header: String,
        /// The top-level body field the secret goes in instead of a header (Figma).
        body_field: Option<String>,
        prefix: String,
        secret: String,
    },
    /// A JSON Web Token (HS256) in `header`, with `iss` and the body's digest in `digest_claim`;
    /// or (`in_body`) the delivery's claims as the body, RS256 under a key pair the harness
    /// makes for the run, its public key then the secret's value (Wix).
    Jwt {
        header: String,
        in_body: bool,
        /// `HS256` or `RS256`.
        algorithm: &'static str,
        prefix: String,
        issuer: Option<String>,
        digest_claim: Option<String>,
        /// `hashlib`'s name of the body digest and its encoding (`hex`, `base64`).
        digest_algorithm: &'static str,
        digest_encoding: &'static str,
        secret: String,
    },
    UrlSecret {
        query: String,
        secret: String,
    },
}

impl Signing {
    /// The credential holding the key.
    pub fn secret(&self) -> &str {
        match self {
            Self::Hmac { secret, .. }
            | Self::Token { secret, .. }
            | Self::Jwt { secret, .. }
            | Self::UrlSecret { secret, .. } => secret,
        }
    }

    fn from_verify(verify: &Verify) -> Option<Self> {
        Some(match verify {
            Verify::Hmac {
                header,
                query,
                algorithm,
                encoding,
                prefix,
                signed,
                pairs,
                timestamp,
                secret,
                secret_encoding,
                ..
            } => Self::Hmac {
                header: header.to_ascii_lowercase(),
                query: query.clone(),
                prefix: prefix.clone(),
                algorithm: algorithm.hashlib_name(),
                encoding: match encoding {
                    SignatureEncoding::Hex => "hex",
                    SignatureEncoding::Base64 => "base64",
                },
                signed: signed.clone(),
                pairs: pairs.as_ref().map(|p| {
                    json!({"separator": p.separator, "assign": p.assign, "signature": p.signature, "timestamp": p.timestamp})
                }),
                timestamp_from: timestamp.as_ref().map(|t| t.from.clone()),
                milliseconds: timestamp
                    .as_ref()
                    .is_some_and(|t| t.unit == TimeUnit::Milliseconds),
                iso8601: timestamp
                    .as_ref()
                    .is_some_and(|t| t.unit == TimeUnit::Iso8601),
                secret: secret.clone(),
                secret_base64: *secret_encoding == SecretEncoding::Base64,
            },
            Verify::Token {
                header,
                body_field,
                prefix,
                secret,
            } => Self::Token {
                header: header.to_ascii_lowercase(),
                body_field: body_field.clone(),
                prefix: prefix.clone(),
                secret: secret.clone(),
            },
            Verify::Jwt {
                header,
                token_in,
                algorithm,
                prefix,
                secret,
                issuer,
                body_digest,
            } => Self::Jwt {
                header: header.to_ascii_lowercase(),
                in_body: *token_in == TokenIn::Body,
                algorithm: match algorithm {
                    JwtAlgorithm::Hs256 => "HS256",
                    JwtAlgorithm::Rs256 => "RS256",
                },
                prefix: prefix.clone(),
                issuer: issuer.clone(),
                digest_claim: body_digest.as_ref().map(|d| d.claim.clone()),
                digest_algorithm: body_digest
                    .as_ref()
                    .map_or("sha256", |d| d.algorithm.hashlib_name()),
                digest_encoding: match body_digest.as_ref().map(|d| d.encoding) {
                    Some(SignatureEncoding::Base64) => "base64",
                    _ => "hex",
                },
                secret: secret.clone(),
            },
            Verify::UrlSecret { query, secret } => Self::UrlSecret {
                query: query.clone(),
                secret: secret.clone(),
            },
            Verify::VendorApi { .. } => return None,
        })
    }
}

/// What the run is started with.
#[derive(Debug, Clone)]
pub struct SampleEvent {
    pub event: Value,
    /// For function URL requests: how to sign them (every scheme the catalog names for the
    /// trigger, applied in order, so the check passes whichever the code verifies).
    pub signing: Vec<Signing>,
}

/// The trigger's catalog tool and event.
fn trigger_event<'c>(catalog: &'c Catalog, plan: &Plan) -> Option<(&'c Tool, &'c Event)> {
    let tool = catalog.tool(plan.trigger.tool.as_deref()?)?;
    let event = tool
        .events
        .iter()
        .find(|e| Some(e.id.as_str()) == plan.trigger.event.as_deref())?;
    Some((tool, event))
}

/// The sample event for a plan's trigger.
pub fn sample_event(catalog: &Catalog, plan: &Plan) -> SampleEvent {
    let trigger = trigger_event(catalog, plan);
    let mut item = sample_item(plan, trigger.map(|(_, e)| e));
    if let Some((_, e)) = trigger {
        refer_to_files(&mut item, &e.fields);
    }
    let documented = trigger.map_or(&[][..], |(_, e)| &e.fields[..]);
    for name in fields_read(catalog, plan) {
        add_read_field(&mut item, &name, documented);
    }
    if documented.is_empty() && fetches_file_by_url(catalog, plan) {
        // a vendor that fetches the file itself (`{file_url}`: Pinterest, Deepgram) is sent
        // the record's file URL, which the plan's assumptions say the sender gives: a record
        // nobody documents (a webhook's, a manual run's) names one where the sample file is
        // served, as it names a file for an upload form
        add_field(&mut item, "url");
    }
    let now = chrono::Utc::now();
    let mut signing = Vec::new();
    let event = match plan.trigger.delivery {
        Delivery::Schedule | Delivery::Poll => {
            let mut e = envelopes().map_or_else(|| json!({}), |e| e.schedule.example.clone());
            e["time"] = json!(now.format("%Y-%m-%dT%H:%M:%SZ").to_string());
            e
        }
        Delivery::Direct => json!({"items": [item]}),
        Delivery::Http if plan.trigger.tool.is_none() && plan_sends_file(catalog, plan) => {
            // the function's own URL as an upload form: the handler reads its files
            let (content_type, body) = upload_form(&item);
            let mut e = envelopes().map_or_else(|| json!({}), |e| e.http.example.clone());
            e["headers"]["content-type"] = json!(content_type);
            e["body"] = json!(base64::engine::general_purpose::STANDARD.encode(body));
            e["isBase64Encoded"] = json!(true);
            e["requestContext"]["timeEpoch"] = json!(now.timestamp_millis());
            signing = signings(catalog, None);
            e
        }
        Delivery::Http => {
            let (headers, body) = http_delivery(plan, trigger, item);
            // the trigger's tool decides the scheme even when its event is not known
            let tool = plan.trigger.tool.as_deref().and_then(|t| catalog.tool(t));
            signing = signings(catalog, tool);
            let mut e = envelopes().map_or_else(|| json!({}), |e| e.http.example.clone());
            if let Some(map) = e["headers"].as_object_mut() {
                for (k, v) in headers {
                    map.insert(k.to_ascii_lowercase(), json!(v));
                }
            }
            e["body"] = json!(body);
            e["requestContext"]["timeEpoch"] = json!(now.timestamp_millis());
            e
        }
        Delivery::S3 | Delivery::Sqs | Delivery::Kinesis => aws_batch(plan, trigger, item),
        Delivery::DynamodbStream => dynamodb_batch(trigger, &item),
        Delivery::Kafka => kafka_batch(trigger, &item),
    };
    SampleEvent { event, signing }
}

/// Whether a step of the plan has its vendor fetch the record's file by URL (`{file_url}`)
/// and none sends the file's bytes, which an upload form would carry instead.
fn fetches_file_by_url(catalog: &Catalog, plan: &Plan) -> bool {
    !plan_sends_file(catalog, plan)
        && plan.steps.iter().any(|s| {
            step_action(catalog, s).is_some_and(|a| crate::refs::file_url_seconds(a).is_some())
        })
}

/// A `multipart/form-data` upload (a browser's form posting a file) of the item's text fields
/// and one sample file: its content type (with the boundary) and its bytes.
fn upload_form(item: &Value) -> (String, Vec<u8>) {
    const BOUNDARY: &str = "cue-dry-run-boundary";
    let mut body = Vec::new();
    if let Some(fields) = item.as_object() {
        for (name, value) in fields {
            let text = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            body.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{text}\r\n"
                )
                .as_bytes(),
            );
        }
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"sample.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(super::simulator::SAMPLE_FILE.as_bytes());
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

/// The item: the event's documented one, or a record of its fields; then made to satisfy the
/// trigger's filter and the conditions of steps that read the trigger's items.
fn sample_item(plan: &Plan, event: Option<&Event>) -> Value {
    let documented = event.and_then(|e| {
        let body = &e.example.as_ref()?.body;
        // a batched delivery's sample holds one unit: the item is in the first
        let item_path = match (&e.batch, e.item_path.as_deref()) {
            (Some(_), p) => Some(e.delivery_path(p.unwrap_or(""))),
            (None, p) => p.map(str::to_owned),
        };
        match (e.delivery, item_path.as_deref()) {
            (crate::catalog::EventDelivery::Http, Some(path)) => Some(
                path.split('.')
                    .try_fold(body, |v, k| match v {
                        // `entry.0.changes.0.value`: a number steps into a list
                        Value::Array(items) => items.get(k.parse::<usize>().ok()?),
                        _ => v.get(k),
                    })?
                    .clone(),
            ),
            (crate::catalog::EventDelivery::Http, None) => Some(body.clone()),
            // a stream record's item as the handler hands it on: its image as plain values
            (crate::catalog::EventDelivery::DynamodbStream, _) => {
                let record = body.get("Records")?.get(0)?;
                let change = record.get("dynamodb")?;
                let image = change
                    .get("NewImage")
                    .or_else(|| change.get("OldImage"))
                    .or_else(|| change.get("Keys"))?;
                let mut item = ddb_plain_map(image)?;
                if let Some(name) = record.get("eventName") {
                    item["eventName"] = name.clone();
                }
                Some(item)
            }
            _ => None,
        }
    });
    let mut item = match documented {
        Some(v @ Value::Object(_)) => v,
        Some(Value::Array(mut items)) if items.first().is_some_and(Value::is_object) => {
            items.swap_remove(0)
        }
        _ => {
            let mut r = record_of(event.map_or(&[][..], |e| &e.fields));
            if event.is_none() {
                r["text"] = json!("A sample record from Cue's dry run");
            }
            r
        }
    };
    for c in trigger_conditions(plan) {
        satisfy(&mut item, c);
    }
    item
}

/// The trigger's filter and the conditions of the steps that see the trigger's items (those
/// before the first step that reads or transforms).
pub(crate) fn trigger_conditions(plan: &Plan) -> Vec<&Condition> {
    let mut out: Vec<&Condition> = plan.trigger.filter.iter().collect();
    for step in &plan.steps {
        if step.for_each.as_deref().is_some_and(|f| f != "trigger") {
            break;
        }
        if let Some(c) = &step.condition {
            out.push(c);
        }
        if step.for_each.is_none() && step_reads(step.action.as_str()) {
            break;
        }
    }
    out
}

/// A cheap stand-in for the catalog role, used only to stop at the first list-reading step.
fn step_reads(action: &str) -> bool {
    ["list", "get", "search", "read", "fetch", "query", "poll"]
        .iter()
        .any(|w| action.starts_with(w))
}

/// Sets the condition's field on a record so that the condition holds.
pub(crate) fn satisfy(record: &mut Value, c: &Condition) {
    let number = c.value.trim().parse::<f64>().ok();
    let value = match (c.op, number) {
        (CompareOp::Gt, Some(n)) => json!(n + 1.0),
        (CompareOp::Lt, Some(n)) => json!(n - 1.0),
        (CompareOp::Ge | CompareOp::Le | CompareOp::Eq, Some(n)) => json!(n),
        (CompareOp::Ne, Some(n)) => json!(n + 1.0),
        (CompareOp::Ne, None) => json!(format!("not {}", c.value)),
        (CompareOp::Contains, _) => json!(format!("sample {} text", c.value)),
        (_, None) => json!(c.value),
    };
    set_path(record, &c.field, value);
}

/// The record fields the plan's steps read (`{field:email}`, `{field_or:title:subject}`).
pub(crate) fn fields_read(catalog: &Catalog, plan: &Plan) -> Vec<String> {
    let mut names = Vec::new();
    for step in &plan.steps {
        let Some(action) = step_action(catalog, step) else {
            continue;
        };
        let mut texts: Vec<String> = action.path.iter().cloned().collect();
        texts.extend(action.body.iter().map(Value::to_string));
        texts.extend(action.query.values().map(Value::to_string));
        texts.extend(action.kwargs.values().map(Value::to_string));
        for text in texts {
            let mut rest = text.as_str();
            while let Some((i, j)) = crate::refs::next_ref(rest) {
                let r = &rest[i + 1..j];
                let name = r.strip_prefix("field:").or_else(|| {
                    r.strip_prefix("field_or:")
                        .and_then(|f| f.split(':').next())
                });
                if let Some(n) = name
                    && !names.iter().any(|x| x == n)
                {
                    names.push(n.to_owned());
                }
                rest = &rest[j + 1..];
            }
        }
    }
    names
}

/// The catalog action a plan's step calls.
pub(crate) fn step_action<'c>(
    catalog: &'c Catalog,
    step: &crate::model::Step,
) -> Option<&'c crate::catalog::Action> {
    catalog.tool(&step.tool)?.action(&step.action)
}

/// Whether generated code's `_field(record, name)` finds something: the documented path of a
/// dotted name, the key, a key containing the name, or the same in a nested object or among
/// listed answers; empty values (null, "", [], {}) are passed over as `_field` passes them.
fn has_field(record: &Value, name: &str) -> bool {
    let Some(map) = record.as_object() else {
        return false;
    };
    if name.contains('.')
        && at(record, &name.split('.').collect::<Vec<_>>()).is_some_and(|v| !empty(v))
    {
        return true;
    }
    map.iter()
        .any(|(k, v)| (k == name || k.to_lowercase().contains(name)) && !empty(v))
        || map.values().any(|v| v.is_object() && has_field(v, name))
        || map
            .values()
            .any(|v| named_answers(v).is_some_and(|a| has_field(&a, name)))
}

/// Whether a value says nothing, as `_empty` in the generated code judges it.
fn empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        _ => false,
    }
}

/// A list of `{name, values | value}` pairs as one record, as `_field` reads a Facebook
/// lead's `field_data`; `None` for any other value.
fn named_answers(value: &Value) -> Option<Value> {
    let pairs = value.as_array().filter(|p| !p.is_empty())?;
    let mut answers = serde_json::Map::new();
    for pair in pairs {
        let name = pair.get("name")?.as_str()?;
        let mut v = pair.get("values").or_else(|| pair.get("value"))?.clone();
        if let Value::Array(items) = &v
            && items.len() == 1
        {
            v = items[0].clone();
        }
        answers.insert(name.to_lowercase(), v);
    }
    Some(Value::Object(answers))
}

/// Makes a record refer to a file where its documented fields can (the catalog's `file`): a
/// message with attachments, a download URL the simulator answers, a file id; so a step that
/// needs the file's bytes fetches them.
pub(crate) fn refer_to_files(record: &mut Value, fields: &[crate::catalog::Field]) {
    for field in fields {
        let Some(file) = &field.file else {
            continue;
        };
        // the record's fields the fetch's path and headers read (`{field:id}`)
        let mut templates: Vec<String> = file.path.iter().cloned().collect();
        templates.extend(file.headers.values().map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }));
        for template in &templates {
            for name in crate::refs::field_refs(template) {
                add_field(record, name);
            }
        }
        let keys: Vec<&str> = field.path.split('.').collect();
        let present = at(record, &keys)
            .is_some_and(|v| !matches!(v, Value::Null | Value::Bool(false)) && v != "");
        if present && file.url.is_none() {
            continue;
        }
        let value = match (field.kind, &file.url) {
            (crate::catalog::FieldType::Boolean, _) => json!(true),
            // a URL the simulator's route for the file answers
            (_, Some(url)) => json!(fill_refs(url, "sample")),
            _ => json!("dry-run-file-1"),
        };
        set_path(record, &field.path, value);
    }
}

/// The value at a documented path (`*`: the first element of a list that has it).
fn at<'v>(value: &'v Value, keys: &[&str]) -> Option<&'v Value> {
    let Some((key, rest)) = keys.split_first() else {
        return Some(value);
    };
    match (value, *key) {
        (Value::Array(items), "*") => items.iter().find_map(|v| at(v, rest)),
        (Value::Array(items), k) => at(items.get(k.parse::<usize>().ok()?)?, rest),
        (Value::Object(map), k) => at(map.get(k)?, rest),
        _ => None,
    }
}

/// A template with every `{reference}` replaced by `value`.
fn fill_refs(template: &str, value: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some((i, j)) = crate::refs::next_ref(rest) {
        out.push_str(&rest[..i]);
        out.push_str(value);
        rest = &rest[j + 1..];
    }
    out.push_str(rest);
    out
}

/// Gives a record of undocumented fields (a generic webhook's payload, a sheet's columns: the
/// user's own) a plausible value for a field it lacks.
pub(crate) fn add_field(record: &mut Value, name: &str) {
    if !record.is_object() || has_field(record, name) {
        return;
    }
    set_path(record, name, plausible(name));
}

/// The field a step reads, on a record whose fields the catalog documents: where the record
/// lacks it, set at the documented path `_field` finds it at, with a value of the documented
/// type; a field the schema does not have is not made up (the step then meets what deployed
/// code would meet). Records without documented fields get a plausible value ([`add_field`]).
pub(crate) fn add_read_field(record: &mut Value, name: &str, fields: &[crate::catalog::Field]) {
    if fields.is_empty() {
        return add_field(record, name);
    }
    if !record.is_object() || has_field(record, name) {
        return;
    }
    let paths: Vec<&str> = fields.iter().map(|f| f.path.as_str()).collect();
    let Some(path) = crate::required::documented_path(&paths, name) else {
        return;
    };
    if let Some(field) = fields.iter().find(|f| f.path == path) {
        set_path(record, path, documented_value(field));
    }
}

/// The part of a field's path that says what the field holds: its last key, unless that is a
/// generic leaf (`value`, `address`, `number`) of a list or object named for an address or a
/// phone (Pipedrive's `emails.*.value`, Outlook's `from.emailAddress.address`), then that name.
pub(crate) fn kind_name(path: &str) -> &str {
    let mut keys = path.rsplit('.').filter(|k| *k != "*");
    let last = keys.next().unwrap_or(path);
    let generic = ["value", "address", "number"]
        .iter()
        .any(|g| last.eq_ignore_ascii_case(g));
    match keys.next() {
        Some(holder)
            if generic
                && ["email", "phone", "mobile"]
                    .iter()
                    .any(|w| holder.to_lowercase().contains(w)) =>
        {
            holder
        }
        _ => last,
    }
}

/// A value of a documented field's type, plausible for its name (an address in an e-mail field).
fn documented_value(field: &crate::catalog::Field) -> Value {
    use crate::catalog::FieldType;
    let name = kind_name(&field.path);
    match field.kind {
        FieldType::String => match plausible(name) {
            Value::String(s) => Value::String(s),
            other => Value::String(other.to_string()),
        },
        FieldType::Number => json!(42.5),
        FieldType::Integer => json!(42),
        FieldType::Boolean => json!(true),
        FieldType::Datetime => json!(chrono::Utc::now().to_rfc3339()),
        FieldType::Array => json!([plausible(name)]),
        FieldType::Object => json!({}),
    }
}

/// A plausible value for a field of this name (`email` -> an address; `start`, `end_time`,
/// `due` -> a time, as a calendar takes it).
pub(super) fn plausible(name: &str) -> Value {
    let n = name.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| n.contains(w));
    // a time's bound by name (`start`, `ends_at`, `check_in_start`), never a word that only
    // contains one (`sender`, `vendor`, `attendees`)
    let bound = n.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| {
        matches!(
            w,
            "start" | "end" | "starts" | "ends" | "due" | "checkin" | "checkout"
        )
    });
    if has(&["email"]) {
        json!("ada@example.com")
    } else if has(&["phone", "mobile"]) || n == "to" || n == "from" {
        json!("+15555550100")
    } else if has(&["url", "link", "image", "file", "href"]) {
        json!(super::simulator::SAMPLE_FILE_URL)
    } else if n.starts_with("first") {
        json!("Ada")
    } else if n.starts_with("last") {
        json!("Lovelace")
    } else if has(&["name", "company", "title", "subject"]) {
        json!(format!("Sample {}", name.replace('_', " ")))
    } else if has(&["country"]) {
        // ISO 3166-1 alpha-2, as addresses carry it (`country_code`, a shipping country)
        json!("US")
    } else if has(&["currency"]) {
        json!("USD")
    } else if has(&["amount", "price", "total", "quantity", "value"])
        || n.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w == "count" || w == "counts" || w.ends_with("count"))
    {
        json!(42.5)
    } else if bound || has(&["date", "time", "_at"]) {
        json!(chrono::Utc::now().to_rfc3339())
    } else if n == "id" || n.ends_with("id") {
        json!("1001")
    } else {
        json!(format!("sample {}", name.replace('_', " ")))
    }
}

/// The headers and the body of a webhook delivery carrying `item`.
/// `body` without the value at `path`.
fn remove_path(body: &mut Value, path: &str) {
    let (parent, key) = path.rsplit_once('.').unwrap_or(("", path));
    let target = if parent.is_empty() {
        Some(body)
    } else {
        parent
            .split('.')
            .try_fold(body, |v, k| v.as_object_mut()?.get_mut(k))
    };
    if let Some(Value::Object(map)) = target {
        map.remove(key);
    }
}

/// The object or list at `path` of `body` written as JSON text in its place.
fn json_as_text(body: &mut Value, path: &str) {
    let target = path
        .split('.')
        .try_fold(&mut *body, |v, k| v.as_object_mut()?.get_mut(k));
    if let Some(v) = target
        && (v.is_object() || v.is_array())
    {
        *v = Value::String(v.to_string());
    }
}

fn http_delivery(
    plan: &Plan,
    trigger: Option<(&Tool, &Event)>,
    item: Value,
) -> (Vec<(String, String)>, String) {
    let mut headers = vec![("content-type".to_owned(), "application/json".to_owned())];
    let Some((_, event)) = trigger else {
        return (headers, item.to_string());
    };
    let mut body = event
        .example
        .as_ref()
        .map_or_else(|| json!({}), |e| e.body.clone());
    match (&event.batch, event.item_path.as_deref()) {
        (None, None) => body = item,
        (None, Some(path)) => set_path(&mut body, path, item),
        // a batched delivery carrying one unit, the first
        (Some(_), path) => set_path(&mut body, &event.delivery_path(path.unwrap_or("")), item),
    }
    if let Some(example) = &event.example {
        for (k, v) in &example.headers {
            if !k.eq_ignore_ascii_case("content-type") {
                headers.push((k.to_ascii_lowercase(), v.clone()));
            }
        }
    }
    for (m, path) in event.matches_in_delivery() {
        match (&m.header, &path) {
            (Some(h), _) => {
                let value = m
                    .sample()
                    .as_str()
                    .map_or_else(|| m.sample().to_string(), str::to_owned);
                headers.retain(|(k, _)| !k.eq_ignore_ascii_case(h));
                headers.push((h.to_ascii_lowercase(), value));
            }
            // the example already holds what only has to be there
            (None, Some(_)) if m.present => {}
            // what must not be there is taken out (a Slack message's subtype)
            (None, Some(p)) if m.absent => remove_path(&mut body, p),
            // what must not be in a text (a recovery's `[Recovered`): the sample's own text
            (None, Some(_)) if !m.excludes.is_empty() => {}
            (None, Some(p)) => set_path(&mut body, p, m.sample().clone()),
            (None, None) => {}
        }
    }
    let _ = plan;
    let tool = trigger.map(|(t, _)| t);
    if let Some(w) = tool.and_then(|t| t.webhook.as_ref()) {
        // fields the vendor writes as JSON text (Jotform's rawRequest, Wix's data) are sent
        // so, the innermost first, for the handler to parse them back
        for path in w.json_text.iter().rev() {
            json_as_text(&mut body, path);
        }
    }
    if tool.and_then(|t| t.webhook.as_ref()).map(|w| w.body) == Some(WebhookBody::Form)
        && let Value::Object(fields) = &body
    {
        // the vendor posts a form (Gumroad's ping, Twilio, Mailchimp): the handler parses one
        headers.retain(|(k, _)| k != "content-type");
        headers.insert(
            0,
            (
                "content-type".to_owned(),
                "application/x-www-form-urlencoded".to_owned(),
            ),
        );
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in fields {
            form_pairs(name, value, &mut form);
        }
        return (headers, form.finish());
    }
    (headers, body.to_string())
}

/// A form field per value, nested ones named with brackets as PHP and Mailchimp write them
/// (`data[merges][FNAME]`); a list's items share its name with `[]`.
fn form_pairs(name: &str, value: &Value, form: &mut url::form_urlencoded::Serializer<'_, String>) {
    match value {
        Value::Null => {}
        Value::String(s) => {
            form.append_pair(name, s);
        }
        Value::Object(map) => {
            for (k, v) in map {
                form_pairs(&format!("{name}[{k}]"), v, form);
            }
        }
        Value::Array(items) => {
            for v in items {
                form_pairs(&format!("{name}[]"), v, form);
            }
        }
        other => {
            form.append_pair(name, &other.to_string());
        }
    }
}

/// How the sample request is signed: the one scheme the generated handler checks, which
/// `Catalog::webhook_for` decides for the trigger's tool (its own webhook, a secret in the URL
/// when the catalog cannot express the vendor's, or the generic webhook's token). A vendor's
/// verification API (PayPal) signs nothing here: the simulator answers the check.
fn signings(catalog: &Catalog, tool: Option<&Tool>) -> Vec<Signing> {
    catalog
        .webhook_for(tool)
        .and_then(|used| Signing::from_verify(&used.webhook.verify))
        .into_iter()
        .collect()
}

/// S3, SQS and Kinesis batches: the trigger event's documented batch, carrying `item`.
fn aws_batch(plan: &Plan, trigger: Option<(&Tool, &Event)>, item: Value) -> Value {
    // the event's documented batch; an example that is the message itself (an SNS
    // notification a queue receives) is the item, carried in a batch of one record
    let mut batch = documented_batch(
        trigger,
        || json!({"Records": [{"messageId": "dry-run-message-1"}]}),
    );
    let Some(record) = first_record(&mut batch) else {
        return batch;
    };
    match plan.trigger.delivery {
        Delivery::Sqs => record["body"] = json!(item.to_string()),
        Delivery::Kinesis => {
            let data = base64::engine::general_purpose::STANDARD.encode(item.to_string());
            set_path(record, "kinesis.data", json!(data));
        }
        _ => {
            if let Some(bucket) = plan.trigger.params.get("bucket") {
                set_path(record, "s3.bucket.name", json!(bucket));
                set_path(
                    record,
                    "s3.bucket.arn",
                    json!(format!("arn:aws:s3:::{bucket}")),
                );
            }
            // the notification is the record the handler hands on (a file's own fields),
            // so the trigger's filter and conditions are made true on it
            for c in trigger_conditions(plan) {
                satisfy(record, c);
            }
        }
    }
    batch
}

/// The trigger event's documented batch (its example delivery, when that holds a `Records`
/// list), else `fallback`'s.
fn documented_batch(trigger: Option<(&Tool, &Event)>, fallback: impl FnOnce() -> Value) -> Value {
    trigger
        .and_then(|(_, e)| e.example.as_ref())
        .map(|e| e.body.clone())
        .filter(|b| b.get("Records").is_some_and(Value::is_array))
        .unwrap_or_else(fallback)
}

/// The first of a batch's `Records`.
fn first_record(batch: &mut Value) -> Option<&mut Value> {
    batch
        .get_mut("Records")
        .and_then(Value::as_array_mut)
        .and_then(|r| r.first_mut())
}

/// A DynamoDB stream batch (AWS's sample event in the Lambda guide): the trigger event's
/// documented batch, its first record carrying `item` as the changed item's image in DynamoDB's
/// typed JSON (the new image, or the old one for a removal), its keys kept as documented.
fn dynamodb_batch(trigger: Option<(&Tool, &Event)>, item: &Value) -> Value {
    let mut batch = documented_batch(trigger, || {
        json!({"Records": [{"eventID": "1", "eventName": "INSERT", "eventVersion": "1.0",
            "eventSource": "aws:dynamodb", "awsRegion": "us-east-1",
            "dynamodb": {"Keys": {"id": {"S": "dry-run-1"}}, "SequenceNumber": "111",
                "SizeBytes": 26, "StreamViewType": "NEW_AND_OLD_IMAGES"}}]})
    });
    let Some(record) = first_record(&mut batch) else {
        return batch;
    };
    let meta = [
        "eventName",
        "Keys",
        "NewImage",
        "OldImage",
        "ApproximateCreationDateTime",
    ];
    let mut image = serde_json::Map::new();
    if let Some(fields) = item.as_object() {
        for (k, v) in fields.iter().filter(|(k, _)| !meta.contains(&k.as_str())) {
            image.insert(k.clone(), ddb_typed(v));
        }
    }
    let name = item
        .get("eventName")
        .and_then(Value::as_str)
        .filter(|n| ["INSERT", "MODIFY", "REMOVE"].contains(n))
        .or_else(|| record.get("eventName").and_then(Value::as_str))
        .unwrap_or("INSERT")
        .to_owned();
    record["eventName"] = json!(name);
    let side = if name == "REMOVE" {
        "OldImage"
    } else {
        "NewImage"
    };
    set_path(record, &format!("dynamodb.{side}"), Value::Object(image));
    // every stream record carries when it was made, in epoch seconds (AWS's StreamRecord,
    // https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_StreamRecord.html,
    // read 2026-12-07), though the Lambda guide's sample leaves it out; a filter on it reads
    // the item's value (made to hold), else the documented one, else now
    let made = item
        .get("ApproximateCreationDateTime")
        .filter(|v| v.is_number())
        .or_else(|| record.pointer("/dynamodb/ApproximateCreationDateTime"))
        .cloned()
        .unwrap_or_else(|| json!(chrono::Utc::now().timestamp()));
    set_path(record, "dynamodb.ApproximateCreationDateTime", made);
    batch
}

/// A typed attribute map (`{"Id": {"N": "101"}}`) as plain values; `None` when it is not one.
fn ddb_plain_map(map: &Value) -> Option<Value> {
    let mut out = serde_json::Map::new();
    for (k, v) in map.as_object()? {
        out.insert(k.clone(), ddb_plain(v)?);
    }
    Some(Value::Object(out))
}

/// One DynamoDB attribute value as a plain value, as the generated handler reads it.
fn ddb_plain(v: &Value) -> Option<Value> {
    let (kind, inner) = v.as_object().filter(|o| o.len() == 1)?.iter().next()?;
    Some(match kind.as_str() {
        "S" | "B" => inner.clone(),
        "N" => {
            let text = inner.as_str()?;
            text.parse::<i64>()
                .map(Value::from)
                .or_else(|_| text.parse::<f64>().map(Value::from))
                .ok()?
        }
        "BOOL" => inner.clone(),
        "NULL" => Value::Null,
        "M" => ddb_plain_map(inner)?,
        "L" | "SS" | "BS" => Value::Array(
            inner
                .as_array()?
                .iter()
                .map(|x| {
                    if kind == "L" {
                        ddb_plain(x)
                    } else {
                        Some(x.clone())
                    }
                })
                .collect::<Option<Vec<_>>>()?,
        ),
        "NS" => Value::Array(
            inner
                .as_array()?
                .iter()
                .map(|x| ddb_plain(&json!({"N": x})))
                .collect::<Option<Vec<_>>>()?,
        ),
        _ => return None,
    })
}

/// A plain value in DynamoDB's typed JSON (what a stream record's image holds).
fn ddb_typed(v: &Value) -> Value {
    match v {
        Value::Null => json!({"NULL": true}),
        Value::Bool(b) => json!({"BOOL": b}),
        Value::Number(n) => json!({"N": n.to_string()}),
        Value::String(s) => json!({"S": s}),
        Value::Array(items) => json!({"L": items.iter().map(ddb_typed).collect::<Vec<_>>()}),
        Value::Object(o) => {
            let m: serde_json::Map<String, Value> =
                o.iter().map(|(k, v)| (k.clone(), ddb_typed(v))).collect();
            json!({"M": m})
        }
    }
}

/// A Kafka event source batch (Amazon MSK's shape): the trigger event's documented batch with
/// its first record's value replaced by `item`, base64 as Lambda delivers it.
fn kafka_batch(trigger: Option<(&Tool, &Event)>, item: &Value) -> Value {
    let value = base64::engine::general_purpose::STANDARD.encode(item.to_string());
    let mut batch = trigger
        .and_then(|(_, e)| e.example.as_ref())
        .map(|e| e.body.clone())
        .filter(|b| b.get("records").is_some_and(Value::is_object))
        .unwrap_or_else(|| {
            json!({"eventSource": "aws:kafka", "records": {"workflow-events-0": [
                {"topic": "workflow-events", "partition": 0, "offset": 0, "timestamp": 0,
                 "timestampType": "CREATE_TIME", "headers": []}]}})
        });
    if let Some(record) = batch["records"]
        .as_object_mut()
        .and_then(|m| m.values_mut().next())
        .and_then(Value::as_array_mut)
        .and_then(|r| r.first_mut())
    {
        record["value"] = json!(value);
    }
    batch
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::{Engine, GenerateRequest};

    /// A plan with no steps whose trigger is `tool`'s `event`, delivered to the function's URL.
    fn webhook_plan(tool: &str, event: &str) -> crate::model::Plan {
        crate::model::Plan {
            name: String::new(),
            summary: String::new(),
            trigger: crate::model::Trigger {
                kind: crate::model::TriggerKind::AppEvent,
                delivery: Delivery::Http,
                schedule_expression: None,
                timezone: None,
                description: String::new(),
                tool: Some(tool.to_owned()),
                event: Some(event.to_owned()),
                params: std::collections::BTreeMap::new(),
                filter: None,
            },
            steps: Vec::new(),
            tools: Vec::new(),
            assumptions: Vec::new(),
        }
    }

    #[test]
    fn a_documented_item_is_found_through_list_indexes() {
        let engine = Engine::new().unwrap();
        let tool = engine.catalog().tool("facebook").unwrap();
        let event = tool.events.iter().find(|e| e.id == "lead").unwrap();
        let item = sample_item(&webhook_plan("facebook", "lead"), Some(event));
        assert_eq!(item["leadgen_id"], json!("LEADGEN_ID"), "{item}");
    }

    #[test]
    fn a_batched_sample_delivery_holds_one_unit_of_the_trigger_event() {
        let engine = Engine::new().unwrap();
        let mut batched = Vec::new();
        for tool in engine.catalog().tools() {
            for event in tool.events.iter().filter(|e| e.batch.is_some()) {
                let item = json!({"id": "ITEM_1"});
                let (_, body) = http_delivery(
                    &webhook_plan(&tool.id, &event.id),
                    Some((tool, event)),
                    item,
                );
                let body: Value = serde_json::from_str(&body).unwrap();
                let at = |path: &str| {
                    let pointer: String = path.split('.').map(|k| format!("/{k}")).collect();
                    body.pointer(&pointer).cloned()
                };
                let item_at = event.delivery_path(event.item_path.as_deref().unwrap_or(""));
                // the item is the unit or inside it (the unit's own match values set on it)
                assert_eq!(
                    at(&format!("{item_at}.id")),
                    Some(json!("ITEM_1")),
                    "{} {body}",
                    tool.id
                );
                for (m, path) in event.matches_in_delivery() {
                    if let Some(p) = path {
                        assert_eq!(at(&p).as_ref(), Some(m.sample()), "{} {p}: {body}", tool.id);
                    }
                }
                batched.push(tool.id.clone());
            }
        }
        // one entry per batched event: Asana's task created and task completed (verify18)
        assert_eq!(
            batched,
            [
                "asana",
                "asana",
                "facebook",
                "instagram",
                "pandadoc",
                "whatsapp"
            ]
        );
    }

    fn plan(prompt: &str) -> (Engine, Plan) {
        let engine = Engine::new().unwrap();
        let plan = engine.plan(&GenerateRequest::text(prompt)).unwrap();
        (engine, plan)
    }

    fn header<'e>(sample: &'e SampleEvent, name: &str) -> &'e str {
        sample.event["headers"][name].as_str().unwrap_or_default()
    }

    #[test]
    fn a_form_bodied_webhook_is_delivered_as_form_fields_not_json() {
        let (engine, plan) =
            plan("When someone submits my Jotform form, send the answers to my Telegram chat");
        assert_eq!(plan.trigger.tool.as_deref(), Some("jotform"));
        let sample = sample_event(engine.catalog(), &plan);
        assert_eq!(
            header(&sample, "content-type"),
            "application/x-www-form-urlencoded"
        );
        let body = sample.event["body"].as_str().unwrap();
        assert!(!body.starts_with('{'), "{body}");
        let fields: std::collections::BTreeMap<String, String> =
            url::form_urlencoded::parse(body.as_bytes())
                .into_owned()
                .collect();
        for name in ["formID", "submissionID", "rawRequest"] {
            assert!(fields.contains_key(name), "{name} in {fields:?}");
        }
    }

    #[test]
    fn a_json_bodied_webhook_stays_json() {
        let (engine, plan) =
            plan("when a stripe payment over $500 succeeds post it to #sales on slack");
        let sample = sample_event(engine.catalog(), &plan);
        assert_eq!(header(&sample, "content-type"), "application/json");
        let body: Value = serde_json::from_str(sample.event["body"].as_str().unwrap()).unwrap();
        assert!(body.is_object(), "{body}");
    }

    #[test]
    fn a_schedule_gets_an_eventbridge_scheduled_event() {
        let (engine, plan) = plan("every monday at 9 post the open github issues to #dev on slack");
        let sample = sample_event(engine.catalog(), &plan);
        assert_eq!(sample.event["detail-type"], "Scheduled Event");
        assert_eq!(sample.event["source"], "aws.events");
        assert!(sample.signing.is_empty());
    }

    #[test]
    fn a_stripe_webhook_is_signed_the_way_stripe_signs() {
        let (engine, plan) =
            plan("when a stripe payment over $500 succeeds post it to #sales on slack");
        assert_eq!(plan.trigger.delivery, Delivery::Http);
        let sample = sample_event(engine.catalog(), &plan);
        assert!(sample.event["body"].as_str().unwrap().starts_with('{'));
        assert!(
            sample
                .signing
                .iter()
                .any(|s| matches!(s, Signing::Hmac { header, .. } if header == "stripe-signature")),
            "{:?}",
            sample.signing
        );
    }

    #[test]
    fn a_tool_without_a_known_event_is_signed_by_its_url_secret() {
        // the trigger names the tool but no event of it: the handler still checks the URL
        // secret the catalog chooses for the tool, and so must the sample
        let (engine, mut plan) =
            plan("when a stripe payment over $500 succeeds post it to #sales on slack");
        plan.trigger.tool = Some("sharepoint".into());
        plan.trigger.event = None;
        let sample = sample_event(engine.catalog(), &plan);
        assert!(
            sample
                .signing
                .iter()
                .any(|s| matches!(s, Signing::UrlSecret { query, .. } if query == "token")),
            "{:?}",
            sample.signing
        );
    }

    #[test]
    fn conditions_are_made_true_in_the_sample() {
        let mut record = json!({"amount": 3});
        let c = |op, value: &str| Condition {
            field: "amount".into(),
            op,
            value: value.into(),
            description: String::new(),
        };
        satisfy(&mut record, &c(CompareOp::Gt, "500"));
        assert_eq!(record["amount"], json!(501.0));
        satisfy(&mut record, &c(CompareOp::Lt, "10"));
        assert_eq!(record["amount"], json!(9.0));
        satisfy(&mut record, &c(CompareOp::Contains, "urgent"));
        assert!(record["amount"].as_str().unwrap().contains("urgent"));
    }
}
