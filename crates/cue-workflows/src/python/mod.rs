//! Python code generation: the Lambda module of a [`Plan`], from the catalog's call specs.
//!
//! This module decides *what* the module holds (imports, settings, clients, helpers, one function
//! per step, the handler of the trigger's delivery) and hands that to the templates under
//! `codegen/python/`, which say how it is written. Values from the plan reach the templates as
//! plain strings, which only an escaping filter can print; expressions built here from the
//! catalog's specs are [`Code`].

mod answers;
#[cfg(test)]
pub(crate) mod answers_tests;
#[cfg(test)]
mod catalog17_tests;
#[cfg(test)]
mod catalog19_tests;
#[cfg(test)]
mod delivery_tests;
#[cfg(test)]
mod empty_answer_tests;
#[cfg(test)]
mod encoding_tests;
#[cfg(test)]
mod example_requests;
mod expr;
#[cfg(test)]
mod polling_tests;
mod reach;
mod recipients;
pub(crate) mod record;
#[cfg(test)]
mod review10_tests;
#[cfg(test)]
mod review6_tests;
#[cfg(test)]
mod review8_tests;
#[cfg(test)]
mod review9_tests;
mod signed_token;
#[cfg(test)]
pub(crate) mod test_plans;
mod token;
mod webhook;
#[cfg(test)]
mod window_tests;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::WorkflowError;
use crate::catalog::chosen::MultipartKeys;
use crate::catalog::{
    Action, AnswerKind, Api, Catalog, ContentType, CursorFormat, Field, FileEncoding, FileRef,
    MoneyUnit, Role, Tool, Verify,
};
use crate::escape::{ident, py_str, sql_ident};
use crate::model::{Condition, Delivery, Plan, Step};
use crate::refs::{Auth, AuthValue};
use crate::render::{PlanText, Templates};
use answers::SyncView;
use expr::{Code, Ctx};
use signed_token::SignedTokenFn;
use token::TokenFn;
use webhook::Webhook;

/// What a plan's module needs and holds, before it is written.
pub(crate) struct Prepared<'a> {
    module: Module<'a>,
    /// Pinned packages the module imports.
    pub requirements: Vec<String>,
    /// IAM actions the function needs.
    pub iam: Vec<String>,
    /// A credential the webhook's handshake sets, so it may be empty when deployed.
    pub learned_secret: Option<String>,
    /// The function keeps a polling cursor (the SAM template creates its table).
    pub cursor: bool,
    /// Credentials holding refresh tokens the vendor rotates: the SAM template keeps each in a
    /// secret the function may read and write.
    pub rotated: Vec<String>,
    /// Every value the module reads from the environment with a default (its settings and
    /// the helpers' own), which the SAM template declares and the README explains.
    pub settings: Vec<EnvSetting>,
}

/// A value the module reads from the environment, with the default it falls back to. The SAM
/// template declares each as a parameter (the default as the parameter's) passed as the
/// function's environment variable, and the README says what it means: the one list both
/// render, decided with the module (issue 12, R15-3).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct EnvSetting {
    pub name: String,
    pub default: String,
    /// What it means, for the template's parameter and the README.
    pub about: String,
}

/// The settings the module's own helpers read (`python/module.py.j2`, `python/http.py.j2`),
/// by the helper that reads them: name, default (as the module writes it), meaning.
const HELPER_SETTINGS: &[(&str, &str, &str, &str)] = &[
    (
        "detail",
        "DETAIL_LIMIT",
        "50",
        "The most listed records a step fetches one by one in a run",
    ),
    (
        "job",
        "JOB_WAIT_SECONDS",
        "40",
        "Seconds a run waits for a vendor's job to finish before reporting it unfinished",
    ),
    (
        "postgres",
        "POSTGRES_PORT",
        "5432",
        "The PostgreSQL server's port",
    ),
    ("mysql", "MYSQL_PORT", "3306", "The MySQL server's port"),
    (
        "smtp",
        "SMTP_PORT",
        "587",
        "The SMTP server's port (STARTTLS)",
    ),
    (
        "http",
        "ALLOWED_PRIVATE_HOSTS",
        "",
        "Host names (comma-separated) the function may call on a private network address; empty: public addresses only",
    ),
];

impl Prepared<'_> {
    /// The module's text.
    pub(crate) fn render(&self, templates: &Templates) -> Result<String, WorkflowError> {
        let text = templates.render("python/module.py.j2", &self.module)?;
        Ok(reach::reached(&text))
    }
}

/// Modules every generated function imports (the `_http` helper's).
const BASE_IMPORTS: &[&str] = &[
    "base64",
    "http.client",
    "ipaddress",
    "json",
    "logging",
    "mimetypes",
    "os",
    "socket",
    "time",
    "urllib.error",
    "urllib.parse",
    "urllib.request",
    "xml.etree.ElementTree",
];

/// Imports that are not in the standard library, written in a group of their own.
const THIRD_PARTY: &[&str] = &["boto3", "pg8000.native", "pymysql", "redis", "pymongo"];

/// Decides what the Lambda module of `plan` holds: every call resolved against the catalog,
/// the imports, packages and IAM actions they need. [`Prepared::render`] writes it.
pub(crate) fn prepare<'a>(
    catalog: &Catalog,
    plan: &'a Plan,
) -> Result<Prepared<'a>, WorkflowError> {
    let mut g = Gen {
        catalog,
        imports: BASE_IMPORTS.iter().copied().collect(),
        requirements: BTreeSet::new(),
        iam: BTreeSet::new(),
        settings: Vec::new(),
        clients: BTreeMap::new(),
        helpers: BTreeSet::new(),
        header_fns: BTreeMap::new(),
        token_fns: BTreeMap::new(),
        signed_fns: BTreeMap::new(),
        placeholders: plan.placeholders(),
        learned_secret: None,
        money_sources: money_sources(catalog, plan),
        schedule_zone: plan.trigger.timezone.clone(),
    };
    let mut steps = plan
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let fields = recipients::input_fields(catalog, plan, i);
            let run_record = on_run_record(catalog, plan, i);
            let record = record::RecordPaths::of(fields, run_record);
            g.step(s, run_record, recipients::sender_paths(fields), record)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let handler = g.handler(plan)?;
    let file_fetches = if g.helpers.contains("file") {
        g.file_fetches(plan)?
    } else {
        Vec::new()
    };
    if file_fetches.is_empty() {
        for s in &mut steps {
            s.fetches_file = false;
        }
    } else {
        g.imports.insert("base64");
    }
    for (i, s) in steps.iter_mut().enumerate() {
        s.exports = s.exports && !carries_files(catalog, plan, i);
    }
    let exports = steps.iter().any(|s| s.exports);
    if exports {
        g.imports.extend(["csv", "io"]);
    }
    let cursor = g.cursor(plan, &mut steps);
    g.windowed(plan, &mut steps);
    let sync = steps.iter().any(|s| s.sync.is_some());
    if sync {
        g.imports.insert("boto3");
        g.helpers.insert("sync");
    }
    let has_cursor = cursor.is_some() || sync;
    if g.helpers.contains("time") || g.imports.contains("datetime") {
        g.imports.insert("datetime");
        g.helpers.insert("time");
    }
    // the period `{since}`/`{until}` cover, from the schedule and the prompt
    let window = g
        .helpers
        .contains("time")
        .then(|| crate::window::window(plan).map(|w| WindowView::new(w, plan)))
        .flatten();
    if window
        .as_ref()
        .is_some_and(|w| w.timezone.is_some() && w.kind != "minutes")
    {
        g.imports.insert("zoneinfo");
    }
    let (third_party, stdlib): (Vec<&str>, Vec<&str>) =
        g.imports.iter().partition(|m| THIRD_PARTY.contains(m));
    let rotated: Vec<String> = g
        .token_fns
        .values()
        .filter_map(|t| t.store.clone())
        .collect();
    let settings = env_settings(
        &g,
        steps.iter().any(|s| s.detail.is_some()),
        window.as_ref(),
    );
    let module = Module {
        event_name: event_name(g.catalog, plan),
        plan: PlanText::from(plan),
        imports: stdlib.into_iter().map(Code::from_static).collect(),
        third_party_imports: third_party.into_iter().map(Code::from_static).collect(),
        placeholders: plan.placeholders(),
        helpers: Helpers::from(&g.helpers),
        file_fetches,
        exports,
        settings: g.settings,
        clients: g.clients.into_values().collect(),
        header_fns: g.header_fns.into_values().collect(),
        token_fns: g.token_fns.into_values().collect(),
        token_store: !rotated.is_empty(),
        signed_fns: g.signed_fns.into_values().collect(),
        cursor,
        sync,
        detail_limit: steps.iter().any(|s| s.detail.is_some()),
        filter: plan.trigger.filter.as_ref().map(Cond::from),
        poll_minutes: match &window {
            None => crate::window::DEFAULT_MINUTES,
            Some(w) => w.minutes,
        },
        window,
        steps,
        handler,
    };
    Ok(Prepared {
        module,
        requirements: g.requirements.into_iter().collect(),
        iam: g.iam.into_iter().collect(),
        learned_secret: g.learned_secret,
        cursor: has_cursor,
        rotated,
        settings,
    })
}

/// What the module reads from the environment with a default, in the order it reads them: the
/// steps' settings, then the helpers' (`HELPER_SETTINGS`, `POLL_MINUTES` where a window is
/// read by minutes). Credentials are the template's already; `CURSOR_TABLE` and a rotated
/// token's `_SECRET_ARN` name resources the template creates, so they are no settings.
fn env_settings(g: &Gen<'_>, detail_limit: bool, window: Option<&WindowView>) -> Vec<EnvSetting> {
    let mut out: Vec<EnvSetting> = g
        .settings
        .iter()
        .map(|s| EnvSetting {
            name: s.name.clone(),
            default: s.value.clone(),
            about: s.about.clone(),
        })
        .collect();
    let used = |helper: &str| match helper {
        "detail" => detail_limit,
        // every vendor call goes through `_http` with the tool's header function
        "http" => !g.header_fns.is_empty(),
        other => g.helpers.contains(other),
    };
    let mut helper = |name: &str, default: String, about: &str| {
        out.push(EnvSetting {
            name: name.to_owned(),
            default,
            about: about.to_owned(),
        });
    };
    for (h, name, default, about) in HELPER_SETTINGS.iter().take(2) {
        if used(h) {
            helper(name, (*default).to_owned(), about);
        }
    }
    // `python/time.py.j2`: a calendar window reads no minutes
    if g.helpers.contains("time") {
        let (minutes, about) = match window {
            None => (
                crate::window::DEFAULT_MINUTES,
                "The minutes each run reads back",
            ),
            Some(w) if w.kind == "minutes" => (
                w.minutes,
                "The minutes each run reads back (the schedule's period, or what the description says)",
            ),
            Some(w) if w.kind == "cron" => (
                0,
                "0: each run reads back to the schedule's previous run; minutes set here replace that",
            ),
            Some(_) => (0, ""),
        };
        if !about.is_empty() {
            helper("POLL_MINUTES", minutes.to_string(), about);
        }
    }
    for (h, name, default, about) in HELPER_SETTINGS.iter().skip(2) {
        if used(h) {
            helper(name, (*default).to_owned(), about);
        }
    }
    out
}

