//! Settings: read once from the environment (and `.env`, and optionally an AWS Secrets Manager
//! secret), validated at startup. Every error names the variable that is wrong.

use std::collections::BTreeMap;
use std::time::Duration;

use cue_auth::providers::{GithubProvider, GoogleProvider, OAuthClientConfig};
use cue_auth::jwt::SigningKey;
use secrecy::SecretString;
use serde::Deserialize;
use url::Url;

/// The origins the specification lists for the React frontend.
pub const SPEC_CORS_ORIGINS: &[&str] = &[
    "http://localhost:3000",
    "https://dev.cue-dev.com",
    "https://staging.cue-dev.com",
    "https://cue-prod.com",
    "https://cue-tracker-abzali20.replit.app",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppEnv {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    /// `postgres://...` or a SQLite file (`sqlite://cue.db`).
    pub url: SecretString,
    pub max_connections: usize,
    /// Longest wait for a connection (including opening one).
    pub acquire_timeout: Duration,
    /// Longest one query may run; past it the request gets 503.
    pub query_timeout: Duration,
    /// How long startup waits for the database to answer before giving up.
    pub startup_wait: Duration,
    pub run_migrations: bool,
}

#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub secret_key: SigningKey,
    /// True when no SECRET_KEY was given and a random one was made for this process.
    pub ephemeral_key: bool,
    pub access_ttl: Duration,
    pub issuer: String,
    pub audience: String,
    pub google: Option<OAuthClientConfig>,
    pub github: Option<OAuthClientConfig>,
    /// Public base URL of this API (callbacks are built from it).
    pub redirect_base_url: String,
    pub frontend_url: String,
    pub success_path: String,
    pub error_path: String,
    pub cookie_secure: bool,
    pub state_ttl: Duration,
}

#[derive(Debug, Clone)]
pub struct LimitSettings {
    /// Largest JSON body accepted by ordinary routes.
    pub json_body_bytes: usize,
    /// Largest Python source accepted by `/code/validate`.
    pub code_bytes: usize,
}

/// Request quotas (per minute; 0 turns one off). See `ratelimit`.
#[derive(Debug, Clone)]
pub struct RateLimitSettings {
    pub enabled: bool,
    /// Per client IP, on `/auth/*`.
    pub auth_per_minute: u32,
    /// Per user (per IP when anonymous), on `/workflows/generate` and `/templates/{id}/use`.
    pub generate_per_minute: u32,
    /// Per user, on `/code/validate` and `/code/syntax-check`.
    pub validate_per_minute: u32,
    /// Per user, on `/speech/transcribe`.
    pub transcribe_per_minute: u32,
    /// Prefix of the counters' keys in Redis.
    pub redis_prefix: String,
    /// Proxies in front of the service whose `X-Forwarded-For` entries are trusted
    /// (1 behind an AWS load balancer); 0 uses the peer address.
    pub trusted_proxy_hops: usize,
}

/// Where `/metrics` is served: with a bearer token on the API port, and/or without one on a
/// separate port meant to be reachable only inside the network. Neither: not served.
#[derive(Debug, Clone)]
pub struct MetricsSettings {
    pub token: Option<SecretString>,
    pub port: Option<u16>,
}

/// Where generated bundles are kept: a directory, or S3 when `ARTIFACT_BUCKET` is set.
#[derive(Debug, Clone)]
pub struct ArtifactSettings {
    pub dir: std::path::PathBuf,
    pub bucket: Option<String>,
    pub prefix: String,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    pub force_path_style: bool,
}

