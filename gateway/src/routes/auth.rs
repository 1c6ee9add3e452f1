//! Login with Google and GitHub, the callbacks, and logout.
//!
//! A browser is redirected to the provider and back, ends with the session cookie, and never
//! sees the token in a URL. A client that asks for JSON gets the specification's
//! `{"access_token", "token_type": "bearer"}` instead.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use cue_auth::{AuthError, Callback, ClientKind, Provider};
use serde::{Deserialize, Serialize};
use url::Url;
use utoipa::{IntoParams, ToSchema};

use crate::extract::AuthUser;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::token::{SESSION_COOKIE, STATE_COOKIE, TokenSource, request_token};
use crate::middleware::policy::Route;
use crate::middleware::ratelimit::Bucket;
use crate::state::AppState;
use crate::wire::users::FrontendUser;

/// Paths the state cookie is sent to: the callbacks only.
const STATE_COOKIE_PATH: &str = "/auth";

fn parse_provider(name: &str) -> Result<Provider, ApiError> {
    Provider::parse(name).ok_or(ApiError::NotFound("identity provider"))
}

/// True when the client asked for JSON rather than a page (a browser navigation asks for HTML).
fn wants_json(req: &HttpRequest) -> bool {
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    accept.contains("application/json") && !accept.contains("text/html")
}

fn cookie<'a>(
    state: &AppState,
    name: &'a str,
    value: String,
    path: &'a str,
    max_age_secs: u64,
) -> Cookie<'a> {
    Cookie::build(name, value)
        .path(path)
        .http_only(true)
        .secure(state.settings.auth.cookie_secure)
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::seconds(
            i64::try_from(max_age_secs).unwrap_or(i64::MAX),
        ))
        .finish()
}

fn expired_cookie<'a>(state: &AppState, name: &'a str, path: &'a str) -> Cookie<'a> {
    let mut c = cookie(state, name, String::new(), path, 0);
    c.make_removal();
    c
}

fn frontend_redirect(state: &AppState, path: &str, error: Option<&str>) -> String {
    let base = format!("{}{}", state.settings.auth.frontend_url, path);
    match (error, Url::parse(&base)) {
        (Some(code), Ok(mut url)) => {
            url.query_pairs_mut().append_pair("error", code);
            url.into()
        }
        _ => base,
    }
}

/// Answer of a login start for a client that asked for JSON.
#[derive(Serialize, ToSchema)]
pub struct LoginStartResponse {
    /// Send the user's browser here.
    authorization_url: String,
    /// Seconds the login may take before it must be started again.
    expires_in: u64,
}

/// Starts a login: redirects to the provider (`302`), or for `Accept: application/json`
/// returns the authorization URL. Also served at `/auth/{provider}/login`.
#[utoipa::path(get, path = "/auth/{provider}", tag = "auth",
    params(("provider" = String, Path, description = "`google` or `github`")),
    responses(
        (status = 302, description = "Redirect to the provider's authorization page"),
        (status = 200, body = LoginStartResponse, description = "With `Accept: application/json`"),
        (status = 404, body = ErrorBody, description = "Unknown or unconfigured provider"),
    ))]
pub async fn get_login(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let provider = parse_provider(&path)?;
    let json = wants_json(&req);
    let kind = if json {
        ClientKind::Api
    } else {
        ClientKind::Browser
    };
    let start = state.auth.begin_login(provider, kind).await?;
    let ttl = start.state_ttl.as_secs();
    if json {
        return Ok(HttpResponse::Ok().json(LoginStartResponse {
            authorization_url: start.authorize_url,
            expires_in: ttl,
        }));
    }
    Ok(HttpResponse::Found()
        .insert_header((header::LOCATION, start.authorize_url))
        .cookie(cookie(
            &state,
            STATE_COOKIE,
            start.state,
            STATE_COOKIE_PATH,
            ttl,
        ))
        .finish())
}

/// What the provider appends to the callback URL.
#[derive(Deserialize, IntoParams)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    /// Set by the provider when the user declined or the request was invalid.
    error: Option<String>,
}

/// The specification's token answer.
#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    access_token: String,
    /// Always `bearer`.
    token_type: &'static str,
    /// Seconds until the token expires.
    expires_in: u64,
}

