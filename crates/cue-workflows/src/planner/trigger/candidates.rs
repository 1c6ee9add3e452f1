//! Which named tools could be the source of each kind of trigger, and the evidence for it: the
//! queue or stream the workflow reads, the storage files arrive in, the app whose items are the
//! subject of a standing rule, the app an event cue points at. Each returns a mention index.

use super::super::Mention;
use super::super::language::{Language, Phrases, any_at};
use super::sources::event_of;
use crate::catalog::{Catalog, Role};
use crate::text::Tok;

/// The first mention at or after `from` and before `limit` that `pred` accepts.
pub(super) fn first_in(
    ms: &[Mention],
    from: usize,
    limit: usize,
    pred: impl Fn(&Mention) -> bool,
) -> Option<usize> {
    ms.iter()
        .position(|m| m.at >= from && m.at < limit && pred(m))
}

/// The tool of the mention has catalog events (it can notify the function).
pub(super) fn has_events(catalog: &Catalog, m: &Mention) -> bool {
    !catalog.tool_at(m.tool).events.is_empty()
}

/// The caller of a URL the user asks for: an app with events named before the URL in its
/// clause ("Twilio posts texts to a URL"); an app named after it is what the workflow does.
pub(super) fn url_caller(
    catalog: &Catalog,
    toks: &[Tok],
    ms: &[Mention],
    url: usize,
) -> Option<usize> {
    ms.iter()
        .position(|m| has_events(catalog, m) && m.at < url && m.clause == toks[url].clause)
}

/// An app with events named right before an endpoint word ("Typeform webhook -> ...").
pub(super) fn app_hook(
    catalog: &Catalog,
    lang: &Language,
    toks: &[Tok],
    ms: &[Mention],
) -> Option<usize> {
    ms.iter().position(|m| {
        has_events(catalog, m) && any_at(toks, m.at + m.len, &lang.triggers.hook_words).is_some()
    })
}

/// A queue, stream or topic the workflow reads: a queue tool named in the trigger clause, or
/// named with a word of reading and none of writing in its clause; or a tool whose event is a
/// stream, named with a stream word after it ("DynamoDB stream records"). The mention and the
/// end of its name.
pub(super) fn consumed_queue(
    catalog: &Catalog,
    lang: &Language,
    toks: &[Tok],
    ms: &[Mention],
    end: usize,
) -> Option<(usize, usize)> {
    let words = &lang.triggers;
    let in_clause = |c: usize, list: &Phrases| {
        (0..toks.len()).any(|i| toks[i].clause == c && any_at(toks, i, list).is_some())
    };
    // a writing word inside a reading phrase ("listen to") does not count
    let writes = |c: usize| {
        (0..toks.len()).any(|i| {
            toks[i].clause == c
                && any_at(toks, i, &words.queue_produce).is_some()
                && !(i.saturating_sub(2)..i)
                    .any(|k| any_at(toks, k, &words.queue_consume).is_some_and(|p| k + p.len() > i))
        })
    };
    let streamed = |m: &Mention| {
        catalog.tool_at(m.tool).events.iter().any(|e| {
            matches!(
                e.delivery,
                crate::catalog::EventDelivery::Kinesis
                    | crate::catalog::EventDelivery::DynamodbStream
                    | crate::catalog::EventDelivery::Sqs
            )
        }) && any_at(toks, m.at + m.len, &words.stream_words).is_some()
    };
    // "new orders in BigCommerce should go to the Kafka topic": a queue a writing word hands
    // items to, after an app with events named in its clause, is where they go
    let destination = |m: &Mention| {
        (m.at.saturating_sub(QUEUE_ORDER_REACH)..m.at).any(|i| {
            any_at(toks, i, &words.queue_produce).is_some()
                && !(i.saturating_sub(2)..i)
                    .any(|k| any_at(toks, k, &words.queue_consume).is_some_and(|p| k + p.len() > i))
        }) && ms.iter().any(|o| {
            o.at < m.at
                && o.clause == m.clause
                && catalog.tool_at(o.tool).category != "queue"
                && has_events(catalog, o)
        })
    };
    ms.iter().enumerate().find_map(|(k, m)| {
        if destination(m) {
            return None;
        }
        let queue = catalog.tool_at(m.tool).category == "queue";
        let consume = in_clause(m.clause, &words.queue_consume) && !writes(m.clause);
        let read = (queue || streamed(m)) && (m.at < end || consume);
        read.then_some((k, m.at + m.len))
    })
}

/// How many words before a queue a writing word makes it where items go ("go to the Kafka
/// topic").
const QUEUE_ORDER_REACH: usize = 3;

