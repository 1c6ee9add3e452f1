//! The JSON shapes of the workflow routes: what `/workflows/*` (and `/templates/{id}/use`,
//! which answers like a generation) accept and answer, and how a workflow id is read from a
//! path.

use chrono::{DateTime, Utc};
use cue_workflows::repo::{
    VersionsPage, WorkflowId, WorkflowRecord, WorkflowVersion, WorkflowWithCode,
};
use cue_workflows::{
    Edge, FilledCredentials, GeneratedWorkflow, IdentifiedTool, InputType, ListRequest, Node, Step,
    Trigger, WorkflowInput, WorkflowListing,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;
use uuid::Uuid;

use super::json;
use super::validation::{self, ValidationReport};
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
///
/// The schema of the body [`GenerateJson`] writes; the routes never build it (the tests do,
/// to hold the two equal).
#[derive(Serialize, ToSchema)]
pub struct GenerateResponse {
    pub workflow_id: String,
    #[serde(rename = "workflowId")]
    pub workflow_id_camel: String,
    pub name: String,
    pub summary: String,
    /// The generated module.
    pub generated_code_skeleton: String,
    /// The generated module (the frontend's name for it).
    pub code: String,
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

#[cfg(test)]
impl From<GeneratedWorkflow> for GenerateResponse {
    fn from(out: GeneratedWorkflow) -> Self {
        use cue_workflows::Generated;
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

/// The body of a generate answer ([`GenerateResponse`]'s JSON, byte for byte), written
/// straight from the generated workflow: nothing is copied into a response struct first, the
/// module (3–25 kB, in the body twice) is escaped once and copied, and the module and the SAM
/// template are escaped eight bytes at a time ([`json::write_str`]). Writing the body through
/// the struct and serde_json cost about as much as the save.
pub struct GenerateJson(Vec<u8>);

impl GenerateJson {
    pub fn new(out: &GeneratedWorkflow) -> Result<Self, ApiError> {
        let g = &out.generated;
        // The module twice and the template, each with room for an escape every four bytes
        // (generated Python has one every dozen or so), and the plan, graph and report around
        // them: a guess short of the escapes cost a reallocation (a copy of the whole body).
        let escaped = |text: &str| text.len() + text.len() / 4;
        let mut body =
            Vec::with_capacity(2 * escaped(&g.code) + escaped(&g.template_yaml) + 16 * 1024);
        write_generate(&mut body, out).map_err(ApiError::internal)?;
        Ok(Self(body))
    }

    /// The body's bytes (tests).
    #[cfg(test)]
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl actix_web::Responder for GenerateJson {
    type Body = actix_web::body::BoxBody;

    fn respond_to(self, _: &actix_web::HttpRequest) -> actix_web::HttpResponse {
        actix_web::HttpResponse::Ok()
            .content_type(actix_web::http::header::ContentType::json())
            .body(self.0)
    }
}

/// [`GenerateResponse`]'s fields, in its order, as serde_json writes them.
fn write_generate(body: &mut Vec<u8>, out: &GeneratedWorkflow) -> serde_json::Result<()> {
    let g = &out.generated;
    let id = out.id.to_string();
    body.extend_from_slice(b"{\"workflow_id\":");
    json::write_str(body, &id);
    body.extend_from_slice(b",\"workflowId\":");
    json::write_str(body, &id);
    body.extend_from_slice(b",\"name\":");
    json::write_str(body, &g.name);
    body.extend_from_slice(b",\"summary\":");
    json::write_str(body, &g.plan.summary);
    body.extend_from_slice(b",\"generated_code_skeleton\":");
    let code = body.len();
    json::write_str(body, &g.code);
    let code = code..body.len();
    body.extend_from_slice(b",\"code\":");
    body.extend_from_within(code);
    body.extend_from_slice(b",\"identified_tools\":");
    serde_json::to_writer(&mut *body, &g.tools)?;
    body.extend_from_slice(b",\"nodes\":");
    serde_json::to_writer(&mut *body, &g.graph.nodes)?;
    body.extend_from_slice(b",\"edges\":");
    serde_json::to_writer(&mut *body, &g.graph.edges)?;
    body.extend_from_slice(b",\"requirements\":");
    serde_json::to_writer(&mut *body, &g.requirements)?;
    body.extend_from_slice(b",\"template\":");
    json::write_str(body, &g.template_yaml);
    body.extend_from_slice(b",\"trigger\":");
    serde_json::to_writer(&mut *body, &g.plan.trigger)?;
    body.extend_from_slice(b",\"steps\":");
    serde_json::to_writer(&mut *body, &g.plan.steps)?;
    body.extend_from_slice(b",\"assumptions\":");
    serde_json::to_writer(&mut *body, &g.assumptions)?;
    body.extend_from_slice(b",\"validation\":");
    validation::write_report(body, &out.report);
    body.extend_from_slice(if out.saved {
        b",\"saved\":true}"
    } else {
        b",\"saved\":false}"
    });
    Ok(())
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
    use cue_workflows::repo::WorkflowId;
    use cue_workflows::{Engine, GenerateRequest, Generated, TemplateLibrary};

    use super::*;

    fn answered(generated: Generated, saved: bool) -> GeneratedWorkflow {
        let mut generated = generated;
        let report = generated.validation.take().unwrap();
        GeneratedWorkflow {
            id: WorkflowId::new(),
            generated,
            report,
            saved,
        }
    }

    /// The body as the routes wrote it before: the response struct through serde_json.
    fn through_the_struct(out: GeneratedWorkflow) -> Vec<u8> {
        serde_json::to_vec(&GenerateResponse::from(out)).unwrap()
    }

    fn assert_same_body(generated: Generated, saved: bool) {
        let out = answered(generated, saved);
        let written = GenerateJson::new(&out).unwrap();
        let written = String::from_utf8(written.as_bytes().to_vec()).unwrap();
        let expected = String::from_utf8(through_the_struct(out)).unwrap();
        assert_eq!(written, expected);
    }

    #[test]
    fn the_body_is_the_response_structs_json_for_generated_prompts() {
        let engine = Engine::new().unwrap();
        let prompts = [
            "Every weekday at 9am post a summary of open GitHub issues to the #dev Slack channel",
            "When a new row is added to my Google Sheet, email the contents to me with SES",
            "Every 5 minutes check an HTTP endpoint and text me on Twilio if it returns an error",
            "When a Stripe payment fails, add a row to Airtable and notify \"billing\" on Slack",
        ];
        let mut generated = 0;
        for prompt in prompts {
            let Ok(g) = engine.generate(&GenerateRequest::text(prompt)) else {
                continue;
            };
            generated += 1;
            assert_same_body(g.clone(), true);
            assert_same_body(g, false);
        }
        assert!(generated >= 2, "only {generated} prompts generated");
    }

    #[test]
    fn the_body_is_the_response_structs_json_for_every_template() {
        let engine = Engine::new().unwrap();
        let library = TemplateLibrary::builtin(engine.catalog()).unwrap();
        assert!(!library.is_empty());
        for template in library.all() {
            let g = engine.generate_from_plan(template.plan.clone()).unwrap();
            assert_same_body(g, true);
        }
    }

    #[test]
    fn the_body_escapes_what_json_escapes_in_every_field() {
        let engine = Engine::new().unwrap();
        let library = TemplateLibrary::builtin(engine.catalog()).unwrap();
        let template = &library.all()[0];
        let mut g = engine.generate_from_plan(template.plan.clone()).unwrap();
        let tricky = "a \"quote\" \\ back\tslash\n\r\u{1}\u{1f}\u{7f} é 🚀 </script>";
        g.name = tricky.to_owned();
        g.plan.summary = tricky.to_owned();
        g.code = format!("{tricky}\n{}", g.code);
        g.template_yaml = format!("{}{tricky}", g.template_yaml);
        g.assumptions.push(tricky.to_owned());
        g.requirements.push(tricky.to_owned());
        assert_same_body(g.clone(), true);
        g.code.clear();
        g.template_yaml.clear();
        assert_same_body(g, false);
    }

    #[test]
    fn the_body_reads_back_with_the_module_twice_and_unquoted() {
        let engine = Engine::new().unwrap();
        let library = TemplateLibrary::builtin(engine.catalog()).unwrap();
        let g = engine
            .generate_from_plan(library.all()[0].plan.clone())
            .unwrap();
        let code = g.code.clone();
        let out = answered(g, true);
        let body: Value =
            serde_json::from_slice(GenerateJson::new(&out).unwrap().as_bytes()).unwrap();
        assert_eq!(body["code"], code.as_str());
        assert_eq!(body["generated_code_skeleton"], code.as_str());
        assert_eq!(body["workflow_id"], out.id.to_string());
        assert_eq!(body["workflowId"], out.id.to_string());
        assert_eq!(body["saved"], true);
    }
}
