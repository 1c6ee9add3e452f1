//! Answers 504 JSON when a request (reading its body included) outlives its deadline; the
//! handler's future is dropped, which cancels its remaining work.
//!
//! Each route gets it with its own limit (see `policy::Deadline`). It wraps the resource,
//! so it runs after routing: it keeps a handle on the request, which routing must still be
//! able to change.

use std::time::Duration;

use actix_web::ResponseError as _;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use crate::http::error::ApiError;

/// Resource middleware: `limit` is the route's deadline.
pub async fn enforce(
    limit: Duration,
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> actix_web::Result<ServiceResponse<EitherBody<impl MessageBody>>> {
    let http_req = req.request().clone();
    match tokio::time::timeout(limit, next.call(req)).await {
        Ok(res) => Ok(res?.map_into_left_body()),
        Err(_) => {
            tracing::warn!(limit_secs = limit.as_secs(), "request timed out");
            let res = ApiError::Timeout(limit.as_secs()).error_response();
            Ok(ServiceResponse::new(http_req, res).map_into_right_body())
        }
    }
}
