//! Review 17's findings (docs/catalog-review-17.md, fixes in docs/catalog-review-17-fixes.md),
//! each from prompts and records of our own: R17-1 a needed name finds the record's field
//! whatever its case and underscores, R17-2 a form's answers kept as a map of labelled objects
//! are "Label: value" lines, R17-4 a scheduled read the vendor cannot filter by time keeps only
//! the run's window, R17-6 an "opened"/"created" trigger runs only on that action.

#![expect(clippy::unwrap_used, reason = "tests")]

mod support;

use cue_workflows::catalog::Catalog;
use support::{generated, has_step, plan, run_with_fake_http};

/// R17-1: a BambooHR employee (`firstName`, `lastName`, `workEmail`) gives Google Workspace
/// its names and e-mail; the README no longer says the record lacks them. A record with
/// neither spelling still gets the stand-in.
#[test]
fn camel_case_record_fields_bind_snake_case_needs() {
    let p = plan("when a new employee is added in bamboohr, create their google workspace account");
    assert!(
        has_step(&p, "google_workspace", "create_user"),
        "{:?}",
        p.steps
    );
    let g = generated(p);
    assert!(
        !g.readme.contains("first_name") && !g.readme.contains("work_email"),
        "{}",
        g.readme
    );
    run_with_fake_http(
        &g.code,
        r#"{"primaryEmail": "grace@acme.com"}"#,
        r#"
create = step("google_workspace_create_user")
create([{"firstName": "Grace", "lastName": "Hopper", "workEmail": "grace@acme.com", "id": "3"}])
body = [s for s in sent if s[0] == "POST"][-1][2]
assert body["primaryEmail"] == "grace@acme.com", body
assert body["name"] == {"givenName": "Grace", "familyName": "Hopper"}, body
# the snake_case spelling is still read as it is
sent.clear()
create([{"first_name": "Ada", "last_name": "Lovelace", "work_email": "ada@acme.com"}])
body = [s for s in sent if s[0] == "POST"][-1][2]
assert body["name"]["givenName"] == "Ada" and body["primaryEmail"] == "ada@acme.com", body
"#,
    );
}

/// R17-2: a Jotform submission's answers (a map keyed by question id of `{name, text, answer}`)
/// reach Slack as "Label: value" lines in the form's order, headings left out; a WhatsApp-like
/// record whose nested `text` is its content keeps it; `_field` (where emitted) finds an answer
/// by its name.
#[test]
fn labelled_answer_maps_read_as_label_value_lines() {
    let p = plan("every morning at 9am list my jotform submissions and post them to slack");
    assert!(has_step(&p, "jotform", "list_submissions"), "{:?}", p.steps);
    let g = generated(p);
    run_with_fake_http(
        &g.code,
        "{}",
        r#"
jot = {"id": "5", "form_id": "1", "status": "ACTIVE", "answers": {
    "1": {"name": "heading", "order": "1", "text": "Contact us", "type": "control_head"},
    "4": {"name": "email", "order": "3", "text": "Email", "type": "control_email", "answer": "ada@example.org"},
    "3": {"name": "fullName", "order": "2", "text": "Full Name", "type": "control_fullname",
          "answer": {"first": "Ada", "last": "Lovelace"}, "prettyFormat": "Ada Lovelace"},
    "6": {"name": "size", "order": "4", "text": "Size", "type": "control_dropdown", "answer": {"first": "M"}}}}
assert module._text(jot) == "Full Name: Ada Lovelace\nEmail: ada@example.org\nSize: M", module._text(jot)
if hasattr(module, "_field"):
    assert module._field(jot, "email") == "ada@example.org"
# nested text that is the content, not a label: kept
assert module._text({"from": "123", "text": {"body": "hello there"}}) == "hello there"
# objects with titles but no answers are no answer map
assert module._text({"id": 1, "meta": {"a": {"title": "x"}, "b": {"title": "y"}}}) == "x"
# Typeform-style lists are unchanged
lead = {"id": "1", "field_data": [{"name": "email", "values": ["b@example.org"]}]}
assert module._text(lead) == "email: b@example.org", module._text(lead)
"#,
    );
}

