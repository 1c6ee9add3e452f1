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
use tracing::{Event, Subscriber};
use tracing_actix_web::{RequestId, RootSpanBuilder};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::field::RecordFields;
use tracing_subscriber::fmt::format::{Format, Json, JsonFields, Writer};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, FormattedFields};
use tracing_subscriber::layer::{Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
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
            .event_format(json_lines())
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

/// The JSON lines: tracing-subscriber's JSON event format, each line ending with the event's
/// span as [`WithSpan`] writes it.
fn json_lines() -> WithSpan<Format<Json>> {
    WithSpan(
        tracing_subscriber::fmt::format()
            .json()
            .with_target(true)
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false),
    )
}

/// An event format that writes the line of the JSON format `F` (configured without the
/// span) and then the event's span, as `F` with `with_current_span(true)` writes it last:
/// `"span":{<its fields sorted by name, a repeated one keeping its last value>,"name":…}`.
/// The stock format parses the span's stored JSON object into a `serde_json::Value` map on
/// every line and writes it out again, ~13k instructions of each request's ~75k on the
/// cheapest route; here the object's members are read as text, sorted and copied. Anything
/// but flat members with plain names, string, integer, `true`/`false`/`null` values (a
/// float's text may not survive serde_json's parse unchanged) takes the stock way.
struct WithSpan<F>(F);

impl<S, N, F> FormatEvent<S, N> for WithSpan<F>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'w> FormatFields<'w> + 'static,
    F: FormatEvent<S, N>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> std::fmt::Result {
        let span = event
            .parent()
            .and_then(|id| ctx.span(id))
            .or_else(|| ctx.lookup_current());
        let Some(span) = span else {
            return self.0.format_event(ctx, writer, event);
        };
        let mut line = String::with_capacity(512);
        self.0.format_event(ctx, Writer::new(&mut line), event)?;
        // `F` ends its object and the line with `}\n`; the span goes before them.
        let Some(open) = line.strip_suffix("}\n").map(str::len) else {
            return writer.write_str(&line);
        };
        line.truncate(open);
        line.push_str(",\"span\":");
        let ext = span.extensions();
        let fields = ext
            .get::<FormattedFields<N>>()
            .map_or("", |f| f.fields.as_str());
        write_span(&mut line, fields, span.metadata().name());
        line.push_str("}\n");
        writer.write_str(&line)
    }
}

/// Writes the span object the stock JSON format writes for a span named `name` whose stored
/// fields are the JSON object `fields`.
fn write_span(out: &mut String, fields: &str, name: &str) {
    out.push('{');
    match flat_members(fields) {
        Some(mut members) => {
            // stable: of a repeated name, the last is kept (as a map's insert keeps it)
            members.sort_by(|a, b| a.0.cmp(b.0));
            let mut i = 0;
            while i < members.len() {
                if members
                    .get(i + 1)
                    .is_some_and(|next| next.0 == members[i].0)
                {
                    i += 1;
                    continue;
                }
                let (key, value) = members[i];
                out.push('"');
                out.push_str(key);
                out.push_str("\":");
                out.push_str(value);
                out.push(',');
                i += 1;
            }
        }
        None => stock_members(out, fields),
    }
    out.push_str("\"name\":");
    push_json(out, &name);
    out.push('}');
}

/// What the stock format writes for the members: the object read into a map and written
/// out again (a field that is not an object, or not JSON, named as such).
fn stock_members(out: &mut String, fields: &str) {
    match serde_json::from_str::<serde_json::Value>(fields) {
        Ok(serde_json::Value::Object(map)) => {
            for (key, value) in &map {
                push_json(out, key);
                out.push(':');
                push_json(out, value);
                out.push(',');
            }
        }
        Ok(value) => {
            out.push_str("\"field\":");
            push_json(out, &value);
            out.push_str(",\"field_error\":\"field was no a valid object\",");
        }
        Err(error) => {
            out.push_str("\"field_error\":");
            push_json(out, &error.to_string());
            out.push(',');
        }
    }
}

fn push_json<T: serde::Serialize + ?Sized>(out: &mut String, value: &T) {
    if let Ok(text) = serde_json::to_string(value) {
        out.push_str(&text);
    }
}

/// The members of a JSON object as (name, value text), when every name is plain (no escape)
/// and every value is a string, an integer, `true`, `false` or `null`; `None` otherwise.
fn flat_members(object: &str) -> Option<Vec<(&str, &str)>> {
    let body = object.strip_prefix('{')?.strip_suffix('}')?;
    let mut members = Vec::with_capacity(8);
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !members.is_empty() {
            if bytes[i] != b',' {
                return None;
            }
            i += 1;
        }
        // the name: `"plain":`
        if bytes.get(i) != Some(&b'"') {
            return None;
        }
        let name_end = i + 1 + body[i + 1..].find('"')?;
        let name = &body[i + 1..name_end];
        if name.bytes().any(|b| b == b'\\' || b < 0x20) || bytes.get(name_end + 1) != Some(&b':') {
            return None;
        }
        let start = name_end + 2;
        let end = match bytes.get(start)? {
            b'"' => start + 1 + string_len(&bytes[start + 1..])? + 1,
            _ => {
                let len = bytes[start..]
                    .iter()
                    .position(|&b| b == b',')
                    .unwrap_or(bytes.len() - start);
                let text = &body[start..start + len];
                // an integer as serde_json writes one and reads back unchanged: no `-0`,
                // no leading zero, short of the digits where it would become a float
                let digits = text.strip_prefix('-').unwrap_or(text);
                let integer = (1..=18).contains(&digits.len())
                    && digits.bytes().all(|b| b.is_ascii_digit())
                    && (!digits.starts_with('0') || text == "0");
                let plain = matches!(text, "true" | "false" | "null") || integer;
                if !plain {
                    return None;
                }
                start + len
            }
        };
        members.push((name, &body[start..end]));
        i = end;
    }
    Some(members)
}

