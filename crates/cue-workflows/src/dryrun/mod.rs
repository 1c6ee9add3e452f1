//! Dry runs: a workflow's code executed in a sandbox against simulated vendors, before it is
//! deployed, answering what it returned, every call it made and whether each call is what the
//! catalog describes.
//!
//! This module holds what a dry run *means*; running Python is a port, [`Sandbox`], which
//! `cue-sandbox` implements (a local process under bubblewrap). A run is:
//! 1. the event: the caller's, or a [sample](events::sample_event) for the plan's trigger;
//! 2. the environment: only the workflow's credentials (the caller's values, else the
//!    placeholders; a webhook's signing secret gets a test value the harness signs with);
//! 3. the [`Simulator`]: a route per catalog action of the plan's tools, answering the action's
//!    documented example (conditions on records made true so later steps run);
//! 4. the sandbox runs the handler and records every call;
//! 5. here, every recorded call is matched to its catalog action again and checked (method,
//!    path template, required fields, and the type and shape of each field as the vendor's
//!    reference gives it: `shapes`); credential values are masked in everything returned.
//!
//! `ok` is true when the handler returned without raising (and without answering an error or
//! reporting failed batch items) and every call is one the vendor would accept. A value a step
//! was to take from its record that is still its setting's stand-in, or the trigger's event
//! name, is a `warning`: the vendor accepts it, but the data the plan promised is not there.

#[cfg(test)]
mod dryrun10_tests;
#[cfg(test)]
mod dryrun14_tests;
pub mod events;
#[cfg(test)]
mod honest_tests;
mod records;
mod shapes;
#[cfg(test)]
mod shapes_tests;
pub mod simulator;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::catalog::Catalog;
use crate::engine::Engine;
use crate::error::WorkflowError;
use crate::model::{Delivery, Plan};
use crate::repo::{OwnerId, WorkflowId};
use crate::service::WorkflowService;
pub use events::{SampleEvent, Signing, sample_event};
pub use simulator::{Answer, RecordedCall, Route, Simulator, Target};

/// The key a webhook's signing secret gets when the caller gives none: the harness signs the
/// sample request with it and the workflow checks it, so the check runs for real.
pub const TEST_SIGNING_SECRET: &str = "Y3VlLWRyeS1ydW4tdGVzdC1zZWNyZXQ=";

/// What a caller may give a dry run.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DryRunRequest {
    /// The Lambda event; a sample for the trigger when absent.
    #[serde(default)]
    pub event: Option<Value>,
    /// Credential values by placeholder name; the placeholders themselves when absent. Never
    /// stored, never logged, masked in the answer.
    #[serde(default)]
    pub credentials: BTreeMap<String, String>,
}

/// What the sandbox is asked to run.
#[derive(Debug, Clone, Serialize)]
pub struct SandboxJob {
    /// The module (`lambda_function.py`).
    pub code: String,
    /// The whole environment the code sees.
    pub env: BTreeMap<String, String>,
    pub event: Value,
    /// How to sign a function URL request's body (webhook triggers).
    pub signing: Vec<Signing>,
    pub simulator: Simulator,
    /// Whether the code differs from what Cue generated for the plan.
    #[serde(skip)]
    pub edited: bool,
}

/// What came out of the sandbox.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SandboxOutcome {
    /// What `lambda_handler` returned (JSON; `repr` text for other values).
    #[serde(default)]
    pub result: Value,
    #[serde(default)]
    pub calls: Vec<RecordedCall>,
    /// The workflow's log lines and printed output, bounded.
    #[serde(default)]
    pub logs: Vec<String>,
    /// Why the run failed: an exception, a limit, a crash.
    #[serde(default)]
    pub error: Option<RunError>,
    /// Wall-clock time of the run, process start included.
    #[serde(default)]
    pub duration_ms: u64,
}

/// Why a run failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunError {
    /// The exception's class (`KeyError`), or what stopped the run (`Timeout`,
    /// `MemoryLimit`, `OutputLimit`, `Crashed`, `UnexpectedCall`, `HandlerStatus`).
    #[serde(rename = "type")]
    pub kind: String,
    pub message: String,
    /// The line of `lambda_function.py` it happened on.
    #[serde(default)]
    pub line: Option<u32>,
}

