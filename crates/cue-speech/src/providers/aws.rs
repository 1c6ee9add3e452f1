//! Amazon Transcribe (feature `aws`): stage the audio in S3, run a batch job, read the
//! transcript the job writes back to the same bucket, and delete everything it created.

use std::{fmt::Debug, time::Duration};

use async_trait::async_trait;
use aws_config::BehaviorVersion;
use aws_sdk_s3::{
    config::{Region, http::HttpResponse},
    error::{DisplayErrorContext, ProvideErrorMetadata, SdkError},
    primitives::ByteStream,
};
use aws_sdk_transcribe::types::{LanguageCode, Media, MediaFormat, TranscriptionJobStatus};
use serde::Deserialize;
use tokio::sync::OnceCell;

use crate::{
    Audio, AudioFormat, AwsTranscribeConfig, ProviderState, ProviderStatus, SpeechError,
    SpeechToText, Transcript, UNREPORTED_CONFIDENCE, model::clamp_confidence, normalize_language,
};

/// The two SDK clients the provider needs.
#[derive(Debug, Clone)]
pub struct AwsClients {
    pub s3: aws_sdk_s3::Client,
    pub transcribe: aws_sdk_transcribe::Client,
}

impl AwsClients {
    /// Clients from the SDK's default chains (environment, profile, instance role), with the
    /// region, endpoint override and S3 addressing style from `config`.
    pub async fn from_env(config: &AwsTranscribeConfig) -> Self {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            // An unanswering endpoint must not hold a request (or startup) for the SDK's defaults.
            .timeout_config(
                aws_config::timeout::TimeoutConfig::builder()
                    .connect_timeout(std::time::Duration::from_secs(3))
                    .operation_attempt_timeout(std::time::Duration::from_secs(10))
                    .operation_timeout(std::time::Duration::from_secs(30))
                    .build(),
            );
        if let Some(region) = &config.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(endpoint) = &config.endpoint_url {
            loader = loader.endpoint_url(endpoint.clone());
        }
        let sdk = loader.load().await;
        let s3 = aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(config.force_path_style)
            .build();
        Self {
            s3: aws_sdk_s3::Client::from_conf(s3),
            transcribe: aws_sdk_transcribe::Client::new(&sdk),
        }
    }
}

/// Batch transcription through S3. Clients are created on first use, so that
/// [`crate::build_provider`] stays synchronous.
#[derive(Debug)]
pub struct AwsTranscribeProvider {
    config: AwsTranscribeConfig,
    clients: OnceCell<AwsClients>,
}

/// The parts of Transcribe's output JSON we read.
#[derive(Debug, Deserialize)]
struct Output {
    results: Results,
}

#[derive(Debug, Deserialize)]
struct Results {
    #[serde(default)]
    transcripts: Vec<TranscriptText>,
    #[serde(default)]
    items: Vec<Item>,
}

#[derive(Debug, Deserialize)]
struct TranscriptText {
    transcript: String,
}

#[derive(Debug, Deserialize)]
struct Item {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    alternatives: Vec<Alternative>,
}

#[derive(Debug, Deserialize)]
struct Alternative {
    /// Transcribe writes numbers as strings ("0.998").
    #[serde(default)]
    confidence: Option<String>,
}

impl AwsTranscribeProvider {
    pub fn new(config: AwsTranscribeConfig) -> Self {
        Self {
            config,
            clients: OnceCell::new(),
        }
    }

    /// With clients built by the caller (tests use static credentials against moto).
    pub fn with_clients(config: AwsTranscribeConfig, clients: AwsClients) -> Self {
        Self {
            config,
            clients: OnceCell::new_with(Some(clients)),
        }
    }

    async fn clients(&self) -> &AwsClients {
        self.clients
            .get_or_init(|| AwsClients::from_env(&self.config))
            .await
    }

    fn media_format(format: AudioFormat) -> Result<MediaFormat, SpeechError> {
        Ok(match format {
            AudioFormat::Wav => MediaFormat::Wav,
            AudioFormat::Mp3 => MediaFormat::Mp3,
            AudioFormat::Flac => MediaFormat::Flac,
            AudioFormat::Mp4 => MediaFormat::M4A,
            AudioFormat::OggOpus => MediaFormat::Ogg,
            AudioFormat::WebM => MediaFormat::Webm,
            AudioFormat::OggVorbis => {
                return Err(SpeechError::unsupported(
                    "the aws provider accepts Ogg only with Opus audio",
                ));
            }
        })
    }

