//! [`SpeechConfig`]: the provider and its settings, typed, read once at startup under the
//! variable names the README documents (`SPEECH_PROVIDER`, `OPENAI_STT_*`, `AZURE_SPEECH_*`,
//! `TRANSCRIBE_*`, `POCKETSPHINX_*`, `SPEECH_*` limits).

use std::{path::PathBuf, time::Duration};

use cue_settings::{SettingError, de, ensure};
use secrecy::SecretString;
use serde::Deserialize;
use url::Url;

use crate::AudioLimits;

/// Which provider `SPEECH_PROVIDER` selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(try_from = "String")]
pub enum ProviderKind {
    /// Unset, `disabled` or `none`: transcription answers "not configured".
    #[default]
    Disabled,
    OpenAi,
    Azure,
    /// Amazon Transcribe; needs the `aws` cargo feature.
    Aws,
    /// Offline CMU PocketSphinx; needs the `pocketsphinx` cargo feature.
    PocketSphinx,
}

impl TryFrom<String> for ProviderKind {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "disabled" | "none" => Ok(Self::Disabled),
            "openai" => Ok(Self::OpenAi),
            "azure" => Ok(Self::Azure),
            "aws" | "transcribe" => Ok(Self::Aws),
            "pocketsphinx" | "offline" => Ok(Self::PocketSphinx),
            other => Err(format!(
                "{other:?} is not one of disabled, openai, azure, aws, pocketsphinx"
            )),
        }
    }
}

/// An OpenAI-compatible `/audio/transcriptions` endpoint.
#[derive(Debug, Clone)]
pub struct OpenAiConfig {
    /// Up to and including the version segment: `https://api.openai.com/v1`.
    pub base_url: Url,
    /// Optional: local servers often need none.
    pub api_key: Option<SecretString>,
    pub model: String,
}

/// Azure Speech, REST API for short audio.
#[derive(Debug, Clone)]
pub struct AzureConfig {
    pub key: SecretString,
    /// Used to build `https://{region}.stt.speech.microsoft.com` when `endpoint` is not set.
    pub region: Option<String>,
    /// Replaces the regional host (tests, sovereign clouds, private endpoints).
    pub endpoint: Option<Url>,
}

/// Amazon Transcribe batch jobs, with the audio staged in S3.
#[derive(Debug, Clone)]
pub struct AwsTranscribeConfig {
    /// `None`: the SDK's default region chain.
    pub region: Option<String>,
    /// Overrides every AWS endpoint (moto in tests).
    pub endpoint_url: Option<String>,
    pub bucket: String,
    /// Key prefix for the temporary audio and transcript objects.
    pub prefix: String,
    /// Path-style S3 addressing (needed by moto and most S3 look-alikes).
    pub force_path_style: bool,
    pub poll_interval: Duration,
    /// How long to wait for a job before giving up with [`SpeechError::Timeout`](crate::SpeechError::Timeout).
    pub job_timeout: Duration,
}

/// Offline recognition with `pocketsphinx_continuous`.
#[derive(Debug, Clone)]
pub struct PocketSphinxConfig {
    /// A program name looked up on `PATH`, or a path.
    pub binary: PathBuf,
    /// Acoustic model, language model and dictionary; `None`: the program's (US English) defaults.
    pub hmm: Option<PathBuf>,
    pub lm: Option<PathBuf>,
    pub dict: Option<PathBuf>,
    pub timeout: Duration,
    /// Recognitions allowed at once (each takes a core).
    pub max_concurrent: usize,
    /// Where the audio is written for the program to read; removed afterwards.
    pub work_dir: PathBuf,
}

/// Everything this crate needs, one struct for the gateway to hold. Deserialized from the flat
/// variables (see the README's table; unset ones keep the [`Default`], the disabled provider),
/// with only the selected provider's settings filled in. `Debug` never shows a key.
#[derive(Debug, Clone, Deserialize)]
#[serde(from = "SpeechVars")]
pub struct SpeechConfig {
    pub provider: ProviderKind,
    pub limits: AudioLimits,
    /// Whole-request timeout for HTTP providers.
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    pub openai: Option<OpenAiConfig>,
    pub azure: Option<AzureConfig>,
    pub aws: Option<AwsTranscribeConfig>,
    pub pocketsphinx: Option<PocketSphinxConfig>,
}

impl Default for SpeechConfig {
    fn default() -> Self {
        SpeechVars::default().into()
    }
}

