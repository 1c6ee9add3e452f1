//! [`Store`]: the pool, the migrations and the repositories handed to the rest of Cue.

use std::sync::Arc;

use cue_auth::{LoginStateRepository, RevocationRepository, SessionRepository, UserRepository};
use cue_workflows::repo::{StorageQuota, WorkflowRepository};
use diesel::IntoSql;
use diesel::prelude::*;

use crate::config::StoreConfig;
use crate::error::{DbError, StoreError};
use crate::migrations;
use crate::pool::{AnyConnection, Pool, build_pool, run, run_within};
use crate::repos::{
    DbLoginStateRepository, DbRevocationRepository, DbUserRepository, DbWorkflowRepository,
};
use crate::target::Backend;

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

/// How the connection pool is used right now, for metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    /// The most connections the pool opens.
    pub max_size: usize,
    /// Connections open now.
    pub size: usize,
    /// Open connections not checked out.
    pub idle: usize,
    /// Callers waiting for a connection.
    pub waiting: usize,
}

/// One of the harness operations in [`migrations`], run on a pooled connection.
type MigrationStep =
    fn(&mut AnyConnection) -> Result<Vec<String>, Box<dyn std::error::Error + Send + Sync>>;

/// Serialises migrations of several instances starting at once against one PostgreSQL.
const MIGRATION_LOCK_KEY: i64 = 0x0C0E_5702_E000_0001;

impl Store {
    /// Builds the pool and checks that the database answers.
    ///
    /// `Unavailable` when it does not within the configured timeouts; `InvalidUrl` for a URL of
    /// an unknown kind.
    pub async fn connect(config: &StoreConfig) -> Result<Self, StoreError> {
        let store = Self::connect_lazy(config)?;
        store.ping().await?;
        Ok(store)
    }

