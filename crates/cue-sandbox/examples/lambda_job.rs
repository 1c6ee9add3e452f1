//! Prints the payload the gateway sends the sandbox Lambda function for a prompt's generated
//! workflow (sample event, simulator, placeholders for credentials, the `DRY_RUN_*` limits):
//! to invoke a deployed function by hand, or to time its handler (docs/dry-run.md).
//!
//! ```sh
//! cargo run -q -p cue-sandbox --example lambda_job -- "every monday at 9am post the open github issues of acme/web to #dev on slack" > job.json
//! aws lambda invoke --function-name cue-dry-run --payload fileb://job.json answer.json
//! ```

use std::sync::Arc;

use cue_sandbox::{SandboxSettings, UnavailableSandbox, harness_input};
use cue_workflows::dryrun::{DryRunRequest, DryRunner};
use cue_workflows::{Engine, GenerateRequest};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let prompt = std::env::args()
        .nth(1)
        .ok_or("usage: lambda_job \"<prompt>\"")?;
    let settings: SandboxSettings = cue_settings::Source::new().with_environment().get()?;
    let engine = Arc::new(Engine::new()?.with_validation(false));
    // only the job is prepared here; nothing runs
    let runner = DryRunner::new(
        engine.clone(),
        Arc::new(UnavailableSandbox {
            reason: "jobs are only printed".to_owned(),
        }),
    );
    let generated = engine.generate(&GenerateRequest::text(&prompt))?;
    let job = runner.job(
        &generated.code,
        Some(&generated.plan),
        &DryRunRequest::default(),
    )?;
    let input = harness_input(&job, settings.timeout, settings.memory_mb * 1024 * 1024);
    println!("{}", serde_json::to_string(&input)?);
    Ok(())
}
