//! The twelfth session's dryrun11 (docs/dry-run.md): the record a file step reads, a file
//! setting left at its stand-in, and a status a step waits on. Each rule both ways, through
//! generated code run in the real harness.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{every_step_called, generate, requests, runner};

use cue_workflows::Generated;
use cue_workflows::dryrun::{DryRun, DryRunRequest};
use serde_json::{Value, json};

fn steps(g: &Generated) -> Vec<String> {
    g.plan
        .steps
        .iter()
        .map(|s| format!("{}.{}", s.tool, s.action))
        .collect()
}

/// The request of the first call of `action` (`tool.action`).
fn request_of<'r>(run: &'r DryRun, action: &str) -> Option<&'r Value> {
    requests(run, action).first().copied()
}

/// A file step fed by a read step's records (which name no file) reads the record the
/// workflow started from, the uploaded S3 object: the image sent is the uploaded object, and
/// every step runs. Where the workflow started from no file, or from several (a manual run
/// given records that name none, or two), the step is refused, naming what is missing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_step_after_a_read_sends_the_file_the_workflow_started_from() {
    let (engine, runner) = runner().await;
    let g = generate(
        &engine,
        "when a photo is uploaded to our s3 bucket, list the new shopify orders, then detect the labels of the photo with amazon rekognition",
    );
    assert_eq!(
        steps(&g),
        ["shopify.list_orders", "amazon_rekognition.rekognition"],
        "{:#?}",
        g.plan
    );
    let run = runner
        .run(&g.code, Some(&g.plan), DryRunRequest::default())
        .await
        .unwrap();
    assert!(run.ok, "{run:#?}");
    assert!(every_step_called(&g, &run), "{run:#?}");
    let image = &request_of(&run, "amazon_rekognition.rekognition").unwrap()["Image"];
    assert!(image["S3Object"]["Bucket"].is_string(), "{image}");
    // no fallback used: the run sent the uploaded object, not the setting's sample
    assert!(
        !run.warnings.iter().any(|w| w.contains("sample file")),
        "{:?}",
        run.warnings
    );
    assert!(
        run.calls.iter().all(|c| !c.url.contains("dry-run-setting")),
        "{:#?}",
        run.calls
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_step_whose_workflow_started_from_no_file_or_several_is_refused() {
    let (engine, runner) = runner().await;
    let g = generate(
        &engine,
        "run on demand: list the new shopify orders, then pin the product image to pinterest",
    );
    assert_eq!(
        steps(&g),
        ["shopify.list_orders", "pinterest.create_pin"],
        "{:#?}",
        g.plan
    );
    let manual = |items: Value| DryRunRequest {
        event: Some(json!({ "items": items })),
        ..DryRunRequest::default()
    };
    let file = |n: u32| json!({"name": format!("p{n}.jpg"), "url": format!("https://example.com/p{n}.jpg")});
    // none, or two (which one would be a guess): refused, naming what is missing
    for items in [json!([{"note": "no file here"}]), json!([file(1), file(2)])] {
        let run = runner
            .run(&g.code, Some(&g.plan), manual(items.clone()))
            .await
            .unwrap();
        assert!(!run.ok, "{items}: {run:#?}");
        let error = run.error.as_ref().unwrap();
        assert!(
            error.message.contains("names no file"),
            "{items}: {error:?}"
        );
        assert!(
            request_of(&run, "pinterest.create_pin").is_none(),
            "{run:#?}"
        );
    }
}

/// A step that sends its record's file, else the file at a URL setting, on records that name
/// none, with the setting at its stand-in: a real run has the user's URL there, so the dry run
/// gives it a sample file and says so in `warnings`; a setting the plan holds a real URL for
/// is left alone, with no warning.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_setting_at_its_stand_in_gets_a_sample_file_and_a_warning() {
    let (engine, runner) = runner().await;
    let g = generate(
        &engine,
        "every monday at 9 list the trello cards and compress an image with tinypng",
    );
    assert!(
        steps(&g).contains(&"tinypng.compress".to_owned()),
        "{:#?}",
        g.plan
    );
    let run = runner
        .run(&g.code, Some(&g.plan), DryRunRequest::default())
        .await
        .unwrap();
    assert!(run.ok, "{run:#?}");
    assert!(every_step_called(&g, &run), "{run:#?}");
    assert!(
        run.warnings
            .iter()
            .any(|w| w.contains("TINYPNG_IMAGE_URL") && w.contains("sample file")),
        "{:?}",
        run.warnings
    );

    // the user's own URL: no sample, no warning, the file fetched from there
    let mut plan = g.plan.clone();
    for s in &mut plan.steps {
        if s.tool == "tinypng" {
            s.params
                .insert("image_url".into(), "https://example.com/sample.pdf".into());
        }
    }
    let code = engine.code(&plan).unwrap();
    let run = runner
        .run(&code, Some(&plan), DryRunRequest::default())
        .await
        .unwrap();
    assert!(run.ok, "{run:#?}");
    assert!(
        !run.warnings.iter().any(|w| w.contains("TINYPNG_IMAGE_URL")),
        "{:?}",
        run.warnings
    );
    assert!(
        run.calls.iter().all(|c| !c.url.contains("dry-run-setting")),
        "{:#?}",
        run.calls
    );
}

/// Mailchimp's send path: the replicate answers the new campaign with its `id` (the example
/// from Mailchimp's own SDKs' Campaign), the send checklist answers one status saying it is
/// ready, and the send goes to the new campaign's id; no step polls until the call limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mailchimps_send_path_reaches_the_send_with_the_replicas_id() {
    let (engine, runner) = runner().await;
    let g = generate(
        &engine,
        "every monday at 9 send our weekly mailchimp campaign",
    );
    assert_eq!(steps(&g), ["mailchimp.send_campaign"], "{:#?}", g.plan);
    let run = runner
        .run(&g.code, Some(&g.plan), DryRunRequest::default())
        .await
        .unwrap();
    assert!(run.ok, "{run:#?}");
    let actions: Vec<&str> = run
        .calls
        .iter()
        .filter_map(|c| c.action.as_deref())
        .collect();
    assert_eq!(
        actions,
        [
            "send_campaign",
            "campaign_send_checklist",
            "send_replicated_campaign"
        ],
        "{run:#?}"
    );
    let send = run.calls.last().unwrap();
    assert!(
        send.url.ends_with("/campaigns/b03bfc273a/actions/send"),
        "{}",
        send.url
    );
}
