//! Review 8's findings about the generated code (docs/catalog-review-8-fixes.md), run with
//! python3 against a faked opener so `_http` itself makes and reads each call.

#![expect(clippy::unwrap_used, reason = "tests")]

use super::answers_tests::{FAKE_OPENER, generate, plan, run};
use crate::Engine;

#[test]
fn a_call_answered_only_when_its_work_is_done_waits_long_and_is_not_sent_twice() {
    let engine = Engine::new().unwrap();
    let g = generate(
        &engine,
        plan(&engine, None, &[("anthropic", "generate_text")]),
    );
    run(
        &g,
        &format!(
            r#"{FAKE_OPENER}
answers(b'{{"content": [{{"type": "text", "text": "a summary"}}]}}')
assert module.step_1_anthropic_generate_text([{{"text": "long"}}]) == [{{"text": "a summary"}}]
assert opened[0][1] == 50, opened
# a generation that outlasts the timeout fails once: a resend would be billed again
opened.clear()
answers(TimeoutError("read timed out"))
try:
    module.step_1_anthropic_generate_text([{{"text": "long"}}])
    raise AssertionError("a timed-out generation must fail")
except TimeoutError:
    pass
assert len(opened) == 1, opened
# an ordinary call keeps the short socket timeout and its retries
opened.clear()
answers(TimeoutError("read timed out"), b'{{"ok": true}}')
assert module._http("GET", "https://example.com/x") == {{"ok": True}}
assert [t for _, t in opened] == [module.HTTP_TIMEOUT_SECONDS] * 2, opened
"#
        ),
    );
}

#[test]
fn a_feed_with_a_byte_order_mark_or_another_encoding_is_read_as_items() {
    let engine = Engine::new().unwrap();
    let g = generate(&engine, plan(&engine, None, &[("rss", "read_feed")]));
    run(
        &g,
        &format!(
            r#"{FAKE_OPENER}
feed = '<rss version="2.0"><channel><title>t</title><item><title>Caf\u00e9</title><link>https://e.org/1</link></item></channel></rss>'
answers(b"\xef\xbb\xbf" + feed.encode("utf-8"))
assert module.step_1_rss_read_feed([]) == [{{"title": "Caf\u00e9", "link": "https://e.org/1"}}]
latin = '<?xml version="1.0" encoding="ISO-8859-1"?>' + feed
answers(latin.encode("latin-1"))
assert module.step_1_rss_read_feed([]) == [{{"title": "Caf\u00e9", "link": "https://e.org/1"}}]
accept = opened[0][0].get_header("Accept")
assert accept.startswith("application/rss+xml"), accept
"#
        ),
    );
}

#[test]
fn a_snowflake_statement_still_running_is_waited_for_not_read_as_no_rows() {
    let engine = Engine::new().unwrap();
    let g = generate(&engine, plan(&engine, None, &[("snowflake", "execute")]));
    assert!(
        g.assumptions.iter().any(|a| a.contains("45 s")),
        "{:?}",
        g.assumptions
    );
    run(
        &g,
        &format!(
            r#"{FAKE_OPENER}
running = json.dumps({{"code": "333334", "message": "Asynchronous execution in progress. Use provided query id to perform query monitoring and management.",
    "statementHandle": "01a2-b3", "statementStatusUrl": "/api/v2/statements/01a2-b3"}}).encode()
done = json.dumps({{"code": "090001", "statementHandle": "01a2-b3", "resultSetMetaData": {{"rowType": [{{"name": "N"}}]}},
    "data": [["1"], ["2"]]}}).encode()
answers(Answer(running, 202), Answer(running, 202), Answer(done))
assert module.step_1_snowflake_execute([]) == [{{"N": "1"}}, {{"N": "2"}}]
methods = [(r.get_method(), r.full_url.split("?")[0].rsplit("/", 2)[-2:]) for r, _ in opened]
assert methods[0] == ("POST", ["v2", "statements"]) and methods[1:] == [("GET", ["statements", "01a2-b3"])] * 2, methods
assert "requestId=" in opened[0][0].full_url and opened[0][1] == 50, opened
# still running when the function's time is up: a failure, never "no rows"
opened.clear()
module.JOB_WAIT_SECONDS = 0
answers(Answer(running, 202))
try:
    module.step_1_snowflake_execute([])
    raise AssertionError("a statement still running must fail")
except TimeoutError:
    pass
"#
        ),
    );
}

#[test]
fn twilio_is_answered_twiml_and_sms_bodies_fit_its_limit() {
    let engine = Engine::new().unwrap();
    let g = super::answers_tests::webhook_to_slack(&engine, "twilio", "incoming_sms");
    run(
        &g,
        r#"
ok = module._response(200, {"status": "accepted"})
assert ok["headers"]["Content-Type"] == "text/xml" and ok["body"] == "<Response/>", ok
refused = module._response(401, {"error": "invalid signature"})
assert refused["headers"]["Content-Type"] == "application/json", refused
"#,
    );
    let g = generate(&engine, plan(&engine, None, &[("twilio", "send_sms")]));
    assert!(
        g.assumptions
            .iter()
            .any(|a| a.contains("Body accepts at most 1600")),
        "{:?}",
        g.assumptions
    );
}

#[test]
fn a_sharepoint_item_gets_a_short_title_and_the_record_in_its_details_column() {
    let engine = Engine::new().unwrap();
    let g = generate(
        &engine,
        plan(&engine, None, &[("sharepoint", "add_list_item")]),
    );
    assert!(
        g.assumptions.iter().any(|a| a.contains("Details")),
        "{:?}",
        g.assumptions
    );
    run(
        &g,
        &format!(
            r#"{FAKE_OPENER}
module._microsoft_access_token = lambda: "t"
for name in dir(module):
    if name.endswith("_access_token") and callable(getattr(module, name)):
        setattr(module, name, lambda: "t")
answers(b'{{"id": "20"}}')
record = {{"form_response": {{"answers": [{{"text": "x" * 400}}]}}}}
module.step_1_sharepoint_add_list_item([record])
request = [r for r, _ in opened if r.full_url.endswith("/items")][0]
fields = json.loads(request.data)["fields"]
assert len(fields["Title"]) == 255 and fields["Title"].endswith(" [truncated]"), fields
assert json.loads(fields["Details"]) == record, fields
"#
        ),
    );
}

#[test]
fn a_postgres_table_setting_names_the_table_the_statement_uses() {
    let engine = Engine::new().unwrap();
    let mut g = generate(&engine, plan(&engine, None, &[("postgres", "insert_rows")]));
    // the driver is not needed: the connection is faked below
    assert!(g.code.contains("import pg8000.native\n"));
    g.code = g.code.replace("import pg8000.native\n", "");
    assert!(
        g.assumptions.iter().any(|a| a.contains("CREATE TABLE")),
        "{:?}",
        g.assumptions
    );
    run(
        &g,
        r#"
ran = []
module._postgres_connect = lambda statement, params: ran.append((statement, params)) or []
module.step_1_postgres_insert_rows([{"a": 1}])
assert ran[0][0] == "INSERT INTO workflow_records (payload) VALUES (:payload)", ran
module.POSTGRES_TABLE = "audit.events"
module.step_1_postgres_insert_rows([{"a": 1}])
assert ran[1][0] == "INSERT INTO audit.events (payload) VALUES (:payload)", ran
module.POSTGRES_TABLE = "x; DROP TABLE y"
try:
    module.step_1_postgres_insert_rows([{"a": 1}])
    raise AssertionError("a setting that is not an identifier must be refused")
except ValueError:
    pass
assert len(ran) == 2, ran
"#,
    );
}
