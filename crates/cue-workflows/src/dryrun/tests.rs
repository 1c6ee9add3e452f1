#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Mutex;

use super::*;
use crate::GenerateRequest;

/// A sandbox that answers a fixed outcome and keeps the job it was given.
struct Scripted {
    isolation: Isolation,
    outcome: SandboxOutcome,
    seen: Mutex<Option<SandboxJob>>,
}

#[async_trait]
impl Sandbox for Scripted {
    async fn isolation(&self) -> Isolation {
        self.isolation.clone()
    }
    async fn run(&self, job: SandboxJob) -> Result<SandboxOutcome, WorkflowError> {
        *self.seen.lock().unwrap() = Some(job);
        Ok(self.outcome.clone())
    }
}

fn setup(isolation: Isolation, outcome: SandboxOutcome) -> (DryRunner, Arc<Scripted>, Arc<Engine>) {
    let engine = Arc::new(Engine::new().unwrap().with_validation(false));
    let sandbox = Arc::new(Scripted {
        isolation,
        outcome,
        seen: Mutex::new(None),
    });
    (
        DryRunner::new(engine.clone(), sandbox.clone()),
        sandbox,
        engine,
    )
}

const SLACK_DAILY: &str = "every day at 9am post a reminder to #general on slack";

/// The daily Slack reminder, generated, and a runner whose sandbox answers `outcome`.
fn slack_daily(
    isolation: Isolation,
    outcome: SandboxOutcome,
) -> (DryRunner, Arc<Scripted>, crate::Generated) {
    let (runner, sandbox, engine) = setup(isolation, outcome);
    let generated = engine
        .generate(&GenerateRequest::text(SLACK_DAILY))
        .unwrap();
    (runner, sandbox, generated)
}

/// Dry-runs generated code as generated.
async fn run_generated(
    runner: &DryRunner,
    generated: &crate::Generated,
    request: DryRunRequest,
) -> Result<DryRun, WorkflowError> {
    runner
        .run(&generated.code, Some(&generated.plan), request)
        .await
}

fn slack_call(text: &str) -> RecordedCall {
    RecordedCall {
        step: Some("step_1".into()),
        method: "POST".into(),
        url: "https://slack.com/api/chat.postMessage".into(),
        request: json!({"channel": "#general", "text": text}),
        status: 200,
        headers: std::collections::BTreeMap::new(),
    }
}

#[tokio::test]
async fn a_run_whose_calls_match_the_catalog_is_ok() {
    let outcome = SandboxOutcome {
        result: json!({"status": "ok"}),
        calls: vec![slack_call("Reminder")],
        ..SandboxOutcome::default()
    };
    let (runner, sandbox, generated) = slack_daily(Isolation::Full, outcome);
    let run = run_generated(&runner, &generated, DryRunRequest::default())
        .await
        .unwrap();
    assert!(run.ok, "{run:?}");
    assert_eq!(run.calls[0].tool.as_deref(), Some("slack"));
    assert_eq!(run.calls[0].action.as_deref(), Some("post_message"));
    let job = sandbox.seen.lock().unwrap().take().unwrap();
    assert!(!job.edited);
    assert_eq!(job.env["SLACK_BOT_TOKEN"], "{{SLACK_BOT_TOKEN}}");
    assert_eq!(job.event["detail-type"], "Scheduled Event");
    assert!(
        job.env
            .keys()
            .all(|k| k.starts_with("AWS_") || k == "SLACK_BOT_TOKEN")
    );
}

#[tokio::test]
async fn an_unknown_call_or_a_missing_field_makes_the_run_not_ok() {
    let unknown = RecordedCall {
        url: "https://slack.com/api/chat.deleteEverything".into(),
        status: 404,
        ..slack_call("x")
    };
    for call in [unknown, slack_call("")] {
        let outcome = SandboxOutcome {
            calls: vec![call],
            ..SandboxOutcome::default()
        };
        let (runner, _, generated) = slack_daily(Isolation::Full, outcome);
        let run = run_generated(&runner, &generated, DryRunRequest::default())
            .await
            .unwrap();
        assert!(!run.ok);
        assert_eq!(run.error.as_ref().unwrap().kind, "UnexpectedCall");
        assert!(run.logs.iter().any(|l| l.starts_with("dry run: ")));
    }
}

