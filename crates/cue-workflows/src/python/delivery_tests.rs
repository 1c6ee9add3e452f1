//! Deliveries and tracking calls shaped the vendor's own way (review 5), run with python3: a
//! body that is an RS256 token (Wix), fields written as JSON text (Jotform, Wix), a delivery
//! that only says where its record is (Eventbrite, ShipStation), a match on what must be absent
//! (Slack's new messages), and the person a tracking call is about (Segment, Mixpanel).

#![expect(clippy::unwrap_used, reason = "tests")]

use super::answers_tests::{generate, plan, run, webhook_to_slack};
use crate::Engine;
use crate::model::Delivery;

/// A throwaway RSA key pair in Python (`tests/data/rsa_key.py`, shared with the webhook
/// senders): `rsa_key()` gives the PEM (SubjectPublicKeyInfo) and `sign(message)`
/// (RSASSA-PKCS1-v1_5, SHA-256); `token` signs claims under any `alg` header.
const RSA: &str = concat!(
    include_str!("../../tests/data/rsa_key.py"),
    r#"
def part(raw):
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")
def token(sign, claims, alg="RS256"):
    signed = part(json.dumps({"kid": "k1", "alg": alg}).encode()) + "." + part(json.dumps(claims).encode())
    return signed + "." + part(sign(signed.encode()))
"#
);

#[test]
fn a_wix_body_token_is_checked_with_the_apps_public_key_and_its_json_text_read() {
    let engine = Engine::new().unwrap();
    let g = webhook_to_slack(&engine, "wix", "form_submitted");
    run(
        &g,
        &format!(
            "{RSA}{}",
            r#"
import time
PEM, SIGN = rsa_key()
_, OTHER = rsa_key()
module.WIX_WEBHOOK_PUBLIC_KEY = PEM
seen = []
# Wix wants its answer within 1,250 ms: the workflow runs in a second invocation
module._defer = lambda items, context: seen.extend(items)
module.run_workflow = lambda items: (_ for _ in ()).throw(AssertionError("ran before answering"))
def deliver(body):
    return module.lambda_handler({"rawPath": "/", "headers": {"content-type": "text/plain"},
        "requestContext": {"http": {"method": "POST"}}, "body": body}, None)
entity = {"id": "s1", "formId": "f1", "submissions": {"first_name": "Patsy", "email": "p@example.com"}}
def claims(event_type="wix.forms.v4.submission_created", **extra):
    inner = {"id": "e1", "entityFqdn": "wix.forms.v4.submission", "slug": "created", "createdEvent": {"entity": entity}}
    data = {"eventType": event_type, "instanceId": "i1", "data": json.dumps(inner),
            "identity": json.dumps({"identityType": "ANONYMOUS_VISITOR"})}
    return dict({"data": json.dumps(data), "iat": int(time.time()), "exp": int(time.time()) + 60}, **extra)
# as Wix sends it: the body is the token, data and data.data are JSON text
answer = deliver(token(SIGN, claims()))
assert answer["statusCode"] == 200 and "accepted" in answer["body"], answer
assert seen == [entity], seen
# a key pasted on one line with literal \n is read too
module.WIX_WEBHOOK_PUBLIC_KEY = PEM.replace("\n", "\\n")
assert deliver(token(SIGN, claims()))["statusCode"] == 200
module.WIX_WEBHOOK_PUBLIC_KEY = PEM
# another event of the app is answered, not run
answer = deliver(token(SIGN, claims("wix.forms.v4.submission_deleted")))
assert answer["statusCode"] == 200 and "skipped" in answer["body"], answer
good = token(SIGN, claims())
head, body, sig = good.split(".")
forged_claims = part(json.dumps(dict(claims(), data=json.dumps({"eventType": "wix.forms.v4.submission_created", "data": "{}"}))).encode())
hs256 = part(json.dumps({"alg": "HS256"}).encode()) + "." + body
refused = [
    deliver(head + "." + forged_claims + "." + sig),  # claims changed after signing
    deliver(token(OTHER, claims())),  # another key
    deliver(token(SIGN, claims(exp=int(time.time()) - 60))),  # expired
    deliver(hs256 + "." + part(hmac.new(PEM.encode(), hs256.encode(), hashlib.sha256).digest())),  # alg confusion
    deliver(part(b'{"alg":"none"}') + "." + body + "."),
    deliver(json.dumps(claims())),  # the claims without a token
    deliver(head + "." + body + "." + part(b"\0" * 128)),
    deliver("a.b.c"),
]
assert [a["statusCode"] for a in refused] == [401] * len(refused), refused
assert len(seen) == 2, seen
# a key that is not PEM text refuses everything instead of raising
module.WIX_WEBHOOK_PUBLIC_KEY = "not a key"
assert deliver(good)["statusCode"] == 401
"#
        ),
    );
}

