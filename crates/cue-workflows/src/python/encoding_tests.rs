//! Request bodies and answers other than JSON, and refresh tokens the vendor rotates, as the
//! vendors document them: each catalog action that uses one is generated from a one-step plan
//! and run against a fake opener that keeps the request it is sent and answers what the
//! vendor answers.

use std::process::Command;

use super::test_plans::{manual, one_step};
use crate::Engine;

/// The bundle of a manual plan with one step, `tool.action`, with the action's defaults.
fn generated(engine: &Engine, tool: &str, action: &str) -> crate::model::Generated {
    let Some(tool) = engine.catalog().tool(tool) else {
        panic!("{tool}");
    };
    let Some(action) = tool.action(action) else {
        panic!("{action}");
    };
    let plan = one_step("Encoding check", manual(), tool, action);
    match engine.generate_from_plan(plan) {
        Ok(g) => g,
        Err(e) => panic!("{e}"),
    }
}

/// Loads the module as `m`, replaces its opener with `fake` (which keeps what it is sent in
/// `sent`, answering `answer(request)`; token requests are answered by `token(request)`, which
/// the script may redefine), then runs `script`.
const PRELUDE: &str = r#"
import email.message, importlib.util, io, json, os, sys
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
            return Answer(*token(request))
        sent.append(request)
        return Answer(*answer(request))
m._OPENER = Fake()
def token(request):
    return json.dumps({"access_token": "tok", "expires_in": 3600}).encode(), {}
def header(request, name):
    return {k.lower(): v for k, v in request.header_items()}.get(name.lower(), "")
"#;

/// Runs `script` (after [`PRELUDE`]) on the module of `tool.action`; Ok when it exits 0.
fn run(tool: &str, action: &str, script: &str) -> Option<Result<(), String>> {
    Command::new("python3").arg("--version").output().ok()?;
    let Ok(engine) = Engine::new() else {
        panic!("engine");
    };
    let code = generated(&engine, tool, action).code;
    let dir = tempfile::tempdir().ok()?;
    let path = dir.path().join("lambda_function.py");
    std::fs::write(&path, &code).ok()?;
    let out = Command::new("python3")
        .arg("-c")
        .arg(format!("{PRELUDE}\n{script}"))
        .arg(&path)
        .env("AWS_DEFAULT_REGION", "eu-west-1")
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

/// Polly answers a stream (AudioStream): the step reads it into the same file record, so a
/// later upload step gets the audio, not the stream object's text.
#[test]
fn polly_audio_stream_becomes_a_file_record() {
    assert_runs(
        "amazon_polly",
        "polly",
        r#"
import base64, io
asked = []
class Polly:
    def synthesize_speech(self, **kwargs):
        asked.append(kwargs)
        return {"AudioStream": io.BytesIO(b"ID3 audio"), "ContentType": "audio/mpeg", "RequestCharacters": 5}
m._polly = Polly()
out = m.step_1_amazon_polly_polly([{"text": "Hello"}])
assert asked and asked[0]["Text"] == "Hello" and asked[0]["OutputFormat"] == "mp3", asked
assert len(out) == 1, out
record = out[0]
assert record["content_type"] == "audio/mpeg" and record["size"] == 9, record
assert record["name"].startswith("polly"), record
assert base64.b64decode(record["content_base64"]) == b"ID3 audio", record
"#,
    );
}

/// Gusto revokes a refresh token once the access token it bought is used: the token request is
/// JSON, the new refresh token is kept in Secrets Manager, and the next instance spends that one.
#[test]
fn rotated_refresh_tokens_are_kept_for_the_next_instance() {
    assert_runs(
        "gusto",
        "list_employees",
        r#"
import os
os.environ["GUSTO_REFRESH_TOKEN_SECRET_ARN"] = "arn:aws:secretsmanager:eu-west-1:1:secret:gusto"
class Store:
    value = ""
    def get_secret_value(self, SecretId):
        assert SecretId == os.environ["GUSTO_REFRESH_TOKEN_SECRET_ARN"], SecretId
        return {"SecretString": Store.value}
    def put_secret_value(self, SecretId, SecretString):
        assert SecretId == os.environ["GUSTO_REFRESH_TOKEN_SECRET_ARN"], SecretId
        Store.value = SecretString
spent = []
def token(request):
    assert header(request, "Content-Type") == "application/json", request.header_items()
    body = json.loads(request.data)
    assert body["grant_type"] == "refresh_token", body
    spent.append(body["refresh_token"])
    return json.dumps({"access_token": "a%d" % len(spent), "refresh_token": "r%d" % len(spent),
                       "expires_in": 7200}).encode(), {}
m._SECRETS["client"] = Store()
m.GUSTO_REFRESH_TOKEN = "configured"
assert m._gusto_access_token() == "a1"
assert spent == ["configured"] and Store.value == "r1", (spent, Store.value)
# a new instance (a cold start) spends the kept token, not the revoked one
m._TOKENS.clear()
assert m._gusto_access_token() == "a2"
assert spent == ["configured", "r1"] and Store.value == "r2", (spent, Store.value)
"#,
    );
}

/// Without the secret (a function deployed without the SAM template), the configured token is
/// spent and the new one lives as long as the instance; nothing is written anywhere.
#[test]
fn rotated_refresh_tokens_without_a_secret_stay_in_the_instance() {
    assert_runs(
        "gusto",
        "list_employees",
        r#"
import os
os.environ.pop("GUSTO_REFRESH_TOKEN_SECRET_ARN", None)
class Refuse:
    def __getattr__(self, name):
        raise AssertionError("Secrets Manager called without a secret: " + name)
spent = []
def token(request):
    body = json.loads(request.data)
    spent.append(body["refresh_token"])
    return json.dumps({"access_token": "a", "refresh_token": "r%d" % len(spent), "expires_in": 1}).encode(), {}
m._SECRETS["client"] = Refuse()
m.GUSTO_REFRESH_TOKEN = "configured"
m._gusto_access_token()
m._gusto_access_token()
assert spent == ["configured", "r1"], spent
"#,
    );
}

/// The SAM template creates the secret from the configured token and lets the function read and
/// write that secret only.
#[test]
fn rotated_refresh_tokens_get_their_own_secret_in_the_template() {
    let Ok(engine) = Engine::new() else {
        panic!("engine");
    };
    let yaml = generated(&engine, "gusto", "list_employees").template_yaml;
    for line in [
        "GUSTO_REFRESH_TOKEN_SECRET_ARN: !Ref GustoRefreshTokenStore",
        "- secretsmanager:PutSecretValue",
        "- !Ref GustoRefreshTokenStore",
        "GustoRefreshTokenStore:\n    Type: AWS::SecretsManager::Secret",
        "SecretString: !Ref GustoRefreshToken",
    ] {
        assert!(yaml.contains(line), "{line}\n{yaml}");
    }
    // a vendor that does not rotate gets no secret
    let yaml = generated(&engine, "zoom", engine_first_action(&engine, "zoom")).template_yaml;
    assert!(!yaml.contains("secretsmanager"), "{yaml}");
}

fn engine_first_action<'e>(engine: &'e Engine, tool: &str) -> &'e str {
    match engine.catalog().tool(tool).and_then(|t| t.actions.first()) {
        Some(a) => &a.id,
        None => panic!("{tool} has no action"),
    }
}

