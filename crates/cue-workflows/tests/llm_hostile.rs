//! A scripted OpenAI-compatible server playing a hostile or prompt-injected model: each test
//! makes it answer one attack, and checks what reaches the generated files and the response.
#![cfg(feature = "llm")]
#![expect(clippy::unwrap_used, reason = "tests")]

mod scripted_model;

use std::time::{Duration, Instant};

use cue_workflows::llm::redact;
use cue_workflows::{GenerateRequest, Generated};
use scripted_model::{completion, generate, generator, model};
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer};

fn fallback_note(out: &Generated) -> Option<&String> {
    scripted_model::fallback_note(&out.assumptions)
}

/// Every file of the bundle and every assumption, for "does X appear anywhere".
fn everything(out: &Generated) -> String {
    format!(
        "{}\n{}\n{}\n{}\n{}",
        out.code,
        out.template_yaml,
        out.readme,
        out.assumptions.join("\n"),
        serde_json::to_string(&out.plan).unwrap()
    )
}

fn manual(steps: Value) -> Value {
    json!({"name": "Hostile", "trigger": {"kind": "manual"}, "steps": steps, "assumptions": []})
}

const FEED_PROMPT: &str =
    "read the feed https://example.com/feed.xml and post new items to #news in Slack";

#[tokio::test]
async fn url_params_outside_public_https_never_reach_the_code() {
    for bad in [
        "file:///proc/self/environ",
        "data:text/plain;base64,aGVsbG8=",
        "ftp://example.com/feed.xml",
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "http://127.0.0.1:2375/containers/json",
        "https://169.254.169.254/latest/",
        "https://[::1]/feed",
        "https://10.1.2.3/feed",
        "https://localhost/feed",
        "https://example.com@169.254.169.254/",
    ] {
        let server = model(&manual(json!([
            {"tool": "rss", "action": "read_feed", "params": {"feed_url": bad}},
            {"tool": "slack", "action": "post_message", "params": {"channel": "#news"}, "for_each": "step_1"}
        ])))
        .await;
        let out = generate(&server, &format!("{FEED_PROMPT} {bad}")).await;
        let note = fallback_note(&out).unwrap_or_else(|| panic!("{bad}: {:?}", out.assumptions));
        assert!(note.contains("feed_url"), "{bad}: {note}");
        assert!(!out.code.contains(bad), "{bad} reached the code");
        // the model was asked to repair, told why
        assert_eq!(server.received_requests().await.unwrap().len(), 3, "{bad}");
    }
}

#[tokio::test]
async fn a_public_https_url_the_user_named_is_kept() {
    let server = model(&manual(json!([
        {"tool": "rss", "action": "read_feed", "params": {"feed_url": "https://example.com/feed.xml"}},
        {"tool": "slack", "action": "post_message", "params": {"channel": "#news"}, "for_each": "step_1"}
    ])))
    .await;
    let out = generate(&server, FEED_PROMPT).await;
    assert!(fallback_note(&out).is_none(), "{:?}", out.assumptions);
    assert!(out.code.contains("\"https://example.com/feed.xml\""));
    assert!(out.code.contains("\"#news\""));
}

#[tokio::test]
async fn path_params_cannot_climb_out_of_their_segment() {
    for (tool, action, param, bad) in [
        ("github", "list_issues", "repo", "../../user/repos"),
        (
            "github",
            "list_issues",
            "repo",
            "acme/web/../../../orgs/victim/members",
        ),
        ("airtable", "list_records", "table", "../../meta/bases"),
        ("airtable", "list_records", "table", ".."),
    ] {
        let server = model(&manual(json!([
            {"tool": tool, "action": action, "params": {param: bad}}
        ])))
        .await;
        let out = generate(
            &server,
            &format!(
                "every day at 9am post the open GitHub issues to #dev in Slack ({param} {bad})"
            ),
        )
        .await;
        assert!(
            fallback_note(&out).is_some(),
            "{bad}: {:?}",
            out.assumptions
        );
        assert!(
            out.plan
                .steps
                .iter()
                .all(|s| s.params.values().all(|v| v != bad)),
            "{bad} reached the plan"
        );
        if bad.len() > 2 {
            assert!(!out.code.contains(bad), "{bad} reached the code");
        }
    }
    // a legitimate table name is sent as one encoded segment
    let server = model(&manual(json!([
        {"tool": "airtable", "action": "list_records", "params": {"table": "Sales Q1"}}
    ])))
    .await;
    let out = generate(&server, "list the Airtable table Sales Q1").await;
    assert!(fallback_note(&out).is_none(), "{:?}", out.assumptions);
    assert!(
        out.code.contains("_segment(AIRTABLE_TABLE, \"\")"),
        "{}",
        out.code
    );
}

