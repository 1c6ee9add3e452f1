//! Route modules, one per resource, and the table that mounts them.

pub mod auth;
pub mod code;
pub mod health;
pub mod speech;
pub mod templates;
pub mod users;
pub mod workflows;

use actix_web::{Resource, http::StatusCode, web};

use crate::error::error_response;

/// A resource whose unlisted methods answer `405` with the JSON error body.
pub fn resource(path: &str) -> Resource {
    web::resource(path).default_service(web::to(|| async {
        error_response(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "Method Not Allowed",
        )
    }))
}

/// Mounts every route. Specific paths come before parameterised ones.
pub fn configure(cfg: &mut web::ServiceConfig, state: &crate::state::AppState) {
    health::configure(cfg);
    users::configure(cfg);
    auth::configure(cfg);
    code::configure(cfg, state);
    speech::configure(cfg);
    workflows::configure(cfg, state);
    templates::configure(cfg);
}
