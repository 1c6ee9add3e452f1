//! `GET /metrics`: the Prometheus text, on the API port behind `METRICS_TOKEN`, or on the
//! separate `METRICS_PORT` without one.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::ExposeSecret;

use crate::http::error::ApiError;
use crate::middleware::policy::Route;
use crate::state::AppState;

fn render(state: &AppState) -> Result<HttpResponse, ApiError> {
    let body = state
        .metrics
        .render(state.store.pool_status())
        .map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type(state.metrics.content_type())
        .body(body))
}

/// `GET /metrics` on the API port: only with `Authorization: Bearer $METRICS_TOKEN`.
/// Without a token configured the route does not exist here (see `METRICS_PORT`).
pub async fn get_metrics_with_token(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let Some(expected) = &state.settings.metrics.token else {
        return Err(ApiError::NotFound("route"));
    };
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !constant_time_eq(presented.as_bytes(), expected.expose_secret().as_bytes()) {
        return Err(ApiError::Auth(cue_auth::AuthError::Unauthenticated));
    }
    render(&state)
}

/// `GET /metrics` on the separate metrics port, which is reachable only inside the network.
pub async fn get_metrics_open(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    render(&state)
}

/// The API port's route.
pub fn routes() -> Vec<Route> {
    vec![Route::new("/metrics", |r| r.get(get_metrics_with_token))]
}

/// The metrics port's only route.
pub fn open_route() -> Route {
    Route::new("/metrics", |r| r.get(get_metrics_open))
}

/// Compares secrets without leaking where they differ through timing.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use sha2::{Digest, Sha256};
    use subtle::ConstantTimeEq as _;
    // Hashing first makes the comparison length-independent too.
    Sha256::digest(a).ct_eq(&Sha256::digest(b)).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_comparison() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secret2"));
        assert!(!constant_time_eq(b"", b"secret"));
    }
}
