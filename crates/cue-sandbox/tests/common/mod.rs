//! The sandbox Lambda function's handler (`lambda/handler.py`) run locally, as Lambda's
//! Python runtime would call it: `lambda_handler(job, context)`, the answer as JSON.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::Write as _;
use std::process::{Command, Stdio};

use serde_json::Value;

/// The interpreter the tests use (the system's, readable by an unprivileged user).
pub fn python() -> &'static str {
    if std::path::Path::new("/usr/bin/python3").is_file() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}

/// `lambda_handler(job, context)` with `remaining_ms` left in the invocation: `Ok(answer)`, or
/// `Err((errorType, errorMessage))` when it raised, as Lambda reports a function error. `env`
/// is the environment of the function's process (Lambda's runtime variables).
pub fn invoke_handler(
    job: &Value,
    remaining_ms: u64,
    env: &[(&str, &str)],
) -> Result<Value, (String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/lambda");
    let driver = format!(
        r#"
import json, sys, time
sys.path.insert(0, {dir:?})
import handler
class Context:
    def __init__(self):
        self.deadline = time.monotonic() + {remaining_ms} / 1000.0
    def get_remaining_time_in_millis(self):
        return int((self.deadline - time.monotonic()) * 1000)
job = json.load(sys.stdin)
try:
    answer = {{"ok": handler.lambda_handler(job, Context())}}
except Exception as e:
    answer = {{"errorType": type(e).__name__, "errorMessage": str(e)}}
sys.stdout.write(json.dumps(answer))
"#
    );
    // Lambda runs functions as an unprivileged user; so does this, when the tests run as root
    // (the kernel does not hold root to the harness's process limit)
    let mut command = if rustix::process::geteuid().is_root() {
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--",
            python(),
        ]);
        c
    } else {
        Command::new(python())
    };
    let mut child = command
        .args(["-B", "-c", &driver])
        .env_clear()
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("python3 runs the handler");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&serde_json::to_vec(job).unwrap())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "the driver failed: {out:?}");
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    match answer.get("ok") {
        Some(v) => Ok(v.clone()),
        None => Err((
            answer["errorType"].as_str().unwrap().to_owned(),
            answer["errorMessage"].as_str().unwrap().to_owned(),
        )),
    }
}

/// A dry runner over the local sandbox with the test interpreter and an engine that does not
/// validate (the dry run is what these tests look at).
pub async fn runner() -> (
    std::sync::Arc<cue_workflows::Engine>,
    cue_workflows::dryrun::DryRunner,
) {
    let settings = cue_sandbox::SandboxSettings {
        python: python().to_owned(),
        timeout: std::time::Duration::from_secs(20),
        ..cue_sandbox::SandboxSettings::default()
    };
    let engine = std::sync::Arc::new(cue_workflows::Engine::new().unwrap().with_validation(false));
    let sandbox = cue_sandbox::LocalSandbox::new(&settings).await.unwrap();
    let runner =
        cue_workflows::dryrun::DryRunner::new(engine.clone(), std::sync::Arc::new(sandbox));
    (engine, runner)
}

/// The workflow a typed prompt generates.
pub fn generate(engine: &cue_workflows::Engine, prompt: &str) -> cue_workflows::Generated {
    engine
        .generate(&cue_workflows::GenerateRequest::text(prompt))
        .unwrap()
}

/// Whether the dry run called every step the plan has.
pub fn every_step_called(
    g: &cue_workflows::Generated,
    run: &cue_workflows::dryrun::DryRun,
) -> bool {
    let called = run.steps_called();
    g.plan.steps.iter().all(|s| called.contains(s.id.as_str()))
}

/// The requests of the dry run's calls of `action` (`tool.action`), in call order.
pub fn requests<'r>(run: &'r cue_workflows::dryrun::DryRun, action: &str) -> Vec<&'r Value> {
    let (tool, action) = action.split_once('.').unwrap();
    run.calls
        .iter()
        .filter(|c| c.tool.as_deref() == Some(tool) && c.action.as_deref() == Some(action))
        .map(|c| &c.request)
        .collect()
}

/// A dry run whose event hands the workflow `items` (a manual run's records).
pub fn with_items(items: Value) -> cue_workflows::dryrun::DryRunRequest {
    cue_workflows::dryrun::DryRunRequest {
        event: Some(serde_json::json!({ "items": items })),
        ..cue_workflows::dryrun::DryRunRequest::default()
    }
}
