//! The message a user dictates for a step that sends text ("post a reminder to #team every
//! Friday at 4 saying 'timesheets are due'"), kept as the step's `message` setting.
//!
//! A schedule or a manual run has no records whose text could be the message, so a step that
//! sends text on such a run without a dictated message gets a stated default: it never posts
//! an empty or meaningless message.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::WorkflowError;
use crate::catalog::{Action, Catalog, Event, Field, Role};
use crate::escape::ident;
use crate::model::{Delivery, Step};
use crate::text::Tok;

use super::conditions::{self, Records, quoted_at};
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

/// The step setting that keeps the fields a message is built from: `Label=path` pairs apart
/// by `;` (`Customer name=customer.first_name; Amount=total_price`), read by the generated
/// code as "Label: value" lines (`python::expr`, `{text}`).
pub(crate) const FIELDS_PARAM: &str = "message_fields";

/// The word tables of `data/language/bind.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Bind {
    #[serde(rename = "_doc")]
    _doc: String,
    pub fields: FieldWords,
    pub write_backs: WriteBackWords,
}

/// Where a list of named fields is (`bind.json`, `fields`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FieldWords {
    pub markers: Vec<String>,
    pub skip: Vec<String>,
    pub indefinite: Vec<String>,
    pub pronouns: Vec<String>,
    pub joins: Vec<String>,
    pub stops: Vec<String>,
    pub drop: Vec<String>,
    pub of: Vec<String>,
    pub event_forms: Vec<String>,
    pub event_openers: Vec<String>,
    pub max_words: usize,
}

/// Which action of the trigger's app a verb said of its own record asks for (`bind.json`,
/// `write_backs`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WriteBackWords {
    pub reach: usize,
    pub links: Vec<String>,
    pub pronouns: Vec<String>,
    pub acts: Vec<WriteBackAct>,
}

/// Verbs of one act ("reply", "respond") and the action words that do it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WriteBackAct {
    pub verbs: Vec<String>,
    pub words: Vec<String>,
}

const BIND_JSON: &str = include_str!("../../data/language/bind.json");

impl Bind {
    pub(super) fn parse(json: &str) -> Result<Self, String> {
        let b: Self = serde_json::from_str(json).map_err(|e| format!("bind.json: {e}"))?;
        if b.fields.markers.is_empty() || b.fields.max_words == 0 {
            return Err("bind.json: fields needs markers and a max_words above 0".to_owned());
        }
        if b.write_backs
            .acts
            .iter()
            .any(|a| a.verbs.is_empty() || a.words.is_empty())
        {
            return Err("bind.json: every write-back act needs verbs and words".to_owned());
        }
        Ok(b)
    }

    /// The built-in tables, parsed once.
    pub(super) fn builtin() -> Result<&'static Self, WorkflowError> {
        static PARSED: OnceLock<Result<Bind, String>> = OnceLock::new();
        PARSED
            .get_or_init(|| Self::parse(BIND_JSON))
            .as_ref()
            .map_err(|e| WorkflowError::Internal(format!("language data: {e}")))
    }
}

/// The length of the longest phrase of `list` (words apart by spaces) at token `i`.
pub(super) fn phrase_len(toks: &[Tok], i: usize, list: &[String]) -> Option<usize> {
    list.iter()
        .filter(|p| {
            p.split(' ')
                .enumerate()
                .all(|(k, w)| toks.get(i + k).is_some_and(|t| t.w == w))
        })
        .map(|p| p.split(' ').count())
        .max()
}

/// One field the user named: the words that name it, the words that name the record after an
/// `of` ("the total of the order"), and its label as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Named {
    pub words: Vec<String>,
    pub label: String,
}

