//! A user's saved workflows: list and search, read, write, version history, delete, and the
//! frontend's history page.

use actix_web::{HttpResponse, http::header, web};

use crate::extract::AuthUser;
use crate::http::error::{ApiError, ErrorBody};
use crate::state::AppState;
use crate::wire::workflows::{
    Deleted, HistoryItem, ListQuery, VersionOut, VersionsQuery, WorkflowDetail, WorkflowList,
    WorkflowWrite, WorkflowWritten, parse_id,
};

/// The caller's workflows, newest first; with `q`, the caller's workflows that match it, most
/// relevant first, in pages linked by `next_cursor`. Never another user's workflows.
#[utoipa::path(get, path = "/workflows", tag = "workflows", params(ListQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = WorkflowList), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 503, body = ErrorBody, description = "Search is unavailable (OpenSearch down)")))]
pub async fn get_workflows(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<web::Json<WorkflowList>, ApiError> {
    let listing = state
        .workflows
        .list(user.owner(), query.into_inner().into())
        .await?;
    Ok(web::Json(listing.into()))
}

/// One of the caller's workflows.
#[utoipa::path(get, path = "/workflows/{id}", tag = "workflows", params(("id" = String, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = WorkflowDetail), (status = 404, body = ErrorBody)))]
pub async fn get_workflow(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<web::Json<WorkflowDetail>, ApiError> {
    let record = state.workflows.get(user.owner(), parse_id(&path)?).await?;
    Ok(web::Json(record.into()))
}

/// Saves a workflow the user edited or wrote (the frontend's "save").
#[utoipa::path(post, path = "/workflows", tag = "workflows", request_body = WorkflowWrite,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = WorkflowWritten),
        (status = 403, body = ErrorBody, description = "quota_exceeded: a per-user storage limit"),
        (status = 422, body = ErrorBody, description = "invalid_workflow, invalid_graph or secret_in_code")))]
pub async fn post_workflow(
    user: AuthUser,
    state: web::Data<AppState>,
    body: web::Json<WorkflowWrite>,
) -> Result<HttpResponse, ApiError> {
    let record = state
        .workflows
        .create(user.owner(), body.into_inner().into())
        .await?;
    let id = record.id.to_string();
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/workflows/{id}")))
        .json(WorkflowWritten {
            id,
            message: "workflow saved",
            workflow: record.into(),
        }))
}

/// Changes a workflow; a change of code keeps the previous code as a version.
#[utoipa::path(put, path = "/workflows/{id}", tag = "workflows", params(("id" = String, Path)), request_body = WorkflowWrite,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = WorkflowWritten), (status = 404, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "quota_exceeded: a per-user storage limit"),
        (status = 422, body = ErrorBody, description = "invalid_workflow, invalid_graph or secret_in_code")))]
pub async fn put_workflow(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Json<WorkflowWrite>,
) -> Result<web::Json<WorkflowWritten>, ApiError> {
    let record = state
        .workflows
        .update(user.owner(), parse_id(&path)?, body.into_inner().into())
        .await?;
    Ok(web::Json(WorkflowWritten {
        id: record.id.to_string(),
        message: "workflow updated",
        workflow: record.into(),
    }))
}

/// Deletes a workflow and its versions.
#[utoipa::path(delete, path = "/workflows/{id}", tag = "workflows", params(("id" = String, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Deleted), (status = 404, body = ErrorBody)))]
pub async fn delete_workflow(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<web::Json<Deleted>, ApiError> {
    let id = parse_id(&path)?;
    state.workflows.delete(user.owner(), id).await?;
    Ok(web::Json(Deleted {
        id: id.to_string(),
        message: "workflow deleted",
    }))
}

/// Earlier versions of a workflow's code, newest first, a page at a time: `limit` (1 to 50,
/// default 20) versions older than `before` (for the next page, the last `version` of this
/// one). At most `MAX_VERSIONS_PER_WORKFLOW` are kept.
#[utoipa::path(get, path = "/workflows/{id}/versions", tag = "workflows", params(("id" = String, Path), VersionsQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<VersionOut>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_versions(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<VersionsQuery>,
) -> Result<web::Json<Vec<VersionOut>>, ApiError> {
    let versions = state
        .workflows
        .versions(user.owner(), parse_id(&path)?, query.into_inner().into())
        .await?;
    Ok(web::Json(
        versions.into_iter().map(VersionOut::from).collect(),
    ))
}

/// The frontend's history: a bare array of the user's workflows (403 for another user's id).
#[utoipa::path(get, path = "/workflows/user/{user_id}", tag = "workflows", params(("user_id" = String, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<HistoryItem>), (status = 403, body = ErrorBody)))]
pub async fn get_user_workflows(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<web::Json<Vec<HistoryItem>>, ApiError> {
    if path.as_str() != user.id().to_string() {
        return Err(ApiError::Forbidden("you can only list your own workflows"));
    }
    let recent = state.workflows.recent(user.owner(), 100).await?;
    Ok(web::Json(
        recent.into_iter().map(HistoryItem::from).collect(),
    ))
}
