//! The one error type of this crate.

use std::time::Duration;

/// Everything that can go wrong between receiving audio and returning a transcript.
///
/// `Display` never contains provider output or secrets: it is safe to show to a client.
/// Provider detail, kept for the log, is available through [`SpeechError::detail`] (and in
/// `Debug`), with the configured key scrubbed out of it.
#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    /// The body is empty, truncated or internally inconsistent (a WAV header without data).
    #[error("invalid audio: {reason}")]
    InvalidAudio { reason: String },
    /// The bytes are not one of the accepted containers, or this provider cannot take them.
    #[error("unsupported audio: {reason}")]
    UnsupportedAudio { reason: String },
    /// The body is larger than the configured limit.
    #[error("audio is larger than the limit of {limit_bytes} bytes")]
    TooLarge { limit_bytes: usize },
    /// The container states a duration longer than the configured limit.
    #[error("audio lasts {duration_seconds:.1} s, longer than the limit of {limit_seconds:.0} s")]
    TooLong {
        duration_seconds: f64,
        limit_seconds: f64,
    },
    /// The language is not a well-formed BCP-47 tag.
    #[error("invalid language tag {tag:?}: expected a BCP-47 tag such as en-US")]
    InvalidLanguage { tag: String },
    /// The configured provider cannot transcribe this (well-formed) language.
    #[error("the speech provider does not support language {tag:?}")]
    UnsupportedLanguage { tag: String },
    /// No provider is configured (`SPEECH_PROVIDER` is unset or `disabled`).
    #[error("speech-to-text is not configured (set SPEECH_PROVIDER)")]
    NotConfigured,
    /// The configuration names a provider but a setting is missing or malformed.
    #[error("invalid speech configuration: {0}")]
    InvalidConfig(String),
    /// The provider could not be reached, or asked us to come back later (429, 503).
    #[error("the speech provider is unavailable")]
    Unavailable { retry_after: Option<Duration> },
    /// The provider did not answer within the configured time.
    #[error("the speech provider did not answer in time")]
    Timeout,
    /// The provider refused the request (a 4xx other than 429). The reason is in
    /// [`SpeechError::detail`], for the log only.
    #[error("the speech provider rejected the request")]
    Rejected { detail: String },
    /// The provider failed in a way we did not expect (a 5xx, a malformed answer, an SDK error).
    #[error("the speech provider failed")]
    Provider { detail: String },
}

impl SpeechError {
    /// The provider's own explanation, for logging only (never for the client).
    pub fn detail(&self) -> Option<&str> {
        match self {
            Self::Rejected { detail } | Self::Provider { detail } => Some(detail),
            _ => None,
        }
    }

    /// How long the provider asked us to wait, when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Unavailable { retry_after } => *retry_after,
            _ => None,
        }
    }

    pub(crate) fn invalid(reason: impl Into<String>) -> Self {
        Self::InvalidAudio {
            reason: reason.into(),
        }
    }

    pub(crate) fn unsupported(reason: impl Into<String>) -> Self {
        Self::UnsupportedAudio {
            reason: reason.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_of_upstream_errors_is_generic() {
        let rejected = SpeechError::Rejected {
            detail: "quota for project 42 exceeded".into(),
        };
        assert_eq!(
            rejected.to_string(),
            "the speech provider rejected the request"
        );
        assert_eq!(rejected.detail(), Some("quota for project 42 exceeded"));
        let failed = SpeechError::Provider {
            detail: "boom".into(),
        };
        assert!(!failed.to_string().contains("boom"));
        assert_eq!(SpeechError::Timeout.detail(), None);
    }

    #[test]
    fn not_configured_names_the_variable() {
        assert!(
            SpeechError::NotConfigured
                .to_string()
                .contains("SPEECH_PROVIDER")
        );
    }

    #[test]
    fn retry_after_is_only_on_unavailable() {
        let e = SpeechError::Unavailable {
            retry_after: Some(Duration::from_secs(7)),
        };
        assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
        assert_eq!(SpeechError::Timeout.retry_after(), None);
    }
}