/// What happened, for a title or an analytics event's name the record does not give: the
/// trigger event's label ("Payment failed", "New order"), else (a schedule, a manual run, a
/// queue) the workflow's name (review 16, R16-5: "Stripe → Segment" as an event's name).
fn event_name(catalog: &Catalog, plan: &Plan) -> String {
    let t = &plan.trigger;
    t.tool
        .as_deref()
        .and_then(|tool| catalog.tool(tool))
        .and_then(|tool| tool.events.iter().find(|e| Some(&e.id) == t.event.as_ref()))
        .map_or_else(|| plan.name.clone(), |e| e.label.clone())
}

/// What `python/module.py.j2` renders.
#[derive(Serialize)]
struct Module<'a> {
    /// `EVENT_NAME`'s value (`event_name`).
    event_name: String,
    plan: PlanText<'a>,
    imports: Vec<Code>,
    third_party_imports: Vec<Code>,
    placeholders: Vec<String>,
    settings: Vec<Setting>,
    helpers: Helpers,
    /// Files the records refer to, fetched before `_file_bytes` reads them.
    file_fetches: Vec<FileFetch>,
    /// Whether a step exports records as a CSV file (`_files_or_table`).
    exports: bool,
    clients: Vec<Client>,
    header_fns: Vec<HeaderFn>,
    /// Access tokens the function obtains itself.
    token_fns: Vec<TokenFn>,
    /// A token function keeps a rotated refresh token in Secrets Manager.
    token_store: bool,
    /// Tokens the function signs itself.
    signed_fns: Vec<SignedTokenFn>,
    /// A step keeps a vendor sync cursor in the cursor table.
    sync: bool,
    /// How a polling trigger remembers what it has emitted.
    cursor: Option<CursorView>,
    /// A step fetches its listed records one by one (`DETAIL_LIMIT` bounds them).
    detail_limit: bool,
    /// The trigger's filter.
    filter: Option<Cond>,
    /// The period `{since}`/`{until}` cover (`python/time.py.j2`); `None`: `POLL_MINUTES`.
    window: Option<WindowView>,
    /// `POLL_MINUTES`' default: the window's minutes, 0 when the window is not a fixed length.
    poll_minutes: u32,
    steps: Vec<StepFn>,
    handler: Handler,
}

/// The period `{since}`/`{until}` cover (`python/time.py.j2`), from [`crate::window`].
#[derive(Serialize)]
struct WindowView {
    /// `minutes`, `cron` or `calendar`.
    kind: &'static str,
    /// For `minutes`: how many; 0 otherwise.
    minutes: u32,
    /// For `calendar`: `day`, `week` or `month`, and how many back (0: the current one).
    unit: &'static str,
    back: u32,
    /// For `cron`: its fields as a Python literal.
    schedule: Option<Code>,
    /// For `cron`: it runs on the nth (or last) weekday of the month (`"nth"` in the literal).
    nth: bool,
    /// The zone the schedule runs in; `None` is UTC.
    timezone: Option<String>,
}

impl WindowView {
    fn new(w: crate::window::Window, plan: &Plan) -> Self {
        use crate::window::Window;
        let mut view = Self {
            kind: "minutes",
            minutes: 0,
            unit: "",
            back: 0,
            schedule: None,
            nth: false,
            timezone: plan.trigger.timezone.clone(),
        };
        match w {
            Window::Minutes { minutes } => view.minutes = minutes,
            Window::Cron { cron } => {
                view.kind = "cron";
                view.nth = cron.nth.is_some();
                view.schedule = Some(expr::name(&cron.python_literal()));
            }
            Window::Calendar { unit, back } => {
                view.kind = "calendar";
                view.unit = unit.name();
                view.back = back;
            }
        }
        view
    }
}

/// The polling trigger's cursor (`python/cursor.py.j2`).
#[derive(Serialize)]
struct CursorView {
    field: String,
    /// `unix`, `unix_ms`, `iso8601`, `date` or `id`.
    format: &'static str,
    dedupe: Option<String>,
    /// An item is its id and its cursor field: each edit is emitted once.
    each_edit: bool,
    /// What an item of the trigger's event looks like among all the poll lists (a folder's
    /// items are files, folders and links: Box's `new_file` wants `type == file`): the
    /// event's `match` on body paths, applied to the new items.
    matches: Vec<MatchView>,
}

impl From<&crate::catalog::Match> for MatchView {
    fn from(m: &crate::catalog::Match) -> Self {
        // headers are text: compare with the value's text
        let value = |v: &serde_json::Value| match (&m.header, v) {
            (Some(_), serde_json::Value::String(s)) => Code::literal(s),
            (Some(_), other) => Code::literal(&other.to_string()),
            (None, v) => expr::json_literal(v),
        };
        let one_of = !m.one_of.is_empty();
        let equals = if one_of {
            let values: Vec<Code> = m.one_of.iter().map(value).collect();
            expr::name(&format!("[{}]", expr::join(&values)))
        } else {
            value(&m.equals)
        };
        Self {
            header: m.header.as_ref().map(|h| h.to_ascii_lowercase()),
            path: m.path.clone(),
            equals,
            one_of,
            present: m.present,
            absent: m.absent,
            excludes: (!m.excludes.is_empty()).then(|| {
                let texts: Vec<Code> = m.excludes.iter().map(|t| Code::literal(t)).collect();
                expr::name(&format!("[{}]", expr::join(&texts)))
            }),
        }
    }
}

/// A step parameter as a constant the environment can override.
#[derive(Serialize)]
struct Setting {
    name: String,
    value: String,
    /// What it is, for the README and the template's parameter.
    #[serde(skip)]
    about: String,
}

/// The helper functions a module needs besides `_http` and its record helpers.
#[derive(Serialize, Default)]
struct Helpers {
    time: bool,
    /// `_in_window`: whether a record's time falls in the run's window (`python/time.py.j2`).
    in_window: bool,
    /// `_time_as`: a window bound in the form a parameter takes (`python/time.py.j2`).
    time_as: bool,
    ddb: bool,
    mime: bool,
    sql: bool,
    postgres: bool,
    mysql: bool,
    smtp: bool,
    imap: bool,
    file: bool,
    job: bool,
    /// `_cells`: rows of cells named by column (`python/answers.py.j2`).
    cells: bool,
    /// `_cut`: values cut to a vendor's length limits (`python/cut.py.j2`).
    cut: bool,
    /// `_part`: a record field inside a longer text, refused when missing (`python/cut.py.j2`).
    part: bool,
    /// The vendor sync cursor (`python/answers.py.j2`).
    sync: bool,
    /// `_stream_file`: a boto3 answer's stream read into a file record (`python/http.py.j2`).
    stream_file: bool,
    /// `_on_host`: a URL a record holds, called only on its tool's host (`python/on_host.py.j2`).
    on_host: bool,
    /// `_identify`: a tracking call's user from the record (`python/answers.py.j2`).
    identify: bool,
    /// `_earlier`: a window bound moved back by a vendor's listing lag (`python/time.py.j2`).
    lag: bool,
    /// `_documents`: a PyMongo cursor's documents as records (`python/module.py.j2`).
    documents: bool,
    /// `_money`: amounts converted between minor and major units (`python/cut.py.j2`).
    money: bool,
    /// `_firestore_records`: Firestore typed Values as plain values (`python/answers.py.j2`).
    firestore_values: bool,
    /// `_file_document`: a file for Textract or Rekognition, in S3 or as bytes
    /// (`python/file.py.j2`).
    file_document: bool,
    /// `_record_text`: every text of the records, for a model (`python/http.py.j2`).
    record_text: bool,
    /// `_public_file_url`: a URL the vendor fetches the record's file from, an S3 object's
    /// presigned (`python/file_url.py.j2`).
    file_url: bool,
    /// `_shaped`: a record's value in the shape its request field takes (`python/cut.py.j2`).
    shaped: bool,
    /// `_json_texts`: body fields sent as JSON text (`python/http.py.j2`).
    json_text: bool,
    /// `_full_text`: a record's title and body, for a step that works on its text whole
    /// (a translation; `python/http.py.j2`).
    full_text: bool,
    /// `_file_or_url`: the record, else the file at a URL setting (`python/file.py.j2`).
    file_or: bool,
    /// `_by_file_type`, `_without_none`: settings the sent file's media type decides
    /// (`python/file.py.j2`).
    by_file_type: bool,
    /// `_file_source`: the record a file reference reads, the step's own or the one the
    /// workflow started from (`python/file_source.py.j2`).
    file_source: bool,
    /// `_reading`: a record's e-mail address, phone number or amount, only a value of that
    /// kind (`python/reader.py.j2`).
    reader: bool,
    /// `EVENT_NAME`: what happened, for a title or an analytics event the record does not
    /// name (`python/module.py.j2`).
    event_name: bool,
    /// `_required`: a client call's needed keywords refused when empty (`python/http.py.j2`).
    required: bool,
    /// `_share`: a post sharing a record, its title and link (`python/http.py.j2`).
    share: bool,
}

impl From<&BTreeSet<&'static str>> for Helpers {
    fn from(h: &BTreeSet<&'static str>) -> Self {
        Self {
            time: h.contains("time"),
            in_window: h.contains("in_window"),
            time_as: h.contains("time_as"),
            ddb: h.contains("ddb"),
            mime: h.contains("mime"),
            sql: h.contains("sql"),
            postgres: h.contains("postgres"),
            mysql: h.contains("mysql"),
            smtp: h.contains("smtp"),
            imap: h.contains("imap"),
            file: h.contains("file"),
            job: h.contains("job"),
            cells: h.contains("cells"),
            cut: h.contains("cut"),
            part: h.contains("part"),
            sync: h.contains("sync"),
            stream_file: h.contains("stream_file"),
            on_host: h.contains("on_host"),
            identify: h.contains("identify"),
            lag: h.contains("lag"),
            documents: h.contains("documents"),
            money: h.contains("money"),
            firestore_values: h.contains("firestore_values"),
            file_document: h.contains("file_document"),
            record_text: h.contains("record_text"),
            file_url: h.contains("file_url"),
            shaped: h.contains("shaped"),
            json_text: h.contains("json_text"),
            full_text: h.contains("full_text"),
            file_source: h.contains("file_source"),
            reader: h.contains("reader"),
            file_or: h.contains("file_or"),
            by_file_type: h.contains("by_file_type"),
            event_name: h.contains("event_name"),
            required: h.contains("required"),
            share: h.contains("share"),
        }
    }
}

