//! One place where every failure becomes an HTTP answer: `{"detail": "...", "code": "..."}`.
//!
//! `detail` keeps FastAPI-style clients working; `code` is stable and machine-readable.
//! 5xx bodies are generic; their cause is logged once, here.

use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpResponse, ResponseError};
use cue_auth::AuthError;
use cue_speech::SpeechError;
use cue_validate::ValidateError;
use cue_workflows::WorkflowError;
use cue_workflows::search::SearchError;
use serde::Serialize;

/// The JSON error body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A message for humans.
    pub detail: String,
    /// A stable, machine-readable code.
    pub code: &'static str,
}

/// Every error a handler can return.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Workflow(#[from] WorkflowError),
    #[error(transparent)]
    Validate(#[from] ValidateError),
    #[error(transparent)]
    Speech(#[from] SpeechError),
    /// Malformed or invalid input, with a message that says what to fix.
    #[error("{detail}")]
    BadRequest { detail: String, code: &'static str },
    #[error("{detail}")]
    Unprocessable { detail: String, code: &'static str },
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("request body is larger than the limit of {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    /// A dependency (database, cache, upstream) is down.
    #[error("{what} is temporarily unavailable")]
    Unavailable {
        what: &'static str,
        retry_after_secs: Option<u64>,
    },
    /// A rate limit is used up (see `ratelimit`).
    #[error("too many requests: the {bucket} limit is used up; retry in {retry_after_secs} s")]
    RateLimited {
        bucket: &'static str,
        retry_after_secs: u64,
    },
    /// The request took longer than the server allows (slow upload or slow work).
    #[error("the request took longer than {0} s")]
    Timeout(u64),
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::BadRequest {
            detail: detail.into(),
            code,
        }
    }

    pub fn unprocessable(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Unprocessable {
            detail: detail.into(),
            code,
        }
    }

    pub fn internal(err: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Internal(err.into())
    }

    /// Status, stable code and client-facing message. Exhaustive on purpose: a new variant
    /// anywhere forces a decision here.
    fn parts(&self) -> (StatusCode, &'static str, String) {
        use cue_auth::ports::RepoError;
        match self {
            ApiError::Auth(e) => match e {
                AuthError::ProviderNotConfigured(_) => (
                    StatusCode::NOT_FOUND,
                    "provider_not_configured",
                    e.to_string(),
                ),
                AuthError::InvalidState(_) => {
                    (StatusCode::BAD_REQUEST, "invalid_state", e.to_string())
                }
                AuthError::ProviderDenied(_) => {
                    (StatusCode::BAD_REQUEST, "provider_denied", e.to_string())
                }
                AuthError::MissingCode => (StatusCode::BAD_REQUEST, "missing_code", e.to_string()),
                AuthError::ProviderFailed(_) => {
                    (StatusCode::BAD_GATEWAY, "provider_error", e.to_string())
                }
                AuthError::Unauthenticated => (
                    StatusCode::UNAUTHORIZED,
                    "not_authenticated",
                    "Not authenticated".into(),
                ),
                AuthError::InvalidToken(_) => {
                    (StatusCode::UNAUTHORIZED, "invalid_token", e.to_string())
                }
                AuthError::InvalidProfile(_) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_profile",
                    e.to_string(),
                ),
                AuthError::Repo(r) => match r {
                    RepoError::Unavailable(_) => (
                        StatusCode::SERVICE_UNAVAILABLE,
                        "database_unavailable",
                        "the database is temporarily unavailable".into(),
                    ),
                    RepoError::Conflict | RepoError::Internal(_) => (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "internal_error",
                        "internal error".into(),
                    ),
                },
                AuthError::Internal(_) => (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal_error",
                    "internal error".into(),
                ),
            },
            ApiError::Workflow(e) => match e {
                WorkflowError::EmptyPrompt => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "empty_prompt",
                    e.to_string(),
                ),
                WorkflowError::PromptTooLong { .. } => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "prompt_too_long",
                    e.to_string(),
                ),
                WorkflowError::NotUnderstood { .. } => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "prompt_not_understood",
                    e.to_string(),
                ),
                WorkflowError::Disallowed { .. } => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "prompt_disallowed",
                    e.to_string(),
                ),
                WorkflowError::UnknownCredentials { .. } => (
                    StatusCode::BAD_REQUEST,
                    "unknown_credentials",
                    e.to_string(),
                ),
                WorkflowError::PlaceholderMissing { .. } => {
                    (StatusCode::CONFLICT, "placeholder_missing", e.to_string())
                }
                WorkflowError::WorkflowNotFound | WorkflowError::TemplateNotFound => {
                    (StatusCode::NOT_FOUND, "not_found", e.to_string())
                }
                WorkflowError::NoPlan => {
                    (StatusCode::UNPROCESSABLE_ENTITY, "no_plan", e.to_string())
                }
                WorkflowError::InvalidWorkflow(_) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_workflow",
                    e.to_string(),
                ),
                WorkflowError::InvalidGraph(_) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_graph",
                    e.to_string(),
                ),
                WorkflowError::SecretInCode { .. } => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "secret_in_code",
                    e.to_string(),
                ),
                WorkflowError::CodeTooLarge { .. } => (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    e.to_string(),
                ),
                WorkflowError::InvalidQuery(_) => {
                    (StatusCode::BAD_REQUEST, "invalid_query", e.to_string())
                }
                WorkflowError::Validate(e) => validate_parts(e),
                WorkflowError::Search(e) => search_parts(e),
                WorkflowError::Repo(cue_workflows::repo::RepoError::QuotaExceeded(q)) => {
                    (StatusCode::FORBIDDEN, "quota_exceeded", q.to_string())
                }
                WorkflowError::SandboxUnavailable { .. } => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "sandbox_unavailable",
                    e.to_string(),
                ),
                WorkflowError::SandboxBusy => (
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_dry_runs",
                    e.to_string(),
                ),
                WorkflowError::SandboxFailed { .. } => {
                    (StatusCode::BAD_GATEWAY, "sandbox_failed", e.to_string())
                }
                WorkflowError::DryRunTooLarge { .. } => (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    e.to_string(),
                ),
                WorkflowError::Repo(cue_workflows::repo::RepoError::Unavailable(_)) => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "database_unavailable",
                    "the database is temporarily unavailable".into(),
                ),
                WorkflowError::Repo(cue_workflows::repo::RepoError::Internal(_))
                | WorkflowError::Internal(_) => (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal_error",
                    "internal error".into(),
                ),
            },
            ApiError::Validate(e) => validate_parts(e),
            ApiError::Speech(e) => {
                // Display is client-safe; the provider's own words are only in `detail()`.
                let (status, code) = speech_parts(e);
                (status, code, e.to_string())
            }
            ApiError::BadRequest { detail, code } => {
                (StatusCode::BAD_REQUEST, code, detail.clone())
            }
            ApiError::Unprocessable { detail, code } => {
                (StatusCode::UNPROCESSABLE_ENTITY, code, detail.clone())
            }
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found", self.to_string()),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", self.to_string()),
            ApiError::PayloadTooLarge { .. } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                self.to_string(),
            ),
            ApiError::UnsupportedMediaType(_) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                self.to_string(),
            ),
            ApiError::Unavailable { what, .. } => (
                StatusCode::SERVICE_UNAVAILABLE,
                if *what == "the database" {
                    "database_unavailable"
                } else {
                    "service_unavailable"
                },
                self.to_string(),
            ),
            ApiError::RateLimited { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                self.to_string(),
            ),
            ApiError::Timeout(_) => (
                StatusCode::GATEWAY_TIMEOUT,
                "request_timeout",
                self.to_string(),
            ),
            ApiError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "internal error".into(),
            ),
        }
    }

    /// The dependency a 502/503/504 is blamed on, for the upstream-error metric.
    fn upstream(&self, code: &'static str) -> &'static str {
        match self {
            _ if code == "database_unavailable" => "database",
            ApiError::Auth(_) => "identity_provider",
            ApiError::Speech(_) => "speech",
            // A search met in a workflow operation is still the search backend's failure.
            ApiError::Workflow(WorkflowError::Search(_)) => code,
            ApiError::Workflow(
                WorkflowError::SandboxUnavailable { .. } | WorkflowError::SandboxFailed { .. },
            ) => "sandbox",
            ApiError::Workflow(_) => "model",
            ApiError::Timeout(_) => "timeout",
            _ => code,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.parts().0
    }

    fn error_response(&self) -> HttpResponse {
        let (status, code, detail) = self.parts();
        let upstream = matches!(
            status,
            StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT
        )
        .then(|| self.upstream(code));
        if status.is_server_error() {
            // The cause chain goes to the log, never to the client.
            let detail = match self {
                ApiError::Speech(e) => e.detail(),
                _ => None,
            };
            tracing::error!(error = %self, cause = ?std::error::Error::source(self), upstream_detail = ?detail, code, "request failed");
        } else {
            tracing::debug!(code, %status, "request rejected");
        }
        let mut response = HttpResponse::build(status);
        if status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        let retry = match self {
            ApiError::Unavailable {
                retry_after_secs, ..
            } => *retry_after_secs,
            ApiError::RateLimited {
                retry_after_secs, ..
            } => Some(*retry_after_secs),
            _ if status == StatusCode::SERVICE_UNAVAILABLE => Some(1),
            _ => None,
        };
        if let Some(secs) = retry {
            response.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        let mut response = response.json(ErrorBody { detail, code });
        response
            .extensions_mut()
            .insert(ErrorCode { code, upstream });
        response
    }
}

/// On every response made from an [`ApiError`]: its stable code and, for a 502, 503 or 504,
/// the dependency it is blamed on. Middleware reads it from the response (the metrics count
/// upstream failures with it), so this module needs to know nothing about middleware.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCode {
    pub code: &'static str,
    pub upstream: Option<&'static str>,
}

/// How each speech failure reaches the client. Provider detail stays in the log.
fn speech_parts(e: &SpeechError) -> (StatusCode, &'static str) {
    use StatusCode as S;
    match e {
        SpeechError::InvalidAudio { .. } => (S::BAD_REQUEST, "invalid_audio"),
        SpeechError::UnsupportedAudio { .. } => (S::UNSUPPORTED_MEDIA_TYPE, "unsupported_audio"),
        SpeechError::TooLarge { .. } => (S::PAYLOAD_TOO_LARGE, "audio_too_large"),
        SpeechError::TooLong { .. } => (S::PAYLOAD_TOO_LARGE, "audio_too_long"),
        SpeechError::InvalidLanguage { .. } => (S::BAD_REQUEST, "invalid_language"),
        SpeechError::UnsupportedLanguage { .. } => {
            (S::UNPROCESSABLE_ENTITY, "unsupported_language")
        }
        SpeechError::NotConfigured => (S::SERVICE_UNAVAILABLE, "speech_not_configured"),
        SpeechError::InvalidConfig(_) => (S::INTERNAL_SERVER_ERROR, "internal_error"),
        SpeechError::Unavailable { .. } => (S::SERVICE_UNAVAILABLE, "speech_unavailable"),
        SpeechError::Timeout => (S::GATEWAY_TIMEOUT, "speech_timeout"),
        SpeechError::Rejected { .. } => (S::BAD_GATEWAY, "speech_rejected"),
        SpeechError::Provider { .. } => (S::BAD_GATEWAY, "speech_provider_error"),
    }
}

fn validate_parts(e: &ValidateError) -> (StatusCode, &'static str, String) {
    match e {
        ValidateError::TooLarge { .. } => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "code_too_large",
            e.to_string(),
        ),
        ValidateError::UnsupportedPythonVersion { .. } => (
            StatusCode::BAD_REQUEST,
            "invalid_python_version",
            e.to_string(),
        ),
        ValidateError::UnknownStage { .. } => {
            (StatusCode::BAD_REQUEST, "invalid_stage", e.to_string())
        }
        ValidateError::InvalidHandler { .. } => {
            (StatusCode::BAD_REQUEST, "invalid_handler", e.to_string())
        }
        ValidateError::Internal(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "internal error".into(),
        ),
    }
}

