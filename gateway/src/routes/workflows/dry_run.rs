//! `POST /workflows/{id}/dry-run`: the workflow's stored code run in a sandbox against
//! simulated vendors (cue-workflows' `dryrun`, cue-sandbox), answering what it would do.

use std::collections::BTreeMap;

use actix_web::web;
use cue_workflows::dryrun::{DryRun, DryRunCall, DryRunRequest, RunError};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::extract::AuthUser;
use crate::http::error::{ApiError, ErrorBody};
use crate::state::AppState;
use crate::wire::workflows::parse_id;

/// Most credential values accepted in one request, and the longest one.
const MAX_CREDENTIALS: usize = 100;
const MAX_CREDENTIAL_BYTES: usize = 16 * 1024;

/// The optional body of a dry run.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DryRunBody {
    /// The Lambda event to run with; a sample for the workflow's trigger when absent.
    #[schema(value_type = Option<Object>)]
    pub event: Option<Value>,
    /// Credential values by placeholder name (`SLACK_BOT_TOKEN`); the placeholders when
    /// absent. Never stored or logged, masked in the answer.
    #[serde(default)]
    pub credentials: BTreeMap<String, String>,
}

/// One call the workflow made.
#[derive(Debug, Serialize, ToSchema)]
pub struct DryRunCallBody {
    /// The plan step that made it (`step_1`).
    pub step: Option<String>,
    /// The catalog tool and action it matched; `null` when it matched none.
    pub tool: Option<String>,
    pub action: Option<String>,
    /// `GET`, `POST`, …; `boto3` for AWS calls.
    pub method: String,
    /// The URL; `<service>.<call>` for AWS calls.
    pub url: String,
    /// The request body (form fields as an object; boto3 keyword arguments), `null` without one:
    /// any JSON value.
    pub request: Value,
    /// The request's headers as sent (lower-case names; HTTP calls only, absent otherwise),
    /// credential values masked like the body's.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// What the simulator answered.
    pub status: u16,
}

/// Why the run failed.
#[derive(Debug, Serialize, ToSchema)]
pub struct DryRunErrorBody {
    /// The exception class (`KeyError`) or what stopped the run (`Timeout`, `MemoryLimit`,
    /// `OutputLimit`, `CpuLimit`, `CallLimit`, `Crashed`, `UnexpectedCall`, `HandlerStatus`,
    /// `BatchItemFailures`).
    #[serde(rename = "type")]
    pub kind: String,
    pub message: String,
    /// The line of `lambda_function.py`.
    pub line: Option<u32>,
}

/// The answer of a dry run.
#[derive(Debug, Serialize, ToSchema)]
pub struct DryRunResponse {
    /// The handler returned without raising and every call is one the vendor would accept: its
    /// catalog action's method and path, required fields present, and each field of the type and
    /// shape the vendor's reference gives.
    pub ok: bool,
    /// What `lambda_handler` returned: any JSON value (`null` when it raised; `repr` text for a
    /// value JSON cannot hold).
    pub result: Value,
    pub calls: Vec<DryRunCallBody>,
    /// The workflow's log lines and printed output (bounded).
    pub logs: Vec<String>,
    pub duration_ms: u64,
    pub error: Option<DryRunErrorBody>,
    /// Calls the vendor would accept that do not send what the plan promised: a field to be
    /// taken from the record that is still its setting's stand-in (`https://example.com/your-url`)
    /// or the trigger's event name (`ObjectCreated:Put`). They leave `ok` as it is.
    pub warnings: Vec<String>,
}

impl From<DryRunCall> for DryRunCallBody {
    fn from(c: DryRunCall) -> Self {
        Self {
            step: c.step,
            tool: c.tool,
            action: c.action,
            method: c.method,
            url: c.url,
            request: c.request,
            headers: c.headers,
            status: c.status,
        }
    }
}

impl From<RunError> for DryRunErrorBody {
    fn from(e: RunError) -> Self {
        Self {
            kind: e.kind,
            message: e.message,
            line: e.line,
        }
    }
}

impl From<DryRun> for DryRunResponse {
    fn from(run: DryRun) -> Self {
        Self {
            ok: run.ok,
            result: run.result,
            calls: run.calls.into_iter().map(Into::into).collect(),
            logs: run.logs,
            duration_ms: run.duration_ms,
            error: run.error.map(Into::into),
            warnings: run.warnings,
        }
    }
}

/// Runs the workflow's stored code in a sandbox (no network, no host files, time, memory and
/// output limits) with the given or a sample event; every vendor call is answered by a
/// simulator from the catalog's documented examples and checked against the catalog. Edited
/// code needs bubblewrap on the server (503 `sandbox_unavailable` otherwise); too many runs
/// at once answer 429 `too_many_dry_runs`. With the Lambda sandbox (`DRY_RUN_BACKEND=lambda`),
/// a run too large for Lambda answers 413 `payload_too_large` and a failure of the sandbox
/// function itself 502 `sandbox_failed`.
#[utoipa::path(post, path = "/workflows/{id}/dry-run", tag = "workflows",
    params(("id" = String, Path)), request_body(content = Option<DryRunBody>, description = "Optional: {\"event\", \"credentials\"}"),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = DryRunResponse), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 429, body = ErrorBody),
        (status = 502, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn post_dry_run(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<web::Json<DryRunResponse>, ApiError> {
    let id = parse_id(&path)?;
    let request = request_of(&body)?;
    let run = state
        .dry_runs
        .run_saved(&state.workflows, user.owner(), id, request)
        .await?;
    Ok(web::Json(run.into()))
}

/// The body, which may be empty.
fn request_of(body: &[u8]) -> Result<DryRunRequest, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(DryRunRequest::default());
    }
    let parsed: DryRunBody = serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request(
            "invalid_dry_run",
            format!("expected {{\"event\": {{...}}, \"credentials\": {{...}}}}: {e}"),
        )
    })?;
    if parsed.credentials.len() > MAX_CREDENTIALS
        || parsed
            .credentials
            .values()
            .any(|v| v.len() > MAX_CREDENTIAL_BYTES)
    {
        return Err(ApiError::bad_request(
            "invalid_dry_run",
            format!(
                "at most {MAX_CREDENTIALS} credentials of at most {MAX_CREDENTIAL_BYTES} bytes each"
            ),
        ));
    }
    Ok(DryRunRequest {
        event: parsed.event,
        credentials: parsed.credentials,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_is_optional_and_checked() {
        assert!(request_of(b"").is_ok());
        assert!(request_of(b"  \n").is_ok());
        assert!(request_of(br#"{"event": {"items": []}}"#).is_ok());
        for bad in [
            &br#"{"credentials": {"A": 1}}"#[..],
            br#"{"evnt": {}}"#,
            b"not json",
        ] {
            assert!(
                matches!(
                    request_of(bad),
                    Err(ApiError::BadRequest {
                        code: "invalid_dry_run",
                        ..
                    })
                ),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