/// The most words between an arrival word and the storage it names ("exported from our POS
/// into Google Drive").
const ARRIVAL_WINDOW: usize = 6;

/// Files arriving in a named storage service: an `arrival` phrase with a storage tool shortly
/// after it in the same clause. The mention.
pub(super) fn arriving_upload(
    catalog: &Catalog,
    lang: &Language,
    toks: &[Tok],
    ms: &[Mention],
) -> Option<usize> {
    (0..toks.len()).find_map(|i| {
        let p = any_at(toks, i, &lang.triggers.arrival)?;
        // "save their uploaded photo to our Dropbox": the files of an order
        let ordered = (i.saturating_sub(3)..i)
            .any(|k| any_at(toks, k, &lang.triggers.ordered_files).is_some());
        if ordered {
            return None;
        }
        // the storage is the first tool named after the arrival word
        let first = ms.iter().find(|m| m.at >= i + p.len())?;
        (catalog.tool_at(first.tool).category == "storage"
            && first.clause == toks[i].clause
            && first.at <= i + p.len() + ARRIVAL_WINDOW)
            .then(|| ms.iter().position(|m| std::ptr::eq(m, first)))
            .flatten()
    })
}

/// The most words before the subject's app ("the urgent escalations from ...").
const SUBJECT_LEAD: usize = 3;

/// An app whose items are the subject of the first clause: the app first (after `subject_lead`
/// words: "escalated Zendesk tickets ...") with more of the clause after it, or up to two item
/// words then `from`/`in`/`on` and the app ("urgent escalations from Help Scout ..."); or an app
/// right after `each`/`every`, or after one or two item words and `from`/`in`/`on` ("ring up
/// each sale from the Square register", "every delayed shipment from Shippo"). "for each" is a
/// bulk loop, unless the app's own event word follows its name ("for every Eventbrite order").
pub(super) fn subject_source(
    catalog: &Catalog,
    lang: &Language,
    toks: &[Tok],
    ms: &[Mention],
) -> Option<usize> {
    let w = |i: usize| toks.get(i).map_or("", |t| t.w.as_str());
    let has_events = |m: &Mention| !catalog.tool_at(m.tool).events.is_empty();
    let first = toks.first()?.clause;
    let lead = |i: usize| any_at(toks, i, &lang.triggers.subject_lead).is_some();
    // the source alone leaves nothing to do, unless a later clause does something with the
    // subject's items ("Zendesk tickets rated bad: reopen them", "... stay unacknowledged, call
    // the manager's phone"); a loop over them ("every unit in our Airtable") is a bulk run
    let later_clause = toks.iter().any(|t| t.clause != first && !t.w.is_empty());
    if ms.len() < 2 && !later_clause {
        return None;
    }
    let alone = ms.len() < 2;
    let subject = ms.iter().position(|m| {
        if !has_events(m) || m.clause != first || m.at > SUBJECT_LEAD {
            return false;
        }
        let continues = toks.get(m.at + m.len).is_some_and(|t| t.clause == m.clause);
        let direct = (0..m.at).all(lead) && continues;
        let via_item = m.at >= 2
            && matches!(w(m.at - 1), "from" | "in" | "on" | "via")
            && (0..m.at - 1).filter(|&i| !lead(i)).count() <= 2;
        direct || via_item
    });
    // one or two item words, a "from", then the app right away or after a determiner
    let via_items = |e: usize, at: usize| {
        (e + 2..=e + 3).any(|j| {
            via(w(j)) && (at == j + 1 || (at == j + 2 && matches!(w(j + 1), "the" | "our" | "my")))
        })
    };
    subject.or_else(|| {
        if alone {
            return None;
        }
        ms.iter().position(|m| {
            has_events(m)
                && (1..=5).any(|back| {
                    let e = m.at.wrapping_sub(back);
                    m.at >= back
                        && matches!(w(e), "each" | "every")
                        && (w(e.wrapping_sub(1)) != "for" || item_of(catalog, toks, m))
                        && (back == 1
                            || via_items(e, m.at)
                            || (back <= EACH_ADJECTIVES + 1
                                && (e + 1..m.at).all(|k| !FUNCTION_WORDS.contains(&w(k)))
                                && (item_of(catalog, toks, m) || item_in_name(catalog, toks, m))))
                })
        })
    })
}

/// How many words may stand between "each" and the app whose item follows it ("each closed
/// Freshdesk ticket", "every failed Netlify build").
const EACH_ADJECTIVES: usize = 2;

