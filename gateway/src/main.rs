//! `cue-gateway`: serve the API (default), apply migrations, and offline tools.

use std::collections::BTreeMap;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use cue_gateway::config::{SecretsManagerSettings, Settings};
use cue_gateway::search;
use cue_gateway::startup::{Application, connect_store};
use cue_gateway::telemetry;

/// mimalloc instead of glibc's malloc: on `cargo xtask bench` it served 17% more validations
/// and 28% more generations a second than glibc in the same session, for a higher peak RSS
/// (`docs/benchmarks.md`, "Allocator").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Write every template and every stored workflow into the search index (OpenSearch when
    /// OPENSEARCH_URL is set; creates the index if missing). Repairs an index that missed
    /// writes while it was down.
    Reindex,
    /// Generate a workflow bundle from a description, without a server or database.
    Generate {
        /// What the workflow should do, e.g. "every weekday at 9 post new Stripe payouts to Slack".
        description: String,
        /// Directory to write lambda_function.py, requirements.txt, template.yaml and README.md to.
        #[arg(long, default_value = "cue-workflow")]
        out: std::path::PathBuf,
        /// The description is a speech transcript (normalise fillers and spelled-out numbers).
        #[arg(long)]
        speech: bool,
    },
    /// Ask the server on HOST:PORT whether it is ready (`/health/ready`); exit non-zero if
    /// not. For container health checks: reads only HOST and PORT.
    Healthcheck,
    /// Dry-run a bundle's lambda_function.py in the sandbox against simulated vendors and print
    /// the result as JSON (exit status 1 when it is not ok). Uses the bundle's plan.json (which
    /// `generate` writes) for the sample event and the simulated tools; without it the code
    /// counts as hand-written and needs bubblewrap. DRY_RUN_* settings apply.
    DryRun {
        /// The bundle directory (lambda_function.py, and plan.json when generated here).
        bundle: std::path::PathBuf,
        /// A JSON file holding the Lambda event; a sample for the trigger otherwise.
        #[arg(long)]
        event: Option<std::path::PathBuf>,
    },
    /// Print an access token for the user with this email, creating the user if there is none.
    ///
    /// An operator tool for load tests and API checks without an identity provider. It uses
    /// DATABASE_URL and SECRET_KEY like the server; the token works on any server sharing them.
    Token {
        /// The user's email; an existing user with this verified email is reused.
        #[arg(long)]
        email: String,
        /// Display name for a user this creates.
        #[arg(long)]
        name: Option<String>,
    },
}

/// Writes a generated bundle to `out` and prints what it holds.
fn generate(description: String, out: &std::path::Path, speech: bool) -> anyhow::Result<()> {
    use cue_workflows::{Engine, GenerateRequest, HANDLER_FILE};
    let engine = Engine::new().context("loading the workflow engine")?;
    let req = if speech {
        GenerateRequest::speech(description)
    } else {
        GenerateRequest::text(description)
    };
    let generated = engine.generate(&req).map_err(|e| anyhow::anyhow!("{e}"))?;
    let report = match &generated.validation {
        Some(report) => report.clone(),
        None => {
            let options =
                cue_validate::Options::default().with_requirements(generated.requirements_txt());
            cue_validate::validate(&generated.code, &options)?
        }
    };
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let files = [
        (HANDLER_FILE, generated.code.clone()),
        ("plan.json", serde_json::to_string_pretty(&generated.plan)?),
        ("requirements.txt", generated.requirements_txt()),
        ("template.yaml", generated.template_yaml.clone()),
        ("README.md", generated.readme.clone()),
    ];
    for (name, body) in files {
        let path = out.join(name);
        std::fs::write(&path, body).with_context(|| format!("writing {}", path.display()))?;
    }
    println!("{}: {}", generated.name, generated.plan.summary);
    println!("trigger: {:?}", generated.plan.trigger.kind);
    for tool in &generated.tools {
        println!(
            "tool: {} (credentials: {})",
            tool.name,
            tool.credentials_needed.join(", ")
        );
    }
    for assumption in &generated.assumptions {
        println!("assumed: {assumption}");
    }
    println!(
        "validation: {} ({} errors, {} warnings)",
        if report.is_valid { "passed" } else { "FAILED" },
        report.error_count,
        report.warning_count
    );
    println!("wrote {}", out.display());
    if !report.is_valid {
        anyhow::bail!("the generated code did not pass validation");
    }
    Ok(())
}

/// Runs a bundle directory's code in the sandbox and prints the dry run.
async fn dry_run(bundle: &std::path::Path, event: Option<&std::path::Path>) -> anyhow::Result<()> {
    use std::sync::Arc;

    use cue_workflows::dryrun::{DryRunRequest, DryRunner};
    use cue_workflows::{Engine, HANDLER_FILE, Plan};
    let read = |path: &std::path::Path| {
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
    };
    let code = read(&bundle.join(HANDLER_FILE))?;
    let plan_path = bundle.join("plan.json");
    let plan: Option<Plan> = if plan_path.is_file() {
        Some(serde_json::from_str(&read(&plan_path)?).context("plan.json is not a Cue plan")?)
    } else {
        None
    };
    let event = match event {
        Some(path) => Some(serde_json::from_str(&read(path)?).context("the event is not JSON")?),
        None => None,
    };
    let _ = dotenvy::dotenv();
    let settings: cue_sandbox::SandboxSettings = cue_settings::Source::new()
        .with_environment()
        .get()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    settings.validate().map_err(|e| anyhow::anyhow!("{e}"))?;
    let sandbox: Arc<dyn cue_workflows::dryrun::Sandbox> =
        if settings.backend == cue_sandbox::Backend::Lambda {
            cue_gateway::startup::lambda_sandbox(&settings).await?
        } else {
            Arc::new(
                cue_sandbox::LocalSandbox::new(&settings)
                    .await
                    .map_err(|e| anyhow::anyhow!("the sandbox cannot start: {e}"))?,
            )
        };
    let engine = Arc::new(Engine::new().context("loading the workflow engine")?);
    let runner = DryRunner::new(engine, sandbox);
    let request = DryRunRequest {
        event,
        credentials: BTreeMap::new(),
    };
    let run = runner
        .run(&code, plan.as_ref(), request)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("{}", serde_json::to_string_pretty(&run)?);
    if !run.ok {
        anyhow::bail!("the dry run is not ok");
    }
    Ok(())
}

