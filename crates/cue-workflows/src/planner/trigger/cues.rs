//! What the words say about the trigger, before any tool is weighed: where the trigger clause
//! ends, whether a manual run, a URL, a schedule, an inbox, an upload, a state that lasted or a
//! queue read is asked for. Mentions are used only for where names stand.

use super::super::Mention;
use super::super::has_word;
use super::super::language::{Language, Phrases, any_at};
use crate::schedule;
use crate::text::Tok;

/// Clauses this short open with a filler or a label ("hey so", "New Stripe customer ->"): the
/// trigger clause runs on into the next one.
const SHORT_OPENING: usize = 3;

fn trigger_end(lang: &Language, toks: &[Tok], ms: &[Mention]) -> usize {
    let first = toks.first().map_or(0, |t| t.clause);
    let end = toks
        .iter()
        .position(|t| t.clause != first)
        .unwrap_or(toks.len());
    // an opening without a name or a cue ("can you make it so ...") says nothing yet
    let empty = !ms.iter().any(|m| m.at < end)
        && any_in(toks, 0..end, &lang.triggers.event_cues).is_none()
        && any_in(toks, 0..end, &lang.triggers.manual).is_none();
    // "so for shopify, if the order ...": a topic, named with nothing to do yet
    let named = |i: usize| ms.iter().any(|m| m.at <= i && i < m.at + m.len);
    let topic = ms.iter().any(|m| m.at < end)
        && (0..end).all(|i| named(i) || lang.triggers.topic_words.contains(&toks[i].w));
    if (end < SHORT_OPENING || empty || topic) && end < toks.len() {
        let second = toks[end].clause;
        return toks[end..]
            .iter()
            .position(|t| t.clause != second)
            .map_or(toks.len(), |k| end + k);
    }
    end.max(1)
}

pub(super) fn any_in(toks: &[Tok], range: std::ops::Range<usize>, list: &Phrases) -> Option<usize> {
    range
        .filter(|&i| i < toks.len())
        .find(|&i| any_at(toks, i, list).is_some())
}

/// Mail arriving at an address named in the trigger clause: a mail verb that is not the first
/// word of its clause (that would be an order to send mail) and an address after it.
fn addressed_mail(
    lang: &Language,
    toks: &[Tok],
    zone: std::ops::Range<usize>,
    text: &str,
) -> Option<usize> {
    // "mail from statements@bank.com: ...", "inbound emails to sales@": a mail noun as the
    // subject, with an address right after from/to
    let noun = (0..toks.len()).find(|&i| {
        matches!(toks[i].w.as_str(), "mail" | "email" | "emails" | "mails")
            && toks
                .get(i + 1)
                .is_some_and(|t| t.w == "from" || t.w == "to")
            && !(i.saturating_sub(3)..i).any(|k| {
                matches!(
                    toks[k].w.as_str(),
                    "send" | "sends" | "write" | "draft" | "an" | "a"
                )
            })
            && has_address(
                text,
                toks[i + 1].end,
                toks.get(i + 3).map_or(text.len(), |t| t.end),
            )
    });
    if noun.is_some() {
        return noun;
    }
    // "send an email from ops@...": mail the workflow writes
    let ordered = |i: usize| {
        (i.saturating_sub(2)..i)
            .any(|k| matches!(toks[k].w.as_str(), "send" | "sends" | "write" | "draft"))
    };
    let zone_toks = || zone.clone().filter(|&i| i < toks.len());
    // "when a shipping notice from notices@forwarder.com comes in", "(from: ap@vendor.com)":
    // what arrives from an address is mail, whatever it is called, unless the clause orders
    // mail written ("send the report from reports@acme.com")
    let from_address = zone_toks().find(|&i| {
        toks[i].w == "from"
            && toks.get(i + 1).is_some_and(|n| {
                has_address(text, toks[i].end, n.end)
                    && text
                        .get(toks[i].end..n.start)
                        .is_some_and(|g| g.trim().is_empty() || g.trim() == ":")
            })
            && !(zone.start..i).any(|k| {
                toks[k].clause == toks[i].clause
                    && matches!(
                        toks[k].w.as_str(),
                        "send" | "sends" | "write" | "draft" | "reply" | "forward"
                    )
            })
    });
    if from_address.is_some() {
        return from_address;
    }
    // "when a client emails the intake address", "our vendor emails a monthly report": the
    // sender says the mail is received, whatever it is about
    let sent_by = zone_toks().find(|&i| {
        i > 0
            && toks[i - 1].clause == toks[i].clause
            && any_at(toks, i - 1, &lang.triggers.mail_senders).is_some_and(|p| p.len() == 1)
            && any_at(toks, i, &lang.triggers.sender_mail_verbs).is_some()
            && !ordered(i - 1)
    });
    if sent_by.is_some() {
        return sent_by;
    }
    // "save every attachment sent to receipts@ourfirm.com": each item sent to the address
    // arrives there, whoever sends it ("the summary sent to boss@..." is not quantified)
    let quantified = zone_toks().find(|&i| {
        matches!(
            toks[i].w.as_str(),
            "sent" | "forwarded" | "emailed" | "mailed"
        ) && toks.get(i + 1).is_some_and(|t| t.w == "to")
            && (i.saturating_sub(4)..i).any(|k| {
                toks[k].clause == toks[i].clause
                    && lang.triggers.arrival_quantifiers.contains(&toks[k].w)
            })
            && !ordered(i)
            && has_address(
                text,
                toks[i + 1].end,
                toks.get(i + 2).map_or(text.len(), |t| t.end),
            )
    });
    if quantified.is_some() {
        return quantified;
    }
    let verb = zone_toks().find(|&i| {
        any_at(toks, i, &lang.triggers.mail_verbs).is_some()
            && i > 0
            && toks[i - 1].clause == toks[i].clause
            && !ordered(i)
    })?;
    let end = toks.get(zone.end.min(toks.len()).saturating_sub(1))?.end;
    has_address(text, toks[verb].end, end).then_some(verb)
}

