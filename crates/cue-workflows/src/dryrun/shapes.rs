//! What the vendor would judge of a call beyond its method, path and required fields: the type
//! and shape of each field sent, and values a step was to take from its record that are still a
//! setting's stand-in or the trigger's event name.
//!
//! Two sources say what a field must be:
//! - `data/dryrun/shapes.json`: per action (`tool.action`), the fields the vendor's reference
//!   types (a string id, a number, a non-empty list, one of some values, an address, a URL, an
//!   ISO date, base64, a two-letter country code), each action with the reference's URL and the
//!   day it was read;
//! - the catalog's vendor-documented example request (`example.request.body` or `kwargs`): a
//!   field the example shows as a text, number or flag is never an object or a list (an object
//!   sent where the vendor documents an id is refused: review 12's R12-1).
//!
//! A mismatch is a problem of the call (the run is not `ok`). A stand-in value (`your-…`, a
//! `{{CREDENTIAL}}`) is the user's to replace: its format is not judged, but where the action
//! takes the field from the record (`{field:…}`), the stand-in, or the trigger's event name, is a
//! warning (the vendor accepts it, the data promised is not there).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;
use serde_json::Value;

use super::simulator::RecordedCall;
use crate::catalog::{Action, Api, ContentType, FileRef, Grant, TokenBody, TokenExchange, Tool};
use crate::refs::next_ref;

/// The JSON types a reference names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Kind {
    String,
    Number,
    Integer,
    Boolean,
    Object,
    Array,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Self::String => "a string",
            Self::Number => "a number",
            Self::Integer => "an integer",
            Self::Boolean => "a boolean",
            Self::Object => "an object",
            Self::Array => "a list",
        }
    }

    /// Whether `value` is of this type; `textual` requests (a form, a query string) carry
    /// every value as text, so a number or a flag is judged by its text.
    pub(crate) fn holds(self, value: &Value, textual: bool) -> bool {
        match (self, value) {
            (Self::String, Value::String(_))
            | (Self::Number, Value::Number(_))
            | (Self::Boolean, Value::Bool(_))
            | (Self::Object, Value::Object(_))
            | (Self::Array, Value::Array(_)) => true,
            (Self::Integer, Value::Number(n)) => {
                n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            (Self::Number, Value::String(s)) if textual => s.trim().parse::<f64>().is_ok(),
            (Self::Integer, Value::String(s)) if textual => s.trim().parse::<i64>().is_ok(),
            (Self::Boolean, Value::String(s)) if textual => {
                matches!(s.as_str(), "true" | "false" | "True" | "False" | "1" | "0")
            }
            _ => false,
        }
    }
}

