//! What the dry-run examples share: their arguments and a runner on the local sandbox.

use std::sync::Arc;

use cue_sandbox::{LocalSandbox, SandboxSettings};
use cue_workflows::Engine;
use cue_workflows::dryrun::DryRunner;

/// The command line: the plain arguments, and the values of every `--show KEY`.
pub fn args() -> (Vec<String>, Vec<String>) {
    let mut plain = Vec::new();
    let mut show = Vec::new();
    let mut rest = std::env::args().skip(1);
    while let Some(arg) = rest.next() {
        if arg == "--show" {
            show.extend(rest.next());
        } else {
            plain.push(arg);
        }
    }
    (plain, show)
}

/// The engine (without the validator: the dry run is what is measured) and a dry runner on
/// the local sandbox, configured from the `DRY_RUN_*` environment.
pub async fn runner() -> Result<(Arc<Engine>, DryRunner), Box<dyn std::error::Error>> {
    let settings: SandboxSettings = cue_settings::Source::new().with_environment().get()?;
    let sandbox = LocalSandbox::new(&settings).await?;
    let engine = Arc::new(Engine::new()?.with_validation(false));
    let runner = DryRunner::new(engine.clone(), Arc::new(sandbox));
    Ok((engine, runner))
}

/// The failures by cause, each with the ids or keys that failed that way.
pub fn print_failures(failures: &std::collections::BTreeMap<String, Vec<String>>) {
    for (why, keys) in failures {
        // one line per failure (botocore's messages span lines)
        let why = why.split_whitespace().collect::<Vec<_>>().join(" ");
        println!("  {:>3} {why}: {}", keys.len(), keys.join(" "));
    }
}
