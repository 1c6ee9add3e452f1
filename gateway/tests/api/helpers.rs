//! `spawn_app()` and the stand-in identity providers.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use cue_auth::jwt::SigningKey;
use cue_gateway::config::{AuthSettings, DatabaseSettings, LogFormat, Settings};
use cue_gateway::startup::Application;
use cue_store::testing::{TestDatabase, fresh_database};
use cue_store::{Backend, Store, StoreConfig};
use reqwest::header;
use secrecy::SecretString;
use serde_json::json;
use url::Url;
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const SECRET_KEY: &str = "test-secret-key-test-secret-key-0123456789";
pub const FRONTEND: &str = "http://frontend.test:5173";
pub const API_PUBLIC: &str = "http://api.test:8000";

/// Generates a SQLite and a PostgreSQL variant of each `async fn(TestApp)` test, so a failure
/// names its backend. The PostgreSQL one is skipped (with a printed reason) when no server
/// answers outside CI.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(app) = $crate::helpers::spawn_app(cue_store::Backend::Sqlite).await {
                        super::$name(app).await;
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(app) = $crate::helpers::spawn_app(cue_store::Backend::Postgres).await {
                        super::$name(app).await;
                    }
                }
            )*
        }
    };
}

pub struct TestApp {
    pub address: String,
    db_url: String,
    /// The separate metrics server, when the test set `metrics_port`.
    pub metrics_address: Option<String>,
    /// The same database the app uses, for arranging and checking state directly.
    pub store: Store,
    pub idp: MockServer,
    /// A browser: keeps cookies, does not follow redirects (tests follow them explicitly).
    pub browser: reqwest::Client,
    /// A plain API client without cookies.
    pub api: reqwest::Client,
    /// Where the app keeps bundles.
    pub artifacts_dir: std::path::PathBuf,
    _artifacts: tempfile::TempDir,
    _db: Option<TestDatabase>,
}

/// The settings every test app starts from: port 0, the test database, a fixed signing key,
/// both providers pointed at the stand-in `idp`. Tests change typed fields of it.
pub fn test_settings(db_url: &str, idp: &str) -> Settings {
    let url = |path: &str| Url::parse(&format!("{idp}{path}")).expect("stand-in provider URL");
    Settings {
        host: "127.0.0.1".into(),
        port: 0,
        database: DatabaseSettings {
            url: SecretString::from(db_url),
            // Generous, for a loaded test machine; `faults.rs` tests the defaults.
            acquire_timeout: Duration::from_secs(5),
            query_timeout: Duration::from_secs(5),
            ..DatabaseSettings::default()
        },
        auth: AuthSettings {
            secret_key: SigningKey::new(SECRET_KEY),
            frontend_url: FRONTEND.into(),
            redirect_base_url: API_PUBLIC.into(),
            google_client_id: Some("google-client".into()),
            google_client_secret: Some(SecretString::from("google-secret")),
            google_auth_url: url("/google/authorize"),
            google_token_url: url("/google/token"),
            google_userinfo_url: url("/google/userinfo"),
            github_client_id: Some("github-client".into()),
            github_client_secret: Some(SecretString::from("github-secret")),
            github_auth_url: url("/github/authorize"),
            github_token_url: url("/github/token"),
            github_api_url: url("/github/api"),
            ..AuthSettings::default()
        },
        cors_origins: vec![
            "http://localhost:3000".into(),
            "https://cue-prod.com".into(),
            FRONTEND.into(),
        ],
        log_format: LogFormat::Pretty,
        ..Settings::default()
    }
}

