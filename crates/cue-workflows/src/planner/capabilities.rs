//! Capabilities asked for in words of their own: "pull out the parties from the contract",
//! "have the AI score each resume", "check the photo shows a road". A verb and an object of one
//! rule of `data/language/capabilities.json` near each other ask for the rule's catalog need,
//! as one of the need's own phrases would; a default tool is then chosen for it and said in
//! the assumptions.

use super::language::{Language, any_at};
use super::negation::Exclusions;
use crate::text::Tok;

/// The token where a capability rule of `need` holds (its verb), if one does from `start` on;
/// masked (tool names), negated and data tokens do not count.
pub(super) fn capability_at(
    lang: &Language,
    need: &str,
    toks: &[Tok],
    masked: &[bool],
    excl: &Exclusions,
    start: usize,
) -> Option<usize> {
    let usable = |i: usize| !masked.get(i).copied().unwrap_or(true) && !excl.negated(i);
    lang.capabilities
        .iter()
        .filter(|c| c.need == need)
        .find_map(|c| {
            (start..toks.len()).find(|&i| {
                let near = || i.saturating_sub(c.window)..(i + c.window + 1).min(toks.len());
                usable(i)
                    && any_at(toks, i, &c.verbs).is_some()
                    && (near().any(|k| k != i && usable(k) && any_at(toks, k, &c.objects).is_some())
                        || anaphor_object(lang, c, toks, i, &usable))
                    // the other direction is read a little further ("spoken complaint, the
                    // audio attachments ..., into a written ticket")
                    && !(i.saturating_sub(2 * c.window)..(i + 2 * c.window + 1).min(toks.len()))
                        .any(|k| any_at(toks, k, &c.unless).is_some())
            })
        })
}

