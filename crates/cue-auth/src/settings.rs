//! [`AuthSettings`]: everything about logging in and tokens that an operator sets, under the
//! variable names the specification and the frontend use (`SECRET_KEY`, `GOOGLE_CLIENT_ID`,
//! `FRONTEND_URL`, ...).

use std::time::Duration;

use cue_settings::{SettingError, both_or_neither, de, ensure};
use secrecy::SecretString;
use serde::Deserialize;
use url::Url;

use crate::jwt::SigningKey;
use crate::providers::{GithubProvider, GoogleProvider, OAuthClientConfig};

/// The longest `ACCESS_TOKEN_EXPIRE_MINUTES` allowed: 30 days.
const MAX_ACCESS_MINUTES: u64 = 60 * 24 * 30;

/// The longest `AUTH_SESSION_CACHE_MS` allowed: a revoked token must stop working everywhere
/// within a minute at worst.
const MAX_SESSION_CACHE_MS: u128 = 60_000;

/// Login and token settings. Each field is renamed to its variable; unset ones keep the
/// [`Default`]: a random signing key, no login provider, the frontend on `localhost:5173`.
/// `Debug` never shows a secret.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct AuthSettings {
    /// `SECRET_KEY`: the JWT signing key, 32 characters or more. Unset: a random key for this
    /// process (the gateway refuses that in production).
    pub secret_key: SigningKey,
    /// `ACCESS_TOKEN_EXPIRE_MINUTES`: token and session cookie lifetime.
    #[serde(
        rename = "access_token_expire_minutes",
        deserialize_with = "de::minutes"
    )]
    pub access_ttl: Duration,
    /// `JWT_ISSUER`, checked on every token.
    #[serde(rename = "jwt_issuer")]
    pub issuer: String,
    /// `JWT_AUDIENCE`, checked on every token.
    #[serde(rename = "jwt_audience")]
    pub audience: String,

    /// `GOOGLE_CLIENT_ID` and `GOOGLE_CLIENT_SECRET`: both enable Google login.
    pub google_client_id: Option<String>,
    pub google_client_secret: Option<SecretString>,
    /// `GOOGLE_AUTH_URL`, `GOOGLE_TOKEN_URL`, `GOOGLE_USERINFO_URL`: Google's endpoints, or
    /// stand-ins for tests and staging.
    #[serde(deserialize_with = "de::http_url")]
    pub google_auth_url: Url,
    #[serde(deserialize_with = "de::http_url")]
    pub google_token_url: Url,
    #[serde(deserialize_with = "de::http_url")]
    pub google_userinfo_url: Url,

    /// `GITHUB_CLIENT_ID` and `GITHUB_CLIENT_SECRET`: both enable GitHub login.
    pub github_client_id: Option<String>,
    pub github_client_secret: Option<SecretString>,
    /// `GITHUB_AUTH_URL`, `GITHUB_TOKEN_URL`, `GITHUB_API_URL`.
    #[serde(deserialize_with = "de::http_url")]
    pub github_auth_url: Url,
    #[serde(deserialize_with = "de::http_url")]
    pub github_token_url: Url,
    #[serde(deserialize_with = "de::http_url")]
    pub github_api_url: Url,

    /// `OAUTH_HTTP_TIMEOUT_SECONDS`: each call to a provider.
    #[serde(
        rename = "oauth_http_timeout_seconds",
        deserialize_with = "de::seconds"
    )]
    pub provider_timeout: Duration,
    /// `OAUTH_STATE_TTL_SECONDS`: how long a started login may take.
    #[serde(rename = "oauth_state_ttl_seconds", deserialize_with = "de::seconds")]
    pub state_ttl: Duration,
    /// `OAUTH_REDIRECT_BASE_URL`: the public URL of this API, without a trailing slash;
    /// callbacks are `{it}/auth/{provider}/callback`.
    #[serde(rename = "oauth_redirect_base_url", deserialize_with = "de::base_url")]
    pub redirect_base_url: String,
    /// `FRONTEND_URL`: where the browser goes after a login, without a trailing slash.
    #[serde(deserialize_with = "de::base_url")]
    pub frontend_url: String,
    /// `AUTH_SUCCESS_PATH`: the path on the frontend after a login.
    #[serde(rename = "auth_success_path")]
    pub success_path: String,
    /// `AUTH_ERROR_PATH`: the path on the frontend after a failed login (`?error=<code>`).
    #[serde(rename = "auth_error_path")]
    pub error_path: String,
    /// `COOKIE_SECURE`: the session cookie's `Secure` flag.
    pub cookie_secure: bool,
    /// `AUTH_SESSION_CACHE_MS`: how long an instance may reuse a token's session lookup (its
    /// user and revocation state) without asking the database again; so also the longest a
    /// token revoked through another instance, or a user changed there, may still be seen as
    /// it was here. 0 reads the database on every request.
    #[serde(rename = "auth_session_cache_ms", deserialize_with = "de::millis")]
    pub session_cache: Duration,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            secret_key: SigningKey::random(),
            access_ttl: Duration::from_secs(60 * 60),
            issuer: "cue".into(),
            audience: "cue-api".into(),
            google_client_id: None,
            google_client_secret: None,
            google_auth_url: constant_url(GoogleProvider::AUTH_URL),
            google_token_url: constant_url(GoogleProvider::TOKEN_URL),
            google_userinfo_url: constant_url(GoogleProvider::USERINFO_URL),
            github_client_id: None,
            github_client_secret: None,
            github_auth_url: constant_url(GithubProvider::AUTH_URL),
            github_token_url: constant_url(GithubProvider::TOKEN_URL),
            github_api_url: constant_url(GithubProvider::API_URL),
            provider_timeout: Duration::from_secs(10),
            state_ttl: Duration::from_secs(600),
            redirect_base_url: "http://localhost:8000".into(),
            frontend_url: "http://localhost:5173".into(),
            success_path: "/".into(),
            error_path: "/login".into(),
            cookie_secure: false,
            session_cache: Duration::from_millis(1000),
        }
    }
}

