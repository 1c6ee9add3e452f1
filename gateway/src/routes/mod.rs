//! Route modules, one per resource (the workflow routes one per concern), the table of every
//! route with its policy, and how a route is mounted.
//!
//! A route module imports the layers below (`http`, `middleware`'s policy types, `state`,
//! `extract`, `wire`), never another route module and never this one; what two route modules
//! share lives in `wire`.

pub mod auth;
pub mod code;
pub mod health;
pub mod metrics;
pub mod speech;
pub mod templates;
pub mod users;
pub mod workflows;

use actix_web::dev::HttpServiceFactory;
use actix_web::http::StatusCode;
use actix_web::middleware::from_fn;
use actix_web::web;

use crate::http::error::error_response;
use crate::http::extractors::code_json_config;
use crate::middleware::policy::{BodyLimit, Deadline, Route};
use crate::middleware::ratelimit::RateLimit;
use crate::middleware::{deadline, ratelimit};
use crate::state::AppState;

/// Every route of the API port, in mounting order (specific paths before parameterised ones).
pub fn table() -> Vec<Route> {
    [
        metrics::routes(),
        health::routes(),
        users::routes(),
        auth::routes(),
        code::routes(),
        speech::routes(),
        workflows::routes(),
        templates::routes(),
    ]
    .concat()
}

/// Mounts every route of [`table`].
pub fn configure(cfg: &mut web::ServiceConfig, state: &AppState) {
    for route in table() {
        cfg.service(mount(route, state));
    }
}

/// A route as a resource with its policy applied: its body limit, its deadline (a request
/// that outlives it gets 504), its rate limit (outside the deadline, as it decides before any
/// work), and `405` with the JSON error body for methods it does not serve.
pub fn mount(route: Route, state: &AppState) -> impl HttpServiceFactory + 'static {
    let settings = &state.settings;
    let limit = match route.policy.deadline {
        Deadline::Standard => settings.request_timeout,
        Deadline::Upload => settings.request_timeout + settings.speech_upload_timeout,
    };
    let rate_limit = RateLimit::new(
        state.rate_limiter.clone(),
        state.auth.clone(),
        route.policy.limit,
    );
    let mut resource = (route.handlers)(web::resource(route.path));
    if route.policy.body == BodyLimit::Code {
        resource = resource.app_data(code_json_config(settings.limits.code_bytes));
    }
    resource
        .default_service(web::to(|| async {
            error_response(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "Method Not Allowed",
            )
        }))
        .wrap(from_fn(move |req, next| {
            deadline::enforce(limit, req, next)
        }))
        .wrap(from_fn(move |req, next| {
            ratelimit::enforce(rate_limit.clone(), req, next)
        }))
}

#[cfg(test)]
#[expect(clippy::expect_used, reason = "tests")]
mod tests {
    use std::collections::BTreeSet;

    use actix_web::http::Method;

    use super::*;
    use crate::middleware::policy::Limits;
    use crate::middleware::ratelimit::Bucket;

    /// The limits as the README documents them (`RATE_LIMIT_*`), as (reads, changes): a rule
    /// over paths, so that a new route under `/auth/` or `/workflows` without its limit fails
    /// here. Only the login flow counts per IP.
    fn documented_limits(path: &str) -> Limits {
        let both = |b| Limits {
            read: Some(b),
            write: Some(b),
        };
        let writes = |b| Limits {
            read: None,
            write: Some(b),
        };
        match path {
            "/workflows/generate" | "/templates/{id}/use" => both(Bucket::Generate),
            "/code/validate"
            | "/code/syntax-check"
            | "/workflows/{id}/credentials"
            | "/workflows/{id}/dry-run" => both(Bucket::Validate),
            "/speech/transcribe" => both(Bucket::Transcribe),
            "/auth/{provider}" | "/auth/{provider}/login" | "/auth/{provider}/callback" => {
                both(Bucket::Auth)
            }
            "/workflows" => Limits {
                read: Some(Bucket::Search),
                write: Some(Bucket::Write),
            },
            "/workflows/user/{user_id}" => both(Bucket::Search),
            "/workflows/{id}" | "/api/auth/profile" => writes(Bucket::Write),
            "/auth/logout"
            | "/auth/logout/api"
            | "/auth/logout/everywhere"
            | "/api/logout"
            | "/api/auth/logout"
            | "/auth/users/profile"
            | "/api/auth/onboarding"
            | "/auth/users/complete-onboarding" => both(Bucket::Write),
            _ => Limits::default(),
        }
    }

    #[test]
    fn every_route_that_must_be_limited_is() {
        let table = table();
        for route in &table {
            assert_eq!(
                route.policy.limit,
                documented_limits(route.path),
                "{}",
                route.path
            );
        }
        // And the routes the README names are there, so a rename cannot slip past the rule.
        for (path, method, bucket) in [
            ("/workflows/generate", Method::POST, Bucket::Generate),
            ("/templates/{id}/use", Method::POST, Bucket::Generate),
            ("/code/validate", Method::POST, Bucket::Validate),
            ("/code/syntax-check", Method::POST, Bucket::Validate),
            (
                "/workflows/{id}/credentials",
                Method::POST,
                Bucket::Validate,
            ),
            ("/speech/transcribe", Method::POST, Bucket::Transcribe),
            ("/auth/{provider}", Method::GET, Bucket::Auth),
            ("/auth/{provider}/callback", Method::GET, Bucket::Auth),
            ("/workflows", Method::GET, Bucket::Search),
            ("/workflows", Method::POST, Bucket::Write),
            ("/workflows/{id}", Method::PUT, Bucket::Write),
            ("/workflows/{id}", Method::DELETE, Bucket::Write),
            ("/auth/logout", Method::POST, Bucket::Write),
            ("/api/logout", Method::GET, Bucket::Write),
            ("/workflows/{id}/dry-run", Method::POST, Bucket::Validate),
        ] {
            assert!(
                table
                    .iter()
                    .any(|r| r.path == path && r.policy.limit.for_method(&method) == Some(bucket)),
                "{method} {path} is not mounted with the {} limit",
                bucket.name()
            );
        }
        // The signed-in user's own reads never share the per-IP login limit.
        for path in ["/auth/users/me", "/auth/users/api/me", "/api/auth/profile"] {
            let route = table.iter().find(|r| r.path == path).expect("mounted");
            assert_eq!(route.policy.limit.for_method(&Method::GET), None, "{path}");
        }
    }

    #[test]
    fn only_uploads_get_the_longer_deadline() {
        for route in table() {
            let upload = route.path == "/speech/transcribe";
            assert_eq!(
                route.policy.deadline == Deadline::Upload,
                upload,
                "{}",
                route.path
            );
        }
    }

    #[test]
    fn routes_that_take_python_source_take_code_sized_bodies() {
        let code: BTreeSet<&str> = table()
            .into_iter()
            .filter(|r| r.policy.body == BodyLimit::Code)
            .map(|r| r.path)
            .collect();
        assert_eq!(
            code,
            BTreeSet::from([
                "/code/syntax-check",
                "/code/validate",
                "/workflows",
                "/workflows/{id}"
            ])
        );
    }

    #[test]
    fn every_path_is_mounted_once() {
        let table = table();
        let paths: BTreeSet<&str> = table.iter().map(|r| r.path).collect();
        assert_eq!(paths.len(), table.len());
    }
}
