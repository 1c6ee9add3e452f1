//! A scripted OpenAI-compatible chat server and a generator pointed at it, shared by the
//! model-path tests (`llm_openai`, `llm_hostile`): each test scripts what the "model" answers.
// each test binary uses a part of it
#![allow(dead_code, reason = "shared by several test binaries")]
#![expect(clippy::unwrap_used, reason = "tests")]

use std::sync::Arc;
use std::time::Duration;

use cue_workflows::llm::{LlmConfig, ProviderKind};
use cue_workflows::{Engine, GenerateRequest, Generated, WorkflowGenerator, build_generator};
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A chat completion whose one choice says `content`.
pub fn completion(content: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
    }))
}

/// A server answering every request with `answer` as the model's text.
pub async fn model(answer: &Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(completion(&answer.to_string()))
        .mount(&server)
        .await;
    server
}

/// A generator over `server`, with the settings a test changes applied to a typical one.
pub async fn generator(
    server: &MockServer,
    adjust: impl FnOnce(&mut LlmConfig),
) -> Arc<dyn WorkflowGenerator> {
    let mut config = LlmConfig {
        provider: ProviderKind::OpenAi,
        base_url: Some(format!("{}/v1", server.uri())),
        model: Some("test-model".into()),
        timeout: Duration::from_secs(5),
        ..LlmConfig::default()
    };
    adjust(&mut config);
    config.validate().unwrap();
    build_generator(&config, Arc::new(Engine::new().unwrap()))
        .await
        .unwrap()
}

/// What the typical generator over `server` makes of `prompt`.
pub async fn generate(server: &MockServer, prompt: &str) -> Generated {
    generator(server, |_| {})
        .await
        .generate(&GenerateRequest::text(prompt))
        .await
        .unwrap()
}

/// The JSON bodies the server received, in order.
pub async fn bodies(server: &MockServer) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

/// The assumption saying the embedded engine planned instead of the model.
pub fn fallback_note(assumptions: &[String]) -> Option<&String> {
    assumptions
        .iter()
        .find(|a| a.starts_with("The model-backed planner was unavailable"))
}
