//! What the choice leaves open: the usual service when the prompt names none, the event of the
//! chosen tool, and tools that cannot notify the function.

use super::super::find_phrase;
use super::super::negation::Exclusions;
use crate::catalog::{Catalog, Event, Tool};
use crate::model::TriggerKind;
use crate::text::Tok;

/// Where an event comes from when the prompt names no tool for it: the usual service for the
/// kind (Gmail for received email, S3 for uploads, SQS for queues; the next one when the prompt
/// excludes it), or the tool of a need named in the trigger clause ("a support ticket is
/// filed" → Zendesk); with the assumption that says so. The needs of `asks` ask for a message
/// ("alert me", "notify", "ping") and name no source ("Alert me on Telegram whenever anyone
/// signs in ..."). A need whose kind a tool the prompt names already is (`named`, catalog
/// indexes) names no source either: its words are that tool's ("when a lead comes in post it
/// in Teams in the sales channel": the channel is Teams', not Slack's).
pub(in crate::planner) fn unnamed_source(
    catalog: &Catalog,
    toks: &[Tok],
    masked: &[bool],
    excl: &Exclusions,
    (kind, end): (TriggerKind, usize),
    (asks, named): (&[String], &[usize]),
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
    let covered = |n: &crate::catalog::Need| {
        named
            .iter()
            .any(|&t| n.categories.contains(&catalog.tool_at(t).category))
    };
    for n in catalog
        .needs
        .iter()
        .filter(|n| !asks.contains(&n.id) && !covered(n))
    {
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
pub(in crate::planner) fn eventless_source(catalog: &Catalog, tool: usize) -> Option<String> {
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

/// A word without its inflection (`fails`, `failed`, `failing`, `failure` → `fail`), so an
/// event word matches the clause's form of it.
fn stem(w: &str) -> &str {
    let cut = ["ing", "ure", "ed", "es", "s"]
        .iter()
        .find_map(|x| w.strip_suffix(x).filter(|r| r.len() >= 3))
        .unwrap_or(w);
    cut.strip_suffix('e')
        .filter(|r| r.len() >= 3)
        .unwrap_or(cut)
}

/// Stems of the words that say something went wrong: when the trigger clause uses one, an
/// event whose words say so too is the one meant ("a payment fails" is not the payment
/// succeeding, though both are about payments).
const FAILURE: &[&str] = &["fail", "declin", "bounc", "reject", "refus", "error"];

/// Stems of the words that say an item began or ended: an item coming into being (`new`,
/// `added`, `hired`, `joined`) and an item going away (`terminated`, `deleted`, `cancelled`,
/// `closed`, `churned`). A trigger clause that says one of them never takes an event whose
/// label or words say only the other ("when an employee is terminated" is no "New hire added",
/// which would run on every hire); ambiguous words ("opened", "signed", "leaves a review") are
/// in neither.
const LIFECYCLE: [&[&str]; 2] = [
    &[
        "new",
        "add",
        "creat",
        "creation",
        "hir",
        "join",
        "register",
        "registration",
        "onboard",
        "insert",
    ],
    &[
        "delet",
        "deletion",
        "remov",
        "removal",
        "terminat",
        "termination",
        "cancel",
        "cancell",
        "cancellation",
        "archiv",
        "clos",
        "offboard",
        "deactivat",
        "deactivation",
        "churn",
        "resign",
        "resignation",
        "unsubscrib",
        "depart",
        "departure",
    ],
];

/// Stems of the words that say an event is any change of its item ("Issue created or updated",
/// "Card created or moved", "Subscription changed"): such an event covers an item's end too.
const CHANGE: &[&str] = &["updat", "chang", "modifi", "edit", "mov", "event"];

/// Which of [`LIFECYCLE`]'s two sides the words say (bit 0: began, bit 1: ended).
fn lifecycle<'a>(words: impl IntoIterator<Item = &'a str>) -> u8 {
    words.into_iter().fold(0, |acc, w| {
        let s = stem(w);
        LIFECYCLE
            .iter()
            .enumerate()
            .filter(|(_, side)| side.contains(&s))
            .fold(acc, |acc, (i, _)| acc | (1 << i))
    })
}

/// How `e` stands to the side of an item's life the clause says (`said`, from [`lifecycle`]):
/// `Some(true)` when it says that side or any change, `Some(false)` when it says only the
/// other side, `None` when it says neither (or the clause says no side).
fn lifecycle_fit(e: &Event, said: u8) -> Option<bool> {
    if said == 0 {
        return None;
    }
    let label = e.label.to_lowercase();
    let words = || {
        label
            .split(|c: char| !c.is_alphanumeric())
            .chain(e.words.iter().flat_map(|w| w.split(' ')))
            .chain(e.id.split(|c: char| !c.is_alphanumeric()))
    };
    let own = lifecycle(words());
    if own & said != 0 || words().any(|w| CHANGE.contains(&stem(w))) {
        Some(true)
    } else if own != 0 {
        Some(false)
    } else {
        None
    }
}

/// The event of `tool` whose words the trigger clause uses most (a failure word in any
/// inflection), an event
/// saying something failed first when the clause says so; on a tie the one whose label names
/// what the clause names ("a GitHub issue opened" is the issue event), then the first. An event
/// that is the trigger [only when named](Event::only_when_named) needs one of its words.
pub(in crate::planner) fn event_of<'t>(tool: &'t Tool, trigger: &[Tok]) -> Option<&'t Event> {
    let words: Vec<&str> = trigger.iter().map(|t| t.w.as_str()).collect();
    let stems: Vec<&str> = words.iter().map(|w| stem(w)).collect();
    // event words are curated forms ("logs", not "log"), so only a failure word matches in
    // any inflection
    let uses =
        |w: &str| words.contains(&w) || (FAILURE.contains(&stem(w)) && stems.contains(&stem(w)));
    let says_failed = stems.iter().any(|s| FAILURE.contains(s));
    let said = lifecycle(words.iter().copied());
    let mut contradicted = false;
    let mut best: Option<(&Event, (usize, usize, usize))> = None;
    for e in &tool.events {
        let score = e.words.iter().filter(|p| p.split(' ').all(&uses)).count();
        let fit = lifecycle_fit(e, said);
        if fit == Some(false) {
            contradicted = true;
        }
        if (e.only_when_named && score == 0) || fit == Some(false) {
            continue;
        }
        let failed = usize::from(
            says_failed
                && e.words
                    .iter()
                    .any(|w| FAILURE.contains(&stem(w)) && uses(w)),
        );
        let label = e
            .label
            .split(' ')
            .filter(|w| {
                let w = w.to_lowercase();
                w.len() > 2 && uses(&w)
            })
            .count();
        let key = (failed, score, label);
        if best.is_none_or(|(_, k)| key > k) {
            best = Some((e, key));
        }
    }
    // when the event the clause names was ruled out, another that neither uses its words nor
    // says its side is no stand-in for it ("a Stripe customer is deleted" is no payment)
    best.filter(|(e, (_, score, _))| {
        !contradicted || *score > 0 || lifecycle_fit(e, said) == Some(true)
    })
    .map(|(e, _)| e)
}

