//! The database going away under a running app, through a [`Proxy`] between the app and
//! PostgreSQL (the shared server itself is never stopped), with the default timeouts.
//!
//! What is promised: `/health/ready` says 503 within a second; requests that need the
//! database answer 503 `database_unavailable` within two seconds instead of hanging; the
//! app recovers by itself within five seconds of the database returning.
//!
//! Measured on the 2-core development machine (other builds running), from the outage to
//! the answer (`cargo nextest run -p cue-gateway --test api -E 'test(faults::)' --no-capture`):
//!
//! | outage    | ready 503 | /users/me 503 | generate 503 | 16 concurrent | healthy again after restore |
//! |-----------|-----------|---------------|--------------|---------------|-----------------------------|
//! | cut       | 2–5 ms    | 1 ms          | 1 ms         | 15–18 ms      | 30–45 ms                    |
//! | blackhole | 803–807 ms| 1.003–1.007 s | 1.003 s      | 1.014 s       | 35–45 ms                    |
//!
//! A cut fails fast (the connection is reset); a blackhole ends at the app's deadlines:
//! the 800 ms readiness timeout, the 1 s checkout deadline.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use cue_gateway::config::DatabaseSettings;
use cue_store::Backend;
use cue_store::testing::fresh_database;
use futures_util::future::join_all;
use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::{Value, json};
use url::Url;

use crate::helpers::{TestApp, spawn_app_at};
use crate::proxy::Proxy;

const READY_WITHIN: Duration = Duration::from_secs(1);
const FAIL_WITHIN: Duration = Duration::from_secs(2);
const RECOVER_WITHIN: Duration = Duration::from_secs(5);

const PROMPT: &str = "Every weekday at 9am, post yesterday's Stripe payouts to #finance in Slack";

/// An app whose database connections all go through a proxy, and the proxy.
async fn app_behind_proxy() -> Option<(TestApp, Proxy)> {
    let db = fresh_database(Backend::Postgres).await?;
    let mut url = Url::parse(db.url()).unwrap();
    let target: SocketAddr = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(5432))
        .parse()
        .unwrap();
    let proxy = Proxy::start(target).await;
    url.set_port(Some(proxy.port())).unwrap();
    let mut app = spawn_app_at(db.url(), |s| {
        s.database.url = SecretString::from(url.as_str());
        // The promises are about the default timeouts.
        let defaults = DatabaseSettings::default();
        s.database.acquire_timeout = defaults.acquire_timeout;
        s.database.query_timeout = defaults.query_timeout;
        // The recovery loop polls generation; the quota is not what is under test.
        s.rate_limits.enabled = false;
        // Every request below must reach the database: a cached session would answer
        // /users/me through the first AUTH_SESSION_CACHE_MS of the outage.
        s.auth.session_cache = Duration::ZERO;
    })
    .await;
    app.keep_database(db);
    Some((app, proxy))
}

/// A client whose own timeout is far beyond the promises, so a hang fails the assertion
/// rather than the test run.
fn patient_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// `(status, body, how long the answer took)`.
async fn timed(req: reqwest::RequestBuilder) -> (StatusCode, Value, Duration) {
    let started = Instant::now();
    let res = req.send().await.expect("the app answers");
    let status = res.status();
    let body = res.json().await.unwrap_or(Value::Null);
    (status, body, started.elapsed())
}

struct Requests<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
    token: String,
}

impl Requests<'_> {
    fn ready(&self) -> reqwest::RequestBuilder {
        self.client.get(self.app.url("/health/ready"))
    }

    fn me(&self) -> reqwest::RequestBuilder {
        self.client
            .get(self.app.url("/users/me"))
            .bearer_auth(&self.token)
    }

    fn generate(&self) -> reqwest::RequestBuilder {
        self.client
            .post(self.app.url("/workflows/generate"))
            .bearer_auth(&self.token)
            .json(&json!({"prompt": PROMPT}))
    }

    /// Whether everything answers as it should with a working database.
    async fn all_ok(&self) -> bool {
        let (a, b, c) = tokio::join!(
            self.ready().send(),
            self.me().send(),
            self.generate().send()
        );
        [a, b, c]
            .into_iter()
            .all(|r| r.is_ok_and(|r| r.status() == StatusCode::OK))
    }
}