#[test]
fn jotform_answers_sent_as_json_text_reach_the_workflow_as_fields() {
    let engine = Engine::new().unwrap();
    let g = webhook_to_slack(&engine, "jotform", "submission");
    run(
        &g,
        r#"
import urllib.parse
module.JOTFORM_WEBHOOK_TOKEN = "t0ken"
seen = []
module.run_workflow = lambda items: seen.extend(items) or {"step_1": len(items)}
raw = json.dumps({"q3_email": "ada@example.com", "q4_name": {"first": "Ada", "last": "L"}})
body = urllib.parse.urlencode({"formID": "1", "submissionID": "2", "rawRequest": raw})
answer = module.lambda_handler({"rawPath": "/", "rawQueryString": "token=t0ken", "queryStringParameters": {"token": "t0ken"},
    "headers": {"content-type": "application/x-www-form-urlencoded"}, "requestContext": {"http": {"method": "POST"}},
    "body": body}, None)
assert answer["statusCode"] == 200, answer
assert seen[0]["rawRequest"]["q3_email"] == "ada@example.com", seen
assert seen[0]["rawRequest"]["q4_name"]["first"] == "Ada", seen
# text that is not JSON stays text
assert module._json_text({"rawRequest": "not json"}, ["rawRequest"]) == {"rawRequest": "not json"}
assert module._json_text({"a": "{\"b\": \"[1]\"}"}, ["a", "a.b"]) == {"a": {"b": [1]}}
"#,
    );
}

#[test]
fn a_delivery_saying_where_its_record_is_is_fetched_on_the_vendors_host_only() {
    let engine = Engine::new().unwrap();
    for (tool, event, url, answer, expected) in [
        (
            "eventbrite",
            "order_placed",
            "https://www.eventbriteapi.com/v3/orders/123/",
            r#"{"id": "123", "email": "ada@example.com"}"#,
            r#"[{"id": "123", "email": "ada@example.com"}]"#,
        ),
        (
            "shipstation",
            "shipped",
            "https://ssapi.shipstation.com/shipments?batchId=9",
            r#"{"shipments": [{"shipmentId": 1}, {"shipmentId": 2}], "total": 2}"#,
            r#"[{"shipmentId": 1}, {"shipmentId": 2}]"#,
        ),
    ] {
        let g = webhook_to_slack(&engine, tool, event);
        let field = if tool == "eventbrite" {
            "api_url"
        } else {
            "resource_url"
        };
        run(
            &g,
            &format!(
                r#"
secret = [n for n in dir(module) if n.endswith("WEBHOOK_URL_SECRET")][0]
setattr(module, secret, "t0ken")
for name in dir(module):
    if name.isupper() and isinstance(getattr(module, name), str) and getattr(module, name).startswith("{{{{"):
        setattr(module, name, "configured")
seen = []
module.run_workflow = lambda items: seen.extend(items) or {{"step_1": len(items)}}
module._http = lambda method, url, **kwargs: calls.append((method, url, kwargs["headers"])) or {answer}
def deliver(url):
    body = json.dumps({{"{field}": url, "resource_type": "SHIP_NOTIFY", "config": {{"action": "order.placed"}}}})
    return module.lambda_handler({{"rawPath": "/", "rawQueryString": "token=t0ken", "queryStringParameters": {{"token": "t0ken"}},
        "headers": {{"content-type": "application/json"}}, "requestContext": {{"http": {{"method": "POST"}}}}, "body": body}}, None)
assert deliver("{url}")["statusCode"] == 200
assert calls[0][0] == "GET" and calls[0][1] == "{url}" and calls[0][2].get("Authorization"), calls
assert seen == {expected}, seen
# a URL on another host (or plain http) never receives the credentials
for other in ("https://evil.example/v3/orders/1/", "http://{host}/x", "https://{host}.evil.example/x", ""):
    calls.clear()
    assert deliver(other)["statusCode"] == 502, other
    assert calls == [], calls
"#,
                host = url.split('/').nth(2).unwrap(),
            ),
        );
    }
}

