//! Liveness and readiness.

use actix_web::{HttpResponse, web};
use futures_util::future::join_all;
use serde::Serialize;
use utoipa::ToSchema;

use crate::middleware::policy::Route;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`
    #[schema(example = "ok")]
    status: &'static str,
}

#[derive(Serialize, ToSchema)]
pub struct Readiness {
    /// `ok`; `degraded` when an optional dependency (Redis) is down but the service still
    /// serves (200); `unavailable` when a required one (the database) is (503).
    status: &'static str,
    /// Each dependency and whether it is usable (`ok`, or why not).
    checks: std::collections::BTreeMap<&'static str, String>,
}

/// Liveness: the process is up and serving.
#[utoipa::path(get, path = "/health", tag = "health", responses((status = 200, body = Health)))]
pub async fn get_health() -> web::Json<Health> {
    web::Json(Health { status: "ok" })
}

/// Readiness: the database answers (503 when not). Redis, when configured, is reported but
/// optional: without it rate limits are counted per instance.
#[utoipa::path(get, path = "/health/ready", tag = "health", responses(
    (status = 200, body = Readiness), (status = 503, body = Readiness)
))]
pub async fn get_ready(state: web::Data<AppState>) -> HttpResponse {
    // Each check is bounded (READINESS_TIMEOUT_MS, 800 ms by default) so the answer comes
    // within a second even when a dependency is silent rather than refusing; a round's
    // results are reused for a second (`ReadinessCache`).
    let limit = state.settings.readiness_timeout;
    let results = state
        .readiness
        .get_or_check(|| async {
            let results = join_all(state.probes.iter().map(|probe| async move {
                let outcome = match tokio::time::timeout(limit, probe.check()).await {
                    Ok(Ok(())) => Ok(()),
                    Ok(Err(reason)) => Err(reason),
                    Err(_) => Err("timed out".to_owned()),
                };
                (probe.name(), probe.required(), outcome)
            }))
            .await;
            for (name, _, outcome) in &results {
                if let Err(reason) = outcome {
                    tracing::warn!(dependency = name, %reason, "readiness check failed");
                }
            }
            results
        })
        .await;
    let ready = results
        .iter()
        .all(|(_, required, r)| r.is_ok() || !required);
    let degraded = results.iter().any(|(_, _, r)| r.is_err());
    let checks = results
        .iter()
        .map(|(name, _, r)| (*name, r.clone().err().unwrap_or_else(|| "ok".to_owned())))
        .collect();
    let body = Readiness {
        status: match (ready, degraded) {
            (false, _) => "unavailable",
            (true, true) => "degraded",
            (true, false) => "ok",
        },
        checks,
    };
    if ready {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable()
            .insert_header(("Retry-After", "1"))
            .json(body)
    }
}

pub fn routes() -> Vec<Route> {
    vec![
        Route::new("/health", |r| r.get(get_health)),
        Route::new("/health/ready", |r| r.get(get_ready)),
    ]
}