/// An email address in `text[from..to]`; "ap@" (the domain left out) is one too. `to` runs on
/// to the end of its word: a token ends before a trailing "@" ("forward to bills@").
fn has_address(text: &str, from: usize, to: usize) -> bool {
    let to = text
        .get(to..)
        .map_or(text.len(), |rest| {
            to + rest.find(char::is_whitespace).unwrap_or(rest.len())
        })
        .min(text.len());
    text.get(from..to).is_some_and(|after| {
        after
            .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')'))
            .any(|w| {
                let w = w.trim_end_matches(['.', ':']);
                w.contains('@') && !w.starts_with('@')
            })
    })
}

/// How many words before an inbox phrase a `sent_not_received` phrase makes it mail the
/// workflow sends ("should get a background check request emailed to").
const SENT_REACH: usize = 8;

/// How many words before a mail word a verb of sending makes it mail the workflow sends.
const MAIL_ORDER_REACH: usize = 3;

/// How far before a duration the state it measures may be said ("has been open more than
/// four hours", "is more than three days unshipped").
const LINGER_WINDOW: usize = 8;

/// A state that has lasted too long: a `for_long` duration with a `lingering` state word
/// shortly before it or right after it.
fn lingers(lang: &Language, toks: &[Tok]) -> bool {
    let words = &lang.triggers;
    (0..toks.len()).any(|i| {
        any_at(toks, i, &words.for_long).is_some()
            && (i.saturating_sub(LINGER_WINDOW)..(i + 6).min(toks.len()))
                .any(|k| any_at(toks, k, &words.lingering).is_some())
    })
}

/// How many words after a quantity its threshold may be said ("the stock level of the blue
/// mug drops below").
const THRESHOLD_WINDOW: usize = 4;

/// How many words after a level noun its threshold may be said when no tool is named between
/// them ("the Plaid balance of the operating account goes under"); a tool between ("stock on any
/// BigCommerce product drops below") makes the level that app's own, announced by it.
const OWN_THRESHOLD_WINDOW: usize = 6;

