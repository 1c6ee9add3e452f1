//! The simulated vendors: one [`Route`] per catalog action (and per token exchange and detail
//! call), answering with the action's documented example, and the check of a recorded call
//! against the action it reached: method, path template, required fields.
//!
//! The sandbox's harness picks an answer by the route's `pattern` while the code runs; after the
//! run, [`Simulator::identify`] matches each recorded call again here, so the verdict does not
//! depend on anything the sandboxed process says about itself.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::shapes::{self, Expect};
use crate::catalog::{Action, Api, Detail, Field, FieldType, FileEncoding, Role, Tool};
use crate::refs::next_ref;

/// One part of a URL template: literal text, or a reference (any non-empty text up to the
/// query string).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Literal(String),
    Any,
}

/// A URL template (`https://slack.com/api/chat.postMessage`, `…/repos/{repository}/issues`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UrlTemplate(Vec<Piece>);

impl UrlTemplate {
    pub(crate) fn parse(template: &str) -> Self {
        let mut pieces = Vec::new();
        let mut rest = template;
        while let Some((i, j)) = next_ref(rest) {
            if i > 0 {
                pieces.push(Piece::Literal(rest[..i].to_owned()));
            }
            if pieces.last() != Some(&Piece::Any) {
                pieces.push(Piece::Any);
            }
            rest = &rest[j + 1..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Literal(rest.to_owned()));
        }
        Self(pieces)
    }

    /// Whether `url` (without its query string) fits the template.
    pub(crate) fn matches(&self, url: &str) -> bool {
        let path = url.split(['?', '#']).next().unwrap_or_default();
        fits(&self.0, path)
    }

    /// How much of the template is literal: the more, the more specific.
    fn literal_len(&self) -> usize {
        self.0
            .iter()
            .map(|p| match p {
                Piece::Literal(s) => s.len(),
                Piece::Any => 0,
            })
            .sum()
    }

    /// The same template as a Python `re.fullmatch` pattern, for the harness.
    fn regex(&self) -> String {
        let mut out = String::new();
        for p in &self.0 {
            match p {
                Piece::Literal(s) => {
                    for c in s.chars() {
                        if !c.is_ascii_alphanumeric() && c != '_' {
                            out.push('\\');
                        }
                        out.push(c);
                    }
                }
                Piece::Any => out.push_str("[^?#]+"),
            }
        }
        out
    }
}

/// Backtracking match of pieces against text; a reference takes one or more characters.
fn fits(pieces: &[Piece], text: &str) -> bool {
    match pieces.split_first() {
        None => text.is_empty(),
        Some((Piece::Literal(s), rest)) => {
            text.strip_prefix(s.as_str()).is_some_and(|t| fits(rest, t))
        }
        Some((Piece::Any, rest)) => text
            .char_indices()
            .skip(1)
            .map(|(i, _)| i)
            .chain(std::iter::once(text.len()))
            .filter(|&i| i > 0)
            .any(|i| fits(rest, &text[i..])),
    }
}

/// What a route answers to.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    /// An HTTP request: the method and the URL (a `re.fullmatch` pattern of the template),
    /// and the query parameters the action always sends with one value (Instagram's container
    /// status asks `fields=status_code,status`), which tell apart actions of one path.
    Http {
        method: String,
        pattern: String,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        query: BTreeMap<String, String>,
    },
    /// A method call on a client object: boto3 (`library` `boto3`, the AWS service), Redis
    /// (`redis`), a MongoDB collection (`pymongo`), an IMAP mailbox (`imaplib`, service
    /// `imap`, call `search`: the answer is the mailbox's mails) or an SMTP server (`smtplib`,
    /// service `smtp`, call `send_message`: the message's fields). Recorded as method
    /// `<library>`, URL `<service>.<call>`.
    Client {
        library: String,
        service: String,
        call: String,
    },
    /// A SQL statement (`dialect` `postgres` or `mysql`), recorded as method `sql`, URL
    /// `<dialect>:<statement>`; `pattern` matches that URL.
    Sql { dialect: String, pattern: String },
}

/// The simulated answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
    /// Response headers the vendor documents (TinyPNG's result is its `Location`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
}

/// A simulated vendor operation.
#[derive(Debug, Clone, Serialize)]
pub struct Route {
    pub tool: String,
    /// The catalog action (`post_message`), `<action>.detail` or `token_exchange`.
    pub action: String,
    #[serde(flatten)]
    pub target: Target,
    pub answer: Answer,
    #[serde(skip)]
    template: Option<UrlTemplate>,
    /// Dotted paths into the body, or `query.<name>`, that must be present and non-empty.
    #[serde(skip)]
    required: Vec<String>,
    /// What the vendor takes in each field, and the fields taken from the record.
    #[serde(skip)]
    pub(crate) expect: Expect,
}

/// A call the workflow made, as the sandbox recorded it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedCall {
    /// The step function it was made from (`step_2`), when it was made inside one.
    #[serde(default)]
    pub step: Option<String>,
    /// `GET`, `POST`, ... for HTTP; `boto3` for AWS calls.
    pub method: String,
    /// The URL; `<service>.<call>` for AWS calls.
    pub url: String,
    /// The body as JSON (form fields as an object); the keyword arguments for AWS calls.
    #[serde(default)]
    pub request: Value,
    /// What the simulator answered.
    pub status: u16,
    /// The request's headers as sent (lower-case names; HTTP calls only), urllib's default
    /// `Content-Type` for a body without one included. Credential values are masked in the
    /// answer like the body's.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "text_map"
    )]
    pub headers: BTreeMap<String, String>,
}

