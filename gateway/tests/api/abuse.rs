//! What one client may store and how: graphs clients can read back, no literal credentials,
//! per-user quotas, paged version history, sessions that end where the user means them to.

use serde_json::{Value, json};

use crate::backend_tests;
use crate::helpers::{TestApp, error_code, spawn_app_with};

backend_tests!(
    stored_graphs_must_be_what_clients_read_back,
    literal_credentials_are_refused_before_storing,
    quotas_bound_what_one_user_stores_and_say_which_limit,
    versions_are_pruned_and_paged,
    logout_everywhere_ends_every_session_of_the_user,
    the_healthcheck_command_asks_the_configured_port,
);

async fn stored_graphs_must_be_what_clients_read_back(app: TestApp) {
    let ada = app.api_login("google", "google-code-ada").await;
    // What schemathesis stored before: the API then answered against its own schema.
    for node_data in [
        json!({"nodes": ["x", 3], "edges": []}),
        json!({"nodes": [], "edges": [false]}),
        json!({"nodes": [{"id": "a"}, {"id": "a"}], "edges": []}),
        json!({"nodes": [{"id": "a"}], "edges": [{"id": "e", "source": "a", "target": "ghost"}]}),
        json!({"nodes": [{"id": "a", "position": {"x": "left", "y": 0}}], "edges": []}),
    ] {
        let body = json!({"name": "n", "nodeData": node_data});
        let res = app.post_as(&ada, "/workflows", &body).await;
        assert_eq!(error_code(res, 422).await, "invalid_graph", "{node_data}");
    }
    let good = json!({"nodes": [{"id": "a", "type": "custom", "position": {"x": 0, "y": 0},
                                 "data": {"name": "Stripe", "serviceType": "stripe"}},
                                {"id": "b", "name": "Slack"}],
                      "edges": [{"id": "e", "source": "a", "target": "b"}]});
    let res = app
        .post_as(&ada, "/workflows", &json!({"name": "n", "nodeData": good}))
        .await;
    assert_eq!(res.status(), 201);
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/workflows/{id}");
    let bad = json!({"nodeData": {"nodes": [1], "edges": []}});
    assert_eq!(
        error_code(app.put_as(&ada, &path, &bad).await, 422).await,
        "invalid_graph"
    );
    let stored: Value = app.get_as(&ada, &path).await.json().await.unwrap();
    assert_eq!(stored["nodes"], good["nodes"]);
    assert_eq!(stored["edges"], good["edges"]);
}