impl SpeechConfig {
    /// Limits and timeouts above zero, and what the selected provider cannot work without.
    pub fn validate(&self) -> Result<(), SettingError> {
        ensure(
            self.limits.max_bytes > 0,
            "SPEECH_MAX_BYTES",
            "must be greater than 0",
        )?;
        ensure(
            self.limits
                .max_seconds
                .is_none_or(|s| s.is_finite() && s > 0.0),
            "SPEECH_MAX_SECONDS",
            "must be a number of seconds (0 for no limit)",
        )?;
        ensure(
            !self.request_timeout.is_zero(),
            "SPEECH_TIMEOUT_SECONDS",
            "must be greater than 0",
        )?;
        ensure(
            !self.connect_timeout.is_zero(),
            "SPEECH_CONNECT_TIMEOUT_SECONDS",
            "must be greater than 0",
        )?;
        match self.provider {
            ProviderKind::Disabled | ProviderKind::OpenAi => Ok(()),
            ProviderKind::Azure => {
                let Some(azure) = &self.azure else {
                    return Err(SettingError::new(
                        "AZURE_SPEECH_KEY",
                        "is required when SPEECH_PROVIDER=azure",
                    ));
                };
                ensure(
                    azure.region.is_some() || azure.endpoint.is_some(),
                    "AZURE_SPEECH_REGION",
                    "is required when SPEECH_PROVIDER=azure, unless AZURE_SPEECH_ENDPOINT is set",
                )
            }
            ProviderKind::Aws => {
                let Some(aws) = &self.aws else {
                    return Err(SettingError::new(
                        "TRANSCRIBE_BUCKET",
                        "is required when SPEECH_PROVIDER=aws",
                    ));
                };
                ensure(
                    !aws.job_timeout.is_zero(),
                    "TRANSCRIBE_TIMEOUT_SECONDS",
                    "must be greater than 0",
                )
            }
            ProviderKind::PocketSphinx => ensure(
                self.pocketsphinx
                    .as_ref()
                    .is_some_and(|p| p.max_concurrent > 0),
                "POCKETSPHINX_MAX_CONCURRENT",
                "must be greater than 0",
            ),
        }
    }
}

/// The variables as the environment spells them. [`SpeechConfig`] groups them by provider.
#[derive(Deserialize)]
#[serde(default)]
struct SpeechVars {
    speech_provider: ProviderKind,
    speech_max_bytes: usize,
    /// 0: no limit.
    speech_max_seconds: f64,
    #[serde(deserialize_with = "de::fractional_seconds")]
    speech_timeout_seconds: Duration,
    #[serde(deserialize_with = "de::fractional_seconds")]
    speech_connect_timeout_seconds: Duration,
    #[serde(deserialize_with = "de::http_url")]
    openai_stt_base_url: Url,
    openai_stt_api_key: Option<SecretString>,
    openai_stt_model: String,
    azure_speech_key: Option<SecretString>,
    azure_speech_region: Option<String>,
    #[serde(deserialize_with = "de::optional_http_url")]
    azure_speech_endpoint: Option<Url>,
    aws_region: Option<String>,
    aws_endpoint_url: Option<String>,
    aws_s3_force_path_style: bool,
    transcribe_bucket: Option<String>,
    transcribe_prefix: String,
    #[serde(deserialize_with = "de::millis")]
    transcribe_poll_interval_ms: Duration,
    #[serde(deserialize_with = "de::fractional_seconds")]
    transcribe_timeout_seconds: Duration,
    pocketsphinx_binary: PathBuf,
    pocketsphinx_hmm: Option<PathBuf>,
    pocketsphinx_lm: Option<PathBuf>,
    pocketsphinx_dict: Option<PathBuf>,
    pocketsphinx_max_concurrent: usize,
    pocketsphinx_work_dir: Option<PathBuf>,
}

impl Default for SpeechVars {
    fn default() -> Self {
        let limits = AudioLimits::default();
        Self {
            speech_provider: ProviderKind::Disabled,
            speech_max_bytes: limits.max_bytes,
            speech_max_seconds: limits.max_seconds.unwrap_or(0.0),
            speech_timeout_seconds: Duration::from_secs(60),
            speech_connect_timeout_seconds: Duration::from_secs(5),
            openai_stt_base_url: openai_base_url(),
            openai_stt_api_key: None,
            openai_stt_model: "whisper-1".into(),
            azure_speech_key: None,
            azure_speech_region: None,
            azure_speech_endpoint: None,
            aws_region: None,
            aws_endpoint_url: None,
            aws_s3_force_path_style: false,
            transcribe_bucket: None,
            transcribe_prefix: "speech/".into(),
            transcribe_poll_interval_ms: Duration::from_secs(1),
            transcribe_timeout_seconds: Duration::from_secs(120),
            pocketsphinx_binary: "pocketsphinx_continuous".into(),
            pocketsphinx_hmm: None,
            pocketsphinx_lm: None,
            pocketsphinx_dict: None,
            pocketsphinx_max_concurrent: 1,
            pocketsphinx_work_dir: None,
        }
    }
}