/// A header map from the sandbox, which runs untrusted code: names lower-cased, a value that is
/// not text kept as its JSON text, anything but an object read as no headers.
fn text_map<'de, D: serde::Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Object(map) => map
            .into_iter()
            .map(|(k, v)| {
                let v = match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                (k.to_ascii_lowercase(), v)
            })
            .collect(),
        _ => BTreeMap::new(),
    })
}

/// The simulated vendors a workflow can reach.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Simulator {
    pub routes: Vec<Route>,
    /// The trigger's event names in the run's event (`ObjectCreated:Put`): a value a step was
    /// to take from its record that is one of them is a warning.
    #[serde(skip)]
    pub event_names: Vec<String>,
    /// The file settings (`{file_or:image_url}`) the run was given [`SETTING_FILE_URL`] for, as
    /// (step, setting): a step that fetched it ran on the setting, which the user must set.
    #[serde(skip)]
    pub file_settings: Vec<(String, String)>,
    /// The settings the plan left at a stand-in the code refuses (a number the vendor takes,
    /// QuickBooks' `Line.Amount`; an S3 object's bucket and key), each given a sample for the
    /// run ([`super::sampled_settings`]).
    #[serde(skip)]
    pub sampled_settings: Vec<super::SampledSetting>,
    /// The module's settings still at a stand-in the user replaces (`EXPENSIFY_MERCHANT` at
    /// `your-merchant`), as (setting, value): a call sending one is a warning naming it.
    #[serde(skip)]
    pub stand_in_settings: Vec<(String, String)>,
}

impl Simulator {
    /// Routes for every action of these tools.
    pub fn for_tools<'a>(tools: impl IntoIterator<Item = &'a Tool>) -> Self {
        let mut routes = Vec::new();
        for tool in tools {
            routes.extend(tool_routes(tool));
        }
        routes.push(sample_file_route(SAMPLE_FILE_URL, "sample_file"));
        routes.push(sample_file_route(SETTING_FILE_URL, "setting_file"));
        // most specific first, so the harness's first match is the right one: the longest
        // literal path, then the most fixed query parameters
        routes.sort_by_key(|r| {
            let query = match &r.target {
                Target::Http { query, .. } => query.len(),
                _ => 0,
            };
            std::cmp::Reverse((
                r.template
                    .as_ref()
                    .map_or(usize::MAX, UrlTemplate::literal_len),
                query,
            ))
        });
        Self {
            routes,
            event_names: Vec::new(),
            file_settings: Vec::new(),
            sampled_settings: Vec::new(),
            stand_in_settings: Vec::new(),
        }
    }

    /// The route a recorded call reached, if any: of the routes its method, URL and query fit,
    /// the one whose body it fits best (fewest required fields missing and shape mismatches),
    /// the most specific first on a tie. Two actions on one URL (WhatsApp's text message and
    /// template message both `POST …/messages`) are told apart by what is sent (R15-7).
    pub fn identify(&self, call: &RecordedCall) -> Option<&Route> {
        let mut fitting = self.routes.iter().filter(|r| Self::reaches(r, call));
        let first = fitting.next()?;
        let misfit = |r: &Route| {
            r.required.iter().filter(|f| !present(call, f)).count()
                + shapes::mismatches(&r.expect, &r.label(call.step.as_deref()), call).len()
        };
        let mut best = (first, misfit(first));
        for r in fitting {
            if best.1 == 0 {
                break;
            }
            let m = misfit(r);
            if m < best.1 {
                best = (r, m);
            }
        }
        Some(best.0)
    }

    /// Whether a call reaches a route by its method, URL and query (or client call).
    fn reaches(r: &Route, call: &RecordedCall) -> bool {
        match &r.target {
            Target::Http { method, query, .. } => {
                method.eq_ignore_ascii_case(&call.method)
                    && r.template.as_ref().is_some_and(|t| t.matches(&call.url))
                    && sends_query(&call.url, query)
            }
            Target::Client {
                library,
                service,
                call: c,
            } => call.method == *library && call.url == format!("{service}.{c}"),
            Target::Sql { .. } => {
                call.method == "sql" && r.template.as_ref().is_some_and(|t| t.matches(&call.url))
            }
        }
    }

    /// What is wrong with a call (empty when it is what the catalog describes).
    pub fn problems(&self, call: &RecordedCall) -> Vec<String> {
        let Some(route) = self.identify(call) else {
            return vec![format!(
                "{} {} matches no action in the catalog",
                call.method, call.url
            )];
        };
        let mut out: Vec<String> = route
            .required
            .iter()
            .filter(|field| !present(call, field))
            .map(|field| {
                format!(
                    "{}.{}: the required field {field} is missing or empty",
                    route.tool, route.action
                )
            })
            .collect();
        out.extend(shapes::mismatches(
            &route.expect,
            &route.label(call.step.as_deref()),
            call,
        ));
        out
    }

    /// Values `step` was to take from its record that are its setting's stand-in or the
    /// trigger's event name (the vendor would accept them: warnings, not problems).
    pub fn warnings(
        &self,
        call: &RecordedCall,
        step: Option<&str>,
        params: &BTreeMap<String, String>,
    ) -> Vec<String> {
        let Some(route) = self.identify(call) else {
            return Vec::new();
        };
        shapes::promise_warnings(
            &route.expect,
            &route.label(step),
            params,
            &self.event_names,
            call,
        )
    }

    /// The route of a tool's action (to adjust its answer).
    pub(crate) fn route_mut(&mut self, tool: &str, action: &str) -> Option<&mut Route> {
        self.routes
            .iter_mut()
            .find(|r| r.tool == tool && r.action == action)
    }
}