/// Formats of a text the vendors' references name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Format {
    /// An e-mail address (`name@domain.tld`, optionally `Name <name@domain.tld>`).
    Email,
    /// An absolute `http(s)` URL.
    Url,
    /// An ISO 8601 date and time (`2026-12-07T09:00:00Z`, an offset or none).
    DateTime,
    /// An RFC 3339 date and time with its offset (`2026-12-07T09:00:00+01:00`).
    Rfc3339,
    /// An ISO 8601 date (`2026-12-07`).
    Date,
    /// Base64 (standard or URL-safe, padding optional).
    Base64,
    /// An ISO 3166-1 alpha-2 country code (`US`).
    CountryCode,
    /// An ISO 4217 currency code (`USD`, `usd`).
    CurrencyCode,
    /// A phone number in E.164 (`+15555550100`), or a channel address of one
    /// (`whatsapp:+15555550100`, as Twilio takes it).
    E164,
    /// A path from the root (`/Workflows/report.pdf`).
    AbsolutePath,
    /// A name of one printable line, as Box's guide states its folder names: no non-printable
    /// ASCII character, no `/` or `\\`, no trailing space, not `.` or `..` (review 16, R16-6).
    ItemName,
    /// A JSON object as text that is safe in an HTTP header: ASCII only, 0x7F and every
    /// non-ASCII character escaped as `\uXXXX` (Dropbox's `Dropbox-API-Arg`).
    HeaderJson,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Self::Email => "an e-mail address",
            Self::Url => "an absolute http(s) URL",
            Self::DateTime => "an ISO 8601 date and time",
            Self::Rfc3339 => "an RFC 3339 date and time with its offset",
            Self::Date => "an ISO 8601 date (YYYY-MM-DD)",
            Self::Base64 => "base64 data",
            Self::CountryCode => "a two-letter ISO 3166 country code",
            Self::CurrencyCode => "a three-letter ISO 4217 currency code",
            Self::E164 => "an E.164 phone number (+ and digits)",
            Self::AbsolutePath => "a path starting with /",
            Self::ItemName => {
                "a name of one printable line (no control characters, / or \\, trailing space, . or ..)"
            }
            Self::HeaderJson => "a JSON object in HTTP-header-safe text (ASCII, others as \\uXXXX)",
        }
    }

    pub(crate) fn holds(self, s: &str) -> bool {
        match self {
            Self::Email => {
                let addr = match (s.rfind('<'), s.strip_suffix('>')) {
                    (Some(i), Some(_)) => &s[i + 1..s.len() - 1],
                    _ => s,
                };
                addr.split_once('@').is_some_and(|(user, domain)| {
                    !user.is_empty()
                        && !addr.contains(char::is_whitespace)
                        && !domain.contains('@')
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                })
            }
            Self::Url => url::Url::parse(s)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some()),
            Self::DateTime => {
                chrono::DateTime::parse_from_rfc3339(s).is_ok()
                    || chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").is_ok()
            }
            Self::Rfc3339 => chrono::DateTime::parse_from_rfc3339(s).is_ok(),
            Self::Date => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok(),
            Self::Base64 => {
                use base64::Engine as _;
                let t = s.trim_end_matches('=');
                !t.is_empty()
                    && (base64::engine::general_purpose::STANDARD_NO_PAD
                        .decode(t)
                        .is_ok()
                        || base64::engine::general_purpose::URL_SAFE_NO_PAD
                            .decode(t)
                            .is_ok())
            }
            Self::CountryCode => s.len() == 2 && s.chars().all(|c| c.is_ascii_uppercase()),
            Self::CurrencyCode => s.len() == 3 && s.chars().all(|c| c.is_ascii_alphabetic()),
            Self::E164 => s
                .strip_prefix("whatsapp:")
                .unwrap_or(s)
                .strip_prefix('+')
                .is_some_and(|d| {
                    (8..=15).contains(&d.len()) && d.chars().all(|c| c.is_ascii_digit())
                }),
            Self::AbsolutePath => s.starts_with('/'),
            Self::ItemName => {
                !s.is_empty()
                    && !s
                        .chars()
                        .any(|c| c.is_ascii_control() || c == '/' || c == '\\')
                    && !s.ends_with(' ')
                    && s != "."
                    && s != ".."
            }
            Self::HeaderJson => {
                s.is_ascii()
                    && !s.contains('\u{7f}')
                    && serde_json::from_str::<Value>(s).is_ok_and(|v| v.is_object())
            }
        }
    }
}

/// What a field must be.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FieldShape {
    /// The types the vendor takes (one, or several).
    #[serde(rename = "type", deserialize_with = "one_or_many")]
    pub kinds: Vec<Kind>,
    /// The values the vendor takes.
    #[serde(default, rename = "enum")]
    pub one_of: Vec<Value>,
    #[serde(default)]
    pub format: Option<Format>,
    /// A list with at least this many elements.
    #[serde(default)]
    pub min_items: Option<usize>,
    /// What the value is, in the vendor's words (`an Item's Id`), for the message.
    #[serde(default)]
    pub what: Option<String>,
    /// The vendor refuses a call without it (a header the reference requires: Dropbox's
    /// `Dropbox-API-Arg`, `Notion-Version`); body fields' presence is the catalog's `required`.
    #[serde(default)]
    pub required: bool,
    /// Another place the vendor takes the same value (Dropbox: the `arg` URL parameter instead
    /// of the `Dropbox-API-Arg` header): a call that sends it there is not missing it.
    #[serde(default)]
    pub instead: Option<String>,
}

fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Kind>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(Kind),
        Many(Vec<Kind>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(k) => vec![k],
        OneOrMany::Many(ks) => ks,
    })
}

/// The shapes of one action's fields, as its vendor's reference gives them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ActionShape {
    /// The vendor's reference the types were read on.
    pub reference: String,
    /// The day it was read.
    pub read: String,
    /// What the reference says of the fields, in its words (for the reader; tests ask for it).
    #[serde(default)]
    #[allow(dead_code, reason = "read by the data file's reader and its test only")]
    pub note: Option<String>,
    /// The vendor parses the body by the proto3 JSON mapping (Google's APIs): a number may
    /// also be sent as its decimal text ("Either numbers or strings are accepted",
    /// <https://protobuf.dev/programming-guides/json/>).
    #[serde(default)]
    pub proto3_json: bool,
    /// By dotted path into the request (`*` for every element of a list; `query.<name>`).
    pub fields: BTreeMap<String, FieldShape>,
}

#[derive(Debug, Deserialize)]
struct ShapesFile {
    actions: BTreeMap<String, ActionShape>,
    /// Fields every HTTP action of a tool sends (a version header), by tool id; an action's
    /// own entry wins for a path both name.
    #[serde(default)]
    tools: BTreeMap<String, ActionShape>,
}

const SHAPES_JSON: &str = include_str!("../../data/dryrun/shapes.json");

fn shapes_file() -> &'static ShapesFile {
    static SHAPES: LazyLock<ShapesFile> = LazyLock::new(|| {
        serde_json::from_str::<ShapesFile>(SHAPES_JSON).unwrap_or_else(|_| ShapesFile {
            actions: BTreeMap::new(),
            tools: BTreeMap::new(),
        })
    });
    &SHAPES
}

/// `data/dryrun/shapes.json`, by `tool.action` (its test refuses a file that does not parse).
pub(crate) fn declared() -> &'static BTreeMap<String, ActionShape> {
    &shapes_file().actions
}

/// `data/dryrun/shapes.json`'s tool-wide fields, by tool id.
pub(crate) fn declared_for_tools() -> &'static BTreeMap<String, ActionShape> {
    &shapes_file().tools
}

// A request body's kind is the catalog's `ContentType` (what the catalog states an action
// sends); the dry run reads it from a recorded call's `Content-Type` header too.
impl ContentType {
    /// The kind of a `Content-Type` value (parameters and case aside).
    pub(crate) fn of(content_type: &str) -> Self {
        let media = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        match media.as_str() {
            "application/x-www-form-urlencoded" => Self::Form,
            "multipart/form-data" => Self::Multipart,
            "multipart/related" => Self::MultipartRelated,
            "application/x-ndjson" | "application/ndjson" => Self::Ndjson,
            m if m
                .split_once('/')
                .is_some_and(|(_, sub)| sub.ends_with("json")) =>
            {
                Self::Json
            }
            _ => Self::Bytes,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Json => "JSON",
            Self::Form => "a form (application/x-www-form-urlencoded)",
            Self::Multipart => "multipart/form-data",
            Self::MultipartRelated => "multipart/related",
            Self::Ndjson => "NDJSON (application/x-ndjson)",
            Self::Bytes => "a file's bytes",
        }
    }

    /// Whether a body sent as `sent` is read as this kind. A file's bytes may carry any type
    /// of their own but a form or multipart one (a body without a type is sent as a form).
    fn accepts(self, sent: Self) -> bool {
        match self {
            Self::Bytes => !matches!(sent, Self::Form | Self::Multipart | Self::MultipartRelated),
            _ => self == sent,
        }
    }
}