#[test]
fn only_new_messages_of_people_run_a_slack_message_trigger() {
    let engine = Engine::new().unwrap();
    let g = webhook_to_slack(&engine, "slack", "message");
    run(
        &g,
        r#"
import time
module.SLACK_SIGNING_SECRET = "s"
seen = []
# Slack wants its answer within 3 s: the workflow runs in a second invocation
module._defer = lambda items, context: seen.extend(items)
def deliver(event):
    body = json.dumps({"type": "event_callback", "event": event})
    now = str(int(time.time()))
    sig = "v0=" + hmac.new(b"s", ("v0:" + now + ":" + body).encode(), hashlib.sha256).hexdigest()
    return module.lambda_handler({"rawPath": "/", "headers": {"x-slack-request-timestamp": now, "x-slack-signature": sig},
        "requestContext": {"http": {"method": "POST"}}, "body": body}, None)
answer = deliver({"type": "message", "text": "hi", "user": "U1", "channel": "C1"})
assert answer["statusCode"] == 200 and "skipped" not in answer["body"], answer
assert seen == [{"type": "message", "text": "hi", "user": "U1", "channel": "C1"}], seen
for other in ({"type": "message", "subtype": "bot_message", "text": "from a bot", "bot_id": "B1"},
              {"type": "message", "subtype": "message_changed", "message": {"text": "edited"}},
              {"type": "message", "subtype": "message_deleted"},
              {"type": "message", "subtype": "channel_join", "user": "U2"},
              {"type": "message", "text": "this app's own post", "bot_id": "B2"}):
    answer = deliver(other)
    assert answer["statusCode"] == 200 and "skipped" in answer["body"], (other, answer)
assert len(seen) == 1, seen
"#,
    );
}

#[test]
fn tracking_calls_are_about_the_records_person_and_anonymous_only_without_one() {
    let engine = Engine::new().unwrap();
    let g = generate(
        &engine,
        plan(
            &engine,
            Some(("stripe", "payment_succeeded", Delivery::Http)),
            &[("segment", "track")],
        ),
    );
    run(
        &g,
        r#"
module._http = lambda method, url, payload=None, **kwargs: calls.append(payload) or {}
module.step_1_segment_track([{"email": "ada@example.com", "amount": 5}, {"customer": {"email": "bo@example.com"}}, {"amount": 7}])
assert calls[0]["userId"] == "ada@example.com" and "anonymousId" not in calls[0], calls[0]
assert calls[1]["userId"] == "bo@example.com" and "anonymousId" not in calls[1], calls[1]
assert "userId" not in calls[2] and len(calls[2]["anonymousId"]) == 36, calls[2]
assert calls[0]["properties"]["amount"] == 5, calls[0]
"#,
    );
    let g = generate(
        &engine,
        plan(
            &engine,
            Some(("stripe", "payment_succeeded", Delivery::Http)),
            &[("mixpanel", "import_events")],
        ),
    );
    run(
        &g,
        r#"
module._http = lambda method, url, payload=None, **kwargs: calls.append(payload) or {"status": 1}
module.step_1_mixpanel_import_events([{"user_id": 42, "email": "ada@example.com"}, {"amount": 7}, {"user_id": 42}])
ids = [c[0]["properties"]["distinct_id"] for c in calls]
assert ids[0] == "42" and ids[2] == "42", ids
assert ids[1] not in ("42", "") and len(ids[1]) == 36, ids
inserts = [c[0]["properties"]["$insert_id"] for c in calls]
assert len(set(inserts)) == 3, inserts
"#,
    );
    // the plan says whom the events are attributed to
    assert!(
        g.assumptions
            .iter()
            .any(|a| a.contains("distinct_id (its user_id, customer id, email")),
        "{:?}",
        g.assumptions
    );
}

#[test]
fn a_vendor_that_lists_late_is_read_in_a_window_moved_back_by_its_lag() {
    let engine = Engine::new().unwrap();
    let g = generate(
        &engine,
        plan(&engine, None, &[("paypal", "list_transactions")]),
    );
    assert!(
        g.assumptions
            .iter()
            .any(|a| a.contains("reads a window that ends 3 hours ago")),
        "{:?}",
        g.assumptions
    );
    run(
        &g,
        r#"
import datetime
def fake(method, url, params=None, **kwargs):
    calls.append(params)
    return {"access_token": "t", "expires_in": 3600} if "token" in url else {"transaction_details": []}
module._http = fake
module.step_1_paypal_list_transactions([])
query = [c for c in calls if c and "start_date" in c][0]
start, end = (datetime.datetime.fromisoformat(query[k].replace("Z", "+00:00")) for k in ("start_date", "end_date"))
now = datetime.datetime.now(datetime.timezone.utc)
assert abs((now - end) - datetime.timedelta(hours=3)) < datetime.timedelta(seconds=30), (now, end)
assert end - start == datetime.timedelta(minutes=int(module.POLL_MINUTES)), (start, end)
# a kept epoch bound moves back in its own form
assert module._earlier("1765000000", 180) == str(1765000000 - 10800)
assert module._earlier("1765000000000", 1) == str(1765000000000 - 60000)
assert module._earlier("2026-12-06T13:00:00Z", 180) == "2026-12-06T10:00:00Z"
"#,
    );
}

