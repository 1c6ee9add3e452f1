//! Every HTTP action with a documented example, rendered from a sample plan and run against a
//! fake opener (`tests/data/request_checks.py`): the request the generated code sends must
//! match the example's method, path, content type and auth shape, with every required field
//! present and non-empty.

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::json;

use super::test_plans::{manual, one_step};
use crate::Engine;
use crate::catalog::Api;
use crate::model::{Plan, PlannedTool, Step};

const CHECKS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/request_checks.py");

/// Actions whose documented example differs from the catalog on purpose, and why.
const KNOWN: &[(&str, &str)] = &[
    (
        "onedrive.upload_file",
        "app-only Graph tokens need /users/{id}; the docs' example uploads a .txt file (text/plain), the check's sample record an .mp3",
    ),
    (
        "magento.list_orders",
        "the docs' example names the store view (/rest/default/V1); the catalog uses the default one (/rest/V1)",
    ),
    (
        "salesforce.query",
        "the catalog pins API v62.0; the docs' example shows v63.0",
    ),
    (
        "outlook.send_email",
        "app-only Graph tokens need /users/{id}; the docs' example uses /me",
    ),
    (
        "sharepoint.upload_file",
        "the docs' example uploads a .txt file (text/plain), the check's sample record an .mp3",
    ),
];

/// `(tool.action, problem)` for every action whose generated request differs from its example.
fn mismatches() -> Option<(usize, Vec<(String, String)>)> {
    Command::new("python3").arg("--version").output().ok()?;
    let engine = Engine::new().ok()?.with_validation(false);
    let dir = tempfile::tempdir().ok()?;
    let mut cases = Vec::new();
    for tool in engine.catalog().tools() {
        let Api::Http { base_url, auth, .. } = &tool.api else {
            continue;
        };
        for action in &tool.actions {
            let Some(example) = action.example.as_ref().filter(|e| e.request.url.is_some()) else {
                continue;
            };
            let step = Step {
                id: "step_1".to_owned(),
                tool: tool.id.clone(),
                action: action.id.clone(),
                description: action.label.clone(),
                params: action.params.clone(),
                condition: None,
                for_each: None,
            };
            // an action that waits calls its status, then its result action: their examples answer
            let then: Vec<serde_json::Value> = action
                .wait
                .iter()
                .flat_map(|w| std::iter::once(&w.status).chain(w.result.as_ref()))
                .filter_map(|id| tool.action(id)?.example.as_ref())
                .map(|e| json!({"status": e.response.status, "headers": e.response.headers, "body": e.response.body}))
                .collect();
            let creds = crate::refs::credentials_for(tool, action);
            let plan = Plan {
                name: "Example check".to_owned(),
                summary: "Sends one request.".to_owned(),
                trigger: manual(),
                steps: vec![step],
                tools: vec![PlannedTool {
                    id: tool.id.clone(),
                    name: tool.name.clone(),
                    credentials: creds.clone(),
                }],
                assumptions: Vec::new(),
            };
            let g = engine.generate_from_plan(plan).ok()?;
            let module = dir.path().join(format!("{}_{}.py", tool.id, action.id));
            std::fs::write(&module, &g.code).ok()?;
            cases.push(json!({
                "action": format!("{}.{}", tool.id, action.id),
                "module": module,
                "fn": format!(
                    "step_1_{}_{}",
                    crate::escape::ident(&tool.id),
                    crate::escape::ident(&action.id)
                ),
                "template": action.url_template(base_url),
                "templates": [action.path, action.body, action.query],
                "content_type": format!("{:?}", action.content_type).to_lowercase(),
                "text": action.text,
                "records": action.records,
                "answer_headers": action.answer_headers,
                "auth": auth,
                "creds": creds,
                "then": then,
                "example": {
                    "request": {"method": example.request.method, "url": example.request.url,
                                "headers": example.request.headers, "body": example.request.body},
                    "response": {"status": example.response.status, "headers": example.response.headers,
                                 "body": example.response.body},
                },
            }));
        }
    }
    let list = dir.path().join("cases.json");
    std::fs::write(&list, serde_json::to_vec(&cases).ok()?).ok()?;
    let run = Command::new("python3")
        // boto3 clients (the cursor table's) need a region, as the Lambda runtime gives them
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .arg(CHECKS)
        .arg(&list)
        .output()
        .ok()?;
    let answer: BTreeMap<String, Vec<String>> =
        serde_json::from_slice(&run.stdout).unwrap_or_else(|_| {
            BTreeMap::from([(
                "python".to_owned(),
                vec![String::from_utf8_lossy(&run.stderr).into_owned()],
            )])
        });
    let out = answer
        .into_iter()
        .flat_map(|(a, problems)| problems.into_iter().map(move |p| (a.clone(), p)))
        .collect();
    Some((cases.len(), out))
}

#[test]
fn generated_requests_match_the_documented_examples() {
    let Some((checked, problems)) = mismatches() else {
        return;
    };
    let listed: Vec<String> = problems
        .iter()
        .filter(|(a, _)| !KNOWN.iter().any(|(k, _)| k == a))
        .map(|(a, p)| format!("{a}: {p}"))
        .collect();
    assert!(checked > 150, "{checked}");
    assert!(
        listed.is_empty(),
        "{} problems in {checked} actions:\n{}",
        listed.len(),
        listed.join("\n")
    );
    // the exceptions are still exceptions
    for (action, why) in KNOWN {
        assert!(
            problems.iter().any(|(a, _)| a == action),
            "{action} now matches ({why}): drop it from KNOWN"
        );
    }
}

/// Gmail's list answers ids only: the generated step fetches each message, so later steps get
/// subjects and bodies, not ids.
#[test]
fn lists_of_ids_are_completed_record_by_record() {
    if Command::new("python3").arg("--version").output().is_err() {
        return;
    }
    let Ok(engine) = Engine::new() else {
        panic!("engine");
    };
    let Some(tool) = engine.catalog().tool("gmail") else {
        panic!("gmail");
    };
    let Some(action) = tool.action("list_messages") else {
        panic!("list_messages");
    };
    let plan = one_step("Mail", manual(), tool, action);
    let Ok(g) = engine.generate_from_plan(plan) else {
        panic!("generate");
    };
    let script = r#"
import importlib.util, sys
spec = importlib.util.spec_from_file_location("generated", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
calls = []
def fake_http(method, url, params=None, **kwargs):
    calls.append((url, params))
    if url.endswith("/token"):
        return {"access_token": "tok", "expires_in": 3600}
    if url.endswith("/messages"):
        return {"messages": [{"id": "m1", "threadId": "t1"}, {"id": "m2", "threadId": "t2"}]}
    return {"id": url.rsplit("/", 1)[-1], "snippet": "Hello from " + url.rsplit("/", 1)[-1]}
module._http = fake_http
records = module.step_1_gmail_list_messages([])
assert [r["snippet"] for r in records] == ["Hello from m1", "Hello from m2"], records
assert calls[-1][1] == {"format": "full"}, calls
print("ok")
"#;
    let Ok(dir) = tempfile::tempdir() else {
        panic!("tempdir");
    };
    let path = dir.path().join("lambda_function.py");
    assert!(std::fs::write(&path, &g.code).is_ok());
    let Ok(out) = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
    else {
        panic!("python3");
    };
    assert!(
        out.status.success(),
        "{}{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        g.code
    );
}
