//! A fresh, empty database per test, on either backend (feature `test-util`).
//!
//! SQLite: a file in a new temporary directory. PostgreSQL: a uniquely named database on the
//! server at `CUE_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432`; without TLS
//! unless the URL sets `sslmode`: see `without_tls_unless_asked`), created
//! through its `postgres` maintenance database and dropped (`WITH (FORCE)`) when the
//! [`TestDatabase`] is dropped.
//!
//! When no PostgreSQL server answers, [`fresh_database`] prints
//! `skipped: PostgreSQL not reachable at …` and returns `None`, so the test can return early;
//! with `CI=true` it panics instead, so CI cannot pass by skipping.
//!
//! ```no_run
//! # async fn t() {
//! use cue_store::{Backend, testing::fresh_database};
//! let Some(db) = fresh_database(Backend::Postgres).await else { return };
//! let store = db.migrated_store().await;
//! // ... use store.users(), store.workflows() ...
//! # }
//! ```

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

use crate::target::redact_url;
use crate::{Backend, Store, StoreConfig};

/// Where the tests' PostgreSQL server is; no database name.
pub const POSTGRES_URL_ENV: &str = "CUE_TEST_POSTGRES_URL";
pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432";

/// A database that exists for one test. Dropping it deletes it.
#[derive(Debug)]
pub struct TestDatabase {
    backend: Backend,
    url: String,
    _guard: Guard,
}

#[derive(Debug)]
enum Guard {
    Sqlite(#[expect(dead_code, reason = "held for its Drop")] tempfile::TempDir),
    Postgres(
        #[cfg_attr(not(test), expect(dead_code, reason = "held for its Drop"))] PgDatabaseGuard,
    ),
}

impl TestDatabase {
    /// The URL to put in `DATABASE_URL` / [`StoreConfig::url`].
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A configuration for this database with a small pool and timeouts generous enough
    /// for a loaded machine.
    pub fn config(&self) -> StoreConfig {
        StoreConfig {
            url: self.url.clone(),
            max_connections: 4,
            acquire_timeout: Duration::from_secs(5),
            query_timeout: Duration::from_secs(5),
        }
    }

