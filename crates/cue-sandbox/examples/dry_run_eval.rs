//! Measures dry runs (docs/dry-run.md):
//!
//! ```sh
//! # the share of generated workflows whose dry run is ok and calls every planned step
//! cargo run -p cue-sandbox --example dry_run_eval -- crates/cue-workflows/tests/sets/tuning.jsonl
//! # also the time of each run; the benchmark is `cargo bench -p cue-sandbox --bench dry_run`
//! ```
//!
//! Prompt files are JSON lines with a `prompt` (and `id`). `DRY_RUN_*` settings apply.
//! `--show ID` (repeatable) also prints that prompt's plan, code and dry run as JSON.

mod support;

use std::collections::BTreeMap;

use cue_workflows::dryrun::{DryRun, DryRunRequest};
use cue_workflows::{GenerateRequest, Generated};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (args, show) = support::args();
    let (engine, runner) = support::runner().await?;
    let mut total = 0;
    let mut generated = 0;
    let mut passed = 0;
    let mut failures: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // runs that count as ok but did not send what the plan promised (the answer's `warnings`)
    let mut warned: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut durations = Vec::new();
    for file in &args {
        for line in std::fs::read_to_string(file)?.lines() {
            let Ok(row) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let Some(prompt) = row["prompt"].as_str() else {
                continue;
            };
            let id = row["id"].as_str().unwrap_or("?").to_owned();
            if !show.is_empty() && !show.contains(&id) {
                continue;
            }
            total += 1;
            let Ok(g) = engine.generate(&GenerateRequest::text(prompt)) else {
                failures.entry("not generated".into()).or_default().push(id);
                continue;
            };
            generated += 1;
            let run = runner
                .run(&g.code, Some(&g.plan), DryRunRequest::default())
                .await?;
            durations.push(run.duration_ms);
            if show.contains(&id) {
                println!(
                    "== {id}: {prompt}\n{}",
                    serde_json::to_string_pretty(&g.plan)?
                );
                println!("{}\n{}", g.code, serde_json::to_string_pretty(&run)?);
            }
            match verdict(&g, &run) {
                None => {
                    passed += 1;
                    for w in &run.warnings {
                        warned.entry(kind_of(w)).or_default().push(id.clone());
                    }
                }
                Some(why) => failures.entry(why).or_default().push(id),
            }
        }
    }
    println!(
        "prompts: {total}, generated: {generated}, dry run ok and every planned step called: {passed} ({:.1}% of generated)",
        100.0 * f64::from(passed) / f64::from(generated.max(1))
    );
    support::print_failures(&failures);
    if !warned.is_empty() {
        let runs: std::collections::BTreeSet<&String> = warned.values().flatten().collect();
        println!("ok, with warnings: {} run(s)", runs.len());
        support::print_failures(&warned);
    }
    print_percentiles(&mut durations);
    Ok(())
}

/// A warning's kind: its step's action and what was sent instead of the record's data (the
/// stand-in or the event name), without the values.
fn kind_of(warning: &str) -> String {
    let action = warning
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .map_or("", |(a, _)| a);
    let field = warning
        .split_once("): ")
        .and_then(|(_, rest)| rest.split_once(' '))
        .map_or("", |(f, _)| f);
    let what = if warning.contains("stand-in") {
        "a setting's stand-in"
    } else {
        "the trigger's event name"
    };
    format!("warning: {action} {field} is {what}")
}

/// Why a run does not count: not ok (the error), or a planned step that made no call.
fn verdict(g: &Generated, run: &DryRun) -> Option<String> {
    if let Some(e) = &run.error {
        // one line per failure (botocore's messages span lines)
        let message: String = e
            .message
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .take(90)
            .collect();
        return Some(format!("{}: {message}", e.kind));
    }
    support::not_reached(&g.plan, run)
}

fn print_percentiles(durations: &mut [u64]) {
    if durations.is_empty() {
        return;
    }
    durations.sort_unstable();
    let at = |p: f64| {
        let i = ((durations.len() as f64 - 1.0) * p).round() as usize;
        durations[i]
    };
    println!(
        "one dry run, process start included: p50 {} ms, p99 {} ms, max {} ms (n = {})",
        at(0.5),
        at(0.99),
        at(1.0),
        durations.len()
    );
}
