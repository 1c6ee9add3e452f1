//! trig15: triggers of apps that cannot call the function (polled events), schedules that read
//! an app's new items, and schedules written out as cron or rate expressions. Sentences of our
//! own (none copied from a set); each class has phrasings that must match and look-alikes that
//! must not.

#![expect(clippy::unwrap_used, reason = "tests")]

mod support;

use support::plan;

/// (kind, tool, event, delivery, schedule) of a prompt's trigger.
fn trig(
    prompt: &str,
) -> (
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
) {
    let t = plan(prompt).trigger;
    (
        t.kind.as_str().to_owned(),
        t.tool,
        t.event,
        serde_json::to_value(t.delivery)
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned(),
        t.schedule_expression,
    )
}

/// An app without webhooks, said as an event, is polled: the event of the app, checked on a
/// schedule with a cursor (each item once). An app whose words name none of its polled
/// events is checked on a schedule, and the plan says so.
#[test]
fn an_app_without_webhooks_is_polled_for_its_new_items() {
    let polled = [
        (
            "when someone logs a Toggl time entry longer than 6 hours, create a Jira issue to review it",
            "toggl",
            "time_entry_added",
        ),
        (
            "when a task is added to Todoist with the label urgent, text me on Twilio",
            "todoist",
            "task_added",
        ),
        (
            "when a row is inserted into the orders table in Supabase, post it to Discord",
            "supabase",
            "row_added",
        ),
        (
            "when our Spotify podcast publishes a new episode, announce it on Mastodon",
            "spotify",
            "episode_released",
        ),
    ];
    let mut wrong = Vec::new();
    for (prompt, tool, event) in polled {
        let (kind, t, e, delivery, sched) = trig(prompt);
        if kind != "app_event"
            || t.as_deref() != Some(tool)
            || e.as_deref() != Some(event)
            || delivery != "poll"
            || sched.is_none()
        {
            wrong.push(format!(
                "{prompt:?}: {kind} {t:?} {e:?} {delivery} {sched:?}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // look-alikes: the app is where the work goes, or its words name no polled event (TikTok
    // comments are not listed by its API): no poll of it, and the plan says why
    for prompt in [
        "when a Stripe payment succeeds, add a task to Todoist",
        "when a HubSpot deal is won, log the time in Toggl",
    ] {
        let (kind, t, ..) = trig(prompt);
        assert_eq!(kind, "app_event", "{prompt}");
        assert_ne!(t.as_deref(), Some("todoist"), "{prompt}");
        assert_ne!(t.as_deref(), Some("toggl"), "{prompt}");
    }
    let p = plan("when a new TikTok comment asks a question, save it to a Google Sheet");
    assert_eq!(p.trigger.kind.as_str(), "schedule");
    assert!(
        p.assumptions
            .iter()
            .any(|a| a.contains("TikTok") && a.contains("schedule")),
        "{:?}",
        p.assumptions
    );
}

/// A schedule that checks an app for new items runs the app's poll at that cadence (each item
/// handed on once), not a read that hands on everything every run; the kind stays a schedule.
#[test]
fn a_schedule_checking_an_app_for_new_items_runs_its_poll() {
    let cases = [
        (
            "every 30 minutes look at the status page RSS feed for new incidents and post them to Slack",
            "rss",
        ),
        (
            "each morning at 8 pull the new Toggl entries and copy them into Airtable",
            "toggl",
        ),
        (
            "hourly, grab new signups from Supabase and add them to Mailchimp",
            "supabase",
        ),
        (
            "every two hours check the Box folder for new contracts and post them to Teams",
            "box",
        ),
    ];
    let mut wrong = Vec::new();
    for (prompt, tool) in cases {
        let (kind, t, _, delivery, sched) = trig(prompt);
        if kind != "schedule" || t.as_deref() != Some(tool) || delivery != "poll" || sched.is_none()
        {
            wrong.push(format!("{prompt:?}: {kind} {t:?} {delivery} {sched:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // look-alikes: one message of many items, items going to the app, a new thing made, no
    // "new" at all: a plain schedule
    for prompt in [
        "every friday email me a summary of the new HubSpot contacts",
        "every morning copy the new Stripe customers into Airtable",
        "each monday create a new Todoist task to water the plants",
        "every evening send me the Toggl hours of the day on Telegram",
        "every morning read the Toggl entries and create new Jira issues for them",
    ] {
        let (kind, t, _, delivery, _) = trig(prompt);
        assert_eq!(kind, "schedule", "{prompt}");
        assert_eq!(delivery, "schedule", "{prompt}: {t:?}");
    }
}

/// A cron or rate expression written out is the schedule, whatever events the prompt names.
#[test]
fn a_cron_written_out_is_the_schedule() {
    let cases = [
        (
            "on the schedule 0 9 * * 1-5 post the open Jira issues to Slack",
            "cron(0 9 ? * MON-FRI *)",
        ),
        (
            "run `30 6 1 * *` and email the Stripe payouts report to finance",
            "cron(30 6 1 * ? *)",
        ),
        (
            "use cron(0 12 * * ? *) to copy new Shopify orders into the Google Sheet",
            "cron(0 12 * * ? *)",
        ),
        (
            "schedule: rate(15 minutes). check the Zendesk tickets and page on-call",
            "rate(15 minutes)",
        ),
        (
            "with crontab */10 * * * * sync the GitHub issues into Linear",
            "cron(*/10 * * * ? *)",
        ),
    ];
    let mut wrong = Vec::new();
    for (prompt, want) in cases {
        let (kind, _, _, _, sched) = trig(prompt);
        if kind != "schedule" || sched.as_deref() != Some(want) {
            wrong.push(format!("{prompt:?}: {kind} {sched:?}, want {want}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // look-alikes: numbers and stars that are no cron line
    for prompt in [
        "when a review has 5 * rating in Trustpilot, thank them on Slack",
        "when a Stripe payment of 1 2 3 dollars fails, email me",
    ] {
        let (kind, ..) = trig(prompt);
        assert_ne!(kind, "schedule", "{prompt}");
    }
}

/// The last working day of the month is EventBridge's `LW`; the first Monday `2#1`.
#[test]
fn days_of_the_month_said_in_words() {
    for (prompt, want) in [
        (
            "on the last business day of every month at 5pm export the Xero invoices to Google Drive",
            "cron(0 17 LW * ? *)",
        ),
        (
            "the first monday of each month post the roadmap link in Slack",
            "cron(0 9 ? * 2#1 *)",
        ),
    ] {
        let (kind, _, _, _, sched) = trig(prompt);
        assert_eq!(kind, "schedule", "{prompt}");
        assert_eq!(sched.as_deref(), Some(want), "{prompt}");
    }
}
