//! A client for a model behind an Amazon SageMaker real-time endpoint (`InvokeEndpoint`).
//!
//! The body is the chat-completions request shape that the TGI, vLLM and LMI containers accept;
//! the answer is read in the OpenAI shape (`choices[0].message.content`) or the TGI shape
//! (`[{"generated_text": ...}]` or `{"generated_text": ...}`).

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_sagemakerruntime::Client;
use aws_sdk_sagemakerruntime::error::{DisplayErrorContext, SdkError};
use aws_sdk_sagemakerruntime::primitives::Blob;
use serde_json::{Value, json};

use super::openai::completion_text;
use super::{ChatMessage, LlmError, ModelClient};

/// The most tokens the model may answer with.
const MAX_TOKENS: u32 = 2048;

/// Calls `InvokeEndpoint` on one endpoint.
#[derive(Debug, Clone)]
pub struct SageMakerClient {
    client: Client,
    endpoint_name: String,
    timeout: Duration,
}

impl SageMakerClient {
    /// A client from an SDK client (tests build one with static credentials and a local
    /// endpoint URL).
    pub fn new(client: Client, endpoint_name: impl Into<String>, timeout: Duration) -> Self {
        Self {
            client,
            endpoint_name: endpoint_name.into(),
            timeout,
        }
    }

    /// A client using the default AWS credential chain (environment, profile, instance or
    /// task role), with the region and endpoint URL overridden when given.
    pub async fn from_env(
        endpoint_name: impl Into<String>,
        region: Option<String>,
        endpoint_url: Option<String>,
        timeout: Duration,
    ) -> Self {
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .timeout_config(
                aws_config::timeout::TimeoutConfig::builder()
                    .operation_timeout(timeout)
                    .build(),
            );
        if let Some(r) = region {
            loader = loader.region(aws_config::Region::new(r));
        }
        if let Some(u) = endpoint_url {
            loader = loader.endpoint_url(u);
        }
        let sdk = loader.load().await;
        Self::new(Client::new(&sdk), endpoint_name, timeout)
    }
}

#[async_trait]
impl ModelClient for SageMakerClient {
    fn model_name(&self) -> &str {
        &self.endpoint_name
    }

    async fn complete(&self, messages: &[ChatMessage]) -> Result<String, LlmError> {
        let body = json!({
            "messages": messages,
            "max_tokens": MAX_TOKENS,
            "temperature": 0,
        });
        let call = self
            .client
            .invoke_endpoint()
            .endpoint_name(&self.endpoint_name)
            .content_type("application/json")
            .accept("application/json")
            .body(Blob::new(body.to_string()))
            .send();
        let timeout = LlmError::Timeout {
            seconds: self.timeout.as_secs(),
        };
        let out = match tokio::time::timeout(self.timeout, call).await {
            Err(_) => return Err(timeout),
            Ok(Err(SdkError::TimeoutError(_))) => return Err(timeout),
            Ok(Err(SdkError::ServiceError(e))) => {
                return Err(LlmError::Status {
                    status: e.raw().status().as_u16(),
                });
            }
            Ok(Err(e)) => return Err(LlmError::Transport(DisplayErrorContext(&e).to_string())),
            Ok(Ok(out)) => out,
        };
        let bytes = out.body().map(Blob::as_ref).unwrap_or_default();
        let value: Value = serde_json::from_slice(bytes)
            .map_err(|e| LlmError::BadResponse(format!("not JSON: {e}")))?;
        answer_text(&value)
    }
}

/// The text of an OpenAI-style or TGI-style answer.
fn answer_text(value: &Value) -> Result<String, LlmError> {
    if value.get("choices").is_some() {
        return completion_text(value);
    }
    let generated = match value {
        Value::Array(items) => items.first().and_then(|i| i.get("generated_text")),
        other => other.get("generated_text"),
    };
    generated
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| {
            LlmError::BadResponse(
                "neither choices[0].message.content nor generated_text".to_owned(),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_openai_and_tgi_answers() {
        let cases = [
            (
                json!({"choices": [{"message": {"content": "a"}}]}),
                Some("a"),
            ),
            (json!([{"generated_text": "b"}]), Some("b")),
            (json!({"generated_text": "c"}), Some("c")),
            (json!({"choices": []}), None),
            (json!([]), None),
            (json!({"output": "d"}), None),
        ];
        for (v, want) in cases {
            assert_eq!(answer_text(&v).ok().as_deref(), want, "{v}");
        }
    }
}
