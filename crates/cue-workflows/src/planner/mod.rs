//! The embedded planner: normalised prompt → typed [`Plan`] (trigger, ordered steps, tools,
//! assumptions), with rules and the catalog only (no model, no network).

use std::collections::BTreeMap;

use crate::catalog::{Catalog, EventDelivery, Need, Role, Tool};
use crate::model::{Condition, Delivery, Plan, Step, Trigger, TriggerKind};
use crate::text::{Tok, tokenize};

mod assembly;
mod conditions;
mod delivery;
mod entities;
pub(crate) mod language;
mod lexicon;
mod negation;
mod params;
mod pasted;
mod policy;
mod trigger;

pub(crate) use language::Language;
pub(crate) use lexicon::respell;
use negation::Exclusions;

use crate::WorkflowError;
use conditions::conditions;
use entities::mentions;
use params::{extract_params, quoted_spans};
use policy::disallowed;
use trigger::choose_trigger;

/// A tool named in the prompt.
#[derive(Debug, Clone)]
pub(crate) struct Mention {
    pub tool: usize,
    /// Index of the first token.
    pub at: usize,
    pub len: usize,
    pub clause: usize,
}

pub(super) const STOP: &[&str] = &[
    "is",
    "are",
    "was",
    "were",
    "be",
    "the",
    "a",
    "an",
    "its",
    "their",
    "his",
    "her",
    "our",
    "my",
    "of",
    "goes",
    "go",
    "gets",
    "get",
    "has",
    "have",
    "with",
    "if",
    "when",
    "where",
    "that",
    "than",
    "it",
    "anything",
    "something",
    "any",
    "total",
    "and",
    "or",
    "to",
    "in",
    "on",
    "for",
];

pub(super) fn find_phrase(toks: &[Tok], phrase: &[&str], from: usize, to: usize) -> Option<usize> {
    if phrase.is_empty() {
        return None;
    }
    let to = to.min(toks.len());
    (from..to).find(|&i| {
        phrase
            .iter()
            .enumerate()
            .all(|(k, w)| toks.get(i + k).is_some_and(|t| t.w == *w))
    })
}

pub(super) fn has_word(toks: &[Tok], range: std::ops::Range<usize>, set: &[&str]) -> Option<usize> {
    range
        .clone()
        .filter(|&i| i < toks.len())
        .find(|&i| set.contains(&toks[i].w.as_str()))
}
/// Picks the action of `tool` that the words of its clause ask for.
fn pick_action<'t>(
    tool: &'t Tool,
    words: &[&str],
    prefer_read: bool,
) -> Option<&'t crate::catalog::Action> {
    let mut best: Option<(&crate::catalog::Action, usize)> = None;
    for a in &tool.actions {
        let score: usize = a
            .words
            .iter()
            .filter(|p| {
                let pw: Vec<&str> = p.split(' ').collect();
                pw.iter().all(|w| words.contains(w))
            })
            .map(|p| p.split(' ').count())
            .sum();
        let score = score * 2 + usize::from(prefer_read && a.role == Role::Read);
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((a, score));
        }
    }
    best.map(|(a, _)| a)
}

/// Builds the plan of a normalised prompt.
/// Tools the closest templates use, one entry per template and tool, with how close that
/// template is (its search score). When the text asks for something without naming a tool
/// ("email me"), a candidate that at least [`HINT_QUORUM`] of those templates agree on is used
/// instead of the catalog's default; one template alone is too easily a coincidence of words
/// ("the team" is not Microsoft Teams).
pub(crate) type ToolHints<'a> = [(&'a str, f32)];

/// Templates that must use a candidate before it replaces the default.
const HINT_QUORUM: usize = 2;

