//! Model-backed planning (feature `llm`; `sagemaker` adds Amazon SageMaker endpoints).
//!
//! A [`ModelGenerator`] asks a hosted model for the [`Plan`](crate::Plan) instead of the
//! embedded rule-based planner. The model sees the tool catalog as the only allowed tools and
//! must answer with JSON in a small schema ([`prompt`]); the answer is checked against the
//! catalog and converted into a plan whose tools, credentials and placeholders come from the
//! catalog, never from the model ([`answer`]). A rejected answer (invalid JSON, an unknown
//! tool, action or event, code that fails validation) is sent back with the problem named, a
//! bounded number of times; after that, or on any transport error or timeout, the embedded
//! engine plans the workflow and the response says so in its assumptions.
//!
//! Nothing secret is ever sent to a model: at planning time there are no credential values,
//! the request holds only the catalog's ids and the user's description, and credential-shaped
//! words of the description are redacted first ([`redact`]). The whole model path is bounded
//! in time (`LLM_TOTAL_TIMEOUT_SECONDS`) and size, and a model's values meet the same rules as
//! the embedded planner's, its destinations only what the user gave as one (`destinations`).
//!
//! ```no_run
//! # async fn demo() -> Result<(), cue_workflows::WorkflowError> {
//! use std::sync::Arc;
//! use cue_workflows::{Engine, GenerateRequest};
//! use cue_workflows::llm::{LlmConfig, build_generator};
//!
//! let config = LlmConfig {
//!     provider: cue_workflows::llm::ProviderKind::OpenAi,
//!     base_url: Some("http://localhost:11434/v1".into()),
//!     model: Some("llama3.1".into()),
//!     ..LlmConfig::default()
//! };
//! let generator = build_generator(&config, Arc::new(Engine::new()?)).await?;
//! let out = generator.generate(&GenerateRequest::text("every day at 9am post to #dev in Slack")).await?;
//! println!("{}", out.code);
//! # Ok(()) }
//! ```

pub mod answer;
mod config;
mod destinations;
mod generator;
mod openai;
pub mod prompt;
pub mod redact;
#[cfg(feature = "sagemaker")]
mod sagemaker;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

pub use config::{LlmConfig, Provider, ProviderKind, ResponseFormat, build_generator};
pub use generator::{DEFAULT_MAX_REPAIRS, DEFAULT_TOTAL_TIMEOUT, MAX_ANSWER_BYTES, ModelGenerator};
pub use openai::OpenAiChatClient;
#[cfg(feature = "sagemaker")]
pub use sagemaker::SageMakerClient;

/// Who wrote a chat message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    System,
    User,
    Assistant,
}

/// One chat message, in the chat-completions wire shape `{"role": "...", "content": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: Role,
    pub content: String,
}

impl ChatMessage {
    pub fn system(content: impl Into<String>) -> Self {
        Self {
            role: Role::System,
            content: content.into(),
        }
    }

    pub fn user(content: impl Into<String>) -> Self {
        Self {
            role: Role::User,
            content: content.into(),
        }
    }

    pub fn assistant(content: impl Into<String>) -> Self {
        Self {
            role: Role::Assistant,
            content: content.into(),
        }
    }
}

/// A hosted model that completes a chat: returns the text of the assistant's answer.
#[async_trait]
pub trait ModelClient: Send + Sync {
    /// A short name for the model, shown to users in assumptions ("Planned by the model ...").
    fn model_name(&self) -> &str;

    /// Sends the conversation and returns the assistant's text.
    async fn complete(&self, messages: &[ChatMessage]) -> Result<String, LlmError>;
}

/// What can go wrong when calling a model. None of these reach users as
/// errors: a failing model makes the generator fall back to the embedded engine.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    /// The model did not answer in time.
    #[error("the model did not answer within {seconds} s")]
    Timeout { seconds: u64 },
    /// The request could not be sent or the connection failed.
    #[error("could not reach the model: {0}")]
    Transport(String),
    /// The model endpoint answered with an error status.
    #[error("the model endpoint answered with status {status}")]
    Status { status: u16 },
    /// The endpoint's answer was larger than any plan.
    #[error("the model's answer is larger than {limit} bytes")]
    TooLarge { limit: usize },
    /// The endpoint's answer did not have the expected shape.
    #[error("unexpected answer from the model endpoint: {0}")]
    BadResponse(String),
}