/// A file a source record refers to (the catalog's `file` on a field of the trigger's event or
/// of a read step's records), fetched with its tool's authorization (`python/file.py.j2`).
#[derive(Serialize)]
struct FileFetch {
    /// `Outlook: hasAttachments`, for the comment.
    about: String,
    /// The vendor's reference, for the comment.
    reference: String,
    /// The record's field whose value says there is a file.
    field: String,
    /// A request whose JSON answer (`answer`) says where the file is, made first.
    first: Option<Code>,
    /// The expression answering the file as a record with `content_base64` and `name`.
    fetch: Code,
}

/// A client created once per execution environment.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Client {
    Boto3 { var: String, service: String },
    S3Reader,
    Redis,
    Mongodb,
}

/// `_<tool>_headers()`: the headers every call of an HTTP tool sends.
#[derive(Serialize)]
struct HeaderFn {
    name: String,
    tool: String,
    headers: Code,
}

/// A condition as `_matches` takes it.
#[derive(Serialize)]
struct Cond {
    field: String,
    symbol: &'static str,
    value: String,
    description: String,
}

impl From<&Condition> for Cond {
    fn from(c: &Condition) -> Self {
        Self {
            field: c.field.clone(),
            symbol: c.op.symbol(),
            value: c.value.clone(),
            description: c.description.clone(),
        }
    }
}

/// How a step function handles its records (`python/step.py.j2`).
#[derive(Serialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum StepKind {
    /// Reads fresh records.
    Read,
    /// One call per record.
    Each,
    /// One call for all records; the answer is the result.
    Batch,
    /// One call for all records; the answer's records are the next step's input.
    Transform,
}

/// One generated step function and how `run_workflow` calls it.
#[derive(Serialize)]
struct StepFn {
    #[serde(rename = "fn")]
    name: String,
    id: String,
    /// The docstring.
    doc: String,
    description: String,
    kind: StepKind,
    call: Code,
    /// Whether the call reads the step's input (else a read step drops it).
    call_uses_items: bool,
    /// Whether each item's referred file is fetched before the call (`_with_file`), so the
    /// call's URL and body name the file itself.
    fetches_file: bool,
    /// Whether records that name no file are sent as one CSV file of them all
    /// (`_files_or_table`, an export): the call sends a file and no earlier tool's records
    /// carry files of their own ([`carries_files`]).
    exports: bool,
    condition: Option<Cond>,
    for_each: bool,
    /// A write step's results are counted but are not the next step's input.
    writes: bool,
    /// Where the records are in the answer (`""`: the answer itself).
    records: Option<String>,
    /// The records are the values of an object keyed by id (`_keyed`).
    records_keyed: bool,
    /// `{field: path}` of the answer each record gets (`Action::answer_fields`), as Python.
    answer_fields: Option<Code>,
    /// Where a transform's text is in the answer.
    text: Option<String>,
    /// This step polls for the trigger: only records not emitted before go on.
    polls: bool,
    /// A scheduled read of a named period that the vendor cannot filter by time (R17-4:
    /// Notion's search): the time field and its format; records outside the window are dropped.
    window_field: Option<(String, &'static str)>,
    /// A call per listed record, on `record`, when the list holds only ids (`action.detail`).
    detail: Option<Code>,
    /// Where the record is in the detail call's answer.
    detail_record: String,
    /// The vendor's sync cursor, kept between runs.
    sync: Option<SyncView>,
}

/// The handler of the trigger's delivery (`python/handler/<delivery>.py.j2`).
#[derive(Serialize)]
struct Handler {
    delivery: &'static str,
    /// How a webhook request is checked and answered.
    webhook: Option<Webhook>,
    /// Where the record is in a webhook's body (`data.object`).
    item_path: Option<String>,
    /// What a delivery of the trigger's event looks like among all the vendor sends.
    matches: Vec<MatchView>,
    /// A batched delivery: the keys of the path of its units (`*`: each element of a list).
    units: Option<Code>,
    /// What a unit of the trigger's event looks like (paths relative to the unit).
    unit_matches: Vec<MatchView>,
    /// The call that fetches the record of an id-only delivery, on `item`.
    detail: Option<Code>,
    /// Where the record is in that call's answer.
    detail_record: String,
}

/// One condition of an event's `match`: a header or a body path equal to a value.
#[derive(Serialize)]
struct MatchView {
    /// Lower case.
    header: Option<String>,
    path: Option<String>,
    /// The value, or (`one_of`) the list of values.
    equals: Code,
    one_of: bool,
    /// The path only has to be there (`equals` is unused).
    present: bool,
    /// The path must not be there.
    absent: bool,
    /// The texts the value must not contain (a list literal), when the match is that.
    excludes: Option<Code>,
}

struct Gen<'c> {
    catalog: &'c Catalog,
    imports: BTreeSet<&'static str>,
    requirements: BTreeSet<String>,
    iam: BTreeSet<String>,
    settings: Vec<Setting>,
    /// By variable name, the order they are written in.
    clients: BTreeMap<String, Client>,
    helpers: BTreeSet<&'static str>,
    /// By function name, the order they are written in.
    header_fns: BTreeMap<String, HeaderFn>,
    /// By function name.
    token_fns: BTreeMap<String, TokenFn>,
    /// By function name.
    signed_fns: BTreeMap<String, SignedTokenFn>,
    /// The plan's credentials: the constants the module defines.
    placeholders: Vec<String>,
    learned_secret: Option<String>,
    /// The amounts of money the plan's records carry (the trigger event's and read steps'
    /// fields that say their unit), by field path.
    money_sources: BTreeMap<String, crate::catalog::Money>,
    /// The schedule's IANA time zone, the default of a step's `time_zone` setting.
    schedule_zone: Option<String>,
}

