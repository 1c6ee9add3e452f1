//! Settings: read once at startup from the environment (and `.env`, and optionally an AWS
//! Secrets Manager secret), validated, fail fast with a message naming the variable.
//!
//! Each crate owns its part, a `Deserialize` struct with defaults and a `validate()`:
//! [`DatabaseSettings`] (cue-store), [`AuthSettings`] (cue-auth), [`SpeechConfig`]
//! (cue-speech), [`LlmConfig`](cue_workflows::llm::LlmConfig) (cue-workflows). The gateway's
//! own variables are the scalar fields of [`Settings`] and the small structs below. This module
//! only composes them: [`Settings::from_source`] reads every part from one
//! [`cue_settings::Source`], under the documented flat names (`DATABASE_URL`, `RATE_LIMIT_*`),
//! adds the defaults that depend on `APP_ENV` and `PORT`, and checks what spans crates.
//!
//! Tests build [`Settings::default()`] (a development setup) and change typed fields.

use std::path::PathBuf;
use std::time::Duration;

pub use cue_auth::AuthSettings;
use cue_settings::{SettingError, Source, both_or_neither, de, ensure};
pub use cue_speech::SpeechConfig;
pub use cue_store::DatabaseSettings;
use cue_workflows::repo::StorageQuota;
use secrecy::{ExposeSecret as _, SecretString};
use serde::Deserialize;
use url::Url;

/// A setting that cannot be used; it names the variable.
pub type ConfigError = SettingError;

/// The origins the specification lists for the React frontend.
pub const SPEC_CORS_ORIGINS: &[&str] = &[
    "http://localhost:3000",
    "https://dev.cue-dev.com",
    "https://staging.cue-dev.com",
    "https://cue-prod.com",
    "https://cue-tracker-abzali20.replit.app",
];

/// `APP_ENV`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(try_from = "String")]
pub enum AppEnv {
    /// `development` (the default), `dev` or `local`.
    #[default]
    Development,
    /// `production` or `prod`: requires `SECRET_KEY`, defaults to JSON logs and `Secure`
    /// cookies.
    Production,
}

impl TryFrom<String> for AppEnv {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        match s.to_ascii_lowercase().as_str() {
            "development" | "dev" | "local" => Ok(Self::Development),
            "production" | "prod" => Ok(Self::Production),
            other => Err(format!("expected development or production, got {other:?}")),
        }
    }
}

/// `LOG_FORMAT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(try_from = "String")]
pub enum LogFormat {
    /// `json` (the default in production).
    Json,
    /// `pretty` or `text` (the default in development).
    #[default]
    Pretty,
}

impl TryFrom<String> for LogFormat {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        match s.to_ascii_lowercase().as_str() {
            "json" => Ok(Self::Json),
            "pretty" | "text" => Ok(Self::Pretty),
            other => Err(format!("expected json or pretty, got {other:?}")),
        }
    }
}

/// Body limits of the JSON routes.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct LimitSettings {
    /// `MAX_JSON_BODY_BYTES`: largest JSON body accepted by ordinary routes.
    #[serde(rename = "max_json_body_bytes")]
    pub json_body_bytes: usize,
    /// `MAX_CODE_BYTES`: largest Python source accepted by `/code/validate`.
    #[serde(rename = "max_code_bytes")]
    pub code_bytes: usize,
    /// `MAX_WORKFLOWS_PER_USER`: most saved workflows per user.
    pub max_workflows_per_user: u32,
    /// `MAX_VERSIONS_PER_WORKFLOW`: most earlier versions kept per workflow (oldest dropped).
    pub max_versions_per_workflow: u32,
    /// `MAX_STORED_BYTES_PER_USER`: most bytes of workflows (and their versions) per user.
    pub max_stored_bytes_per_user: u64,
}

impl Default for LimitSettings {
    fn default() -> Self {
        let quota = StorageQuota::default();
        Self {
            json_body_bytes: 64 * 1024,
            code_bytes: 1024 * 1024,
            max_workflows_per_user: quota.max_workflows,
            max_versions_per_workflow: quota.max_versions,
            max_stored_bytes_per_user: quota.max_stored_bytes,
        }
    }
}

impl LimitSettings {
    /// What the workflow store enforces per user.
    pub fn storage_quota(&self) -> StorageQuota {
        StorageQuota {
            max_workflows: self.max_workflows_per_user,
            max_versions: self.max_versions_per_workflow,
            max_stored_bytes: self.max_stored_bytes_per_user,
        }
    }
}

