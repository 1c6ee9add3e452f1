//! Request bodies and answers other than JSON, as the vendors document them: each catalog
//! action that uses one is generated from a one-step plan and run against a fake opener that
//! keeps the request it is sent and answers what the vendor answers.

use std::collections::BTreeMap;
use std::process::Command;

use crate::Engine;
use crate::model::{Delivery, Plan, PlannedTool, Step, Trigger, TriggerKind};

/// The module of a manual plan with one step, `tool.action`, with the action's defaults.
fn module(engine: &Engine, tool: &str, action: &str) -> String {
    let Some(tool) = engine.catalog().tool(tool) else {
        panic!("{tool}");
    };
    let Some(action) = tool.action(action) else {
        panic!("{action}");
    };
    let plan = Plan {
        name: "Encoding check".to_owned(),
        summary: "Sends one request.".to_owned(),
        trigger: Trigger {
            kind: TriggerKind::Manual,
            delivery: Delivery::Direct,
            schedule_expression: None,
            timezone: None,
            description: "Run on demand".to_owned(),
            tool: None,
            event: None,
            params: BTreeMap::new(),
            filter: None,
        },
        steps: vec![Step {
            id: "step_1".to_owned(),
            tool: tool.id.clone(),
            action: action.id.clone(),
            description: action.label.clone(),
            params: action.params.clone(),
            condition: None,
            for_each: None,
        }],
        tools: vec![PlannedTool {
            id: tool.id.clone(),
            name: tool.name.clone(),
            credentials: crate::refs::credentials_for(tool, action),
        }],
        assumptions: Vec::new(),
    };
    match engine.generate_from_plan(plan) {
        Ok(g) => g.code,
        Err(e) => panic!("{e}"),
    }
}

/// Loads the module as `m`, replaces its opener with `fake` (which keeps what it is sent in
/// `sent`, answering `answer(request)`; token requests get a token), then runs `script`.
const PRELUDE: &str = r#"
import email.message, importlib.util, io, json, sys
spec = importlib.util.spec_from_file_location("generated", sys.argv[1])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
m.time.sleep = lambda seconds: None
sent = []
class Answer(io.BytesIO):
    status = 200
    def __init__(self, body, headers):
        super().__init__(body)
        self.headers = email.message.Message()
        for k, v in headers.items():
            self.headers[k] = v
    def __enter__(self):
        return self
    def __exit__(self, *args):
        return False
class Fake:
    def open(self, request, timeout=None):
        if request.full_url.split("?")[0].endswith("/token"):
            return Answer(json.dumps({"access_token": "tok", "expires_in": 3600}).encode(), {})
        sent.append(request)
        return Answer(*answer(request))
m._OPENER = Fake()
def header(request, name):
    return {k.lower(): v for k, v in request.header_items()}.get(name.lower(), "")
"#;

/// Runs `script` (after [`PRELUDE`]) on the module of `tool.action`; Ok when it exits 0.
fn run(tool: &str, action: &str, script: &str) -> Option<Result<(), String>> {
    Command::new("python3").arg("--version").output().ok()?;
    let Ok(engine) = Engine::new() else {
        panic!("engine");
    };
    let code = module(&engine, tool, action);
    let dir = tempfile::tempdir().ok()?;
    let path = dir.path().join("lambda_function.py");
    std::fs::write(&path, &code).ok()?;
    let out = Command::new("python3")
        .arg("-c")
        .arg(format!("{PRELUDE}\n{script}"))
        .arg(&path)
        .output()
        .ok()?;
    Some(if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    })
}

fn assert_runs(tool: &str, action: &str, script: &str) {
    if let Some(Err(e)) = run(tool, action, script) {
        panic!("{tool}.{action}: {e}");
    }
}

