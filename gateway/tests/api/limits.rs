//! Rate limits, request deadlines and `/metrics`.

use std::time::{Duration, Instant};

use cue_gateway::config::Settings;
use cue_store::Backend;
use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::backend_tests;
use crate::helpers::{TestApp, error_code, spawn_app_with};

backend_tests!(
    generation_is_limited_per_user_with_ratelimit_headers,
    auth_routes_are_limited_per_client_ip,
    signed_in_reads_under_auth_do_not_use_the_login_quota,
    writes_searches_and_credential_fills_are_limited_per_user,
    anonymous_generation_has_a_cap_shared_by_every_address,
    limits_are_shared_between_instances_through_redis,
    redis_down_degrades_to_in_process_limits_without_errors,
    a_redis_outage_mid_run_costs_no_errors_and_heals,
    disabled_limits_send_no_headers,
    metrics_on_the_api_port_need_the_token,
    metrics_port_serves_without_a_token,
    slow_request_bodies_get_a_timeout_answer,
    oversized_request_heads_get_a_json_431,
);

fn redis_url() -> String {
    std::env::var("CUE_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

/// Whether the app reaches its Redis (by its readiness report); outside CI a missing Redis
/// skips the test, in CI it fails it.
async fn redis_answers(app: &TestApp, url: &str) -> bool {
    let ready: Value = app
        .api
        .get(app.url("/health/ready"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    if ready["checks"]["redis"] == "ok" {
        return true;
    }
    assert_ne!(
        std::env::var("CI").as_deref(),
        Ok("true"),
        "Redis is required in CI"
    );
    println!("skipped: Redis not reachable at {url}");
    false
}

async fn app(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_with(backend, adjust)
        .await
        .expect("the backend was available for the first app")
}

async fn generate(app: &TestApp, token: Option<&str>) -> reqwest::Response {
    let mut req = app
        .api
        .post(app.url("/workflows/generate"))
        .json(&json!({"prompt": "every day at 9am send a Slack message to #general"}));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    req.send().await.unwrap()
}

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .unwrap_or_else(|| panic!("{name} missing"))
        .to_str()
        .unwrap()
        .to_owned()
}

async fn generation_is_limited_per_user_with_ratelimit_headers(app: TestApp) {
    let backend = app.store.backend();
    drop(app);
    let app = self::app(backend, |s| s.rate_limits.generate_per_minute = 2).await;
    let ada = app.api_login("google", "google-code-ada").await;
    let bob = app.api_login("google", "google-code-bob").await;

    for remaining in ["1", "0"] {
        let res = generate(&app, Some(&ada)).await;
        assert_eq!(res.status(), 200);
        assert_eq!(header(&res, "ratelimit-limit"), "2");
        assert_eq!(header(&res, "ratelimit-remaining"), remaining);
        assert_eq!(header(&res, "ratelimit-policy"), "2;w=60");
        assert!(res.headers().get("retry-after").is_none());
    }
    let refused = generate(&app, Some(&ada)).await;
    assert_eq!(refused.status(), 429);
    let retry: u64 = header(&refused, "retry-after").parse().unwrap();
    assert!(
        (1..=30).contains(&retry),
        "one request per 30 s refills: {retry}"
    );
    assert_eq!(header(&refused, "ratelimit-remaining"), "0");
    assert!(header(&refused, "ratelimit-reset").parse::<u64>().unwrap() >= retry);
    assert_eq!(error_code(refused, 429).await, "rate_limited");

    // Another user, and an anonymous caller (counted by address), have their own quotas.
    assert_eq!(generate(&app, Some(&bob)).await.status(), 200);
    assert_eq!(generate(&app, None).await.status(), 200);
    // Routes without a quota are not affected, for the limited user either.
    let me = app.get_as(&ada, "/users/me").await;
    assert_eq!(me.status(), 200);
    assert!(me.headers().get("ratelimit-limit").is_none());
}

async fn auth_routes_are_limited_per_client_ip(app: TestApp) {
    let backend = app.store.backend();
    drop(app);
    let app = self::app(backend, |s| {
        s.rate_limits.auth_per_minute = 3;
        s.rate_limits.trusted_proxy_hops = 1;
    })
    .await;
    let start = |client_ip: &'static str| {
        app.api
            .get(app.url("/auth/google"))
            .header("accept", "application/json")
            .header("x-forwarded-for", format!("198.51.100.1, {client_ip}"))
            .send()
    };
    for _ in 0..3 {
        assert_eq!(start("203.0.113.1").await.unwrap().status(), 200);
    }
    let refused = start("203.0.113.1").await.unwrap();
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().get("retry-after").is_some());
    // The header is readable by the browser app (CORS exposes it).
    assert_eq!(error_code(refused, 429).await, "rate_limited");
    // The spoofable left part of X-Forwarded-For does not matter; the proxy's entry does.
    assert_eq!(start("203.0.113.2").await.unwrap().status(), 200);
}

async fn signed_in_reads_under_auth_do_not_use_the_login_quota(app: TestApp) {
    let backend = app.store.backend();
    drop(app);
    let app = self::app(backend, |s| s.rate_limits.auth_per_minute = 3).await;
    // A login is two requests of the flow: the start and the callback.
    let ada = app.api_login("google", "google-code-ada").await;
    for _ in 0..20 {
        for path in ["/auth/users/me", "/auth/users/api/me", "/api/auth/profile"] {
            let res = app.get_as(&ada, path).await;
            assert_eq!(res.status(), 200, "{path}");
            assert!(res.headers().get("ratelimit-limit").is_none(), "{path}");
        }
    }
    // The flow itself still has its quota: one request left, then 429.
    let start = || {
        app.api
            .get(app.url("/auth/google"))
            .header("accept", "application/json")
            .send()
    };
    assert_eq!(start().await.unwrap().status(), 200);
    assert_eq!(
        error_code(start().await.unwrap(), 429).await,
        "rate_limited"
    );
}

/// The detail of a 429 names the bucket that refused it.
async fn refused_by(res: reqwest::Response) -> String {
    assert_eq!(res.status(), 429);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "rate_limited");
    body["detail"].as_str().unwrap().to_owned()
}