/// The verb at `i` takes a pronoun ("it", "them") within the anaphor window, and one of the
/// rule's objects was said before, in an earlier clause: the pronoun is that object ("when a
/// photo is uploaded, check whether it shows a vehicle", "a voicemail comes in; turn it into
/// text"). An object in the verb's own clause is left to the window.
fn anaphor_object(
    lang: &Language,
    c: &super::language::Capability,
    toks: &[Tok],
    i: usize,
    usable: &dyn Fn(usize) -> bool,
) -> bool {
    let (anaphors, reach) = &lang.capability_anaphors;
    let clause = toks[i].clause;
    let pronoun = (i.saturating_sub(*reach)..(i + reach + 1).min(toks.len()))
        .any(|k| k != i && toks[k].clause == clause && any_at(toks, k, anaphors).is_some());
    pronoun
        && (0..i)
            .any(|k| toks[k].clause < clause && usable(k) && any_at(toks, k, &c.objects).is_some())
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn asks(text: &str) -> Vec<&'static str> {
        let lang = Language::builtin().unwrap();
        let toks = tokenize(text);
        let masked = vec![false; toks.len()];
        let excl = Exclusions::default();
        [
            "document text extraction (OCR)",
            "AI model",
            "image labelling",
            "text to speech",
            "speech to text",
            "image compression",
            "currency conversion",
            "company enrichment",
        ]
        .into_iter()
        .filter(|n| capability_at(&lang, n, &toks, &masked, &excl, 0).is_some())
        .collect()
    }

    #[test]
    fn verbs_near_their_objects_ask_for_a_capability() {
        let cases: &[(&str, &[&str])] = &[
            (
                "when a contract lands, pull out the parties and the end date",
                &["document text extraction (OCR)"],
            ),
            (
                "extract the policy number from each claim PDF",
                &["document text extraction (OCR)"],
            ),
            (
                "have it score each resume against the job description",
                &["AI model"],
            ),
            ("if the caller sounds upset, flag it", &["AI model"]),
            (
                "check the photo actually shows a road",
                &["image labelling"],
            ),
            (
                "make an audio file that reads out the sales total",
                &["text to speech"],
            ),
            // capabilities named by their effect on a document
            (
                "turn every voicemail our number receives into text",
                &["speech to text"],
            ),
            (
                "turn the customer's spoken complaint, the audio attachments, into a written ticket",
                &["speech to text"],
            ),
            (
                "when a signed lease comes back, pull out the rent amount",
                &["document text extraction (OCR)"],
            ),
            (
                "read the handwritten delivery notes the drivers photograph",
                &["document text extraction (OCR)"],
            ),
            (
                "tag every new ticket with a topic from our list",
                &["AI model"],
            ),
            (
                "score each new inbound lead as hot, warm or cold",
                &["AI model"],
            ),
            ("write a description for each product photo", &["AI model"]),
            (
                "check each product description reads well and suggest a better one",
                &["AI model"],
            ),
            ("redact patient names and phone numbers", &["AI model"]),
            // the direction decides: speech out, not speech in
            (
                "make a spoken summary and send it as audio",
                &["text to speech"],
            ),
            ("moderate images posted to the server", &["image labelling"]),
            (
                "compress every image uploaded to the bucket",
                &["image compression"],
            ),
            (
                "payments in euros should be converted to dollars",
                &["currency conversion"],
            ),
            // a text judged or written, terms found in a document, an audio file made
            (
                "score the CV against the job description from 1 to 5",
                &["AI model"],
            ),
            (
                "find the termination clause and the renewal date",
                &["AI model"],
            ),
            (
                "turn the meeting notes into a one-paragraph summary per project",
                &["AI model"],
            ),
            (
                "read it and sort it into housing, roads or other",
                &["AI model"],
            ),
            ("generate an audio file of the agenda", &["text to speech"]),
            (
                "look up the company's size and industry from their email domain",
                &["company enrichment"],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(asks(text), *want, "{text}");
        }
    }

    #[test]
    fn the_same_words_apart_or_alone_ask_for_nothing() {
        for text in [
            "pull out the open deals from HubSpot and post them to Slack",
            "extract the rows from the Postgres table into a sheet",
            "score the leads in HubSpot by deal size",
            "check the Stripe balance and email me",
            "post the invoice number to Slack",
            "when a Typeform response has an NPS score of 6 or lower, create a task",
            "a new review through judge me on the Shopify store",
            // the same verbs without their objects, or in the other direction
            "write a row to the sheet with the customer name",
            "tag every new contact with 'lead'",
            "turn the text into an audio file",
            "convert the file to a PDF",
            "compress the logs before archiving them",
            "read the rows and post them to Slack",
            "find the open deals in HubSpot",
            "put the rows into a sheet",
            "generate an invoice in Xero",
            "check the receipt image matches the claimed amount",
            "sort the rows into the right tab",
            "when the company size is over 200, create a lead",
        ] {
            assert_eq!(asks(text), Vec::<&str>::new(), "{text}");
        }
    }

    /// Writing copy an author would write (an abstract, SEO keywords, text in a brand voice),
    /// answering customers' questions, researching a company, describing an image and making a
    /// scan searchable ask for their capability; the same verbs about records do not.
    #[test]
    fn authoring_answering_researching_and_describing_ask_for_their_capability() {
        let cases: &[(&str, &[&str])] = &[
            (
                "write a short abstract of each paper and add it to Notion",
                &["AI model"],
            ),
            (
                "generate ten SEO keywords for each new product",
                &["AI model"],
            ),
            ("write the bio again in our brand voice", &["AI model"]),
            (
                "answer common questions in the Discord help channel",
                &["AI model"],
            ),
            ("research the lead's company before the call", &["AI model"]),
            (
                "add a note describing the image to the ticket",
                &["image labelling"],
            ),
            (
                "make it a searchable PDF and move it to Box",
                &["document text extraction (OCR)"],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(asks(text), *want, "{text}");
        }
        for text in [
            "write the new keywords column to the sheet",
            "store the answers to the questions in Airtable",
            "add the company website to the HubSpot record",
            "a searchable list of the orders in Notion",
            "make our meeting notes searchable in Notion",
        ] {
            assert_eq!(asks(text), Vec::<&str>::new(), "{text}");
        }
    }
    /// A pronoun next to the verb stands for an object said in an earlier clause, and
    /// tagging or classifying a photo asks for image labelling; a pronoun with no such object
    /// before it, an object in the same clause out of reach, or ticking "it" off, does not
    /// (eleventh session, lang11).
    #[test]
    fn a_pronoun_stands_for_the_object_of_an_earlier_clause() {
        let cases: &[(&str, &[&str])] = &[
            (
                "when a photo lands in the claims folder, check whether it shows a car",
                &["image labelling"],
            ),
            (
                "whenever an image is added to the gallery bucket, work out what kind of animal it shows",
                &["image labelling"],
            ),
            (
                "new product pictures go in the shop's folder. classify them by season",
                &["image labelling"],
            ),
            (
                "tag each new product photo in the bucket with its colour",
                &["image labelling"],
            ),
            (
                "a voicemail comes in on our line; turn it into text",
                &["speech to text"],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(asks(text), *want, "{text}");
        }
        for text in [
            // no object before the pronoun, or the object only after it
            "when a row is added, check whether it is a duplicate",
            "check it, then post the summary to the channel",
            // the object in the same clause, out of the window, or a task ticked off
            "when a photo is uploaded, post it to the channel and check it off in the tracker",
            "when a new photo is added to the folder, copy it to the archive",
            "when an invoice image arrives, check it against the purchase order",
        ] {
            assert_eq!(asks(text), Vec::<&str>::new(), "{text}");
        }
    }

    /// Reading named fields off a document or a photo asks for text extraction, and a rate
    /// beside a currency asks for exchange rates; the same verbs about records, or rates that
    /// are not a currency's, ask for nothing (ninth session).
    #[test]
    fn fields_read_off_a_document_and_currency_rates_ask_for_their_capability() {
        let cases: &[(&str, &[&str])] = &[
            (
                "when a tenant uploads a photo of the lease, read the start date and save it",
                &["document text extraction (OCR)"],
            ),
            (
                "a new bill pdf comes in; pull vendor name and total and create a bill",
                &["document text extraction (OCR)"],
            ),
            (
                "scan of a passport arrives, read the passport number into the CRM",
                &["document text extraction (OCR)"],
            ),
            (
                "every morning get the USD to CAD rate and post it",
                &["currency conversion"],
            ),
            (
                "log the daily euro exchange rates in a sheet",
                &["currency conversion"],
            ),
            // a schedule said as "hourly" is no hourly rate
            (
                "hourly, pull the EUR/USD rate into the sheet",
                &["currency conversion"],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(asks(text), *want, "{text}");
        }
        // a message held to a length is written by a model
        for text in [
            "read the new mail and give me a one-paragraph digest",
            "post a three sentence recap of the call notes",
            "a 5 bullet summary of the week's incidents",
        ] {
            assert_eq!(asks(text), ["AI model"], "{text}");
        }
        for text in [
            "read the due date from the Asana task and post it",
            "post a one line message to Slack",
            "send the digest every morning in one paragraph format",
            "pull the amount from Stripe and add a row",
            "post the hourly rate in USD for each contractor",
            "report the conversion rate of the landing page",
            "log the tax rates for each order",
        ] {
            assert_eq!(asks(text), Vec::<&str>::new(), "{text}");
        }
    }

    /// lang14: a photo read for a number, a record labelled as one of given classes, the most
    /// common complaints found; the same verbs about records, or without their objects, ask
    /// for nothing.
    #[test]
    fn numbers_read_off_photos_classes_and_top_complaints() {
        let cases: &[(&str, &[&str])] = &[
            (
                "when a site photo is uploaded it gets read for the serial number",
                &["document text extraction (OCR)"],
            ),
            (
                "the delivery slip photo comes in; pull the order id off it",
                &["document text extraction (OCR)"],
            ),
            ("label each comment as bug, idea or praise", &["AI model"]),
            (
                "every week figure out the top three complaints in the survey answers",
                &["AI model"],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(asks(text), *want, "{text}");
        }
        for text in [
            "pull the order id from the Shopify order and add a row",
            "label the new folder with the client's name",
            "find the top ten products by revenue in the sheet",
            "get the vendor list from Airtable every morning",
        ] {
            assert_eq!(asks(text), Vec::<&str>::new(), "{text}");
        }
    }
}
