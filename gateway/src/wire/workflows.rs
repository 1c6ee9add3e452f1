//! The JSON shapes of the workflow routes: what `/workflows/*` (and `/templates/{id}/use`,
//! which answers like a generation) accept and answer, and how a workflow id is read from a
//! path.

use chrono::{DateTime, Utc};
use cue_workflows::repo::{
    VersionsPage, WorkflowId, WorkflowRecord, WorkflowVersion, WorkflowWithCode,
};
use cue_workflows::{
    Edge, FilledCredentials, Generated, GeneratedWorkflow, IdentifiedTool, InputType, ListRequest,
    Node, Step, Trigger, WorkflowInput, WorkflowListing,
};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Value, json};
use utoipa::ToSchema;
use uuid::Uuid;

use super::validation::ValidationReport;
use crate::http::error::ApiError;

/// The workflow id of a path; an id that is not a UUID names no workflow (404).
pub fn parse_id(raw: &str) -> Result<WorkflowId, ApiError> {
    Uuid::parse_str(raw)
        .map(WorkflowId)
        .map_err(|_| ApiError::NotFound("workflow"))
}

/// The specification's `{"prompt", "input_type"}` or the frontend's `{"description"}`.
#[derive(Deserialize, ToSchema)]
pub struct GenerateBody {
    /// What the workflow should do (specification).
    pub prompt: Option<String>,
    /// `text` (default) or `speech_transcript`.
    #[schema(value_type = Option<String>, example = "text")]
    pub input_type: Option<InputType>,
    /// What the workflow should do (frontend).
    pub description: Option<String>,
}

/// The tools the workflow uses and the credential placeholders each needs.
#[derive(Serialize, ToSchema)]
pub struct ToolOut {
    pub name: String,
    pub credentials_needed: Vec<String>,
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
    pub workflow_id: String,
    #[serde(rename = "workflowId")]
    pub workflow_id_camel: String,
    pub name: String,
    pub summary: String,
    /// The generated module. It and `code` are the same text, escaped once (see
    /// [`json_string`]).
    #[schema(value_type = String)]
    pub generated_code_skeleton: Box<RawValue>,
    /// The generated module (the frontend's name for it).
    #[schema(value_type = String)]
    pub code: Box<RawValue>,
    pub identified_tools: Vec<ToolOut>,
    #[schema(value_type = Vec<Object>)]
    pub nodes: Vec<Node>,
    #[schema(value_type = Vec<Object>)]
    pub edges: Vec<Edge>,
    /// Pinned third-party packages (`requirements.txt` lines).
    pub requirements: Vec<String>,
    /// The AWS SAM template.
    pub template: String,
    #[schema(value_type = Object)]
    pub trigger: Trigger,
    #[schema(value_type = Vec<Object>)]
    pub steps: Vec<Step>,
    /// What the engine assumed (tools chosen for you, defaults), with alternatives.
    pub assumptions: Vec<String>,
    pub validation: ValidationReport,
    /// True when the workflow was saved to the caller's history (authenticated callers).
    pub saved: bool,
}

/// `text` as a JSON string, escaped once: the generated module (~250 lines) goes into the
/// generate response twice, and escaping it was the larger part of writing that response.
fn json_string(text: &str) -> Result<Box<RawValue>, ApiError> {
    serde_json::value::to_raw_value(text).map_err(ApiError::internal)
}

impl TryFrom<GeneratedWorkflow> for GenerateResponse {
    type Error = ApiError;

    fn try_from(out: GeneratedWorkflow) -> Result<Self, ApiError> {
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
        let code = json_string(&code)?;
        Ok(GenerateResponse {
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
        })
    }
}

/// Response of a credential fill.
#[derive(Serialize, ToSchema)]
pub struct CredentialsResponse {
    pub workflow_id: String,
    /// The code with the given values in place. Not stored: credentials are never kept.
    pub updated_code: String,
    /// Placeholders that still have no value.
    pub missing: Vec<String>,
    pub validation: ValidationReport,
}

impl From<FilledCredentials> for CredentialsResponse {
    fn from(filled: FilledCredentials) -> Self {
        Self {
            workflow_id: filled.id.to_string(),
            updated_code: filled.code,
            missing: filled.missing,
            validation: ValidationReport::from(&filled.report),
        }
    }
}