    /// A connected store with every migration applied. Panics on failure: for tests.
    pub async fn migrated_store(&self) -> Store {
        let store = match Store::connect(&self.config()).await {
            Ok(s) => s,
            Err(e) => panic!(
                "connecting to the {} test database failed: {e:?}",
                self.backend
            ),
        };
        if let Err(e) = store.run_migrations().await {
            panic!("migrating the {} test database failed: {e:?}", self.backend);
        }
        store
    }
}

/// Drops the PostgreSQL database it names when dropped.
#[derive(Debug)]
struct PgDatabaseGuard {
    admin_url: String,
    name: String,
}

impl Drop for PgDatabaseGuard {
    fn drop(&mut self) {
        // FORCE: the test's pool may still hold connections.
        let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        match PgConnection::establish(&self.admin_url) {
            Ok(mut conn) => {
                if let Err(e) = conn.batch_execute(&sql) {
                    eprintln!("could not drop test database {}: {e}", self.name);
                }
            }
            Err(e) => eprintln!("could not drop test database {}: {e}", self.name),
        }
    }
}

/// Where tests find the local AWS stand-in (moto's server).
pub const AWS_ENDPOINT_ENV: &str = "CUE_TEST_AWS_ENDPOINT";
pub const DEFAULT_AWS_ENDPOINT: &str = "http://127.0.0.1:5055";

/// moto's endpoint, or `None` (the test should return) when it is unreachable outside CI.
/// With `CI=true` an unreachable moto is a failure, so CI cannot pass by skipping.
/// `scripts/moto.sh start` runs one.
pub fn moto_endpoint() -> Option<String> {
    use std::net::ToSocketAddrs;
    let endpoint =
        std::env::var(AWS_ENDPOINT_ENV).unwrap_or_else(|_| DEFAULT_AWS_ENDPOINT.to_owned());
    let authority = endpoint
        .split("://")
        .nth(1)
        .unwrap_or(&endpoint)
        .split('/')
        .next()
        .unwrap_or_default();
    let reachable = authority
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .is_some_and(|addr| {
            std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok()
        });
    if reachable {
        return Some(endpoint);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "moto is not reachable at {endpoint} (scripts/moto.sh start)"
    );
    eprintln!("skipping: moto is not reachable at {endpoint}; run scripts/moto.sh start");
    None
}

/// A new, empty database of this backend, or `None` when PostgreSQL is not reachable
/// outside CI (see the module docs).
pub async fn fresh_database(backend: Backend) -> Option<TestDatabase> {
    match backend {
        Backend::Sqlite => Some(fresh_sqlite()),
        Backend::Postgres => fresh_postgres().await,
    }
}

fn fresh_sqlite() -> TestDatabase {
    let dir = match tempfile::Builder::new().prefix("cue-store-test-").tempdir() {
        Ok(d) => d,
        Err(e) => panic!("creating a temporary directory failed: {e}"),
    };
    let url = format!("sqlite://{}", dir.path().join("cue.db").display());
    TestDatabase {
        backend: Backend::Sqlite,
        url,
        _guard: Guard::Sqlite(dir),
    }
}

/// Splits `postgres://user@host:port/db?query` into the server part and the query.
fn server_and_query(url: &str) -> (String, Option<String>) {
    let (without_query, query) = match url.split_once('?') {
        Some((u, q)) => (u, Some(q.to_owned())),
        None => (url, None),
    };
    let scheme_end = without_query.find("://").map_or(0, |i| i + 3);
    let server = match without_query[scheme_end..].find('/') {
        Some(slash) => &without_query[..scheme_end + slash],
        None => without_query,
    };
    (server.to_owned(), query)
}

fn database_url(server: &str, query: Option<&str>, database: &str) -> String {
    match query {
        Some(q) if !q.is_empty() => format!("{server}/{database}?{q}"),
        _ => format!("{server}/{database}"),
    }
}

/// The connection options of a test URL, with `sslmode=disable` unless the URL chose a mode.
///
/// libpq's default (`prefer`) negotiates TLS with a server that has it on, as Debian's does,
/// so every pooled connection would carry OpenSSL state. An in-process test server's actix
/// workers outlive the test: when the test's runtime drops the server, the workers are told
/// to stop but not joined (actix-server's `ServerInner::drop` joins only the acceptor), so
/// the last handle on the pool can go on a worker thread, closing its connections (TLS
/// `close_notify`, `SSL_free`) while the main thread is already in `exit`, where OpenSSL's
/// `atexit` cleanup frees what those calls use. CI saw one SIGSEGV of that shape in a
/// PostgreSQL test. On the loopback TLS protects nothing, so tests do without it;
/// `CUE_TEST_POSTGRES_URL=...?sslmode=require` still tests over TLS when wanted.
fn without_tls_unless_asked(query: Option<&str>) -> String {
    match query {
        Some(q) if q.split('&').any(|kv| kv.starts_with("sslmode=")) => q.to_owned(),
        Some(q) if !q.is_empty() => format!("{q}&sslmode=disable"),
        _ => "sslmode=disable".to_owned(),
    }
}

async fn fresh_postgres() -> Option<TestDatabase> {
    let base = std::env::var(POSTGRES_URL_ENV).unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned());
    let (server, query) = server_and_query(&base);
    let query = Some(without_tls_unless_asked(query.as_deref()));
    let admin_query = match query.as_deref() {
        Some(q) if q.contains("connect_timeout") => q.to_owned(),
        Some(q) if !q.is_empty() => format!("{q}&connect_timeout=2"),
        _ => "connect_timeout=2".to_owned(),
    };
    let admin_url = database_url(&server, Some(&admin_query), "postgres");
    let name = format!("cue_test_{}", uuid::Uuid::new_v4().simple());

    let created = {
        let (admin_url, name) = (admin_url.clone(), name.clone());
        tokio::task::spawn_blocking(move || {
            let mut conn =
                PgConnection::establish(&admin_url).map_err(|e| (false, e.to_string()))?;
            conn.batch_execute(&format!("CREATE DATABASE \"{name}\""))
                .map_err(|e| (true, e.to_string()))
        })
        .await
    };
    match created {
        Ok(Ok(())) => {}
        Ok(Err((false, e))) => {
            let shown = redact_url(&server);
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("PostgreSQL not reachable at {shown} (CI=true, so not skipping): {e}");
            }
            println!("skipped: PostgreSQL not reachable at {shown}");
            return None;
        }
        Ok(Err((true, e))) => panic!("creating test database {name} failed: {e}"),
        Err(e) => panic!("creating test database {name} panicked: {e}"),
    }
    Some(TestDatabase {
        backend: Backend::Postgres,
        url: database_url(&server, query.as_deref(), &name),
        _guard: Guard::Postgres(PgDatabaseGuard { admin_url, name }),
    })
}

