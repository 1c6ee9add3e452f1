//! lang14: tools in context, from sentences of our own (none copied from a set): translation
//! is its own capability (a translation service, not a language model); a message handed to
//! people is asked for even when the plan writes elsewhere ("send it to the board members",
//! "send a thank-you note", "send attendees the link", "Mail the report to ..."); the same
//! words handing things to a tool, or nouns, ask for nothing.

#![expect(clippy::unwrap_used, reason = "tests")]

mod support;

use support::{check_tools as check, plan, tools};

const DELIVERY: &[&str] = &["amazon_ses", "gmail", "slack"];
const MAIL: &[&str] = &["amazon_ses", "gmail"];

#[test]
fn translation_asks_for_a_translation_service() {
    check(&[
        (
            "when a PDF lands in our Dropbox folder, translate it into Italian and save it back",
            &["amazon_translate", "dropbox"],
            &["openai"],
        ),
        (
            "every Monday make a Spanish and a Portuguese version of the newsletter draft in the Google Doc",
            &["amazon_translate", "google_docs"],
            &[],
        ),
        (
            "when a ticket arrives in Zendesk, run it through machine translation and add the result as a note",
            &["amazon_translate", "zendesk"],
            &[],
        ),
        // a translation service named serves it; a summary still asks for a model
        (
            "translate each new Zendesk ticket with DeepL and add it as a note",
            &["deepl", "zendesk"],
            &["amazon_translate"],
        ),
        (
            "summarise each new Zendesk ticket and translate the summary into English",
            &["openai", "amazon_translate"],
            &[],
        ),
    ]);
    // versions and languages that are no translation
    check(&[
        (
            "when a new app version ships in GitHub, post the release notes to Slack",
            &["github", "slack"],
            &["amazon_translate", "deepl"],
        ),
        (
            "every Friday post the French office's sales from HubSpot to Slack",
            &["hubspot", "slack"],
            &["amazon_translate"],
        ),
        (
            "when a Typeform answer says Spanish, add the person to the Spanish list in Mailchimp",
            &["mailchimp"],
            &["amazon_translate"],
        ),
    ]);
}

#[test]
fn a_message_handed_to_people_is_asked_for_even_when_the_plan_writes() {
    for prompt in [
        "every month export the profit and loss report from Xero, save it in the finance folder on Dropbox and send it to the directors",
        "when a Typeform is submitted, create the client in HubSpot and send a thank-you note",
        "when a Zoom webinar ends, send registrants the replay",
        "Mail the weekly Shopify sales summary to the owners.",
    ] {
        let got = tools(&plan(prompt));
        assert!(
            got.iter().any(|t| DELIVERY.contains(&t.as_str())),
            "{prompt}: {got:?}"
        );
    }
    for prompt in [
        // handed to a tool, a pronoun to no person, a time after the bare noun, a noun
        "when a Typeform is submitted, create the client in HubSpot and send it to the editor in Notion",
        "when a Shopify order is paid, create the invoice in QuickBooks and send it to the archive folder in Dropbox",
        "when a Shopify order is paid, send invoices the same day from QuickBooks",
        "Mail merge fields live in the Airtable base; when a row is added post it to Slack.",
    ] {
        let got = tools(&plan(prompt));
        assert!(
            !got.iter().any(|t| MAIL.contains(&t.as_str())),
            "{prompt}: {got:?}"
        );
    }
}
