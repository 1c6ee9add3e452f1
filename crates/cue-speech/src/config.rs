//! Typed configuration, filled once at startup from the environment.

use std::{path::PathBuf, str::FromStr, time::Duration};

use secrecy::SecretString;
use url::Url;

use crate::{AudioLimits, SpeechError};

/// Which provider `SPEECH_PROVIDER` selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderKind {
    /// Unset, empty, `disabled` or `none`: transcription answers "not configured".
    Disabled,
    OpenAi,
    Azure,
    /// Amazon Transcribe; needs the `aws` cargo feature.
    Aws,
    /// Offline CMU PocketSphinx; needs the `pocketsphinx` cargo feature.
    PocketSphinx,
}

impl FromStr for ProviderKind {
    type Err = SpeechError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "disabled" | "none" => Ok(Self::Disabled),
            "openai" => Ok(Self::OpenAi),
            "azure" => Ok(Self::Azure),
            "aws" | "transcribe" => Ok(Self::Aws),
            "pocketsphinx" | "offline" => Ok(Self::PocketSphinx),
            other => Err(SpeechError::InvalidConfig(format!(
                "SPEECH_PROVIDER={other:?} is not one of disabled, openai, azure, aws, pocketsphinx"
            ))),
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
    /// How long to wait for a job before giving up with [`SpeechError::Timeout`].
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

/// Everything this crate needs, one struct for the gateway to hold.
#[derive(Debug, Clone)]
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
        Self {
            provider: ProviderKind::Disabled,
            limits: AudioLimits::default(),
            request_timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(5),
            openai: None,
            azure: None,
            aws: None,
            pocketsphinx: None,
        }
    }
}

impl SpeechConfig {
    /// Reads the process environment (see [`SpeechConfig::from_lookup`] for the variables).
    pub fn from_env() -> Result<Self, SpeechError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `lookup` (a variable name to its value). Variables:
    ///
    /// | variable | default | meaning |
    /// |---|---|---|
    /// | `SPEECH_PROVIDER` | `disabled` | `disabled`, `openai`, `azure`, `aws` |
    /// | `SPEECH_MAX_BYTES` | 26214400 | upload limit |
    /// | `SPEECH_MAX_SECONDS` | 300 | duration limit where the container states it; 0 = none |
    /// | `SPEECH_TIMEOUT_SECONDS` | 60 | HTTP provider request timeout |
    /// | `SPEECH_CONNECT_TIMEOUT_SECONDS` | 5 | HTTP provider connect timeout |
    /// | `OPENAI_STT_BASE_URL` | `https://api.openai.com/v1` | |
    /// | `OPENAI_STT_API_KEY` | none | bearer key |
    /// | `OPENAI_STT_MODEL` | `whisper-1` | |
    /// | `AZURE_SPEECH_KEY` | required for azure | |
    /// | `AZURE_SPEECH_REGION` / `AZURE_SPEECH_ENDPOINT` | one required for azure | |
    /// | `AWS_REGION`, `AWS_ENDPOINT_URL` | SDK defaults | |
    /// | `TRANSCRIBE_BUCKET` | required for aws | staging bucket |
    /// | `TRANSCRIBE_PREFIX` | `speech/` | key prefix |
    /// | `TRANSCRIBE_POLL_INTERVAL_MS` | 1000 | |
    /// | `TRANSCRIBE_TIMEOUT_SECONDS` | 120 | |
    /// | `AWS_S3_FORCE_PATH_STYLE` | false | |
    /// | `POCKETSPHINX_BINARY` | `pocketsphinx_continuous` | |
    /// | `POCKETSPHINX_HMM`, `POCKETSPHINX_LM`, `POCKETSPHINX_DICT` | program defaults (en-US) | model paths |
    /// | `POCKETSPHINX_MAX_CONCURRENT` | 1 | |
    /// | `POCKETSPHINX_WORK_DIR` | the system temp dir | audio handed to the program |
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SpeechError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let defaults = Self::default();
        let provider = get("SPEECH_PROVIDER")
            .unwrap_or_default()
            .parse::<ProviderKind>()?;
        let max_bytes = parse_or(&get, "SPEECH_MAX_BYTES", defaults.limits.max_bytes)?;
        if max_bytes == 0 {
            return Err(SpeechError::InvalidConfig(
                "SPEECH_MAX_BYTES must be positive".into(),
            ));
        }
        let max_seconds = match get("SPEECH_MAX_SECONDS") {
            None => defaults.limits.max_seconds,
            Some(v) => match v.parse::<f64>() {
                Ok(0.0) => None,
                Ok(s) if s.is_finite() && s > 0.0 => Some(s),
                _ => {
                    return Err(bad(
                        "SPEECH_MAX_SECONDS",
                        "a number of seconds (0 for no limit)",
                    ));
                }
            },
        };
        let mut config = Self {
            provider,
            limits: AudioLimits {
                max_bytes,
                max_seconds,
            },
            request_timeout: seconds_or(&get, "SPEECH_TIMEOUT_SECONDS", defaults.request_timeout)?,
            connect_timeout: seconds_or(
                &get,
                "SPEECH_CONNECT_TIMEOUT_SECONDS",
                defaults.connect_timeout,
            )?,
            ..defaults
        };
        match provider {
            ProviderKind::Disabled => {}
            ProviderKind::OpenAi => {
                let base = get("OPENAI_STT_BASE_URL")
                    .unwrap_or_else(|| "https://api.openai.com/v1".into());
                config.openai = Some(OpenAiConfig {
                    base_url: Url::parse(&base)
                        .map_err(|_| bad("OPENAI_STT_BASE_URL", "an absolute URL"))?,
                    api_key: get("OPENAI_STT_API_KEY").map(SecretString::from),
                    model: get("OPENAI_STT_MODEL").unwrap_or_else(|| "whisper-1".into()),
                });
            }
            ProviderKind::Azure => {
                let key = get("AZURE_SPEECH_KEY").ok_or_else(|| {
                    SpeechError::InvalidConfig(
                        "AZURE_SPEECH_KEY is required when SPEECH_PROVIDER=azure".into(),
                    )
                })?;
                let endpoint = get("AZURE_SPEECH_ENDPOINT")
                    .map(|e| {
                        Url::parse(&e).map_err(|_| bad("AZURE_SPEECH_ENDPOINT", "an absolute URL"))
                    })
                    .transpose()?;
                let region = get("AZURE_SPEECH_REGION");
                config.azure = Some(AzureConfig {
                    key: SecretString::from(key),
                    region,
                    endpoint,
                });
            }
            ProviderKind::Aws => {
                let bucket = get("TRANSCRIBE_BUCKET").ok_or_else(|| {
                    SpeechError::InvalidConfig(
                        "TRANSCRIBE_BUCKET is required when SPEECH_PROVIDER=aws".into(),
                    )
                })?;
                let force_path_style = match get("AWS_S3_FORCE_PATH_STYLE").as_deref() {
                    None | Some("false" | "0") => false,
                    Some("true" | "1") => true,
                    Some(_) => return Err(bad("AWS_S3_FORCE_PATH_STYLE", "true or false")),
                };
                let poll_ms: u64 = parse_or(&get, "TRANSCRIBE_POLL_INTERVAL_MS", 1000)?;
                config.aws = Some(AwsTranscribeConfig {
                    region: get("AWS_REGION"),
                    endpoint_url: get("AWS_ENDPOINT_URL"),
                    bucket,
                    prefix: get("TRANSCRIBE_PREFIX").unwrap_or_else(|| "speech/".into()),
                    force_path_style,
                    poll_interval: Duration::from_millis(poll_ms.max(1)),
                    job_timeout: seconds_or(
                        &get,
                        "TRANSCRIBE_TIMEOUT_SECONDS",
                        Duration::from_secs(120),
                    )?,
                });
            }
            ProviderKind::PocketSphinx => {
                config.pocketsphinx = Some(PocketSphinxConfig {
                    binary: get("POCKETSPHINX_BINARY")
                        .unwrap_or_else(|| "pocketsphinx_continuous".into())
                        .into(),
                    hmm: get("POCKETSPHINX_HMM").map(PathBuf::from),
                    lm: get("POCKETSPHINX_LM").map(PathBuf::from),
                    dict: get("POCKETSPHINX_DICT").map(PathBuf::from),
                    timeout: config.request_timeout,
                    max_concurrent: parse_or(&get, "POCKETSPHINX_MAX_CONCURRENT", 1)?,
                    work_dir: get("POCKETSPHINX_WORK_DIR")
                        .map_or_else(std::env::temp_dir, PathBuf::from),
                });
            }
        }
        Ok(config)
    }
}

