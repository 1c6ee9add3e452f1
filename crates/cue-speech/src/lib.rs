//! cue-speech: speech-to-text behind one trait, [`SpeechToText`].
//!
//! The gateway builds one provider at startup from [`SpeechConfig`] (deserialized from the
//! environment, `SPEECH_PROVIDER` selecting `disabled`, `openai`, `azure`, `aws` or
//! `pocketsphinx`) and, per request:
//! 1. collects the upload with an [`AudioCollector`] (bounded memory; fails early past the byte
//!    limit or when the first bytes are not audio),
//! 2. turns it into checked [`Audio`] (container identified from the bytes by [`inspect_audio`],
//!    duration limit where the container states it),
//! 3. calls [`SpeechToText::transcribe`].
//!
//! Every failure is a [`SpeechError`] whose `Display` is safe for clients; provider detail is
//! only in [`SpeechError::detail`], with keys scrubbed.
//!
//! ```
//! # tokio_test_block_on(async {
//! use cue_speech::{AudioCollector, SpeechConfig, SpeechError, build_provider};
//!
//! let config = SpeechConfig::default(); // nothing set: the disabled provider
//! let provider = build_provider(&config)?;
//! let mut upload = AudioCollector::new(config.limits);
//! upload.push(&cue_speech::silent_wav(16_000, 0.5))?;
//! let audio = upload.finish()?;
//! assert_eq!(audio.info().duration_seconds, Some(0.5));
//! let err = provider.transcribe(audio, "en-US").await.unwrap_err();
//! assert!(matches!(err, SpeechError::NotConfigured));
//! assert!(!provider.status().await.available);
//! # Ok::<(), SpeechError>(())
//! # });
//! # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
//! # }
//! ```

use std::sync::Arc;

mod audio;
mod config;
mod error;
mod http;
mod language;
mod model;
pub mod providers;

pub use audio::{
    Audio, AudioCollector, AudioFormat, AudioInfo, AudioLimits, DEFAULT_MAX_BYTES,
    DEFAULT_MAX_SECONDS, inspect_audio,
};
pub use config::{
    AwsTranscribeConfig, AzureConfig, OpenAiConfig, PocketSphinxConfig, ProviderKind, SpeechConfig,
};
pub use error::SpeechError;
pub use language::{DEFAULT_LANGUAGE, iso639_1, normalize_language};
pub use model::{ProviderState, ProviderStatus, SpeechToText, Transcript, UNREPORTED_CONFIDENCE};
#[cfg(any(test, feature = "test-util"))]
pub use providers::fake::{FakeCall, FakeSpeech};

/// Builds the configured provider. Fails with [`SpeechError::InvalidConfig`] naming the
/// variable when the selected provider's settings are missing, or when `aws` is selected in a
/// build without the `aws` feature.
pub fn build_provider(config: &SpeechConfig) -> Result<Arc<dyn SpeechToText>, SpeechError> {
    let missing = |what: &str| SpeechError::InvalidConfig(format!("{what} settings are missing"));
    match config.provider {
        ProviderKind::Disabled => Ok(Arc::new(providers::disabled::DisabledProvider)),
        ProviderKind::OpenAi => {
            let settings = config
                .openai
                .clone()
                .ok_or_else(|| missing("OPENAI_STT_*"))?;
            let client = http::client(config.connect_timeout, config.request_timeout)?;
            Ok(Arc::new(providers::openai::OpenAiProvider::new(
                settings, client,
            )))
        }
        ProviderKind::Azure => {
            let settings = config
                .azure
                .clone()
                .ok_or_else(|| missing("AZURE_SPEECH_*"))?;
            let client = http::client(config.connect_timeout, config.request_timeout)?;
            Ok(Arc::new(providers::azure::AzureProvider::new(
                settings, client,
            )?))
        }
        #[cfg(feature = "aws")]
        ProviderKind::Aws => {
            let settings = config.aws.clone().ok_or_else(|| missing("TRANSCRIBE_*"))?;
            Ok(Arc::new(providers::aws::AwsTranscribeProvider::new(
                settings,
            )))
        }
        #[cfg(feature = "pocketsphinx")]
        ProviderKind::PocketSphinx => {
            let settings = config
                .pocketsphinx
                .clone()
                .ok_or_else(|| missing("POCKETSPHINX_*"))?;
            Ok(Arc::new(
                providers::pocketsphinx::PocketSphinxProvider::new(settings),
            ))
        }
        #[cfg(not(feature = "pocketsphinx"))]
        ProviderKind::PocketSphinx => Err(SpeechError::InvalidConfig(
            "SPEECH_PROVIDER=pocketsphinx needs a build with the `pocketsphinx` feature".into(),
        )),
        #[cfg(not(feature = "aws"))]
        ProviderKind::Aws => Err(SpeechError::InvalidConfig(
            "SPEECH_PROVIDER=aws needs a build with the `aws` feature".into(),
        )),
    }
}

/// A WAV file of silence (16-bit mono PCM): for examples and tests of callers.
pub fn silent_wav(sample_rate: u32, seconds: f64) -> Vec<u8> {
    let samples = (f64::from(sample_rate) * seconds).round() as u32;
    let data_len = samples * 2;
    let mut wav = Vec::with_capacity(44 + data_len as usize);
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data_len).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1u16.to_le_bytes()); // mono
    wav.extend_from_slice(&sample_rate.to_le_bytes());
    wav.extend_from_slice(&(sample_rate * 2).to_le_bytes());
    wav.extend_from_slice(&2u16.to_le_bytes());
    wav.extend_from_slice(&16u16.to_le_bytes());
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&data_len.to_le_bytes());
    wav.resize(44 + data_len as usize, 0);
    wav
}
