//! Rate limits: per client IP on the login routes, per user on the expensive ones.
//!
//! One algorithm everywhere, GCRA (a leaky bucket without a background refill): a quota of
//! `n` per minute allows a burst of `n`, then one request every `60/n` seconds. In-process it
//! is [`governor`]'s; shared between instances it is the same arithmetic in a Lua script run
//! by Redis (atomic, on Redis's clock, so instances with skewed clocks agree).
//!
//! Redis is an optimisation, never a dependency: when it does not answer within
//! [`REDIS_DEADLINE`], the limiter logs a warning, counts it, and decides in-process until
//! Redis has been left alone for [`REDIS_BACKOFF`]. A request never fails because Redis did.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::ResponseError;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use cue_auth::AuthService;
use governor::Quota;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use redis::aio::MultiplexedConnection;

use crate::config::RateLimitSettings;
use crate::http::error::ApiError;
use crate::http::token::request_token;
use crate::metrics::Metrics;
use crate::middleware::policy::Limits;

/// Longest a rate-limit decision may wait for Redis.
pub const REDIS_DEADLINE: Duration = Duration::from_millis(250);
/// How long the limiter stays in-process after Redis failed.
pub const REDIS_BACKOFF: Duration = Duration::from_secs(5);

/// What a request is counted against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    /// The login flow (start, callback): per client IP, as nobody is signed in yet.
    Auth,
    /// Workflow generation (also from a template): per user, per IP when anonymous.
    Generate,
    /// Anonymous generation, all clients together: what the logged-out builder may cost the
    /// service however many addresses it comes from. Counted on top of [`Bucket::Generate`].
    AnonymousGenerate,
    /// Code validation, and filling credentials (which validates the filled code): per user.
    Validate,
    /// Speech transcription: per user.
    Transcribe,
    /// Stored changes (saving, editing and deleting workflows, profile, logout): per user.
    Write,
    /// Listing and searching the user's workflows: per user.
    Search,
}

impl Bucket {
    pub const ALL: [Bucket; 7] = [
        Bucket::Auth,
        Bucket::Generate,
        Bucket::AnonymousGenerate,
        Bucket::Validate,
        Bucket::Transcribe,
        Bucket::Write,
        Bucket::Search,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Bucket::Auth => "auth",
            Bucket::Generate => "generate",
            Bucket::AnonymousGenerate => "anonymous_generate",
            Bucket::Validate => "validate",
            Bucket::Transcribe => "transcribe",
            Bucket::Write => "write",
            Bucket::Search => "search",
        }
    }

    fn per_minute(self, settings: &RateLimitSettings) -> u32 {
        match self {
            Bucket::Auth => settings.auth_per_minute,
            Bucket::Generate => settings.generate_per_minute,
            Bucket::AnonymousGenerate => settings.anonymous_generate_per_minute,
            Bucket::Validate => settings.validate_per_minute,
            Bucket::Transcribe => settings.transcribe_per_minute,
            Bucket::Write => settings.write_per_minute,
            Bucket::Search => settings.search_per_minute,
        }
    }
}

/// The key every anonymous generation is counted under in [`Bucket::AnonymousGenerate`].
const ALL_ANONYMOUS: &str = "all";

/// How a client address is counted: an IPv4 address as itself, an IPv6 address by its /64
/// (one subscriber's network; a client can pick any of its 2^64 addresses at will).
pub fn ip_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => format!("ip:{v4}"),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => format!("ip:{v4}"),
            None => {
                let s = v6.segments();
                let net = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("ip:{net}/64")
            }
        },
    }
}

/// The outcome of counting one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    /// The quota: requests per window (the burst).
    pub limit: u32,
    /// Requests still allowed right now.
    pub remaining: u32,
    /// Until the quota is whole again.
    pub reset: Duration,
    /// Until the next request is allowed (zero when allowed).
    pub retry_after: Duration,
}

/// Keyed, in-process; reports the remaining quota on success.
type LocalLimiter = governor::RateLimiter<
    String,
    DefaultKeyedStateStore<String>,
    DefaultClock,
    StateInformationMiddleware,
>;

const WINDOW: Duration = Duration::from_secs(60);

fn interval(limit: NonZeroU32) -> Duration {
    WINDOW / limit.get()
}

/// GCRA in Redis. KEYS[1]: the counter. ARGV: emission interval (µs), burst.
/// Returns {allowed, remaining, retry_after_us, reset_us}.
const GCRA_LUA: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - interval * burst
if allow_at > now then
  return {0, 0, allow_at - now, tat - now}