/// The need's candidate most of the closest templates use, if enough agree and it has the
/// need's action.
fn hinted<'c>(catalog: &'c Catalog, n: &Need, hints: &ToolHints<'_>) -> Option<&'c Tool> {
    let mut best: Option<(&Tool, usize, f32)> = None;
    for id in std::iter::once(&n.default).chain(&n.alternatives) {
        let votes: Vec<f32> = hints
            .iter()
            .filter(|(t, _)| t == id)
            .map(|(_, w)| *w)
            .collect();
        let (count, weight) = (votes.len(), votes.iter().sum::<f32>());
        let Some(tool) = catalog.tool(id) else {
            continue;
        };
        if count >= HINT_QUORUM
            && tool.action(&n.action).is_some()
            && best.is_none_or(|(_, c, w)| (count, weight) > (c, w))
        {
            best = Some((tool, count, weight));
        }
    }
    best.map(|(t, _, _)| t)
}

/// The tool a need uses: the one the closest templates agree on, else the default, else the
/// first alternative, skipping excluded tools; with the action it performs and whether the
/// templates chose it.
fn need_tool<'c>(
    catalog: &'c Catalog,
    n: &Need,
    hints: &ToolHints<'_>,
    excl: &Exclusions,
    prefer_aws: bool,
) -> Option<(usize, &'c crate::catalog::Action, bool)> {
    let allowed = |id: &str| {
        catalog
            .tools
            .iter()
            .position(|t| t.id == id)
            .filter(|&i| !excl.excludes(i))
    };
    let action_of = |i: usize| {
        let tool = catalog.tool_at(i);
        tool.action(&n.action).or_else(|| {
            // an alternative that names the same operation differently (Bedrock's converse)
            let role = catalog
                .tool(&n.default)
                .and_then(|d| d.action(&n.action))
                .map(|a| a.role)?;
            tool.actions.iter().find(|a| a.role == role)
        })
    };
    let mut candidates: Vec<usize> = std::iter::once(&n.default)
        .chain(&n.alternatives)
        .filter_map(|id| allowed(id))
        .collect();
    if prefer_aws {
        // "a model hosted inside our AWS account": AWS-hosted candidates first
        candidates
            .sort_by_key(|&i| !matches!(catalog.tool_at(i).api, crate::catalog::Api::Boto3 { .. }));
    } else if let Some(h) = hinted(catalog, n, hints)
        && let Some(i) = allowed(&h.id)
        && let Some(a) = action_of(i)
    {
        return Some((i, a, h.id != n.default));
    }
    candidates
        .into_iter()
        .find_map(|i| action_of(i).map(|a| (i, a, false)))
}

/// The most words a quoted name has ('Website Leads', 'Support digest'); a longer quote is
/// read as text.
const QUOTED_NAME_WORDS: usize = 5;

/// A step before its parameters are read.
struct Draft {
    tool: usize,
    action: String,
    at: usize,
    clause: usize,
    role: Role,
}

/// The step for a need found at token `at`, with the assumption that says which tool was
/// chosen; `None` when the need is met already or every candidate is excluded.
#[expect(
    clippy::too_many_arguments,
    reason = "the planner's state, passed explicitly"
)]
fn need_draft(
    catalog: &Catalog,
    n: &Need,
    hints: &ToolHints<'_>,
    excl: &Exclusions,
    trigger_tool: Option<usize>,
    drafts: &[Draft],
    at: usize,
    clause: usize,
    assumptions: &mut Vec<String>,
) -> Option<Draft> {
    if n.not_in_trigger && trigger_tool.is_some_and(|t| catalog.tool_at(t).id == n.default) {
        return None;
    }
    // a candidate already in the plan meets the need
    let in_plan = |id: &String| {
        catalog
            .tools
            .iter()
            .position(|t| t.id == *id)
            .is_some_and(|i| Some(i) == trigger_tool || drafts.iter().any(|d| d.tool == i))
    };
    if std::iter::once(&n.default)
        .chain(&n.alternatives)
        .any(in_plan)
    {
        return None;
    }
    let (ti, action, by_hint) = need_tool(catalog, n, hints, excl, excl.prefer_aws)?;
    if Some(ti) == trigger_tool || drafts.iter().any(|d| d.tool == ti) {
        return None;
    }
    let tool = catalog.tool_at(ti);
    let alts: Vec<&str> = std::iter::once(&n.default)
        .chain(&n.alternatives)
        .filter(|a| **a != tool.id)
        .filter_map(|a| catalog.tool(a))
        .map(|t| t.name.as_str())
        .collect();
    let why = if by_hint {
        ", as the closest templates do"
    } else {
        ""
    };
    assumptions.push(format!(
        "No {} tool was named; using {}{why} (alternatives: {}).",
        n.id,
        tool.name,
        alts.join(", ")
    ));
    Some(Draft {
        tool: ti,
        action: action.id.clone(),
        at,
        clause,
        role: action.role,
    })
}