impl Gen<'_> {
    /// The constant holding a step parameter (shared when two steps use the same value).
    fn setting(&mut self, tool: &Tool, name: &str, value: &str) -> String {
        let base = format!("{}_{}", ident(&tool.id), ident(name)).to_ascii_uppercase();
        let mut candidate = base.clone();
        let mut n = 2;
        loop {
            match self.settings.iter().find(|s| s.name == candidate) {
                Some(s) if s.value == value => return candidate,
                Some(_) => {
                    candidate = format!("{base}_{n}");
                    n += 1;
                }
                None => {
                    self.settings.push(Setting {
                        name: candidate.clone(),
                        value: value.to_owned(),
                        about: format!(
                            "{} {}, as the workflow was generated",
                            tool.name,
                            name.replace('_', " ")
                        ),
                    });
                    return candidate;
                }
            }
        }
    }

    /// The name of a tool's header function, written once per module.
    fn headers_fn(&mut self, tool: &Tool, auth: &Auth<'_>) -> Result<String, WorkflowError> {
        let name = format!("_{}_headers", ident(&tool.id));
        if self.header_fns.contains_key(&name) {
            return Ok(name);
        }
        let mut entries: Vec<Code> = Vec::new();
        // a credential the function obtains itself is a call of its token function
        let exchanged = match &tool.token_exchange {
            Some(x) => match token::token_fn(&tool.name, x, &self.placeholders)? {
                Some(f) => {
                    self.imports.insert("base64");
                    if f.store.is_some() {
                        self.imports.insert("boto3");
                    }
                    let call = format!("{}()", f.name);
                    self.token_fns.entry(f.name.clone()).or_insert(f);
                    Some((x.provides.as_str(), call))
                }
                None => None,
            },
            None => match tool
                .signed_token
                .as_ref()
                .and_then(|s| signed_token::signed_token_fn(&tool.name, s, &self.placeholders))
            {
                Some(f) => {
                    self.imports.extend(["base64", "hashlib", "hmac"]);
                    let call = format!("{}()", f.name);
                    let provides = tool
                        .signed_token
                        .as_ref()
                        .map_or("", |s| s.provides.as_str());
                    self.signed_fns.entry(f.name.clone()).or_insert(f);
                    Some((provides, call))
                }
                None => None,
            },
        };
        let auth_value = |v: AuthValue<'_>| match (v, &exchanged) {
            (AuthValue::Credential(c), Some((provides, call))) if c == *provides => {
                expr::name(call)
            }
            _ => auth_value(v),
        };
        match *auth {
            Auth::Bearer(v) => entries.push(expr::entry(
                "Authorization",
                &expr::concat(&[Code::literal("Bearer "), auth_value(v)]),
            )),
            Auth::Header {
                name,
                prefix,
                value,
            } => {
                let value = match prefix {
                    Some(p) => expr::concat(&[Code::literal(&format!("{p} ")), auth_value(value)]),
                    None => auth_value(value),
                };
                entries.push(expr::entry(name, &value));
            }
            Auth::Basic { user, password } => {
                self.imports.insert("base64");
                let pair =
                    expr::concat(&[auth_value(user), Code::literal(":"), auth_value(password)]);
                let bytes = expr::call(
                    &expr::attr(&expr::paren(&pair), "encode"),
                    &[Code::literal("utf-8")],
                );
                let base64 = expr::call(&expr::name("base64.b64encode"), &[bytes]);
                let encoded = expr::call(&expr::attr(&base64, "decode"), &[Code::literal("ascii")]);
                entries.push(expr::entry(
                    "Authorization",
                    &expr::concat(&[Code::literal("Basic "), encoded]),
                ));
            }
            Auth::Query { .. } | Auth::None => {}
        }
        let consts = BTreeMap::new();
        let mut ctx = Ctx::new("item", &consts);
        for (k, v) in &tool.headers {
            entries.push(expr::entry(k, &ctx.string(v, false)?));
        }
        self.header_fns.insert(
            name.clone(),
            HeaderFn {
                name: name.clone(),
                tool: tool.name.clone(),
                headers: expr::dict(&entries),
            },
        );
        Ok(name)
    }

    /// How each file a source record of the plan refers to is fetched: the trigger's event and
    /// every read step's records, in the plan's order, once per tool and field.
    /// `base` (the tool's headers) with a request's own: a text is a template, an object is sent
    /// as its JSON text; `base` itself when the request adds none.
    fn with_headers(
        &mut self,
        ctx: &mut Ctx<'_>,
        base: Code,
        own: &BTreeMap<String, serde_json::Value>,
    ) -> Result<Code, WorkflowError> {
        if own.is_empty() {
            return Ok(base);
        }
        let mut entries = vec![expr::name(&format!("**{}", base.as_str()))];
        for (name, value) in own {
            let v = match value {
                serde_json::Value::String(t) => ctx.string(t, false)?,
                other => {
                    self.imports.insert("json");
                    expr::call(&expr::name("json.dumps"), &[ctx.value(other)?])
                }
            };
            entries.push(expr::entry(name, &v));
        }
        Ok(expr::dict(&entries))
    }

    fn file_fetches(&mut self, plan: &Plan) -> Result<Vec<FileFetch>, WorkflowError> {
        let catalog = self.catalog;
        let mut sources: Vec<(&Tool, &[Field])> = Vec::new();
        if let Some(tool) = plan.trigger.tool.as_deref().and_then(|t| catalog.tool(t))
            && let Some(event) = tool
                .events
                .iter()
                .find(|e| Some(e.id.as_str()) == plan.trigger.event.as_deref())
        {
            sources.push((tool, &event.fields));
        }
        for step in &plan.steps {
            if let Some(tool) = catalog.tool(&step.tool)
                && let Some(action) = tool.action(&step.action)
                && action.role != Role::Write
            {
                sources.push((tool, &action.fields));
            }
        }
        let mut out: Vec<FileFetch> = Vec::new();
        for (tool, fields) in sources {
            for field in fields {
                let Some(file) = &field.file else {
                    continue;
                };
                let about = format!("{}: {}", tool.name, field.path);
                if out.iter().any(|f| f.about == about) {
                    continue;
                }
                if let Some((first, fetch)) = self.file_fetch(plan, tool, field, file)? {
                    out.push(FileFetch {
                        about,
                        reference: file.reference.url.clone(),
                        field: field.path.clone(),
                        first,
                        fetch,
                    });
                }
            }
        }
        Ok(out)
    }

    /// The expression fetching one referred file, on `record` (after `first`, the request
    /// whose JSON answer, `answer`, says where the file is); `None` when a setting its path
    /// names has no value in the plan (the record is then read as before).
    fn file_fetch(
        &mut self,
        plan: &Plan,
        tool: &Tool,
        field: &Field,
        file: &FileRef,
    ) -> Result<Option<(Option<Code>, Code)>, WorkflowError> {
        let Api::Http { base_url, auth, .. } = &tool.api else {
            return Ok(None);
        };
        let auth =
            Auth::parse(auth).map_err(|e| WorkflowError::Internal(format!("{}: {e}", tool.id)))?;
        let mut headers = expr::call(&expr::name(&self.headers_fn(tool, &auth)?), &[]);
        // the tool's settings: a step's value, else the trigger's, else an action's default
        let mut values: BTreeMap<String, String> = BTreeMap::new();
        for a in &tool.actions {
            for (k, v) in &a.params {
                values.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        if plan.trigger.tool.as_deref() == Some(tool.id.as_str()) {
            values.extend(plan.trigger.params.clone());
        }
        for step in plan.steps.iter().filter(|s| s.tool == tool.id) {
            values.extend(step.params.clone());
        }
        let mut consts = BTreeMap::new();
        let mut texts: Vec<String> = file.path.iter().chain(&file.then).cloned().collect();
        texts.extend(file.headers.values().map(|v| match v {
            serde_json::Value::String(t) => t.clone(),
            other => other.to_string(),
        }));
        for text in &texts {
            let mut rest = text.as_str();
            while let Some((i, j)) = crate::refs::next_ref(rest) {
                let name = &rest[i + 1..j];
                if !name.contains(':') && !crate::refs::is_cred_name(name) {
                    let Some(value) = values.get(name) else {
                        return Ok(None);
                    };
                    consts.insert(name.to_owned(), self.setting(tool, name, value));
                }
                rest = &rest[j + 1..];
            }
        }
        let url = match file.url_template(base_url) {
            None => expr::call(
                &expr::name("str"),
                &[expr::call(
                    &expr::name("_field"),
                    &[expr::name("record"), Code::literal(&field.path)],
                )],
            ),
            Some(template) => {
                let mut ctx = Ctx::new("record", &consts);
                let url = ctx.string(&template, true)?;
                // headers of the request itself
                headers = self.with_headers(&mut ctx, headers, &file.headers)?;
                self.imports.extend(ctx.imports);
                url
            }
        };
        let record_name = |default: &str| {
            expr::call(
                &expr::name("_field"),
                &[
                    expr::name("record"),
                    Code::literal(file.record_name.as_deref().unwrap_or(default)),
                ],
            )
        };
        let method = Code::literal(&file.method());
        // a first request answering where the file is; the file is then fetched from there
        if let Some(then) = &file.then {
            let first = expr::call(
                &expr::name("_http"),
                &[method, url, expr::keyword("headers", &headers)],
            );
            let mut ctx = Ctx::new("answer", &consts);
            // a file's path (Telegram's `photos/file_0.jpg`) keeps its slashes
            for name in crate::refs::field_refs(then) {
                ctx.keep_slash.insert(format!("field:{name}"));
            }
            let second = ctx.string(then, true)?;
            self.imports.extend(ctx.imports);
            let download = expr::call(
                &expr::name("_http"),
                &[
                    Code::literal("GET"),
                    second,
                    Code::from_static("answer=\"bytes\""),
                ],
            );
            let fetch = expr::call(&expr::name("_named_file"), &[download, record_name("name")]);
            return Ok(Some((Some(first), fetch)));
        }
        let mut args = vec![method, url, expr::keyword("headers", &headers)];
        Ok(Some((
            None,
            match (&file.content, &file.name) {
                // the file inside a JSON answer, base64-encoded
                (Some(content), name) => {
                    let answered = expr::call(
                        &expr::name("_answered_file"),
                        &[
                            expr::call(&expr::name("_http"), &args),
                            Code::literal(content),
                            Code::literal(name.as_deref().unwrap_or("")),
                            Code::literal(match file.encoding {
                                FileEncoding::Base64 => "base64",
                                FileEncoding::Base64url => "base64url",
                            }),
                        ],
                    );
                    match &file.record_name {
                        Some(_) => {
                            expr::call(&expr::name("_named_file"), &[answered, record_name("")])
                        }
                        None => answered,
                    }
                }
                // the answer is the file; its name is the record's
                (None, name) => {
                    args.push(Code::from_static("answer=\"bytes\""));
                    expr::call(
                        &expr::name("_named_file"),
                        &[
                            expr::call(&expr::name("_http"), &args),
                            record_name(name.as_deref().unwrap_or("name")),
                        ],
                    )
                }
            },
        )))
    }

    /// The variable of a tool's client, created once per module.
    fn client(&mut self, tool: &Tool) -> String {
        let (var, client) = match &tool.api {
            Api::Boto3 { service } => {
                self.imports.insert("boto3");
                let var = format!("_{}", ident(service));
                (
                    var.clone(),
                    Client::Boto3 {
                        var,
                        service: service.clone(),
                    },
                )
            }
            Api::Redis => {
                self.imports.insert("redis");
                ("_redis".to_owned(), Client::Redis)
            }
            Api::Mongodb => {
                self.imports.insert("pymongo");
                ("_mongo".to_owned(), Client::Mongodb)
            }
            _ => return String::new(),
        };
        self.clients.insert(var.clone(), client);
        var
    }

    /// One step function; `on_run_record`: its input is the run record of a schedule or a
    /// manual run (see [`on_run_record`]).
    fn step(
        &mut self,
        step: &Step,
        on_run_record: bool,
        sender_paths: BTreeMap<String, String>,
        record: record::RecordPaths,
    ) -> Result<StepFn, WorkflowError> {
        let catalog = self.catalog;
        let tool = catalog.tool(&step.tool).ok_or_else(|| {
            WorkflowError::Internal(format!("unknown tool {} in plan", step.tool))
        })?;
        let action = tool.action(&step.action).ok_or_else(|| {
            WorkflowError::Internal(format!("unknown action {} of {}", step.action, tool.id))
        })?;
        self.requirements.extend(tool.requirements.iter().cloned());
        self.iam.extend(action.iam.iter().cloned());
        // A plan carries every parameter its action had when it was planned; one the action
        // gained since (a stored workflow planned before a catalog fix) takes its default, so
        // the saved workflow still renders instead of failing on an unknown reference.
        let gained = action
            .params
            .iter()
            .filter(|(k, _)| !step.params.contains_key(*k));
        let consts: BTreeMap<String, String> = step
            .params
            .iter()
            .chain(gained)
            .map(|(k, v)| {
                // a local time's zone is the schedule's when the user set none (the plan's
                // assumptions say so)
                let v = match (&self.schedule_zone, action.params.get(k)) {
                    (Some(zone), Some(default)) if k == "time_zone" && v == default => zone.clone(),
                    _ => v.clone(),
                };
                (k.clone(), self.setting(tool, k, &v))
            })
            .collect();
        let per_item = !action.batch
            && (action.role != Role::Read || crate::refs::reads_record_fields(action));
        let mut ctx = Ctx::new(if per_item { "item" } else { "items" }, &consts);
        ctx.lag_minutes = action.lag_minutes;
        ctx.named = recipients::named(action, step);
        ctx.sender_paths = sender_paths;
        ctx.record = record;
        ctx.shares = action.shares;
        if step
            .params
            .get("message")
            .is_some_and(|m| !m.trim().is_empty())
        {
            ctx.message_alone = Some(on_run_record);
        }
        ctx.keep_slash = step
            .params
            .keys()
            .filter(|k| crate::values::ParamRule::of(tool, action, k).segments)
            .cloned()
            .collect();
        // a file step that falls back to a URL setting (`{file_or:image_url}`): every file
        // reference of the call reads the record through it
        ctx.file_or = crate::refs::action_refs(action).iter().find_map(|r| {
            let (_, param) = Ctx::file_fallback(r)?;
            Some((consts.get(param)?.clone(), param.to_owned()))
        });
        ctx.by_file_type = action
            .by_file_type
            .iter()
            .map(|(param, values)| {
                let entries: Vec<Code> = values
                    .iter()
                    .map(|(kind, v)| {
                        let value = v
                            .as_deref()
                            .map_or_else(|| Code::from_static("None"), Code::literal);
                        expr::entry(kind, &value)
                    })
                    .collect();
                (param.clone(), expr::dict(&entries))
            })
            .collect();
        let mut call = self.call(tool, action, step, &mut ctx)?;
        if let Some(w) = &action.wait {
            call = self.wait(tool, w, step, &consts, call)?;
        }
        if let Some(cells) = &action.cells {
            self.helpers.insert("cells");
            call = answers::named_cells(action, cells, call);
        }
        if let Some(at) = &action.firestore_values {
            self.helpers.insert("firestore_values");
            call = expr::name(&format!(
                "_firestore_records({}, {}, {})",
                call.as_str(),
                py_str(action.records.as_deref().unwrap_or_default()),
                py_str(at)
            ));
        }
        let detail = match &action.detail {
            Some(d) => self.side_call(tool, d, "record", &consts)?,
            None => None,
        };
        let ctx_file = ctx.helpers.contains("file");
        // records that name no file are sent the file at the URL setting, not as a CSV export,
        // and are not fetched before the call (`_file_or_url` decides)
        let file_or = ctx.file_or.is_some();
        if ctx_file {
            // a file named by bucket and key is read from S3
            self.iam.insert("s3:GetObject".to_owned());
        }
        self.imports.extend(ctx.imports);
        self.helpers.extend(ctx.helpers);
        let kind = match (action.role, per_item) {
            (Role::Read, false) => StepKind::Read,
            (_, true) => StepKind::Each,
            (Role::Transform, false) => StepKind::Transform,
            (_, false) => StepKind::Batch,
        };
        Ok(StepFn {
            name: format!(
                "{}_{}_{}",
                ident(&step.id),
                ident(&tool.id),
                ident(&action.id)
            ),
            id: step.id.clone(),
            doc: format!("{}: {}.", step.id.replace('_', " "), step.description),
            description: step.description.clone(),
            kind,
            call_uses_items: call.as_str().contains("items"),
            call,
            condition: step.condition.as_ref().map(Cond::from),
            for_each: step.for_each.is_some(),
            writes: action.role == Role::Write,
            records: action.records.clone(),
            records_keyed: action.records_keyed,
            answer_fields: (!action.answer_fields.is_empty()).then(|| {
                let entries: Vec<Code> = action
                    .answer_fields
                    .iter()
                    .map(|(k, p)| expr::entry(k, &Code::literal(p)))
                    .collect();
                expr::dict(&entries)
            }),
            text: action.text.clone(),
            polls: false,
            window_field: None,
            detail,
            detail_record: action
                .detail
                .as_ref()
                .and_then(|d| d.record.clone())
                .unwrap_or_default(),
            sync: answers::sync_view(action),
            fetches_file: ctx_file && !file_or,
            // only an upload exports records as a CSV file; a step that reads a file (OCR, image
            // labels, a transcription) has nothing to read in a table of them, and one that
            // falls back to a URL setting sends that file instead
            exports: ctx_file && action.role == Role::Write && !file_or,
        })
    }

    /// The expression calling `action`.
    fn call(
        &mut self,
        tool: &Tool,
        action: &Action,
        step: &Step,
        ctx: &mut Ctx<'_>,
    ) -> Result<Code, WorkflowError> {
        Ok(match &tool.api {
            Api::Http { auth, .. } => {
                let auth = Auth::parse(auth)
                    .map_err(|e| WorkflowError::Internal(format!("{}: {e}", tool.id)))?;
                let path = action.path.as_deref().unwrap_or_default();
                let mut headers = expr::call(&expr::name(&self.headers_fn(tool, &auth)?), &[]);
                // the call's own headers (a content-upload endpoint's argument beside a body of
                // raw bytes)
                headers = self.with_headers(ctx, headers, &action.headers)?;
                let mut args = vec![
                    Code::literal(action.method.as_deref().unwrap_or("POST")),
                    url(&tool.api, path, ctx)?,
                    expr::keyword("headers", &headers),
                ];
                // a search given no words sends the body that reads everything (R16-3)
                let body = action
                    .body_without
                    .iter()
                    .find(|(param, _)| step.params.get(*param).is_none_or(|v| v.trim().is_empty()))
                    .map(|(_, b)| b)
                    .or(action.body.as_ref());
                if let Some(b) = body {
                    let payload = answers::with_sync_cursor(action, ctx.value(b)?);
                    let payload = answers::with_identity(action, payload, ctx);
                    let payload = self.named(action, payload, ctx.var);
                    let payload =
                        self.cut(action, payload, |p| (!p.starts_with("query.")).then_some(p));
                    let payload = self.escape(action, payload);
                    let payload = self.money(action, payload, ctx.var, &ctx.record.named);
                    let payload = self.shaped(
                        action,
                        payload,
                        ctx.consts.get("country_code"),
                        ctx.consts.get("time_zone"),
                    );
                    if action.exclusive_end.is_some() {
                        // `_exclusive_end` lives beside `_shaped`
                        self.helpers.insert("shaped");
                        self.imports.insert("datetime");
                    }
                    let payload = exclusive_end(action, payload);
                    let payload = self.addressed(action, payload);
                    let payload = self.json_texts(action, payload);
                    let payload = without_none(action, payload);
                    args.push(expr::keyword("payload", &payload));
                }
                let mut query = Vec::new();
                // a search given no words in its query string sends the one that reads
                // everything, as `body_without` does for a body
                let chosen = action
                    .query_without
                    .iter()
                    .find(|(param, _)| step.params.get(*param).is_none_or(|v| v.trim().is_empty()))
                    .map_or(&action.query, |(_, q)| q);
                for (k, v) in chosen {
                    query.push(expr::entry(k, &ctx.value(v)?));
                }
                if let Auth::Query { name, value } = auth {
                    query.push(expr::entry(name, &auth_value(value)));
                }
                if !query.is_empty() {
                    let params = self.cut(action, expr::dict(&query), |p| p.strip_prefix("query."));
                    args.push(expr::keyword("params", &params));
                }
                match action.content_type {
                    ContentType::Json => {}
                    ContentType::Form => args.push(Code::from_static("form=True")),
                    ContentType::Multipart => args.push(match action.multipart_keys {
                        MultipartKeys::Json => Code::from_static("multipart=True"),
                        // the parts named by their paths (`python/http.py.j2`'s `_bracketed`)
                        MultipartKeys::Brackets => Code::from_static("multipart=_bracketed"),
                    }),
                    ContentType::MultipartRelated => {
                        args.push(Code::from_static("encoding=\"multipart_related\""));
                    }
                    ContentType::Ndjson => args.push(Code::from_static("encoding=\"ndjson\"")),
                    ContentType::Bytes => args.push(Code::from_static("encoding=\"bytes\"")),
                }
                match action.answer {
                    AnswerKind::Json => {}
                    AnswerKind::Ndjson => args.push(Code::from_static("answer=\"ndjson\"")),
                    AnswerKind::Bytes => args.push(Code::from_static("answer=\"bytes\"")),
                }
                if !action.answer_headers.is_empty() {
                    let names: Vec<Code> = action
                        .answer_headers
                        .iter()
                        .map(|h| Code::literal(&h.to_ascii_lowercase()))
                        .collect();
                    args.push(expr::keyword(
                        "keep_headers",
                        &expr::name(&format!("[{}]", expr::join(&names))),
                    ));
                }
                if let Some(ok) = &action.success {
                    let error = ok
                        .error
                        .as_deref()
                        .map_or_else(|| Code::from_static("None"), Code::literal);
                    let triple = format!(
                        "({}, {}, {})",
                        Code::literal(&ok.path).as_str(),
                        answers::success_expected(ok.absent, &ok.equals).as_str(),
                        error.as_str()
                    );
                    args.push(expr::keyword("success", &expr::name(&triple)));
                }
                if !action.required.is_empty() {
                    let fields: Vec<Code> =
                        action.required.iter().map(|r| Code::literal(r)).collect();
                    args.push(expr::keyword(
                        "required",
                        &expr::name(&format!("[{}]", expr::join(&fields))),
                    ));
                }
                if let Some(s) = action.timeout_seconds {
                    // a call that answers once its work is done waits that long, sent once
                    args.push(expr::keyword("timeout", &expr::name(&s.to_string())));
                }
                expr::call(&expr::name("_http"), &args)
            }
            Api::Boto3 { .. } | Api::Redis | Api::Mongodb => {
                let mut client = expr::name(&self.client(tool));
                if matches!(tool.api, Api::Mongodb) {
                    // the database and collection the prompt named, else defaults
                    for (param, default) in [("database", "workflows"), ("collection", "records")] {
                        let key = ctx
                            .consts
                            .get(param)
                            .map_or_else(|| Code::literal(default), |c| expr::name(c));
                        client = expr::index(&client, &key);
                    }
                }
                let method = action.call.as_deref().unwrap_or(&action.id);
                // redis and mongodb calls keep their keywords (their clients take no dict)
                let required = !action.required.is_empty() && matches!(tool.api, Api::Boto3 { .. });
                let kwargs =
                    if action.limits.is_empty() && shaped_slots(action).is_empty() && !required {
                        ctx.kwargs(action.kwargs.iter())?
                    } else if action.limits.is_empty() && shaped_slots(action).is_empty() {
                        // the keywords the vendor needs, refused when empty instead of sent (botocore
                        // rejects `None` for a string before sending; a record without the field
                        // falls back to the step's setting, `required::fill`), as `_http` does
                        let d = ctx.dict(action.kwargs.iter())?;
                        vec![expr::name(&format!(
                            "**{}",
                            self.required_kwargs(action, method, d).as_str()
                        ))]
                    } else {
                        // the keywords as a dict, cut to the vendor's limits and shaped as its
                        // example writes them (an E.164 PhoneNumber)
                        let d = ctx.dict(action.kwargs.iter())?;
                        let d = self.cut(action, d, Some);
                        let d = self.shaped(
                            action,
                            d,
                            ctx.consts.get("country_code"),
                            ctx.consts.get("time_zone"),
                        );
                        let d = if !required {
                            d
                        } else {
                            self.required_kwargs(action, method, d)
                        };
                        vec![expr::name(&format!("**{}", d.as_str()))]
                    };
                let call = expr::call(&expr::attr(&client, method), &kwargs);
                if matches!(tool.api, Api::Mongodb) && action.role == Role::Read {
                    // PyMongo's find answers a cursor: its documents are the records
                    self.helpers.insert("documents");
                    expr::call(&expr::name("_documents"), &[call])
                } else if action.answer == AnswerKind::Bytes {
                    // a streamed answer (Polly's AudioStream) is read into a file record
                    self.helpers.insert("stream_file");
                    expr::call(
                        &expr::name("_stream_file"),
                        &[call, Code::literal(&action.id)],
                    )
                } else {
                    call
                }
            }
            Api::Postgres | Api::Mysql => {
                let (connect, module) = if matches!(tool.api, Api::Postgres) {
                    ("postgres", "pg8000.native")
                } else {
                    ("mysql", "pymysql")
                };
                self.helpers.insert("sql");
                self.helpers.insert(connect);
                self.imports.insert(module);
                let sql = sql_statement(action, step, ctx.consts);
                if sql.as_str().contains("_sql_name(") {
                    self.imports.insert("re");
                }
                let params = ctx.dict(action.kwargs.iter())?;
                let connect = expr::name(&format!("_{connect}_connect"));
                expr::call(&expr::name("_sql"), &[connect, sql, params])
            }
            Api::Smtp => {
                self.helpers.insert("smtp");
                self.imports.insert("smtplib");
                self.imports.insert("ssl");
                self.imports.insert("email.message");
                expr::call(
                    &expr::name("_smtp_send"),
                    &ctx.kwargs(action.kwargs.iter())?,
                )
            }
            Api::Imap => {
                self.helpers.insert("imap");
                self.imports.insert("imaplib");
                self.imports.insert("ssl");
                self.imports.insert("email");
                self.imports.insert("email.policy");
                expr::call(&expr::name("_imap_unseen"), &[])
            }
        })
    }

    /// A client call's keywords `d` checked for the action's `required` ones (`_required`): a
    /// keyword that is empty is refused with its name before the call is made.
    fn required_kwargs(&mut self, action: &Action, method: &str, d: Code) -> Code {
        self.helpers.insert("required");
        let fields: Vec<Code> = action.required.iter().map(|r| Code::literal(r)).collect();
        expr::call(
            &expr::name("_required"),
            &[
                d,
                expr::name(&format!("[{}]", expr::join(&fields))),
                Code::literal(method),
            ],
        )
    }

    /// `value` cut to the action's `limits` whose path `within` maps into it (`_cut`), or
    /// `value` itself when none does.
    fn cut<'a>(
        &mut self,
        action: &'a Action,
        value: Code,
        within: impl Fn(&'a str) -> Option<&'a str>,
    ) -> Code {
        let items: Vec<Code> = action
            .limits
            .iter()
            .filter_map(|l| {
                within(&l.path).map(|p| {
                    expr::name(&format!(
                        "({}, {}, {})",
                        Code::literal(p).as_str(),
                        l.max,
                        Code::literal(l.unit.as_str()).as_str()
                    ))
                })
            })
            .collect();
        if items.is_empty() {
            return value;
        }
        self.helpers.insert("cut");
        expr::name(&format!(
            "_cut({}, [{}])",
            value.as_str(),
            expr::join(&items)
        ))
    }

    /// `value` (a request body) with each amount a record's field fills in the other unit than
    /// the one its request field takes converted by the record's currency (`_money`): Stripe's
    /// cents sent as Xero's decimal `UnitAmount`.
    fn money(
        &mut self,
        action: &Action,
        value: Code,
        var: &str,
        named: &BTreeMap<String, String>,
    ) -> Code {
        let Some(body) = &action.body else {
            return value;
        };
        let mut items = Vec::new();
        for m in &action.money {
            let Some(template) = json_at(body, &m.path).and_then(serde_json::Value::as_str) else {
                continue;
            };
            let Some(field) = record_field_of(template) else {
                continue;
            };
            // the record's field of that name, or the documented field whose words name it (a
            // Shopify order's `total_price` for `amount`), as `_field` reads it
            let Some(source) = self.money_sources.get(field).or_else(|| {
                named
                    .get(field)
                    .and_then(|path| self.money_sources.get(path))
            }) else {
                continue;
            };
            if source.unit == m.unit {
                continue;
            }
            let exponents: Vec<Code> = source
                .exponents
                .iter()
                .flat_map(|(e, codes)| {
                    codes.iter().map(move |c| {
                        expr::entry(
                            &c.to_ascii_uppercase(),
                            &expr::name(&e.parse::<u32>().unwrap_or(2).to_string()),
                        )
                    })
                })
                .collect();
            let to = match (m.unit, m.text) {
                (MoneyUnit::Major, true) => "major_text",
                (MoneyUnit::Major, false) => "major",
                (MoneyUnit::Minor, _) => "minor",
            };
            items.push(expr::name(&format!(
                "({}, _field({var}, {}), {}, {})",
                Code::literal(&m.path).as_str(),
                py_str(&source.currency),
                py_str(to),
                expr::dict(&exponents).as_str()
            )));
        }
        if items.is_empty() {
            return value;
        }
        self.imports.insert("decimal");
        self.helpers.insert("money");
        expr::name(&format!(
            "_money({}, [{}])",
            value.as_str(),
            expr::join(&items)
        ))
    }

    /// `value` (a request body) with each value a record's field fills whole (`"Company":
    /// "{field:company}"`) in the shape the vendor takes there (`_shaped`, bind10): the one
    /// value inside an object or list the record has under the name (a contact's `company`
    /// object, a list of one address), else refused naming the field, never the container
    /// sent; and a number where the vendor's documented example request shows one (QuickBooks'
    /// `Line.Amount`, Shopify's `inventory_item_id`): numeric text as its number, anything else
    /// (a setting's stand-in, `your-amount`) refused. A field the example shows as an object or
    /// a list (Shippo's `address_to`, PayPal's `webhook_event`) is sent as it is, and so is an
    /// amount the action sends as text (`money` with `text`).
    fn shaped(
        &mut self,
        action: &Action,
        value: Code,
        country: Option<&String>,
        zone: Option<&String>,
    ) -> Code {
        let items: Vec<Code> = shaped_slots(action)
            .into_iter()
            .map(|(path, kind, field)| {
                expr::name(&format!(
                    "({}, {}, {})",
                    Code::literal(&path).as_str(),
                    Code::literal(kind).as_str(),
                    Code::literal(&field).as_str()
                ))
            })
            .collect();
        if items.is_empty() {
            return value;
        }
        self.imports.insert("decimal");
        self.imports.insert("datetime");
        self.helpers.insert("shaped");
        // a phone number's country, for national numbers (the step's `country_code` setting)
        let country = country.map_or(String::new(), |c| format!(", country={c}"));
        // the time zone of a local time (the step's `time_zone` setting: Google Calendar)
        let zone = zone.map_or(String::new(), |z| format!(", zone={z}"));
        expr::name(&format!(
            "_shaped({}, [{}]{country}{zone})",
            value.as_str(),
            expr::join(&items)
        ))
    }

    /// `value` (a request body) with the action's `json_text` fields written as their JSON
    /// text (Expensify's job description), once the value rules have run inside them.
    fn json_texts(&mut self, action: &Action, value: Code) -> Code {
        if action.json_text.is_empty() {
            return value;
        }
        self.helpers.insert("json_text");
        let names: Vec<Code> = action.json_text.iter().map(|n| Code::literal(n)).collect();
        expr::name(&format!(
            "_json_texts({}, [{}])",
            value.as_str(),
            expr::join(&names)
        ))
    }

    /// `value` (a request body) with each field that names something made one short printable
    /// line from the record `var` (`_named`, R16-1).
    fn named(&mut self, action: &Action, value: Code, var: &str) -> Code {
        if action.names.is_empty() {
            return value;
        }
        self.helpers.insert("cut");
        let items: Vec<Code> = action
            .names
            .iter()
            .map(|n| {
                let from: Vec<Code> = n.from.iter().map(|f| Code::literal(f)).collect();
                expr::name(&format!(
                    "({}, [{}], {})",
                    Code::literal(&n.path).as_str(),
                    expr::join(&from),
                    Code::literal(&n.forbid).as_str()
                ))
            })
            .collect();
        expr::name(&format!(
            "_named({}, {var}, [{}])",
            value.as_str(),
            expr::join(&items)
        ))
    }

    /// `value` (a request body) with the action's `escape` fields escaped (`_escape`).
    fn escape(&mut self, action: &Action, value: Code) -> Code {
        if action.escape.is_empty() {
            return value;
        }
        self.helpers.insert("cut");
        let items: Vec<Code> = action
            .escape
            .iter()
            .map(|e| {
                let kind = match e.kind {
                    crate::catalog::EscapeKind::LittleText => "little_text",
                };
                expr::name(&format!(
                    "({}, {})",
                    Code::literal(&e.path).as_str(),
                    Code::literal(kind).as_str()
                ))
            })
            .collect();
        expr::name(&format!(
            "_escape({}, [{}])",
            value.as_str(),
            expr::join(&items)
        ))
    }

    /// `call` waited for: its job's state asked with the `status` action until it is done,
    /// then its result fetched with the `result` action (both on the first answer).
    fn wait(
        &mut self,
        tool: &Tool,
        w: &crate::catalog::Wait,
        step: &Step,
        consts: &BTreeMap<String, String>,
        call: Code,
    ) -> Result<Code, WorkflowError> {
        let mut on_answer = |id: &str| -> Result<Code, WorkflowError> {
            let action = tool.action(id).ok_or_else(|| {
                WorkflowError::Internal(format!("{}: no action {id} to wait with", tool.id))
            })?;
            let mut ctx = Ctx::new("answer", consts);
            let c = self.call(tool, action, step, &mut ctx)?;
            self.imports.extend(ctx.imports);
            self.helpers.extend(ctx.helpers);
            Ok(expr::name(&format!(
                "lambda answer, *state: {}",
                c.as_str()
            )))
        };
        let status = on_answer(&w.status)?;
        let result = match (&w.result, &w.result_url) {
            (Some(r), _) => on_answer(r)?,
            // a presigned URL in the finished state: fetched as it is, no credentials
            (None, Some(at)) => expr::name(&format!(
                "lambda answer, state: _http(\"GET\", _path(state, {}))",
                Code::literal(at).as_str()
            )),
            (None, None) => Code::from_static("None"),
        };
        let state = |s: &crate::catalog::JobState| {
            let values: Vec<Code> = s.equals.iter().map(expr::json_literal).collect();
            let error = s
                .error
                .as_deref()
                .map_or_else(|| Code::from_static("None"), Code::literal);
            expr::name(&format!(
                "({}, [{}], {})",
                Code::literal(&s.path).as_str(),
                expr::join(&values),
                error.as_str()
            ))
        };
        let failed = w
            .failed
            .as_ref()
            .map_or_else(|| Code::from_static("None"), state);
        self.helpers.insert("job");
        Ok(expr::call(
            &expr::name("_await_job"),
            &[
                call,
                status,
                state(&w.done),
                failed,
                result,
                expr::name(&w.interval_seconds.to_string()),
            ],
        ))
    }

    /// Marks the read steps of a scheduled (or manual) run that names a period ("pages edited
    /// this week") whose vendor cannot filter by time (`window::cut_field`, Notion's search):
    /// the run keeps only the records of that period (R17-4), as the event's own poll does
    /// with its cursor. A read that names no period ("list the files in my folder") is whole.
    fn windowed(&mut self, plan: &Plan, steps: &mut [StepFn]) {
        let said = plan
            .trigger
            .params
            .get(crate::window::PARAM)
            .and_then(|p| crate::window::Said::from_param(p));
        if said.is_none() || !matches!(plan.trigger.delivery, Delivery::Schedule | Delivery::Direct)
        {
            return;
        }
        for (index, step) in plan.steps.iter().enumerate() {
            if steps[index].kind != StepKind::Read
                || steps[index].polls
                || steps[index].sync.is_some()
            {
                continue;
            }
            let Some((field, format)) =
                crate::window::cut_field(self.catalog, &step.tool, &step.action)
            else {
                continue;
            };
            steps[index].window_field = Some((field.to_owned(), format));
            self.imports.insert("datetime");
            self.helpers.insert("time");
            self.helpers.insert("in_window");
        }
    }

    /// The cursor of a polling trigger whose event has one, marking the step that polls.
    fn cursor(&mut self, plan: &Plan, steps: &mut [StepFn]) -> Option<CursorView> {
        let t = &plan.trigger;
        if t.delivery != Delivery::Poll {
            return None;
        }
        let tool = self.catalog.tool(t.tool.as_deref()?)?;
        let event = tool
            .events
            .iter()
            .find(|e| Some(&e.id) == t.event.as_ref())?;
        let cursor = event.cursor.as_ref()?;
        let poll = event.poll.as_deref()?;
        let index = plan
            .steps
            .iter()
            .position(|s| s.tool == tool.id && s.action == poll)?;
        steps[index].polls = true;
        self.imports.insert("boto3");
        self.imports.insert("datetime");
        Some(CursorView {
            field: cursor.field.clone(),
            format: match cursor.format {
                CursorFormat::Unix => "unix",
                CursorFormat::UnixMs => "unix_ms",
                CursorFormat::Iso8601 => "iso8601",
                CursorFormat::Date => "date",
                CursorFormat::Id => "id",
                CursorFormat::Row => "row",
            },
            dedupe: cursor.dedupe.clone(),
            each_edit: cursor.each_edit,
            matches: event
                .matches
                .iter()
                .filter(|m| m.header.is_none() && m.path.is_some())
                .map(MatchView::from)
                .collect(),
        })
    }

    /// The call of a tool's action that verifies a delivery (`vendor_api`), on `item`: the
    /// delivery's headers, with its body as `body`.
    fn vendor_call(&mut self, tool: &Tool, action_id: &str) -> Result<Code, WorkflowError> {
        let action = tool.action(action_id).ok_or_else(|| {
            WorkflowError::Internal(format!("unknown action {action_id} of {}", tool.id))
        })?;
        let step = Step {
            id: "verify".to_owned(),
            tool: tool.id.clone(),
            action: action.id.clone(),
            description: action.label.clone(),
            params: action.params.clone(),
            condition: None,
            for_each: None,
        };
        // A plan carries every parameter its action had when it was planned; one the action
        // gained since (a stored workflow planned before a catalog fix) takes its default, so
        // the saved workflow still renders instead of failing on an unknown reference.
        let gained = action
            .params
            .iter()
            .filter(|(k, _)| !step.params.contains_key(*k));
        let consts: BTreeMap<String, String> = step
            .params
            .iter()
            .chain(gained)
            .map(|(k, v)| (k.clone(), self.setting(tool, k, v)))
            .collect();
        let mut ctx = Ctx::new("item", &consts);
        let call = self.call(tool, action, &step, &mut ctx)?;
        self.imports.extend(ctx.imports);
        self.helpers.extend(ctx.helpers);
        Ok(call)
    }

    fn handler(&mut self, plan: &Plan) -> Result<Handler, WorkflowError> {
        let t = &plan.trigger;
        let mut handler = Handler {
            delivery: match t.delivery {
                Delivery::Schedule | Delivery::Poll => "schedule",
                Delivery::Direct => "direct",
                Delivery::Http => "http",
                Delivery::S3 => "s3",
                Delivery::Sqs => "sqs",
                Delivery::Kinesis => "kinesis",
                Delivery::DynamodbStream => "dynamodb_stream",
                Delivery::Kafka => "kafka",
            },
            webhook: None,
            item_path: None,
            matches: Vec::new(),
            units: None,
            unit_matches: Vec::new(),
            detail: None,
            detail_record: String::new(),
        };
        match t.delivery {
            Delivery::Http => {
                let tool = t.tool.as_deref().and_then(|id| self.catalog.tool(id));
                let used = self.catalog.webhook_for(tool).ok_or_else(|| {
                    WorkflowError::Internal("the catalog has no webhook tool".to_owned())
                })?;
                let vendor_call = match &used.webhook.verify {
                    Verify::VendorApi { action, .. } => Some(self.vendor_call(used.owner, action)?),
                    _ => None,
                };
                let mut webhook = Webhook::new(&used, |action| {
                    vendor_call.ok_or_else(|| {
                        WorkflowError::Internal(format!("no call for the verification {action}"))
                    })
                })?;
                if tool.is_none() && plan_sends_file(self.catalog, plan) {
                    webhook = webhook.with_uploads();
                }
                self.imports.extend(webhook.imports());
                self.iam
                    .extend(webhook.iam().into_iter().map(str::to_owned));
                self.learned_secret = webhook.learned_secret().map(str::to_owned);
                handler.webhook = Some(webhook);
                let event = tool
                    .zip(t.event.as_deref())
                    .and_then(|(tool, e)| tool.events.iter().find(|x| x.id == e));
                handler.item_path = event.and_then(|e| e.item_path.clone());
                if let Some(e) = event {
                    handler.matches = e.delivery_matches().map(MatchView::from).collect();
                    if let Some(b) = &e.batch {
                        let keys: Vec<Code> = b.units.split('.').map(Code::literal).collect();
                        handler.units = Some(expr::name(&format!("[{}]", expr::join(&keys))));
                        handler.unit_matches = e
                            .matches
                            .iter()
                            .filter(|m| m.header.is_none())
                            .map(MatchView::from)
                            .collect();
                    }
                }
                if let (Some(tool), Some(event)) = (tool, event)
                    && let Some((call, record)) = self.event_detail(tool, event)?
                {
                    handler.detail = Some(call);
                    handler.detail_record = record;
                }
            }
            Delivery::S3 => {
                self.imports.insert("boto3");
                self.imports.insert("csv");
                self.imports.insert("io");
                self.iam.insert("s3:GetObject".to_owned());
                self.clients
                    .insert("_s3_reader".to_owned(), Client::S3Reader);
            }
            // Kinesis data and Kafka values are base64
            Delivery::Kinesis | Delivery::Kafka => {
                self.imports.insert("base64");
            }
            Delivery::Sqs
            | Delivery::DynamodbStream
            | Delivery::Schedule
            | Delivery::Poll
            | Delivery::Direct => {}
        }
        Ok(handler)
    }
}

/// The URL of a request to `path` of an HTTP tool: `base_url` and the path as one template;
/// for a tool whose host depends on the kind of key (DeepL's `:fx` Free keys), the base URL is
/// chosen when the function runs, from the key's value.
pub(crate) fn url(api: &Api, path: &str, ctx: &mut Ctx<'_>) -> Result<Code, WorkflowError> {
    let Api::Http {
        base_url,
        base_url_by_key,
        base_url_by_param,
        ..
    } = api
    else {
        return Err(WorkflowError::Internal("not an HTTP tool".to_owned()));
    };
    // a call on another host of the vendor's (the catalog checks it is https and literal)
    if path.starts_with("https://") {
        return ctx.string(path, true);
    }
    if !base_url_by_param.is_empty() {
        // the host a setting's value is served on (Document AI's processor in `locations/eu`),
        // chosen when the function runs, so a setting changed after deploying is followed
        let mut chosen = ctx.string(&format!("{base_url}{path}"), true)?;
        for b in base_url_by_param.iter().rev() {
            let Some(setting) = ctx.consts.get(&b.param).cloned() else {
                continue;
            };
            let other = ctx.string(&format!("{}{path}", b.base_url), true)?;
            chosen = expr::name(&format!(
                "({} if {} in str({setting}) else {})",
                other.as_str(),
                py_str(&b.contains),
                chosen.as_str()
            ));
        }
        return Ok(chosen);
    }
    if base_url_by_key.is_empty() {
        return ctx.string(&format!("{base_url}{path}"), true);
    }
    let mut base = Code::literal(base_url);
    for k in base_url_by_key.iter().rev() {
        base = expr::name(&format!(
            "({} if str({}).endswith({}) else {})",
            py_str(&k.base_url),
            k.credential,
            py_str(&k.suffix),
            base.as_str()
        ));
    }
    if path.is_empty() {
        return Ok(base);
    }
    Ok(expr::concat(&[base, ctx.string(path, true)?]))
}

/// The payload with a one-day range's exclusive end moved to the next day (the action's
/// `exclusive_end`: Google Calendar's all-day events).
fn exclusive_end(action: &Action, payload: Code) -> Code {
    let Some(range) = &action.exclusive_end else {
        return payload;
    };
    expr::call(
        &expr::name("_exclusive_end"),
        &[
            payload,
            Code::literal(&range.start),
            Code::literal(&range.end),
        ],
    )
}

impl Gen<'_> {
    /// `payload` with each address field of `action` in its vendor's keys (`_addressed`,
    /// `data/catalog/addresses.json`).
    fn addressed(&mut self, action: &Action, payload: Code) -> Code {
        let slots: Vec<Code> = action
            .address
            .iter()
            .filter_map(|(path, vendor)| {
                let keys = crate::catalog::chosen::address_keys(vendor)?;
                let entries: Vec<Code> = keys
                    .iter()
                    .map(|(key, names)| {
                        let names: Vec<Code> = names.iter().map(|n| Code::literal(n)).collect();
                        expr::entry(key, &expr::name(&format!("[{}]", expr::join(&names))))
                    })
                    .collect();
                Some(expr::name(&format!(
                    "({}, {})",
                    Code::literal(path).as_str(),
                    expr::dict(&entries).as_str()
                )))
            })
            .collect();
        if slots.is_empty() {
            return payload;
        }
        // `_addressed` lives beside `_shaped`
        self.helpers.insert("shaped");
        self.imports.extend(["datetime", "decimal"]);
        expr::call(
            &expr::name("_addressed"),
            &[payload, expr::name(&format!("[{}]", expr::join(&slots)))],
        )
    }
}

