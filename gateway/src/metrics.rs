//! Prometheus metrics: requests per route and status with latency histograms, the database
//! pool, generation and validation counts and durations, upstream errors and rate-limit
//! refusals, plus the process's own CPU and memory.
//!
//! One registry per process ([`Metrics::global`]): the counters describe the process, and
//! code that has no handle on the application state (the error mapping) can still count.
//! Labels are bounded: a route is its pattern (`/workflows/{id}`), never a raw path.

use std::sync::LazyLock;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, web};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};
use secrecy::ExposeSecret;

use crate::http::error::{ApiError, ErrorCode};
use crate::ratelimit::Bucket;
use crate::state::AppState;

const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

pub struct Metrics {
    registry: Registry,
    http_requests: IntCounterVec,
    http_duration: HistogramVec,
    http_in_flight: IntGauge,
    db_pool: IntGaugeVec,
    generations: IntCounterVec,
    generation_duration: HistogramVec,
    validations: IntCounterVec,
    validation_duration: HistogramVec,
    upstream_errors: IntCounterVec,
    rate_limited: IntCounterVec,
}

fn build() -> Result<Metrics, prometheus::Error> {
    let registry = Registry::new_custom(Some("cue".to_owned()), None)?;
    let http_requests = IntCounterVec::new(
        Opts::new("http_requests_total", "HTTP requests answered"),
        &["method", "route", "status"],
    )?;
    let http_duration = HistogramVec::new(
        HistogramOpts::new(
            "http_request_duration_seconds",
            "Time from request start to response, by route and status",
        )
        .buckets(LATENCY_BUCKETS.to_vec()),
        &["method", "route", "status"],
    )?;
    let http_in_flight = IntGauge::new("http_requests_in_flight", "Requests being handled")?;
    let db_pool = IntGaugeVec::new(
        Opts::new(
            "db_pool_connections",
            "Database pool: max, open, idle connections and waiting callers",
        ),
        &["state"],
    )?;
    let generations = IntCounterVec::new(
        Opts::new(
            "workflow_generations_total",
            "Workflow generations by outcome",
        ),
        &["outcome"],
    )?;
    let generation_duration = HistogramVec::new(
        HistogramOpts::new(
            "workflow_generation_duration_seconds",
            "Time to plan and generate a workflow",
        )
        .buckets(LATENCY_BUCKETS.to_vec()),
        &["outcome"],
    )?;
    let validations = IntCounterVec::new(
        Opts::new("code_validations_total", "Python validations by outcome"),
        &["outcome"],
    )?;
    let validation_duration = HistogramVec::new(
        HistogramOpts::new(
            "code_validation_duration_seconds",
            "Time to validate Python source",
        )
        .buckets(LATENCY_BUCKETS.to_vec()),
        &["outcome"],
    )?;
    let upstream_errors = IntCounterVec::new(
        Opts::new(
            "upstream_errors_total",
            "Failures of services Cue depends on (database, Redis, identity providers, speech, models)",
        ),
        &["upstream"],
    )?;
    let rate_limited = IntCounterVec::new(
        Opts::new("rate_limited_total", "Requests refused by a rate limit"),
        &["bucket"],
    )?;
    registry.register(Box::new(http_requests.clone()))?;
    registry.register(Box::new(http_duration.clone()))?;
    registry.register(Box::new(http_in_flight.clone()))?;
    registry.register(Box::new(db_pool.clone()))?;
    registry.register(Box::new(generations.clone()))?;
    registry.register(Box::new(generation_duration.clone()))?;
    registry.register(Box::new(validations.clone()))?;
    registry.register(Box::new(validation_duration.clone()))?;
    registry.register(Box::new(upstream_errors.clone()))?;
    registry.register(Box::new(rate_limited.clone()))?;
    #[cfg(target_os = "linux")]
    registry.register(Box::new(
        prometheus::process_collector::ProcessCollector::for_self(),
    ))?;
    Ok(Metrics {
        registry,
        http_requests,
        http_duration,
        http_in_flight,
        db_pool,
        generations,
        generation_duration,
        validations,
        validation_duration,
        upstream_errors,
        rate_limited,
    })
}

static GLOBAL: LazyLock<Option<Metrics>> = LazyLock::new(|| match build() {
    Ok(m) => Some(m),
    Err(e) => {
        // Only a programming error (a duplicate or malformed name) gets here; serve without.
        tracing::error!(error = %e, "metrics registry could not be built");
        None
    }
});

impl Metrics {
    pub fn global() -> Option<&'static Metrics> {
        GLOBAL.as_ref()
    }

    /// The text exposition format, with the pool gauges read now.
    pub fn render(&self, pool: cue_store::PoolStatus) -> Result<String, prometheus::Error> {
        for (state, value) in [
            ("max", pool.max_size),
            ("open", pool.size),
            ("idle", pool.idle),
            ("waiting", pool.waiting),
        ] {
            self.db_pool
                .with_label_values(&[state])
                .set(i64::try_from(value).unwrap_or(i64::MAX));
        }
        let mut out = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut out)?;
        String::from_utf8(out).map_err(|e| prometheus::Error::Msg(e.to_string()))
    }
}

/// Counts a failure of a dependency.
pub fn upstream_error(upstream: &str) {
    if let Some(m) = Metrics::global() {
        m.upstream_errors.with_label_values(&[upstream]).inc();
    }
}

