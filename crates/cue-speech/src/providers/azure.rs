//! Azure Speech, REST API for short audio (WAV/PCM or Ogg/Opus, up to 60 seconds).

use async_trait::async_trait;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use secrecy::ExposeSecret;
use serde::Deserialize;
use url::Url;

use crate::{
    Audio, AudioFormat, AzureConfig, ProviderState, ProviderStatus, SpeechError, SpeechToText,
    Transcript, http, model::clamp_confidence, normalize_language,
};

/// The short-audio API takes at most this much audio.
pub const AZURE_MAX_SECONDS: f64 = 60.0;

const PATH: &str = "speech/recognition/conversation/cognitiveservices/v1";

#[derive(Debug)]
pub struct AzureProvider {
    config: AzureConfig,
    client: reqwest::Client,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Recognition {
    recognition_status: String,
    #[serde(default)]
    display_text: Option<String>,
    /// In 100-nanosecond ticks.
    #[serde(default)]
    duration: Option<u64>,
    #[serde(default, rename = "NBest")]
    n_best: Vec<Alternative>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Alternative {
    #[serde(default)]
    confidence: Option<f64>,
    #[serde(default)]
    display: Option<String>,
}

impl AzureProvider {
    /// Fails when neither a region nor an endpoint is configured.
    pub fn new(config: AzureConfig, client: reqwest::Client) -> Result<Self, SpeechError> {
        let provider = Self { config, client };
        provider.base()?;
        Ok(provider)
    }

    fn base(&self) -> Result<Url, SpeechError> {
        if let Some(endpoint) = &self.config.endpoint {
            return Ok(endpoint.clone());
        }
        let region = self
            .config
            .region
            .as_deref()
            .filter(|r| r.chars().all(|c| c.is_ascii_alphanumeric()) && !r.is_empty());
        let region = region.ok_or_else(|| {
            SpeechError::InvalidConfig(
                "AZURE_SPEECH_REGION (letters and digits) or AZURE_SPEECH_ENDPOINT is required"
                    .into(),
            )
        })?;
        Url::parse(&format!("https://{region}.stt.speech.microsoft.com/")).map_err(|_| {
            SpeechError::InvalidConfig("AZURE_SPEECH_REGION is not a valid host name part".into())
        })
    }
}

/// The content type the short-audio API wants, or why it cannot take this audio.
fn content_type(audio: &Audio) -> Result<String, SpeechError> {
    let info = audio.info();
    match info.format {
        AudioFormat::Wav => Ok(format!(
            "audio/wav; codecs=audio/pcm; samplerate={}",
            info.sample_rate.unwrap_or(16_000)
        )),
        AudioFormat::OggOpus => Ok("audio/ogg; codecs=opus".to_owned()),
        other => Err(SpeechError::UnsupportedAudio {
            reason: format!(
                "the azure provider accepts WAV or Ogg/Opus audio, not {}",
                other.extension()
            ),
        }),
    }
}

#[async_trait]
impl SpeechToText for AzureProvider {
    async fn transcribe(&self, audio: Audio, language: &str) -> Result<Transcript, SpeechError> {
        let language = normalize_language(language)?;
        let content_type = content_type(&audio)?;
        if let Some(duration_seconds) = audio
            .info()
            .duration_seconds
            .filter(|d| *d > AZURE_MAX_SECONDS)
        {
            return Err(SpeechError::TooLong {
                duration_seconds,
                limit_seconds: AZURE_MAX_SECONDS,
            });
        }
        let stated_duration = audio.info().duration_seconds;
        let key = self.config.key.expose_secret();
        let mut url = self.base()?;
        url.set_path(&format!("{}/{PATH}", url.path().trim_end_matches('/')));
        url.query_pairs_mut()
            .append_pair("language", &language)
            .append_pair("format", "detailed");
        let response = self
            .client
            .post(url)
            .header("Ocp-Apim-Subscription-Key", key)
            .header(CONTENT_TYPE, content_type)
            .header(ACCEPT, "application/json")
            .body(audio.into_bytes())
            .send()
            .await
            .map_err(|e| http::send_error(&e, Some(key)))?;
        let response = http::check_status(response, Some(key)).await?;
        let body: Recognition = http::json(response, Some(key)).await?;
        let duration_seconds = body
            .duration
            .map(|ticks| ticks as f64 / 1e7)
            .or(stated_duration);
        let (transcript, confidence) = match body.recognition_status.as_str() {
            "Success" => {
                let best = body.n_best.first();
                let text = best
                    .and_then(|b| b.display.clone())
                    .or(body.display_text)
                    .unwrap_or_default();
                (
                    text,
                    best.and_then(|b| b.confidence)
                        .map_or(0.0, clamp_confidence),
                )
            }
            // Audio without recognisable speech is an answer, not a failure.
            "NoMatch" | "InitialSilenceTimeout" | "BabbleTimeout" => (String::new(), 0.0),
            other => {
                return Err(SpeechError::Provider {
                    detail: format!("RecognitionStatus {other}"),
                });
            }
        };
        Ok(Transcript {
            transcript,
            confidence,
            language,
            duration_seconds,
            provider: self.name(),
        })
    }

    /// Configured is all we can tell: the short-audio API has no free probe.
    async fn status(&self) -> ProviderStatus {
        ProviderStatus::new(ProviderState::Ready, self.name())
    }

    fn name(&self) -> &'static str {
        "azure"
    }
}
