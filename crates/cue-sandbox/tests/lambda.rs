//! `DRY_RUN_BACKEND=lambda` against a local fake of Lambda's Invoke API
//! (`POST /2015-03-31/functions/{name}/invocations`): the request is signed and carries the
//! harness's job; success, function errors, throttling, timeouts and oversized payloads each
//! end in a clear answer. One fake answers by running the real handler, so a whole dry run
//! through the Lambda backend is compared with the local runner's.

#![cfg(feature = "lambda")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_lambda::config::retry::RetryConfig;
use aws_sdk_lambda::config::{BehaviorVersion, Credentials, Region};
use common::{invoke_handler, python};
use cue_sandbox::{LambdaSandbox, LocalSandbox, MAX_PAYLOAD_BYTES, SandboxSettings};
use cue_workflows::dryrun::{
    DryRunRequest, DryRunner, Isolation, Sandbox, SandboxJob, SandboxOutcome, Simulator,
};
use cue_workflows::{Engine, GenerateRequest, WorkflowError};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const FUNCTION: &str = "cue-dry-run";
const INVOKE_PATH: &str = "/2015-03-31/functions/cue-dry-run/invocations";

fn settings(timeout: Duration) -> SandboxSettings {
    SandboxSettings {
        backend: cue_sandbox::Backend::Lambda,
        python: python().to_owned(),
        timeout,
        lambda_function: Some(FUNCTION.to_owned()),
        ..SandboxSettings::default()
    }
}

/// The SDK's configuration for a local endpoint: a region, no retries.
fn config(endpoint: &str) -> aws_sdk_lambda::config::Builder {
    aws_sdk_lambda::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("eu-west-1"))
        .endpoint_url(endpoint)
        .retry_config(RetryConfig::disabled())
}

fn sandbox_with(server: &MockServer, settings: &SandboxSettings) -> LambdaSandbox {
    let conf = config(&server.uri())
        .credentials_provider(Credentials::new(
            "AKIDLOCALTEST",
            "local-test-secret",
            None,
            None,
            "test",
        ))
        .timeout_config(LambdaSandbox::timeouts(settings.timeout))
        .build();
    LambdaSandbox::new(aws_sdk_lambda::Client::from_conf(conf), settings).unwrap()
}

fn sandbox(server: &MockServer) -> LambdaSandbox {
    sandbox_with(server, &settings(Duration::from_secs(3)))
}

/// A workflow that does nothing but answer.
const RETURNS_ONE: &str = "def lambda_handler(event, context):\n    return 1\n";

/// How the default sandbox fails a run of [`RETURNS_ONE`] against `server`.
async fn failure(server: &MockServer) -> WorkflowError {
    sandbox(server).run(job(RETURNS_ONE)).await.unwrap_err()
}

/// The reason of a `SandboxFailed` error (any other error fails the test).
fn failed_reason(err: &WorkflowError) -> &str {
    match err {
        WorkflowError::SandboxFailed { reason } => reason,
        other => panic!("{other:?}"),
    }
}

fn job(code: &str) -> SandboxJob {
    SandboxJob {
        code: code.to_owned(),
        env: [("WORKFLOW_TOKEN".to_owned(), "t0ken-secret".to_owned())].into(),
        event: json!({"items": []}),
        signing: Vec::new(),
        simulator: Simulator::default(),
        edited: true,
    }
}

async fn answering(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(INVOKE_PATH))
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

/// Lambda as it runs the function: the handler, locally, on the request's payload.
struct RealHandler;

impl Respond for RealHandler {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let job: Value = serde_json::from_slice(&request.body).unwrap();
        match invoke_handler(&job, 30_000, &[]) {
            Ok(answer) => ResponseTemplate::new(200)
                .insert_header("X-Amz-Executed-Version", "$LATEST")
                .set_body_json(answer),
            Err((kind, message)) => ResponseTemplate::new(200)
                .insert_header("X-Amz-Function-Error", "Unhandled")
                .set_body_json(json!({"errorType": kind, "errorMessage": message})),
        }
    }
}

