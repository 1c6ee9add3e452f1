//! The catalog's answer shapes in generated code (python/answers.rs), run with python3 against
//! faked vendors: cells zipped into records, a job asked again until it finished, failures
//! listed inside a 200, a self-signed token, a vendor sync cursor, a row-position poll, Kafka
//! batches, id-only webhooks completed, signatures over either form of the URL, Zulu times.

#![expect(clippy::unwrap_used, reason = "tests")]

use std::collections::BTreeMap;
use std::process::Command;

use crate::Engine;
use crate::model::{Delivery, Generated, Plan, PlannedTool, Step, Trigger, TriggerKind};

/// A Python prelude for tests that let `_http` itself make and read each call: `_OPENER.open`
/// answers from `answers(...)` in turn (bytes, an `Answer(body, status)`, or an exception to
/// raise; the last one repeats) or always `answer(status, body)`, and records each request
/// with the timeout it was given in `opened`.
pub(super) const FAKE_OPENER: &str = r#"
opened = []
class Answer:
    def __init__(self, body, status=200):
        self.body, self.status, self.headers = body, status, {}
    def read(self):
        return self.body
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return False
def answers(*bodies):
    queue = list(bodies)
    def open_(request, timeout=None):
        opened.append((request, timeout))
        body = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(body, BaseException):
            raise body
        return body if isinstance(body, Answer) else Answer(body)
    module._OPENER.open = open_
def answer(status, body):
    answers(Answer(body, status))
module.time.sleep = lambda s: None
"#;

/// A plan whose trigger is `trigger` (tool, event, delivery) and whose steps are `steps`.
pub(crate) fn plan(
    engine: &Engine,
    trigger: Option<(&str, &str, Delivery)>,
    steps: &[(&str, &str)],
) -> Plan {
    let catalog = engine.catalog();
    let mut tools: Vec<PlannedTool> = Vec::new();
    let mut add = |id: &str, creds: Vec<String>| match tools.iter_mut().find(|t| t.id == id) {
        Some(t) => t.credentials.extend(creds),
        None => tools.push(PlannedTool {
            id: id.to_owned(),
            name: catalog.tool(id).unwrap().name.clone(),
            credentials: creds,
        }),
    };
    if let Some((tool, _, Delivery::Http)) = trigger {
        let used = catalog.webhook_for(catalog.tool(tool)).unwrap();
        add(&used.owner.id, used.credentials);
    }
    let steps: Vec<Step> = steps
        .iter()
        .enumerate()
        .map(|(i, (tool, action))| {
            let t = catalog.tool(tool).unwrap();
            let a = t.action(action).unwrap();
            add(tool, crate::refs::credentials_for(t, a));
            Step {
                id: format!("step_{}", i + 1),
                tool: (*tool).to_owned(),
                action: (*action).to_owned(),
                description: a.label.clone(),
                params: a.params.clone(),
                condition: None,
                for_each: None,
            }
        })
        .collect();
    let (kind, delivery, tool, event) = match trigger {
        Some((tool, event, delivery)) => (
            TriggerKind::AppEvent,
            delivery,
            Some(tool.to_owned()),
            Some(event.to_owned()),
        ),
        None => (TriggerKind::Schedule, Delivery::Schedule, None, None),
    };
    Plan {
        name: "Answers".to_owned(),
        summary: "Tests an answer shape.".to_owned(),
        trigger: Trigger {
            kind,
            delivery,
            schedule_expression: matches!(delivery, Delivery::Schedule | Delivery::Poll)
                .then(|| "rate(5 minutes)".to_owned()),
            timezone: None,
            description: "trigger".to_owned(),
            tool,
            event,
            params: BTreeMap::new(),
            filter: None,
        },
        steps,
        tools,
        assumptions: Vec::new(),
    }
}

pub(crate) fn generate(engine: &Engine, plan: Plan) -> Generated {
    let g = engine.generate_from_plan(plan).unwrap();
    let report = g.validation.as_ref().unwrap();
    assert_eq!(report.error_count, 0, "{:?}\n{}", report.findings, g.code);
    g
}

/// The module of `tool`'s webhook `event` handed to one Slack post (the webhook tests' plan).
pub(super) fn webhook_to_slack(engine: &Engine, tool: &str, event: &str) -> Generated {
    generate(
        engine,
        plan(
            engine,
            Some((tool, event, Delivery::Http)),
            &[("slack", "post_message")],
        ),
    )
}

