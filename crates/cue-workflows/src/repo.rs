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

/// One page of a listing, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowPage {
    pub items: Vec<WorkflowRecord>,
    pub total: i64,
}

/// Failures of the storage behind [`WorkflowRepository`].
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
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
    async fn create(&self, new: NewWorkflow) -> Result<WorkflowRecord, RepoError>;
    async fn get(
        &self,
        owner: OwnerId,
        id: WorkflowId,
    ) -> Result<Option<WorkflowRecord>, RepoError>;
    /// The workflows of `owner` among `ids`, in any order, in one round trip; ids that are
    /// unknown or another owner's are left out. Turns a page of search hits into records.
    async fn get_many(
        &self,
        owner: OwnerId,
        ids: &[WorkflowId],
    ) -> Result<Vec<WorkflowRecord>, RepoError>;
    /// Newest first.
    async fn list(
        &self,
        owner: OwnerId,
        limit: i64,
        offset: i64,
    ) -> Result<WorkflowPage, RepoError>;
    /// Applies the patch; when `code` changes, the previous code is kept as a version and
    /// `version` is bumped. `None` when there is no such workflow of this owner.
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
    /// Earlier versions, newest first. `None` when there is no such workflow of this owner.
    async fn versions(
        &self,
        owner: OwnerId,
        id: WorkflowId,
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