/// A step that writes back to the trigger's own tool ("when a screenshot lands in the bucket,
/// save a cropped copy next to it"): the first write verb after the trigger and the tool's write
/// action its clause asks for.
fn write_back(
    catalog: &Catalog,
    lang: &Language,
    toks: &[Tok],
    tool: usize,
    from: usize,
) -> Option<Draft> {
    let at = (from..toks.len()).find(|&i| lang.triggers.write_back.contains(&toks[i].w))?;
    let clause: Vec<&str> = toks
        .iter()
        .filter(|t| t.clause == toks[at].clause)
        .map(|t| t.w.as_str())
        .collect();
    let t = catalog.tool_at(tool);
    let action = t
        .actions
        .iter()
        .filter(|a| a.role == Role::Write)
        .max_by_key(|a| {
            a.words
                .iter()
                .filter(|p| p.split(' ').all(|w| clause.contains(&w)))
                .count()
        })?;
    Some(Draft {
        tool,
        action: action.id.clone(),
        at,
        clause: toks[at].clause,
        role: action.role,
    })
}

/// The instruction tokens of a prompt: quoted names and pasted data have an empty word.
fn instruction_tokens(lang: &Language, text: &str) -> (Vec<Tok>, Vec<(usize, usize)>) {
    let all_toks = tokenize(text);
    // names in quotes ('invoices-inbox', 'Website Leads') are data, not cues
    let spans = quoted_spans(text);
    let data = pasted::data_spans(lang, text, &all_toks);
    // a quoted sentence is an instruction (a pasted spec), a few quoted words are a name
    let short = |a: usize, b: usize| text[a..b].split_whitespace().count() <= QUOTED_NAME_WORDS;
    let toks = all_toks
        .into_iter()
        .map(|mut t| {
            if spans
                .iter()
                .any(|&(a, b)| t.start > a && t.end < b && short(a, b))
                || data.iter().any(|&(a, b)| t.start >= a && t.end <= b)
            {
                t.w.clear();
            }
            t
        })
        .collect();
    (toks, spans)
}

/// The tools a prompt excludes ("never use Slack"), by catalog id: what a model-backed
/// planner must not be offered nor answer with.
pub(crate) fn excluded_tools(catalog: &Catalog, lang: &Language, text: &str) -> Vec<String> {
    let (toks, _) = instruction_tokens(lang, text);
    let ms = mentions(catalog, lang, &toks, text);
    negation::exclusions(catalog, lang, &toks, &ms)
        .tools
        .iter()
        .map(|&t| catalog.tool_at(t).id.clone())
        .collect()
}

