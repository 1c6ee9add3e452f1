//! How the store connects: the database URL, the pool's size and its deadlines, as
//! [`StoreConfig`] (what [`Store::connect`](crate::Store::connect) takes) and as the
//! operator's [`DatabaseSettings`] (the `DATABASE_*` variables) it is made from.

use std::fmt;
use std::time::Duration;

use cue_settings::{SettingError, de, ensure};
use secrecy::{ExposeSecret as _, SecretString};
use serde::Deserialize;

use crate::error::StoreError;
use crate::target::{Backend, Target, redact_url};

/// The database settings (`DATABASE_URL`, `DATABASE_*`, `RUN_MIGRATIONS`). Each field is
/// renamed to its variable; unset ones keep the [`Default`], an embedded SQLite file.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct DatabaseSettings {
    /// `DATABASE_URL`: `postgres://user:pass@host/db`, `sqlite://FILE` or a file path. A
    /// secret, since it may hold a password.
    #[serde(rename = "database_url")]
    pub url: SecretString,
    /// `DATABASE_MAX_CONNECTIONS`: the pool size.
    #[serde(rename = "database_max_connections")]
    pub max_connections: usize,
    /// `DATABASE_ACQUIRE_TIMEOUT_MS`: see [`StoreConfig::acquire_timeout`].
    #[serde(
        rename = "database_acquire_timeout_ms",
        deserialize_with = "de::millis"
    )]
    pub acquire_timeout: Duration,
    /// `DATABASE_QUERY_TIMEOUT_MS`: see [`StoreConfig::query_timeout`].
    #[serde(rename = "database_query_timeout_ms", deserialize_with = "de::millis")]
    pub query_timeout: Duration,
    /// `DATABASE_STARTUP_WAIT_SECONDS`: how long startup retries a database that does not
    /// answer yet (0: fail at once).
    #[serde(
        rename = "database_startup_wait_seconds",
        deserialize_with = "de::seconds"
    )]
    pub startup_wait: Duration,
    /// `RUN_MIGRATIONS`: apply pending migrations on start.
    pub run_migrations: bool,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: SecretString::from("sqlite://cue.db"),
            max_connections: 16,
            acquire_timeout: StoreConfig::DEFAULT_ACQUIRE_TIMEOUT,
            query_timeout: StoreConfig::DEFAULT_QUERY_TIMEOUT,
            startup_wait: Duration::from_secs(10),
            run_migrations: true,
        }
    }
}

impl DatabaseSettings {
    /// A URL the store understands, a pool of at least one, deadlines above zero.
    pub fn validate(&self) -> Result<(), SettingError> {
        self.store_config()
            .backend()
            .map_err(|e| SettingError::new("DATABASE_URL", e.to_string()))?;
        ensure(
            self.max_connections > 0,
            "DATABASE_MAX_CONNECTIONS",
            "must be greater than 0",
        )?;
        ensure(
            !self.acquire_timeout.is_zero(),
            "DATABASE_ACQUIRE_TIMEOUT_MS",
            "must be greater than 0",
        )?;
        ensure(
            !self.query_timeout.is_zero(),
            "DATABASE_QUERY_TIMEOUT_MS",
            "must be greater than 0",
        )
    }

    /// What [`Store::connect`](crate::Store::connect) takes.
    pub fn store_config(&self) -> StoreConfig {
        StoreConfig {
            url: self.url.expose_secret().to_owned(),
            max_connections: self.max_connections,
            acquire_timeout: self.acquire_timeout,
            query_timeout: self.query_timeout,
        }
    }
}

/// Connection settings of a [`Store`](crate::Store).
///
/// `url` is either a PostgreSQL URL (`postgres://` or `postgresql://`) or a SQLite database:
/// `sqlite://path`, `sqlite:path` or a plain file path. `Debug` hides the URL's password.
#[derive(Clone, PartialEq, Eq)]
pub struct StoreConfig {
    pub url: String,
    /// Most connections the pool keeps open.
    pub max_connections: usize,
    /// The longest a checkout may take, all told: waiting for a free connection, checking
    /// an idle one, opening a new one. Past it the store reports itself unavailable.
    pub acquire_timeout: Duration,
    /// The longest one query (or transaction) may run once it has a connection. Past it the
    /// caller gets `Unavailable` and the connection is thrown away, since the call may still
    /// be stuck on a dead network; on PostgreSQL the server cancels it too
    /// (`statement_timeout`). Migrations are not bounded by it.
    pub query_timeout: Duration,
}

