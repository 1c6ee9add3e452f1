//! Trigger grammar: which kind of event starts the workflow, from which tool, and which tokens
//! belong to the trigger.

use super::language::{Language, any_at};
use super::negation::Exclusions;
use super::{Mention, find_phrase, has_word};
use crate::catalog::{Catalog, Event, Tool};
use crate::model::TriggerKind;
use crate::schedule;
use crate::text::Tok;

/// Everything the planner decided about the trigger.
pub(super) struct TriggerChoice {
    pub kind: TriggerKind,
    /// Mention of the tool the event comes from.
    pub tool: Option<usize>,
    /// Tokens `..end` are the trigger's clause(s).
    pub end: usize,
    pub schedule: Option<schedule::Schedule>,
}

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
    if (end < SHORT_OPENING || empty) && end < toks.len() {
        let second = toks[end].clause;
        return toks[end..]
            .iter()
            .position(|t| t.clause != second)
            .map_or(toks.len(), |k| end + k);
    }
    end.max(1)
}

fn any_in(toks: &[Tok], range: std::ops::Range<usize>, list: &[Vec<String>]) -> Option<usize> {
    range
        .filter(|&i| i < toks.len())
        .find(|&i| any_at(toks, i, list).is_some())
}

/// Where an event comes from when the prompt names no tool for it: the usual service for the
/// kind (Gmail for received email, S3 for uploads, SQS for queues; the next one when the prompt
/// excludes it), or the tool of a need named in the trigger clause ("a support ticket is
/// filed" → Zendesk); with the assumption that says so.
pub(super) fn unnamed_source(
    catalog: &Catalog,
    toks: &[Tok],
    masked: &[bool],
    excl: &Exclusions,
    kind: TriggerKind,
    end: usize,
) -> (Option<usize>, Option<String>) {
    let position = |id: &str| catalog.tools.iter().position(|t| t.id == id);
    let usual: (&[&str], &str) = match kind {
        TriggerKind::EmailReceived => (&["gmail", "outlook", "imap"], "email"),
        TriggerKind::FileUpload => (&["aws_s3", "google_drive", "dropbox"], "file storage"),
        TriggerKind::Queue => (&["sqs", "amazon_kinesis", "kafka"], "queue"),
        _ => (&[], ""),
    };
    let (candidates, what) = usual;
    let allowed: Vec<usize> = candidates
        .iter()
        .filter_map(|id| position(id))
        .filter(|&i| !excl.excludes(i))
        .collect();
    if let Some((&first, rest)) = allowed.split_first() {
        let alts: Vec<&str> = rest
            .iter()
            .map(|&i| catalog.tool_at(i).name.as_str())
            .collect();
        return (
            Some(first),
            Some(format!(
                "No {what} service was named for the trigger; using {} (alternatives: {}).",
                catalog.tool_at(first).name,
                alts.join(", ")
            )),
        );
    }
    if kind != TriggerKind::AppEvent {
        return (None, None);
    }
    // a need in the trigger clause ("a support ticket is filed") names the source
    for n in &catalog.needs {
        let hit = n.phrases.iter().any(|p| {
            let pw: Vec<&str> = p.split(' ').collect();
            find_phrase(toks, &pw, 0, end).is_some_and(|i| !masked[i] && !excl.negated(i))
        });
        if let Some(t) = position(&n.default)
            && hit
            && !excl.excludes(t)
            && !catalog.tools[t].events.is_empty()
        {
            let alts: Vec<&str> = n
                .alternatives
                .iter()
                .filter_map(|a| catalog.tool(a))
                .map(|t| t.name.as_str())
                .collect();
            return (
                Some(t),
                Some(format!(
                    "No tool was named for the event; assuming it comes from {} (alternatives: {}).",
                    catalog.tools[t].name,
                    alts.join(", ")
                )),
            );
        }
    }
    (None, None)
}

