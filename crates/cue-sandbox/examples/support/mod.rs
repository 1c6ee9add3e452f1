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

/// The planned steps a run made no call for, each with why it was not reached as the run's
/// logs tell it: the handler skipped or refused the delivery, the trigger's records were not
/// new, an earlier step gave no records, or no record was left for it (the trigger's filter or
/// a condition held for none). `None` when every step made a call.
pub fn not_reached(
    plan: &cue_workflows::Plan,
    run: &cue_workflows::dryrun::DryRun,
) -> Option<String> {
    let called = run.steps_called();
    let first = plan
        .steps
        .iter()
        .position(|s| !called.contains(s.id.as_str()))?;
    let missing: Vec<String> = plan.steps[first..]
        .iter()
        .filter(|s| !called.contains(s.id.as_str()))
        .map(|s| format!("{}.{}", s.tool, s.action))
        .collect();
    let logs = &run.logs;
    let said = |words: &str| logs.iter().any(|l| l.contains(words));
    let empty_step = plan.steps[..first].iter().rev().find(|s| {
        logs.iter().any(|l| {
            l.contains(&format!("{} returned 0 records", s.id))
                || l.contains(&format!("{} handled 0 records", s.id))
        })
    });
    let why = if said("Skipped a delivery") {
        "the handler skipped the sample delivery".to_owned()
    } else if said("Rejected a request") || said("Refused a") {
        "the handler refused the sample delivery".to_owned()
    } else if logs.iter().any(|l| l.starts_with("INFO 0 of ")) {
        "the trigger's records were not new".to_owned()
    } else if let Some(s) = empty_step {
        format!("{} gave no records", s.id)
    } else {
        "no record reached it (the trigger's filter or a condition held for none)".to_owned()
    };
    Some(format!(
        "steps without a call: {} ({why})",
        missing.join(", ")
    ))
}