/// An OpenSearch cluster for search (`OPENSEARCH_URL` set); `None` keeps the embedded index.
#[derive(Debug, Clone)]
pub struct OpenSearchSettings {
    pub url: String,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    /// Index names start with this (`cue` → `cue-search`).
    pub index_prefix: String,
    pub timeout: Duration,
    /// Verify the cluster's TLS certificate (`OPENSEARCH_VERIFY_TLS`, default true).
    pub verify_tls: bool,
    /// A PEM file of the CA that signed the cluster's certificate (`OPENSEARCH_CA_CERT`).
    pub ca_cert: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub app_env: AppEnv,
    pub host: String,
    pub port: u16,
    pub database: DatabaseSettings,
    pub redis_url: Option<SecretString>,
    pub auth: AuthSettings,
    pub cors_origins: Vec<String>,
    pub log_format: LogFormat,
    pub limits: LimitSettings,
    pub rate_limits: RateLimitSettings,
    pub metrics: MetricsSettings,
    /// Longest a request may take from its first byte to its answer (slow uploads included);
    /// `/speech/transcribe` gets `speech_upload_timeout` on top.
    pub request_timeout: Duration,
    /// Longest a client may take to send a request's headers.
    pub client_header_timeout: Duration,
    pub shutdown_grace: Duration,
    /// Upper bound for each `/health/ready` check, so the probe answers in time for a load
    /// balancer's health check.
    pub readiness_timeout: Duration,
    pub speech: cue_speech::SpeechConfig,
    /// The model-backed planner (`LLM_PROVIDER`); disabled by default.
    #[cfg(feature = "llm")]
    pub llm: cue_workflows::llm::LlmConfig,
    /// Longest time an audio upload may take to arrive.
    pub speech_upload_timeout: Duration,
    pub artifacts: ArtifactSettings,
    /// Where search documents live: OpenSearch when configured, else in process.
    pub opensearch: Option<OpenSearchSettings>,
}

/// A setting that could not be used, naming its variable.
#[derive(Debug, thiserror::Error)]
#[error("{var}: {reason}")]
pub struct ConfigError {
    pub var: &'static str,
    pub reason: String,
}

fn bad(var: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        reason: reason.into(),
    }
}

