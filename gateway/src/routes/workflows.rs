//! Generating workflows, filling their credentials, and managing a user's saved workflows.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, http::header, web};
use chrono::{DateTime, Utc};
use cue_validate::{Report, Stage};
use cue_workflows::artifacts::ArtifactKey;
use cue_workflows::repo::{
    NewWorkflow, OwnerId, WorkflowId, WorkflowPatch, WorkflowRecord, WorkflowStatus,
};
use cue_workflows::search::{Scope, SearchQuery};
use cue_workflows::{
    Edge, GenerateRequest, Generated, IdentifiedTool, InputType, Node, Plan, Step, Trigger,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;
use uuid::Uuid;

use super::code::{ValidationReport, options, run_validation};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{AuthUser, MaybeAuthUser};
use crate::search;
use crate::state::AppState;

/// Most credential values accepted in one request.
const MAX_CREDENTIALS: usize = 100;
/// Longest credential value accepted.
const MAX_CREDENTIAL_BYTES: usize = 16 * 1024;

fn owner(user: &AuthUser) -> OwnerId {
    OwnerId(user.id().0)
}

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

fn generate_response(
    id: WorkflowId,
    generated: Generated,
    report: &Report,
    saved: bool,
) -> GenerateResponse {
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
        validation: ValidationReport::from(report),
        saved,
    }
}

/// Validates generated code the way a user's CI would: at the skeleton stage, with the
/// bundle's own requirements.
async fn validate_generated(
    state: &AppState,
    code: &str,
    requirements: &[String],
    stage: Stage,
) -> Result<Report, ApiError> {
    let opts = options(
        state,
        Some(stage.as_str()),
        None,
        None,
        Some(requirements.join("\n")),
    )?;
    run_validation(code.to_owned(), opts).await
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
    let req = GenerateRequest {
        prompt,
        input_type: b.input_type.unwrap_or_default(),
    };
    let generated = state.generator.generate(&req).await?;
    let user = user.0;
    Ok(web::Json(
        save_generated(&state, user.as_ref(), req.prompt, generated).await?,
    ))
}

/// The one path from a generated workflow to the answer of `/workflows/generate` (and of
/// `/templates/{id}/use`): validated if the generator did not, saved to the caller's history
/// and indexed for search when there is a caller.
pub(crate) async fn save_generated(
    state: &AppState,
    user: Option<&AuthUser>,
    prompt: String,
    mut generated: Generated,
) -> Result<GenerateResponse, ApiError> {
    // The engine validates what it generates; another generator may not.
    let report = match generated.validation.take() {
        Some(report) => report,
        None => {
            validate_generated(
                state,
                &generated.code,
                &generated.requirements,
                Stage::InitialSkeleton,
            )
            .await?
        }
    };
    if !report.is_valid {
        // The engine promises valid code; say so loudly if it did not keep that promise.
        tracing::error!(
            errors = report.error_count,
            "generated code failed validation"
        );
    }
    let id = WorkflowId::new();
    let saved = match user {
        Some(user) => {
            let plan = serde_json::to_value(&generated.plan).map_err(ApiError::internal)?;
            let graph = serde_json::to_value(&generated.graph).map_err(ApiError::internal)?;
            let record = state
                .workflows
                .create(NewWorkflow {
                    id,
                    owner: owner(user),
                    name: generated.name.clone(),
                    description: generated.plan.summary.clone(),
                    prompt,
                    code: generated.code.clone(),
                    graph,
                    plan,
                    status: if report.is_valid {
                        WorkflowStatus::Completed
                    } else {
                        WorkflowStatus::NeedsReview
                    },
                })
                .await?;
            search::sync_workflow(&*state.search, &record).await;
            true
        }
        None => false,
    };
    Ok(generate_response(id, generated, &report, saved))
}

/// Loads the caller's workflow, or 404 (another user's workflow does not exist for you).
async fn load(
    state: &AppState,
    user: &AuthUser,
    id: WorkflowId,
) -> Result<WorkflowRecord, ApiError> {
    state
        .workflows
        .get(owner(user), id)
        .await?
        .ok_or(ApiError::NotFound("workflow"))
}