#[tokio::test]
async fn credential_values_are_masked_everywhere_in_the_answer() {
    let secret = "xoxb-secret/value";
    let outcome = SandboxOutcome {
        result: json!({"echo": secret, secret: 1}),
        calls: vec![RecordedCall {
            url: format!(
                "https://slack.com/api/chat.postMessage?t={}",
                percent_encode(secret)
            ),
            ..slack_call(secret)
        }],
        logs: vec![format!("token is {secret}")],
        error: Some(RunError::new("ValueError", format!("bad {secret}"))),
        duration_ms: 5,
    };
    let (runner, sandbox, generated) = slack_daily(Isolation::Full, outcome);
    let request = DryRunRequest {
        event: None,
        credentials: [("SLACK_BOT_TOKEN".to_owned(), secret.to_owned())].into(),
    };
    let run = run_generated(&runner, &generated, request).await.unwrap();
    let text = serde_json::to_string(&run).unwrap();
    assert!(!text.contains("xoxb"), "{text}");
    assert!(text.contains("****"));
    let job = sandbox.seen.lock().unwrap().take().unwrap();
    assert_eq!(job.env["SLACK_BOT_TOKEN"], secret);
}

#[tokio::test]
async fn unknown_credential_names_are_refused() {
    let (runner, _, generated) = slack_daily(Isolation::Full, SandboxOutcome::default());
    let request = DryRunRequest {
        event: None,
        credentials: [("PATH".to_owned(), "/tmp".to_owned())].into(),
    };
    let err = run_generated(&runner, &generated, request)
        .await
        .unwrap_err();
    assert!(matches!(err, WorkflowError::UnknownCredentials { .. }));
}

#[tokio::test]
async fn edited_code_needs_full_isolation_and_generated_code_does_not() {
    let weak = Isolation::ProcessOnly {
        install: "install bubblewrap (apt-get install bubblewrap)".into(),
    };
    let (runner, _, generated) = slack_daily(weak, SandboxOutcome::default());
    let edited = format!("{}\nimport socket\n", generated.code);
    let err = runner
        .run(&edited, Some(&generated.plan), DryRunRequest::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, WorkflowError::SandboxUnavailable { install } if install.contains("bubblewrap"))
    );
    let err = runner
        .run("print(1)", None, DryRunRequest::default())
        .await
        .unwrap_err();
    assert!(matches!(err, WorkflowError::SandboxUnavailable { .. }));
    assert!(
        run_generated(&runner, &generated, DryRunRequest::default())
            .await
            .is_ok()
    );
}

#[test]
fn a_webhook_handler_answering_an_error_is_not_ok() {
    let engine = Engine::new().unwrap();
    let plan = engine
        .plan(&GenerateRequest::text(
            "when a webhook is received post the payload to #alerts on slack",
        ))
        .unwrap();
    assert_eq!(plan.trigger.delivery, Delivery::Http);
    let outcome = SandboxOutcome {
        result: json!({"statusCode": 401, "body": "{\"error\": \"invalid signature\"}"}),
        ..SandboxOutcome::default()
    };
    let run = judge(outcome, &Simulator::default(), Some(&plan), &[]);
    assert!(!run.ok);
    assert_eq!(run.error.unwrap().kind, "HandlerStatus");
    let failed = SandboxOutcome {
        result: json!({"batchItemFailures": [{"itemIdentifier": "1"}]}),
        ..SandboxOutcome::default()
    };
    assert!(!judge(failed, &Simulator::default(), None, &[]).ok);
}

#[test]
fn a_conditioned_step_reads_records_that_satisfy_it() {
    let engine = Engine::new().unwrap();
    let plan = engine
        .plan(&GenerateRequest::text(
            "every hour get new stripe charges and if the amount is over 500 post them to #sales on slack",
        ))
        .unwrap();
    let Some((i, step)) = plan
        .steps
        .iter()
        .enumerate()
        .find(|(_, s)| s.condition.is_some())
    else {
        // the planner read no condition from this prompt; nothing to check here
        return;
    };
    let condition = step.condition.clone().unwrap();
    let source = &plan.steps[i - 1];
    let sim = simulator_for(engine.catalog(), Some(&plan));
    let route = sim
        .routes
        .iter()
        .find(|r| r.tool == source.tool && r.action == source.action)
        .unwrap();
    let text = route.answer.body.to_string();
    assert!(text.contains(&format!("\"{}\"", condition.field)), "{text}");
}

