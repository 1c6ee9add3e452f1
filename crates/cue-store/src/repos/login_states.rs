//! [`LoginStateRepository`] over the `login_states` table.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDateTime, Utc};
use cue_auth::{LoginState, LoginStateRepository, Provider, RepoError};
use diesel::prelude::*;

use super::{from_db_time, to_db_time};
use crate::error::DbError;
use crate::pool::{Pool, run, write_transaction};
use crate::schema::login_states;

/// Single-use login states, stored in the database.
#[derive(Clone)]
pub struct DbLoginStateRepository {
    pool: Pool,
}

impl DbLoginStateRepository {
    pub(crate) fn new(pool: Pool) -> Self {
        Self { pool }
    }
}

impl std::fmt::Debug for DbLoginStateRepository {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbLoginStateRepository").finish_non_exhaustive()
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = login_states)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct LoginStateRow {
    state_hash: String,
    provider: String,
    pkce_verifier: String,
    expires_at: NaiveDateTime,
}

impl LoginStateRow {
    fn into_state(self) -> Result<LoginState, DbError> {
        Ok(LoginState {
            provider: Provider::parse(&self.provider).ok_or_else(|| DbError::corrupt("provider"))?,
            state_hash: self.state_hash,
            pkce_verifier: self.pkce_verifier,
            expires_at: from_db_time(self.expires_at),
        })
    }
}

#[async_trait]
impl LoginStateRepository for DbLoginStateRepository {
    /// `Conflict` when a state with this hash is already stored.
    async fn put(&self, state: LoginState) -> Result<(), RepoError> {
        let row = LoginStateRow {
            state_hash: state.state_hash,
            provider: state.provider.as_str().to_owned(),
            pkce_verifier: state.pkce_verifier,
            expires_at: to_db_time(state.expires_at),
        };
        run(&self.pool, move |c| {
            diesel::insert_into(login_states::table).values(&row).execute(c)?;
            Ok(())
        })
        .await?;
        Ok(())
    }

    /// Reads and deletes in one transaction and returns the row only if this call's delete
    /// removed it, so of two concurrent takers exactly one gets the state. Expired states are
    /// returned too: judging expiry is the caller's business.
    async fn take(&self, state_hash: &str) -> Result<Option<LoginState>, RepoError> {
        let state_hash = state_hash.to_owned();
        let row = run(&self.pool, move |c| {
            write_transaction(c, |c| {
                let Some(row) = login_states::table
                    .find(&state_hash)
                    .select(LoginStateRow::as_select())
                    .first(c)
                    .optional()?
                else {
                    return Ok(None);
                };
                let deleted = diesel::delete(login_states::table.filter(login_states::state_hash.eq(&state_hash)))
                    .execute(c)?;
                Ok((deleted == 1).then_some(row))
            })
        })
        .await?;
        Ok(row.map(LoginStateRow::into_state).transpose()?)
    }

    async fn purge_expired(&self, now: DateTime<Utc>) -> Result<u64, RepoError> {
        let now = to_db_time(now);
        let deleted = run(&self.pool, move |c| {
            Ok(diesel::delete(login_states::table.filter(login_states::expires_at.lt(now))).execute(c)?)
        })
        .await?;
        Ok(deleted as u64)
    }
}