end
redis.call('SET', KEYS[1], new_tat, 'PX', math.ceil((new_tat - now) / 1000))
return {1, math.floor((now + interval * burst - new_tat) / interval), 0, new_tat - now}
";

struct RedisLimiter {
    client: redis::Client,
    prefix: String,
    script: redis::Script,
    conn: tokio::sync::Mutex<Option<MultiplexedConnection>>,
    /// Set when Redis failed: decide in-process until then.
    down_until: Mutex<Option<Instant>>,
    metrics: Arc<Metrics>,
}

impl RedisLimiter {
    fn in_backoff(&self) -> bool {
        let guard = self.down_until.lock().unwrap_or_else(|e| e.into_inner());
        guard.is_some_and(|until| Instant::now() < until)
    }

    fn mark_down(&self, reason: &str) {
        let mut guard = self.down_until.lock().unwrap_or_else(|e| e.into_inner());
        let first = guard.is_none_or(|until| Instant::now() >= until);
        *guard = Some(Instant::now() + REDIS_BACKOFF);
        drop(guard);
        self.metrics.upstream_error("redis");
        if first {
            tracing::warn!(
                reason,
                backoff_secs = REDIS_BACKOFF.as_secs(),
                "Redis is not answering; rate limits are counted in-process for now"
            );
        }
    }

    async fn connection(&self) -> redis::RedisResult<MultiplexedConnection> {
        let mut guard = self.conn.lock().await;
        if let Some(conn) = guard.as_ref() {
            return Ok(conn.clone());
        }
        let config = redis::AsyncConnectionConfig::new()
            .set_connection_timeout(REDIS_DEADLINE)
            .set_response_timeout(REDIS_DEADLINE);
        let conn = self
            .client
            .get_multiplexed_async_connection_with_config(&config)
            .await?;
        *guard = Some(conn.clone());
        Ok(conn)
    }

    async fn check(&self, bucket: Bucket, key: &str, limit: NonZeroU32) -> Option<Decision> {
        if self.in_backoff() {
            return None;
        }
        let redis_key = format!("{}:{}:{}", self.prefix, bucket.name(), key);
        let interval_us = u64::try_from(interval(limit).as_micros()).unwrap_or(u64::MAX);
        let attempt = async {
            let mut conn = self.connection().await?;
            self.script
                .key(&redis_key)
                .arg(interval_us)
                .arg(limit.get())
                .invoke_async::<(i64, i64, i64, i64)>(&mut conn)
                .await
        };
        match tokio::time::timeout(REDIS_DEADLINE, attempt).await {
            Ok(Ok((allowed, remaining, retry_us, reset_us))) => Some(Decision {
                allowed: allowed == 1,
                limit: limit.get(),
                remaining: u32::try_from(remaining.max(0)).unwrap_or(0),
                retry_after: Duration::from_micros(u64::try_from(retry_us).unwrap_or(0)),
                reset: Duration::from_micros(u64::try_from(reset_us).unwrap_or(0)),
            }),
            Ok(Err(e)) => {
                // A broken connection is dropped so the next attempt reconnects.
                *self.conn.lock().await = None;
                self.mark_down(&format!("{:?}", e.kind()));
                None
            }
            Err(_) => {
                *self.conn.lock().await = None;
                self.mark_down("timed out");
                None
            }
        }
    }
}

/// Counts requests per bucket and key; see the module docs.
pub struct RateLimiter {
    enabled: bool,
    limits: HashMap<Bucket, NonZeroU32>,
    local: HashMap<Bucket, LocalLimiter>,
    redis: Option<RedisLimiter>,
    trusted_proxy_hops: usize,
    metrics: Arc<Metrics>,
}

impl RateLimiter {
    /// In-process only, or shared through Redis when a client is given. Refusals and Redis
    /// failures are counted in `metrics`.
    pub fn new(
        settings: &RateLimitSettings,
        redis: Option<redis::Client>,
        metrics: Arc<Metrics>,
    ) -> Self {
        let limits: HashMap<Bucket, NonZeroU32> = Bucket::ALL
            .iter()
            .filter_map(|b| NonZeroU32::new(b.per_minute(settings)).map(|n| (*b, n)))
            .collect();
        let local = limits
            .iter()
            .map(|(b, n)| {
                let quota = Quota::with_period(interval(*n))
                    .unwrap_or_else(|| Quota::per_minute(*n))
                    .allow_burst(*n);
                (
                    *b,
                    governor::RateLimiter::keyed(quota)
                        .with_middleware::<StateInformationMiddleware>(),
                )
            })
            .collect();
        Self {
            enabled: settings.enabled,
            limits,
            local,
            redis: redis.map(|client| RedisLimiter {
                client,
                prefix: settings.redis_prefix.clone(),
                script: redis::Script::new(GCRA_LUA),
                conn: tokio::sync::Mutex::new(None),
                down_until: Mutex::new(None),
                metrics: metrics.clone(),
            }),
            trusted_proxy_hops: settings.trusted_proxy_hops,
            metrics,
        }
    }