/// Words that make the ones between "each" and an app a phrase of their own ("each of our
/// Airtable rows" is a loop over stored rows), not adjectives of the item.
const FUNCTION_WORDS: &[&str] = &[
    "of", "the", "our", "my", "their", "your", "a", "an", "in", "on", "from", "to", "for", "with",
    "row", "rows", "record", "records", "line", "lines", "item", "items", "entry", "entries",
];

/// The app's name said with one of its events' words in it ("Freshdesk ticket").
fn item_in_name(catalog: &Catalog, toks: &[Tok], m: &Mention) -> bool {
    let events = &catalog.tool_at(m.tool).events;
    (m.at + 1..m.at + m.len)
        .filter_map(|k| toks.get(k))
        .any(|t| events.iter().any(|e| e.words.contains(&t.w)))
}

/// "each <one or two item words> from|in|on|via|that [the|our|my] <app>" with `e` at "each"
/// ("every call recording that Twilio saves").
fn via(w: &str) -> bool {
    matches!(w, "from" | "in" | "on" | "via" | "that")
}

/// The word right after the app's name is one of its events' words ("for every Eventbrite
/// order"): the loop is over the app's events, not over a table.
fn item_of(catalog: &Catalog, toks: &[Tok], m: &Mention) -> bool {
    toks.get(m.at + m.len).is_some_and(|t| {
        catalog
            .tool_at(m.tool)
            .events
            .iter()
            .any(|e| e.words.contains(&t.w))
    })
}

/// The most words between a file noun and the storage that keeps the files ("the call
/// recordings from our sales calls in Google Drive").
const STORED_WINDOW: usize = 7;

/// Files kept in a named storage tool, said as the object of the work ("turn the audio files in
/// the Dropbox folder into text"): a `stored_files` noun, then in the same clause within
/// [`STORED_WINDOW`] words `in`/`from`/`on` (and at most one determiner) and the storage, with
/// no `to`/`into` between (files written to the storage).
pub(super) fn stored_files(
    catalog: &Catalog,
    lang: &Language,
    toks: &[Tok],
    ms: &[Mention],
) -> Option<usize> {
    let w = |i: usize| toks.get(i).map_or("", |t| t.w.as_str());
    let place = |i: usize| matches!(w(i), "in" | "from" | "on");
    // "save the invoices to a folder in Dropbox": files the workflow writes
    let written =
        |from: usize, to: usize| (from..to).any(|k| matches!(w(k), "to" | "into" | "onto"));
    (0..toks.len()).find_map(|i| {
        let p = any_at(toks, i, &lang.triggers.stored_files)?;
        let after = i + p.len();
        ms.iter().position(|m| {
            catalog.tool_at(m.tool).category == "storage"
                && m.clause == toks[i].clause
                && m.at > after
                && m.at <= after + STORED_WINDOW
                && !written(after, m.at)
                && (place(m.at - 1)
                    || (m.at >= 2
                        && place(m.at - 2)
                        && matches!(w(m.at - 1), "the" | "our" | "my" | "a" | "an" | "their")))
        })
    })
}

/// Files kept in a storage tool whose event is polled, named in the clause of a `stored_files`
/// noun within [`STORED_WINDOW`] words (before it, or after it with no to/into between), when
/// the files are new ("check the Box folder for new scans") or the prompt asks for work on
/// their bytes (`file_work`: "put the Drive receipts through OCR every evening"): a schedule
/// then reads the storage's new files with its polled event, so the steps get files rather
/// than the run's record. "every monday list the files in Dropbox" reads no file.
pub(super) fn scheduled_files(
    catalog: &Catalog,
    lang: &Language,
    toks: &[Tok],
    ms: &[Mention],
) -> Option<usize> {
    let w = |i: usize| toks.get(i).map_or("", |t| t.w.as_str());
    let file_work = (0..toks.len()).any(|i| any_at(toks, i, &lang.triggers.file_work).is_some());
    let polled_storage = |m: &Mention| {
        let t = catalog.tool_at(m.tool);
        t.category == "storage"
            && t.events
                .iter()
                .any(|e| e.delivery == crate::catalog::EventDelivery::Poll)
    };
    (0..toks.len()).find_map(|i| {
        let p = any_at(toks, i, &lang.triggers.stored_files)?;
        let after = i + p.len();
        let new = (i.saturating_sub(2)..i).any(|k| w(k) == "new");
        if !new && !file_work {
            return None;
        }
        ms.iter().position(|m| {
            let before = m.at + m.len <= i && i - (m.at + m.len) <= STORED_WINDOW;
            let later = m.at >= after
                && m.at <= after + STORED_WINDOW
                && !(after..m.at).any(|k| matches!(w(k), "to" | "into" | "onto"));
            polled_storage(m) && m.clause == toks[i].clause && (before || later)
        })
    })
}