pub(crate) fn plan(
    catalog: &Catalog,
    lang: &Language,
    text: &str,
    hints: &ToolHints<'_>,
) -> Result<Plan, WorkflowError> {
    let (toks, spans) = instruction_tokens(lang, text);
    if let Some(reason) = disallowed(lang, &toks) {
        return Err(WorkflowError::Disallowed { reason });
    }
    let named = mentions(catalog, lang, &toks, text);
    let excl = negation::exclusions(catalog, lang, &toks, &named);
    // a negated or excluded tool is no cue for anything
    let ms: Vec<Mention> = named
        .into_iter()
        .filter(|m| !excl.negated(m.at) && !excl.excludes(m.tool))
        .collect();
    let mut trig = choose_trigger(catalog, lang, &toks, text, &ms);
    let mut assumptions: Vec<String> = Vec::new();
    // a source the catalog has no trigger for (a table change, a stream) is never refused: the
    // nearest supported trigger, said plainly
    // the source is the first thing named in the trigger clause
    let source_without_events = |mi: usize| {
        ms[mi].at >= trig.end
            || ms
                .iter()
                .any(|m| m.at < ms[mi].at && catalog.tool_at(m.tool).events.is_empty())
    };
    if trig.kind == TriggerKind::AppEvent
        && trig.tool.is_none_or(source_without_events)
        && let Some(u) = lang.triggers.unsupported.iter().find(|u| {
            let zone = 0..trig.end.min(toks.len());
            zone.clone()
                .any(|i| language::phrase_at(&toks, i, &u.phrase))
                && (u.categories.is_empty()
                    || ms.iter().any(|m| {
                        zone.contains(&m.at)
                            && u.categories.contains(&catalog.tool_at(m.tool).category)
                    }))
        })
    {
        trig.kind = if u.kind == "schedule" {
            TriggerKind::Schedule
        } else {
            TriggerKind::Webhook
        };
        trig.tool = None;
        assumptions.push(u.note.clone());
    }
    let clause_span = |c: usize| -> (usize, usize) {
        let first = toks.iter().find(|t| t.clause == c).map_or(0, |t| t.start);
        let next = toks
            .iter()
            .find(|t| t.clause > c)
            .map_or(text.len(), |t| t.start);
        (first, next)
    };
    let clause_words = |c: usize| -> Vec<&str> {
        toks.iter()
            .filter(|t| t.clause == c || t.clause + 1 == c)
            .map(|t| t.w.as_str())
            .collect()
    };

    // masked tokens: those inside tool mentions
    let mut masked = vec![false; toks.len()];
    for m in &ms {
        let end = (m.at + m.len).min(toks.len());
        masked[m.at..end].iter_mut().for_each(|x| *x = true);
    }

    // the trigger tool and event
    let (trigger_tool, trigger_note) = match trig.tool {
        Some(mi) => (Some(ms[mi].tool), None),
        None => trigger::unnamed_source(catalog, &toks, &masked, &excl, trig.kind, trig.end),
    };
    assumptions.extend(trigger_note);
    let event = trigger_tool
        .and_then(|ti| trigger::event_of(catalog.tool_at(ti), &toks[..trig.end.min(toks.len())]));
    let mut kind = trig.kind;
    if kind == TriggerKind::AppEvent && trigger_tool.is_none() {
        kind = TriggerKind::Webhook;
        assumptions.push("No app was named for the event; the workflow exposes a webhook URL that the app should call.".to_owned());
    }
    let delivery = match (kind, event.map(|e| e.delivery)) {
        (TriggerKind::Schedule, _) => Delivery::Schedule,
        (TriggerKind::Manual, _) => Delivery::Direct,
        (TriggerKind::Webhook, _) => Delivery::Http,
        (_, Some(EventDelivery::Http)) => Delivery::Http,
        (_, Some(EventDelivery::Poll)) => Delivery::Poll,
        (_, Some(EventDelivery::S3)) => Delivery::S3,
        (_, Some(EventDelivery::Sqs)) => Delivery::Sqs,
        (_, Some(EventDelivery::Kinesis)) => Delivery::Kinesis,
        (_, Some(EventDelivery::Kafka)) => Delivery::Kafka,
        (_, None) => Delivery::Http,
    };
    let (schedule_expression, timezone, mut description) = match (&trig.schedule, delivery) {
        (Some(s), _) => {
            if s.assumed_time {
                assumptions
                    .push("No time of day was given; the schedule runs at 09:00.".to_owned());
            }
            if s.timezone.is_none() && s.expression.starts_with("cron") {
                assumptions.push("No time zone was named; times are UTC (set ScheduleExpressionTimezone in template.yaml to change it).".to_owned());
            }
            (
                Some(s.expression.clone()),
                s.timezone.clone(),
                format!("Runs {}", s.description),
            )
        }
        (None, Delivery::Schedule) => {
            assumptions.push("No interval was named; the check runs every 5 minutes (change the Schedule in template.yaml).".to_owned());
            (
                Some("rate(5 minutes)".to_owned()),
                None,
                "Runs every 5 minutes".to_owned(),
            )
        }
        (None, Delivery::Poll) => {
            assumptions.push(format!(
                "{} is checked for new items every 5 minutes (it cannot call the function directly without extra setup).",
                trigger_tool.map_or("The source", |t| catalog.tool_at(t).name.as_str())
            ));
            (Some("rate(5 minutes)".to_owned()), None, String::new())
        }
        _ => (None, None, String::new()),
    };
    if description.is_empty() {
        description = match (kind, trigger_tool, event) {
            (TriggerKind::Manual, _, _) => "Run on demand".to_owned(),
            (TriggerKind::Webhook, None, _) => "An HTTP request to the function URL".to_owned(),
            (_, Some(t), Some(e)) => format!("{}: {}", catalog.tool_at(t).name, e.label),
            (_, Some(t), None) => format!("An event in {}", catalog.tool_at(t).name),
            _ => "An incoming event".to_owned(),
        };
    }

    // steps: named tools outside the trigger, then needs
    let mut drafts: Vec<Draft> = Vec::new();
    let mut poll_step: Option<Draft> = None;
    if delivery == Delivery::Poll
        && let (Some(ti), Some(e)) = (trigger_tool, event)
        && let Some(p) = &e.poll
    {
        poll_step = Some(Draft {
            tool: ti,
            action: p.clone(),
            at: 0,
            clause: 0,
            role: Role::Read,
        });
    }
    let source_first = matches!(kind, TriggerKind::Schedule | TriggerKind::Manual);
    for (k, m) in ms.iter().enumerate() {
        if Some(m.tool) == trigger_tool && (trig.tool == Some(k) || trig.tool.is_none()) {
            continue;
        }
        if drafts.iter().any(|d| d.tool == m.tool) {
            continue;
        }
        let tool = catalog.tool_at(m.tool);
        if tool.actions.is_empty() {
            continue;
        }
        let words = clause_words(m.clause);
        let prefer_read = source_first && drafts.is_empty();
        if let Some(a) = pick_action(tool, &words, prefer_read) {
            drafts.push(Draft {
                tool: m.tool,
                action: a.id.clone(),
                at: m.at,
                clause: m.clause,
                role: a.role,
            });
        }
    }
    // needs: what the text asks for without naming a tool
    let used_categories = |drafts: &Vec<Draft>| -> Vec<String> {
        drafts
            .iter()
            .map(|d| catalog.tool_at(d.tool).category.clone())
            .chain(trigger_tool.map(|t| catalog.tool_at(t).category.clone()))
            .collect()
    };
    for n in &catalog.needs {
        let cats = used_categories(&drafts);
        if n.trigger_only
            || n.categories.iter().any(|c| cats.contains(c))
            || lang.delivery.replaces_needs.contains(&n.id)
        {
            continue;
        }
        let start = if n.not_in_trigger && kind == TriggerKind::EmailReceived {
            trig.end
        } else {
            0
        };
        let hit = n.phrases.iter().find_map(|p| {
            if p == "#channel" {
                // a chat channel written as #name, outside quotes and pasted data
                return text.char_indices().find_map(|(i, c)| {
                    let k = toks.iter().position(|t| t.start == i + 1)?;
                    (c == '#'
                        && !toks[k].w.is_empty()
                        && !excl.negated(k)
                        && !spans.iter().any(|&(a, b)| i > a && i < b))
                    .then_some(k)
                });
            }
            let pw: Vec<&str> = p.split(' ').collect();
            let mut from = start;
            while let Some(i) = find_phrase(&toks, &pw, from, toks.len()) {
                let noun = pw.len() == 1 && lang.delivery.noun_uses.noun_at(&toks, i);
                if !masked[i] && !excl.negated(i) && !noun {
                    return Some(i);
                }
                from = i + 1;
            }
            None
        });
        let Some(at) = hit else { continue };
        drafts.extend(need_draft(
            catalog,
            n,
            hints,
            &excl,
            trigger_tool,
            &drafts,
            at,
            toks[at].clause,
            &mut assumptions,
        ));
    }
    // a message asked for without a channel ("let me know", "notify the team")
    let cats = used_categories(&drafts);
    if !cats.iter().any(|c| lang.delivery.satisfied_by.contains(c))
        && let Some((need_ids, at)) =
            delivery::unnamed_channel(lang, &toks, &excl, &masked, trig.end)
    {
        // the first audience whose channel is not excluded
        let chosen = need_ids.iter().find_map(|id| {
            let n = catalog.needs.iter().find(|n| n.id == *id)?;
            let mut notes = Vec::new();
            need_draft(
                catalog,
                n,
                hints,
                &excl,
                trigger_tool,
                &drafts,
                at,
                toks[at].clause,
                &mut notes,
            )
            .map(|d| (id, d))
        });
        if let Some((id, d)) = chosen {
            let tool = catalog.tool_at(d.tool);
            assumptions.push(format!(
                "No delivery channel was named; sending it {} with {} (name Slack or Microsoft Teams for a team channel, Twilio for SMS, or an email service to change it).",
                delivery::audience_words(id),
                tool.name
            ));
            drafts.push(d);
        }
    }
    // "text me and notify my team": a team asked for by name gets its chat message too
    if !used_categories(&drafts).iter().any(|c| c == "chat")
        && let Some((at, need)) = delivery::team_ask(lang, &toks, &excl, &masked, trig.end)
        && let Some(n) = catalog.needs.iter().find(|n| n.id == need)
        && let Some(d) = need_draft(
            catalog,
            n,
            hints,
            &excl,
            trigger_tool,
            &drafts,
            at,
            toks[at].clause,
            &mut assumptions,
        )
    {
        drafts.push(d);
    }
    drafts.sort_by(|a, b| a.role.cmp(&b.role).then(a.at.cmp(&b.at)));
    let has_poll = poll_step.is_some();
    if let Some(p) = poll_step {
        drafts.insert(0, p);
    }
    if drafts.is_empty() && trigger_tool.is_none() {
        return Err(WorkflowError::NotUnderstood {
            hint: "name what should happen and with which apps, e.g. \"every Monday at 9am post the open GitHub issues to #dev in Slack\"".to_owned(),
        });
    }
    if drafts.is_empty()
        && let Some(ti) = trigger_tool
        && let Some(d) = write_back(catalog, lang, &toks, ti, trig.end)
    {
        assumptions.push(format!(
            "The result is written back to {}, where the event came from.",
            catalog.tool_at(ti).name
        ));
        drafts.push(d);
    }
    if drafts.is_empty() {
        // an event with nothing to do: log it somewhere sensible is guessing; ask instead
        return Err(WorkflowError::NotUnderstood {
            hint: "say what should happen after the event, e.g. \"... then post it to #alerts in Slack\"".to_owned(),
        });
    }

    // conditions
    let conds = conditions(&toks, text);
    let first_step_at = drafts
        .iter()
        .filter(|d| d.at > 0)
        .map(|d| d.at)
        .min()
        .unwrap_or(usize::MAX);
    let mut filter: Option<Condition> = None;
    let mut step_conditions: BTreeMap<usize, Condition> = BTreeMap::new();
    for (at, c) in conds {
        let event_items = matches!(
            delivery,
            Delivery::Http | Delivery::S3 | Delivery::Sqs | Delivery::Kinesis | Delivery::Kafka
        );
        if at < first_step_at && event_items {
            if filter.is_none() {
                let mut c = c;
                if let Some(e) = event.filter(|e| !e.fields.is_empty())
                    && !conditions::resolve_field(&e.fields, &mut c)
                {
                    assumptions.push(format!(
                        "No field of the {} event matches \"{}\"; the condition reads a field of that name, so check it against the event before deploying.",
                        e.label, c.field
                    ));
                }
                filter = Some(c);
            }
            continue;
        }
        let target = drafts
            .iter()
            .enumerate()
            .filter(|(_, d)| d.at >= at && d.clause <= toks.get(at).map_or(0, |t| t.clause) + 2)
            .min_by_key(|(_, d)| d.at)
            .map(|(i, _)| i)
            .or_else(|| {
                drafts
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| d.at < at && d.at > 0)
                    .max_by_key(|(_, d)| d.at)
                    .map(|(i, _)| i)
            });
        if let Some(i) = target {
            step_conditions.entry(i).or_insert(c);
        }
    }

    // steps with params, loops
    let mut used_quotes: Vec<usize> = Vec::new();
    let trigger_param = match delivery {
        Delivery::S3 => Some(("bucket", "workflow-uploads")),
        Delivery::Sqs => Some(("queue", "workflow-queue")),
        Delivery::Kinesis => Some(("stream", "workflow-stream")),
        _ => None,
    };
    let mut trigger_params = BTreeMap::new();
    if let Some((k, default)) = trigger_param {
        let defaults: BTreeMap<String, String> =
            [(k.to_owned(), default.to_owned())].into_iter().collect();
        let span = (0, toks.get(trig.end).map_or(text.len(), |t| t.start));
        trigger_params = extract_params(&defaults, text, span, &mut used_quotes);
    }
    let mut steps: Vec<Step> = Vec::new();
    let batch_trigger = matches!(
        delivery,
        Delivery::Sqs | Delivery::Kinesis | Delivery::Kafka | Delivery::S3
    );
    for (i, d) in drafts.iter().enumerate() {
        let tool = catalog.tool_at(d.tool);
        let Some(action) = tool.action(&d.action) else {
            return Err(WorkflowError::Internal(format!(
                "catalog action {} of {} vanished",
                d.action, tool.id
            )));
        };
        let span = clause_span(d.clause);
        let mut params = extract_params(&action.params, text, span, &mut used_quotes);
        if has_poll && i == 0 {
            // the poll step may find its names in the trigger clause
            let span = (0, toks.get(trig.end).map_or(text.len(), |t| t.start));
            params = extract_params(&action.params, text, span, &mut used_quotes);
        }
        let words: Vec<&str> = toks
            .iter()
            .filter(|t| t.clause == d.clause)
            .map(|t| t.w.as_str())
            .collect();
        let each = words.iter().enumerate().any(|(k, w)| {
            (*w == "each" || *w == "every" || (*w == "for" && words.get(k + 1) == Some(&"all")))
                && !words.get(k + 1).is_some_and(|n| {
                    matches!(
                        *n,
                        "day"
                            | "week"
                            | "month"
                            | "hour"
                            | "minute"
                            | "morning"
                            | "night"
                            | "evening"
                            | "time"
                            | "weekday"
                    ) || n.parse::<u32>().is_ok()
                })
        });
        let prev_read = steps.iter().rev().find(|s| {
            catalog
                .tool(&s.tool)
                .and_then(|t| t.action(&s.action))
                .is_some_and(|a| a.role != Role::Write)
        });
        let for_each = if each && action.role == Role::Write {
            prev_read
                .map(|s| s.id.clone())
                .or_else(|| batch_trigger.then(|| "trigger".to_owned()))
        } else {
            None
        };
        steps.push(Step {
            id: format!("step_{}", i + 1),
            tool: tool.id.clone(),
            action: action.id.clone(),
            description: format!("{} ({})", action.label, tool.name),
            params,
            condition: step_conditions.remove(&i),
            for_each,
        });
    }

    let tools = assembly::planned_tools(catalog, trigger_tool, kind, delivery, &steps);
    let name = assembly::title(catalog, kind, trigger_tool, &steps);
    let summary = assembly::summary(&description, &steps);
    Ok(Plan {
        name,
        summary,
        trigger: Trigger {
            kind,
            delivery,
            schedule_expression,
            timezone,
            description,
            tool: trigger_tool.map(|t| catalog.tool_at(t).id.clone()),
            event: event.map(|e| e.id.clone()),
            params: trigger_params,
            filter,
        },
        steps,
        tools,
        assumptions,
    })
}
