//! Google and GitHub over HTTP (reqwest). Every URL comes from configuration so tests and
//! staging can point at stand-in providers.

use std::time::Duration;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use url::Url;

use crate::error::AuthError;
use crate::model::{Provider, ProviderProfile};
use crate::ports::OAuthProvider;

/// One OAuth client registration and the provider endpoints it talks to.
#[derive(Clone)]
pub struct OAuthClientConfig {
    pub client_id: String,
    pub client_secret: SecretString,
    pub auth_url: Url,
    pub token_url: Url,
    /// Google: the OpenID Connect userinfo endpoint. GitHub: the REST API base URL.
    pub profile_url: Url,
    /// Upper bound for each call to the provider.
    pub timeout: Duration,
}

impl std::fmt::Debug for OAuthClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthClientConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("auth_url", &self.auth_url.as_str())
            .field("token_url", &self.token_url.as_str())
            .field("profile_url", &self.profile_url.as_str())
            .finish()
    }
}

fn http_client(timeout: Duration) -> Result<reqwest::Client, AuthError> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .user_agent(concat!("cue-backend/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| AuthError::Internal(Box::new(e)))
}

fn authorize(
    cfg: &OAuthClientConfig,
    scope: &str,
    state: &str,
    challenge: &str,
    redirect_uri: &str,
) -> Url {
    let mut url = cfg.auth_url.clone();
    url.query_pairs_mut()
        .append_pair("client_id", &cfg.client_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("response_type", "code")
        .append_pair("scope", scope)
        .append_pair("state", state)
        .append_pair("code_challenge", challenge)
        .append_pair("code_challenge_method", "S256");
    url
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: Option<String>,
    error: Option<String>,
}

/// Posts the code to the token endpoint and returns the provider's access token.
async fn exchange_code(
    http: &reqwest::Client,
    cfg: &OAuthClientConfig,
    code: &str,
    verifier: &str,
    redirect_uri: &str,
) -> Result<String, AuthError> {
    let response = http
        .post(cfg.token_url.clone())
        .header(reqwest::header::ACCEPT, "application/json")
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("client_id", cfg.client_id.as_str()),
            ("client_secret", cfg.client_secret.expose_secret()),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .map_err(AuthError::provider)?;
    let status = response.status();
    let body: TokenResponse = response.json().await.map_err(AuthError::provider)?;
    match (status.is_success(), body.access_token, body.error) {
        (true, Some(token), None) if !token.is_empty() => Ok(token),
        (_, _, Some(error)) => Err(AuthError::provider_msg(format!(
            "token endpoint answered error {error:?}"
        ))),
        _ => Err(AuthError::provider_msg(format!(
            "token endpoint answered {status} without a token"
        ))),
    }
}

async fn get_json<T: for<'de> Deserialize<'de>>(
    http: &reqwest::Client,
    url: Url,
    token: &str,
) -> Result<T, AuthError> {
    let response = http
        .get(url)
        .bearer_auth(token)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(AuthError::provider)?;
    let status = response.status();
    if !status.is_success() {
        return Err(AuthError::provider_msg(format!(
            "profile endpoint answered {status}"
        )));
    }
    response.json().await.map_err(AuthError::provider)
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Google, via OpenID Connect's authorization code flow and the userinfo endpoint.
pub struct GoogleProvider {
    cfg: OAuthClientConfig,
    http: reqwest::Client,
}

impl GoogleProvider {
    pub const AUTH_URL: &'static str = "https://accounts.google.com/o/oauth2/v2/auth";
    pub const TOKEN_URL: &'static str = "https://oauth2.googleapis.com/token";
    pub const USERINFO_URL: &'static str = "https://openidconnect.googleapis.com/v1/userinfo";

    pub fn new(cfg: OAuthClientConfig) -> Result<Self, AuthError> {
        Ok(Self {
            http: http_client(cfg.timeout)?,
            cfg,
        })
    }
}

#[derive(Deserialize)]
struct GoogleUserInfo {
    sub: String,
    email: Option<String>,
    #[serde(default)]
    email_verified: bool,
    name: Option<String>,
    given_name: Option<String>,
    family_name: Option<String>,
    picture: Option<String>,
}

#[async_trait]
impl OAuthProvider for GoogleProvider {
    fn provider(&self) -> Provider {
        Provider::Google
    }

    fn authorize_url(&self, state: &str, pkce_challenge: &str, redirect_uri: &str) -> String {
        let mut url = authorize(
            &self.cfg,
            "openid email profile",
            state,
            pkce_challenge,
            redirect_uri,
        );
        url.query_pairs_mut()
            .append_pair("prompt", "select_account");
        url.into()
    }

    async fn exchange(
        &self,
        code: &str,
        verifier: &str,
        redirect_uri: &str,
    ) -> Result<ProviderProfile, AuthError> {
        let token = exchange_code(&self.http, &self.cfg, code, verifier, redirect_uri).await?;
        let info: GoogleUserInfo =
            get_json(&self.http, self.cfg.profile_url.clone(), &token).await?;
        if info.sub.trim().is_empty() {
            return Err(AuthError::provider_msg("userinfo without a subject"));
        }
        Ok(ProviderProfile {
            provider: Provider::Google,
            subject: info.sub,
            email: non_empty(info.email),
            email_verified: info.email_verified,
            display_name: non_empty(info.name),
            first_name: non_empty(info.given_name),
            last_name: non_empty(info.family_name),
            avatar_url: non_empty(info.picture),
        })
    }
}

/// GitHub, via its OAuth app flow and the REST API (`/user`, `/user/emails`).
pub struct GithubProvider {
    cfg: OAuthClientConfig,
    http: reqwest::Client,
}

impl GithubProvider {
    pub const AUTH_URL: &'static str = "https://github.com/login/oauth/authorize";
    pub const TOKEN_URL: &'static str = "https://github.com/login/oauth/access_token";
    pub const API_URL: &'static str = "https://api.github.com";

    pub fn new(cfg: OAuthClientConfig) -> Result<Self, AuthError> {
        Ok(Self {
            http: http_client(cfg.timeout)?,
            cfg,
        })
    }

    fn api(&self, path: &str) -> Result<Url, AuthError> {
        let base = self.cfg.profile_url.as_str().trim_end_matches('/');
        Url::parse(&format!("{base}{path}")).map_err(|e| AuthError::Internal(Box::new(e)))
    }
}

#[derive(Deserialize)]
struct GithubUser {
    id: u64,
    login: String,
    name: Option<String>,
    avatar_url: Option<String>,
}

#[derive(Deserialize)]
struct GithubEmail {
    email: String,
    primary: bool,
    verified: bool,
}

/// Splits "Ada Lovelace" into first and last name; GitHub has only one name field.
fn split_name(name: Option<&str>) -> (Option<String>, Option<String>) {
    let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
        return (None, None);
    };
    match name.rsplit_once(' ') {
        Some((first, last)) => (Some(first.trim().to_owned()), Some(last.to_owned())),
        None => (Some(name.to_owned()), None),
    }
}

#[async_trait]
impl OAuthProvider for GithubProvider {
    fn provider(&self) -> Provider {
        Provider::Github
    }

    fn authorize_url(&self, state: &str, pkce_challenge: &str, redirect_uri: &str) -> String {
        authorize(
            &self.cfg,
            "read:user user:email",
            state,
            pkce_challenge,
            redirect_uri,
        )
        .into()
    }

    async fn exchange(
        &self,
        code: &str,
        verifier: &str,
        redirect_uri: &str,
    ) -> Result<ProviderProfile, AuthError> {
        let token = exchange_code(&self.http, &self.cfg, code, verifier, redirect_uri).await?;
        let user: GithubUser = get_json(&self.http, self.api("/user")?, &token).await?;
        let emails: Vec<GithubEmail> =
            get_json(&self.http, self.api("/user/emails")?, &token).await?;
        // Only the primary address, and only if GitHub verified it, may link accounts.
        let primary = emails.into_iter().find(|e| e.primary && e.verified);
        let (first_name, last_name) = split_name(user.name.as_deref());
        Ok(ProviderProfile {
            provider: Provider::Github,
            subject: user.id.to_string(),
            email_verified: primary.is_some(),
            email: primary.map(|e| e.email),
            display_name: non_empty(user.name).or(Some(user.login)),
            first_name,
            last_name,
            avatar_url: non_empty(user.avatar_url),
        })
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use wiremock::matchers::{body_string_contains, header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;

    fn cfg(server: &MockServer, profile_path: &str) -> OAuthClientConfig {
        OAuthClientConfig {
            client_id: "client-123".into(),
            client_secret: SecretString::from("shh-secret"),
            auth_url: Url::parse(&format!("{}/authorize", server.uri())).unwrap(),
            token_url: Url::parse(&format!("{}/token", server.uri())).unwrap(),
            profile_url: Url::parse(&format!("{}{profile_path}", server.uri())).unwrap(),
            timeout: Duration::from_secs(2),
        }
    }

    #[tokio::test]
    async fn google_exchange_sends_verifier_and_reads_userinfo() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/token"))
            .and(body_string_contains("code=the-code"))
            .and(body_string_contains("code_verifier=the-verifier"))
            .and(body_string_contains("client_secret=shh-secret"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(
                    serde_json::json!({"access_token": "ya29", "token_type": "Bearer"}),
                ),
            )
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/userinfo"))
            .and(header("authorization", "Bearer ya29"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "sub": "1077", "email": "ada@example.com", "email_verified": true,
                "name": "Ada Lovelace", "given_name": "Ada", "family_name": "Lovelace",
                "picture": "https://example.com/a.png"
            })))
            .mount(&server)
            .await;
        let google = GoogleProvider::new(cfg(&server, "/userinfo")).unwrap();
        let profile = google
            .exchange("the-code", "the-verifier", "http://cb")
            .await
            .unwrap();
        assert_eq!(profile.subject, "1077");
        assert_eq!(profile.email.as_deref(), Some("ada@example.com"));
        assert!(profile.email_verified);
        assert_eq!(profile.first_name.as_deref(), Some("Ada"));
    }

    #[tokio::test]
    async fn github_uses_only_a_verified_primary_email() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/token"))
            .and(header("accept", "application/json"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(serde_json::json!({"access_token": "gho_x"})),
            )
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/api/user"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "id": 42, "login": "octo", "name": "Octo Cat", "avatar_url": null
            })))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/api/user/emails"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([
                {"email": "unverified@example.com", "primary": true, "verified": false},
                {"email": "other@example.com", "primary": false, "verified": true}
            ])))
            .mount(&server)
            .await;
        let github = GithubProvider::new(cfg(&server, "/api")).unwrap();
        let profile = github.exchange("c", "v", "http://cb").await.unwrap();
        assert_eq!(profile.subject, "42");
        assert_eq!(profile.email, None);
        assert!(!profile.email_verified);
        assert_eq!(profile.first_name.as_deref(), Some("Octo"));
        assert_eq!(profile.last_name.as_deref(), Some("Cat"));
    }

    #[tokio::test]
    async fn github_error_in_a_200_token_response_is_a_provider_failure() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/token"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(serde_json::json!({"error": "bad_verification_code"})),
            )
            .mount(&server)
            .await;
        let github = GithubProvider::new(cfg(&server, "/api")).unwrap();
        let err = github.exchange("c", "v", "http://cb").await.unwrap_err();
        assert!(matches!(err, AuthError::ProviderFailed(_)));
    }

    #[tokio::test]
    async fn slow_provider_times_out_as_a_provider_failure() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
            .mount(&server)
            .await;
        let mut config = cfg(&server, "/userinfo");
        config.timeout = Duration::from_millis(200);
        let google = GoogleProvider::new(config).unwrap();
        let err = google.exchange("c", "v", "http://cb").await.unwrap_err();
        assert!(matches!(err, AuthError::ProviderFailed(_)));
    }

    #[test]
    fn authorize_url_carries_state_and_s256_challenge() {
        let cfg = OAuthClientConfig {
            client_id: "id".into(),
            client_secret: SecretString::from("s"),
            auth_url: Url::parse("https://idp.example/authorize?x=1").unwrap(),
            token_url: Url::parse("https://idp.example/token").unwrap(),
            profile_url: Url::parse("https://idp.example/me").unwrap(),
            timeout: Duration::from_secs(1),
        };
        let url = Url::parse(&GoogleProvider::new(cfg).unwrap().authorize_url(
            "st",
            "ch",
            "https://api/cb",
        ))
        .unwrap();
        let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(q["x"], "1");
        assert_eq!(q["state"], "st");
        assert_eq!(q["code_challenge"], "ch");
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["redirect_uri"], "https://api/cb");
        assert_eq!(q["response_type"], "code");
    }

    #[test]
    fn config_debug_hides_the_client_secret() {
        let cfg = OAuthClientConfig {
            client_id: "id".into(),
            client_secret: SecretString::from("very-secret-value"),
            auth_url: Url::parse("https://a").unwrap(),
            token_url: Url::parse("https://a").unwrap(),
            profile_url: Url::parse("https://a").unwrap(),
            timeout: Duration::from_secs(1),
        };
        assert!(!format!("{cfg:?}").contains("very-secret-value"));
    }
}
