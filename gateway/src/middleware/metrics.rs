//! Counts every request by method, route pattern and final status, and every answer that
//! blames a dependency (the [`ErrorCode`] an error response carries).

use std::sync::Arc;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use crate::http::error::ErrorCode;
use crate::metrics::Metrics;

/// App middleware, outside everything that answers (see `startup`).
pub async fn count(
    metrics: Arc<Metrics>,
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().as_str().to_owned();
    let route = req
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    metrics.request_started();
    let result = next.call(req).await;
    let status = match &result {
        Ok(res) => {
            let blamed = res
                .response()
                .extensions()
                .get::<ErrorCode>()
                .and_then(|e| e.upstream);
            if let Some(upstream) = blamed {
                metrics.upstream_error(upstream);
            }
            res.status()
        }
        Err(e) => e.as_response_error().status_code(),
    };
    metrics.request_finished(&method, &route, status.as_u16(), started.elapsed());
    result
}

#[cfg(test)]
#[expect(clippy::expect_used, reason = "tests")]
mod tests {
    use actix_web::middleware::from_fn;
    use actix_web::{App, HttpResponse, test, web};

    use super::*;
    use crate::http::error::ApiError;

    fn pool() -> cue_store::PoolStatus {
        cue_store::PoolStatus {
            max_size: 1,
            size: 0,
            idle: 0,
            waiting: 0,
        }
    }

    #[actix_web::test]
    async fn counts_requests_by_pattern_and_the_dependency_an_error_blames() {
        let metrics = Arc::new(Metrics::new().expect("registry builds"));
        let m = metrics.clone();
        let app = test::init_service(
            App::new()
                .route(
                    "/down/{id}",
                    web::get().to(|| async {
                        Err::<HttpResponse, _>(ApiError::Unavailable {
                            what: "the database",
                            retry_after_secs: None,
                        })
                    }),
                )
                .route(
                    "/refused",
                    web::get().to(|| async {
                        Err::<HttpResponse, _>(ApiError::bad_request("bad", "no"))
                    }),
                )
                .wrap(from_fn(move |req, next| count(m.clone(), req, next))),
        )
        .await;
        for uri in ["/down/1", "/down/2", "/refused"] {
            test::call_service(&app, test::TestRequest::get().uri(uri).to_request()).await;
        }
        let text = metrics.render(pool()).expect("renders");
        for needle in [
            r#"cue_http_requests_total{method="GET",route="/down/{id}",status="503"} 2"#,
            r#"cue_http_requests_total{method="GET",route="/refused",status="400"} 1"#,
            r#"cue_upstream_errors_total{upstream="database"} 2"#,
        ] {
            assert!(text.contains(needle), "{needle} missing from:\n{text}");
        }
        assert_eq!(
            text.matches("cue_upstream_errors_total{").count(),
            1,
            "a 400 blames no dependency:\n{text}"
        );
    }
}
