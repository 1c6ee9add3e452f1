//! Generating and saving: from a prompt (any generator) or a template's plan to a validated
//! workflow in the owner's history; browsing the template library.

use cue_validate::{Report, Stage};

use super::{WorkflowService, to_json};
use crate::error::WorkflowError;
use crate::graph::Graph;
use crate::model::{GenerateRequest, Generated};
use crate::repo::{NewWorkflow, OwnerId, WorkflowId, WorkflowStatus};
use crate::search::{Scope, SearchQuery};
use crate::templates::Template;

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

impl WorkflowService {
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
}