async fn literal_credentials_are_refused_before_storing(app: TestApp) {
    let ada = app.api_login("google", "google-code-ada").await;
    let leaked =
        "import os\nKEY = os.environ.get(\"AWS_ACCESS_KEY_ID\", \"AKIAQ3EGUKXM7WZJ4PLD\")\n";
    let res = app
        .post_as(
            &ada,
            "/workflows",
            &json!({"name": "n", "generatedCode": leaked}),
        )
        .await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "secret_in_code");
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains("/credentials"), "{detail}");
    assert!(
        !detail.contains("AKIA"),
        "the value is never echoed: {detail}"
    );

    let placeholder =
        "import os\nKEY = os.environ.get(\"AWS_ACCESS_KEY_ID\", \"{{AWS_ACCESS_KEY_ID}}\")\n";
    let res = app
        .post_as(
            &ada,
            "/workflows",
            &json!({"name": "n", "code": placeholder}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app
        .put_as(&ada, &format!("/workflows/{id}"), &json!({"code": leaked}))
        .await;
    assert_eq!(error_code(res, 422).await, "secret_in_code");
    let versions: Value = app
        .get_as(&ada, &format!("/workflows/{id}/versions"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(versions, json!([]), "nothing was versioned");
}

async fn workflow_id(res: reqwest::Response) -> String {
    assert_eq!(res.status(), 201);
    res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn quotas_bound_what_one_user_stores_and_say_which_limit(app: TestApp) {
    let backend = app.store.backend();
    drop(app);
    let app = spawn_app_with(backend, |s| {
        s.limits.max_workflows_per_user = 2;
        s.limits.max_stored_bytes_per_user = 6000;
    })
    .await
    .unwrap();
    let ada = app.api_login("google", "google-code-ada").await;
    let bob = app.api_login("google", "google-code-bob").await;
    let small = json!({"name": "n", "code": "x = 1\n"});
    let first = workflow_id(app.post_as(&ada, "/workflows", &small).await).await;
    workflow_id(app.post_as(&ada, "/workflows", &small).await).await;
    let res = app.post_as(&ada, "/workflows", &small).await;
    assert_eq!(res.status(), 403);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "quota_exceeded");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("MAX_WORKFLOWS_PER_USER"),
        "{body}"
    );
    // A generation saves to the history: refused the same way at the limit.
    let res = app
        .post_as(
            &ada,
            "/workflows/generate",
            &json!({"prompt": "every day at 9am send a Slack message to #general"}),
        )
        .await;
    assert_eq!(error_code(res, 403).await, "quota_exceeded");
    // Bytes: a change that grows past the limit is refused and changes nothing.
    let path = format!("/workflows/{first}");
    let res = app
        .put_as(
            &ada,
            &path,
            &json!({"code": format!("x = '{}'\n", "a".repeat(7000))}),
        )
        .await;
    assert_eq!(res.status(), 403);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("MAX_STORED_BYTES_PER_USER"),
        "{body}"
    );
    let stored: Value = app.get_as(&ada, &path).await.json().await.unwrap();
    assert_eq!(
        (stored["version"].as_i64(), stored["code"].as_str()),
        (Some(1), Some("x = 1\n"))
    );
    // Deleting frees a place; another user has their own quota.
    let res = app
        .api
        .delete(app.url(&path))
        .bearer_auth(&ada)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    workflow_id(app.post_as(&ada, "/workflows", &small).await).await;
    workflow_id(app.post_as(&bob, "/workflows", &small).await).await;
}

async fn versions_are_pruned_and_paged(app: TestApp) {
    let backend = app.store.backend();
    drop(app);
    let app = spawn_app_with(backend, |s| s.limits.max_versions_per_workflow = 4)
        .await
        .unwrap();
    let ada = app.api_login("google", "google-code-ada").await;
    let id = workflow_id(
        app.post_as(&ada, "/workflows", &json!({"name": "v", "code": "x = 1\n"}))
            .await,
    )
    .await;
    let path = format!("/workflows/{id}");
    for i in 2..=7 {
        let res = app
            .put_as(&ada, &path, &json!({"code": format!("x = {i}\n")}))
            .await;
        assert_eq!(res.status(), 200);
    }
    let versions = |query: &'static str| {
        let app = &app;
        let ada = &ada;
        let path = &path;
        async move {
            let res = app.get_as(ada, &format!("{path}/versions{query}")).await;
            assert_eq!(res.status(), 200, "{query}");
            res.json::<Value>()
                .await
                .unwrap()
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["version"].as_i64().unwrap())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(versions("").await, [6, 5, 4, 3], "the oldest were dropped");
    assert_eq!(versions("?limit=2").await, [6, 5]);
    assert_eq!(versions("?limit=2&before=5").await, [4, 3]);
    assert!(versions("?limit=2&before=3").await.is_empty());
    for bad in ["?limit=0", "?limit=51", "?limit=x", "?before=x"] {
        let res = app.get_as(&ada, &format!("{path}/versions{bad}")).await;
        assert_eq!(res.status(), 400, "{bad}");
    }
}

async fn logout_everywhere_ends_every_session_of_the_user(app: TestApp) {
    let laptop = app.api_login("google", "google-code-ada").await;
    let phone = app.api_login("google", "google-code-ada").await;
    let bob = app.api_login("google", "google-code-bob").await;
    app.browser_login("google", "google-code-ada").await;
    // A cookie-authenticated change from another site is refused (and ends nothing).
    let res = app
        .browser
        .post(app.url("/auth/logout/everywhere"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(app.get_as(&phone, "/users/me").await.status(), 200);

    let res = app
        .api
        .post(app.url("/auth/logout/everywhere"))
        .bearer_auth(&laptop)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({"message": "logged out everywhere"})
    );
    for token in [&laptop, &phone] {
        assert_eq!(app.get_as(token, "/users/me").await.status(), 401);
    }
    let res = app
        .browser
        .get(app.url("/auth/users/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401, "the browser's session ended too");
    assert_eq!(app.get_as(&bob, "/users/me").await.status(), 200);
    // A later login works (the cutoff is the start of the next second).
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let again = app.api_login("google", "google-code-ada").await;
    assert_eq!(app.get_as(&again, "/users/me").await.status(), 200);
}

async fn the_healthcheck_command_asks_the_configured_port(app: TestApp) {
    let run = |port: u16| {
        std::process::Command::new(env!("CARGO_BIN_EXE_cue-gateway"))
            .arg("healthcheck")
            .env_clear()
            .env("HOST", "0.0.0.0")
            .env("PORT", port.to_string())
            // Neither read nor needed: a probe must not fail on unrelated settings.
            .env("DATABASE_URL", "mysql://not-read")
            .current_dir(std::env::temp_dir())
            .output()
            .unwrap()
    };
    let port: u16 = app.address.rsplit(':').next().unwrap().parse().unwrap();
    let ok = run(port);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let down = run(closed);
    assert!(!down.status.success());
    assert!(String::from_utf8_lossy(&down.stderr).contains("not ready"));
}
