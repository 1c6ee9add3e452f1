//! Where the database is: the backend a URL names and what its driver is handed. Pure string
//! work, no I/O, and nothing else of the crate but its error: the store's configuration parses
//! its URL here and the pool opens what comes out.

use std::fmt;

use crate::error::StoreError;

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

/// A parsed database URL: which backend, and what to hand its driver.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A libpq URL, with the caller's default parameters added where it had none.
    Postgres { url: String },
    /// A SQLite file name (or `:memory:`), as `SqliteConnection::establish` takes it.
    Sqlite { path: String },
}

impl Target {
    /// Parses `url`; a PostgreSQL URL gets each of `postgres_params` its query does not set.
    pub(crate) fn parse(
        url: &str,
        postgres_params: &[(&'static str, String)],
    ) -> Result<Self, StoreError> {
        let url = url.trim();
        if url.is_empty() {
            return Err(StoreError::InvalidUrl("the database URL is empty".into()));
        }
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            return Ok(Target::Postgres {
                url: with_default_params(url, postgres_params),
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
        Target::parse(url, &[])
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
