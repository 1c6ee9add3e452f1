//! Where a request's access token is: the `Authorization: Bearer` header (the specification's
//! clients) or the session cookie (the React frontend). Read here without verifying it; the
//! `AuthUser` extractor verifies, the rate limits key by it.

use actix_web::HttpRequest;
use actix_web::http::header;
use cue_auth::AuthError;

use super::error::ApiError;

/// Name of the session cookie holding the access token.
pub const SESSION_COOKIE: &str = "cue_session";
/// Name of the short-lived cookie binding a login's `state` to the browser.
pub const STATE_COOKIE: &str = "cue_oauth_state";

/// Where the token of a request came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    Bearer,
    Cookie,
}

/// The token of a request, if it carries one. A malformed `Authorization` header is an error,
/// not "anonymous": a client that meant to authenticate must hear that it failed.
pub fn request_token(req: &HttpRequest) -> Result<Option<(String, TokenSource)>, ApiError> {
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        let value = value
            .to_str()
            .map_err(|_| ApiError::Auth(AuthError::Unauthenticated))?;
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(ApiError::Auth(AuthError::Unauthenticated))?;
        return Ok(Some((token.to_owned(), TokenSource::Bearer)));
    }
    Ok(req
        .cookie(SESSION_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
        .map(|v| (v, TokenSource::Cookie)))
}
