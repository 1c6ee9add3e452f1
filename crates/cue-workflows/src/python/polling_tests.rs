//! Polling triggers with a `cursor`: the generated function (run with python3, DynamoDB and the
//! vendor faked) emits each item once across runs and asks the vendor only for what is newer.

#![expect(clippy::unwrap_used, reason = "tests")]

use std::process::Command;

use serde_json::json;

use super::test_plans::{one_step, poll};
use crate::Engine;

const RUNS: &str = r#"
import importlib.util, json, sys
path, case = sys.argv[1], json.loads(sys.argv[2])
spec = importlib.util.spec_from_file_location("generated", path)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
store = {}

class Table:
    def get_item(self, TableName, Key):
        return {"Item": store[TableName]} if TableName in store else {}
    def put_item(self, TableName, Item):
        store[TableName] = Item

module._cursor_db = Table()
module.CURSOR_TABLE = "cursor-table"
field, dedupe, fmt, records_at = case["field"], case["dedupe"], case["format"], case["records"]

def value(i):
    if fmt == "unix":
        return 1765000000 + i * 60
    if fmt == "unix_ms":
        return str(1765000000000 + i * 60000)
    if fmt == "iso8601":
        return "2026-12-06T10:%02d:00.000Z" % i
    if fmt == "date":
        return "2026-12-%02d" % (i + 1)
    return "https://example.com/item/%d" % i

def record(i):
    out = {}
    # an item of the event: what its `match` asks for (Box's `type: file`), then its cursor
    pairs = [(path, v) for path, v in case.get("matches") or []]
    pairs += [(field, value(i)), (dedupe or field, "id-%d" % i if dedupe and dedupe != field else value(i))]
    for path, v in pairs:
        node = out
        parts = path.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = v
    return out

served = []

def fake_http(method, url, params=None, **kwargs):
    if "token" in url.rsplit("/", 2)[-1] or url.endswith("/token"):
        return {"access_token": "tok", "expires_in": 3600}
    last = url.rstrip("/").rsplit("/", 1)[-1]
    for r in served:
        # a detail call for one listed record (Gmail lists ids only)
        if last and '"%s"' % last in json.dumps(r):
            return r
    answer = list(served)
    for key in reversed([k for k in (records_at or "").split(".") if k]):
        answer = {key: answer}
    return answer

module._http = fake_http
# a mailbox (IMAP) is read through imaplib, not _http: it answers the same records
if hasattr(module, "_imap_unseen"):
    module._imap_unseen = lambda: list(served)
served[:] = [record(0), record(1)]
first = module.run_workflow([])
assert first["step_1"] == 0, ("the first run hands on nothing older than its own window", first)
served[:] = [record(0), record(1), record(2)]
second = module.run_workflow([])
assert second["step_1"] == 1, ("only the new record goes on", second)
third = module.run_workflow([])
assert third["step_1"] == 0, third
kept = json.loads(store["cursor-table"]["value"]["S"])
if fmt != "id":
    assert module._cursor_key(kept["since"]) == module._cursor_key(value(2)), kept
    since = module._since()
    assert since == module._cursor_text(value(2)), since
print("ok")
"#;

#[test]
fn polling_triggers_emit_each_item_once() {
    if Command::new("python3").arg("--version").output().is_err() {
        return;
    }
    let engine = Engine::new().unwrap();
    let mut formats = std::collections::BTreeSet::new();
    let mut checked = 0;
    for tool in engine.catalog().tools() {
        for event in &tool.events {
            let (Some(cursor), Some(polled)) = (&event.cursor, &event.poll) else {
                continue;
            };
            if cursor.format == crate::catalog::CursorFormat::Row {
                // counted rows, not values: answers_tests.rs
                continue;
            }
            let action = tool.action(polled).unwrap();
            let plan = one_step("Poll", poll(tool, event, "rate(5 minutes)"), tool, action);
            let g = engine.generate_from_plan(plan).unwrap();
            let report = g.validation.as_ref().unwrap();
            assert_eq!(report.error_count, 0, "{}: {:?}", tool.id, report.findings);
            assert!(g.template_yaml.contains("CURSOR_TABLE: !Ref CursorTable"));
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("lambda_function.py");
            std::fs::write(&path, &g.code).unwrap();
            let case = json!({
                "fn": "step_1",
                "field": cursor.field,
                "dedupe": cursor.dedupe,
                "format": format!("{:?}", cursor.format),
                "records": action.records,
                "matches": event
                    .matches
                    .iter()
                    .filter_map(|m| Some((m.path.clone()?, m.equals.clone())))
                    .filter(|(_, v)| !v.is_null())
                    .collect::<Vec<_>>(),
            });
            let case = case.to_string().replace(
                &format!("\"{:?}\"", cursor.format),
                &format!(
                    "{:?}",
                    match cursor.format {
                        crate::catalog::CursorFormat::Unix => "unix",
                        crate::catalog::CursorFormat::UnixMs => "unix_ms",
                        crate::catalog::CursorFormat::Iso8601 => "iso8601",
                        crate::catalog::CursorFormat::Date => "date",
                        crate::catalog::CursorFormat::Id => "id",
                        crate::catalog::CursorFormat::Row => "row",
                    }
                ),
            );
            let out = Command::new("python3")
                .env("AWS_DEFAULT_REGION", "us-east-1")
                .arg("-c")
                .arg(RUNS)
                .arg(&path)
                .arg(&case)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{} {}: {}{}",
                tool.id,
                event.id,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            formats.insert(format!("{:?}", cursor.format));
            checked += 1;
        }
    }
    assert!(checked >= 20, "{checked}");
    assert!(formats.len() >= 4, "{formats:?}");
}

