//! `deserialize_with` adapters for how variables spell values: a duration in the unit its name
//! states (`_SECONDS`, `_MS`, `_MINUTES`), a comma-separated list, an http(s) URL.
//!
//! Their errors never quote the value (a URL may carry a password); the loader adds the
//! variable's name.

use std::time::Duration;

use serde::de::{Deserialize, Deserializer, Error};
use url::Url;

/// Whole seconds (`REQUEST_TIMEOUT_SECONDS=30`).
pub fn seconds<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    u64::deserialize(d).map(Duration::from_secs)
}

/// Whole milliseconds (`DATABASE_QUERY_TIMEOUT_MS=1000`).
pub fn millis<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    u64::deserialize(d).map(Duration::from_millis)
}

/// Whole minutes (`ACCESS_TOKEN_EXPIRE_MINUTES=60`).
pub fn minutes<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let n = u64::deserialize(d)?;
    n.checked_mul(60)
        .map(Duration::from_secs)
        .ok_or_else(|| D::Error::custom("is too large"))
}

/// Seconds, fractions allowed (`TRANSCRIBE_TIMEOUT_SECONDS=2.5`); not negative.
pub fn fractional_seconds<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let s = f64::deserialize(d)?;
    Duration::try_from_secs_f64(s)
        .map_err(|_| D::Error::custom("expected a number of seconds, not negative"))
}

/// A comma-separated list (`CORS_ORIGINS=https://a.example, https://b.example`): items
/// trimmed, empty ones dropped.
pub fn comma_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let s = String::deserialize(d)?;
    Ok(s.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect())
}

/// An absolute `http://` or `https://` URL with a host.
pub fn http_url<'de, D: Deserializer<'de>>(d: D) -> Result<Url, D::Error> {
    let s = String::deserialize(d)?;
    parse_http_url(&s).map_err(D::Error::custom)
}

/// [`http_url`] for a variable that may be unset (the field is `None` then).
pub fn optional_http_url<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Url>, D::Error> {
    http_url(d).map(Some)
}

/// An [`http_url`] kept as text without its trailing slashes, so paths can be appended:
/// `FRONTEND_URL=http://localhost:5173/` is `http://localhost:5173`.
pub fn base_url<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    parse_http_url(&s).map_err(D::Error::custom)?;
    Ok(s.trim_end_matches('/').to_owned())
}

/// [`base_url`] for a variable that may be unset (the field is `None` then).
pub fn optional_base_url<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    base_url(d).map(Some)
}

/// Checks that `s` is an absolute http(s) URL with a host; the error does not quote `s`.
pub fn parse_http_url(s: &str) -> Result<Url, String> {
    let url = Url::parse(s).map_err(|e| format!("not a valid URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err("must be an absolute http(s) URL".to_owned());
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize)]
    struct Adapted {
        #[serde(default, deserialize_with = "minutes")]
        minutes: Duration,
        #[serde(default, deserialize_with = "fractional_seconds")]
        fractional: Duration,
        #[serde(default, deserialize_with = "comma_list")]
        list: Vec<String>,
        #[serde(default, deserialize_with = "optional_base_url")]
        base: Option<String>,
        #[serde(default, deserialize_with = "optional_http_url")]
        url: Option<Url>,
    }

    fn adapt(v: serde_json::Value) -> Result<Adapted, String> {
        serde_json::from_value(v).map_err(|e| e.to_string())
    }

    #[test]
    fn durations_lists_and_urls() {
        let a = adapt(json!({
            "minutes": 2, "fractional": 2.5, "list": " a, ,b ,", "base": "https://x.example/app//",
            "url": "http://127.0.0.1:9/v1"
        }));
        let a = a.as_ref().map_err(String::as_str);
        assert_eq!(a.map(|a| a.minutes), Ok(Duration::from_secs(120)));
        assert_eq!(a.map(|a| a.fractional), Ok(Duration::from_millis(2500)));
        assert_eq!(a.map(|a| a.list.clone()), Ok(vec!["a".into(), "b".into()]));
        assert_eq!(
            a.map(|a| a.base.clone()),
            Ok(Some("https://x.example/app".into()))
        );
        assert_eq!(
            a.map(|a| a.url.as_ref().map(Url::as_str)),
            Ok(Some("http://127.0.0.1:9/v1"))
        );
        assert!(adapt(json!({})).is_ok_and(|a| a.base.is_none() && a.url.is_none()));
    }

    #[test]
    fn bad_values_are_refused_without_being_quoted() {
        for (value, want) in [
            (json!({"fractional": -1.0}), "not negative"),
            (json!({"minutes": u64::MAX}), "too large"),
            (json!({"base": "localhost:9200"}), "absolute http(s) URL"),
            (
                json!({"base": "ftp://user:hunter2@x"}),
                "absolute http(s) URL",
            ),
            (json!({"url": "not a url hunter2"}), "not a valid URL"),
        ] {
            let err = adapt(value.clone()).err().unwrap_or_default();
            assert!(err.contains(want), "{value}: {err}");
            assert!(!err.contains("hunter2"), "{value}: {err}");
        }
    }
}