fn stored_plan(record: &WorkflowRecord) -> Result<Plan, ApiError> {
    serde_json::from_value(record.plan.clone()).map_err(|_| {
        ApiError::unprocessable(
            "no_plan",
            "this workflow was saved without a generated plan, so it has no credentials to fill",
        )
    })
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
    let record = load(&state, &user, id).await?;
    let plan = stored_plan(&record)?;
    let updated = cue_workflows::fill_credentials(&record.code, &plan, &values)?;
    let missing: Vec<String> = plan
        .placeholders()
        .into_iter()
        .filter(|p| updated.contains(&format!("{{{{{p}}}}}")))
        .collect();
    let requirements = state.engine.generate_from_plan(plan)?.requirements;
    let stage = if missing.is_empty() {
        Stage::FinalWithCredentials
    } else {
        Stage::InitialSkeleton
    };
    let report = validate_generated(&state, &updated, &requirements, stage).await?;
    tracing::info!(workflow_id = %id, filled = values.len(), "credentials filled");
    Ok(web::Json(CredentialsResponse {
        workflow_id: id.to_string(),
        updated_code: updated,
        missing,
        validation: ValidationReport::from(&report),
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
    let limit = query.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::bad_request(
            "invalid_query",
            "limit must be between 1 and 100",
        ));
    }
    if query.q.is_some() || query.cursor.is_some() {
        return search_workflows(&state, &user, query, limit)
            .await
            .map(web::Json);
    }
    let offset = query.offset.unwrap_or(0);
    if offset < 0 {
        return Err(ApiError::bad_request(
            "invalid_query",
            "offset must not be negative",
        ));
    }
    let page = state.workflows.list(owner(&user), limit, offset).await?;
    Ok(web::Json(WorkflowList {
        items: page.items.into_iter().map(WorkflowSummary::from).collect(),
        total: page.total,
        limit,
        offset,
        next_cursor: None,
    }))
}

/// `GET /workflows?q=`: ranked ids from the index, records from the database (so a stale
/// index entry of a deleted workflow is skipped, and nothing is shown that the caller does not
/// own even if an index were wrong).
async fn search_workflows(
    state: &AppState,
    user: &AuthUser,
    query: ListQuery,
    limit: i64,
) -> Result<WorkflowList, ApiError> {
    if query.offset.is_some() {
        return Err(ApiError::bad_request(
            "invalid_query",
            "a search pages with cursor, not offset",
        ));
    }
    let q = SearchQuery {
        scope: Scope::Owner(owner(user)),
        text: query.q.unwrap_or_default(),
        tag: None,
        limit: usize::try_from(limit).unwrap_or(20),
        cursor: query.cursor,
    };
    let offset = q.offset()?;
    let page = state.search.search(&q).await?;
    let mut items = Vec::with_capacity(page.hits.len());
    for hit in &page.hits {
        let Ok(id) = Uuid::parse_str(&hit.id) else {
            continue;
        };
        if let Some(record) = state.workflows.get(owner(user), WorkflowId(id)).await? {
            items.push(WorkflowSummary::from(record));
        }
    }
    Ok(WorkflowList {
        items,
        total: i64::try_from(page.total).unwrap_or(i64::MAX),
        limit,
        offset: i64::try_from(offset).unwrap_or(i64::MAX),
        next_cursor: page.next_cursor,
    })
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
    let record = load(&state, &user, parse_id(&path)?).await?;
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

const MAX_NAME_CHARS: usize = 200;
const MAX_DESCRIPTION_CHARS: usize = 4000;

fn check_text(field: &str, value: &Option<String>, max: usize) -> Result<(), ApiError> {
    match value {
        Some(v) if v.chars().count() > max => Err(ApiError::unprocessable(
            "invalid_workflow",
            format!("{field} must be at most {max} characters"),
        )),
        _ => Ok(()),
    }
}

impl WorkflowWrite {
    /// Checks the fields and returns the status, parsed.
    fn check(
        &self,
        limits: &crate::config::LimitSettings,
    ) -> Result<Option<WorkflowStatus>, ApiError> {
        check_text("name", &self.name, MAX_NAME_CHARS)?;
        check_text("description", &self.description, MAX_DESCRIPTION_CHARS)?;
        check_text("prompt", &self.prompt, MAX_DESCRIPTION_CHARS)?;
        if self
            .code
            .as_ref()
            .is_some_and(|c| c.len() > limits.code_bytes)
        {
            return Err(ApiError::PayloadTooLarge {
                limit: limits.code_bytes,
            });
        }
        self.status
            .as_deref()
            .map(str::parse::<WorkflowStatus>)
            .transpose()
            .map_err(|_| {
                let names = WorkflowStatus::ALL.map(WorkflowStatus::as_str);
                ApiError::unprocessable(
                    "invalid_workflow",
                    format!("status must be one of {names:?}"),
                )
            })
    }

    fn graph(&self) -> Option<Value> {
        self.node_data
            .as_ref()
            .map(|g| json!({"nodes": g.nodes, "edges": g.edges}))
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
    let b = body.into_inner();
    let status = b.check(&state.settings.limits)?;
    let name = b
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "Untitled workflow".to_owned());
    let record = state
        .workflows
        .create(NewWorkflow {
            id: WorkflowId::new(),
            owner: owner(&user),
            graph: b
                .graph()
                .unwrap_or_else(|| json!({"nodes": [], "edges": []})),
            name,
            description: b.description.unwrap_or_default(),
            prompt: b.prompt.unwrap_or_default(),
            code: b.code.unwrap_or_default(),
            plan: Value::Null,
            status: status.unwrap_or(WorkflowStatus::Draft),
        })
        .await?;
    search::sync_workflow(&*state.search, &record).await;
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
    let id = parse_id(&path)?;
    let b = body.into_inner();
    let status = b.check(&state.settings.limits)?;
    let patch = WorkflowPatch {
        graph: b.graph(),
        name: b.name,
        description: b.description,
        code: b.code,
        plan: None,
        status,
    };
    let record = if patch.is_empty() {
        load(&state, &user, id).await?
    } else {
        let record = state
            .workflows
            .update(owner(&user), id, patch)
            .await?
            .ok_or(ApiError::NotFound("workflow"))?;
        search::sync_workflow(&*state.search, &record).await;
        record
    };
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
    let record = load(&state, &user, id).await?;
    if !state.workflows.delete(owner(&user), id).await? {
        return Err(ApiError::NotFound("workflow"));
    }
    search::unindex_workflow(&*state.search, owner(&user), id).await;
    // Its bundles go too (best effort: they are only a cache of what was just deleted).
    for version in 1..=u32::try_from(record.version).unwrap_or_default() {
        if let Err(e) = state
            .artifacts
            .delete(&ArtifactKey::bundle(id.0, version))
            .await
        {
            tracing::warn!(error = %e, workflow_id = %id, "could not delete a cached bundle");
        }
    }
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
    let id = parse_id(&path)?;
    let versions = state
        .workflows
        .versions(owner(&user), id)
        .await?
        .ok_or(ApiError::NotFound("workflow"))?;
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
    let page = state.workflows.list(owner(&user), 100, 0).await?;
    Ok(web::Json(
        page.items
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
    let record = load(&state, &user, parse_id(&path)?).await?;
    let zip = bundle_of(&state, &record).await?;
    let filename = format!("cue-workflow-{}-v{}.zip", record.id, record.version);
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(zip))
}

/// The bundle of a workflow version: from the artifact store when it was built before, else
/// built from the stored plan and code and kept. The store is a cache: when it is down, the
/// bundle is built anyway.
async fn bundle_of(state: &AppState, record: &WorkflowRecord) -> Result<Vec<u8>, ApiError> {
    let version = u32::try_from(record.version).unwrap_or_default();
    let key = ArtifactKey::bundle(record.id.0, version);
    match state.artifacts.get(&key).await {
        Ok(Some(zip)) => return Ok(zip),
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "artifact store unavailable; building the bundle"),
    }
    let plan = stored_plan(record)?;
    let generated = state.engine.generate_from_plan(plan)?;
    let zip = cue_workflows::bundle_zip(&generated, &record.code)?;
    if let Err(e) = state
        .artifacts
        .put(&key, zip.clone(), "application/zip")
        .await
    {
        tracing::warn!(error = %e, "could not keep the bundle in the artifact store");
    }
    Ok(zip)
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