/// Redshift's ExecuteStatement only starts the statement: the step waits for DescribeStatement
/// to report FINISHED, then reads GetStatementResult's typed rows as records by column name.
#[test]
fn redshift_statements_are_awaited_and_their_rows_read_by_column() {
    assert_runs(
        "amazon_redshift",
        "execute",
        r#"
def answer(request):
    raise AssertionError("no HTTP call expected")
class Data:
    def __init__(self, states):
        self.states, self.calls = list(states), []
    def execute_statement(self, **kwargs):
        self.calls.append(("execute_statement", kwargs))
        return {"Id": "s-1", "Database": kwargs["Database"]}
    def describe_statement(self, Id):
        self.calls.append(("describe_statement", Id))
        state = self.states.pop(0)
        return {"Id": Id, "Status": state, "Error": "syntax error at or near SELEC" if state == "FAILED" else None}
    def get_statement_result(self, Id):
        self.calls.append(("get_statement_result", Id))
        return {"ColumnMetadata": [{"name": "id"}, {"name": "email"}, {"name": "score"}],
                "Records": [[{"longValue": 1}, {"stringValue": "ada@example.com"}, {"isNull": True}],
                            [{"longValue": 2}, {"stringValue": "bob@example.com"}, {"doubleValue": 0.5}]]}
m._redshift_data = Data(["SUBMITTED", "STARTED", "FINISHED"])
records = m.step_1_amazon_redshift_execute([])
assert records == [{"id": 1, "email": "ada@example.com", "score": None},
                   {"id": 2, "email": "bob@example.com", "score": 0.5}], records
assert [c[0] for c in m._redshift_data.calls] == ["execute_statement", "describe_statement", "describe_statement",
                                                 "describe_statement", "get_statement_result"], m._redshift_data.calls
assert all(c[1] == "s-1" for c in m._redshift_data.calls[1:]), m._redshift_data.calls
# a failed statement raises with Redshift's error, and its result is never asked for
m._redshift_data = Data(["STARTED", "FAILED"])
try:
    m.step_1_amazon_redshift_execute([])
except RuntimeError as exc:
    assert "syntax error" in str(exc), exc
else:
    raise AssertionError("a failed statement passed")
assert "get_statement_result" not in [c[0] for c in m._redshift_data.calls]
# one that does not finish in time is reported, not waited for past the function's limit
m.JOB_WAIT_SECONDS = 0
m._redshift_data = Data(["STARTED"] * 5)
try:
    m.step_1_amazon_redshift_execute([])
except TimeoutError:
    pass
else:
    raise AssertionError("waited past the limit")
"#,
    );
}
