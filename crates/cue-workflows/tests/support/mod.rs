//! What the review tests share: the engine's plan for a prompt, a step of it, and a generated
//! module run with python3 (with a recording opener). Each test binary uses a part of it.

#![allow(dead_code)]

use std::process::Command;

use cue_workflows::{Engine, GenerateRequest, Generated, Plan, Step};

pub fn engine() -> Engine {
    Engine::new().unwrap()
}

/// The embedded engine's plan of a typed prompt.
pub fn plan(prompt: &str) -> Plan {
    engine().plan(&GenerateRequest::text(prompt)).unwrap()
}

/// The tools `plan` uses (its steps' and its trigger's), sorted, each once.
pub fn tools(plan: &Plan) -> Vec<String> {
    let mut t: Vec<String> = plan.steps.iter().map(|s| s.tool.clone()).collect();
    if let Some(tool) = &plan.trigger.tool {
        t.push(tool.clone());
    }
    t.sort();
    t.dedup();
    t
}

/// For each (prompt, tools that must be planned, tools that must not): its plan has every
/// tool of the first list and none of the second.
pub fn check_tools(cases: &[(&str, &[&str], &[&str])]) {
    for (prompt, want, not) in cases {
        let got = tools(&plan(prompt));
        for t in *want {
            assert!(
                got.contains(&(*t).to_owned()),
                "{prompt}: {got:?} lacks {t}"
            );
        }
        for t in *not {
            assert!(!got.contains(&(*t).to_owned()), "{prompt}: {got:?} has {t}");
        }
    }
}

/// The generated bundle of `plan`, without validating its module (the tests run it instead).
pub fn generated(plan: Plan) -> Generated {
    engine()
        .with_validation(false)
        .generate_from_plan(plan)
        .unwrap()
}

/// The step of `tool` in `plan`.
pub fn step<'p>(plan: &'p Plan, tool: &str) -> &'p Step {
    plan.steps
        .iter()
        .find(|s| s.tool == tool)
        .unwrap_or_else(|| panic!("no {tool} step: {:?}", plan.steps))
}

/// A recording `_OPENER`: every request is kept in `sent` (url, lower-case headers, body); a
/// token endpoint answers a token, any other the JSON `ANSWER`.
pub const RECORDER: &str = r#"
import io, os
sent = []
ANSWER = {}
class Answer(io.BytesIO):
    def __init__(self, body):
        super().__init__(body)
        self.headers = {"Content-Type": "application/json"}
        self.status = 200
    def __enter__(self):
        return self
    def __exit__(self, *a):
        return False
    def getcode(self):
        return 200
class Opener:
    def open(self, request, timeout=None):
        sent.append((request.full_url, {k.lower(): v for k, v in request.header_items()}, request.data))
        if "token" in request.full_url:
            return Answer(json.dumps({"access_token": "at", "expires_in": 3600}).encode())
        return Answer(json.dumps(ANSWER).encode())
module._OPENER = Opener()
module.time.sleep = lambda s: None
def bodies(part):
    return [json.loads(s[2]) for s in sent if part in s[0] and s[2]]
"#;

/// Loads the module at `sys.argv[1]` as `module` (with the imports the tests' scripts use), and
/// the helpers every script may call: `step_named(suffix)` (also `step`) is the step function
/// whose name ends so, `setting(suffix)` the setting's name, `refused(call, *words)` asserts a
/// ValueError naming each word.
const LOAD_MODULE: &str = r#"
import base64, hashlib, hmac, importlib.util, json, sys, time
spec = importlib.util.spec_from_file_location("generated", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
def step_named(suffix):
    return getattr(module, [n for n in dir(module) if n.endswith(suffix)][0])
step = step_named
def setting(suffix):
    return [n for n in dir(module) if n.endswith(suffix) and n.isupper()][0]
def refused(call, *words):
    try:
        call()
    except ValueError as e:
        for w in words:
            assert w in str(e), (w, str(e))
        return str(e)
    raise AssertionError("not refused")
"#;

/// Runs `script` after `code` is loaded as `module`, in `python3 -c` with the module's path as
/// its argument; skipped without python3. Panics with the output (and the code) when the
/// script fails.
pub fn run_module(code: &str, script: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lambda_function.py");
    std::fs::write(&path, code).unwrap();
    let Ok(out) = Command::new("python3")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .arg("-c")
        .arg(format!("{LOAD_MODULE}{script}"))
        .arg(&path)
        .output()
    else {
        return;
    };
    assert!(
        out.status.success(),
        "{}{}\n{code}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Whether `plan` has a step of `tool` doing `action`.
pub fn has_step(plan: &Plan, tool: &str, action: &str) -> bool {
    plan.steps
        .iter()
        .any(|s| s.tool == tool && s.action == action)
}

/// Whether one of `plan`'s assumptions says `words`.
pub fn assumes(plan: &Plan, words: &str) -> bool {
    plan.assumptions.iter().any(|a| a.contains(words))
}

/// Runs `script` with the module of `code` loaded as `module` and its `_http` faked: `sent`
/// records each call as (method, url, payload, kwargs) and every call answers `answer` (a
/// Python expression); the tokens a step's headers exchange for are stubbed; `step(suffix)` is
/// the step function whose name ends so, `setting(suffix)` the setting's name, and
/// `refused(call, *words)` asserts a ValueError naming each word. Skipped without python3.
pub fn run_with_fake_http(code: &str, answer: &str, script: &str) {
    let prelude = format!(
        r#"
sent = []
def fake_http(method, url, payload=None, **kwargs):
    sent.append((method, url, payload, kwargs))
    return {answer}
module._http = fake_http
for name in dir(module):
    if name.startswith("_") and name.lower().endswith("_access_token") and callable(getattr(module, name)):
        setattr(module, name, lambda: "t")
"#
    );
    run_module(code, &format!("{prelude}\n{script}\nprint('ok')"));
}

/// Loose trigger compatibility, as in score.py's TRIGGER_COMPAT.
pub fn trigger_ok(expected: &str, got: &str) -> bool {
    let ok: &[&str] = match expected {
        "app_event" => &["app_event", "webhook"],
        "email_received" => &["email_received", "app_event", "webhook"],
        "file_upload" => &["file_upload", "app_event", "webhook"],
        "queue" => &["queue", "app_event"],
        "manual" => &["manual", "webhook"],
        other => return other == got,
    };
    ok.contains(&got)
}