impl RunError {
    pub fn new(kind: &str, message: impl Into<String>) -> Self {
        Self {
            kind: kind.to_owned(),
            message: message.into(),
            line: None,
        }
    }
}

/// How far the sandbox isolates the code it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Isolation {
    /// No network, no host files, resource limits: any code may run.
    Full,
    /// Resource limits and a cleared environment only: only code Cue generated may run. The
    /// text says what to install for full isolation.
    ProcessOnly { install: String },
}

/// Runs Python in isolation. Implemented by `cue-sandbox`; a run that breaks a limit is an
/// outcome with an error, not an `Err`.
#[async_trait]
pub trait Sandbox: Send + Sync {
    async fn isolation(&self) -> Isolation;
    /// `Err(WorkflowError::SandboxBusy)` when every slot stays taken; `SandboxFailed` when the
    /// sandbox itself (not the workflow) failed.
    async fn run(&self, job: SandboxJob) -> Result<SandboxOutcome, WorkflowError>;
}

/// One call in a dry run's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DryRunCall {
    pub step: Option<String>,
    pub tool: Option<String>,
    pub action: Option<String>,
    pub method: String,
    pub url: String,
    pub request: Value,
    /// The request's headers (HTTP calls), credential values masked like the body's.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    pub status: u16,
}

/// A dry run's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DryRun {
    pub ok: bool,
    pub result: Value,
    pub calls: Vec<DryRunCall>,
    pub logs: Vec<String>,
    pub duration_ms: u64,
    pub error: Option<RunError>,
    /// Calls the vendor would accept that do not send what the plan promised: a field to be
    /// taken from the record that is its setting's stand-in (`https://example.com/your-url`)
    /// or the trigger's event name (`ObjectCreated:Put`). They do not make the run not `ok`.
    pub warnings: Vec<String>,
}

impl DryRun {
    /// The plan's steps that made at least one call.
    pub fn steps_called(&self) -> BTreeSet<&str> {
        self.calls
            .iter()
            .filter_map(|c| c.step.as_deref())
            .collect()
    }
}

/// Prepares dry runs and judges their outcome; the sandbox runs them.
pub struct DryRunner {
    engine: Arc<Engine>,
    sandbox: Arc<dyn Sandbox>,
}

impl DryRunner {
    pub fn new(engine: Arc<Engine>, sandbox: Arc<dyn Sandbox>) -> Self {
        Self { engine, sandbox }
    }

    /// Dry-runs one of `owner`'s saved workflows (another owner's is not found).
    pub async fn run_saved(
        &self,
        workflows: &WorkflowService,
        owner: OwnerId,
        id: WorkflowId,
        request: DryRunRequest,
    ) -> Result<DryRun, WorkflowError> {
        let record = workflows.get(owner, id).await?;
        let plan = serde_json::from_value::<Plan>(record.plan.clone()).ok();
        self.run(&record.code, plan.as_ref(), request).await
    }

    /// Dry-runs `code`, generated from `plan` (or written by hand when there is none).
    pub async fn run(
        &self,
        code: &str,
        plan: Option<&Plan>,
        request: DryRunRequest,
    ) -> Result<DryRun, WorkflowError> {
        let job = self.job(code, plan, &request)?;
        if job.edited
            && let Isolation::ProcessOnly { install } = self.sandbox.isolation().await
        {
            return Err(WorkflowError::SandboxUnavailable { install });
        }
        let simulator = job.simulator.clone();
        let outcome = self.sandbox.run(job).await?;
        let secrets: Vec<&str> = request
            .credentials
            .values()
            .map(String::as_str)
            .filter(|v| !v.is_empty())
            .collect();
        Ok(judge(outcome, &simulator, plan, &secrets))
    }

