//! The model-backed generator against a local fake of SageMaker's `InvokeEndpoint` REST API.
#![cfg(feature = "sagemaker")]
#![expect(clippy::unwrap_used, reason = "tests")]

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_sagemakerruntime::config::retry::RetryConfig;
use aws_sdk_sagemakerruntime::config::{BehaviorVersion, Credentials, Region};
use cue_workflows::llm::SageMakerClient;
use cue_workflows::{Engine, GenerateRequest, ModelGenerator, WorkflowGenerator};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PROMPT: &str = "When a Stripe payment fails, post the customer's email to #billing in Slack";

const PLAN: &str = r##"{"name":"Failed payments to Slack","trigger":{"kind":"app_event","tool":"stripe","event":"payment_failed"},
"steps":[{"tool":"slack","action":"post_message","params":{"channel":"#billing"}}]}"##;

fn generator(server: &MockServer, timeout: Duration) -> ModelGenerator {
    let conf = aws_sdk_sagemakerruntime::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("eu-west-1"))
        .credentials_provider(Credentials::new(
            "AKIDLOCALTEST",
            "local-test-secret",
            None,
            None,
            "test",
        ))
        .endpoint_url(server.uri())
        .retry_config(RetryConfig::disabled())
        .build();
    let client = SageMakerClient::new(
        aws_sdk_sagemakerruntime::Client::from_conf(conf),
        "planner",
        timeout,
    );
    ModelGenerator::new(Arc::new(client), Arc::new(Engine::new().unwrap()))
}

#[tokio::test]
async fn tgi_answer_from_a_signed_invocation_is_planned() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/endpoints/planner/invocations"))
        .and(header("content-type", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{ "generated_text": PLAN }])))
        .expect(1)
        .mount(&server)
        .await;
    let out = generator(&server, Duration::from_secs(5))
        .generate(&GenerateRequest::text(PROMPT))
        .await
        .unwrap();
    assert!(
        out.assumptions
            .contains(&"Planned by the model planner.".to_owned()),
        "{:?}",
        out.assumptions
    );
    assert_eq!(out.plan.trigger.event.as_deref(), Some("payment_failed"));
    let names: Vec<&str> = out.tools.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["Stripe", "Slack"]);
    // the signing secret comes from the catalog, not from the model
    assert!(
        out.plan
            .placeholders()
            .contains(&"STRIPE_WEBHOOK_SECRET".to_owned()),
        "{:?}",
        out.plan.placeholders()
    );
    assert_eq!(out.validation.as_ref().unwrap().error_count, 0);

    let requests = server.received_requests().await.unwrap();
    let auth = requests[0]
        .headers
        .get("authorization")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDLOCALTEST/"),
        "{auth}"
    );
    assert!(auth.contains("/eu-west-1/sagemaker/aws4_request"), "{auth}");
    let raw = String::from_utf8(requests[0].body.clone()).unwrap();
    assert!(!raw.contains("{{"));
    assert!(!raw.contains("local-test-secret"));
    let body: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(body["messages"][0]["role"], "system");
    assert!(
        body["messages"][1]["content"]
            .as_str()
            .unwrap()
            .contains("Stripe payment fails")
    );
    assert!(body["max_tokens"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn openai_shaped_answer_is_read_too() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/endpoints/planner/invocations"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "choices": [{"message": {"role": "assistant", "content": PLAN}}]
        })))
        .mount(&server)
        .await;
    let out = generator(&server, Duration::from_secs(5))
        .generate(&GenerateRequest::text(PROMPT))
        .await
        .unwrap();
    assert!(
        out.assumptions
            .contains(&"Planned by the model planner.".to_owned())
    );
}

#[tokio::test]
async fn endpoint_errors_fall_back_to_the_engine() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"message": "model error"})))
        .mount(&server)
        .await;
    let out = generator(&server, Duration::from_secs(5))
        .generate(&GenerateRequest::text(PROMPT))
        .await
        .unwrap();
    let note = &out.assumptions[0];
    assert!(
        note.starts_with("The model-backed planner was unavailable"),
        "{note}"
    );
    assert!(note.contains("status 500"), "{note}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert!(out.tools.iter().any(|t| t.name == "Slack"));
}

#[tokio::test]
async fn slow_endpoint_times_out_and_falls_back() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([{ "generated_text": PLAN }]))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let started = std::time::Instant::now();
    let out = generator(&server, Duration::from_secs(1))
        .generate(&GenerateRequest::text(PROMPT))
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(4));
    assert!(
        out.assumptions[0].contains("did not answer within 1 s"),
        "{:?}",
        out.assumptions
    );
}
