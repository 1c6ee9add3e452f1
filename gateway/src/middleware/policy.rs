//! What a route asks of the layers around its handler, declared with the route: its rate
//! limit, its deadline and its body limit. A route module lists its routes as [`Route`]s;
//! `routes::mount` turns each policy into the middleware and readers that enforce it. So a
//! route renamed or moved keeps its policy, and a test can read every route's policy from the
//! table instead of trusting a list of path strings elsewhere.

use actix_web::Resource;
use actix_web::http::Method;

use super::ratelimit::Bucket;

/// How long a request may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Deadline {
    /// `REQUEST_TIMEOUT_SECONDS`.
    #[default]
    Standard,
    /// Routes that take long uploads: `REQUEST_TIMEOUT_SECONDS` plus
    /// `SPEECH_UPLOAD_TIMEOUT_SECONDS`.
    Upload,
}

/// How large a JSON body may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BodyLimit {
    /// `MAX_JSON_BODY_BYTES`.
    #[default]
    Json,
    /// Bodies carrying Python source: sized from `MAX_CODE_BYTES` (JSON escaping included).
    Code,
}

/// The rate-limit buckets of a route's requests: reads (`GET`, `HEAD`) and changes (every
/// other method but the `OPTIONS` preflight) may count against different ones, since one path
/// often serves both (`GET /workflows` searches, `POST /workflows` stores).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Limits {
    pub read: Option<Bucket>,
    pub write: Option<Bucket>,
}

impl Limits {
    /// The bucket a request with this method counts against; `None`: not limited.
    pub fn for_method(&self, method: &Method) -> Option<Bucket> {
        if *method == Method::OPTIONS {
            None
        } else if *method == Method::GET || *method == Method::HEAD {
            self.read
        } else {
            self.write
        }
    }
}

/// The policy of one route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Policy {
    /// The rate-limit buckets requests are counted against.
    pub limit: Limits,
    pub deadline: Deadline,
    pub body: BodyLimit,
}

/// One path, its handlers (by method) and its policy.
#[derive(Clone, Copy)]
pub struct Route {
    pub path: &'static str,
    /// Adds the handlers (`|r| r.get(get_thing).post(post_thing)`).
    pub handlers: fn(Resource) -> Resource,
    pub policy: Policy,
}

impl Route {
    /// A route with the default policy: not rate-limited, the standard deadline and body limit.
    pub fn new(path: &'static str, handlers: fn(Resource) -> Resource) -> Self {
        Self {
            path,
            handlers,
            policy: Policy::default(),
        }
    }

    /// Counts the route's requests, whatever their method, against `bucket`.
    #[must_use]
    pub fn limited(mut self, bucket: Bucket) -> Self {
        self.policy.limit = Limits {
            read: Some(bucket),
            write: Some(bucket),
        };
        self
    }

    /// Counts the route's `GET` and `HEAD` requests against `bucket`.
    #[must_use]
    pub fn reads_limited(mut self, bucket: Bucket) -> Self {
        self.policy.limit.read = Some(bucket);
        self
    }

    /// Counts the route's other requests (`POST`, `PUT`, `DELETE`, ...) against `bucket`.
    #[must_use]
    pub fn writes_limited(mut self, bucket: Bucket) -> Self {
        self.policy.limit.write = Some(bucket);
        self
    }

    /// Gives the route the upload deadline.
    #[must_use]
    pub fn upload(mut self) -> Self {
        self.policy.deadline = Deadline::Upload;
        self
    }

    /// Lets the route's JSON bodies carry Python source.
    #[must_use]
    pub fn code_body(mut self) -> Self {
        self.policy.body = BodyLimit::Code;
        self
    }
}

impl std::fmt::Debug for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Route")
            .field("path", &self.path)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}