#[test]
fn samples_are_made_so_every_step_can_run() {
    let engine = Arc::new(Engine::new().unwrap().with_validation(false));
    let runner = DryRunner::new(
        engine.clone(),
        Arc::new(Scripted {
            isolation: Isolation::Full,
            outcome: SandboxOutcome::default(),
            seen: Mutex::new(None),
        }),
    );
    // a credential that is a vendor's URL gets a URL the code can open
    let g = engine
        .generate(&GenerateRequest::text(
            "every day at 9am get the open github issues of acme/web and post them to discord",
        ))
        .unwrap();
    assert!(
        g.plan
            .placeholders()
            .contains(&"DISCORD_WEBHOOK_URL".to_owned())
    );
    let job = runner
        .job(&g.code, Some(&g.plan), &DryRunRequest::default())
        .unwrap();
    assert!(
        job.env["DISCORD_WEBHOOK_URL"].starts_with("https://"),
        "{:?}",
        job.env
    );
    // the trigger's item carries the fields a step sends
    let g = engine
        .generate(&GenerateRequest::text(
            "when a webhook is received create a contact in intercom",
        ))
        .unwrap();
    assert!(
        g.plan.steps.iter().any(|s| s.tool == "intercom"),
        "{:?}",
        g.plan.steps
    );
    let job = runner
        .job(&g.code, Some(&g.plan), &DryRunRequest::default())
        .unwrap();
    let body = job.event["body"].as_str().unwrap();
    assert!(body.contains("\"email\""), "{body}");
    // and it is signed with the generic webhook's token, which such code checks
    assert!(
        job.signing
            .iter()
            .any(|s| matches!(s, Signing::Token { header, .. } if header == "x-webhook-secret"))
    );
    assert_eq!(job.env["WEBHOOK_SECRET"], TEST_SIGNING_SECRET);
}

/// The job of `prompt`'s generated workflow, with its plan and code.
fn job_of(prompt: &str) -> (crate::Generated, SandboxJob) {
    let (runner, _, engine) = setup(Isolation::Full, SandboxOutcome::default());
    let g = engine.generate(&GenerateRequest::text(prompt)).unwrap();
    let job = runner
        .job(&g.code, Some(&g.plan), &DryRunRequest::default())
        .unwrap();
    (g, job)
}

#[test]
fn a_vendor_posting_forms_is_sampled_as_a_form_and_a_json_vendor_as_json() {
    // Gumroad's ping is x-www-form-urlencoded: the handler parses a form
    let (g, job) = job_of("every new gumroad sale add the buyer to mailchimp");
    assert_eq!(g.plan.trigger.tool.as_deref(), Some("gumroad"));
    assert_eq!(
        job.event["headers"]["content-type"],
        "application/x-www-form-urlencoded"
    );
    let body = job.event["body"].as_str().unwrap();
    let form: BTreeMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    assert!(form["email"].contains('@'), "{body}");
    // Stripe's events are JSON
    let (_, job) = job_of("when a stripe payment succeeds post it to #sales on slack");
    assert_eq!(job.event["headers"]["content-type"], "application/json");
    assert!(serde_json::from_str::<Value>(job.event["body"].as_str().unwrap()).is_ok());
}

#[test]
fn an_upload_page_is_sampled_as_a_multipart_upload_and_a_plain_webhook_is_not() {
    use base64::Engine as _;
    let (_, job) = job_of(
        "i want a link i can send clients where they upload their documents and the files go to a folder in onedrive",
    );
    let content_type = job.event["headers"]["content-type"].as_str().unwrap();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    assert_eq!(job.event["isBase64Encoded"], true);
    let body = base64::engine::general_purpose::STANDARD
        .decode(job.event["body"].as_str().unwrap())
        .unwrap();
    let text = String::from_utf8_lossy(&body);
    assert!(text.contains("filename=\"sample.pdf\""), "{text}");
    // a webhook whose steps send no file gets a JSON request
    let (_, job) = job_of("when a webhook is received create a contact in intercom");
    assert_eq!(job.event["headers"]["content-type"], "application/json");
}

