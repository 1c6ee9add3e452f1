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
    let body = "    import os\n    return {'env': dict(os.environ)}";
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
}

/// A Lambda function in no VPC reaches the internet, and its handler's process holds the role's
/// credentials: the harness's audit hook refuses, before the workflow's module runs, every way
/// out that stays inside Python. Each case would succeed without it (the listener is real).
#[test]
fn hostile_code_is_refused_by_the_audit_hook() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let runtime = [("AWS_SECRET_ACCESS_KEY", "function-role-secret")];
    let cases = [
        (
            format!("    import _socket\n    s = _socket.socket()\n    s.connect(('127.0.0.1', {port}))"),
            "socket",
        ),
        (
            "    import os\n    return open('/proc/%d/environ' % os.getppid(), 'rb').read().decode()".to_owned(),
            "may not read /proc/",
        ),
        ("    return open('/proc/self/environ').read()".to_owned(), "may not read /proc/self/environ"),
        ("    return open('/etc/passwd').read()".to_owned(), "may not read /etc/passwd"),
        (
            format!("    return open({:?}).read()", concat!(env!("CARGO_MANIFEST_DIR"), "/lambda/handler.py")),
            "may not read",
        ),
        ("    import os\n    return os.listdir('/')".to_owned(), "may not read /"),
        ("    import subprocess\n    return subprocess.run(['id']).returncode".to_owned(), "subprocess.Popen"),
        ("    import os\n    return os.system('id')".to_owned(), "os.system"),
        ("    import ctypes\n    return ctypes.CDLL(None).getpid()".to_owned(), "ctypes.dlopen"),
        ("    import os\n    os.symlink('/etc/passwd', 'p')\n    return open('p').read()".to_owned(), "os.symlink"),
        ("    import os\n    os.mkdir('d')\n    os.chdir('d')\n    return open('../../../../../etc/passwd').read()".to_owned(), "relative path"),
        ("    import gc\n    return len(gc.get_objects())".to_owned(), "gc.get_objects"),
        // the hook's own tables are private copies: changing the harness module's changes nothing
        ("    import __main__\n    __main__.PATH_EVENTS.clear()\n    __main__.WRITE_FLAGS = 0\n    import os\n    return os.listdir('/')".to_owned(), "may not read /"),
        ("    import os\n    os.path.realpath = lambda p: '/tmp'\n    return open('/etc/passwd').read()".to_owned(), "may not read /etc/passwd"),
    ];
    for (body, says) in &cases {
        let out = outcome(invoke_handler(&hostile(body), 30_000, &runtime).unwrap());
        let error = out
            .error
            .unwrap_or_else(|| panic!("{body}: ran, answering {:?}", out.result));
        assert_eq!(error.kind, "PermissionError", "{body}: {error:?}");
        assert!(error.message.contains(says), "{body}: {error:?}");
    }
    listener.set_nonblocking(true).unwrap();
    assert!(
        listener.accept().is_err(),
        "a connection reached the listener"
    );
}

#[test]
fn what_a_workflow_needs_still_works_under_the_audit_hook() {
    // its working directory, the standard library imported late, time zones, MIME types
    let body = "    import csv, io, zoneinfo, mimetypes, datetime\n    with open('report.csv', 'w') as f:\n        csv.writer(f).writerow(['a', 1])\n    with open('report.csv') as f:\n        text = f.read()\n    zone = datetime.datetime(2026, 7, 1, tzinfo=zoneinfo.ZoneInfo('Europe/Lisbon')).utcoffset()\n    return [text, str(zone), mimetypes.guess_type('a.pdf')[0]]";
    let out = outcome(invoke_handler(&hostile(body), 30_000, &[]).unwrap());
    assert!(out.error.is_none(), "{out:?}");
    assert_eq!(out.result, json!(["a,1\n", "1:00:00", "application/pdf"]));
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
    // the audit hook refuses it; RLIMIT_NPROC would stop it beneath (sandbox.rs tests threads)
    let error = out.error.unwrap();
    assert_eq!(
        (error.kind.as_str(), error.message.as_str()),
        ("PermissionError", "a dry run may not use os.fork")
    );
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