/// [`test_settings`] as the environment of a `cue-gateway` process (for the tests that need
/// a real process: signals, exit codes, restarts), under the documented variable names.
pub fn test_environment(db_url: &str, idp: &str) -> BTreeMap<String, String> {
    [
        ("HOST", "127.0.0.1".to_owned()),
        ("PORT", "0".to_owned()),
        ("DATABASE_URL", db_url.to_owned()),
        ("DATABASE_ACQUIRE_TIMEOUT_MS", "5000".to_owned()),
        ("DATABASE_QUERY_TIMEOUT_MS", "5000".to_owned()),
        ("SECRET_KEY", SECRET_KEY.to_owned()),
        ("FRONTEND_URL", FRONTEND.to_owned()),
        ("OAUTH_REDIRECT_BASE_URL", API_PUBLIC.to_owned()),
        (
            "CORS_ORIGINS",
            "http://localhost:3000,https://cue-prod.com".to_owned(),
        ),
        ("GOOGLE_CLIENT_ID", "google-client".to_owned()),
        ("GOOGLE_CLIENT_SECRET", "google-secret".to_owned()),
        ("GITHUB_CLIENT_ID", "github-client".to_owned()),
        ("GITHUB_CLIENT_SECRET", "github-secret".to_owned()),
        ("GOOGLE_AUTH_URL", format!("{idp}/google/authorize")),
        ("GOOGLE_TOKEN_URL", format!("{idp}/google/token")),
        ("GOOGLE_USERINFO_URL", format!("{idp}/google/userinfo")),
        ("GITHUB_AUTH_URL", format!("{idp}/github/authorize")),
        ("GITHUB_TOKEN_URL", format!("{idp}/github/token")),
        ("GITHUB_API_URL", format!("{idp}/github/api")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, |_| {}).await
}

pub async fn spawn_app_with(
    backend: Backend,
    adjust: impl FnOnce(&mut Settings),
) -> Option<TestApp> {
    let db = fresh_database(backend).await?;
    let mut app = spawn_app_at(db.url(), adjust).await;
    app.keep_database(db);
    Some(app)
}

/// An app on an existing database, which outlives it: a second instance beside another
/// (scale-out), or an app whose `database.url` `adjust` points through a [`Proxy`]
/// (`TestApp::store` still reaches `db_url` directly).
///
/// [`Proxy`]: crate::proxy::Proxy
pub async fn spawn_app_at(db_url: &str, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let idp = MockServer::start().await;
    mount_providers(&idp).await;
    let artifacts = tempfile::tempdir().expect("artifact dir");
    let mut settings = test_settings(db_url, &idp.uri());
    settings.artifacts.dir = artifacts.path().to_owned();
    adjust(&mut settings);
    settings.validate().expect("test settings");
    let app = Application::build(settings)
        .await
        .expect("application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let metrics_address = app.metrics_port().map(|p| format!("http://127.0.0.1:{p}"));
    tokio::spawn(app.run_until_stopped());
    let mut app = TestApp::new(address, db_url, idp, artifacts).await;
    app.metrics_address = metrics_address;
    app
}

/// A user as each stand-in provider knows them, keyed by authorization code.
pub async fn mount_providers(idp: &MockServer) {
    for (code, token, sub, email) in [
        (
            "google-code-ada",
            "g-token-ada",
            "google-sub-ada",
            "ada@example.com",
        ),
        (
            "google-code-bob",
            "g-token-bob",
            "google-sub-bob",
            "bob@example.com",
        ),
    ] {
        Mock::given(method("POST"))
            .and(path("/google/token"))
            .and(body_string_contains(format!("code={code}&")))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"access_token": token, "token_type": "Bearer"})),
            )
            .mount(idp)
            .await;
        Mock::given(method("GET"))
            .and(path("/google/userinfo"))
            .and(wiremock::matchers::header(
                "authorization",
                format!("Bearer {token}").as_str(),
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "sub": sub, "email": email, "email_verified": true,
                "name": "Ada Lovelace", "given_name": "Ada", "family_name": "Lovelace",
                "picture": "https://example.com/ada.png"
            })))
            .mount(idp)
            .await;
    }
    Mock::given(method("POST"))
        .and(path("/github/token"))
        .and(body_string_contains("code=github-code-ada&"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "gho_ada", "scope": "read:user,user:email"})),
        )
        .mount(idp)
        .await;
    Mock::given(method("GET"))
        .and(path("/github/api/user"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": 4242, "login": "ada-gh", "name": "Ada Lovelace", "avatar_url": "https://example.com/gh.png"
        })))
        .mount(idp)
        .await;
    Mock::given(method("GET"))
        .and(path("/github/api/user/emails"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"email": "ada@example.com", "primary": true, "verified": true}
        ])))
        .mount(idp)
        .await;
    // A code the provider refuses.
    Mock::given(method("POST"))
        .and(path("/google/token"))
        .and(body_string_contains("code=bad-code&"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant"})))
        .mount(idp)
        .await;
}

/// What a login start redirected to: the provider's authorize URL and its query.
pub struct Authorize {
    pub url: Url,
    pub query: HashMap<String, String>,
}

impl Authorize {
    pub fn state(&self) -> &str {
        &self.query["state"]
    }
}

impl TestApp {
    /// A client of the app serving at `address` (in this process or not) on `db_url`.
    pub async fn new(
        address: String,
        db_url: &str,
        idp: MockServer,
        artifacts: tempfile::TempDir,
    ) -> TestApp {
        let config = StoreConfig {
            max_connections: 4,
            acquire_timeout: Duration::from_secs(5),
            query_timeout: Duration::from_secs(5),
            ..StoreConfig::new(db_url)
        };
        let store = Store::connect(&config).await.expect("store");
        TestApp {
            address,
            db_url: db_url.to_owned(),
            metrics_address: None,
            store,
            idp,
            browser: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            api: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            artifacts_dir: artifacts.path().to_owned(),
            _artifacts: artifacts,
            _db: None,
        }
    }

    /// Drops `db` with the app rather than before it.
    pub fn keep_database(&mut self, db: TestDatabase) {
        self._db = Some(db);
    }

    /// The database the app uses, for starting a second app (or the CLI) on it.
    pub fn db_url(&self) -> &str {
        &self.db_url
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// `GET path` with a bearer token.
    pub async fn get_as(&self, token: &str, path: &str) -> reqwest::Response {
        self.api
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    /// `POST path` with a bearer token and a JSON body.
    pub async fn post_as(
        &self,
        token: &str,
        path: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        self.send_json(reqwest::Method::POST, token, path, body)
            .await
    }

    /// `PUT path` with a bearer token and a JSON body.
    pub async fn put_as(
        &self,
        token: &str,
        path: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        self.send_json(reqwest::Method::PUT, token, path, body)
            .await
    }

    async fn send_json(
        &self,
        method: reqwest::Method,
        token: &str,
        path: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        self.api
            .request(method, self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// Starts a browser login and returns where the provider was asked to send the user back.
    pub async fn start_login(&self, client: &reqwest::Client, start_path: &str) -> Authorize {
        let res = client
            .get(self.url(start_path))
            .header(header::ACCEPT, "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 302, "login start must redirect");
        let location = res.headers()[header::LOCATION].to_str().unwrap().to_owned();
        let url = Url::parse(&location).unwrap();
        let query = url.query_pairs().into_owned().collect();
        Authorize { url, query }
    }

    /// Plays the provider sending the browser back to the callback.
    pub async fn callback(
        &self,
        client: &reqwest::Client,
        provider: &str,
        code: &str,
        state: &str,
    ) -> reqwest::Response {
        let mut url = Url::parse(&self.url(&format!("/auth/{provider}/callback"))).unwrap();
        url.query_pairs_mut()
            .append_pair("code", code)
            .append_pair("state", state);
        client
            .get(url)
            .header(header::ACCEPT, "text/html")
            .send()
            .await
            .unwrap()
    }

    /// Replays a callback as an attacker who kept the browser's state cookie would: a JSON
    /// client sending the code, the state and `cue_oauth_state` by hand.
    pub async fn replay_callback(
        &self,
        provider: &str,
        code: &str,
        state: &str,
    ) -> reqwest::Response {
        let mut url = Url::parse(&self.url(&format!("/auth/{provider}/callback"))).unwrap();
        url.query_pairs_mut()
            .append_pair("code", code)
            .append_pair("state", state);
        self.api
            .get(url)
            .header(header::ACCEPT, "application/json")
            .header(header::COOKIE, format!("cue_oauth_state={state}"))
            .send()
            .await
            .unwrap()
    }

    /// A complete browser login; the browser ends up holding the session cookie.
    pub async fn browser_login(&self, provider: &str, code: &str) {
        let authorize = self
            .start_login(&self.browser, &format!("/auth/{provider}"))
            .await;
        let res = self
            .callback(&self.browser, provider, code, authorize.state())
            .await;
        assert_eq!(res.status(), 302);
        let location = res.headers()[header::LOCATION].to_str().unwrap();
        assert_eq!(location, format!("{FRONTEND}/"));
    }

    /// A login by an API client that asks for JSON; returns the access token.
    pub async fn api_login(&self, provider: &str, code: &str) -> String {
        let res = self
            .api
            .get(self.url(&format!("/auth/{provider}")))
            .header(header::ACCEPT, "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let body: serde_json::Value = res.json().await.unwrap();
        let url = Url::parse(body["authorization_url"].as_str().unwrap()).unwrap();
        let state = url
            .query_pairs()
            .find(|(k, _)| k == "state")
            .unwrap()
            .1
            .into_owned();
        let mut cb = Url::parse(&self.url(&format!("/auth/{provider}/callback"))).unwrap();
        cb.query_pairs_mut()
            .append_pair("code", code)
            .append_pair("state", &state);
        let res = self
            .api
            .get(cb)
            .header(header::ACCEPT, "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["token_type"], "bearer");
        body["access_token"].as_str().unwrap().to_owned()
    }
}

/// Asserts the `{"detail", "code"}` error body and returns the code.
pub async fn error_code(res: reqwest::Response, status: u16) -> String {
    assert_eq!(res.status(), status);
    let ct = res
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(ct.as_deref(), Some("application/json"));
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(
        body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{body}"
    );
    body["code"].as_str().unwrap().to_owned()
}