/// How many words "new" may be from the app whose new items a schedule reads.
const NEW_REACH: usize = 6;

/// An app whose event is polled, with its new items named next to it, read by a schedule
/// ("every hour check my RSS feed for new articles", "each morning pull the new Toggl entries",
/// "daily at 5 grab new signups from Supabase"): the schedule runs the app's poll at its
/// cadence, so each item is handed on once rather than every run re-reading everything. "new"
/// is at most two words before the app's name, or further before it with a source word right
/// before the name ("new signups from Supabase"), or after it ("check Toggl for new entries",
/// "check the feed of their blog and summarise new posts"; not "a new ...", nor new items of
/// another app named right after it); in the app's clause, with no to/into/onto between (the app items go to is no
/// source), not "a new ..." (something made: "create a new Todoist task"), and only when the
/// event the words name is polled. A prompt asking for one message of many items (`digests`:
/// "a summary of the new HubSpot contacts") reads the period instead. The mention and the end
/// of the trigger's words (past the app, or past "new" and its noun).
pub(super) fn scheduled_items(
    catalog: &Catalog,
    lang: &Language,
    toks: &[Tok],
    ms: &[Mention],
) -> Option<(usize, usize)> {
    let w = |i: usize| toks.get(i).map_or("", |t| t.w.as_str());
    if (0..toks.len()).any(|i| any_at(toks, i, &lang.triggers.digests).is_some()) {
        return None;
    }
    let toward = |a: usize, b: usize| (a..b).any(|k| matches!(w(k), "to" | "into" | "onto"));
    let source_word = |at: usize| {
        let det = matches!(w(at.wrapping_sub(1)), "the" | "our" | "my" | "their");
        let k = if det {
            at.wrapping_sub(2)
        } else {
            at.wrapping_sub(1)
        };
        matches!(w(k), "from" | "in" | "on" | "at")
    };
    ms.iter().enumerate().find_map(|(k, m)| {
        let after = m.at + m.len;
        let same = |i: usize| toks.get(i).is_some_and(|t| t.clause == m.clause);
        let before = (m.at.saturating_sub(NEW_REACH)..m.at)
            .rev()
            .find(|&i| w(i) == "new" && same(i))
            .filter(|&i| {
                !matches!(w(i.wrapping_sub(1)), "a" | "an")
                    && !toward(i, m.at)
                    && (m.at - i <= 3 || source_word(m.at))
            });
        let named_at = |i: usize| ms.iter().any(|o| o.at == i);
        let later = (after..(after + NEW_REACH + 2).min(toks.len())).find(|&i| {
            w(i) == "new"
                && same(i)
                && !toward(after, i)
                && !matches!(w(i - 1), "a" | "an")
                && !named_at(i + 1)
        });
        // the words through the noun after "new" ("for new entries"), or through the app's
        // name and the noun right after it ("the new Toggl entries")
        let end = match (before, later) {
            (_, Some(i)) => i + 2,
            (Some(_), None) => after + 1,
            (None, None) => return None,
        }
        .min(toks.len());
        event_of(catalog.tool_at(m.tool), &toks[..end])
            .is_some_and(|e| e.delivery == crate::catalog::EventDelivery::Poll)
            .then_some((k, end))
    })
}

/// The source an event cue points at: the app right after "new" ("create a Linear issue for
/// every new Sentry error"), else the first app with an event the trigger clause can mean, else
/// a tool without one that can be read there ("a new episode on our Spotify show", checked on a
/// schedule later), else an app with events named later when something else is left to do.
/// A feed (a tool of `checked_categories`) named before any app with events in the clause
/// comes first ("anything new on Hacker News ... should go to the founders' Telegram"): the
/// feed is read on a schedule, the app is where the items go.
pub(super) fn cued_source(
    catalog: &Catalog,
    lang: &Language,
    toks: &[Tok],
    ms: &[Mention],
    zs: usize,
    end: usize,
) -> Option<usize> {
    let feed = |m: &Mention| {
        lang.triggers
            .checked_categories
            .contains(&catalog.tool_at(m.tool).category)
    };
    if let Some(k) =
        first_in(ms, zs, end, |m| has_events(catalog, m) || feed(m)).filter(|&k| feed(&ms[k]))
    {
        return Some(k);
    }
    let after_new = |m: &Mention| {
        (m.at.saturating_sub(2)..m.at).any(|k| toks.get(k).is_some_and(|t| t.w == "new"))
    };
    // an event the clause can mean: one that needs no words, or one whose words it uses ("a
    // time entry is logged in Harvest"; "log the hours in Harvest" is no Harvest event)
    let clause = &toks[..end.min(toks.len())];
    let events = |m: &Mention| event_of(catalog.tool_at(m.tool), clause).is_some();
    first_in(ms, zs, end, |m| events(m) && after_new(m))
        .or_else(|| first_in(ms, zs, end, events))
        .or_else(|| {
            first_in(ms, zs, end, |m| {
                let t = catalog.tool_at(m.tool);
                !events(m) && t.actions.iter().any(|a| a.role == Role::Read)
            })
        })
        .or_else(|| {
            // a tool named only later is the source only if something else is left to do
            (ms.len() > 1)
                .then(|| first_in(ms, zs, toks.len(), events))
                .flatten()
        })
}

