//! `cue-gateway`: serve the API (default), apply migrations, and offline tools.

use std::collections::BTreeMap;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use cue_gateway::config::Settings;
use cue_gateway::startup::{Application, store_config};
use cue_gateway::telemetry;

#[derive(Parser)]
#[command(name = "cue-gateway", version, about = "Cue's backend API")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
}

/// Settings from the environment, over the AWS Secrets Manager secret when one is named.
async fn load_settings() -> anyhow::Result<Settings> {
    let secret_values = BTreeMap::new();
    Settings::load(&secret_values).map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = load_settings().await?;
    telemetry::init(settings.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            if settings.auth.ephemeral_key {
                tracing::warn!(
                    "SECRET_KEY is not set: using a random key for this process only. Every restart logs \
                     everyone out, and several instances cannot share sessions. Set SECRET_KEY (32+ characters)."
                );
            }
            if settings.auth.google.is_none() && settings.auth.github.is_none() {
                tracing::warn!(
                    "no login provider is configured: set GOOGLE_CLIENT_ID/SECRET or GITHUB_CLIENT_ID/SECRET"
                );
            }
            let app = Application::build(settings).await?;
            tracing::info!(port = app.port(), "cue-gateway listening");
            app.run_until_stopped().await.context("server failed")?;
            tracing::info!("cue-gateway stopped");
        }
        Command::Migrate => {
            let config = store_config(&settings);
            let store = cue_store::Store::connect(&config)
                .await
                .with_context(|| format!("DATABASE_URL: cannot open {}", config.redacted_url()))?;
            let applied = store
                .run_migrations()
                .await
                .context("applying migrations")?;
            println!(
                "{} migration(s) applied on {}",
                applied.len(),
                store.backend()
            );
            for version in applied {
                println!("  {version}");
            }
        }
    }
    Ok(())
}