/// The note for an event of a tool the catalog knows no event of ("whenever someone new
/// follows our LinkedIn page"): the tool cannot call the function, so the workflow runs on a
/// schedule (reading it with one of its read actions when it has one). `None` when the tool has
/// events.
pub(super) fn eventless_source(catalog: &Catalog, tool: usize) -> Option<String> {
    let t = catalog.tool_at(tool);
    if !t.events.is_empty() {
        return None;
    }
    let reads = t
        .actions
        .iter()
        .any(|a| a.role == crate::catalog::Role::Read);
    Some(if reads {
        format!(
            "{} cannot notify the function of new events; a schedule checks it instead.",
            t.name
        )
    } else {
        format!(
            "{} cannot notify the function of new events and the catalog has no way to read them; the workflow runs on a schedule, so add the read of {} it needs.",
            t.name, t.name
        )
    })
}

/// The event of `tool` whose words the trigger clause uses most (the first on a tie).
pub(super) fn event_of<'t>(tool: &'t Tool, trigger: &[Tok]) -> Option<&'t Event> {
    let words: Vec<&str> = trigger.iter().map(|t| t.w.as_str()).collect();
    let mut best: Option<(&Event, usize)> = None;
    for e in &tool.events {
        let score = e
            .words
            .iter()
            .filter(|p| p.split(' ').all(|w| words.contains(&w)))
            .count();
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((e, score));
        }
    }
    best.map(|(e, _)| e)
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
    let verb = zone.clone().filter(|&i| i < toks.len()).find(|&i| {
        any_at(toks, i, &lang.triggers.mail_verbs).is_some()
            && i > 0
            && toks[i - 1].clause == toks[i].clause
            && !ordered(i)
    })?;
    let end = toks.get(zone.end.min(toks.len()).saturating_sub(1))?.end;
    has_address(text, toks[verb].end, end).then_some(verb)
}

/// An email address in `text[from..to]`; "ap@" (the domain left out) is one too.
fn has_address(text: &str, from: usize, to: usize) -> bool {
    text.get(from..to.min(text.len())).is_some_and(|after| {
        after
            .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')'))
            .any(|w| {
                let w = w.trim_end_matches(['.', ':']);
                w.contains('@') && !w.starts_with('@')
            })
    })
}

/// A queue, stream or topic the workflow reads: a queue tool named in the trigger clause, or
/// named with a word of reading and none of writing in its clause; or a tool whose event is a
/// stream, named with a stream word after it ("DynamoDB stream records"). The mention and the
/// end of its name.
fn consumed_queue(
    catalog: &Catalog,
    lang: &Language,
    toks: &[Tok],
    ms: &[Mention],
    end: usize,
) -> Option<(usize, usize)> {
    let words = &lang.triggers;
    let in_clause = |c: usize, list: &[Vec<String>]| {
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
                crate::catalog::EventDelivery::Kinesis | crate::catalog::EventDelivery::Sqs
            )
        }) && any_at(toks, m.at + m.len, &words.stream_words).is_some()
    };
    ms.iter().enumerate().find_map(|(k, m)| {
        let queue = catalog.tool_at(m.tool).category == "queue";
        let consume = in_clause(m.clause, &words.queue_consume) && !writes(m.clause);
        let read = (queue || streamed(m)) && (m.at < end || consume);
        read.then_some((k, m.at + m.len))
    })
}

/// The most words between an arrival word and the storage it names ("exported from our POS
/// into Google Drive").
const ARRIVAL_WINDOW: usize = 6;

/// Files arriving in a named storage service: an `arrival` phrase with a storage tool shortly
/// after it in the same clause. The mention.
fn arriving_upload(
    catalog: &Catalog,
    lang: &Language,
    toks: &[Tok],
    ms: &[Mention],
) -> Option<usize> {
    (0..toks.len()).find_map(|i| {
        let p = any_at(toks, i, &lang.triggers.arrival)?;
        ms.iter().position(|m| {
            catalog.tool_at(m.tool).category == "storage"
                && m.clause == toks[i].clause
                && m.at >= i + p.len()
                && m.at <= i + p.len() + ARRIVAL_WINDOW
        })
    })
}