/// The payload without the fields the sent file may leave out (a setting whose
/// `by_file_type` value is `null`: the vendor reads it from the file's own header).
fn without_none(action: &Action, payload: Code) -> Code {
    let paths: Vec<Code> = crate::catalog::chosen::omitted_paths(action)
        .iter()
        .map(|p| Code::literal(p))
        .collect();
    if paths.is_empty() {
        return payload;
    }
    expr::call(
        &expr::name("_without_none"),
        &[payload, expr::name(&format!("[{}]", expr::join(&paths)))],
    )
}

/// The value at a dotted path of a JSON template (numbers index lists).
fn json_at<'v>(v: &'v serde_json::Value, path: &str) -> Option<&'v serde_json::Value> {
    path.split('.').try_fold(v, |v, k| match v {
        serde_json::Value::Array(items) => items.get(k.parse::<usize>().ok()?),
        _ => v.get(k),
    })
}

/// The value at a dotted path of a vendor's example, reading on inside a JSON text (the job
/// description Expensify takes as text).
fn example_at(v: &serde_json::Value, path: &str) -> Option<serde_json::Value> {
    let mut at = v.clone();
    for k in path.split('.') {
        if let serde_json::Value::String(text) = &at
            && let Ok(parsed) = serde_json::from_str::<serde_json::Value>(text)
        {
            at = parsed;
        }
        at = match &at {
            serde_json::Value::Array(items) => items.get(k.parse::<usize>().ok()?)?.clone(),
            other => other.get(k)?.clone(),
        };
    }
    Some(at)
}