#[test]
fn an_sns_trigger_subscribes_a_queue_of_its_own_to_the_topic() {
    let engine = Engine::new().unwrap();
    let g = queue_to_slack(&engine, "sns", "notification");
    let yaml = &g.template_yaml;
    for part in [
        "  TopicArn:\n    Type: String",
        "            Queue: !GetAtt TopicQueue.Arn",
        "    Type: AWS::SQS::QueuePolicy",
        "              Service: sns.amazonaws.com\n            Action: sqs:SendMessage",
        "                aws:SourceArn: !Ref TopicArn",
        "    Type: AWS::SNS::Subscription\n    Properties:\n      TopicArn: !Ref TopicArn\n      Protocol: sqs\n      Endpoint: !GetAtt TopicQueue.Arn",
    ] {
        assert!(yaml.contains(part), "{part}\n{yaml}");
    }
    assert!(!yaml.contains("QueueArn"), "{yaml}");
    // a queue the user already has is read as it is, and nothing is subscribed
    let g = queue_to_slack(&engine, "sqs", "message");
    assert!(g.template_yaml.contains("Queue: !Ref QueueArn"));
    assert!(!g.template_yaml.contains("AWS::SNS::Subscription"));
}

/// `tool`'s queue `event` handed to one Slack post.
fn queue_to_slack(engine: &Engine, tool: &str, event: &str) -> crate::model::Generated {
    generate(
        engine,
        plan(
            engine,
            Some((tool, event, Delivery::Sqs)),
            &[("slack", "post_message")],
        ),
    )
}

#[test]
fn s3_objects_and_redis_counters_never_take_their_key_from_a_record_that_lacks_it() {
    let engine = Engine::new().unwrap();
    let on_payment = |tool, action| {
        generate(
            &engine,
            plan(
                &engine,
                Some(("stripe", "payment_succeeded", Delivery::Http)),
                &[(tool, action)],
            ),
        )
    };
    let g = on_payment("aws_s3", "put_object");
    run(
        &g,
        r#"
seen = []
class Client:
    def __getattr__(self, name):
        return lambda **kwargs: seen.append(kwargs) or {}
module._s3 = Client()
module.step_1_aws_s3_put_object([{"id": "pi_1", "amount": 500}, {"id": "pi_2", "amount": 700}])
keys = [k["Key"] for k in seen]
assert all(k.startswith("workflow/") and k.endswith(".json") and len(k) > 20 for k in keys), keys
assert keys[0] != keys[1], keys
"#,
    );
    // redis-py is not installed here: the call is read from the code
    let g = on_payment("redis", "increment");
    assert!(g.code.contains("hincrby("), "{}", g.code);
    assert!(!g.code.contains("_field(item, \"url\")"), "{}", g.code);
    assert!(g.code.contains("key=\"count\""), "{}", g.code);
}