async fn writes_searches_and_credential_fills_are_limited_per_user(app: TestApp) {
    let backend = app.store.backend();
    drop(app);
    let app = self::app(backend, |s| {
        s.rate_limits.write_per_minute = 2;
        s.rate_limits.search_per_minute = 2;
        s.rate_limits.validate_per_minute = 1;
    })
    .await;
    let ada = app.api_login("google", "google-code-ada").await;
    let bob = app.api_login("google", "google-code-bob").await;
    let body = json!({"name": "n", "code": "x = 1\n"});

    let first = app.post_as(&ada, "/workflows", &body).await;
    assert_eq!(first.status(), 201);
    assert_eq!(header(&first, "ratelimit-limit"), "2");
    let id = first.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/workflows/{id}");
    assert_eq!(
        app.put_as(&ada, &path, &json!({"name": "m"}))
            .await
            .status(),
        200
    );
    let refused = app.post_as(&ada, "/workflows", &body).await;
    assert!(refused_by(refused).await.contains("write"));
    // Reads of one workflow are not limited; searches are, in their own bucket.
    assert_eq!(app.get_as(&ada, &path).await.status(), 200);
    for _ in 0..2 {
        assert_eq!(app.get_as(&ada, "/workflows?q=n").await.status(), 200);
    }
    assert!(
        refused_by(app.get_as(&ada, "/workflows").await)
            .await
            .contains("search")
    );
    // A credential fill validates code: it counts like a validation.
    let fill = json!({"credentials": {"SLACK_BOT_TOKEN": "v"}});
    let once = app
        .post_as(&ada, &format!("{path}/credentials"), &fill)
        .await;
    assert_ne!(once.status(), 429);
    let twice = app
        .post_as(&ada, &format!("{path}/credentials"), &fill)
        .await;
    assert!(refused_by(twice).await.contains("validate"));
    // Another user has quotas of their own.
    assert_eq!(app.post_as(&bob, "/workflows", &body).await.status(), 201);
    assert_eq!(app.get_as(&bob, "/workflows").await.status(), 200);
}