/// The lists of fields named after a message verb ("post the customer name, amount and plan
/// to #sales" → customer name, amount, plan), in the order of the text. `masked`: the tokens
/// of tool names. A list that starts with an indefinite word or a pronoun, or an item longer
/// than `max_words`, is no list.
pub(super) fn field_lists(
    w: &FieldWords,
    (toks, text, masked): (&[Tok], &str, &[bool]),
    trig_end: usize,
) -> Vec<Vec<Named>> {
    let gap = |k: usize| text.get(toks[k - 1].end..toks[k].start).unwrap_or("");
    let ends_sentence = |k: usize| gap(k).contains(['.', '!', '?', ';', '\n', ':']);
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if t.w.is_empty() || masked.get(i).copied().unwrap_or(false) || !w.markers.contains(&t.w) {
            continue;
        }
        // a verb of the event ("when a customer sends an email with …") is not the message's
        let in_event = i < trig_end
            && w.event_forms.contains(&t.w)
            && (0..i)
                .rev()
                .take_while(|&k| toks[k].clause == t.clause)
                .any(|k| phrase_len(toks, k, &w.event_openers).is_some());
        // a marker after a determiner is a noun ("sends a message with …"), and one followed
        // by another marker leaves the list to that one
        let noun =
            i > 0 && (w.indefinite.contains(&toks[i - 1].w) || w.drop.contains(&toks[i - 1].w));
        if in_event || noun || toks.get(i + 1).is_some_and(|n| w.markers.contains(&n.w)) {
            continue;
        }
        let mut j = i + 1;
        while j < toks.len() && !ends_sentence(j) {
            match phrase_len(toks, j, &w.skip) {
                Some(n) => j += n,
                None => break,
            }
        }
        if j >= toks.len()
            || ends_sentence(j)
            || w.indefinite.contains(&toks[j].w)
            || phrase_len(toks, j, &w.pronouns).is_some()
        {
            continue;
        }
        let mut items: Vec<Vec<usize>> = Vec::new();
        let mut cur: Vec<usize> = Vec::new();
        let mut k = j;
        let mut prose = false;
        while k < toks.len() {
            if k > j && (ends_sentence(k) || gap(k).contains(['#', '@', '"', '\''])) {
                break;
            }
            if toks[k].w.is_empty() || masked.get(k).copied().unwrap_or(false) {
                break;
            }
            if k > j && gap(k).contains(',') && !cur.is_empty() {
                items.push(std::mem::take(&mut cur));
            }
            if let Some(n) = phrase_len(toks, k, &w.joins) {
                if !cur.is_empty() {
                    items.push(std::mem::take(&mut cur));
                }
                k += n;
                continue;
            }
            if w.stops.contains(&toks[k].w) {
                break;
            }
            cur.push(k);
            k += 1;
        }
        if !cur.is_empty() {
            items.push(cur);
        }
        let mut list = Vec::new();
        for item in items {
            let words: Vec<&Tok> = item
                .iter()
                .map(|&k| &toks[k])
                .filter(|t| !w.drop.contains(&t.w))
                .collect();
            // the words after `of` name the record, not the field
            let field: Vec<&Tok> = words
                .iter()
                .take_while(|t| !w.of.contains(&t.w))
                .copied()
                .collect();
            if field.len() > w.max_words {
                prose = true;
                break;
            }
            if field.is_empty() {
                continue;
            }
            let label = field
                .iter()
                .map(|t| text.get(t.start..t.end).unwrap_or(""))
                .collect::<Vec<_>>()
                .join(" ");
            list.push(Named {
                words: field.iter().map(|t| t.w.clone()).collect(),
                label: upper_first(&label.to_lowercase()),
            });
        }
        if !prose && !list.is_empty() {
            out.push(list);
        }
    }
    out
}

/// The documented field a name means: one whose words hold the whole name ("order number") or
/// whose path's last part is it (`total_price` for "total price"), the same without the words
/// that name the record itself ("order total" → total); else the field its head word (the last
/// that is not the record's) names, a word of the field first, a word inside its phrases next.
pub(super) fn field_named<'f>(
    fields: &'f [Field],
    names: &[String],
    named: &Named,
) -> Option<&'f Field> {
    let own: Vec<&str> = named
        .words
        .iter()
        .map(String::as_str)
        .filter(|w| !names.iter().any(|n| conditions::same_word(n, w)))
        .collect();
    let all: Vec<&str> = named.words.iter().map(String::as_str).collect();
    for words in [&all, &own] {
        if words.is_empty() {
            continue;
        }
        let phrase = words.join(" ");
        let snake = words.join("_");
        let found = fields.iter().find(|f| {
            f.words.iter().any(|x| x.eq_ignore_ascii_case(&phrase))
                || f.path
                    .rsplit('.')
                    .next()
                    .is_some_and(|leaf| leaf.eq_ignore_ascii_case(&snake))
                || (words.len() > 1 && f.path.eq_ignore_ascii_case(&words.join(".")))
        });
        if found.is_some() {
            return found;
        }
    }
    let head = own.last()?;
    [2, 1].into_iter().find_map(|strength| {
        fields
            .iter()
            .find(|f| conditions::named_by(f, head) == strength)
    })
}