fn assert_unavailable(what: &str, status: StatusCode, body: &Value, took: Duration) {
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{what}: {body}");
    assert_eq!(body["code"], "database_unavailable", "{what}: {body}");
    assert!(
        body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{what}: {body}"
    );
    assert!(took < FAIL_WITHIN, "{what} took {took:?}");
}

#[derive(Debug, Clone, Copy)]
enum Outage {
    Cut,
    Blackhole,
}

async fn database_outage_is_reported_fast_and_heals_by_itself(outage: Outage) {
    let Some((app, proxy)) = app_behind_proxy().await else {
        return;
    };
    let token = app.api_login("google", "google-code-ada").await;
    let r = Requests {
        app: &app,
        client: patient_client(),
        token,
    };
    assert!(r.all_ok().await, "healthy before the outage");

    match outage {
        Outage::Cut => proxy.cut(),
        Outage::Blackhole => proxy.blackhole(),
    }
    // Readiness answers from its last round for up to a second (`ReadinessCache`): the
    // round `all_ok` caused is still fresh. The promise is about the next round.
    tokio::time::sleep(cue_gateway::state::ReadinessCache::TTL).await;

    let (status, body, ready_took) = timed(r.ready()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["status"], "unavailable", "{body}");
    assert_ne!(body["checks"]["database"], "ok", "{body}");
    assert!(ready_took < READY_WITHIN, "ready took {ready_took:?}");

    let (status, body, me_took) = timed(r.me()).await;
    assert_unavailable("GET /users/me", status, &body, me_took);
    let (status, body, generate_took) = timed(r.generate()).await;
    assert_unavailable("POST /workflows/generate", status, &body, generate_took);

    // Many at once: no request waits behind another's stuck connection.
    let started = Instant::now();
    let answers = join_all((0..16).map(|i| {
        let req = if i % 2 == 0 { r.me() } else { r.generate() };
        timed(req)
    }))
    .await;
    let burst_took = started.elapsed();
    for (status, body, took) in &answers {
        assert_unavailable("a concurrent request", *status, body, *took);
    }

    // Still prompt well into the outage, after the pool has thrown away what it had.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (status, body, later_took) = timed(r.me()).await;
    assert_unavailable("GET /users/me later", status, &body, later_took);
    let (status, _, later_ready_took) = timed(r.ready()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(later_ready_took < READY_WITHIN, "{later_ready_took:?}");

    proxy.restore();
    let restored = Instant::now();
    loop {
        if r.all_ok().await {
            break;
        }
        assert!(
            restored.elapsed() < RECOVER_WITHIN,
            "not recovered {RECOVER_WITHIN:?} after the database returned"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let recovered_took = restored.elapsed();
    // The data written before and after the outage is all there.
    let list = r
        .client
        .get(app.url("/workflows"))
        .bearer_auth(&r.token)
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), StatusCode::OK);

    println!(
        "{outage:?}: ready 503 in {ready_took:?}, /users/me 503 in {me_took:?}, generate 503 in \
         {generate_took:?}, 16 concurrent in {burst_took:?}, later {later_took:?}; recovered \
         {recovered_took:?} after restore; proxy accepted {} connections",
        proxy.accepted()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_cut_is_reported_fast_and_heals_by_itself() {
    database_outage_is_reported_fast_and_heals_by_itself(Outage::Cut).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_blackhole_is_reported_fast_and_heals_by_itself() {
    database_outage_is_reported_fast_and_heals_by_itself(Outage::Blackhole).await;
}

/// Requests that do not need the database keep working through an outage.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routes_without_the_database_keep_working_through_an_outage() {
    let Some((app, proxy)) = app_behind_proxy().await else {
        return;
    };
    proxy.blackhole();
    let client = patient_client();
    let (status, _, took) = timed(client.get(app.url("/health"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(took < Duration::from_millis(500), "{took:?}");
    let (status, body, _) = timed(
        client
            .post(app.url("/workflows/generate"))
            .json(&json!({"prompt": PROMPT})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "anonymous generation: {body}");
    assert_eq!(body["saved"], false);
}