/// The body kind the catalog states for an action, and where it says so: the action's own
/// `Content-Type` header, its vendor-documented example request's, the tool's headers', or
/// the action's `content_type` when it sends a body.
fn stated_body(tool: &Tool, action: &Action) -> Option<(ContentType, String)> {
    fn content_type<'a>(
        mut headers: impl Iterator<Item = (&'a String, Option<&'a str>)>,
    ) -> Option<String> {
        headers
            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .and_then(|(_, v)| v)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }
    if let Some(ct) = content_type(action.headers.iter().map(|(k, v)| (k, v.as_str()))) {
        return Some((
            ContentType::of(&ct),
            format!("the catalog's Content-Type {ct}"),
        ));
    }
    let example = action.example.as_ref().map(|x| &x.request.headers);
    if let Some(ct) =
        example.and_then(|h| content_type(h.iter().map(|(k, v)| (k, Some(v.as_str())))))
    {
        return Some((
            ContentType::of(&ct),
            format!("the vendor's example in the catalog sends Content-Type {ct}"),
        ));
    }
    if let Some(ct) = content_type(tool.headers.iter().map(|(k, v)| (k, Some(v.as_str())))) {
        return Some((
            ContentType::of(&ct),
            format!("the catalog's Content-Type {ct}"),
        ));
    }
    action.body.as_ref().map(|_| {
        (
            action.content_type,
            "the catalog's content_type for the action".to_owned(),
        )
    })
}

/// A field the action takes from the record: the request path and the record field (and the
/// step setting the code falls back on when the record lacks it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Promise {
    pub path: String,
    pub field: String,
    pub setting: String,
}

/// What a route expects of a call's fields.
#[derive(Debug, Clone, Default)]
pub(crate) struct Expect {
    /// Declared shapes first, then the example's scalar leaves (a path once).
    pub rules: Vec<(String, FieldShape)>,
    /// Where each rule came from (the reference, or the catalog's example), by path.
    pub sources: BTreeMap<String, String>,
    pub promised: Vec<Promise>,
    /// Values travel as text (a form, multipart fields).
    pub textual: bool,
    /// A number may be sent as its text (proto3 JSON).
    pub numeric_text: bool,
    /// The body kind the catalog states, and where (judged on calls that send a body).
    pub body: Option<(ContentType, String)>,
}

/// What `tool.action` expects of its calls.
pub(crate) fn expect(tool: &Tool, action: &Action) -> Expect {
    let api = &tool.api;
    let mut out = Expect {
        textual: matches!(
            action.content_type,
            ContentType::Form | ContentType::Multipart
        ),
        ..Expect::default()
    };
    if let Some(shape) = declared().get(&format!("{}.{}", tool.id, action.id)) {
        out.numeric_text = shape.proto3_json;
        for (path, f) in &shape.fields {
            out.rules.push((path.clone(), f.clone()));
            out.sources.insert(
                path.clone(),
                format!("{}, read {}", shape.reference, shape.read),
            );
        }
    }
    if matches!(api, Api::Http { .. }) {
        out.body = stated_body(tool, action);
        if let Some(shape) = declared_for_tools().get(&tool.id) {
            for (path, f) in &shape.fields {
                if !out.rules.iter().any(|(p, _)| p.eq_ignore_ascii_case(path)) {
                    out.rules.push((path.clone(), f.clone()));
                    out.sources.insert(
                        path.clone(),
                        format!("{}, read {}", shape.reference, shape.read),
                    );
                }
            }
        }
    }
    let example = action.example.as_ref().and_then(|x| {
        let body = match api {
            Api::Boto3 { .. } => x.request.kwargs.as_ref(),
            _ if action.content_type == ContentType::Json => x.request.body.as_ref(),
            _ => None,
        };
        body.filter(|b| b.is_object())
    });
    if let Some(body) = example {
        let mut leaves = Vec::new();
        scalar_leaves(body, String::new(), &mut leaves);
        for path in leaves {
            if !out.rules.iter().any(|(p, _)| *p == path) {
                out.sources.insert(
                    path.clone(),
                    "the vendor's example in the catalog".to_owned(),
                );
                out.rules.push((
                    path,
                    FieldShape {
                        kinds: vec![Kind::String, Kind::Number, Kind::Boolean],
                        one_of: Vec::new(),
                        format: None,
                        min_items: None,
                        what: Some("a single value, as in the vendor's example".to_owned()),
                        required: false,
                        instead: None,
                    },
                ));
            }
        }
    }
    let template = match api {
        Api::Boto3 { .. } => Some(Value::Object(
            action
                .kwargs
                .clone()
                .into_iter()
                .collect::<serde_json::Map<_, _>>(),
        )),
        _ => action.body.clone(),
    };
    if let Some(t) = &template {
        promises(t, String::new(), &mut out.promised);
    }
    for (name, v) in &action.query {
        if let Value::String(s) = v {
            promises(
                &Value::String(s.clone()),
                format!("query.{name}"),
                &mut out.promised,
            );
        }
    }
    for (name, v) in &action.headers {
        promises(
            v,
            format!("header.{}", name.to_ascii_lowercase()),
            &mut out.promised,
        );
    }
    argument_headers(
        &action.headers,
        "the catalog's header, sent as JSON",
        &mut out,
    );
    out
}