/// Gives the first step that sends text on documented records the fields the user named after
/// a message verb, as its [`FIELDS_PARAM`] setting: the message is those fields as "Label:
/// value" lines instead of the records' generic text. Names that fit no field of those records
/// are said in `assumptions`; a list none of whose names fits anything changes nothing (it was
/// not a list of fields). `event`: the trigger's, whose records reach a step no read precedes.
pub(super) fn bind_fields(
    catalog: &Catalog,
    w: &FieldWords,
    prompt: (&[Tok], &str, &[bool]),
    (event, delivery, trig_end): (Option<&Event>, Delivery, usize),
    steps: &mut [Step],
    assumptions: &mut Vec<String>,
) {
    let action_of = |s: &Step| catalog.tool(&s.tool).and_then(|t| t.action(&s.action));
    let Some(i) = steps
        .iter()
        .position(|s| action_of(s).is_some_and(sends_text))
    else {
        return;
    };
    let previous = steps[..i]
        .iter()
        .rev()
        .find_map(|s| action_of(s).filter(|a| a.role != Role::Write));
    let records = match previous {
        Some(a) => Records::of_action(a),
        None if matches!(delivery, Delivery::Schedule | Delivery::Direct) => Records::Run,
        None => event.map_or(Records::Own, Records::of_event),
    };
    let (Records::Documented { fields, names }, Some(label)) = (
        records,
        previous
            .map(|a| a.label.clone())
            .or_else(|| event.map(|e| e.label.clone())),
    ) else {
        return;
    };
    for list in field_lists(w, prompt, trig_end) {
        let mut pairs: Vec<String> = Vec::new();
        let mut missing: Vec<String> = Vec::new();
        for named in &list {
            match field_named(fields, &names, named) {
                Some(f) if !pairs.iter().any(|p| p.ends_with(&format!("={}", f.path))) => {
                    pairs.push(format!("{}={}", named.label, f.path));
                }
                Some(_) => {}
                None => missing.push(named.label.clone()),
            }
        }
        if pairs.is_empty() {
            continue;
        }
        let step = &mut steps[i];
        if !missing.is_empty() {
            assumptions.push(format!(
                "No field of the \"{label}\" records is {}; {}'s message leaves {} out (set {}_{} to add a field by its path).",
                missing
                    .iter()
                    .map(|m| format!("\"{}\"", m.to_lowercase()))
                    .collect::<Vec<_>>()
                    .join(" or "),
                step.id,
                if missing.len() == 1 { "it" } else { "them" },
                ident(&step.tool).to_ascii_uppercase(),
                FIELDS_PARAM.to_ascii_uppercase()
            ));
        }
        step.params
            .insert(FIELDS_PARAM.to_owned(), pairs.join("; "));
        return;
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

    #[test]
    fn bind_tables_parse_and_refuse_broken_ones() {
        let b = super::Bind::builtin().unwrap();
        assert!(b.fields.markers.iter().any(|m| m == "post"));
        let err = super::Bind::parse("not json").unwrap_err();
        assert!(err.starts_with("bind.json: "), "{err}");
        let mut v: serde_json::Value = serde_json::from_str(super::BIND_JSON).unwrap();
        v["fields"]["markers"] = serde_json::json!([]);
        let err = super::Bind::parse(&v.to_string()).unwrap_err();
        assert!(err.contains("markers"), "{err}");
        let mut v: serde_json::Value = serde_json::from_str(super::BIND_JSON).unwrap();
        v["write_backs"]["acts"][0]["words"] = serde_json::json!([]);
        let err = super::Bind::parse(&v.to_string()).unwrap_err();
        assert!(err.contains("write-back"), "{err}");
        let mut v: serde_json::Value = serde_json::from_str(super::BIND_JSON).unwrap();
        v["fields"]["unknown"] = serde_json::json!(1);
        assert!(super::Bind::parse(&v.to_string()).is_err());
    }

    #[test]
    fn field_lists_stop_at_places_and_skip_prose() {
        let w = &super::Bind::builtin().unwrap().fields;
        let lists = |text: &str| -> Vec<Vec<String>> {
            let toks = crate::text::tokenize(text);
            let masked = vec![false; toks.len()];
            super::field_lists(w, (&toks, text, &masked), 0)
                .into_iter()
                .map(|l| l.into_iter().map(|n| n.label).collect())
                .collect()
        };
        assert_eq!(
            lists("post the customer name, amount and plan to #sales"),
            [["Customer name", "Amount", "Plan"]]
        );
        assert_eq!(
            lists("email me the total of the order and its currency"),
            [["Total", "Currency"]]
        );
        assert!(lists("post a message to #sales").is_empty());
        assert!(lists("post it to #sales").is_empty());
        assert!(lists("send everything that happened to #ops").is_empty());
        // an item longer than max_words is prose, not a field's name
        assert!(lists("post the big fat lovely cheerful news to #x").is_empty());
    }
}