#[tokio::test]
async fn a_signed_invocation_carries_the_job_and_its_answer_is_the_outcome() {
    let outcome = json!({
        "result": {"statusCode": 200},
        "calls": [{"step": "step_1", "method": "POST", "url": "https://slack.com/api/chat.postMessage", "request": {"text": "hi"}, "status": 200}],
        "logs": ["INFO posted"],
        "error": null,
        "duration_ms": 87,
    });
    let server = answering(ResponseTemplate::new(200).set_body_json(outcome.clone())).await;
    let s = sandbox(&server);
    // outbound network is open there: edited code is refused (503 sandbox_unavailable)
    assert!(matches!(s.isolation().await, Isolation::ProcessOnly { .. }));
    let out = s.run(job(RETURNS_ONE)).await.unwrap();
    let expected: SandboxOutcome = serde_json::from_value(outcome).unwrap();
    assert_eq!(out, expected);

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    let auth = r.headers.get("authorization").unwrap().to_str().unwrap();
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDLOCALTEST/"),
        "{auth}"
    );
    assert!(auth.contains("/eu-west-1/lambda/aws4_request"), "{auth}");
    assert_eq!(
        r.headers.get("x-amz-invocation-type").unwrap(),
        "RequestResponse"
    );
    let body: Value = serde_json::from_slice(&r.body).unwrap();
    let mut keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["code", "env", "event", "limits", "signing", "simulator"]
    );
    assert_eq!(body["env"]["WORKFLOW_TOKEN"], "t0ken-secret");
    assert_eq!(body["event"], json!({"items": []}));
    assert_eq!(body["limits"]["timeout_seconds"], 3);
    assert_eq!(body["limits"]["memory_bytes"], 256 * 1024 * 1024);
    assert!(!String::from_utf8_lossy(&r.body).contains("local-test-secret"));
}

#[tokio::test]
async fn a_dry_run_through_lambda_is_the_local_runners_dry_run() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(INVOKE_PATH))
        .respond_with(RealHandler)
        .mount(&server)
        .await;
    let engine = Arc::new(Engine::new().unwrap().with_validation(false));
    let lambda = DryRunner::new(engine.clone(), Arc::new(sandbox(&server)));
    let local = DryRunner::new(
        engine.clone(),
        Arc::new(
            LocalSandbox::new(&settings(Duration::from_secs(3)))
                .await
                .unwrap(),
        ),
    );
    let g = engine
        .generate(&GenerateRequest::text(
            "every monday at 9am post the open github issues of acme/web to #dev on slack",
        ))
        .unwrap();
    let request = DryRunRequest {
        event: None,
        credentials: [(
            "SLACK_BOT_TOKEN".to_owned(),
            "xoxb-lambda-secret".to_owned(),
        )]
        .into(),
    };
    let mut there = lambda
        .run(&g.code, Some(&g.plan), request.clone())
        .await
        .unwrap();
    let mut here = local.run(&g.code, Some(&g.plan), request).await.unwrap();
    assert!(there.ok, "{there:#?}");
    assert!(there.duration_ms > 0);
    (there.duration_ms, here.duration_ms) = (0, 0);
    assert_eq!(there, here);
    let text = serde_json::to_string(&there).unwrap();
    assert!(!text.contains("xoxb-lambda-secret"), "{text}");
}

#[tokio::test]
async fn function_errors_are_sandbox_failures_without_the_credentials() {
    for kind in ["Unhandled", "Handled"] {
        let server = answering(
            ResponseTemplate::new(200)
                .insert_header("X-Amz-Function-Error", kind)
                .set_body_json(json!({
                    "errorType": "Runtime.ExitError",
                    "errorMessage": "RequestId: 1 Error: exited with t0ken-secret in sight",
                })),
        )
        .await;
        let err = failure(&server).await;
        let reason = failed_reason(&err);
        assert!(reason.contains(kind), "{reason}");
        assert!(reason.contains("Runtime.ExitError"), "{reason}");
        assert!(!err.to_string().contains("t0ken-secret"), "{err}");
    }
}

#[tokio::test]
async fn a_throttled_invocation_is_a_busy_sandbox() {
    let server = answering(
        ResponseTemplate::new(429)
            .insert_header("x-amzn-ErrorType", "TooManyRequestsException")
            .set_body_json(json!({
                "Type": "User",
                "message": "Rate Exceeded.",
                "Reason": "ReservedFunctionConcurrentInvocationLimitExceeded",
            })),
    )
    .await;
    let err = failure(&server).await;
    assert!(matches!(err, WorkflowError::SandboxBusy), "{err:?}");
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "no retries"
    );
}

