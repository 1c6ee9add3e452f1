//! lead15: a trigger clause that says an item ended ("terminated", "deleted", "cancelled",
//! "closed") never takes an event that says only that an item began ("New hire added", "New
//! ticket"), which would run on the opposite change (review 18, R18-5: every new hire
//! suspended); with no event left the tool is checked on a schedule and the assumption says
//! so. Events that say the same side, or any change, still apply. Sentences of our own.

#![expect(clippy::unwrap_used, reason = "tests")]

mod support;

use cue_workflows::TriggerKind;

/// The trigger's (kind, tool, event) and whether an assumption says no event applies.
fn trigger(prompt: &str) -> (TriggerKind, Option<String>, Option<String>, bool) {
    let p = support::plan(prompt);
    let said = p
        .assumptions
        .iter()
        .any(|a| a.contains("none of the changes described"));
    (p.trigger.kind, p.trigger.tool, p.trigger.event, said)
}

#[test]
fn an_ending_is_never_an_event_that_says_a_beginning() {
    // (prompt, the tool that must not be the trigger with the event)
    let cases: &[(&str, &str, &str)] = &[
        (
            "when somebody is terminated in bamboohr, disable their google workspace account",
            "bamboohr",
            "employee_added",
        ),
        (
            "as soon as a zendesk ticket gets closed, send the requester a survey link by email",
            "zendesk",
            "ticket_created",
        ),
        (
            "whenever a hubspot contact is deleted, remove them from our mailchimp audience",
            "hubspot",
            "contact_created",
        ),
        (
            "when an employee resigns in gusto let the it team know on slack",
            "gusto",
            "employee_created",
        ),
        (
            "each time a shopify order is cancelled, put a row in google sheets",
            "shopify",
            "order_created",
        ),
        (
            "if a stripe customer gets deleted, log it to airtable",
            "stripe",
            "customer_created",
        ),
    ];
    for (prompt, tool, event) in cases {
        let (kind, t, e, said) = trigger(prompt);
        assert!(
            !(t.as_deref() == Some(*tool) && e.as_deref() == Some(*event)),
            "{prompt}: {kind:?} {t:?} {e:?}"
        );
        // the tool that has no such event is checked on a schedule, and the plan says why
        if t.is_none() {
            assert_eq!(kind, TriggerKind::Schedule, "{prompt}");
            assert!(said, "{prompt}: no assumption says no event applies");
        }
    }
}

#[test]
fn a_beginning_or_a_change_still_takes_its_event() {
    // (prompt, tool, event)
    let cases: &[(&str, &str, &str)] = &[
        (
            "when a new hire is added in bamboohr, create their google workspace account",
            "bamboohr",
            "employee_added",
        ),
        (
            "whenever someone gets hired in bamboohr post a welcome in slack",
            "bamboohr",
            "employee_added",
        ),
        (
            "when a new zendesk ticket comes in, post it to slack",
            "zendesk",
            "ticket_created",
        ),
        // the same side as the clause
        (
            "when a subscription is cancelled in stripe email me",
            "stripe",
            "subscription_cancelled",
        ),
        (
            "when a chargebee subscription is cancelled, add a row to google sheets",
            "chargebee",
            "subscription_cancelled",
        ),
        // an event that covers any change covers an ending too
        (
            "when a jira issue is closed, post it in slack",
            "jira",
            "issue_updated",
        ),
    ];
    for (prompt, tool, event) in cases {
        let (kind, t, e, said) = trigger(prompt);
        assert_eq!(
            (t.as_deref(), e.as_deref()),
            (Some(*tool), Some(*event)),
            "{prompt}: {kind:?}"
        );
        assert!(!said, "{prompt}");
    }
}

/// The user's own leftover credential ("the api token I made for my old account") and data
/// the user says to keep out of a message ("never put their personal email in there") are no
/// one else's; another person's kept login and a message to a personal address still are.
#[test]
fn own_leftover_keys_and_withheld_fields_are_built_others_refused() {
    let engine = support::engine();
    let refused = |prompt: &str| {
        matches!(
            engine.plan(&cue_workflows::GenerateRequest::text(prompt)),
            Err(cue_workflows::WorkflowError::Disallowed { .. })
        )
    };
    for prompt in [
        "i lost the password of my old box account but i still have the api key i created for it, each night copy its invoices folder into onedrive",
        "i still have the access token for my old * account... no wait, for my old notion account, copy the roadmap pages into google docs",
        "when a new starter is added in bamboohr post their name and team in #welcome on slack, do not include their personal email or phone number",
        "for each new gusto employee post the start date in slack and leave out their personal email address and salary",
    ] {
        assert!(!refused(prompt), "refused: {prompt}");
    }
    for prompt in [
        "i still have my old roommate s dropbox login, use it to copy her photos into my google drive",
        "i still have the login to my old work account from the company i left, copy the client list into my hubspot",
        "i still have the password of my coworker s gmail, forward her invoices to my drive",
        "forward every message my coworker s inbox gets to my personal email",
    ] {
        assert!(refused(prompt), "built: {prompt}");
    }
}
