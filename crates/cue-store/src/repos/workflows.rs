//! [`WorkflowRepository`] over the `workflows` and `workflow_versions` tables.

use async_trait::async_trait;
use chrono::NaiveDateTime;
use cue_workflows::repo::{
    NewWorkflow, OwnerId, QuotaExceeded, RepoError, StorageQuota, VersionsPage, WorkflowId,
    WorkflowPage, WorkflowPatch, WorkflowRecord, WorkflowRepository, WorkflowStatus,
    WorkflowSummary, WorkflowVersion, WorkflowWithCode, WorkflowWithPlan, stored_bytes,
};
use diesel::prelude::*;

use super::usage::{self, UsageChange, to_i64};
use super::{db_now, from_db_time, uuid_from_db, uuid_to_db};
use crate::error::DbError;
use crate::pool::{AnyConnection, Pool, run, write_transaction};
use crate::schema::{workflow_versions, workflows};

/// Saved workflows and their earlier code, stored in the database, within a
/// [`StorageQuota`] per owner.
#[derive(Clone)]
pub struct DbWorkflowRepository {
    pool: Pool,
    quota: StorageQuota,
}

impl DbWorkflowRepository {
    pub(crate) fn new(pool: Pool, quota: StorageQuota) -> Self {
        Self { pool, quota }
    }
}

impl std::fmt::Debug for DbWorkflowRepository {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbWorkflowRepository")
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = workflows)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct WorkflowRow {
    id: String,
    owner_id: String,
    name: String,
    description: String,
    prompt: String,
    code: String,
    graph_json: String,
    plan_json: String,
    status: String,
    version: i32,
    code_updated_at: NaiveDateTime,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    /// The row's texts plus its versions' code, in bytes (see [`StorageQuota`]).
    stored_bytes: i64,
}

impl WorkflowRow {
    /// The row's own texts, in bytes (its versions apart).
    fn text_bytes(&self) -> i64 {
        to_i64(stored_bytes(&[
            &self.name,
            &self.description,
            &self.prompt,
            &self.code,
            &self.graph_json,
            &self.plan_json,
        ]))
    }

    fn into_record(self) -> Result<WorkflowRecord, DbError> {
        let graph = parse_json(&self.graph_json, "workflow graph")?;
        let plan = parse_json(&self.plan_json, "workflow plan")?;
        self.into_record_with(graph, plan)
    }

    /// The record of a row whose graph and plan the caller holds as values already (the ones
    /// it just wrote): parsing the row's serialisation of them back would give the same.
    fn into_record_with(
        self,
        graph: serde_json::Value,
        plan: serde_json::Value,
    ) -> Result<WorkflowRecord, DbError> {
        Ok(WorkflowRecord {
            id: WorkflowId(uuid_from_db(&self.id, "workflow id")?),
            owner: OwnerId(uuid_from_db(&self.owner_id, "owner id")?),
            name: self.name,
            description: self.description,
            prompt: self.prompt,
            code: self.code,
            graph,
            plan,
            status: self
                .status
                .parse::<WorkflowStatus>()
                .map_err(|_| DbError::corrupt("workflow status"))?,
            version: self.version,
            created_at: from_db_time(self.created_at),
            updated_at: from_db_time(self.updated_at),
        })
    }
}

/// The summary columns of a workflow: what lists and search results read, without the code,
/// graph and plan.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = workflows)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct SummaryRow {
    id: String,
    owner_id: String,
    name: String,
    description: String,
    status: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl SummaryRow {
    fn into_summary(self) -> Result<WorkflowSummary, DbError> {
        Ok(WorkflowSummary {
            id: WorkflowId(uuid_from_db(&self.id, "workflow id")?),
            owner: OwnerId(uuid_from_db(&self.owner_id, "owner id")?),
            name: self.name,
            description: self.description,
            status: self
                .status
                .parse::<WorkflowStatus>()
                .map_err(|_| DbError::corrupt("workflow status"))?,
            version: self.version,
            created_at: from_db_time(self.created_at),
            updated_at: from_db_time(self.updated_at),
        })
    }
}

fn summaries(rows: Vec<SummaryRow>) -> Result<Vec<WorkflowSummary>, DbError> {
    rows.into_iter().map(SummaryRow::into_summary).collect()
}

/// The one text column read beside a summary by [`recent_with`].
#[derive(Clone, Copy)]
enum Beside {
    Code,
    Plan,
}

/// The owner's newest `limit` workflows as summaries, each with one text column (what search
/// needs without loading code, graph and plan together).
async fn recent_with(
    pool: &Pool,
    owner: OwnerId,
    limit: i64,
    beside: Beside,
) -> Result<Vec<(WorkflowSummary, String)>, DbError> {
    let owner = uuid_to_db(owner.0);
    let rows: Vec<(SummaryRow, String)> = run(pool, move |c| {
        let recent = workflows::table
            .filter(workflows::owner_id.eq(&owner))
            .order((workflows::created_at.desc(), workflows::id.desc()))
            .limit(limit.max(0));
        Ok(match beside {
            Beside::Code => recent
                .select((SummaryRow::as_select(), workflows::code))
                .load(c)?,
            Beside::Plan => recent
                .select((SummaryRow::as_select(), workflows::plan_json))
                .load(c)?,
        })
    })
    .await?;
    rows.into_iter()
        .map(|(row, text)| Ok((row.into_summary()?, text)))
        .collect()
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = workflow_versions)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct VersionRow {
    workflow_id: String,
    version: i32,
    code: String,
    created_at: NaiveDateTime,
}

#[derive(Default, AsChangeset)]
#[diesel(table_name = workflows)]
struct WorkflowChanges {
    name: Option<String>,
    description: Option<String>,
    code: Option<String>,
    graph_json: Option<String>,
    plan_json: Option<String>,
    status: Option<String>,
    version: Option<i32>,
    code_updated_at: Option<NaiveDateTime>,
    updated_at: Option<NaiveDateTime>,
    stored_bytes: Option<i64>,
}

/// Locks the owner's workflow `id` until the transaction ends, with a no-op write (portable
/// where `SELECT ... FOR UPDATE` is not); `false` if the owner has no such workflow. On
/// PostgreSQL two writers of one workflow then go one after the other (SQLite's
/// `BEGIN IMMEDIATE` already serialises writers).
fn lock_workflow(conn: &mut AnyConnection, owner: &str, id: &str) -> Result<bool, DbError> {
    let locked = diesel::update(workflows::table)
        .filter(workflows::id.eq(id))
        .filter(workflows::owner_id.eq(owner))
        .set(workflows::version.eq(workflows::version))
        .execute(conn)?;
    Ok(locked > 0)
}

/// The outcome of a patch inside its transaction.
enum Patched {
    Missing,
    Over(QuotaExceeded),
    Done(Box<WorkflowRow>),
}

fn parse_json(s: &str, what: &'static str) -> Result<serde_json::Value, DbError> {
    serde_json::from_str(s).map_err(|_| DbError::corrupt(what))
}

fn to_json(v: &serde_json::Value) -> Result<String, DbError> {
    serde_json::to_string(v).map_err(DbError::internal)
}

/// `Some(new)` when `new` is given and differs from `current`; also updates `current`.
fn changed(current: &mut String, new: Option<String>) -> Option<String> {
    let new = new.filter(|n| n != current)?;
    current.clone_from(&new);
    Some(new)
}

