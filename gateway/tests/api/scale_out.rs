//! Two gateway instances on one PostgreSQL database and one Redis, as behind a load
//! balancer: whatever one instance does, the other sees.

use std::time::Duration;

use reqwest::header;
use serde_json::Value;

use cue_gateway::config::Settings;
use cue_store::Backend;
use cue_store::testing::fresh_database;
use secrecy::SecretString;

use crate::helpers::{FRONTEND, TestApp, error_code, spawn_app_at};

fn redis_url() -> String {
    std::env::var("CUE_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

/// Instances A and B on one fresh PostgreSQL database and the test Redis; `None` (skipped,
/// outside CI) when either is not reachable.
async fn two_instances() -> Option<(TestApp, TestApp)> {
    two_instances_with(|_| {}).await
}

/// [`two_instances`], both with settings `adjust`ed the same way.
async fn two_instances_with(adjust: impl Fn(&mut Settings)) -> Option<(TestApp, TestApp)> {
    let db = fresh_database(Backend::Postgres).await?;
    let redis = redis_url();
    let with_redis = |s: &mut Settings| {
        s.redis_url = Some(SecretString::from(redis.as_str()));
        adjust(s);
    };
    let mut a = spawn_app_at(db.url(), with_redis).await;
    let b = spawn_app_at(db.url(), with_redis).await;
    a.keep_database(db);
    for app in [&a, &b] {
        let res = app.api.get(app.url("/health/ready")).send().await.unwrap();
        let (status, body) = (res.status(), res.json::<Value>().await.unwrap());
        let redis_ok = body["checks"]["redis"] == "ok";
        if !redis_ok && std::env::var("CI").as_deref() != Ok("true") {
            println!("skipped: Redis not reachable at {redis}: {body}");
            return None;
        }
        assert_eq!(status, 200, "{body}");
        assert!(redis_ok, "{body}");
    }
    assert_ne!(a.address, b.address);
    Some((a, b))
}

async fn get_json(client: &reqwest::Client, url: String) -> (u16, Value) {
    let res = client.get(url).send().await.unwrap();
    (
        res.status().as_u16(),
        res.json().await.unwrap_or(Value::Null),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_started_on_one_instance_completes_on_the_other() {
    let Some((a, b)) = two_instances().await else {
        return;
    };
    // One browser; the load balancer sends the start to A and the provider's redirect to B.
    // Cookies are per host, not per port, so the state cookie A set goes to B too.
    let browser = &a.browser;
    let authorize = a.start_login(browser, "/auth/google").await;
    let res = b
        .callback(browser, "google", "google-code-ada", authorize.state())
        .await;
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()[header::LOCATION], format!("{FRONTEND}/"));

    // The session B issued works on both.
    for app in [&a, &b] {
        let (status, me) = get_json(browser, app.url("/auth/users/me")).await;
        assert_eq!(status, 200, "{}: {me}", app.address);
        assert_eq!(me["email"], "ada@example.com");
    }

    // The state was used up on B: replaying it on A, cookie and all, is refused.
    let replay = a
        .replay_callback("google", "google-code-ada", authorize.state())
        .await;
    assert_eq!(error_code(replay, 400).await, "invalid_state");
}

/// Without the session cache the other instance refuses a revoked token at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_revoked_on_one_instance_is_rejected_by_the_other() {
    revocation_reaches_the_other_instance_within(Duration::ZERO).await;
}

/// With it, within `AUTH_SESSION_CACHE_MS` (the documented bound), although the other
/// instance had the session cached.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_revoked_on_one_instance_is_rejected_by_the_other_within_the_session_cache() {
    revocation_reaches_the_other_instance_within(Duration::from_millis(300)).await;
}

async fn revocation_reaches_the_other_instance_within(cache: Duration) {
    let Some((a, b)) = two_instances_with(|s| s.auth.session_cache = cache).await else {
        return;
    };
    let token = a.api_login("google", "google-code-ada").await;
    assert_eq!(b.get_as(&token, "/users/me").await.status(), 200);

    let res = a
        .api
        .post(a.url("/auth/logout"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    tokio::time::sleep(cache).await;
    for app in [&b, &a] {
        let res = app.get_as(&token, "/users/me").await;
        assert_eq!(
            error_code(res, 401).await,
            "invalid_token",
            "{}",
            app.address
        );
    }

    // And the other way round, with a browser session: log out on B, rejected on A.
    let authorize = b.start_login(&b.browser, "/auth/google").await;
    let res = b
        .callback(&b.browser, "google", "google-code-ada", authorize.state())
        .await;
    let session = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("cue_session="))
        .and_then(|c| c.split(';').next())
        .expect("session cookie")
        .to_owned();
    let with_session = |app: &TestApp| {
        app.api
            .get(app.url("/auth/users/me"))
            .header(header::COOKIE, format!("cue_session={session}"))
            .send()
    };
    assert_eq!(with_session(&a).await.unwrap().status(), 200);
    let res = b
        .browser
        .post(b.url("/auth/logout"))
        .header(header::ORIGIN, FRONTEND)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    tokio::time::sleep(cache).await;
    // The cookie is sent by hand: the browser dropped it, but a stolen copy must not work.
    let res = with_session(&a).await.unwrap();
    assert_eq!(error_code(res, 401).await, "invalid_token");
}

/// The auth quota is one budget across instances: spent half on A and half on B, both then
/// refuse. Counted per instance (no Redis), neither would have refused yet.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limit_is_shared_between_instances() {
    const QUOTA: usize = 6;
    // Our own counters, so parallel tests and other users of the shared Redis never meet.
    let prefix = format!("cue-test:{}", uuid::Uuid::new_v4().simple());
    let Some((a, b)) = two_instances_with(|s| {
        s.rate_limits.enabled = true;
        s.rate_limits.auth_per_minute = QUOTA as u32;
        s.rate_limits.redis_prefix = prefix.clone();
    })
    .await
    else {
        return;
    };
    let login_start = |app: &TestApp| {
        app.api
            .get(app.url("/auth/google"))
            .header(header::ACCEPT, "application/json")
            .send()
    };
    for i in 0..QUOTA {
        let app = if i % 2 == 0 { &a } else { &b };
        let res = login_start(app).await.unwrap();
        assert_eq!(res.status(), 200, "request {i} on {}", app.address);
    }
    for app in [&a, &b] {
        let res = login_start(app).await.unwrap();
        let retry_after = res
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        assert!(
            retry_after.is_some_and(|s| s >= 1),
            "Retry-After: {retry_after:?}"
        );
        assert_eq!(
            error_code(res, 429).await,
            "rate_limited",
            "{}",
            app.address
        );
    }
}