/// Runs `script` with the generated module loaded as `module`; `None` without python3.
pub(crate) fn run(g: &Generated, script: &str) -> Option<String> {
    if Command::new("python3").arg("--version").output().is_err() {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lambda_function.py");
    std::fs::write(&path, &g.code).unwrap();
    let prelude = r#"
import base64, hashlib, hmac, importlib.util, json, sys
spec = importlib.util.spec_from_file_location("generated", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
store = {}

class Table:
    def get_item(self, TableName, Key):
        return {"Item": store[Key["id"]["S"]]} if Key["id"]["S"] in store else {}
    def put_item(self, TableName, Item):
        store[Item["id"]["S"]] = Item

if hasattr(module, "_cursor_db"):
    module._cursor_db = Table()
    module.CURSOR_TABLE = "cursor-table"
calls = []
"#;
    let out = Command::new("python3")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .arg("-c")
        .arg(format!("{prelude}\n{script}\nprint('ok')"))
        .arg(&path)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}\n{}", g.code);
    Some(text)
}

#[test]
fn bigquery_rows_become_named_records_after_the_job_finished() {
    let engine = Engine::new().unwrap();
    let g = generate(&engine, plan(&engine, None, &[("bigquery", "query")]));
    run(
        &g,
        r#"
done = {"jobComplete": True, "jobReference": {"jobId": "job 1", "location": "EU"},
        "schema": {"fields": [{"name": "name", "type": "STRING"}, {"name": "n", "type": "INTEGER"}]},
        "rows": [{"f": [{"v": "Ada"}, {"v": "3"}]}, {"f": [{"v": "Bo"}, {"v": None}]}]}
def fake(method, url, params=None, **kwargs):
    calls.append((method, url, params))
    if method == "POST":
        return {"jobComplete": False, "jobReference": {"jobId": "job 1", "location": "EU"}}
    return done if len(calls) > 2 else {"jobComplete": False, "jobReference": done["jobReference"]}
module._google_access_token = lambda: "t"
module._http = fake
module.time.sleep = lambda s: None
records = module.step_1_bigquery_query([])
assert records == [{"name": "Ada", "n": "3"}, {"name": "Bo", "n": None}], records
assert calls[1][0] == "GET" and calls[1][1].endswith("/queries/job%201"), calls
assert calls[1][2]["location"] == "EU", calls
# a job finished at once is not asked again
calls.clear()
module._http = lambda method, url, params=None, **kwargs: calls.append(method) or done
assert module.step_1_bigquery_query([]) == records and calls == ["POST"], calls
# a job that never finishes within JOB_WAIT_SECONDS is a failure, not "no rows"
calls.clear()
module.JOB_WAIT_SECONDS = 0
module._http = lambda method, url, params=None, **kwargs: {"jobComplete": False, "jobReference": {"jobId": "j", "location": "US"}}
try:
    module.step_1_bigquery_query([])
    raise AssertionError("an unfinished job must fail")
except TimeoutError as exc:
    assert "did not finish" in str(exc)
"#,
    );
}

#[test]
fn snowflake_rows_of_plain_cells_are_named_by_the_row_type() {
    let engine = Engine::new().unwrap();
    let g = generate(&engine, plan(&engine, None, &[("snowflake", "execute")]));
    run(
        &g,
        r#"
answer = {"code": "090001", "resultSetMetaData": {"rowType": [{"name": "ID"}, {"name": ""}]},
          "data": [["1", "a", "extra"], ["2", None]]}
module._http = lambda method, url, **kwargs: answer
records = module.step_1_snowflake_execute([])
assert records == [{"ID": "1", "1": "a", "2": "extra"}, {"ID": "2", "1": None}], records
"#,
    );
}

#[test]
fn long_values_are_cut_to_the_vendors_limit_and_the_plan_says_so() {
    let engine = Engine::new().unwrap();
    let g = generate(&engine, plan(&engine, None, &[("jira", "create_issue")]));
    assert!(
        g.assumptions
            .iter()
            .any(|a| a.contains("summary accepts at most 255 characters")),
        "{:?}",
        g.assumptions
    );
    run(
        &g,
        r#"
import io
sent = []
class Answer(io.BytesIO):
    def __enter__(self):
        return self
    def __exit__(self, *a):
        return False
class Opener:
    def open(self, request, timeout=None):
        sent.append(json.loads(request.data))
        return Answer(b'{"id": "1"}')
module._OPENER = Opener()
record = {"text": "word " * 100}
module.step_1_jira_create_issue([record])
summary = sent[0]["fields"]["summary"]
assert len(summary) == 255 and summary.endswith(" [truncated]"), summary
assert record == {"text": "word " * 100}, "the record itself is not changed"
sent.clear()
module.step_1_jira_create_issue([{"text": "short"}])
assert sent[0]["fields"]["summary"] == "short", sent
"#,
    );
    let g = generate(
        &engine,
        plan(&engine, None, &[("amazon_comprehend", "comprehend")]),
    );
    run(
        &g,
        r#"
class Client:
    def detect_sentiment(self, **kwargs):
        calls.append(kwargs)
        return {"Sentiment": "NEUTRAL"}
module._comprehend = Client()
module.step_1_amazon_comprehend_comprehend([{"text": "é" * 2990}])
text = calls[0]["Text"]
assert len(text.encode("utf-8")) <= 5000 and text.endswith(" [truncated]"), len(text.encode("utf-8"))
assert calls[0]["LanguageCode"] == "en", calls
"#,
    );
}

#[test]
fn failures_listed_inside_a_200_are_failures() {
    let engine = Engine::new().unwrap();
    let g = generate(&engine, plan(&engine, None, &[("bigquery", "insert_rows")]));
    assert!(
        g.code
            .contains("success=(\"insertErrors\", _Empty, \"insertErrors\")")
    );
    run(
        &g,
        r#"
import io
class Answer(io.BytesIO):
    def __enter__(self):
        return self
    def __exit__(self, *a):
        return False
class Opener:
    def __init__(self, body):
        self.body = body
    def open(self, request, timeout=None):
        return Answer(json.dumps(self.body).encode())
module._google_access_token = lambda: "t"
module._OPENER = Opener({"kind": "bigquery#tableDataInsertAllResponse"})
assert module.step_1_bigquery_insert_rows([{"a": 1}]) == [{"kind": "bigquery#tableDataInsertAllResponse"}]
module._OPENER = Opener({"insertErrors": []})
module.step_1_bigquery_insert_rows([{"a": 1}])
module._OPENER = Opener({"insertErrors": [{"index": 0, "errors": [{"reason": "invalid"}]}]})
try:
    module.step_1_bigquery_insert_rows([{"a": 1}])
    raise AssertionError("rejected rows must fail the step")
except RuntimeError as exc:
    assert "invalid" in str(exc)
"#,
    );
}

#[test]
fn ghost_admin_tokens_are_signed_on_every_call() {
    let engine = Engine::new().unwrap();
    let p = plan(&engine, None, &[("ghost", "create_post")]);
    assert!(
        p.tools[0]
            .credentials
            .contains(&"GHOST_ADMIN_API_KEY".to_owned())
    );
    assert!(
        !p.tools[0]
            .credentials
            .contains(&"GHOST_ADMIN_TOKEN".to_owned())
    );
    let g = generate(&engine, p);
    run(
        &g,
        r#"
secret = "a1" * 32
module.GHOST_ADMIN_API_KEY = "6489" + ":" + secret
def b64(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
scheme, token = module._ghost_headers()["Authorization"].split(" ")
assert scheme == "Ghost", scheme
head, claims, sig = token.split(".")
assert json.loads(b64(head)) == {"alg": "HS256", "typ": "JWT", "kid": "6489"}
body = json.loads(b64(claims))
assert body["aud"] == "/admin/" and body["exp"] - body["iat"] == 300, body
expected = hmac.new(bytes.fromhex(secret), (head + "." + claims).encode(), hashlib.sha256).digest()
assert b64(sig) == expected
module.GHOST_ADMIN_API_KEY = "6489:not-hex"
try:
    module._ghost_admin_token()
    raise AssertionError("a key that is not <id>:<hex> must be refused")
except RuntimeError as exc:
    assert "GHOST_ADMIN_API_KEY" in str(exc)
"#,
    );
}

#[test]
fn plaid_keeps_its_sync_cursor_between_runs() {
    let engine = Engine::new().unwrap();
    let g = generate(
        &engine,
        plan(&engine, None, &[("plaid", "list_transactions")]),
    );
    assert!(g.template_yaml.contains("CURSOR_TABLE: !Ref CursorTable"));
    assert!(g.assumptions.iter().any(|a| a.contains("first run")));
    run(
        &g,
        r#"
pages = {None: {"added": [{"transaction_id": "old"}], "next_cursor": "c1", "has_more": True},
         "c1": {"added": [{"transaction_id": "old2"}], "next_cursor": "c2", "has_more": False},
         "c2": {"added": [{"transaction_id": "new"}], "next_cursor": "c3", "has_more": False}}
def fake(method, url, payload=None, **kwargs):
    calls.append(payload)
    return pages[payload.get("cursor")]
module._http = fake
assert module.run_workflow([])["step_1"] == 0, "the first run passes no history on"
assert "cursor" not in calls[0] and calls[1]["cursor"] == "c1", calls
assert json.loads(store["sync"]["value"]["S"]) == {"step_1": "c2"}
calls.clear()
assert module.run_workflow([])["step_1"] == 1
assert calls[0]["cursor"] == "c2", calls
assert json.loads(store["sync"]["value"]["S"]) == {"step_1": "c3"}
# a failed run keeps the old cursor
def broken(method, url, payload=None, **kwargs):
    raise RuntimeError("down")
module._http = broken
try:
    module.run_workflow([])
except RuntimeError:
    pass
assert json.loads(store["sync"]["value"]["S"]) == {"step_1": "c3"}
"#,
    );
}

#[test]
fn sheet_polls_emit_only_rows_added_since_the_last_run_without_the_header() {
    let engine = Engine::new().unwrap();
    let g = generate(
        &engine,
        plan(
            &engine,
            Some(("google_sheets", "new_row", Delivery::Poll)),
            &[("google_sheets", "read_rows")],
        ),
    );
    run(
        &g,
        r#"
sheet = [["Name", "Email"], ["Ana", "ana@example.com"]]
module._http = lambda method, url, **kwargs: {"values": [list(r) for r in sheet]}
module._google_access_token = lambda: "t"
assert module.run_workflow([])["step_1"] == 0, "the first run only counts the rows"
sheet.append(["Bo", "bo@example.com"])
original = module.step_1_google_sheets_read_rows
assert module.run_workflow([])["step_1"] == 1
assert module._cursor_new(original([])) == [], "nothing new on the next run"
assert original([]) == [{"Name": "Ana", "Email": "ana@example.com"}, {"Name": "Bo", "Email": "bo@example.com"}]
sheet.pop()
sheet.pop()
assert module.run_workflow([])["step_1"] == 0, "deleted rows are not new rows"
"#,
    );
}

#[test]
fn kafka_batches_reach_the_workflow_decoded() {
    let engine = Engine::new().unwrap();
    let g = generate(
        &engine,
        plan(
            &engine,
            Some(("kafka", "record", Delivery::Kafka)),
            &[("slack", "post_message")],
        ),
    );
    assert!(g.template_yaml.contains("Type: MSK"), "{}", g.template_yaml);
    assert!(g.template_yaml.contains("AWSLambdaMSKExecutionRole"));
    run(
        &g,
        r#"
seen = []
module.run_workflow = lambda items: seen.extend(items) or {"step_1": len(items)}
def value(v):
    return base64.b64encode(v.encode()).decode()
event = {"eventSource": "aws:kafka", "records": {
    "orders-0": [{"topic": "orders", "partition": 0, "offset": 1, "value": value('{"id": 7}')}],
    "orders-1": [{"topic": "orders", "partition": 1, "offset": 4, "value": value("plain text")},
                 {"topic": "orders", "partition": 1, "offset": 5, "value": "////"}]}}
answer = module.lambda_handler(event, None)
assert seen == [{"id": 7}, {"value": "plain text"}], seen
assert answer["summary"] == {"step_1": 2}, answer
assert module.lambda_handler({"Records": []}, None)["summary"] == {}
"#,
    );
}

/// A function URL event for `body` signed by Square over `url`.
const SQUARE: &str = r#"
def square_event(body, signed_url, key):
    sig = base64.b64encode(hmac.new(key.encode(), (signed_url + body).encode(), hashlib.sha256).digest()).decode()
    return {"rawPath": "/", "headers": {"host": "abc.lambda-url.us-east-1.on.aws", "x-square-hmacsha256-signature": sig},
            "requestContext": {"http": {"method": "POST"}}, "body": body}
"#;

#[test]
fn square_orders_are_fetched_and_signed_urls_match_with_or_without_the_final_slash() {
    let engine = Engine::new().unwrap();
    let g = webhook_to_slack(&engine, "square", "order_created");
    run(
        &g,
        &format!(
            "{SQUARE}{}",
            r#"
key = "sig-key"
module.SQUARE_WEBHOOK_SIGNATURE_KEY = key
module.SQUARE_ACCESS_TOKEN = "tok"
module.SLACK_BOT_TOKEN = "xoxb"
seen = []
module.run_workflow = lambda items: seen.extend(items) or {"step_1": len(items)}
def fake(method, url, **kwargs):
    calls.append((method, url))
    return {"order": {"id": url.rsplit("/", 1)[-1], "total_money": {"amount": 2500, "currency": "USD"}}}
module._http = fake
body = json.dumps({"type": "order.created", "data": {"object": {"order_created": {"order_id": "ORD1", "state": "OPEN"}}}})
for url in ("https://abc.lambda-url.us-east-1.on.aws", "https://abc.lambda-url.us-east-1.on.aws/"):
    answer = module.lambda_handler(square_event(body, url, key), None)
    assert answer["statusCode"] == 200, (url, answer)
assert calls[0] == ("GET", "https://connect.squareup.com/v2/orders/ORD1"), calls
assert seen[0]["total_money"]["amount"] == 2500, seen
tampered = square_event(body, "https://abc.lambda-url.us-east-1.on.aws/", key)
tampered["body"] = body.replace("ORD1", "ORD2")
assert module.lambda_handler(tampered, None)["statusCode"] == 401
other = square_event(body, "https://abc.lambda-url.us-east-1.on.aws/other", key)
assert module.lambda_handler(other, None)["statusCode"] == 401
"#
        ),
    );
}

#[test]
fn facebook_leads_are_fetched_with_the_page_token() {
    let engine = Engine::new().unwrap();
    let p = plan(
        &engine,
        Some(("facebook", "lead", Delivery::Http)),
        &[("slack", "post_message")],
    );
    assert!(
        p.tools[0]
            .credentials
            .contains(&"FACEBOOK_PAGE_TOKEN".to_owned())
    );
    let g = generate(&engine, p);
    run(
        &g,
        r#"
module.FACEBOOK_APP_SECRET = "app-secret"
module.FACEBOOK_VERIFY_TOKEN = "verify"
module.FACEBOOK_PAGE_TOKEN = "page-token"
module.SLACK_BOT_TOKEN = "xoxb"
seen = []
module.run_workflow = lambda items: seen.extend(items) or {}
def fake(method, url, params=None, **kwargs):
    calls.append((url, params))
    return {"id": "L1", "field_data": [{"name": "email", "values": ["ana@example.com"]}]}
module._http = fake
body = json.dumps({"object": "page", "entry": [{"changes": [{"field": "leadgen", "value": {"leadgen_id": "L1", "form_id": "F"}}]}]})
sig = "sha256=" + hmac.new(b"app-secret", body.encode(), hashlib.sha256).hexdigest()
event = {"rawPath": "/", "headers": {"host": "h", "x-hub-signature-256": sig},
         "requestContext": {"http": {"method": "POST"}}, "body": body}
answer = module.lambda_handler(event, None)
assert answer["statusCode"] == 200, answer
assert calls[0][0] == "https://graph.facebook.com/v23.0/L1", calls
assert calls[0][1]["access_token"] == "page-token" and "field_data" in calls[0][1]["fields"], calls
assert seen[0]["field_data"][0]["values"] == ["ana@example.com"], seen
"#,
    );
}

#[test]
fn since_and_now_are_zulu_to_the_second() {
    let engine = Engine::new().unwrap();
    let catalog = engine.catalog();
    let (tool, event) = catalog
        .tools()
        .iter()
        .find_map(|t| {
            t.events.iter().find_map(|e| {
                (e.cursor.as_ref()?.format == crate::catalog::CursorFormat::Iso8601)
                    .then_some((t, e))
            })
        })
        .unwrap();
    let g = generate(
        &engine,
        plan(
            &engine,
            Some((&tool.id, &event.id, Delivery::Poll)),
            &[(&tool.id, event.poll.as_deref().unwrap())],
        ),
    );
    run(
        &g,
        r#"
import re
zulu = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
assert zulu.match(module._since()), module._since()
# `_now` is `_zulu` of the current time; this module does not call it, so it is not written
now = module._zulu(module.datetime.datetime.now(module.datetime.timezone.utc))
assert zulu.match(now), now
module._CURSOR["since"] = "2026-12-06T13:00:00.123456+01:00"
assert module._since() == "2026-12-06T12:00:00Z", module._since()
"#,
    );
}

#[test]
fn whatsapp_notifications_use_a_template_and_replies_carry_the_window_caveat() {
    let engine = Engine::new().unwrap();
    let g = generate(
        &engine,
        plan(&engine, None, &[("whatsapp", "send_template")]),
    );
    assert!(g.code.contains("\"type\": \"template\""), "{}", g.code);
    assert!(g.code.contains("WHATSAPP_TEMPLATE"));
    let reply = generate(
        &engine,
        plan(&engine, None, &[("whatsapp", "send_message")]),
    );
    assert!(
        reply
            .assumptions
            .iter()
            .any(|a| a.contains("last 24 hours")),
        "{:?}",
        reply.assumptions
    );
    assert!(!g.assumptions.iter().any(|a| a.contains("last 24 hours")));
}

#[test]
fn a_match_of_several_values_runs_on_each_and_skips_the_rest() {
    let engine = Engine::new().unwrap();
    let g = webhook_to_slack(&engine, "stripe", "subscription");
    run(
        &g,
        r#"
import time
secret = "whsec_test"
module.STRIPE_WEBHOOK_SECRET = secret
seen = []
module.run_workflow = lambda items: seen.extend(items) or {"step_1": len(items)}
def stripe_event(kind):
    body = json.dumps({"type": kind, "data": {"object": {"id": "sub_1", "status": "active"}}})
    t = str(int(time.time()))
    sig = hmac.new(secret.encode(), (t + "." + body).encode(), hashlib.sha256).hexdigest()
    return {"rawPath": "/", "headers": {"stripe-signature": "t=%s,v1=%s" % (t, sig)},
            "requestContext": {"http": {"method": "POST"}}, "body": body}
for kind in ("customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted"):
    answer = module.lambda_handler(stripe_event(kind), None)
    assert answer["statusCode"] == 200 and "skipped" not in answer["body"], (kind, answer)
assert len(seen) == 3, seen
answer = module.lambda_handler(stripe_event("invoice.paid"), None)
assert answer["statusCode"] == 200 and "skipped" in answer["body"], answer
assert len(seen) == 3, seen
"#,
    );
}

#[test]
fn a_record_field_missing_inside_a_longer_text_is_refused_not_sent_as_none() {
    let engine = Engine::new().unwrap();
    // Expensify's job description is one JSON text with the record's fields inside it; a Shopify
    // order carries the customer's email, so `employeeEmail` is read from the record (merchant,
    // currency and amount fall back to settings since catalog16); since catalog17 the text is
    // an object in the catalog (`json_text`), and a missing value inside it is refused
    let g = generate(
        &engine,
        plan(
            &engine,
            Some(("shopify", "order_created", Delivery::Http)),
            &[("expensify", "create_expense")],
        ),
    );
    assert!(g.code.contains("def _json_texts("), "{}", g.code);
    run(
        &g,
        r#"
def fake(method, url, payload=None, **kwargs):
    calls.append(payload)
    return {"responseCode": 200}
module._http = fake
full = {"email": "a@example.com", "currency": "USD", "merchant": "Cafe", "amount": 1250}
module.step_1_expensify_create_expense([full])
assert '"employeeEmail":"a@example.com"' in calls[0]["requestJobDescription"], calls
try:
    module.step_1_expensify_create_expense([{k: v for k, v in full.items() if k != "email"}])
    raise AssertionError("a record without an email must not be sent with None inside the text")
except ValueError as exc:
    assert "employeeEmail" in str(exc), exc
assert len(calls) == 1, calls
"#,
    );
}

#[test]
fn text_in_a_vendor_markup_is_escaped_to_stay_plain() {
    let engine = Engine::new().unwrap();
    let g = generate(&engine, plan(&engine, None, &[("linkedin", "create_post")]));
    run(
        &g,
        r#"
def fake(method, url, payload=None, **kwargs):
    calls.append(payload)
    return {}
module._http = fake
module.step_1_linkedin_create_post([{"text": "Q3 (draft) #1 {\"a\": [1]} @team a_b \\ ok"}])
sent = calls[0]["commentary"]
assert sent == "Q3 \\(draft\\) \\#1 \\{\"a\": \\[1\\]\\} \\@team a\\_b \\\\ ok", sent
"#,
    );
}

#[test]
fn zendesk_calls_carry_a_client_credentials_token_not_a_retired_api_token() {
    let engine = Engine::new().unwrap();
    let g = generate(
        &engine,
        plan(&engine, None, &[("zendesk", "create_ticket")]),
    );
    assert!(!g.code.contains("ZENDESK_API_TOKEN"), "{}", g.code);
    run(
        &g,
        r#"
def fake(method, url, headers=None, payload=None, form=False, **kwargs):
    calls.append((url, headers, payload, form))
    if url.endswith("/oauth/tokens"):
        return {"access_token": "zat", "token_type": "bearer", "expires_in": 1800}
    return {"ticket": {"id": 1}}
module._http = fake
module.ZENDESK_SUBDOMAIN = "acme"
module.ZENDESK_CLIENT_ID = "cue"
module.ZENDESK_CLIENT_SECRET = "s3cret"
module.step_1_zendesk_create_ticket([{"text": "help"}])
url, headers, payload, form = calls[0]
assert url == "https://acme.zendesk.com/oauth/tokens" and not form, calls[0]
assert payload["grant_type"] == "client_credentials" and payload["client_secret"] == "s3cret", payload
assert calls[1][1]["Authorization"] == "Bearer zat", calls[1]
"#,
    );
}

#[test]
fn every_notification_of_a_batched_delivery_is_matched_and_handed_on() {
    let engine = Engine::new().unwrap();
    let pandadoc = webhook_to_slack(&engine, "pandadoc", "document_completed");
    // PandaDoc: the body is a list of notifications, signed in `?signature=`
    run(
        &pandadoc,
        r#"
key = "shared-key"
module.PANDADOC_WEBHOOK_SHARED_KEY = key
seen = []
module.run_workflow = lambda items: seen.extend(items) or {"step_1": len(items)}
def deliver(notes):
    body = json.dumps(notes)
    sig = hmac.new(key.encode(), body.encode(), hashlib.sha256).hexdigest()
    return module.lambda_handler({"rawPath": "/", "rawQueryString": "signature=" + sig,
        "queryStringParameters": {"signature": sig}, "headers": {"host": "x.lambda-url.us-east-1.on.aws"},
        "requestContext": {"http": {"method": "POST"}}, "body": body}, None)
def note(doc, status, event="document_state_changed"):
    return {"event": event, "data": {"id": doc, "name": "Contract " + doc, "status": status}}
answer = deliver([note("d1", "document.completed"), note("d2", "document.viewed"),
                  note("d3", "document.completed"), note("d4", "document.completed", "recipient_completed")])
assert answer["statusCode"] == 200 and "skipped" not in answer["body"], answer
assert [r["id"] for r in seen] == ["d1", "d3"], seen
assert seen[0]["name"] == "Contract d1", seen
answer = deliver([note("d5", "document.sent")])
assert "skipped" in answer["body"] and len(seen) == 2, (answer, seen)
"#,
    );
    // Meta: entry[].changes[], each leadgen change fetched; other fields and objects skipped
    let facebook = webhook_to_slack(&engine, "facebook", "lead");
    run(
        &facebook,
        r#"
secret = "app-secret"
module.FACEBOOK_APP_SECRET = secret
module.FACEBOOK_VERIFY_TOKEN = "verify"
module.FACEBOOK_PAGE_TOKEN = "page-token"
seen, fetched = [], []
module.run_workflow = lambda items: seen.extend(items) or {"step_1": len(items)}
def fake(method, url, **kwargs):
    fetched.append(url)
    lead = url.split("?")[0].rsplit("/", 1)[1]
    return {"id": lead, "field_data": [{"name": "email", "values": [lead + "@example.com"]}]}
module._http = fake
def deliver(body):
    text = json.dumps(body)
    sig = "sha256=" + hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()
    return module.lambda_handler({"rawPath": "/", "headers": {"x-hub-signature-256": sig},
        "requestContext": {"http": {"method": "POST"}}, "body": text}, None)
def change(field, lead):
    return {"field": field, "value": {"leadgen_id": lead, "form_id": "F", "page_id": "P"}}
answer = deliver({"object": "page", "entry": [
    {"id": "P", "time": 1, "changes": [change("leadgen", "L1"), change("feed", "X1")]},
    {"id": "P", "time": 2, "changes": [change("leadgen", "L2")]}]})
assert answer["statusCode"] == 200 and "skipped" not in answer["body"], answer
assert [r["id"] for r in seen] == ["L1", "L2"], seen
assert len(fetched) == 2 and "X1" not in "".join(fetched), fetched
answer = deliver({"object": "user", "entry": [{"id": "U", "time": 1, "changes": [change("leadgen", "L3")]}]})
assert "skipped" in answer["body"] and len(seen) == 2, (answer, seen)
"#,
    );
    // Asana: {events: [...]}, only the task additions of a mixed batch run
    let asana = webhook_to_slack(&engine, "asana", "task_created");
    run(
        &asana,
        r#"
secret = "hook-secret"
module.ASANA_WEBHOOK_SECRET = secret
module.ASANA_TOKEN = "pat"
seen, fetched = [], []
module.run_workflow = lambda items: seen.extend(items) or {"step_1": len(items)}
def fake(method, url, **kwargs):
    # Asana's events carry ids only: each task is fetched (GET /tasks/{gid}, answer {data})
    fetched.append(url + "?" + json.dumps(kwargs.get("params")))
    gid = url.split("?")[0].rsplit("/", 1)[1]
    return {"data": {"gid": gid, "name": "Task " + gid, "notes": "details"}}
module._http = fake
def ev(action, kind, gid):
    return {"action": action, "resource": {"gid": gid, "resource_type": kind}}
text = json.dumps({"events": [ev("changed", "task", "1"), ev("added", "task", "2"), ev("added", "story", "3"), ev("added", "task", "4")]})
sig = hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()
answer = module.lambda_handler({"rawPath": "/", "headers": {"x-hook-signature": sig},
    "requestContext": {"http": {"method": "POST"}}, "body": text}, None)
assert answer["statusCode"] == 200, answer
assert [r["name"] for r in seen] == ["Task 2", "Task 4"], seen
assert all("/tasks/" in u and "opt_fields" in u for u in fetched) and len(fetched) == 2, fetched
"#,
    );
}

/// Zoom lists recordings from `from` (default: today, Zoom's reference) to `to`, both
/// yyyy-mm-dd: a scheduled run sends its window's first and last day, not nothing.
#[test]
fn zoom_recordings_are_listed_over_the_runs_window_in_dates() {
    let engine = Engine::new().unwrap();
    let zoom = generate(&engine, plan(&engine, None, &[("zoom", "list_recordings")]));
    run(
        &zoom,
        r#"
import datetime, re
def fake(method, url, params=None, **kwargs):
    if "oauth" in url:
        return {"access_token": "t", "expires_in": 3600}
    calls.append(params)
    return {"meetings": []}
module._http = fake
module.step_1_zoom_list_recordings([{}])
sent = calls[0]
assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", sent["from"]) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", sent["to"]), sent
start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=module.POLL_MINUTES)
assert sent["from"] == start.strftime("%Y-%m-%d") and sent["from"] <= sent["to"], sent
"#,
    );
}

