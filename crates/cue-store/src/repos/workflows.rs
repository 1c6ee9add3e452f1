//! [`WorkflowRepository`] over the `workflows` and `workflow_versions` tables.

use async_trait::async_trait;
use chrono::NaiveDateTime;
use cue_workflows::repo::{
    NewWorkflow, OwnerId, RepoError, WorkflowId, WorkflowPage, WorkflowPatch, WorkflowRecord, WorkflowRepository,
    WorkflowVersion,
};
use diesel::prelude::*;

use super::{db_now, from_db_time, uuid_from_db, uuid_to_db};
use crate::error::DbError;
use crate::pool::{AnyConnection, Pool, run, write_transaction};
use crate::schema::{workflow_versions, workflows};

/// Saved workflows and their earlier code, stored in the database.
#[derive(Clone)]
pub struct DbWorkflowRepository {
    pool: Pool,
}

impl DbWorkflowRepository {
    pub(crate) fn new(pool: Pool) -> Self {
        Self { pool }
    }
}

impl std::fmt::Debug for DbWorkflowRepository {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbWorkflowRepository").finish_non_exhaustive()
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
}

impl WorkflowRow {
    fn into_record(self) -> Result<WorkflowRecord, DbError> {
        Ok(WorkflowRecord {
            id: WorkflowId(uuid_from_db(&self.id, "workflow id")?),
            owner: OwnerId(uuid_from_db(&self.owner_id, "owner id")?),
            name: self.name,
            description: self.description,
            prompt: self.prompt,
            code: self.code,
            graph: parse_json(&self.graph_json, "workflow graph")?,
            plan: parse_json(&self.plan_json, "workflow plan")?,
            status: self.status,
            version: self.version,
            created_at: from_db_time(self.created_at),
            updated_at: from_db_time(self.updated_at),
        })
    }
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

fn find_owned(conn: &mut AnyConnection, owner: &str, id: &str) -> Result<Option<WorkflowRow>, DbError> {
    // Filtering on the owner too makes another owner's workflow indistinguishable from none.
    Ok(workflows::table
        .filter(workflows::id.eq(id))
        .filter(workflows::owner_id.eq(owner))
        .select(WorkflowRow::as_select())
        .first(conn)
        .optional()?)
}

fn apply_patch(conn: &mut AnyConnection, owner: &str, id: &str, patch: WorkflowPatch) -> Result<Option<WorkflowRow>, DbError> {
    // A no-op write first, so PostgreSQL holds the row lock before we read: two concurrent
    // code changes then cannot both archive the same version. (SQLite's BEGIN IMMEDIATE
    // already serialises writers.) Portable where SELECT ... FOR UPDATE is not.
    let locked = diesel::update(workflows::table)
        .filter(workflows::id.eq(id))
        .filter(workflows::owner_id.eq(owner))
        .set(workflows::version.eq(workflows::version))
        .execute(conn)?;
    if locked == 0 {
        return Ok(None);
    }
    let Some(mut row) = find_owned(conn, owner, id)? else {
        return Ok(None);
    };
    let previous_code = row.code.clone();
    let mut changes = WorkflowChanges {
        name: changed(&mut row.name, patch.name),
        description: changed(&mut row.description, patch.description),
        code: changed(&mut row.code, patch.code),
        graph_json: changed_json(&mut row.graph_json, patch.graph, "workflow graph")?,
        plan_json: changed_json(&mut row.plan_json, patch.plan, "workflow plan")?,
        status: changed(&mut row.status, patch.status),
        ..WorkflowChanges::default()
    };
    let anything_changed = changes.name.is_some()
        || changes.description.is_some()
        || changes.code.is_some()
        || changes.graph_json.is_some()
        || changes.plan_json.is_some()
        || changes.status.is_some();
    if !anything_changed {
        return Ok(Some(row));
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
        row.version = row.version.checked_add(1).ok_or_else(|| DbError::corrupt("workflow version"))?;
        row.code_updated_at = now;
        changes.version = Some(row.version);
        changes.code_updated_at = Some(now);
    }
    row.updated_at = now;
    changes.updated_at = Some(now);
    diesel::update(workflows::table)
        .filter(workflows::id.eq(id))
        .filter(workflows::owner_id.eq(owner))
        .set(&changes)
        .execute(conn)?;
    Ok(Some(row))
}

#[async_trait]
impl WorkflowRepository for DbWorkflowRepository {
    async fn create(&self, new: NewWorkflow) -> Result<WorkflowRecord, RepoError> {
        let now = db_now();
        let row = WorkflowRow {
            id: uuid_to_db(new.id.0),
            owner_id: uuid_to_db(new.owner.0),
            name: new.name,
            description: new.description,
            prompt: new.prompt,
            code: new.code,
            graph_json: to_json(&new.graph)?,
            plan_json: to_json(&new.plan)?,
            status: new.status,
            version: 1,
            code_updated_at: now,
            created_at: now,
            updated_at: now,
        };
        let row = run(&self.pool, move |c| {
            diesel::insert_into(workflows::table).values(&row).execute(c)?;
            Ok(row)
        })
        .await?;
        Ok(row.into_record()?)
    }

    async fn get(&self, owner: OwnerId, id: WorkflowId) -> Result<Option<WorkflowRecord>, RepoError> {
        let (owner, id) = (uuid_to_db(owner.0), uuid_to_db(id.0));
        let row = run(&self.pool, move |c| find_owned(c, &owner, &id)).await?;
        Ok(row.map(WorkflowRow::into_record).transpose()?)
    }

    /// Newest first (ties broken by id, which is time-ordered). Negative limits and offsets
    /// count as zero.
    async fn list(&self, owner: OwnerId, limit: i64, offset: i64) -> Result<WorkflowPage, RepoError> {
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
                .select(WorkflowRow::as_select())
                .load(c)?;
            Ok((rows, total))
        })
        .await?;
        let items = rows
            .into_iter()
            .map(WorkflowRow::into_record)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(WorkflowPage { items, total })
    }

    async fn update(
        &self,
        owner: OwnerId,
        id: WorkflowId,
        patch: WorkflowPatch,
    ) -> Result<Option<WorkflowRecord>, RepoError> {
        let (owner, id) = (uuid_to_db(owner.0), uuid_to_db(id.0));
        let row = run(&self.pool, move |c| {
            write_transaction(c, |c| apply_patch(c, &owner, &id, patch))
        })
        .await?;
        Ok(row.map(WorkflowRow::into_record).transpose()?)
    }

    async fn delete(&self, owner: OwnerId, id: WorkflowId) -> Result<bool, RepoError> {
        let (owner, id) = (uuid_to_db(owner.0), uuid_to_db(id.0));
        let deleted = run(&self.pool, move |c| {
            Ok(diesel::delete(workflows::table)
                .filter(workflows::id.eq(&id))
                .filter(workflows::owner_id.eq(&owner))
                .execute(c)?)
        })
        .await?;
        Ok(deleted > 0)
    }

    async fn versions(&self, owner: OwnerId, id: WorkflowId) -> Result<Option<Vec<WorkflowVersion>>, RepoError> {
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
            let rows = workflow_versions::table
                .filter(workflow_versions::workflow_id.eq(&id))
                .order(workflow_versions::version.desc())
                .select(VersionRow::as_select())
                .load(c)?;
            Ok(Some(rows))
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
