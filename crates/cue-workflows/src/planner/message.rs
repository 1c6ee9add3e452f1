//! The message a user dictates for a step that sends text ("post a reminder to #team every
//! Friday at 4 saying 'timesheets are due'"), kept as the step's `message` setting.
//!
//! A schedule or a manual run has no records whose text could be the message, so a step that
//! sends text on such a run without a dictated message gets a stated default: it never posts
//! an empty or meaningless message.

use crate::catalog::{Action, Catalog, Role};
use crate::escape::ident;
use crate::model::{Delivery, Step};

use super::conditions::quoted_at;
use super::language::MessageWords;

/// The longest message kept, in characters.
const MAX_CHARS: usize = 300;

/// How far past a remind word its `to` may be ("remind everyone in the #finance Slack
/// channel to …": seven words).
const REMIND_REACH: usize = 10;

/// Where what to do starts after a remind word ("remind everyone in #finance to submit …"):
/// the first `to` within the sentence and [`REMIND_REACH`] words whose next word names
/// neither whom nor where (an addressee, a #channel or @name, a tool: `is_tool`), with the
/// place of the remind word.
pub(super) fn reminder_start(
    words: &MessageWords,
    text: &str,
    is_tool: &dyn Fn(&str) -> bool,
) -> Option<(usize, usize)> {
    let toks = crate::text::tokenize(text);
    let ends_sentence = |a: usize, b: usize| text[a..b].contains(['.', '!', '?', ';', '\n']);
    for (i, t) in toks.iter().enumerate() {
        if !words.remind_words.contains(&t.w) {
            continue;
        }
        for j in i + 1..toks.len().min(i + 1 + REMIND_REACH) {
            if ends_sentence(toks[j - 1].end, toks[j].start) {
                break;
            }
            let Some(next) = toks.get(j + 1) else {
                break;
            };
            let place = text[toks[j].end..next.start].contains(['#', '@'])
                || words.addressees.contains(&next.w)
                || is_tool(&next.w);
            if toks[j].w == "to" && !place && !ends_sentence(toks[j].end, next.start) {
                return Some((t.start, next.start));
            }
        }
    }
    None
}

/// The byte range of what a reminder asks people to do ("remind everyone in #finance to
/// submit expenses in Expensify" → "submit expenses in Expensify"), unquoted, up to where an
/// unquoted message ends.
pub(super) fn reminder_body(
    words: &MessageWords,
    text: &str,
    is_tool: &dyn Fn(&str) -> bool,
) -> Option<(usize, usize)> {
    let (_, start) = reminder_start(words, text, is_tool)?;
    let rest = &text[start..];
    let lower = rest.to_lowercase();
    let body = if lower.len() == rest.len() {
        unquoted(&words.ends, rest, &lower)
    } else {
        unquoted(&[], rest, rest)
    };
    Some((start, start + body.len()))
}

/// The message dictated in `text`, if any (`is_tool`: whether a word starts a tool's name).
pub(super) fn dictated(
    words: &MessageWords,
    text: &str,
    is_tool: &dyn Fn(&str) -> bool,
) -> Option<String> {
    let lower = text.to_lowercase();
    // lower-casing can change byte lengths; then only quoted messages are looked for
    let same_offsets = lower.len() == text.len();
    let markers = words
        .says
        .iter()
        .map(|m| (m.as_str(), false))
        .chain(words.reminds.iter().map(|m| (m.as_str(), true)));
    let found = markers
        .filter_map(|(marker, remind)| {
            find_word(&lower, marker).map(|at| (at, at + marker.len(), remind))
        })
        .chain(reminder_start(words, text, is_tool).map(|(at, body)| (at, body, true)));
    let mut best: Option<(usize, String)> = None;
    for (at, after, remind) in found {
        if best.as_ref().is_some_and(|(b, _)| *b <= at) {
            continue;
        }
        let rest = text[after..].trim_start_matches([' ', ':', '\t']);
        let start = text.len() - rest.len();
        let body = match quoted_at(rest) {
            Some(q) => q,
            None if same_offsets => unquoted(&words.ends, &text[start..], &lower[start..]),
            None => continue,
        };
        let body = clean(&body);
        if body.is_empty() {
            continue;
        }
        let message = if remind {
            format!("Reminder: {}", upper_first(&body))
        } else {
            body
        };
        best = Some((at, message));
    }
    best.map(|(_, m)| m)
}

