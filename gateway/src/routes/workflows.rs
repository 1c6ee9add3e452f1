//! Generating workflows, filling their credentials, and managing a user's saved workflows.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, http::header, web};
use chrono::{DateTime, Utc};
use cue_workflows::repo::{WorkflowId, WorkflowRecord};
use cue_workflows::{
    Edge, GenerateRequest, Generated, GeneratedWorkflow, IdentifiedTool, InputType, ListRequest,
    Node, Step, Trigger, WorkflowInput,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;
use uuid::Uuid;

use super::code::ValidationReport;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{AuthUser, MaybeAuthUser};
use crate::state::AppState;

/// Most credential values accepted in one request.
const MAX_CREDENTIALS: usize = 100;
/// Longest credential value accepted.
const MAX_CREDENTIAL_BYTES: usize = 16 * 1024;

fn parse_id(raw: &str) -> Result<WorkflowId, ApiError> {
    Uuid::parse_str(raw)
        .map(WorkflowId)
        .map_err(|_| ApiError::NotFound("workflow"))
}

/// The specification's `{"prompt", "input_type"}` or the frontend's `{"description"}`.
#[derive(Deserialize, ToSchema)]
pub struct GenerateBody {
    /// What the workflow should do (specification).
    prompt: Option<String>,
    /// `text` (default) or `speech_transcript`.
    #[schema(value_type = Option<String>, example = "text")]
    input_type: Option<InputType>,
    /// What the workflow should do (frontend).
    description: Option<String>,
}

/// The tools the workflow uses and the credential placeholders each needs.
#[derive(Serialize, ToSchema)]
pub struct ToolOut {
    name: String,
    credentials_needed: Vec<String>,
}

impl From<&IdentifiedTool> for ToolOut {
    fn from(t: &IdentifiedTool) -> Self {
        Self {
            name: t.name.clone(),
            credentials_needed: t.credentials_needed.clone(),
        }
    }
}

/// Everything both clients read, from one plan: the specification's fields
/// (`workflow_id`, `generated_code_skeleton`, `identified_tools`, `nodes`) and the
/// frontend's (`workflowId`, `code`, `nodes`, `edges`, `requirements`, `template`).
#[derive(Serialize, ToSchema)]
pub struct GenerateResponse {
    workflow_id: String,
    #[serde(rename = "workflowId")]
    workflow_id_camel: String,
    name: String,
    summary: String,
    generated_code_skeleton: String,
    code: String,
    identified_tools: Vec<ToolOut>,
    #[schema(value_type = Vec<Object>)]
    nodes: Vec<Node>,
    #[schema(value_type = Vec<Object>)]
    edges: Vec<Edge>,
    /// Pinned third-party packages (`requirements.txt` lines).
    requirements: Vec<String>,
    /// The AWS SAM template.
    template: String,
    #[schema(value_type = Object)]
    trigger: Trigger,
    #[schema(value_type = Vec<Object>)]
    steps: Vec<Step>,
    /// What the engine assumed (tools chosen for you, defaults), with alternatives.
    assumptions: Vec<String>,
    validation: ValidationReport,
    /// True when the workflow was saved to the caller's history (authenticated callers).
    saved: bool,
}

impl From<GeneratedWorkflow> for GenerateResponse {
    fn from(out: GeneratedWorkflow) -> Self {
        let GeneratedWorkflow {
            id,
            generated,
            report,
            saved,
        } = out;
        let Generated {
            name,
            plan,
            code,
            requirements,
            template_yaml,
            graph,
            tools,
            assumptions,
            ..
        } = generated;
        GenerateResponse {
            workflow_id: id.to_string(),
            workflow_id_camel: id.to_string(),
            name,
            summary: plan.summary.clone(),
            generated_code_skeleton: code.clone(),
            code,
            identified_tools: tools.iter().map(ToolOut::from).collect(),
            nodes: graph.nodes,
            edges: graph.edges,
            requirements,
            template: template_yaml,
            trigger: plan.trigger,
            steps: plan.steps,
            assumptions,
            validation: ValidationReport::from(&report),
            saved,
        }
    }
}

/// Turns a description into a Lambda workflow: plan, code, graph, tools, SAM template and
/// validation report. Saved to the caller's history when authenticated; anonymous callers
/// (the frontend's logged-out builder) get the same answer, unsaved.
#[utoipa::path(post, path = "/workflows/generate", tag = "workflows", request_body = GenerateBody,
    responses(
        (status = 200, body = GenerateResponse),
        (status = 400, body = ErrorBody), (status = 422, body = ErrorBody, description = "Empty, too long, not understood or disallowed"),
    ))]