/// An app with events in the first two clauses (for an event said without "when").
pub(super) fn early_app(catalog: &Catalog, toks: &[Tok], ms: &[Mention]) -> Option<usize> {
    let first_clause = toks.first().map_or(0, |t| t.clause);
    let in_first = |i: usize| toks.get(i).is_some_and(|t| t.clause <= first_clause + 1);
    ms.iter()
        .position(|m| in_first(m.at) && has_events(catalog, m))
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::planner::entities::mentions;
    use crate::text::tokenize;

    /// The catalog id of the mention `f` picks in `text`.
    fn pick(
        text: &str,
        f: impl Fn(&Catalog, &Language, &[Tok], &[Mention]) -> Option<usize>,
    ) -> Option<String> {
        let catalog = Catalog::builtin().unwrap();
        let lang = Language::builtin().unwrap();
        let toks = tokenize(text);
        let ms = mentions(&catalog, &lang, &toks, text);
        f(&catalog, &lang, &toks, &ms).map(|k| catalog.tool_at(ms[k].tool).id.clone())
    }

    #[test]
    fn the_subject_app_is_the_source_of_a_standing_rule() {
        let cases = [
            (
                "Zendesk tickets tagged vip go straight to PagerDuty",
                Some("zendesk"),
            ),
            (
                "urgent escalations from Help Scout need a Jira issue",
                Some("help_scout"),
            ),
            (
                "transcribe each Zoom recording into Google Docs",
                Some("zoom"),
            ),
            // an order, a bulk loop, or the source alone
            ("copy the Zendesk tickets into a Google Sheet", None),
            (
                "for each row in the Google Sheet create a HubSpot contact",
                None,
            ),
            ("Zendesk tickets", None),
        ];
        for (text, want) in cases {
            assert_eq!(pick(text, subject_source).as_deref(), want, "{text}");
        }
    }

    #[test]
    fn files_arrive_in_the_storage_named_after_an_arrival_word() {
        let cases = [
            (
                "invoices uploaded to our Dropbox go to Xero",
                Some("dropbox"),
            ),
            ("scans dumped into the S3 bucket get read", Some("aws_s3")),
            ("save the Stripe receipts to Dropbox", None),
        ];
        for (text, want) in cases {
            assert_eq!(pick(text, arriving_upload).as_deref(), want, "{text}");
        }
    }

    #[test]
    fn a_queue_is_read_not_written() {
        let read = |c: &Catalog, l: &Language, t: &[Tok], m: &[Mention]| {
            consumed_queue(c, l, t, m, 4).map(|(k, _)| k)
        };
        let cases = [
            (
                "listen to the SQS queue and save each message to Airtable",
                Some("sqs"),
            ),
            (
                "when a Typeform response comes in, send it to the SQS queue",
                None,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(pick(text, read).as_deref(), want, "{text}");
        }
    }

    #[test]
    fn an_event_cue_points_at_the_app_after_new() {
        let cued = |c: &Catalog, l: &Language, t: &[Tok], m: &[Mention]| {
            cued_source(c, l, t, m, 0, t.len())
        };
        let cases = [
            (
                "create a Linear issue for every new Sentry error",
                Some("sentry"),
            ),
            ("when a HubSpot deal is won, post to Slack", Some("hubspot")),
            ("when it rains, tell me", None),
            // a feed before the app the items go to; an app's event about a feed
            (
                "anything new on hacker news that mentions us goes to our telegram",
                Some("hacker_news"),
            ),
            (
                "when a telegram message links to hacker news, save it to notion",
                Some("telegram"),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(pick(text, cued).as_deref(), want, "{text}");
        }
    }
}
