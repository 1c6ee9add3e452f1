//! `_http`'s branches for a body other than JSON or form (`encoding`, `multipart`) and for a
//! file answer (`answer="bytes"`) are written, with the helpers they call (`_encode`,
//! `_multipart`, `_file_answer`), only where one of the module's calls passes that option
//! (issue 16, fifteenth session): a module that sends only JSON is ~3.5 kB smaller, and the
//! validator's parse of it cheaper. Checked both ways on every catalog action and event: a
//! call passing an option finds its branch, and no branch is written that no call needs.

#![expect(clippy::unwrap_used, reason = "tests")]

use super::answers_tests::{FAKE_OPENER, plan, run};
use crate::Engine;
use crate::catalog::EventDelivery;
use crate::model::{Delivery, Generated};

/// Each option of `_http`, the text a call passing it holds, and what `_http` needs for it.
const OPTIONS: &[(&str, &str, &str)] = &[
    ("encoding", "encoding=", "def _encode("),
    ("multipart", "multipart=", "def _multipart("),
    ("file answer", "answer=\"bytes\"", "def _file_answer("),
];

/// The lines of `code` that call `_http` (not its definition).
fn http_calls(code: &str) -> Vec<&str> {
    code.lines()
        .filter(|l| l.contains("_http(") && !l.contains("def _http("))
        .collect()
}

/// Panics unless every option a call passes has its branch and helper, and every helper is
/// there for a call that passes its option.
fn branches_match_calls(what: &str, code: &str) {
    let calls = http_calls(code);
    for (option, passed, helper) in OPTIONS {
        let passes = calls.iter().any(|l| l.contains(passed));
        let has = code.contains(helper);
        assert_eq!(
            passes, has,
            "{what}: a call passes {option}: {passes}, `_http` has its branch: {has}\n{code}"
        );
    }
    // the branch goes with its helper: no call of a helper the module does not define
    for (call, helper) in [
        ("_encode(payload", "def _encode("),
        ("_multipart(multipart", "def _multipart("),
        ("_file_answer(url", "def _file_answer("),
    ] {
        assert_eq!(
            code.contains(call),
            code.contains(helper),
            "{what}: {call}\n{code}"
        );
    }
}

fn generated(engine: &Engine, p: crate::model::Plan) -> Option<Generated> {
    engine.generate_from_plan(p).ok()
}