/// R17-4: Notion's weekly read of "this week" (its search takes no time filter) keeps only the
/// pages edited in the window; a read that sends `{since}` (Slack's history) is not cut again,
/// and a read that names no period is whole.
#[test]
fn a_scheduled_read_without_a_time_filter_keeps_its_window() {
    let p =
        plan("every friday at 4pm list the notion pages edited this week and post them to slack");
    assert!(has_step(&p, "notion", "search_pages"), "{:?}", p.steps);
    let g = generated(p);
    assert!(g.code.contains("_in_window("), "no window cut");
    run_with_fake_http(
        &g.code,
        r#"{"results": [
            {"id": "new", "last_edited_time": (module.datetime.datetime.now(module.datetime.timezone.utc) - module.datetime.timedelta(minutes=1)).isoformat()},
            {"id": "old", "last_edited_time": "2020-01-01T00:00:00.000Z"},
            {"id": "unknown"}]}"#,
        r#"
read = step("notion_search_pages")
ids = [r["id"] for r in read([{}])]
assert ids == ["new", "unknown"], ids
"#,
    );
    // no cut: a read whose request sends the window (Slack's `oldest`), a read that names no
    // period (every file of the folder, every page)
    for prompt in [
        "every friday at 5pm read the messages in my slack channel from this week and post them to microsoft teams",
        "every day at 5pm list the files in my sharepoint folder and post them to microsoft teams",
        "every sunday at 2am delete the files in my google drive folder",
        "every friday at 4pm list my notion pages and post them to slack",
    ] {
        let g = generated(plan(prompt));
        assert!(!g.code.contains("_in_window("), "{prompt}");
    }
}

/// R17-6: GitHub's "opened" and Chargebee's "created"/"cancelled" are their own events, which
/// run only on that action or type; the broad events keep the others.
#[test]
fn an_opened_or_created_trigger_runs_only_on_that_action() {
    for (prompt, tool, event) in [
        (
            "when a github pull request is opened, post it to slack",
            "github",
            "pull_request_opened",
        ),
        (
            "when a new pull request is created in github, post it to slack",
            "github",
            "pull_request_opened",
        ),
        (
            "when a github issue is opened, post it to slack",
            "github",
            "issue_opened",
        ),
        (
            "when a pull request is merged in github, post it to slack",
            "github",
            "pull_request_merged",
        ),
        (
            "when a chargebee subscription is created, post it to slack",
            "chargebee",
            "subscription_created",
        ),
        (
            "when a chargebee subscription is cancelled, post it to slack",
            "chargebee",
            "subscription_cancelled",
        ),
        (
            "when a chargebee subscription is renewed, post it to slack",
            "chargebee",
            "subscription_renewed",
        ),
    ] {
        let p = plan(prompt);
        assert_eq!(
            (p.trigger.tool.as_deref(), p.trigger.event.as_deref()),
            (Some(tool), Some(event)),
            "{prompt}"
        );
    }
    // the events' matches, from the vendors' references
    let catalog = Catalog::builtin().unwrap();
    for (tool, event, path, value) in [
        ("github", "pull_request_opened", "action", "opened"),
        ("github", "issue_opened", "action", "opened"),
        (
            "chargebee",
            "subscription_created",
            "event_type",
            "subscription_created",
        ),
        (
            "chargebee",
            "subscription_cancelled",
            "event_type",
            "subscription_cancelled",
        ),
    ] {
        let e = catalog
            .tool(tool)
            .unwrap()
            .events
            .iter()
            .find(|e| e.id == event)
            .unwrap();
        assert!(
            e.matches
                .iter()
                .any(|m| m.path.as_deref() == Some(path) && m.equals == value),
            "{tool} {event}"
        );
    }
}

/// R17-6: the generated handler skips a pull request's other actions and runs on "opened".
#[test]
fn an_opened_pull_request_handler_skips_other_actions() {
    let g = generated(plan(
        "when a github pull request is opened, post it to slack",
    ));
    assert!(
        g.code.contains("\"opened\""),
        "the handler does not compare the action"
    );
}