    /// What the sandbox gets for this run.
    pub fn job(
        &self,
        code: &str,
        plan: Option<&Plan>,
        request: &DryRunRequest,
    ) -> Result<SandboxJob, WorkflowError> {
        let catalog = self.engine.catalog();
        let placeholders = plan.map(Plan::placeholders).unwrap_or_default();
        let unknown: Vec<String> = request
            .credentials
            .keys()
            .filter(|k| !placeholders.contains(k))
            .cloned()
            .collect();
        if !unknown.is_empty() {
            return Err(WorkflowError::UnknownCredentials {
                unknown,
                expected: placeholders,
            });
        }
        let sample = match plan {
            Some(p) => sample_event(catalog, p),
            None => SampleEvent {
                event: json!({}),
                signing: Vec::new(),
            },
        };
        let mut env = environment(catalog, plan, request, &sample.signing);
        let file_settings = plan.map(|p| file_settings(catalog, p)).unwrap_or_default();
        for (_, setting) in &file_settings {
            env.insert(setting.clone(), simulator::SETTING_FILE_URL.to_owned());
        }
        let sampled_settings = plan
            .map(|p| sampled_settings(catalog, p))
            .unwrap_or_default();
        for n in &sampled_settings {
            let value = match &n.sample {
                Value::String(text) => text.clone(),
                number => number.to_string(),
            };
            env.insert(n.setting.clone(), value);
        }
        let edited = match plan {
            Some(p) => self
                .engine
                .code(p)
                .map_or(true, |generated| generated != code),
            None => true,
        };
        let event = request.event.clone().unwrap_or(sample.event);
        let mut simulator = simulator_for(catalog, plan);
        simulator.event_names = shapes::event_names(&event);
        simulator.file_settings = file_settings;
        simulator.sampled_settings = sampled_settings;
        simulator.stand_in_settings = stand_in_settings(code, &env);
        Ok(SandboxJob {
            code: code.to_owned(),
            env,
            event,
            signing: sample.signing,
            simulator,
            edited,
        })
    }
}

/// What the code sees in `os.environ`: the plan's credentials (the caller's values, else the
/// placeholders), a URL for a credential that starts a vendor's URL (a webhook URL, an
/// instance URL) so requests can be made and answered, the test key for signing secrets the
/// caller did not give, and the region.
fn environment(
    catalog: &Catalog,
    plan: Option<&Plan>,
    request: &DryRunRequest,
    signing: &[Signing],
) -> BTreeMap<String, String> {
    let given = |name: &str| request.credentials.get(name).cloned();
    let mut env: BTreeMap<String, String> = plan
        .map(Plan::placeholders)
        .unwrap_or_default()
        .into_iter()
        .map(|p| {
            let value = given(&p).unwrap_or_else(|| format!("{{{{{p}}}}}"));
            (p, value)
        })
        .collect();
    let tools = plan.iter().flat_map(|p| &p.tools);
    for tool in tools.filter_map(|t| catalog.tool(&t.id)) {
        if let crate::catalog::Api::Http { base_url, .. } = &tool.api
            && let Some((0, j)) = crate::refs::next_ref(base_url)
            && given(&base_url[1..j]).is_none()
            && let Some(value) = env.get_mut(&base_url[1..j])
        {
            let host = base_url[1..j].to_lowercase().replace('_', "-");
            *value = format!("https://{host}.dry-run.example");
        }
    }
    for s in signing {
        if given(s.secret()).is_none() {
            env.insert(s.secret().to_owned(), TEST_SIGNING_SECRET.to_owned());
        }
    }
    // The handler refuses every request while a credential its check takes is still a
    // placeholder; the others it takes (PayPal's webhook id and API keys) get test values too.
    if let Some(p) = plan.filter(|p| p.trigger.delivery == crate::model::Delivery::Http) {
        let tool = p.trigger.tool.as_deref().and_then(|id| catalog.tool(id));
        for name in catalog
            .webhook_for(tool)
            .map(|used| used.credentials)
            .unwrap_or_default()
        {
            if given(&name).is_none() && !signing.iter().any(|s| s.secret() == name) {
                env.insert(name.clone(), format!("dry-run-{}", name.to_lowercase()));
            }
        }
    }
    env.insert("AWS_REGION".into(), "us-east-1".into());
    env.insert("AWS_DEFAULT_REGION".into(), "us-east-1".into());
    env
}

/// The steps that send their record's file, else the file at a URL setting
/// (`{file_or:image_url}`), whose setting the plan left at its stand-in, as (step, setting).
/// A real run has the user's URL there (the code refuses the stand-in, and the plan's
/// assumptions say to set it); the dry run gives each [`simulator::SETTING_FILE_URL`], so the
/// step runs as it would once set, and says so in `warnings` when it used it.
fn file_settings(catalog: &Catalog, plan: &Plan) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for step in &plan.steps {
        let Some(action) = events::step_action(catalog, step) else {
            continue;
        };
        let Some(param) = crate::refs::file_fallback_param(action) else {
            continue;
        };
        let value = step
            .params
            .get(&param)
            .or_else(|| action.params.get(&param))
            .map_or("", String::as_str);
        if value.is_empty() || shapes::stand_in(value) {
            let setting = format!(
                "{}_{}",
                crate::escape::ident(&step.tool),
                crate::escape::ident(&param)
            )
            .to_ascii_uppercase();
            out.push((step.id.clone(), setting));
        }
    }
    out
}

