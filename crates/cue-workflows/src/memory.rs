//! In-memory [`WorkflowRepository`] for tests (this crate's, and others' with feature `test-util`).

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use chrono::Utc;

use crate::repo::{
    NewWorkflow, OwnerId, QuotaExceeded, RepoError, StorageQuota, VersionsPage, WorkflowId,
    WorkflowPage, WorkflowPatch, WorkflowRecord, WorkflowRepository, WorkflowSummary,
    WorkflowVersion, WorkflowWithCode, WorkflowWithPlan, stored_bytes,
};

/// What a record and its versions occupy, as the quota counts it.
fn occupied(rec: &WorkflowRecord, versions: &[WorkflowVersion]) -> u64 {
    let graph = rec.graph.to_string();
    let plan = rec.plan.to_string();
    let texts = [
        rec.name.as_str(),
        &rec.description,
        &rec.prompt,
        &rec.code,
        &graph,
        &plan,
    ];
    versions
        .iter()
        .map(|v| stored_bytes(&[&v.code]))
        .fold(stored_bytes(&texts), u64::saturating_add)
}

/// `owner`'s workflow count and bytes, leaving out `except`.
fn usage(map: &Store, owner: OwnerId, except: Option<WorkflowId>) -> (usize, u64) {
    map.values()
        .filter(|(r, _)| r.owner == owner && Some(r.id) != except)
        .fold((0, 0), |(n, bytes), (r, v)| {
            (n + 1, bytes.saturating_add(occupied(r, v)))
        })
}

/// Records with their earlier versions, by id.
type Store = HashMap<WorkflowId, (WorkflowRecord, Vec<WorkflowVersion>)>;

/// Workflows in a `Mutex<HashMap>`, owner-scoped and within a [`StorageQuota`] like the real
/// store.
#[derive(Debug, Default)]
pub struct InMemoryWorkflows {
    inner: Mutex<Store>,
    quota: StorageQuota,
}

impl InMemoryWorkflows {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_quota(quota: StorageQuota) -> Self {
        Self {
            inner: Mutex::default(),
            quota,
        }
    }