impl Route {
    /// `step_2 (quickbooks.create_invoice)`, naming the step when it is known.
    fn label(&self, step: Option<&str>) -> String {
        match step {
            Some(s) => format!("{s} ({}.{})", self.tool, self.action),
            None => format!("{}.{}", self.tool, self.action),
        }
    }
}

/// Whether a required field is present and non-empty in the call.
fn present(call: &RecordedCall, field: &str) -> bool {
    if let Some(name) = field.strip_prefix("query.") {
        let query = call.url.split_once('?').map_or("", |(_, q)| q);
        return query.split('&').any(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            k == name && !v.is_empty()
        });
    }
    if present_bracketed(&call.request, field) {
        return true;
    }
    let mut value = &call.request;
    for key in field.split('.') {
        value = match value {
            Value::Object(map) => match map.get(key) {
                Some(v) => v,
                None => return false,
            },
            Value::Array(items) => match key.parse::<usize>().ok().and_then(|i| items.get(i)) {
                Some(v) => v,
                None => return false,
            },
            _ => return false,
        };
    }
    match value {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => true,
    }
}

/// Whether a multipart body sent with bracketed part names (`multipart_keys: brackets`:
/// `signers[0][email_address]`, `files[0]`, `cc[]`) has a non-empty part for the field: the
/// bracketed form of its path, or a part inside it.
fn present_bracketed(request: &Value, field: &str) -> bool {
    let Value::Object(map) = request else {
        return false;
    };
    let mut parts = field.split('.');
    let Some(first) = parts.next() else {
        return false;
    };
    let name = parts.fold(first.to_owned(), |n, p| format!("{n}[{p}]"));
    let inside = format!("{name}[");
    map.iter().any(|(k, v)| {
        (*k == name || k.starts_with(&inside))
            && !v.is_null()
            && v.as_str().is_none_or(|t| !t.is_empty())
    })
}

#[cfg(test)]
mod catalog19_tests;

fn tool_routes(tool: &Tool) -> Vec<Route> {
    let mut routes = Vec::new();
    for action in &tool.actions {
        if let Some(route) = job_result_route(tool, action) {
            routes.push(route);
        }
        let answer = status_answer(tool, action).unwrap_or_else(|| answer_of(action));
        match &tool.api {
            Api::Http { base_url, .. } => {
                let method = action.method.clone().unwrap_or_else(|| "POST".to_owned());
                let mut route = http_route(
                    tool,
                    action.id.clone(),
                    &method,
                    &action.url_template(base_url),
                    answer,
                    action.required.clone(),
                );
                if let Target::Http { query, .. } = &mut route.target {
                    *query = fixed_query(action);
                }
                route.expect = shapes::expect(tool, action);
                routes.push(route);
                if let Some(d) = &action.detail {
                    routes.push(detail_route(
                        tool,
                        base_url,
                        &action.id,
                        d,
                        &action.fields,
                        None,
                    ));
                }
            }
            Api::Boto3 { service } => {
                routes.push(client_route(tool, action, "boto3", service, answer));
            }
            Api::Redis => routes.push(client_route(tool, action, "redis", "redis", answer)),
            Api::Mongodb => routes.push(client_route(tool, action, "pymongo", "mongodb", answer)),
            Api::Postgres | Api::Mysql => {
                let dialect = if matches!(tool.api, Api::Postgres) {
                    "postgres"
                } else {
                    "mysql"
                };
                let template = UrlTemplate::parse(&format!(
                    "{dialect}:{}",
                    action.sql.as_deref().unwrap_or("")
                ));
                routes.push(Route {
                    tool: tool.id.clone(),
                    action: action.id.clone(),
                    target: Target::Sql {
                        dialect: dialect.to_owned(),
                        pattern: template.regex(),
                    },
                    answer,
                    template: Some(template),
                    required: action.required.clone(),
                    expect: shapes::expect(tool, action),
                });
            }
            // a mailbox the harness's `imaplib` serves: the action's answer is its mails
            Api::Imap => routes.push(client_route(tool, action, "imaplib", "imap", answer)),
            // a server the harness's `smtplib` serves: each message sent is the recorded
            // call `smtp.send_message` (smtplib's method, whatever the action is named)
            Api::Smtp => {
                let mut route = client_route(tool, action, "smtplib", "smtp", answer);
                if let Target::Client { call, .. } = &mut route.target {
                    "send_message".clone_into(call);
                }
                routes.push(route);
            }
        }
    }
    if matches!(&tool.api, Api::Boto3 { service } if service == "s3") {
        routes.push(s3_object_route(tool));
    }
    if let Some(x) = &tool.token_exchange {
        let mut exchange = http_route(
            tool,
            "token_exchange".to_owned(),
            "POST",
            &x.token_url,
            Answer {
                status: 200,
                body: match &x.token_field {
                    // a vendor session (Bluesky): its own field names, a refresh token too
                    Some(field) => {
                        let mut b =
                            json!({field.as_str(): "dry-run-access-token", "expires_in": 3600});
                        if let Some(r) = &x.refresh {
                            b[r.token_field.as_str()] = json!("dry-run-refresh-token");
                        }
                        b
                    }
                    None => {
                        json!({"access_token": "dry-run-access-token", "token_type": "Bearer", "expires_in": 3600})
                    }
                },
                headers: BTreeMap::new(),
            },
            Vec::new(),
        );
        exchange.expect = shapes::expect_token(x);
        routes.push(exchange);
    }
    if let Api::Http { base_url, .. } = &tool.api {
        // an id-only webhook item is completed with a call the simulator answers with a
        // record of the event's fields
        for e in &tool.events {
            if let Some(d) = &e.detail {
                let delivery = e.example.as_ref().map(|x| &x.body);
                routes.push(detail_route(tool, base_url, &e.id, d, &e.fields, delivery));
            }
        }
        routes.extend(file_routes(tool, base_url));
    }
    routes
}

