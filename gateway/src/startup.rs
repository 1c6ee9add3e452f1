//! Building the application from settings, and running it.

use std::collections::HashSet;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_cors::Cors;
use actix_http::{HttpService, KeepAlive, error::DispatchError};
use actix_service::{IntoServiceFactory, ServiceFactoryExt, fn_service, map_config};
use actix_web::dev::{AppConfig, Server};
use actix_web::http::header;
use actix_web::middleware::{DefaultHeaders, ErrorHandlers, from_fn};
use actix_web::{App, HttpServer, web};
use anyhow::Context as _;
use async_trait::async_trait;
use cue_auth::jwt::{JwtConfig, TokenCodec};
use cue_auth::providers::{GithubProvider, GoogleProvider};
use cue_auth::{AuthRepos, AuthService, LoginSettings, OAuthProvider};
use cue_store::{Store, StoreConfig, StoreError};
use cue_workflows::artifacts::ArtifactStore;
use cue_workflows::validation::CodeValidator;
use cue_workflows::{Engine, WorkflowLimits, WorkflowPorts, WorkflowService};
use futures_util::future::ready;
use secrecy::ExposeSecret;
use tracing_actix_web::TracingLogger;

use crate::config::{Settings, origin_of};
use crate::http::error::{ApiError, json_errors};
use crate::http::extractors::{json_config, path_config, query_config};
use crate::http::head_limit::JsonHeadErrors;
use crate::metrics::{BlockingValidator, InstrumentedGenerator, Metrics};
use crate::middleware::policy::Route;
use crate::middleware::ratelimit::RateLimiter;
use crate::middleware::{self, request_id};
use crate::routes;
use crate::state::{AppState, ReadinessProbe};
use crate::telemetry::CueRootSpan;

/// The store configuration the settings name.
pub fn store_config(settings: &Settings) -> StoreConfig {
    StoreConfig {
        url: settings.database.url.expose_secret().to_owned(),
        max_connections: settings.database.max_connections,
        acquire_timeout: settings.database.acquire_timeout,
        query_timeout: settings.database.query_timeout,
    }
}

struct DatabaseProbe(Store);

#[async_trait]
impl ReadinessProbe for DatabaseProbe {
    fn name(&self) -> &'static str {
        "database"
    }

    async fn check(&self) -> Result<(), String> {
        self.0.ping().await.map_err(|e| e.to_string())
    }
}

struct RedisProbe(redis::Client);

#[async_trait]
impl ReadinessProbe for RedisProbe {
    fn name(&self) -> &'static str {
        "redis"
    }

    fn required(&self) -> bool {
        false
    }

    async fn check(&self) -> Result<(), String> {
        let mut conn = self
            .0
            .get_multiplexed_async_connection()
            .await
            .map_err(|e| format!("cannot connect ({:?})", e.kind()))?;
        redis::cmd("PING")
            .query_async::<String>(&mut conn)
            .await
            .map(drop)
            .map_err(|e| format!("PING failed ({:?})", e.kind()))
    }
}

/// The bundle store the settings name.
async fn artifact_store(
    settings: &crate::config::ArtifactSettings,
) -> anyhow::Result<Arc<dyn ArtifactStore>> {
    match &settings.bucket {
        None => Ok(Arc::new(cue_store::artifacts::FsArtifactStore::new(
            settings.dir.clone(),
        ))),
        #[cfg(feature = "aws")]
        Some(bucket) => {
            let config = cue_store::artifacts::S3ArtifactConfig {
                bucket: bucket.clone(),
                prefix: settings.prefix.clone(),
                region: settings.region.clone(),
                endpoint_url: settings.endpoint_url.clone(),
                force_path_style: settings.force_path_style,
            };
            Ok(Arc::new(
                cue_store::artifacts::S3ArtifactStore::connect(&config).await,
            ))
        }
        #[cfg(not(feature = "aws"))]
        Some(_) => anyhow::bail!(
            "ARTIFACT_BUCKET: this binary was built without the `aws` feature (cargo build --features aws)"
        ),
    }
}

/// The login and token service the settings describe, over the store.
pub fn auth_service(settings: &Settings, store: &Store) -> anyhow::Result<AuthService> {
    let auth_cfg = &settings.auth;
    let mut providers: Vec<Arc<dyn OAuthProvider>> = Vec::new();
    if let Some(cfg) = auth_cfg.google() {
        providers.push(Arc::new(GoogleProvider::new(cfg).context("Google login")?));
    }
    if let Some(cfg) = auth_cfg.github() {
        providers.push(Arc::new(GithubProvider::new(cfg).context("GitHub login")?));
    }
    let tokens = TokenCodec::new(JwtConfig {
        secret: auth_cfg.secret_key.clone(),
        issuer: auth_cfg.issuer.clone(),
        audience: auth_cfg.audience.clone(),
        ttl: auth_cfg.access_ttl,
        leeway: Duration::from_secs(30),
    });
    let auth = AuthService::new(
        AuthRepos {
            users: store.users(),
            states: store.login_states(),
            revocations: store.revocations(),
            sessions: store.sessions(),
        },
        providers,
        tokens,
        LoginSettings {
            redirect_base_url: auth_cfg.redirect_base_url.clone(),
            state_ttl: auth_cfg.state_ttl,
        },
    )
    .with_session_cache(auth_cfg.session_cache);
    Ok(auth)
}

