//! A bound on the WARN and ERROR lines that clients can make other crates write.
//!
//! actix-http logs every request it cannot parse (an oversized head, a malformed request
//! line) at ERROR under `actix_http::h1::dispatcher`, so any client can write ERROR lines at
//! will, flooding the logs and the alerts read from them. Filtering that target out would hide
//! the dispatcher's real stream errors too. [`Throttle`] wraps the layer that writes lines:
//! per target of another crate, the first [`Throttle::per_window`] WARN/ERROR events of each
//! window pass, the next one is replaced by a line saying that more are being held back, and
//! when the window is over a summary line gives their count. The first occurrence is never
//! hidden, and this crate's own events, and every INFO and below, are never held back (the
//! request log must stay complete).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tracing::callsite::{DefaultCallsite, Identifier};
use tracing::field::{FieldSet, Value};
use tracing::metadata::Kind;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

/// Events that pass per target and window by default.
pub const DEFAULT_PER_WINDOW: u32 = 10;
/// The default window.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(60);
/// Targets followed at once; events of further targets pass unthrottled (a bound on memory:
/// targets are static names of the binary's crates, not client input).
const MAX_TARGETS: usize = 256;

const FIELDS: &[&str] = &[
    "message",
    "throttled_target",
    "suppressed",
    "window_seconds",
];
static NOTICE_CALLSITE: DefaultCallsite = DefaultCallsite::new(&NOTICE);
/// The metadata of the lines the throttle writes itself.
static NOTICE: Metadata<'static> = Metadata::new(
    "log lines held back",
    "cue_gateway::log_throttle",
    Level::WARN,
    Some(file!()),
    Some(line!()),
    Some(module_path!()),
    FieldSet::new(FIELDS, Identifier(&NOTICE_CALLSITE)),
    Kind::EVENT,
);

/// One target's current window.
#[derive(Debug)]
struct Window {
    started: Instant,
    passed: u32,
    held_back: u64,
}

/// A layer that passes on to `inner` at most `per_window` WARN/ERROR events per target of
/// another crate and window, then what it held back (see the module docs).
#[derive(Debug)]
pub struct Throttle<L> {
    inner: L,
    per_window: u32,
    window: Duration,
    windows: Mutex<HashMap<&'static str, Window>>,
}

/// What to do with one event.
enum Verdict {
    Pass,
    /// The first held back in this window: say so, instead of the event.
    StartHolding,
    Hold,
}

impl<L> Throttle<L> {
    /// `inner` throttled at [`DEFAULT_PER_WINDOW`] events per [`DEFAULT_WINDOW`].
    pub fn new(inner: L) -> Self {
        Self::with_limits(inner, DEFAULT_PER_WINDOW, DEFAULT_WINDOW)
    }

    pub fn with_limits(inner: L, per_window: u32, window: Duration) -> Self {
        Self {
            inner,
            per_window: per_window.max(1),
            window,
            windows: Mutex::new(HashMap::new()),
        }
    }

    fn throttled(meta: &Metadata<'_>) -> bool {
        *meta.level() <= Level::WARN
            && !meta.target().starts_with("cue_")
            && meta.target() != NOTICE.target()
    }