    /// Whether requests of `bucket` are counted at all (limits on, and a quota for it).
    pub fn counts(&self, bucket: Bucket) -> bool {
        self.enabled && self.limits.contains_key(&bucket)
    }

    /// Counts one request of `key` against `bucket`. `None` when that bucket is not limited.
    pub async fn check(&self, bucket: Bucket, key: &str) -> Option<Decision> {
        if !self.enabled {
            return None;
        }
        let limit = *self.limits.get(&bucket)?;
        if let Some(redis) = &self.redis
            && let Some(decision) = redis.check(bucket, key, limit).await
        {
            return Some(decision);
        }
        let limiter = self.local.get(&bucket)?;
        let per = interval(limit);
        Some(match limiter.check_key(&key.to_owned()) {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                Decision {
                    allowed: true,
                    limit: limit.get(),
                    remaining,
                    reset: per * (limit.get() - remaining),
                    retry_after: Duration::ZERO,
                }
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(limiter.clock().now());
                Decision {
                    allowed: false,
                    limit: limit.get(),
                    remaining: 0,
                    reset: wait + per * (limit.get() - 1),
                    retry_after: wait,
                }
            }
        })
    }

    /// Forgets in-process counters that are whole again, so memory follows active clients.
    pub fn purge_idle(&self) {
        for limiter in self.local.values() {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }

    /// The client's address: the peer, or — behind `n` trusted proxies — the address the
    /// outermost trusted proxy saw, taken from the right of `X-Forwarded-For` (entries further
    /// left are whatever the client claimed).
    pub fn client_ip(&self, req: &ServiceRequest) -> Option<IpAddr> {
        let peer = req.peer_addr().map(|a| a.ip());
        if self.trusted_proxy_hops == 0 {
            return peer;
        }
        let forwarded: Vec<IpAddr> = req
            .headers()
            .get_all(HeaderName::from_static("x-forwarded-for"))
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|s| s.trim().parse().ok())
            .collect();
        forwarded
            .len()
            .checked_sub(self.trusted_proxy_hops)
            .and_then(|i| forwarded.get(i).copied())
            .or(peer)
    }
}

fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