    /// Starts the job and waits for it, bounded by the configured job timeout.
    async fn run_job(
        &self,
        clients: &AwsClients,
        job: &str,
        media_uri: String,
        format: MediaFormat,
        language: &str,
        output_key: &str,
    ) -> Result<(), SpeechError> {
        clients
            .transcribe
            .start_transcription_job()
            .transcription_job_name(job)
            .language_code(LanguageCode::from(language))
            .media(Media::builder().media_file_uri(media_uri).build())
            .media_format(format)
            .output_bucket_name(&self.config.bucket)
            .output_key(output_key)
            .send()
            .await
            .map_err(sdk_error)?;
        let wait = async {
            loop {
                let out = clients
                    .transcribe
                    .get_transcription_job()
                    .transcription_job_name(job)
                    .send()
                    .await
                    .map_err(sdk_error)?;
                let job = out.transcription_job();
                match job.and_then(|j| j.transcription_job_status()) {
                    Some(TranscriptionJobStatus::Completed) => return Ok(()),
                    Some(TranscriptionJobStatus::Failed) => {
                        let reason = job
                            .and_then(|j| j.failure_reason())
                            .unwrap_or("no reason given");
                        return Err(SpeechError::Rejected {
                            detail: format!("transcription job failed: {reason}"),
                        });
                    }
                    _ => tokio::time::sleep(self.config.poll_interval).await,
                }
            }
        };
        tokio::time::timeout(self.config.job_timeout, wait)
            .await
            .map_err(|_| SpeechError::Timeout)?
    }

    async fn read_output(
        &self,
        clients: &AwsClients,
        output_key: &str,
    ) -> Result<Output, SpeechError> {
        let object = clients
            .s3
            .get_object()
            .bucket(&self.config.bucket)
            .key(output_key)
            .send()
            .await
            .map_err(sdk_error)?;
        let bytes = object
            .body
            .collect()
            .await
            .map_err(|e| SpeechError::Provider {
                detail: format!("reading the transcript: {e}"),
            })?
            .into_bytes();
        serde_json::from_slice(&bytes).map_err(|e| SpeechError::Provider {
            detail: format!("unexpected transcript JSON: {e}"),
        })
    }

    /// Best effort: failures are logged, never returned, so they cannot hide the real outcome.
    async fn clean_up(&self, clients: &AwsClients, job: &str, keys: &[&str]) {
        for key in keys {
            if let Err(e) = clients
                .s3
                .delete_object()
                .bucket(&self.config.bucket)
                .key(*key)
                .send()
                .await
            {
                tracing::warn!(key, error = %DisplayErrorContext(&e), "could not delete a temporary speech object");
            }
        }
        if let Err(e) = clients
            .transcribe
            .delete_transcription_job()
            .transcription_job_name(job)
            .send()
            .await
        {
            tracing::debug!(job, error = %DisplayErrorContext(&e), "could not delete the transcription job");
        }
    }
}

/// Mean word confidence; punctuation items carry none worth counting.
fn confidence(items: &[Item]) -> f64 {
    let values: Vec<f64> = items
        .iter()
        .filter(|i| i.kind == "pronunciation")
        .filter_map(|i| {
            i.alternatives
                .first()?
                .confidence
                .as_deref()?
                .parse::<f64>()
                .ok()
        })
        .collect();
    if values.is_empty() {
        UNREPORTED_CONFIDENCE
    } else {
        clamp_confidence(values.iter().sum::<f64>() / values.len() as f64)
    }
}