/// The GET of a finished job's result URL (`wait.result_url`: Amazon Transcribe's presigned
/// transcript), routed at the URL the status action's example holds and answered with the
/// action's `text` (or a record of its fields) in place.
fn job_result_route(tool: &Tool, action: &Action) -> Option<Route> {
    let wait = action.wait.as_ref()?;
    let at = wait.result_url.as_deref()?;
    let status = tool.action(&wait.status)?.example.as_ref()?;
    let url = at
        .split('.')
        .try_fold(&status.response.body, |v, k| v.get(k))?
        .as_str()?
        .split(['?', '#'])
        .next()?;
    let body = match action.text.as_deref() {
        Some(text) => nest(text, json!("A sample transcript from Cue's dry run.")),
        None => record_of(&action.fields),
    };
    Some(http_route(
        tool,
        format!("{}.result", action.id),
        "GET",
        url,
        Answer {
            status: 200,
            body,
            headers: BTreeMap::new(),
        },
        Vec::new(),
    ))
}

/// The call completing a listed record or an id-only event item (`<id>.detail`), answered with
/// a record of the documented fields. A call to the URL the item holds (`url`) is routed at
/// that URL in the sample `delivery` (its query aside), else at any path under the base URL.
fn detail_route(
    tool: &Tool,
    base_url: &str,
    id: &str,
    d: &Detail,
    fields: &[Field],
    delivery: Option<&Value>,
) -> Route {
    let body = match (&d.example, d.record.as_deref()) {
        (Some(example), _) => example.clone(),
        (None, None | Some("")) => record_of(fields),
        (None, Some(path)) => nest(path, record_of(fields)),
    };
    let url = match &d.url {
        Some(at) => delivery
            .and_then(|b| at.split('.').try_fold(b, |v, k| v.get(k)))
            .and_then(Value::as_str)
            .and_then(|u| u.split(['?', '#']).next())
            .map_or_else(|| format!("{base_url}/{{resource}}"), str::to_owned),
        None => format!("{base_url}{}", d.path),
    };
    http_route(
        tool,
        format!("{id}.detail"),
        &d.method,
        &url,
        Answer {
            status: 200,
            body,
            headers: BTreeMap::new(),
        },
        Vec::new(),
    )
}

/// The bytes of a sample file the simulator answers for a file reference.
pub(crate) const SAMPLE_FILE: &str = "%PDF-1.4\n% a sample file from Cue's dry run\n%%EOF\n";

/// Where a sample record made up here says its file is (a `url` or `file_url` field no
/// vendor documents the form of): the simulator serves the sample file there, as the
/// record's own host would.
pub(crate) const SAMPLE_FILE_URL: &str = "https://example.com/sample.pdf";

/// The file a step's file setting (`{file_or:image_url}`) points at in a dry run when the
/// plan left it at its stand-in: a real run has the user's URL there (the step refuses the
/// stand-in), so the dry run supplies one, served like [`SAMPLE_FILE_URL`] but apart from it,
/// so a fetch of it says the setting was used (a warning: the user must set it).
pub(crate) const SETTING_FILE_URL: &str = "https://example.com/dry-run-setting/sample.pdf";

/// `s3.get_object`, which generated code calls to read the object an S3 record names (the
/// uploaded file a step sends on): answered with the sample file as S3's GetObject answers
/// (`Body`, `ContentType`, `ContentLength`:
/// <https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html>). Without it every
/// S3 upload a step reads failed `NotSimulated` where deployed code gets the object.
fn s3_object_route(tool: &Tool) -> Route {
    Route {
        tool: tool.id.clone(),
        action: "object.file".to_owned(),
        target: Target::Client {
            library: "boto3".to_owned(),
            service: "s3".to_owned(),
            call: "get_object".to_owned(),
        },
        answer: Answer {
            status: 200,
            body: json!({"Body": SAMPLE_FILE, "ContentType": "application/pdf",
                         "ContentLength": SAMPLE_FILE.len()}),
            headers: BTreeMap::new(),
        },
        template: None,
        required: vec!["Bucket".to_owned(), "Key".to_owned()],
        expect: Expect::default(),
    }
}

/// The route serving [`SAMPLE_FILE`] at `url` (tool `dry_run`: no vendor's).
fn sample_file_route(url: &str, action: &str) -> Route {
    let template = UrlTemplate::parse(url);
    Route {
        tool: "dry_run".to_owned(),
        action: action.to_owned(),
        target: Target::Http {
            method: "GET".to_owned(),
            pattern: template.regex(),
            query: BTreeMap::new(),
        },
        answer: Answer {
            status: 200,
            body: json!(SAMPLE_FILE),
            headers: [("Content-Type".to_owned(), "application/pdf".to_owned())].into(),
        },
        template: Some(template),
        required: Vec::new(),
        expect: Expect::default(),
    }
}

