//! What can go wrong in login and authentication.

use crate::model::Provider;

/// Why a login callback's `state` was refused. Kept apart from the client-facing message,
/// which is the same for all of them (telling an attacker which check failed helps nobody).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateRejection {
    /// Empty, malformed, never issued, or already used.
    Unknown,
    Expired,
    /// Issued for the other provider.
    WrongProvider,
    /// The browser that returns is not the one that started the login.
    NotBoundToBrowser,
}

/// Why a bearer token or session cookie was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRejection {
    Malformed,
    BadSignature,
    WrongAlgorithm,
    WrongType,
    Expired,
    NotYetValid,
    WrongIssuer,
    WrongAudience,
    Revoked,
    /// The token is valid but its user no longer exists.
    UnknownUser,
}

/// Errors of the cue-auth crate.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("login with {0} is not configured on this server")]
    ProviderNotConfigured(Provider),
    #[error("the login request is invalid or has expired; please start the login again")]
    InvalidState(StateRejection),
    /// The provider sent the user back with `error=...` (e.g. `access_denied`).
    #[error("the identity provider did not complete the login ({0})")]
    ProviderDenied(String),
    #[error("the login callback is missing the authorization code")]
    MissingCode,
    /// Talking to the provider failed or it answered something unusable. The cause is logged,
    /// never shown.
    #[error("the identity provider could not be reached or answered unexpectedly")]
    ProviderFailed(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("not authenticated")]
    Unauthenticated,
    #[error("invalid or expired credentials")]
    InvalidToken(TokenRejection),
    #[error("invalid profile: {0}")]
    InvalidProfile(String),
    #[error(transparent)]
    Repo(#[from] RepoError),
    #[error("unexpected authentication failure")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl AuthError {
    pub(crate) fn provider(err: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::ProviderFailed(Box::new(err))
    }

    pub(crate) fn provider_msg(msg: impl Into<String>) -> Self {
        Self::ProviderFailed(msg.into().into())
    }
}

/// Failures of the storage behind the repositories.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// The database could not be reached or did not answer in time.
    #[error("storage is unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A uniqueness rule was violated (for example an identity linked twice concurrently).
    #[error("conflicting write")]
    Conflict,
    /// Anything else the store did not expect.
    #[error("storage failed")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}