/// Request quotas (per minute; 0 turns one off). See `ratelimit`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct RateLimitSettings {
    /// `RATE_LIMIT_ENABLED`: `false` turns every quota off (benchmarks).
    #[serde(rename = "rate_limit_enabled")]
    pub enabled: bool,
    /// `RATE_LIMIT_AUTH_PER_MINUTE`: per client IP, on the login flow (start and callback).
    #[serde(rename = "rate_limit_auth_per_minute")]
    pub auth_per_minute: u32,
    /// `RATE_LIMIT_GENERATE_PER_MINUTE`: per user (per IP when anonymous), on
    /// `/workflows/generate` and `/templates/{id}/use`.
    #[serde(rename = "rate_limit_generate_per_minute")]
    pub generate_per_minute: u32,
    /// `RATE_LIMIT_ANONYMOUS_GENERATE_PER_MINUTE`: every anonymous generation together.
    #[serde(rename = "rate_limit_anonymous_generate_per_minute")]
    pub anonymous_generate_per_minute: u32,
    /// `RATE_LIMIT_VALIDATE_PER_MINUTE`: per user, on `/code/validate`, `/code/syntax-check`
    /// and `/workflows/{id}/credentials`.
    #[serde(rename = "rate_limit_validate_per_minute")]
    pub validate_per_minute: u32,
    /// `RATE_LIMIT_WRITE_PER_MINUTE`: per user, on every stored change.
    #[serde(rename = "rate_limit_write_per_minute")]
    pub write_per_minute: u32,
    /// `RATE_LIMIT_SEARCH_PER_MINUTE`: per user, on `GET /workflows` (listing and search).
    #[serde(rename = "rate_limit_search_per_minute")]
    pub search_per_minute: u32,
    /// `RATE_LIMIT_TRANSCRIBE_PER_MINUTE`: per user, on `/speech/transcribe`.
    #[serde(rename = "rate_limit_transcribe_per_minute")]
    pub transcribe_per_minute: u32,
    /// `RATE_LIMIT_REDIS_PREFIX`: prefix of the counters' keys in Redis.
    #[serde(rename = "rate_limit_redis_prefix")]
    pub redis_prefix: String,
    /// `TRUSTED_PROXY_HOPS`: proxies in front of the service whose `X-Forwarded-For` entries
    /// are trusted (1 behind an AWS load balancer); 0 uses the peer address.
    pub trusted_proxy_hops: usize,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            auth_per_minute: 60,
            generate_per_minute: 30,
            anonymous_generate_per_minute: 120,
            validate_per_minute: 120,
            write_per_minute: 120,
            search_per_minute: 120,
            transcribe_per_minute: 10,
            redis_prefix: "cue:ratelimit".into(),
            trusted_proxy_hops: 0,
        }
    }
}

/// Where `/metrics` is served: with a bearer token on the API port, and/or without one on a
/// separate port meant to be reachable only inside the network. Neither: not served.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MetricsSettings {
    /// `METRICS_TOKEN`: 16 characters or more.
    #[serde(rename = "metrics_token")]
    pub token: Option<SecretString>,
    /// `METRICS_PORT` (0 picks a free one).
    #[serde(rename = "metrics_port")]
    pub port: Option<u16>,
}

/// Where generated bundles are kept: a directory, or S3 when `ARTIFACT_BUCKET` is set.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ArtifactSettings {
    /// `ARTIFACT_DIR`.
    #[serde(rename = "artifact_dir")]
    pub dir: PathBuf,
    /// `ARTIFACT_BUCKET`.
    #[serde(rename = "artifact_bucket")]
    pub bucket: Option<String>,
    /// `ARTIFACT_PREFIX`.
    #[serde(rename = "artifact_prefix")]
    pub prefix: String,
    /// `AWS_REGION`.
    #[serde(rename = "aws_region")]
    pub region: Option<String>,
    /// `AWS_ENDPOINT_URL`.
    #[serde(rename = "aws_endpoint_url")]
    pub endpoint_url: Option<String>,
    /// `AWS_S3_FORCE_PATH_STYLE`.
    #[serde(rename = "aws_s3_force_path_style")]
    pub force_path_style: bool,
}

impl Default for ArtifactSettings {
    fn default() -> Self {
        Self {
            dir: "artifacts".into(),
            bucket: None,
            prefix: String::new(),
            region: None,
            endpoint_url: None,
            force_path_style: false,
        }
    }
}

/// An OpenSearch cluster for search; read only when `OPENSEARCH_URL` is set
/// ([`Settings::opensearch`] is `None` otherwise: the embedded index).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct OpenSearchSettings {
    /// `OPENSEARCH_URL`, without a trailing slash.
    #[serde(rename = "opensearch_url", deserialize_with = "de::base_url")]
    pub url: String,
    /// `OPENSEARCH_USERNAME` and `OPENSEARCH_PASSWORD`: basic authentication, both or neither.
    #[serde(rename = "opensearch_username")]
    pub username: Option<String>,
    #[serde(rename = "opensearch_password")]
    pub password: Option<SecretString>,
    /// `OPENSEARCH_INDEX_PREFIX`: index names start with this (`cue` → `cue-search`).
    #[serde(rename = "opensearch_index_prefix")]
    pub index_prefix: String,
    /// `OPENSEARCH_TIMEOUT_SECONDS`: per request, connecting included (1 to 300).
    #[serde(
        rename = "opensearch_timeout_seconds",
        deserialize_with = "de::seconds"
    )]
    pub timeout: Duration,
    /// `OPENSEARCH_VERIFY_TLS`: verify the cluster's TLS certificate.
    #[serde(rename = "opensearch_verify_tls")]
    pub verify_tls: bool,
    /// `OPENSEARCH_CA_CERT`: a PEM file of the CA that signed the cluster's certificate.
    #[serde(rename = "opensearch_ca_cert")]
    pub ca_cert: Option<PathBuf>,
}

impl Default for OpenSearchSettings {
    fn default() -> Self {
        Self {
            url: "http://localhost:9200".into(),
            username: None,
            password: None,
            index_prefix: "cue".into(),
            timeout: Duration::from_secs(5),
            verify_tls: true,
            ca_cert: None,
        }
    }
}