/// Google's multipart upload: a JSON part with the metadata, then the file's bytes.
#[test]
fn drive_upload_is_multipart_related_with_metadata_then_bytes() {
    assert_runs(
        "google_drive",
        "upload_file",
        r#"
def answer(request):
    if "example.com" in request.full_url:
        return b"%PDF-1.7 bytes", {"Content-Type": "application/pdf"}
    return json.dumps({"id": "f1", "name": "report.pdf"}).encode(), {}
m.step_1_google_drive_upload_file([{"name": "report.pdf", "url": "https://example.com/report.pdf"}])
upload = sent[-1]
assert "uploadType=multipart" in upload.full_url, upload.full_url
ctype = header(upload, "Content-Type")
assert ctype.startswith("multipart/related; boundary="), ctype
boundary = ctype.split("boundary=")[1].encode()
parts = upload.data.split(b"--" + boundary)
assert len(parts) == 4 and parts[3].startswith(b"--"), parts
meta_head, meta = parts[1].split(b"\r\n\r\n", 1)
assert b"application/json" in meta_head, meta_head
assert json.loads(meta) == {"name": "report.pdf", "parents": ["your-folder-id"]}, meta
media_head, media = parts[2].split(b"\r\n\r\n", 1)
assert media == b"%PDF-1.7 bytes\r\n", media
"#,
    );
}

/// A record that names no file cannot be uploaded: nothing is sent.
#[test]
fn drive_upload_without_a_file_is_refused_before_sending() {
    assert_runs(
        "google_drive",
        "upload_file",
        r#"
def answer(request):
    return b"{}", {}
try:
    m.step_1_google_drive_upload_file([{"name": "report.pdf"}])
except ValueError as exc:
    assert "names no file" in str(exc), exc
else:
    raise AssertionError("uploaded without a file")
assert sent == [], sent
"#,
    );
}

/// Pinecone's upsert takes one JSON document per line.
#[test]
fn pinecone_upsert_is_ndjson() {
    assert_runs(
        "pinecone",
        "upsert",
        r#"
import os
os.environ["PINECONE_INDEX_HOST"] = "https://index.example.com"
def answer(request):
    return b"", {}
m.PINECONE_INDEX_HOST = "https://index.example.com"
m.step_1_pinecone_upsert([{"text": "Apples are fruit"}])
request = sent[-1]
assert header(request, "Content-Type") == "application/x-ndjson", request.header_items()
lines = request.data.decode().splitlines()
assert len(lines) == 1, lines
record = json.loads(lines[0])
assert record["text"] == "Apples are fruit" and record["_id"], record
"#,
    );
}

/// Graph's upload takes the file's bytes as the body, with the file's media type.
#[test]
fn onedrive_upload_sends_the_bytes_as_the_body() {
    assert_runs(
        "onedrive",
        "upload_file",
        r#"
def answer(request):
    if "example.com" in request.full_url:
        return b"hello, file", {}
    return json.dumps({"id": "1", "name": "notes.txt"}).encode(), {}
m.step_1_onedrive_upload_file([{"name": "notes.txt", "url": "https://example.com/notes.txt"}])
upload = sent[-1]
assert upload.get_method() == "PUT", upload.get_method()
assert upload.data == b"hello, file", upload.data
assert header(upload, "Content-Type") == "text/plain", upload.header_items()
"#,
    );
}

/// TinyPNG's result is its Location header: the step's text is that URL.
#[test]
fn tinypng_result_is_read_from_the_location_header() {
    assert_runs(
        "tinypng",
        "compress",
        r#"
def answer(request):
    return (json.dumps({"input": {"size": 207565, "type": "image/jpeg"}}).encode(),
            {"Location": "https://api.tinify.com/output/2xnsp7jn34e5", "Compression-Count": "1"})
out = m.step_1_tinypng_compress([{"url": "https://example.com/a.jpg"}])
assert out == [{"text": "https://api.tinify.com/output/2xnsp7jn34e5"}], out
"#,
    );
}

/// ElevenLabs answers audio bytes; the step hands them on as a file record that an upload
/// step can send.
#[test]
fn elevenlabs_audio_becomes_a_file_record() {
    assert_runs(
        "elevenlabs",
        "text_to_speech",
        r#"
import base64
def answer(request):
    return b"ID3 audio", {"Content-Type": "audio/mpeg"}
out = m.step_1_elevenlabs_text_to_speech([{"text": "Hello"}])
assert len(out) == 1, out
record = out[0]
assert record["content_type"] == "audio/mpeg" and record["size"] == 9, record
assert base64.b64decode(record["content_base64"]) == b"ID3 audio", record
"#,
    );
}
