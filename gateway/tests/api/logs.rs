//! The request log: one JSON line per request with its id, route, status, latency and user
//! id, and never a token, an OAuth code or state, or a query string.

use std::io::Write;
use std::sync::{Arc, Mutex};

use cue_gateway::config::LogFormat;
use serde_json::Value;

use crate::backend_tests;
use crate::helpers::TestApp;

backend_tests!(
    request_log_lines_are_structured_and_carry_no_secrets,
    unparsable_requests_cannot_flood_the_log
);

/// Collects everything the subscriber writes.
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

async fn request_log_lines_are_structured_and_carry_no_secrets(app: TestApp) {
    // nextest runs every test in its own process, so this test owns the global subscriber.
    let captured = Captured::default();
    cue_gateway::telemetry::init_with_writer(LogFormat::Json, captured.clone());

    let token = app.api_login("google", "google-code-ada").await;
    let me: Value = app.get_as(&token, "/users/me").await.json().await.unwrap();
    let res = app
        .api
        .get(app.url("/auth/google/callback?code=secret-code-123&state=secret-state-456"))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    // Let the last line be written.
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let completed: Vec<&Value> = lines
        .iter()
        .filter(|l| l["message"] == "request completed")
        .collect();
    if completed.is_empty() {
        // Another test of this process installed the subscriber first (plain `cargo test`).
        assert_ne!(
            std::env::var("NEXTEST").as_deref(),
            Ok("1"),
            "no request lines:\n{text}"
        );
        println!("skipped: the global subscriber was installed elsewhere");
        return;
    }
    let me_line = completed
        .iter()
        .find(|l| l["span"]["route"] == "/users/me")
        .unwrap_or_else(|| panic!("no /users/me line:\n{text}"));
    assert_eq!(me_line["status"], 200);
    assert_eq!(me_line["level"], "INFO");
    assert!(me_line["latency_ms"].as_f64().is_some());
    assert_eq!(me_line["span"]["method"], "GET");
    assert_eq!(me_line["span"]["user_id"], me["id"]);
    assert_eq!(
        me_line["span"]["request_id"].as_str().map(str::len),
        Some(36),
        "a UUID request id"
    );
    // The login's own callback came first; the refused one is the last.
    let callback = completed
        .iter()
        .rfind(|l| l["span"]["route"] == "/auth/{provider}/callback")
        .unwrap_or_else(|| panic!("no callback line:\n{text}"));
    assert_eq!(callback["status"], 400);
    assert_eq!(callback["span"]["path"], "/auth/google/callback");

    for secret in [
        token.as_str(),
        "secret-code-123",
        "secret-state-456",
        "g-token-ada",
    ] {
        assert!(
            !text.contains(secret),
            "{secret} leaked into the log:\n{text}"
        );
    }
}

/// Every request actix-http cannot parse is an ERROR line of its own: a client sending 25
/// oversized heads gets the first few written, then one line saying the rest are held back.
async fn unparsable_requests_cannot_flood_the_log(app: TestApp) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let captured = Captured::default();
    cue_gateway::telemetry::init_with_writer(LogFormat::Json, captured.clone());
    let mut head = b"GET /health HTTP/1.1\r\nHost: x\r\n".to_vec();
    for i in 0..200 {
        head.extend_from_slice(format!("X-Line-{i}: 1\r\n").as_bytes());
    }
    head.extend_from_slice(b"\r\n");
    let addr = app.address.trim_start_matches("http://").to_owned();
    for _ in 0..25 {
        let mut socket = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let _ = socket.write_all(&head).await;
        let mut answer = Vec::new();
        let _ = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            socket.read_to_end(&mut answer),
        )
        .await;
        assert!(answer.starts_with(b"HTTP/1.1 431 "));
    }
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    if lines.is_empty() {
        // Another test of this process installed the subscriber first (plain `cargo test`).
        assert_ne!(std::env::var("NEXTEST").as_deref(), Ok("1"), "no lines");
        println!("skipped: the global subscriber was installed elsewhere");
        return;
    }
    let errors = lines
        .iter()
        .filter(|l| {
            l["level"] == "ERROR"
                && l["target"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("actix_http"))
        })
        .count();
    assert!(
        (1..=cue_gateway::log_throttle::DEFAULT_PER_WINDOW as usize).contains(&errors),
        "{errors} ERROR lines of actix-http:\n{text}"
    );
    let notice = lines
        .iter()
        .find(|l| l["target"] == "cue_gateway::log_throttle")
        .unwrap_or_else(|| panic!("no line saying what was held back:\n{text}"));
    assert_eq!(notice["level"], "WARN");
    assert!(
        notice["throttled_target"]
            .as_str()
            .is_some_and(|t| t.starts_with("actix_http")),
        "{notice}"
    );
}