#[test]
fn polling_faster_than_the_vendor_allows_is_slowed_down() {
    let engine = Engine::new().unwrap();
    let (tool, event, min) = engine
        .catalog()
        .tools()
        .iter()
        .find_map(|t| {
            t.events.iter().find_map(|e| {
                let m = e.cursor.as_ref()?.min_interval_minutes?;
                (m > 1).then_some((t, e, m))
            })
        })
        .unwrap();
    let action = tool.action(event.poll.as_deref().unwrap()).unwrap();
    let plan = |rate: &str| one_step("Poll", poll(tool, event, rate), tool, action);
    let fast = engine.generate_from_plan(plan("rate(1 minute)")).unwrap();
    let slowed = format!("rate({min} minutes)");
    assert_eq!(
        fast.plan.trigger.schedule_expression.as_deref(),
        Some(slowed.as_str())
    );
    assert!(fast.template_yaml.contains(&slowed));
    assert!(
        fast.assumptions
            .iter()
            .any(|a| a.contains(&format!("at most every {min} minutes"))),
        "{:?}",
        fast.assumptions
    );
    let slow = format!("rate({} minutes)", min + 5);
    let g = engine.generate_from_plan(plan(&slow)).unwrap();
    assert_eq!(g.plan.trigger.schedule_expression, Some(slow));
}

#[test]
fn an_iso_time_kept_for_an_epoch_filter_is_sent_as_epoch() {
    if Command::new("python3").arg("--version").output().is_err() {
        return;
    }
    let engine = Engine::new().unwrap();
    let tool = engine.catalog().tool("hubspot").unwrap();
    let event = tool
        .events
        .iter()
        .find(|e| e.id == "contact_created")
        .unwrap();
    let action = tool.action(event.poll.as_deref().unwrap()).unwrap();
    let plan = one_step("Poll", poll(tool, event, "rate(5 minutes)"), tool, action);
    let g = engine.generate_from_plan(plan).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lambda_function.py");
    std::fs::write(&path, &g.code).unwrap();
    let script = r#"
import importlib.util, sys
spec = importlib.util.spec_from_file_location("generated", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
# HubSpot answers createdAt as ISO text and filters by epoch milliseconds
assert module._cursor_key("2024-01-17T19:55:04.281Z") == 1705521304281, module._cursor_key("2024-01-17T19:55:04.281Z")
assert module._cursor_key("1705521304281") == 1705521304281
module._CURSOR.clear()
fresh = module._cursor_new([{"id": "1", "createdAt": "2024-01-17T19:55:04.281Z"}])
assert module._CURSOR["since"] == "2024-01-17T19:55:04.281Z", module._CURSOR
assert module._since() == "1705521304281", module._since()
print("ok")
"#;
    let out = Command::new("python3")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .arg("-c")
        .arg(script)
        .arg(&path)
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
fn edits_sharing_a_rounded_minute_are_each_emitted_once() {
    if Command::new("python3").arg("--version").output().is_err() {
        return;
    }
    let engine = Engine::new().unwrap();
    let tool = engine.catalog().tool("notion").unwrap();
    let event = tool.events.iter().find(|e| e.id == "page_updated").unwrap();
    let action = tool.action(event.poll.as_deref().unwrap()).unwrap();
    let plan = one_step("Poll", poll(tool, event, "rate(5 minutes)"), tool, action);
    let g = engine.generate_from_plan(plan).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lambda_function.py");
    std::fs::write(&path, &g.code).unwrap();
    // Notion rounds last_edited_time down to the minute: A was emitted at 10:05:30 with
    // 10:05, B was edited at 10:05:50 and carries 10:05 too
    let script = r#"
import importlib.util, sys
spec = importlib.util.spec_from_file_location("generated", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
module.CURSOR_TABLE = ""
def page(ident, minute):
    return {"id": ident, "last_edited_time": "2026-12-06T10:%02d:00.000Z" % minute}
module._CURSOR.clear()
module._CURSOR.update({"since": page("A", 5)["last_edited_time"], "seen": []})
assert [r["id"] for r in module._cursor_new([page("A", 5)])] == ["A"]
# the next poll: B shares A's minute and is new; A's same edit is not; an older page is not
fresh = module._cursor_new([page("A", 5), page("B", 5), page("C", 4)])
assert [r["id"] for r in fresh] == ["B"], fresh
assert module._cursor_new([page("A", 5), page("B", 5)]) == []
# A edited again a minute later is emitted again, once
assert [r["id"] for r in module._cursor_new([page("A", 6), page("B", 5)])] == ["A"]
assert module._cursor_new([page("A", 6), page("B", 5)]) == []
print("ok")
"#;
    let out = Command::new("python3")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
