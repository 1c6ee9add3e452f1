//! What a provider returns, and the trait every provider implements.

use async_trait::async_trait;

use crate::{Audio, SpeechError};

/// Confidence reported when a provider gives none (an OpenAI-compatible server without
/// segment log-probabilities). High enough not to look like a failure, below a real 1.0.
pub const UNREPORTED_CONFIDENCE: f64 = 0.9;

/// A finished transcription. Field names match the wire shape of `POST /speech/transcribe`.
#[derive(Debug, Clone, PartialEq)]
pub struct Transcript {
    /// Empty when the provider heard no speech.
    pub transcript: String,
    /// 0.0–1.0.
    pub confidence: f64,
    /// The normalised BCP-47 tag the audio was transcribed as.
    pub language: String,
    /// From the provider when it reports it, else from the container.
    pub duration_seconds: Option<f64>,
    pub provider: &'static str,
}

/// Whether a provider can take requests now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderState {
    Ready,
    NotConfigured,
    Unavailable,
}

impl ProviderState {
    /// The `status` string on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ready => "ok",
            Self::NotConfigured => "not_configured",
            Self::Unavailable => "unavailable",
        }
    }
}

/// The answer of `GET /speech/service-status`: `{"status", "available", "provider"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderStatus {
    pub status: ProviderState,
    pub available: bool,
    pub provider: &'static str,
}

impl ProviderStatus {
    pub fn new(status: ProviderState, provider: &'static str) -> Self {
        Self {
            status,
            available: status == ProviderState::Ready,
            provider,
        }
    }
}

/// A speech-to-text service.
#[async_trait]
pub trait SpeechToText: Send + Sync {
    /// Transcribes checked audio. `language` is a BCP-47 tag; it is normalised again here,
    /// so callers may pass what the client sent.
    async fn transcribe(&self, audio: Audio, language: &str) -> Result<Transcript, SpeechError>;
    /// Whether the provider is configured and (where a cheap probe exists) reachable.
    async fn status(&self) -> ProviderStatus;
    /// `disabled`, `openai`, `azure`, `aws`, or `fake`.
    fn name(&self) -> &'static str;
}

/// Clamps to 0.0–1.0, mapping NaN to 0.
pub(crate) fn clamp_confidence(c: f64) -> f64 {
    if c.is_nan() { 0.0 } else { c.clamp(0.0, 1.0) }
}
