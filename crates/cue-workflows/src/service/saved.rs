//! A user's saved workflows: read, list and search, write, version history, delete.

use std::collections::HashMap;

use cue_validate::{Rule, Stage};
use serde_json::{Value, json};
use uuid::Uuid;

use super::graph_check::check_graph;
use super::{MAX_DESCRIPTION_CHARS, MAX_NAME_CHARS, UNTITLED, WorkflowService};
use crate::artifacts::ArtifactKey;
use crate::error::WorkflowError;
use crate::repo::{
    NewWorkflow, OwnerId, VersionsPage, WorkflowId, WorkflowPatch, WorkflowRecord, WorkflowStatus,
    WorkflowSummary, WorkflowVersion, WorkflowWithCode,
};
use crate::search::{MAX_LIMIT, Scope, SearchQuery};

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
    pub items: Vec<WorkflowSummary>,
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

impl WorkflowService {
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
        let mut found: HashMap<WorkflowId, WorkflowSummary> = self
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

    /// `owner`'s newest workflows with their code, at most `limit`.
    pub async fn recent(
        &self,
        owner: OwnerId,
        limit: i64,
    ) -> Result<Vec<WorkflowWithCode>, WorkflowError> {
        Ok(self.ports.repo.recent_with_code(owner, limit).await?)
    }

    /// Saves a workflow someone wrote or edited (not generated: it has no plan).
    pub async fn create(
        &self,
        owner: OwnerId,
        input: WorkflowInput,
    ) -> Result<WorkflowRecord, WorkflowError> {
        let status = self.check(&input)?;
        self.refuse_literal_credentials(input.code.as_deref())
            .await?;
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
        self.refuse_literal_credentials(input.code.as_deref())
            .await?;
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

    /// A page of a workflow's earlier code, newest first (`limit` 1 to
    /// [`VersionsPage::MAX_LIMIT`]).
    pub async fn versions(
        &self,
        owner: OwnerId,
        id: WorkflowId,
        page: VersionsPage,
    ) -> Result<Vec<WorkflowVersion>, WorkflowError> {
        if !(1..=VersionsPage::MAX_LIMIT).contains(&page.limit) {
            return Err(WorkflowError::InvalidQuery(format!(
                "limit must be between 1 and {}",
                VersionsPage::MAX_LIMIT
            )));
        }
        self.ports
            .repo
            .versions(owner, id, page)
            .await?
            .ok_or(WorkflowError::WorkflowNotFound)
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
        if let Some(graph) = &input.graph {
            check_graph(graph)?;
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
}

impl WorkflowService {
    /// Refuses code to be stored that holds a literal credential (the validator's secrets
    /// rule): credentials are filled per request and never stored, and a stored copy would be
    /// versioned and cached in bundles too. Placeholders are what saved code keeps.
    async fn refuse_literal_credentials(&self, code: Option<&str>) -> Result<(), WorkflowError> {
        let Some(code) = code.filter(|c| !c.trim().is_empty()) else {
            return Ok(());
        };
        let report = self.validate(code, &[], Stage::InitialSkeleton).await?;
        match report
            .findings
            .iter()
            .find(|f| f.rule == Rule::HardcodedSecret)
        {
            Some(finding) => Err(WorkflowError::SecretInCode { line: finding.line }),
            None => Ok(()),
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
