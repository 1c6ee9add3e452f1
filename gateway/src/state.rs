//! What every handler can reach: one `web::Data<AppState>`.

use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;
use cue_auth::AuthService;
use cue_speech::SpeechToText;
use cue_workflows::WorkflowService;
use cue_workflows::validation::CodeValidator;

use crate::config::Settings;
use crate::metrics::Metrics;
use crate::middleware::ratelimit::RateLimiter;

/// Something `/health/ready` checks (the database, Redis, ...).
#[async_trait]
pub trait ReadinessProbe: Send + Sync {
    fn name(&self) -> &'static str;
    /// Whether the service can serve without it. A dependency the service degrades around
    /// (Redis) is reported but does not take the instance out of rotation.
    fn required(&self) -> bool {
        true
    }
    /// `Err` with a short, log-safe reason when the dependency is not usable.
    async fn check(&self) -> Result<(), String>;
}

pub struct AppState {
    pub settings: Arc<Settings>,
    /// The database (repositories below are views of it); for pool metrics.
    pub store: cue_store::Store,
    /// This application's metrics registry.
    pub metrics: Arc<Metrics>,
    pub rate_limiter: Arc<RateLimiter>,
    pub auth: Arc<AuthService>,
    /// Generating, saving, searching and packaging workflows, and the template library.
    pub workflows: Arc<WorkflowService>,
    /// Dry runs of saved workflows in the sandbox (`DRY_RUN_*`).
    pub dry_runs: Arc<cue_workflows::dryrun::DryRunner>,
    /// Validates Python off the request threads, counted (`/code/validate`, and the
    /// workflows service's validations).
    pub validator: Arc<dyn CodeValidator>,
    /// The configured speech-to-text provider (`disabled` when none is).
    pub speech: Arc<dyn SpeechToText>,
    pub probes: Vec<Arc<dyn ReadinessProbe>>,
    /// Origins allowed to make cookie-authenticated unsafe requests (CSRF guard): the CORS
    /// allow-list plus this API's own public origin.
    pub trusted_origins: HashSet<String>,
}
