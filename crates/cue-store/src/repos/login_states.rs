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
        f.debug_struct("DbLoginStateRepository")
            .finish_non_exhaustive()
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
            provider: Provider::parse(&self.provider)
                .ok_or_else(|| DbError::corrupt("provider"))?,
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
            diesel::insert_into(login_states::table)
                .values(&row)
                .execute(c)?;
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
                let deleted = diesel::delete(
                    login_states::table.filter(login_states::state_hash.eq(&state_hash)),
                )
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
            Ok(
                diesel::delete(login_states::table.filter(login_states::expires_at.lt(now)))
                    .execute(c)?,
            )
        })
        .await?;
        Ok(deleted as u64)
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use chrono::{Duration, SubsecRound, TimeZone, Utc};
    use cue_auth::{LoginState, Provider, RepoError};

    use crate::repos::fixtures::awkward_text;
    use crate::testing::{TestDatabase, backend_tests};

    backend_tests!(
        put_then_take_returns_the_state_once,
        take_of_an_unknown_state_is_none,
        putting_a_state_twice_is_a_conflict,
        concurrent_takers_exactly_one_wins,
        purge_removes_only_expired_states,
        expired_states_are_still_taken,
        unicode_and_long_text_round_trip,
    );

    fn state(hash: &str, expires_in: Duration) -> LoginState {
        LoginState {
            state_hash: hash.to_owned(),
            provider: Provider::Github,
            pkce_verifier: "verifier-43-chars-long-xxxxxxxxxxxxxxxxxxxxx".into(),
            // sub-microsecond digits are dropped by the store
            expires_at: (Utc::now() + expires_in).trunc_subsecs(6),
        }
    }

    async fn put_then_take_returns_the_state_once(db: TestDatabase) {
        let store = db.migrated_store().await;
        let repo = store.login_states();
        let s = state("h1", Duration::minutes(10));
        repo.put(s.clone()).await.unwrap();
        assert_eq!(repo.take("h1").await.unwrap(), Some(s));
        assert_eq!(repo.take("h1").await.unwrap(), None, "single use");
    }

    async fn take_of_an_unknown_state_is_none(db: TestDatabase) {
        let store = db.migrated_store().await;
        assert_eq!(store.login_states().take("nope").await.unwrap(), None);
    }

    async fn putting_a_state_twice_is_a_conflict(db: TestDatabase) {
        let store = db.migrated_store().await;
        let repo = store.login_states();
        repo.put(state("dup", Duration::minutes(1))).await.unwrap();
        let err = repo
            .put(state("dup", Duration::minutes(2)))
            .await
            .unwrap_err();
        assert!(matches!(err, RepoError::Conflict), "{err:?}");
    }

    async fn concurrent_takers_exactly_one_wins(db: TestDatabase) {
        let store = db.migrated_store().await;
        let repo = store.login_states();
        for round in 0..5 {
            let hash = format!("race-{round}");
            repo.put(state(&hash, Duration::minutes(10))).await.unwrap();
            let takers: Vec<_> = (0..4)
                .map(|_| {
                    let repo = repo.clone();
                    let hash = hash.clone();
                    tokio::spawn(async move { repo.take(&hash).await })
                })
                .collect();
            let mut winners = 0;
            for t in takers {
                if t.await.unwrap().unwrap().is_some() {
                    winners += 1;
                }
            }
            assert_eq!(winners, 1, "round {round}");
        }
    }

    async fn purge_removes_only_expired_states(db: TestDatabase) {
        let store = db.migrated_store().await;
        let repo = store.login_states();
        let now = Utc.with_ymd_and_hms(2030, 1, 1, 12, 0, 0).unwrap();
        let at = |hash: &str, t| LoginState {
            state_hash: hash.into(),
            provider: Provider::Google,
            pkce_verifier: "v".into(),
            expires_at: t,
        };
        repo.put(at("old", now - Duration::hours(1))).await.unwrap();
        repo.put(at("just-expired", now - Duration::microseconds(1)))
            .await
            .unwrap();
        repo.put(at("exactly-now", now)).await.unwrap();
        repo.put(at("later", now + Duration::hours(1)))
            .await
            .unwrap();
        // a fractional second compares correctly with a whole one on SQLite's text timestamps
        repo.put(at("fraction", now + Duration::milliseconds(500)))
            .await
            .unwrap();

        assert_eq!(repo.purge_expired(now).await.unwrap(), 2);
        assert_eq!(
            repo.purge_expired(now).await.unwrap(),
            0,
            "nothing left to purge"
        );
        assert!(repo.take("old").await.unwrap().is_none());
        assert!(repo.take("just-expired").await.unwrap().is_none());
        assert!(repo.take("exactly-now").await.unwrap().is_some());
        assert!(repo.take("later").await.unwrap().is_some());
        assert!(repo.take("fraction").await.unwrap().is_some());
    }

    async fn expired_states_are_still_taken(db: TestDatabase) {
        let store = db.migrated_store().await;
        let repo = store.login_states();
        let s = state("stale", -Duration::minutes(5));
        repo.put(s.clone()).await.unwrap();
        assert_eq!(
            repo.take("stale").await.unwrap(),
            Some(s),
            "the caller judges expiry"
        );
    }

    async fn unicode_and_long_text_round_trip(db: TestDatabase) {
        let store = db.migrated_store().await;
        let repo = store.login_states();
        let text = awkward_text();
        let mut s = state(&text, Duration::minutes(1));
        s.pkce_verifier = text.clone();
        repo.put(s.clone()).await.unwrap();
        assert_eq!(repo.take(&text).await.unwrap(), Some(s));
    }
}