/// The body fields a record's field fills whole, as `(path, kind, field)`: kind `number`
/// where the action's vendor-documented example request shows a number there, else `scalar`;
/// none where the example shows an object or a list. An amount the action sends as text
/// (`money` with `text`) stays a scalar.
pub(crate) fn shaped_slots(action: &Action) -> Vec<(String, &'static str, String)> {
    fn walk(v: &serde_json::Value, path: &str, out: &mut Vec<(String, String)>) {
        let at = |k: &str| {
            if path.is_empty() {
                k.to_owned()
            } else {
                format!("{path}.{k}")
            }
        };
        match v {
            serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| walk(x, &at(k), out)),
            serde_json::Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, x)| walk(x, &at(&i.to_string()), out)),
            serde_json::Value::String(t) => {
                let field = t
                    .strip_prefix("{field:")
                    .or_else(|| t.strip_prefix("{field_or:"))
                    .and_then(|r| r.strip_suffix('}'))
                    .filter(|r| !r.contains(['{', '}']));
                if let Some(f) = field {
                    let name = f.split(':').next().unwrap_or(f);
                    out.push((path.to_owned(), name.to_owned()));
                }
            }
            _ => {}
        }
    }
    // a boto3 call's keywords are its body (SNS's PhoneNumber, shaped as its example writes it)
    let kwargs = (!action.kwargs.is_empty())
        .then(|| serde_json::Value::Object(action.kwargs.clone().into_iter().collect()));
    let Some(body) = action.body.as_ref().or(kwargs.as_ref()) else {
        return Vec::new();
    };
    let mut slots = Vec::new();
    walk(body, "", &mut slots);
    let example = action.example.as_ref().and_then(|e| {
        if action.body.is_some() {
            e.request.body.as_ref()
        } else {
            e.request.kwargs.as_ref()
        }
    });
    slots
        .into_iter()
        .filter_map(|(path, field)| {
            let text_money = action.money.iter().any(|m| m.path == path && m.text);
            let kind = match example.and_then(|e| example_at(e, &path)).as_ref() {
                // Google Calendar's EventDateTime: `date` for a date alone, else `dateTime`
                // (Graph's dateTimeTimeZone always names its timeZone, and has no `date`)
                Some(serde_json::Value::Object(o))
                    if o.contains_key("dateTime") && !o.contains_key("timeZone") =>
                {
                    "event_time"
                }
                Some(serde_json::Value::Object(_) | serde_json::Value::Array(_)) => return None,
                Some(serde_json::Value::Number(_)) if !text_money => "number",
                // Graph's dateTimeTimeZone: a wall time in the `timeZone` beside it, which
                // the body fixes as UTC (issue 12, R15-6)
                Some(serde_json::Value::String(t))
                    if text_kind(t, &field) == "datetime"
                        && !has_offset(t)
                        && sibling(body, &path, "timeZone")
                            == Some(&serde_json::Value::from("UTC")) =>
                {
                    "utc_wall"
                }
                Some(serde_json::Value::String(t)) => text_kind(t, &field),
                _ => "scalar",
            };
            // a keyword is shaped only where its example asks for a form (a phone number):
            // a boto3 call's other values go as the record holds them (a DynamoDB item)
            (action.body.is_some() || kind != "scalar").then_some((path, kind, field))
        })
        .collect()
}

