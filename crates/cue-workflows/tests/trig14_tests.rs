//! trig14: trigger phrasings, from sentences of our own (none copied from a set). Each class
//! has phrasings that must give a kind and look-alikes that must not.

#![expect(clippy::unwrap_used, reason = "tests")]

mod support;

use cue_workflows::{Engine, GenerateRequest, InputType};

use support::{plan, trigger_ok};

fn kind(prompt: &str) -> String {
    plan(prompt).trigger.kind.as_str().to_owned()
}

/// Asserts every prompt of `cases` gets its kind, listing all that do not.
fn check(cases: &[(&str, &str)]) {
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|(p, want)| {
            let got = kind(p);
            (got != *want).then(|| format!("{p:?}: got {got}, want {want}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_tools_button_is_not_a_run_button() {
    check(&[
        // must match: the button belongs to the tool named before it
        (
            "When someone pays through our PayPal button, add a row to the Google Sheet of sales",
            "app_event",
        ),
        (
            "when a customer uses the Stripe payment button, thank them on Slack",
            "app_event",
        ),
        (
            "whenever a fan gives via our PayPal donate button, log the amount in Airtable",
            "app_event",
        ),
        // must not match: the user's own button still runs it by hand
        (
            "add a button I can click that posts the Stripe totals to Slack",
            "manual",
        ),
        (
            "when I click the button, copy the Trello cards into a Google Sheet",
            "manual",
        ),
        (
            "give me a button to export the Airtable rows to Dropbox",
            "manual",
        ),
    ]);
}

#[test]
fn an_existing_url_after_endpoint_is_checked_not_exposed() {
    check(&[
        // must match: the endpoint exists and is watched
        (
            "if the health endpoint https://shop.example.com/healthz returns anything but 200, page us in PagerDuty",
            "schedule",
        ),
        (
            "when our api endpoint https://api.example.org/status goes down, text me with Twilio",
            "schedule",
        ),
        (
            "if the endpoint http://10.0.0.5/ping is down, let me know in Slack",
            "schedule",
        ),
        // must not match: an endpoint asked for stays a webhook
        (
            "expose an endpoint that saves each posted order to Airtable",
            "webhook",
        ),
        (
            "build a webhook endpoint our shop can call, then post the order to Slack",
            "webhook",
        ),
        (
            "create an http endpoint; anything posted to it goes to a Google Sheet",
            "webhook",
        ),
    ]);
}

#[test]
fn a_level_past_a_line_is_checked() {
    check(&[
        // must match: a measured level crossing a number
        (
            "tell the on-call on Slack if the replication lag exceeds 30 seconds",
            "schedule",
        ),
        (
            "if our disk usage goes above 90 percent, open a PagerDuty incident",
            "schedule",
        ),
        (
            "text me via Twilio when the consumer lag goes past 10000",
            "schedule",
        ),
        // must not match: an app's event, or a condition on an event said first
        (
            "when a Stripe payment over $500 comes in, post it to Slack",
            "app_event",
        ),
        (
            "when a Shopify order arrives and the total is above $200, add it to a sheet",
            "app_event",
        ),
        (
            "when a new Zendesk ticket is created, post it to Slack",
            "app_event",
        ),
    ]);
}

#[test]
fn an_apps_own_uploads_are_its_event() {
    check(&[
        // must match: the uploads belong to the app named before them
        ("Save Typeform file uploads to Google Drive", "app_event"),
        (
            "copy the Jotform uploads into Dropbox and tell me on Slack",
            "app_event",
        ),
        ("put Typeform uploads in an S3 bucket", "app_event"),
        // must not match: files uploaded to storage are the storage's
        (
            "when a file is uploaded to Dropbox, post its name to Slack",
            "file_upload",
        ),
        (
            "whenever someone uploads a pdf to our S3 bucket, summarise it into Notion",
            "file_upload",
        ),
        (
            "when a new image is uploaded to the Google Drive folder, send it to Slack",
            "file_upload",
        ),
    ]);
}

#[test]
fn an_app_watched_is_its_events() {
    check(&[
        // must match: the app named as what is watched
        (
            "monitor our Netlify deploys and email me on failure",
            "app_event",
        ),
        (
            "keep an eye on Sentry for crashes and open a Linear issue for each",
            "app_event",
        ),
        (
            "watch our GitHub repo for new issues and post them to Discord",
            "app_event",
        ),
        // must not match: a level or a site watched is checked
        (
            "keep an eye on our website and text me if it goes down",
            "schedule",
        ),
        (
            "watch the Stripe balance and tell me on Slack when it drops below $1,000",
            "schedule",
        ),
        (
            "monitor the site https://example.com every 10 minutes and text me with Twilio if it is down",
            "schedule",
        ),
    ]);
}

#[test]
fn each_item_of_an_app_with_words_between_is_its_event() {
    check(&[
        // must match: "each <adjective> <app> <item>"
        (
            "Summarise each resolved Freshdesk ticket and add a note to the HubSpot contact",
            "app_event",
        ),
        (
            "post every failed Netlify build to the dev channel in Slack",
            "app_event",
        ),
        ("log each new GitHub issue in a Google Sheet", "app_event"),
        // must not match: a loop over stored rows, or a schedule said first
        (
            "for each row in the Google Sheet, create a Trello card",
            "manual",
        ),
        (
            "every Monday, post each open GitHub issue to Slack",
            "schedule",
        ),
        ("copy each of our Airtable rows to a Google Sheet", "manual"),
    ]);
}

#[test]
fn a_time_weeks_ahead_of_a_date_is_checked() {
    check(&[
        // must match: a run timed weeks or months before a date
        (
            "remind me on Slack two weeks before each lease in the Airtable base ends",
            "schedule",
        ),
        (
            "email me with Gmail a month before my domain expires",
            "schedule",
        ),
        (
            "text me via Twilio three weeks before the insurance renewal",
            "schedule",
        ),
        // must not match: an event said first keeps the event
        (
            "when a DocuSign envelope is completed, add a Todoist task due two weeks before the move",
            "app_event",
        ),
        (
            "whenever a new Stripe subscription starts, email the customer on Gmail",
            "app_event",
        ),
        (
            "when a Calendly meeting is booked, post it to Slack a week before it happens",
            "app_event",
        ),
    ]);
}

/// A quick look at trigger accuracy alone (planning only, no code): with `CUE_TRIG_SCAN=1`,
/// the trigger score of every tuning set, odd and even ids apart, and the trigger failures of
/// odd ids only (even ids are held out). Never reads a frozen set.
#[test]
fn trigger_scan() {
    if std::env::var("CUE_TRIG_SCAN").map_or(true, |v| v != "1") {
        return;
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sets");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("tuning") && n.ends_with(".jsonl"))
                && std::env::var("CUE_TRIG_SCAN_SET").map_or(true, |s| {
                    p.file_stem()
                        .is_some_and(|n| n.to_string_lossy() == s.as_str())
                })
        })
        .collect();
    files.sort();
    let engine = Engine::new().unwrap().with_validation(false);
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let (mut odd, mut even) = ((0, 0), (0, 0));
        let mut fails = Vec::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let expect = &v["expect"];
            if expect.get("reject").and_then(serde_json::Value::as_bool) == Some(true) {
                continue;
            }
            let id = v["id"].as_str().unwrap_or("");
            let is_odd = id
                .rsplit('_')
                .next()
                .and_then(|n| n.parse::<u32>().ok())
                .is_some_and(|n| n % 2 == 1);
            let input_type = if v["input_type"] == "speech_transcript" {
                InputType::SpeechTranscript
            } else {
                InputType::Text
            };
            let req = GenerateRequest {
                prompt: v["prompt"].as_str().unwrap_or("").to_owned(),
                input_type,
            };
            let want = expect["trigger"].as_str().unwrap_or("");
            let got = engine.plan(&req).map_or_else(
                |e| format!("error {e}"),
                |p| p.trigger.kind.as_str().to_owned(),
            );
            let ok = trigger_ok(want, &got);
            let tally = if is_odd { &mut odd } else { &mut even };
            tally.1 += 1;
            if ok {
                tally.0 += 1;
            } else if is_odd {
                fails.push(format!("  {id}: got {got}, want {want}: {}", req.prompt));
            }
        }
        let name = path.file_stem().unwrap().to_string_lossy();
        println!("{name}: odd {}/{} even {}/{}", odd.0, odd.1, even.0, even.1);
        for f in fails {
            println!("{f}");
        }
    }
}

/// With `CUE_TRIG_LOOK` (prompts, one a line), each prompt's trigger and assumptions.
#[test]
fn trigger_look() {
    let Ok(prompts) = std::env::var("CUE_TRIG_LOOK") else {
        return;
    };
    for p in prompts.lines().filter(|l| !l.trim().is_empty()) {
        let plan = plan(p);
        println!(
            "{p}\n  -> {} {:?}\n  {:?}",
            plan.trigger.kind.as_str(),
            plan.trigger.tool,
            plan.assumptions
        );
    }
}