/// What a token request expects: the body kind the catalog states for it (a form, OAuth's
/// default, RFC 6749 section 4.1.3; JSON where the vendor says so, Gusto, and for a vendor
/// session login, Bluesky). The session's refresh posts no body, so it is not judged.
pub(crate) fn expect_token(exchange: &TokenExchange) -> Expect {
    let (kind, said) = match (exchange.grant, exchange.body) {
        // a vendor login that is not OAuth posts its params as JSON (the catalog's Grant::Session)
        (Grant::Session, _) => (
            ContentType::Json,
            "the catalog's session login, posted as JSON",
        ),
        (_, TokenBody::Form) => (
            ContentType::Form,
            "RFC 6749 section 4.1.3 (https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3): \
             the token request uses the application/x-www-form-urlencoded format",
        ),
        (_, TokenBody::Json) => (
            ContentType::Json,
            "the catalog's token exchange, sent as JSON",
        ),
    };
    Expect {
        body: Some((kind, said.to_owned())),
        textual: kind == ContentType::Form,
        ..Expect::default()
    }
}

/// What a file fetch expects of its request: the argument headers it sends as JSON
/// (Dropbox's download takes `Dropbox-API-Arg: {"path": …}`).
pub(crate) fn expect_file(file: &FileRef) -> Expect {
    let mut out = Expect::default();
    let source = format!(
        "the catalog's file fetch, {}, checked {}",
        file.reference.url, file.reference.checked
    );
    argument_headers(&file.headers, &source, &mut out);
    out
}

/// A header the catalog sends as a JSON object (an argument header beside a body of bytes) must
/// arrive as that JSON, safe in a header, with each key the template sends, of its type. Paths
/// a declaration already judges are left to it.
fn argument_headers(headers: &BTreeMap<String, Value>, source: &str, out: &mut Expect) {
    for (name, template) in headers {
        let Value::Object(keys) = template else {
            continue;
        };
        let whole = format!("header.{name}");
        let mut rules = vec![(
            whole,
            FieldShape {
                kinds: vec![Kind::String],
                one_of: Vec::new(),
                format: Some(Format::HeaderJson),
                min_items: None,
                what: Some("the call's arguments as JSON".to_owned()),
                required: true,
                instead: None,
            },
        )];
        for (key, v) in keys {
            let kind = match v {
                Value::Bool(_) => Kind::Boolean,
                Value::Number(_) => Kind::Number,
                Value::Object(_) => Kind::Object,
                Value::Array(_) => Kind::Array,
                Value::String(_) | Value::Null => Kind::String,
            };
            rules.push((
                format!("header.{name}.{key}"),
                FieldShape {
                    kinds: vec![kind],
                    one_of: Vec::new(),
                    format: None,
                    min_items: None,
                    what: None,
                    required: true,
                    instead: None,
                },
            ));
        }
        for (path, shape) in rules {
            if !out.rules.iter().any(|(p, _)| p.eq_ignore_ascii_case(&path)) {
                out.sources.insert(path.clone(), source.to_owned());
                out.rules.push((path, shape));
            }
        }
    }
}

