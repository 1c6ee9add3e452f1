//! The workflows application service: everything the API does with workflows and templates,
//! over this crate's ports, so a route handler only extracts, calls one method and maps the
//! answer to its wire type.
//!
//! - **Generate and save**: plan and generate (any [`WorkflowGenerator`]), validate when the
//!   generator did not, save to the caller's history with a status that says whether the code
//!   passed, and index it for search.
//! - **Credentials**: fill values into a saved workflow's code (never stored) and validate the
//!   result at the stage it reached.
//! - **Bundles**: a workflow version's zip, kept in the [`ArtifactStore`] as a cache.
//! - **Search and CRUD**: every operation owner-scoped; another owner's workflow is
//!   [`WorkflowError::WorkflowNotFound`], exactly like a missing one.
//!
//! The database is the source of truth: a failed index or artifact write is logged, never
//! returned (`cue-gateway reindex` repairs the index; a bundle is rebuilt on the next ask).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use cue_validate::{Options, Report, Stage};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::artifacts::{ArtifactKey, ArtifactStore};
use crate::engine::{Engine, WorkflowGenerator};
use crate::error::WorkflowError;
use crate::graph::Graph;
use crate::model::{GenerateRequest, Generated, Plan};
use crate::repo::{
    NewWorkflow, OwnerId, WorkflowId, WorkflowPatch, WorkflowRecord, WorkflowRepository,
    WorkflowStatus, WorkflowVersion,
};
use crate::search::{MAX_LIMIT, Scope, SearchDoc, SearchIndex, SearchQuery};
use crate::templates::{Template, TemplateLibrary};
use crate::validation::CodeValidator;

/// Longest workflow name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest description or prompt of a workflow someone writes, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 4000;
/// What a workflow saved without a name is called.
const UNTITLED: &str = "Untitled workflow";

/// The ports the service works over.
#[derive(Clone)]
pub struct WorkflowPorts {
    pub repo: Arc<dyn WorkflowRepository>,
    pub search: Arc<dyn SearchIndex>,
    /// Where built bundles are kept (a cache: the service rebuilds what it cannot read).
    pub artifacts: Arc<dyn ArtifactStore>,
    /// Turns prompts into workflows (the embedded engine, or a model-backed generator).
    pub generator: Arc<dyn WorkflowGenerator>,
    pub validator: Arc<dyn CodeValidator>,
}

/// Bounds the service enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkflowLimits {
    /// Largest code accepted (saved, or validated after filling credentials), in bytes.
    pub max_code_bytes: usize,
}

/// A generated workflow, validated, and saved when there was an owner.
#[derive(Debug)]
pub struct GeneratedWorkflow {
    /// Its id in the owner's history (anonymous generations get one too, unsaved).
    pub id: WorkflowId,
    /// What was generated; its `validation` has moved to `report`.
    pub generated: Generated,
    /// The validation of the generated code at the `initial_skeleton` stage.
    pub report: Report,
    pub saved: bool,
}

/// A page of the template library.
#[derive(Debug, Clone)]
pub struct TemplateSearch {
    /// Search words; empty lists the library in curated order.
    pub text: String,
    /// Only templates with this tag.
    pub tag: Option<String>,
    pub limit: usize,
    /// The `next_cursor` of the previous page of the same search.
    pub cursor: Option<String>,
}

/// One page of templates, best first.
#[derive(Debug)]
pub struct TemplatePage<'a> {
    pub items: Vec<&'a Template>,
    /// Matching templates over all pages.
    pub total: u64,
    pub limit: usize,
    pub next_cursor: Option<String>,
}

/// A template with the graph the frontend draws from its plan.
#[derive(Debug)]
pub struct TemplateView<'a> {
    pub template: &'a Template,
    pub graph: Graph,
}

/// A page of an owner's workflows: newest first, or ranked by `text` when searching.
#[derive(Debug, Clone, Default)]
pub struct ListRequest {
    /// 1 to [`MAX_LIMIT`].
    pub limit: i64,
    /// Items to skip; listing only (a search pages with `cursor`).
    pub offset: Option<i64>,
    /// Search words: with them (or a cursor) the page is a search.
    pub text: Option<String>,
    pub cursor: Option<String>,
}

