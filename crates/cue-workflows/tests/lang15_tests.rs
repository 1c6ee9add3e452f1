//! lang15: reading and digests, from sentences of our own (none copied from a set): a summary
//! of what people wrote is written by a model, a summary of records is not; drafted replies and
//! a spoken version ask for their capability; reading a mailbox reads its messages; a digest
//! shared with, summarised for or simply sent to someone asks for a channel. The same words
//! about records, handed to a named tool, or describing an event ask for nothing.

#![expect(clippy::unwrap_used, reason = "tests")]

mod support;

use support::{check_tools as check, plan, tools};

const CHANNELS: &[&str] = &["amazon_ses", "gmail", "slack", "twilio"];

fn any_of(prompt: &str, set: &[&str]) -> bool {
    let got = tools(&plan(prompt));
    set.iter().any(|t| got.contains(&(*t).to_owned()))
}

#[test]
fn a_summary_of_what_people_wrote_asks_for_a_model() {
    check(&[
        (
            "every afternoon read the #support channel in Slack and send a summary of the main issues to the design folks",
            &["slack", "openai"],
            &[],
        ),
        (
            "each Friday pull the Intercom conversations and give me a summary of what people asked for",
            &["intercom", "openai"],
            &[],
        ),
        (
            "after each Webex meeting get the transcript and make a Confluence page with the summary",
            &["confluence", "openai"],
            &[],
        ),
        (
            "draft answers to new Help Scout conversations and save them as notes",
            &["help_scout", "openai"],
            &[],
        ),
        (
            "create a spoken version of each new WordPress post",
            &["wordpress", "amazon_polly"],
            &[],
        ),
    ]);
    // a summary of records is a formatted list; a draft saved, or a version that is no voice
    check(&[
        (
            "every morning post a summary of yesterday's Shopify orders to #sales",
            &["shopify", "slack"],
            &["openai"],
        ),
        (
            "every evening send a summary of the new Stripe charges to #finance",
            &["stripe", "slack"],
            &["openai"],
        ),
        (
            "when a Notion page is updated, save it as a draft reply in Gmail",
            &["notion"],
            &["openai"],
        ),
        (
            "when a new version of the app is released on GitHub, post it to #releases",
            &["github", "slack"],
            &["amazon_polly"],
        ),
    ]);
}

#[test]
fn reading_a_mailbox_reads_its_messages() {
    check(&[
        (
            "every friday summarise my inbox and post it to #ops",
            &["gmail", "openai", "slack"],
            &[],
        ),
        (
            "each morning go through my unread emails and post the important ones to Slack",
            &["gmail", "slack"],
            &[],
        ),
    ]);
    // the inbox as where things go, or the event's own mailbox, reads nothing more
    check(&[
        (
            "every morning forward the Stripe payout report to the inbox of our accountant",
            &["stripe"],
            &["outlook"],
        ),
        (
            "when an email arrives in my Outlook inbox, read it and add a row to the sheet",
            &["outlook", "google_sheets"],
            &["gmail"],
        ),
    ]);
}

#[test]
fn a_digest_shared_summarised_for_or_sent_asks_for_a_channel() {
    for prompt in [
        "every week read the Asana tasks due soon and share it with the ops team",
        "every evening summarise the new Typeform responses for the coach",
        "every morning at 8 read the Airtable base 'Orders' and send the list of late orders",
        "every morning read the Asana tasks due today and then send the overdue ones",
    ] {
        assert!(
            any_of(prompt, CHANNELS),
            "{prompt}: {:?}",
            tools(&plan(prompt))
        );
    }
    // sent to a named tool, sent by someone in the event, shared as a file, or written somewhere
    for prompt in [
        "every morning read the Airtable base 'Orders' and send the late ones to Notion",
        "when a customer sends a photo through our Typeform, save it to Dropbox",
        "every week read the Asana tasks and share the link in the Notion page",
        "every night read the new HubSpot contacts and add them to the Google Sheet, then send the link",
    ] {
        assert!(
            !any_of(prompt, CHANNELS),
            "{prompt}: {:?}",
            tools(&plan(prompt))
        );
    }
}