#[test]
fn a_window_bound_is_sent_in_the_form_its_parameter_takes_whatever_the_trigger() {
    let engine = Engine::new().unwrap();
    // a schedule, not the poll: no cursor decides the form, the query's `{since:unix}` does
    let etsy = generate(&engine, plan(&engine, None, &[("etsy", "list_receipts")]));
    run(
        &etsy,
        r#"
import time
def fake(method, url, params=None, **kwargs):
    if "oauth" in url:
        return {"access_token": "t", "refresh_token": "r", "expires_in": 3600}
    calls.append(params)
    return {"count": 0, "results": []}
module._http = fake
module.step_1_etsy_list_receipts([{}])
sent = calls[0]["min_created"]
assert sent.isdecimal() and abs(int(sent) - (time.time() - module.POLL_MINUTES * 60)) < 120, sent
# a kept cursor in epoch milliseconds or ISO text is the same instant in every form
assert module._time_as("1705521304281", "unix") == "1705521304"
assert module._time_as("1705521304", "unix_ms") == "1705521304000"
assert module._time_as("2024-01-17T19:55:04Z", "sql") == "2024-01-17 19:55:04"
assert module._time_as("2024-01-17T20:55:04+01:00", "date") == "2024-01-17"
"#,
    );
    let magento = generate(&engine, plan(&engine, None, &[("magento", "list_orders")]));
    run(
        &magento,
        r#"
import re
def fake(method, url, params=None, **kwargs):
    if "token" in url:
        return "admin-token"
    calls.append(params)
    return {"items": []}
module._http = fake
module.step_1_magento_list_orders([{}])
sent = calls[0]["searchCriteria[filter_groups][0][filters][0][value]"]
assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", sent), sent
"#,
    );
    // an unknown form is refused when the code is written, not sent
    let mut ctx_consts = BTreeMap::new();
    ctx_consts.insert("x".to_owned(), "X".to_owned());
    let mut ctx = super::expr::Ctx::new("item", &ctx_consts);
    assert!(ctx.value(&serde_json::json!("{since:rfc822}")).is_err());
    assert!(ctx.value(&serde_json::json!("{since:unix}")).is_ok());
}

