//! `AuthUser`: a handler that takes it cannot forget to authenticate.
//!
//! Accepts `Authorization: Bearer <jwt>` (the specification's clients) or the `cue_session`
//! cookie (the React frontend), as read by [`request_token`]. A cookie-authenticated unsafe
//! request must come from a trusted `Origin` (or `Referer`), since browsers attach cookies to
//! cross-site requests.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::{Method, header};
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use cue_auth::{AuthError, Authenticated};

use crate::config::origin_of;
use crate::http::error::ApiError;
use crate::http::token::{TokenSource, request_token};
use crate::state::AppState;

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub auth: Authenticated,
    pub source: TokenSource,
}

impl AuthUser {
    pub fn id(&self) -> cue_auth::UserId {
        self.auth.user.id
    }

    /// The caller as the owner of workflows (`cue-workflows` does not know `cue-auth`).
    pub fn owner(&self) -> cue_workflows::repo::OwnerId {
        cue_workflows::repo::OwnerId(self.id().0)
    }
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// CSRF guard for cookie-authenticated unsafe requests.
pub fn check_origin(req: &HttpRequest, state: &AppState) -> Result<(), ApiError> {
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| {
            req.headers()
                .get(header::REFERER)
                .and_then(|v| v.to_str().ok())
                .and_then(origin_of)
        });
    match origin {
        Some(o) if state.trusted_origins.contains(&o) => Ok(()),
        _ => Err(ApiError::Forbidden(
            "cross-site request refused: cookie-authenticated changes must come from an allowed origin",
        )),
    }
}

async fn authenticate(req: HttpRequest) -> Result<AuthUser, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal("application state missing"))?;
    let (token, source) = request_token(&req)?.ok_or(ApiError::Auth(AuthError::Unauthenticated))?;
    if source == TokenSource::Cookie && is_unsafe(req.method()) {
        check_origin(&req, state)?;
    }
    let auth = state.auth.authenticate(&token).await?;
    tracing::Span::current().record("user_id", tracing::field::display(auth.user.id));
    Ok(AuthUser { auth, source })
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(authenticate(req.clone()))
    }
}

/// The caller if authenticated, `None` for an anonymous request. A request that presents
/// a token that does not verify is still refused.
#[derive(Debug, Clone)]
pub struct MaybeAuthUser(pub Option<AuthUser>);

impl FromRequest for MaybeAuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            match request_token(&req)? {
                None => Ok(MaybeAuthUser(None)),
                Some(_) => authenticate(req).await.map(|u| MaybeAuthUser(Some(u))),
            }
        })
    }
}