impl StoreConfig {
    pub const DEFAULT_MAX_CONNECTIONS: usize = 10;
    /// With [`DEFAULT_QUERY_TIMEOUT`](Self::DEFAULT_QUERY_TIMEOUT), a request that needs the
    /// database learns within two seconds that it is down.
    pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(1);
    pub const DEFAULT_QUERY_TIMEOUT: Duration = Duration::from_secs(1);

    /// A configuration for `url` with the default pool size and timeouts.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            max_connections: Self::DEFAULT_MAX_CONNECTIONS,
            acquire_timeout: Self::DEFAULT_ACQUIRE_TIMEOUT,
            query_timeout: Self::DEFAULT_QUERY_TIMEOUT,
        }
    }

    /// The URL with any password replaced by `***`, for logs.
    pub fn redacted_url(&self) -> String {
        redact_url(&self.url)
    }

    /// Which backend the URL names.
    pub fn backend(&self) -> Result<Backend, StoreError> {
        self.target().map(|t| t.backend())
    }

    /// The parsed URL; a PostgreSQL one with the timeouts of [`postgres_defaults`].
    pub(crate) fn target(&self) -> Result<Target, StoreError> {
        Target::parse(&self.url, &postgres_defaults(self))
    }
}

impl fmt::Debug for StoreConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreConfig")
            .field("url", &self.redacted_url())
            .field("max_connections", &self.max_connections)
            .field("acquire_timeout", &self.acquire_timeout)
            .field("query_timeout", &self.query_timeout)
            .finish()
    }
}

/// Whole seconds, rounded up, and at least `min`.
fn whole_secs(d: Duration, min: u64) -> u64 {
    (d.as_secs() + u64::from(d.subsec_nanos() > 0)).max(min)
}