#[async_trait]
impl SpeechToText for AwsTranscribeProvider {
    async fn transcribe(&self, audio: Audio, language: &str) -> Result<Transcript, SpeechError> {
        let language = normalize_language(language)?;
        let info = *audio.info();
        let format = Self::media_format(info.format)?;
        let clients = self.clients().await;
        let job = format!("cue-{}", uuid::Uuid::new_v4());
        let input_key = format!("{}{job}.{}", self.config.prefix, info.format.extension());
        let output_key = format!("{}{job}.json", self.config.prefix);
        clients
            .s3
            .put_object()
            .bucket(&self.config.bucket)
            .key(&input_key)
            .content_type(info.mime)
            .body(ByteStream::from(audio.into_bytes()))
            .send()
            .await
            .map_err(sdk_error)?;
        let media_uri = format!("s3://{}/{input_key}", self.config.bucket);
        let outcome = match self
            .run_job(clients, &job, media_uri, format, &language, &output_key)
            .await
        {
            Ok(()) => self.read_output(clients, &output_key).await,
            Err(e) => Err(e),
        };
        self.clean_up(clients, &job, &[&input_key, &output_key])
            .await;
        let output = outcome?;
        let transcript = output
            .results
            .transcripts
            .into_iter()
            .map(|t| t.transcript)
            .collect::<Vec<_>>()
            .join(" ");
        Ok(Transcript {
            confidence: confidence(&output.results.items),
            transcript: transcript.trim().to_owned(),
            language,
            duration_seconds: info.duration_seconds,
            provider: self.name(),
        })
    }

    /// Ready when the staging bucket answers `HeadBucket` with our credentials.
    async fn status(&self) -> ProviderStatus {
        let probe = self
            .clients()
            .await
            .s3
            .head_bucket()
            .bucket(&self.config.bucket)
            .send();
        let state = match tokio::time::timeout(Duration::from_secs(5), probe).await {
            Ok(Ok(_)) => ProviderState::Ready,
            Ok(Err(e)) => {
                tracing::warn!(error = %DisplayErrorContext(&e), "speech staging bucket is not reachable");
                ProviderState::Unavailable
            }
            Err(_) => ProviderState::Unavailable,
        };
        ProviderStatus::new(state, self.name())
    }

    fn name(&self) -> &'static str {
        "aws"
    }
}

/// Throttling and transport failures are "unavailable"; other 4xx are rejections.
fn sdk_error<E>(e: SdkError<E, HttpResponse>) -> SpeechError
where
    E: ProvideErrorMetadata + std::error::Error + Debug + Send + Sync + 'static,
{
    match &e {
        SdkError::TimeoutError(_) => SpeechError::Timeout,
        SdkError::DispatchFailure(f) if f.is_timeout() => SpeechError::Timeout,
        SdkError::DispatchFailure(_) => SpeechError::Unavailable { retry_after: None },
        SdkError::ServiceError(service) => {
            let code = e.code().unwrap_or("Unknown");
            let detail = format!("{code}: {}", e.message().unwrap_or_default());
            let status = service.raw().status().as_u16();
            match (code, status) {
                (
                    "ThrottlingException"
                    | "LimitExceededException"
                    | "SlowDown"
                    | "ServiceUnavailable"
                    | "RequestLimitExceeded",
                    _,
                )
                | (_, 429 | 503) => SpeechError::Unavailable { retry_after: None },
                (_, 400..=499) => SpeechError::Rejected { detail },
                _ => SpeechError::Provider { detail },
            }
        }
        _ => SpeechError::Provider {
            detail: DisplayErrorContext(&e).to_string(),
        },
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn reads_transcribe_output_and_confidence() {
        let json = r#"{"jobName":"j","results":{"transcripts":[{"transcript":"turn on the lights."}],
            "items":[{"type":"pronunciation","alternatives":[{"confidence":"0.9","content":"turn"}]},
                     {"type":"pronunciation","alternatives":[{"confidence":"0.7","content":"on"}]},
                     {"type":"punctuation","alternatives":[{"confidence":"0.0","content":"."}]}]},"status":"COMPLETED"}"#;
        let out: Output = serde_json::from_str(json).unwrap();
        assert_eq!(out.results.transcripts[0].transcript, "turn on the lights.");
        assert!((confidence(&out.results.items) - 0.8).abs() < 1e-9);
        assert_eq!(confidence(&[]), UNREPORTED_CONFIDENCE);
    }

    #[test]
    fn vorbis_is_not_sent_to_transcribe() {
        assert!(matches!(
            AwsTranscribeProvider::media_format(AudioFormat::OggVorbis),
            Err(SpeechError::UnsupportedAudio { .. })
        ));
        assert_eq!(
            AwsTranscribeProvider::media_format(AudioFormat::Mp4).unwrap(),
            MediaFormat::M4A
        );
    }
}