/// Completes a login. A browser gets the session cookie and a redirect to
/// `FRONTEND_URL + AUTH_SUCCESS_PATH` (or `AUTH_ERROR_PATH?error=<code>`); a client asking for
/// JSON, or one that started the login with JSON, gets the token in the body.
#[utoipa::path(get, path = "/auth/{provider}/callback", tag = "auth",
    params(("provider" = String, Path, description = "`google` or `github`"), CallbackQuery),
    responses(
        (status = 302, description = "Browser: session cookie set, redirect to the frontend"),
        (status = 200, body = TokenResponse, description = "JSON client"),
        (status = 400, body = ErrorBody, description = "Invalid, expired, replayed or foreign state; provider error"),
        (status = 502, body = ErrorBody, description = "The provider failed"),
    ))]
pub async fn get_callback(
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<CallbackQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let provider = parse_provider(&path)?;
    let q = query.into_inner();
    let cookie_state = req.cookie(STATE_COOKIE).map(|c| c.value().to_owned());
    let callback = Callback {
        code: q.code.as_deref(),
        state: q.state.as_deref(),
        error: q.error.as_deref(),
    };
    let api_started = q.state.as_deref().is_some_and(|s| s.starts_with("a."));
    let json = wants_json(&req) || api_started;
    let clear_state = expired_cookie(&state, STATE_COOKIE, STATE_COOKIE_PATH);
    match state
        .auth
        .complete_login(provider, callback, cookie_state.as_deref())
        .await
    {
        Ok(outcome) if json => Ok(HttpResponse::Ok().cookie(clear_state).json(TokenResponse {
            access_token: outcome.token.token,
            token_type: "bearer",
            expires_in: outcome.token.ttl.as_secs(),
        })),
        Ok(outcome) => {
            let session = cookie(
                &state,
                SESSION_COOKIE,
                outcome.token.token,
                "/",
                outcome.token.ttl.as_secs(),
            );
            let target = frontend_redirect(&state, &state.settings.auth.success_path, None);
            Ok(HttpResponse::Found()
                .insert_header((header::LOCATION, target))
                .cookie(clear_state)
                .cookie(session)
                .finish())
        }
        Err(err) if json => Err(err.into()),
        Err(err) => {
            let code = match &err {
                AuthError::InvalidState(why) => {
                    tracing::warn!(?why, %provider, "login callback refused");
                    "invalid_state"
                }
                AuthError::ProviderDenied(_) => "access_denied",
                AuthError::MissingCode => "missing_code",
                AuthError::ProviderNotConfigured(_) => "provider_not_configured",
                AuthError::ProviderFailed(cause) => {
                    tracing::error!(%provider, cause = %cause, "identity provider failed");
                    "provider_error"
                }
                AuthError::Repo(_) | AuthError::Internal(_) => {
                    tracing::error!(%provider, error = ?err, "login failed");
                    "server_error"
                }
                AuthError::Unauthenticated
                | AuthError::InvalidToken(_)
                | AuthError::InvalidProfile(_) => "login_failed",
            };
            let target = frontend_redirect(&state, &state.settings.auth.error_path, Some(code));
            Ok(HttpResponse::Found()
                .insert_header((header::LOCATION, target))
                .cookie(clear_state)
                .finish())
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MessageResponse {
    message: &'static str,
}

/// Revokes the presented token (if it is valid) and clears the session cookie.
async fn revoke_presented(req: &HttpRequest, state: &AppState) -> Result<(), ApiError> {
    let Some((token, source)) = request_token(req)? else {
        return Ok(());
    };
    if source == TokenSource::Cookie
        && *req.method() != actix_web::http::Method::GET
        && let Err(e) = crate::extract::check_origin(req, state)
    {
        return Err(e);
    }
    match state.auth.authenticate(&token).await {
        Ok(auth) => Ok(state.auth.logout(&auth.token).await?),
        // Logging out with a dead token is already done.
        Err(AuthError::InvalidToken(_)) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Logs out: the token stops working everywhere at once and the cookie is cleared.
/// Also `POST /auth/logout/api`.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = MessageResponse), (status = 403, body = ErrorBody)))]
pub async fn post_logout(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    revoke_presented(&req, &state).await?;
    Ok(HttpResponse::Ok()
        .cookie(expired_cookie(&state, SESSION_COOKIE, "/"))
        .json(MessageResponse {
            message: "logged out",
        }))
}

/// Logs out on every device: every token of the caller issued up to now stops working (the
/// one presented too), and this browser's cookie is cleared.
#[utoipa::path(post, path = "/auth/logout/everywhere", tag = "auth", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = MessageResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn post_logout_everywhere(
    user: AuthUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.auth.logout_everywhere(&user.auth).await?;
    Ok(HttpResponse::Ok()
        .cookie(expired_cookie(&state, SESSION_COOKIE, "/"))
        .json(MessageResponse {
            message: "logged out everywhere",
        }))
}

/// Whether a `GET` that changes the session comes from the user's own pages: a navigation
/// from an allowed origin (its `Origin` or `Referer`), one the browser calls same-site or
/// user-initiated (`Sec-Fetch-Site`), or a client presenting its token in the header (which
/// no other site can make a browser send). A link on another site is none of these.
fn same_site(req: &HttpRequest, state: &AppState) -> bool {
    if matches!(request_token(req), Ok(Some((_, TokenSource::Bearer)))) {
        return true;
    }
    if crate::extract::check_origin(req, state).is_ok() {
        return true;
    }
    req.headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|site| matches!(site, "same-origin" | "same-site" | "none"))
}

/// The frontend's logout links: clear the cookie and go back to the frontend. Honoured only
/// from the user's own pages (see `same_site`): a cross-site link or image only gets the
/// redirect, and the session stays. Also `GET /api/auth/logout`.
#[utoipa::path(get, path = "/api/logout", tag = "auth",
    responses((status = 302, description = "Cookie cleared (same-site requests only), redirect to FRONTEND_URL")))]
pub async fn get_logout(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut res = HttpResponse::build(StatusCode::FOUND);
    res.insert_header((header::LOCATION, frontend_redirect(&state, "/", None)));
    if !same_site(&req, &state) {
        tracing::info!("cross-site logout link ignored");
        return Ok(res.finish());
    }
    if let Err(e) = revoke_presented(&req, &state).await {
        tracing::warn!(error = %e, "logout could not revoke the token");
    }
    Ok(res
        .cookie(expired_cookie(&state, SESSION_COOKIE, "/"))
        .finish())
}

#[derive(Serialize, ToSchema)]
pub struct ValidateTokenResponse {
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<FrontendUser>,
}

/// Whether the presented token is valid (the frontend's `validate-token`).
#[utoipa::path(post, path = "/auth/validate-token", tag = "auth",
    responses((status = 200, body = ValidateTokenResponse)))]