/// One page of an owner's workflows.
#[derive(Debug, Clone)]
pub struct WorkflowListing {
    pub items: Vec<WorkflowRecord>,
    /// Matching workflows over all pages. A search counts index entries, so a workflow
    /// deleted while the index was down still counts until a reindex.
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
    /// Searches only: the cursor of the next page; `None` on the last.
    pub next_cursor: Option<String>,
}

/// A workflow someone wrote or edited. Absent fields get defaults on create and stay as they
/// are on update.
#[derive(Debug, Clone, Default)]
pub struct WorkflowInput {
    pub name: Option<String>,
    pub description: Option<String>,
    /// What the user asked for; kept on create, not changeable later.
    pub prompt: Option<String>,
    pub code: Option<String>,
    /// `{"nodes": [...], "edges": [...]}` as the frontend draws it.
    pub graph: Option<Value>,
    /// A [`WorkflowStatus`] name, checked with the other fields.
    pub status: Option<String>,
}

/// The answer of a credential fill. The code is never stored.
#[derive(Debug)]
pub struct FilledCredentials {
    pub id: WorkflowId,
    /// The workflow's code with the given values in place.
    pub code: String,
    /// Placeholders that still have no value.
    pub missing: Vec<String>,
    /// At `final_with_credentials` when nothing is missing, else `initial_skeleton`.
    pub report: Report,
}

/// A workflow version's deployable zip.
#[derive(Debug)]
pub struct Bundle {
    pub id: WorkflowId,
    pub version: i32,
    pub zip: Vec<u8>,
}

/// See the module docs.
pub struct WorkflowService {
    ports: WorkflowPorts,
    /// The embedded engine, for what only it does: building from a stored or template plan.
    engine: Arc<Engine>,
    templates: Arc<TemplateLibrary>,
    limits: WorkflowLimits,
}

impl WorkflowService {
    pub fn new(
        ports: WorkflowPorts,
        engine: Arc<Engine>,
        templates: Arc<TemplateLibrary>,
        limits: WorkflowLimits,
    ) -> Self {
        Self {
            ports,
            engine,
            templates,
            limits,
        }
    }

    /// The template library (for indexing it).
    pub fn templates(&self) -> &TemplateLibrary {
        &self.templates
    }

    /// The search index (for preparing it at startup).
    pub fn search_index(&self) -> &dyn SearchIndex {
        &*self.ports.search
    }

    /// Plans and generates a workflow from a prompt; saved to `owner`'s history when there is
    /// one (anonymous callers get the same answer, unsaved).
    pub async fn generate(
        &self,
        owner: Option<OwnerId>,
        request: GenerateRequest,
    ) -> Result<GeneratedWorkflow, WorkflowError> {
        let generated = self.ports.generator.generate(&request).await?;
        self.save_generated(owner, request.prompt, generated).await
    }

    /// Creates `owner`'s workflow from a template: built from the template's plan (no
    /// planning), saved exactly as [`generate`](Self::generate) saves one, with the
    /// template's description as its prompt.
    pub async fn use_template(
        &self,
        owner: OwnerId,
        template_id: &str,
    ) -> Result<GeneratedWorkflow, WorkflowError> {
        let template = self.find_template(template_id)?;
        let generated = self.engine.generate_from_plan(template.plan.clone())?;
        let saved = self
            .save_generated(Some(owner), template.description.clone(), generated)
            .await?;
        tracing::info!(template = %template.id, "workflow created from a template");
        Ok(saved)
    }