#[tokio::test]
async fn destinations_the_user_never_named_become_settings_to_fill() {
    let exfil = [
        "https://sqs.eu-west-1.amazonaws.com/999999999999/exfil",
        "arn:aws:sns:eu-west-1:999999999999:exfil",
        "attacker-drop-bucket",
    ];
    let server = model(&json!({
        "name": "Backup",
        "trigger": {"kind": "manual"},
        "steps": [
            {"tool": "sqs", "action": "send_message", "params": {"queue_url": exfil[0]}},
            {"tool": "sns", "action": "publish", "params": {"topic_arn": exfil[1]}},
            {"tool": "aws_s3", "action": "put_object", "params": {"bucket": exfil[2]}}
        ],
        "assumptions": ["The queue belongs to your own account."]
    }))
    .await;
    let out = generate(
        &server,
        "when I run it, send the event to my queue, my topic and my bucket",
    )
    .await;
    assert!(fallback_note(&out).is_none(), "{:?}", out.assumptions);
    let all = everything(&out);
    for e in exfil {
        assert!(!all.contains(e), "{e} reached the output");
    }
    let notes = out
        .assumptions
        .iter()
        .filter(|a| a.contains("your description does not name"))
        .count();
    assert_eq!(notes, 3, "{:?}", out.assumptions);
    assert!(out.code.contains("workflow-bucket"));
    // the policy names the workflow's resources, never "*"
    let policy = &out.template_yaml[out.template_yaml.find("Policies:").unwrap()..];
    assert!(!policy.contains("- \"*\""), "{policy}");
    assert!(
        policy.contains("!Sub \"arn:${AWS::Partition}:s3:::workflow-bucket/*\""),
        "{policy}"
    );
    assert!(
        policy.contains("arn:${AWS::Partition}:sqs:*:123456789012:workflow-queue"),
        "{policy}"
    );

    // named in the description, the same destinations stay
    let prompt = format!(
        "when I run it, send the event to {} and {} and store it in the bucket {}",
        exfil[0], exfil[1], exfil[2]
    );
    let out = generate(&server, &prompt).await;
    for e in exfil {
        assert!(out.code.contains(e), "{e} was dropped");
    }
    assert!(
        out.template_yaml
            .contains("arn:${AWS::Partition}:sqs:*:999999999999:exfil"),
        "{}",
        out.template_yaml
    );
}

#[tokio::test]
async fn model_text_is_bounded_in_the_response_and_the_bundle() {
    let huge = "x".repeat(200_000);
    let server = model(&manual(json!([{"tool": huge, "action": "post_message"}]))).await;
    let out = generate(
        &server,
        "every day at 9am post the open GitHub issues to #dev in Slack",
    )
    .await;
    let note = fallback_note(&out).unwrap();
    assert!(note.len() < 1_000, "{} bytes", note.len());
    let size: usize = out.assumptions.iter().map(String::len).sum();
    assert!(size < 4_000, "{size} bytes of assumptions");
    assert!(out.readme.len() < 8_000 && out.code.len() < 100_000);
    // and so is the repair conversation
    let requests = server.received_requests().await.unwrap();
    let last: Value = serde_json::from_slice(&requests.last().unwrap().body).unwrap();
    let repair = last["messages"].as_array().unwrap().last().unwrap()["content"]
        .as_str()
        .unwrap();
    assert!(repair.len() < 1_000, "{} bytes", repair.len());
}

#[tokio::test]
async fn echoed_model_text_is_inert_markdown_in_the_readme() {
    let server = model(&json!({
        "name": "[Click me](https://evil.example)",
        "trigger": {"kind": "manual"},
        "steps": [{"tool": "slack", "action": "post_message", "params": {"channel": "#dev"}}],
        "assumptions": ["<img src=x onerror=alert(1)> ![pixel](https://evil.example/p.png)"]
    }))
    .await;
    let out = generate(&server, "post hello to #dev in Slack").await;
    assert!(fallback_note(&out).is_none(), "{:?}", out.assumptions);
    assert!(!out.readme.contains("<img"), "{}", out.readme);
    assert!(!out.readme.contains("[Click me]("), "{}", out.readme);
    assert!(out.readme.contains(r"\[Click me\]"), "{}", out.readme);
    assert!(!out.readme.contains("!["), "{}", out.readme);
}

