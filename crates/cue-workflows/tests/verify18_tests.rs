//! Issue 12, R17-6's class surveyed on branch verify18 (docs/catalog-fixes-21.md): a webhook
//! event whose vendor posts several actions under one topic runs only on the action the
//! trigger clause names. The narrow events are planned from their words, run on their own
//! action and answer a sibling action of the same topic 200 skipped; the broad events keep the
//! clauses that name no action.

#![expect(clippy::unwrap_used, reason = "tests")]

mod support;

use std::process::Command;

use cue_workflows::catalog::{Catalog, EventDelivery, Match, WebhookBody};
use serde_json::json;
use support::{engine, plan};

/// (clause, tool, event): the action a clause names is its own event; a clause naming none, or
/// another action, keeps the broad event.
const PLANNED: &[(&str, &str, &str)] = &[
    // GitHub: a merge is `closed` with `merged: true`, a label `labeled`, a closed issue `closed`
    (
        "when somebody merges a pull request in github, email the release manager",
        "github",
        "pull_request_merged",
    ),
    (
        "whenever a github pull request gets labeled, add a trello card",
        "github",
        "pull_request_labeled",
    ),
    (
        "when an issue is closed in our github repo, add a row to google sheets",
        "github",
        "issue_closed",
    ),
    (
        "when a pull request is opened on github, email the reviewers",
        "github",
        "pull_request_opened",
    ),
    (
        "when a github pull request is edited, email the reviewers",
        "github",
        "pull_request",
    ),
    (
        "when a github issue gets assigned, email me",
        "github",
        "issue",
    ),
    // PagerDuty: incident.resolved and .acknowledged are not incident.triggered
    (
        "when a pagerduty incident is resolved, write a note in notion",
        "pagerduty",
        "incident_resolved",
    ),
    (
        "when someone acknowledged a pagerduty incident, tell discord",
        "pagerduty",
        "incident_acknowledged",
    ),
    (
        "when a pagerduty incident is triggered, text the on-call phone",
        "pagerduty",
        "incident",
    ),
    // Stripe and Chargebee subscriptions
    (
        "whenever someone subscribes in stripe, add them to hubspot",
        "stripe",
        "subscription_created",
    ),
    (
        "when a stripe subscription changes, log it in airtable",
        "stripe",
        "subscription",
    ),
    (
        "whenever a chargebee subscription renews, email finance",
        "chargebee",
        "subscription_renewed",
    ),
    (
        "when a chargebee subscription is activated, email finance",
        "chargebee",
        "subscription",
    ),
    // CircleCI: a failed workflow is not every completed one
    (
        "when a circleci build fails, open a jira ticket",
        "circleci",
        "workflow_failed",
    ),
    (
        "when a circleci workflow completed, post the result to teams",
        "circleci",
        "workflow_completed",
    ),
    // Asana: a completion is a change of `completed`, not an addition
    (
        "when a task is completed in asana, send a thank-you email",
        "asana",
        "task_completed",
    ),
    (
        "when a task is created in asana, send an email",
        "asana",
        "task_created",
    ),
    // Jira: a creation is jira:issue_created, never jira:issue_updated
    (
        "when a new jira ticket is created, post it in teams",
        "jira",
        "issue_created",
    ),
    (
        "when the priority of a jira issue changed, post it in teams",
        "jira",
        "issue_updated",
    ),
];

#[test]
fn a_clause_naming_an_action_plans_that_actions_event() {
    for (prompt, tool, event) in PLANNED {
        let p = plan(prompt);
        assert_eq!(
            (p.trigger.tool.as_deref(), p.trigger.event.as_deref()),
            (Some(*tool), Some(*event)),
            "{prompt}"
        );
    }
}

/// (tool, event, path, sibling value): the narrow event's own condition on `path`, and a value
/// of the same topic the vendor posts for another action.
fn siblings() -> Vec<(&'static str, &'static str, &'static str, serde_json::Value)> {
    vec![
        (
            "github",
            "pull_request_merged",
            "action",
            json!("synchronize"),
        ),
        // closed without merging
        (
            "github",
            "pull_request_merged",
            "pull_request.merged",
            json!(false),
        ),
        (
            "github",
            "pull_request_labeled",
            "action",
            json!("unlabeled"),
        ),
        ("github", "issue_closed", "action", json!("reopened")),
        ("github", "pull_request_opened", "action", json!("closed")),
        (
            "pagerduty",
            "incident_resolved",
            "event.event_type",
            json!("incident.triggered"),
        ),
        (
            "pagerduty",
            "incident_acknowledged",
            "event.event_type",
            json!("incident.resolved"),
        ),
        (
            "stripe",
            "subscription_created",
            "type",
            json!("customer.subscription.updated"),
        ),
        (
            "chargebee",
            "subscription_renewed",
            "event_type",
            json!("subscription_cancelled"),
        ),
        (
            "circleci",
            "workflow_failed",
            "workflow.status",
            json!("success"),
        ),
        (
            "asana",
            "task_completed",
            "events.0.change.field",
            json!("assignee"),
        ),
        ("asana", "task_completed", "events.0.action", json!("added")),
        (
            "jira",
            "issue_created",
            "webhookEvent",
            json!("jira:issue_updated"),
        ),
    ]
}