/// The length of a JSON string's contents up to its closing quote (escapes stepped over).
fn string_len(bytes: &[u8]) -> Option<usize> {
    let mut i = 0;
    loop {
        match bytes.get(i)? {
            b'"' => return Some(i),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
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
    /// one with characters JSON escapes), and of a span that starts with no field at all,
    /// written by the stock JSON format.
    fn lines_with<N>(fields: N) -> String
    where
        N: for<'w> FormatFields<'w> + Send + Sync + 'static,
    {
        lines_of(json_format(true), fields)
    }

    /// The same lines written by [`WithSpan`].
    fn lines_with_span<N>(fields: N) -> String
    where
        N: for<'w> FormatFields<'w> + Send + Sync + 'static,
    {
        lines_of(WithSpan(json_format(false)), fields)
    }

    /// The request log's JSON format without time, with or without the stock span.
    fn json_format(
        current_span: bool,
    ) -> tracing_subscriber::fmt::format::Format<tracing_subscriber::fmt::format::Json, ()> {
        tracing_subscriber::fmt::format()
            .without_time()
            .json()
            .with_target(true)
            .flatten_event(true)
            .with_current_span(current_span)
            .with_span_list(false)
    }

    fn lines_of<E, N>(format: E, fields: N) -> String
    where
        E: FormatEvent<tracing_subscriber::Registry, N> + Send + Sync + 'static,
        N: for<'w> FormatFields<'w> + Send + Sync + 'static,
    {
        let captured = Captured::default();
        let writer = captured.clone();
        let layer = tracing_subscriber::fmt::layer()
            .with_writer(move || writer.clone())
            .fmt_fields(fields)
            .event_format(format);
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
            tracing::info!("outside every span");
            let typed = tracing::info_span!(
                "typed",
                negative = -42_i64,
                zero = 0_u64,
                large = u64::MAX,
                yes = true,
                debugged = ?("a", 1),
                text = "tab\there \u{1} \"quoted\"",
            );
            let child = typed.in_scope(|| tracing::info_span!("child", n = 1_u8));
            child.in_scope(|| tracing::info!(inner = 2, "in the child"));
            tracing::info!(parent: &typed, "explicit parent");
            child.in_scope(|| tracing::info!(parent: &typed, "explicit parent over current"));
            typed.record("yes", false);
            typed.in_scope(|| tracing::warn!("after a re-record"));
        });
        String::from_utf8(captured.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn appended_span_fields_write_the_lines_re_written_ones_did() {
        let stock = lines_with(JsonFields::default());
        assert_eq!(stock.lines().count(), 9, "{stock}");
        assert!(stock.contains(r#""user_id":"u-2 \"q\" \\ é""#), "{stock}");
        assert!(stock.contains(r#""later":3.5"#), "{stock}");
        assert_eq!(lines_with(AppendingJsonFields::default()), stock);
    }

    #[test]
    fn the_span_written_after_the_line_is_the_stock_formats_span() {
        let stock = lines_with(JsonFields::default());
        assert!(stock.contains(r#""span":{"#), "{stock}");
        assert_eq!(lines_with_span(JsonFields::default()), stock);
        assert_eq!(
            lines_with_span(AppendingJsonFields::default()),
            lines_with(AppendingJsonFields::default())
        );
    }

    #[test]
    fn span_members_are_written_as_the_stock_format_writes_them() {
        let stock = |fields: &str| {
            let mut out = String::from("{");
            stock_members(&mut out, fields);
            out.push_str(r#""name":"s"}"#);
            out
        };
        let ours = |fields: &str| {
            let mut out = String::new();
            write_span(&mut out, fields, "s");
            out
        };
        let cases = [
            // read as text
            (r#"{"b":1,"a":"x"}"#, true),
            (r#"{"a":1,"a":2,"b":3,"a":4}"#, true),
            (r#"{"a":"}\",\\","b":"{"}"#, true),
            (r#"{"n":-12,"z":0,"t":true,"f":false,"u":null}"#, true),
            ("{}", true),
            (r#"{"a":123456789012345678}"#, true),
            // the stock way
            ("", false),
            ("[1]", false),
            (r#"{"a":1.5}"#, false),
            (r#"{"a":1e3}"#, false),
            (r#"{"a":1234567890123456789012}"#, false),
            (r#"{"a":{"b":1}}"#, false),
            (r#"{"a":[1]}"#, false),
            (r#"{"a\"b":1}"#, false),
            (r#"{"a":01}"#, false),
            (r#"{"a":-0}"#, false),
            (r#"{"a":1"#, false),
        ];
        for (fields, as_text) in cases {
            assert_eq!(flat_members(fields).is_some(), as_text, "{fields}");
            assert_eq!(ours(fields), stock(fields), "{fields}");
        }
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