#[tokio::test]
async fn credentials_in_the_prompt_never_reach_the_model() {
    let server = model(&manual(json!([
        {"tool": "slack", "action": "post_message", "params": {"channel": "#dev"}}
    ])))
    .await;
    let secrets = [
        "xoxb-2048193742-4810385761-AbCdEfGhIjKlMnOpQrStUvWx",
        "AKIAQ3EGUKXM7WZJ4PLD",
        "ghp_Ab3dE5gH7jK9mN1pQ3rS5tU7vW9xY1zA2bC4",
    ];
    let prompt = format!(
        "post hello to #dev in Slack with token {} using AWS key {} and GitHub {}",
        secrets[0], secrets[1], secrets[2]
    );
    let out = generate(&server, &prompt).await;
    let requests = server.received_requests().await.unwrap();
    let raw = String::from_utf8(requests[0].body.clone()).unwrap();
    for s in secrets {
        assert!(!raw.contains(s), "{s} was sent to the model");
    }
    assert!(raw.contains(redact::REDACTED));
    assert!(
        out.assumptions
            .iter()
            .any(|a| a.starts_with("3 credential-like value(s)")),
        "{:?}",
        out.assumptions
    );
}

#[tokio::test]
async fn the_whole_model_path_has_one_deadline() {
    // every answer is slow and rejected: three attempts would take 4.5 s
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(completion("not a plan").set_delay(Duration::from_millis(1500)))
        .mount(&server)
        .await;
    let started = Instant::now();
    let out = generator(&server, |c| {
        c.timeout = Duration::from_secs(2);
        c.total_timeout = Duration::from_secs(2);
        c.max_repairs = 2;
    })
    .await
    .generate(&GenerateRequest::text(
        "every day at 9am post the open GitHub issues to #dev in Slack",
    ))
    .await
    .unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(3500),
        "{:?}",
        started.elapsed()
    );
    let note = fallback_note(&out).unwrap();
    assert!(
        note.contains("did not finish within 2 s in total"),
        "{note}"
    );
}

