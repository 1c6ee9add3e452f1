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
//! One module per concern (`generate`, `saved`, `package`), each adding methods to the one
//! [`WorkflowService`]; the ports, limits and the helpers they share are here.
//!
//! The database is the source of truth: a failed index or artifact write is logged, never
//! returned (`cue-gateway reindex` repairs the index; a bundle is rebuilt on the next ask).

pub(crate) mod generate;
pub(crate) mod graph_check;
pub(crate) mod package;
pub(crate) mod saved;

use std::sync::Arc;

use cue_validate::{Options, Report, Stage};
use serde_json::Value;

use crate::artifacts::ArtifactStore;
use crate::engine::{Engine, WorkflowGenerator};
use crate::error::WorkflowError;
use crate::model::Plan;
use crate::repo::{WorkflowRecord, WorkflowRepository};
use crate::search::{SearchDoc, SearchIndex};
use crate::templates::TemplateLibrary;
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
        if !self.ports.search.keeps_workflows() {
            return;
        }
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

/// The plan a workflow was generated from; a workflow written by hand has none.
fn stored_plan(record: &WorkflowRecord) -> Result<Plan, WorkflowError> {
    serde_json::from_value(record.plan.clone()).map_err(|_| WorkflowError::NoPlan)
}

fn to_json(value: &impl serde::Serialize) -> Result<Value, WorkflowError> {
    serde_json::to_value(value).map_err(|e| WorkflowError::Internal(format!("serializing: {e}")))
}

#[cfg(test)]
mod tests;
