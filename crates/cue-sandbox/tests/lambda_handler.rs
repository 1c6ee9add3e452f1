//! The sandbox Lambda function's handler (`lambda/handler.py`), run locally: it answers what
//! the local sandbox answers for the same job (both start the same harness), and holds the
//! same limits against hostile code.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{invoke_handler, python};
use cue_sandbox::{LocalSandbox, SandboxSettings, harness_input};
use cue_workflows::dryrun::{
    DryRunRequest, DryRunner, Sandbox, SandboxJob, SandboxOutcome, Simulator,
};
use cue_workflows::{Engine, GenerateRequest};
use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(3);

fn settings() -> SandboxSettings {
    SandboxSettings {
        python: python().to_owned(),
        timeout: TIMEOUT,
        ..SandboxSettings::default()
    }
}

fn input(job: &SandboxJob) -> Value {
    harness_input(job, TIMEOUT, 256 * 1024 * 1024)
}

fn hostile(body: &str) -> Value {
    let job = SandboxJob {
        code: format!("def lambda_handler(event, context):\n{body}\n"),
        env: [("WORKFLOW_TOKEN".to_owned(), "t0ken".to_owned())].into(),
        event: json!({}),
        signing: Vec::new(),
        simulator: Simulator::default(),
        edited: true,
    };
    input(&job)
}

fn outcome(answer: Value) -> SandboxOutcome {
    serde_json::from_value(answer).expect("the handler answers a dry run's outcome")
}

#[tokio::test]
async fn generated_workflows_get_the_local_runners_answer() {
    let engine = Arc::new(Engine::new().unwrap().with_validation(false));
    let local = LocalSandbox::new(&settings()).await.unwrap();
    let runner = DryRunner::new(engine.clone(), Arc::new(UnusedSandbox));
    for prompt in [
        "every monday at 9am post the open github issues of acme/web to #dev on slack",
        "when a stripe payment succeeds post it to #sales on slack",
        "Consume the Kinesis stream 'clickstream', count page views per URL per minute, and write the counts to Redis.",
    ] {
        let g = engine.generate(&GenerateRequest::text(prompt)).unwrap();
        let job = runner
            .job(&g.code, Some(&g.plan), &DryRunRequest::default())
            .unwrap();
        let mut here = local.run(job.clone()).await.unwrap();
        let mut there = outcome(invoke_handler(&input(&job), 30_000, &[]).unwrap());
        assert!(there.duration_ms > 0, "{there:?}");
        (here.duration_ms, there.duration_ms) = (0, 0);
        assert!(here.error.is_none(), "{prompt}: {here:#?}");
        assert!(!here.calls.is_empty(), "{prompt}: {here:#?}");
        assert_eq!(here, there, "{prompt}");
    }
}

/// `DryRunner::job` only prepares; nothing runs through this.
struct UnusedSandbox;

#[async_trait::async_trait]
impl Sandbox for UnusedSandbox {
    async fn isolation(&self) -> cue_workflows::dryrun::Isolation {
        cue_workflows::dryrun::Isolation::Full
    }
    async fn run(&self, _job: SandboxJob) -> Result<SandboxOutcome, cue_workflows::WorkflowError> {
        unreachable!("jobs are only prepared here")
    }
}

#[test]
fn a_failing_workflow_is_an_outcome_with_its_error_and_line() {
    let out = outcome(invoke_handler(&hostile("    return {}['missing']"), 30_000, &[]).unwrap());
    let e = out.error.unwrap();
    assert_eq!((e.kind.as_str(), e.line), ("KeyError", Some(2)));
}

#[test]
fn an_infinite_loop_ends_at_the_time_limit() {
    let started = Instant::now();
    let out =
        outcome(invoke_handler(&hostile("    while True:\n        pass"), 30_000, &[]).unwrap());
    let kind = out.error.unwrap().kind;
    assert!(matches!(kind.as_str(), "Timeout" | "CpuLimit"), "{kind}");
    assert!(started.elapsed() < TIMEOUT + Duration::from_secs(3));
}

#[test]
fn the_invocations_remaining_time_bounds_the_run() {
    // Lambda's own timeout comes before the job's limit: the run ends in time to answer
    let started = Instant::now();
    let out =
        outcome(invoke_handler(&hostile("    while True:\n        pass"), 2_500, &[]).unwrap());
    assert_eq!(out.error.unwrap().kind, "Timeout");
    assert!(
        started.elapsed() < Duration::from_millis(2_500),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn output_written_past_the_limit_is_cut() {
    let body = "    import os\n    while True:\n        for fd in (1, 2, 3, 4):\n            try:\n                os.write(fd, b'y' * 65536)\n            except OSError:\n                pass";
    let out = outcome(invoke_handler(&hostile(body), 30_000, &[]).unwrap());
    let kind = out.error.unwrap().kind;
    assert!(matches!(kind.as_str(), "OutputLimit" | "Timeout"), "{kind}");
}

#[test]
fn the_functions_environment_is_not_the_workflows() {
    let body = "    import os\n    with open('/proc/self/environ', 'rb') as f:\n        initial = f.read().decode()\n    return {'env': dict(os.environ), 'initial': initial}";
    let runtime = [
        ("AWS_ACCESS_KEY_ID", "ASIAFUNCTIONROLEKEY"),
        ("AWS_SECRET_ACCESS_KEY", "function-role-secret"),
        ("LD_LIBRARY_PATH", "/usr/lib"),
    ];
    let out = outcome(invoke_handler(&hostile(body), 30_000, &runtime).unwrap());
    let env = out.result["env"].as_object().unwrap();
    assert_eq!(
        env.keys().collect::<Vec<_>>(),
        ["WORKFLOW_TOKEN"],
        "{env:?}"
    );
    let initial = out.result["initial"].as_str().unwrap();
    assert!(!initial.contains("AWS_"), "{initial}");
}

#[test]
fn a_fork_bomb_cannot_fork() {
    let out = outcome(
        invoke_handler(
            &hostile("    import os\n    while True:\n        os.fork()"),
            30_000,
            &[],
        )
        .unwrap(),
    );
    assert_eq!(out.error.unwrap().kind, "BlockingIOError");
}

#[test]
fn a_payload_that_is_not_a_job_raises() {
    for (bad, says) in [
        (json!([1, 2]), "not a dry-run job"),
        (json!({"code": "x"}), "lacks env"),
        (
            {
                let mut j = hostile("    return 1");
                j["env"] = json!({"A": 1});
                j
            },
            "env",
        ),
        (
            {
                let mut j = hostile("    return 1");
                j["limits"]["timeout_seconds"] = json!("ten");
                j
            },
            "limits",
        ),
    ] {
        let (kind, message) = invoke_handler(&bad, 30_000, &[]).unwrap_err();
        assert_eq!(kind, "ValueError");
        assert!(message.contains(says), "{message}");
    }
}
