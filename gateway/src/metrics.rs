//! Prometheus metrics: requests per route and status with latency histograms, the database
//! pool, generation and validation counts and durations, upstream errors and rate-limit
//! refusals, plus the process's own CPU and memory.
//!
//! One registry per application, held in its state like everything else and handed to what
//! counts: the request middleware, the rate limiter, and the wrappers below around the
//! generator and the validator. Labels are bounded: a route is its pattern
//! (`/workflows/{id}`), never a raw path.

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::web;
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

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

impl Metrics {
    /// A registry with every family registered. Fails only on a programming error (a
    /// duplicate or malformed name).
    pub fn new() -> Result<Self, prometheus::Error> {
        build()
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

    /// The content type of [`render`](Self::render)'s text.
    pub fn content_type(&self) -> String {
        TextEncoder::new().format_type().to_owned()
    }

    /// Counts a failure of a dependency.
    pub fn upstream_error(&self, upstream: &str) {
        self.upstream_errors.with_label_values(&[upstream]).inc();
    }

    /// Counts a request refused by the rate limit of `bucket`.
    pub fn rate_limited(&self, bucket: &str) {
        self.rate_limited.with_label_values(&[bucket]).inc();
    }

    /// Records one generation: `outcome` is `ok` or the error code.
    pub fn generation(&self, outcome: &str, started: Instant) {
        self.generations.with_label_values(&[outcome]).inc();
        self.generation_duration
            .with_label_values(&[outcome])
            .observe(started.elapsed().as_secs_f64());
    }

    /// Records one validation: `valid`, `invalid` (findings at error level) or `error`.
    pub fn validation(&self, outcome: &str, started: Instant) {
        self.validations.with_label_values(&[outcome]).inc();
        self.validation_duration
            .with_label_values(&[outcome])
            .observe(started.elapsed().as_secs_f64());
    }

    /// A request is being handled (until [`request_finished`](Self::request_finished)).
    pub fn request_started(&self) {
        self.http_in_flight.inc();
    }

    /// Counts an answered request by method, route pattern and status.
    pub fn request_finished(&self, method: &str, route: &str, status: u16, took: Duration) {
        self.http_in_flight.dec();
        let status = status.to_string();
        let labels = [method, route, status.as_str()];
        self.http_requests.with_label_values(&labels).inc();
        self.http_duration
            .with_label_values(&labels)
            .observe(took.as_secs_f64());
    }
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

/// A [`WorkflowGenerator`](cue_workflows::WorkflowGenerator) that counts and times what the
/// one it wraps does, whichever it is (the engine or a model-backed one).
pub struct InstrumentedGenerator {
    pub metrics: Arc<Metrics>,
    pub inner: Arc<dyn cue_workflows::WorkflowGenerator>,
}

#[async_trait::async_trait]
impl cue_workflows::WorkflowGenerator for InstrumentedGenerator {
    async fn generate(
        &self,
        req: &cue_workflows::GenerateRequest,
    ) -> Result<cue_workflows::Generated, cue_workflows::WorkflowError> {
        let started = Instant::now();
        let result = self.inner.generate(req).await;
        let outcome = match &result {
            Ok(_) => "ok",
            Err(
                cue_workflows::WorkflowError::Repo(_) | cue_workflows::WorkflowError::Internal(_),
            ) => "error",
            Err(_) => "rejected",
        };
        self.metrics.generation(outcome, started);
        result
    }
}

/// Sources up to this size are validated on the request's own worker thread: a 4 kB Lambda
/// handler takes about 90 µs of CPU (`docs/validate.md`), less than the round trip to the
/// blocking pool costs in scheduling under load; 8 KiB stays within a few hundred µs. Larger
/// sources (up to `MAX_CODE_BYTES`, milliseconds each) go to the blocking pool, so they never
/// stall the other connections of a worker.
pub const INLINE_VALIDATION_BYTES: usize = 8 * 1024;

/// The gateway's [`CodeValidator`](cue_workflows::validation::CodeValidator): validates small
/// sources inline and large ones off the request threads (see [`INLINE_VALIDATION_BYTES`]),
/// and counts each validation by outcome.
pub struct BlockingValidator {
    pub metrics: Arc<Metrics>,
}

#[async_trait::async_trait]
impl cue_workflows::validation::CodeValidator for BlockingValidator {
    async fn validate(
        &self,
        source: String,
        options: cue_validate::Options,
    ) -> Result<cue_validate::Report, cue_validate::ValidateError> {
        let started = Instant::now();
        let result = if source.len() <= INLINE_VALIDATION_BYTES {
            cue_validate::validate(&source, &options)
        } else {
            web::block(move || cue_validate::validate(&source, &options))
                .await
                .map_err(|e| cue_validate::ValidateError::Internal(e.to_string()))
                .and_then(|r| r)
        };
        let outcome = match &result {
            Ok(report) if report.is_valid => "valid",
            Ok(_) => "invalid",
            Err(_) => "error",
        };
        self.metrics.validation(outcome, started);
        result
    }
}

#[cfg(test)]
#[expect(clippy::expect_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn renders_every_family_with_pool_gauges() {
        let m = Metrics::new().expect("registry builds");
        m.generation("ok", Instant::now());
        m.validation("valid", Instant::now());
        m.upstream_error("redis");
        m.rate_limited("generate");
        m.request_started();
        m.request_finished("GET", "/health", 200, Duration::from_millis(3));
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
            "cue_workflow_generations_total{outcome=\"ok\"} 1",
            "cue_workflow_generation_duration_seconds_bucket",
            "cue_code_validations_total{outcome=\"valid\"} 1",
            "cue_upstream_errors_total{upstream=\"redis\"} 1",
            "cue_rate_limited_total{bucket=\"generate\"} 1",
            "cue_http_requests_total{method=\"GET\",route=\"/health\",status=\"200\"} 1",
            "cue_http_requests_in_flight 0",
        ] {
            assert!(text.contains(needle), "{needle} missing from:\n{text}");
        }
    }

    /// Polls `future` once: whether it finished without waiting for another thread.
    fn ready_at_first_poll<F: std::future::Future>(future: F) -> bool {
        let mut future = std::pin::pin!(future);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        future.as_mut().poll(&mut cx).is_ready()
    }

    #[actix_web::test]
    async fn small_sources_are_validated_inline_and_large_ones_on_the_blocking_pool() {
        use cue_workflows::validation::CodeValidator as _;
        let validator = BlockingValidator {
            metrics: Arc::new(Metrics::new().expect("registry builds")),
        };
        let line = "x = 1\n";
        let small = line.repeat(INLINE_VALIDATION_BYTES / line.len());
        let large = line.repeat(INLINE_VALIDATION_BYTES / line.len() + 1);
        assert!(small.len() <= INLINE_VALIDATION_BYTES && large.len() > INLINE_VALIDATION_BYTES);
        let options = || cue_validate::Options::default().with_max_input_bytes(1 << 20);
        assert!(ready_at_first_poll(validator.validate(small, options())));
        assert!(!ready_at_first_poll(
            validator.validate(large.clone(), options())
        ));
        // The pool's answer is the validator's.
        let direct = cue_validate::validate(&large, &options()).expect("validates");
        let pooled = validator
            .validate(large, options())
            .await
            .expect("validates");
        assert_eq!(pooled, direct);
    }

    #[test]
    fn registries_are_independent() {
        let (a, b) = (
            Metrics::new().expect("builds"),
            Metrics::new().expect("builds twice"),
        );
        a.upstream_error("redis");
        let pool = cue_store::PoolStatus {
            max_size: 1,
            size: 0,
            idle: 0,
            waiting: 0,
        };
        assert!(
            !b.render(pool)
                .expect("renders")
                .contains("upstream=\"redis\"")
        );
    }
}