/// A setting the plan left at its stand-in, which the code refuses, given a sample for the run.
#[derive(Debug, Clone, PartialEq)]
pub struct SampledSetting {
    /// The step that sends it.
    pub step: String,
    /// The environment variable (`QUICKBOOKS_AMOUNT`).
    pub setting: String,
    /// Where the request carries it (`Line.0.Amount`); empty when it is inside a text (an S3
    /// URI), found by its sample.
    pub path: String,
    /// What it stands for, in the warning (`the number it sends when its record has none`).
    pub about: &'static str,
    /// The run's value: the number the vendor's documented example request shows there, an S3
    /// object's sample bucket and key.
    pub sample: Value,
}

/// The S3 object (bucket, key) a step reading its file from S3 is given for the run when the
/// plan left its location settings at their stand-ins (`required::fill`).
const SAMPLE_S3_OBJECT: (&str, &str) = ("dry-run-bucket", "dry-run/sample.wav");

/// The steps sending a record field the vendor takes as a number (`_shaped`'s number slots:
/// QuickBooks' `Line.Amount`, FreshBooks' `customerid`) whose setting the plan left at its
/// stand-in (`your-amount`: the record carries none, and the assumptions say to set it). The
/// code refuses the stand-in, as it should; a real run has the user's number there, so the dry
/// run gives the setting the vendor's documented example number and says so in `warnings`
/// when the request carried it: never a stand-in text in a number field.
/// Also the S3 bucket and key of a step reading its file from S3 whose records name no object
/// (`required::fill`), given [`SAMPLE_S3_OBJECT`].
fn sampled_settings(catalog: &Catalog, plan: &Plan) -> Vec<SampledSetting> {
    let mut out = Vec::new();
    for step in &plan.steps {
        let Some(action) = events::step_action(catalog, step) else {
            continue;
        };
        let example = action
            .example
            .as_ref()
            .and_then(|e| e.request.body.as_ref());
        for (path, kind, field) in crate::python::shaped_slots(action) {
            let Some(value) = step.params.get(&field) else {
                continue;
            };
            let sample = example.and_then(|e| number_at(e, &path));
            if kind != "number" || !(value.is_empty() || shapes::stand_in(value)) {
                continue;
            }
            let Some(sample) = sample else {
                continue;
            };
            out.push(SampledSetting {
                step: step.id.clone(),
                setting: format!(
                    "{}_{}",
                    crate::escape::ident(&step.tool),
                    crate::escape::ident(&field)
                )
                .to_ascii_uppercase(),
                path,
                about: "the number it sends when its record has none",
                sample,
            });
        }
        // an S3 location its records do not name (`required::fill`'s bucket and key)
        let s3 = serde_json::to_string(&action.kwargs).unwrap_or_default();
        for (field, sample) in [("bucket", SAMPLE_S3_OBJECT.0), ("key", SAMPLE_S3_OBJECT.1)] {
            let stand_in = step.params.get(field).is_some_and(|v| shapes::stand_in(v));
            if stand_in && s3.contains(&format!("{{field:{field}}}")) {
                out.push(SampledSetting {
                    step: step.id.clone(),
                    setting: format!(
                        "{}_{}",
                        crate::escape::ident(&step.tool),
                        crate::escape::ident(field)
                    )
                    .to_ascii_uppercase(),
                    path: String::new(),
                    about: "the S3 object it reads when its record names none",
                    sample: json!(sample),
                });
            }
        }
    }
    out
}

/// The number at a dotted path of a documented example body (a JSON text inside it read as
/// JSON), if it is one.
fn number_at(example: &Value, path: &str) -> Option<Value> {
    let mut at = example.clone();
    for key in path.split('.') {
        if let Value::String(text) = &at
            && let Ok(parsed) = serde_json::from_str::<Value>(text)
        {
            at = parsed;
        }
        at = match &at {
            Value::Array(items) => items.get(key.parse::<usize>().ok()?)?.clone(),
            other => other.get(key)?.clone(),
        };
    }
    at.is_number().then_some(at)
}