    /// Counts the event of a throttled `target` (`None`: an event that is never held back), and
    /// returns the verdict with the windows that have ended holding events back (their target
    /// and count), ended ones forgotten.
    fn judge(
        &self,
        target: Option<&'static str>,
        now: Instant,
    ) -> (Verdict, Vec<(&'static str, u64)>) {
        let Ok(mut windows) = self.windows.lock() else {
            return (Verdict::Pass, Vec::new());
        };
        if windows.is_empty() && target.is_none() {
            return (Verdict::Pass, Vec::new());
        }
        let mut ended = Vec::new();
        windows.retain(|t, w| {
            let over = now.duration_since(w.started) >= self.window;
            if over && w.held_back > 0 {
                ended.push((*t, w.held_back));
            }
            !over
        });
        let Some(target) = target else {
            return (Verdict::Pass, ended);
        };
        if windows.len() >= MAX_TARGETS && !windows.contains_key(target) {
            return (Verdict::Pass, ended);
        }
        let w = windows.entry(target).or_insert(Window {
            started: now,
            passed: 0,
            held_back: 0,
        });
        let verdict = if w.passed < self.per_window {
            w.passed += 1;
            Verdict::Pass
        } else {
            w.held_back += 1;
            if w.held_back == 1 {
                Verdict::StartHolding
            } else {
                Verdict::Hold
            }
        };
        (verdict, ended)
    }

    /// Writes one of the throttle's own lines through `inner`.
    fn notice<S>(&self, ctx: &Context<'_, S>, message: &str, target: &str, count: u64)
    where
        S: Subscriber,
        L: Layer<S>,
    {
        let fields = NOTICE.fields();
        let (Some(m), Some(t), Some(c), Some(w)) = (
            fields.field("message"),
            fields.field("throttled_target"),
            fields.field("suppressed"),
            fields.field("window_seconds"),
        ) else {
            return;
        };
        let message = format_args!("{message}");
        let seconds = self.window.as_secs();
        let values = [
            (&m, Some(&message as &dyn Value)),
            (&t, Some(&target as &dyn Value)),
            (&c, Some(&count as &dyn Value)),
            (&w, Some(&seconds as &dyn Value)),
        ];
        let value_set = fields.value_set(&values);
        self.inner
            .on_event(&Event::new(&NOTICE, &value_set), ctx.clone());
    }
}

impl<S, L> Layer<S> for Throttle<L>
where
    S: Subscriber,
    L: Layer<S>,
{
    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let meta = event.metadata();
        // every event closes the windows that are over, so their counts come out promptly
        let target = Self::throttled(meta).then(|| meta.target());
        let (verdict, ended) = self.judge(target, Instant::now());
        for (target, count) in ended {
            self.notice(
                &ctx,
                "log lines of this target were held back in the last window",
                target,
                count,
            );
        }
        match verdict {
            Verdict::Pass => self.inner.on_event(event, ctx),
            Verdict::StartHolding => self.notice(
                &ctx,
                "more WARN/ERROR lines of this target are held back until the window ends; their count follows",
                meta.target(),
                0,
            ),
            Verdict::Hold => {}
        }
    }

    // everything else goes to the inner layer as it is
    fn on_register_dispatch(&self, subscriber: &tracing::Dispatch) {
        self.inner.on_register_dispatch(subscriber);
    }
    fn on_layer(&mut self, subscriber: &mut S) {
        self.inner.on_layer(subscriber);
    }
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        self.inner.register_callsite(metadata)
    }
    fn enabled(&self, metadata: &Metadata<'_>, ctx: Context<'_, S>) -> bool {
        self.inner.enabled(metadata, ctx)
    }
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        self.inner.on_new_span(attrs, id, ctx);
    }
    fn on_record(&self, span: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        self.inner.on_record(span, values, ctx);
    }
    fn on_follows_from(&self, span: &Id, follows: &Id, ctx: Context<'_, S>) {
        self.inner.on_follows_from(span, follows, ctx);
    }
    fn event_enabled(&self, event: &Event<'_>, ctx: Context<'_, S>) -> bool {
        self.inner.event_enabled(event, ctx)
    }
    fn on_enter(&self, id: &Id, ctx: Context<'_, S>) {
        self.inner.on_enter(id, ctx);
    }
    fn on_exit(&self, id: &Id, ctx: Context<'_, S>) {
        self.inner.on_exit(id, ctx);
    }
    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        self.inner.on_close(id, ctx);
    }
    fn on_id_change(&self, old: &Id, new: &Id, ctx: Context<'_, S>) {
        self.inner.on_id_change(old, new, ctx);
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use tracing_subscriber::layer::SubscriberExt;

    use super::*;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
        type Writer = Captured;
        fn make_writer(&'a self) -> Self::Writer {
            self.clone()
        }
    }

    fn lines(captured: &Captured) -> Vec<serde_json::Value> {
        String::from_utf8(captured.0.lock().unwrap().clone())
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn a_flood_of_dependency_errors_is_cut_to_a_few_lines_and_a_count() {
        let captured = Captured::default();
        let fmt = tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .with_writer(captured.clone());
        let window = Duration::from_millis(300);
        let subscriber = tracing_subscriber::registry().with(Throttle::with_limits(fmt, 3, window));
        tracing::subscriber::with_default(subscriber, || {
            for i in 0..50 {
                tracing::error!(target: "actix_http::h1::dispatcher", i, "stream error: head too large");
            }
            // another target, this crate's own errors and INFO lines are not held back
            tracing::error!(target: "h2::proto", "connection error");
            for _ in 0..5 {
                tracing::error!(target: "cue_gateway::routes", "database unavailable");
                tracing::info!(target: "actix_http::h1::dispatcher", "request completed");
            }
            std::thread::sleep(window + Duration::from_millis(50));
            // the count comes out with the next line of any kind
            tracing::info!(target: "cue_gateway::routes", "request completed");
            tracing::error!(target: "actix_http::h1::dispatcher", i = 50, "stream error: head too large");
        });
        let lines = lines(&captured);
        let of = |target: &str, level: &str| {
            lines
                .iter()
                .filter(|l| l["target"] == target && l["level"] == level)
                .count()
        };
        // the first three and, after the window, the next first one
        let errors: Vec<i64> = lines
            .iter()
            .filter(|l| l["target"] == "actix_http::h1::dispatcher" && l["level"] == "ERROR")
            .map(|l| l["i"].as_i64().unwrap())
            .collect();
        assert_eq!(errors, [0, 1, 2, 50]);
        assert_eq!(of("h2::proto", "ERROR"), 1);
        assert_eq!(of("cue_gateway::routes", "ERROR"), 5);
        assert_eq!(of("actix_http::h1::dispatcher", "INFO"), 5);
        let notices: Vec<&serde_json::Value> = lines
            .iter()
            .filter(|l| l["target"] == "cue_gateway::log_throttle")
            .collect();
        assert_eq!(notices.len(), 2, "{notices:?}");
        assert_eq!(notices[0]["throttled_target"], "actix_http::h1::dispatcher");
        assert_eq!(notices[0]["suppressed"], 0);
        assert_eq!(notices[0]["level"], "WARN");
        assert_eq!(notices[1]["suppressed"], 47, "{notices:?}");
        let position = |l: &serde_json::Value| lines.iter().position(|x| x == l).unwrap();
        let info_after = lines
            .iter()
            .rposition(|l| l["level"] == "INFO" && l["target"] == "cue_gateway::routes")
            .unwrap();
        assert_eq!(
            position(notices[1]) + 1,
            info_after,
            "the count before that line"
        );
        assert_eq!(lines.len(), 4 + 1 + 5 + 1 + 5 + 2);
    }
}
