//! `POST /workflows/{id}/dry-run`: the answer's shape, owner-only access, bad bodies, hostile
//! edited code, and the answer without bubblewrap. SQLite only: the route reads one record.

use std::time::Duration;

use cue_store::Backend;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code, spawn_app_with};

/// An interpreter the sandbox can bind read-only (a version manager's, under a private home,
/// it cannot).
fn python() -> String {
    if std::path::Path::new("/usr/bin/python3").is_file() {
        "/usr/bin/python3".into()
    } else {
        "python3".into()
    }
}

async fn app(bwrap: &str) -> TestApp {
    let bwrap = bwrap.to_owned();
    spawn_app_with(Backend::Sqlite, move |s| {
        s.dry_run.python = python();
        s.dry_run.bwrap = bwrap;
        s.dry_run.timeout = Duration::from_secs(3);
    })
    .await
    .expect("SQLite is always there")
}

async fn generated(app: &TestApp, token: &str) -> String {
    let res = app
        .post_as(
            token,
            "/workflows/generate",
            &json!({"prompt": "every monday at 9am post the open github issues of acme/web to #dev on slack"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    body["workflow_id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generated_workflow_dry_runs_with_the_issues_shape() {
    let app = app("bwrap").await;
    let token = app.api_login("google", "google-code-ada").await;
    let id = generated(&app, &token).await;
    let res = app
        .api
        .post(app.url(&format!("/workflows/{id}/dry-run")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "calls",
            "duration_ms",
            "error",
            "logs",
            "ok",
            "result",
            "warnings"
        ],
        "{body}"
    );
    assert_eq!(body["ok"], true, "{body:#}");
    assert_eq!(body["error"], Value::Null);
    let call = &body["calls"][1];
    let keys: Vec<&str> = call
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "action", "headers", "method", "request", "status", "step", "tool", "url"
        ]
    );
    assert!(
        call["headers"]["content-type"]
            .as_str()
            .is_some_and(|ct| ct.starts_with("application/json")),
        "{call}"
    );
    assert_eq!(call["step"], "step_2");
    assert_eq!(call["tool"], "slack");
    assert_eq!(call["action"], "post_message");
    assert_eq!(call["url"], "https://slack.com/api/chat.postMessage");

    // credentials given are used, and masked in the answer
    let res = app
        .post_as(
            &token,
            &format!("/workflows/{id}/dry-run"),
            &json!({"credentials": {"SLACK_BOT_TOKEN": "xoxb-1234-secret"}}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    assert!(!text.contains("xoxb-1234-secret"));
    // the header that carried it is kept, masked
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        body["calls"][1]["headers"]["authorization"], "Bearer ****",
        "{body:#}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_runs_are_owner_only_and_bodies_are_checked() {
    let app = app("bwrap").await;
    let ada = app.api_login("google", "google-code-ada").await;
    let bob = app.api_login("google", "google-code-bob").await;
    let id = generated(&app, &ada).await;
    let path = format!("/workflows/{id}/dry-run");
    assert_eq!(
        error_code(app.post_as(&bob, &path, &json!({})).await, 404).await,
        "not_found"
    );
    let res = app
        .post_as(&ada, "/workflows/not-a-uuid/dry-run", &json!({}))
        .await;
    assert_eq!(error_code(res, 404).await, "not_found");
    let res = app.api.post(app.url(&path)).send().await.unwrap();
    assert_eq!(res.status(), 401);
    for (body, code) in [
        (
            json!({"credentials": {"PATH": "/bin"}}),
            "unknown_credentials",
        ),
        (
            json!({"credentials": {"SLACK_BOT_TOKEN": 5}}),
            "invalid_dry_run",
        ),
        (json!({"surprise": true}), "invalid_dry_run"),
    ] {
        assert_eq!(
            error_code(app.post_as(&ada, &path, &body).await, 400).await,
            code
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_edited_code_fails_safely_and_the_server_stays_up() {
    let app = app("bwrap").await;
    let token = app.api_login("google", "google-code-ada").await;
    let id = generated(&app, &token).await;
    let hostile =
        "import os\n\ndef lambda_handler(event, context):\n    while True:\n        pass\n";
    let res = app
        .put_as(
            &token,
            &format!("/workflows/{id}"),
            &json!({"generatedCode": hostile}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .post_as(&token, &format!("/workflows/{id}/dry-run"), &json!({}))
        .await;
    match res.status().as_u16() {
        200 => {
            let body: Value = res.json().await.unwrap();
            assert_eq!(body["ok"], false);
            let kind = body["error"]["type"].as_str().unwrap();
            assert!(matches!(kind, "Timeout" | "CpuLimit"), "{body}");
        }
        503 => {
            assert_eq!(error_code(res, 503).await, "sandbox_unavailable");
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "bubblewrap is required in CI"
            );
            eprintln!("skipped: bubblewrap is not usable here");
        }
        other => panic!("unexpected status {other}"),
    }
    let res = app.api.get(app.url("/health")).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_bubblewrap_only_generated_code_runs() {
    let app = app("").await;
    let token = app.api_login("google", "google-code-ada").await;
    let id = generated(&app, &token).await;
    let path = format!("/workflows/{id}/dry-run");
    let res = app.post_as(&token, &path, &json!({})).await;
    assert_eq!(res.status(), 200);
    let edited = "def lambda_handler(event, context):\n    return open('/etc/passwd').read()\n";
    let res = app
        .put_as(
            &token,
            &format!("/workflows/{id}"),
            &json!({"generatedCode": edited}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app.post_as(&token, &path, &json!({})).await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "sandbox_unavailable", "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("bubblewrap"),
        "{body}"
    );
}
