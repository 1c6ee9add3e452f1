//! `GET /workflows?q=`: the caller's own workflows by name, description, tools and trigger,
//! ranked and paged, with the index kept in step with writes and rebuilt at startup.

use std::collections::BTreeSet;

use cue_gateway::config::Settings;
use cue_gateway::startup::Application;
use cue_workflows::repo::{NewWorkflow, OwnerId, WorkflowId, WorkflowStatus};
use serde_json::{Value, json};

use crate::backend_tests;
use crate::helpers::{TestApp, error_code, test_settings};

backend_tests!(
    search_finds_only_the_callers_workflows_best_first,
    search_follows_creates_updates_and_deletes,
    search_pages_with_cursors_and_listing_is_unchanged,
    writes_made_elsewhere_are_found_at_once,
);

async fn save(app: &TestApp, token: &str, name: &str, description: &str) -> String {
    let res = app
        .post_as(
            token,
            "/workflows",
            &json!({"name": name, "description": description, "code": "x = 1\n"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let body: Value = res.json().await.unwrap();
    body["id"].as_str().unwrap().to_owned()
}

async fn search(app: &TestApp, token: &str, query: &str) -> Value {
    let res = app.get_as(token, &format!("/workflows?{query}")).await;
    assert_eq!(res.status(), 200, "{query}");
    res.json().await.unwrap()
}

fn ids(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn search_finds_only_the_callers_workflows_best_first(app: TestApp) {
    let ada = app.api_login("google", "google-code-ada").await;
    let bob = app.api_login("google", "google-code-bob").await;
    let title = save(&app, &ada, "Stripe refunds report", "Weekly summary").await;
    let described = save(
        &app,
        &ada,
        "Finance digest",
        "Lists Stripe refunds of the week",
    )
    .await;
    save(&app, &ada, "GitHub issues", "Open issues to Slack").await;
    let bobs = save(&app, &bob, "Stripe refunds report", "Bob's copy").await;

    let body = search(&app, &ada, "q=stripe%20refunds").await;
    assert_eq!(
        ids(&body),
        [title.clone(), described.clone()],
        "title match first: {body}"
    );
    assert_eq!(body["total"], 2);
    assert_eq!(body["items"][0]["name"], "Stripe refunds report");

    let body = search(&app, &bob, "q=stripe%20refunds").await;
    assert_eq!(ids(&body), [bobs]);
    // Generated workflows are found by their tools and trigger too.
    let res = app
        .post_as(
            &bob,
            "/workflows/generate",
            &json!({"prompt": "When a Typeform response is submitted, create a record in Airtable"}),
        )
        .await;
    let generated: Value = res.json().await.unwrap();
    let body = search(&app, &bob, "q=airtable").await;
    assert_eq!(ids(&body), [generated["workflow_id"].as_str().unwrap()]);
    assert_eq!(search(&app, &ada, "q=airtable").await["total"], 0);

    // Nothing found is an empty page; anonymous callers get 401.
    assert_eq!(search(&app, &ada, "q=kubernetes").await["total"], 0);
    let res = app
        .api
        .get(app.url("/workflows?q=stripe"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res, 401).await, "not_authenticated");
}

async fn search_follows_creates_updates_and_deletes(app: TestApp) {
    let ada = app.api_login("google", "google-code-ada").await;
    let id = save(&app, &ada, "Morning digest", "Calendar summary").await;
    assert_eq!(
        ids(&search(&app, &ada, "q=digest").await),
        std::slice::from_ref(&id)
    );

    let res = app
        .put_as(
            &ada,
            &format!("/workflows/{id}"),
            &json!({"name": "Evening report"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(search(&app, &ada, "q=digest").await["total"], 0);
    assert_eq!(
        ids(&search(&app, &ada, "q=evening").await),
        std::slice::from_ref(&id)
    );

    let res = app
        .api
        .delete(app.url(&format!("/workflows/{id}")))
        .bearer_auth(&ada)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(search(&app, &ada, "q=evening").await["total"], 0);
}

async fn search_pages_with_cursors_and_listing_is_unchanged(app: TestApp) {
    let ada = app.api_login("google", "google-code-ada").await;
    let mut made = BTreeSet::new();
    for i in 0..5 {
        made.insert(save(&app, &ada, &format!("Slack alert {i}"), "Posts to Slack").await);
    }
    save(&app, &ada, "Unrelated", "Nothing in common").await;

    let mut seen = Vec::new();
    let mut query = "q=slack&limit=2".to_owned();
    loop {
        let page = search(&app, &ada, &query).await;
        assert_eq!(page["total"], 5);
        assert_eq!(page["limit"], 2);
        seen.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(c) => query = format!("q=slack&limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    assert_eq!(seen.into_iter().collect::<BTreeSet<_>>(), made);

    // Without q: the newest-first listing with offsets, as before.
    let list = search(&app, &ada, "limit=4&offset=2").await;
    assert_eq!(
        (list["total"].as_i64(), list["offset"].as_i64()),
        (Some(6), Some(2))
    );
    assert_eq!(list["items"].as_array().unwrap().len(), 4);
    assert!(list.get("next_cursor").is_none());

    let res = app.get_as(&ada, "/workflows?q=slack&offset=2").await;
    assert_eq!(error_code(res, 400).await, "invalid_query");
    let res = app.get_as(&ada, "/workflows?q=slack&cursor=0000").await;
    assert_eq!(error_code(res, 400).await, "invalid_cursor");
    // Another user's cursor is not valid for this user.
    let first = search(&app, &ada, "q=slack&limit=2").await;
    let bob = app.api_login("google", "google-code-bob").await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let res = app
        .get_as(&bob, &format!("/workflows?q=slack&limit=2&cursor={cursor}"))
        .await;
    assert_eq!(error_code(res, 400).await, "invalid_cursor");
}

async fn writes_made_elsewhere_are_found_at_once(app: TestApp) {
    let ada = app.api_login("google", "google-code-ada").await;
    let me: Value = app.get_as(&ada, "/users/me").await.json().await.unwrap();
    let owner = OwnerId(me["id"].as_str().unwrap().parse().unwrap());
    // Written behind the app's back (another instance, an import): found at once, since the
    // embedded search reads a user's workflows from the database when it searches.
    let id = WorkflowId::new();
    app.store
        .workflows()
        .create(NewWorkflow {
            id,
            owner,
            name: "Imported pipeline".into(),
            description: "Moved over from the old system".into(),
            prompt: String::new(),
            code: String::new(),
            graph: json!({"nodes": [], "edges": []}),
            plan: Value::Null,
            status: WorkflowStatus::Draft,
        })
        .await
        .unwrap();
    let found = search(&app, &ada, "q=imported").await;
    assert_eq!(found["total"], 1);
    assert_eq!(ids(&found), [id.to_string()]);

    // So does another instance on the same database.
    let mut settings: Settings = test_settings(app.db_url(), &app.idp.uri());
    settings.artifacts.dir = app.artifacts_dir.clone();
    let second = Application::build(settings).await.unwrap();
    let address = format!("http://127.0.0.1:{}", second.port());
    tokio::spawn(second.run_until_stopped());
    let res = app
        .api
        .get(format!("{address}/workflows?q=imported"))
        .bearer_auth(&ada)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(ids(&body), [id.to_string()]);
}
