//! The precedence between kinds of trigger, as data: [`PRECEDENCE`] is an ordered table of
//! named rules over the cues and the candidates; the first rule that fits decides, and a prompt
//! no rule fits is run by hand.

use super::super::Mention;
use super::super::language::{Language, any_at};
use super::TriggerChoice;
use super::candidates::{
    app_hook, arriving_upload, consumed_queue, cued_source, early_app, first_in, has_events,
    scheduled_files, scheduled_items, stored_files, subject_source, url_caller,
};
use super::cues::{Cues, recurring_in_clause};
use crate::catalog::Catalog;
use crate::model::TriggerKind;
use crate::text::Tok;

/// What every rule may look at.
struct Ctx<'a> {
    catalog: &'a Catalog,
    lang: &'a Language,
    toks: &'a [Tok],
    ms: &'a [Mention],
    cues: Cues,
}

impl Ctx<'_> {
    fn choice(&self, kind: TriggerKind, tool: Option<usize>, end: usize) -> TriggerChoice {
        TriggerChoice {
            kind,
            tool,
            end,
            schedule: None,
        }
    }

    fn category(&self, m: &Mention) -> &str {
        self.catalog.tool_at(m.tool).category.as_str()
    }

    /// The first mention in the trigger clause (or up to `limit`) that `pred` accepts.
    fn first_in(&self, limit: usize, pred: impl Fn(&Mention) -> bool) -> Option<usize> {
        first_in(self.ms, self.cues.zs, limit, pred)
    }

    /// The storage whose new files a schedule reads ([`scheduled_files`]), if any: the
    /// schedule's source, so the steps get files.
    fn files_read(&self) -> Option<usize> {
        scheduled_files(self.catalog, self.lang, self.toks, self.ms)
    }

    /// What a schedule reads with a polled event, and the end of the trigger's words: a
    /// storage's new files ([`scheduled_files`]), else an app's new items
    /// ([`scheduled_items`]); neither, the schedule alone.
    fn scheduled_read(&self) -> (Option<usize>, usize) {
        if let Some(k) = self.files_read() {
            return (Some(k), self.cues.end);
        }
        match scheduled_items(self.catalog, self.lang, self.toks, self.ms) {
            Some((k, end)) => (Some(k), self.cues.end.max(end)),
            None => (None, self.cues.end),
        }
    }

    /// A schedule, reading what [`Self::scheduled_read`] finds.
    fn scheduled(&self, s: crate::schedule::Schedule) -> TriggerChoice {
        let (tool, end) = self.scheduled_read();
        TriggerChoice {
            schedule: Some(s),
            ..self.choice(TriggerKind::Schedule, tool, end)
        }
    }

    /// The first email tool named in the trigger clause or within 8 words of `at`.
    fn email_tool(&self, at: usize) -> Option<usize> {
        self.first_in(self.cues.end.max(at + 8), |m| self.category(m) == "email")
    }

    /// Mail arriving at `at`: received by the email service named, else the event of a tool
    /// that hosts the inbox ("our Front inbox", "an email lands in Front"), else an unnamed
    /// email service.
    fn mail_received(&self, at: usize) -> TriggerChoice {
        let email = self.email_tool(at);
        let w = |i: usize| self.toks.get(i).map_or("", |t| t.w.as_str());
        // the host is named before the mail word in the trigger clause ("our Front inbox",
        // "front: when a conversation in the billing inbox ...") or in a place phrase just after
        // it ("lands in Front"), not as a later step's tool
        let hosts = |m: &Mention| {
            let before = m.at < at && m.at >= self.cues.zs;
            let after = m.at > at
                && m.at <= at + HOST_AFTER
                && matches!(w(m.at - 1), "in" | "into" | "to" | "on" | "at");
            (before || after)
                && self
                    .lang
                    .triggers
                    .inbox_hosts
                    .iter()
                    .any(|c| c == self.category(m))
                && has_events(self.catalog, m)
        };
        let host = self.first_in(self.toks.len(), hosts);
        match (email, host) {
            (None, Some(h)) => self.choice(TriggerKind::AppEvent, Some(h), self.cues.end),
            _ => self.choice(TriggerKind::EmailReceived, email, self.cues.end),
        }
    }
}

/// How many words after a mail word the tool hosting the inbox may be named ("an email lands
/// in Front").
const HOST_AFTER: usize = 5;