pub fn rate_limited(bucket: Bucket) {
    if let Some(m) = Metrics::global() {
        m.rate_limited.with_label_values(&[bucket.name()]).inc();
    }
}

/// Records one generation: `outcome` is `ok` or the error code.
pub fn generation(outcome: &str, started: Instant) {
    if let Some(m) = Metrics::global() {
        m.generations.with_label_values(&[outcome]).inc();
        m.generation_duration
            .with_label_values(&[outcome])
            .observe(started.elapsed().as_secs_f64());
    }
}

/// Records one validation: `valid`, `invalid` (findings at error level) or `error`.
pub fn validation(outcome: &str, started: Instant) {
    if let Some(m) = Metrics::global() {
        m.validations.with_label_values(&[outcome]).inc();
        m.validation_duration
            .with_label_values(&[outcome])
            .observe(started.elapsed().as_secs_f64());
    }
}

/// A [`WorkflowGenerator`](cue_workflows::WorkflowGenerator) that counts and times what the
/// one it wraps does, whichever it is (the engine or a model-backed one).
pub struct InstrumentedGenerator(pub std::sync::Arc<dyn cue_workflows::WorkflowGenerator>);

#[async_trait::async_trait]
impl cue_workflows::WorkflowGenerator for InstrumentedGenerator {
    async fn generate(
        &self,
        req: &cue_workflows::GenerateRequest,
    ) -> Result<cue_workflows::Generated, cue_workflows::WorkflowError> {
        let started = Instant::now();
        let result = self.0.generate(req).await;
        let outcome = match &result {
            Ok(_) => "ok",
            Err(
                cue_workflows::WorkflowError::Repo(_) | cue_workflows::WorkflowError::Internal(_),
            ) => "error",
            Err(_) => "rejected",
        };
        generation(outcome, started);
        result
    }
}

/// The gateway's [`CodeValidator`](cue_workflows::validation::CodeValidator): runs the
/// validator off the request threads (a large file takes milliseconds) and counts each
/// validation by outcome.
pub struct BlockingValidator;

#[async_trait::async_trait]
impl cue_workflows::validation::CodeValidator for BlockingValidator {
    async fn validate(
        &self,
        source: String,
        options: cue_validate::Options,
    ) -> Result<cue_validate::Report, cue_validate::ValidateError> {
        let started = Instant::now();
        let result = web::block(move || cue_validate::validate(&source, &options))
            .await
            .map_err(|e| cue_validate::ValidateError::Internal(e.to_string()))
            .and_then(|r| r);
        let outcome = match &result {
            Ok(report) if report.is_valid => "valid",
            Ok(_) => "invalid",
            Err(_) => "error",
        };
        validation(outcome, started);
        result
    }
}

/// Middleware: counts every request by method, route pattern and final status.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let Some(m) = Metrics::global() else {
        return next.call(req).await;
    };
    let started = Instant::now();
    let method = req.method().as_str().to_owned();
    let route = req
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    m.http_in_flight.inc();
    let result = next.call(req).await;
    m.http_in_flight.dec();
    let status = match &result {
        Ok(res) => {
            // An error answer says which dependency failed, if one did.
            let blamed = res
                .response()
                .extensions()
                .get::<ErrorCode>()
                .and_then(|e| e.upstream);
            if let Some(upstream) = blamed {
                m.upstream_errors.with_label_values(&[upstream]).inc();
            }
            res.status()
        }
        Err(e) => e.as_response_error().status_code(),
    };
    let labels = [method.as_str(), route.as_str(), status.as_str()];
    m.http_requests.with_label_values(&labels).inc();
    m.http_duration
        .with_label_values(&labels)
        .observe(started.elapsed().as_secs_f64());
    result
}

fn render(state: &AppState) -> Result<HttpResponse, ApiError> {
    let m = Metrics::global().ok_or(ApiError::Unavailable {
        what: "metrics",
        retry_after_secs: None,
    })?;
    let body = m
        .render(state.store.pool_status())
        .map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type(TextEncoder::new().format_type())
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

/// Compares secrets without leaking where they differ through timing.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use sha2::{Digest, Sha256};
    // Hashing first makes the comparison length-independent too.
    let (a, b) = (Sha256::digest(a), Sha256::digest(b));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_family_with_pool_gauges() {
        let m = Metrics::global().expect("registry builds");
        generation("ok", Instant::now());
        validation("valid", Instant::now());
        upstream_error("redis");
        rate_limited(Bucket::Generate);
        let text = m
            .render(cue_store::PoolStatus {
                max_size: 16,
                size: 3,
                idle: 2,
                waiting: 0,
            })
            .expect("renders");
        for needle in [
            "cue_db_pool_connections{state=\"max\"} 16",
            "cue_db_pool_connections{state=\"idle\"} 2",
            "cue_workflow_generations_total{outcome=\"ok\"}",
            "cue_workflow_generation_duration_seconds_bucket",
            "cue_code_validations_total{outcome=\"valid\"}",
            "cue_upstream_errors_total{upstream=\"redis\"}",
            "cue_rate_limited_total{bucket=\"generate\"}",
            "cue_http_requests_in_flight",
        ] {
            assert!(text.contains(needle), "{needle} missing from:\n{text}");
        }
    }

    #[test]
    fn token_comparison() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secret2"));
        assert!(!constant_time_eq(b"", b"secret"));
    }
}