/// Whether a date-time text names its offset (`Z`, `+01:00`, `-0500`).
fn has_offset(text: &str) -> bool {
    let time = text.get(11..).unwrap_or_default();
    time.ends_with(['Z', 'z']) || time.contains(['+', '-'])
}

/// The value beside the one at the dotted `path` in `body`, under `key`.
fn sibling<'v>(
    body: &'v serde_json::Value,
    path: &str,
    key: &str,
) -> Option<&'v serde_json::Value> {
    let parent = path.rsplit_once('.').map_or("", |(p, _)| p);
    let mut at = body;
    for part in parent.split('.').filter(|p| !p.is_empty()) {
        at = match at {
            serde_json::Value::Array(a) => a.get(part.parse::<usize>().ok()?)?,
            other => other.get(part)?,
        };
    }
    at.get(key)
}

/// The shape a request field takes whose vendor example shows the text `example`, for a value
/// a record's field fills (`field`): an E.164 phone number with its `+` (Twilio's `To`) or
/// as digits alone where the field is a phone's (Vonage's `to`), a currency code in capitals, a
/// date alone, a date and a time, or text (a record's number sent as its digits: ShipStation's `orderNumber`).
pub(crate) fn text_kind(example: &str, field: &str) -> &'static str {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let date = |t: &str| {
        let b = t.as_bytes();
        b.len() >= 10
            && b[4] == b'-'
            && b[7] == b'-'
            && digits(&t[..4])
            && digits(&t[5..7])
            && digits(&t[8..10])
    };
    let name = field
        .rsplit('.')
        .next()
        .unwrap_or(field)
        .to_ascii_lowercase();
    match example.strip_prefix('+') {
        Some(rest) if digits(rest) && (7..=15).contains(&rest.len()) && !rest.starts_with('0') => {
            return "phone";
        }
        _ => {}
    }
    if digits(example)
        && (8..=15).contains(&example.len())
        && (name.contains("phone") || name.contains("mobile"))
    {
        "phone_digits"
    } else if example.len() == 3
        && example.bytes().all(|b| b.is_ascii_uppercase())
        && name.contains("currency")
    {
        // an ISO 4217 code where the vendor writes it in capitals (FreshBooks' `code`): a
        // record's `usd` (Stripe's) sent as `USD`
        "currency"
    } else if date(example) && example.len() == 10 {
        "date"
    } else if date(example) && example.as_bytes().get(10) == Some(&b'T') {
        "datetime"
    } else {
        "text"
    }
}