const SENDERS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/webhook_senders.py");

/// The handler generated for the clause's plan (its trigger alone) accepts a genuine delivery of
/// the event signed as the vendor signs it, and answers the same delivery with `path` set to a
/// sibling action's value 200 skipped (`tests/data/webhook_senders.py`, `other_value`).
#[test]
fn a_narrow_event_runs_on_its_action_and_skips_a_sibling_of_the_same_topic() {
    if Command::new("python3").arg("--version").output().is_err() {
        return;
    }
    let engine = engine();
    let catalog = engine.catalog();
    for (tool_id, event_id, path, other) in siblings() {
        let tool = catalog.tool(tool_id).unwrap();
        let event = tool.events.iter().find(|e| e.id == event_id).unwrap();
        assert_eq!(event.delivery, EventDelivery::Http, "{tool_id}.{event_id}");
        let (prompt, _, _) = PLANNED
            .iter()
            .find(|(_, t, e)| *t == tool_id && *e == event_id)
            .unwrap();
        // the clause's plan, its trigger alone (nothing leaves the machine)
        let mut p = plan(prompt);
        p.steps.clear();
        p.tools.retain(|t| t.id == tool_id);
        assert_eq!(p.trigger.event.as_deref(), Some(event_id));
        let secrets = p.placeholders();
        let g = engine.generate_from_plan(p).unwrap();
        let used = catalog.webhook_for(Some(tool)).unwrap();
        // the condition on `path` first: the sender's other delivery changes the first one
        let mut matches: Vec<_> = event
            .matches_in_delivery()
            .into_iter()
            .map(|(m, at)| json!({"header": m.header, "path": at, "equals": m.sample(), "present": m.present, "absent": m.absent, "excludes": m.excludes}))
            .collect();
        let first = matches
            .iter()
            .position(|m| m["path"] == json!(path))
            .unwrap_or_else(|| panic!("{tool_id}.{event_id} has no condition on {path}"));
        let own = matches.remove(first);
        matches.insert(0, own);
        let spec = json!({
            "tool": tool_id,
            "secrets": secrets,
            "example": event.example.as_ref().map(|e| e.body.clone()),
            "example_headers": event.example.as_ref().map(|e| e.headers.clone()),
            "matches": matches,
            "other_value": other,
            "form": used.webhook.body == WebhookBody::Form,
            "handshake": null,
        });
        let dir = tempfile::tempdir().unwrap();
        let module = dir.path().join("lambda_function.py");
        std::fs::write(&module, &g.code).unwrap();
        let out = Command::new("python3")
            .arg(SENDERS)
            .arg(&module)
            .arg(spec.to_string())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{tool_id} {event_id} ({path} = {other}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
    }
}

/// The words that name an action of a topic. An event that runs on every delivery another runs
/// on (its conditions admit the other's) must not have one of the other's action words: it would
/// run on every action of the topic for that word, or take the choice on a tie (R17-6).
const ACTION_WORDS: &[&str] = &[
    "opened",
    "created",
    "merged",
    "closed",
    "labeled",
    "resolved",
    "acknowledged",
    "renewed",
    "cancelled",
    "completed",
    "failed",
    "succeeded",
    "updated",
    "deleted",
    "published",
    "triggered",
    "subscribed",
];

/// Whether `m` holds for every delivery that meets `conditions`.
fn admits(m: &Match, conditions: &[Match]) -> bool {
    conditions
        .iter()
        .filter(|c| c.header == m.header && c.path == m.path)
        .any(|c| {
            if !m.one_of.is_empty() {
                m.one_of.contains(c.sample())
            } else if m.present {
                !c.absent
            } else if m.absent {
                c.absent
            } else if !m.excludes.is_empty() {
                m.excludes == c.excludes
            } else {
                &m.equals == c.sample()
            }
        })
}

#[test]
fn an_event_that_admits_another_has_none_of_its_action_words() {
    let catalog = Catalog::builtin().unwrap();
    let mut pairs = 0;
    for tool in catalog.tools() {
        let http: Vec<_> = tool
            .events
            .iter()
            .filter(|e| e.delivery == EventDelivery::Http)
            .collect();
        for broad in &http {
            for narrow in http.iter().filter(|n| n.id != broad.id) {
                if !broad.matches.iter().all(|m| admits(m, &narrow.matches)) {
                    continue;
                }
                pairs += 1;
                for word in narrow
                    .words
                    .iter()
                    .filter(|w| ACTION_WORDS.contains(&w.as_str()))
                {
                    assert!(
                        !broad.words.contains(word),
                        "{}: {} runs on every delivery of {} and has its word '{word}'",
                        tool.id,
                        broad.id,
                        narrow.id
                    );
                }
            }
        }
    }
    // GitHub's, GitLab's, Stripe's, Chargebee's, PagerDuty's … broad and narrow events
    assert!(pairs >= 15, "{pairs}");
}

/// Each narrow event of this branch matches what its vendor's reference names, beside the
/// topic its broad event matches.
#[test]
fn the_narrow_events_match_the_cited_values() {
    let catalog = Catalog::builtin().unwrap();
    for (tool, event, path, value) in [
        ("github", "pull_request_merged", "action", json!("closed")),
        (
            "github",
            "pull_request_merged",
            "pull_request.merged",
            json!(true),
        ),
        ("github", "pull_request_labeled", "action", json!("labeled")),
        ("github", "issue_closed", "action", json!("closed")),
        (
            "pagerduty",
            "incident_resolved",
            "event.event_type",
            json!("incident.resolved"),
        ),
        (
            "pagerduty",
            "incident_acknowledged",
            "event.event_type",
            json!("incident.acknowledged"),
        ),
        (
            "stripe",
            "subscription_created",
            "type",
            json!("customer.subscription.created"),
        ),
        (
            "chargebee",
            "subscription_renewed",
            "event_type",
            json!("subscription_renewed"),
        ),
        (
            "asana",
            "task_completed",
            "change.field",
            json!("completed"),
        ),
        (
            "jira",
            "issue_created",
            "webhookEvent",
            json!("jira:issue_created"),
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
            "{tool}.{event}: {path} = {value}"
        );
        let note = e.reference.as_ref().unwrap().note.as_deref().unwrap();
        assert!(note.contains("verify18"), "{tool}.{event}");
    }
    let failed = catalog
        .tool("circleci")
        .unwrap()
        .events
        .iter()
        .find(|e| e.id == "workflow_failed")
        .unwrap();
    let status = failed
        .matches
        .iter()
        .find(|m| m.path.as_deref() == Some("workflow.status"))
        .unwrap();
    assert_eq!(status.one_of, vec![json!("failed"), json!("error")]);
}

/// The entries this branch verified: verified, checked on the day, and their note names what was
/// read (`token` is the token exchange, `event:<id>` an event).
#[test]
fn entries_verified_here_say_what_was_read() {
    let catalog = Catalog::builtin().unwrap();
    for (tool, entry, read) in [
        (
            "chargebee",
            "event:subscription_created",
            "WebhookEventType",
        ),
        (
            "chargebee",
            "event:subscription_cancelled",
            "WebhookEventType",
        ),
        ("microsoft_excel", "token", "MicrosoftDocs/entra-docs"),
        ("spotify", "token", "spotify/web-api-examples"),
        ("google_workspace", "token", "google-auth-library-python"),
    ] {
        let t = catalog.tool(tool).unwrap();
        let r = match entry.split_once(':') {
            Some((_, id)) => t
                .events
                .iter()
                .find(|e| e.id == id)
                .unwrap()
                .reference
                .as_ref(),
            None => t.token_exchange.as_ref().unwrap().reference.as_ref(),
        }
        .unwrap();
        assert!(r.verified, "{tool}.{entry}");
        assert_eq!(r.checked, "2026-12-08", "{tool}.{entry}");
        let note = r.note.as_deref().unwrap();
        assert!(
            note.contains(read) && note.contains("verify18"),
            "{tool}.{entry}"
        );
    }
    // the new Jira event says why it stays unverified
    let jira = catalog.tool("jira").unwrap();
    let created = jira
        .events
        .iter()
        .find(|e| e.id == "issue_created")
        .unwrap();
    let r = created.reference.as_ref().unwrap();
    assert!(!r.verified && r.note.as_deref().unwrap().contains("Unverified:"));
}