async fn anonymous_generation_has_a_cap_shared_by_every_address(app: TestApp) {
    let backend = app.store.backend();
    drop(app);
    let app = self::app(backend, |s| {
        s.rate_limits.generate_per_minute = 10;
        s.rate_limits.anonymous_generate_per_minute = 2;
        s.rate_limits.trusted_proxy_hops = 1;
    })
    .await;
    let from = |client_ip: String| {
        app.api
            .post(app.url("/workflows/generate"))
            .header("x-forwarded-for", client_ip)
            .json(&json!({"prompt": "every day at 9am send a Slack message to #general"}))
            .send()
    };
    // Each address is well within its own quota; together they use up the shared one.
    for i in 1..=2 {
        assert_eq!(from(format!("203.0.113.{i}")).await.unwrap().status(), 200);
    }
    let refused = from("203.0.113.3".to_owned()).await.unwrap();
    assert!(refused.headers().get("retry-after").is_some());
    assert!(refused_by(refused).await.contains("anonymous_generate"));
    // A signed-in user is counted as themself only.
    let ada = app.api_login("google", "google-code-ada").await;
    assert_eq!(generate(&app, Some(&ada)).await.status(), 200);
}

async fn limits_are_shared_between_instances_through_redis(app: TestApp) {
    let backend = app.store.backend();
    drop(app);
    let prefix = format!("cue-test:{}", uuid::Uuid::new_v4());
    let url = redis_url();
    let shared = |s: &mut Settings| {
        s.rate_limits.generate_per_minute = 2;
        s.redis_url = Some(SecretString::from(url.as_str()));
        s.rate_limits.redis_prefix = prefix.clone();
    };
    let a = self::app(backend, shared).await;
    if !redis_answers(&a, &url).await {
        return;
    }
    let b = self::app(backend, shared).await;
    // Anonymous callers from one address: the same key on both instances.
    assert_eq!(generate(&a, None).await.status(), 200);
    assert_eq!(generate(&b, None).await.status(), 200);
    let refused = generate(&a, None).await;
    assert_eq!(
        refused.status(),
        429,
        "the second instance's request counted"
    );
    assert_eq!(generate(&b, None).await.status(), 429);
}

async fn redis_down_degrades_to_in_process_limits_without_errors(app: TestApp) {
    let backend = app.store.backend();
    drop(app);
    let app = self::app(backend, |s| {
        s.rate_limits.generate_per_minute = 3;
        s.redis_url = Some(SecretString::from("redis://127.0.0.1:1"));
    })
    .await;
    let token = app.api_login("google", "google-code-ada").await;
    let started = Instant::now();
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(generate(&app, Some(&token)).await.status().as_u16());
    }
    assert_eq!(statuses, [200, 200, 200, 429]);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    // Everything else works; readiness says what is degraded.
    assert_eq!(app.get_as(&token, "/users/me").await.status(), 200);
    let ready = app.api.get(app.url("/health/ready")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.json::<Value>().await.unwrap()["status"], "degraded");
}

