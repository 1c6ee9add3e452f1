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

/// The outcome of one round of readiness checks: each probe's name, whether it is required,
/// and `Err` with its reason when it failed.
pub type ReadinessResults = Vec<(&'static str, bool, Result<(), String>)>;

/// `/health/ready`'s last answer, kept for [`ReadinessCache::TTL`]: a load balancer, an
/// orchestrator and a monitoring system all probing several times a second then cost the
/// shared pool one round of checks per second, not one per probe. Concurrent callers while a
/// round runs wait for it instead of starting their own.
#[derive(Default)]
pub struct ReadinessCache {
    last: tokio::sync::Mutex<Option<(std::time::Instant, Arc<ReadinessResults>)>>,
}

impl ReadinessCache {
    pub const TTL: std::time::Duration = std::time::Duration::from_secs(1);

    /// The cached results if younger than [`Self::TTL`], else those of `check`, cached.
    pub async fn get_or_check<F, Fut>(&self, check: F) -> Arc<ReadinessResults>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = ReadinessResults>,
    {
        let mut last = self.last.lock().await;
        if let Some((at, results)) = last.as_ref()
            && at.elapsed() < Self::TTL
        {
            return results.clone();
        }
        let results = Arc::new(check().await);
        *last = Some((std::time::Instant::now(), results.clone()));
        results
    }
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
    pub readiness: ReadinessCache,
    /// Origins allowed to make cookie-authenticated unsafe requests (CSRF guard): the CORS
    /// allow-list plus this API's own public origin.
    pub trusted_origins: HashSet<String>,
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn readiness_is_checked_at_most_once_a_second() {
        let cache = ReadinessCache::default();
        let rounds = AtomicUsize::new(0);
        let check = || async {
            rounds.fetch_add(1, Ordering::SeqCst);
            vec![("database", true, Ok(()))]
        };
        for _ in 0..50 {
            let results = cache.get_or_check(check).await;
            assert!(results[0].2.is_ok());
        }
        assert_eq!(rounds.load(Ordering::SeqCst), 1);
        // Concurrent callers share one round.
        let (a, b) = tokio::join!(cache.get_or_check(check), cache.get_or_check(check));
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(rounds.load(Ordering::SeqCst), 1);
        std::thread::sleep(ReadinessCache::TTL);
        cache.get_or_check(check).await;
        assert_eq!(rounds.load(Ordering::SeqCst), 2, "checked again once stale");
    }
}