    /// Builds the pool without connecting; the first use opens a connection.
    pub fn connect_lazy(config: &StoreConfig) -> Result<Self, StoreError> {
        let target = config.target()?;
        let backend = target.backend();
        let pool = build_pool(config, target)?;
        Ok(Self { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool_status(&self) -> PoolStatus {
        let status = self.pool.status();
        PoolStatus {
            max_size: status.max_size,
            size: status.size,
            idle: status.available,
            waiting: status.waiting,
        }
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
        let applied = self.migrate(migrations::run_pending).await?;
        if !applied.is_empty() {
            tracing::info!(backend = %self.backend, ?applied, "applied database migrations");
        }
        Ok(applied)
    }

    /// Reverts every applied migration, newest first, and returns their versions. For tests
    /// and `xtask`; it drops all data.
    pub async fn revert_all_migrations(&self) -> Result<Vec<String>, StoreError> {
        let reverted = self.migrate(migrations::revert_all).await?;
        tracing::warn!(backend = %self.backend, ?reverted, "reverted all database migrations");
        Ok(reverted)
    }

    /// Names of the embedded migrations not yet applied, oldest first.
    pub async fn pending_migrations(&self) -> Result<Vec<String>, StoreError> {
        run(&self.pool, |c| Ok(migrations::pending(c)))
            .await?
            .map_err(StoreError::Migration)
    }

    /// Runs a migration step without the query deadline: on PostgreSQL under an advisory
    /// lock and with the connection's `statement_timeout` lifted for the duration.
    async fn migrate(&self, f: MigrationStep) -> Result<Vec<String>, StoreError> {
        run_within(&self.pool, None, move |c| {
            let postgres = matches!(c, AnyConnection::Postgresql(_));
            if postgres {
                diesel::sql_query("SET statement_timeout = 0").execute(c)?;
                diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))
                    .execute(c)?;
            }
            let result = f(c);
            if postgres {
                diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))
                    .execute(c)?;
                diesel::sql_query("RESET statement_timeout").execute(c)?;
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

    /// The user-and-revocation lookup of each authenticated request, for `cue-auth`.
    pub fn sessions(&self) -> Arc<dyn SessionRepository> {
        Arc::new(self.user_repository())
    }

    /// Saved workflows, for `cue-workflows`, within the default [`StorageQuota`].
    pub fn workflows(&self) -> Arc<dyn WorkflowRepository> {
        Arc::new(self.workflow_repository())
    }

    /// Saved workflows within `quota` per owner.
    pub fn workflows_with_quota(&self, quota: StorageQuota) -> Arc<dyn WorkflowRepository> {
        Arc::new(DbWorkflowRepository::new(self.pool.clone(), quota))
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
        DbWorkflowRepository::new(self.pool.clone(), StorageQuota::default())
    }

    /// Closes the pool: later checkouts fail with `Unavailable`; connections in use are
    /// closed when returned.
    pub fn close(&self) {
        self.pool.close();
    }

    /// The pool, for tests that look at the tables behind a repository.
    #[cfg(test)]
    pub(crate) fn pool(&self) -> &Pool {
        &self.pool
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use std::collections::BTreeMap;
    use std::time::{Duration, Instant};

    use cue_auth::{Provider, UserId};
    use cue_workflows::repo::OwnerId;
    use diesel::sql_types::Text;

    use super::*;
    use crate::repos::fixtures::user;
    use crate::testing::{TestDatabase, backend_tests, fresh_database};

    backend_tests!(
        migrations_go_up_down_and_up_again,
        connect_pings_and_names_its_backend,
        repositories_fail_unavailable_once_the_pool_is_closed,
    );

    const TABLES: [&str; 6] = [
        "identities",
        "login_states",
        "revoked_tokens",
        "users",
        "workflow_versions",
        "workflows",
    ];

    #[derive(QueryableByName)]
    struct Column {
        #[diesel(sql_type = Text)]
        table_name: String,
        #[diesel(sql_type = Text)]
        column_name: String,
        #[diesel(sql_type = Text)]
        nullable: String,
    }

    /// Every column of the application's tables with its nullability, per table, in
    /// declaration order.
    async fn columns(store: &Store) -> BTreeMap<String, Vec<String>> {
        let rows = run(&store.pool, |c| {
            let sql = match c {
                AnyConnection::Postgresql(_) => {
                    "SELECT table_name::text AS table_name, column_name::text AS column_name, \
                     is_nullable::text AS nullable \
                     FROM information_schema.columns WHERE table_schema = 'public' \
                     ORDER BY table_name, ordinal_position"
                }
                AnyConnection::Sqlite(_) => {
                    "SELECT m.name AS table_name, p.name AS column_name, \
                     CASE WHEN p.\"notnull\" = 1 THEN 'NO' ELSE 'YES' END AS nullable \
                     FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                     WHERE m.type = 'table' ORDER BY m.name, p.cid"
                }
            };
            Ok(diesel::sql_query(sql).load::<Column>(c)?)
        })
        .await
        .unwrap();
        let mut tables: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for r in rows {
            if TABLES.contains(&r.table_name.as_str()) {
                tables
                    .entry(r.table_name)
                    .or_default()
                    .push(format!("{} nullable={}", r.column_name, r.nullable));
            }
        }
        tables
    }

    async fn migrations_go_up_down_and_up_again(db: TestDatabase) {
        let store = Store::connect(&db.config()).await.unwrap();
        let all = store.pending_migrations().await.unwrap();
        assert_eq!(
            all,
            migration_folders(db.backend()),
            "every folder is embedded, in order"
        );
        assert!(columns(&store).await.is_empty());

        let applied = store.run_migrations().await.unwrap();
        assert_eq!(applied.len(), all.len());
        assert!(store.pending_migrations().await.unwrap().is_empty());
        assert_eq!(
            store.run_migrations().await.unwrap(),
            Vec::<String>::new(),
            "idempotent"
        );
        let schema = columns(&store).await;
        assert_eq!(
            schema.keys().map(String::as_str).collect::<Vec<_>>(),
            TABLES
        );
        user(&store).await;

        let reverted = store.revert_all_migrations().await.unwrap();
        assert_eq!(reverted.len(), all.len());
        assert!(
            columns(&store).await.is_empty(),
            "down.sql drops everything up.sql made"
        );
        assert_eq!(store.pending_migrations().await.unwrap(), all);

        store.run_migrations().await.unwrap();
        assert_eq!(columns(&store).await, schema);
        let u = user(&store).await;
        let found = store.users().find(u.id).await.unwrap();
        assert_eq!(found, Some(u), "usable after going up again");
    }

    /// The migration folder names of a backend, sorted as diesel applies them.
    fn migration_folders(backend: Backend) -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../migrations")
            .join(backend.as_str());
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.path().join("up.sql").is_file() && e.path().join("down.sql").is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn both_backends_have_the_same_migrations() {
        let postgres = migration_folders(Backend::Postgres);
        assert!(!postgres.is_empty());
        assert_eq!(postgres, migration_folders(Backend::Sqlite));
    }

    #[tokio::test]
    async fn both_backends_have_the_same_tables_and_columns() {
        let Some(pg) = fresh_database(Backend::Postgres).await else {
            return;
        };
        let sqlite = fresh_database(Backend::Sqlite).await.unwrap();
        let (pg, sqlite) = (pg.migrated_store().await, sqlite.migrated_store().await);
        let (pg_cols, sqlite_cols) = (columns(&pg).await, columns(&sqlite).await);
        assert_eq!(pg_cols.len(), TABLES.len());
        assert_eq!(pg_cols, sqlite_cols);
    }

    async fn connect_pings_and_names_its_backend(db: TestDatabase) {
        let store = Store::connect(&db.config()).await.unwrap();
        assert_eq!(store.backend(), db.backend());
        store.ping().await.unwrap();
        assert!(format!("{store:?}").contains("backend"));
    }

    async fn repositories_fail_unavailable_once_the_pool_is_closed(db: TestDatabase) {
        let store = db.migrated_store().await;
        store.close();
        assert!(matches!(
            store.ping().await,
            Err(StoreError::Unavailable(_))
        ));
        let err = store.users().find(UserId::new()).await.unwrap_err();
        assert!(
            matches!(err, cue_auth::RepoError::Unavailable(_)),
            "{err:?}"
        );
    }

    /// Every port method of a store whose database is down, each bounded in time.
    async fn assert_all_unavailable(store: &Store) {
        let started = Instant::now();
        let owner = OwnerId(UserId::new().0);
        let id = cue_workflows::repo::WorkflowId::new();
        let results: Vec<(&str, Result<(), String>)> = vec![
            ("ping", unavailable_store(store.ping().await)),
            (
                "users.find",
                unavailable_auth(store.users().find(UserId::new()).await),
            ),
            (
                "users.find_by_identity",
                unavailable_auth(store.users().find_by_identity(Provider::Google, "s").await),
            ),
            (
                "users.record_login",
                unavailable_auth(
                    store
                        .users()
                        .record_login(UserId::new(), Provider::Github)
                        .await,
                ),
            ),
            (
                "login_states.take",
                unavailable_auth(store.login_states().take("h").await),
            ),
            (
                "revocations.is_revoked",
                unavailable_auth(store.revocations().is_revoked("j").await),
            ),
            (
                "sessions.session",
                unavailable_auth(store.sessions().session(UserId::new(), "j").await),
            ),
            (
                "workflows.get",
                unavailable_wf(store.workflows().get(owner, id).await),
            ),
            (
                "workflows.list",
                unavailable_wf(store.workflows().list(owner, 10, 0).await),
            ),
            (
                "run_migrations",
                unavailable_store(store.run_migrations().await),
            ),
        ];
        for (what, result) in results {
            assert_eq!(result, Ok(()), "{what}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "took {:?}",
            started.elapsed()
        );
    }

    fn unavailable_store<T>(r: Result<T, StoreError>) -> Result<(), String> {
        match r {
            Err(StoreError::Unavailable(_)) => Ok(()),
            Err(e) => Err(format!("{e:?}")),
            Ok(_) => Err("succeeded".into()),
        }
    }

    fn unavailable_auth<T>(r: Result<T, cue_auth::RepoError>) -> Result<(), String> {
        match r {
            Err(cue_auth::RepoError::Unavailable(_)) => Ok(()),
            Err(e) => Err(format!("{e:?}")),
            Ok(_) => Err("succeeded".into()),
        }
    }

    fn unavailable_wf<T>(r: Result<T, cue_workflows::repo::RepoError>) -> Result<(), String> {
        match r {
            Err(cue_workflows::repo::RepoError::Unavailable(_)) => Ok(()),
            Err(e) => Err(format!("{e:?}")),
            Ok(_) => Err("succeeded".into()),
        }
    }

    fn down_config(url: String) -> StoreConfig {
        StoreConfig {
            url,
            max_connections: 2,
            acquire_timeout: Duration::from_secs(1),
            query_timeout: Duration::from_secs(1),
        }
    }

    /// The full error chain, as a log line with causes would show it.
    fn chain(e: &dyn std::error::Error) -> String {
        let mut out = e.to_string();
        let mut source = e.source();
        while let Some(s) = source {
            out.push_str(": ");
            out.push_str(&s.to_string());
            source = s.source();
        }
        out
    }

    #[tokio::test]
    async fn a_refused_postgres_connection_is_unavailable_quickly_and_hides_the_password() {
        let config = down_config("postgres://cue:hunter2@127.0.0.1:1/cue".into());
        let started = Instant::now();
        let err = Store::connect(&config).await.unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "took {:?}",
            started.elapsed()
        );
        assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
        let shown = chain(&err);
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("SELECT"), "{shown}");
        assert!(
            !shown.to_lowercase().contains("sqlite"),
            "the real PostgreSQL error, not another backend's: {shown}"
        );

        let store = Store::connect_lazy(&config).unwrap();
        assert_eq!(store.backend(), Backend::Postgres);
        assert_all_unavailable(&store).await;
    }

    #[tokio::test]
    async fn a_postgres_that_never_answers_times_out_as_unavailable() {
        // Accepts TCP connections (the kernel does) but never speaks: without timeouts
        // a checkout would hang.
        let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = silent.local_addr().unwrap().port();
        let config = down_config(format!("postgres://cue@127.0.0.1:{port}/cue"));
        let started = Instant::now();
        let err = Store::connect(&config).await.unwrap_err();
        let took = started.elapsed();
        assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
        assert!(
            took >= Duration::from_millis(900),
            "waited for the timeout: {took:?}"
        );
        assert!(took < Duration::from_secs(5), "took {took:?}");
        drop(silent);
    }

    #[tokio::test]
    async fn a_query_past_its_deadline_is_unavailable_and_frees_its_slot() {
        let Some(db) = fresh_database(Backend::Postgres).await else {
            return;
        };
        // The URL's own statement_timeout (none) wins, so only the client deadline can end
        // the query; a pool of one shows whether the stuck connection still holds its slot.
        let config = StoreConfig {
            url: format!(
                "{}{}options=-c%20statement_timeout%3D0",
                db.url(),
                if db.url().contains('?') { '&' } else { '?' }
            ),
            max_connections: 1,
            acquire_timeout: Duration::from_secs(5),
            query_timeout: Duration::from_millis(300),
        };
        let store = Store::connect(&config).await.unwrap();
        let started = Instant::now();
        let slow = run(&store.pool, |c| {
            diesel::sql_query("SELECT pg_sleep(3)").execute(c)?;
            Ok(())
        })
        .await;
        let took = started.elapsed();
        assert!(matches!(slow, Err(DbError::Unavailable(_))), "{slow:?}");
        assert!(took < Duration::from_millis(1500), "took {took:?}");
        assert_eq!(
            store.pool.status().size,
            0,
            "the stuck connection left the pool"
        );
        store.ping().await.unwrap();
    }

    #[tokio::test]
    async fn postgres_cancels_queries_at_the_query_deadline() {
        let Some(db) = fresh_database(Backend::Postgres).await else {
            return;
        };
        let config = StoreConfig {
            query_timeout: Duration::from_millis(700),
            ..db.config()
        };
        let store = Store::connect(&config).await.unwrap();
        #[derive(QueryableByName)]
        struct Setting {
            #[diesel(sql_type = Text)]
            statement_timeout: String,
        }
        let shown = run(&store.pool, |c| {
            Ok(diesel::sql_query("SHOW statement_timeout").get_result::<Setting>(c)?)
        })
        .await
        .unwrap();
        assert_eq!(shown.statement_timeout, "700ms");
        // Migrations are exempt: they ran with the timeout lifted and restored it after.
        store.run_migrations().await.unwrap();
        let shown = run(&store.pool, |c| {
            Ok(diesel::sql_query("SHOW statement_timeout").get_result::<Setting>(c)?)
        })
        .await
        .unwrap();
        assert_eq!(shown.statement_timeout, "700ms");
    }

    #[tokio::test]
    async fn an_unopenable_sqlite_file_is_unavailable() {
        let dir = tempfile::tempdir().unwrap();
        let not_a_dir = dir.path().join("file");
        std::fs::write(&not_a_dir, b"x").unwrap();
        let config = down_config(format!("sqlite://{}/sub/cue.db", not_a_dir.display()));
        let err = Store::connect(&config).await.unwrap_err();
        assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
        let store = Store::connect_lazy(&config).unwrap();
        assert_eq!(store.backend(), Backend::Sqlite);
        assert_all_unavailable(&store).await;
    }

    #[tokio::test]
    async fn sqlite_creates_missing_directories() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/cue.db");
        let store = Store::connect(&StoreConfig::new(format!("sqlite:{}", path.display())))
            .await
            .unwrap();
        store.run_migrations().await.unwrap();
        assert!(path.exists());
    }

    #[tokio::test]
    async fn in_memory_sqlite_works_with_its_single_connection() {
        let store = Store::connect(&StoreConfig::new(":memory:")).await.unwrap();
        store.run_migrations().await.unwrap();
        let u = user(&store).await;
        assert_eq!(
            store.users().find(u.id).await.unwrap(),
            Some(u),
            "same database on every checkout"
        );
    }

    /// A query its caller stopped waiting for (here: cancelled after 1 ms).
    async fn abandon_a_query(store: &Store) {
        let abandoned = tokio::time::timeout(
            Duration::from_millis(1),
            run(&store.pool, |_| {
                std::thread::sleep(Duration::from_millis(100));
                Ok(())
            }),
        )
        .await;
        assert!(abandoned.is_err(), "the caller gave up");
    }

    #[tokio::test]
    async fn an_abandoned_connection_leaves_the_pool() {
        let db = fresh_database(Backend::Sqlite).await.unwrap();
        let store = db.migrated_store().await;
        assert_eq!(store.pool.status().size, 1);
        abandon_a_query(&store).await;
        assert_eq!(store.pool.status().size, 0, "not handed to the next caller");
        store.ping().await.unwrap();
    }

    #[tokio::test]
    async fn an_in_memory_database_keeps_its_connection_through_an_abandoned_query() {
        let store = Store::connect(&StoreConfig::new(":memory:")).await.unwrap();
        store.run_migrations().await.unwrap();
        let u = user(&store).await;
        abandon_a_query(&store).await;
        assert_eq!(
            store.users().find(u.id).await.unwrap(),
            Some(u),
            "its one connection is the database"
        );
    }

    #[tokio::test]
    async fn unknown_urls_are_rejected_before_connecting() {
        for url in ["mysql://root:hunter2@db/cue", "", "sqlite://"] {
            let err = Store::connect(&StoreConfig::new(url)).await.unwrap_err();
            assert!(matches!(err, StoreError::InvalidUrl(_)), "{url}: {err:?}");
            assert!(!err.to_string().contains("hunter2"));
            assert!(matches!(
                Store::connect_lazy(&StoreConfig::new(url)),
                Err(StoreError::InvalidUrl(_))
            ));
        }
    }

    #[tokio::test]
    async fn sqlite_connections_get_the_pragmas() {
        let db = fresh_database(Backend::Sqlite).await.unwrap();
        let store = db.migrated_store().await;
        #[derive(QueryableByName)]
        struct Pragmas {
            #[diesel(sql_type = Text)]
            journal_mode: String,
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            busy_timeout: i64,
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            foreign_keys: i64,
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            synchronous: i64,
        }
        let p = run(&store.pool, |c| {
            Ok(diesel::sql_query(
                "SELECT (SELECT journal_mode FROM pragma_journal_mode) AS journal_mode, \
                 (SELECT timeout FROM pragma_busy_timeout) AS busy_timeout, \
                 (SELECT foreign_keys FROM pragma_foreign_keys) AS foreign_keys, \
                 (SELECT synchronous FROM pragma_synchronous) AS synchronous",
            )
            .get_result::<Pragmas>(c)?)
        })
        .await
        .unwrap();
        assert_eq!(
            (
                p.journal_mode.as_str(),
                p.busy_timeout,
                p.foreign_keys,
                p.synchronous
            ),
            ("wal", 5000, 1, 1)
        );
    }
}
