//! An in-memory provider for tests (feature `test-util`).

use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use crate::{
    Audio, ProviderState, ProviderStatus, SpeechError, SpeechToText, Transcript, normalize_language,
};

type Outcome = Arc<dyn Fn() -> Result<String, SpeechError> + Send + Sync>;

/// Answers with a scripted transcript or error and records what it was asked.
#[derive(Clone)]
pub struct FakeSpeech {
    outcome: Outcome,
    calls: Arc<Mutex<Vec<FakeCall>>>,
}

/// One call the fake received.
#[derive(Debug, Clone, PartialEq)]
pub struct FakeCall {
    pub bytes: usize,
    pub language: String,
}

impl std::fmt::Debug for FakeSpeech {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeSpeech").finish_non_exhaustive()
    }
}

impl FakeSpeech {
    /// Always transcribes to `text` with confidence 0.95.
    pub fn returning(text: impl Into<String>) -> Self {
        let text = text.into();
        Self::with(move || Ok(text.clone()))
    }

    /// Always fails with the error `make` builds.
    pub fn failing(make: impl Fn() -> SpeechError + Send + Sync + 'static) -> Self {
        Self::with(move || Err(make()))
    }

    fn with(outcome: impl Fn() -> Result<String, SpeechError> + Send + Sync + 'static) -> Self {
        Self {
            outcome: Arc::new(outcome),
            calls: Arc::default(),
        }
    }

    /// The calls received so far.
    pub fn calls(&self) -> Vec<FakeCall> {
        self.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }
}

#[async_trait]
impl SpeechToText for FakeSpeech {
    async fn transcribe(&self, audio: Audio, language: &str) -> Result<Transcript, SpeechError> {
        let language = normalize_language(language)?;
        if let Ok(mut calls) = self.calls.lock() {
            calls.push(FakeCall {
                bytes: audio.len(),
                language: language.clone(),
            });
        }
        let transcript = (self.outcome)()?;
        Ok(Transcript {
            transcript,
            confidence: 0.95,
            language,
            duration_seconds: audio.info().duration_seconds,
            provider: self.name(),
        })
    }

    async fn status(&self) -> ProviderStatus {
        ProviderStatus::new(ProviderState::Ready, self.name())
    }

    fn name(&self) -> &'static str {
        "fake"
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::{AudioLimits, silent_wav};

    #[tokio::test]
    async fn scripts_answers_and_records_calls() {
        let audio = || Audio::from_bytes(silent_wav(16_000, 0.5), &AudioLimits::default()).unwrap();
        let fake = FakeSpeech::returning("hello");
        let t = fake.transcribe(audio(), "en-gb").await.unwrap();
        assert_eq!(
            (
                t.transcript.as_str(),
                t.language.as_str(),
                t.duration_seconds
            ),
            ("hello", "en-GB", Some(0.5))
        );
        assert_eq!(
            fake.calls(),
            vec![FakeCall {
                bytes: 16_044,
                language: "en-GB".into()
            }]
        );
        let failing = FakeSpeech::failing(|| SpeechError::Timeout);
        assert!(matches!(
            failing.transcribe(audio(), "en-US").await,
            Err(SpeechError::Timeout)
        ));
        assert!(failing.status().await.available);
    }
}
