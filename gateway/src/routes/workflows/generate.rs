//! `POST /workflows/generate`: a description in, a validated Lambda workflow out.

use actix_web::web;
use cue_workflows::GenerateRequest;

use crate::extract::{AuthUser, MaybeAuthUser};
use crate::http::error::{ApiError, ErrorBody};
use crate::state::AppState;
use crate::wire::workflows::{GenerateBody, GenerateJson, GenerateResponse};

/// Turns a description into a Lambda workflow: plan, code, graph, tools, SAM template and
/// validation report. Saved to the caller's history when authenticated; anonymous callers
/// (the frontend's logged-out builder) get the same answer, unsaved.
#[utoipa::path(post, path = "/workflows/generate", tag = "workflows", request_body = GenerateBody,
    responses(
        (status = 200, body = GenerateResponse),
        (status = 400, body = ErrorBody), (status = 422, body = ErrorBody, description = "Empty, too long, not understood or disallowed"),
        (status = 403, body = ErrorBody, description = "quota_exceeded: the caller's history is full"),
    ))]
pub async fn post_generate(
    user: MaybeAuthUser,
    state: web::Data<AppState>,
    body: web::Json<GenerateBody>,
) -> Result<GenerateJson, ApiError> {
    let b = body.into_inner();
    let prompt = b.prompt.or(b.description).ok_or_else(|| {
        ApiError::bad_request("missing_field", "prompt (or description) is required")
    })?;
    let request = GenerateRequest {
        prompt,
        input_type: b.input_type.unwrap_or_default(),
    };
    let owner = user.0.as_ref().map(AuthUser::owner);
    let generated = state.workflows.generate(owner, request).await?;
    GenerateJson::new(&generated)
}