    /// `owner`'s records, newest first (ties broken by id).
    fn newest(&self, owner: OwnerId) -> Result<Vec<WorkflowRecord>, RepoError> {
        let mut items: Vec<WorkflowRecord> = self
            .lock()?
            .values()
            .filter(|(r, _)| r.owner == owner)
            .map(|(r, _)| r.clone())
            .collect();
        items.sort_by(|a, b| {
            b.created_at
                .cmp(&a.created_at)
                .then_with(|| b.id.0.cmp(&a.id.0))
        });
        Ok(items)
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Store>, RepoError> {
        self.inner
            .lock()
            .map_err(|_| RepoError::Internal("in-memory workflow store lock poisoned".into()))
    }
}

#[async_trait]
impl WorkflowRepository for InMemoryWorkflows {
    async fn create(&self, new: NewWorkflow) -> Result<WorkflowRecord, RepoError> {
        let now = Utc::now();
        let rec = WorkflowRecord {
            id: new.id,
            owner: new.owner,
            name: new.name,
            description: new.description,
            prompt: new.prompt,
            code: new.code,
            graph: new.graph,
            plan: new.plan,
            status: new.status,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let mut map = self.lock()?;
        let (count, used) = usage(&map, rec.owner, None);
        if count >= usize::try_from(self.quota.max_workflows).unwrap_or(usize::MAX) {
            return Err(QuotaExceeded::Workflows {
                max: self.quota.max_workflows,
            }
            .into());
        }
        if used.saturating_add(occupied(&rec, &[])) > self.quota.max_stored_bytes {
            return Err(QuotaExceeded::StoredBytes {
                max: self.quota.max_stored_bytes,
            }
            .into());
        }
        map.insert(rec.id, (rec.clone(), Vec::new()));
        Ok(rec)
    }

    async fn get(
        &self,
        owner: OwnerId,
        id: WorkflowId,
    ) -> Result<Option<WorkflowRecord>, RepoError> {
        Ok(self
            .lock()?
            .get(&id)
            .filter(|(r, _)| r.owner == owner)
            .map(|(r, _)| r.clone()))
    }

    async fn get_many(
        &self,
        owner: OwnerId,
        ids: &[WorkflowId],
    ) -> Result<Vec<WorkflowSummary>, RepoError> {
        let map = self.lock()?;
        Ok(ids
            .iter()
            .filter_map(|id| map.get(id))
            .filter(|(r, _)| r.owner == owner)
            .map(|(r, _)| WorkflowSummary::from(r))
            .collect())
    }

    async fn list(
        &self,
        owner: OwnerId,
        limit: i64,
        offset: i64,
    ) -> Result<WorkflowPage, RepoError> {
        let items = self.newest(owner)?;
        let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
        let skip = usize::try_from(offset.max(0)).unwrap_or(usize::MAX);
        let take = usize::try_from(limit.max(0)).unwrap_or(usize::MAX);
        Ok(WorkflowPage {
            items: items
                .iter()
                .skip(skip)
                .take(take)
                .map(WorkflowSummary::from)
                .collect(),
            total,
        })
    }

    async fn recent_with_code(
        &self,
        owner: OwnerId,
        limit: i64,
    ) -> Result<Vec<WorkflowWithCode>, RepoError> {
        let take = usize::try_from(limit.max(0)).unwrap_or(usize::MAX);
        Ok(self
            .newest(owner)?
            .into_iter()
            .take(take)
            .map(|r| WorkflowWithCode {
                summary: WorkflowSummary::from(&r),
                code: r.code,
            })
            .collect())
    }

    async fn recent_with_plan(
        &self,
        owner: OwnerId,
        limit: i64,
    ) -> Result<Vec<WorkflowWithPlan>, RepoError> {
        let take = usize::try_from(limit.max(0)).unwrap_or(usize::MAX);
        Ok(self
            .newest(owner)?
            .into_iter()
            .take(take)
            .map(|r| WorkflowWithPlan {
                summary: WorkflowSummary::from(&r),
                plan: r.plan,
            })
            .collect())
    }

    async fn update(
        &self,
        owner: OwnerId,
        id: WorkflowId,
        patch: WorkflowPatch,
    ) -> Result<Option<WorkflowRecord>, RepoError> {
        let mut map = self.lock()?;
        let (_, others) = usage(&map, owner, Some(id));
        let Some((stored, kept)) = map.get(&id).filter(|(r, _)| r.owner == owner) else {
            return Ok(None);
        };
        let before = occupied(stored, kept);
        // Worked on copies, so a refused change leaves nothing behind.
        let (mut rec, mut versions) = (stored.clone(), kept.clone());
        let now = Utc::now();
        if let Some(code) = patch.code
            && code != rec.code
        {
            versions.push(WorkflowVersion {
                version: rec.version,
                code: std::mem::take(&mut rec.code),
                created_at: rec.updated_at,
            });
            rec.code = code;
            rec.version += 1;
            let max = usize::try_from(self.quota.max_versions).unwrap_or(usize::MAX);
            let excess = versions.len().saturating_sub(max);
            versions.drain(..excess);
        }
        if let Some(v) = patch.name {
            rec.name = v;
        }
        if let Some(v) = patch.description {
            rec.description = v;
        }
        if let Some(v) = patch.graph {
            rec.graph = v;
        }
        if let Some(v) = patch.plan {
            rec.plan = v;
        }
        if let Some(v) = patch.status {
            rec.status = v;
        }
        rec.updated_at = now;
        let after = occupied(&rec, &versions);
        if after > before && others.saturating_add(after) > self.quota.max_stored_bytes {
            return Err(QuotaExceeded::StoredBytes {
                max: self.quota.max_stored_bytes,
            }
            .into());
        }
        map.insert(id, (rec.clone(), versions));
        Ok(Some(rec))
    }

    async fn delete(&self, owner: OwnerId, id: WorkflowId) -> Result<bool, RepoError> {
        let mut map = self.lock()?;
        if map.get(&id).is_some_and(|(r, _)| r.owner == owner) {
            map.remove(&id);
            return Ok(true);
        }
        Ok(false)
    }

    async fn scan(
        &self,
        after: Option<WorkflowId>,
        limit: i64,
    ) -> Result<Vec<WorkflowRecord>, RepoError> {
        let map = self.lock()?;
        let mut items: Vec<WorkflowRecord> = map
            .values()
            .filter(|(r, _)| after.is_none_or(|a| r.id.0 > a.0))
            .map(|(r, _)| r.clone())
            .collect();
        items.sort_by_key(|r| r.id.0);
        items.truncate(usize::try_from(limit.max(0)).unwrap_or(usize::MAX));
        Ok(items)
    }

    async fn versions(
        &self,
        owner: OwnerId,
        id: WorkflowId,
        page: VersionsPage,
    ) -> Result<Option<Vec<WorkflowVersion>>, RepoError> {
        let take = usize::try_from(page.limit.max(0)).unwrap_or(usize::MAX);
        Ok(self
            .lock()?
            .get(&id)
            .filter(|(r, _)| r.owner == owner)
            .map(|(_, v)| {
                v.iter()
                    .rev()
                    .filter(|v| page.before.is_none_or(|before| v.version < before))
                    .take(take)
                    .cloned()
                    .collect()
            }))
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::repo::WorkflowStatus;
    use uuid::Uuid;

    fn new(owner: OwnerId) -> NewWorkflow {
        NewWorkflow {
            id: WorkflowId::new(),
            owner,
            name: "n".into(),
            description: "d".into(),
            prompt: "p".into(),
            code: "v1".into(),
            graph: serde_json::json!({"nodes": [], "edges": []}),
            plan: serde_json::json!({}),
            status: WorkflowStatus::Draft,
        }
    }

    #[tokio::test]
    async fn scan_pages_through_every_owner_in_id_order() {
        let repo = InMemoryWorkflows::new();
        let mut ids = Vec::new();
        for _ in 0..5 {
            ids.push(repo.create(new(OwnerId(Uuid::now_v7()))).await.unwrap().id);
        }
        ids.sort_by_key(|i| i.0);
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let page = repo.scan(after, 2).await.unwrap();
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            seen.extend(page.iter().map(|r| r.id));
        }
        assert_eq!(seen, ids);
        assert!(repo.scan(None, 0).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn update_keeps_old_code_as_a_version_and_is_owner_scoped() {
        let repo = InMemoryWorkflows::new();
        let me = OwnerId(Uuid::now_v7());
        let other = OwnerId(Uuid::now_v7());
        let rec = repo.create(new(me)).await.unwrap();
        assert!(repo.get(other, rec.id).await.unwrap().is_none());
        let patch = WorkflowPatch {
            code: Some("v2".into()),
            ..Default::default()
        };
        assert!(
            repo.update(other, rec.id, patch.clone())
                .await
                .unwrap()
                .is_none()
        );
        let up = repo.update(me, rec.id, patch).await.unwrap().unwrap();
        assert_eq!((up.version, up.code.as_str()), (2, "v2"));
        let same = repo
            .update(
                me,
                rec.id,
                WorkflowPatch {
                    code: Some("v2".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .unwrap();
        assert_eq!(same.version, 2, "unchanged code does not bump the version");
        let versions = repo
            .versions(me, rec.id, VersionsPage::default())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(versions.len(), 1);
        assert_eq!(versions[0].code, "v1");
        assert_eq!(repo.list(me, 10, 0).await.unwrap().total, 1);
        assert_eq!(repo.list(other, 10, 0).await.unwrap().total, 0);
        let all = repo.scan(None, 10).await.unwrap();
        assert_eq!(all.len(), 1, "scan sees every owner");
        assert!(repo.scan(Some(rec.id), 10).await.unwrap().is_empty());
        let stranger = repo.create(new(other)).await.unwrap();
        let many = repo
            .get_many(me, &[rec.id, stranger.id, WorkflowId::new()])
            .await
            .unwrap();
        assert_eq!(many.iter().map(|r| r.id).collect::<Vec<_>>(), [rec.id]);
        assert!(repo.get_many(me, &[]).await.unwrap().is_empty());
        assert!(!repo.delete(other, rec.id).await.unwrap());
        assert!(repo.delete(me, rec.id).await.unwrap());
        assert!(repo.get(me, rec.id).await.unwrap().is_none());
    }

    fn code(code: &str) -> WorkflowPatch {
        WorkflowPatch {
            code: Some(code.to_owned()),
            ..WorkflowPatch::default()
        }
    }

    #[tokio::test]
    async fn the_quota_is_kept_like_the_database_keeps_it() {
        let repo = InMemoryWorkflows::with_quota(StorageQuota {
            max_workflows: 2,
            max_versions: 2,
            max_stored_bytes: 200,
        });
        let me = OwnerId(Uuid::new_v4());
        let rec = repo.create(new(me)).await.unwrap();
        repo.create(new(me)).await.unwrap();
        assert!(matches!(
            repo.create(new(me)).await,
            Err(RepoError::QuotaExceeded(QuotaExceeded::Workflows {
                max: 2
            }))
        ));
        repo.create(new(OwnerId(Uuid::new_v4()))).await.unwrap();
        // Versions beyond the quota go, oldest first.
        for v in ["v2", "v3", "v4"] {
            repo.update(me, rec.id, code(v)).await.unwrap().unwrap();
        }
        let kept = repo
            .versions(me, rec.id, VersionsPage::default())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(kept.iter().map(|v| v.version).collect::<Vec<_>>(), [3, 2]);
        // Growing past the bytes is refused and leaves the record as it was.
        let err = repo.update(me, rec.id, code(&"x".repeat(200))).await;
        assert!(matches!(
            err,
            Err(RepoError::QuotaExceeded(QuotaExceeded::StoredBytes {
                max: 200
            }))
        ));
        let same = repo.get(me, rec.id).await.unwrap().unwrap();
        assert_eq!((same.version, same.code.as_str()), (4, "v4"));
        // Paging like the database: newest first, older than `before`.
        let page = VersionsPage {
            limit: 1,
            before: Some(3),
        };
        let older = repo.versions(me, rec.id, page).await.unwrap().unwrap();
        assert_eq!(older.iter().map(|v| v.version).collect::<Vec<_>>(), [2]);
    }
}
