//! `DRY_RUN_BACKEND=lambda` through the real binary: dry runs invoke a local fake of Lambda's
//! Invoke API, signed with the environment's credentials, and each of its answers becomes the
//! documented one (200 with the verdict, 429 `too_many_dry_runs`, 502 `sandbox_failed`). The
//! sandbox function itself is tested in cue-sandbox (`tests/lambda*.rs`).

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::helpers::{SECRET_KEY, mount_providers, test_environment};
use crate::process::ServerProcess;

const INVOKE_PATH: &str = "/2015-03-31/functions/cue-dry-run/invocations";

/// What the function answers for the GitHub → Slack workflow (what the harness records).
fn outcome() -> Value {
    json!({
        "result": {"status": "ok", "summary": {"step_1": 1, "step_2": 1}},
        "calls": [
            {"step": "step_1", "method": "GET", "url": "https://api.github.com/repos/acme/web/pulls?per_page=100&state=open", "request": null, "status": 200},
            {"step": "step_2", "method": "POST", "url": "https://slack.com/api/chat.postMessage", "request": {"channel": "#dev", "text": "Amazing new feature"}, "status": 200},
        ],
        "logs": ["INFO posted with xoxb-lambda-api-secret"],
        "error": null,
        "duration_ms": 93,
    })
}

async fn answer(lambda: &MockServer, template: ResponseTemplate) {
    lambda.reset().await;
    Mock::given(method("POST"))
        .and(path(INVOKE_PATH))
        .respond_with(template)
        .mount(lambda)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_runs_invoke_the_sandbox_function_and_map_its_answers() {
    let dir = tempfile::tempdir().unwrap();
    let db_url = format!("sqlite://{}", dir.path().join("cue.db").display());
    let idp = MockServer::start().await;
    mount_providers(&idp).await;
    let lambda = MockServer::start().await;
    let mut vars: BTreeMap<String, String> = test_environment(&db_url, &idp.uri());
    for (k, v) in [
        (
            "ARTIFACT_DIR",
            dir.path().join("artifacts").display().to_string(),
        ),
        ("DRY_RUN_BACKEND", "lambda".into()),
        ("DRY_RUN_LAMBDA_FUNCTION", "cue-dry-run".into()),
        ("DRY_RUN_LAMBDA_ENDPOINT_URL", lambda.uri()),
        ("DRY_RUN_TIMEOUT_SECONDS", "2".into()),
        ("AWS_REGION", "eu-west-1".into()),
        ("AWS_ACCESS_KEY_ID", "AKIDGATEWAYTEST".into()),
        ("AWS_SECRET_ACCESS_KEY", "gateway-test-secret".into()),
    ] {
        vars.insert(k.into(), v);
    }
    let server = ServerProcess::start(&vars, dir.path());
    let token = {
        let out = Command::new(env!("CARGO_BIN_EXE_cue-gateway"))
            .args(["token", "--email", "lambda@example.com"])
            .env_clear()
            .envs([
                ("DATABASE_URL", db_url.as_str()),
                ("SECRET_KEY", SECRET_KEY),
            ])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    let client = reqwest::Client::new();
    let api = server.address();
    let generated: Value = client
        .post(format!("{api}/workflows/generate"))
        .bearer_auth(&token)
        .json(&json!({"prompt": "every monday at 9am post the open github issues of acme/web to #dev on slack"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = generated["workflow_id"].as_str().unwrap().to_owned();
    let dry_run = || {
        client
            .post(format!("{api}/workflows/{id}/dry-run"))
            .bearer_auth(&token)
            .json(&json!({"credentials": {"SLACK_BOT_TOKEN": "xoxb-lambda-api-secret"}}))
            .send()
    };

    answer(&lambda, ResponseTemplate::new(200).set_body_json(outcome())).await;
    let res = dry_run().await.unwrap();
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    assert!(!text.contains("xoxb-lambda-api-secret"), "{text}");
    let run: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(run["ok"], true, "{run}");
    assert_eq!(run["calls"][1]["tool"], "slack", "{run}");
    assert_eq!(run["logs"][0], "INFO posted with ****", "{run}");
    assert_eq!(run["duration_ms"], 93);
    let requests = lambda.received_requests().await.unwrap();
    let auth = requests[0]
        .headers
        .get("authorization")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDGATEWAYTEST/")
            && auth.contains("/eu-west-1/lambda/aws4_request"),
        "{auth}"
    );
    let job: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(job["env"]["SLACK_BOT_TOKEN"], "xoxb-lambda-api-secret");
    assert_eq!(job["limits"]["timeout_seconds"], 2);
    assert!(job["code"].as_str().unwrap().contains("def lambda_handler"));

    answer(
        &lambda,
        ResponseTemplate::new(429)
            .insert_header("x-amzn-ErrorType", "TooManyRequestsException")
            .set_body_json(json!({"Type": "User", "message": "Rate Exceeded.", "Reason": "ReservedFunctionConcurrentInvocationLimitExceeded"})),
    )
    .await;
    let res = dry_run().await.unwrap();
    assert_eq!(res.status(), 429);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "too_many_dry_runs", "{body}");

    answer(
        &lambda,
        ResponseTemplate::new(200)
            .insert_header("X-Amz-Function-Error", "Unhandled")
            .set_body_json(json!({"errorType": "Runtime.ExitError", "errorMessage": "exited holding xoxb-lambda-api-secret"})),
    )
    .await;
    let res = dry_run().await.unwrap();
    assert_eq!(res.status(), 502);
    let text = res.text().await.unwrap();
    assert!(!text.contains("xoxb-lambda-api-secret"), "{text}");
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["code"], "sandbox_failed", "{body}");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("Runtime.ExitError"),
        "{body}"
    );
    assert!(
        !server
            .logs()
            .iter()
            .any(|l| l.contains("xoxb-lambda-api-secret")),
        "a credential reached the logs"
    );

    // the CLI's dry run takes the same backend
    answer(&lambda, ResponseTemplate::new(200).set_body_json(outcome())).await;
    let cli = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_cue-gateway"))
            .args(args)
            .env_clear()
            .envs(
                vars.iter()
                    .filter(|(k, _)| k.starts_with("DRY_RUN_") || k.starts_with("AWS_")),
            )
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let out = cli(&[
        "generate",
        "every monday at 9am post the open github issues of acme/web to #dev on slack",
        "--out",
        "bundle",
    ]);
    assert!(out.status.success(), "{out:?}");
    let out = cli(&["dry-run", "bundle"]);
    assert!(out.status.success(), "{out:?}");
    let run: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(run["ok"], true, "{run}");
    assert_eq!(lambda.received_requests().await.unwrap().len(), 1);
}