    /// The one path from a generated workflow to the caller: validated if the generator did
    /// not, saved and indexed when there is an owner.
    async fn save_generated(
        &self,
        owner: Option<OwnerId>,
        prompt: String,
        mut generated: Generated,
    ) -> Result<GeneratedWorkflow, WorkflowError> {
        // The engine validates what it generates; another generator may not.
        let report = match generated.validation.take() {
            Some(report) => report,
            None => {
                self.validate(
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
        let saved = match owner {
            None => false,
            Some(owner) => {
                let record = self
                    .ports
                    .repo
                    .create(NewWorkflow {
                        id,
                        owner,
                        name: generated.name.clone(),
                        description: generated.plan.summary.clone(),
                        prompt,
                        code: generated.code.clone(),
                        graph: to_json(&generated.graph)?,
                        plan: to_json(&generated.plan)?,
                        status: if report.is_valid {
                            WorkflowStatus::Completed
                        } else {
                            WorkflowStatus::NeedsReview
                        },
                    })
                    .await?;
                self.index(&record).await;
                true
            }
        };
        Ok(GeneratedWorkflow {
            id,
            generated,
            report,
            saved,
        })
    }

    /// Templates, most relevant first (curated order without search words).
    pub async fn search_templates(
        &self,
        search: TemplateSearch,
    ) -> Result<TemplatePage<'_>, WorkflowError> {
        let query = SearchQuery {
            scope: Scope::Templates,
            text: search.text,
            tag: search.tag,
            limit: search.limit,
            cursor: search.cursor,
        };
        let page = self.ports.search.search(&query).await?;
        Ok(TemplatePage {
            items: page
                .hits
                .iter()
                .filter_map(|hit| self.templates.get(&hit.id))
                .collect(),
            total: page.total,
            limit: query.limit,
            next_cursor: page.next_cursor,
        })
    }

    /// One template with its graph.
    pub fn template(&self, id: &str) -> Result<TemplateView<'_>, WorkflowError> {
        let template = self.find_template(id)?;
        Ok(TemplateView {
            template,
            graph: self.engine.graph(&template.plan)?,
        })
    }

    fn find_template(&self, id: &str) -> Result<&Template, WorkflowError> {
        self.templates
            .get(id)
            .ok_or(WorkflowError::TemplateNotFound)
    }

    /// One of `owner`'s workflows.
    pub async fn get(
        &self,
        owner: OwnerId,
        id: WorkflowId,
    ) -> Result<WorkflowRecord, WorkflowError> {
        self.ports
            .repo
            .get(owner, id)
            .await?
            .ok_or(WorkflowError::WorkflowNotFound)
    }

    /// A page of `owner`'s workflows: newest first with `offset`, or a search (with `text`
    /// or `cursor`) ranked by the index and read back in one query.
    pub async fn list(
        &self,
        owner: OwnerId,
        request: ListRequest,
    ) -> Result<WorkflowListing, WorkflowError> {
        let limit = request.limit;
        let Ok(page_size) = usize::try_from(limit) else {
            return Err(limit_out_of_range());
        };
        if !(1..=MAX_LIMIT).contains(&page_size) {
            return Err(limit_out_of_range());
        }
        if request.text.is_some() || request.cursor.is_some() {
            return self.search(owner, request, page_size).await;
        }
        let offset = request.offset.unwrap_or(0);
        if offset < 0 {
            return Err(WorkflowError::InvalidQuery(
                "offset must not be negative".into(),
            ));
        }
        let page = self.ports.repo.list(owner, limit, offset).await?;
        Ok(WorkflowListing {
            items: page.items,
            total: page.total,
            limit,
            offset,
            next_cursor: None,
        })
    }

    /// Ranked ids from the index, records from the database: a stale index entry (a workflow
    /// deleted while the index was down) is skipped, and nothing is shown that the owner does
    /// not own even if the index were wrong.
    async fn search(
        &self,
        owner: OwnerId,
        request: ListRequest,
        page_size: usize,
    ) -> Result<WorkflowListing, WorkflowError> {
        if request.offset.is_some() {
            return Err(WorkflowError::InvalidQuery(
                "a search pages with cursor, not offset".into(),
            ));
        }
        let query = SearchQuery {
            scope: Scope::Owner(owner),
            text: request.text.unwrap_or_default(),
            tag: None,
            limit: page_size,
            cursor: request.cursor,
        };
        let offset = query.offset()?;
        let page = self.ports.search.search(&query).await?;
        let ids: Vec<WorkflowId> = page
            .hits
            .iter()
            .filter_map(|hit| Uuid::parse_str(&hit.id).ok().map(WorkflowId))
            .collect();
        let mut found: HashMap<WorkflowId, WorkflowRecord> = self
            .ports
            .repo
            .get_many(owner, &ids)
            .await?
            .into_iter()
            .map(|record| (record.id, record))
            .collect();
        Ok(WorkflowListing {
            items: ids.iter().filter_map(|id| found.remove(id)).collect(),
            total: i64::try_from(page.total).unwrap_or(i64::MAX),
            limit: request.limit,
            offset: i64::try_from(offset).unwrap_or(i64::MAX),
            next_cursor: page.next_cursor,
        })
    }

    /// `owner`'s newest workflows, at most `limit`.
    pub async fn recent(
        &self,
        owner: OwnerId,
        limit: i64,
    ) -> Result<Vec<WorkflowRecord>, WorkflowError> {
        Ok(self.ports.repo.list(owner, limit, 0).await?.items)
    }

    /// Saves a workflow someone wrote or edited (not generated: it has no plan).
    pub async fn create(
        &self,
        owner: OwnerId,
        input: WorkflowInput,
    ) -> Result<WorkflowRecord, WorkflowError> {
        let status = self.check(&input)?;
        let record = self
            .ports
            .repo
            .create(NewWorkflow {
                id: WorkflowId::new(),
                owner,
                name: input
                    .name
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| UNTITLED.to_owned()),
                description: input.description.unwrap_or_default(),
                prompt: input.prompt.unwrap_or_default(),
                code: input.code.unwrap_or_default(),
                graph: input
                    .graph
                    .unwrap_or_else(|| json!({"nodes": [], "edges": []})),
                plan: Value::Null,
                status: status.unwrap_or(WorkflowStatus::Draft),
            })
            .await?;
        self.index(&record).await;
        Ok(record)
    }

