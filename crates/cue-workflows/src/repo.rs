//! The storage port this crate needs: saved workflows of a user, with their history.
//!
//! `cue-store` implements [`WorkflowRepository`] over PostgreSQL and SQLite; the `test-util`
//! feature provides an in-memory implementation for tests that need no database.

use std::fmt;
use std::str::FromStr;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Identifies a saved workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WorkflowId(pub Uuid);

impl WorkflowId {
    /// A new, time-ordered id.
    pub fn new() -> Self {
        Self(Uuid::now_v7())
    }
}

impl Default for WorkflowId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for WorkflowId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The user a workflow belongs to. The gateway converts its authenticated user id into this,
/// so this crate does not depend on `cue-auth`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OwnerId(pub Uuid);

impl fmt::Display for OwnerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Where a workflow stands. Stored and sent as its snake_case name (`needs_review`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkflowStatus {
    /// Written or saved by hand, not generated.
    Draft,
    /// Generated, and its code passed validation.
    Completed,
    /// Generated, but its code failed validation: someone should look at it.
    NeedsReview,
    Deployed,
    Archived,
}

impl WorkflowStatus {
    /// Every status, in the order error messages list them.
    pub const ALL: [WorkflowStatus; 5] = [
        WorkflowStatus::Draft,
        WorkflowStatus::Completed,
        WorkflowStatus::NeedsReview,
        WorkflowStatus::Deployed,
        WorkflowStatus::Archived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WorkflowStatus::Draft => "draft",
            WorkflowStatus::Completed => "completed",
            WorkflowStatus::NeedsReview => "needs_review",
            WorkflowStatus::Deployed => "deployed",
            WorkflowStatus::Archived => "archived",
        }
    }
}

impl fmt::Display for WorkflowStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not a [`WorkflowStatus`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown workflow status {0:?}")]
pub struct UnknownStatus(pub String);

impl FromStr for WorkflowStatus {
    type Err = UnknownStatus;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| UnknownStatus(s.to_owned()))
    }
}

/// A workflow as stored. `graph` and `plan` are opaque JSON to the store.
///
/// Credential values are never part of a record: the stored code keeps its placeholders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkflowRecord {
    pub id: WorkflowId,
    pub owner: OwnerId,
    pub name: String,
    pub description: String,
    /// What the user typed or said, as received.
    pub prompt: String,
    pub code: String,
    /// `{"nodes": [...], "edges": [...]}` as the frontend draws it.
    pub graph: serde_json::Value,
    /// The typed plan the code was generated from (trigger, steps, tools, ...).
    pub plan: serde_json::Value,
    pub status: WorkflowStatus,
    /// Starts at 1; bumped on every change of `code`.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A workflow without its code, graph and plan: what a listing or a page of search results
/// shows, read without loading the large columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkflowSummary {
    pub id: WorkflowId,
    pub owner: OwnerId,
    pub name: String,
    pub description: String,
    pub status: WorkflowStatus,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&WorkflowRecord> for WorkflowSummary {
    fn from(r: &WorkflowRecord) -> Self {
        Self {
            id: r.id,
            owner: r.owner,
            name: r.name.clone(),
            description: r.description.clone(),
            status: r.status,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A summary with the workflow's current code: the frontend's history page shows both.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowWithCode {
    pub summary: WorkflowSummary,
    pub code: String,
}

/// A summary with the workflow's plan: what searching a workflow needs (its tools and
/// trigger are in the plan), without its code and graph.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowWithPlan {
    pub summary: WorkflowSummary,
    pub plan: serde_json::Value,
}

/// What a caller supplies to create a workflow; the store assigns times and version 1.
#[derive(Debug, Clone, PartialEq)]
pub struct NewWorkflow {
    pub id: WorkflowId,
    pub owner: OwnerId,
    pub name: String,
    pub description: String,
    pub prompt: String,
    pub code: String,
    pub graph: serde_json::Value,
    pub plan: serde_json::Value,
    pub status: WorkflowStatus,
}

/// A partial update; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkflowPatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub code: Option<String>,
    pub graph: Option<serde_json::Value>,
    pub plan: Option<serde_json::Value>,
    pub status: Option<WorkflowStatus>,
}

impl WorkflowPatch {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// An earlier version of a workflow's code, kept when the code changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkflowVersion {
    pub version: i32,
    pub code: String,
    pub created_at: DateTime<Utc>,
}

/// A page of a workflow's versions, newest first: at most `limit`, older than `before` when
/// given (keyset paging: the next page's `before` is the last version of this one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionsPage {
    pub limit: i64,
    pub before: Option<i32>,
}

impl VersionsPage {
    /// Largest page (and the default quota of kept versions).
    pub const MAX_LIMIT: i64 = 50;
}

impl Default for VersionsPage {
    /// The newest [`VersionsPage::MAX_LIMIT`].
    fn default() -> Self {
        Self {
            limit: Self::MAX_LIMIT,
            before: None,
        }
    }
}

/// One page of a listing, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowPage {
    pub items: Vec<WorkflowSummary>,
    pub total: i64,
}

