//! A client for any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, Ollama, ...).

use std::time::Duration;

use async_trait::async_trait;
use secrecy::{ExposeSecret as _, SecretString};
use serde_json::{Value, json};

use super::{ChatMessage, LlmError, ModelClient};

/// The largest chat-completions body read: room for an answer of
/// [`MAX_ANSWER_BYTES`](super::MAX_ANSWER_BYTES) escaped as JSON, and the envelope.
const MAX_BODY_BYTES: usize = 4 * super::MAX_ANSWER_BYTES;

/// `POST {base_url}/chat/completions` with `temperature: 0` and a JSON-schema `response_format`.
pub struct OpenAiChatClient {
    http: reqwest::Client,
    url: String,
    api_key: Option<SecretString>,
    model: String,
    schema: Option<Value>,
    /// Whether the schema is sent with `strict: true`.
    strict: bool,
    timeout: Duration,
}

impl std::fmt::Debug for OpenAiChatClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenAiChatClient")
            .field("url", &self.url)
            .field("model", &self.model)
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl OpenAiChatClient {
    /// A client for `base_url` (e.g. `http://localhost:11434/v1`), sending `api_key` as a
    /// bearer token when given.
    pub fn new(
        base_url: &str,
        api_key: Option<SecretString>,
        model: impl Into<String>,
        timeout: Duration,
    ) -> Result<Self, LlmError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|e| LlmError::Transport(e.to_string()))?;
        Ok(Self {
            http,
            url: format!("{}/chat/completions", base_url.trim_end_matches('/')),
            api_key,
            model: model.into(),
            schema: None,
            strict: false,
            timeout,
        })
    }

    /// Asks the server to constrain the answer to this JSON schema (`response_format`).
    #[must_use]
    pub fn with_schema(mut self, schema: Value) -> Self {
        self.schema = Some(schema);
        self
    }

    /// Asks the server to hold the answer to this schema exactly (`strict: true`, OpenAI's
    /// Structured Outputs): the schema must be in the subset strict mode accepts
    /// ([`prompt::strict_answer_schema`](super::prompt::strict_answer_schema)).
    #[must_use]
    pub fn with_strict_schema(mut self, schema: Value) -> Self {
        self.schema = Some(schema);
        self.strict = true;
        self
    }

    fn body(&self, messages: &[ChatMessage]) -> Value {
        let mut body = json!({
            "model": self.model,
            "messages": messages,
            "temperature": 0,
        });
        if let Some(schema) = &self.schema {
            body["response_format"] = json!({
                "type": "json_schema",
                "json_schema": {"name": "workflow_plan", "schema": schema},
            });
            if self.strict {
                body["response_format"]["json_schema"]["strict"] = Value::Bool(true);
            }
        }
        body
    }
}

#[async_trait]
impl ModelClient for OpenAiChatClient {
    fn model_name(&self) -> &str {
        &self.model
    }

    async fn complete(&self, messages: &[ChatMessage]) -> Result<String, LlmError> {
        let mut req = self.http.post(&self.url).json(&self.body(messages));
        if let Some(key) = &self.api_key {
            req = req.bearer_auth(key.expose_secret());
        }
        let mut resp = req.send().await.map_err(|e| self.transport(e))?;
        let status = resp.status();
        if !status.is_success() {
            return Err(LlmError::Status {
                status: status.as_u16(),
            });
        }
        // read at most MAX_BODY_BYTES: a model (or a server posing as one) that sends more is
        // not answering with a plan
        let mut bytes = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.transport(e))? {
            if bytes.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(LlmError::TooLarge {
                    limit: MAX_BODY_BYTES,
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        let body: Value = serde_json::from_slice(&bytes)
            .map_err(|e| LlmError::BadResponse(format!("not JSON: {e}")))?;
        completion_text(&body)
    }
}

impl OpenAiChatClient {
    fn transport(&self, e: reqwest::Error) -> LlmError {
        if e.is_timeout() {
            LlmError::Timeout {
                seconds: self.timeout.as_secs(),
            }
        } else if e.is_decode() {
            LlmError::BadResponse(e.to_string())
        } else {
            // without the URL: it may hold a user name or key in query parameters
            LlmError::Transport(e.without_url().to_string())
        }
    }
}

/// The assistant text of a chat-completions answer: `choices[0].message.content`.
pub(crate) fn completion_text(body: &Value) -> Result<String, LlmError> {
    body.pointer("/choices/0/message/content")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| LlmError::BadResponse("no choices[0].message.content".to_owned()))
}