/// Like [`changed`] for JSON kept as text: compared as values, not as strings.
fn changed_json(
    current: &mut String,
    new: Option<serde_json::Value>,
    what: &'static str,
) -> Result<Option<String>, DbError> {
    let Some(new) = new else { return Ok(None) };
    if parse_json(current, what)? == new {
        return Ok(None);
    }
    *current = to_json(&new)?;
    Ok(Some(current.clone()))
}

fn find_owned(
    conn: &mut AnyConnection,
    owner: &str,
    id: &str,
) -> Result<Option<WorkflowRow>, DbError> {
    // Filtering on the owner too makes another owner's workflow indistinguishable from none.
    Ok(workflows::table
        .filter(workflows::id.eq(id))
        .filter(workflows::owner_id.eq(owner))
        .select(WorkflowRow::as_select())
        .first(conn)
        .optional()?)
}

fn apply_patch(
    conn: &mut AnyConnection,
    owner: &str,
    id: &str,
    patch: WorkflowPatch,
    quota: StorageQuota,
) -> Result<Patched, DbError> {
    // Locked before we read: two concurrent code changes then cannot both archive the same
    // version.
    if !lock_workflow(conn, owner, id)? {
        return Ok(Patched::Missing);
    }
    let Some(mut row) = find_owned(conn, owner, id)? else {
        return Ok(Patched::Missing);
    };
    let previous_code = row.code.clone();
    let previous_bytes = (row.stored_bytes, row.text_bytes());
    let mut changes = WorkflowChanges {
        name: changed(&mut row.name, patch.name),
        description: changed(&mut row.description, patch.description),
        code: changed(&mut row.code, patch.code),
        graph_json: changed_json(&mut row.graph_json, patch.graph, "workflow graph")?,
        plan_json: changed_json(&mut row.plan_json, patch.plan, "workflow plan")?,
        status: changed(&mut row.status, patch.status.map(|s| s.as_str().to_owned())),
        ..WorkflowChanges::default()
    };
    let anything_changed = changes.name.is_some()
        || changes.description.is_some()
        || changes.code.is_some()
        || changes.graph_json.is_some()
        || changes.plan_json.is_some()
        || changes.status.is_some();
    if !anything_changed {
        return Ok(Patched::Done(Box::new(row)));
    }
    // What the change stores: the new texts, the old code as a version, minus the versions
    // it pushes out. Decided before anything is written.
    let pruned = if changes.code.is_some() {
        versions_to_prune(conn, id, quota.max_versions)?
    } else {
        Vec::new()
    };
    let (old_stored, old_text) = previous_bytes;
    let mut new_stored = old_stored - old_text + row.text_bytes();
    if changes.code.is_some() {
        new_stored += to_i64(stored_bytes(&[&previous_code]));
        new_stored -= pruned.iter().map(|(_, bytes)| bytes).sum::<i64>();
    }
    if new_stored != old_stored {
        let change = UsageChange {
            workflows: 0,
            bytes: new_stored - old_stored,
        };
        if let Err(over) = usage::apply(conn, owner, change, quota)? {
            return Ok(Patched::Over(over));
        }
    }
    let now = db_now();
    if changes.code.is_some() {
        diesel::insert_into(workflow_versions::table)
            .values(VersionRow {
                workflow_id: row.id.clone(),
                version: row.version,
                code: previous_code,
                created_at: row.code_updated_at,
            })
            .execute(conn)?;
        let pruned: Vec<i32> = pruned.into_iter().map(|(version, _)| version).collect();
        if !pruned.is_empty() {
            diesel::delete(workflow_versions::table)
                .filter(workflow_versions::workflow_id.eq(id))
                .filter(workflow_versions::version.eq_any(&pruned))
                .execute(conn)?;
        }
        row.version = row
            .version
            .checked_add(1)
            .ok_or_else(|| DbError::corrupt("workflow version"))?;
        row.code_updated_at = now;
        changes.version = Some(row.version);
        changes.code_updated_at = Some(now);
    }
    row.updated_at = now;
    row.stored_bytes = new_stored;
    changes.updated_at = Some(now);
    changes.stored_bytes = Some(new_stored);
    diesel::update(workflows::table)
        .filter(workflows::id.eq(id))
        .filter(workflows::owner_id.eq(owner))
        .set(&changes)
        .execute(conn)?;
    Ok(Patched::Done(Box::new(row)))
}

/// The oldest versions (number, bytes) that must go so that, with one more, at most `max`
/// are kept. Only their code is read, and usually there is one.
fn versions_to_prune(
    conn: &mut AnyConnection,
    id: &str,
    max: u32,
) -> Result<Vec<(i32, i64)>, DbError> {
    let kept: i64 = workflow_versions::table
        .filter(workflow_versions::workflow_id.eq(id))
        .count()
        .get_result(conn)?;
    let excess = kept + 1 - i64::from(max);
    if excess <= 0 {
        return Ok(Vec::new());
    }
    let oldest: Vec<(i32, String)> = workflow_versions::table
        .filter(workflow_versions::workflow_id.eq(id))
        .order(workflow_versions::version.asc())
        .limit(excess)
        .select((workflow_versions::version, workflow_versions::code))
        .load(conn)?;
    Ok(oldest
        .into_iter()
        .map(|(version, code)| (version, to_i64(stored_bytes(&[&code]))))
        .collect())
}

#[async_trait]
impl WorkflowRepository for DbWorkflowRepository {
    async fn create(&self, new: NewWorkflow) -> Result<WorkflowRecord, RepoError> {
        let now = db_now();
        let NewWorkflow {
            id,
            owner,
            name,
            description,
            prompt,
            code,
            graph,
            plan,
            status,
        } = new;
        let mut row = WorkflowRow {
            id: uuid_to_db(id.0),
            owner_id: uuid_to_db(owner.0),
            name,
            description,
            prompt,
            code,
            graph_json: to_json(&graph)?,
            plan_json: to_json(&plan)?,
            status: status.as_str().to_owned(),
            version: 1,
            code_updated_at: now,
            created_at: now,
            updated_at: now,
            stored_bytes: 0,
        };
        row.stored_bytes = row.text_bytes();
        let quota = self.quota;
        let row = run(&self.pool, move |c| {
            write_transaction(c, |c| {
                let change = UsageChange {
                    workflows: 1,
                    bytes: row.stored_bytes,
                };
                if let Err(over) = usage::apply(c, &row.owner_id, change, quota)? {
                    return Ok(Err(over));
                }
                diesel::insert_into(workflows::table)
                    .values(&row)
                    .execute(c)?;
                Ok(Ok(row))
            })
        })
        .await??;
        Ok(row.into_record_with(graph, plan)?)
    }

    async fn get(
        &self,
        owner: OwnerId,
        id: WorkflowId,
    ) -> Result<Option<WorkflowRecord>, RepoError> {
        let (owner, id) = (uuid_to_db(owner.0), uuid_to_db(id.0));
        let row = run(&self.pool, move |c| find_owned(c, &owner, &id)).await?;
        Ok(row.map(WorkflowRow::into_record).transpose()?)
    }