/// How much one owner may keep, enforced by the repository inside the write that would
/// exceed it (so concurrent writes of one owner cannot both slip under a limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StorageQuota {
    /// Most workflows per owner; creating one more is refused.
    pub max_workflows: u32,
    /// Most earlier versions kept per workflow; a code change beyond it drops the oldest in
    /// the same transaction.
    pub max_versions: u32,
    /// Most bytes per owner, over every workflow's texts (name, description, prompt, code,
    /// graph, plan) and its kept versions' code. A write that would grow past it is refused;
    /// one that shrinks is always accepted.
    pub max_stored_bytes: u64,
}

impl StorageQuota {
    pub const DEFAULT_MAX_WORKFLOWS: u32 = 1000;
    pub const DEFAULT_MAX_VERSIONS: u32 = 50;
    pub const DEFAULT_MAX_STORED_BYTES: u64 = 50 * 1024 * 1024;
}

impl Default for StorageQuota {
    fn default() -> Self {
        Self {
            max_workflows: Self::DEFAULT_MAX_WORKFLOWS,
            max_versions: Self::DEFAULT_MAX_VERSIONS,
            max_stored_bytes: Self::DEFAULT_MAX_STORED_BYTES,
        }
    }
}

/// Which limit of a [`StorageQuota`] a write would have exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QuotaExceeded {
    #[error(
        "you have reached the limit of {max} saved workflows (MAX_WORKFLOWS_PER_USER); delete some to save more"
    )]
    Workflows { max: u32 },
    #[error(
        "this change would store more than {max} bytes of workflows for you (MAX_STORED_BYTES_PER_USER); delete workflows or make them smaller"
    )]
    StoredBytes { max: u64 },
}

/// What a workflow occupies, as [`StorageQuota::max_stored_bytes`] counts it (its versions
/// apart).
pub fn stored_bytes(texts: &[&str]) -> u64 {
    texts
        .iter()
        .map(|t| u64::try_from(t.len()).unwrap_or(u64::MAX))
        .fold(0, u64::saturating_add)
}

/// Failures of the storage behind [`WorkflowRepository`].
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// The write would exceed the owner's [`StorageQuota`].
    #[error(transparent)]
    QuotaExceeded(#[from] QuotaExceeded),
    /// The database could not be reached or did not answer in time.
    #[error("workflow storage is unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// Anything else the store did not expect.
    #[error("workflow storage failed")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Saved workflows. Every method is scoped to an owner: a workflow of another user is
/// indistinguishable from one that does not exist.
#[async_trait]
pub trait WorkflowRepository: Send + Sync {
    /// Refused with [`RepoError::QuotaExceeded`] past the owner's workflow or byte limit.
    async fn create(&self, new: NewWorkflow) -> Result<WorkflowRecord, RepoError>;
    async fn get(
        &self,
        owner: OwnerId,
        id: WorkflowId,
    ) -> Result<Option<WorkflowRecord>, RepoError>;
    /// The workflows of `owner` among `ids`, in any order, in one round trip; ids that are
    /// unknown or another owner's are left out. Turns a page of search hits into summaries.
    async fn get_many(
        &self,
        owner: OwnerId,
        ids: &[WorkflowId],
    ) -> Result<Vec<WorkflowSummary>, RepoError>;
    /// Newest first, summaries only.
    async fn list(
        &self,
        owner: OwnerId,
        limit: i64,
        offset: i64,
    ) -> Result<WorkflowPage, RepoError>;
    /// The newest `limit`, each with its code (not its graph or plan).
    async fn recent_with_code(
        &self,
        owner: OwnerId,
        limit: i64,
    ) -> Result<Vec<WorkflowWithCode>, RepoError>;
    /// The newest `limit`, each with its plan (not its code or graph): what a search of the
    /// owner's workflows scores.
    async fn recent_with_plan(
        &self,
        owner: OwnerId,
        limit: i64,
    ) -> Result<Vec<WorkflowWithPlan>, RepoError>;
    /// Applies the patch; when `code` changes, the previous code is kept as a version,
    /// `version` is bumped and versions beyond the quota's are dropped, oldest first. `None`
    /// when there is no such workflow of this owner.
    async fn update(
        &self,
        owner: OwnerId,
        id: WorkflowId,
        patch: WorkflowPatch,
    ) -> Result<Option<WorkflowRecord>, RepoError>;
    /// `false` when there was no such workflow of this owner.
    async fn delete(&self, owner: OwnerId, id: WorkflowId) -> Result<bool, RepoError>;
    /// Every owner's workflows in id order, at most `limit` of them after `after`
    /// (exclusive): keyset pages for rebuilding a search index. Not owner-scoped, so it
    /// serves maintenance (startup, `cue-gateway reindex`), never a user's request.
    async fn scan(
        &self,
        after: Option<WorkflowId>,
        limit: i64,
    ) -> Result<Vec<WorkflowRecord>, RepoError>;
    /// A page of earlier versions, newest first. `None` when there is no such workflow of
    /// this owner.
    async fn versions(
        &self,
        owner: OwnerId,
        id: WorkflowId,
        page: VersionsPage,
    ) -> Result<Option<Vec<WorkflowVersion>>, RepoError>;
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_their_names_and_serde() {
        for status in WorkflowStatus::ALL {
            assert_eq!(status.as_str().parse::<WorkflowStatus>(), Ok(status));
            assert_eq!(
                serde_json::to_value(status).unwrap(),
                serde_json::json!(status.as_str())
            );
        }
        assert_eq!(
            "Deployed".parse::<WorkflowStatus>(),
            Err(UnknownStatus("Deployed".into()))
        );
    }
}
