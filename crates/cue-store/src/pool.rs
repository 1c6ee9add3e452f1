//! The connection type over both backends and a deadpool manager that opens it.
//!
//! deadpool-diesel's manager would call the derived `AnyConnection::establish`, which tries
//! every backend in turn and keeps only the last error: a PostgreSQL outage would surface as
//! a SQLite error about the URL. This manager opens the backend the URL names, and nothing else.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use deadpool::Runtime;
use deadpool::managed::{self, Metrics, Object, RecycleError, RecycleResult, Status};
use deadpool_sync::SyncWrapper;
use diesel::connection::{SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::{IntoSql, PgConnection, SqliteConnection};

use crate::config::StoreConfig;
use crate::error::{DbError, StoreError};
use crate::target::Target;

/// One connection to whichever backend the store was configured with. All repository
/// queries are written once against this type.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

/// Set on every new SQLite connection. busy_timeout comes first so that switching the
/// journal mode waits for other connections instead of failing.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 5000; \
     PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = NORMAL; \
     PRAGMA foreign_keys = ON;";

/// Why a connection could not be opened or kept.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("could not connect to the database")]
    Connect(#[source] diesel::ConnectionError),
    #[error("could not prepare the SQLite file")]
    SqliteFile(#[source] std::io::Error),
    #[error("could not configure the new connection")]
    Setup(#[source] diesel::result::Error),
    #[error("the connection did not answer a ping")]
    Ping(#[source] diesel::result::Error),
    #[error("the connection was left inside a transaction")]
    BrokenTransaction,
}

/// Opens the configured backend.
pub(crate) fn establish(target: &Target) -> Result<AnyConnection, ConnectError> {
    match target {
        Target::Postgres { url } => PgConnection::establish(url)
            .map(AnyConnection::Postgresql)
            .map_err(ConnectError::Connect),
        Target::Sqlite { path } => {
            if !target.is_sqlite_memory() && !path.starts_with("file:") {
                // SQLite creates the file but not its directory.
                if let Some(dir) = Path::new(path)
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                {
                    std::fs::create_dir_all(dir).map_err(ConnectError::SqliteFile)?;
                }
            }
            let mut conn = SqliteConnection::establish(path).map_err(ConnectError::Connect)?;
            conn.batch_execute(SQLITE_PRAGMAS)
                .map_err(ConnectError::Setup)?;
            Ok(AnyConnection::Sqlite(conn))
        }
    }
}

/// A pooled connection: diesel is synchronous, so it is used through `interact`.
pub(crate) type Conn = SyncWrapper<AnyConnection>;

/// The connection pool and the deadlines every use of it keeps.
#[derive(Clone)]
pub(crate) struct Pool {
    inner: managed::Pool<ConnectionManager>,
    acquire_timeout: Duration,
    /// `None` for an in-memory SQLite database: its one connection is the database, so it
    /// is never thrown away, and there is no network for a query to get stuck on.
    query_timeout: Option<Duration>,
}

impl Pool {
    pub(crate) fn status(&self) -> Status {
        self.inner.status()
    }

    pub(crate) fn close(&self) {
        self.inner.close();
    }
}

/// deadpool manager for [`AnyConnection`].
#[derive(Debug)]
pub struct ConnectionManager {
    target: Arc<Target>,
}

impl managed::Manager for ConnectionManager {
    type Type = Conn;
    type Error = ConnectError;

    async fn create(&self) -> Result<Conn, ConnectError> {
        let target = Arc::clone(&self.target);
        SyncWrapper::new(Runtime::Tokio1, move || establish(&target)).await
    }

    async fn recycle(&self, conn: &mut Conn, metrics: &Metrics) -> RecycleResult<ConnectError> {
        if conn.is_mutex_poisoned() {
            return Err(RecycleError::message(
                "a query panicked while holding this connection",
            ));
        }
        if metrics.last_used() < CHECK_IF_IDLE_FOR {
            // Checked in place when its lock is free (a call abandoned at its deadline may
            // still hold it: then the full check below waits for it): looking at the
            // transaction state does no I/O.
            if let Ok(mut guard) = conn.try_lock() {
                return if <AnyConnection as Connection>::TransactionManager::is_broken_transaction_manager(
                    &mut guard,
                ) {
                    Err(RecycleError::Backend(ConnectError::BrokenTransaction))
                } else {
                    Ok(())
                };
            }
        }
        conn.interact(|c| {
            if <AnyConnection as Connection>::TransactionManager::is_broken_transaction_manager(c) {
                return Err(ConnectError::BrokenTransaction);
            }
            diesel::select(1.into_sql::<diesel::sql_types::Integer>())
                .execute(c)
                .map(drop)
                .map_err(ConnectError::Ping)
        })
        .await
        .map_err(|e| RecycleError::message(format!("recycle check failed: {e}")))?
        .map_err(RecycleError::Backend)
    }
}

/// A connection checked out this recently is handed out again without a `SELECT 1` round trip
/// (HikariCP's `aliveBypassWindowMs` is the same idea, at the same 500 ms): under load that
/// check would add a round trip and a thread hop to every query. A connection that fails
/// anyway is not returned to the pool (see [`run_within`]), so it costs one request at most.
const CHECK_IF_IDLE_FOR: Duration = Duration::from_millis(500);

/// Builds the pool without opening a connection.
pub(crate) fn build_pool(config: &StoreConfig, target: Target) -> Result<Pool, StoreError> {
    let memory = target.is_sqlite_memory();
    let max_size = if memory {
        1
    } else {
        config.max_connections.max(1)
    };
    let timeout = Some(config.acquire_timeout);
    let inner = managed::Pool::builder(ConnectionManager {
        target: Arc::new(target),
    })
    .max_size(max_size)
    .runtime(Runtime::Tokio1)
    .wait_timeout(timeout)
    .create_timeout(timeout)
    .recycle_timeout(timeout)
    .build()
    .map_err(|e| StoreError::Internal(e.into()))?;
    Ok(Pool {
        inner,
        acquire_timeout: config.acquire_timeout,
        query_timeout: (!memory).then_some(config.query_timeout),
    })
}

/// Checks a connection out and runs `f` on it on the blocking thread pool, within the
/// pool's acquire and query deadlines.
pub(crate) async fn run<T, F>(pool: &Pool, f: F) -> Result<T, DbError>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, DbError> + Send + 'static,
    T: Send + 'static,
{
    run_within(pool, pool.query_timeout, f).await
}

/// [`run`] with the query's own deadline, or none (migrations may take their time).
pub(crate) async fn run_within<T, F>(
    pool: &Pool,
    query_timeout: Option<Duration>,
    f: F,
) -> Result<T, DbError>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, DbError> + Send + 'static,
    T: Send + 'static,
{
    let held = Held {
        conn: Some(checkout(pool).await?),
        discard: pool.query_timeout.is_some(),
    };
    let Some(conn) = held.conn.as_ref() else {
        return Err(DbError::internal("checked-out connection missing"));
    };
    let outcome = match query_timeout {
        None => conn.interact(f).await,
        Some(limit) => match tokio::time::timeout(limit, conn.interact(f)).await {
            Ok(outcome) => outcome,
            // `held` drops the connection: the call may be stuck on a dead network.
            Err(_) => {
                return Err(DbError::Unavailable(
                    format!("the query did not finish within {limit:?}").into(),
                ));
            }
        },
    };
    let result = outcome.map_err(|e| DbError::internal(e.to_string()))?;
    // A connection that failed for want of the database (closed, reset) leaves the pool.
    if !matches!(result, Err(DbError::Unavailable(_))) {
        held.release();
    }
    result
}

/// A checked-out connection that leaves the pool for good when dropped, unless released
/// (or unless `discard` is off: the in-memory database).
///
/// Whoever stops waiting for a query (its deadline passed, or the request was cancelled)
/// must not hand the connection back while the blocking call may still be using it, stuck
/// on a network that went silent: the next caller would wait behind it. Taking it out of
/// the pool frees its slot at once; the connection itself is closed when the call returns.
struct Held {
    conn: Option<Object<ConnectionManager>>,
    discard: bool,
}

impl Held {
    /// The query finished: the connection goes back to the pool.
    fn release(mut self) {
        drop(self.conn.take());
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        // Without `discard` the connection simply goes back to the pool.
        if let Some(conn) = self.conn.take()
            && self.discard
        {
            drop(Object::take(conn));
        }
    }
}

/// A connection within `acquire_timeout` all told. deadpool bounds each step (waiting for
/// a slot, checking an idle connection, opening one) but retries the next idle connection
/// after a failed check, so behind a silent network a checkout would otherwise take
/// `acquire_timeout` once per idle connection. Giving up mid-check drops the connection
/// being checked, so a dead connection is not offered again.
async fn checkout(pool: &Pool) -> Result<Object<ConnectionManager>, DbError> {
    match tokio::time::timeout(pool.acquire_timeout, pool.inner.get()).await {
        Ok(conn) => Ok(conn?),
        Err(_) => Err(DbError::Unavailable(
            format!("no database connection within {:?}", pool.acquire_timeout).into(),
        )),
    }
}

/// A transaction that writes. On SQLite it starts with `BEGIN IMMEDIATE`: a deferred
/// transaction that reads first and writes later fails at once with SQLITE_BUSY when another
/// writer got there in between, instead of waiting for busy_timeout.
pub(crate) fn write_transaction<T, F>(conn: &mut AnyConnection, f: F) -> Result<T, DbError>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, DbError>,
{
    type Tm = <AnyConnection as Connection>::TransactionManager;
    match conn {
        AnyConnection::Sqlite(c) => {
            diesel::connection::AnsiTransactionManager::begin_transaction_sql(
                c,
                "BEGIN IMMEDIATE",
            )?;
        }
        AnyConnection::Postgresql(_) => Tm::begin_transaction(conn)?,
    }
    match f(conn) {
        Ok(value) => {
            Tm::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => match Tm::rollback_transaction(conn) {
            Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(error),
            Err(rollback) => Err(rollback.into()),
        },
    }
}