impl OpenSearchSettings {
    /// Credentials together, an index prefix OpenSearch accepts, a timeout of 1 to 300 s.
    pub fn validate(&self) -> Result<(), ConfigError> {
        both_or_neither(
            ("OPENSEARCH_USERNAME", self.username.is_some()),
            ("OPENSEARCH_PASSWORD", self.password.is_some()),
        )?;
        // OpenSearch index names: lower case, no leading `_`, `-` or `+`, a small character set.
        let prefix = &self.index_prefix;
        ensure(
            !prefix.is_empty()
                && prefix.len() <= 100
                && !prefix.starts_with(['_', '-', '+'])
                && prefix.chars().all(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.')
                }),
            "OPENSEARCH_INDEX_PREFIX",
            "use lower-case letters, digits, '-', '_' or '.', not starting with '-', '_' or '+'",
        )?;
        ensure(
            (1..=300).contains(&self.timeout.as_secs()),
            "OPENSEARCH_TIMEOUT_SECONDS",
            "must be from 1 to 300",
        )
    }
}

/// Where the AWS Secrets Manager secret with more settings is (`SECRETS_MANAGER_*`), read from
/// the environment before everything else.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SecretsManagerSettings {
    /// `SECRETS_MANAGER_SECRET_ID`: a name or ARN; unset, no secret is read.
    #[serde(rename = "secrets_manager_secret_id")]
    pub secret_id: Option<String>,
    /// `SECRETS_MANAGER_REGION`, else `AWS_REGION`, else the SDK's default chain.
    #[serde(rename = "secrets_manager_region")]
    pub region: Option<String>,
    #[serde(rename = "aws_region")]
    pub aws_region: Option<String>,
    /// `SECRETS_MANAGER_ENDPOINT_URL` (moto in tests, VPC endpoints).
    #[serde(rename = "secrets_manager_endpoint_url")]
    pub endpoint_url: Option<String>,
}

impl SecretsManagerSettings {
    /// From the environment after reading `.env`: where the secret is cannot come from the
    /// secret itself.
    pub fn from_environment() -> Result<Self, ConfigError> {
        let _ = dotenvy::dotenv();
        Source::new().with_environment().get()
    }
}

/// Everything the gateway is configured with. The scalar fields are the gateway's own
/// variables (deserialized here); the parts owned by other crates, and the gateway's groups,
/// are read by [`Settings::from_source`] from the same source, each by its own type.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// `APP_ENV`.
    pub app_env: AppEnv,
    /// `HOST` and `PORT`: where to listen (port 0 picks a free one).
    pub host: String,
    pub port: u16,
    #[serde(skip)]
    pub database: DatabaseSettings,
    /// `REDIS_URL`: rate-limit counters shared by every instance.
    pub redis_url: Option<SecretString>,
    #[serde(skip)]
    pub auth: AuthSettings,
    /// `CORS_ORIGINS`, as origins, with `FRONTEND_URL`'s origin always among them.
    #[serde(deserialize_with = "de::comma_list")]
    pub cors_origins: Vec<String>,
    /// `LOG_FORMAT`.
    pub log_format: LogFormat,
    #[serde(skip)]
    pub limits: LimitSettings,
    #[serde(skip)]
    pub rate_limits: RateLimitSettings,
    #[serde(skip)]
    pub metrics: MetricsSettings,
    /// `REQUEST_TIMEOUT_SECONDS`: longest a request may take from its first byte to its
    /// answer (slow uploads included); `/speech/transcribe` gets `speech_upload_timeout` on top.
    #[serde(rename = "request_timeout_seconds", deserialize_with = "de::seconds")]
    pub request_timeout: Duration,
    /// `CLIENT_HEADER_TIMEOUT_SECONDS`: longest a client may take to send a request's headers.
    #[serde(
        rename = "client_header_timeout_seconds",
        deserialize_with = "de::seconds"
    )]
    pub client_header_timeout: Duration,
    /// `SHUTDOWN_GRACE_SECONDS`: how long in-flight requests may finish after SIGTERM.
    #[serde(rename = "shutdown_grace_seconds", deserialize_with = "de::seconds")]
    pub shutdown_grace: Duration,
    /// `READINESS_TIMEOUT_MS`: upper bound for each `/health/ready` check, so the probe
    /// answers in time for a load balancer's health check.
    #[serde(rename = "readiness_timeout_ms", deserialize_with = "de::millis")]
    pub readiness_timeout: Duration,
    #[serde(skip)]
    pub speech: SpeechConfig,
    /// The model-backed planner (`LLM_PROVIDER`); disabled by default.
    #[cfg(feature = "llm")]
    #[serde(skip)]
    pub llm: cue_workflows::llm::LlmConfig,
    /// `SPEECH_UPLOAD_TIMEOUT_SECONDS`: longest time an audio upload may take to arrive.
    #[serde(
        rename = "speech_upload_timeout_seconds",
        deserialize_with = "de::seconds"
    )]
    pub speech_upload_timeout: Duration,
    #[serde(skip)]
    pub artifacts: ArtifactSettings,
    /// Dry runs (`DRY_RUN_*`, cue-sandbox).
    #[serde(skip)]
    pub dry_run: cue_sandbox::SandboxSettings,
    /// Where search documents live: OpenSearch when `OPENSEARCH_URL` is set, else in process.
    #[serde(skip)]
    pub opensearch: Option<OpenSearchSettings>,
}

