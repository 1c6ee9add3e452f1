//! The time of one dry run, process start included (docs/dry-run.md).
//!
//! `DRY_RUN_PYTHON=/usr/bin/python3 cargo bench -p cue-sandbox --bench dry_run` prints p50/p99
//! over 200 sequential runs of a generated workflow (GitHub read, Slack write), then runs
//! criterion. `DRY_RUN_*` settings apply (`DRY_RUN_BWRAP=` measures without bubblewrap).

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::Criterion;
use cue_sandbox::{LocalSandbox, SandboxSettings};
use cue_workflows::dryrun::{DryRunRequest, DryRunner};
use cue_workflows::{Engine, GenerateRequest, Generated};

const PROMPT: &str = "every monday at 9am post the open github issues of acme/web to #dev on slack";
const RUNS: usize = 200;

fn one(rt: &tokio::runtime::Runtime, runner: &DryRunner, g: &Generated) -> Duration {
    let started = Instant::now();
    let run = rt.block_on(runner.run(&g.code, Some(&g.plan), DryRunRequest::default()));
    let elapsed = started.elapsed();
    assert!(
        run.is_ok_and(|r| r.ok),
        "the benchmark's workflow must dry-run ok"
    );
    elapsed
}

fn main() {
    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        eprintln!("no tokio runtime");
        return;
    };
    let settings: SandboxSettings = match cue_settings::Source::new().with_environment().get() {
        Ok(s) => s,
        Err(e) => return eprintln!("{e}"),
    };
    let sandbox = match rt.block_on(LocalSandbox::new(&settings)) {
        Ok(s) => s,
        Err(e) => return eprintln!("the sandbox cannot start: {e}"),
    };
    let Ok(engine) = Engine::new().map(|e| Arc::new(e.with_validation(false))) else {
        return eprintln!("the built-in catalog failed to load");
    };
    let Ok(g) = engine.generate(&GenerateRequest::text(PROMPT)) else {
        return eprintln!("the benchmark's prompt did not generate");
    };
    let runner = DryRunner::new(engine, Arc::new(sandbox));
    let mut times: Vec<Duration> = (0..RUNS).map(|_| one(&rt, &runner, &g)).collect();
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "dry_run/github_to_slack (process start included, n={RUNS}): p50={:?} p99={:?} max={:?}",
        at(0.50),
        at(0.99),
        at(1.0)
    );
    let mut c = Criterion::default().sample_size(10).configure_from_args();
    c.bench_function("dry_run/github_to_slack", |b| {
        b.iter(|| one(&rt, &runner, &g));
    });
    c.final_summary();
}