/// The most words before the subject's app ("the urgent escalations from ...").
const SUBJECT_LEAD: usize = 3;

/// An app whose items are the subject of the first clause: the app first (after `subject_lead`
/// words: "escalated Zendesk tickets ...") with more of the clause after it, or up to two item
/// words then `from`/`in`/`on` and the app ("urgent escalations from Help Scout ..."); or an app
/// right after `each`/`every` (not "for each", a bulk loop), or after one item word and
/// `from`/`in`/`on` ("ring up each sale from the Square register").
fn subject_source(
    catalog: &Catalog,
    lang: &Language,
    toks: &[Tok],
    ms: &[Mention],
) -> Option<usize> {
    let w = |i: usize| toks.get(i).map_or("", |t| t.w.as_str());
    let has_events = |m: &Mention| !catalog.tool_at(m.tool).events.is_empty();
    let first = toks.first()?.clause;
    let lead = |i: usize| any_at(toks, i, &lang.triggers.subject_lead).is_some();
    // the source alone leaves nothing to do
    if ms.len() < 2 {
        return None;
    }
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
    subject.or_else(|| {
        ms.iter().position(|m| {
            has_events(m)
                && (1..=4).any(|back| {
                    let e = m.at.wrapping_sub(back);
                    m.at >= back
                        && matches!(w(e), "each" | "every")
                        && w(e.wrapping_sub(1)) != "for"
                        && (back == 1
                            || (3..=4).contains(&back)
                                && matches!(w(e + 2), "from" | "in" | "on")
                                && (back == 3 || matches!(w(e + 3), "the" | "our" | "my")))
                })
        })
    })
}

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