/// Generates one `#[tokio::test]` per backend for each listed `async fn(TestDatabase)`, in
/// modules `sqlite` and `postgres`, so a failure names its backend.
#[cfg(test)]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(db) = $crate::testing::fresh_database($crate::Backend::Sqlite).await {
                        super::$name(db).await;
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(db) = $crate::testing::fresh_database($crate::Backend::Postgres).await {
                        super::$name(db).await;
                    }
                }
            )*
        }
    };
}

#[cfg(test)]
pub(crate) use backend_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_server_urls() {
        let cases = [
            (
                "postgres://postgres@127.0.0.1:5432",
                "postgres://postgres@127.0.0.1:5432",
                None,
            ),
            (
                "postgres://postgres@127.0.0.1:5432/",
                "postgres://postgres@127.0.0.1:5432",
                None,
            ),
            (
                "postgres://u:p@h/test?sslmode=disable",
                "postgres://u:p@h",
                Some("sslmode=disable"),
            ),
        ];
        for (url, server, query) in cases {
            let (s, q) = server_and_query(url);
            assert_eq!((s.as_str(), q.as_deref()), (server, query), "{url}");
        }
        assert_eq!(
            database_url("postgres://h", Some("a=b"), "x"),
            "postgres://h/x?a=b"
        );
        assert_eq!(database_url("postgres://h", None, "x"), "postgres://h/x");
    }

    #[test]
    fn test_connections_skip_tls_unless_the_url_asks_for_it() {
        let cases = [
            (None, "sslmode=disable"),
            (Some(""), "sslmode=disable"),
            (
                Some("connect_timeout=3"),
                "connect_timeout=3&sslmode=disable",
            ),
            (Some("sslmode=require"), "sslmode=require"),
            (
                Some("connect_timeout=3&sslmode=verify-full"),
                "connect_timeout=3&sslmode=verify-full",
            ),
        ];
        for (query, want) in cases {
            assert_eq!(without_tls_unless_asked(query), want, "{query:?}");
        }
    }

    #[tokio::test]
    async fn sqlite_databases_are_fresh_and_go_away() {
        let db = fresh_database(Backend::Sqlite).await;
        let Some(db) = db else {
            panic!("SQLite is always available")
        };
        let store = db.migrated_store().await;
        assert!(store.pending_migrations().await.is_ok_and(|p| p.is_empty()));
        let path = db.url().trim_start_matches("sqlite://").to_owned();
        assert!(std::path::Path::new(&path).exists());
        drop(store);
        drop(db);
        assert!(!std::path::Path::new(&path).exists());
    }

    #[tokio::test]
    async fn postgres_databases_are_dropped_with_their_guard() {
        let Some(db) = fresh_database(Backend::Postgres).await else {
            return;
        };
        let name = db.url().rsplit('/').next().unwrap_or_default().to_owned();
        let store = db.migrated_store().await;
        let Guard::Postgres(guard) = &db._guard else {
            panic!("a Postgres guard")
        };
        let admin_url = guard.admin_url.clone();
        drop(db); // while the store still holds connections: FORCE must cope
        drop(store);
        let exists = tokio::task::spawn_blocking(move || {
            use diesel::prelude::*;
            let mut conn = PgConnection::establish(&admin_url).map_err(|e| e.to_string())?;
            #[derive(QueryableByName)]
            struct Count {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                n: i64,
            }
            let row: Count =
                diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
                    .bind::<diesel::sql_types::Text, _>(&name)
                    .get_result(&mut conn)
                    .map_err(|e| e.to_string())?;
            Ok::<_, String>(row.n)
        })
        .await;
        assert!(matches!(exists, Ok(Ok(0))), "{exists:?}");
    }
}