pub async fn post_generate(
    user: MaybeAuthUser,
    state: web::Data<AppState>,
    body: web::Json<GenerateBody>,
) -> Result<web::Json<GenerateResponse>, ApiError> {
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
    Ok(web::Json(generated.into()))
}

/// Response of a credential fill.
#[derive(Serialize, ToSchema)]
pub struct CredentialsResponse {
    workflow_id: String,
    /// The code with the given values in place. Not stored: credentials are never kept.
    updated_code: String,
    /// Placeholders that still have no value.
    missing: Vec<String>,
    validation: ValidationReport,
}

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
    Ok(web::Json(CredentialsResponse {
        workflow_id: filled.id.to_string(),
        updated_code: filled.code,
        missing: filled.missing,
        validation: ValidationReport::from(&filled.report),
    }))
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

/// A saved workflow in full.
#[derive(Serialize, ToSchema)]
pub struct WorkflowDetail {
    id: String,
    name: String,
    description: String,
    prompt: String,
    status: String,
    code: String,
    #[schema(value_type = Vec<Object>)]
    nodes: Value,
    #[schema(value_type = Vec<Object>)]
    edges: Value,
    /// The generated plan; `null` for a workflow saved without one.
    #[schema(value_type = Option<Object>)]
    plan: Value,
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<WorkflowRecord> for WorkflowDetail {
    fn from(r: WorkflowRecord) -> Self {
        let nodes = r.graph.get("nodes").cloned().unwrap_or_else(|| json!([]));
        let edges = r.graph.get("edges").cloned().unwrap_or_else(|| json!([]));
        Self {
            id: r.id.to_string(),
            name: r.name,
            description: r.description,
            prompt: r.prompt,
            status: r.status.as_str().to_owned(),
            code: r.code,
            nodes,
            edges,
            plan: r.plan,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// One line of a listing.
#[derive(Serialize, ToSchema)]
pub struct WorkflowSummary {
    id: String,
    name: String,
    description: String,
    status: String,
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<WorkflowRecord> for WorkflowSummary {
    fn from(r: WorkflowRecord) -> Self {
        Self {
            id: r.id.to_string(),
            name: r.name,
            description: r.description,
            status: r.status.as_str().to_owned(),
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// 1 to 100, default 20.
    limit: Option<i64>,
    /// Items to skip, default 0 (listing without `q` only).
    offset: Option<i64>,
    /// Search words, matched against name, description, tools and trigger; results are
    /// ranked by relevance instead of listed newest first.
    q: Option<String>,
    /// The `next_cursor` of the previous page of the same search.
    cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct WorkflowList {
    items: Vec<WorkflowSummary>,
    total: i64,
    limit: i64,
    offset: i64,
    /// Searches only: pass as `cursor` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
}

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
    let query = query.into_inner();
    let request = ListRequest {
        limit: query.limit.unwrap_or(20),
        offset: query.offset,
        text: query.q,
        cursor: query.cursor,
    };
    let listing = state.workflows.list(user.owner(), request).await?;
    Ok(web::Json(WorkflowList {
        items: listing
            .items
            .into_iter()
            .map(WorkflowSummary::from)
            .collect(),
        total: listing.total,
        limit: listing.limit,
        offset: listing.offset,
        next_cursor: listing.next_cursor,
    }))
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

/// `{nodes, edges}` as the frontend sends it (`nodeData`).
#[derive(Deserialize, ToSchema)]
pub struct NodeData {
    #[schema(value_type = Vec<Object>)]
    nodes: Vec<Value>,
    #[schema(value_type = Vec<Object>)]
    #[serde(default)]
    edges: Vec<Value>,
}

/// A new or changed workflow (frontend `camelCase` names accepted).
#[derive(Deserialize, ToSchema)]
pub struct WorkflowWrite {
    name: Option<String>,
    description: Option<String>,
    #[serde(alias = "generatedCode")]
    code: Option<String>,
    #[serde(alias = "nodeData", alias = "graph")]
    node_data: Option<NodeData>,
    status: Option<String>,
    prompt: Option<String>,
}

impl From<WorkflowWrite> for WorkflowInput {
    fn from(w: WorkflowWrite) -> Self {
        Self {
            graph: w
                .node_data
                .map(|g| json!({"nodes": g.nodes, "edges": g.edges})),
            name: w.name,
            description: w.description,
            prompt: w.prompt,
            code: w.code,
            status: w.status,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct WorkflowWritten {
    id: String,
    message: &'static str,
    workflow: WorkflowDetail,
}

/// Saves a workflow the user edited or wrote (the frontend's "save").
#[utoipa::path(post, path = "/workflows", tag = "workflows", request_body = WorkflowWrite,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = WorkflowWritten), (status = 422, body = ErrorBody)))]
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
    responses((status = 200, body = WorkflowWritten), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
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

#[derive(Serialize, ToSchema)]
pub struct Deleted {
    id: String,
    message: &'static str,
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

#[derive(Serialize, ToSchema)]
pub struct VersionOut {
    version: i32,
    code: String,
    created_at: DateTime<Utc>,
}

/// Earlier versions of a workflow's code, newest first.
#[utoipa::path(get, path = "/workflows/{id}/versions", tag = "workflows", params(("id" = String, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<VersionOut>), (status = 404, body = ErrorBody)))]
pub async fn get_versions(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<web::Json<Vec<VersionOut>>, ApiError> {
    let versions = state
        .workflows
        .versions(user.owner(), parse_id(&path)?)
        .await?;
    Ok(web::Json(
        versions
            .into_iter()
            .map(|v| VersionOut {
                version: v.version,
                code: v.code,
                created_at: v.created_at,
            })
            .collect(),
    ))
}

/// An item of the frontend's history page.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistoryItem {
    id: String,
    name: String,
    description: String,
    status: String,
    created_at: DateTime<Utc>,
    generated_code: Option<String>,
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
        recent
            .into_iter()
            .map(|r| HistoryItem {
                id: r.id.to_string(),
                name: r.name,
                description: r.description,
                status: r.status.as_str().to_owned(),
                created_at: r.created_at,
                generated_code: Some(r.code).filter(|c| !c.is_empty()),
            })
            .collect(),
    ))
}

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

pub fn configure(cfg: &mut web::ServiceConfig, state: &AppState) {
    use super::resource;
    let code_json = crate::startup::json_config(state.settings.limits.code_bytes * 2 + 64 * 1024);
    cfg.service(resource("/workflows/generate").post(post_generate))
        .service(
            resource("/workflows")
                .app_data(code_json.clone())
                .get(get_workflows)
                .post(post_workflow),
        )
        .service(resource("/workflows/user/{user_id}").get(get_user_workflows))
        .service(resource("/workflows/{id}/credentials").post(post_credentials))
        .service(resource("/workflows/{id}/versions").get(get_versions))
        .service(resource("/workflows/{id}/bundle").get(get_bundle))
        .service(
            resource("/workflows/{id}")
                .app_data(code_json)
                .get(get_workflow)
                .put(put_workflow)
                .delete(delete_workflow),
        );
}
