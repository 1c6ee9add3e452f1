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
use tracing::span::Record;
use tracing_actix_web::{RequestId, RootSpanBuilder};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::field::RecordFields;
use tracing_subscriber::fmt::format::{JsonFields, Writer};
use tracing_subscriber::fmt::{FormatFields, FormattedFields};
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
            .fmt_fields(AppendingJsonFields::default())
            .boxed(),
        LogFormat::Pretty => lines.compact().boxed(),
    };
    // A second init (tests) is harmless.
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(Throttle::new(lines))
        .try_init();
}

/// tracing-subscriber's JSON span fields, except that a field recorded on a span later (the
/// request's `user_id` and `status`) is appended to the span's stored JSON object instead of
/// parsing the object into a map and writing it out again, which cost about a fifth of the
/// instructions of a `/users/me` request. The lines do not change: the JSON event formatter
/// reads a span's object back into a map (sorted by key, a repeated key keeping its last
/// value, as the re-written object did) before writing it into the line.
#[derive(Debug, Default)]
struct AppendingJsonFields(JsonFields);

impl<'w> FormatFields<'w> for AppendingJsonFields {
    fn format_fields<R: RecordFields>(&self, writer: Writer<'w>, fields: R) -> std::fmt::Result {
        self.0.format_fields(writer, fields)
    }

    fn add_fields(
        &self,
        current: &'w mut FormattedFields<Self>,
        fields: &Record<'_>,
    ) -> std::fmt::Result {
        let mut added = String::new();
        self.0.format_fields(Writer::new(&mut added), fields)?;
        append_fields(&mut current.fields, &added);
        Ok(())
    }
}

/// Appends the members of the JSON object `added` to the JSON object `current` (either may
/// be empty text or `{}`).
fn append_fields(current: &mut String, added: &str) {
    let members = |o: &str| {
        o.trim()
            .strip_prefix('{')
            .and_then(|o| o.strip_suffix('}'))
            .map(str::trim)
            .is_some_and(|m| !m.is_empty())
    };
    if !members(added) {
        return;
    }
    if !members(current) {
        current.clear();
        current.push_str(added);
        return;
    }
    // both are `{...}` with members: `current` without its `}`, a comma, `added` without its `{`
    let close = current.trim_end().len() - 1;
    current.truncate(close);
    current.push(',');
    current.push_str(added.trim().trim_start_matches('{'));
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

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The lines of a request-like span whose fields are recorded after it starts (one twice,
    /// one with characters JSON escapes), and of a span that starts with no field at all.
    fn lines_with<N>(fields: N) -> String
    where
        N: for<'w> FormatFields<'w> + Send + Sync + 'static,
    {
        let captured = Captured::default();
        let writer = captured.clone();
        let layer = tracing_subscriber::fmt::layer()
            .with_writer(move || writer.clone())
            .with_target(true)
            .without_time()
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .fmt_fields(fields);
        tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), || {
            let span = tracing::info_span!(
                "request",
                request_id = %"5f0c",
                method = %"GET",
                route = %"/users/me",
                user_id = tracing::field::Empty,
                status = tracing::field::Empty,
            );
            span.in_scope(|| tracing::info!("before the user is known"));
            span.record("user_id", tracing::field::display("u-1"));
            span.record("status", 401_u16);
            span.record("user_id", tracing::field::display("u-2 \"q\" \\ é"));
            span.record("status", 200_u16);
            span.in_scope(|| tracing::info!(status = 200, latency_ms = 1.25, "request completed"));
            let bare = tracing::info_span!("bare", later = tracing::field::Empty);
            bare.in_scope(|| tracing::info!("no fields yet"));
            bare.record("later", 3.5_f64);
            bare.in_scope(|| tracing::info!("one field"));
        });
        String::from_utf8(captured.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn appended_span_fields_write_the_lines_re_written_ones_did() {
        let stock = lines_with(JsonFields::default());
        assert_eq!(stock.lines().count(), 4, "{stock}");
        assert!(stock.contains(r#""user_id":"u-2 \"q\" \\ é""#), "{stock}");
        assert!(stock.contains(r#""later":3.5"#), "{stock}");
        assert_eq!(lines_with(AppendingJsonFields::default()), stock);
    }

    #[test]
    fn fields_append_to_empty_and_filled_objects() {
        let cases = [
            ("", r#"{"a":1}"#, r#"{"a":1}"#),
            ("{}", r#"{"a":1}"#, r#"{"a":1}"#),
            (r#"{"a":1}"#, "{}", r#"{"a":1}"#),
            (r#"{"a":1}"#, "", r#"{"a":1}"#),
            (
                r#"{"a":1}"#,
                r#"{"b":"}","c":2}"#,
                r#"{"a":1,"b":"}","c":2}"#,
            ),
        ];
        for (current, added, want) in cases {
            let mut s = current.to_owned();
            append_fields(&mut s, added);
            assert_eq!(s, want, "{current} + {added}");
        }
    }
}