/// The generated module's settings (`NAME = os.environ.get("NAME", "value")`, the README's
/// Settings) whose value is still a stand-in the user replaces (`your-merchant`,
/// `your-slack-user-id`, `+15555550100`), as (setting, value): those the run's environment
/// does not give (a setting sampled for the run warns on its own). A credential's
/// `{{NAME}}` is no setting.
pub(crate) fn stand_in_settings(
    code: &str,
    env: &BTreeMap<String, String>,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in code.lines() {
        let Some((name, rest)) = line.split_once(" = os.environ.get(\"") else {
            continue;
        };
        let Some(value) = rest
            .strip_prefix(name)
            .and_then(|r| r.strip_prefix("\", \""))
            .and_then(|r| r.strip_suffix("\")"))
        else {
            continue;
        };
        let plain = !value.contains(['"', '\\']);
        if crate::escape::is_identifier(name)
            && plain
            && !value.contains("{{")
            && shapes::stand_in(value)
            && !env.contains_key(name)
        {
            out.push((name.to_owned(), value.to_owned()));
        }
    }
    out
}

/// The stand-in settings a call sent, as (setting, value, where: `the URL` or the request's
/// dotted path). A value is sent where a text of the request (or its URL) holds it as a
/// whole word (`your-email` is not in `your-email-2`). When several settings hold the value,
/// those of the call's tool (`EXPENSIFY_MERCHANT` for Expensify) are named.
fn stand_ins_sent(
    call: &RecordedCall,
    settings: &[(String, String)],
    tool: Option<&str>,
) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = Vec::new();
    let prefix = tool.map(|t| format!("{}_", crate::escape::ident(t).to_ascii_uppercase()));
    let mut values: Vec<&str> = settings.iter().map(|(_, v)| v.as_str()).collect();
    values.sort_unstable();
    values.dedup();
    for value in values {
        let at = if holds_word(&call.url, value) {
            Some("the URL".to_owned())
        } else {
            path_holding(&call.request, value, String::new())
        };
        let Some(at) = at else {
            continue;
        };
        let holders: Vec<&String> = settings
            .iter()
            .filter(|(_, v)| v == value)
            .map(|(n, _)| n)
            .collect();
        let own: Vec<&String> = holders
            .iter()
            .copied()
            .filter(|n| prefix.as_deref().is_some_and(|p| n.starts_with(p)))
            .collect();
        let named = if own.is_empty() { holders } else { own };
        for n in named {
            out.push((n.clone(), value.to_owned(), at.clone()));
        }
    }
    out
}

/// Whether `text` holds `word` not as a part of a longer name (the characters around it are
/// no letter, digit, `-` or `_`).
fn holds_word(text: &str, word: &str) -> bool {
    let part = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_');
    text.match_indices(word).any(|(i, _)| {
        !part(text[..i].chars().next_back()) && !part(text[i + word.len()..].chars().next())
    })
}