/// One route per file a tool's records refer to (`file` on an event's or a read action's
/// field), answering a sample file the way the vendor does: the bytes themselves, JSON holding
/// them base64-encoded, or JSON saying where the file is (then a second route for the file).
fn file_routes(tool: &Tool, base_url: &str) -> Vec<Route> {
    use base64::Engine as _;
    let fields = tool
        .events
        .iter()
        .flat_map(|e| &e.fields)
        .chain(tool.actions.iter().flat_map(|a| &a.fields));
    let mut routes: Vec<Route> = Vec::new();
    let pdf = || -> (Value, BTreeMap<String, String>) {
        (
            json!(SAMPLE_FILE),
            [("Content-Type".to_owned(), "application/pdf".to_owned())].into(),
        )
    };
    for field in fields {
        let Some(file) = &field.file else {
            continue;
        };
        let Some(template) = file.url_template(base_url).or_else(|| file.url.clone()) else {
            continue;
        };
        let (body, headers) = match (&file.then, &file.content) {
            // where the file is, read by the second request's `{field:…}`
            (Some(then), _) => {
                let mut body = json!({});
                for name in crate::refs::field_refs(then) {
                    set_path(&mut body, name, json!("dry-run/sample.pdf"));
                }
                (body, BTreeMap::new())
            }
            (None, Some(content)) => {
                let mut body = json!({});
                let encoded = match file.encoding {
                    FileEncoding::Base64 => base64::engine::general_purpose::STANDARD,
                    FileEncoding::Base64url => base64::engine::general_purpose::URL_SAFE,
                }
                .encode(SAMPLE_FILE);
                set_path(&mut body, content, json!(encoded));
                if let Some(name) = &file.name {
                    set_path(&mut body, name, json!("sample.pdf"));
                }
                (body, BTreeMap::new())
            }
            (None, None) => pdf(),
        };
        // the path is matched as a template, the query by its fixed parameters
        let (path, query) = template.split_once('?').unwrap_or((&template, ""));
        let mut first = http_route(
            tool,
            format!("{}.file", field.path),
            &file.method(),
            path,
            Answer {
                status: 200,
                body,
                headers,
            },
            Vec::new(),
        );
        if let Target::Http { query: fixed, .. } = &mut first.target {
            *fixed = url::form_urlencoded::parse(query.as_bytes())
                .filter(|(_, v)| next_ref(v).is_none())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
        }
        first.expect = shapes::expect_file(file);
        let mut found = vec![first];
        if let Some(then) = &file.then {
            let (body, headers) = pdf();
            found.push(http_route(
                tool,
                format!("{}.file_content", field.path),
                "GET",
                then,
                Answer {
                    status: 200,
                    body,
                    headers,
                },
                Vec::new(),
            ));
        }
        for route in found {
            if !routes.iter().any(|r| r.template == route.template) {
                routes.push(route);
            }
        }
    }
    routes
}

fn client_route(
    tool: &Tool,
    action: &Action,
    library: &str,
    service: &str,
    answer: Answer,
) -> Route {
    Route {
        tool: tool.id.clone(),
        action: action.id.clone(),
        target: Target::Client {
            library: library.to_owned(),
            service: service.to_owned(),
            call: action.call.clone().unwrap_or_else(|| action.id.clone()),
        },
        answer,
        template: None,
        required: action.required.clone(),
        expect: shapes::expect(tool, action),
    }
}

fn http_route(
    tool: &Tool,
    action: String,
    method: &str,
    template: &str,
    answer: Answer,
    required: Vec<String>,
) -> Route {
    let template = UrlTemplate::parse(template);
    Route {
        tool: tool.id.clone(),
        action,
        target: Target::Http {
            method: method.to_ascii_uppercase(),
            pattern: template.regex(),
            query: BTreeMap::new(),
        },
        answer,
        template: Some(template),
        required,
        expect: Expect::default(),
    }
}

/// The query parameters an action always sends with the same text (no reference in them).
fn fixed_query(action: &Action) -> BTreeMap<String, String> {
    action
        .query
        .iter()
        .filter_map(|(k, v)| {
            let v = match v {
                Value::String(s) if next_ref(s).is_none() => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => return None,
            };
            Some((k.clone(), v))
        })
        .collect()
}