#[expect(
    clippy::expect_used,
    reason = "the providers' own URLs, constants checked by the tests"
)]
fn constant_url(url: &'static str) -> Url {
    Url::parse(url).expect("a provider's constant URL parses")
}

impl AuthSettings {
    /// A configured key of 32 characters or more, a token lifetime of a minute to 30 days,
    /// timeouts above zero, each provider's id and secret together, and frontend paths that
    /// cannot send the browser to another site.
    pub fn validate(&self) -> Result<(), SettingError> {
        ensure(
            self.secret_key.is_ephemeral() || self.secret_key.expose().len() >= 32,
            "SECRET_KEY",
            "must be at least 32 characters (use `openssl rand -hex 32`)",
        )?;
        let minutes = self.access_ttl.as_secs() / 60;
        ensure(
            (1..=MAX_ACCESS_MINUTES).contains(&minutes),
            "ACCESS_TOKEN_EXPIRE_MINUTES",
            format!("must be from 1 to {MAX_ACCESS_MINUTES} (30 days)"),
        )?;
        ensure(
            !self.provider_timeout.is_zero(),
            "OAUTH_HTTP_TIMEOUT_SECONDS",
            "must be greater than 0",
        )?;
        ensure(
            !self.state_ttl.is_zero(),
            "OAUTH_STATE_TTL_SECONDS",
            "must be greater than 0",
        )?;
        both_or_neither(
            ("GOOGLE_CLIENT_ID", self.google_client_id.is_some()),
            ("GOOGLE_CLIENT_SECRET", self.google_client_secret.is_some()),
        )?;
        both_or_neither(
            ("GITHUB_CLIENT_ID", self.github_client_id.is_some()),
            ("GITHUB_CLIENT_SECRET", self.github_client_secret.is_some()),
        )?;
        ensure(
            self.session_cache.as_millis() <= MAX_SESSION_CACHE_MS,
            "AUTH_SESSION_CACHE_MS",
            format!("must be from 0 (no cache) to {MAX_SESSION_CACHE_MS}"),
        )?;
        check_local_path("AUTH_SUCCESS_PATH", &self.success_path)?;
        check_local_path("AUTH_ERROR_PATH", &self.error_path)
    }