/// The dotted path of the first text in `value` holding `word` (`fields.Merchant`; the
/// request itself when it is that text).
fn path_holding(value: &Value, word: &str, at: String) -> Option<String> {
    let join = |key: &str| {
        if at.is_empty() {
            key.to_owned()
        } else {
            format!("{at}.{key}")
        }
    };
    match value {
        Value::String(text) => holds_word(text, word).then(|| {
            if at.is_empty() {
                "the request".to_owned()
            } else {
                at.clone()
            }
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| path_holding(v, word, join(&i.to_string()))),
        Value::Object(map) => map.iter().find_map(|(k, v)| path_holding(v, word, join(k))),
        _ => None,
    }
}

/// Routes for the plan's tools (every tool for code without a plan), with the records every
/// step reads prepared so that it runs (`records`).
pub fn simulator_for(catalog: &Catalog, plan: Option<&Plan>) -> Simulator {
    let Some(plan) = plan else {
        return Simulator::for_tools(catalog.tools());
    };
    let mut ids: Vec<&str> = plan.steps.iter().map(|s| s.tool.as_str()).collect();
    ids.extend(plan.trigger.tool.as_deref());
    ids.sort_unstable();
    ids.dedup();
    let mut sim = Simulator::for_tools(ids.iter().filter_map(|id| catalog.tool(id)));
    records::prepare(&mut sim, catalog, plan);
    sim
}

/// Turns the sandbox's outcome into the answer: calls identified and checked, failures the
/// handler reported made errors, credential values masked.
pub fn judge(
    outcome: SandboxOutcome,
    simulator: &Simulator,
    plan: Option<&Plan>,
    secrets: &[&str],
) -> DryRun {
    let mut logs = outcome.logs;
    let mut error = outcome.error;
    let mut calls = Vec::with_capacity(outcome.calls.len());
    let mut warnings = Vec::new();
    for call in outcome.calls {
        let route = simulator.identify(&call);
        let problems = simulator.problems(&call);
        let step = call.step.clone().or_else(|| {
            let r = route?;
            let s = plan?.steps.iter().find(|s| {
                s.tool == r.tool && s.action == r.action.split('.').next().unwrap_or("")
            })?;
            Some(s.id.clone())
        });
        for p in &problems {
            logs.push(format!("dry run: {p}"));
        }
        let planned = step
            .as_deref()
            .and_then(|id| plan?.steps.iter().find(|s| s.id == id));
        // the settings still at a README-named stand-in this call sent (R17-7)
        let mut stand_ins = stand_ins_sent(
            &call,
            &simulator.stand_in_settings,
            route.map(|r| r.tool.as_str()),
        );
        if let Some(s) = planned {
            // once each: a step's calls for every item say the same
            for mut w in simulator.warnings(&call, Some(&s.id), &s.params) {
                // a field that was to come from the record and fell back to a stand-in
                // names the setting to fill here, not in a second warning
                stand_ins.retain(|(setting, value, _)| {
                    if !w.contains(&format!("{value:?}")) {
                        return true;
                    }
                    if !w.contains(setting.as_str()) {
                        let _ = write!(w, "; the setting to fill is {setting}");
                    }
                    false
                });
                if !warnings.contains(&w) {
                    warnings.push(w);
                }
            }
        }
        let label = match (&step, route) {
            (Some(s), Some(r)) => format!("{s} ({}.{})", r.tool, r.action),
            (Some(s), None) => s.clone(),
            (None, Some(r)) => format!("{}.{}", r.tool, r.action),
            (None, None) => call.url.clone(),
        };
        for (setting, value, at) in stand_ins {
            let w = format!(
                "{label}: {setting} is still its stand-in {value:?}, and the call sent it \
                 ({at}); set {setting} (the README's Settings) before deploying"
            );
            if !warnings.contains(&w) {
                warnings.push(w);
            }
        }
        if route.is_some_and(|r| r.tool == "dry_run" && r.action == "setting_file") {
            let planned = step
                .as_deref()
                .and_then(|id| plan?.steps.iter().find(|s| s.id == id));
            if let Some(p) = planned {
                for (_, setting) in simulator.file_settings.iter().filter(|(s, _)| *s == p.id) {
                    let w = format!(
                        "{} ({}.{}): {setting} (the file it sends when its record names none) \
                         is still its setting's stand-in: the dry run fetched a sample file ({}) \
                         in its place; set it to the file's https URL before deploying",
                        p.id,
                        p.tool,
                        p.action,
                        simulator::SETTING_FILE_URL
                    );
                    if !warnings.contains(&w) {
                        warnings.push(w);
                    }
                }
            }
        }
        for n in simulator
            .sampled_settings
            .iter()
            .filter(|n| step.as_deref() == Some(&n.step))
        {
            let used = match &n.sample {
                Value::String(text) => call.request.to_string().contains(text.as_str()),
                number => {
                    number_at(&call.request, &n.path).is_some_and(|v| v.as_f64() == number.as_f64())
                }
            };
            if used {
                let at = if n.path.is_empty() {
                    String::new()
                } else {
                    format!(" at {}", n.path)
                };
                let w = format!(
                    "{}: {} ({}) is still its setting's stand-in: the dry run sent the sample \
                     {}{at} in its place; set it before deploying",
                    n.step, n.setting, n.about, n.sample
                );
                if !warnings.contains(&w) {
                    warnings.push(w);
                }
            }
        }
        if error.is_none()
            && let Some(first) = problems.first()
        {
            error = Some(RunError::new("UnexpectedCall", first.clone()));
        }
        calls.push(DryRunCall {
            step,
            tool: route.map(|r| r.tool.clone()),
            action: route.map(|r| r.action.clone()),
            method: call.method,
            url: call.url,
            request: call.request,
            headers: call.headers,
            status: call.status,
        });
    }
    if error.is_none() {
        error = handler_failure(&outcome.result, plan);
    }
    let mut run = DryRun {
        ok: error.is_none(),
        result: outcome.result,
        calls,
        logs,
        duration_ms: outcome.duration_ms,
        error,
        warnings,
    };
    mask(&mut run, secrets);
    run
}

/// A failure the handler answered instead of raising: an error status from a function URL
/// handler, or failed items of a batch.
fn handler_failure(result: &Value, plan: Option<&Plan>) -> Option<RunError> {
    if plan.is_some_and(|p| p.trigger.delivery == Delivery::Http)
        && let Some(status) = result.get("statusCode").and_then(Value::as_u64)
        && status >= 400
    {
        let body = result.get("body").and_then(Value::as_str).unwrap_or("");
        return Some(RunError::new(
            "HandlerStatus",
            format!("the handler answered HTTP {status}: {body}"),
        ));
    }
    match result.get("batchItemFailures").and_then(Value::as_array) {
        Some(failures) if !failures.is_empty() => Some(RunError::new(
            "BatchItemFailures",
            format!("{} record(s) of the batch failed", failures.len()),
        )),
        _ => None,
    }
}

/// Replaces every credential value (as written, percent-encoded and JSON-escaped) in the
/// answer's text with `****`.
fn mask(run: &mut DryRun, secrets: &[&str]) {
    let mut forms: Vec<String> = Vec::new();
    for s in secrets {
        forms.push((*s).to_owned());
        forms.push(percent_encode(s));
        if let Ok(quoted) = serde_json::to_string(s) {
            forms.push(quoted.trim_matches('"').to_owned());
        }
    }
    forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    forms.dedup();
    forms.retain(|f| !f.is_empty());
    if forms.is_empty() {
        return;
    }
    let hide = |text: &mut String| {
        for f in &forms {
            if text.contains(f.as_str()) {
                *text = text.replace(f.as_str(), "****");
            }
        }
    };
    mask_value(&mut run.result, &hide);
    for c in &mut run.calls {
        hide(&mut c.url);
        mask_value(&mut c.request, &hide);
        for value in c.headers.values_mut() {
            hide(value);
            hide_encoded(value, secrets);
        }
    }
    for line in run.logs.iter_mut().chain(run.warnings.iter_mut()) {
        hide(line);
    }
    if let Some(e) = &mut run.error {
        hide(&mut e.message);
    }
}

/// Masks the base64 words of a header value that decode to text holding a credential value:
/// `Authorization: Basic <base64 of key:secret>` would otherwise show the secret to anyone who
/// decodes it.
fn hide_encoded(value: &mut String, secrets: &[&str]) {
    use base64::Engine as _;
    let engines = [
        base64::engine::general_purpose::STANDARD,
        base64::engine::general_purpose::URL_SAFE,
    ];
    let holds_secret = |word: &str| {
        let bare = word.trim_end_matches('=');
        let padded = format!("{bare}{}", "=".repeat((4 - bare.len() % 4) % 4));
        engines
            .iter()
            .filter_map(|e| e.decode(&padded).ok())
            .any(|bytes| {
                let text = String::from_utf8_lossy(&bytes);
                secrets.iter().any(|s| !s.is_empty() && text.contains(s))
            })
    };
    if !value
        .split([' ', ',', ';'])
        .any(|w| w.len() >= 4 && holds_secret(w))
    {
        return;
    }
    *value = value
        .split(' ')
        .map(|w| {
            if w.len() >= 4 && holds_secret(w) {
                "****"
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
}

fn mask_value(value: &mut Value, hide: &impl Fn(&mut String)) {
    match value {
        Value::String(s) => hide(s),
        Value::Array(items) => items.iter_mut().for_each(|v| mask_value(v, hide)),
        Value::Object(map) => {
            let masked: serde_json::Map<String, Value> = std::mem::take(map)
                .into_iter()
                .map(|(mut k, mut v)| {
                    hide(&mut k);
                    mask_value(&mut v, hide);
                    (k, v)
                })
                .collect();
            *map = masked;
        }
        _ => {}
    }
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests;
