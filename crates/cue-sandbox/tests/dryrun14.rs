//! The fifteenth session's dryrun14 (docs/dry-run.md), through the real harness: a step that
//! sends a setting still at its README-named stand-in (R17-7: Expensify's merchant at
//! `your-merchant`) leaves the run ok and warns, naming the setting to fill; a real value, or
//! a record that carries its own, sends no stand-in and names no setting.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{every_step_called, requests, runner, with_items};

use cue_workflows::{Engine, Generated, Plan};
use serde_json::{Value, json};

/// A manual run → one Expensify expense with these settings.
fn expense(engine: &Engine, params: Value) -> Generated {
    let plan: Plan = serde_json::from_value(json!({
        "name": "dryrun14", "summary": "a plan built in the test",
        "trigger": {"kind": "manual", "delivery": "direct", "schedule_expression": null,
                    "timezone": null, "description": "Run by hand", "tool": null, "event": null},
        "steps": [{"id": "step_1", "tool": "expensify", "action": "create_expense",
                   "description": "log the expense", "params": params}],
        "tools": [], "assumptions": []
    }))
    .unwrap();
    engine.generate_from_plan(plan).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stand_in_setting_sent_is_named_in_a_warning() {
    let (engine, runner) = runner().await;
    let record = json!([{"email": "grace@example.org", "amount": 1250, "currency": "USD"}]);

    let g = expense(
        &engine,
        json!({"merchant": "your-merchant", "currency": "USD", "amount": "0"}),
    );
    let run = runner
        .run(&g.code, Some(&g.plan), with_items(record.clone()))
        .await
        .unwrap();
    assert!(run.ok, "{run:#?}");
    assert!(every_step_called(&g, &run), "{run:#?}");
    assert!(
        requests(&run, "expensify.create_expense")[0]
            .to_string()
            .contains("your-merchant"),
        "{run:#?}"
    );
    let named: Vec<&String> = run
        .warnings
        .iter()
        .filter(|w| w.contains("EXPENSIFY_MERCHANT"))
        .collect();
    assert_eq!(named.len(), 1, "{:#?}", run.warnings);
    assert!(
        named[0].starts_with("step_1 (expensify.create_expense)")
            && named[0].contains("\"your-merchant\""),
        "{named:?}"
    );

    // the other way: a real merchant, or a record carrying its own, names no setting
    let g = expense(
        &engine,
        json!({"merchant": "Blue Bottle Coffee", "currency": "USD", "amount": "0"}),
    );
    let run = runner
        .run(&g.code, Some(&g.plan), with_items(record))
        .await
        .unwrap();
    assert!(run.ok, "{run:#?}");
    assert!(
        !run.warnings
            .iter()
            .any(|w| w.contains("EXPENSIFY_MERCHANT")),
        "{:#?}",
        run.warnings
    );
    let g = expense(
        &engine,
        json!({"merchant": "your-merchant", "currency": "USD", "amount": "0"}),
    );
    let own = json!([{"email": "grace@example.org", "merchant": "Corner Deli", "amount": 800}]);
    let run = runner
        .run(&g.code, Some(&g.plan), with_items(own))
        .await
        .unwrap();
    assert!(run.ok, "{run:#?}");
    assert!(
        !requests(&run, "expensify.create_expense")[0]
            .to_string()
            .contains("your-merchant"),
        "{run:#?}"
    );
    assert!(
        !run.warnings
            .iter()
            .any(|w| w.contains("EXPENSIFY_MERCHANT")),
        "{:#?}",
        run.warnings
    );
}

/// A schedule reading "last week's" Box files, which Box cannot filter by time (the code keeps
/// the records of the run's window): the simulated folder's file is of that week, so the step
/// after the read runs. Without a period the read keeps every record and the file keeps the
/// vendor's documented time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_cut_to_the_runs_period_is_answered_records_of_that_period() {
    let (engine, runner) = runner().await;
    for (window, kept) in [
        (Some("previous week"), true),
        (Some("current month"), true),
        (Some("previous day"), true),
        (None, false),
    ] {
        let mut params = serde_json::Map::new();
        if let Some(w) = window {
            params.insert("window".into(), json!(w));
        }
        let plan: Plan = serde_json::from_value(json!({
            "name": "dryrun14", "summary": "a plan built in the test",
            "trigger": {"kind": "schedule", "delivery": "schedule",
                        "schedule_expression": "cron(0 9 ? * MON *)", "timezone": "UTC",
                        "description": "Every Monday at 9", "tool": null, "event": null,
                        "params": params},
            "steps": [
                {"id": "step_1", "tool": "box", "action": "list_files",
                 "description": "the folder's files", "params": {"folder": "0"}},
                {"id": "step_2", "tool": "slack", "action": "post_message",
                 "description": "post them", "params": {"channel": "#files"}}],
            "tools": [], "assumptions": []
        }))
        .unwrap();
        let g = engine.generate_from_plan(plan).unwrap();
        assert_eq!(g.code.contains("_in_window(_path("), kept, "{window:?}");
        let run = runner
            .run(&g.code, Some(&g.plan), Default::default())
            .await
            .unwrap();
        assert!(run.ok, "{window:?}: {run:#?}");
        assert!(every_step_called(&g, &run), "{window:?}: {run:#?}");
        if window.is_some() {
            assert!(
                run.logs
                    .iter()
                    .any(|l| l.contains("1 of 1 records fall in the window")),
                "{window:?}: {:#?}",
                run.logs
            );
        }
    }
}