fn search_parts(e: &SearchError) -> (StatusCode, &'static str, String) {
    match e {
        SearchError::Unavailable(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "search_unavailable",
            "search is temporarily unavailable".into(),
        ),
        SearchError::InvalidCursor => (StatusCode::BAD_REQUEST, "invalid_cursor", e.to_string()),
        SearchError::InvalidQuery(_) => (StatusCode::BAD_REQUEST, "invalid_query", e.to_string()),
        // Configuration is checked at startup; met in a request it is a bug.
        SearchError::InvalidConfig(_) | SearchError::Internal(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "internal error".into(),
        ),
    }
}

/// A JSON error response for framework-level rejections (bad JSON, unknown route, ...).
pub fn error_response(
    status: StatusCode,
    code: &'static str,
    detail: impl Into<String>,
) -> HttpResponse {
    HttpResponse::build(status).json(ErrorBody {
        detail: detail.into(),
        code,
    })
}

/// Turns any non-JSON error response (unknown route, wrong method, framework rejections)
/// into the same `{"detail", "code"}` body as handler errors.
pub fn json_errors<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (code, detail) = match status {
        StatusCode::NOT_FOUND => ("not_found", "Not Found"),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "Method Not Allowed"),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "request body is too large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", "unsupported media type"),
        StatusCode::UNAUTHORIZED => ("not_authenticated", "Not authenticated"),
        StatusCode::FORBIDDEN => ("forbidden", "forbidden"),
        s if s.is_server_error() => ("internal_error", "internal error"),
        _ => ("bad_request", "bad request"),
    };
    let (req, old) = res.into_parts();
    let mut new = error_response(status, code, detail);
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            new.headers_mut().insert(name.clone(), value.clone());
        }
    }
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, new).map_into_right_body(),
    ))
}
