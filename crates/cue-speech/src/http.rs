//! Mapping HTTP outcomes of the REST providers onto [`SpeechError`].

use std::time::Duration;

use reqwest::{Response, StatusCode, header::RETRY_AFTER};

use crate::SpeechError;

/// Provider detail kept for the log is cut to this many bytes.
const MAX_DETAIL: usize = 2048;

pub(crate) fn client(
    connect_timeout: Duration,
    request_timeout: Duration,
) -> Result<reqwest::Client, SpeechError> {
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .timeout(request_timeout)
        .build()
        .map_err(|e| SpeechError::InvalidConfig(format!("cannot build the HTTP client: {e}")))
}

/// A transport failure: timeouts, refused connections, everything else.
pub(crate) fn send_error(e: &reqwest::Error, secret: Option<&str>) -> SpeechError {
    if e.is_timeout() {
        SpeechError::Timeout
    } else if e.is_connect() {
        SpeechError::Unavailable { retry_after: None }
    } else {
        SpeechError::Provider {
            detail: scrub(&e.to_string(), secret),
        }
    }
}

/// Passes a success through; turns any other status into the matching error.
pub(crate) async fn check_status(
    response: Response,
    secret: Option<&str>,
) -> Result<Response, SpeechError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    if matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE | StatusCode::BAD_GATEWAY
    ) {
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        return Err(SpeechError::Unavailable { retry_after });
    }
    if status == StatusCode::GATEWAY_TIMEOUT {
        return Err(SpeechError::Timeout);
    }
    let body = match response.text().await {
        Ok(body) => body,
        Err(e) if e.is_timeout() => return Err(SpeechError::Timeout),
        Err(_) => String::new(),
    };
    let detail = scrub(&format!("HTTP {}: {}", status.as_u16(), body), secret);
    if status.is_client_error() {
        Err(SpeechError::Rejected { detail })
    } else {
        Err(SpeechError::Provider { detail })
    }
}

/// Reads a JSON body, mapping a slow body to [`SpeechError::Timeout`].
pub(crate) async fn json<T: serde::de::DeserializeOwned>(
    response: Response,
    secret: Option<&str>,
) -> Result<T, SpeechError> {
    let bytes = response.bytes().await.map_err(|e| send_error(&e, secret))?;
    serde_json::from_slice(&bytes).map_err(|e| SpeechError::Provider {
        detail: scrub(
            &format!(
                "unexpected response ({e}): {}",
                String::from_utf8_lossy(&bytes)
            ),
            secret,
        ),
    })
}

/// Removes the key from text that came from (or went to) the provider, and bounds its size.
pub(crate) fn scrub(text: &str, secret: Option<&str>) -> String {
    let mut out = match secret {
        Some(s) if !s.is_empty() => text.replace(s, "[REDACTED]"),
        _ => text.to_owned(),
    };
    if out.len() > MAX_DETAIL {
        let mut cut = MAX_DETAIL;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_removes_the_key_and_bounds_length() {
        assert_eq!(
            scrub("bad key sk-123 given", Some("sk-123")),
            "bad key [REDACTED] given"
        );
        assert_eq!(scrub("nothing", Some("")), "nothing");
        let long = "é".repeat(5000);
        let cut = scrub(&long, None);
        assert!(cut.len() <= MAX_DETAIL + '…'.len_utf8());
    }
}