impl Default for Settings {
    /// A working development setup: what an empty environment gives.
    fn default() -> Self {
        let auth = AuthSettings::default();
        let cors_origins = with_frontend(
            SPEC_CORS_ORIGINS.iter().map(|o| (*o).to_owned()).collect(),
            &auth.frontend_url,
        );
        Self {
            app_env: AppEnv::Development,
            host: "127.0.0.1".into(),
            port: 8000,
            database: DatabaseSettings::default(),
            redis_url: None,
            auth,
            cors_origins,
            log_format: LogFormat::Pretty,
            limits: LimitSettings::default(),
            rate_limits: RateLimitSettings::default(),
            metrics: MetricsSettings::default(),
            request_timeout: Duration::from_secs(30),
            client_header_timeout: Duration::from_secs(5),
            shutdown_grace: Duration::from_secs(20),
            readiness_timeout: Duration::from_millis(800),
            speech: SpeechConfig::default(),
            #[cfg(feature = "llm")]
            llm: cue_workflows::llm::LlmConfig::default(),
            speech_upload_timeout: Duration::from_secs(60),
            artifacts: ArtifactSettings::default(),
            dry_run: cue_sandbox::SandboxSettings::default(),
            opensearch: None,
        }
    }
}

impl Settings {
    /// Reads `.env` (if present) into the environment, then everything from the environment
    /// over `secret`, the values of the Secrets Manager secret when one was read (its name,
    /// its flat variables): the environment wins.
    pub fn load(
        secret: Option<(&str, &std::collections::BTreeMap<String, String>)>,
    ) -> Result<Self, ConfigError> {
        let _ = dotenvy::dotenv();
        let mut source = Source::new();
        if let Some((name, vars)) = secret {
            source = source.layer(format!("the Secrets Manager secret {name:?}"), vars);
        }
        Self::from_source(&source.with_environment())
    }

    /// Every part read from `source` and validated. The defaults that depend on other
    /// settings sit under everything else: `APP_ENV=production` turns on `COOKIE_SECURE` and
    /// JSON logs, and `OAUTH_REDIRECT_BASE_URL` is `http://localhost:$PORT`.
    pub fn from_source(source: &Source) -> Result<Self, ConfigError> {
        let first: Self = source.get()?;
        let mut derived = vec![(
            "oauth_redirect_base_url",
            format!("http://localhost:{}", first.port),
        )];
        // A public URL on https means browsers reach the API over TLS: the cookie can be
        // `Secure` whatever APP_ENV says.
        let public_https = source
            .var("OAUTH_REDIRECT_BASE_URL")
            .is_some_and(|u| u.trim().to_ascii_lowercase().starts_with("https://"));
        if first.app_env == AppEnv::Production || public_https {
            derived.push(("cookie_secure", "true".into()));
        }
        if first.app_env == AppEnv::Production {
            derived.push(("log_format", "json".into()));
        }
        let source = source.clone().with_defaults("derived defaults", derived);

        #[cfg(not(feature = "llm"))]
        if source
            .var("LLM_PROVIDER")
            .is_some_and(|v| !v.eq_ignore_ascii_case("none"))
        {
            return Err(ConfigError::new(
                "LLM_PROVIDER",
                "this binary was built without the `llm` feature",
            ));
        }

        let mut settings = Self {
            database: source.get()?,
            auth: source.get()?,
            limits: source.get()?,
            rate_limits: source.get()?,
            metrics: source.get()?,
            speech: source.get()?,
            #[cfg(feature = "llm")]
            llm: source.get()?,
            artifacts: source.get()?,
            dry_run: source.get()?,
            opensearch: match source.var("OPENSEARCH_URL") {
                Some(_) => Some(source.get()?),
                None => None,
            },
            ..source.get::<Self>()?
        };
        settings.cors_origins = cors_origins(&settings.cors_origins, &settings.auth.frontend_url)?;
        settings.validate()?;
        // The specification's development hosts are not trusted by default in production.
        ensure(
            settings.app_env != AppEnv::Production
                || source
                    .var("CORS_ORIGINS")
                    .is_some_and(|v| !v.trim().is_empty()),
            "CORS_ORIGINS",
            "is required when APP_ENV=production (the origins of your frontend)",
        )?;
        Ok(settings)
    }

    /// Each part's own rules, then what spans them: production needs a configured
    /// `SECRET_KEY`, limits and deadlines are above zero, a metrics token is long enough.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.database.validate()?;
        self.auth.validate()?;
        self.speech.validate()?;
        self.dry_run.validate()?;
        #[cfg(feature = "llm")]
        self.llm.validate()?;
        if let Some(opensearch) = &self.opensearch {
            opensearch.validate()?;
        }
        ensure(
            !(self.app_env == AppEnv::Production && self.auth.secret_key.is_ephemeral()),
            "SECRET_KEY",
            "is required when APP_ENV=production",
        )?;
        for (ok, var) in [
            (self.limits.json_body_bytes > 0, "MAX_JSON_BODY_BYTES"),
            (self.limits.code_bytes > 0, "MAX_CODE_BYTES"),
            (
                self.limits.max_workflows_per_user > 0,
                "MAX_WORKFLOWS_PER_USER",
            ),
            (
                self.limits.max_versions_per_workflow > 0,
                "MAX_VERSIONS_PER_WORKFLOW",
            ),
            (
                self.limits.max_stored_bytes_per_user > 0,
                "MAX_STORED_BYTES_PER_USER",
            ),
            (!self.request_timeout.is_zero(), "REQUEST_TIMEOUT_SECONDS"),
            (
                !self.client_header_timeout.is_zero(),
                "CLIENT_HEADER_TIMEOUT_SECONDS",
            ),
            (!self.readiness_timeout.is_zero(), "READINESS_TIMEOUT_MS"),
            (
                !self.speech_upload_timeout.is_zero(),
                "SPEECH_UPLOAD_TIMEOUT_SECONDS",
            ),
        ] {
            ensure(ok, var, "must be greater than 0")?;
        }
        ensure(
            self.metrics
                .token
                .as_ref()
                .is_none_or(|t| t.expose_secret().len() >= 16),
            "METRICS_TOKEN",
            "must be at least 16 characters",
        )
    }
}