/// The note for a tool none of whose events the trigger clause can mean: all need their words
/// and the clause uses none ("log the hours in Harvest"), or each says the other side of an
/// item's life ("an employee is terminated" against "New hire added"). The tool is checked on
/// a schedule, as for a tool without events. `None` when an event applies.
pub(in crate::planner) fn unnamed_event(tool: &Tool, trigger: &[Tok]) -> Option<String> {
    (!tool.events.is_empty() && event_of(tool, trigger).is_none())
    .then(|| {
        format!(
            "{} calls the function for none of the changes described; a schedule checks it instead.",
            tool.name
        )
    })
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::text::tokenize;

    #[test]
    fn the_event_is_the_one_whose_words_the_trigger_clause_uses() {
        let catalog = Catalog::builtin().unwrap();
        let stripe = catalog.tool("stripe").unwrap();
        let cases = [
            (
                "when a stripe invoice is declined and goes to dunning",
                "payment_failed",
            ),
            ("a new stripe customer", "customer_created"),
            // the outcome named is the event (R11-5); no outcome, every subscription event
            (
                "a subscription is cancelled in stripe",
                "subscription_cancelled",
            ),
            ("a stripe subscription changes", "subscription"),
            // the failure is the event, in any inflection, though the noun is the other's
            ("when a stripe payment fails", "payment_failed"),
            ("when a payment failed in stripe", "payment_failed"),
            ("when a stripe charge fails", "payment_failed"),
            ("when a stripe payment succeeds", "payment_succeeded"),
            // no event word: the first event
            ("something happens in stripe", "payment_succeeded"),
        ];
        for (text, want) in cases {
            let event = event_of(stripe, &tokenize(text)).unwrap();
            assert_eq!(event.id, want, "{text}");
        }
    }

    #[test]
    fn on_a_tie_the_event_whose_label_names_the_thing_wins() {
        let catalog = Catalog::builtin().unwrap();
        let github = catalog.tool("github").unwrap();
        let event = event_of(github, &tokenize("when a github issue is opened")).unwrap();
        assert_eq!(event.id, "issue_opened");
        let event = event_of(github, &tokenize("when a pull request is opened on github")).unwrap();
        assert_eq!(event.id, "pull_request_opened");
        let event = event_of(github, &tokenize("when a github issue is edited")).unwrap();
        assert_eq!(event.id, "issue");
    }

    #[test]
    fn an_event_named_only_by_its_words_needs_them() {
        let catalog = Catalog::builtin().unwrap();
        let harvest = catalog.tool("harvest").unwrap();
        for text in [
            "when a time entry over 10 hours is logged in harvest",
            "whenever someone logs a harvest timesheet entry",
        ] {
            let trigger = tokenize(text);
            assert_eq!(
                event_of(harvest, &trigger).map(|e| e.id.as_str()),
                Some("time_entry_logged"),
                "{text}"
            );
            assert_eq!(unnamed_event(harvest, &trigger), None, "{text}");
        }
        // Harvest named as where the work goes, or read for a report: no entry is the trigger
        for text in [
            "when an item on our board moves to done log the hours in harvest",
            "at quarter close export the harvest billable hours per client",
        ] {
            let trigger = tokenize(text);
            assert!(event_of(harvest, &trigger).is_none(), "{text}");
            assert!(unnamed_event(harvest, &trigger).is_some(), "{text}");
        }
        // events without the flag need no word
        let stripe = catalog.tool("stripe").unwrap();
        assert_eq!(unnamed_event(stripe, &tokenize("something happens")), None);
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

    /// Words that ask for a message in the trigger clause name no source; a need's own words
    /// do ("a support ticket is filed").
    #[test]
    fn an_ask_in_the_trigger_clause_names_no_source() {
        let catalog = Catalog::builtin().unwrap();
        let asks = vec!["chat".to_owned()];
        let source = |text: &str| {
            let toks = tokenize(text);
            let masked = vec![false; toks.len()];
            let (t, _) = unnamed_source(
                &catalog,
                &toks,
                &masked,
                &Exclusions::default(),
                (TriggerKind::AppEvent, toks.len()),
                (&asks, &[]),
            );
            t.map(|t| catalog.tool_at(t).id.clone())
        };
        assert_eq!(
            source("alert me whenever anyone signs in to the admin account"),
            None
        );
        assert_eq!(source("notify me when the nightly build fails"), None);
        assert_eq!(
            source("when a support ticket is filed").as_deref(),
            Some("zendesk")
        );
    }

    /// A need whose kind a named tool already is names no source: its words are that tool's
    /// (eleventh session, lang11).
    #[test]
    fn a_need_a_named_tool_covers_names_no_source() {
        let catalog = Catalog::builtin().unwrap();
        let at = |id: &str| catalog.tools.iter().position(|t| t.id == id).unwrap();
        let source = |text: &str, named: &[usize]| {
            let toks = tokenize(text);
            let masked = vec![false; toks.len()];
            let (t, _) = unnamed_source(
                &catalog,
                &toks,
                &masked,
                &Exclusions::default(),
                (TriggerKind::AppEvent, toks.len()),
                (&[], named),
            );
            t.map(|t| catalog.tool_at(t).id.clone())
        };
        for (text, named) in [
            (
                "when a new lead comes in post it in teams in the sales channel",
                "microsoft_teams",
            ),
            (
                "when a shipment is late post it on discord in the ops channel",
                "discord",
            ),
            (
                "when a support ticket is filed, add it to Freshdesk",
                "freshdesk",
            ),
        ] {
            assert_eq!(source(text, &[at(named)]), None, "{text}");
        }
        // a need of another kind than the named tools still names its source
        for (text, named, want) in [
            ("when a support ticket is filed", "slack", "zendesk"),
            (
                "when a support ticket is filed, post it in the channel",
                "microsoft_teams",
                "zendesk",
            ),
        ] {
            assert_eq!(source(text, &[at(named)]).as_deref(), Some(want), "{text}");
        }
        assert_eq!(
            source("when someone posts in the sales channel", &[]).as_deref(),
            Some("slack")
        );
    }
}