/// A quantity crossing a threshold: a `levels` noun with a `thresholds` phrase shortly after it
/// ("when our Stripe balance drops under $2,000", "when the backlog goes above 1000"). The app does not announce it; it is checked.
/// An event said first ("when an order comes in and the stock drops below 5") keeps the event:
/// the threshold is then its condition.
fn crosses(lang: &Language, toks: &[Tok], zs: usize, ms: &[Mention]) -> bool {
    let words = &lang.triggers;
    (zs..toks.len()).any(|i| {
        let event_first = (zs..i).any(|k| any_at(toks, k, &words.implicit_event).is_some());
        let within = |p: &[String], list: &super::super::language::Phrases| {
            let from = i + p.len();
            (from..(from + OWN_THRESHOLD_WINDOW).min(toks.len())).any(|k| {
                any_at(toks, k, list).is_some()
                    && (k < from + THRESHOLD_WINDOW || !ms.iter().any(|m| m.at >= from && m.at < k))
            })
        };
        // "tickets pile up over 50", "unread mails stack up past 200": a count past a number
        let piles_up = |p: &[String]| {
            let from = i + p.len();
            (from..(from + THRESHOLD_WINDOW).min(toks.len()))
                .take_while(|&k| toks[k].clause == toks[i].clause)
                .any(|k| toks[k].w.starts_with(|c: char| c.is_ascii_digit()))
        };
        // "our balance drops under $2,000", "the backlog goes above 500"
        !event_first
            && (any_at(toks, i, &words.levels).is_some_and(|p| within(p, &words.thresholds))
                || any_at(toks, i, &words.accumulate).is_some_and(|p| piles_up(p)))
    })
}

/// A count of reactions said to reach a number in the trigger clause ("when a pin gets more
/// than 100 saves"): the token of its verb. It is checked on a schedule unless an app with
/// events is its subject (decided in `checked_state`, like a rate).
fn counted_metric(lang: &Language, toks: &[Tok], zone: std::ops::Range<usize>) -> Option<usize> {
    let words = &lang.triggers;
    zone.clone().filter(|&i| i < toks.len()).find(|&i| {
        any_at(toks, i, &words.metric_verbs).is_some_and(|p| {
            (i + p.len()
                ..(i + p.len() + THRESHOLD_WINDOW)
                    .min(zone.end)
                    .min(toks.len()))
                .any(|k| any_at(toks, k, &words.metrics).is_some())
        })
    })
}

/// How many words after a comparison the span it is counted over may be said ("more than a
/// thousand requests from one ip in an hour").
const SPAN_WINDOW: usize = 8;

/// A count or amount compared over a span of time in the trigger clause ("more than 100 events
/// in the last hour", "returns errors for five minutes straight", "drops more than 10% in a
/// week"): a rate that is checked on a schedule, unless an app with events is its subject (the
/// app's own alert rules count its items: "when a Sentry error spikes above 100 events in an
/// hour", decided in `checked_state`).
fn counted_over_span(lang: &Language, toks: &[Tok], zone: std::ops::Range<usize>) -> Option<usize> {
    let words = &lang.triggers;
    let end = zone.end.min(toks.len());
    zone.clone().filter(|&i| i < end).find(|&i| {
        any_at(toks, i, &words.counted).is_some_and(|p| {
            (i + p.len()..(i + p.len() + SPAN_WINDOW).min(end))
                .any(|k| any_at(toks, k, &words.spans).is_some())
        })
    })
}

/// "an address our scanner can send its results to": "address" (not "email address"), a
/// determiner, a machine that sends, and a modal. The machine posts to a web address; a person
/// ("an address I can forward invoices to") mails one.
fn machine_address(lang: &Language, toks: &[Tok]) -> Option<usize> {
    let w = |i: usize| toks.get(i).map_or("", |t| t.w.as_str());
    (0..toks.len()).find(|&i| {
        w(i) == "address"
            && !matches!(w(i.wrapping_sub(1)), "email" | "mail" | "e")
            && matches!(
                w(i + 1),
                "our" | "the" | "my" | "a" | "an" | "their" | "your"
            )
            && any_at(toks, i + 2, &lang.triggers.device_senders).is_some_and(|p| {
                matches!(
                    w(i + 2 + p.len()),
                    "can" | "will" | "should" | "could" | "may"
                )
            })
    })
}

