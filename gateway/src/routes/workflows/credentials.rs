//! `POST /workflows/{id}/credentials`: credential values filled into a saved workflow's code,
//! answered and never stored.

use std::collections::BTreeMap;

use actix_web::web;
use serde_json::Value;

use crate::extract::AuthUser;
use crate::http::error::{ApiError, ErrorBody};
use crate::state::AppState;
use crate::wire::workflows::{CredentialsResponse, parse_id};

/// Most credential values accepted in one request.
const MAX_CREDENTIALS: usize = 100;
/// Longest credential value accepted.
const MAX_CREDENTIAL_BYTES: usize = 16 * 1024;

/// Fills credential values into the workflow's code. Body: `{"credentials": {...}}` or a bare
/// map; keys are placeholder names (`SLACK_BOT_TOKEN`) or the frontend's
/// `<nodeId>_<credentialId>`. The filled code is returned, validated at the
/// `final_with_credentials` stage, and never stored or logged.
#[utoipa::path(post, path = "/workflows/{id}/credentials", tag = "workflows",
    params(("id" = String, Path)), request_body = Object,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = CredentialsResponse), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn post_credentials(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Json<Value>,
) -> Result<web::Json<CredentialsResponse>, ApiError> {
    let id = parse_id(&path)?;
    let values = credential_map(body.into_inner())?;
    let filled = state
        .workflows
        .fill_credentials(user.owner(), id, &values)
        .await?;
    Ok(web::Json(filled.into()))
}

/// `{"credentials": {k: v}}` or `{k: v}`, all values strings, bounded.
fn credential_map(body: Value) -> Result<BTreeMap<String, String>, ApiError> {
    let Value::Object(mut obj) = body else {
        return Err(ApiError::bad_request(
            "invalid_credentials",
            "expected a JSON object of credential values",
        ));
    };
    let map = match obj.remove("credentials") {
        Some(Value::Object(inner)) if obj.is_empty() => inner,
        Some(_) if obj.is_empty() => {
            return Err(ApiError::bad_request(
                "invalid_credentials",
                "credentials must be an object of strings",
            ));
        }
        Some(v) => {
            obj.insert("credentials".into(), v);
            obj
        }
        None => obj,
    };
    if map.is_empty() {
        return Err(ApiError::bad_request(
            "invalid_credentials",
            "no credential values were given",
        ));
    }
    if map.len() > MAX_CREDENTIALS {
        return Err(ApiError::bad_request(
            "invalid_credentials",
            format!("at most {MAX_CREDENTIALS} credentials per request"),
        ));
    }
    map.into_iter()
        .map(|(k, v)| match v {
            Value::String(s) if s.len() <= MAX_CREDENTIAL_BYTES => Ok((k, s)),
            Value::String(_) => Err(ApiError::bad_request(
                "invalid_credentials",
                format!("the value of {k} is longer than {MAX_CREDENTIAL_BYTES} bytes"),
            )),
            _ => Err(ApiError::bad_request(
                "invalid_credentials",
                format!("the value of {k} must be a string"),
            )),
        })
        .collect()
}