pub(super) fn choose_trigger(
    catalog: &Catalog,
    lang: &Language,
    toks: &[Tok],
    text: &str,
    ms: &[Mention],
) -> TriggerChoice {
    let all = toks.len();
    let words = &lang.triggers;
    // "Notify #sales in Slack when a new lead signs up": the trigger is the late when-clause
    let sched = schedule::parse(text, toks);
    let late_when = any_in(toks, 0..all, &words.late_event_cues)
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
    let cat = |m: &Mention| catalog.tool_at(m.tool).category.as_str();
    let first_in = |pred: &dyn Fn(&Mention) -> bool, limit: usize| {
        ms.iter()
            .position(|m| m.at >= zs && m.at < limit && pred(m))
    };

    // "IT does that by hand" is someone else's chore, not how the workflow starts
    let manual_at = |i: usize| {
        any_at(toks, i, &words.manual).is_some()
            && !(i.saturating_sub(4)..i).any(|k| any_at(toks, k, &words.manual_not_after).is_some())
    };
    if (0..all).any(manual_at) {
        return TriggerChoice {
            kind: TriggerKind::Manual,
            tool: None,
            end,
            schedule: None,
        };
    }
    // "checking every half hour is fine": the user says how often to look, so the schedule is
    // the trigger even after "when"
    let poll_every = (0..all).any(|i| {
        any_at(toks, i, &words.poll_cues).is_some()
            && (i + 1..(i + 4).min(all)).any(|k| {
                matches!(
                    toks[k].w.as_str(),
                    "every" | "each" | "hourly" | "daily" | "nightly" | "twice" | "once"
                )
            })
    });
    let has_events = |m: &Mention| !catalog.tool_at(m.tool).events.is_empty();
    // "give me a URL that ...", "our lab system posts results to a callback URL": the user
    // wants an address to call, even when a time describes the caller ("after each nightly
    // build"); an app with events named in the trigger clause keeps its event and verification
    if let Some(u) = (0..all).find(|&i| any_at(toks, i, &words.webhook).is_some()) {
        // the caller is named before the URL in its clause ("Twilio posts texts to a URL");
        // an app named after it is what the workflow does
        let caller = ms
            .iter()
            .position(|m| has_events(m) && m.at < u && m.clause == toks[u].clause);
        return TriggerChoice {
            kind: TriggerKind::Webhook,
            tool: caller,
            end,
            schedule: None,
        };
    }
    // "Typeform webhook -> ...", "Stripe webhook for checkout.session.completed"
    if let Some(k) = ms
        .iter()
        .position(|m| has_events(m) && any_at(toks, m.at + m.len, &words.hook_words).is_some())
    {
        return TriggerChoice {
            kind: TriggerKind::Webhook,
            tool: Some(k),
            end: end.max(ms[k].at + ms[k].len + 1),
            schedule: None,
        };
    }
    // "new CSV exported into Google Drive each night": the time says when files arrive
    if sched.is_some()
        && let Some(k) = arriving_upload(catalog, lang, toks, ms)
        && (0..all).any(|i| {
            toks[i].clause == ms[k].clause
                && matches!(
                    toks[i].w.as_str(),
                    "each" | "every" | "nightly" | "daily" | "weekly" | "hourly"
                )
        })
    {
        return TriggerChoice {
            kind: TriggerKind::FileUpload,
            tool: Some(k),
            end: end.max(ms[k].at + ms[k].len),
            schedule: None,
        };
    }
    if let Some(s) = sched.clone()
        && (!starts_with_event || poll_every)
    {
        return TriggerChoice {
            kind: TriggerKind::Schedule,
            tool: None,
            end,
            schedule: Some(s),
        };
    }
    // queue / stream consumers
    if let Some((qi, at_end)) = consumed_queue(catalog, lang, toks, ms, end) {
        return TriggerChoice {
            kind: TriggerKind::Queue,
            tool: Some(qi),
            end: end.max(at_end),
            schedule: None,
        };
    }
    // "go through that queue": a queue read, from the usual queue service
    if (0..all).any(|i| {
        any_at(toks, i, &words.queue_nouns).is_some()
            && (i.saturating_sub(4)..i).any(|k| any_at(toks, k, &words.queue_consume).is_some())
    }) {
        return TriggerChoice {
            kind: TriggerKind::Queue,
            tool: None,
            end,
            schedule: None,
        };
    }
    // webhooks / HTTP endpoints ("a Stripe webhook" is Stripe's event, not an endpoint)
    let hook = (0..all).find(|&i| {
        any_at(toks, i, &words.hook_words).is_some() && !ms.iter().any(|m| m.at + m.len == i)
    });
    if let Some(h) = hook {
        let opener = any_at(toks, 0, &words.hook_openers).is_some();
        if h < end || opener {
            return TriggerChoice {
                kind: TriggerKind::Webhook,
                tool: None,
                end: end.max(h + 1),
                schedule: None,
            };
        }
    }
    let trigger_zone = end;
    // file uploads to a named storage service
    let upload_at = any_in(toks, zs..trigger_zone, &words.upload);
    let uploaded = upload_at.is_some();
    let storage = first_in(&|m| cat(m) == "storage", trigger_zone);
    // "when a new email comes in ... save the attachment to Drive": the mail came first
    let mail_first = any_in(toks, zs..trigger_zone, &words.inbox)
        .is_some_and(|i| upload_at.is_some_and(|u| i <= u));
    if uploaded && storage.is_some() && !mail_first {
        return TriggerChoice {
            kind: TriggerKind::FileUpload,
            tool: storage,
            end: trigger_zone,
            schedule: None,
        };
    }
    // email received: an email arriving in an inbox, whoever hosts the inbox
    if let Some(ii) = (zs..trigger_zone).find(|&i| any_at(toks, i, &words.inbox).is_some()) {
        let email_tool = first_in(&|m| cat(m) == "email", trigger_zone.max(ii + 8));
        return TriggerChoice {
            kind: TriggerKind::EmailReceived,
            tool: email_tool,
            end: trigger_zone,
            schedule: None,
        };
    }
    if let Some(ei) = addressed_mail(lang, toks, zs..trigger_zone, text) {
        let email_tool = first_in(&|m| cat(m) == "email", trigger_zone.max(ei + 8));
        return TriggerChoice {
            kind: TriggerKind::EmailReceived,
            tool: email_tool,
            end: trigger_zone,
            schedule: None,
        };
    }
    if let Some(ei) = has_word(
        toks,
        zs..trigger_zone,
        &["email", "emails", "mail", "inbox", "message"],
    ) {
        // "the new user should get a welcome email": mail the workflow sends
        let sent =
            (ei.saturating_sub(5)..ei).any(|k| any_at(toks, k, &words.sent_not_received).is_some());
        let receiving = !sent
            && (any_in(toks, zs..trigger_zone, &words.receive).is_some() || toks[ei].w == "inbox");
        let email_tool = first_in(&|m| cat(m) == "email", trigger_zone.max(ei + 8));
        // "when a payment fails in Stripe the customer gets an email": the event is Stripe's
        let app_first = ms.iter().any(|m| {
            m.at >= zs
                && m.at < ei
                && cat(m) != "email"
                && !catalog.tool_at(m.tool).events.is_empty()
        });
        if receiving && !app_first && (toks[ei].w != "message" || email_tool.is_some()) {
            return TriggerChoice {
                kind: TriggerKind::EmailReceived,
                tool: email_tool,
                end: trigger_zone,
                schedule: None,
            };
        }
    }
    // "scanned invoices uploaded to our S3 bucket", wherever it is said
    if let Some(k) = arriving_upload(catalog, lang, toks, ms) {
        return TriggerChoice {
            kind: TriggerKind::FileUpload,
            tool: Some(k),
            end: end.max(ms[k].at + ms[k].len),
            schedule: None,
        };
    }
    // file uploads without a named service, unless an app the event can come from is named
    if uploaded {
        let app = first_in(
            &|m| !catalog.tool_at(m.tool).events.is_empty(),
            trigger_zone,
        );
        let explicit = toks
            .iter()
            .take(trigger_zone)
            .skip(zs)
            .any(|t| matches!(t.w.as_str(), "uploaded" | "upload" | "bucket"));
        let container = has_word(
            toks,
            zs..trigger_zone,
            &[
                "bucket", "folder", "file", "files", "csv", "image", "photo", "pdf", "document",
                "upload", "uploaded",
            ],
        );
        if app.is_none() && container.is_some() && explicit {
            return TriggerChoice {
                kind: TriggerKind::FileUpload,
                tool: None,
                end: trigger_zone,
                schedule: None,
            };
        }
    }
    // "keep an eye on the site and text me if it goes down": a check on a schedule, unless an
    // app the event could come from is named
    if first_in(&|m| !catalog.tool_at(m.tool).events.is_empty(), end).is_none()
        && any_in(toks, 0..all, &words.watch).is_some()
    {
        return TriggerChoice {
            kind: TriggerKind::Schedule,
            tool: None,
            end,
            schedule: sched,
        };
    }
    // "when a ticket has sat unassigned for more than 2 hours", "a reminder two hours before
    // it starts": a state or a time found by checking (the app is then read by a step)
    let ahead = !starts_with_event && any_in(toks, 0..all, &words.ahead).is_some();
    let compares = any_in(toks, 0..all, &words.period_compare).is_some();
    if sched.is_none() && (lingers(lang, toks) || ahead || compares) {
        return TriggerChoice {
            kind: TriggerKind::Schedule,
            tool: None,
            end,
            schedule: None,
        };
    }
    let arrow = text.contains("->") || text.contains('→');
    let event_cue =
        starts_with_event || arrow || any_in(toks, zs..end, &words.event_cues).is_some();
    if event_cue {
        // "create a Linear issue for every new Sentry error": the app right after "new" is the
        // source, before any app named earlier in the clause
        let after_new = |m: &Mention| {
            (m.at.saturating_sub(2)..m.at).any(|k| toks.get(k).is_some_and(|t| t.w == "new"))
        };
        let has_events = |m: &Mention| !catalog.tool_at(m.tool).events.is_empty();
        let tool = first_in(&|m| has_events(m) && after_new(m), end)
            .or_else(|| first_in(&|m| has_events(m), end))
            // a source that cannot call the function ("a new episode on our Spotify show"):
            // it is checked on a schedule (`eventless_source`)
            .or_else(|| {
                first_in(
                    &|m| {
                        let t = catalog.tool_at(m.tool);
                        t.events.is_empty()
                            && t.actions
                                .iter()
                                .any(|a| a.role == crate::catalog::Role::Read)
                    },
                    end,
                )
            })
            .or_else(|| {
                // a tool named only later is the source only if something else is left to do
                (ms.len() > 1)
                    .then(|| first_in(&|m| !catalog.tool_at(m.tool).events.is_empty(), all))
                    .flatten()
            });
        return TriggerChoice {
            kind: TriggerKind::AppEvent,
            tool,
            end,
            schedule: None,
        };
    }
    if let Some(s) = sched {
        return TriggerChoice {
            kind: TriggerKind::Schedule,
            tool: None,
            end,
            schedule: Some(s),
        };
    }
    // a standing rule said with the app's items as its subject ("Zendesk tickets where ... go
    // straight to PagerDuty", "urgent escalations from Help Scout need ...") or per item
    // ("summarise each Zoom recording"): that app's event
    if let Some(k) = subject_source(catalog, lang, toks, ms) {
        return TriggerChoice {
            kind: TriggerKind::AppEvent,
            tool: Some(k),
            end: end.max(ms[k].at + ms[k].len),
            schedule: None,
        };
    }
    // an event said without "when" ("new employee in Gusto then ...", "DocuSign envelope
    // completed -> ..."): an app with events in the first clause and an event phrase there
    let first_clause = toks.first().map_or(0, |t| t.clause);
    let in_first = |i: usize| toks.get(i).is_some_and(|t| t.clause <= first_clause + 1);
    if (0..all).any(|i| in_first(i) && any_at(toks, i, &words.implicit_event).is_some())
        && let Some(k) = ms
            .iter()
            .position(|m| in_first(m.at) && !catalog.tool_at(m.tool).events.is_empty())
    {
        return TriggerChoice {
            kind: TriggerKind::AppEvent,
            tool: Some(k),
            end: end.max(ms[k].at + ms[k].len),
            schedule: None,
        };
    }
    TriggerChoice {
        kind: TriggerKind::Manual,
        tool: None,
        end,
        schedule: None,
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::planner::entities::mentions;
    use crate::text::tokenize;

    fn kind(text: &str) -> TriggerKind {
        let catalog = Catalog::builtin().unwrap();
        let lang = Language::builtin().unwrap();
        let toks = tokenize(text);
        let ms = mentions(&catalog, &lang, &toks, text);
        choose_trigger(&catalog, &lang, &toks, text, &ms).kind
    }

    #[test]
    fn indirect_triggers_are_read() {
        let cases = [
            (
                "when I press go, post the report to Slack",
                TriggerKind::Manual,
            ),
            (
                "I'll start it myself when needed: copy the rows to Airtable",
                TriggerKind::Manual,
            ),
            (
                "do it by hand: archive the Trello cards",
                TriggerKind::Manual,
            ),
            (
                "give me a URL that our sensors can post readings to and save them in Airtable",
                TriggerKind::Webhook,
            ),
            (
                "when an email arrives in my Gmail inbox, save the attachments to Dropbox",
                TriggerKind::EmailReceived,
            ),
            (
                "vendors email invoices to ap@ourco.com; create a bill in Xero",
                TriggerKind::EmailReceived,
            ),
            (
                "keep an eye on our website and text me if it goes down",
                TriggerKind::Schedule,
            ),
            (
                "hey so new rows in airtable should go into pipedrive",
                TriggerKind::AppEvent,
            ),
            (
                "can you make it so new Stripe charges go to a Google Sheet",
                TriggerKind::AppEvent,
            ),
            (
                "whenever a payment fails in stripe the customer should get an email",
                TriggerKind::AppEvent,
            ),
            (
                "when a Zendesk ticket has sat unassigned for more than 2 hours, tell #support",
                TriggerKind::Schedule,
            ),
            (
                "create a Linear issue for every new Sentry error",
                TriggerKind::AppEvent,
            ),
            (
                "once a day, find overdue FreshBooks invoices and log them in Airtable",
                TriggerKind::Schedule,
            ),
            (
                "once per week at 9 send the Stripe total to Slack",
                TriggerKind::Schedule,
            ),
            (
                "once a new row is added to Airtable, create a Pipedrive person",
                TriggerKind::AppEvent,
            ),
            (
                "new employee in gusto then add them to the payroll sheet",
                TriggerKind::AppEvent,
            ),
            (
                "DocuSign envelope completed: move the HubSpot deal to signed",
                TriggerKind::AppEvent,
            ),
            (
                "CVs arrive as PDF attachments to jobs@agency.io; add a row to Airtable",
                TriggerKind::EmailReceived,
            ),
            (
                "new starter in Workday: create the Okta account; IT does the Slack one by hand",
                TriggerKind::AppEvent,
            ),
            (
                "copy the Trello cards of the Sprint board to a Google Sheet",
                TriggerKind::Manual,
            ),
            (
                "do it by hand: archive the Trello cards",
                TriggerKind::Manual,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(kind(text), want, "{text}");
        }
    }

    #[test]
    fn only_tools_without_events_are_checked_on_a_schedule() {
        let catalog = Catalog::builtin().unwrap();
        let at = |id: &str| catalog.tools.iter().position(|t| t.id == id).unwrap();
        for (i, t) in catalog.tools.iter().enumerate() {
            assert_eq!(
                eventless_source(&catalog, i).is_some(),
                t.events.is_empty(),
                "{}",
                t.id
            );
        }
        for id in ["stripe", "github", "airtable"] {
            assert_eq!(eventless_source(&catalog, at(id)), None, "{id}");
        }
    }

    #[test]
    fn look_alike_phrasings_keep_their_trigger() {
        let cases = [
            (
                "email the report to boss@ourco.com every Monday at 9",
                TriggerKind::Schedule,
            ),
            (
                "every weekday at 9 post the open Jira issues to Slack",
                TriggerKind::Schedule,
            ),
            (
                "when the Datadog monitor alerts, page on-call in PagerDuty",
                TriggerKind::AppEvent,
            ),
            (
                "notify #sales in Slack when a new HubSpot deal is created",
                TriggerKind::AppEvent,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(kind(text), want, "{text}");
        }
    }

    #[test]
    fn the_trigger_grammar_reads_each_kind_from_new_wordings() {
        let cases = [
            // a state that lasted too long, or a time before something, is found by checking
            (
                "if a Freshdesk ticket stays unanswered for over a day, tell the lead in Slack",
                TriggerKind::Schedule,
            ),
            (
                "let the owner know in Slack when a Jira bug has been waiting more than 3 days",
                TriggerKind::Schedule,
            ),
            (
                "text each patient a reminder one day before the appointment",
                TriggerKind::Schedule,
            ),
            // how often to look, said after the event
            (
                "when the Shopify stock of an item drops, post it to Slack; checking every hour is enough",
                TriggerKind::Schedule,
            ),
            // a stream the workflow reads
            (
                "listen to the SQS queue orders-in and save each message to Airtable",
                TriggerKind::Queue,
            ),
            (
                "consume the DynamoDB stream of the users table and send each new user to HubSpot",
                TriggerKind::Queue,
            ),
            // the app's items as the subject of a standing rule
            (
                "Shopify orders over $300 shipping abroad go into the Airtable review table",
                TriggerKind::AppEvent,
            ),
            (
                "refund requests from Intercom need a Jira ticket for the billing team",
                TriggerKind::AppEvent,
            ),
            (
                "transcribe each Zoom recording and save the text to Google Docs",
                TriggerKind::AppEvent,
            ),
            // the user says the app calls a URL
            (
                "GitHub webhook -> post the push summary to Discord",
                TriggerKind::Webhook,
            ),
            (
                "our warehouse system posts stock updates to a callback URL; write them to Airtable",
                TriggerKind::Webhook,
            ),
            // files that arrive, wherever it is said
            (
                "read the totals from the PDFs uploaded to our Dropbox and add them to Xero",
                TriggerKind::FileUpload,
            ),
            (
                "new exports dumped in our S3 bucket every hour should be loaded into BigQuery",
                TriggerKind::FileUpload,
            ),
            // mail as the subject, with its address
            (
                "mail from billing@vendor.com: save the PDF to Dropbox and log it in Airtable",
                TriggerKind::EmailReceived,
            ),
            (
                "pull the order numbers out of inbound emails to orders@ and update Shopify",
                TriggerKind::EmailReceived,
            ),
            // a queue without a named service
            (
                "the shop puts failed payments on a queue; work through that queue and email each buyer",
                TriggerKind::Queue,
            ),
            // a comparison of periods is checked
            (
                "if our Shopify revenue falls month over month, tell the founders in Slack",
                TriggerKind::Schedule,
            ),
            // an event said late, per item
            (
                "tidy up our Zendesk: for each new ticket set the category with OpenAI",
                TriggerKind::AppEvent,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(kind(text), want, "{text}");
        }
    }

    #[test]
    fn look_alikes_of_the_new_rules_keep_their_trigger() {
        let cases = [
            // an event with a duration that is a value of the item, not time passing
            (
                "when a Stripe payment is for more than 500 dollars, post it to Slack",
                TriggerKind::AppEvent,
            ),
            // a reminder time inside the message of an event's workflow
            (
                "when a deal is won in HubSpot add a Google Calendar reminder two days before the renewal",
                TriggerKind::AppEvent,
            ),
            // writing to a queue is not reading from it
            (
                "when a Typeform response comes in, send it to the SQS queue",
                TriggerKind::AppEvent,
            ),
            // a schedule named before "for each new" stays the trigger
            (
                "every evening look at the Trello board; for each new card post a line to Slack",
                TriggerKind::Schedule,
            ),
            // an order that starts with a verb is a one-off, even when it names items
            (
                "copy the Zendesk tickets of last week into a Google Sheet",
                TriggerKind::Manual,
            ),
            // an address after "from" in an order to send
            (
                "send an email from ops@ourco.com to the Shopify customers with open carts",
                TriggerKind::Manual,
            ),
            // a bulk loop over a table, not a stream of new items
            (
                "for each row in the Google Sheet, create a HubSpot contact",
                TriggerKind::Manual,
            ),
            // the workflow sends the mail the user will get
            (
                "a new Stripe customer should get a welcome email through SendGrid",
                TriggerKind::AppEvent,
            ),
            // an order to upload is not files arriving
            (
                "every night upload the Postgres export to our S3 bucket",
                TriggerKind::Schedule,
            ),
            // a name that contains a schedule word
            (
                "give me a URL our till can call with each sale and add it to the sheet called daily sales",
                TriggerKind::Webhook,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(kind(text), want, "{text}");
        }
    }
}
