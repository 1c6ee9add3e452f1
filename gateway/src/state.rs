//! What every handler can reach: one `web::Data<AppState>`.

use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;
use cue_auth::AuthService;
use cue_speech::SpeechToText;
use cue_workflows::artifacts::ArtifactStore;
use cue_workflows::repo::WorkflowRepository;
use cue_workflows::search::SearchIndex;
use cue_workflows::{Engine, TemplateLibrary, WorkflowGenerator};

use crate::config::Settings;

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
    pub rate_limiter: Arc<crate::ratelimit::RateLimiter>,
    pub auth: Arc<AuthService>,
    pub workflows: Arc<dyn WorkflowRepository>,
    /// Turns prompts into workflows (the embedded engine, or a model-backed generator).
    pub generator: Arc<dyn WorkflowGenerator>,
    /// The embedded engine, for what only it does: rebuilding bundles from stored plans.
    pub engine: Arc<Engine>,
    /// Generated bundles (local directory, or S3).
    pub artifacts: Arc<dyn ArtifactStore>,
    /// The configured speech-to-text provider (`disabled` when none is).
    pub speech: Arc<dyn SpeechToText>,
    pub probes: Vec<Arc<dyn ReadinessProbe>>,
    /// The curated starter workflows.
    pub templates: Arc<TemplateLibrary>,
    /// Full-text search over templates and each user's workflows.
    pub search: Arc<dyn SearchIndex>,
    /// Origins allowed to make cookie-authenticated unsafe requests (CSRF guard): the CORS
    /// allow-list plus this API's own public origin.
    pub trusted_origins: HashSet<String>,
}
