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