/// The first place `marker` starts a word of `lower`.
fn find_word(lower: &str, marker: &str) -> Option<usize> {
    lower.match_indices(marker).map(|(i, _)| i).find(|&i| {
        let before = lower[..i].chars().next_back();
        let after = lower[i + marker.len()..].chars().next();
        before.is_none_or(|c| !c.is_alphanumeric())
            && (marker.ends_with(':') || after.is_none_or(|c| !c.is_alphanumeric()))
    })
}

/// Unquoted words up to the end of the sentence or the next part of the request.
fn unquoted(ends: &[String], rest: &str, lower: &str) -> String {
    let mut end = rest.find(['.', '!', '?', ';', '\n']).unwrap_or(rest.len());
    for e in ends {
        if let Some(i) = lower.find(e.as_str()) {
            end = end.min(i);
        }
    }
    rest[..end].to_owned()
}

/// The message trimmed of spaces, quotes, end punctuation and braces, bounded.
fn clean(s: &str) -> String {
    let kept: String = s
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '{' | '}'))
        .take(MAX_CHARS)
        .collect();
    kept.trim()
        .trim_end_matches([',', ':', '-'])
        .trim_matches(['\'', '"', '‘', '’', '“', '”'])
        .trim()
        .to_owned()
}

fn upper_first(s: &str) -> String {
    let mut cs = s.chars();
    cs.next()
        .map(|c| c.to_uppercase().chain(cs).collect())
        .unwrap_or_default()
}

/// Whether a word starts one of the catalog's tool names or aliases.
pub(super) fn starts_tool_name(catalog: &Catalog, w: &str) -> bool {
    catalog
        .aliases
        .iter()
        .any(|(words, _)| words.first().is_some_and(|f| f == w))
}

/// Whether `action` sends the records' text (`{text}` in its request).
fn sends_text(action: &Action) -> bool {
    let spec = [
        action.body.as_ref().map(ToString::to_string),
        serde_json::to_string(&action.kwargs).ok(),
        serde_json::to_string(&action.query).ok(),
    ];
    action.role == Role::Write && spec.iter().flatten().any(|s| s.contains("{text}"))
}

