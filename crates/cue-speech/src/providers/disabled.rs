//! The provider used when none is configured.

use async_trait::async_trait;

use crate::{Audio, ProviderState, ProviderStatus, SpeechError, SpeechToText, Transcript};

/// Answers every transcription with [`SpeechError::NotConfigured`].
#[derive(Debug, Clone, Copy, Default)]
pub struct DisabledProvider;

#[async_trait]
impl SpeechToText for DisabledProvider {
    async fn transcribe(&self, _audio: Audio, _language: &str) -> Result<Transcript, SpeechError> {
        Err(SpeechError::NotConfigured)
    }

    async fn status(&self) -> ProviderStatus {
        ProviderStatus::new(ProviderState::NotConfigured, self.name())
    }

    fn name(&self) -> &'static str {
        "disabled"
    }
}
