//! The embedded default for a running service: the template library in process, and a user's
//! own workflows scored at query time, straight from the database.
//!
//! Keeping every stored workflow in an in-process index made the service's memory grow with
//! its database (about 4 kB per workflow in the soak), and each instance behind a load
//! balancer saw only the writes it served itself. Reading one owner's workflows per query
//! costs one query of at most [`OnDemandIndex::DEFAULT_MAX_PER_OWNER`] rows and a BM25 pass
//! over them, keeps memory flat, is never stale, and needs no reindex.

use std::sync::Arc;

use async_trait::async_trait;

use super::{EmbeddedIndex, Scope, SearchDoc, SearchError, SearchIndex, SearchPage, SearchQuery};
use crate::repo::{RepoError, WorkflowRepository};

/// See the module docs.
pub struct OnDemandIndex {
    templates: EmbeddedIndex,
    workflows: Arc<dyn WorkflowRepository>,
    max_per_owner: i64,
}

impl OnDemandIndex {
    /// Workflows of one owner searched per query: the newest this many.
    pub const DEFAULT_MAX_PER_OWNER: i64 = 1000;

    pub fn new(workflows: Arc<dyn WorkflowRepository>) -> Self {
        Self::with_max_per_owner(workflows, Self::DEFAULT_MAX_PER_OWNER)
    }

    pub fn with_max_per_owner(workflows: Arc<dyn WorkflowRepository>, max: i64) -> Self {
        Self {
            templates: EmbeddedIndex::new(),
            workflows,
            max_per_owner: max.max(1),
        }
    }
}

fn unavailable(e: RepoError) -> SearchError {
    match e {
        RepoError::Unavailable(source) => SearchError::Unavailable(source),
        RepoError::Internal(source) => SearchError::Internal(source),
        // Never from a read; kept as the internal failure it would be.
        RepoError::QuotaExceeded(e) => SearchError::Internal(Box::new(e)),
    }
}

#[async_trait]
impl SearchIndex for OnDemandIndex {
    async fn ensure_ready(&self) -> Result<(), SearchError> {
        self.templates.ensure_ready().await
    }

    /// Templates are kept; a workflow needs no indexing (it is read when searched).
    async fn upsert(&self, doc: SearchDoc) -> Result<(), SearchError> {
        match doc.scope {
            Scope::Templates => self.templates.upsert(doc).await,
            Scope::Owner(_) => Ok(()),
        }
    }

    async fn delete(&self, scope: Scope, id: &str) -> Result<(), SearchError> {
        match scope {
            Scope::Templates => self.templates.delete(scope, id).await,
            Scope::Owner(_) => Ok(()),
        }
    }

    fn keeps_workflows(&self) -> bool {
        false
    }

    async fn search(&self, query: &SearchQuery) -> Result<SearchPage, SearchError> {
        match query.scope {
            Scope::Templates => self.templates.search(query).await,
            Scope::Owner(owner) => {
                // Summaries and plans only: never the owner's code and graphs.
                let found = self
                    .workflows
                    .recent_with_plan(owner, self.max_per_owner)
                    .await
                    .map_err(unavailable)?;
                let docs = found
                    .iter()
                    .map(|w| SearchDoc::from_summary(&w.summary, &w.plan))
                    .collect();
                EmbeddedIndex::with_docs(docs).search(query).await
            }
        }
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::InMemoryWorkflows;
    use crate::repo::{NewWorkflow, OwnerId, WorkflowId, WorkflowPatch, WorkflowStatus};

    fn query(scope: Scope, text: &str) -> SearchQuery {
        SearchQuery {
            scope,
            text: text.to_owned(),
            tag: None,
            limit: 10,
            cursor: None,
        }
    }

    async fn create(repo: &InMemoryWorkflows, owner: OwnerId, name: &str) -> WorkflowId {
        let id = WorkflowId::new();
        repo.create(NewWorkflow {
            id,
            owner,
            name: name.to_owned(),
            description: format!("{name}, every weekday"),
            prompt: name.to_owned(),
            code: "def lambda_handler(event, context):\n    return None\n".to_owned(),
            graph: serde_json::json!({"nodes": [], "edges": []}),
            plan: serde_json::json!({}),
            status: WorkflowStatus::Completed,
        })
        .await
        .unwrap();
        id
    }

    #[tokio::test]
    async fn searches_what_the_database_holds_now_for_that_owner_only() {
        let repo = Arc::new(InMemoryWorkflows::new());
        let index = OnDemandIndex::new(repo.clone());
        let (ada, bob) = (OwnerId(uuid::Uuid::new_v4()), OwnerId(uuid::Uuid::new_v4()));
        let payouts = create(&repo, ada, "Stripe payouts to Slack").await;
        create(&repo, ada, "GitHub issues digest").await;
        create(&repo, bob, "Stripe refunds to Slack").await;

        let hits = index
            .search(&query(Scope::Owner(ada), "stripe"))
            .await
            .unwrap();
        assert_eq!(hits.total, 1);
        assert_eq!(hits.hits[0].id, payouts.to_string());

        // Writes need no indexing: a rename is found at once, a deletion is gone at once.
        repo.update(
            ada,
            payouts,
            WorkflowPatch {
                name: Some("Shopify orders to Airtable".to_owned()),
                description: Some("orders".to_owned()),
                ..WorkflowPatch::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            index
                .search(&query(Scope::Owner(ada), "stripe"))
                .await
                .unwrap()
                .total,
            0
        );
        assert_eq!(
            index
                .search(&query(Scope::Owner(ada), "shopify"))
                .await
                .unwrap()
                .total,
            1
        );
        repo.delete(ada, payouts).await.unwrap();
        assert_eq!(
            index
                .search(&query(Scope::Owner(ada), "shopify"))
                .await
                .unwrap()
                .total,
            0
        );
        // Upserting or deleting a workflow document is accepted and changes nothing.
        index
            .delete(Scope::Owner(bob), &WorkflowId::new().to_string())
            .await
            .unwrap();
        assert_eq!(
            index
                .search(&query(Scope::Owner(bob), "stripe"))
                .await
                .unwrap()
                .total,
            1
        );
    }

    #[tokio::test]
    async fn searches_only_the_newest_workflows_of_a_prolific_owner() {
        let repo = Arc::new(InMemoryWorkflows::new());
        let index = OnDemandIndex::with_max_per_owner(repo.clone(), 3);
        let ada = OwnerId(uuid::Uuid::new_v4());
        for i in 0..5 {
            create(&repo, ada, &format!("Slack report {i}")).await;
        }
        let hits = index
            .search(&query(Scope::Owner(ada), "slack"))
            .await
            .unwrap();
        assert_eq!(hits.total, 3);
    }
}