/// The dotted paths (`*` for list elements) of a value's text, number and flag leaves.
fn scalar_leaves(value: &Value, at: String, out: &mut Vec<String>) {
    let join = |k: &str| {
        if at.is_empty() {
            k.to_owned()
        } else {
            format!("{at}.{k}")
        }
    };
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| scalar_leaves(v, join(k), out)),
        Value::Array(items) => {
            for v in items {
                scalar_leaves(v, join("*"), out);
            }
        }
        Value::Null => {}
        _ => {
            if !at.is_empty() && !out.contains(&at) {
                out.push(at);
            }
        }
    }
}

/// The request paths a template fills from the record (`{field:url}`, `{field_or:email:to}`).
fn promises(template: &Value, at: String, out: &mut Vec<Promise>) {
    let join = |k: &str| {
        if at.is_empty() {
            k.to_owned()
        } else {
            format!("{at}.{k}")
        }
    };
    match template {
        Value::Object(map) => map.iter().for_each(|(k, v)| promises(v, join(k), out)),
        Value::Array(items) => items.iter().for_each(|v| promises(v, join("*"), out)),
        Value::String(s) => {
            let mut rest = s.as_str();
            while let Some((i, j)) = next_ref(rest) {
                let name = &rest[i + 1..j];
                let promise = if let Some(field) = name.strip_prefix("field:") {
                    let setting = field.rsplit('.').next().unwrap_or(field);
                    Some((field, setting))
                } else if let Some(pair) = name.strip_prefix("field_or:") {
                    pair.split_once(':')
                } else {
                    None
                };
                if let Some((field, setting)) = promise {
                    out.push(Promise {
                        path: at.clone(),
                        field: field.to_owned(),
                        setting: setting.to_owned(),
                    });
                }
                rest = &rest[j + 1..];
            }
        }
        _ => {}
    }
}

/// The values at a dotted path (`*`: every element; `query.<name>`: the URL's query
/// parameter, as text; `header.<Name>`: the header's text, or the JSON it holds, and
/// `header.<Name>.<path>` a path into that JSON: Dropbox's `Dropbox-API-Arg`), with their
/// concrete paths.
pub(crate) fn values_at(call: &RecordedCall, path: &str) -> Vec<(String, Value)> {
    let url = call.url.as_str();
    if let Some(name) = path.strip_prefix("query.") {
        let query = url.split_once('?').map_or("", |(_, q)| q);
        let query = query.split('#').next().unwrap_or_default();
        return url::form_urlencoded::parse(query.as_bytes())
            .filter(|(k, _)| k == name)
            .map(|(_, v)| (path.to_owned(), Value::String(v.into_owned())))
            .collect();
    }
    if let Some(rest) = path.strip_prefix("header.") {
        let (name, inner) = rest.split_once('.').unwrap_or((rest, ""));
        let Some(text) = call
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
        else {
            return Vec::new();
        };
        let at = format!("header.{name}");
        if inner.is_empty() {
            return vec![(at, Value::String(text.clone()))];
        }
        // a path into the JSON the header holds (nothing when it holds none)
        let Ok(value) = serde_json::from_str::<Value>(text) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let keys: Vec<&str> = inner.split('.').filter(|k| !k.is_empty()).collect();
        walk(&value, &keys, at, &mut out);
        return out;
    }
    let mut out = Vec::new();
    let keys: Vec<&str> = path.split('.').filter(|k| !k.is_empty()).collect();
    walk(&call.request, &keys, String::new(), &mut out);
    out
}

fn walk(value: &Value, keys: &[&str], at: String, out: &mut Vec<(String, Value)>) {
    let join = |k: &str| {
        if at.is_empty() {
            k.to_owned()
        } else {
            format!("{at}.{k}")
        }
    };
    let Some((key, rest)) = keys.split_first() else {
        out.push((at, value.clone()));
        return;
    };
    match value {
        Value::Array(items) if *key == "*" => {
            for (i, v) in items.iter().enumerate() {
                walk(v, rest, join(&i.to_string()), out);
            }
        }
        Value::Array(items) => {
            if let Some(v) = key.parse::<usize>().ok().and_then(|i| items.get(i)) {
                walk(v, rest, join(key), out);
            }
        }
        Value::Object(map) => {
            if let Some(v) = map.get(*key) {
                walk(v, rest, join(key), out);
            }
        }
        _ => {}
    }
}

