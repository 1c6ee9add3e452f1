//! The gateway with `OPENSEARCH_URL` set: against a wiremock fake of the REST calls the adapter
//! makes (no OpenSearch server runs here), and against nothing at all (OpenSearch down).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use cue_gateway::config::OpenSearchSettings;
use cue_store::Backend;

use crate::helpers::{error_code, spawn_app_with};

/// A port nothing listens on.
fn dead_url() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://127.0.0.1:{}", l.local_addr().unwrap().port())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_answers_503_but_writes_succeed_when_opensearch_is_down() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        opensearch_down(backend).await;
    }
}

async fn opensearch_down(backend: Backend) {
    let url = dead_url();
    let Some(app) = spawn_app_with(backend, |s| {
        s.opensearch = Some(OpenSearchSettings {
            url,
            timeout: Duration::from_secs(1),
            ..OpenSearchSettings::default()
        });
    })
    .await
    else {
        return;
    };
    let token = app.api_login("google", "google-code-ada").await;

    let res = app
        .post_as(
            &token,
            "/workflows",
            &json!({"name": "Still saved", "code": "x = 1\n"}),
        )
        .await;
    assert_eq!(
        res.status(),
        201,
        "a write succeeds although the index is down"
    );
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app
        .put_as(
            &token,
            &format!("/workflows/{id}"),
            &json!({"name": "Renamed"}),
        )
        .await;
    assert_eq!(res.status(), 200);

    let res = app.get_as(&token, "/workflows?q=saved").await;
    assert_eq!(res.headers()["retry-after"], "1");
    assert_eq!(error_code(res, 503).await, "search_unavailable");
    let res = app
        .api
        .get(app.url("/templates?q=slack"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res, 503).await, "search_unavailable");

    // What does not need the index still works.
    let list: Value = app.get_as(&token, "/workflows").await.json().await.unwrap();
    assert_eq!(list["total"], 1);
    let res = app
        .api
        .get(app.url("/templates/weather-to-telegram"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = app
        .post_as(&token, "/templates/weather-to-telegram/use", &json!({}))
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .api
        .delete(app.url(&format!("/workflows/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

/// A fake cluster: remembers the documents written to it and answers searches with the
/// documents of the queried scope whose title contains the first query word.
async fn fake_opensearch() -> (MockServer, Arc<Mutex<Vec<Value>>>) {
    let server = MockServer::start().await;
    let docs: Arc<Mutex<Vec<Value>>> = Arc::default();
    Mock::given(method("HEAD"))
        .and(path("/cue-test-search"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/cue-test-search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"acknowledged": true})))
        .mount(&server)
        .await;
    let bulk_docs = docs.clone();
    Mock::given(method("POST"))
        .and(path("/cue-test-search/_bulk"))
        .respond_with(move |req: &Request| {
            let lines: Vec<Value> = std::str::from_utf8(&req.body)
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            let mut docs = bulk_docs.lock().unwrap();
            for pair in lines.chunks(2) {
                docs.push(pair[1].clone());
            }
            ResponseTemplate::new(200).set_body_json(json!({"errors": false, "items": []}))
        })
        .mount(&server)
        .await;
    let written = docs.clone();
    Mock::given(method("POST"))
        .and(path_regex(
            r"^/cue-test-search/_doc/owner-[0-9a-f-]+\.[0-9a-f-]+$",
        ))
        .respond_with(move |req: &Request| {
            written
                .lock()
                .unwrap()
                .push(serde_json::from_slice(&req.body).unwrap());
            ResponseTemplate::new(201).set_body_json(json!({"result": "created"}))
        })
        .mount(&server)
        .await;
    let searched = docs.clone();
    Mock::given(method("POST"))
        .and(path("/cue-test-search/_search"))
        .respond_with(move |req: &Request| {
            let body: Value = serde_json::from_slice(&req.body).unwrap();
            let q = &body["query"]["bool"];
            let scope = q["filter"][0]["term"]["scope"].as_str().unwrap().to_owned();
            let word = q["must"][0]["multi_match"]["query"]
                .as_str()
                .unwrap_or("")
                .split(' ')
                .next()
                .unwrap_or("")
                .to_owned();
            let hits: Vec<Value> = searched
                .lock()
                .unwrap()
                .iter()
                .filter(|d| d["scope"] == scope.as_str())
                .filter(|d| d["title"].as_str().unwrap().to_lowercase().contains(&word))
                .map(|d| json!({"_score": 1.0, "_source": {"doc_id": d["doc_id"]}}))
                .collect();
            ResponseTemplate::new(200).set_body_json(json!({
                "hits": {"total": {"value": hits.len()}, "hits": hits}
            }))
        })
        .mount(&server)
        .await;
    (server, docs)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_keeps_opensearch_in_step_and_searches_through_it() {
    let (server, docs) = fake_opensearch().await;
    let url = server.uri();
    let Some(app) = spawn_app_with(Backend::Sqlite, |s| {
        s.opensearch = Some(OpenSearchSettings {
            url,
            index_prefix: "cue-test".into(),
            ..OpenSearchSettings::default()
        });
    })
    .await
    else {
        return;
    };
    // Startup created the index and wrote the templates.
    let requests = server.received_requests().await.unwrap();
    assert!(
        requests
            .iter()
            .any(|r| r.method.as_str() == "PUT" && r.url.path() == "/cue-test-search")
    );
    let templates = docs
        .lock()
        .unwrap()
        .iter()
        .filter(|d| d["scope"] == "templates")
        .count();
    assert!(templates >= 40, "{templates}");

    let token = app.api_login("google", "google-code-ada").await;
    let res = app
        .post_as(
            &token,
            "/workflows",
            &json!({"name": "Quarterly numbers", "code": "x = 1\n"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        docs.lock()
            .unwrap()
            .iter()
            .any(|d| d["doc_id"] == id.as_str())
    );

    let found: Value = app
        .get_as(&token, "/workflows?q=quarterly")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["items"][0]["id"], id.as_str(), "{found}");
    assert_eq!(found["items"][0]["name"], "Quarterly numbers");
    let bob = app.api_login("google", "google-code-bob").await;
    let theirs: Value = app
        .get_as(&bob, "/workflows?q=quarterly")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["total"], 0, "the owner filter reaches OpenSearch");
    let t: Value = app
        .api
        .get(app.url("/templates?q=weather"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(t["items"][0]["id"], "weather-to-telegram", "{t}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reindex_command_writes_every_stored_workflow() {
    let Some(app) = crate::helpers::spawn_app(Backend::Sqlite).await else {
        return;
    };
    let token = app.api_login("google", "google-code-ada").await;
    let mut ids = Vec::new();
    for name in ["First", "Second", "Third"] {
        let res = app
            .post_as(
                &token,
                "/workflows",
                &json!({"name": name, "code": "x = 1\n"}),
            )
            .await;
        ids.push(
            res.json::<Value>().await.unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let (server, docs) = fake_opensearch().await;
    let out = reindex(&[
        ("DATABASE_URL", app.db_url().to_owned()),
        ("OPENSEARCH_URL", server.uri()),
        ("OPENSEARCH_INDEX_PREFIX", "cue-test".to_owned()),
    ])
    .await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("3 workflow(s)"), "{stdout}");
    let written = docs.lock().unwrap().clone();
    for id in &ids {
        assert!(
            written.iter().any(|d| d["doc_id"] == id.as_str()),
            "{id} not reindexed"
        );
    }

    // Without OpenSearch there is nothing to repair: the command checks and says so.
    let out = reindex(&[("DATABASE_URL", app.db_url().to_owned())]).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("OPENSEARCH_URL is not set"), "{stdout}");

    // With OpenSearch unreachable the command fails and says why.
    let out = reindex(&[
        ("DATABASE_URL", app.db_url().to_owned()),
        ("OPENSEARCH_URL", dead_url()),
        ("OPENSEARCH_TIMEOUT_SECONDS", "1".to_owned()),
    ])
    .await;
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("search index"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `cue-gateway reindex` with these variables (and no others of ours).
async fn reindex(vars: &[(&str, String)]) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_cue-gateway"));
    cmd.arg("reindex").env("LOG_FORMAT", "pretty");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_ca_certificate_stops_the_start_naming_its_variable() {
    let Some(db) = cue_store::testing::fresh_database(Backend::Sqlite).await else {
        return;
    };
    let mut settings = crate::helpers::test_settings(db.url(), "http://127.0.0.1:9");
    settings.opensearch = Some(OpenSearchSettings {
        url: "https://search.internal:9200".into(),
        ca_cert: Some("/nonexistent/ca.pem".into()),
        ..Default::default()
    });
    let err = match cue_gateway::startup::Application::build(settings).await {
        Ok(_) => panic!("started with an unreadable CA certificate"),
        Err(e) => format!("{e:#}"),
    };
    assert!(err.contains("OPENSEARCH_CA_CERT"), "{err}");
}
