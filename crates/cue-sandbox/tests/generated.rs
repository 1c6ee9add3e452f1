//! Generated workflows dry-run: over the tuning set, the share whose dry run is ok and calls
//! every planned step must not fall below what docs/dry-run.md records (the target is 100%;
//! the failures printed here are the work left, most of them in the generator).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use cue_sandbox::{LocalSandbox, SandboxSettings};
use cue_workflows::dryrun::{DryRunRequest, DryRunner};
use cue_workflows::{Engine, GenerateRequest};

/// The share measured once the dry run judges each field's type and shape as the vendor does
/// (216 of 223, 96.9%, the tenth session's dryrun9 in docs/dry-run.md: four requests the vendor
/// refuses that passed before, an ISO date sent as epoch milliseconds, a date where a date and
/// time is taken, an object where a text is, a stand-in where a number is), less one failure
/// tolerated while other branches' plans merge. (Before: 220 of 223 with the honest sample; the
/// made-up sample's 99.6% hid requests sent without a required field.)
const FLOOR: f64 = 0.96;

/// The engine and a runner over the local sandbox (two runs at once).
async fn runner() -> (Arc<Engine>, Arc<DryRunner>) {
    let settings = SandboxSettings {
        python: common::python().to_owned(),
        concurrency: 2,
        queue: Duration::from_secs(60),
        ..SandboxSettings::default()
    };
    let engine = Arc::new(Engine::new().unwrap().with_validation(false));
    let runner = Arc::new(DryRunner::new(
        engine.clone(),
        Arc::new(LocalSandbox::new(&settings).await.unwrap()),
    ));
    (engine, runner)
}

/// Every record a step reads meets the conditions that read it, whoever answers it: a detail
/// call per listed id (Hacker News items), a sheet's rows named by its header row (read, or
/// polled by the trigger); and a reminder's named tool is no step. Each run is ok and calls
/// every planned step, the conditioned one included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_every_step_reads_let_every_step_run() {
    let (engine, runner) = runner().await;
    for (prompt, conditioned) in [
        (
            "every hour send hacker news stories with more than 500 points to my telegram",
            Some("telegram"),
        ),
        (
            "every morning read the stock tab of our google sheet and post to slack any row where quantity is under 5",
            Some("slack"),
        ),
        (
            "when a row is added to our google sheet and the amount is over 1000 email it to finance with gmail",
            Some("gmail"),
        ),
        (
            "every friday at 5pm remind everyone in the #ops slack channel to log their hours in harvest",
            None,
        ),
    ] {
        let g = engine.generate(&GenerateRequest::text(prompt)).unwrap();
        let step = g.plan.steps.iter().find(|s| s.condition.is_some());
        assert_eq!(
            step.map(|s| s.tool.as_str()),
            conditioned,
            "{prompt}: {:#?}",
            g.plan.steps
        );
        let run = runner
            .run(&g.code, Some(&g.plan), DryRunRequest::default())
            .await
            .unwrap();
        assert!(run.ok, "{prompt}: {run:#?}");
        let called = run.steps_called();
        for s in &g.plan.steps {
            assert!(
                called.contains(s.id.as_str()),
                "{prompt}: {} made no call: {run:#?}",
                s.id
            );
        }
    }
}

/// An uploaded file's record carries its S3 notification's fields (`s3.object.size`,
/// `eventName`), so a filter on them can hold: the sample meets it and the step runs, and
/// AWS's own example notification (1,024 bytes) does not pass a filter on larger files.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filter_on_an_uploaded_files_notification_can_hold() {
    let (engine, runner) = runner().await;
    let prompt = "when a file is uploaded to the scans bucket and its size is over 5000 post it to #ops on slack";
    let g = engine.generate(&GenerateRequest::text(prompt)).unwrap();
    let filter = g.plan.trigger.filter.as_ref();
    assert_eq!(
        filter.map(|f| f.field.as_str()),
        Some("s3.object.size"),
        "{:#?}",
        g.plan.trigger
    );
    let run = runner
        .run(&g.code, Some(&g.plan), DryRunRequest::default())
        .await
        .unwrap();
    assert!(run.ok, "{run:#?}");
    assert!(run.steps_called().contains("step_1"), "{run:#?}");

    let catalog = engine.catalog();
    let example = catalog.tool("aws_s3").unwrap().events[0]
        .example
        .as_ref()
        .unwrap()
        .body
        .clone();
    assert_eq!(example["Records"][0]["s3"]["object"]["size"], 1024);
    let request = DryRunRequest {
        event: Some(example),
        ..DryRunRequest::default()
    };
    let run = runner.run(&g.code, Some(&g.plan), request).await.unwrap();
    assert!(run.ok, "{run:#?}");
    assert!(run.calls.is_empty(), "{run:#?}");
    assert!(run.result.to_string().contains("skipped"), "{run:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_workflows_of_the_tuning_set_dry_run_ok() {
    let (engine, runner) = runner().await;
    let set = include_str!("../../cue-workflows/tests/sets/tuning.jsonl");
    let mut tasks = Vec::new();
    for line in set.lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = row["id"].as_str().unwrap().to_owned();
        let Ok(g) = engine.generate(&GenerateRequest::text(row["prompt"].as_str().unwrap())) else {
            continue;
        };
        let runner = runner.clone();
        tasks.push(tokio::spawn(async move {
            let run = runner
                .run(&g.code, Some(&g.plan), DryRunRequest::default())
                .await
                .unwrap();
            let called = run.steps_called();
            let every_step = g.plan.steps.iter().all(|s| called.contains(s.id.as_str()));
            let why = match (&run.error, every_step) {
                (Some(e), _) => Some(format!("{}: {}", e.kind, e.message)),
                (None, false) => Some("a planned step made no call".to_owned()),
                (None, true) => None,
            };
            (id, why)
        }));
    }
    let total = tasks.len();
    let mut failures = Vec::new();
    for t in tasks {
        if let (id, Some(why)) = t.await.unwrap() {
            failures.push(format!("{id}: {why}"));
        }
    }
    let share = (total - failures.len()) as f64 / total as f64;
    eprintln!(
        "{} of {total} generated workflows dry-run ok and call every step ({:.1}%)",
        total - failures.len(),
        share * 100.0
    );
    for f in &failures {
        eprintln!("  {f}");
    }
    assert!(
        share >= FLOOR,
        "{:.1}% < {:.0}%",
        share * 100.0,
        FLOOR * 100.0
    );
}