    async fn get_many(
        &self,
        owner: OwnerId,
        ids: &[WorkflowId],
    ) -> Result<Vec<WorkflowSummary>, RepoError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let owner = uuid_to_db(owner.0);
        let ids: Vec<String> = ids.iter().map(|id| uuid_to_db(id.0)).collect();
        let rows = run(&self.pool, move |c| {
            Ok(workflows::table
                .filter(workflows::owner_id.eq(&owner))
                .filter(workflows::id.eq_any(&ids))
                .select(SummaryRow::as_select())
                .load(c)?)
        })
        .await?;
        Ok(summaries(rows)?)
    }

    /// Newest first (ties broken by id, which is time-ordered). Negative limits and offsets
    /// count as zero.
    async fn list(
        &self,
        owner: OwnerId,
        limit: i64,
        offset: i64,
    ) -> Result<WorkflowPage, RepoError> {
        let owner = uuid_to_db(owner.0);
        let (limit, offset) = (limit.max(0), offset.max(0));
        let (rows, total) = run(&self.pool, move |c| {
            let total: i64 = workflows::table
                .filter(workflows::owner_id.eq(&owner))
                .count()
                .get_result(c)?;
            let rows = workflows::table
                .filter(workflows::owner_id.eq(&owner))
                .order((workflows::created_at.desc(), workflows::id.desc()))
                .limit(limit)
                .offset(offset)
                .select(SummaryRow::as_select())
                .load(c)?;
            Ok((rows, total))
        })
        .await?;
        Ok(WorkflowPage {
            items: summaries(rows)?,
            total,
        })
    }

    async fn recent_with_code(
        &self,
        owner: OwnerId,
        limit: i64,
    ) -> Result<Vec<WorkflowWithCode>, RepoError> {
        Ok(recent_with(&self.pool, owner, limit, Beside::Code)
            .await?
            .into_iter()
            .map(|(summary, code)| WorkflowWithCode { summary, code })
            .collect())
    }

    async fn recent_with_plan(
        &self,
        owner: OwnerId,
        limit: i64,
    ) -> Result<Vec<WorkflowWithPlan>, RepoError> {
        recent_with(&self.pool, owner, limit, Beside::Plan)
            .await?
            .into_iter()
            .map(|(summary, plan)| {
                Ok(WorkflowWithPlan {
                    summary,
                    plan: parse_json(&plan, "workflow plan")?,
                })
            })
            .collect::<Result<Vec<_>, DbError>>()
            .map_err(Into::into)
    }

    async fn scan(
        &self,
        after: Option<WorkflowId>,
        limit: i64,
    ) -> Result<Vec<WorkflowRecord>, RepoError> {
        // Ids are stored hyphenated and lower-case, so text order is uuid order on both backends.
        let after = after.map(|a| uuid_to_db(a.0));
        let limit = limit.max(0);
        let rows = run(&self.pool, move |c| {
            let mut query = workflows::table
                .order(workflows::id.asc())
                .limit(limit)
                .select(WorkflowRow::as_select())
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(workflows::id.gt(after));
            }
            Ok(query.load(c)?)
        })
        .await?;
        Ok(rows
            .into_iter()
            .map(WorkflowRow::into_record)
            .collect::<Result<Vec<_>, _>>()?)
    }

    async fn update(
        &self,
        owner: OwnerId,
        id: WorkflowId,
        patch: WorkflowPatch,
    ) -> Result<Option<WorkflowRecord>, RepoError> {
        let (owner, id) = (uuid_to_db(owner.0), uuid_to_db(id.0));
        let quota = self.quota;
        let patched = run(&self.pool, move |c| {
            write_transaction(c, |c| apply_patch(c, &owner, &id, patch, quota))
        })
        .await?;
        match patched {
            Patched::Missing => Ok(None),
            Patched::Over(exceeded) => Err(exceeded.into()),
            Patched::Done(row) => Ok(Some(row.into_record()?)),
        }
    }

    async fn delete(&self, owner: OwnerId, id: WorkflowId) -> Result<bool, RepoError> {
        let (owner, id) = (uuid_to_db(owner.0), uuid_to_db(id.0));
        let quota = self.quota;
        let deleted = run(&self.pool, move |c| {
            write_transaction(c, |c| {
                // Locked first, so two deletes of one workflow do not both count it off.
                if !lock_workflow(c, &owner, &id)? {
                    return Ok(false);
                }
                let bytes: i64 = workflows::table
                    .filter(workflows::id.eq(&id))
                    .select(workflows::stored_bytes)
                    .first(c)?;
                let change = UsageChange {
                    workflows: -1,
                    bytes: -bytes,
                };
                // A change that shrinks is never refused.
                if usage::apply(c, &owner, change, quota)?.is_err() {
                    return Err(DbError::internal("a deletion was refused by the quota"));
                }
                diesel::delete(workflows::table)
                    .filter(workflows::id.eq(&id))
                    .filter(workflows::owner_id.eq(&owner))
                    .execute(c)?;
                Ok(true)
            })
        })
        .await?;
        Ok(deleted)
    }

    async fn versions(
        &self,
        owner: OwnerId,
        id: WorkflowId,
        page: VersionsPage,
    ) -> Result<Option<Vec<WorkflowVersion>>, RepoError> {
        let (owner, id) = (uuid_to_db(owner.0), uuid_to_db(id.0));
        let rows = run(&self.pool, move |c| {
            let exists = workflows::table
                .filter(workflows::id.eq(&id))
                .filter(workflows::owner_id.eq(&owner))
                .select(workflows::id)
                .first::<String>(c)
                .optional()?
                .is_some();
            if !exists {
                return Ok(None);
            }
            let mut query = workflow_versions::table
                .filter(workflow_versions::workflow_id.eq(&id))
                .order(workflow_versions::version.desc())
                .limit(page.limit.max(0))
                .select(VersionRow::as_select())
                .into_boxed();
            if let Some(before) = page.before {
                query = query.filter(workflow_versions::version.lt(before));
            }
            Ok(Some(query.load(c)?))
        })
        .await?;
        Ok(rows.map(|rows| {
            rows.into_iter()
                .map(|r| WorkflowVersion {
                    version: r.version,
                    code: r.code,
                    created_at: from_db_time(r.created_at),
                })
                .collect()
        }))
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use std::time::Duration;

    use cue_workflows::repo::{
        NewWorkflow, OwnerId, QuotaExceeded, RepoError, StorageQuota, VersionsPage, WorkflowId,
        WorkflowPatch, WorkflowStatus, WorkflowSummary,
    };
    use serde_json::json;

    use crate::Store;
    use crate::repos::fixtures::{awkward_text, user};
    use crate::testing::{TestDatabase, backend_tests};

    /// Lists and searches read summaries: the row they select holds none of the large columns
    /// (code, graph, plan, prompt), whatever a caller does with it (issue 14).
    #[test]
    fn summary_rows_select_none_of_the_large_columns() {
        use diesel::prelude::*;

        use super::SummaryRow;
        use crate::schema::workflows;

        let sql = diesel::debug_query::<diesel::sqlite::Sqlite, _>(
            &workflows::table.select(SummaryRow::as_select()),
        )
        .to_string();
        assert!(sql.contains("`workflows`.`name`"), "{sql}");
        for large in ["code", "graph_json", "plan_json", "prompt"] {
            assert!(!sql.contains(&format!("`{large}`")), "{large} in {sql}");
        }
    }

    backend_tests!(
        create_then_get_round_trips_every_field,
        another_owners_workflow_is_invisible,
        get_many_returns_the_owners_workflows_among_the_ids,
        code_change_keeps_the_previous_code_as_a_version,
        other_changes_do_not_make_versions,
        empty_or_equal_patches_change_nothing,
        patching_a_missing_workflow_is_none,
        list_is_newest_first_with_total_and_pages,
        scan_pages_through_every_owner_in_id_order,
        delete_removes_the_workflow_and_its_versions,
        creating_for_an_unknown_owner_fails,
        concurrent_code_changes_each_make_one_version,
        unicode_and_long_text_round_trip,
        the_workflow_count_is_bounded_per_owner,
        versions_beyond_the_quota_are_pruned_oldest_first_and_paged,
        stored_bytes_are_bounded_per_owner_and_shrinking_is_always_allowed,
        recent_reads_carry_only_the_column_asked_for,
        usage_counters_equal_the_tables_after_every_kind_of_write,
        a_missing_usage_row_is_rebuilt_from_the_tables,
        parallel_creates_at_the_edge_of_the_quota_do_not_both_pass,
        parallel_first_saves_of_a_new_owner_share_one_usage_row,
        the_usage_migration_counts_what_is_already_stored,
    );

    #[tokio::test]
    async fn the_quota_sum_reads_only_an_index_on_sqlite() {
        use diesel::prelude::*;

        #[derive(QueryableByName)]
        struct PlanStep {
            #[diesel(sql_type = diesel::sql_types::Text)]
            detail: String,
        }
        let Some(db) = crate::testing::fresh_database(crate::Backend::Sqlite).await else {
            return;
        };
        drop(db.migrated_store().await);
        let path = db.url().strip_prefix("sqlite://").unwrap_or(db.url());
        let mut conn = diesel::SqliteConnection::establish(path).unwrap();
        // the dropped store's pool may still be closing its connections: wait for the lock
        // instead of failing at once with "database is locked"
        diesel::connection::SimpleConnection::batch_execute(
            &mut conn,
            "PRAGMA busy_timeout = 5000",
        )
        .unwrap();
        let plan: Vec<PlanStep> = diesel::sql_query(format!(
            "EXPLAIN QUERY PLAN SELECT {} FROM workflows WHERE owner_id = 'x'",
            crate::repos::usage::COUNTED_COLUMNS
        ))
        .load(&mut conn)
        .unwrap();
        let steps: Vec<&str> = plan.iter().map(|s| s.detail.as_str()).collect();
        assert!(
            steps
                .iter()
                .any(|s| s.contains("COVERING INDEX workflows_owner_bytes_idx")),
            "{steps:?}"
        );
    }

    #[test]
    fn a_stored_status_that_is_not_one_reads_as_corrupt() {
        let now = chrono::Utc::now().naive_utc();
        let row = super::WorkflowRow {
            id: uuid::Uuid::now_v7().to_string(),
            owner_id: uuid::Uuid::now_v7().to_string(),
            name: "n".into(),
            description: String::new(),
            prompt: String::new(),
            code: String::new(),
            graph_json: "{}".into(),
            plan_json: "null".into(),
            status: "✓ fertig".into(),
            version: 1,
            code_updated_at: now,
            created_at: now,
            updated_at: now,
            stored_bytes: 0,
        };
        assert!(row.clone().into_record().is_err());
        let ok = super::WorkflowRow {
            status: "needs_review".into(),
            ..row
        };
        assert_eq!(
            ok.into_record().unwrap().status,
            WorkflowStatus::NeedsReview
        );
    }

    async fn owner(store: &Store) -> OwnerId {
        OwnerId(user(store).await.id.0)
    }

    fn new_workflow(owner: OwnerId, name: &str) -> NewWorkflow {
        NewWorkflow {
            id: WorkflowId::new(),
            owner,
            name: name.to_owned(),
            description: "Sends a daily report".into(),
            prompt: "Every morning email me yesterday's sales".into(),
            code: "def lambda_handler(event, context):\n    return 1\n".into(),
            graph: json!({"nodes": [{"id": "1", "data": {"label": "Schedule"}}], "edges": []}),
            plan: json!({"trigger": {"kind": "schedule", "cron": "0 8 * * *"}, "steps": [1, 2.5, null, true]}),
            status: WorkflowStatus::Draft,
        }
    }

    fn code_patch(code: &str) -> WorkflowPatch {
        WorkflowPatch {
            code: Some(code.to_owned()),
            ..WorkflowPatch::default()
        }
    }

    async fn create_then_get_round_trips_every_field(db: TestDatabase) {
        let store = db.migrated_store().await;
        let repo = store.workflows();
        let owner = owner(&store).await;
        let new = new_workflow(owner, "Daily sales");
        let created = repo.create(new.clone()).await.unwrap();
        assert_eq!(created.id, new.id);
        assert_eq!(created.owner, owner);
        assert_eq!(created.name, new.name);
        assert_eq!(created.description, new.description);
        assert_eq!(created.prompt, new.prompt);
        assert_eq!(created.code, new.code);
        assert_eq!(created.graph, new.graph);
        assert_eq!(created.plan, new.plan);
        assert_eq!(created.status, WorkflowStatus::Draft);
        assert_eq!(created.version, 1);
        assert_eq!(created.created_at, created.updated_at);
        assert_eq!(
            repo.get(owner, new.id).await.unwrap(),
            Some(created.clone())
        );
        assert_eq!(
            repo.versions(owner, new.id, VersionsPage::default())
                .await
                .unwrap(),
            Some(vec![])
        );
        assert_eq!(repo.get(owner, WorkflowId::new()).await.unwrap(), None);
    }

    async fn another_owners_workflow_is_invisible(db: TestDatabase) {
        let store = db.migrated_store().await;
        let repo = store.workflows();
        let (alice, mallory) = (owner(&store).await, owner(&store).await);
        let wf = repo.create(new_workflow(alice, "Alice's")).await.unwrap();

        assert_eq!(repo.get(mallory, wf.id).await.unwrap(), None);
        assert_eq!(
            repo.update(mallory, wf.id, code_patch("stolen"))
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            repo.versions(mallory, wf.id, VersionsPage::default())
                .await
                .unwrap(),
            None
        );
        assert!(!repo.delete(mallory, wf.id).await.unwrap());
        let page = repo.list(mallory, 10, 0).await.unwrap();
        assert_eq!((page.items.len(), page.total), (0, 0));

        assert_eq!(
            repo.get(alice, wf.id).await.unwrap(),
            Some(wf.clone()),
            "untouched by the attempts"
        );
        assert_eq!(
            repo.versions(alice, wf.id, VersionsPage::default())
                .await
                .unwrap(),
            Some(vec![])
        );
    }

    async fn get_many_returns_the_owners_workflows_among_the_ids(db: TestDatabase) {
        let store = db.migrated_store().await;
        let repo = store.workflows();
        let (alice, mallory) = (owner(&store).await, owner(&store).await);
        let mut mine = Vec::new();
        for i in 0..3 {
            mine.push(
                repo.create(new_workflow(alice, &format!("wf {i}")))
                    .await
                    .unwrap(),
            );
        }
        let theirs = repo
            .create(new_workflow(mallory, "not yours"))
            .await
            .unwrap();
        let asked = [mine[2].id, theirs.id, WorkflowId::new(), mine[0].id];
        let mut got = repo.get_many(alice, &asked).await.unwrap();
        got.sort_by_key(|r| r.id.0);
        let mut want: Vec<WorkflowSummary> = [&mine[0], &mine[2]]
            .into_iter()
            .map(WorkflowSummary::from)
            .collect();
        want.sort_by_key(|r| r.id.0);
        assert_eq!(got, want, "only the owner's, as summaries");
        assert!(repo.get_many(alice, &[]).await.unwrap().is_empty());
        assert!(
            repo.get_many(mallory, &[mine[1].id])
                .await
                .unwrap()
                .is_empty()
        );
    }

    async fn code_change_keeps_the_previous_code_as_a_version(db: TestDatabase) {
        let store = db.migrated_store().await;
        let repo = store.workflows();
        let owner = owner(&store).await;
        let v1 = repo.create(new_workflow(owner, "wf")).await.unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
        let v2 = repo
            .update(owner, v1.id, code_patch("# v2\n"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((v2.version, v2.code.as_str()), (2, "# v2\n"));
        assert!(v2.updated_at > v1.updated_at);
        assert_eq!(v2.created_at, v1.created_at);
        tokio::time::sleep(Duration::from_millis(5)).await;
        let v3 = repo
            .update(owner, v1.id, code_patch("# v3\n"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(v3.version, 3);
        assert_eq!(
            repo.get(owner, v1.id).await.unwrap(),
            Some(v3.clone()),
            "what update returns is stored"
        );

        let versions = repo
            .versions(owner, v1.id, VersionsPage::default())
            .await
            .unwrap()
            .unwrap();
        let summary: Vec<_> = versions
            .iter()
            .map(|v| (v.version, v.code.as_str()))
            .collect();
        assert_eq!(
            summary,
            [(2, "# v2\n"), (1, v1.code.as_str())],
            "earlier versions, newest first"
        );
        assert_eq!(
            versions[1].created_at, v1.created_at,
            "v1 was written at creation"
        );
        assert_eq!(
            versions[0].created_at, v2.updated_at,
            "v2 was written by the first update"
        );
    }

    async fn other_changes_do_not_make_versions(db: TestDatabase) {
        let store = db.migrated_store().await;
        let repo = store.workflows();
        let owner = owner(&store).await;
        let wf = repo.create(new_workflow(owner, "wf")).await.unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
        let patch = WorkflowPatch {
            name: Some("Renamed".into()),
            description: Some("New description".into()),
            graph: Some(json!({"nodes": [], "edges": []})),
            plan: Some(json!({"trigger": null})),
            status: Some(WorkflowStatus::Completed),
            code: None,
        };
        let updated = repo.update(owner, wf.id, patch).await.unwrap().unwrap();
        assert_eq!(updated.name, "Renamed");
        assert_eq!(updated.description, "New description");
        assert_eq!(updated.graph, json!({"nodes": [], "edges": []}));
        assert_eq!(updated.plan, json!({"trigger": null}));
        assert_eq!(updated.status, WorkflowStatus::Completed);
        assert_eq!(
            (updated.version, updated.code.as_str()),
            (1, wf.code.as_str())
        );
        assert_eq!(updated.prompt, wf.prompt, "the prompt is not patchable");
        assert!(updated.updated_at > wf.updated_at);
        assert_eq!(
            repo.versions(owner, wf.id, VersionsPage::default())
                .await
                .unwrap(),
            Some(vec![])
        );
        assert_eq!(repo.get(owner, wf.id).await.unwrap(), Some(updated));
    }

    async fn empty_or_equal_patches_change_nothing(db: TestDatabase) {
        let store = db.migrated_store().await;
        let repo = store.workflows();
        let owner = owner(&store).await;
        let wf = repo.create(new_workflow(owner, "wf")).await.unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert_eq!(
            repo.update(owner, wf.id, WorkflowPatch::default())
                .await
                .unwrap(),
            Some(wf.clone())
        );
        let equal = WorkflowPatch {
            name: Some(wf.name.clone()),
            code: Some(wf.code.clone()),
            // equal JSON written differently
            graph: Some(
                serde_json::from_str(&serde_json::to_string_pretty(&wf.graph).unwrap()).unwrap(),
            ),
            status: Some(wf.status),
            ..WorkflowPatch::default()
        };
        assert_eq!(
            repo.update(owner, wf.id, equal).await.unwrap(),
            Some(wf.clone())
        );
        assert_eq!(
            repo.versions(owner, wf.id, VersionsPage::default())
                .await
                .unwrap(),
            Some(vec![])
        );
    }

    async fn patching_a_missing_workflow_is_none(db: TestDatabase) {
        let store = db.migrated_store().await;
        let owner = owner(&store).await;
        let repo = store.workflows();
        assert_eq!(
            repo.update(owner, WorkflowId::new(), code_patch("x"))
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            repo.update(owner, WorkflowId::new(), WorkflowPatch::default())
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            repo.versions(owner, WorkflowId::new(), VersionsPage::default())
                .await
                .unwrap(),
            None
        );
        assert!(!repo.delete(owner, WorkflowId::new()).await.unwrap());
    }

    async fn scan_pages_through_every_owner_in_id_order(db: TestDatabase) {
        let store = db.migrated_store().await;
        let repo = store.workflows();
        let (a, b) = (owner(&store).await, owner(&store).await);
        let mut ids = Vec::new();
        for i in 0..5 {
            let who = if i % 2 == 0 { a } else { b };
            ids.push(
                repo.create(new_workflow(who, &format!("wf {i}")))
                    .await
                    .unwrap()
                    .id,
            );
        }
        ids.sort_by_key(|id| id.0);
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let page = repo.scan(after, 2).await.unwrap();
            assert!(page.len() <= 2);
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            seen.extend(page.iter().map(|r| r.id));
        }
        assert_eq!(seen, ids, "every owner's workflows, each once, in id order");
        let first = repo.scan(None, 1).await.unwrap();
        assert_eq!(first[0].id, ids[0]);
        assert_eq!(
            first[0].plan,
            new_workflow(a, "x").plan,
            "records come back whole"
        );
        assert!(repo.scan(None, 0).await.unwrap().is_empty());
    }

    async fn list_is_newest_first_with_total_and_pages(db: TestDatabase) {
        let store = db.migrated_store().await;
        let repo = store.workflows();
        let (owner, other) = (owner(&store).await, owner(&store).await);
        let mut ids = Vec::new();
        for i in 0..7 {
            ids.push(
                repo.create(new_workflow(owner, &format!("wf {i}")))
                    .await
                    .unwrap()
                    .id,
            );
        }
        repo.create(new_workflow(other, "not mine")).await.unwrap();
        ids.reverse(); // newest first

        let page = repo.list(owner, 3, 0).await.unwrap();
        assert_eq!(page.total, 7);
        assert_eq!(
            page.items.iter().map(|w| w.id).collect::<Vec<_>>(),
            ids[..3]
        );
        let page = repo.list(owner, 3, 3).await.unwrap();
        assert_eq!(
            page.items.iter().map(|w| w.id).collect::<Vec<_>>(),
            ids[3..6]
        );
        let page = repo.list(owner, 3, 6).await.unwrap();
        assert_eq!(
            page.items.iter().map(|w| w.id).collect::<Vec<_>>(),
            ids[6..]
        );
        let page = repo.list(owner, 3, 9).await.unwrap();
        assert_eq!((page.items.len(), page.total), (0, 7));
        let page = repo.list(owner, 100, 0).await.unwrap();
        assert_eq!(page.items.iter().map(|w| w.id).collect::<Vec<_>>(), ids);
        assert!(
            page.items
                .windows(2)
                .all(|w| w[0].created_at >= w[1].created_at)
        );
        let page = repo.list(owner, 0, 0).await.unwrap();
        assert_eq!((page.items.len(), page.total), (0, 7));
        let page = repo.list(owner, -5, -5).await.unwrap();
        assert_eq!(
            (page.items.len(), page.total),
            (0, 7),
            "negative limit and offset count as zero"
        );
    }

    async fn delete_removes_the_workflow_and_its_versions(db: TestDatabase) {
        let store = db.migrated_store().await;
        let repo = store.workflows();
        let owner = owner(&store).await;
        let wf = repo.create(new_workflow(owner, "wf")).await.unwrap();
        repo.update(owner, wf.id, code_patch("v2")).await.unwrap();
        assert!(repo.delete(owner, wf.id).await.unwrap());
        assert!(!repo.delete(owner, wf.id).await.unwrap(), "already gone");
        assert_eq!(repo.get(owner, wf.id).await.unwrap(), None);
        assert_eq!(
            repo.versions(owner, wf.id, VersionsPage::default())
                .await
                .unwrap(),
            None
        );
        // an id can be reused after deletion: no orphaned version rows block it
        let mut again = new_workflow(owner, "again");
        again.id = wf.id;
        repo.create(again).await.unwrap();
        assert_eq!(
            repo.versions(owner, wf.id, VersionsPage::default())
                .await
                .unwrap(),
            Some(vec![])
        );
    }

    async fn creating_for_an_unknown_owner_fails(db: TestDatabase) {
        let store = db.migrated_store().await;
        let repo = store.workflows();
        let err = repo
            .create(new_workflow(OwnerId(uuid::Uuid::now_v7()), "orphan"))
            .await
            .unwrap_err();
        assert!(matches!(err, RepoError::Internal(_)), "{err:?}");
        let owner = owner(&store).await;
        let wf = repo.create(new_workflow(owner, "wf")).await.unwrap();
        let err = repo.create(new_workflow(owner, "dup")).await.map(|_| ());
        assert!(err.is_ok(), "fresh ids never clash");
        let mut dup = new_workflow(owner, "dup");
        dup.id = wf.id;
        assert!(matches!(
            repo.create(dup).await,
            Err(RepoError::Internal(_))
        ));
    }

    async fn concurrent_code_changes_each_make_one_version(db: TestDatabase) {
        let store = db.migrated_store().await;
        let repo = store.workflows();
        let owner = owner(&store).await;
        let wf = repo.create(new_workflow(owner, "wf")).await.unwrap();
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let repo = repo.clone();
                tokio::spawn(async move {
                    repo.update(owner, wf.id, code_patch(&format!("# edit {i}\n")))
                        .await
                })
            })
            .collect();
        for t in tasks {
            assert!(t.await.unwrap().unwrap().is_some());
        }
        let now = repo.get(owner, wf.id).await.unwrap().unwrap();
        assert_eq!(now.version, 9);
        let versions = repo
            .versions(owner, wf.id, VersionsPage::default())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            versions.iter().map(|v| v.version).collect::<Vec<_>>(),
            (1..=8).rev().collect::<Vec<_>>()
        );
        assert_eq!(
            versions.last().map(|v| v.code.as_str()),
            Some(wf.code.as_str())
        );
    }

    async fn unicode_and_long_text_round_trip(db: TestDatabase) {
        let store = db.migrated_store().await;
        let repo = store.workflows();
        let owner = owner(&store).await;
        let text = awkward_text();
        let mut new = new_workflow(owner, &text);
        new.description = text.clone();
        new.prompt = text.clone();
        new.code = text.clone();
        new.graph = json!({"nodes": [{"label": text}], "edges": []});
        let created = repo.create(new).await.unwrap();
        let got = repo.get(owner, created.id).await.unwrap().unwrap();
        assert_eq!(got, created);
        assert_eq!(got.code, text);
        repo.update(owner, created.id, code_patch("short"))
            .await
            .unwrap();
        let versions = repo
            .versions(owner, created.id, VersionsPage::default())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(versions[0].code, text);
    }

    fn limited(
        store: &Store,
        quota: StorageQuota,
    ) -> std::sync::Arc<dyn cue_workflows::repo::WorkflowRepository> {
        store.workflows_with_quota(quota)
    }

    async fn the_workflow_count_is_bounded_per_owner(db: TestDatabase) {
        let store = db.migrated_store().await;
        let repo = limited(
            &store,
            StorageQuota {
                max_workflows: 2,
                ..StorageQuota::default()
            },
        );
        let (ada, bob) = (owner(&store).await, owner(&store).await);
        let first = repo.create(new_workflow(ada, "1")).await.unwrap();
        repo.create(new_workflow(ada, "2")).await.unwrap();
        let err = repo.create(new_workflow(ada, "3")).await.unwrap_err();
        assert!(
            matches!(
                err,
                RepoError::QuotaExceeded(QuotaExceeded::Workflows { max: 2 })
            ),
            "{err:?}"
        );
        assert_eq!(repo.list(ada, 10, 0).await.unwrap().total, 2);
        // Another owner has their own count; a deletion frees a place.
        repo.create(new_workflow(bob, "b")).await.unwrap();
        assert!(repo.delete(ada, first.id).await.unwrap());
        repo.create(new_workflow(ada, "3")).await.unwrap();
    }

    async fn versions_beyond_the_quota_are_pruned_oldest_first_and_paged(db: TestDatabase) {
        let store = db.migrated_store().await;
        let repo = limited(
            &store,
            StorageQuota {
                max_versions: 3,
                ..StorageQuota::default()
            },
        );
        let owner = owner(&store).await;
        let wf = repo.create(new_workflow(owner, "v")).await.unwrap();
        for i in 2..=6 {
            let updated = repo
                .update(owner, wf.id, code_patch(&format!("x = {i}\n")))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(updated.version, i);
        }
        let kept = repo
            .versions(owner, wf.id, VersionsPage::default())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            kept.iter().map(|v| v.version).collect::<Vec<_>>(),
            [5, 4, 3],
            "the three newest earlier versions"
        );
        assert_eq!(kept[0].code, "x = 5\n");
        // Keyset pages: two, then what is older than the last one seen.
        let page = |before| VersionsPage { limit: 2, before };
        let first = repo
            .versions(owner, wf.id, page(None))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(first.iter().map(|v| v.version).collect::<Vec<_>>(), [5, 4]);
        let next = repo
            .versions(owner, wf.id, page(Some(4)))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(next.iter().map(|v| v.version).collect::<Vec<_>>(), [3]);
        let none = repo
            .versions(owner, wf.id, page(Some(3)))
            .await
            .unwrap()
            .unwrap();
        assert!(none.is_empty());
    }

    async fn stored_bytes_are_bounded_per_owner_and_shrinking_is_always_allowed(db: TestDatabase) {
        let store = db.migrated_store().await;
        let repo = limited(
            &store,
            StorageQuota {
                max_stored_bytes: 4000,
                max_versions: 2,
                ..StorageQuota::default()
            },
        );
        let owner = owner(&store).await;
        let big = |n: usize| NewWorkflow {
            code: "#".repeat(n),
            ..new_workflow(owner, "big")
        };
        let wf = repo.create(big(1500)).await.unwrap();
        repo.create(big(1500)).await.unwrap();
        let err = repo.create(big(1500)).await.unwrap_err();
        assert!(
            matches!(
                err,
                RepoError::QuotaExceeded(QuotaExceeded::StoredBytes { max: 4000 })
            ),
            "{err:?}"
        );
        // A code change keeps the old code as a version: it grows and is refused whole.
        let err = repo
            .update(owner, wf.id, code_patch(&"@".repeat(1000)))
            .await
            .unwrap_err();
        assert!(matches!(err, RepoError::QuotaExceeded(_)), "{err:?}");
        let unchanged = repo.get(owner, wf.id).await.unwrap().unwrap();
        assert_eq!((unchanged.version, unchanged.code.len()), (1, 1500));
        assert_eq!(
            repo.versions(owner, wf.id, VersionsPage::default())
                .await
                .unwrap(),
            Some(vec![])
        );
        // Shrinking is always allowed, and what it frees is counted.
        repo.update(
            owner,
            wf.id,
            WorkflowPatch {
                name: Some("smaller".into()),
                ..WorkflowPatch::default()
            },
        )
        .await
        .unwrap();
        repo.update(owner, wf.id, code_patch(""))
            .await
            .unwrap()
            .unwrap();
        repo.update(owner, wf.id, code_patch("y = 1\n"))
            .await
            .unwrap()
            .unwrap();
        // Versions pruned by the quota free their bytes: 1500 bytes were dropped with v1.
        repo.update(owner, wf.id, code_patch("y = 2\n"))
            .await
            .unwrap()
            .unwrap();
        repo.create(big(900)).await.unwrap();
    }

    async fn recent_reads_carry_only_the_column_asked_for(db: TestDatabase) {
        let store = db.migrated_store().await;
        let repo = store.workflows();
        let owner = owner(&store).await;
        let older = repo.create(new_workflow(owner, "older")).await.unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
        let newer = repo.create(new_workflow(owner, "newer")).await.unwrap();
        let with_code = repo.recent_with_code(owner, 10).await.unwrap();
        assert_eq!(
            with_code
                .iter()
                .map(|w| (w.summary.clone(), w.code.clone()))
                .collect::<Vec<_>>(),
            [
                (WorkflowSummary::from(&newer), newer.code.clone()),
                (WorkflowSummary::from(&older), older.code.clone())
            ]
        );
        let with_plan = repo.recent_with_plan(owner, 1).await.unwrap();
        assert_eq!(with_plan.len(), 1);
        assert_eq!(with_plan[0].summary, WorkflowSummary::from(&newer));
        assert_eq!(with_plan[0].plan, newer.plan);
        let stranger = self::owner(&store).await;
        assert!(
            repo.recent_with_code(stranger, 10)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            repo.recent_with_plan(stranger, 10)
                .await
                .unwrap()
                .is_empty()
        );
    }

    /// The owner's usage row, and what the tables hold: the number of workflows and the bytes
    /// of every text, recomputed from the rows and their versions (and each row's own
    /// `stored_bytes` checked against its texts on the way).
    async fn usage_and_tables(store: &Store, owner: OwnerId) -> (Option<(i64, i64)>, (i64, i64)) {
        use diesel::prelude::*;

        use crate::pool::run;
        use crate::repos::usage;
        use crate::schema::{workflow_versions, workflows};

        let owner = crate::repos::uuid_to_db(owner.0);
        run(store.pool(), move |c| {
            let counters = usage::read(c, &owner)?;
            let rows: Vec<super::WorkflowRow> = workflows::table
                .filter(workflows::owner_id.eq(&owner))
                .select(super::WorkflowRow::as_select())
                .load(c)?;
            let versions: Vec<(String, String)> = workflow_versions::table
                .inner_join(workflows::table)
                .filter(workflows::owner_id.eq(&owner))
                .select((workflow_versions::workflow_id, workflow_versions::code))
                .load(c)?;
            let mut total = 0;
            for row in &rows {
                let kept: i64 = versions
                    .iter()
                    .filter(|(id, _)| *id == row.id)
                    .map(|(_, code)| i64::try_from(code.len()).unwrap())
                    .sum();
                assert_eq!(row.stored_bytes, row.text_bytes() + kept, "row {}", row.id);
                total += row.stored_bytes;
            }
            Ok((counters, (i64::try_from(rows.len()).unwrap(), total)))
        })
        .await
        .unwrap()
    }

    async fn assert_counted(store: &Store, owner: OwnerId, step: &str) {
        let (counters, tables) = usage_and_tables(store, owner).await;
        assert_eq!(counters, Some(tables), "after {step}");
    }

    async fn usage_counters_equal_the_tables_after_every_kind_of_write(db: TestDatabase) {
        let store = db.migrated_store().await;
        let repo = limited(
            &store,
            StorageQuota {
                max_workflows: 3,
                max_versions: 2,
                max_stored_bytes: 20_000,
            },
        );
        let (ada, bob) = (owner(&store).await, owner(&store).await);
        let first = repo.create(new_workflow(ada, "first")).await.unwrap();
        assert_counted(&store, ada, "the first create").await;
        let second = repo.create(new_workflow(ada, "second")).await.unwrap();
        repo.create(new_workflow(bob, "bob's")).await.unwrap();
        assert_counted(&store, ada, "a second create").await;
        assert_counted(&store, bob, "another owner's create").await;

        let rename = |name: &str| WorkflowPatch {
            name: Some(name.to_owned()),
            ..WorkflowPatch::default()
        };
        repo.update(ada, first.id, rename("a much longer name than before"))
            .await
            .unwrap();
        assert_counted(&store, ada, "a growing rename").await;
        repo.update(ada, first.id, rename("f")).await.unwrap();
        assert_counted(&store, ada, "a shrinking rename").await;
        repo.update(
            ada,
            first.id,
            WorkflowPatch {
                graph: Some(json!({"nodes": [], "edges": []})),
                plan: Some(json!({"steps": ["one", "two", "three"]})),
                status: Some(WorkflowStatus::Deployed),
                ..WorkflowPatch::default()
            },
        )
        .await
        .unwrap();
        assert_counted(&store, ada, "a graph, plan and status change").await;
        repo.update(ada, first.id, WorkflowPatch::default())
            .await
            .unwrap();
        assert_counted(&store, ada, "an empty patch").await;
        // Code changes keep versions; past two, the oldest are pruned.
        for i in 0..5 {
            let code = "x = 1\n".repeat(10 * (i + 1));
            repo.update(ada, first.id, code_patch(&code)).await.unwrap();
            assert_counted(&store, ada, &format!("code change {i}")).await;
        }
        let kept = repo
            .versions(ada, first.id, VersionsPage::default())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(kept.len(), 2, "versions were pruned");

        // Refused writes change nothing.
        repo.create(new_workflow(ada, "third")).await.unwrap();
        let err = repo.create(new_workflow(ada, "fourth")).await.unwrap_err();
        assert!(
            matches!(
                err,
                RepoError::QuotaExceeded(QuotaExceeded::Workflows { max: 3 })
            ),
            "{err:?}"
        );
        assert_counted(&store, ada, "a create refused for the count").await;
        let err = repo
            .update(ada, second.id, code_patch(&"#".repeat(20_000)))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                RepoError::QuotaExceeded(QuotaExceeded::StoredBytes { max: 20_000 })
            ),
            "{err:?}"
        );
        assert_counted(&store, ada, "an update refused for its bytes").await;

        // Deletes give back the row and its versions; a missing one changes nothing.
        assert!(repo.delete(ada, first.id).await.unwrap());
        assert_counted(&store, ada, "deleting a workflow with versions").await;
        assert!(!repo.delete(ada, first.id).await.unwrap());
        assert!(!repo.delete(bob, second.id).await.unwrap(), "not bob's");
        assert_counted(&store, ada, "deleting what is gone").await;
        assert_counted(&store, bob, "deleting another owner's").await;
        repo.create(new_workflow(ada, "fourth")).await.unwrap();
        assert_counted(&store, ada, "a create in the freed place").await;
    }

    async fn a_missing_usage_row_is_rebuilt_from_the_tables(db: TestDatabase) {
        use diesel::prelude::*;

        use crate::schema::workflow_usage;

        let store = db.migrated_store().await;
        let repo = store.workflows();
        let owner = owner(&store).await;
        let wf = repo.create(new_workflow(owner, "wf")).await.unwrap();
        repo.update(owner, wf.id, code_patch("v2")).await.unwrap();
        let drop_row = || {
            let id = crate::repos::uuid_to_db(owner.0);
            crate::pool::run(store.pool(), move |c| {
                Ok(diesel::delete(workflow_usage::table)
                    .filter(workflow_usage::owner_id.eq(&id))
                    .execute(c)?)
            })
        };
        assert_eq!(drop_row().await.unwrap(), 1);
        repo.update(owner, wf.id, code_patch("v3, longer than v2"))
            .await
            .unwrap();
        assert_counted(&store, owner, "an update without a usage row").await;
        assert_eq!(drop_row().await.unwrap(), 1);
        assert!(repo.delete(owner, wf.id).await.unwrap());
        assert_counted(&store, owner, "a delete without a usage row").await;
        assert_eq!(drop_row().await.unwrap(), 1);
        repo.create(new_workflow(owner, "again")).await.unwrap();
        assert_counted(&store, owner, "a create without a usage row").await;
    }

    /// Runs `n` creates at once; returns how many passed, after checking that every other
    /// one was refused with `over`.
    async fn race_creates(
        repo: &std::sync::Arc<dyn cue_workflows::repo::WorkflowRepository>,
        n: usize,
        new: impl Fn() -> NewWorkflow,
        over: &QuotaExceeded,
    ) -> usize {
        let tasks: Vec<_> = (0..n)
            .map(|_| {
                let (repo, new) = (repo.clone(), new());
                tokio::spawn(async move { repo.create(new).await })
            })
            .collect();
        let mut passed = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => passed += 1,
                Err(RepoError::QuotaExceeded(e)) => assert_eq!(&e, over),
                Err(e) => panic!("{e:?}"),
            }
        }
        passed
    }

    async fn parallel_creates_at_the_edge_of_the_quota_do_not_both_pass(db: TestDatabase) {
        let store = db.migrated_store().await;
        let quota = StorageQuota {
            max_workflows: 3,
            max_stored_bytes: 4000,
            ..StorageQuota::default()
        };
        let repo = limited(&store, quota);
        let (ada, bob) = (owner(&store).await, owner(&store).await);
        repo.create(new_workflow(ada, "1")).await.unwrap();
        repo.create(new_workflow(ada, "2")).await.unwrap();
        let over = QuotaExceeded::Workflows { max: 3 };
        let passed = race_creates(&repo, 6, || new_workflow(ada, "3"), &over).await;
        assert_eq!(passed, 1, "one place left, one create passes");
        assert_eq!(repo.list(ada, 10, 0).await.unwrap().total, 3);
        assert_counted(&store, ada, "racing for the last place").await;

        // Bytes: each of these takes a little more than 1,500 of the 4,000 allowed.
        let big = move || NewWorkflow {
            code: "#".repeat(1500),
            ..new_workflow(bob, "big")
        };
        repo.create(big()).await.unwrap();
        let over = QuotaExceeded::StoredBytes { max: 4000 };
        let passed = race_creates(&repo, 6, big, &over).await;
        assert_eq!(passed, 1, "room for one more, one create passes");
        assert_counted(&store, bob, "racing for the last bytes").await;
    }

    async fn parallel_first_saves_of_a_new_owner_share_one_usage_row(db: TestDatabase) {
        let store = db.migrated_store().await;
        let repo = limited(
            &store,
            StorageQuota {
                max_workflows: 3,
                ..StorageQuota::default()
            },
        );
        // An owner created after the migration has no usage row until their first save.
        let owner = owner(&store).await;
        assert_eq!(usage_and_tables(&store, owner).await.0, None);
        let over = QuotaExceeded::Workflows { max: 3 };
        let passed = race_creates(&repo, 8, || new_workflow(owner, "wf"), &over).await;
        assert_eq!(passed, 3);
        assert_counted(&store, owner, "racing first saves").await;
    }

    async fn the_usage_migration_counts_what_is_already_stored(db: TestDatabase) {
        use diesel::connection::SimpleConnection;

        let store = db.migrated_store().await;
        let repo = limited(
            &store,
            StorageQuota {
                max_versions: 2,
                ..StorageQuota::default()
            },
        );
        let (ada, bob, eve) = (
            owner(&store).await,
            owner(&store).await,
            owner(&store).await,
        );
        for i in 0..3 {
            let wf = repo.create(new_workflow(ada, "wf")).await.unwrap();
            for v in 0..i {
                repo.update(ada, wf.id, code_patch(&format!("v = {v}\n")))
                    .await
                    .unwrap();
            }
        }
        repo.create(new_workflow(bob, "wf")).await.unwrap();
        // The table as it was before the migration: gone. Then the migration, as written.
        let up = match db.backend() {
            crate::Backend::Sqlite => {
                include_str!(
                    "../../../../migrations/sqlite/2026-12-06-000020_workflow_usage/up.sql"
                )
            }
            crate::Backend::Postgres => include_str!(
                "../../../../migrations/postgres/2026-12-06-000020_workflow_usage/up.sql"
            ),
        };
        crate::pool::run(store.pool(), move |c| {
            c.batch_execute("DROP TABLE workflow_usage")?;
            c.batch_execute(up)?;
            Ok(())
        })
        .await
        .unwrap();
        assert_counted(&store, ada, "the migration (workflows with versions)").await;
        assert_counted(&store, bob, "the migration (one workflow)").await;
        assert_counted(&store, eve, "the migration (no workflow)").await;
        assert_eq!(usage_and_tables(&store, eve).await.0, Some((0, 0)));
    }
}
