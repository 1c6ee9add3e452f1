//! Route modules, one per resource, and the table that mounts them.

pub mod auth;
pub mod code;
pub mod health;
pub mod speech;
pub mod templates;
pub mod users;
pub mod workflows;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{Resource, http::StatusCode, web};

use crate::http::error::error_response;

/// Every route is one of these: unlisted methods answer `405` with the JSON error body, and
/// the request deadline applies.
pub fn resource(
    path: &str,
) -> Resource<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    web::resource(path)
        .default_service(web::to(|| async {
            error_response(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "Method Not Allowed",
            )
        }))
        .wrap(from_fn(crate::startup::deadline))
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
