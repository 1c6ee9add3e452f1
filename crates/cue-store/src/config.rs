//! Where the database is and how the pool behaves.

use std::fmt;
use std::time::Duration;

use crate::error::StoreError;

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
        Target::parse(self).map(|t| t.backend())
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

/// The database engine behind a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Postgres => "postgres",
            Backend::Sqlite => "sqlite",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A parsed database URL: what [`establish`](crate::pool) connects to.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A libpq URL, with the timeouts of [`postgres_defaults`] added where it had none.
    Postgres { url: String },
    /// A SQLite file name (or `:memory:`), as `SqliteConnection::establish` takes it.
    Sqlite { path: String },
}

impl Target {
    pub(crate) fn parse(config: &StoreConfig) -> Result<Self, StoreError> {
        let url = config.url.trim();
        if url.is_empty() {
            return Err(StoreError::InvalidUrl("the database URL is empty".into()));
        }
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            return Ok(Target::Postgres {
                url: with_default_params(url, &postgres_defaults(config)),
            });
        }
        let path = if let Some(rest) = strip_prefix_ci(url, "sqlite://") {
            rest
        } else if let Some(rest) = strip_prefix_ci(url, "sqlite:") {
            rest
        } else if let Some((scheme, _)) = url.split_once("://") {
            return Err(StoreError::InvalidUrl(format!(
                "unsupported database URL scheme `{scheme}` (expected postgres://, postgresql:// or sqlite://)"
            )));
        } else {
            url
        };
        if path.is_empty() {
            return Err(StoreError::InvalidUrl(
                "the SQLite URL names no file".into(),
            ));
        }
        Ok(Target::Sqlite {
            path: path.to_owned(),
        })
    }

    pub(crate) fn backend(&self) -> Backend {
        match self {
            Target::Postgres { .. } => Backend::Postgres,
            Target::Sqlite { .. } => Backend::Sqlite,
        }
    }

    /// An in-memory SQLite database exists once per connection, so its pool holds one.
    pub(crate) fn is_sqlite_memory(&self) -> bool {
        matches!(self, Target::Sqlite { path } if path == ":memory:" || path.contains("mode=memory"))
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Postgres { url } => f
                .debug_struct("Postgres")
                .field("url", &redact_url(url))
                .finish(),
            Target::Sqlite { path } => f.debug_struct("Sqlite").field("path", path).finish(),
        }
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
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

/// Appends each `(name, value)` whose name the URL's query does not already have.
fn with_default_params(url: &str, params: &[(&str, String)]) -> String {
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let present: Vec<&str> = base
        .split_once('?')
        .map(|(_, q)| q.split('&').filter_map(|kv| kv.split('=').next()).collect())
        .unwrap_or_default();
    let mut out = base.to_owned();
    for (name, value) in params {
        if present.contains(name) {
            continue;
        }
        out.push(if out.contains('?') { '&' } else { '?' });
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// Replaces the password of `scheme://user:password@host/...` with `***`.
pub(crate) fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let Some(at) = authority.rfind('@') else {
        return url.to_owned();
    };
    let (userinfo, host) = authority.split_at(at);
    match userinfo.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***{host}{tail}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(url: &str) -> Result<Target, StoreError> {
        Target::parse(&StoreConfig::new(url))
    }

    #[test]
    fn parses_backends_by_scheme() {
        let cases: &[(&str, Option<Backend>)] = &[
            ("postgres://u@h/db", Some(Backend::Postgres)),
            ("postgresql://u@h/db", Some(Backend::Postgres)),
            ("POSTGRES://u@h/db", Some(Backend::Postgres)),
            ("sqlite://cue.db", Some(Backend::Sqlite)),
            ("sqlite:///tmp/cue.db", Some(Backend::Sqlite)),
            ("sqlite:cue.db", Some(Backend::Sqlite)),
            ("cue.db", Some(Backend::Sqlite)),
            ("/var/lib/cue/cue.db", Some(Backend::Sqlite)),
            (":memory:", Some(Backend::Sqlite)),
            ("mysql://u@h/db", None),
            ("", None),
            ("   ", None),
            ("sqlite://", None),
            ("sqlite:", None),
        ];
        for (url, want) in cases {
            let got = parse(url).ok().map(|t| t.backend());
            assert_eq!(got, *want, "{url}");
        }
    }

    #[test]
    fn sqlite_paths_drop_the_scheme() {
        let cases = [
            ("sqlite://cue.db", "cue.db"),
            ("sqlite:///tmp/cue.db", "/tmp/cue.db"),
            ("sqlite:data/cue.db", "data/cue.db"),
            ("data/cue.db", "data/cue.db"),
        ];
        for (url, path) in cases {
            assert_eq!(
                parse(url).ok(),
                Some(Target::Sqlite { path: path.into() }),
                "{url}"
            );
        }
    }

    fn pg_url(url: &str, acquire_ms: u64, query_ms: u64) -> String {
        let config = StoreConfig {
            acquire_timeout: Duration::from_millis(acquire_ms),
            query_timeout: Duration::from_millis(query_ms),
            ..StoreConfig::new(url)
        };
        match Target::parse(&config) {
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
    fn redacts_passwords_only() {
        let cases = [
            (
                "postgres://cue:s3cret@db:5432/cue",
                "postgres://cue:***@db:5432/cue",
            ),
            ("postgres://cue:p@ss@db/cue", "postgres://cue:***@db/cue"),
            ("postgres://cue@db/cue", "postgres://cue@db/cue"),
            ("postgres://db/cue?user=x", "postgres://db/cue?user=x"),
            ("sqlite://cue.db", "sqlite://cue.db"),
            ("cue.db", "cue.db"),
        ];
        for (url, want) in cases {
            assert_eq!(redact_url(url), want, "{url}");
        }
    }

    #[test]
    fn debug_never_shows_the_password() {
        let config = StoreConfig::new("postgres://cue:hunter2@db/cue");
        let shown = format!("{config:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("postgres://cue:***@db/cue"), "{shown}");
    }

    #[test]
    fn unsupported_scheme_error_names_the_scheme_but_not_the_url() {
        let err = parse("mysql://root:hunter2@db/cue")
            .err()
            .map(|e| e.to_string());
        let msg = err.unwrap_or_default();
        assert!(msg.contains("mysql"), "{msg}");
        assert!(!msg.contains("hunter2"), "{msg}");
    }

    #[test]
    fn memory_databases_are_detected() {
        assert!(parse(":memory:").is_ok_and(|t| t.is_sqlite_memory()));
        assert!(parse("sqlite://cue.db").is_ok_and(|t| !t.is_sqlite_memory()));
        assert!(parse("postgres://h/db").is_ok_and(|t| !t.is_sqlite_memory()));
    }
}