/// Whether the URL's query string holds each of these parameters with its value.
fn sends_query(url: &str, want: &BTreeMap<String, String>) -> bool {
    if want.is_empty() {
        return true;
    }
    let Some((_, qs)) = url.split_once('?') else {
        return false;
    };
    let qs = qs.split('#').next().unwrap_or_default();
    let sent: BTreeMap<String, String> = url::form_urlencoded::parse(qs.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    want.iter().all(|(k, v)| sent.get(k) == Some(v))
}

/// The action's documented answer; without one, an answer shaped from what the catalog says of
/// it: its records (from `fields`) where `records` says, and its success flag.
/// The answer of an action another action waits on (`wait.status`: Mailchimp's send
/// checklist, a job's status) when the vendor documents no example: one object, as a status
/// is, saying the job is done (`wait.done`), so the step goes on to its result as a real run
/// does once the vendor is ready. Without it the status was a list of one record, whose
/// `is_ready` the wait never read, and the step polled until the call limit.
fn status_answer(tool: &Tool, action: &Action) -> Option<Answer> {
    if action.example.is_some() {
        return None;
    }
    let wait = tool
        .actions
        .iter()
        .filter_map(|a| a.wait.as_ref())
        .find(|w| w.status == action.id)?;
    let mut body = record_of(&action.fields);
    set_path(
        &mut body,
        &wait.done.path,
        wait.done
            .equals
            .first()
            .cloned()
            .unwrap_or(Value::Bool(true)),
    );
    Some(Answer {
        status: 200,
        body,
        headers: BTreeMap::new(),
    })
}

fn answer_of(action: &Action) -> Answer {
    if let Some(example) = &action.example {
        return Answer {
            status: example.response.status,
            body: example.response.body.clone(),
            headers: example.response.headers.clone(),
        };
    }
    let mut body = match (&action.records, action.role) {
        (Some(path), _) if !path.is_empty() => nest(path, json!([record_of(&action.fields)])),
        (Some(_), _) | (None, Role::Read) => json!([record_of(&action.fields)]),
        (None, _) => json!({"id": "dry-run-1"}),
    };
    if let Some(s) = &action.success {
        set_path(&mut body, &s.path, s.equals.clone());
    }
    Answer {
        status: 200,
        body,
        headers: BTreeMap::new(),
    }
}

/// A record with a plausible value for every documented field.
pub(crate) fn record_of(fields: &[Field]) -> Value {
    let mut record = json!({"id": "dry-run-1"});
    for f in fields {
        let value = match f.kind {
            FieldType::String => {
                let name = f.path.rsplit('.').next().unwrap_or(&f.path);
                // the list or object holding a generic leaf (`emails.*.value`,
                // `from.emailAddress.address`, `phone_numbers.*.number`) says what it is
                let lower = super::events::kind_name(&f.path).to_lowercase();
                // an address where the vendor sends one, so a step that needs it gets one
                if lower.contains("email") {
                    json!("ada@example.com")
                } else if lower.contains("phone") || lower.contains("mobile") {
                    json!("+15555550100")
                } else {
                    json!(format!("sample {name}"))
                }
            }
            FieldType::Number => json!(42.5),
            FieldType::Integer => json!(42),
            FieldType::Boolean => json!(true),
            FieldType::Datetime => json!(chrono::Utc::now().to_rfc3339()),
            FieldType::Array => json!([]),
            FieldType::Object => json!({}),
        };
        set_path(&mut record, &f.path, value);
    }
    record
}

/// `{"a": {"b": value}}` for `a.b`.
fn nest(path: &str, value: Value) -> Value {
    let mut out = json!({});
    set_path(&mut out, path, value);
    out
}

/// Sets a dotted path (`*` for every element of a list, created as a one-element list).
pub(crate) fn set_path(target: &mut Value, path: &str, value: Value) {
    let keys: Vec<&str> = path.split('.').filter(|k| !k.is_empty()).collect();
    set_keys(target, &keys, value);
}

fn set_keys(target: &mut Value, keys: &[&str], value: Value) {
    let Some((key, rest)) = keys.split_first() else {
        *target = value;
        return;
    };
    if *key == "*" {
        if !target.is_array() || target.as_array().is_some_and(Vec::is_empty) {
            *target = json!([{}]);
        }
        if let Some(items) = target.as_array_mut() {
            for item in items {
                set_keys(item, rest, value.clone());
            }
        }
        return;
    }
    if let (Value::Array(items), Ok(i)) = (&mut *target, key.parse::<usize>())
        && let Some(item) = items.get_mut(i)
    {
        set_keys(item, rest, value);
        return;
    }
    if !target.is_object() {
        *target = json!({});
    }
    if let Some(map) = target.as_object_mut() {
        let slot = map.entry((*key).to_owned()).or_insert(Value::Null);
        set_keys(slot, rest, value);
    }
}

/// The records in an answer at a dotted path (`""`: the answer itself), to adjust them; an
/// object there holds one record, or one per value when the records are `keyed` by id.
pub(crate) fn records_mut<'a>(body: &'a mut Value, path: &str, keyed: bool) -> Vec<&'a mut Value> {
    let mut value = body;
    for key in path.split('.').filter(|k| !k.is_empty()) {
        let next = match value {
            Value::Object(map) => map.get_mut(key),
            Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            _ => None,
        };
        match next {
            Some(v) => value = v,
            None => return Vec::new(),
        }
    }
    match (value, keyed) {
        (Value::Array(items), _) => items.iter_mut().filter(|v| v.is_object()).collect(),
        (Value::Object(map), true) => map.values_mut().filter(|v| v.is_object()).collect(),
        (v @ Value::Object(_), false) => vec![v],
        _ => Vec::new(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn call(method: &str, url: &str, request: Value) -> RecordedCall {
        call_with_headers(method, url, request, &[])
    }

    /// A recorded call of step 1, answered 200, with `headers` (names lower-cased as sent).
    pub(crate) fn call_with_headers(
        method: &str,
        url: &str,
        request: Value,
        headers: &[(&str, &str)],
    ) -> RecordedCall {
        RecordedCall {
            step: Some("step_1".into()),
            method: method.into(),
            url: url.into(),
            request,
            status: 200,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), (*v).to_owned()))
                .collect(),
        }
    }

    #[test]
    fn templates_match_what_generated_code_sends() {
        let t = UrlTemplate::parse("https://{SHOP}.myshopify.com/admin/api/orders/{field:id}.json");
        assert!(t.matches("https://{{SHOP}}.myshopify.com/admin/api/orders/123.json?fields=a"));
        assert!(t.matches("https://acme.myshopify.com/admin/api/orders/a%2Fb.json"));
        assert!(!t.matches("https://acme.myshopify.com/admin/api/orders/.json"));
        assert!(!t.matches("https://evil.example/admin/api/orders/1.json"));
        let plain = UrlTemplate::parse("https://slack.com/api/chat.postMessage");
        assert!(plain.matches("https://slack.com/api/chat.postMessage"));
        assert!(!plain.matches("https://slack.com/api/chat.postMessageX"));
        assert_eq!(
            plain.regex(),
            r"https\:\/\/slack\.com\/api\/chat\.postMessage"
        );
    }

    #[test]
    fn a_call_is_checked_against_its_action() {
        let catalog = Catalog::builtin().unwrap();
        let sim = Simulator::for_tools([catalog.tool("slack").unwrap()]);
        let good = call(
            "POST",
            "https://slack.com/api/chat.postMessage",
            json!({"channel": "#dev", "text": "hi"}),
        );
        assert_eq!(sim.identify(&good).unwrap().action, "post_message");
        assert!(sim.problems(&good).is_empty());
        let empty_text = call(
            "POST",
            "https://slack.com/api/chat.postMessage",
            json!({"channel": "#dev", "text": ""}),
        );
        assert_eq!(
            sim.problems(&empty_text),
            ["slack.post_message: the required field text is missing or empty"]
        );
        let wrong_method = call("GET", "https://slack.com/api/chat.postMessage", json!({}));
        assert!(sim.identify(&wrong_method).is_none());
        assert!(sim.problems(&wrong_method)[0].contains("matches no action"));
    }

    #[test]
    fn actions_of_one_url_are_told_apart_by_the_body_sent() {
        // WhatsApp's text message and template message share `POST /{phone-number-id}/messages`
        let catalog = Catalog::builtin().unwrap();
        let sim = Simulator::for_tools([catalog.tool("whatsapp").unwrap()]);
        let url = "https://graph.facebook.com/v23.0/{{WHATSAPP_PHONE_NUMBER_ID}}/messages";
        let text = call(
            "POST",
            url,
            json!({"messaging_product": "whatsapp", "to": "16505551234", "type": "text",
                   "text": {"body": "We open at nine."}}),
        );
        assert_eq!(sim.identify(&text).unwrap().action, "send_message");
        assert!(sim.problems(&text).is_empty(), "{:?}", sim.problems(&text));
        let template = call(
            "POST",
            url,
            json!({"messaging_product": "whatsapp", "to": "16505551234", "type": "template",
                   "template": {"name": "order_ready", "language": {"code": "en_US"}}}),
        );
        assert_eq!(sim.identify(&template).unwrap().action, "send_template");
        assert!(
            sim.problems(&template).is_empty(),
            "{:?}",
            sim.problems(&template)
        );
        // a body that fits neither is still judged (against the most specific route), not let
        // through
        let neither = call("POST", url, json!({"messaging_product": "whatsapp"}));
        assert!(!sim.problems(&neither).is_empty());
    }

    #[test]
    fn actions_of_one_path_are_told_apart_by_their_fixed_query() {
        // Instagram's container status and Facebook's detail calls share `GET /v23.0/{id}`
        let catalog = Catalog::builtin().unwrap();
        let sim = Simulator::for_tools(["facebook", "instagram"].map(|t| catalog.tool(t).unwrap()));
        let status = call(
            "GET",
            "https://graph.facebook.com/v23.0/178?fields=status_code%2Cstatus&access_token=t",
            json!({}),
        );
        let route = sim.identify(&status).unwrap();
        assert_eq!(
            (route.tool.as_str(), route.action.as_str()),
            ("instagram", "container_status")
        );
        let other = call(
            "GET",
            "https://graph.facebook.com/v23.0/178?access_token=t",
            json!({}),
        );
        assert_ne!(
            sim.identify(&other).map(|r| r.action.as_str()),
            Some("container_status")
        );
    }

    #[test]
    fn sql_statements_and_client_calls_are_identified() {
        let catalog = Catalog::builtin().unwrap();
        let sim = Simulator::for_tools(["postgres", "redis"].map(|t| catalog.tool(t).unwrap()));
        let insert = call(
            "sql",
            "postgres:INSERT INTO \"staging\" (payload) VALUES (:payload)",
            json!({"payload": "{}"}),
        );
        assert_eq!(sim.identify(&insert).unwrap().action, "insert_rows");
        let drop = call("sql", "postgres:DROP TABLE staging", json!({}));
        assert!(sim.identify(&drop).is_none());
        let incr = call(
            "redis",
            "redis.hincrby",
            json!({"name": "k", "key": "u", "amount": 1}),
        );
        assert_eq!(sim.identify(&incr).unwrap().action, "increment");
        assert!(
            sim.identify(&call("boto3", "redis.hincrby", json!({})))
                .is_none()
        );
    }

    #[test]
    fn every_catalog_action_has_an_answer_and_its_own_route() {
        let catalog = Catalog::builtin().unwrap();
        let sim = Simulator::for_tools(catalog.tools());
        for tool in catalog.tools() {
            for action in &tool.actions {
                if !matches!(tool.api, Api::Smtp) {
                    let route = sim
                        .routes
                        .iter()
                        .find(|r| r.tool == tool.id && r.action == action.id);
                    assert!(route.is_some(), "{}.{}", tool.id, action.id);
                }
            }
        }
    }

    #[test]
    fn the_sample_file_is_served_where_sample_records_say_it_is_and_nowhere_else() {
        let sim = Simulator::for_tools([]);
        let served = sim
            .identify(&call("GET", SAMPLE_FILE_URL, Value::Null))
            .unwrap();
        assert_eq!(served.answer.body, json!(SAMPLE_FILE));
        for (method, url) in [
            ("GET", "https://example.com/your-url"),
            ("GET", "https://example.com/sample.pdf/more"),
            ("POST", SAMPLE_FILE_URL),
        ] {
            assert!(
                sim.identify(&call(method, url, Value::Null)).is_none(),
                "{method} {url}"
            );
        }
    }

    #[test]
    fn files_are_answered_where_each_vendor_serves_them() {
        let catalog = Catalog::builtin().unwrap();
        let route = |sim: &Simulator, method: &str, url: &str| {
            sim.identify(&call(method, url, json!(null)))
                .map(|r| (r.action.clone(), r.answer.clone()))
        };
        // Telegram: getFile answers where the file is, then the file's own URL answers it
        let sim = Simulator::for_tools([catalog.tool("telegram").unwrap()]);
        let (action, answer) = route(
            &sim,
            "GET",
            "https://api.telegram.org/bot{{TELEGRAM_BOT_TOKEN}}/getFile?file_id=1001",
        )
        .unwrap();
        assert_eq!(action, "photo.*.file_id.file");
        let path = answer.body["result"]["file_path"].as_str().unwrap();
        let (action, answer) = route(
            &sim,
            "GET",
            &format!("https://api.telegram.org/file/bot{{{{TELEGRAM_BOT_TOKEN}}}}/{path}"),
        )
        .unwrap();
        assert_eq!(action, "photo.*.file_id.file_content");
        assert_eq!(answer.body, json!(SAMPLE_FILE));
        // Dropbox: a POST to the content host, not a GET of the API host
        let sim = Simulator::for_tools([catalog.tool("dropbox").unwrap()]);
        let url = "https://content.dropboxapi.com/2/files/download";
        assert_eq!(route(&sim, "POST", url).unwrap().0, "id.file");
        assert!(route(&sim, "GET", url).is_none());
        // Gmail: the attachment's bytes base64url-encoded in `data`
        let sim = Simulator::for_tools([catalog.tool("gmail").unwrap()]);
        let (_, answer) = route(
            &sim,
            "GET",
            "https://gmail.googleapis.com/gmail/v1/users/me/messages/m1/attachments/a1",
        )
        .unwrap();
        use base64::Engine as _;
        let data = answer.body["data"].as_str().unwrap();
        assert_eq!(
            base64::engine::general_purpose::URL_SAFE
                .decode(data)
                .unwrap(),
            SAMPLE_FILE.as_bytes()
        );
        // DocuSign: the envelope's documents as one PDF
        let sim = Simulator::for_tools([catalog.tool("docusign").unwrap()]);
        let (action, answer) = route(
            &sim,
            "GET",
            "https://{{DOCUSIGN_BASE_HOST}}/restapi/v2.1/accounts/{{DOCUSIGN_ACCOUNT_ID}}/envelopes/e1/documents/combined",
        )
        .unwrap();
        assert_eq!(action, "envelopeId.file");
        assert_eq!(answer.body, json!(SAMPLE_FILE));
        // Drive: `alt=media` is the file, the same path without it the metadata
        let sim = Simulator::for_tools([catalog.tool("google_drive").unwrap()]);
        let url = "https://www.googleapis.com/drive/v3/files/f1";
        let media = route(&sim, "GET", &format!("{url}?alt=media")).unwrap();
        assert_eq!(media.1.body, json!(SAMPLE_FILE));
        assert_ne!(route(&sim, "GET", url).map(|r| r.0), Some(media.0));
    }

    #[test]
    fn a_mailbox_and_a_mail_server_are_client_routes() {
        let catalog = Catalog::builtin().unwrap();
        let sim = Simulator::for_tools(["imap", "smtp"].iter().filter_map(|t| catalog.tool(t)));
        let search = call("imaplib", "imap.search", json!({"criteria": "UNSEEN"}));
        let route = sim.identify(&search).unwrap();
        assert_eq!(
            (route.tool.as_str(), route.action.as_str()),
            ("imap", "fetch_unseen")
        );
        assert!(route.answer.body.as_array().is_some_and(|m| !m.is_empty()));
        assert!(
            sim.identify(&call("imaplib", "imap.expunge", json!({})))
                .is_none()
        );
        // a message sent through smtplib, whatever the action is named
        let sent = call(
            "smtplib",
            "smtp.send_message",
            json!({"to": "ada@example.com", "subject": "Hi", "body": "Hello"}),
        );
        let route = sim.identify(&sent).unwrap();
        assert_eq!(
            (route.tool.as_str(), route.action.as_str()),
            ("smtp", "send_email")
        );
        assert!(sim.problems(&sent).is_empty());
        assert!(
            sim.identify(&call("smtplib", "smtp.sendmail", json!({})))
                .is_none()
        );
    }

    #[test]
    fn an_s3_object_a_record_names_is_served_as_the_sample_file() {
        let catalog = Catalog::builtin().unwrap();
        let sim = Simulator::for_tools([catalog.tool("aws_s3").unwrap()]);
        let read = call(
            "boto3",
            "s3.get_object",
            json!({"Bucket": "my-uploads", "Key": "calls/call-42.mp3"}),
        );
        let route = sim.identify(&read).unwrap();
        assert_eq!(
            (route.tool.as_str(), route.action.as_str()),
            ("aws_s3", "object.file")
        );
        assert_eq!(route.answer.body["Body"], json!(SAMPLE_FILE));
        assert!(sim.problems(&read).is_empty());
        // without a key it is refused, as S3 refuses it; another service's get_object is not S3's
        let no_key = call("boto3", "s3.get_object", json!({"Bucket": "my-uploads"}));
        assert!(sim.problems(&no_key)[0].contains("Key"));
        let sim = Simulator::for_tools([catalog.tool("slack").unwrap()]);
        assert!(sim.identify(&read).is_none());
    }

    #[test]
    fn paths_are_set_through_lists_and_objects() {
        let mut v = json!({});
        set_path(&mut v, "line_items.*.sku", json!("A1"));
        set_path(&mut v, "customer.email", json!("a@example.com"));
        assert_eq!(
            v,
            json!({"line_items": [{"sku": "A1"}], "customer": {"email": "a@example.com"}})
        );
        assert!(present(&call("POST", "u", v.clone()), "line_items.0.sku"));
        assert!(!present(&call("POST", "u", v), "line_items.1.sku"));
        assert!(present(
            &call("GET", "https://x/y?q=1&k=", json!(null)),
            "query.q"
        ));
        assert!(!present(
            &call("GET", "https://x/y?q=1&k=", json!(null)),
            "query.k"
        ));
    }
}