/// Everything the handlers share, built from settings and an open store.
pub async fn build_state(settings: Settings, store: &Store) -> anyhow::Result<AppState> {
    let auth = auth_service(&settings, store)?;
    let auth_cfg = &settings.auth;

    let mut probes: Vec<Arc<dyn ReadinessProbe>> = vec![Arc::new(DatabaseProbe(store.clone()))];
    let redis = match &settings.redis_url {
        Some(url) => Some(
            redis::Client::open(url.expose_secret()).context("REDIS_URL: not a valid Redis URL")?,
        ),
        None => None,
    };
    if let Some(client) = &redis {
        probes.push(Arc::new(RedisProbe(client.clone())));
    }
    let metrics = Arc::new(Metrics::new().context("building the metrics registry")?);
    let rate_limiter = Arc::new(RateLimiter::new(
        &settings.rate_limits,
        redis,
        metrics.clone(),
    ));

    let mut trusted_origins: HashSet<String> = settings.cors_origins.iter().cloned().collect();
    trusted_origins.extend(origin_of(&auth_cfg.redirect_base_url));

    let speech = cue_speech::build_provider(&settings.speech).context("SPEECH_PROVIDER")?;
    let validator: Arc<dyn CodeValidator> = Arc::new(BlockingValidator {
        metrics: metrics.clone(),
    });
    let engine = Arc::new(Engine::new().context("loading the workflow engine's catalog")?);
    let workflows = workflow_service(
        &settings,
        store,
        engine.clone(),
        validator.clone(),
        metrics.clone(),
    )
    .await?;
    let dry_runs = Arc::new(cue_workflows::dryrun::DryRunner::new(
        engine,
        dry_run_sandbox(&settings.dry_run).await?,
    ));
    crate::search::prepare_at_startup(
        workflows.search_index(),
        settings.opensearch.is_none(),
        workflows.templates(),
    )
    .await?;
    Ok(AppState {
        store: store.clone(),
        metrics,
        rate_limiter,
        workflows,
        dry_runs,
        validator,
        speech,
        auth: Arc::new(auth),
        probes,
        readiness: crate::state::ReadinessCache::default(),
        trusted_origins,
        settings: Arc::new(settings),
    })
}

/// The workflows service over the store, the configured generator, search index and bundle
/// store.
async fn workflow_service(
    settings: &Settings,
    store: &Store,
    engine: Arc<Engine>,
    validator: Arc<dyn CodeValidator>,
    metrics: Arc<Metrics>,
) -> anyhow::Result<Arc<WorkflowService>> {
    #[cfg(feature = "llm")]
    let generator = cue_workflows::llm::build_generator(&settings.llm, engine.clone())
        .await
        .context("LLM_PROVIDER")?;
    #[cfg(not(feature = "llm"))]
    let generator: Arc<dyn cue_workflows::WorkflowGenerator> = engine.clone();
    let generator: Arc<dyn cue_workflows::WorkflowGenerator> = Arc::new(InstrumentedGenerator {
        metrics,
        inner: generator,
    });
    let templates = Arc::new(
        cue_workflows::TemplateLibrary::builtin(engine.catalog())
            .context("loading the template library")?,
    );
    let repo = store.workflows_with_quota(settings.limits.storage_quota());
    let ports = WorkflowPorts {
        artifacts: artifact_store(&settings.artifacts).await?,
        search: crate::search::build_index(settings.opensearch.as_ref(), repo.clone())?,
        repo,
        generator,
        validator,
    };
    let limits = WorkflowLimits {
        max_code_bytes: settings.limits.code_bytes,
    };
    Ok(Arc::new(WorkflowService::new(
        ports, engine, templates, limits,
    )))
}

/// Where dry runs execute (`DRY_RUN_BACKEND`): a local sandbox, found on first use; the
/// sandbox Lambda function (feature `aws`); or nowhere.
async fn dry_run_sandbox(
    settings: &cue_sandbox::SandboxSettings,
) -> anyhow::Result<Arc<dyn cue_workflows::dryrun::Sandbox>> {
    Ok(match settings.backend {
        cue_sandbox::Backend::Local => Arc::new(cue_sandbox::LazySandbox::new(settings.clone())),
        cue_sandbox::Backend::Lambda => lambda_sandbox(settings).await?,
        cue_sandbox::Backend::Disabled => Arc::new(cue_sandbox::UnavailableSandbox {
            reason: "dry runs are turned off on this server (DRY_RUN_BACKEND=disabled)".into(),
        }),
    })
}

