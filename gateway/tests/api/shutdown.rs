//! SIGTERM on the real binary: stop accepting, let in-flight requests finish within
//! `SHUTDOWN_GRACE_SECONDS`, close the database pool, exit 0.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::test_environment;
use crate::process::ServerProcess;

const PROMPT: &str = "Every weekday at 9am, post yesterday's Stripe payouts to #finance in Slack";

/// Settings for a process on a SQLite file in `dir`. No identity provider is contacted.
fn process_vars(dir: &std::path::Path, grace_secs: u64) -> BTreeMap<String, String> {
    let db = format!("sqlite://{}", dir.join("cue.db").display());
    let mut vars = test_environment(&db, "http://127.0.0.1:9");
    vars.insert(
        "ARTIFACT_DIR".into(),
        dir.join("artifacts").display().to_string(),
    );
    vars.insert("SHUTDOWN_GRACE_SECONDS".into(), grace_secs.to_string());
    vars
}

/// A `POST /workflows/generate` whose body has only partly arrived: the server has read the
/// head (it answered `100 Continue`) and waits for the rest. `rest` completes it.
struct SlowRequest {
    stream: TcpStream,
    rest: Vec<u8>,
}

impl SlowRequest {
    async fn begin(port: u16) -> SlowRequest {
        let body = serde_json::json!({ "prompt": PROMPT })
            .to_string()
            .into_bytes();
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let head = format!(
            "POST /workflows/generate HTTP/1.1\r\nHost: 127.0.0.1\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\
             Expect: 100-continue\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let interim = read_until(&mut stream, b"\r\n\r\n").await;
        assert!(
            interim.starts_with(b"HTTP/1.1 100 Continue"),
            "{}",
            String::from_utf8_lossy(&interim)
        );
        let half = body.len() / 2;
        stream.write_all(&body[..half]).await.unwrap();
        SlowRequest {
            stream,
            rest: body[half..].to_vec(),
        }
    }

    /// Sends the rest of the body and reads the whole response.
    async fn finish(mut self) -> std::io::Result<(u16, Value)> {
        self.stream.write_all(&self.rest).await?;
        let mut raw = Vec::new();
        self.stream.read_to_end(&mut raw).await?;
        let text = String::from_utf8_lossy(&raw);
        let status = text
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = text
            .split_once("\r\n\r\n")
            .and_then(|(_, b)| serde_json::from_str(b).ok())
            .unwrap_or(Value::Null);
        Ok((status, body))
    }
}

async fn read_until(stream: &mut TcpStream, end: &[u8]) -> Vec<u8> {
    let mut got = Vec::new();
    let mut byte = [0u8; 1];
    let read = async {
        while !got.ends_with(end) {
            if stream.read(&mut byte).await.unwrap() == 0 {
                break;
            }
            got.push(byte[0]);
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .expect("the server answers the request head");
    got
}

/// Polls until a new connection to `port` is refused.
async fn refused_within(port: u16, within: Duration) -> Duration {
    let started = Instant::now();
    loop {
        match TcpStream::connect(("127.0.0.1", port)).await {
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                return started.elapsed();
            }
            _ => {}
        }
        assert!(
            started.elapsed() < within,
            "still accepting connections {within:?} after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_in_flight_requests_refuses_new_ones_and_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let grace = Duration::from_secs(10);
    let mut server = ServerProcess::start(&process_vars(dir.path(), grace.as_secs()), dir.path());
    let in_flight = SlowRequest::begin(server.port()).await;

    server.terminate();
    let signalled = Instant::now();
    let refused_after = refused_within(server.port(), Duration::from_secs(3)).await;

    // The request that was in flight still gets its whole answer.
    let (status, body) = in_flight.finish().await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(
        body["code"]
            .as_str()
            .is_some_and(|c| c.contains("def lambda_handler")),
        "{body}"
    );

    let exit = server.wait_exit(grace).await;
    let exited_after = signalled.elapsed();
    let exit = exit.unwrap_or_else(|| panic!("still running {grace:?} after SIGTERM"));
    assert!(exit.success(), "{exit}\n{}", server.logs().join("\n"));
    assert!(server.logged("database pool closed"), "{:?}", server.logs());
    println!(
        "SIGTERM: refusing new connections after {refused_after:?}, exited 0 after \
         {exited_after:?} (grace {grace:?})"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_waiting_for_a_request_at_the_end_of_the_grace_period() {
    let dir = tempfile::tempdir().unwrap();
    let grace = Duration::from_secs(1);
    let mut server = ServerProcess::start(&process_vars(dir.path(), grace.as_secs()), dir.path());
    // Never finishes: its client went quiet.
    let stuck = SlowRequest::begin(server.port()).await;

    server.terminate();
    let signalled = Instant::now();
    let exit = server.wait_exit(grace + Duration::from_secs(5)).await;
    let exited_after = signalled.elapsed();
    let exit = exit.unwrap_or_else(|| panic!("still running long after the grace period"));
    assert!(exit.success(), "{exit}\n{}", server.logs().join("\n"));
    assert!(
        exited_after >= grace,
        "waited for the request: {exited_after:?}"
    );
    let answer = stuck.finish().await;
    assert!(
        !matches!(answer, Ok((200, _))),
        "the stuck request was cut off: {answer:?}"
    );
    println!("SIGTERM with a stuck request: exited 0 after {exited_after:?} (grace {grace:?})");
}