/// Gives the steps that send text their message setting: the dictated message to the first
/// of them and to every one that works on the run record of a schedule or manual run (a
/// reminder posted and emailed says the same); a stated default to those on the run record
/// when none was dictated, as that record has no text to send. `description` is the trigger's.
pub(super) fn apply(
    catalog: &Catalog,
    words: &MessageWords,
    text: &str,
    delivery: Delivery,
    description: &str,
    steps: &mut [Step],
    assumptions: &mut Vec<String>,
) {
    let action_of = |s: &Step| catalog.tool(&s.tool).and_then(|t| t.action(&s.action));
    let sending: Vec<(usize, bool)> = steps
        .iter()
        .enumerate()
        .filter(|(_, s)| action_of(s).is_some_and(sends_text))
        .map(|(i, _)| {
            let on_run_record = matches!(delivery, Delivery::Schedule | Delivery::Direct)
                && steps[..i]
                    .iter()
                    .all(|s| action_of(s).is_some_and(|a| a.role == Role::Write));
            (i, on_run_record)
        })
        .collect();
    let is_tool = |w: &str| starts_tool_name(catalog, w);
    let dictated = dictated(words, text, &is_tool);
    let default = format!(
        "Reminder from your workflow ({}).",
        description.to_lowercase()
    );
    for (k, (i, on_run_record)) in sending.into_iter().enumerate() {
        let step = &mut steps[i];
        let message = match &dictated {
            Some(m) if k == 0 || on_run_record => m.clone(),
            None if on_run_record => {
                let setting = format!("{}_MESSAGE", ident(&step.tool).to_ascii_uppercase());
                assumptions.push(format!(
                    "No message text was given; {} sends \"{default}\" (set {setting} to change it).",
                    step.id
                ));
                default.clone()
            }
            _ => continue,
        };
        step.params.insert("message".to_owned(), message);
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::dictated;

    #[test]
    fn dictated_messages_are_found_quoted_or_not() {
        let cases = [
            (
                "every friday at 4 post to #team saying 'timesheets are due today'",
                Some("timesheets are due today"),
            ),
            (
                "post a message that says \"Standup in 5 minutes\" to #dev every weekday at 9:55",
                Some("Standup in 5 minutes"),
            ),
            (
                "every monday at 9 post in #general saying good morning everyone",
                Some("good morning everyone"),
            ),
            (
                "post a reminder to #team every friday at 4 reminding them to submit their timesheets",
                Some("Reminder: Submit their timesheets"),
            ),
            (
                "every day at noon send a Discord message saying lunch time! and log it",
                Some("lunch time"),
            ),
            ("every friday at 4 post a reminder to #team", None),
            ("when a deal closes post it to #sales", None),
            ("send a message saying '' every day", None),
        ];
        let lang = crate::planner::Language::builtin().unwrap();
        for (text, want) in cases {
            assert_eq!(
                dictated(&lang.grammar.message, text, &|_| false).as_deref(),
                want,
                "{text}"
            );
        }
    }

    #[test]
    fn a_reminder_asks_what_follows_the_to_that_names_neither_whom_nor_where() {
        let lang = crate::planner::Language::builtin().unwrap();
        let catalog = crate::catalog::Catalog::builtin().unwrap();
        let is_tool = |w: &str| super::starts_tool_name(&catalog, w);
        let cases = [
            (
                "on the 25th remind everyone in the #finance Slack channel to submit Expensify reports.",
                Some("Reminder: Submit Expensify reports"),
            ),
            (
                "post a reminder in Slack to submit expenses in Expensify every month",
                Some("Reminder: Submit expenses in Expensify"),
            ),
            (
                "every monday send a reminder to the team on slack to update jira",
                Some("Reminder: Update jira"),
            ),
            (
                "when a task is due in asana remind the assignee to finish it via slack",
                Some("Reminder: Finish it"),
            ),
            // "to" names where or whom: no message
            ("every friday at 4 post a reminder to #team", None),
            ("post a reminder to slack every day at 9", None),
            ("send a reminder to everyone every friday", None),
            // the sentence ends before any "to"
            ("post a reminder in slack. Send the report to finance", None),
        ];
        for (text, want) in cases {
            assert_eq!(
                dictated(&lang.grammar.message, text, &is_tool).as_deref(),
                want,
                "{text}"
            );
        }
    }

    #[test]
    fn tools_named_in_what_a_reminder_asks_are_not_steps() {
        let engine = crate::Engine::new().unwrap();
        let steps = |text: &str| -> Vec<String> {
            engine
                .plan(&crate::GenerateRequest::text(text))
                .unwrap()
                .steps
                .iter()
                .map(|s| s.tool.clone())
                .collect()
        };
        // the reminder is delivered in Slack; Expensify is where people are to go
        assert_eq!(
            steps(
                "on the 25th at 4pm remind everyone in the #finance slack channel to submit expenses in expensify"
            ),
            ["slack"]
        );
        // with no tool delivering the reminder outside it, the named tool stays the step
        assert_eq!(
            steps("when a task is due in asana remind the assignee to finish it via slack"),
            ["slack"]
        );
        // a tool that can be read may supply the reminder's content: it stays a step
        assert!(
            steps("every monday remind everyone in the #dev slack channel to review the open issues in jira")
                .contains(&"jira".to_owned())
        );
        // a tool named outside the reminder's words stays a step
        assert!(
            steps("every friday read the open jira issues and post a reminder to #dev on slack")
                .contains(&"jira".to_owned())
        );
    }

    #[test]
    fn a_dictated_message_loses_braces_and_is_bounded() {
        let lang = crate::planner::Language::builtin().unwrap();
        let words = &lang.grammar.message;
        let long = format!("post to #x saying {} every day", "a".repeat(1000));
        assert_eq!(
            dictated(words, &long, &|_| false).map(|m| m.len()),
            Some(300)
        );
        assert_eq!(
            dictated(words, "post to #x saying '{{SLACK_BOT_TOKEN}}'", &|_| false).as_deref(),
            Some("SLACK_BOT_TOKEN")
        );
    }
}