    /// Changes a workflow; a change of code keeps the previous code as a version.
    pub async fn update(
        &self,
        owner: OwnerId,
        id: WorkflowId,
        input: WorkflowInput,
    ) -> Result<WorkflowRecord, WorkflowError> {
        let status = self.check(&input)?;
        let patch = WorkflowPatch {
            name: input.name,
            description: input.description,
            code: input.code,
            graph: input.graph,
            plan: None,
            status,
        };
        if patch.is_empty() {
            return self.get(owner, id).await;
        }
        let record = self
            .ports
            .repo
            .update(owner, id, patch)
            .await?
            .ok_or(WorkflowError::WorkflowNotFound)?;
        self.index(&record).await;
        Ok(record)
    }

    /// Deletes a workflow, its versions, its index entry and its cached bundles.
    pub async fn delete(&self, owner: OwnerId, id: WorkflowId) -> Result<(), WorkflowError> {
        let record = self.get(owner, id).await?;
        if !self.ports.repo.delete(owner, id).await? {
            return Err(WorkflowError::WorkflowNotFound);
        }
        if let Err(e) = self
            .ports
            .search
            .delete(Scope::Owner(owner), &id.to_string())
            .await
        {
            tracing::warn!(error = %e, workflow_id = %id,
                "search index still holds a deleted workflow; `cue-gateway reindex` repairs it");
        }
        // Best effort: the bundles are only a cache of what was just deleted.
        for version in 1..=u32::try_from(record.version).unwrap_or_default() {
            if let Err(e) = self
                .ports
                .artifacts
                .delete(&ArtifactKey::bundle(id.0, version))
                .await
            {
                tracing::warn!(error = %e, workflow_id = %id, "could not delete a cached bundle");
            }
        }
        Ok(())
    }

    /// Earlier versions of a workflow's code, newest first.
    pub async fn versions(
        &self,
        owner: OwnerId,
        id: WorkflowId,
    ) -> Result<Vec<WorkflowVersion>, WorkflowError> {
        self.ports
            .repo
            .versions(owner, id)
            .await?
            .ok_or(WorkflowError::WorkflowNotFound)
    }

    /// Fills credential values into a workflow's code. Keys are placeholder names or the
    /// frontend's `<nodeId>_<credentialId>`; see [`fill_credentials`](crate::fill_credentials).
    /// Validated with the requirements of the workflow's plan, at `final_with_credentials`
    /// once nothing is missing. Neither stored nor logged.
    pub async fn fill_credentials(
        &self,
        owner: OwnerId,
        id: WorkflowId,
        values: &BTreeMap<String, String>,
    ) -> Result<FilledCredentials, WorkflowError> {
        let record = self.get(owner, id).await?;
        let plan = stored_plan(&record)?;
        let code = crate::fill_credentials(&record.code, &plan, values)?;
        let missing: Vec<String> = plan
            .placeholders()
            .into_iter()
            .filter(|p| code.contains(&format!("{{{{{p}}}}}")))
            .collect();
        let stage = if missing.is_empty() {
            Stage::FinalWithCredentials
        } else {
            Stage::InitialSkeleton
        };
        let requirements = self.engine.requirements(&plan)?;
        let report = self.validate(&code, &requirements, stage).await?;
        tracing::info!(workflow_id = %id, filled = values.len(), "credentials filled");
        Ok(FilledCredentials {
            id,
            code,
            missing,
            report,
        })
    }