fn bad(name: &str, expected: &str) -> SpeechError {
    SpeechError::InvalidConfig(format!("{name} must be {expected}"))
}

fn parse_or<T: FromStr>(
    get: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: T,
) -> Result<T, SpeechError> {
    get(name).map_or(Ok(default), |v| {
        v.parse().map_err(|_| bad(name, "a non-negative integer"))
    })
}

fn seconds_or(
    get: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: Duration,
) -> Result<Duration, SpeechError> {
    match get(name) {
        None => Ok(default),
        Some(v) => v
            .parse::<f64>()
            .ok()
            .filter(|s| *s > 0.0)
            .and_then(|s| Duration::try_from_secs_f64(s).ok())
            .ok_or_else(|| bad(name, "a positive number of seconds")),
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn from(vars: &[(&str, &str)]) -> Result<SpeechConfig, SpeechError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        SpeechConfig::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn empty_environment_is_disabled_with_default_limits() {
        let config = from(&[]).unwrap();
        assert_eq!(config.provider, ProviderKind::Disabled);
        assert_eq!(config.limits, AudioLimits::default());
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

        let a = aws.aws.unwrap();
        assert!(a.force_path_style);
        assert_eq!(a.poll_interval, Duration::from_millis(50));
        assert_eq!(a.job_timeout, Duration::from_millis(2500));
    }

    #[test]
    fn errors_name_the_wrong_variable() {
        for (vars, name) in [
            (&[("SPEECH_PROVIDER", "google")][..], "SPEECH_PROVIDER"),
            (&[("SPEECH_MAX_BYTES", "lots")][..], "SPEECH_MAX_BYTES"),
            (&[("SPEECH_MAX_BYTES", "0")][..], "SPEECH_MAX_BYTES"),
            (&[("SPEECH_MAX_SECONDS", "-1")][..], "SPEECH_MAX_SECONDS"),
            (
                &[("SPEECH_TIMEOUT_SECONDS", "0")][..],
                "SPEECH_TIMEOUT_SECONDS",
            ),
            (
                &[("SPEECH_PROVIDER", "azure"), ("AZURE_SPEECH_REGION", "x")][..],
                "AZURE_SPEECH_KEY",
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
        ] {
            let err = from(vars).unwrap_err().to_string();
            assert!(err.contains(name), "{err} should name {name}");
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