/// The sandbox Lambda function's client (`DRY_RUN_BACKEND=lambda`).
#[cfg(feature = "aws")]
pub async fn lambda_sandbox(
    settings: &cue_sandbox::SandboxSettings,
) -> anyhow::Result<Arc<dyn cue_workflows::dryrun::Sandbox>> {
    let sandbox = cue_sandbox::LambdaSandbox::from_settings(settings)
        .await
        .map_err(|e| anyhow::anyhow!("DRY_RUN_BACKEND=lambda: {e}"))?;
    Ok(Arc::new(sandbox))
}

/// Without the `aws` feature there is no Lambda client (settings validation says so first).
#[cfg(not(feature = "aws"))]
pub async fn lambda_sandbox(
    _settings: &cue_sandbox::SandboxSettings,
) -> anyhow::Result<Arc<dyn cue_workflows::dryrun::Sandbox>> {
    anyhow::bail!(
        "DRY_RUN_BACKEND: lambda needs a build with the aws feature (cargo build -p cue-gateway --features aws)"
    )
}

/// Opens the store, waiting up to `DATABASE_STARTUP_WAIT_SECONDS` for the database to
/// answer: in a deploy the database, or the network to it, may come up after the service.
/// Each attempt keeps the usual (short) timeouts.
pub async fn connect_store(settings: &Settings) -> anyhow::Result<Store> {
    let config = store_config(settings);
    let deadline = std::time::Instant::now() + settings.database.startup_wait;
    loop {
        match Store::connect(&config).await {
            Ok(store) => return Ok(store),
            Err(StoreError::Unavailable(e)) if std::time::Instant::now() < deadline => {
                tracing::warn!(error = %e, "the database does not answer yet; retrying");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(e) => {
                return Err(anyhow::Error::new(e).context(format!(
                    "DATABASE_URL: cannot open {}",
                    config.redacted_url()
                )));
            }
        }
    }
}

/// The running server (and the metrics server, when `METRICS_PORT` is set) and what tests
/// need to reach them.
pub struct Application {
    port: u16,
    metrics_port: Option<u16>,
    server: Server,
    metrics_server: Option<Server>,
    store: Store,
}

impl Application {
    /// Binds `HOST:PORT` (port 0 picks a free one), opens the database, applies migrations
    /// unless disabled, and prepares the server.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let store = connect_store(&settings).await?;
        if settings.database.run_migrations {
            let applied = store
                .run_migrations()
                .await
                .context("applying database migrations")?;
            if !applied.is_empty() {
                tracing::info!(?applied, "database migrations applied");
            }
        }
        let listener =
            TcpListener::bind((settings.host.as_str(), settings.port)).with_context(|| {
                format!(
                    "HOST/PORT: cannot listen on {}:{}",
                    settings.host, settings.port
                )
            })?;
        let port = listener.local_addr()?.port();
        let metrics_listener =
            match settings.metrics.port {
                None => None,
                Some(p) => Some(TcpListener::bind((settings.host.as_str(), p)).with_context(
                    || format!("METRICS_PORT: cannot listen on {}:{p}", settings.host),
                )?),
            };
        let metrics_port = match &metrics_listener {
            Some(l) => Some(l.local_addr()?.port()),
            None => None,
        };
        let state = web::Data::new(build_state(settings, &store).await?);
        spawn_housekeeping(state.clone());
        let metrics_server = match metrics_listener {
            Some(l) => Some(run_metrics(l, state.clone())?),
            None => None,
        };
        let server = run(listener, state)?;
        Ok(Self {
            port,
            metrics_port,
            server,
            metrics_server,
            store,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The separate metrics port, when `METRICS_PORT` is set (0 picks a free one).
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics_port
    }

    /// Serves until stopped. On SIGTERM (or SIGINT) both servers stop accepting and let
    /// in-flight requests finish for up to `SHUTDOWN_GRACE_SECONDS`; then the database pool
    /// is closed.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = match self.metrics_server {
            None => self.server.await,
            Some(metrics) => futures_util::future::try_join(self.server, metrics)
                .await
                .map(drop),
        };
        self.store.close();
        tracing::info!("database pool closed");
        result
    }
}