#[tokio::test]
async fn other_service_errors_name_what_lambda_said() {
    let server = answering(
        ResponseTemplate::new(404)
            .insert_header("x-amzn-ErrorType", "ResourceNotFoundException")
            .set_body_json(json!({"Type": "User", "Message": "Function not found: cue-dry-run"})),
    )
    .await;
    let err = failure(&server).await;
    let reason = failed_reason(&err);
    assert!(reason.contains("ResourceNotFoundException"), "{reason}");
    assert!(reason.contains("404"), "{reason}");
    let server = answering(
        ResponseTemplate::new(413)
            .insert_header("x-amzn-ErrorType", "RequestTooLargeException")
            .set_body_json(
                json!({"Type": "User", "message": "Request must be smaller than 6291456 bytes"}),
            ),
    )
    .await;
    let err = failure(&server).await;
    assert!(
        matches!(err, WorkflowError::DryRunTooLarge { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_function_that_does_not_answer_in_time_fails_at_the_total_timeout() {
    let server = answering(
        ResponseTemplate::new(200)
            .set_body_json(json!({"result": 1}))
            .set_delay(Duration::from_secs(30)),
    )
    .await;
    let s = sandbox_with(&server, &settings(Duration::from_secs(1)));
    let started = Instant::now();
    let err = s.run(job(RETURNS_ONE)).await.unwrap_err();
    let took = started.elapsed();
    let reason = failed_reason(&err);
    assert!(reason.contains("did not answer within 6 s"), "{reason}");
    assert!(took < Duration::from_secs(9), "{took:?}");
}

#[tokio::test]
async fn oversized_payloads_are_refused_both_ways() {
    let server = answering(ResponseTemplate::new(200).set_body_json(json!({"result": 1}))).await;
    let big = format!(
        "X = '{}'\ndef lambda_handler(event, context):\n    return 1\n",
        "x".repeat(MAX_PAYLOAD_BYTES)
    );
    let err = sandbox(&server).run(job(&big)).await.unwrap_err();
    assert!(
        matches!(err, WorkflowError::DryRunTooLarge { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("6000000 bytes"), "{err}");
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing was sent"
    );

    let answer = format!("{{\"result\": \"{}\"}}", "y".repeat(MAX_PAYLOAD_BYTES));
    let server =
        answering(ResponseTemplate::new(200).set_body_raw(answer, "application/json")).await;
    let err = failure(&server).await;
    let reason = failed_reason(&err);
    assert!(reason.contains("more than the 6000000"), "{reason}");
}

#[tokio::test]
async fn an_answer_that_is_not_an_outcome_is_a_sandbox_failure() {
    let server =
        answering(ResponseTemplate::new(200).set_body_json(json!({"calls": "many"}))).await;
    let err = failure(&server).await;
    assert!(
        matches!(err, WorkflowError::SandboxFailed { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn runs_past_the_slots_wait_then_are_refused() {
    let server = answering(
        ResponseTemplate::new(200)
            .set_body_json(json!({"result": 1}))
            .set_delay(Duration::from_millis(1500)),
    )
    .await;
    let mut one = settings(Duration::from_secs(3));
    one.concurrency = 1;
    one.queue = Duration::ZERO;
    let s = Arc::new(sandbox_with(&server, &one));
    let first = {
        let s = s.clone();
        tokio::spawn(async move { s.run(job("x = 1\n")).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let second = s.run(job("x = 1\n")).await;
    assert!(
        matches!(second, Err(WorkflowError::SandboxBusy)),
        "{second:?}"
    );
    assert!(first.await.unwrap().is_ok());
}

#[tokio::test]
async fn without_credentials_or_a_listener_the_reason_says_which() {
    let server = answering(ResponseTemplate::new(200).set_body_json(json!({"result": 1}))).await;
    let conf = config(&server.uri()).build();
    let s = LambdaSandbox::new(
        aws_sdk_lambda::Client::from_conf(conf),
        &settings(Duration::from_secs(3)),
    )
    .unwrap();
    let err = s.run(job("x = 1\n")).await.unwrap_err();
    assert!(err.to_string().contains("credentials"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());

    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let conf = config(&format!("http://127.0.0.1:{closed}"))
        .credentials_provider(Credentials::new("AKID", "secret", None, None, "test"))
        .build();
    let s = LambdaSandbox::new(
        aws_sdk_lambda::Client::from_conf(conf),
        &settings(Duration::from_secs(3)),
    )
    .unwrap();
    let err = s.run(job("x = 1\n")).await.unwrap_err();
    assert!(err.to_string().contains("could not be reached"), "{err}");
}