#[test]
fn a_listed_record_completed_by_a_detail_call_refers_to_its_file() {
    // Gmail's list holds ids; messages.get answers the message, with its attachment's id
    let (g, job) = job_of(
        "when an email with an attachment arrives in gmail save the attachment to google drive",
    );
    assert!(g.code.contains("/attachments/"), "{}", g.code);
    let detail = job
        .simulator
        .routes
        .iter()
        .find(|r| r.tool == "gmail" && r.action == "list_messages.detail")
        .unwrap();
    let parts = &detail.answer.body["payload"]["parts"];
    assert!(
        parts[0]["body"]["attachmentId"].is_string(),
        "{:#}",
        detail.answer.body
    );
    // a read without a file field refers to none (Slack's routes serve its message files)
    let (_, job) = job_of("every monday post the open github issues of acme/web to #dev on slack");
    assert!(
        !job.simulator
            .routes
            .iter()
            .any(|r| r.tool == "github" && r.action.ends_with(".file")),
        "{:?}",
        job.simulator
            .routes
            .iter()
            .map(|r| &r.action)
            .collect::<Vec<_>>()
    );
}

#[test]
fn file_fetches_are_written_the_way_each_vendor_serves_the_file() {
    // Dropbox: a POST to the content host, the file's id as JSON in Dropbox-API-Arg
    let (g, _) = job_of("when a new file lands in our dropbox folder copy it to onedrive");
    assert!(
        g.code.contains(
            "_http(\"POST\", \"https://content.dropboxapi.com/2/files/download\", headers={**_dropbox_headers(), \"Dropbox-API-Arg\": json.dumps({\"path\": _field(record, \"id\")})}, answer=\"bytes\")"
        ),
        "{}",
        g.code
    );
    // Telegram: getFile first; the file's path keeps its slashes in the second URL
    let (g, _) =
        job_of("drivers send delivery photos to our telegram bot, save each photo to google drive");
    assert!(
        g.code
            .contains("answer = _http(\"GET\", \"https://api.telegram.org/bot\""),
        "{}",
        g.code
    );
    assert!(
        g.code
            .contains("_segment(_field(answer, \"result.file_path\"), \"/\")"),
        "{}",
        g.code
    );
    // a one-call fetch has no first request and adds no header of its own
    let (g, _) = job_of(
        "when an email with an attachment arrives in outlook save the attachment to onedrive",
    );
    assert!(g.code.contains("/attachments"), "{}", g.code);
    assert!(
        !g.code.contains("the first answer says where the file is"),
        "{}",
        g.code
    );
    assert!(!g.code.contains("headers={**"), "{}", g.code);
}

/// Review 6, R6-2: the sample is AWS's stream shape and the generated handler hands its
/// item on as plain values.
#[test]
fn the_dry_runs_dynamodb_stream_event_is_aws_shape_and_reaches_the_steps() {
    let engine = crate::Engine::new().unwrap();
    let p = crate::python::answers_tests::plan(
        &engine,
        Some(("dynamodb", "stream", crate::model::Delivery::DynamodbStream)),
        &[("slack", "post_message")],
    );
    let sample = super::sample_event(engine.catalog(), &p);
    let record = &sample.event["Records"][0];
    assert_eq!(record["eventSource"], "aws:dynamodb", "{}", sample.event);
    assert_eq!(record["eventName"], "INSERT");
    // the image is DynamoDB's typed JSON, as a stream delivers it
    assert_eq!(
        record["dynamodb"]["NewImage"]["Message"],
        serde_json::json!({"S": "New item!"}),
        "{}",
        sample.event
    );
    assert_eq!(
        record["dynamodb"]["NewImage"]["Id"],
        serde_json::json!({"N": "101"})
    );
    let g = crate::python::answers_tests::generate(&engine, p);
    crate::python::answers_tests::run(
        &g,
        &format!(
            r#"
seen = []
module.run_workflow = lambda items: seen.extend(items) or {{}}
assert module.lambda_handler(json.loads({event:?}), None) == {{"batchItemFailures": []}}
assert seen[0]["Message"] == "New item!" and seen[0]["Id"] == 101 and seen[0]["eventName"] == "INSERT", seen
"#,
            event = sample.event.to_string()
        ),
    );
}
