//! The thirteenth session's dryrun12 (docs/dry-run.md): a recipient read only as an address,
//! a number setting left at its stand-in, and an S3 step whose records name no object. Each
//! rule both ways, through generated code run in the real harness.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{every_step_called, generate, requests, runner, with_items};

use cue_workflows::Generated;
use cue_workflows::dryrun::{DryRun, DryRunRequest};
use serde_json::json;

fn has(g: &Generated, tool: &str, action: &str) -> bool {
    g.plan
        .steps
        .iter()
        .any(|s| s.tool == tool && s.action == action)
}

/// A record holding a boolean under a key containing `email`, a list of addresses, a nested
/// contact: SES is sent the address; a record holding none: the setting (whose stand-in the
/// run warns about). Before, the boolean or the list reached `ToAddresses`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ses_is_sent_the_records_address_or_the_setting_never_a_boolean() {
    let (engine, runner) = runner().await;
    let g = generate(
        &engine,
        "when I run it manually, send an email with amazon ses",
    );
    assert!(has(&g, "amazon_ses", "send_email"), "{:#?}", g.plan);
    for (record, want) in [
        (
            json!({"email_verified": true, "contact": {"email": "b@example.com"}}),
            "b@example.com",
        ),
        (
            json!({"email_addresses": ["c@example.com", "d@example.com"]}),
            "c@example.com",
        ),
        (
            json!({"email": "a@example.com", "email_verified": true}),
            "a@example.com",
        ),
        // none: the setting (the plan's stand-in)
        (
            json!({"email_verified": true, "name": "Ann"}),
            "you@example.com",
        ),
    ] {
        let run = runner
            .run(&g.code, Some(&g.plan), with_items(json!([record.clone()])))
            .await
            .unwrap();
        assert!(run.ok, "{record}: {run:#?}");
        assert!(every_step_called(&g, &run), "{record}: {run:#?}");
        let sent = requests(&run, "amazon_ses.send_email");
        assert_eq!(
            sent[0]["Destination"]["ToAddresses"],
            json!([want]),
            "{record}"
        );
    }
}

/// QuickBooks' `Line.Amount` from a record with none: the plan's setting stays at its
/// stand-in (the code refuses it), and the dry run sends the vendor's example number in its
/// place with a warning naming the setting. A record with an amount (or a total) sends it and
/// draws no such warning.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_amount_setting_at_its_stand_in_is_sampled_and_a_records_amount_is_sent() {
    let (engine, runner) = runner().await;
    let g = generate(
        &engine,
        "when I run it manually, create an invoice in quickbooks",
    );
    assert!(has(&g, "quickbooks", "create_invoice"), "{:#?}", g.plan);
    let step = g
        .plan
        .steps
        .iter()
        .find(|s| s.tool == "quickbooks")
        .unwrap();
    assert_eq!(step.params["amount"], "your-amount", "{:#?}", g.plan);
    let sampled = |run: &DryRun| {
        run.warnings
            .iter()
            .any(|w| w.contains("QUICKBOOKS_AMOUNT") && w.contains("Line.0.Amount"))
    };
    let run = runner
        .run(
            &g.code,
            Some(&g.plan),
            with_items(json!([{"note": "no money"}])),
        )
        .await
        .unwrap();
    assert!(run.ok, "{run:#?}");
    assert!(every_step_called(&g, &run), "{run:#?}");
    let amount = &requests(&run, "quickbooks.create_invoice")[0]["Line"][0]["Amount"];
    assert!(amount.is_number(), "{amount}");
    assert!(sampled(&run), "{:?}", run.warnings);
    for (record, want) in [
        (json!({"amount": "250.00"}), json!(250)),
        (json!({"amount_verified": true, "total": 12.5}), json!(12.5)),
    ] {
        let run = runner
            .run(&g.code, Some(&g.plan), with_items(json!([record.clone()])))
            .await
            .unwrap();
        assert!(run.ok, "{record}: {run:#?}");
        let amount = &requests(&run, "quickbooks.create_invoice")[0]["Line"][0]["Amount"];
        assert_eq!(amount, &want, "{record}");
        assert!(!sampled(&run), "{record}: {:?}", run.warnings);
    }
}

/// Amazon Transcribe reads its file from S3 only: on a schedule's run (no object) the plan
/// gives it bucket and key settings, says so, and the dry run samples them with a warning; an
/// uploaded S3 object is transcribed itself, with no settings and no warning.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_s3_step_without_an_object_reads_its_settings_and_one_with_an_object_reads_it() {
    let (engine, runner) = runner().await;
    let g = generate(
        &engine,
        "every morning, transcribe the call recording with amazon transcribe and post the transcript to slack #calls",
    );
    assert!(has(&g, "amazon_transcribe", "transcribe"), "{:#?}", g.plan);
    assert!(
        g.plan
            .assumptions
            .iter()
            .any(|a| a.contains("AMAZON_TRANSCRIBE_BUCKET") && a.contains("refuses")),
        "{:#?}",
        g.plan.assumptions
    );
    let run = runner
        .run(&g.code, Some(&g.plan), DryRunRequest::default())
        .await
        .unwrap();
    assert!(run.ok, "{run:#?}");
    assert!(every_step_called(&g, &run), "{run:#?}");
    let uri = &requests(&run, "amazon_transcribe.transcribe")[0]["Media"]["MediaFileUri"];
    assert_eq!(uri, "s3://dry-run-bucket/dry-run/sample.wav");
    assert!(
        run.warnings
            .iter()
            .any(|w| w.contains("AMAZON_TRANSCRIBE_KEY")),
        "{:?}",
        run.warnings
    );

    let g = generate(
        &engine,
        "when an audio file is uploaded to our s3 bucket, transcribe it with amazon transcribe and post the transcript to slack #calls",
    );
    let step = g
        .plan
        .steps
        .iter()
        .find(|s| s.tool == "amazon_transcribe")
        .unwrap();
    assert!(!step.params.contains_key("bucket"), "{:#?}", g.plan);
    let run = runner
        .run(&g.code, Some(&g.plan), DryRunRequest::default())
        .await
        .unwrap();
    assert!(run.ok, "{run:#?}");
    let uri = &requests(&run, "amazon_transcribe.transcribe")[0]["Media"]["MediaFileUri"];
    assert!(
        uri.as_str().unwrap().starts_with("s3://") && !uri.to_string().contains("dry-run-bucket"),
        "{uri}"
    );
    assert!(
        !run.warnings.iter().any(|w| w.contains("S3 object")),
        "{:?}",
        run.warnings
    );
}