    /// The bundle of a workflow's current version: from the artifact store when it was built
    /// before, else built from the stored plan and code and kept. The store is a cache: when
    /// it is down, the bundle is built anyway.
    pub async fn bundle(&self, owner: OwnerId, id: WorkflowId) -> Result<Bundle, WorkflowError> {
        let record = self.get(owner, id).await?;
        let key = ArtifactKey::bundle(id.0, u32::try_from(record.version).unwrap_or_default());
        let bundle = |zip| Bundle {
            id,
            version: record.version,
            zip,
        };
        match self.ports.artifacts.get(&key).await {
            Ok(Some(zip)) => return Ok(bundle(zip)),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "artifact store unavailable; building the bundle"),
        }
        let zip = self.engine.bundle(&stored_plan(&record)?, &record.code)?;
        if let Err(e) = self
            .ports
            .artifacts
            .put(&key, zip.clone(), "application/zip")
            .await
        {
            tracing::warn!(error = %e, "could not keep the bundle in the artifact store");
        }
        Ok(bundle(zip))
    }

    /// Checks a written workflow's fields, in the order clients have always seen the errors,
    /// and parses its status.
    fn check(&self, input: &WorkflowInput) -> Result<Option<WorkflowStatus>, WorkflowError> {
        check_chars("name", input.name.as_deref(), MAX_NAME_CHARS)?;
        check_chars(
            "description",
            input.description.as_deref(),
            MAX_DESCRIPTION_CHARS,
        )?;
        check_chars("prompt", input.prompt.as_deref(), MAX_DESCRIPTION_CHARS)?;
        let limit = self.limits.max_code_bytes;
        if input.code.as_ref().is_some_and(|c| c.len() > limit) {
            return Err(WorkflowError::CodeTooLarge { limit });
        }
        input
            .status
            .as_deref()
            .map(str::parse::<WorkflowStatus>)
            .transpose()
            .map_err(|_| {
                let names = WorkflowStatus::ALL.map(WorkflowStatus::as_str);
                WorkflowError::InvalidWorkflow(format!("status must be one of {names:?}"))
            })
    }

    /// Validates code the way a user's CI would: with the bundle's own requirements.
    async fn validate(
        &self,
        code: &str,
        requirements: &[String],
        stage: Stage,
    ) -> Result<Report, WorkflowError> {
        let options = Options::default()
            .with_max_input_bytes(self.limits.max_code_bytes)
            .with_stage(stage)
            .with_requirements(requirements.join("\n"));
        Ok(self
            .ports
            .validator
            .validate(code.to_owned(), options)
            .await?)
    }

    /// Indexes a created or changed workflow; a failure is logged, not returned.
    async fn index(&self, record: &WorkflowRecord) {
        if let Err(e) = self
            .ports
            .search
            .upsert(SearchDoc::from_workflow(record))
            .await
        {
            tracing::warn!(error = %e, workflow_id = %record.id,
                "search index not updated; `cue-gateway reindex` repairs it");
        }
    }
}

fn limit_out_of_range() -> WorkflowError {
    WorkflowError::InvalidQuery(format!("limit must be between 1 and {MAX_LIMIT}"))
}

fn check_chars(field: &str, value: Option<&str>, max: usize) -> Result<(), WorkflowError> {
    match value {
        Some(v) if v.chars().count() > max => Err(WorkflowError::InvalidWorkflow(format!(
            "{field} must be at most {max} characters"
        ))),
        _ => Ok(()),
    }
}

/// The plan a workflow was generated from; a workflow written by hand has none.
fn stored_plan(record: &WorkflowRecord) -> Result<Plan, WorkflowError> {
    serde_json::from_value(record.plan.clone()).map_err(|_| WorkflowError::NoPlan)
}

fn to_json(value: &impl serde::Serialize) -> Result<Value, WorkflowError> {
    serde_json::to_value(value).map_err(|e| WorkflowError::Internal(format!("serializing: {e}")))
}

#[cfg(test)]
mod tests;