/// Every action of the catalog as the one step of a scheduled run, and every event handed to
/// a Slack post and to a file upload (a file the event's record refers to is fetched as
/// bytes): the branches are those its calls need.
#[test]
fn every_catalog_action_and_event_writes_the_branches_its_calls_need() {
    let engine = Engine::new().unwrap().with_validation(false);
    let catalog = engine.catalog();
    let mut checked = 0;
    let mut seen = [false; 3];
    let mut note = |code: &str| {
        for (i, (_, _, helper)) in OPTIONS.iter().enumerate() {
            seen[i] |= code.contains(helper);
        }
    };
    for tool in catalog.tools() {
        for action in &tool.actions {
            let p = plan(&engine, None, &[(tool.id.as_str(), action.id.as_str())]);
            if let Some(g) = generated(&engine, p) {
                branches_match_calls(&format!("{}.{}", tool.id, action.id), &g.code);
                note(&g.code);
                checked += 1;
            }
        }
        for event in &tool.events {
            let delivery = match event.delivery {
                EventDelivery::Http => Delivery::Http,
                EventDelivery::Poll => Delivery::Poll,
                EventDelivery::S3 => Delivery::S3,
                EventDelivery::Sqs => Delivery::Sqs,
                EventDelivery::Kinesis => Delivery::Kinesis,
                EventDelivery::DynamodbStream => Delivery::DynamodbStream,
                EventDelivery::Kafka => Delivery::Kafka,
            };
            for then in [("slack", "post_message"), ("dropbox", "upload_file")] {
                let mut steps = Vec::new();
                if let Some(poll) = &event.poll {
                    steps.push((tool.id.as_str(), poll.as_str()));
                }
                steps.push(then);
                let p = plan(
                    &engine,
                    Some((tool.id.as_str(), event.id.as_str(), delivery)),
                    &steps,
                );
                if let Some(g) = generated(&engine, p) {
                    branches_match_calls(&format!("{} event {}", tool.id, event.id), &g.code);
                    note(&g.code);
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 600, "{checked}");
    // each branch is written somewhere (the check above is not vacuous)
    assert_eq!(seen, [true; 3]);
}

/// A workflow that sends and reads only JSON (a read, a chat post, an S3 object) carries none
/// of the three branches, nor the imports only they use; one that uploads a file as
/// multipart/form-data carries that branch alone, and sends it.
#[test]
fn a_json_only_module_carries_no_other_body_or_file_answer() {
    let engine = Engine::new().unwrap();
    let p = plan(
        &engine,
        None,
        &[
            ("github", "list_issues"),
            ("slack", "post_message"),
            ("aws_s3", "put_object"),
        ],
    );
    let g = engine.generate_from_plan(p).unwrap();
    assert_eq!(g.validation.as_ref().unwrap().error_count, 0);
    branches_match_calls("json only", &g.code);
    for gone in [
        "def _encode(",
        "def _multipart(",
        "def _file_answer(",
        "if encoding:",
        "multipart:",
        "answer == \"bytes\"",
        "import mimetypes",
        "import base64",
    ] {
        assert!(!g.code.contains(gone), "{gone}\n{}", g.code);
    }
    // `_http` still sends JSON, a form and reads JSON as before
    run(
        &g,
        &format!(
            r#"{FAKE_OPENER}
answer(200, b'{{"ok": true}}')
assert module._http("POST", "https://api.example.com/x", payload={{"a": 1}}) == {{"ok": True}}
request = opened[-1][0]
assert request.data == b'{{"a": 1}}', request.data
assert request.get_header("Content-type") == "application/json"
module._http("POST", "https://api.example.com/x", payload={{"a": 1, "b": None}}, form=True)
request = opened[-1][0]
assert request.data == b"a=1", request.data
assert request.get_header("Content-type") == "application/x-www-form-urlencoded"
"#
        ),
    );
    // a multipart upload: its branch, not the others
    let p = plan(&engine, None, &[("box", "upload_file")]);
    let g = engine.generate_from_plan(p).unwrap();
    assert_eq!(g.validation.as_ref().unwrap().error_count, 0);
    branches_match_calls("multipart", &g.code);
    assert!(g.code.contains("        if multipart:\n"), "{}", g.code);
    assert!(!g.code.contains("def _encode(") && !g.code.contains("def _file_answer("));
    run(
        &g,
        &format!(
            r#"{FAKE_OPENER}
answer(200, b'{{}}')
module._http("POST", "https://upload.example.com/x", payload={{"name": "a.txt", "file": ("a.txt", b"hi")}}, multipart=True)
request = opened[-1][0]
assert request.get_header("Content-type").startswith("multipart/form-data; boundary=cue-")
assert b'filename="a.txt"' in request.data and b"hi" in request.data, request.data
module._http("POST", "https://upload.example.com/x", payload={{"a": 1}})
assert opened[-1][0].data == b'{{"a": 1}}'
"#
        ),
    );
}

/// With an encoded body and a multipart one in the same module, the branches chain as they
/// were written whole (`if encoding` … `elif multipart` … `elif form` … `else`), and a file
/// answer reads as a file record.
#[test]
fn every_branch_together_reads_as_the_whole_chain() {
    let engine = Engine::new().unwrap();
    let p = plan(
        &engine,
        None,
        &[
            ("elevenlabs", "text_to_speech"),
            ("dropbox", "upload_file"),
            ("box", "upload_file"),
        ],
    );
    let g = engine.generate_from_plan(p).unwrap();
    assert_eq!(
        g.validation.as_ref().unwrap().error_count,
        0,
        "{:?}",
        g.validation
    );
    branches_match_calls("all", &g.code);
    let chain = [
        "        if encoding:\n",
        "        elif multipart:\n",
        "        elif form:\n",
        "            if answer == \"bytes\":\n",
    ];
    let at: Vec<usize> = chain
        .iter()
        .map(|c| g.code.find(c).unwrap_or_else(|| panic!("{c}\n{}", g.code)))
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
    run(
        &g,
        &format!(
            r#"{FAKE_OPENER}
answer(200, b"ID3audio")
found = module._http("GET", "https://api.example.com/files/voice.mp3", answer="bytes")
assert found["name"] == "voice.mp3" and found["size"] == 8, found
assert base64.b64decode(found["content_base64"]) == b"ID3audio"
answer(200, b'{{}}')
module._http("POST", "https://api.example.com/x", payload=["a", "b"], encoding="ndjson")
assert opened[-1][0].data == b'"a"\n"b"\n', opened[-1][0].data
"#
        ),
    );
}