/// Purges expired login states and revocations every ten minutes, and idle in-process
/// rate-limit counters every minute.
fn spawn_housekeeping(state: web::Data<AppState>) {
    let limiter = state.rate_limiter.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            limiter.purge_idle();
        }
    });
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            match state.auth.purge_expired().await {
                Ok((states, revoked)) => {
                    tracing::debug!(states, revoked, "expired login data purged")
                }
                Err(e) => tracing::warn!(error = %e, "purging expired login data failed"),
            }
        }
    });
}

fn cors(state: &AppState) -> Cors {
    let allowed = state.settings.cors_origins.clone();
    Cors::default()
        .allowed_origin_fn(move |origin, _req| {
            origin
                .to_str()
                .is_ok_and(|o| allowed.iter().any(|a| a == o))
        })
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
        .allowed_headers([header::CONTENT_TYPE, header::AUTHORIZATION, header::ACCEPT])
        .expose_headers([
            header::RETRY_AFTER,
            header::HeaderName::from_static("x-request-id"),
            header::HeaderName::from_static("ratelimit-limit"),
            header::HeaderName::from_static("ratelimit-remaining"),
            header::HeaderName::from_static("ratelimit-reset"),
            header::HeaderName::from_static("ratelimit-policy"),
        ])
        .supports_credentials()
        .max_age(600)
}

fn security_headers(state: &AppState) -> DefaultHeaders {
    let mut headers = DefaultHeaders::new()
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "no-referrer"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'none'",
        ))
        .add((header::CACHE_CONTROL, "no-store"));
    if state
        .settings
        .auth
        .redirect_base_url
        .starts_with("https://")
    {
        headers = headers.add((
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        ));
    }
    headers
}

/// Mounts every route with the shared configuration.
pub fn configure_routes(cfg: &mut web::ServiceConfig, state: &AppState) {
    cfg.app_data(json_config(state.settings.limits.json_body_bytes))
        .app_data(query_config())
        .app_data(path_config())
        .service(routes::mount(
            Route::new("/openapi.json", |r| r.get(crate::openapi::get_openapi)),
            state,
        ));
    routes::configure(cfg, state);
}

fn run(listener: TcpListener, state: web::Data<AppState>) -> anyhow::Result<Server> {
    let grace = state.settings.shutdown_grace;
    let client_header_timeout = state.settings.client_header_timeout;
    let addr = listener.local_addr()?;
    let builder = Server::build();
    let shutdown = builder.graceful_shutdown_signal();
    // What `HttpServer::listen` assembles (same keep-alive, header and disconnect timeouts,
    // graceful shutdown), with each connection wrapped so actix-http's own answer to an
    // oversized head is JSON too (`http::head_limit`). `AppConfig::new` is private to
    // actix-web: with the default, a request without a `Host` header reports
    // `localhost:8080` as its host, which only the request log reads.
    let server = builder
        .listen("cue-api", listener, move || {
            let shutdown = shutdown.clone();
            let state = state.clone();
            let app = App::new()
                .app_data(state.clone())
                .configure(|cfg| configure_routes(cfg, &state))
                .default_service(web::to(|| async {
                    Err::<actix_web::HttpResponse, _>(ApiError::NotFound("route"))
                }))
                .wrap(ErrorHandlers::new().default_handler(json_errors))
                .wrap(security_headers(&state))
                .wrap(cors(&state))
                .wrap(from_fn(request_id::echo))
                .wrap(from_fn({
                    let metrics = state.metrics.clone();
                    move |req, next| middleware::metrics::count(metrics.clone(), req, next)
                }))
                .wrap(TracingLogger::<CueRootSpan>::new());
            let http = HttpService::build()
                .graceful_shutdown_signal(move || {
                    let signal = shutdown.clone();
                    async move { signal.notified().await }
                })
                .keep_alive(KeepAlive::default())
                .client_request_timeout(client_header_timeout)
                .client_disconnect_timeout(Duration::from_secs(1))
                .local_addr(addr)
                .h1(map_config(
                    app.into_factory()
                        .map_err(|err: actix_web::Error| err.error_response()),
                    |()| AppConfig::default(),
                ));
            fn_service(|io: tokio::net::TcpStream| {
                let peer = io.peer_addr().ok();
                ready(Ok::<_, DispatchError>((JsonHeadErrors::new(io), peer)))
            })
            .and_then(http)
        })?
        .shutdown_timeout(grace.as_secs())
        .run();
    Ok(server)
}

/// `/metrics` alone, without a token, on its own port (keep that port inside the network).
fn run_metrics(listener: TcpListener, state: web::Data<AppState>) -> anyhow::Result<Server> {
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .service(routes::mount(routes::metrics::open_route(), &state))
            .default_service(web::to(|| async {
                Err::<actix_web::HttpResponse, _>(ApiError::NotFound("route"))
            }))
    })
    .workers(1)
    .listen(listener)?
    .shutdown_timeout(1)
    .run();
    Ok(server)
}
