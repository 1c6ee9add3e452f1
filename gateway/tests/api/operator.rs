//! `cue-gateway token`: the operator tool that issues a token without an identity provider.
//! These run the real binary against the test app's database.

use std::process::{Command, Output};

use serde_json::Value;

use crate::backend_tests;
use crate::helpers::{SECRET_KEY, TestApp};

backend_tests!(
    token_command_prints_a_token_the_server_accepts_for_one_user,
    token_command_refuses_a_random_key_and_a_malformed_email,
);

/// Runs `cue-gateway token` with only the given environment (no `.env` file is in reach).
fn run_token(env: &[(&str, &str)], args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_cue-gateway"))
        .arg("token")
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .current_dir(dir.path())
        .output()
        .unwrap()
}

fn token_of(output: &Output) -> String {
    assert!(
        output.status.success(),
        "token failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout.clone()).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "stdout holds only the token: {stdout:?}");
    lines[0].to_owned()
}

async fn token_command_prints_a_token_the_server_accepts_for_one_user(app: TestApp) {
    let env = [("DATABASE_URL", app.db_url()), ("SECRET_KEY", SECRET_KEY)];
    let first = run_token(
        &env,
        &["--email", "bench@example.com", "--name", "Load Test"],
    );
    assert!(String::from_utf8_lossy(&first.stderr).contains("created user"));
    let token = token_of(&first);
    let res = app.get_as(&token, "/users/me").await;
    assert_eq!(res.status(), 200);
    let me: Value = res.json().await.unwrap();
    assert_eq!(me["email"], "bench@example.com");
    assert_eq!(me["name"], "Load Test");

    let second = run_token(&env, &["--email", "Bench@Example.com"]);
    assert!(String::from_utf8_lossy(&second.stderr).contains("found user"));
    let again: Value = app
        .get_as(&token_of(&second), "/users/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["id"], me["id"], "the same user, not a second one");
}

async fn token_command_refuses_a_random_key_and_a_malformed_email(app: TestApp) {
    let no_key = run_token(
        &[("DATABASE_URL", app.db_url())],
        &["--email", "bench@example.com"],
    );
    assert!(!no_key.status.success());
    assert!(no_key.stdout.is_empty());
    assert!(String::from_utf8_lossy(&no_key.stderr).contains("SECRET_KEY"));

    let bad_email = run_token(
        &[("DATABASE_URL", app.db_url()), ("SECRET_KEY", SECRET_KEY)],
        &["--email", "not an email"],
    );
    assert!(!bad_email.status.success());
    assert!(bad_email.stdout.is_empty());
    assert!(String::from_utf8_lossy(&bad_email.stderr).contains("email"));
}
