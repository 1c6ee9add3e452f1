//! The fourteenth session's dryrun13 (docs/dry-run.md): each class the dry run still failed
//! on, with a plan built in the test and run through the real harness, both ways.
//! - A vendor that fetches the file itself (`{file_url}`: Deepgram, Pinterest) after a
//!   webhook nobody documents: the sample record names its file by URL, as the plan's
//!   assumptions tell the sender to (before, it named none and the step refused).
//! - A record's plain `url` that is its page's link (a Notion page, a Greenhouse candidate) is
//!   not fetched as its file: the step sends its setting's file; a `url` naming a file is
//!   still fetched.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{every_step_called, requests, runner, with_items};

use cue_workflows::dryrun::{DryRun, DryRunRequest};
use cue_workflows::{Engine, Generated, Plan};
use serde_json::{Value, json};

/// The workflow of a plan written here: its trigger and its steps (tool, action, params).
fn from_plan(engine: &Engine, trigger: Value, steps: &[(&str, &str, Value)]) -> Generated {
    let steps: Vec<Value> = steps
        .iter()
        .enumerate()
        .map(|(i, (tool, action, params))| {
            json!({"id": format!("step_{}", i + 1), "tool": tool, "action": action,
                   "description": format!("{tool} {action}"), "params": params})
        })
        .collect();
    let plan: Plan = serde_json::from_value(json!({
        "name": "dryrun13", "summary": "a plan built in the test", "trigger": trigger,
        "steps": steps, "tools": [], "assumptions": []
    }))
    .unwrap();
    engine.generate_from_plan(plan).unwrap()
}

fn webhook() -> Value {
    json!({"kind": "webhook", "delivery": "http", "schedule_expression": null, "timezone": null,
           "description": "An HTTP request to the function URL", "tool": null, "event": null})
}

fn manual() -> Value {
    json!({"kind": "manual", "delivery": "direct", "schedule_expression": null, "timezone": null,
           "description": "Run by hand", "tool": null, "event": null})
}

/// The calls to `url` exactly.
fn fetched<'r>(run: &'r DryRun, url: &str) -> Vec<&'r cue_workflows::dryrun::DryRunCall> {
    run.calls.iter().filter(|c| c.url == url).collect()
}

/// A generic webhook → Deepgram (by URL) → Slack: the sample delivery's record names the
/// sample file by URL, Deepgram is sent it, and every step runs. A record naming no file (the
/// caller's) is refused by the code, saying so, and the run is not ok.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vendor_fetching_by_url_is_sent_the_sample_records_file_url() {
    let (engine, runner) = runner().await;
    let g = from_plan(
        &engine,
        webhook(),
        &[
            ("deepgram", "transcribe", json!({})),
            ("slack", "post_message", json!({"channel": "#calls"})),
        ],
    );
    let run = runner
        .run(&g.code, Some(&g.plan), DryRunRequest::default())
        .await
        .unwrap();
    assert!(run.ok, "{run:#?}");
    assert!(every_step_called(&g, &run), "{run:#?}");
    let sent = requests(&run, "deepgram.transcribe");
    assert_eq!(sent[0]["url"], "https://example.com/sample.pdf", "{run:#?}");

    // the other way: a manual run given a record without a file is refused
    let g = from_plan(&engine, manual(), &[("deepgram", "transcribe", json!({}))]);
    let run = runner
        .run(
            &g.code,
            Some(&g.plan),
            with_items(json!([{"title": "no file here"}])),
        )
        .await
        .unwrap();
    assert!(!run.ok, "{run:#?}");
    let error = run.error.as_ref().expect("the step refused");
    assert!(error.message.contains("names no file"), "{error:?}");
    // and its sample record names the file, as the webhook's does
    let run = runner
        .run(&g.code, Some(&g.plan), DryRunRequest::default())
        .await
        .unwrap();
    assert!(run.ok && every_step_called(&g, &run), "{run:#?}");
}

/// A manual run → Textract (the record's file, else the setting's): a record whose `url` is
/// its page's link (a Notion page, a Greenhouse candidate) is not fetched; the step sends the
/// setting's file, and the run warns that the setting is still its stand-in. A record whose
/// `url` names a file is fetched and sent, with no such warning.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_records_page_link_is_not_fetched_as_its_file() {
    let (engine, runner) = runner().await;
    let g = from_plan(
        &engine,
        manual(),
        &[("amazon_textract", "textract", json!({}))],
    );
    for page in [
        "https://www.notion.so/Tuscan-kale-59833787a2cf94fdf8782e53db20768a5",
        "https://app.greenhouse.io/people/35897443?application_id=46194062",
    ] {
        let run = runner
            .run(
                &g.code,
                Some(&g.plan),
                with_items(json!([{"url": page, "name": "Ann"}])),
            )
            .await
            .unwrap();
        assert!(run.ok, "{page}: {run:#?}");
        assert!(every_step_called(&g, &run), "{page}: {run:#?}");
        assert!(fetched(&run, page).is_empty(), "{page}: {run:#?}");
        assert!(
            run.warnings.iter().any(|w| w.contains("stand-in")),
            "{page}: {:?}",
            run.warnings
        );
    }
    let file = "https://example.com/sample.pdf";
    let run = runner
        .run(&g.code, Some(&g.plan), with_items(json!([{"url": file}])))
        .await
        .unwrap();
    assert!(run.ok, "{run:#?}");
    assert_eq!(fetched(&run, file).len(), 1, "{run:#?}");
    assert!(run.warnings.is_empty(), "{:?}", run.warnings);
}