/// The record field a template is exactly (`{field:amount}`, `{field_or:amount:price}`,
/// `{path:amount}`).
fn record_field_of(template: &str) -> Option<&str> {
    let name = template.strip_prefix('{')?.strip_suffix('}')?;
    if let Some(f) = name
        .strip_prefix("field:")
        .or_else(|| name.strip_prefix("path:"))
    {
        return Some(f);
    }
    name.strip_prefix("field_or:")?.split(':').next()
}

/// The amount fields the plan's records carry, by path: the trigger event's, then every read
/// step's, first declaration kept.
fn money_sources(catalog: &Catalog, plan: &Plan) -> BTreeMap<String, crate::catalog::Money> {
    let mut out = BTreeMap::new();
    let trigger = plan.trigger.tool.as_deref().and_then(|t| catalog.tool(t));
    let event_fields = trigger
        .zip(plan.trigger.event.as_deref())
        .and_then(|(t, e)| t.events.iter().find(|x| x.id == e))
        .map(|e| e.fields.as_slice())
        .unwrap_or_default();
    let step_fields = plan.steps.iter().filter_map(|s| {
        let a = catalog.tool(&s.tool)?.action(&s.action)?;
        (a.role == Role::Read).then_some(a.fields.as_slice())
    });
    for fields in std::iter::once(event_fields).chain(step_fields) {
        for f in fields {
            if let Some(m) = &f.money {
                out.entry(f.path.clone()).or_insert_with(|| m.clone());
            }
        }
    }
    out
}

/// Whether step `index` of `plan` works on the run record a schedule or a manual run starts
/// with (no trigger records, no step before it that reads or transforms), so what it sends
/// comes from its settings, not from records.
/// Whether a step of the plan sends a file (`{file}` in its request).
pub(crate) fn plan_sends_file(catalog: &Catalog, plan: &Plan) -> bool {
    plan.steps.iter().any(|s| {
        catalog
            .tool(&s.tool)
            .and_then(|t| t.action(&s.action))
            .is_some_and(crate::refs::sends_file)
    })
}

/// Kinds of tools whose records are, or hold, files of their own (messages with attachments,
/// signed documents, stored files, posted photos and recordings, uploads to a webhook).
const FILE_CARRYING: &[&str] = &[
    "email", "esign", "storage", "chat", "video", "media", "social", "forms", "trigger",
];

/// Whether the records reaching step `index` may be files the catalog gives no way to fetch:
/// the trigger is a request to the function's URL, or its tool or an earlier step's is one
/// whose records carry files. A step sending a file then fails on them, saying so, instead of
/// exporting their description as a CSV file.
pub(crate) fn carries_files(catalog: &Catalog, plan: &Plan, index: usize) -> bool {
    // a request to the function's own URL carries whatever its sender uploads
    if plan.trigger.delivery == Delivery::Http && plan.trigger.tool.is_none() {
        return true;
    }
    plan.trigger
        .tool
        .iter()
        .chain(
            plan.steps[..index.min(plan.steps.len())]
                .iter()
                .map(|s| &s.tool),
        )
        .filter_map(|t| catalog.tool(t))
        .any(|t| FILE_CARRYING.contains(&t.category.as_str()))
}

fn on_run_record(catalog: &Catalog, plan: &Plan, index: usize) -> bool {
    matches!(plan.trigger.delivery, Delivery::Schedule | Delivery::Direct)
        && plan.steps[..index].iter().all(|s| {
            catalog
                .tool(&s.tool)
                .and_then(|t| t.action(&s.action))
                .is_some_and(|a| a.role == Role::Write)
        })
}

/// A credential's constant, or a literal.
fn auth_value(v: AuthValue<'_>) -> Code {
    match v {
        AuthValue::Credential(c) => expr::name(c),
        AuthValue::Literal(l) => Code::literal(l),
    }
}

/// The action's SQL with its identifiers (a table) put in: the step's setting when it has one
/// (`POSTGRES_TABLE`, checked as a plain identifier when the statement runs, so changing the
/// setting changes the table), else the name the prompt gave (a name that is not a plain
/// identifier is replaced by the action's default). Values are bound parameters.
fn sql_statement(
    action: &Action,
    step: &Step,
    consts: &std::collections::BTreeMap<String, String>,
) -> Code {
    let template = action.sql.as_deref().unwrap_or_default();
    let mut parts: Vec<String> = Vec::new();
    let mut sql = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        let Some(j) = rest[i..].find('}') else { break };
        sql.push_str(&rest[..i]);
        let key = &rest[i + 1..i + j];
        if let Some(setting) = consts.get(key) {
            parts.push(Code::literal(&std::mem::take(&mut sql)).as_str().to_owned());
            parts.push(format!("_sql_name({setting})"));
        } else {
            let named = step.params.get(key).map(String::as_str).unwrap_or("");
            let id = sql_ident(named)
                .or_else(|| action.params.get(key).map(String::as_str))
                .unwrap_or("records");
            sql.push_str(id);
        }
        rest = &rest[i + j + 1..];
    }
    sql.push_str(rest);
    if parts.is_empty() {
        return Code::literal(&sql);
    }
    parts.push(Code::literal(&sql).as_str().to_owned());
    parts.retain(|p| p != "\"\"");
    expr::name(&parts.join(" + "))
}