/// An address someone can call: one of `callable.nouns` ("a link our partners can hit with
/// an order", "a url the form will post to", not "email address"), or a vague one ("something
/// they can POST to") with a verb that calls it; a modal right before the verb, both in the
/// noun's clause within `reach` words.
fn callable_address(lang: &Language, toks: &[Tok]) -> Option<usize> {
    let c = &lang.triggers.callable;
    let w = |i: usize| toks.get(i).map_or("", |t| t.w.as_str());
    (0..toks.len()).find(|&i| {
        let plain = c.nouns.iter().any(|n| n == w(i))
            && !matches!(
                w(i.wrapping_sub(1)),
                "email" | "mail" | "e" | "home" | "postal"
            );
        let vague = c.vague_nouns.iter().any(|n| n == w(i));
        if !plain && !vague {
            return false;
        }
        let verbs = if plain { &c.verbs } else { &c.vague_verbs };
        (i + 1..(i + c.reach).min(toks.len())).any(|m| {
            toks[m].clause == toks[i].clause
                && c.modals.iter().any(|x| x == w(m))
                && toks.get(m + 1).is_some_and(|v| v.clause == toks[i].clause)
                && verbs.iter().any(|v| v == w(m + 1))
        })
    })
}

/// How many words may stand between a tool's name and a thing of it ("PayPal donate button").
const OWNED_GAP: usize = 2;

/// An endpoint phrase (its last word at `i`) followed at once by the address of one that exists ("our status endpoint
/// https://api.example.com/health returns ..."): the workflow calls or checks it, it does not
/// expose one.
fn names_existing_url(text: &str, toks: &[Tok], i: usize) -> bool {
    let from = toks[i].end;
    let to = toks.get(i + 3).map_or(text.len(), |t| t.start);
    text.get(from..to).is_some_and(|gap| {
        gap.split_whitespace()
            .next()
            .is_some_and(|w| w.starts_with("http://") || w.starts_with("https://"))
    })
}

/// One file, as `stored_files` names many ("a new contract is saved in the folder").
const FILE_NOUNS: &[&str] = &[
    "file",
    "document",
    "pdf",
    "photo",
    "image",
    "picture",
    "recording",
    "contract",
    "invoice",
    "receipt",
    "scan",
    "spreadsheet",
    "video",
];

/// Words that make a time recurring in a clause ("new CSV exported into Drive each night").
const RECURRING: &[&str] = &["each", "every", "nightly", "daily", "weekly", "hourly"];

/// A word of recurrence in clause `clause` ("each night", "nightly").
pub(super) fn recurring_in_clause(toks: &[Tok], clause: usize) -> bool {
    toks.iter()
        .any(|t| t.clause == clause && RECURRING.contains(&t.w.as_str()))
}

/// What the words of a prompt say about its trigger. Token indexes are into the prompt's
/// instruction tokens; `zs..end` is the trigger clause.
pub(super) struct Cues {
    /// The schedule phrase, if any.
    pub sched: Option<schedule::Schedule>,
    /// Start of the trigger clause.
    pub zs: usize,
    /// End of the trigger clause.
    pub end: usize,
    /// The prompt opens with an event ("when", "whenever", "upon", "once a row ...") or has a
    /// late when-clause.
    pub starts_with_event: bool,
    /// The user starts the run ("when I press go"), not someone else's chore ("IT does that by
    /// hand").
    pub manual: bool,
    /// How often to look is said after the event ("checking every half hour is fine").
    pub poll_every: bool,
    /// A deadline that is missed is checked at its time ("isn't filled in by friday at four").
    pub deadline: bool,
    /// A form on the user's own site in the trigger clause ("the contact form on our website").
    pub site_form: Option<usize>,
    /// A URL to call is asked for ("give me a URL that ...").
    pub url_asked: Option<usize>,
    /// An endpoint word not right after a tool's name ("a webhook", but not "a Stripe webhook").
    pub hook: Option<usize>,
    /// The prompt opens with a word that asks for an endpoint ("expose ...", "build ...").
    pub hook_opener: bool,
    /// An upload word in the trigger clause.
    pub upload_at: Option<usize>,
    /// An inbox phrase in the trigger clause.
    pub inbox_at: Option<usize>,
    /// Mail sent to an address named in the trigger clause ("vendors email invoices to ap@").
    pub addressed_mail: Option<usize>,
    /// A mail word in the trigger clause, and whether the clause says it arrives (not "should
    /// get a welcome email").
    pub mail_word: Option<(usize, bool)>,
    /// The trigger clause says "uploaded", "upload" or "bucket".
    pub upload_explicit: bool,
    /// A container of files in the trigger clause (bucket, folder, file, image, ...).
    pub upload_container: bool,
    /// Something to keep an eye on ("keep an eye on", "goes down").
    pub watch: bool,
    /// A run timed before something ("two hours before it starts"), not after an opening event.
    pub ahead: bool,
    /// A comparison of periods ("month over month").
    pub compares: bool,
    /// A state that has lasted ("has sat unassigned for more than 2 hours").
    pub lingers: bool,
    /// A quantity crossing a threshold ("our balance drops under $2,000").
    pub crosses: bool,
    /// A count compared over a span of time ("more than a thousand requests in an hour"): the
    /// token of the comparison.
    pub rate: Option<usize>,
    /// A count of reactions reaching a number ("a pin gets more than 100 saves"): its verb.
    pub metric: Option<usize>,
    /// An event cue: an opening event, an arrow, or an event word in the trigger clause.
    pub event_cue: bool,
    /// A queue read without a service ("work through that queue").
    pub queue_read: bool,
    /// An event phrase in the first clause said without "when" ("new employee in Gusto").
    pub implicit_event: bool,
}

