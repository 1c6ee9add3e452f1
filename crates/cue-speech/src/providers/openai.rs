//! Any OpenAI-compatible `POST {base}/audio/transcriptions` (OpenAI, whisper.cpp's server,
//! faster-whisper servers, LocalAI, ...).

use async_trait::async_trait;
use reqwest::multipart::{Form, Part};
use secrecy::ExposeSecret;
use serde::Deserialize;

use crate::{
    Audio, OpenAiConfig, ProviderState, ProviderStatus, SpeechError, SpeechToText, Transcript,
    UNREPORTED_CONFIDENCE, http, iso639_1, model::clamp_confidence, normalize_language,
};

/// Sends the audio as multipart `file` with `response_format=verbose_json`.
#[derive(Debug)]
pub struct OpenAiProvider {
    config: OpenAiConfig,
    client: reqwest::Client,
}

#[derive(Debug, Deserialize)]
struct VerboseJson {
    text: String,
    #[serde(default)]
    duration: Option<f64>,
    #[serde(default)]
    segments: Option<Vec<Segment>>,
}

#[derive(Debug, Deserialize)]
struct Segment {
    #[serde(default)]
    avg_logprob: Option<f64>,
}

impl OpenAiProvider {
    pub fn new(config: OpenAiConfig, client: reqwest::Client) -> Self {
        Self { config, client }
    }

    /// `{base}/{path}`, whether or not the base ends with a slash.
    fn url(&self, path: &str) -> String {
        format!(
            "{}/{path}",
            self.config.base_url.as_str().trim_end_matches('/')
        )
    }

    fn key(&self) -> Option<&str> {
        self.config.api_key.as_ref().map(|k| k.expose_secret())
    }

    fn authorized(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match self.key() {
            Some(key) => request.bearer_auth(key),
            None => request,
        }
    }
}

/// The mean of the segments' probabilities (`exp(avg_logprob)`), or the documented default.
fn confidence(segments: Option<&[Segment]>) -> f64 {
    let probs: Vec<f64> = segments
        .unwrap_or_default()
        .iter()
        .filter_map(|s| s.avg_logprob)
        .map(f64::exp)
        .collect();
    if probs.is_empty() {
        UNREPORTED_CONFIDENCE
    } else {
        clamp_confidence(probs.iter().sum::<f64>() / probs.len() as f64)
    }
}

#[async_trait]
impl SpeechToText for OpenAiProvider {
    async fn transcribe(&self, audio: Audio, language: &str) -> Result<Transcript, SpeechError> {
        let language = normalize_language(language)?;
        let info = *audio.info();
        let file = Part::bytes(audio.into_bytes())
            .file_name(format!("audio.{}", info.format.extension()))
            .mime_str(info.mime)
            .map_err(|e| SpeechError::Provider {
                detail: e.to_string(),
            })?;
        let mut form = Form::new()
            .part("file", file)
            .text("model", self.config.model.clone())
            .text("response_format", "verbose_json");
        // Whisper wants ISO 639-1; without one it detects the language itself.
        if let Some(code) = iso639_1(&language) {
            form = form.text("language", code.to_owned());
        }
        let request = self
            .authorized(self.client.post(self.url("audio/transcriptions")))
            .multipart(form);
        let response = request
            .send()
            .await
            .map_err(|e| http::send_error(&e, self.key()))?;
        let response = http::check_status(response, self.key()).await?;
        let body: VerboseJson = http::json(response, self.key()).await?;
        Ok(Transcript {
            confidence: confidence(body.segments.as_deref()),
            transcript: body.text.trim().to_owned(),
            language,
            duration_seconds: body.duration.or(info.duration_seconds),
            provider: self.name(),
        })
    }

    /// Probes `GET {base}/models`, which every compatible server answers cheaply.
    async fn status(&self) -> ProviderStatus {
        let probe = self
            .authorized(self.client.get(self.url("models")))
            .send()
            .await;
        let state = match probe {
            Ok(r) if r.status().is_success() => ProviderState::Ready,
            Ok(r) => {
                tracing::warn!(
                    status = r.status().as_u16(),
                    "speech provider status probe failed"
                );
                ProviderState::Unavailable
            }
            Err(e) => {
                tracing::warn!(error = %http::send_error(&e, self.key()), "speech provider status probe failed");
                ProviderState::Unavailable
            }
        };
        ProviderStatus::new(state, self.name())
    }

    fn name(&self) -> &'static str {
        "openai"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidence_is_the_mean_probability_or_the_default() {
        let seg = |p: Option<f64>| Segment { avg_logprob: p };
        assert_eq!(confidence(None), UNREPORTED_CONFIDENCE);
        assert_eq!(confidence(Some(&[seg(None)])), UNREPORTED_CONFIDENCE);
        assert!((confidence(Some(&[seg(Some(0.0))])) - 1.0).abs() < 1e-9);
        let c = confidence(Some(&[seg(Some(-0.5)), seg(Some(-1.5))]));
        assert!((c - ((-0.5f64).exp() + (-1.5f64).exp()) / 2.0).abs() < 1e-9);
        assert!((confidence(Some(&[seg(Some(3.0))])) - 1.0).abs() < 1e-9);
    }
}