type Rule = fn(&Ctx<'_>) -> Option<TriggerChoice>;

/// The rules in the order they are tried; the first that fits decides.
const PRECEDENCE: &[(&str, Rule)] = &[
    ("literal schedule", literal_schedule),
    ("manual cue", manual_cue),
    ("url asked for", url_asked),
    ("app webhook", named_app_webhook),
    ("scheduled arrival", scheduled_arrival),
    ("schedule before event", schedule_unless_event),
    ("queue tool read", queue_tool_read),
    ("unnamed queue read", unnamed_queue_read),
    ("endpoint", endpoint),
    ("an app's own uploads", app_uploads),
    ("upload to named storage", upload_to_storage),
    ("inbox", inbox),
    ("addressed mail", addressed_mail),
    ("received mail", received_mail),
    ("arriving upload", arriving_upload_anywhere),
    ("upload to a tool without events", upload_to_eventless_tool),
    ("unnamed upload", unnamed_upload),
    ("watched app", watched_app),
    ("watch", watch),
    ("checked state", checked_state),
    ("form on own site", site_form),
    ("app event cue", app_event_cue),
    ("schedule", schedule),
    ("app items as subject", app_items_as_subject),
    ("implicit event", implicit_event),
    ("stored files", stored_files_arrive),
];

/// The trigger of a prompt: the first rule of [`PRECEDENCE`] that fits, else a manual run.
pub(in crate::planner) fn choose_trigger(
    catalog: &Catalog,
    lang: &Language,
    toks: &[Tok],
    text: &str,
    ms: &[Mention],
) -> TriggerChoice {
    decide(catalog, lang, toks, text, ms).1
}

/// The trigger and the name of the rule that chose it (`"none"` for the manual fallback).
fn decide(
    catalog: &Catalog,
    lang: &Language,
    toks: &[Tok],
    text: &str,
    ms: &[Mention],
) -> (&'static str, TriggerChoice) {
    let ctx = Ctx {
        catalog,
        lang,
        toks,
        ms,
        cues: Cues::read(lang, toks, text, ms),
    };
    for (name, rule) in PRECEDENCE {
        if let Some(choice) = rule(&ctx) {
            return (name, choice);
        }
    }
    ("none", ctx.choice(TriggerKind::Manual, None, ctx.cues.end))
}

fn manual_cue(c: &Ctx<'_>) -> Option<TriggerChoice> {
    c.cues
        .manual
        .then(|| c.choice(TriggerKind::Manual, None, c.cues.end))
}

/// "give me a URL that ...", "our lab system posts results to a callback URL": the user wants
/// an address to call, even when a time describes the caller ("after each nightly build"); an
/// app with events named before it in its clause keeps its event and verification.
fn url_asked(c: &Ctx<'_>) -> Option<TriggerChoice> {
    let u = c.cues.url_asked?;
    let caller = url_caller(c.catalog, c.toks, c.ms, u);
    Some(c.choice(TriggerKind::Webhook, caller, c.cues.end))
}

/// "Typeform webhook -> ...", "Stripe webhook for checkout.session.completed".
fn named_app_webhook(c: &Ctx<'_>) -> Option<TriggerChoice> {
    let k = app_hook(c.catalog, c.lang, c.toks, c.ms)?;
    let m = &c.ms[k];
    Some(c.choice(
        TriggerKind::Webhook,
        Some(k),
        c.cues.end.max(m.at + m.len + 1),
    ))
}

/// A cron or rate expression written out in the prompt ("on `0 9 * * 1-5`", "cron(0 12 * * ?
/// *)"): that schedule is the trigger, whatever events the prompt names.
fn literal_schedule(c: &Ctx<'_>) -> Option<TriggerChoice> {
    let s = c.cues.sched.clone().filter(|s| s.literal)?;
    Some(c.scheduled(s))
}

/// "new CSV exported into Google Drive each night": the time says when files arrive.
fn scheduled_arrival(c: &Ctx<'_>) -> Option<TriggerChoice> {
    c.cues.sched.as_ref()?;
    let k = arriving_upload(c.catalog, c.lang, c.toks, c.ms)?;
    let m = &c.ms[k];
    recurring_in_clause(c.toks, m.clause).then(|| {
        c.choice(
            TriggerKind::FileUpload,
            Some(k),
            c.cues.end.max(m.at + m.len),
        )
    })
}

/// A schedule named without an opening event, or with how often to check said after it, or a
/// deadline ("when the timesheet isn't in by friday at four").
fn schedule_unless_event(c: &Ctx<'_>) -> Option<TriggerChoice> {
    let s = c.cues.sched.clone()?;
    let cues = &c.cues;
    if period_of_sent_mail(c) {
        return None;
    }
    (!cues.starts_with_event || cues.poll_every || cues.deadline).then(|| c.scheduled(s))
}

/// Words that say how often something recurs.
const PERIOD_WORDS: &[&str] = &[
    "daily",
    "weekly",
    "monthly",
    "nightly",
    "hourly",
    "quarterly",
    "yearly",
    "annual",
    "every",
    "each",
];

/// "Our vendor emails a monthly report": mail someone sends to the user, with every period
/// word of the prompt after the sender's verb in its clause, describes the mail; the mail
/// arriving is the trigger, not a schedule ("every month our vendor emails ..." keeps it).
fn period_of_sent_mail(c: &Ctx<'_>) -> bool {
    let Some(v) = c.cues.addressed_mail else {
        return false;
    };
    let mut periods = (0..c.toks.len())
        .filter(|&i| PERIOD_WORDS.contains(&c.toks[i].w.as_str()))
        .peekable();
    periods.peek().is_some() && periods.all(|i| i > v && c.toks[i].clause == c.toks[v].clause)
}

/// A queue or stream of a named tool the workflow reads.
fn queue_tool_read(c: &Ctx<'_>) -> Option<TriggerChoice> {
    let (qi, at_end) = consumed_queue(c.catalog, c.lang, c.toks, c.ms, c.cues.end)?;
    Some(c.choice(TriggerKind::Queue, Some(qi), c.cues.end.max(at_end)))
}

/// "go through that queue": a queue read, from the usual queue service.
fn unnamed_queue_read(c: &Ctx<'_>) -> Option<TriggerChoice> {
    c.cues
        .queue_read
        .then(|| c.choice(TriggerKind::Queue, None, c.cues.end))
}

/// An HTTP endpoint asked for in the trigger clause or by the opening word ("a Stripe webhook"
/// is Stripe's event, not an endpoint).
fn endpoint(c: &Ctx<'_>) -> Option<TriggerChoice> {
    let h = c.cues.hook?;
    (h < c.cues.end || c.cues.hook_opener)
        .then(|| c.choice(TriggerKind::Webhook, None, c.cues.end.max(h + 1)))
}

/// Files uploaded to a storage service named in the trigger clause, unless a new email came
/// first ("when a new email comes in ... save the attachment to Drive") or the upload is an
/// order whose items come from an app named before the storage ("Upload every signed NDA from
/// DocuSign into Box": DocuSign's event).
fn upload_to_storage(c: &Ctx<'_>) -> Option<TriggerChoice> {
    let u = c.cues.upload_at?;
    let storage = c.first_in(c.cues.end, |m| c.category(m) == "storage")?;
    let mail_first = c.cues.inbox_at.is_some_and(|i| i <= u);
    let order = u == 0 || c.toks[u - 1].clause != c.toks[u].clause || upload_order(c.toks, u);
    let app = |m: &Mention| c.category(m) != "storage" && has_events(c.catalog, m);
    // "upload it to Box" after "a doc gets signed in DocuSign": the app's event, then an order
    let app_first = order && c.ms[..storage].iter().any(|m| app(m) && m.at >= c.cues.zs);
    // "a new deal is created in Pipedrive ... a folder in OneDrive": the upload word is the app's
    let app_between = c.ms[..storage].iter().any(|m| app(m) && m.at > u);
    (!mail_first && !app_first && !app_between)
        .then(|| c.choice(TriggerKind::FileUpload, Some(storage), c.cues.end))
}

/// How many words may stand between an app's name and the upload word its files are ("Typeform
/// file uploads").
const OWN_UPLOAD_GAP: usize = 1;

/// Uploads said as an app's own ("Typeform file uploads", "the Jotform uploads", "each
/// Slack file upload"): files that come with the app's event, whatever storage they go to.
fn app_uploads(c: &Ctx<'_>) -> Option<TriggerChoice> {
    c.cues.upload_at?;
    let u = (c.cues.zs..c.cues.end.min(c.toks.len()))
        .find(|&i| matches!(c.toks[i].w.as_str(), "upload" | "uploads"))?;
    let k = c.ms.iter().position(|m| {
        let end = m.at + m.len;
        end <= u
            && u <= end + OWN_UPLOAD_GAP
            && c.toks[m.at].clause == c.toks[u].clause
            && c.category(m) != "storage"
            && has_events(c.catalog, m)
    })?;
    Some(c.choice(TriggerKind::AppEvent, Some(k), c.cues.end))
}

/// "upload it to", "upload the file to": the verb said as an order, not "a file upload" or
/// "when customers upload a photo" (a subject before it).
fn upload_order(toks: &[Tok], u: usize) -> bool {
    let w = |i: usize| toks.get(i).map_or("", |t| t.w.as_str());
    w(u) == "upload"
        && matches!(
            w(u + 1),
            "it" | "them"
                | "the"
                | "this"
                | "that"
                | "these"
                | "those"
                | "each"
                | "every"
                | "all"
                | "their"
                | "its"
                | "a"
                | "an"
        )
        && !matches!(
            w(u.wrapping_sub(1)),
            "i" | "we"
                | "you"
                | "they"
                | "someone"
                | "somebody"
                | "anyone"
                | "people"
                | "customers"
                | "users"
                | "clients"
                | "who"
                | "to"
                | "can"
                | "will"
                | "a"
                | "an"
                | "the"
                | "file"
        )
}

/// An email arriving in an inbox, whoever hosts the inbox.
fn inbox(c: &Ctx<'_>) -> Option<TriggerChoice> {
    let ii = c.cues.inbox_at?;
    Some(c.mail_received(ii))
}

/// Mail someone sends to an address named in the trigger clause.
fn addressed_mail(c: &Ctx<'_>) -> Option<TriggerChoice> {
    let ei = c.cues.addressed_mail?;
    Some(c.mail_received(ei))
}

/// Mail said to arrive, unless an app's event comes first ("when a payment fails in Stripe the
/// customer gets an email": the event is Stripe's).
fn received_mail(c: &Ctx<'_>) -> Option<TriggerChoice> {
    let (ei, receiving) = c.cues.mail_word?;
    let email_tool = c.email_tool(ei);
    let app_first = c.ms.iter().any(|m| {
        m.at >= c.cues.zs && m.at < ei && c.category(m) != "email" && has_events(c.catalog, m)
    });
    (receiving && !app_first && (c.toks[ei].w != "message" || email_tool.is_some()))
        .then(|| c.mail_received(ei))
}

/// "scanned invoices uploaded to our S3 bucket", wherever it is said.
fn arriving_upload_anywhere(c: &Ctx<'_>) -> Option<TriggerChoice> {
    let k = arriving_upload(c.catalog, c.lang, c.toks, c.ms)?;
    let m = &c.ms[k];
    Some(c.choice(
        TriggerKind::FileUpload,
        Some(k),
        c.cues.end.max(m.at + m.len),
    ))
}

/// File uploads without a named service, unless an app the event can come from is named.
fn unnamed_upload(c: &Ctx<'_>) -> Option<TriggerChoice> {
    let u = c.cues.upload_at?;
    // "a CSV uploaded to the imports bucket should create contacts in HubSpot": an app after
    // an order that follows the upload is where the work goes
    let order = (u..c.cues.end)
        .find(|&k| c.lang.triggers.upload_orders.contains(&c.toks[k].w))
        .filter(|&k| upload_said_before(c.toks, u, k));
    let app = c.first_in(order.unwrap_or(c.cues.end), |m| has_events(c.catalog, m));
    (app.is_none() && c.cues.upload_container && c.cues.upload_explicit)
        .then(|| c.choice(TriggerKind::FileUpload, storage_said_before(c), c.cues.end))
}

/// The most words between the upload word and the tool the files go to ("uploaded to our
/// Cloudinary account").
const UPLOAD_PLACE_REACH: usize = 4;

/// Files uploaded to a named tool the catalog knows no event of ("when a product image is
/// uploaded to Cloudinary"): the upload happens there, so no storage service is assumed; the
/// tool cannot call the function, so the workflow is given an address to call (a webhook)
/// rather than a bucket nobody named.
fn upload_to_eventless_tool(c: &Ctx<'_>) -> Option<TriggerChoice> {
    let u = c.cues.upload_at?;
    if !c.cues.upload_explicit {
        return None;
    }
    let w = |i: usize| c.toks.get(i).map_or("", |t| t.w.as_str());
    let place = c.ms.iter().find(|m| {
        m.at > u
            && m.at <= u + UPLOAD_PLACE_REACH + 1
            && m.at < c.cues.end
            && c.toks[m.at].clause == c.toks[u].clause
            && (u + 1..m.at).all(|k| {
                matches!(
                    w(k),
                    "to" | "into" | "in" | "on" | "the" | "our" | "my" | "a"
                )
            })
            && matches!(w(u + 1), "to" | "into" | "in" | "on")
    })?;
    c.catalog
        .tool_at(place.tool)
        .events
        .is_empty()
        .then(|| c.choice(TriggerKind::Webhook, None, c.cues.end))
}

/// Whether an explicit upload word ("upload", "uploaded", "bucket") stands between `from` and
/// `to`.
fn upload_said_before(toks: &[Tok], from: usize, to: usize) -> bool {
    toks[from..to]
        .iter()
        .any(|t| matches!(t.w.as_str(), "upload" | "uploaded" | "bucket"))
}

/// "Our lawyers drop signed letters into Box. When a new file appears in the 'Signed'
/// folder, ...": the one storage service the prompt named before the trigger clause holds the
/// folder; none when it named none or several.
fn storage_said_before(c: &Ctx<'_>) -> Option<usize> {
    let storage = |m: &Mention| c.category(m) == "storage" && has_events(c.catalog, m);
    let k = c.ms.iter().position(|m| m.at < c.cues.zs && storage(m))?;
    let tool = c.ms[k].tool;
    c.ms.iter()
        .all(|m| !storage(m) || m.tool == tool)
        .then_some(k)
}

/// "keep an eye on the site and text me if it goes down": a check on a schedule, unless an app
/// the event could come from is named.
fn watch(c: &Ctx<'_>) -> Option<TriggerChoice> {
    let app = c.first_in(c.cues.end, |m| has_events(c.catalog, m));
    (app.is_none() && c.cues.watch).then(|| TriggerChoice {
        schedule: c.cues.sched.clone(),
        ..c.choice(TriggerKind::Schedule, None, c.cues.end)
    })
}

/// "when a ticket has sat unassigned for more than 2 hours", "a reminder two hours before it
/// starts": a state or a time found by checking (the app is then read by a step).
fn checked_state(c: &Ctx<'_>) -> Option<TriggerChoice> {
    let cues = &c.cues;
    // a rate over a span ("more than 1000 requests in an hour") is checked, unless an app with
    // events is named before it in the trigger clause: its own alert rules count its items
    // ("when a Sentry error spikes above 100 events in an hour")
    let counted = |r: usize| {
        !c.ms
            .iter()
            .any(|m| m.at >= cues.zs && m.at < r && has_events(c.catalog, m))
    };
    // so is a count of reactions ("when a pin gets more than 100 saves"), on the same terms
    let rate = cues.rate.is_some_and(counted) || cues.metric.is_some_and(counted);
    (cues.sched.is_none() && (cues.lingers || cues.ahead || cues.compares || cues.crosses || rate))
        .then(|| c.choice(TriggerKind::Schedule, None, cues.end))
}

/// A form on the user's own site ("when someone fills in the contact form on our website"),
/// with no forms app named in the trigger clause: the form posts to the workflow's URL.
fn site_form(c: &Ctx<'_>) -> Option<TriggerChoice> {
    c.cues.site_form?;
    let forms_app = c.first_in(c.cues.end, |m| c.category(m) == "forms");
    forms_app
        .is_none()
        .then(|| c.choice(TriggerKind::Webhook, None, c.cues.end))
}

/// How many words after a watch phrase the app watched may be named ("monitor our Netlify
/// builds", "keep an eye on the Sentry errors").
const WATCHED_REACH: usize = 2;

/// "watch our Sentry for new errors", "monitor the Netlify builds": an app with events watched
/// is its events, wherever the trigger clause is ("... open a Linear issue for each"); a state
/// of it that crosses a line or lasts is left to [`checked_state`].
fn watched_app(c: &Ctx<'_>) -> Option<TriggerChoice> {
    let cues = &c.cues;
    if cues.lingers || cues.crosses || cues.compares || cues.rate.is_some() || cues.metric.is_some()
    {
        return None;
    }
    let (w, len) = (0..c.toks.len())
        .find_map(|i| any_at(c.toks, i, &c.lang.triggers.watch).map(|p| (i, p.len())))?;
    let after = w + len;
    let k = c.ms.iter().position(|m| {
        m.at >= after
            && m.at <= after + WATCHED_REACH
            && c.toks[m.at].clause == c.toks[w].clause
            && (after..m.at).all(|i| matches!(c.toks[i].w.as_str(), "the" | "our" | "my" | "all"))
            && has_events(c.catalog, m)
            // "watch the Stripe balance": a level of the app, checked
            && any_at(c.toks, m.at + m.len, &c.lang.triggers.levels).is_none()
    })?;
    let m = &c.ms[k];
    Some(c.choice(TriggerKind::AppEvent, Some(k), c.cues.end.max(m.at + m.len)))
}

/// An event cue ("when", "new", an arrow): the app it points at.
fn app_event_cue(c: &Ctx<'_>) -> Option<TriggerChoice> {
    c.cues.event_cue.then(|| {
        let tool = cued_source(c.catalog, c.lang, c.toks, c.ms, c.cues.zs, c.cues.end);
        c.choice(TriggerKind::AppEvent, tool, c.cues.end)
    })
}

/// A schedule with no event cue.
fn schedule(c: &Ctx<'_>) -> Option<TriggerChoice> {
    let s = c.cues.sched.clone()?;
    Some(c.scheduled(s))
}

/// A standing rule said with the app's items as its subject ("Zendesk tickets where ... go
/// straight to PagerDuty", "urgent escalations from Help Scout need ...") or per item
/// ("summarise each Zoom recording"): that app's event.
fn app_items_as_subject(c: &Ctx<'_>) -> Option<TriggerChoice> {
    let k = subject_source(c.catalog, c.lang, c.toks, c.ms)?;
    let m = &c.ms[k];
    Some(c.choice(TriggerKind::AppEvent, Some(k), c.cues.end.max(m.at + m.len)))
}

/// An event said without "when" ("new employee in Gusto then ...", "DocuSign envelope
/// completed -> ..."): an app with events in the first clause and an event phrase there.
fn implicit_event(c: &Ctx<'_>) -> Option<TriggerChoice> {
    if !c.cues.implicit_event {
        return None;
    }
    let k = early_app(c.catalog, c.toks, c.ms)?;
    let m = &c.ms[k];
    Some(c.choice(TriggerKind::AppEvent, Some(k), c.cues.end.max(m.at + m.len)))
}

/// Files kept in a named storage, the object of the work and nothing else said ("transcribe
/// the call recordings in Google Drive"): each file is handled as it arrives there.
fn stored_files_arrive(c: &Ctx<'_>) -> Option<TriggerChoice> {
    let k = stored_files(c.catalog, c.lang, c.toks, c.ms)?;
    let m = &c.ms[k];
    Some(c.choice(
        TriggerKind::FileUpload,
        Some(k),
        c.cues.end.max(m.at + m.len),
    ))
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::planner::entities::mentions;
    use crate::text::tokenize;

    /// The rule that decides `text`, and the kind it chose.
    fn rule(text: &str) -> (&'static str, TriggerKind) {
        let catalog = Catalog::builtin().unwrap();
        let lang = Language::builtin().unwrap();
        let toks = tokenize(text);
        let ms = mentions(&catalog, &lang, &toks, text);
        let (name, choice) = decide(&catalog, &lang, &toks, text, &ms);
        (name, choice.kind)
    }

    fn kind(text: &str) -> TriggerKind {
        rule(text).1
    }

    #[test]
    fn every_rule_has_its_own_name() {
        let names: std::collections::BTreeSet<_> = PRECEDENCE.iter().map(|(n, _)| n).collect();
        assert_eq!(names.len(), PRECEDENCE.len());
        assert!(!names.contains(&"none"));
    }

    #[test]
    fn the_rule_that_decides_is_the_first_that_fits() {
        let cases = [
            // a manual cue beats the schedule and the app named
            (
                "every monday by hand copy the Stripe totals to Slack",
                "manual cue",
            ),
            // a URL asked for beats the event cue
            (
                "when the sensor posts, give me a URL that saves it to Airtable",
                "url asked for",
            ),
            // a schedule without an opening event beats the app's "new"
            (
                "every morning at 8 post new Shopify orders to Slack",
                "schedule before event",
            ),
            // an opening event beats a time in the workflow
            (
                "when a Shopify order comes in, post it to Slack",
                "app event cue",
            ),
            // the app's items as the subject, with no cue at all
            (
                "Zendesk tickets tagged vip go straight to PagerDuty",
                "app items as subject",
            ),
            // nothing fits: run by hand
            ("copy the Trello cards to a Google Sheet", "none"),
        ];
        for (text, want) in cases {
            assert_eq!(rule(text).0, want, "{text}");
        }
    }

    #[test]
    fn the_fourteenth_session_rules_decide_their_cases() {
        let cases = [
            (
                "Save Typeform file uploads to Google Drive",
                "an app's own uploads",
            ),
            (
                "put Typeform uploads in an S3 bucket",
                "an app's own uploads",
            ),
            (
                "monitor our Netlify deploys and email me on failure",
                "watched app",
            ),
            (
                "post each closed Freshdesk ticket to Slack",
                "app items as subject",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(rule(text).0, want, "{text}");
        }
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

    /// "By hand" under a denial is the chore the workflow replaces; said plainly it is still how
    /// the run starts.
    #[test]
    fn a_denied_manual_chore_is_not_a_manual_run() {
        let replaced = [
            (
                "no one should have to copy these by hand again: push each new Jotform submission into Airtable",
                TriggerKind::AppEvent,
            ),
            (
                "stop doing this manually: when a Stripe payment succeeds, add a row to the Google Sheet",
                TriggerKind::AppEvent,
            ),
            (
                "we are tired of typing these by hand, every monday at 9 copy the Stripe totals to Slack",
                TriggerKind::Schedule,
            ),
            (
                "i don't want to post these manually anymore every friday at 5 send the HubSpot deals to Slack",
                TriggerKind::Schedule,
            ),
        ];
        let still_manual = [
            "run it by hand: archive the Trello cards",
            "i will run this manually: copy the Trello cards to a Google Sheet",
            "manually, copy the Airtable rows to Notion",
        ];
        for (text, want) in replaced {
            assert_eq!(kind(text), want, "{text}");
        }
        for text in still_manual {
            assert_eq!(kind(text), TriggerKind::Manual, "{text}");
        }
    }

    /// Each item sent to an address arrives there; a message the workflow sends to one does not.
    #[test]
    fn what_is_sent_to_an_address_arrives_when_each_item_is_meant() {
        let received = [
            "Save every attachment sent to receipts@ourfirm.com into SharePoint.",
            "log any invoice forwarded to ap@acme.io in the Google Sheet",
            "create a Trello card for each request emailed to help@school.org",
        ];
        let sent = [
            "every monday at 9 the summary sent to boss@ourco.com should list the Stripe payouts",
            "when a Typeform is submitted, a copy is sent to office@ourco.com with Gmail",
        ];
        for text in received {
            assert_eq!(kind(text), TriggerKind::EmailReceived, "{text}");
        }
        for text in sent {
            assert_ne!(kind(text), TriggerKind::EmailReceived, "{text}");
        }
    }

    /// Items piling up past a number are counted on a schedule; piling words with no number,
    /// or after the event that starts the run, are not.
    #[test]
    fn items_piling_up_past_a_number_are_checked() {
        for text in [
            "so like when the tickets in help scout pile up over 50 open just shout at us in slack",
            "if open pull requests in GitHub stack up past 20, post in #dev on Slack",
            "when unassigned Zendesk tickets build up beyond 30 post in #support on Slack",
        ] {
            assert_eq!(kind(text), TriggerKind::Schedule, "{text}");
        }
        for (text, want) in [
            (
                "when a new Zendesk ticket comes in and they pile up over 50, post in Slack",
                TriggerKind::AppEvent,
            ),
            (
                "when a Help Scout conversation is created, add it to the pile up list in Notion",
                TriggerKind::AppEvent,
            ),
        ] {
            assert_eq!(kind(text), want, "{text}");
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
    fn indirect_triggers_of_the_fourth_round_are_read() {
        let cases = [
            // a manual adverb in a later clause is someone else's chore
            (
                "When a candidate moves to offer in Greenhouse, create the checklist in Asana. HR will add them to BambooHR manually.",
                TriggerKind::AppEvent,
            ),
            // ... but the user's own start in the first clause or with a verb of running
            (
                "By hand, whenever I feel like it: archive the Trello cards",
                TriggerKind::Manual,
            ),
            (
                "Whenever I star a repo on GitHub, save it to Notion. I'll trigger it myself.",
                TriggerKind::Manual,
            ),
            // an address to forward mail to, a web address to post to
            (
                "Give me an address I can forward invoices to, and log each one in Airtable",
                TriggerKind::EmailReceived,
            ),
            (
                "make me a web address that my sensor can post to and text me if it is hot",
                TriggerKind::Webhook,
            ),
            // a time before something, a missed deadline: checked
            (
                "Send a reminder the night before to each parent with an appointment in Google Calendar",
                TriggerKind::Schedule,
            ),
            (
                "when the Harvest timesheet isn't filled in by friday at four, message the person on Slack",
                TriggerKind::Schedule,
            ),
            // a form on the user's own site posts to a URL
            (
                "when someone fills in the contact form on our website, create a contact in HubSpot",
                TriggerKind::Webhook,
            ),
            // an app's items as the subject, with "only", two item words, or the app's own item
            (
                "Only Freshdesk tickets from hospital.org should create Jira issues",
                TriggerKind::AppEvent,
            ),
            (
                "the team needs to see every delayed order from the Shopify store in Slack",
                TriggerKind::AppEvent,
            ),
            (
                "for every Eventbrite order with more than four tickets add a row to Airtable",
                TriggerKind::AppEvent,
            ),
            // an order to upload items that come from an app: the app's event
            (
                "Upload every signed NDA from DocuSign into the Legal folder in Box",
                TriggerKind::AppEvent,
            ),
            // a topic opening, then the event
            (
                "so for shopify, if the order has a discount code, add the order to the Google Sheet",
                TriggerKind::AppEvent,
            ),
            // files kept in a storage, the object of the work: handled as they arrive
            (
                "transcribe the call recordings from our sales calls in Google Drive and summarise them in Notion",
                TriggerKind::FileUpload,
            ),
            (
                "turn the audio files in the Dropbox folder into text documents in Google Docs",
                TriggerKind::FileUpload,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(kind(text), want, "{text}");
        }
    }

    #[test]
    fn look_alikes_of_the_fourth_round_keep_their_trigger() {
        let cases = [
            // a forms app named: its event, not the site's URL
            (
                "when our Typeform contact form is submitted, create a HubSpot contact",
                TriggerKind::AppEvent,
            ),
            // a reminder time inside an event's workflow
            (
                "when a HubSpot deal is won, add a Google Calendar reminder the day before the renewal",
                TriggerKind::AppEvent,
            ),
            // "by" without a negation is not a deadline
            (
                "when a HubSpot deal is won by the sales team, post it to Slack at 9am",
                TriggerKind::AppEvent,
            ),
            // "for each" over a table is a bulk loop
            (
                "for each row in the Google Sheet, create a HubSpot contact",
                TriggerKind::Manual,
            ),
            // files that arrive in storage stay uploads
            (
                "files uploaded to our Box folder from the scanner go to Xero",
                TriggerKind::FileUpload,
            ),
            // a schedule, or files the workflow writes, are not files arriving
            (
                "every night copy the photos in our Dropbox to Google Drive",
                TriggerKind::Schedule,
            ),
            (
                "save the Stripe invoices to a folder in Dropbox",
                TriggerKind::Manual,
            ),
            // an order to upload with no app before the storage stays an upload
            (
                "Upload each new scan into the Legal folder in Box and log it in Airtable",
                TriggerKind::FileUpload,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(kind(text), want, "{text}");
        }
    }

    #[test]
    fn indirect_triggers_of_the_sixth_round_are_read() {
        let cases = [
            // the user's own start, said as a wish
            (
                "only when I tell it to, copy the Trello cards to a Google Sheet",
                TriggerKind::Manual,
            ),
            (
                "whenever I feel like it, send the open Jira bugs to Slack",
                TriggerKind::Manual,
            ),
            // a machine sends to an address: a web address
            (
                "give me an address the sensor can send readings to and log them in Airtable",
                TriggerKind::Webhook,
            ),
            // "when done" ends the work; the schedule is the trigger
            (
                "refresh the Salesforce report every 30 days and tell #ops in Slack when done",
                TriggerKind::Schedule,
            ),
            // states that lasted, a time after something, a quantity crossing a threshold
            (
                "when a Stripe invoice is overdue by more than 30 days, email the customer with Gmail",
                TriggerKind::Schedule,
            ),
            (
                "when the freezer sensor stops reporting for more than 15 minutes, text the manager",
                TriggerKind::Schedule,
            ),
            (
                "when our Mailchimp credit balance drops below 500, tell me in Slack",
                TriggerKind::Schedule,
            ),
            // mail arriving in a help desk's inbox is the help desk's event
            (
                "when a reply lands in our Help Scout inbox, post it to Slack",
                TriggerKind::AppEvent,
            ),
            (
                "when an email lands in front from a vip tell the account team in slack",
                TriggerKind::AppEvent,
            ),
            (
                "Front: when a conversation in the sales inbox is tagged urgent, post it to Slack",
                TriggerKind::AppEvent,
            ),
            // an upload ordered after an app's event, an upload word of an app's item, files
            // of an order: the app's event
            (
                "whenever a contract gets signed in DocuSign upload it to the legal folder in Dropbox",
                TriggerKind::AppEvent,
            ),
            (
                "when a new contact is created in HubSpot make a folder in Google Drive for it",
                TriggerKind::AppEvent,
            ),
            (
                "when a customer submits the Typeform, save their uploaded file to our Dropbox",
                TriggerKind::AppEvent,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(kind(text), want, "{text}");
        }
    }

    #[test]
    fn look_alikes_of_the_sixth_round_keep_their_trigger() {
        let cases = [
            // "when" followed by an event, not by "done"
            (
                "post to #billing in Slack when a Stripe payout is done",
                TriggerKind::AppEvent,
            ),
            // a person forwards to an address: mail
            (
                "give me an address we can forward receipts to and log each one in Airtable",
                TriggerKind::EmailReceived,
            ),
            // an amount of the item, or a quantity with no threshold crossed
            (
                "when a Shopify order over $500 comes in, post it to Slack",
                TriggerKind::AppEvent,
            ),
            (
                "when the balance of a new Stripe customer is set, post it to Slack",
                TriggerKind::AppEvent,
            ),
            // an event said first: the threshold is its condition
            (
                "when a Shopify order comes in and the stock of the product drops below 5, email me",
                TriggerKind::AppEvent,
            ),
            // a field of the item under a value is a condition, not a level crossing
            (
                "when an Airtable record's budget field is under 2000, create a bill in QuickBooks",
                TriggerKind::AppEvent,
            ),
            // a delay after an event keeps the event
            (
                "the day after an order is fulfilled in Shopify email the buyer a review link",
                TriggerKind::AppEvent,
            ),
            // a measurement, not a state that lasted: the sensor's event (a URL, no app named)
            (
                "when the freezer sensor reports more than 8 degrees, text the manager",
                TriggerKind::AppEvent,
            ),
            // a help desk named as the step's tool, after the inbox
            (
                "when a new email arrives in our support inbox create a Zendesk ticket",
                TriggerKind::EmailReceived,
            ),
            // a tool whose events need words the clause does not use is a later step
            (
                "When an item on our board moves to Done, log the hours in Harvest.",
                TriggerKind::AppEvent,
            ),
            // files arriving in storage, uploaded by someone
            (
                "when customers upload a photo to our Dropbox, post it to Slack",
                TriggerKind::FileUpload,
            ),
            (
                "when a file is uploaded to our S3 bucket, copy it to Google Drive",
                TriggerKind::FileUpload,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(kind(text), want, "{text}");
        }
    }

    #[test]
    fn triggers_of_the_seventh_round_are_read() {
        let cases = [
            // the user starting it in their own words
            (
                "After each shoot I'll hit run myself: copy the pictures from Dropbox to Box",
                TriggerKind::Manual,
            ),
            (
                "i just wanna kick it off whenever a new intern starts and add them in bamboo hr",
                TriggerKind::Manual,
            ),
            // a count over a span, or days overdue, is checked
            (
                "if the shop sees more than 500 failed logins in an hour post it to slack",
                TriggerKind::Schedule,
            ),
            (
                "Text me when the status page shows errors for ten minutes straight.",
                TriggerKind::Schedule,
            ),
            (
                "when a xero bill is 14 days overdue tell the finance channel",
                TriggerKind::Schedule,
            ),
            // how often to check, said after the event
            (
                "Email me when a Notion page hasn't been edited in 6 months. Daily is fine.",
                TriggerKind::Schedule,
            ),
            (
                "Once a month, export the Stripe payouts to a Google Sheet.",
                TriggerKind::Schedule,
            ),
            // ... but an app with events counting its own items keeps its event (its alert rules)
            (
                "Open a Jira bug when a Datadog monitor reports more than 50 errors in the last hour.",
                TriggerKind::AppEvent,
            ),
            // files said to land in a folder, no storage named
            (
                "Whenever a new contract is saved in the shared sales folder, tell the account team.",
                TriggerKind::FileUpload,
            ),
            // look-alikes: an amount of one event, a run verb of someone else
            (
                "when a Shopify order over $500 comes in, text me",
                TriggerKind::AppEvent,
            ),
            (
                "I run a bakery; when a Square order comes in, text me",
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

    /// An address someone can call, said as a relative clause ("a link our partners can hit",
    /// "an address the panel will call", "something they can POST to") or as a slash command, is
    /// a webhook; an address someone mails, or "something" fired by hand, is not.
    #[test]
    fn an_address_someone_can_call_is_a_webhook() {
        let webhook = [
            "make a link our suppliers can hit with a delivery update and add a row to Airtable",
            "set up an address the door sensor will call when it opens, then post to Slack",
            "I need a URL our old CRM could post to that creates the contact in HubSpot",
            "something our partners can POST to that creates a Trello card",
            "a Slack slash command /standup that adds a row to Google Sheets",
            "the scale can call a web address when a pallet is weighed; log it in Airtable",
        ];
        for text in webhook {
            assert_eq!(kind(text), TriggerKind::Webhook, "{text}");
        }
        let not_webhook = [
            "something I can fire from my phone that posts the call sheet to Slack",
            "an email address customers can send receipts to, saved to Google Drive",
            "every monday post the link the team can open to Slack",
        ];
        for text in not_webhook {
            assert_ne!(kind(text), TriggerKind::Webhook, "{text}");
        }
    }

    /// "for each / for every <item of an app>" after the first words is that app's event, as
    /// "for each new ..." is; with a schedule named it is the items the run reads.
    #[test]
    fn for_each_item_of_an_app_is_its_event_unless_a_schedule_is_named() {
        for text in [
            "open a Linear issue for each Sentry alert",
            "add a row to Google Sheets for every Stripe payment",
            "post a message to Slack for each Typeform response",
        ] {
            assert_eq!(kind(text), TriggerKind::AppEvent, "{text}");
        }
        for text in [
            "every monday at 9, for each open deal in HubSpot post a line to Slack",
            "each night for every Stripe payment add a row to Google Sheets",
        ] {
            assert_eq!(kind(text), TriggerKind::Schedule, "{text}");
        }
    }
    /// A market price crossing a level, said with no app that could announce it, is watched on
    /// a schedule; a price of an app's own records stays its event (ninth session).
    #[test]
    fn a_price_a_level_or_a_count_crossing_a_threshold_is_checked() {
        for text in [
            "text me on telegram whenever the bitcoin price goes above 90k",
            "if the gold price falls below 1900 post it to discord",
            "tell me when the ETH price hits 5000",
        ] {
            assert_eq!(kind(text), TriggerKind::Schedule, "{text}");
        }
        // a level going up, a count of reactions reaching a number on an app that sends no
        // events: checked
        for text in [
            "when the support backlog goes above 500, page the on call",
            "when one of our pinterest pins gets more than 500 saves, post it in slack",
            "if a tiktok of ours racks up 5000 views, add it to the airtable base",
        ] {
            assert_eq!(kind(text), TriggerKind::Schedule, "{text}");
        }
        for text in [
            // an app with events counts its own items (as for a rate)
            "when an Instagram post of ours hits 1000 likes, share it on Pinterest",
            "when a new youtube video is published and gets views, post it in slack",
            "when a GitHub issue gets a new comment, post it in slack",
            "when a Shopify product's price goes above 100, post it to Slack",
            "when a new order comes in Shopify and its price is above 500, tell the team",
        ] {
            assert_ne!(kind(text), TriggerKind::Schedule, "{text}");
        }
    }
    /// States and levels checked on a schedule (tenth session): a level said a few words after
    /// its noun, a state that is late or absent for a while, a status code or a forecast
    /// watched.
    #[test]
    fn states_of_tools_that_send_no_event_are_checked() {
        for text in [
            "let me know when the price of bitcoin goes above 100k",
            "when the Stripe balance of the main account drops under $5,000, text me",
            "if a Stripe invoice is overdue by ten days, email the client",
            "if a customer's payment in Stripe is more than three days late, text the manager",
            "if a driver hasn't checked in for three hours, text dispatch",
            "if the website returns anything other than 200, page me",
            "when the cluster health goes red, page the on call in PagerDuty",
            "text me if the forecast for Boston says rain",
            "Tell me when EUR/USD crosses 1.20.",
            "when the firebase user count goes over ten thousand tell the founders on slack",
        ] {
            assert_eq!(kind(text), TriggerKind::Schedule, "{text}");
        }
        for text in [
            // an event that is late, not a state lasting
            "when a late payment comes in on Stripe, post it to Slack",
            "when a new Shopify order comes in, look it up in Klaviyo and post to Slack",
            // a level of an app's own items, the app named between: its event
            "when the stock of any SKU in BigCommerce drops below 10, tell purchasing",
            "when a Vercel deployment returns anything other than 200, post it in Slack",
        ] {
            assert_ne!(kind(text), TriggerKind::Schedule, "{text}");
        }
    }

    /// A period that describes the mail a sender sends, not the run (tenth session).
    #[test]
    fn a_period_of_the_mail_someone_sends_is_no_schedule() {
        for text in [
            "our payroll vendor emails a monthly report; parse it and post the totals to Slack",
            "our supplier emails a weekly price list, update the Google Sheet with it",
        ] {
            assert_eq!(kind(text), TriggerKind::EmailReceived, "{text}");
        }
        for text in [
            "every month our payroll vendor emails a report; parse it and post the totals to Slack",
            "send our supplier a weekly email with the stock levels from the Google Sheet",
        ] {
            assert_eq!(kind(text), TriggerKind::Schedule, "{text}");
        }
    }

    /// A schedule over new files of a storage whose event is polled reads them with that event,
    /// so OCR or transcription gets files (tenth session).
    #[test]
    fn a_schedule_over_new_stored_files_reads_them() {
        let source = |text: &str| {
            let catalog = Catalog::builtin().unwrap();
            let lang = Language::builtin().unwrap();
            let toks = tokenize(text);
            let ms = mentions(&catalog, &lang, &toks, text);
            let (_, choice) = decide(&catalog, &lang, &toks, text, &ms);
            assert_eq!(choice.kind, TriggerKind::Schedule, "{text}");
            choice.tool.map(|k| catalog.tool_at(ms[k].tool).id.clone())
        };
        let cases = [
            (
                "every hour check the box folder for new scans and ocr them into airtable",
                Some("box"),
            ),
            (
                "put the google drive receipts through ocr and push the totals into xero every evening at six",
                Some("google_drive"),
            ),
            // no file read: a listing, files written to the storage, a storage without a
            // polled event
            (
                "every monday list the files in Dropbox and email me their names",
                None,
            ),
            (
                "every night transcribe the call notes and save the recordings to Dropbox",
                None,
            ),
            (
                "every hour check the S3 bucket for new scans and ocr them into airtable",
                None,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(source(text).as_deref(), want, "{text}");
        }
    }

    /// Where a trigger comes from when said in other words (tenth session): a queue items are
    /// handed to, mail someone forwards or sends, a run the user starts when someone asks, an
    /// API to call, an app's items as the subject of an order.
    #[test]
    fn sources_said_in_other_words() {
        let cases = [
            (
                "new orders in BigCommerce should go to the Kafka topic orders",
                TriggerKind::AppEvent,
            ),
            (
                "read the Kafka topic orders and save each one to Postgres",
                TriggerKind::Queue,
            ),
            (
                "when a message lands on the Kafka topic, post it to Slack",
                TriggerKind::Queue,
            ),
            (
                "log each receipt our staff forward to receipts@ in Xero",
                TriggerKind::EmailReceived,
            ),
            (
                "a client sends a message to our gmail asking for a quote, post it in Slack",
                TriggerKind::EmailReceived,
            ),
            (
                "when I forward an email to my bot address, add a task in Todoist",
                TriggerKind::EmailReceived,
            ),
            (
                "new submissions on the Jotform should get a confirmation emailed to the applicant",
                TriggerKind::AppEvent,
            ),
            (
                "let me kick this off whenever finance wants it: export the QuickBooks invoices to Drive",
                TriggerKind::Manual,
            ),
            (
                "expose an api our partners can call to create orders in Shopify",
                TriggerKind::Webhook,
            ),
            (
                "Zendesk tickets rated bad: reopen them and assign them to the lead",
                TriggerKind::AppEvent,
            ),
            (
                "Flag Shopify orders where the total is over $500 in a Slack channel",
                TriggerKind::AppEvent,
            ),
            (
                "every call recording that Twilio saves, transcribe it and post it to Slack",
                TriggerKind::AppEvent,
            ),
            // files kept in a storage after "an", a feed's items before an app with events
            (
                "we get voicemails as audio files in an S3 bucket and want them turned into text in Airtable",
                TriggerKind::FileUpload,
            ),
            (
                "anything new on hacker news that mentions us should go to the founders telegram",
                TriggerKind::AppEvent,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(kind(text), want, "{text}");
        }
        let cases = [
            (
                "forward the weekly report to boss@ourco.com every Monday",
                TriggerKind::EmailReceived,
            ),
            (
                "when a customer sends a message on WhatsApp, log it in Airtable",
                TriggerKind::EmailReceived,
            ),
            (
                "whenever a customer wants a refund in Stripe, post it in Slack",
                TriggerKind::Manual,
            ),
            (
                "every monday use the Stripe api to list the charges and post them to Slack",
                TriggerKind::Webhook,
            ),
            ("Zendesk tickets", TriggerKind::AppEvent),
            // a loop over one app's items with nothing else named is a bulk run
            (
                "compute the area of every unit listed in our Airtable and write it back",
                TriggerKind::AppEvent,
            ),
            (
                "pull every GitHub repo in our org and list which ones have no README",
                TriggerKind::AppEvent,
            ),
        ];
        for (text, not) in cases {
            assert_ne!(kind(text), not, "{text}");
        }
    }

    /// A folder or bucket in the trigger clause is in the one storage service the prompt named
    /// before it; with none or two named, the usual default stays (ninth session).
    #[test]
    fn an_unnamed_upload_is_in_the_storage_named_before_it() {
        let source = |text: &str| {
            let catalog = Catalog::builtin().unwrap();
            let lang = Language::builtin().unwrap();
            let toks = tokenize(text);
            let ms = mentions(&catalog, &lang, &toks, text);
            let (_, choice) = decide(&catalog, &lang, &toks, text, &ms);
            assert_eq!(choice.kind, TriggerKind::FileUpload, "{text}");
            choice.tool.map(|k| catalog.tool_at(ms[k].tool).id.clone())
        };
        assert_eq!(
            source("The team saves scans into Dropbox. When a new file is uploaded to the 'Claims' folder, add a row to the sheet").as_deref(),
            Some("dropbox")
        );
        assert_eq!(
            source("When a new file is uploaded to the 'Claims' folder, add a row to the sheet"),
            None
        );
        // the app after an order is where the work goes
        assert_eq!(
            kind("Upload of a CSV to the 'rates' bucket should update the prices in Shopify"),
            TriggerKind::FileUpload
        );
        assert_eq!(
            kind("a CSV uploaded to the imports bucket should create contacts in HubSpot"),
            TriggerKind::FileUpload
        );
        // files uploaded to a tool the catalog knows no event of: an address to call, not a
        // bucket nobody named (eleventh session, lang11)
        for text in [
            "When a product image is uploaded to Cloudinary, generate alt text and save it to Shopify",
            "when a photo is uploaded to our Cloudinary account, write a caption for it in Webflow",
        ] {
            assert_eq!(kind(text), TriggerKind::Webhook, "{text}");
        }
        for (text, want) in [
            (
                "When a file is uploaded to Dropbox, add a row to the sheet",
                TriggerKind::FileUpload,
            ),
            (
                "When a deal closes in HubSpot, upload the contract to Cloudinary",
                TriggerKind::AppEvent,
            ),
            (
                "every night at 2am upload the new images to Cloudinary",
                TriggerKind::Schedule,
            ),
        ] {
            assert_eq!(kind(text), want, "{text}");
        }
        assert_ne!(
            kind("when a new Trello card has a file uploaded, post it to Slack"),
            TriggerKind::FileUpload
        );
        assert_eq!(
            source(
                "We use Dropbox and Box. When a new file is uploaded to the 'Claims' folder, add a row to the sheet"
            ),
            None
        );
    }
}