/// A saved workflow in full.
#[derive(Serialize, ToSchema)]
pub struct WorkflowDetail {
    pub id: String,
    pub name: String,
    pub description: String,
    pub prompt: String,
    pub status: String,
    pub code: String,
    #[schema(value_type = Vec<Object>)]
    pub nodes: Value,
    #[schema(value_type = Vec<Object>)]
    pub edges: Value,
    /// The generated plan; `null` for a workflow saved without one.
    #[schema(value_type = Option<Object>)]
    pub plan: Value,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
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
    pub id: String,
    pub name: String,
    pub description: String,
    pub status: String,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<cue_workflows::repo::WorkflowSummary> for WorkflowSummary {
    fn from(r: cue_workflows::repo::WorkflowSummary) -> Self {
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
    pub limit: Option<i64>,
    /// Items to skip, default 0 (listing without `q` only).
    pub offset: Option<i64>,
    /// Search words, matched against name, description, tools and trigger; results are
    /// ranked by relevance instead of listed newest first.
    pub q: Option<String>,
    /// The `next_cursor` of the previous page of the same search.
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct WorkflowList {
    pub items: Vec<WorkflowSummary>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
    /// Searches only: pass as `cursor` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

impl From<ListQuery> for ListRequest {
    fn from(q: ListQuery) -> Self {
        Self {
            limit: q.limit.unwrap_or(20),
            offset: q.offset,
            text: q.q,
            cursor: q.cursor,
        }
    }
}

impl From<WorkflowListing> for WorkflowList {
    fn from(listing: WorkflowListing) -> Self {
        Self {
            items: listing
                .items
                .into_iter()
                .map(WorkflowSummary::from)
                .collect(),
            total: listing.total,
            limit: listing.limit,
            offset: listing.offset,
            next_cursor: listing.next_cursor,
        }
    }
}

/// `{nodes, edges}` as the frontend sends it (`nodeData`).
#[derive(Deserialize, ToSchema)]
pub struct NodeData {
    #[schema(value_type = Vec<Object>)]
    pub nodes: Vec<Value>,
    #[schema(value_type = Vec<Object>)]
    #[serde(default)]
    pub edges: Vec<Value>,
}

/// A new or changed workflow (frontend `camelCase` names accepted).
#[derive(Deserialize, ToSchema)]
pub struct WorkflowWrite {
    pub name: Option<String>,
    pub description: Option<String>,
    #[serde(alias = "generatedCode")]
    pub code: Option<String>,
    #[serde(alias = "nodeData", alias = "graph")]
    pub node_data: Option<NodeData>,
    pub status: Option<String>,
    pub prompt: Option<String>,
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
    pub id: String,
    pub message: &'static str,
    pub workflow: WorkflowDetail,
}

#[derive(Serialize, ToSchema)]
pub struct Deleted {
    pub id: String,
    pub message: &'static str,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct VersionsQuery {
    /// 1 to 50, default 20.
    pub limit: Option<i64>,
    /// Only versions older than this one (the last `version` of the previous page).
    pub before: Option<i32>,
}

impl From<VersionsQuery> for VersionsPage {
    fn from(q: VersionsQuery) -> Self {
        Self {
            limit: q.limit.unwrap_or(20),
            before: q.before,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct VersionOut {
    pub version: i32,
    pub code: String,
    pub created_at: DateTime<Utc>,
}

impl From<WorkflowVersion> for VersionOut {
    fn from(v: WorkflowVersion) -> Self {
        Self {
            version: v.version,
            code: v.code,
            created_at: v.created_at,
        }
    }
}

/// An item of the frontend's history page.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistoryItem {
    pub id: String,
    pub name: String,
    pub description: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub generated_code: Option<String>,
}

impl From<WorkflowWithCode> for HistoryItem {
    fn from(w: WorkflowWithCode) -> Self {
        let r = w.summary;
        Self {
            id: r.id.to_string(),
            name: r.name,
            description: r.description,
            status: r.status.as_str().to_owned(),
            created_at: r.created_at,
            generated_code: Some(w.code).filter(|c| !c.is_empty()),
        }
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    const TRICKY: &str = "def f():\n\treturn \"a\\\\b\" + '\u{1}' + \"é 🚀\" # </script>\r\n";

    #[test]
    fn the_escaped_code_is_what_serde_writes_for_the_text() {
        for text in [TRICKY, "", "plain"] {
            let raw = json_string(text).unwrap();
            assert_eq!(raw.get(), serde_json::to_string(text).unwrap());
        }
    }

    #[test]
    fn the_escaped_code_reads_back_as_the_text_and_not_as_a_quoted_copy() {
        #[derive(Serialize)]
        struct Twice {
            a: Box<RawValue>,
            b: Box<RawValue>,
        }
        let raw = json_string(TRICKY).unwrap();
        let body = serde_json::to_string(&Twice {
            a: raw.clone(),
            b: raw,
        })
        .unwrap();
        let read: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(read["a"], TRICKY);
        assert_eq!(read["b"], TRICKY);
        assert_ne!(read["a"], serde_json::to_string(TRICKY).unwrap());
    }
}
