//! Nothing lost: every workflow the API answered 2xx for is in the database, under
//! concurrent load, through a SIGTERM in the middle of it, and after a restart.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cue_store::Backend;
use cue_store::testing::fresh_database;
use cue_workflows::repo::{OwnerId, WorkflowId};
use serde_json::{Value, json};
use tokio::sync::Mutex;
use uuid::Uuid;
use wiremock::MockServer;

use crate::helpers::{TestApp, mount_providers, test_environment};
use crate::process::ServerProcess;

const REQUESTS: usize = 200;
const CLIENTS: usize = 32;
/// SIGTERM goes out once this many generations were answered.
const TERMINATE_AFTER: usize = 100;
const GRACE: Duration = Duration::from_secs(10);

const PROMPT: &str = "Every weekday at 9am, post yesterday's Stripe payouts to #finance in Slack";

/// A gateway process on `db_url` and a client of it (with its own stand-in IdP).
async fn start(db_url: &str, dir: &std::path::Path) -> (ServerProcess, TestApp) {
    let idp = MockServer::start().await;
    mount_providers(&idp).await;
    let artifacts = tempfile::tempdir().unwrap();
    let mut vars: BTreeMap<String, String> = test_environment(db_url, &idp.uri());
    vars.insert(
        "ARTIFACT_DIR".into(),
        artifacts.path().display().to_string(),
    );
    vars.insert("SHUTDOWN_GRACE_SECONDS".into(), GRACE.as_secs().to_string());
    // One user generating 200 times in seconds is what the quota exists to stop; this test
    // is about what happens to the answered ones.
    vars.insert("RATE_LIMIT_ENABLED".into(), "false".into());
    let server = ServerProcess::start(&vars, dir);
    let app = TestApp::new(server.address(), db_url, idp, artifacts).await;
    (server, app)
}

#[derive(Default)]
struct Outcomes {
    /// Workflow ids answered 2xx.
    saved: Vec<String>,
    /// Other statuses (a 503 while shutting down is allowed, never a 500).
    statuses: Vec<u16>,
    /// Requests that got no answer: refused (sent after the listener closed)...
    refused: usize,
    /// ...or otherwise (a keep-alive connection closed just as the request went out).
    unanswered: usize,
}

/// `REQUESTS` authenticated generations over `CLIENTS` concurrent clients, each with its own
/// connection; SIGTERM after `TERMINATE_AFTER` answers. Clients stop at their first
/// unanswered request (the server is going away).
async fn generate_under_load_and_terminate(
    server: &ServerProcess,
    address: &str,
    token: &str,
) -> Outcomes {
    let issued = Arc::new(AtomicUsize::new(0));
    let answered = Arc::new(AtomicUsize::new(0));
    let outcomes = Arc::new(Mutex::new(Outcomes::default()));
    let (terminate_tx, mut terminate_rx) = tokio::sync::mpsc::channel::<()>(1);
    let mut clients = tokio::task::JoinSet::new();
    for _ in 0..CLIENTS {
        let (issued, answered, outcomes, terminate) = (
            issued.clone(),
            answered.clone(),
            outcomes.clone(),
            terminate_tx.clone(),
        );
        let (url, token) = (format!("{address}/workflows/generate"), token.to_owned());
        clients.spawn(async move {
            let client = reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap();
            while issued.fetch_add(1, Ordering::SeqCst) < REQUESTS {
                let res = client
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&json!({ "prompt": PROMPT }))
                    .send()
                    .await;
                let body = match res {
                    Ok(res) => {
                        let status = res.status().as_u16();
                        res.json::<Value>().await.map(|b| (status, b))
                    }
                    Err(e) => Err(e),
                };
                let mut out = outcomes.lock().await;
                match body {
                    Ok((status, body)) if (200..300).contains(&status) => {
                        let id = body["workflow_id"].as_str().unwrap_or_default().to_owned();
                        assert_eq!(body["saved"], true, "{body}");
                        out.saved.push(id);
                    }
                    Ok((status, _)) => out.statuses.push(status),
                    Err(e) => {
                        if e.is_connect() {
                            out.refused += 1;
                        } else {
                            out.unanswered += 1;
                        }
                        return;
                    }
                }
                drop(out);
                if answered.fetch_add(1, Ordering::SeqCst) + 1 == TERMINATE_AFTER {
                    let _ = terminate.try_send(());
                }
            }
        });
    }
    drop(terminate_tx);
    if terminate_rx.recv().await.is_some() {
        server.terminate();
    }
    while let Some(joined) = clients.join_next().await {
        joined.unwrap();
    }
    Arc::try_unwrap(outcomes).ok().unwrap().into_inner()
}

async fn answered_workflows_survive_load_sigterm_and_restart(db_url: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (mut server, app) = start(db_url, dir.path()).await;
    let token = app.api_login("google", "google-code-ada").await;
    let me: Value = app.get_as(&token, "/users/me").await.json().await.unwrap();
    let owner = OwnerId(Uuid::parse_str(me["id"].as_str().unwrap()).unwrap());

    let out = generate_under_load_and_terminate(&server, &app.address, &token).await;
    let exit = server
        .wait_exit(GRACE)
        .await
        .expect("exits within the grace period");
    assert!(exit.success(), "{exit}");
    assert!(
        out.saved.len() >= TERMINATE_AFTER,
        "answered before SIGTERM: {}",
        out.saved.len()
    );
    assert!(
        out.statuses.iter().all(|s| *s == 503),
        "only 503 is acceptable while stopping: {:?}",
        out.statuses
    );
    println!(
        "{REQUESTS} generations over {CLIENTS} clients, SIGTERM after {TERMINATE_AFTER}: {} \
         answered 2xx, {} other statuses, {} refused, {} otherwise unanswered",
        out.saved.len(),
        out.statuses.len(),
        out.refused,
        out.unanswered
    );

    // In the database, with the process gone...
    let workflows = app.store.workflows();
    for id in &out.saved {
        let id = WorkflowId(Uuid::parse_str(id).unwrap());
        let found = workflows.get(owner, id).await.unwrap();
        assert!(
            found.is_some(),
            "workflow {id:?} was answered 2xx but is not stored"
        );
    }

    // ...and served by the next process on the same database.
    let (_server, again) = start(db_url, dir.path()).await;
    for id in &out.saved {
        let res = again.get_as(&token, &format!("/workflows/{id}")).await;
        assert_eq!(res.status(), 200, "workflow {id} after the restart");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answered_workflows_survive_load_sigterm_and_restart_on_sqlite() {
    let db = fresh_database(Backend::Sqlite).await.unwrap();
    answered_workflows_survive_load_sigterm_and_restart(db.url()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answered_workflows_survive_load_sigterm_and_restart_on_postgres() {
    let Some(db) = fresh_database(Backend::Postgres).await else {
        return;
    };
    answered_workflows_survive_load_sigterm_and_restart(db.url()).await;
}