impl Cues {
    pub(super) fn read(lang: &Language, toks: &[Tok], text: &str, ms: &[Mention]) -> Self {
        let all = toks.len();
        let words = &lang.triggers;
        // "Notify #sales in Slack when a new lead signs up": the trigger is the late when-clause
        let sched = schedule::parse(text, toks);
        // "tell #platform when done": the end of the work, not an event
        let late_when = (0..all)
            .find(|&i| {
                any_at(toks, i, &words.late_event_cues)
                    .is_some_and(|p| any_at(toks, i + p.len(), &words.finished).is_none())
            })
            .or_else(|| {
                sched
                    .is_none()
                    .then(|| any_in(toks, 0..all, &words.per_item_cues))
                    .flatten()
            })
            .filter(|&i| i > 2);
        let (zs, end) = match late_when {
            Some(i) => {
                let c = toks[i].clause;
                (
                    i,
                    toks[i..]
                        .iter()
                        .position(|t| t.clause != c)
                        .map_or(all, |k| i + k),
                )
            }
            None => (0, trigger_end(lang, toks, ms)),
        };
        // "once a week" is a schedule, "once a row is added" an event
        let once_per = |i: usize| {
            toks.get(i).is_some_and(|t| t.w == "once")
                && any_at(toks, i + 1, &words.once_periods).is_some()
        };
        let starts_with_event = toks.first().is_some_and(|t| {
            matches!(t.w.as_str(), "when" | "whenever" | "upon") || (t.w == "once" && !once_per(0))
        }) || toks
            .iter()
            .take(3)
            .any(|t| t.w == "whenever" || t.w == "when")
            || late_when.is_some();
        // "manually", "by hand" start the run in the first clause or next to a verb of running
        // ("run this by hand", "manually run:"); later they describe a chore ("HR will add them
        // there manually")
        let first_clause = toks.first().map_or(0, |t| t.clause);
        // "no one should have to copy these by hand again", "stop doing it manually": the
        // chore the workflow replaces, denied earlier in the adverb's clause
        let chore_denied = |i: usize| {
            let c = toks[i].clause;
            (0..i).rev().take_while(|&k| toks[k].clause == c).any(|k| {
                any_at(toks, k, &words.chore_denials).is_some()
                    || any_at(toks, k, &lang.negation.clause).is_some()
                    || any_at(toks, k, &lang.negation.direct).is_some()
            })
        };
        let run_adverb = |i: usize| {
            any_at(toks, i, &words.manual_adverbs).is_some()
                && !chore_denied(i)
                && (toks[i].clause == first_clause
                    || (i.saturating_sub(4)..(i + 4).min(all))
                        .any(|k| k != i && any_at(toks, k, &words.run_verbs).is_some()))
        };
        // "I'll hit run myself", "i just wanna kick it off": the user starts it
        let self_start = |i: usize| {
            toks[i].w == "i"
                && (i + 1..(i + 4).min(all)).any(|k| {
                    toks[k].clause == toks[i].clause
                        && any_at(toks, k, &words.run_verbs)
                            .or_else(|| any_at(toks, k, &words.start_verbs))
                            .is_some_and(|p| {
                                any_at(toks, k + p.len(), &words.start_objects).is_some()
                            })
                })
        };
        // "through our PayPal donate button": the tool's button, not the user's
        let owned = |i: usize| {
            any_at(toks, i, &words.owned_nouns).is_some()
                && ms
                    .iter()
                    .any(|m| m.at + m.len <= i && i <= m.at + m.len + OWNED_GAP)
        };
        // "IT does that by hand" is someone else's chore, not how the workflow starts
        let manual_at = |i: usize| {
            (any_at(toks, i, &words.manual).is_some_and(|_| !owned(i))
                || run_adverb(i)
                || self_start(i))
                && !(i.saturating_sub(4)..i)
                    .any(|k| any_at(toks, k, &words.manual_not_after).is_some())
        };
        // "when the timesheet isn't filled in by friday at four": a deadline, checked then
        let deadline = sched.is_some()
            && (0..all).any(|i| {
                any_at(toks, i, &words.missed_by).is_some()
                    && (i + 1..(i + 7).min(all)).any(|k| toks[k].w == "by")
            });
        // "checking every half hour is fine": the user says how often to look
        let poll_every = (0..all).any(|i| {
            any_at(toks, i, &words.poll_cues).is_some()
                && (i + 1..(i + 4).min(all)).any(|k| {
                    matches!(
                        toks[k].w.as_str(),
                        "every" | "each" | "hourly" | "daily" | "nightly" | "twice" | "once"
                    )
                })
        }) || (sched.is_some()
            // "weekly is fine", "daily will do"
            && (0..all).any(|i| {
                RECURRING.contains(&toks[i].w.as_str())
                    && any_at(toks, i + 1, &words.cadence_enough).is_some()
            }));
        let mail_word = has_word(
            toks,
            zs..end,
            &["email", "emails", "mail", "inbox", "message"],
        )
        .map(|ei| {
            // "the new user should get a welcome email": mail the workflow sends
            let sent = (ei.saturating_sub(5)..ei)
                .any(|k| any_at(toks, k, &words.sent_not_received).is_some())
                // "send a bulk email to our customers": mail the workflow writes
                || (ei.saturating_sub(MAIL_ORDER_REACH)..ei).any(|k| {
                    // "when customers send an email": the verb has a sender for its subject
                    let subject = k.checked_sub(1).is_some_and(|p| {
                        toks[p].clause == toks[k].clause
                            && (any_at(toks, p, &words.mail_senders).is_some()
                                || matches!(toks[p].w.as_str(), "they" | "who"))
                    });
                    toks[k].clause == toks[ei].clause
                        && any_at(toks, k, &words.mail_orders).is_some()
                        && !subject
                });
            let receiving =
                !sent && (any_in(toks, zs..end, &words.receive).is_some() || toks[ei].w == "inbox");
            (ei, receiving)
        });
        let arrow = text.contains("->") || text.contains('→');
        let in_first = |i: usize| toks.get(i).is_some_and(|t| t.clause <= first_clause + 1);
        Cues {
            zs,
            end,
            starts_with_event,
            manual: (0..all).any(manual_at),
            poll_every,
            deadline,
            site_form: any_in(toks, zs..end, &words.site_forms),
            url_asked: (0..all)
                .find(|&i| any_at(toks, i, &words.webhook).is_some())
                .or_else(|| machine_address(lang, toks))
                .or_else(|| callable_address(lang, toks)),
            hook: (0..all).find(|&i| {
                any_at(toks, i, &words.hook_words).is_some()
                    && !ms.iter().any(|m| m.at + m.len == i)
                    && !any_at(toks, i, &words.hook_words)
                        .is_some_and(|p| names_existing_url(text, toks, i + p.len() - 1))
            }),
            hook_opener: any_at(toks, 0, &words.hook_openers).is_some(),
            upload_at: any_in(toks, zs..end, &words.upload),
            // "new applications should get a check request emailed to the screening company":
            // mail the workflow sends
            inbox_at: (zs..end.min(all)).find(|&i| {
                any_at(toks, i, &words.inbox).is_some()
                    && !(i.saturating_sub(SENT_REACH)..i).any(|k| {
                        toks[k].clause == toks[i].clause
                            && any_at(toks, k, &words.sent_not_received).is_some()
                    })
            }),
            addressed_mail: addressed_mail(lang, toks, zs..end, text),
            mail_word,
            // "uploaded", a bucket, or files said to land in a folder ("a new file is added to
            // the shared legal folder")
            upload_explicit: toks
                .iter()
                .take(end)
                .skip(zs)
                .any(|t| matches!(t.w.as_str(), "uploaded" | "upload" | "bucket"))
                || (has_word(toks, zs..end, &["folder", "folders"]).is_some()
                    && (any_in(toks, zs..end, &words.stored_files).is_some()
                        || has_word(toks, zs..end, FILE_NOUNS).is_some())),
            upload_container: has_word(
                toks,
                zs..end,
                &[
                    "bucket", "folder", "file", "files", "csv", "image", "photo", "pdf",
                    "document", "upload", "uploaded",
                ],
            )
            .is_some(),
            watch: any_in(toks, 0..all, &words.watch).is_some(),
            ahead: !starts_with_event && any_in(toks, 0..all, &words.ahead).is_some(),
            compares: any_in(toks, 0..all, &words.period_compare).is_some(),
            lingers: lingers(lang, toks),
            crosses: crosses(lang, toks, zs, ms),
            rate: counted_over_span(lang, toks, zs..end),
            metric: counted_metric(lang, toks, zs..end),
            event_cue: starts_with_event
                || arrow
                || any_in(toks, zs..end, &words.event_cues).is_some(),
            queue_read: (0..all).any(|i| {
                any_at(toks, i, &words.queue_nouns).is_some()
                    && (i.saturating_sub(4)..i)
                        .any(|k| any_at(toks, k, &words.queue_consume).is_some())
            }),
            implicit_event: (0..all)
                .any(|i| in_first(i) && any_at(toks, i, &words.implicit_event).is_some()),
            sched,
        }
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::planner::entities::mentions;
    use crate::text::tokenize;

    fn cues(text: &str) -> Cues {
        let catalog = Catalog::builtin().unwrap();
        let lang = Language::builtin().unwrap();
        let toks = tokenize(text);
        let ms = mentions(&catalog, &lang, &toks, text);
        Cues::read(&lang, &toks, text, &ms)
    }

    #[test]
    fn manual_cues_are_the_users_own_start() {
        let cases = [
            ("when I press go, post the report to Slack", true),
            ("I'll start it myself when needed: copy the rows", true),
            ("run it on demand and archive the cards", true),
            // someone else's chore
            (
                "new starter in Workday: IT does the Slack one by hand",
                false,
            ),
            ("every Monday post the report to Slack", false),
            // the user starting it, in their own words
            (
                "when the shoot is over I'll hit run myself: copy the pictures",
                true,
            ),
            (
                "i just wanna kick it off whenever a new intern starts",
                true,
            ),
            ("i ll run it myself on payday", true),
            ("I run a bakery; when an order comes in text me", false),
            ("when I hit the deadline, email the team", false),
        ];
        for (text, want) in cases {
            assert_eq!(cues(text).manual, want, "{text}");
        }
        // how often to check, said after the event
        assert!(cues("tell me when a page goes stale. daily is fine").poll_every);
        assert!(!cues("let me know when an article is published. weekly digest").poll_every);
    }

    #[test]
    fn an_opening_event_is_not_once_a_period() {
        let cases = [
            ("when a row is added, post it", true),
            ("once a row is added, post it", true),
            ("post it to Slack whenever a deal closes", true),
            ("once a week, post the totals", false),
            ("every day post the totals", false),
        ];
        for (text, want) in cases {
            assert_eq!(cues(text).starts_with_event, want, "{text}");
        }
    }

    #[test]
    fn states_that_lasted_and_times_ahead_are_checked() {
        let cases = [
            (
                "when a ticket has sat unassigned for more than 2 hours",
                true,
            ),
            ("if an invoice stays unpaid for over a day", true),
            ("when a bill is 45 days overdue tell accounting", true),
            // an amount, not time passing
            ("when a payment is for more than 500 dollars", false),
        ];
        for (text, want) in cases {
            assert_eq!(cues(text).lingers, want, "{text}");
        }
        // a count or amount over a span of time is a rate, checked
        let cases = [
            (
                "if a queue has more than 300 messages in the last hour, page us",
                true,
            ),
            (
                "when the firewall drops more than 200 packets from one host in an hour post it",
                true,
            ),
            (
                "page me when the site returns errors for three minutes straight",
                true,
            ),
            ("tell me when the price drops more than 5% in a day", true),
            // an amount of one event, or a span outside the trigger clause
            ("when an order over $500 comes in, text me", false),
            (
                "when a deal closes, post it to Slack and follow up in the next hour",
                false,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(cues(text).rate.is_some(), want, "{text}");
        }
        assert!(cues("text each patient a reminder one day before the appointment").ahead);
        assert!(
            !cues("when a visit is booked, text a reminder one day before the appointment").ahead
        );
    }

    #[test]
    fn mail_to_an_address_is_received_unless_it_is_sent() {
        let cases = [
            (
                "vendors email invoices to ap@ourco.com; create a bill",
                true,
            ),
            ("mail from billing@vendor.com: save the PDF", true),
            ("send an email from ops@ourco.com to the customers", false),
            ("email the report to boss@ourco.com every Monday", false),
            // a kind of sender and a verb of mail: received, with or without an address
            (
                "whenever a tenant emails the maintenance address, open a Trello card",
                true,
            ),
            (
                "when our supplier emails a new price list, update the sheet",
                true,
            ),
            ("when someone emails us a receipt, file it in Drive", true),
            (
                "each month our accountant mailed statements; log them",
                true,
            ),
            // the workflow's own mail to such people
            (
                "send the customers email updates when an order ships",
                false,
            ),
            ("when a lead signs up, email the customers a coupon", false),
            // a sender's noun before a field of mail
            (
                "when a row is added send a welcome email to the customer email in that row",
                false,
            ),
            (
                "if customers email us about a refund, open a Zendesk ticket",
                true,
            ),
            // what arrives from an address is mail, whatever it is called (lang11)
            (
                "when a shipping notice from notices@forwarder.com comes in, update the row",
                true,
            ),
            (
                "when a statement (from: billing@bank.com) arrives, file it in Drive",
                true,
            ),
            (
                "when a deal closes, send the invoice from billing@ourco.com",
                false,
            ),
            ("when a payment comes in from the shop, thank them", false),
            ("forward the notices from ops@ourco.com to the team", false),
        ];
        for (text, want) in cases {
            assert_eq!(cues(text).addressed_mail.is_some(), want, "{text}");
        }
        assert!(has_address("write to ap@ now", 0, 16));
        assert!(!has_address("mention @team now", 0, 17));
        // the token before a trailing "@" ends short of it
        assert!(has_address("managers forward to bills@ and", 0, 25));
        assert!(!has_address("managers forward to bills and", 0, 25));
    }

    #[test]
    fn mail_the_workflow_sends_does_not_arrive() {
        for text in [
            "send a bulk email to our subscribers announcing the new plan",
            "write an email to each new customer with their login",
            "compose a welcome email for the new hires in Gusto",
        ] {
            assert!(cues(text).mail_word.is_none_or(|(_, r)| !r), "{text}");
        }
        for text in [
            "when a new email arrives in the support inbox, add a card",
            "when customers send us a new email, log it",
            "when customers send an email to the new address, log it",
            "whenever someone sends us an email that arrives in the shared inbox, add a row",
        ] {
            assert!(cues(text).mail_word.is_some_and(|(_, r)| r), "{text}");
        }
    }

    #[test]
    fn a_late_when_opens_the_trigger_clause() {
        let c = cues("notify the sales channel in Slack when a new lead signs up");
        assert!(c.zs > 0 && c.starts_with_event);
        let c = cues("when a new lead signs up, notify the sales channel");
        assert_eq!(c.zs, 0);
        assert!(c.end < 8);
    }

    #[test]
    fn a_topic_opening_is_not_the_whole_trigger_clause() {
        // the trigger clause runs on past "so for shopify,"
        let c = cues("so for shopify, if the order has a discount code, add it to the sheet");
        assert!(c.end > 4 && c.event_cue);
        // an opening that does something ends the trigger clause
        let c = cues("copy the Shopify orders, then post the total to Slack");
        assert!(c.end <= 5);
    }

    #[test]
    fn recurrence_is_read_per_clause() {
        let toks = tokenize("new CSVs land in Drive each night; load them");
        assert!(recurring_in_clause(&toks, toks[0].clause));
        let last = toks.last().unwrap().clause;
        assert!(!recurring_in_clause(&toks, last));
    }
}