#[test]
fn a_webhook_signed_with_a_json_web_token_is_checked_claim_by_claim() {
    let engine = Engine::new().unwrap();
    let g = webhook_to_slack(&engine, "netlify", "deploy");
    assert!(
        !g.code.contains("NETLIFY_WEBHOOK_TOKEN"),
        "no URL secret any more"
    );
    run(
        &g,
        r#"
import time
key = "jws-secret"
module.NETLIFY_WEBHOOK_JWS_SECRET = key
seen = []
module.run_workflow = lambda items: seen.extend(items) or {"step_1": len(items)}
def part(raw):
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")
def token(claims, alg="HS256", secret=key):
    signed = part(json.dumps({"alg": alg, "typ": "JWT"}).encode()) + "." + part(json.dumps(claims).encode())
    return signed + "." + part(hmac.new(secret.encode(), signed.encode(), hashlib.sha256).digest())
def deliver(body, jws):
    return module.lambda_handler({"rawPath": "/", "headers": {"x-webhook-signature": jws},
        "requestContext": {"http": {"method": "POST"}}, "body": body}, None)
body = json.dumps({"id": "d1", "state": "ready", "branch": "main"})
digest = hashlib.sha256(body.encode()).hexdigest()
# as Netlify signs: HS256 under the JWS secret, iss netlify, sha256 of the body
assert deliver(body, token({"iss": "netlify", "sha256": digest}))["statusCode"] == 200
assert seen == [{"id": "d1", "state": "ready", "branch": "main"}], seen
refused = [
    deliver(body.replace("ready", "error"), token({"iss": "netlify", "sha256": digest})),  # tampered body
    deliver(body, token({"iss": "netlify", "sha256": digest}, secret="guess")),  # another key
    deliver(body, token({"iss": "other", "sha256": digest})),  # another issuer
    deliver(body, token({"iss": "netlify"})),  # not tied to the body
    deliver(body, token({"iss": "netlify", "sha256": digest, "exp": int(time.time()) - 60})),  # expired
    deliver(body, token({"iss": "netlify", "sha256": digest}).rsplit(".", 1)[0] + "."),  # no signature
    deliver(body, part(b'{"alg":"none"}') + "." + part(json.dumps({"iss": "netlify", "sha256": digest}).encode()) + "."),
    deliver(body, "not a token"),
    deliver(body, "a.b\u00e9.c"),
]
assert [a["statusCode"] for a in refused] == [401] * len(refused), refused
assert len(seen) == 1, seen
"#,
    );
}

