//! [`RevocationRepository`] over the `revoked_tokens` table.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use cue_auth::{RepoError, RevocationRepository};
use diesel::prelude::*;

use super::to_db_time;
use crate::error::DbError;
use crate::pool::{Pool, run};
use crate::schema::revoked_tokens;

/// Revoked token ids, stored in the database.
#[derive(Clone)]
pub struct DbRevocationRepository {
    pool: Pool,
}

impl DbRevocationRepository {
    pub(crate) fn new(pool: Pool) -> Self {
        Self { pool }
    }
}

impl std::fmt::Debug for DbRevocationRepository {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbRevocationRepository")
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl RevocationRepository for DbRevocationRepository {
    /// Idempotent: revoking a token again keeps the later of the two expiry times.
    async fn revoke(&self, jti: &str, expires_at: DateTime<Utc>) -> Result<(), RepoError> {
        let jti = jti.to_owned();
        let expires_at = to_db_time(expires_at);
        run(&self.pool, move |c| {
            // No ON CONFLICT (not portable through diesel's MultiBackend): insert, and on a
            // duplicate extend the existing row. Outside a transaction, so PostgreSQL has no
            // aborted transaction to recover from after the failed insert.
            let inserted = diesel::insert_into(revoked_tokens::table)
                .values((
                    revoked_tokens::jti.eq(&jti),
                    revoked_tokens::expires_at.eq(expires_at),
                ))
                .execute(c);
            match inserted.map_err(DbError::from) {
                Ok(_) => Ok(()),
                Err(DbError::Conflict(_)) => {
                    diesel::update(
                        revoked_tokens::table
                            .filter(revoked_tokens::jti.eq(&jti))
                            .filter(revoked_tokens::expires_at.lt(expires_at)),
                    )
                    .set(revoked_tokens::expires_at.eq(expires_at))
                    .execute(c)?;
                    Ok(())
                }
                Err(e) => Err(e),
            }
        })
        .await?;
        Ok(())
    }

    /// A revoked id stays revoked until purged, expired or not.
    async fn is_revoked(&self, jti: &str) -> Result<bool, RepoError> {
        let jti = jti.to_owned();
        let found = run(&self.pool, move |c| {
            Ok(revoked_tokens::table
                .find(&jti)
                .select(revoked_tokens::jti)
                .first::<String>(c)
                .optional()?)
        })
        .await?;
        Ok(found.is_some())
    }

    async fn purge_expired(&self, now: DateTime<Utc>) -> Result<u64, RepoError> {
        let now = to_db_time(now);
        let deleted = run(&self.pool, move |c| {
            Ok(
                diesel::delete(revoked_tokens::table.filter(revoked_tokens::expires_at.lt(now)))
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
    use chrono::{Duration, TimeZone, Utc};

    use crate::testing::{TestDatabase, backend_tests};

    backend_tests!(
        revoked_ids_are_revoked_and_others_not,
        revoking_twice_keeps_the_later_expiry,
        purge_removes_only_expired_revocations,
    );

    async fn revoked_ids_are_revoked_and_others_not(db: TestDatabase) {
        let store = db.migrated_store().await;
        let repo = store.revocations();
        assert!(!repo.is_revoked("jti-1").await.unwrap());
        repo.revoke("jti-1", Utc::now() + Duration::hours(1))
            .await
            .unwrap();
        assert!(repo.is_revoked("jti-1").await.unwrap());
        assert!(!repo.is_revoked("jti-2").await.unwrap());
        assert!(
            !repo.is_revoked("JTI-1").await.unwrap(),
            "ids are compared exactly"
        );
    }

    async fn revoking_twice_keeps_the_later_expiry(db: TestDatabase) {
        let store = db.migrated_store().await;
        let repo = store.revocations();
        let now = Utc.with_ymd_and_hms(2030, 6, 1, 0, 0, 0).unwrap();
        repo.revoke("twice", now + Duration::hours(1))
            .await
            .unwrap();
        repo.revoke("twice", now + Duration::hours(3))
            .await
            .unwrap();
        repo.revoke("twice", now + Duration::hours(2))
            .await
            .unwrap();
        assert_eq!(
            repo.purge_expired(now + Duration::hours(2) + Duration::minutes(30))
                .await
                .unwrap(),
            0
        );
        assert!(repo.is_revoked("twice").await.unwrap());
        assert_eq!(
            repo.purge_expired(now + Duration::hours(4)).await.unwrap(),
            1
        );
        assert!(!repo.is_revoked("twice").await.unwrap());
    }

    async fn purge_removes_only_expired_revocations(db: TestDatabase) {
        let store = db.migrated_store().await;
        let repo = store.revocations();
        let now = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
        repo.revoke("past", now - Duration::seconds(1))
            .await
            .unwrap();
        repo.revoke("past-2", now - Duration::days(1))
            .await
            .unwrap();
        repo.revoke("future", now + Duration::seconds(1))
            .await
            .unwrap();
        assert_eq!(repo.purge_expired(now).await.unwrap(), 2);
        assert!(!repo.is_revoked("past").await.unwrap());
        assert!(repo.is_revoked("future").await.unwrap());
    }
}
