//! The starter library: browse and search templates, and start a workflow from one.

use actix_web::web;
use cue_workflows::{Template, TemplateSearch};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::extract::AuthUser;
use crate::http::error::{ApiError, ErrorBody};
use crate::middleware::policy::Route;
use crate::middleware::ratelimit::Bucket;
use crate::state::AppState;
use crate::wire::workflows::{GenerateJson, GenerateResponse};

#[derive(Deserialize, utoipa::IntoParams)]
pub struct TemplateQuery {
    /// Search words; without them, templates are listed in the curated order.
    q: Option<String>,
    /// Only templates with this tag (`finance`, `slack`, ...).
    tag: Option<String>,
    /// 1 to 100, default 20.
    limit: Option<usize>,
    /// The `next_cursor` of the previous page of the same query.
    cursor: Option<String>,
}

/// A template as listed.
#[derive(Serialize, ToSchema)]
pub struct TemplateSummary {
    /// Slug, stable across releases.
    id: String,
    title: String,
    description: String,
    tags: Vec<String>,
    /// Display names of the tools it uses.
    tools: Vec<String>,
    /// `schedule`, `app_event`, `webhook`, ...
    trigger: String,
}

impl From<&Template> for TemplateSummary {
    fn from(t: &Template) -> Self {
        Self {
            id: t.id.clone(),
            title: t.title.clone(),
            description: t.description.clone(),
            tags: t.tags.clone(),
            tools: t.tool_names(),
            trigger: t.plan.trigger.kind.as_str().to_owned(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TemplateList {
    items: Vec<TemplateSummary>,
    /// Matching templates over all pages.
    total: u64,
    limit: usize,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
}

/// Templates, most relevant to `q` first (or in curated order without it), optionally of one
/// tag. Public: no login needed.
#[utoipa::path(get, path = "/templates", tag = "templates", params(TemplateQuery),
    responses((status = 200, body = TemplateList), (status = 400, body = ErrorBody),
        (status = 503, body = ErrorBody, description = "Search is unavailable (OpenSearch down)")))]
pub async fn get_templates(
    state: web::Data<AppState>,
    query: web::Query<TemplateQuery>,
) -> Result<web::Json<TemplateList>, ApiError> {
    let query = query.into_inner();
    let search = TemplateSearch {
        text: query.q.unwrap_or_default(),
        tag: query.tag.filter(|t| !t.trim().is_empty()),
        limit: query.limit.unwrap_or(20),
        cursor: query.cursor,
    };
    let page = state.workflows.search_templates(search).await?;
    Ok(web::Json(TemplateList {
        items: page.items.into_iter().map(TemplateSummary::from).collect(),
        total: page.total,
        limit: page.limit,
        next_cursor: page.next_cursor,
    }))
}

/// A template in full: its plan and the graph the frontend draws from it.
#[derive(Serialize, ToSchema)]
pub struct TemplateDetail {
    #[serde(flatten)]
    summary: TemplateSummary,
    /// What the engine builds the workflow from (trigger, steps, tools).
    #[schema(value_type = Object)]
    plan: Value,
    #[schema(value_type = Vec<Object>)]
    nodes: Value,
    #[schema(value_type = Vec<Object>)]
    edges: Value,
}

/// One template. Public: no login needed.
#[utoipa::path(get, path = "/templates/{id}", tag = "templates", params(("id" = String, Path)),
    responses((status = 200, body = TemplateDetail), (status = 404, body = ErrorBody)))]
pub async fn get_template(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<web::Json<TemplateDetail>, ApiError> {
    let view = state.workflows.template(&path)?;
    let graph = view.graph;
    Ok(web::Json(TemplateDetail {
        summary: TemplateSummary::from(view.template),
        plan: serde_json::to_value(&view.template.plan).map_err(ApiError::internal)?,
        nodes: serde_json::to_value(&graph.nodes).map_err(ApiError::internal)?,
        edges: serde_json::to_value(&graph.edges).map_err(ApiError::internal)?,
    }))
}

/// Creates a workflow for the caller from a template: the engine builds code, graph and SAM
/// template from the template's plan, and the workflow is saved and indexed exactly as
/// `POST /workflows/generate` saves one; the answer has the same shape.
#[utoipa::path(post, path = "/templates/{id}/use", tag = "templates", params(("id" = String, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = GenerateResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "quota_exceeded: the caller's history is full"),
        (status = 404, body = ErrorBody)))]
pub async fn post_use_template(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<GenerateJson, ApiError> {
    let created = state.workflows.use_template(user.owner(), &path).await?;
    GenerateJson::new(&created)
}

pub fn routes() -> Vec<Route> {
    vec![
        Route::new("/templates", |r| r.get(get_templates)),
        // Starting from a template generates a workflow: the generation limit.
        Route::new("/templates/{id}/use", |r| r.post(post_use_template)).limited(Bucket::Generate),
        Route::new("/templates/{id}", |r| r.get(get_template)),
    ]
}
