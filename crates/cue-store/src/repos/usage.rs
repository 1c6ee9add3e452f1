//! Each owner's workflow count and stored bytes (`workflow_usage`), the counters the
//! [`StorageQuota`] is checked against.
//!
//! Every write that changes what an owner stores moves the counters in its own transaction,
//! before it touches `workflows` or `workflow_versions`, with one conditional `UPDATE`: the
//! row is changed only if the result stays within the quota (a change that does not grow is
//! always applied). So a save costs one indexed row instead of a count and a sum over all of
//! the owner's workflows, and two saves racing at the edge of the quota cannot both pass: on
//! PostgreSQL the second `UPDATE` waits for the first's row lock and re-checks its condition
//! against the committed row; SQLite's `BEGIN IMMEDIATE` runs one writer at a time.

use cue_workflows::repo::{QuotaExceeded, StorageQuota};
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::error::DbError;
use crate::pool::AnyConnection;
use crate::schema::{users, workflow_usage, workflows};

/// How much a write changes an owner's usage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UsageChange {
    pub(crate) workflows: i64,
    pub(crate) bytes: i64,
}

/// Applies `change` to the owner's counters if they stay within `quota`, inside the caller's
/// transaction. Call it before the write it counts: a missing row is then rebuilt from the
/// tables as they are before that write.
pub(crate) fn apply(
    conn: &mut AnyConnection,
    owner: &str,
    change: UsageChange,
    quota: StorageQuota,
) -> Result<Result<(), QuotaExceeded>, DbError> {
    // The conditional UPDATE can change nothing for a reason that is gone by the time the row
    // is read: on PostgreSQL a concurrent first save's row is invisible to the UPDATE until it
    // commits, then visible to the read. So a refusal is reported only when the row read back
    // is over the quota; otherwise the UPDATE runs again. Each retry follows a commit by
    // another writer of the same owner, so a few rounds always settle.
    const ROUNDS: usize = 4;
    for _ in 0..ROUNDS {
        if try_apply(conn, owner, change, quota)? {
            return Ok(Ok(()));
        }
        match read(conn, owner)? {
            // Only users created after the migration, before their first save, have no row.
            None => rebuild(conn, owner)?,
            Some(current) => {
                if let Some(over) = exceeded(current, change, quota) {
                    return Ok(Err(over));
                }
            }
        }
    }
    Err(DbError::internal(
        "workflow usage kept changing under a save; try again",
    ))
}

/// The one conditional `UPDATE`; `false` when it changed nothing (over the quota, or no row).
fn try_apply(
    conn: &mut AnyConnection,
    owner: &str,
    change: UsageChange,
    quota: StorageQuota,
) -> Result<bool, DbError> {
    // A limit that does not grow is i64::MAX: `x <= i64::MAX` always holds.
    let max_workflows = if change.workflows > 0 {
        i64::from(quota.max_workflows) - change.workflows
    } else {
        i64::MAX
    };
    let max_bytes = if change.bytes > 0 {
        to_i64(quota.max_stored_bytes).saturating_sub(change.bytes)
    } else {
        i64::MAX
    };
    let updated = diesel::update(workflow_usage::table)
        .filter(workflow_usage::owner_id.eq(owner))
        .filter(workflow_usage::workflows.le(max_workflows))
        .filter(workflow_usage::stored_bytes.le(max_bytes))
        .set((
            workflow_usage::workflows.eq(workflow_usage::workflows + change.workflows),
            workflow_usage::stored_bytes.eq(workflow_usage::stored_bytes + change.bytes),
        ))
        .execute(conn)?;
    Ok(updated > 0)
}

/// Which limit `change` would pass from `current` (workflows, bytes), if any. The workflow
/// count is named first when both would.
fn exceeded(
    current: (i64, i64),
    change: UsageChange,
    quota: StorageQuota,
) -> Option<QuotaExceeded> {
    let (workflows, bytes) = current;
    if change.workflows > 0
        && workflows.saturating_add(change.workflows) > i64::from(quota.max_workflows)
    {
        Some(QuotaExceeded::Workflows {
            max: quota.max_workflows,
        })
    } else if change.bytes > 0
        && bytes.saturating_add(change.bytes) > to_i64(quota.max_stored_bytes)
    {
        Some(QuotaExceeded::StoredBytes {
            max: quota.max_stored_bytes,
        })
    } else {
        None
    }
}

/// The owner's counters (workflows, bytes), if they have a row.
pub(crate) fn read(conn: &mut AnyConnection, owner: &str) -> Result<Option<(i64, i64)>, DbError> {
    Ok(workflow_usage::table
        .filter(workflow_usage::owner_id.eq(owner))
        .select((workflow_usage::workflows, workflow_usage::stored_bytes))
        .first(conn)
        .optional()?)
}

/// Creates the owner's row from their workflows. The owner's `users` row is locked first, so
/// two first saves of one owner at once on PostgreSQL do not both insert it (the second sees
/// the first's row once it gets the lock).
fn rebuild(conn: &mut AnyConnection, owner: &str) -> Result<(), DbError> {
    diesel::update(users::table)
        .filter(users::id.eq(owner))
        .set(users::updated_at.eq(users::updated_at))
        .execute(conn)?;
    if read(conn, owner)?.is_some() {
        return Ok(());
    }
    let (workflows, bytes) = counted(conn, owner)?;
    // An unknown owner fails here on the foreign key, as the workflow's insert would.
    diesel::insert_into(workflow_usage::table)
        .values((
            workflow_usage::owner_id.eq(owner),
            workflow_usage::workflows.eq(workflows),
            workflow_usage::stored_bytes.eq(bytes),
        ))
        .execute(conn)?;
    Ok(())
}

/// What [`counted`] selects. PostgreSQL's SUM of a BIGINT is a NUMERIC; the cast gives both
/// backends a BIGINT. The index `workflows_owner_bytes_idx` covers it.
pub(crate) const COUNTED_COLUMNS: &str = "COUNT(*), CAST(COALESCE(SUM(stored_bytes), 0) AS BIGINT)";

/// The owner's workflow count and stored bytes as the `workflows` table has them: what the
/// counters must equal, and what a missing row is rebuilt from.
pub(crate) fn counted(conn: &mut AnyConnection, owner: &str) -> Result<(i64, i64), DbError> {
    Ok(workflows::table
        .filter(workflows::owner_id.eq(owner))
        .select(diesel::dsl::sql::<(BigInt, BigInt)>(COUNTED_COLUMNS))
        .first(conn)?)
}

pub(crate) fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