    /// Google login, when both its client id and secret are set.
    pub fn google(&self) -> Option<OAuthClientConfig> {
        Some(OAuthClientConfig {
            client_id: self.google_client_id.clone()?,
            client_secret: self.google_client_secret.clone()?,
            auth_url: self.google_auth_url.clone(),
            token_url: self.google_token_url.clone(),
            profile_url: self.google_userinfo_url.clone(),
            timeout: self.provider_timeout,
        })
    }

    /// GitHub login, when both its client id and secret are set.
    pub fn github(&self) -> Option<OAuthClientConfig> {
        Some(OAuthClientConfig {
            client_id: self.github_client_id.clone()?,
            client_secret: self.github_client_secret.clone()?,
            auth_url: self.github_auth_url.clone(),
            token_url: self.github_token_url.clone(),
            profile_url: self.github_api_url.clone(),
            timeout: self.provider_timeout,
        })
    }
}

/// Only a path on the frontend: a full URL (or `//host`) there would make the login an open
/// redirect.
fn check_local_path(var: &str, path: &str) -> Result<(), SettingError> {
    ensure(
        path.starts_with('/') && !path.starts_with("//") && !path.contains('\\'),
        var,
        "must be a path starting with a single '/'",
    )
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use cue_settings::Source;
    use secrecy::ExposeSecret as _;

    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> Result<AuthSettings, SettingError> {
        let s: AuthSettings = Source::from_pairs(pairs.iter().copied()).get()?;
        s.validate().map(|()| s)
    }

    fn error_var(pairs: &[(&str, &str)]) -> String {
        settings(pairs).unwrap_err().var
    }

    #[test]
    fn defaults_are_a_development_setup_without_providers() {
        let s = settings(&[]).unwrap();
        assert!(s.secret_key.is_ephemeral());
        assert!(s.google().is_none() && s.github().is_none());
        assert!(!s.cookie_secure);
        assert_eq!(s.access_ttl, Duration::from_secs(3600));
        assert_eq!(
            (s.frontend_url.as_str(), s.success_path.as_str()),
            ("http://localhost:5173", "/")
        );
        assert_eq!(s.google_token_url.as_str(), GoogleProvider::TOKEN_URL);
        assert_eq!(s.github_api_url.as_str(), "https://api.github.com/");
        assert_eq!(s.session_cache, Duration::from_millis(1000));
    }

    #[test]
    fn the_session_cache_is_bounded_and_can_be_turned_off() {
        let ttl = |v: &str| settings(&[("AUTH_SESSION_CACHE_MS", v)]).map(|s| s.session_cache);
        assert_eq!(ttl("0").unwrap(), Duration::ZERO);
        assert_eq!(ttl("250").unwrap(), Duration::from_millis(250));
        assert_eq!(ttl("60000").unwrap(), Duration::from_secs(60));
        for bad in ["60001", "-1", "soon"] {
            assert_eq!(ttl(bad).unwrap_err().var, "AUTH_SESSION_CACHE_MS", "{bad}");
        }
    }

    #[test]
    fn reads_keys_providers_and_urls() {
        let s = settings(&[
            ("SECRET_KEY", &"k".repeat(32)),
            ("ACCESS_TOKEN_EXPIRE_MINUTES", "15"),
            ("GITHUB_CLIENT_ID", "i"),
            ("GITHUB_CLIENT_SECRET", "s"),
            ("GITHUB_API_URL", "http://127.0.0.1:9/api"),
            ("OAUTH_HTTP_TIMEOUT_SECONDS", "3"),
            ("FRONTEND_URL", "http://127.0.0.1:5173/"),
            ("OAUTH_REDIRECT_BASE_URL", "https://api.example/"),
            ("COOKIE_SECURE", "yes"),
        ])
        .unwrap();
        assert!(!s.secret_key.is_ephemeral());
        assert_eq!(s.access_ttl, Duration::from_secs(15 * 60));
        let gh = s.github().unwrap();
        assert_eq!(gh.profile_url.as_str(), "http://127.0.0.1:9/api");
        assert_eq!(gh.token_url.as_str(), GithubProvider::TOKEN_URL);
        assert_eq!(gh.client_secret.expose_secret(), "s");
        assert_eq!(gh.timeout, Duration::from_secs(3));
        assert_eq!(s.frontend_url, "http://127.0.0.1:5173");
        assert_eq!(s.redirect_base_url, "https://api.example");
        assert!(s.cookie_secure);
    }

    #[test]
    fn errors_name_their_variable() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("SECRET_KEY", "short")], "SECRET_KEY"),
            (
                &[("ACCESS_TOKEN_EXPIRE_MINUTES", "0")],
                "ACCESS_TOKEN_EXPIRE_MINUTES",
            ),
            (
                &[("ACCESS_TOKEN_EXPIRE_MINUTES", "43201")],
                "ACCESS_TOKEN_EXPIRE_MINUTES",
            ),
            (
                &[("ACCESS_TOKEN_EXPIRE_MINUTES", "an hour")],
                "ACCESS_TOKEN_EXPIRE_MINUTES",
            ),
            (
                &[("OAUTH_HTTP_TIMEOUT_SECONDS", "0")],
                "OAUTH_HTTP_TIMEOUT_SECONDS",
            ),
            (
                &[("OAUTH_STATE_TTL_SECONDS", "0")],
                "OAUTH_STATE_TTL_SECONDS",
            ),
            (&[("GOOGLE_CLIENT_ID", "id")], "GOOGLE_CLIENT_SECRET"),
            (&[("GITHUB_CLIENT_SECRET", "s")], "GITHUB_CLIENT_ID"),
            (&[("GOOGLE_TOKEN_URL", "nope")], "GOOGLE_TOKEN_URL"),
            (
                &[("GITHUB_AUTH_URL", "ftp://github.com")],
                "GITHUB_AUTH_URL",
            ),
            (&[("FRONTEND_URL", "not a url")], "FRONTEND_URL"),
            (
                &[("OAUTH_REDIRECT_BASE_URL", "localhost:8000")],
                "OAUTH_REDIRECT_BASE_URL",
            ),
            (
                &[("AUTH_SUCCESS_PATH", "https://evil.example")],
                "AUTH_SUCCESS_PATH",
            ),
            (
                &[("AUTH_SUCCESS_PATH", "//evil.example")],
                "AUTH_SUCCESS_PATH",
            ),
            (&[("AUTH_ERROR_PATH", "/\\evil.example")], "AUTH_ERROR_PATH"),
            (&[("COOKIE_SECURE", "maybe")], "COOKIE_SECURE"),
        ];
        for (pairs, var) in cases {
            assert_eq!(error_var(pairs), *var, "{pairs:?}");
        }
    }

    #[test]
    fn secrets_never_print() {
        let s = settings(&[
            ("SECRET_KEY", "this-is-a-very-secret-signing-key-123"),
            ("GOOGLE_CLIENT_ID", "i"),
            ("GOOGLE_CLIENT_SECRET", "google-secret-value"),
        ])
        .unwrap();
        let printed = format!("{s:?} {:?}", s.google());
        for secret in ["very-secret-signing", "google-secret-value"] {
            assert!(!printed.contains(secret), "{secret} leaked: {printed}");
        }
    }
}