/// libpq parameters that keep a dead or silent server from hanging a connection forever.
/// A URL that sets one itself keeps its own value.
///
/// - `connect_timeout`: libpq otherwise waits for an unreachable host as long as the OS
///   does. Whole seconds, and libpq's smallest is 2.
/// - `keepalives*`: an idle pooled connection to a vanished server is noticed within
///   about 25 s instead of the OS default of two hours.
/// - `tcp_user_timeout`: a query whose packets go unacknowledged (the server's host or the
///   network went away without a reset) fails after 10 s instead of ~15 minutes, which
///   frees the blocking thread the store already gave up on (see `query_timeout`).
/// - `statement_timeout` (through `options`): the server cancels a query the store has
///   stopped waiting for, so it does not run on unobserved.
fn postgres_defaults(config: &StoreConfig) -> Vec<(&'static str, String)> {
    let statement_ms = config.query_timeout.as_millis().max(1);
    vec![
        (
            "connect_timeout",
            whole_secs(config.acquire_timeout, 2).to_string(),
        ),
        ("keepalives", "1".into()),
        ("keepalives_idle", "10".into()),
        ("keepalives_interval", "5".into()),
        ("keepalives_count", "3".into()),
        ("tcp_user_timeout", "10000".into()),
        // `-c statement_timeout=N`, percent-encoded for the URL.
        (
            "options",
            format!("-c%20statement_timeout%3D{statement_ms}"),
        ),
    ]
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use cue_settings::Source;

    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> Result<DatabaseSettings, SettingError> {
        let s: DatabaseSettings = Source::from_pairs(pairs.iter().copied()).get()?;
        s.validate().map(|()| s)
    }

    #[test]
    fn settings_default_to_an_embedded_sqlite_file() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.url.expose_secret(), "sqlite://cue.db");
        assert_eq!(s.store_config().backend().ok(), Some(Backend::Sqlite));
        assert_eq!(
            (s.max_connections, s.startup_wait, s.run_migrations),
            (16, Duration::from_secs(10), true)
        );
    }

    #[test]
    fn settings_read_their_variables() {
        let s = settings(&[
            ("DATABASE_URL", "postgres://cue:pw@db/cue"),
            ("DATABASE_MAX_CONNECTIONS", "4"),
            ("DATABASE_ACQUIRE_TIMEOUT_MS", "250"),
            ("DATABASE_QUERY_TIMEOUT_MS", "1500"),
            ("DATABASE_STARTUP_WAIT_SECONDS", "0"),
            ("RUN_MIGRATIONS", "false"),
        ])
        .unwrap();
        let config = s.store_config();
        assert_eq!(config.backend().ok(), Some(Backend::Postgres));
        assert_eq!(
            (
                config.max_connections,
                config.acquire_timeout,
                config.query_timeout
            ),
            (4, Duration::from_millis(250), Duration::from_millis(1500))
        );
        assert_eq!((s.startup_wait, s.run_migrations), (Duration::ZERO, false));
    }

    #[test]
    fn settings_errors_name_their_variable() {
        for (var, value) in [
            ("DATABASE_URL", "mysql://root:hunter2@db/cue"),
            ("DATABASE_MAX_CONNECTIONS", "0"),
            ("DATABASE_MAX_CONNECTIONS", "many"),
            ("DATABASE_ACQUIRE_TIMEOUT_MS", "0"),
            ("DATABASE_QUERY_TIMEOUT_MS", "-5"),
            ("DATABASE_STARTUP_WAIT_SECONDS", "soon"),
            ("RUN_MIGRATIONS", "sometimes"),
        ] {
            let err = settings(&[(var, value)]).unwrap_err();
            assert_eq!(err.var, var, "{value}: {err}");
            assert!(!err.to_string().contains("hunter2"), "{err}");
        }
    }

    #[test]
    fn settings_never_print_the_url() {
        let s = settings(&[("DATABASE_URL", "postgres://cue:hunter2@db/cue")]).unwrap();
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    fn pg_url(url: &str, acquire_ms: u64, query_ms: u64) -> String {
        let config = StoreConfig {
            acquire_timeout: Duration::from_millis(acquire_ms),
            query_timeout: Duration::from_millis(query_ms),
            ..StoreConfig::new(url)
        };
        match config.target() {
            Ok(Target::Postgres { url }) => url,
            other => panic!("{url}: {other:?}"),
        }
    }

    /// The value of `name` in the URL's query, if it occurs exactly once.
    fn param(url: &str, name: &str) -> Option<String> {
        let query = url.split_once('?')?.1.split('#').next()?;
        let mut found = query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .filter(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned());
        let first = found.next();
        assert_eq!(found.next(), None, "{name} twice in {url}");
        first
    }

    #[test]
    fn postgres_urls_get_timeouts_unless_they_set_them() {
        let url = pg_url("postgres://u@h/db", 1000, 1500);
        assert!(
            url.starts_with("postgres://u@h/db?connect_timeout=2&"),
            "{url}"
        );
        let cases = [
            ("connect_timeout", "2"),
            ("keepalives", "1"),
            ("keepalives_idle", "10"),
            ("keepalives_interval", "5"),
            ("keepalives_count", "3"),
            ("tcp_user_timeout", "10000"),
            ("options", "-c%20statement_timeout%3D1500"),
        ];
        for (name, want) in cases {
            assert_eq!(param(&url, name).as_deref(), Some(want), "{name} in {url}");
        }

        // Whole seconds, rounded up, never below libpq's 2.
        for (acquire_ms, want) in [(500, "2"), (2000, "2"), (4500, "5")] {
            let url = pg_url("postgres://u@h/db", acquire_ms, 1000);
            assert_eq!(param(&url, "connect_timeout").as_deref(), Some(want));
        }

        // The URL's own values win; other parameters and the fragment survive.
        let url = pg_url(
            "postgres://u@h/db?sslmode=require&connect_timeout=9&options=-c%20search_path%3Dcue#x",
            1000,
            1000,
        );
        assert!(url.starts_with("postgres://u@h/db?sslmode=require&connect_timeout=9&options=-c%20search_path%3Dcue&"), "{url}");
        assert!(url.ends_with("#x"), "{url}");
        assert_eq!(param(&url, "connect_timeout").as_deref(), Some("9"));
        assert_eq!(
            param(&url, "options").as_deref(),
            Some("-c%20search_path%3Dcue")
        );
        assert_eq!(param(&url, "tcp_user_timeout").as_deref(), Some("10000"));
    }

    #[test]
    fn debug_never_shows_the_password() {
        let config = StoreConfig::new("postgres://cue:hunter2@db/cue");
        let shown = format!("{config:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("postgres://cue:***@db/cue"), "{shown}");
    }
}