/// Settings from the environment (and `.env`), over the AWS Secrets Manager secret when
/// `SECRETS_MANAGER_SECRET_ID` names one.
async fn load_settings() -> anyhow::Result<Settings> {
    let invalid = |e| anyhow::anyhow!("invalid configuration: {e}");
    let secrets_manager = SecretsManagerSettings::from_environment().map_err(invalid)?;
    let secret = match &secrets_manager.secret_id {
        None => None,
        Some(id) => Some((id.as_str(), secret_settings(id, &secrets_manager).await?)),
    };
    Settings::load(secret.as_ref().map(|(id, vars)| (*id, vars))).map_err(invalid)
}

#[cfg(feature = "aws")]
async fn secret_settings(
    secret_id: &str,
    place: &SecretsManagerSettings,
) -> anyhow::Result<BTreeMap<String, String>> {
    let region = place.region.as_ref().or(place.aws_region.as_ref());
    cue_gateway::aws_secrets::load_secret_settings(
        secret_id,
        region.map(String::as_str),
        place.endpoint_url.as_deref(),
    )
    .await
    .context("SECRETS_MANAGER_SECRET_ID")
}

#[cfg(not(feature = "aws"))]
async fn secret_settings(
    _secret_id: &str,
    _place: &SecretsManagerSettings,
) -> anyhow::Result<BTreeMap<String, String>> {
    anyhow::bail!(
        "SECRETS_MANAGER_SECRET_ID: this binary was built without the `aws` feature (cargo build --features aws)"
    )
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    if settings.auth.secret_key.is_ephemeral() {
        tracing::warn!(
            "SECRET_KEY is not set: using a random key for this process only. Every restart logs \
             everyone out, and several instances cannot share sessions. Set SECRET_KEY (32+ characters)."
        );
    }
    if settings.auth.google().is_none() && settings.auth.github().is_none() {
        tracing::warn!(
            "no login provider is configured: set GOOGLE_CLIENT_ID/SECRET or GITHUB_CLIENT_ID/SECRET"
        );
    }
    for warning in settings.startup_warnings() {
        tracing::warn!("{warning}");
    }
    let app = Application::build(settings).await?;
    tracing::info!(port = app.port(), "cue-gateway listening");
    app.run_until_stopped().await.context("server failed")?;
    tracing::info!("cue-gateway stopped");
    Ok(())
}

async fn migrate(settings: Settings) -> anyhow::Result<()> {
    let store = connect_store(&settings).await?;
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
    Ok(())
}

/// Prints the token alone on stdout (for `$(cue-gateway token ...)`), the rest on stderr.
async fn token(settings: Settings, email: &str, name: Option<String>) -> anyhow::Result<()> {
    let outcome = cue_gateway::operator::issue_token(&settings, email, name).await?;
    eprintln!(
        "{} user {} <{}>; token expires at {}",
        if outcome.created { "created" } else { "found" },
        outcome.user.id,
        outcome.user.email.as_deref().unwrap_or_default(),
        outcome.token.expires_at.to_rfc3339(),
    );
    println!("{}", outcome.token.token);
    Ok(())
}

async fn reindex(settings: Settings) -> anyhow::Result<()> {
    let store = connect_store(&settings).await?;
    let engine = cue_workflows::Engine::new().context("loading the workflow engine")?;
    let templates = cue_workflows::TemplateLibrary::builtin(engine.catalog())
        .context("loading the template library")?;
    let index = search::build_index(settings.opensearch.as_ref(), store.workflows())?;
    let done = search::index_everything(&*index, &templates, &*store.workflows()).await?;
    match &settings.opensearch {
        Some(os) => println!(
            "indexed {} template(s) and {} workflow(s) into OpenSearch at {} ({}-search)",
            done.templates, done.workflows, os.url, os.index_prefix
        ),
        None => println!(
            "read {} template(s) and {} workflow(s); OPENSEARCH_URL is not set, so there is nothing \
             to repair: the embedded search reads workflows from the database when it searches",
            done.templates, done.workflows
        ),
    }
    Ok(())
}

/// Settings, with logging set up as they say.
async fn settings_and_logs() -> anyhow::Result<Settings> {
    let settings = load_settings().await?;
    telemetry::init(settings.log_format);
    Ok(settings)
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings_and_logs().await?).await,
        Command::Migrate => migrate(settings_and_logs().await?).await,
        Command::Reindex => reindex(settings_and_logs().await?).await,
        Command::Generate {
            description,
            out,
            speech,
        } => generate(description, &out, speech),
        Command::Healthcheck => {
            let listener = cue_gateway::healthcheck::Listener::from_environment()
                .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))?;
            cue_gateway::healthcheck::check(&listener)
                .map_err(|why| anyhow::anyhow!("not ready: {why}"))
        }
        Command::DryRun { bundle, event } => dry_run(&bundle, event.as_deref()).await,
        Command::Token { email, name } => token(load_settings().await?, &email, name).await,
    }
}