/// Whether a value is a stand-in the user replaces before deploying: the placeholders
/// `required::fill` gives a setting (`your-…`, `https://example.com/your-…`,
/// `you@example.com`, `+15555550100`) or a credential's `{{NAME}}`.
pub(crate) fn stand_in(s: &str) -> bool {
    s.starts_with("your-")
        || s.contains("example.com/your-")
        || s == "you@example.com"
        || s == "+15555550100"
        || s.contains("{{")
}

/// How a value is described in a message: its type, and a short text of scalars.
fn describe(value: &Value) -> String {
    let short = |s: &str| {
        let cut: String = s.chars().take(40).collect();
        if cut.len() < s.len() {
            format!("{cut}…")
        } else {
            cut
        }
    };
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("a boolean ({b})"),
        Value::Number(n) => format!("a number ({n})"),
        Value::String(s) => format!("a string ({:?})", short(s)),
        Value::Array(a) => format!("a list of {}", a.len()),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// What the vendor takes, in words.
fn expected(shape: &FieldShape) -> String {
    let mut out = shape
        .kinds
        .iter()
        .map(|k| k.name())
        .collect::<Vec<_>>()
        .join(" or ");
    if let Some(f) = shape.format {
        out = f.name().to_owned();
    }
    if !shape.one_of.is_empty() {
        let values: Vec<String> = shape.one_of.iter().map(Value::to_string).collect();
        out = format!("one of {}", values.join(", "));
    }
    if let Some(n) = shape.min_items {
        out = format!("{out} of at least {n} element(s)");
    }
    if let Some(what) = &shape.what {
        out = format!("{out} ({what})");
    }
    out
}

/// Why a value does not fit its shape, if it does not.
fn misfit(shape: &FieldShape, value: &Value, textual: bool, numeric_text: bool) -> Option<()> {
    if value.is_null() {
        return None;
    }
    let holds = |k: &Kind| {
        let as_text = textual || (numeric_text && matches!(k, Kind::Number | Kind::Integer));
        k.holds(value, as_text)
    };
    if !shape.kinds.iter().any(holds) {
        return Some(());
    }
    if let Value::String(s) = value
        && stand_in(s)
    {
        return None;
    }
    if !shape.one_of.is_empty() {
        let fits = shape.one_of.iter().any(|v| {
            v == value
                || (textual
                    && v.as_str().is_none()
                    && Some(v.to_string().as_str()) == value.as_str())
        });
        if !fits {
            return Some(());
        }
    }
    if let (Some(f), Value::String(s)) = (shape.format, value)
        && !f.holds(s)
    {
        return Some(());
    }
    if let (Some(n), Value::Array(a)) = (shape.min_items, value)
        && a.len() < n
    {
        return Some(());
    }
    None
}

/// The fields of a call that do not fit what the vendor takes, as messages naming the step,
/// the field, what the vendor takes (and where that is written) and what was sent; a required
/// header that is missing; a body whose `Content-Type` is not the kind the catalog states.
pub(crate) fn mismatches(expect: &Expect, label: &str, call: &RecordedCall) -> Vec<String> {
    let mut out = Vec::new();
    if let Some((stated, source)) = &expect.body
        && let Some(sent) = call
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v)
        && !stated.accepts(ContentType::of(sent))
    {
        let unset = if ContentType::of(sent) == ContentType::Form {
            " (urllib sends a body without a Content-Type as a form)"
        } else {
            ""
        };
        out.push(format!(
            "{label}: the body was sent as {sent:?}{unset}, but the vendor reads it as {} ({source})",
            stated.name()
        ));
    }
    for (path, shape) in &expect.rules {
        // a query string and a header's text carry every value as text
        let textual = expect.textual
            || path.starts_with("query.")
            || (path.starts_with("header.") && path.matches('.').count() == 1);
        let found = values_at(call, path);
        let http = call.url.starts_with("https://") || call.url.starts_with("http://");
        let elsewhere = shape
            .instead
            .as_deref()
            .is_some_and(|other| !values_at(call, other).is_empty());
        if found.is_empty() && shape.required && http && !elsewhere {
            let source = expect.sources.get(path).map_or("", String::as_str);
            out.push(format!(
                "{label}: {path} is missing, but the vendor requires {} ({source})",
                expected(shape)
            ));
        }
        for (at, value) in found {
            if misfit(shape, &value, textual, expect.numeric_text).is_some() {
                let source = expect.sources.get(path).map_or("", String::as_str);
                out.push(format!(
                    "{label}: {at} was sent as {}, but the vendor takes {} ({source})",
                    describe(&value),
                    expected(shape)
                ));
            }
        }
    }
    out
}

