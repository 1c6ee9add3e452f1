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
    /// How long a checkout may wait for a free connection, and how long opening a new one
    /// may take, before the store reports itself unavailable.
    pub acquire_timeout: Duration,
}

impl StoreConfig {
    pub const DEFAULT_MAX_CONNECTIONS: usize = 10;
    pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

    /// A configuration for `url` with the default pool size and timeout.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            max_connections: Self::DEFAULT_MAX_CONNECTIONS,
            acquire_timeout: Self::DEFAULT_ACQUIRE_TIMEOUT,
        }
    }

    /// The URL with any password replaced by `***`, for logs.
    pub fn redacted_url(&self) -> String {
        redact_url(&self.url)
    }

    /// Which backend the URL names.
    pub fn backend(&self) -> Result<Backend, StoreError> {
        Target::parse(&self.url, self.acquire_timeout).map(|t| t.backend())
    }
}

impl fmt::Debug for StoreConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreConfig")
            .field("url", &self.redacted_url())
            .field("max_connections", &self.max_connections)
            .field("acquire_timeout", &self.acquire_timeout)
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
    /// A libpq URL, with `connect_timeout` added when it had none.
    Postgres { url: String },
    /// A SQLite file name (or `:memory:`), as `SqliteConnection::establish` takes it.
    Sqlite { path: String },
}

impl Target {
    pub(crate) fn parse(url: &str, connect_timeout: Duration) -> Result<Self, StoreError> {
        let url = url.trim();
        if url.is_empty() {
            return Err(StoreError::InvalidUrl("the database URL is empty".into()));
        }
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            return Ok(Target::Postgres {
                url: with_connect_timeout(url, connect_timeout),
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

/// libpq waits for an unreachable host for as long as the OS does; bound it. libpq's
/// smallest timeout is 2 s and it takes whole seconds.
fn with_connect_timeout(url: &str, timeout: Duration) -> String {
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let has_param = base.split_once('?').is_some_and(|(_, q)| {
        q.split('&')
            .any(|kv| kv.split('=').next() == Some("connect_timeout"))
    });
    if has_param {
        return url.to_owned();
    }
    let secs = timeout.as_secs() + u64::from(timeout.subsec_nanos() > 0);
    let secs = secs.max(2);
    let sep = if base.contains('?') { '&' } else { '?' };
    let mut out = format!("{base}{sep}connect_timeout={secs}");
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

    const T: Duration = Duration::from_secs(2);

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
            let got = Target::parse(url, T).ok().map(|t| t.backend());
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
                Target::parse(url, T).ok(),
                Some(Target::Sqlite { path: path.into() }),
                "{url}"
            );
        }
    }

    #[test]
    fn postgres_urls_get_a_connect_timeout_unless_they_have_one() {
        let cases = [
            (
                "postgres://u@h/db",
                Duration::from_secs(2),
                "postgres://u@h/db?connect_timeout=2",
            ),
            (
                "postgres://u@h/db",
                Duration::from_millis(500),
                "postgres://u@h/db?connect_timeout=2",
            ),
            (
                "postgres://u@h/db",
                Duration::from_millis(4500),
                "postgres://u@h/db?connect_timeout=5",
            ),
            (
                "postgres://u@h/db?sslmode=disable",
                T,
                "postgres://u@h/db?sslmode=disable&connect_timeout=2",
            ),
            (
                "postgres://u@h/db?connect_timeout=9",
                T,
                "postgres://u@h/db?connect_timeout=9",
            ),
            (
                "postgres://u@h/db?sslmode=require&connect_timeout=9",
                T,
                "postgres://u@h/db?sslmode=require&connect_timeout=9",
            ),
        ];
        for (url, timeout, want) in cases {
            assert_eq!(
                Target::parse(url, timeout).ok(),
                Some(Target::Postgres { url: want.into() }),
                "{url}"
            );
        }
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
        let err = Target::parse("mysql://root:hunter2@db/cue", T)
            .err()
            .map(|e| e.to_string());
        let msg = err.unwrap_or_default();
        assert!(msg.contains("mysql"), "{msg}");
        assert!(!msg.contains("hunter2"), "{msg}");
    }

    #[test]
    fn memory_databases_are_detected() {
        assert!(Target::parse(":memory:", T).is_ok_and(|t| t.is_sqlite_memory()));
        assert!(Target::parse("sqlite://cue.db", T).is_ok_and(|t| !t.is_sqlite_memory()));
        assert!(Target::parse("postgres://h/db", T).is_ok_and(|t| !t.is_sqlite_memory()));
    }
}
