//! How request bodies, query strings and paths are read, so that a malformed one is answered
//! with the same JSON error body as everything else.

use actix_web::web;

use super::error::ApiError;

/// JSON bodies of ordinary routes: at most `limit` bytes.
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(move |err, _req| {
            use actix_web::error::JsonPayloadError as E;
            let api = match &err {
                E::Overflow { limit } => ApiError::PayloadTooLarge { limit: *limit },
                E::OverflowKnownLength { limit, .. } => ApiError::PayloadTooLarge { limit: *limit },
                E::ContentType => {
                    ApiError::UnsupportedMediaType("expected Content-Type: application/json".into())
                }
                E::Deserialize(e) if e.is_data() => {
                    ApiError::unprocessable("invalid_body", format!("invalid request body: {e}"))
                }
                E::Deserialize(e) => {
                    ApiError::bad_request("malformed_json", format!("malformed JSON: {e}"))
                }
                _ => ApiError::bad_request("invalid_body", "the request body could not be read"),
            };
            api.into()
        })
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| {
        ApiError::bad_request("invalid_query", format!("invalid query string: {err}")).into()
    })
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_err, _req| ApiError::NotFound("resource").into())
}

/// JSON bodies that carry Python source (`/code/validate`, saved workflows): JSON escaping can
/// double the size of source text, so the body may be twice `code_bytes` and some; the real
/// limit on the code is enforced where it is read.
pub fn code_json_config(code_bytes: usize) -> web::JsonConfig {
    json_config(code_bytes * 2 + 64 * 1024)
}