/// The names of the trigger's event in a sample event (`ObjectCreated:Put`,
/// `payment_intent.succeeded`, `orders/create`): texts under keys that name an event or its
/// type, at any depth (a function URL request's JSON or form body read too, its headers
/// included). Only names that cannot be a record's own text are kept: six characters or more,
/// with a `.`, `:`, `/` or `_` in them.
pub(crate) fn event_names(event: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect_names(event, &mut out, 0);
    out.sort();
    out.dedup();
    out
}

fn eventish(key: &str) -> bool {
    let k: String = key
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    matches!(
        k.as_str(),
        "eventname" | "eventtype" | "type" | "event" | "detailtype" | "topic" | "webhookevent"
    ) || k.starts_with("xgithubevent")
        || k.ends_with("topic")
        || k.ends_with("eventtype")
        || k.ends_with("eventname")
}

fn distinctive(name: &str) -> bool {
    name.len() >= 6 && name.contains(['.', ':', '/', '_']) && !name.contains(char::is_whitespace)
}

fn collect_names(value: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > 12 {
        return;
    }
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match v {
                    Value::String(s) if eventish(k) && distinctive(s) => out.push(s.clone()),
                    // a function URL request's body, as JSON or a form
                    Value::String(s) if k == "body" => {
                        if let Ok(parsed) = serde_json::from_str::<Value>(s) {
                            collect_names(&parsed, out, depth + 1);
                        } else {
                            for (fk, fv) in url::form_urlencoded::parse(s.as_bytes()) {
                                if eventish(&fk) && distinctive(&fv) {
                                    out.push(fv.into_owned());
                                }
                            }
                        }
                    }
                    _ => collect_names(v, out, depth + 1),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_names(v, out, depth + 1)),
        _ => {}
    }
}

/// Values the step was to take from its record that are a stand-in of its setting, or the
/// trigger's event name: the vendor accepts them, but the data the plan promised is not there.
pub(crate) fn promise_warnings(
    expect: &Expect,
    label: &str,
    params: &BTreeMap<String, String>,
    events: &[String],
    call: &RecordedCall,
) -> Vec<String> {
    let mut out = Vec::new();
    for p in &expect.promised {
        for (at, value) in values_at(call, &p.path) {
            let Value::String(sent) = &value else {
                continue;
            };
            let setting = params
                .get(&p.setting)
                .or_else(|| params.get(&p.field))
                .filter(|s| stand_in(s) && !s.is_empty());
            if let Some(s) = setting.filter(|s| sent.contains(s.as_str())) {
                out.push(format!(
                    "{label}: {at} was to come from the record's {}, which it does not carry; \
                     it sent the setting {}'s stand-in {s:?} (set it, or give the step a record \
                     with {})",
                    p.field, p.setting, p.field
                ));
            } else if !eventish(&p.field)
                && let Some(name) = events.iter().find(|n| sent.contains(n.as_str()))
            {
                out.push(format!(
                    "{label}: {at} was to come from the record's {}, but it is the trigger's \
                     event name {name:?} (the record has no {} of its own)",
                    p.field, p.field
                ));
            }
        }
    }
    out
}