#[test]
fn a_mongodb_find_hands_on_the_cursors_documents() {
    let engine = Engine::new().unwrap();
    let g = generate(&engine, plan(&engine, None, &[("mongodb", "find")]));
    assert!(g.code.contains("_documents(_mongo["), "{}", g.code);
    assert!(g.code.contains("limit=500"), "{}", g.code);
    // PyMongo is not installed here: a stand-in module answers a cursor of BSON-like values
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pymongo.py"),
        "class MongoClient:\n    def __init__(self, *a, **k):\n        pass\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("lambda_function.py"), &g.code).unwrap();
    let script = r#"
import datetime, importlib.util, sys
sys.path.insert(0, sys.argv[2])
spec = importlib.util.spec_from_file_location("generated", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
class ObjectId:
    def __str__(self):
        return "64b7f0c2a1b2c3d4e5f60718"
asked = []
class Collection:
    def find(self, **kwargs):
        asked.append(kwargs)
        return iter([{"_id": ObjectId(), "name": "Ada", "at": datetime.datetime(2026, 12, 6, 9, 0)}, {"_id": ObjectId(), "name": "Bo"}])
module._mongo = {"workflows": {"records": Collection()}}
records = module.step_1_mongodb_find([])
assert asked == [{"filter": {}, "limit": 500}], asked
assert records == [{"_id": "64b7f0c2a1b2c3d4e5f60718", "name": "Ada", "at": "2026-12-06 09:00:00"},
                   {"_id": "64b7f0c2a1b2c3d4e5f60718", "name": "Bo"}], records
print("ok")
"#;
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(dir.path().join("lambda_function.py"))
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_transcription_job_is_waited_for_and_its_transcript_read() {
    let engine = Engine::new().unwrap();
    let g = generate(
        &engine,
        plan(
            &engine,
            Some(("aws_s3", "object_created", Delivery::S3)),
            &[("amazon_transcribe", "transcribe")],
        ),
    );
    assert!(
        g.assumptions.iter().any(|a| a.contains("works as a job")),
        "{:?}",
        g.assumptions
    );
    run(
        &g,
        r#"
states = ["IN_PROGRESS", "IN_PROGRESS", "COMPLETED"]
class Transcribe:
    def start_transcription_job(self, **kwargs):
        calls.append(("start", kwargs))
        return {"TranscriptionJob": {"TranscriptionJobName": kwargs["TranscriptionJobName"], "TranscriptionJobStatus": "QUEUED"}}
    def get_transcription_job(self, TranscriptionJobName):
        calls.append(("get", TranscriptionJobName))
        job = {"TranscriptionJobName": TranscriptionJobName, "TranscriptionJobStatus": states.pop(0)}
        if job["TranscriptionJobStatus"] == "COMPLETED":
            job["Transcript"] = {"TranscriptFileUri": "https://s3.us-east-1.amazonaws.com/bucket/asrOutput.json?X-Amz-Signature=s"}
        if job["TranscriptionJobStatus"] == "FAILED":
            job["FailureReason"] = "Unsupported media format"
        return {"TranscriptionJob": job}
module._transcribe = Transcribe()
module.time.sleep = lambda s: None
fetched = []
def fake_http(method, url, **kwargs):
    fetched.append((method, url, kwargs.get("headers")))
    return {"jobName": "j", "results": {"transcripts": [{"transcript": "Hello from the recording."}], "items": []}, "status": "COMPLETED"}
module._http = fake_http
out = module.step_1_amazon_transcribe_transcribe([{"bucket": "media", "key": "calls/a.mp3"}])
assert out == [{"text": "Hello from the recording."}], out
assert calls[0][1]["Media"] == {"MediaFileUri": "s3://media/calls/a.mp3"}, calls
name = calls[0][1]["TranscriptionJobName"]
assert [c for c in calls[1:]] == [("get", name)] * 3, calls
# the presigned URL is fetched as it is, without credentials
assert fetched == [("GET", "https://s3.us-east-1.amazonaws.com/bucket/asrOutput.json?X-Amz-Signature=s", None)], fetched
# a failed job is a failure with the vendor's reason
states[:] = ["FAILED"]
try:
    module.step_1_amazon_transcribe_transcribe([{"bucket": "media", "key": "b.txt"}])
    raise AssertionError("a failed job must fail")
except RuntimeError as exc:
    assert "Unsupported media format" in str(exc), exc
"#,
    );
}

#[test]
fn speech_to_text_sends_the_records_audio_as_base64_content() {
    let engine = Engine::new().unwrap();
    let g = generate(
        &engine,
        plan(
            &engine,
            Some(("aws_s3", "object_created", Delivery::S3)),
            &[("google_speech_to_text", "recognize")],
        ),
    );
    assert!(
        g.assumptions
            .iter()
            .any(|a| a.contains("up to about one minute")),
        "{:?}",
        g.assumptions
    );
    run(
        &g,
        r#"
module._file_bytes = lambda record: ("a.flac", b"\x00audio")
def fake(method, url, payload=None, **kwargs):
    calls.append(payload)
    return {"results": [{"alternatives": [{"transcript": "hello"}]}]}
module._http = fake
out = module.step_1_google_speech_to_text_recognize([{"bucket": "media", "key": "a.flac"}])
assert calls[0]["audio"] == {"content": base64.b64encode(b"\x00audio").decode()}, calls
assert out == [{"text": "hello"}], out
"#,
    );
}