#[test]
fn pinterest_descriptions_and_telegram_texts_are_cut_to_their_documented_limits() {
    let engine = Engine::new().unwrap();
    for (tool, action, field, max) in [
        ("pinterest", "create_pin", "description", 800),
        ("telegram", "send_message", "text", 4096),
    ] {
        let g = generate(&engine, plan(&engine, None, &[(tool, action)]));
        let said = format!("{field} accepts at most {max} characters");
        assert!(
            g.assumptions.iter().any(|a| a.contains(&said)),
            "{tool}: {:?}",
            g.assumptions
        );
    }
    // a step without a documented limit says nothing of the kind
    let g = generate(&engine, plan(&engine, None, &[("slack", "post_message")]));
    assert!(!g.assumptions.iter().any(|a| a.contains("accepts at most")));
}

#[test]
fn a_match_on_presence_runs_new_messages_and_skips_other_updates() {
    let engine = Engine::new().unwrap();
    let g = webhook_to_slack(&engine, "telegram", "message");
    run(
        &g,
        r#"
module.TELEGRAM_WEBHOOK_SECRET = "s3cret"
seen = []
module.run_workflow = lambda items: seen.extend(items) or {"step_1": len(items)}
def deliver(update):
    return module.lambda_handler({"rawPath": "/", "headers": {"x-telegram-bot-api-secret-token": "s3cret"},
        "requestContext": {"http": {"method": "POST"}}, "body": json.dumps(update)}, None)
answer = deliver({"update_id": 1, "message": {"message_id": 5, "text": "hi", "chat": {"id": 7}}})
assert answer["statusCode"] == 200 and "skipped" not in answer["body"], answer
assert seen == [{"message_id": 5, "text": "hi", "chat": {"id": 7}}], seen
for other in ({"update_id": 2, "edited_message": {"message_id": 5, "text": "hi!"}},
              {"update_id": 3, "channel_post": {"message_id": 6, "text": "news"}}):
    answer = deliver(other)
    assert "skipped" in answer["body"], answer
assert len(seen) == 1, seen
"#,
    );
}