pub async fn post_validate_token(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<web::Json<ValidateTokenResponse>, ApiError> {
    let token = match request_token(&req) {
        Ok(Some((token, _))) => token,
        Ok(None) | Err(_) => {
            return Ok(web::Json(ValidateTokenResponse {
                valid: false,
                user: None,
            }));
        }
    };
    match state.auth.authenticate(&token).await {
        Ok(auth) => Ok(web::Json(ValidateTokenResponse {
            valid: true,
            user: Some(auth.user.into()),
        })),
        Err(AuthError::InvalidToken(_) | AuthError::Unauthenticated) => {
            Ok(web::Json(ValidateTokenResponse {
                valid: false,
                user: None,
            }))
        }
        Err(e) => Err(e.into()),
    }
}

/// The login flow (start, callback) counts against the per-IP login limit: nobody is signed in
/// yet. Logging out is a change of the caller's sessions, counted per user; checking a token
/// is a read and not limited.
pub fn routes() -> Vec<Route> {
    vec![
        Route::new("/auth/logout", |r| r.post(post_logout)).limited(Bucket::Write),
        Route::new("/auth/logout/api", |r| r.post(post_logout)).limited(Bucket::Write),
        Route::new("/auth/logout/everywhere", |r| {
            r.post(post_logout_everywhere)
        })
        .limited(Bucket::Write),
        Route::new("/auth/validate-token", |r| r.post(post_validate_token)),
        Route::new("/api/logout", |r| r.get(get_logout)).limited(Bucket::Write),
        Route::new("/api/auth/logout", |r| r.get(get_logout)).limited(Bucket::Write),
        Route::new("/auth/{provider}", |r| r.get(get_login)).limited(Bucket::Auth),
        Route::new("/auth/{provider}/login", |r| r.get(get_login)).limited(Bucket::Auth),
        Route::new("/auth/{provider}/callback", |r| r.get(get_callback)).limited(Bucket::Auth),
    ]
}
