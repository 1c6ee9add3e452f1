//! Tools for operators, run from the binary rather than served: issuing an access token for a
//! user by email, for load tests, API checks and support, where no identity provider is at hand.

use anyhow::Context as _;
use cue_auth::LoginOutcome;
use cue_store::Store;

use crate::config::Settings;
use crate::startup::{auth_service, store_config};

/// Finds the user with this (verified) email in the configured database, or creates one with
/// no linked identity, and issues a normal access token signed with `SECRET_KEY`.
///
/// Applies pending migrations first unless `RUN_MIGRATIONS=false`, as the server would.
pub async fn issue_token(
    settings: &Settings,
    email: &str,
    name: Option<String>,
) -> anyhow::Result<LoginOutcome> {
    if settings.auth.secret_key.is_ephemeral() {
        anyhow::bail!(
            "SECRET_KEY is not set: a token signed with a random key would be accepted by no server"
        );
    }
    let config = store_config(settings);
    let store = Store::connect(&config)
        .await
        .with_context(|| format!("DATABASE_URL: cannot open {}", config.redacted_url()))?;
    if settings.database.run_migrations {
        store
            .run_migrations()
            .await
            .context("applying database migrations")?;
    }
    let auth = auth_service(settings, &store)?;
    auth.provision(email, name)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}
