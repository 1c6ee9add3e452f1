//! `GET /workflows/{id}/bundle`: the deployable zip of a workflow's current version.

use actix_web::{HttpResponse, http::header, web};

use crate::extract::AuthUser;
use crate::http::error::{ApiError, ErrorBody};
use crate::state::AppState;
use crate::wire::workflows::parse_id;

/// The deployable bundle: `lambda_function.py`, `requirements.txt`, `template.yaml` and a
/// README, as a zip.
#[utoipa::path(get, path = "/workflows/{id}/bundle", tag = "workflows", params(("id" = String, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, content_type = "application/zip", description = "The bundle"), (status = 404, body = ErrorBody)))]
pub async fn get_bundle(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let bundle = state
        .workflows
        .bundle(user.owner(), parse_id(&path)?)
        .await?;
    let filename = format!("cue-workflow-{}-v{}.zip", bundle.id, bundle.version);
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(bundle.zip))
}
