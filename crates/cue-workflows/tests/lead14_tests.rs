//! lead14: a day or the weekend after an exclusion word takes days out of the schedule, never
//! tools ("every day except Sunday ... email me the orders" still emails the orders); an
//! exclusion of a tool after the same words still excludes it. Sentences of our own.

#![expect(clippy::unwrap_used, reason = "tests")]

mod support;

use cue_workflows::TriggerKind;

use support::tools;

#[test]
fn days_after_an_exclusion_word_leave_the_tools_alone() {
    // (prompt, tools planned, the schedule's expression)
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "every day except sunday at 7am email me the new shopify orders",
            &["shopify"],
            "cron(0 7 ? * MON,TUE,WED,THU,FRI,SAT *)",
        ),
        (
            "every morning except weekends post the open zendesk tickets to slack",
            &["zendesk", "slack"],
            "cron(0 9 ? * MON-FRI *)",
        ),
        (
            "each day excluding saturdays at 6pm add the day's stripe payouts to google sheets",
            &["stripe", "google_sheets"],
            "cron(0 18 ? * MON,TUE,WED,THU,FRI,SUN *)",
        ),
        (
            "daily at noon but not on the weekend, send the new hubspot deals to teams",
            &["hubspot", "microsoft_teams"],
            "cron(0 12 ? * MON-FRI *)",
        ),
    ];
    for (prompt, wanted, expression) in cases {
        let p = support::plan(prompt);
        assert_eq!(p.trigger.kind, TriggerKind::Schedule, "{prompt}");
        assert_eq!(
            p.trigger.schedule_expression.as_deref(),
            Some(*expression),
            "{prompt}"
        );
        let got = tools(&p);
        for t in *wanted {
            assert!(
                got.iter().any(|g| g == t),
                "{prompt}: {t} missing from {got:?}"
            );
        }
    }
}

#[test]
fn a_tool_after_an_exclusion_word_is_still_excluded() {
    let cases: &[(&str, &str)] = &[
        (
            "every day at 9 post the new orders to slack, everything except hubspot is fine",
            "hubspot",
        ),
        (
            "every monday email me the stripe payouts, not through gmail",
            "gmail",
        ),
        (
            "every friday send the team the closed jira issues except in teams",
            "microsoft_teams",
        ),
    ];
    for (prompt, excluded) in cases {
        let got = tools(&support::plan(prompt));
        assert!(!got.iter().any(|g| g == excluded), "{prompt}: {got:?}");
    }
}

/// The assumption made for an unnamed channel offers the other channels, but never one the
/// prompt excluded.
#[test]
fn an_unnamed_channel_offers_no_excluded_tool_instead() {
    let full = "(name Slack or Microsoft Teams for a team channel, Twilio for SMS, or an email service to change it)";
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "when a new typeform response comes in, add it to airtable and notify the team",
            &[full],
            &[],
        ),
        (
            "when a new typeform response comes in, add it to airtable and notify the team; we are moving off slack",
            &[
                "(name Microsoft Teams for a team channel, Twilio for SMS, or an email service to change it)",
            ],
            &["Slack or"],
        ),
        (
            "when a new typeform response comes in, add it to airtable and notify the team, no slack and no teams",
            &["(name Twilio for SMS, or an email service to change it)"],
            &["for a team channel"],
        ),
    ];
    for (prompt, wanted, unwanted) in cases {
        let p = support::plan(prompt);
        let said: Vec<&String> = p
            .assumptions
            .iter()
            .filter(|a| a.starts_with("No delivery channel was named"))
            .collect();
        assert_eq!(said.len(), 1, "{prompt}: {:?}", p.assumptions);
        for w in *wanted {
            assert!(said[0].contains(w), "{prompt}: {}", said[0]);
        }
        for w in *unwanted {
            assert!(!said[0].contains(w), "{prompt}: {}", said[0]);
        }
    }
}