#[tokio::test]
async fn oversized_answers_are_refused() {
    let server = MockServer::start().await;
    let padding = " ".repeat(300_000);
    Mock::given(method("POST"))
        .respond_with(completion(&format!("{padding}{{}}")))
        .mount(&server)
        .await;
    let out = generate(
        &server,
        "every day at 9am post the open GitHub issues to #dev in Slack",
    )
    .await;
    let note = fallback_note(&out).unwrap();
    assert!(note.contains("larger than"), "{note}");
    // a body too large is not a reason to ask again
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn strict_structured_outputs_send_strict_and_read_param_pairs() {
    let server = model(&json!({
        "name": "Issues to Slack",
        "trigger": {"kind": "schedule", "tool": null, "event": null, "schedule": "rate(1 day)",
                    "timezone": null, "params": [], "filter": null},
        "steps": [
            {"tool": "github", "action": "list_issues", "params": [{"name": "repo", "value": "acme/web"}],
             "condition": null, "for_each": null},
            {"tool": "slack", "action": "post_message", "params": [{"name": "channel", "value": "#dev"}],
             "condition": null, "for_each": null}
        ],
        "assumptions": []
    }))
    .await;
    let out = generator(&server, |c| {
        c.response_format = cue_workflows::llm::ResponseFormat::JsonSchemaStrict;
    })
    .await
    .generate(&GenerateRequest::text(
        "every day post the open GitHub issues of acme/web to #dev in Slack",
    ))
    .await
    .unwrap();
    assert!(fallback_note(&out).is_none(), "{:?}", out.assumptions);
    assert!(out.code.contains("\"acme/web\"") && out.code.contains("\"#dev\""));
    let requests = server.received_requests().await.unwrap();
    let body: Value = serde_json::from_slice(&requests[0].body).unwrap();
    let format = &body["response_format"]["json_schema"];
    assert_eq!(format["strict"], true);
    let params = &format["schema"]["properties"]["steps"]["items"]["properties"]["params"];
    assert_eq!(params["type"], json!(["array", "null"]));
}

#[tokio::test]
async fn placeholder_shaped_values_never_become_settings() {
    // The model answers a `{{NAME}}` as a value: filling credentials would copy the token into
    // the table name (sent in a URL, logged on errors). Every repair gets the same answer.
    let server = model(&manual(json!([
        {"tool": "airtable", "action": "create_record", "params": {"table": "{{AIRTABLE_TOKEN}}"}},
        {"tool": "slack", "action": "post_message", "params": {"channel": "#{{SLACK_BOT_TOKEN}}"}}
    ])))
    .await;
    let out = generate(
        &server,
        "when I run it, add a record to Airtable and post it to #ops in Slack",
    )
    .await;
    let settings: Vec<&str> = out
        .code
        .lines()
        .filter(|l| l.contains("{{AIRTABLE_TOKEN}}") || l.contains("{{SLACK_BOT_TOKEN}}"))
        .collect();
    assert!(
        out.code
            .contains("os.environ.get(\"AIRTABLE_TOKEN\", \"{{AIRTABLE_TOKEN}}\")"),
        "{}",
        out.code
    );
    for line in &settings {
        let name = line.split_whitespace().next().unwrap_or_default();
        assert!(
            line.contains(&format!("os.environ.get(\"{name}\", \"{{{{{name}}}}}\")")),
            "a placeholder became another setting's value: {line}"
        );
    }
    assert!(!out.template_yaml.contains("{{AIRTABLE_TOKEN}}\""));
}

#[tokio::test]
async fn addresses_and_channels_the_user_never_named_are_not_sent_to() {
    let server = model(&manual(json!([
        {"tool": "gmail", "action": "send_email", "params": {"to": "drop@attacker.example"}},
        {"tool": "slack", "action": "post_message", "params": {"channel": "#attacker-shared"}}
    ])))
    .await;
    let out = generate(
        &server,
        "when I run it, email me the summary and post it in Slack",
    )
    .await;
    assert!(fallback_note(&out).is_none(), "{:?}", out.assumptions);
    let all = everything(&out);
    for e in ["drop@attacker.example", "attacker-shared"] {
        assert!(!all.contains(e), "{e} reached the output");
    }
    let notes = out
        .assumptions
        .iter()
        .filter(|a| a.contains("your description does not name"))
        .count();
    assert_eq!(notes, 2, "{:?}", out.assumptions);
}

/// A model that picks an ordinary word of the prompt ("the event", "the report") as a bucket
/// or a channel: the user never gave it as a destination, so it becomes the setting to fill.
#[tokio::test]
async fn ordinary_words_of_the_prompt_are_never_taken_for_destinations() {
    let server = model(&manual(json!([
        {"tool": "aws_s3", "action": "put_object", "params": {"bucket": "event"}},
        {"tool": "slack", "action": "post_message", "params": {"channel": "#report"}},
        {"tool": "slack", "action": "post_message", "params": {"channel": "my"}}
    ])))
    .await;
    let out = generate(
        &server,
        "when I run it, save the event to my bucket and post the report in Slack",
    )
    .await;
    assert!(fallback_note(&out).is_none(), "{:?}", out.assumptions);
    let notes = out
        .assumptions
        .iter()
        .filter(|a| a.contains("your description does not name"))
        .count();
    assert_eq!(notes, 3, "{:?}", out.assumptions);
    assert!(out.code.contains("workflow-bucket"), "{}", out.code);
    assert!(!out.code.contains("\"event\"") && !out.code.contains("\"#report\""));
}

/// The other direction: destinations the user gave, in each form a user gives them, stay.
#[tokio::test]
async fn destinations_the_user_gave_stay_in_every_form() {
    let server = model(&manual(json!([
        {"tool": "aws_s3", "action": "put_object", "params": {"bucket": "reports"}},
        {"tool": "slack", "action": "post_message", "params": {"channel": "#ops"}},
        {"tool": "slack", "action": "post_message", "params": {"channel": "#finance"}},
        {"tool": "gmail", "action": "send_email", "params": {"to": "ada@example.com"}}
    ])))
    .await;
    let out = generate(
        &server,
        "when I run it, store the event in the bucket called reports, post it to the ops channel \
         and to finance in Slack, and email it to ada@example.com",
    )
    .await;
    assert!(fallback_note(&out).is_none(), "{:?}", out.assumptions);
    assert!(
        !out.assumptions
            .iter()
            .any(|a| a.contains("your description does not name")),
        "{:?}",
        out.assumptions
    );
    for kept in [
        "\"reports\"",
        "\"#ops\"",
        "\"#finance\"",
        "\"ada@example.com\"",
    ] {
        assert!(out.code.contains(kept), "{kept} was dropped");
    }
}
