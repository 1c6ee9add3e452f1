//! The template library: listing, search, paging, detail, and starting a workflow from one.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::backend_tests;
use crate::helpers::{TestApp, error_code};

backend_tests!(
    templates_are_listed_in_pages_that_cover_the_library,
    template_search_ranks_by_relevance_and_filters_by_tag,
    bad_template_queries_are_rejected_with_json_errors,
    a_template_shows_its_plan_and_graph,
    using_a_template_creates_the_callers_workflow,
);

async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    app.api.get(app.url(path)).send().await.unwrap()
}

async fn get_json(app: &TestApp, path: &str) -> Value {
    let res = get(app, path).await;
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.unwrap()
}

fn ids(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn templates_are_listed_in_pages_that_cover_the_library(app: TestApp) {
    let first = get_json(&app, "/templates?limit=15").await;
    let total = first["total"].as_u64().unwrap();
    assert!(total >= 40, "{total}");
    assert_eq!(first["limit"], 15);
    let item = &first["items"][0];
    for field in ["id", "title", "description", "trigger"] {
        assert!(item[field].is_string(), "{field}: {item}");
    }
    assert!(!item["tools"].as_array().unwrap().is_empty());
    assert!(!item["tags"].as_array().unwrap().is_empty());

    let mut seen = ids(&first);
    let mut cursor = first["next_cursor"].as_str().map(str::to_owned);
    while let Some(c) = cursor {
        let page = get_json(&app, &format!("/templates?limit=15&cursor={c}")).await;
        assert_eq!(page["total"], total);
        seen.extend(ids(&page));
        cursor = page["next_cursor"].as_str().map(str::to_owned);
    }
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(seen.len() as u64, total);
    assert_eq!(unique.len() as u64, total, "no template on two pages");
}

async fn template_search_ranks_by_relevance_and_filters_by_tag(app: TestApp) {
    let body = get_json(&app, "/templates?q=stripe%20payments").await;
    let found = ids(&body);
    assert!(!found.is_empty());
    // Every hit mentions Stripe or payments somewhere; the best one in its title.
    let top = &body["items"][0];
    assert!(
        top["title"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("stripe"),
        "{top}"
    );
    for item in body["items"].as_array().unwrap() {
        let text = item.to_string().to_lowercase();
        assert!(
            text.contains("stripe") || text.contains("payment"),
            "{item}"
        );
    }

    let body = get_json(&app, "/templates?q=slack&tag=finance").await;
    assert!(body["total"].as_u64().unwrap() >= 1);
    for item in body["items"].as_array().unwrap() {
        assert!(item["tags"].as_array().unwrap().contains(&json!("finance")));
        assert!(item.to_string().to_lowercase().contains("slack"), "{item}");
    }

    let body = get_json(&app, "/templates?q=zzqxv%20nothing-matches-this").await;
    assert_eq!(
        (
            body["total"].as_u64(),
            body["items"].as_array().unwrap().len()
        ),
        (Some(0), 0)
    );
    assert!(body.get("next_cursor").is_none());

    // Unicode and very long queries are answered, not rejected.
    let body = get_json(&app, "/templates?q=%C3%BCberweisung%20%E8%AB%8B%E6%B1%82").await;
    assert_eq!(body["total"], 0);
    let long = "slack%20".repeat(600);
    let body = get_json(&app, &format!("/templates?q={long}")).await;
    assert!(body["total"].as_u64().unwrap() > 0);
}

async fn bad_template_queries_are_rejected_with_json_errors(app: TestApp) {
    for (path, code) in [
        ("/templates?limit=0", "invalid_query"),
        ("/templates?limit=101", "invalid_query"),
        ("/templates?limit=ten", "invalid_query"),
        ("/templates?cursor=not-a-cursor", "invalid_cursor"),
    ] {
        assert_eq!(error_code(get(&app, path).await, 400).await, code, "{path}");
    }
    // A cursor of one query does not page another.
    let first = get_json(&app, "/templates?q=slack&limit=2").await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let res = get(
        &app,
        &format!("/templates?q=github&limit=2&cursor={cursor}"),
    )
    .await;
    assert_eq!(error_code(res, 400).await, "invalid_cursor");
}

async fn a_template_shows_its_plan_and_graph(app: TestApp) {
    let list = get_json(&app, "/templates?q=github%20slack").await;
    let id = list["items"][0]["id"].as_str().unwrap().to_owned();
    let t = get_json(&app, &format!("/templates/{id}")).await;
    assert_eq!(t["id"], id.as_str());
    assert!(t["plan"]["trigger"]["kind"].is_string());
    assert!(!t["plan"]["steps"].as_array().unwrap().is_empty());
    let nodes = t["nodes"].as_array().unwrap();
    assert!(nodes.len() >= 2, "{t}");
    assert!(!t["edges"].as_array().unwrap().is_empty());

    let res = get(&app, "/templates/no-such-template").await;
    assert_eq!(error_code(res, 404).await, "not_found");
    let res = app
        .api
        .delete(app.url(&format!("/templates/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res, 405).await, "method_not_allowed");
}

async fn using_a_template_creates_the_callers_workflow(app: TestApp) {
    let list = get_json(&app, "/templates?q=weather%20telegram").await;
    let id = list["items"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/templates/{id}/use");

    // Anonymous callers cannot: the workflow is created for someone.
    let res = app.api.post(app.url(&path)).send().await.unwrap();
    assert_eq!(error_code(res, 401).await, "not_authenticated");

    let token = app.api_login("google", "google-code-ada").await;
    let res = app.post_as(&token, &path, &json!({})).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    // The shape of POST /workflows/generate.
    let wf = body["workflow_id"].as_str().unwrap().to_owned();
    assert_eq!(body["workflowId"], wf.as_str());
    assert_eq!(body["saved"], true);
    assert_eq!(
        body["validation"]["is_valid"], true,
        "{}",
        body["validation"]
    );
    assert!(
        body["code"]
            .as_str()
            .unwrap()
            .contains("def lambda_handler(event, context):")
    );
    assert_eq!(body["generated_code_skeleton"], body["code"]);
    let tools: Vec<&str> = body["identified_tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(tools.contains(&"Telegram"), "{tools:?}");
    assert!(
        body["template"]
            .as_str()
            .unwrap()
            .contains("AWS::Serverless::Function")
    );

    // Saved for the caller, with the template's description as its prompt, and searchable.
    let saved: Value = app
        .get_as(&token, &format!("/workflows/{wf}"))
        .await
        .json()
        .await
        .unwrap();
    let template = get_json(&app, &format!("/templates/{id}")).await;
    assert_eq!(saved["prompt"], template["description"]);
    assert_eq!(saved["code"], body["code"]);
    let found: Value = app
        .get_as(&token, "/workflows?q=telegram")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["items"][0]["id"], wf.as_str(), "{found}");

    // Each use is a new workflow; another user does not see them.
    let again: Value = app
        .post_as(&token, &path, &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(again["workflow_id"], wf.as_str());
    let bob = app.api_login("google", "google-code-bob").await;
    let res = app.get_as(&bob, &format!("/workflows/{wf}")).await;
    assert_eq!(res.status(), 404);

    let res = app
        .post_as(&token, "/templates/no-such-template/use", &json!({}))
        .await;
    assert_eq!(error_code(res, 404).await, "not_found");
}