/// Redis behind a proxy the test controls: it goes away (connections reset, then packets
/// vanish) while the service is serving, and comes back.
async fn a_redis_outage_mid_run_costs_no_errors_and_heals(app: TestApp) {
    use crate::proxy::Proxy;
    let backend = app.store.backend();
    drop(app);
    let url = redis_url();
    let Some(target) = url
        .strip_prefix("redis://")
        .and_then(|hp| std::net::ToSocketAddrs::to_socket_addrs(hp.trim_end_matches('/')).ok())
        .and_then(|mut addrs| addrs.next())
    else {
        println!("skipped: cannot proxy {url}");
        return;
    };
    let proxy = Proxy::start(target).await;
    let proxied = format!("redis://127.0.0.1:{}", proxy.port());
    let prefix = format!("cue-test:{}", uuid::Uuid::new_v4());
    let shared = |s: &mut Settings| {
        // One request refills every 600 ms: slow enough that back-to-back requests see each
        // other's count, fast enough that the test never runs out.
        s.rate_limits.generate_per_minute = 100;
        s.redis_url = Some(SecretString::from(proxied.as_str()));
        s.rate_limits.redis_prefix = prefix.clone();
    };
    let a = self::app(backend, shared).await;
    if !redis_answers(&a, &url).await {
        return;
    }
    let b = self::app(backend, shared).await;
    let remaining =
        |res: &reqwest::Response| -> u32 { header(res, "ratelimit-remaining").parse().unwrap() };

    // Shared: B sees A's request.
    let first = generate(&a, None).await;
    assert_eq!(first.status(), 200);
    let second = generate(&b, None).await;
    assert_eq!(
        remaining(&second),
        remaining(&first) - 1,
        "counted in Redis"
    );

    for outage in ["cut", "blackhole"] {
        match outage {
            "cut" => proxy.cut(),
            _ => proxy.blackhole(),
        }
        let started = Instant::now();
        for _ in 0..5 {
            let res = generate(&a, None).await;
            assert_eq!(res.status(), 200, "{outage}");
        }
        // At most one Redis deadline (250 ms) is paid; then the instance counts alone.
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{outage}: {:?}",
            started.elapsed()
        );
        let ready = a.api.get(a.url("/health/ready")).send().await.unwrap();
        assert_eq!(ready.status(), 200, "{outage}: Redis is optional");
        proxy.restore();
        // After the backoff (5 s) the instances share counts again.
        let healed = tokio::time::timeout(Duration::from_secs(20), async {
            loop {
                tokio::time::sleep(Duration::from_millis(500)).await;
                let x = generate(&a, None).await;
                let y = generate(&b, None).await;
                assert_eq!((x.status(), y.status()), (StatusCode::OK, StatusCode::OK));
                if remaining(&y) + 1 == remaining(&x) {
                    break;
                }
            }
        })
        .await;
        assert!(
            healed.is_ok(),
            "{outage}: counts are not shared again after restore"
        );
    }
}

async fn disabled_limits_send_no_headers(app: TestApp) {
    let backend = app.store.backend();
    drop(app);
    let app = self::app(backend, |s| {
        s.rate_limits.enabled = false;
        s.rate_limits.generate_per_minute = 1;
    })
    .await;
    for _ in 0..3 {
        let res = generate(&app, None).await;
        assert_eq!(res.status(), 200);
        assert!(res.headers().get("ratelimit-limit").is_none());
    }
}

const METRICS_TOKEN: &str = "metrics-token-0123456789";