fn set_headers(headers: &mut actix_web::http::header::HeaderMap, d: &Decision) {
    let window = WINDOW.as_secs();
    for (name, value) in [
        ("ratelimit-limit", d.limit.to_string()),
        ("ratelimit-remaining", d.remaining.to_string()),
        ("ratelimit-reset", ceil_secs(d.reset).to_string()),
        ("ratelimit-policy", format!("{};w={window}", d.limit)),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
    if !d.allowed {
        headers.insert(
            header::RETRY_AFTER,
            HeaderValue::from(ceil_secs(d.retry_after).max(1)),
        );
    }
}

/// A route's rate limit, ready to wrap its resource (see `policy`): the limiter, the route's
/// buckets, and the login service that tells whose token a request carries.
#[derive(Clone)]
pub struct RateLimit {
    limiter: Arc<RateLimiter>,
    auth: Arc<AuthService>,
    limits: Limits,
}

impl RateLimit {
    pub fn new(limiter: Arc<RateLimiter>, auth: Arc<AuthService>, limits: Limits) -> Self {
        Self {
            limiter,
            auth,
            limits,
        }
    }

    /// The key a request is counted under: the user (from a token whose signature verifies —
    /// the handler still authenticates it fully) for per-user buckets, else the client IP.
    fn key(&self, req: &ServiceRequest, bucket: Bucket) -> String {
        if bucket != Bucket::Auth
            && let Ok(Some((token, _))) = request_token(req.request())
            && let Ok(verified) = self.auth.verify_signature(&token)
        {
            return format!("user:{}", verified.user_id);
        }
        match self.limiter.client_ip(req) {
            Some(ip) => ip_key(ip),
            None => "ip:unknown".to_owned(),
        }
    }

    /// Counts the request against its bucket and, when it is an anonymous generation, against
    /// the shared anonymous quota too. The first refusal wins; else the route's own decision.
    async fn decide(&self, bucket: Bucket, key: &str) -> Option<(Bucket, Decision)> {
        let own = self.limiter.check(bucket, key).await?;
        if own.allowed && bucket == Bucket::Generate && key.starts_with("ip:") {
            let shared = self
                .limiter
                .check(Bucket::AnonymousGenerate, ALL_ANONYMOUS)
                .await;
            if let Some(shared) = shared.filter(|d| !d.allowed) {
                return Some((Bucket::AnonymousGenerate, shared));
            }
        }
        Some((bucket, own))
    }
}

/// Resource middleware: counts the route's requests, answers 429 over the quota, and reports
/// the quota in `RateLimit-*` headers either way.
pub async fn enforce(
    limit: RateLimit,
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    // Without a quota to count against, the key (a token signature check) is not needed.
    let Some(bucket) = limit
        .limits
        .for_method(req.method())
        .filter(|b| limit.limiter.counts(*b))
    else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let key = limit.key(&req, bucket);
    let Some((bucket, decision)) = limit.decide(bucket, &key).await else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    if !decision.allowed {
        limit.limiter.metrics.rate_limited(bucket.name());
        tracing::info!(bucket = bucket.name(), "rate limit exceeded");
        let error = ApiError::RateLimited {
            bucket: bucket.name(),
            retry_after_secs: ceil_secs(decision.retry_after).max(1),
        };
        let mut response = error.error_response();
        set_headers(response.headers_mut(), &decision);
        return Ok(req.into_response(response).map_into_right_body());
    }
    let mut res = next.call(req).await?;
    set_headers(res.headers_mut(), &decision);
    Ok(res.map_into_left_body())
}

#[cfg(test)]
#[expect(clippy::expect_used, reason = "tests")]
mod tests {
    use super::*;

    fn settings(per_minute: u32) -> RateLimitSettings {
        RateLimitSettings {
            enabled: true,
            auth_per_minute: per_minute,
            generate_per_minute: per_minute,
            validate_per_minute: 0,
            transcribe_per_minute: per_minute,
            write_per_minute: per_minute,
            search_per_minute: per_minute,
            anonymous_generate_per_minute: per_minute,
            redis_prefix: format!("cue-test:{}", uuid::Uuid::new_v4()),
            trusted_proxy_hops: 0,
        }
    }

    fn new_limiter(settings: &RateLimitSettings, redis: Option<redis::Client>) -> RateLimiter {
        let metrics = Arc::new(Metrics::new().expect("registry builds"));
        RateLimiter::new(settings, redis, metrics)
    }

    async fn drain(limiter: &RateLimiter, bucket: Bucket, key: &str, n: u32) -> Vec<Decision> {
        let mut out = Vec::new();
        for _ in 0..n {
            out.push(limiter.check(bucket, key).await.expect("limited bucket"));
        }
        out
    }

    #[tokio::test]
    async fn in_process_allows_the_burst_then_refuses_with_a_wait() {
        let limiter = new_limiter(&settings(3), None);
        let d = drain(&limiter, Bucket::Generate, "user:a", 4).await;
        assert!(d[..3].iter().all(|d| d.allowed && d.limit == 3));
        assert_eq!(
            d[..3].iter().map(|d| d.remaining).collect::<Vec<_>>(),
            [2, 1, 0]
        );
        let refused = d[3];
        assert!(!refused.allowed);
        assert_eq!(refused.remaining, 0);
        // One request per 20 s refills: the wait is at most that, and more than nothing.
        assert!(refused.retry_after > Duration::from_secs(15));
        assert!(refused.retry_after <= Duration::from_secs(20));
        // Another key and another bucket are untouched.
        assert!(
            limiter
                .check(Bucket::Generate, "user:b")
                .await
                .is_some_and(|d| d.allowed)
        );
        assert!(
            limiter
                .check(Bucket::Auth, "user:a")
                .await
                .is_some_and(|d| d.allowed)
        );
    }

    #[tokio::test]
    async fn zero_quota_or_disabled_means_unlimited() {
        let limiter = new_limiter(&settings(3), None);
        assert_eq!(limiter.check(Bucket::Validate, "user:a").await, None);
        // The middleware asks first, and builds no key for what is not counted.
        assert!(!limiter.counts(Bucket::Validate));
        assert!(limiter.counts(Bucket::Generate));
        let mut off = settings(1);
        off.enabled = false;
        let limiter = new_limiter(&off, None);
        assert!(!limiter.counts(Bucket::Generate));
        for _ in 0..5 {
            assert_eq!(limiter.check(Bucket::Generate, "user:a").await, None);
        }
    }

    fn redis_client() -> Option<redis::Client> {
        let url = std::env::var("CUE_TEST_REDIS_URL")
            .unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
        let client = redis::Client::open(url).ok()?;
        match client.get_connection_with_timeout(Duration::from_secs(1)) {
            Ok(_) => Some(client),
            Err(e) if std::env::var("CI").as_deref() == Ok("true") => {
                panic!("Redis is required in CI: {e}")
            }
            Err(e) => {
                eprintln!("skipping: no Redis ({e})");
                None
            }
        }
    }

    #[tokio::test]
    async fn redis_counts_are_shared_between_instances() {
        let Some(client) = redis_client() else { return };
        let s = settings(3);
        let a = new_limiter(&s, Some(client.clone()));
        let b = new_limiter(&s, Some(client));
        let first = drain(&a, Bucket::Generate, "user:a", 2).await;
        let second = drain(&b, Bucket::Generate, "user:a", 2).await;
        assert_eq!(
            [first[0].remaining, first[1].remaining, second[0].remaining],
            [2, 1, 0]
        );
        assert!(first.iter().chain(&second[..1]).all(|d| d.allowed));
        let refused = second[1];
        assert!(
            !refused.allowed,
            "the fourth request on either instance is refused"
        );
        assert!(refused.retry_after > Duration::from_secs(15));
        assert!(refused.retry_after <= Duration::from_secs(20));
        assert!(refused.reset >= refused.retry_after);
        // Redis answered throughout: no fallback was taken.
        assert!(a.redis.as_ref().is_some_and(|r| !r.in_backoff()));
    }

    #[tokio::test]
    async fn redis_down_degrades_to_in_process_quickly() {
        // Nothing listens on port 1: connections are refused at once.
        let client = redis::Client::open("redis://127.0.0.1:1").expect("url parses");
        let limiter = new_limiter(&settings(2), Some(client));
        let started = Instant::now();
        let d = drain(&limiter, Bucket::Generate, "user:a", 3).await;
        assert!(started.elapsed() < Duration::from_secs(2));
        assert_eq!(
            d.iter().map(|d| d.allowed).collect::<Vec<_>>(),
            [true, true, false]
        );
        assert!(limiter.redis.as_ref().is_some_and(RedisLimiter::in_backoff));
    }

    #[tokio::test]
    async fn an_unanswering_redis_costs_at_most_the_deadline_once() {
        // A listener that accepts and never answers: the nastier outage.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let hold = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                held.push(socket);
            }
        });
        let client = redis::Client::open(format!("redis://{addr}")).expect("url parses");
        let limiter = new_limiter(&settings(5), Some(client));
        let started = Instant::now();
        assert!(
            limiter
                .check(Bucket::Generate, "user:a")
                .await
                .is_some_and(|d| d.allowed)
        );
        let first = started.elapsed();
        assert!(first < REDIS_DEADLINE * 4, "first decision took {first:?}");
        let started = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check(Bucket::Generate, "user:a").await.is_some());
        }
        // In backoff: no more waiting on Redis.
        assert!(started.elapsed() < Duration::from_millis(100));
        hold.abort();
    }

    #[test]
    fn client_ip_behind_trusted_proxies_takes_the_right_entry() {
        use actix_web::test::TestRequest;
        let mut s = settings(1);
        let peer: std::net::SocketAddr = "10.0.0.9:5000".parse().expect("addr");
        let req = || {
            TestRequest::default()
                .peer_addr(peer)
                .insert_header(("x-forwarded-for", "6.6.6.6, 203.0.113.7"))
                .to_srv_request()
        };
        let direct = new_limiter(&s, None);
        assert_eq!(direct.client_ip(&req()), Some(peer.ip()));
        s.trusted_proxy_hops = 1;
        let behind_alb = new_limiter(&s, None);
        assert_eq!(
            behind_alb.client_ip(&req()),
            Some("203.0.113.7".parse().expect("ip"))
        );
        s.trusted_proxy_hops = 5;
        let too_many = new_limiter(&s, None);
        assert_eq!(too_many.client_ip(&req()), Some(peer.ip()));
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64_and_mapped_ipv4_as_ipv4() {
        let key = |s: &str| ip_key(s.parse().expect("ip"));
        assert_eq!(key("2001:db8:1:2:aaaa::1"), key("2001:db8:1:2:ffff:1:2:3"));
        assert_eq!(key("2001:db8:1:2::9"), "ip:2001:db8:1:2::/64");
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("::ffff:203.0.113.7"), key("203.0.113.7"));
        assert_eq!(key("203.0.113.7"), "ip:203.0.113.7");
        assert_ne!(key("203.0.113.7"), key("203.0.113.8"));
    }
}