impl Settings {
    /// What is allowed but probably wrong, for a loud warning at startup.
    ///
    /// With `TRUSTED_PROXY_HOPS=0` the client address is the peer's. Behind a load balancer
    /// that is the balancer's, so every client shares one login quota and one anonymous
    /// quota. A production service whose public URL is not its own listener is almost
    /// certainly behind one. Starting anyway (rather than refusing) keeps a service that is
    /// reached directly under a DNS name working; the warning says what to set.
    pub fn startup_warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.app_env == AppEnv::Production
            && self.rate_limits.trusted_proxy_hops == 0
            && !self.public_url_is_the_listener()
        {
            warnings.push(format!(
                "TRUSTED_PROXY_HOPS=0 but the public URL {} is not this listener ({}:{}): if a \
                 load balancer or proxy is in front, every client is counted as its address and \
                 they share one rate limit. Set TRUSTED_PROXY_HOPS to the number of proxies (1 \
                 behind an AWS ALB).",
                self.auth.redirect_base_url, self.host, self.port
            ));
        }
        warnings
    }

    /// Whether `OAUTH_REDIRECT_BASE_URL` names this process's own host and port.
    fn public_url_is_the_listener(&self) -> bool {
        let Ok(url) = Url::parse(&self.auth.redirect_base_url) else {
            return false;
        };
        let local = |h: &str| matches!(h, "localhost" | "127.0.0.1" | "[::1]" | "::1");
        let host_matches = url
            .host_str()
            .is_some_and(|h| h == self.host || (local(h) && local(&self.host)));
        host_matches && url.port_or_known_default() == Some(self.port)
    }
}

/// `scheme://host[:port]` of a URL, as a browser sends it in `Origin`.
pub fn origin_of(url: &str) -> Option<String> {
    let url = Url::parse(url).ok()?;
    match url.origin() {
        url::Origin::Tuple(..) => Some(url.origin().ascii_serialization()),
        url::Origin::Opaque(_) => None,
    }
}