/// The raw variables, as strings; parsing and checking happen in [`Settings::from_vars`].
#[derive(Debug, Default, Deserialize)]
struct Raw {
    app_env: Option<String>,
    host: Option<String>,
    port: Option<String>,
    database_url: Option<String>,
    database_max_connections: Option<String>,
    database_acquire_timeout_ms: Option<String>,
    database_query_timeout_ms: Option<String>,
    database_startup_wait_seconds: Option<String>,
    run_migrations: Option<String>,
    redis_url: Option<String>,
    secret_key: Option<String>,
    access_token_expire_minutes: Option<String>,
    jwt_issuer: Option<String>,
    jwt_audience: Option<String>,
    google_client_id: Option<String>,
    google_client_secret: Option<String>,
    github_client_id: Option<String>,
    github_client_secret: Option<String>,
    google_auth_url: Option<String>,
    google_token_url: Option<String>,
    google_userinfo_url: Option<String>,
    github_auth_url: Option<String>,
    github_token_url: Option<String>,
    github_api_url: Option<String>,
    oauth_http_timeout_seconds: Option<String>,
    oauth_state_ttl_seconds: Option<String>,
    oauth_redirect_base_url: Option<String>,
    frontend_url: Option<String>,
    auth_success_path: Option<String>,
    auth_error_path: Option<String>,
    cookie_secure: Option<String>,
    cors_origins: Option<String>,
    log_format: Option<String>,
    max_json_body_bytes: Option<String>,
    max_code_bytes: Option<String>,
    shutdown_grace_seconds: Option<String>,
    readiness_timeout_ms: Option<String>,
    request_timeout_seconds: Option<String>,
    client_header_timeout_seconds: Option<String>,
    rate_limit_enabled: Option<String>,
    rate_limit_auth_per_minute: Option<String>,
    rate_limit_generate_per_minute: Option<String>,
    rate_limit_validate_per_minute: Option<String>,
    rate_limit_transcribe_per_minute: Option<String>,
    rate_limit_redis_prefix: Option<String>,
    trusted_proxy_hops: Option<String>,
    metrics_token: Option<String>,
    metrics_port: Option<String>,
    speech_upload_timeout_seconds: Option<String>,
    artifact_dir: Option<String>,
    artifact_bucket: Option<String>,
    artifact_prefix: Option<String>,
    aws_region: Option<String>,
    aws_endpoint_url: Option<String>,
    aws_s3_force_path_style: Option<String>,
    opensearch_url: Option<String>,
    opensearch_username: Option<String>,
    opensearch_password: Option<String>,
    opensearch_index_prefix: Option<String>,
    opensearch_timeout_seconds: Option<String>,
    opensearch_verify_tls: Option<String>,
    opensearch_ca_cert: Option<String>,
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

fn parse_num<T: std::str::FromStr>(
    var: &'static str,
    v: Option<String>,
    default: T,
) -> Result<T, ConfigError> {
    match non_empty(v) {
        None => Ok(default),
        Some(s) => s
            .parse()
            .map_err(|_| bad(var, format!("expected a whole number, got {s:?}"))),
    }
}

fn parse_positive(var: &'static str, v: Option<String>, default: u64) -> Result<u64, ConfigError> {
    let n = parse_num(var, v, default)?;
    if n == 0 {
        Err(bad(var, "must be greater than 0"))
    } else {
        Ok(n)
    }
}

fn parse_bool(var: &'static str, v: Option<String>, default: bool) -> Result<bool, ConfigError> {
    match non_empty(v).map(|s| s.to_ascii_lowercase()) {
        None => Ok(default),
        Some(s) => match s.as_str() {
            "1" | "true" | "yes" | "on" => Ok(true),
            "0" | "false" | "no" | "off" => Ok(false),
            _ => Err(bad(var, format!("expected true or false, got {s:?}"))),
        },
    }
}

/// An absolute http(s) URL without a trailing slash.
fn parse_base_url(var: &'static str, v: String) -> Result<String, ConfigError> {
    let url = Url::parse(&v).map_err(|e| bad(var, format!("not a valid URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(bad(var, "must be an absolute http(s) URL"));
    }
    Ok(v.trim_end_matches('/').to_owned())
}

fn parse_url(var: &'static str, v: Option<String>, default: &str) -> Result<Url, ConfigError> {
    let s = non_empty(v).unwrap_or_else(|| default.to_owned());
    let url = Url::parse(&s).map_err(|e| bad(var, format!("not a valid URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad(var, "must be an http(s) URL"));
    }
    Ok(url)
}

/// `scheme://host[:port]` of a URL, as a browser sends it in `Origin`.
pub fn origin_of(url: &str) -> Option<String> {
    let url = Url::parse(url).ok()?;
    match url.origin() {
        url::Origin::Tuple(..) => Some(url.origin().ascii_serialization()),
        url::Origin::Opaque(_) => None,
    }
}

fn parse_path(var: &'static str, v: Option<String>, default: &str) -> Result<String, ConfigError> {
    let p = non_empty(v).unwrap_or_else(|| default.to_owned());
    // Only a local path: a full URL here would make the login an open redirect.
    if !p.starts_with('/') || p.starts_with("//") || p.contains('\\') {
        return Err(bad(var, "must be a path starting with a single '/'"));
    }
    Ok(p)
}

impl Settings {
    /// Reads `.env` (if present), then the process environment, over the values of the
    /// Secrets Manager secret when one was loaded (`secret_values`).
    pub fn load(secret_values: &BTreeMap<String, String>) -> Result<Self, ConfigError> {
        let _ = dotenvy::dotenv();
        let mut vars: BTreeMap<String, String> = secret_values
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
            .collect();
        // `vars_os`: a variable that is not valid Unicode (not one of ours) is skipped, not a panic.
        vars.extend(std::env::vars_os().filter_map(|(k, v)| {
            Some((
                k.into_string().ok()?.to_ascii_lowercase(),
                v.into_string().ok()?,
            ))
        }));
        Self::from_vars(vars)
    }

    /// Builds settings from lower-case variable names (testable without touching the process
    /// environment).
    pub fn from_vars(vars: BTreeMap<String, String>) -> Result<Self, ConfigError> {
        // The speech crate reads its own variables (SPEECH_*, OPENAI_STT_*, AZURE_SPEECH_*, ...).
        let speech: cue_speech::SpeechConfig = cue_settings::Source::from_pairs(vars.iter())
            .get()
            .and_then(|s: cue_speech::SpeechConfig| s.validate().map(|()| s))
            .map_err(|e| bad("SPEECH_PROVIDER", e.to_string()))?;
        #[cfg(feature = "llm")]
        let llm: cue_workflows::llm::LlmConfig = cue_settings::Source::from_pairs(vars.iter())
            .get()
            .and_then(|c: cue_workflows::llm::LlmConfig| c.validate().map(|()| c))
            .map_err(|e| bad("LLM_PROVIDER", e.to_string()))?;
        #[cfg(not(feature = "llm"))]
        if vars
            .get("llm_provider")
            .is_some_and(|v| !v.trim().is_empty() && !v.trim().eq_ignore_ascii_case("none"))
        {
            return Err(bad(
                "LLM_PROVIDER",
                "this binary was built without the `llm` feature",
            ));
        }
        // As an environment source, names are plain keys: a variable whose name is not a valid
        // config path (BASH_FUNC_x%%, a.b) is carried along, never an error.
        let builder = config::Config::builder()
            .add_source(config::Environment::default().source(Some(vars.into_iter().collect())));
        let raw: Raw = builder
            .build()
            .and_then(config::Config::try_deserialize)
            .map_err(|e| bad("environment", e.to_string()))?;
        #[cfg_attr(
            not(feature = "llm"),
            expect(unused_mut, reason = "only the llm feature sets a field")
        )]
        let mut settings = Self::from_raw(raw, speech)?;
        #[cfg(feature = "llm")]
        {
            settings.llm = llm;
        }
        Ok(settings)
    }

    fn from_raw(raw: Raw, speech: cue_speech::SpeechConfig) -> Result<Self, ConfigError> {
        let app_env = match non_empty(raw.app_env)
            .map(|s| s.to_ascii_lowercase())
            .as_deref()
        {
            None | Some("development" | "dev" | "local") => AppEnv::Development,
            Some("production" | "prod") => AppEnv::Production,
            Some(other) => {
                return Err(bad(
                    "APP_ENV",
                    format!("expected development or production, got {other:?}"),
                ));
            }
        };
        let production = app_env == AppEnv::Production;
        let host = non_empty(raw.host).unwrap_or_else(|| "127.0.0.1".to_owned());
        let port: u16 = parse_num("PORT", raw.port, 8000)?;

        let database_url =
            non_empty(raw.database_url).unwrap_or_else(|| "sqlite://cue.db".to_owned());
        if !(database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://")
            || database_url.starts_with("sqlite:")
            || !database_url.contains("://"))
        {
            return Err(bad(
                "DATABASE_URL",
                "expected postgres://..., sqlite://FILE or a file path",
            ));
        }
        let database = DatabaseSettings {
            url: SecretString::from(database_url),
            max_connections: parse_positive(
                "DATABASE_MAX_CONNECTIONS",
                raw.database_max_connections,
                16,
            )? as usize,
            acquire_timeout: Duration::from_millis(parse_positive(
                "DATABASE_ACQUIRE_TIMEOUT_MS",
                raw.database_acquire_timeout_ms,
                1000,
            )?),
            query_timeout: Duration::from_millis(parse_positive(
                "DATABASE_QUERY_TIMEOUT_MS",
                raw.database_query_timeout_ms,
                1000,
            )?),
            startup_wait: Duration::from_secs(parse_num(
                "DATABASE_STARTUP_WAIT_SECONDS",
                raw.database_startup_wait_seconds,
                10,
            )?),
            run_migrations: parse_bool("RUN_MIGRATIONS", raw.run_migrations, true)?,
        };

        let (secret_key, ephemeral_key) = match non_empty(raw.secret_key) {
            Some(key) if key.len() < 32 => {
                return Err(bad(
                    "SECRET_KEY",
                    "must be at least 32 characters (use `openssl rand -hex 32`)",
                ));
            }
            Some(key) => (SigningKey::new(key), false),
            None if production => {
                return Err(bad("SECRET_KEY", "is required when APP_ENV=production"));
            }
            None => (SigningKey::random(), true),
        };

        let redirect_base_url = match non_empty(raw.oauth_redirect_base_url) {
            Some(v) => parse_base_url("OAUTH_REDIRECT_BASE_URL", v)?,
            None => format!("http://localhost:{port}"),
        };
        let frontend_url = parse_base_url(
            "FRONTEND_URL",
            non_empty(raw.frontend_url).unwrap_or_else(|| "http://localhost:5173".to_owned()),
        )?;
        let timeout = Duration::from_secs(parse_positive(
            "OAUTH_HTTP_TIMEOUT_SECONDS",
            raw.oauth_http_timeout_seconds,
            10,
        )?);
        let google = oauth_client(
            ("GOOGLE_CLIENT_ID", raw.google_client_id),
            ("GOOGLE_CLIENT_SECRET", raw.google_client_secret),
            [
                (
                    "GOOGLE_AUTH_URL",
                    raw.google_auth_url,
                    GoogleProvider::AUTH_URL,
                ),
                (
                    "GOOGLE_TOKEN_URL",
                    raw.google_token_url,
                    GoogleProvider::TOKEN_URL,
                ),
                (
                    "GOOGLE_USERINFO_URL",
                    raw.google_userinfo_url,
                    GoogleProvider::USERINFO_URL,
                ),
            ],
            timeout,
        )?;
        let github = oauth_client(
            ("GITHUB_CLIENT_ID", raw.github_client_id),
            ("GITHUB_CLIENT_SECRET", raw.github_client_secret),
            [
                (
                    "GITHUB_AUTH_URL",
                    raw.github_auth_url,
                    GithubProvider::AUTH_URL,
                ),
                (
                    "GITHUB_TOKEN_URL",
                    raw.github_token_url,
                    GithubProvider::TOKEN_URL,
                ),
                (
                    "GITHUB_API_URL",
                    raw.github_api_url,
                    GithubProvider::API_URL,
                ),
            ],
            timeout,
        )?;
        let access_minutes = parse_positive(
            "ACCESS_TOKEN_EXPIRE_MINUTES",
            raw.access_token_expire_minutes,
            60,
        )?;
        if access_minutes > 60 * 24 * 30 {
            return Err(bad(
                "ACCESS_TOKEN_EXPIRE_MINUTES",
                "must be at most 43200 (30 days)",
            ));
        }
        let auth = AuthSettings {
            secret_key,
            ephemeral_key,
            access_ttl: Duration::from_secs(access_minutes * 60),
            issuer: non_empty(raw.jwt_issuer).unwrap_or_else(|| "cue".to_owned()),
            audience: non_empty(raw.jwt_audience).unwrap_or_else(|| "cue-api".to_owned()),
            google,
            github,
            cookie_secure: parse_bool("COOKIE_SECURE", raw.cookie_secure, production)?,
            state_ttl: Duration::from_secs(parse_positive(
                "OAUTH_STATE_TTL_SECONDS",
                raw.oauth_state_ttl_seconds,
                600,
            )?),
            success_path: parse_path("AUTH_SUCCESS_PATH", raw.auth_success_path, "/")?,
            error_path: parse_path("AUTH_ERROR_PATH", raw.auth_error_path, "/login")?,
            redirect_base_url,
            frontend_url,
        };

        let mut cors_origins = Vec::new();
        let listed: Vec<String> = match non_empty(raw.cors_origins) {
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            None => SPEC_CORS_ORIGINS.iter().map(|s| (*s).to_owned()).collect(),
        };
        for entry in listed
            .iter()
            .map(String::as_str)
            .chain([auth.frontend_url.as_str()])
        {
            let origin = origin_of(entry.trim_end_matches('/'))
                .filter(|_| entry.starts_with("http://") || entry.starts_with("https://"))
                .ok_or_else(|| {
                    bad(
                        "CORS_ORIGINS",
                        format!("{entry:?} is not an http(s) origin"),
                    )
                })?;
            if !cors_origins.contains(&origin) {
                cors_origins.push(origin);
            }
        }

        let log_format = match non_empty(raw.log_format)
            .map(|s| s.to_ascii_lowercase())
            .as_deref()
        {
            None if production => LogFormat::Json,
            None => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some("pretty" | "text") => LogFormat::Pretty,
            Some(other) => {
                return Err(bad(
                    "LOG_FORMAT",
                    format!("expected json or pretty, got {other:?}"),
                ));
            }
        };

        Ok(Self {
            app_env,
            host,
            port,
            database,
            redis_url: non_empty(raw.redis_url).map(SecretString::from),
            auth,
            cors_origins,
            log_format,
            limits: LimitSettings {
                json_body_bytes: parse_positive(
                    "MAX_JSON_BODY_BYTES",
                    raw.max_json_body_bytes,
                    64 * 1024,
                )? as usize,
                code_bytes: parse_positive("MAX_CODE_BYTES", raw.max_code_bytes, 1024 * 1024)?
                    as usize,
            },
            rate_limits: RateLimitSettings {
                enabled: parse_bool("RATE_LIMIT_ENABLED", raw.rate_limit_enabled, true)?,
                auth_per_minute: parse_num(
                    "RATE_LIMIT_AUTH_PER_MINUTE",
                    raw.rate_limit_auth_per_minute,
                    60,
                )?,
                generate_per_minute: parse_num(
                    "RATE_LIMIT_GENERATE_PER_MINUTE",
                    raw.rate_limit_generate_per_minute,
                    30,
                )?,
                validate_per_minute: parse_num(
                    "RATE_LIMIT_VALIDATE_PER_MINUTE",
                    raw.rate_limit_validate_per_minute,
                    120,
                )?,
                transcribe_per_minute: parse_num(
                    "RATE_LIMIT_TRANSCRIBE_PER_MINUTE",
                    raw.rate_limit_transcribe_per_minute,
                    10,
                )?,
                redis_prefix: non_empty(raw.rate_limit_redis_prefix)
                    .unwrap_or_else(|| "cue:ratelimit".to_owned()),
                trusted_proxy_hops: parse_num("TRUSTED_PROXY_HOPS", raw.trusted_proxy_hops, 0)?,
            },
            metrics: MetricsSettings {
                token: match non_empty(raw.metrics_token) {
                    Some(t) if t.len() < 16 => {
                        return Err(bad("METRICS_TOKEN", "must be at least 16 characters"));
                    }
                    t => t.map(SecretString::from),
                },
                port: match non_empty(raw.metrics_port) {
                    None => None,
                    Some(p) => Some(p.parse::<u16>().map_err(|_| {
                        bad("METRICS_PORT", format!("expected a port number, got {p:?}"))
                    })?),
                },
            },
            request_timeout: Duration::from_secs(parse_positive(
                "REQUEST_TIMEOUT_SECONDS",
                raw.request_timeout_seconds,
                30,
            )?),
            client_header_timeout: Duration::from_secs(parse_positive(
                "CLIENT_HEADER_TIMEOUT_SECONDS",
                raw.client_header_timeout_seconds,
                5,
            )?),
            shutdown_grace: Duration::from_secs(parse_num(
                "SHUTDOWN_GRACE_SECONDS",
                raw.shutdown_grace_seconds,
                20,
            )?),
            readiness_timeout: Duration::from_millis(parse_positive(
                "READINESS_TIMEOUT_MS",
                raw.readiness_timeout_ms,
                800,
            )?),
            speech,
            #[cfg(feature = "llm")]
            llm: cue_workflows::llm::LlmConfig::default(),
            speech_upload_timeout: Duration::from_secs(parse_positive(
                "SPEECH_UPLOAD_TIMEOUT_SECONDS",
                raw.speech_upload_timeout_seconds,
                60,
            )?),
            artifacts: ArtifactSettings {
                dir: non_empty(raw.artifact_dir)
                    .unwrap_or_else(|| "artifacts".to_owned())
                    .into(),
                bucket: non_empty(raw.artifact_bucket),
                prefix: non_empty(raw.artifact_prefix).unwrap_or_default(),
                region: non_empty(raw.aws_region),
                endpoint_url: non_empty(raw.aws_endpoint_url),
                force_path_style: parse_bool(
                    "AWS_S3_FORCE_PATH_STYLE",
                    raw.aws_s3_force_path_style,
                    false,
                )?,
            },
            opensearch: opensearch_settings(
                raw.opensearch_url,
                raw.opensearch_username,
                raw.opensearch_password,
                raw.opensearch_index_prefix,
                raw.opensearch_timeout_seconds,
                raw.opensearch_verify_tls,
                raw.opensearch_ca_cert,
            )?,
        })
    }
}

/// `OPENSEARCH_*`: nothing unless `OPENSEARCH_URL` is set; then a checked URL, basic
/// credentials given together, an index prefix OpenSearch accepts, and a timeout.
fn opensearch_settings(
    url: Option<String>,
    username: Option<String>,
    password: Option<String>,
    index_prefix: Option<String>,
    timeout_seconds: Option<String>,
    verify_tls: Option<String>,
    ca_cert: Option<String>,
) -> Result<Option<OpenSearchSettings>, ConfigError> {
    let Some(url) = non_empty(url) else {
        return Ok(None);
    };
    let url = parse_base_url("OPENSEARCH_URL", url)?;
    let (username, password) = match (non_empty(username), non_empty(password)) {
        (None, None) => (None, None),
        (Some(_), None) => {
            return Err(bad(
                "OPENSEARCH_PASSWORD",
                "is required when OPENSEARCH_USERNAME is set",
            ));
        }
        (None, Some(_)) => {
            return Err(bad(
                "OPENSEARCH_USERNAME",
                "is required when OPENSEARCH_PASSWORD is set",
            ));
        }
        (Some(u), Some(p)) => (Some(u), Some(SecretString::from(p))),
    };
    let index_prefix = non_empty(index_prefix).unwrap_or_else(|| "cue".to_owned());
    // OpenSearch index names: lower case, no leading `_`, `-` or `+`, a small character set.
    let valid = index_prefix.len() <= 100
        && !index_prefix.starts_with(['_', '-', '+'])
        && index_prefix
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'));
    if !valid {
        return Err(bad(
            "OPENSEARCH_INDEX_PREFIX",
            "use lower-case letters, digits, '-', '_' or '.', not starting with '-', '_' or '+'",
        ));
    }
    let timeout = parse_positive("OPENSEARCH_TIMEOUT_SECONDS", timeout_seconds, 5)?;
    if timeout > 300 {
        return Err(bad("OPENSEARCH_TIMEOUT_SECONDS", "must be at most 300"));
    }
    Ok(Some(OpenSearchSettings {
        url,
        username,
        password,
        index_prefix,
        timeout: Duration::from_secs(timeout),
        verify_tls: parse_bool("OPENSEARCH_VERIFY_TLS", verify_tls, true)?,
        ca_cert: non_empty(ca_cert).map(Into::into),
    }))
}

type UrlVar = (&'static str, Option<String>, &'static str);

fn oauth_client(
    id: (&'static str, Option<String>),
    secret: (&'static str, Option<String>),
    urls: [UrlVar; 3],
    timeout: Duration,
) -> Result<Option<OAuthClientConfig>, ConfigError> {
    let [auth, token, profile] = urls;
    let (client_id, client_secret) = match (non_empty(id.1), non_empty(secret.1)) {
        (None, None) => return Ok(None),
        (Some(_), None) => return Err(bad(secret.0, format!("is required when {} is set", id.0))),
        (None, Some(_)) => return Err(bad(id.0, format!("is required when {} is set", secret.0))),
        (Some(i), Some(s)) => (i, s),
    };
    Ok(Some(OAuthClientConfig {
        client_id,
        client_secret: SecretString::from(client_secret),
        auth_url: parse_url(auth.0, auth.1, auth.2)?,
        token_url: parse_url(token.0, token.1, token.2)?,
        profile_url: parse_url(profile.0, profile.1, profile.2)?,
        timeout,
    }))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), (*v).to_owned()))
            .collect()
    }

    fn error_var(pairs: &[(&str, &str)]) -> &'static str {
        Settings::from_vars(vars(pairs)).unwrap_err().var
    }

