//! Logs: structured (JSON in production), one line per request with its id, route, status,
//! latency and user id. Never the query string (OAuth callbacks carry codes and states),
//! never headers, cookies or bodies. WARN and ERROR lines of other crates, which clients
//! can provoke (actix-http's "stream error" for every unparsable request), pass through a
//! per-target [`Throttle`].

use std::time::Instant;

use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::{Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

use crate::config::LogFormat;
use crate::log_throttle::Throttle;

/// Installs the global subscriber, writing to stdout. `RUST_LOG` overrides the default level.
pub fn init(format: LogFormat) {
    init_with_writer(format, std::io::stdout);
}

/// [`init`] with another destination (tests capture the lines).
pub fn init_with_writer<W>(format: LogFormat, writer: W)
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let lines = tracing_subscriber::fmt::layer()
        .with_writer(writer)
        .with_target(true);
    let lines = match format {
        LogFormat::Json => lines
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .boxed(),
        LogFormat::Pretty => lines.compact().boxed(),
    };
    // A second init (tests) is harmless.
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(Throttle::new(lines))
        .try_init();
}

struct StartedAt(Instant);

/// The root span of every request.
pub struct CueRootSpan;

impl RootSpanBuilder for CueRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        request.extensions_mut().insert(StartedAt(Instant::now()));
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        let route = request
            .match_pattern()
            .unwrap_or_else(|| "unmatched".to_owned());
        tracing::info_span!(
            "request",
            request_id = %request_id,
            method = %request.method(),
            route = %route,
            path = %request.path(),
            user_id = tracing::field::Empty,
            status = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(
        span: Span,
        outcome: &Result<ServiceResponse<B>, actix_web::Error>,
    ) {
        let (status, latency_ms) = match outcome {
            Ok(response) => {
                let latency = response
                    .request()
                    .extensions()
                    .get::<StartedAt>()
                    .map(|s| s.0.elapsed().as_secs_f64() * 1000.0)
                    .unwrap_or_default();
                (response.status().as_u16(), latency)
            }
            Err(error) => (error.as_response_error().status_code().as_u16(), 0.0),
        };
        span.record("status", status);
        span.in_scope(|| tracing::info!(status, latency_ms, "request completed"));
    }
}
