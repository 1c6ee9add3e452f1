//! [`Store`]: the pool, the migrations and the repositories handed to the rest of Cue.

use std::sync::Arc;

use cue_auth::{LoginStateRepository, RevocationRepository, UserRepository};
use cue_workflows::repo::WorkflowRepository;
use diesel::prelude::*;
use diesel::IntoSql;

use crate::config::{Backend, StoreConfig, Target};
use crate::error::{DbError, StoreError};
use crate::migrations;
use crate::pool::{AnyConnection, Pool, build_pool, run};
use crate::repos::{DbLoginStateRepository, DbRevocationRepository, DbUserRepository, DbWorkflowRepository};

/// The database behind Cue: one connection pool, over PostgreSQL or SQLite.
///
/// Cheap to clone; clones share the pool.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    backend: Backend,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .field("pool", &self.pool.status())
            .finish()
    }
}

/// Serialises migrations of several instances starting at once against one PostgreSQL.
const MIGRATION_LOCK_KEY: i64 = 0x0C0E_5702_E000_0001;

impl Store {
    /// Builds the pool and checks that the database answers.
    ///
    /// `Unavailable` when it does not within `acquire_timeout`; `InvalidUrl` for a URL of
    /// an unknown kind.
    pub async fn connect(config: &StoreConfig) -> Result<Self, StoreError> {
        let store = Self::connect_lazy(config)?;
        store.ping().await?;
        Ok(store)
    }

    /// Builds the pool without connecting; the first use opens a connection.
    pub fn connect_lazy(config: &StoreConfig) -> Result<Self, StoreError> {
        let target = Target::parse(&config.url, config.acquire_timeout)?;
        let backend = target.backend();
        let pool = build_pool(config, target)?;
        Ok(Self { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Runs `SELECT 1` on a pooled connection: for readiness checks.
    pub async fn ping(&self) -> Result<(), StoreError> {
        run(&self.pool, |c| {
            diesel::select(1.into_sql::<diesel::sql_types::Integer>()).execute(c)?;
            Ok(())
        })
        .await?;
        Ok(())
    }

    /// Applies every pending migration; returns the versions applied, oldest first.
    pub async fn run_migrations(&self) -> Result<Vec<String>, StoreError> {
        self.migrate(migrations::run_pending).await
    }

    /// Reverts every applied migration, newest first, and returns their versions. For tests
    /// and `xtask`; it drops all data.
    pub async fn revert_all_migrations(&self) -> Result<Vec<String>, StoreError> {
        self.migrate(migrations::revert_all).await
    }

    /// Names of the embedded migrations not yet applied, oldest first.
    pub async fn pending_migrations(&self) -> Result<Vec<String>, StoreError> {
        run(&self.pool, |c| Ok(migrations::pending(c)))
            .await?
            .map_err(StoreError::Migration)
    }

    async fn migrate(
        &self,
        f: fn(&mut AnyConnection) -> Result<Vec<String>, Box<dyn std::error::Error + Send + Sync>>,
    ) -> Result<Vec<String>, StoreError> {
        run(&self.pool, move |c| {
            let locked = matches!(c, AnyConnection::Postgresql(_));
            if locked {
                diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})")).execute(c)?;
            }
            let result = f(c);
            if locked {
                diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})")).execute(c)?;
            }
            Ok::<_, DbError>(result)
        })
        .await?
        .map_err(StoreError::Migration)
    }

    /// Users and identities, for `cue-auth`.
    pub fn users(&self) -> Arc<dyn UserRepository> {
        Arc::new(self.user_repository())
    }

    /// Single-use login states, for `cue-auth`.
    pub fn login_states(&self) -> Arc<dyn LoginStateRepository> {
        Arc::new(self.login_state_repository())
    }

    /// Revoked token ids, for `cue-auth`.
    pub fn revocations(&self) -> Arc<dyn RevocationRepository> {
        Arc::new(self.revocation_repository())
    }

    /// Saved workflows, for `cue-workflows`.
    pub fn workflows(&self) -> Arc<dyn WorkflowRepository> {
        Arc::new(self.workflow_repository())
    }

    pub fn user_repository(&self) -> DbUserRepository {
        DbUserRepository::new(self.pool.clone())
    }

    pub fn login_state_repository(&self) -> DbLoginStateRepository {
        DbLoginStateRepository::new(self.pool.clone())
    }

    pub fn revocation_repository(&self) -> DbRevocationRepository {
        DbRevocationRepository::new(self.pool.clone())
    }

    pub fn workflow_repository(&self) -> DbWorkflowRepository {
        DbWorkflowRepository::new(self.pool.clone())
    }

    /// Closes the pool: later checkouts fail with `Unavailable`; connections in use are
    /// closed when returned.
    pub fn close(&self) {
        self.pool.close();
    }
}