#[expect(clippy::expect_used, reason = "a constant URL")]
fn openai_base_url() -> Url {
    Url::parse("https://api.openai.com/v1").expect("the OpenAI URL parses")
}

impl From<SpeechVars> for SpeechConfig {
    fn from(v: SpeechVars) -> Self {
        let provider = v.speech_provider;
        let request_timeout = v.speech_timeout_seconds;
        let selected = |kind| provider == kind;
        Self {
            provider,
            limits: AudioLimits {
                max_bytes: v.speech_max_bytes,
                max_seconds: (v.speech_max_seconds != 0.0).then_some(v.speech_max_seconds),
            },
            request_timeout,
            connect_timeout: v.speech_connect_timeout_seconds,
            openai: selected(ProviderKind::OpenAi).then(|| OpenAiConfig {
                base_url: v.openai_stt_base_url,
                api_key: v.openai_stt_api_key,
                model: v.openai_stt_model,
            }),
            azure: v
                .azure_speech_key
                .filter(|_| selected(ProviderKind::Azure))
                .map(|key| AzureConfig {
                    key,
                    region: v.azure_speech_region,
                    endpoint: v.azure_speech_endpoint,
                }),
            aws: v
                .transcribe_bucket
                .filter(|_| selected(ProviderKind::Aws))
                .map(|bucket| AwsTranscribeConfig {
                    region: v.aws_region,
                    endpoint_url: v.aws_endpoint_url,
                    bucket,
                    prefix: v.transcribe_prefix,
                    force_path_style: v.aws_s3_force_path_style,
                    poll_interval: v.transcribe_poll_interval_ms.max(Duration::from_millis(1)),
                    job_timeout: v.transcribe_timeout_seconds,
                }),
            pocketsphinx: selected(ProviderKind::PocketSphinx).then(|| PocketSphinxConfig {
                binary: v.pocketsphinx_binary,
                hmm: v.pocketsphinx_hmm,
                lm: v.pocketsphinx_lm,
                dict: v.pocketsphinx_dict,
                timeout: request_timeout,
                max_concurrent: v.pocketsphinx_max_concurrent,
                work_dir: v.pocketsphinx_work_dir.unwrap_or_else(std::env::temp_dir),
            }),
        }
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use cue_settings::Source;

    use super::*;

    fn from(vars: &[(&str, &str)]) -> Result<SpeechConfig, SettingError> {
        let config: SpeechConfig = Source::from_pairs(vars.iter().copied()).get()?;
        config.validate().map(|()| config)
    }

    #[test]
    fn empty_environment_is_disabled_with_default_limits() {
        let config = from(&[]).unwrap();
        assert_eq!(config.provider, ProviderKind::Disabled);
        assert_eq!(config.limits, AudioLimits::default());
        assert_eq!(
            (config.request_timeout, config.connect_timeout),
            (Duration::from_secs(60), Duration::from_secs(5))
        );
        assert!(config.openai.is_none() && config.azure.is_none());
    }

    #[test]
    fn reads_each_provider() {
        let openai = from(&[
            ("SPEECH_PROVIDER", "OpenAI"),
            ("OPENAI_STT_BASE_URL", "http://127.0.0.1:9/v1"),
            ("OPENAI_STT_MODEL", "small"),
        ])
        .unwrap();
        let o = openai.openai.unwrap();
        assert_eq!(o.base_url.as_str(), "http://127.0.0.1:9/v1");
        assert_eq!(o.model, "small");
        assert!(o.api_key.is_none());

        let azure = from(&[
            ("SPEECH_PROVIDER", "azure"),
            ("AZURE_SPEECH_KEY", "k"),
            ("AZURE_SPEECH_REGION", "westeurope"),
        ])
        .unwrap();
        assert_eq!(azure.azure.unwrap().region.as_deref(), Some("westeurope"));

        let aws = from(&[
            ("SPEECH_PROVIDER", "aws"),
            ("TRANSCRIBE_BUCKET", "b"),
            ("AWS_S3_FORCE_PATH_STYLE", "true"),
            ("TRANSCRIBE_POLL_INTERVAL_MS", "50"),
            ("TRANSCRIBE_TIMEOUT_SECONDS", "2.5"),
        ])
        .unwrap();
        let a = aws.aws.unwrap();
        assert!(a.force_path_style);
        assert_eq!(a.poll_interval, Duration::from_millis(50));
        assert_eq!(a.job_timeout, Duration::from_millis(2500));
        assert_eq!(a.prefix, "speech/");

        let offline = from(&[
            ("SPEECH_PROVIDER", "offline"),
            ("POCKETSPHINX_WORK_DIR", "/var/tmp"),
        ])
        .unwrap();
        let p = offline.pocketsphinx.unwrap();
        assert_eq!(
            (p.binary.to_str(), p.work_dir.to_str(), p.max_concurrent),
            (Some("pocketsphinx_continuous"), Some("/var/tmp"), 1)
        );
    }

    #[test]
    fn only_the_selected_provider_is_configured() {
        let c = from(&[
            ("SPEECH_PROVIDER", "openai"),
            ("AZURE_SPEECH_KEY", "k"),
            ("TRANSCRIBE_BUCKET", "b"),
        ])
        .unwrap();
        assert!(c.openai.is_some());
        assert!(c.azure.is_none() && c.aws.is_none() && c.pocketsphinx.is_none());
    }

    #[test]
    fn errors_name_the_wrong_variable() {
        for (vars, name) in [
            (&[("SPEECH_PROVIDER", "google")][..], "SPEECH_PROVIDER"),
            (&[("SPEECH_MAX_BYTES", "lots")][..], "SPEECH_MAX_BYTES"),
            (&[("SPEECH_MAX_BYTES", "0")][..], "SPEECH_MAX_BYTES"),
            (&[("SPEECH_MAX_SECONDS", "-1")][..], "SPEECH_MAX_SECONDS"),
            (&[("SPEECH_MAX_SECONDS", "soon")][..], "SPEECH_MAX_SECONDS"),
            (
                &[("SPEECH_TIMEOUT_SECONDS", "0")][..],
                "SPEECH_TIMEOUT_SECONDS",
            ),
            (
                &[("SPEECH_CONNECT_TIMEOUT_SECONDS", "-2")][..],
                "SPEECH_CONNECT_TIMEOUT_SECONDS",
            ),
            (
                &[("SPEECH_PROVIDER", "azure"), ("AZURE_SPEECH_REGION", "x")][..],
                "AZURE_SPEECH_KEY",
            ),
            (
                &[("SPEECH_PROVIDER", "azure"), ("AZURE_SPEECH_KEY", "k")][..],
                "AZURE_SPEECH_REGION",
            ),
            (
                &[
                    ("SPEECH_PROVIDER", "azure"),
                    ("AZURE_SPEECH_KEY", "k"),
                    ("AZURE_SPEECH_ENDPOINT", "nope"),
                ][..],
                "AZURE_SPEECH_ENDPOINT",
            ),
            (
                &[("SPEECH_PROVIDER", "openai"), ("OPENAI_STT_BASE_URL", "::")][..],
                "OPENAI_STT_BASE_URL",
            ),
            (&[("SPEECH_PROVIDER", "aws")][..], "TRANSCRIBE_BUCKET"),
            (
                &[
                    ("SPEECH_PROVIDER", "aws"),
                    ("TRANSCRIBE_BUCKET", "b"),
                    ("TRANSCRIBE_TIMEOUT_SECONDS", "0"),
                ][..],
                "TRANSCRIBE_TIMEOUT_SECONDS",
            ),
            (
                &[("AWS_S3_FORCE_PATH_STYLE", "sometimes")][..],
                "AWS_S3_FORCE_PATH_STYLE",
            ),
            (
                &[
                    ("SPEECH_PROVIDER", "pocketsphinx"),
                    ("POCKETSPHINX_MAX_CONCURRENT", "0"),
                ][..],
                "POCKETSPHINX_MAX_CONCURRENT",
            ),
        ] {
            let err = from(vars).unwrap_err();
            assert_eq!(err.var, name, "{vars:?}: {err}");
        }
    }

    #[test]
    fn zero_max_seconds_means_no_limit() {
        assert_eq!(
            from(&[("SPEECH_MAX_SECONDS", "0")])
                .unwrap()
                .limits
                .max_seconds,
            None
        );
    }

    #[test]
    fn debug_never_prints_keys() {
        let config = from(&[
            ("SPEECH_PROVIDER", "azure"),
            ("AZURE_SPEECH_KEY", "azure-secret-123"),
            ("AZURE_SPEECH_REGION", "westeurope"),
        ])
        .unwrap();
        let openai = from(&[
            ("SPEECH_PROVIDER", "openai"),
            ("OPENAI_STT_API_KEY", "sk-secret-456"),
        ])
        .unwrap();
        let printed = format!("{config:?} {openai:?} {config:#?}");
        assert!(!printed.contains("azure-secret-123"));
        assert!(!printed.contains("sk-secret-456"));
    }
}