/// The listed origins (`CORS_ORIGINS`, trailing slashes ignored) and the frontend's, each once.
fn cors_origins(listed: &[String], frontend_url: &str) -> Result<Vec<String>, ConfigError> {
    let mut origins = Vec::new();
    for entry in listed.iter().map(String::as_str).chain([frontend_url]) {
        let origin = origin_of(entry.trim_end_matches('/'))
            .filter(|_| entry.starts_with("http://") || entry.starts_with("https://"))
            .ok_or_else(|| {
                ConfigError::new(
                    "CORS_ORIGINS",
                    format!("{entry:?} is not an http(s) origin"),
                )
            })?;
        if !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    Ok(origins)
}

/// `origins` with the frontend's origin added, for defaults known to be valid.
fn with_frontend(mut origins: Vec<String>, frontend_url: &str) -> Vec<String> {
    if let Some(origin) = origin_of(frontend_url)
        && !origins.contains(&origin)
    {
        origins.push(origin);
    }
    origins
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    fn load(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        Settings::from_source(&Source::from_pairs(pairs.iter().copied()))
    }

    fn error_var(pairs: &[(&str, &str)]) -> String {
        load(pairs).unwrap_err().var
    }

    #[test]
    fn no_configuration_gives_a_working_development_setup() {
        let s = load(&[]).unwrap();
        assert_eq!(s.port, 8000);
        assert_eq!(s.database.url.expose_secret(), "sqlite://cue.db");
        assert!(s.auth.secret_key.is_ephemeral());
        assert!(s.auth.google().is_none());
        assert!(!s.auth.cookie_secure);
        assert_eq!(s.log_format, LogFormat::Pretty);
        assert_eq!(s.auth.redirect_base_url, "http://localhost:8000");
        assert!(
            s.cors_origins
                .contains(&"https://cue-tracker-abzali20.replit.app".to_owned())
        );
        assert!(s.cors_origins.contains(&"http://localhost:5173".to_owned()));
        assert!(s.opensearch.is_none());
        // What tests start from is what an empty environment gives.
        assert_eq!(format!("{s:?}"), format!("{:?}", Settings::default()));
    }

    #[test]
    fn every_part_reads_its_documented_variables() {
        let s = load(&[
            ("HOST", "0.0.0.0"),
            ("PORT", "9000"),
            ("DATABASE_URL", "postgres://cue@db/cue"),
            ("DATABASE_ACQUIRE_TIMEOUT_MS", "250"),
            ("SECRET_KEY", &"k".repeat(32)),
            ("RATE_LIMIT_ENABLED", "off"),
            ("RATE_LIMIT_AUTH_PER_MINUTE", "7"),
            ("TRUSTED_PROXY_HOPS", "1"),
            ("MAX_CODE_BYTES", "2048"),
            ("MAX_WORKFLOWS_PER_USER", "10"),
            ("MAX_VERSIONS_PER_WORKFLOW", "3"),
            ("MAX_STORED_BYTES_PER_USER", "100000"),
            ("RATE_LIMIT_WRITE_PER_MINUTE", "11"),
            ("RATE_LIMIT_SEARCH_PER_MINUTE", "12"),
            ("RATE_LIMIT_ANONYMOUS_GENERATE_PER_MINUTE", "13"),
            ("METRICS_PORT", "9100"),
            ("READINESS_TIMEOUT_MS", "300"),
            ("SPEECH_PROVIDER", "openai"),
            ("SPEECH_UPLOAD_TIMEOUT_SECONDS", "9"),
            ("LLM_TIMEOUT_SECONDS", "4"),
            ("ARTIFACT_BUCKET", "bundles"),
            ("AWS_S3_FORCE_PATH_STYLE", "1"),
        ])
        .unwrap();
        assert_eq!((s.host.as_str(), s.port), ("0.0.0.0", 9000));
        assert_eq!(s.auth.redirect_base_url, "http://localhost:9000");
        assert_eq!(s.database.acquire_timeout, Duration::from_millis(250));
        assert!(!s.auth.secret_key.is_ephemeral());
        assert!(!s.rate_limits.enabled);
        assert_eq!(
            (
                s.rate_limits.auth_per_minute,
                s.rate_limits.generate_per_minute
            ),
            (7, 30)
        );
        assert_eq!(s.rate_limits.trusted_proxy_hops, 1);
        assert_eq!(s.limits.code_bytes, 2048);
        assert_eq!(
            s.limits.storage_quota(),
            StorageQuota {
                max_workflows: 10,
                max_versions: 3,
                max_stored_bytes: 100_000
            }
        );
        assert_eq!(
            (
                s.rate_limits.write_per_minute,
                s.rate_limits.search_per_minute,
                s.rate_limits.anonymous_generate_per_minute
            ),
            (11, 12, 13)
        );
        assert_eq!(s.metrics.port, Some(9100));
        assert_eq!(s.readiness_timeout, Duration::from_millis(300));
        assert_eq!(s.speech.provider, cue_speech::ProviderKind::OpenAi);
        assert_eq!(s.speech_upload_timeout, Duration::from_secs(9));
        #[cfg(feature = "llm")]
        assert_eq!(s.llm.timeout, Duration::from_secs(4));
        assert_eq!(s.artifacts.bucket.as_deref(), Some("bundles"));
        assert!(s.artifacts.force_path_style);
    }

    #[test]
    fn opensearch_is_off_unless_its_url_is_set_and_checked_when_it_is() {
        let s = load(&[
            ("OPENSEARCH_URL", "https://search.example:9200/"),
            ("OPENSEARCH_USERNAME", "cue"),
            ("OPENSEARCH_PASSWORD", "pw"),
            ("OPENSEARCH_INDEX_PREFIX", "cue-prod"),
            ("OPENSEARCH_TIMEOUT_SECONDS", "3"),
            ("OPENSEARCH_VERIFY_TLS", "false"),
            ("OPENSEARCH_CA_CERT", "/etc/ssl/search-ca.pem"),
        ])
        .unwrap();
        let os = s.opensearch.unwrap();
        assert_eq!(
            os.ca_cert.as_deref(),
            Some(std::path::Path::new("/etc/ssl/search-ca.pem"))
        );
        assert_eq!(os.url, "https://search.example:9200");
        assert_eq!(os.username.as_deref(), Some("cue"));
        assert_eq!(os.password.unwrap().expose_secret(), "pw");
        assert_eq!(os.index_prefix, "cue-prod");
        assert_eq!(os.timeout, Duration::from_secs(3));
        assert!(!os.verify_tls);
        let d = load(&[("OPENSEARCH_URL", "http://localhost:9200")])
            .unwrap()
            .opensearch
            .unwrap();
        assert_eq!(
            (d.index_prefix.as_str(), d.timeout.as_secs(), d.verify_tls),
            ("cue", 5, true)
        );
        // Its other variables mean nothing without the URL.
        assert!(
            load(&[("OPENSEARCH_TIMEOUT_SECONDS", "0")])
                .unwrap()
                .opensearch
                .is_none()
        );

        let url = ("OPENSEARCH_URL", "http://localhost:9200");
        assert_eq!(
            error_var(&[("OPENSEARCH_URL", "localhost:9200")]),
            "OPENSEARCH_URL"
        );
        assert_eq!(
            error_var(&[url, ("OPENSEARCH_USERNAME", "u")]),
            "OPENSEARCH_PASSWORD"
        );
        assert_eq!(
            error_var(&[url, ("OPENSEARCH_PASSWORD", "p")]),
            "OPENSEARCH_USERNAME"
        );
        for prefix in ["Cue", "_cue", "cue search", "-x"] {
            assert_eq!(
                error_var(&[url, ("OPENSEARCH_INDEX_PREFIX", prefix)]),
                "OPENSEARCH_INDEX_PREFIX",
                "{prefix}"
            );
        }
        for timeout in ["0", "soon", "301"] {
            assert_eq!(
                error_var(&[url, ("OPENSEARCH_TIMEOUT_SECONDS", timeout)]),
                "OPENSEARCH_TIMEOUT_SECONDS"
            );
        }
        assert_eq!(
            error_var(&[url, ("OPENSEARCH_VERIFY_TLS", "maybe")]),
            "OPENSEARCH_VERIFY_TLS"
        );
    }

    #[test]
    fn production_requires_a_secret_key_and_defaults_to_secure_cookies_and_json_logs() {
        let err = load(&[("APP_ENV", "production")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "SECRET_KEY: is required when APP_ENV=production"
        );
        let key = "k".repeat(32);
        let cors = ("CORS_ORIGINS", "https://app.example");
        assert_eq!(
            error_var(&[("APP_ENV", "production"), ("SECRET_KEY", &key)]),
            "CORS_ORIGINS",
            "the specification's development hosts are not trusted in production"
        );
        let s = load(&[("APP_ENV", "Production"), ("SECRET_KEY", &key), cors]).unwrap();
        assert_eq!(
            s.cors_origins,
            ["https://app.example", "http://localhost:5173"]
        );
        assert_eq!(s.app_env, AppEnv::Production);
        assert!(s.auth.cookie_secure);
        assert_eq!(s.log_format, LogFormat::Json);
        // Set explicitly, they win over the production defaults.
        let s = load(&[
            ("APP_ENV", "prod"),
            ("SECRET_KEY", &key),
            cors,
            ("COOKIE_SECURE", "false"),
            ("LOG_FORMAT", "text"),
        ])
        .unwrap();
        assert!(!s.auth.cookie_secure);
        assert_eq!(s.log_format, LogFormat::Pretty);
    }

    #[test]
    fn an_https_public_url_makes_the_cookie_secure_in_development_too() {
        let s = load(&[("OAUTH_REDIRECT_BASE_URL", "https://api.example")]).unwrap();
        assert!(s.auth.cookie_secure);
        assert!(!load(&[]).unwrap().auth.cookie_secure);
        let s = load(&[
            ("OAUTH_REDIRECT_BASE_URL", "https://api.example"),
            ("COOKIE_SECURE", "false"),
        ])
        .unwrap();
        assert!(!s.auth.cookie_secure, "an explicit value wins");
    }

    #[test]
    fn production_behind_a_public_url_without_trusted_proxies_is_warned_about() {
        let key = "k".repeat(32);
        let prod = [
            ("APP_ENV", "production"),
            ("SECRET_KEY", key.as_str()),
            ("CORS_ORIGINS", "https://app.example"),
        ];
        let with = |extra: &[(&'static str, &'static str)]| {
            let mut pairs = prod.to_vec();
            pairs.extend_from_slice(extra);
            load(&pairs).unwrap().startup_warnings()
        };
        let warned = with(&[("OAUTH_REDIRECT_BASE_URL", "https://api.example")]);
        assert_eq!(warned.len(), 1);
        assert!(warned[0].contains("TRUSTED_PROXY_HOPS"), "{warned:?}");
        assert!(
            with(&[
                ("OAUTH_REDIRECT_BASE_URL", "https://api.example"),
                ("TRUSTED_PROXY_HOPS", "1"),
            ])
            .is_empty()
        );
        // The default public URL is the listener itself: nothing in front.
        assert!(with(&[]).is_empty());
        // Development is not warned about.
        assert!(
            load(&[("OAUTH_REDIRECT_BASE_URL", "https://api.example")])
                .unwrap()
                .startup_warnings()
                .is_empty()
        );
    }

    #[test]
    fn bad_values_name_their_variable() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            // numbers and booleans that do not parse
            (&[("PORT", "eighty")], "PORT"),
            (&[("PORT", "70000")], "PORT"),
            (
                &[("RATE_LIMIT_GENERATE_PER_MINUTE", "-1")],
                "RATE_LIMIT_GENERATE_PER_MINUTE",
            ),
            (&[("COOKIE_SECURE", "maybe")], "COOKIE_SECURE"),
            (&[("RATE_LIMIT_ENABLED", "perhaps")], "RATE_LIMIT_ENABLED"),
            (&[("RUN_MIGRATIONS", "later")], "RUN_MIGRATIONS"),
            (&[("READINESS_TIMEOUT_MS", "soon")], "READINESS_TIMEOUT_MS"),
            (&[("METRICS_PORT", "metrics")], "METRICS_PORT"),
            // values out of range, and words that are not one of the choices
            (&[("APP_ENV", "staging-ish")], "APP_ENV"),
            (&[("LOG_FORMAT", "xml")], "LOG_FORMAT"),
            (&[("DATABASE_URL", "mysql://x")], "DATABASE_URL"),
            (
                &[("DATABASE_QUERY_TIMEOUT_MS", "0")],
                "DATABASE_QUERY_TIMEOUT_MS",
            ),
            (&[("FRONTEND_URL", "not a url")], "FRONTEND_URL"),
            (&[("CORS_ORIGINS", "ftp://x")], "CORS_ORIGINS"),
            (
                &[("AUTH_SUCCESS_PATH", "//evil.example")],
                "AUTH_SUCCESS_PATH",
            ),
            (
                &[("ACCESS_TOKEN_EXPIRE_MINUTES", "0")],
                "ACCESS_TOKEN_EXPIRE_MINUTES",
            ),
            (&[("SECRET_KEY", "short")], "SECRET_KEY"),
            (&[("MAX_JSON_BODY_BYTES", "0")], "MAX_JSON_BODY_BYTES"),
            (&[("MAX_WORKFLOWS_PER_USER", "0")], "MAX_WORKFLOWS_PER_USER"),
            (
                &[("MAX_VERSIONS_PER_WORKFLOW", "0")],
                "MAX_VERSIONS_PER_WORKFLOW",
            ),
            (
                &[("MAX_STORED_BYTES_PER_USER", "-5")],
                "MAX_STORED_BYTES_PER_USER",
            ),
            (
                &[("REQUEST_TIMEOUT_SECONDS", "0")],
                "REQUEST_TIMEOUT_SECONDS",
            ),
            (&[("METRICS_TOKEN", "short")], "METRICS_TOKEN"),
            (&[("SPEECH_PROVIDER", "google")], "SPEECH_PROVIDER"),
            (&[("SPEECH_MAX_BYTES", "0")], "SPEECH_MAX_BYTES"),
            // rules across variables
            (&[("GOOGLE_CLIENT_ID", "id")], "GOOGLE_CLIENT_SECRET"),
            (&[("GITHUB_CLIENT_SECRET", "s")], "GITHUB_CLIENT_ID"),
            (&[("SPEECH_PROVIDER", "aws")], "TRANSCRIBE_BUCKET"),
        ];
        for (pairs, var) in cases {
            let err = load(pairs).unwrap_err();
            assert_eq!(err.var, *var, "{pairs:?}: {err}");
            assert!(err.to_string().starts_with(&format!("{var}: ")), "{err}");
        }
        #[cfg(feature = "llm")]
        assert_eq!(
            error_var(&[("LLM_PROVIDER", "openai"), ("LLM_MODEL", "m")]),
            "LLM_BASE_URL"
        );
        #[cfg(not(feature = "llm"))]
        assert_eq!(error_var(&[("LLM_PROVIDER", "openai")]), "LLM_PROVIDER");
    }

    #[test]
    fn messages_say_what_was_expected() {
        for (pairs, message) in [
            (
                &[("PORT", "eighty")][..],
                "PORT: expected an integer, got \"eighty\"",
            ),
            (
                &[("COOKIE_SECURE", "maybe")][..],
                "COOKIE_SECURE: expected a boolean, got \"maybe\"",
            ),
            (
                &[("GOOGLE_CLIENT_ID", "id")][..],
                "GOOGLE_CLIENT_SECRET: is required when GOOGLE_CLIENT_ID is set",
            ),
        ] {
            assert_eq!(load(pairs).unwrap_err().to_string(), message);
        }
    }

    #[test]
    fn the_environment_wins_over_the_secret_and_a_bad_secret_value_says_where_it_came_from() {
        let secret = Source::new().layer(
            "the Secrets Manager secret \"cue/prod\"",
            [
                ("SECRET_KEY", "s".repeat(40).as_str()),
                ("PORT", "8080"),
                ("HOST", "0.0.0.0"),
            ],
        );
        let s = Settings::from_source(
            &secret
                .clone()
                .layer(cue_settings::ENVIRONMENT, [("PORT", "9090")]),
        )
        .unwrap();
        assert_eq!((s.host.as_str(), s.port), ("0.0.0.0", 9090));
        assert!(!s.auth.secret_key.is_ephemeral());

        let bad = secret.layer(
            "the Secrets Manager secret \"cue/prod\"",
            [("RATE_LIMIT_ENABLED", "perhaps")],
        );
        let err = Settings::from_source(&bad).unwrap_err();
        assert_eq!(err.var, "RATE_LIMIT_ENABLED");
        assert!(err.reason.contains("cue/prod"), "{err}");
    }

    #[test]
    fn unrelated_variables_with_odd_names_are_ignored() {
        let s = load(&[
            ("BASH_FUNC_x%%", "() { :; }"),
            ("a.b[0]", "x"),
            ("PORT", "9000"),
        ])
        .unwrap();
        assert_eq!(s.port, 9000);
    }

    #[test]
    fn empty_values_count_as_unset() {
        let s = load(&[("PORT", ""), ("SECRET_KEY", "  "), ("CORS_ORIGINS", "")]).unwrap();
        assert_eq!(s.port, 8000);
        assert!(s.auth.secret_key.is_ephemeral());
        assert!(s.cors_origins.contains(&"https://cue-prod.com".to_owned()));
    }

    #[test]
    fn cors_origins_are_normalised() {
        let s = load(&[
            (
                "CORS_ORIGINS",
                "https://a.example/, http://localhost:5000 ,https://a.example",
            ),
            ("FRONTEND_URL", "http://127.0.0.1:5173/"),
        ])
        .unwrap();
        assert_eq!(
            s.cors_origins,
            [
                "https://a.example",
                "http://localhost:5000",
                "http://127.0.0.1:5173"
            ]
        );
        assert_eq!(s.auth.frontend_url, "http://127.0.0.1:5173");
    }

    #[test]
    fn the_default_settings_are_valid() {
        Settings::default().validate().unwrap();
    }

    #[test]
    fn secrets_never_print() {
        let s = load(&[
            ("SECRET_KEY", "this-is-a-very-secret-signing-key-123"),
            ("GOOGLE_CLIENT_ID", "i"),
            ("GOOGLE_CLIENT_SECRET", "google-secret-value"),
            ("DATABASE_URL", "postgres://u:db-password@h/d"),
            ("REDIS_URL", "redis://:redis-password@h:6379"),
            ("METRICS_TOKEN", "metrics-token-0123456789"),
            ("OPENSEARCH_URL", "https://search.example"),
            ("OPENSEARCH_USERNAME", "cue"),
            ("OPENSEARCH_PASSWORD", "search-password"),
        ])
        .unwrap();
        let printed = format!("{s:?}");
        for secret in [
            "very-secret-signing",
            "google-secret-value",
            "db-password",
            "redis-password",
            "metrics-token",
            "search-password",
        ] {
            assert!(!printed.contains(secret), "{secret} leaked");
        }
    }
}