#[test]
fn a_mailchimp_campaign_step_says_it_leaves_a_draft_unsent() {
    let engine = Engine::new().unwrap();
    let g = generate(
        &engine,
        plan(&engine, None, &[("mailchimp", "create_campaign_draft")]),
    );
    assert!(
        g.assumptions.iter().any(|a| a.contains("it is not sent")),
        "{:?}",
        g.assumptions
    );
    // review 14 (R14-3): the send action sends, and says so
    let sent = generate(
        &engine,
        plan(&engine, None, &[("mailchimp", "send_campaign")]),
    );
    assert!(
        !sent
            .assumptions
            .iter()
            .any(|a| a.contains("it is not sent"))
            && sent
                .assumptions
                .iter()
                .any(|a| a.contains("sent to the audience")),
        "{:?}",
        sent.assumptions
    );
    let other = generate(
        &engine,
        plan(&engine, None, &[("mailchimp", "add_subscriber")]),
    );
    assert!(
        !other
            .assumptions
            .iter()
            .any(|a| a.contains("it is not sent"))
    );
}

#[test]
fn a_secret_sent_in_the_body_is_checked_and_never_handed_on() {
    let engine = Engine::new().unwrap();
    let g = webhook_to_slack(&engine, "figma", "file_comment");
    assert!(
        !g.code.contains("FIGMA_WEBHOOK_TOKEN"),
        "no URL secret any more"
    );
    run(
        &g,
        r#"
module.FIGMA_WEBHOOK_PASSCODE = "pass-123"
seen = []
module.run_workflow = lambda items: seen.extend(items) or {"step_1": len(items)}
def deliver(passcode):
    body = {"event_type": "FILE_COMMENT", "webhook_id": "22", "file_name": "Landing", "comment": [{"text": "bigger logo"}]}
    if passcode is not None:
        body["passcode"] = passcode
    return module.lambda_handler({"rawPath": "/", "headers": {}, "requestContext": {"http": {"method": "POST"}},
                                  "body": json.dumps(body)}, None)
assert deliver("pass-123")["statusCode"] == 200
assert len(seen) == 1 and "passcode" not in seen[0] and seen[0]["file_name"] == "Landing", seen
assert [deliver(p)["statusCode"] for p in ("guess", "", None, 123)] == [401] * 4
assert len(seen) == 1, seen
"#,
    );
}