async fn metrics_on_the_api_port_need_the_token(app: TestApp) {
    // Not configured: not served.
    let res = app.api.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(error_code(res, 404).await, "not_found");

    let backend = app.store.backend();
    drop(app);
    let app = self::app(backend, |s| {
        s.metrics.token = Some(SecretString::from(METRICS_TOKEN));
    })
    .await;
    assert_eq!(
        app.api
            .get(app.url("/health"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let res = app.api.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(error_code(res, 401).await, "not_authenticated");
    let res = app
        .api
        .get(app.url("/metrics"))
        .bearer_auth("metrics-token-wrong-000000")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    let res = app
        .api
        .get(app.url("/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(header(&res, "content-type").starts_with("text/plain"));
    let text = res.text().await.unwrap();
    for needle in [
        r#"cue_http_requests_total{method="GET",route="/health",status="200"}"#,
        r#"cue_http_request_duration_seconds_bucket{method="GET",route="/health",status="200""#,
        r#"cue_db_pool_connections{state="max"}"#,
        "cue_process_resident_memory_bytes",
    ] {
        assert!(text.contains(needle), "{needle} missing");
    }
    // Bounded labels: the unauthenticated attempt is counted under its pattern.
    assert!(text.contains(r#"route="/metrics",status="401""#));
}

async fn metrics_port_serves_without_a_token(app: TestApp) {
    let backend = app.store.backend();
    drop(app);
    let app = self::app(backend, |s| s.metrics.port = Some(0)).await;
    let token = app.api_login("google", "google-code-ada").await;
    assert_eq!(generate(&app, Some(&token)).await.status(), 200);
    let metrics = app.metrics_address.clone().expect("metrics port bound");
    let res = app
        .api
        .get(format!("{metrics}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    for needle in [
        r#"cue_workflow_generations_total{outcome="ok"}"#,
        r#"cue_http_requests_total{method="POST",route="/workflows/generate",status="200"}"#,
    ] {
        assert!(text.contains(needle), "{needle} missing");
    }
    // Only metrics there.
    let res = app
        .api
        .get(format!("{metrics}/users/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    // And without a token, the API port does not serve them.
    assert_eq!(
        app.api
            .get(app.url("/metrics"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

async fn slow_request_bodies_get_a_timeout_answer(app: TestApp) {
    let backend = app.store.backend();
    drop(app);
    let app = self::app(backend, |s| s.request_timeout = Duration::from_secs(1)).await;
    let addr = app.address.trim_start_matches("http://").to_owned();
    let mut socket = tokio::net::TcpStream::connect(&addr).await.unwrap();
    // Headers promise 200 bytes; only a few arrive.
    socket
        .write_all(
            b"POST /workflows/generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"prompt\": ",
        )
        .await
        .unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), async {
        let mut buf = [0u8; 4096];
        loop {
            let n = socket.read(&mut buf).await.unwrap_or(0);
            if n == 0 {
                break;
            }
            answer.extend_from_slice(&buf[..n]);
            if answer.windows(4).any(|w| w == b"\r\n\r\n") && answer.ends_with(b"}") {
                break;
            }
        }
    })
    .await;
    assert!(read.is_ok(), "no answer within 10 s");
    let elapsed = started.elapsed();
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 504"), "{text}");
    assert!(text.contains(r#""code":"request_timeout""#), "{text}");
    assert!(
        elapsed >= Duration::from_millis(900) && elapsed < Duration::from_secs(5),
        "{elapsed:?}"
    );
}

/// Sends `request` on a fresh connection and reads until the server closes it (or 10 s pass).
async fn raw_exchange(app: &TestApp, request: &[u8]) -> String {
    let addr = app.address.trim_start_matches("http://").to_owned();
    let mut socket = tokio::net::TcpStream::connect(&addr).await.unwrap();
    // the server may answer and close before it has read everything
    let _ = socket.write_all(request).await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), socket.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

fn assert_json_431(text: &str) {
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((text, ""));
    assert!(head.starts_with("HTTP/1.1 431 "), "{text}");
    assert!(head.contains("content-type: application/json"), "{head}");
    let body: Value = serde_json::from_str(body).unwrap();
    assert_eq!(body["code"], "headers_too_large", "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("128 KiB"),
        "{body}"
    );
}

async fn oversized_request_heads_get_a_json_431(app: TestApp) {
    // 100 KB of headers in a few lines is under actix-http's limits: served as usual
    let mut request = b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n".to_vec();
    for i in 0..10 {
        request.extend_from_slice(format!("X-Pad-{i}: {}\r\n", "a".repeat(10_000)).as_bytes());
    }
    request.extend_from_slice(b"\r\n");
    let text = raw_exchange(&app, &request).await;
    assert!(text.starts_with("HTTP/1.1 200 "), "{text}");

    // 200 header lines, and 140 KB in one line: over the limits, answered in JSON
    let mut many = b"GET /health HTTP/1.1\r\nHost: x\r\n".to_vec();
    for i in 0..200 {
        many.extend_from_slice(format!("X-Line-{i}: 1\r\n").as_bytes());
    }
    many.extend_from_slice(b"\r\n");
    assert_json_431(&raw_exchange(&app, &many).await);
    let big = format!(
        "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "b".repeat(140_000)
    );
    assert_json_431(&raw_exchange(&app, big.as_bytes()).await);

    // after a served request on the same connection: the first answer is untouched
    let mut kept = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n".to_vec();
    kept.extend_from_slice(&many);
    let text = raw_exchange(&app, &kept).await;
    let second = text
        .find("HTTP/1.1 431")
        .unwrap_or_else(|| panic!("{text}"));
    assert!(text.starts_with("HTTP/1.1 200 "), "{text}");
    assert!(text[..second].contains(r#""status""#), "{text}");
    assert_json_431(&text[second..]);
}