    #[test]
    fn no_configuration_gives_a_working_development_setup() {
        let s = Settings::from_vars(BTreeMap::new()).unwrap();
        assert_eq!(s.port, 8000);
        assert_eq!(s.database.url.expose_secret(), "sqlite://cue.db");
        assert!(s.auth.ephemeral_key);
        assert!(s.auth.google.is_none());
        assert!(!s.auth.cookie_secure);
        assert!(
            s.cors_origins
                .contains(&"https://cue-tracker-abzali20.replit.app".to_owned())
        );
        assert!(s.cors_origins.contains(&"http://localhost:5173".to_owned()));
    }

    #[test]
    fn opensearch_is_off_unless_its_url_is_set_and_checked_when_it_is() {
        assert!(
            Settings::from_vars(BTreeMap::new())
                .unwrap()
                .opensearch
                .is_none()
        );
        let s = Settings::from_vars(vars(&[
            ("OPENSEARCH_URL", "https://search.example:9200/"),
            ("OPENSEARCH_USERNAME", "cue"),
            ("OPENSEARCH_PASSWORD", "pw"),
            ("OPENSEARCH_INDEX_PREFIX", "cue-prod"),
            ("OPENSEARCH_TIMEOUT_SECONDS", "3"),
            ("OPENSEARCH_VERIFY_TLS", "false"),
            ("OPENSEARCH_CA_CERT", "/etc/ssl/search-ca.pem"),
        ]))
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
        let d = Settings::from_vars(vars(&[("OPENSEARCH_URL", "http://localhost:9200")]))
            .unwrap()
            .opensearch
            .unwrap();
        assert_eq!(
            (d.index_prefix.as_str(), d.timeout.as_secs(), d.verify_tls),
            ("cue", 5, true)
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
    fn production_requires_a_secret_key() {
        assert_eq!(error_var(&[("APP_ENV", "production")]), "SECRET_KEY");
        assert_eq!(error_var(&[("SECRET_KEY", "short")]), "SECRET_KEY");
        let s = Settings::from_vars(vars(&[
            ("APP_ENV", "production"),
            ("SECRET_KEY", &"k".repeat(32)),
        ]))
        .unwrap();
        assert!(s.auth.cookie_secure);
        assert_eq!(s.log_format, LogFormat::Json);
    }

    #[test]
    fn bad_values_name_their_variable() {
        assert_eq!(error_var(&[("PORT", "eighty")]), "PORT");
        assert_eq!(error_var(&[("PORT", "70000")]), "PORT");
        assert_eq!(error_var(&[("APP_ENV", "staging-ish")]), "APP_ENV");
        assert_eq!(error_var(&[("DATABASE_URL", "mysql://x")]), "DATABASE_URL");
        assert_eq!(error_var(&[("FRONTEND_URL", "not a url")]), "FRONTEND_URL");
        assert_eq!(error_var(&[("CORS_ORIGINS", "ftp://x")]), "CORS_ORIGINS");
        assert_eq!(
            error_var(&[("GOOGLE_CLIENT_ID", "id")]),
            "GOOGLE_CLIENT_SECRET"
        );
        assert_eq!(
            error_var(&[("GITHUB_CLIENT_SECRET", "s")]),
            "GITHUB_CLIENT_ID"
        );
        assert_eq!(
            error_var(&[
                ("GOOGLE_CLIENT_ID", "i"),
                ("GOOGLE_CLIENT_SECRET", "s"),
                ("GOOGLE_TOKEN_URL", "nope")
            ]),
            "GOOGLE_TOKEN_URL"
        );
        assert_eq!(
            error_var(&[("AUTH_SUCCESS_PATH", "https://evil.example")]),
            "AUTH_SUCCESS_PATH"
        );
        assert_eq!(
            error_var(&[("AUTH_SUCCESS_PATH", "//evil.example")]),
            "AUTH_SUCCESS_PATH"
        );
        assert_eq!(
            error_var(&[("ACCESS_TOKEN_EXPIRE_MINUTES", "0")]),
            "ACCESS_TOKEN_EXPIRE_MINUTES"
        );
        assert_eq!(error_var(&[("LOG_FORMAT", "xml")]), "LOG_FORMAT");
        assert_eq!(error_var(&[("COOKIE_SECURE", "maybe")]), "COOKIE_SECURE");
        assert_eq!(
            error_var(&[("DATABASE_QUERY_TIMEOUT_MS", "0")]),
            "DATABASE_QUERY_TIMEOUT_MS"
        );
        assert_eq!(
            error_var(&[("READINESS_TIMEOUT_MS", "soon")]),
            "READINESS_TIMEOUT_MS"
        );
    }

    #[test]
    fn unrelated_variables_with_odd_names_are_ignored() {
        let s = Settings::from_vars(vars(&[
            ("BASH_FUNC_x%%", "() { :; }"),
            ("a.b[0]", "x"),
            ("PORT", "9000"),
        ]))
        .unwrap();
        assert_eq!(s.port, 9000);
    }

    #[test]
    fn cors_origins_are_normalised() {
        let s = Settings::from_vars(vars(&[
            (
                "CORS_ORIGINS",
                "https://a.example/, http://localhost:5000 ,https://a.example",
            ),
            ("FRONTEND_URL", "http://127.0.0.1:5173/"),
        ]))
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
    fn provider_urls_can_be_overridden() {
        let s = Settings::from_vars(vars(&[
            ("GITHUB_CLIENT_ID", "i"),
            ("GITHUB_CLIENT_SECRET", "s"),
            ("GITHUB_API_URL", "http://127.0.0.1:9/api"),
        ]))
        .unwrap();
        let gh = s.auth.github.unwrap();
        assert_eq!(gh.profile_url.as_str(), "http://127.0.0.1:9/api");
        assert_eq!(gh.token_url.as_str(), GithubProvider::TOKEN_URL);
    }

    #[test]
    fn secrets_never_print() {
        let s = Settings::from_vars(vars(&[
            ("SECRET_KEY", "this-is-a-very-secret-signing-key-123"),
            ("GOOGLE_CLIENT_ID", "i"),
            ("GOOGLE_CLIENT_SECRET", "google-secret-value"),
            ("DATABASE_URL", "postgres://u:db-password@h/d"),
        ]))
        .unwrap();
        let printed = format!("{s:?}");
        for secret in ["very-secret-signing", "google-secret-value", "db-password"] {
            assert!(!printed.contains(secret), "{secret} leaked");
        }
    }
}
