//! The embedded planner: normalised prompt → typed [`Plan`] (trigger, ordered steps, tools,
//! assumptions), with rules and the catalog only (no model, no network).

use std::collections::BTreeMap;

use crate::catalog::{Catalog, Event, EventDelivery, Role};
use crate::model::{CompareOp, Condition, Delivery, Plan, Trigger, TriggerKind};
use crate::text::{Tok, tokenize};

mod acts;
mod assembly;
mod capabilities;
mod conditions;
mod delivery;
mod entities;
pub(crate) mod language;
mod lexicon;
mod matching;
mod message;
mod negation;
mod params;
mod pasted;
mod policy;
mod steps;
mod trigger;
mod writeback;

pub(crate) use language::Language;
pub(crate) use lexicon::respell;
pub(crate) use message::FIELDS_PARAM;
use negation::Exclusions;
#[cfg(feature = "llm")]
pub(crate) use policy::check as disallowed;

use crate::WorkflowError;
use conditions::{Records, conditions};
use entities::mentions;
use params::quoted_spans;
use steps::Draft;
pub(crate) use steps::ToolHints;
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
/// The most words a quoted name has ('Website Leads', 'Support digest'); a longer quote is
/// read as text.
const QUOTED_NAME_WORDS: usize = 5;

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
    negation::exclusions(catalog, lang, text, &toks, &ms)
        .tools
        .iter()
        .map(|&t| catalog.tool_at(t).id.clone())
        .collect()
}

/// The mentions (indexes into `named`) of tools named inside what a reminder asks people to
/// do ("remind everyone in #finance to submit expenses in Expensify"): the reminder is the
/// step, those tools are only named, when a tool that delivers messages is named outside it
/// and the named tool has nothing to read (a write on the reminder's run record would have
/// nothing to write; a tool that can be read may supply the reminder's content).
fn reminded_tools(
    catalog: &Catalog,
    lang: &Language,
    text: &str,
    toks: &[Tok],
    named: &[Mention],
) -> Vec<usize> {
    let is_tool = |w: &str| message::starts_tool_name(catalog, w);
    let Some((start, end)) = message::reminder_body(&lang.grammar.message, text, &is_tool) else {
        return Vec::new();
    };
    let inside = |m: &Mention| {
        toks.get(m.at)
            .is_some_and(|t| t.start >= start && t.end <= end)
    };
    let delivers = |m: &Mention| {
        lang.delivery
            .satisfied_by
            .contains(&catalog.tool_at(m.tool).category)
    };
    if !named.iter().any(|m| !inside(m) && delivers(m)) {
        return Vec::new();
    }
    let readable = |m: &Mention| {
        catalog
            .tool_at(m.tool)
            .actions
            .iter()
            .any(|a| a.role == crate::catalog::Role::Read)
    };
    (0..named.len())
        .filter(|&i| inside(&named[i]) && !readable(&named[i]))
        .collect()
}

/// A prompt as the stages read it: instruction tokens (quoted names and pasted data emptied),
/// the tools it names (negated and excluded ones left out), its exclusions, and which tokens are
/// tool names.
struct Prompt<'t> {
    lang: &'t Language,
    text: &'t str,
    toks: Vec<Tok>,
    /// Byte ranges of quotes.
    spans: Vec<(usize, usize)>,
    ms: Vec<Mention>,
    excl: Exclusions,
    /// Tokens inside tool mentions.
    masked: Vec<bool>,
}

impl<'t> Prompt<'t> {
    /// Reads a prompt; a refused one is `Disallowed` (docs/policy.md).
    fn read(catalog: &Catalog, lang: &'t Language, text: &'t str) -> Result<Self, WorkflowError> {
        if let Some(reason) = policy::check(lang, text) {
            return Err(WorkflowError::Disallowed { reason });
        }
        let (toks, spans) = instruction_tokens(lang, text);
        let named = mentions(catalog, lang, &toks, text);
        let excl = negation::exclusions(catalog, lang, text, &toks, &named);
        let reminded = reminded_tools(catalog, lang, text, &toks, &named);
        // a negated or excluded tool is no cue for anything
        let ms: Vec<Mention> = named
            .into_iter()
            .enumerate()
            .filter(|(i, m)| !excl.negated(m.at) && !excl.excludes(m.tool) && !reminded.contains(i))
            .map(|(_, m)| m)
            .collect();
        let mut masked = vec![false; toks.len()];
        for m in &ms {
            let end = (m.at + m.len).min(toks.len());
            masked[m.at..end].iter_mut().for_each(|x| *x = true);
        }
        Ok(Self {
            lang,
            text,
            toks,
            spans,
            ms,
            excl,
            masked,
        })
    }

    /// The byte range of clause `c`, up to the next clause.
    fn clause_span(&self, c: usize) -> (usize, usize) {
        let first = self
            .toks
            .iter()
            .find(|t| t.clause == c)
            .map_or(0, |t| t.start);
        let next = self
            .toks
            .iter()
            .find(|t| t.clause > c)
            .map_or(self.text.len(), |t| t.start);
        (first, next)
    }

    /// The words of clause `c` and the one before it.
    fn clause_words(&self, c: usize) -> Vec<&str> {
        self.toks
            .iter()
            .filter(|t| t.clause == c || t.clause + 1 == c)
            .map(|t| t.w.as_str())
            .collect()
    }
}

/// The trigger stage's answer.
struct Source<'c> {
    /// The end of the trigger clause (a token index).
    end: usize,
    /// The mention the trigger came from, if any.
    mention: Option<usize>,
    tool: Option<usize>,
    event: Option<&'c Event>,
    kind: TriggerKind,
    delivery: Delivery,
    schedule_expression: Option<String>,
    timezone: Option<String>,
    description: String,
}

/// The trigger stage: which trigger, from which tool and event, delivered how, on which
/// schedule; sources the catalog lacks fall back to the nearest trigger (said in
/// `assumptions`).
fn source<'c>(
    catalog: &'c Catalog,
    lang: &Language,
    p: &Prompt<'_>,
    assumptions: &mut Vec<String>,
) -> Source<'c> {
    let (toks, ms, excl, masked, text) = (&p.toks, &p.ms, &p.excl, &p.masked, p.text);
    let mut trig = choose_trigger(catalog, lang, toks, text, ms);
    // a source the catalog has no trigger for (a table change, a stream) is never refused: the
    // nearest supported trigger, said plainly
    // the source is the first thing named in the trigger clause
    let source_without_events = |mi: usize| {
        ms[mi].at >= trig.end
            || catalog.tool_at(ms[mi].tool).events.is_empty()
            || ms
                .iter()
                .any(|m| m.at < ms[mi].at && catalog.tool_at(m.tool).events.is_empty())
    };
    if trig.kind == TriggerKind::AppEvent
        && trig.tool.is_none_or(source_without_events)
        && let Some(u) = lang.triggers.unsupported.iter().find(|u| {
            let zone = 0..trig.end.min(toks.len());
            zone.clone()
                .any(|i| language::phrase_at(toks, i, &u.phrase))
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
    // the trigger tool and event
    let named: Vec<usize> = ms
        .iter()
        .map(|m| m.tool)
        .filter(|&t| !excl.excludes(t))
        .collect();
    let (mut trigger_tool, trigger_note) = match trig.tool {
        Some(mi) => (Some(ms[mi].tool), None),
        None => trigger::unnamed_source(
            catalog,
            toks,
            masked,
            excl,
            (trig.kind, trig.end),
            (&lang.delivery.replaces_needs, &named),
        ),
    };
    assumptions.extend(trigger_note);
    let clause = &toks[..trig.end.min(toks.len())];
    if trig.kind == TriggerKind::AppEvent
        && let Some(note) = trigger_tool.and_then(|t| {
            trigger::eventless_source(catalog, t)
                .or_else(|| trigger::unnamed_event(catalog.tool_at(t), clause))
        })
    {
        // the tool is read by a step on a schedule instead
        trig.kind = TriggerKind::Schedule;
        trigger_tool = None;
        assumptions.push(note);
    }
    let event = trigger_tool
        .and_then(|ti| trigger::event_of(catalog.tool_at(ti), &toks[..trig.end.min(toks.len())]));
    // a feed is read on a schedule, which is what the user asks for; its polled event (with a
    // cursor, so nothing is handed on twice) does the reading
    if trig.kind == TriggerKind::AppEvent
        && event.is_some_and(|e| e.delivery == EventDelivery::Poll)
        && trigger_tool.is_some_and(|t| {
            lang.triggers
                .checked_categories
                .contains(&catalog.tool_at(t).category)
        })
    {
        trig.kind = TriggerKind::Schedule;
    }
    let mut kind = trig.kind;
    if kind == TriggerKind::AppEvent && trigger_tool.is_none() {
        kind = TriggerKind::Webhook;
        assumptions.push("No app was named for the event; the workflow exposes a webhook URL that the app should call.".to_owned());
    }
    let delivery = match (kind, event.map(|e| e.delivery)) {
        (TriggerKind::Schedule, Some(EventDelivery::Poll)) => Delivery::Poll,
        (TriggerKind::Schedule, _) => Delivery::Schedule,
        (TriggerKind::Manual, _) => Delivery::Direct,
        (TriggerKind::Webhook, _) => Delivery::Http,
        (_, Some(EventDelivery::Http)) => Delivery::Http,
        (_, Some(EventDelivery::Poll)) => Delivery::Poll,
        (_, Some(EventDelivery::S3)) => Delivery::S3,
        (_, Some(EventDelivery::Sqs)) => Delivery::Sqs,
        (_, Some(EventDelivery::Kinesis)) => Delivery::Kinesis,
        (_, Some(EventDelivery::DynamodbStream)) => Delivery::DynamodbStream,
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

    Source {
        end: trig.end,
        mention: trig.tool,
        tool: trigger_tool,
        event,
        kind,
        delivery,
        schedule_expression,
        timezone,
        description,
    }
}

/// The records that reach draft `t`: the answer of the last step before it that reads or
/// transforms, else the trigger's items (the run record of a schedule or a manual run).
fn reaching<'c>(catalog: &'c Catalog, src: &Source<'c>, drafts: &[Draft], t: usize) -> Records<'c> {
    let previous = drafts[..t.min(drafts.len())].iter().rev().find_map(|d| {
        catalog
            .tool_at(d.tool)
            .action(&d.action)
            .filter(|a| a.role != Role::Write)
    });
    if let Some(a) = previous {
        return Records::of_action(a);
    }
    match src.delivery {
        Delivery::Schedule | Delivery::Direct => Records::Run,
        _ => src.event.map_or(Records::Own, Records::of_event),
    }
}

/// How a condition is resolved against the records that reach it.
enum Resolved {
    /// A documented field (its path).
    Field(String),
    /// The records' fields are the user's own: the field is the name the text gives it.
    Own,
    /// The text of an AI step's answer contains the value.
    Text,
    /// A read of a tool in the plan has the field: (tool, action, field path).
    Read(usize, String, String),
    /// Nothing fits.
    Drop,
}

/// Resolves a condition against the records that reach it, by meaning (`conditions::fit`);
/// when they lack the field, a read action of a tool in the plan (`tools`, nearest first)
/// that has it.
fn resolve(
    catalog: &Catalog,
    lang: &Language,
    records: &Records<'_>,
    found: &conditions::Found,
    tools: &[usize],
) -> Resolved {
    let g = &lang.grammar;
    let c = &found.condition;
    match records {
        Records::Documented { fields, names } => {
            if let Some(f) = conditions::fit(g, fields, names, found) {
                return Resolved::Field(f.path.clone());
            }
        }
        Records::Own => return Resolved::Own,
        Records::Text
            if matches!(c.op, CompareOp::Eq | CompareOp::Contains)
                && c.value.parse::<f64>().is_err() =>
        {
            return Resolved::Text;
        }
        Records::Text | Records::Run => {}
    }
    for &ti in tools {
        let tool = catalog.tool_at(ti);
        for a in tool.actions.iter().filter(|a| a.role == Role::Read) {
            if let Records::Documented { fields, names } = Records::of_action(a)
                && let Some(f) = conditions::fit(g, fields, &names, found)
            {
                return Resolved::Read(ti, a.id.clone(), f.path.clone());
            }
        }
    }
    Resolved::Drop
}

/// Where each comparison goes and which field it compares: before the first action it filters
/// the event, otherwise it guards the next step. Every condition is resolved against the
/// records that reach it (the event's fields, the answer of the step before): a documented
/// field by meaning, the user's own field by its name, the text of an AI answer; when those
/// records lack it, a read of a tool in the plan that has it is planned before the step;
/// otherwise the condition is left out and `assumptions` says so.
fn place_conditions(
    catalog: &Catalog,
    p: &Prompt<'_>,
    src: &Source<'_>,
    drafts: &mut Vec<Draft>,
    has_poll: bool,
    assumptions: &mut Vec<String>,
) -> (Option<Condition>, BTreeMap<usize, Condition>) {
    let (toks, text, delivery, event) = (&p.toks, p.text, src.delivery, src.event);
    let conds = conditions(&p.lang.grammar, toks, text);
    let mut filter: Option<Condition> = None;
    let mut step_conditions: BTreeMap<usize, Condition> = BTreeMap::new();
    let event_items = matches!(
        delivery,
        Delivery::Http
            | Delivery::S3
            | Delivery::Sqs
            | Delivery::Kinesis
            | Delivery::DynamodbStream
            | Delivery::Kafka
    );
    // the first draft a condition may guard (not the poll step, which makes the records)
    let first = usize::from(has_poll);
    for found in conds {
        let at = found.at;
        let first_step_at = drafts
            .iter()
            .filter(|d| d.at > 0)
            .map(|d| d.at)
            .min()
            .unwrap_or(usize::MAX);
        let before_steps = at < first_step_at && event_items;
        if before_steps && filter.is_some() {
            continue;
        }
        let target = if before_steps {
            Some(first).filter(|&t| t < drafts.len())
        } else {
            let clause = toks.get(at).map_or(0, |t| t.clause);
            drafts
                .iter()
                .enumerate()
                .skip(first)
                .filter(|(_, d)| d.at >= at && d.clause <= clause + 2)
                .min_by_key(|(_, d)| d.at)
                .map(|(i, _)| i)
                .or_else(|| {
                    drafts
                        .iter()
                        .enumerate()
                        .skip(first)
                        .filter(|(_, d)| d.at < at && d.at > 0)
                        .max_by_key(|(_, d)| d.at)
                        .map(|(i, _)| i)
                })
        };
        let Some(target) = target else { continue };
        if !before_steps && step_conditions.contains_key(&target) {
            continue;
        }
        let records = if before_steps {
            event.map_or(Records::Own, Records::of_event)
        } else {
            reaching(catalog, src, drafts, target)
        };
        // the tools of the plan, the steps nearest the condition first, then the trigger's
        let mut tools: Vec<usize> = Vec::new();
        let mut by_distance: Vec<&Draft> = drafts.iter().collect();
        by_distance.sort_by_key(|d| d.at.abs_diff(at));
        for ti in by_distance.iter().map(|d| d.tool).chain(src.tool) {
            if !tools.contains(&ti) {
                tools.push(ti);
            }
        }
        let mut c = found.condition.clone();
        let step_label = |drafts: &[Draft], t: usize| {
            let d = &drafts[t];
            let tool = catalog.tool_at(d.tool);
            tool.action(&d.action).map_or_else(
                || tool.name.clone(),
                |a| format!("\"{}\" ({})", a.label, tool.name),
            )
        };
        match resolve(catalog, p.lang, &records, &found, &tools) {
            Resolved::Field(path) => {
                c.field = path;
                if before_steps {
                    filter = Some(c);
                } else {
                    step_conditions.insert(target, c);
                }
            }
            Resolved::Own => {
                assumptions.push(format!(
                    "The records behind \"{}\" carry fields their source names (a sheet's columns, a query's rows, a payload); the condition compares the field \"{}\", so it must be named that way.",
                    c.description, c.field
                ));
                if before_steps {
                    filter = Some(c);
                } else {
                    step_conditions.insert(target, c);
                }
            }
            Resolved::Text => {
                assumptions.push(format!(
                    "\"{}\" is checked in the AI step's answer: {} runs when that text contains \"{}\".",
                    c.description,
                    step_label(drafts, target),
                    c.value
                ));
                c.field = "text".to_owned();
                c.op = CompareOp::Contains;
                step_conditions.insert(target, c);
            }
            Resolved::Read(ti, action, path) => {
                let tool = catalog.tool_at(ti);
                let label = tool.action(&action).map_or("", |a| a.label.as_str());
                assumptions.push(format!(
                    "No field of the records that reach {} says \"{}\"; the workflow first reads \"{}\" ({}) and compares its field {}.",
                    step_label(drafts, target),
                    c.description,
                    label,
                    tool.name,
                    path
                ));
                let clause = toks.get(at).map_or(0, |t| t.clause);
                drafts.insert(
                    target,
                    Draft {
                        tool: ti,
                        action,
                        at: drafts[target].at,
                        clause,
                        role: Role::Read,
                    },
                );
                step_conditions = step_conditions
                    .into_iter()
                    .map(|(k, v)| (if k >= target { k + 1 } else { k }, v))
                    .collect();
                c.field = path;
                step_conditions.insert(target + 1, c);
            }
            Resolved::Drop => assumptions.push(format!(
                "No record of this workflow has a field for \"{}\" and no tool in it can read one, so that condition is left out: {} runs for every record (name the field, or a tool that has it, to keep the condition).",
                c.description,
                step_label(drafts, target)
            )),
        }
    }
    (filter, step_conditions)
}

/// Builds the plan of a normalised prompt: policy, entities and negation (`Prompt::read`), the
/// trigger (`source`), the steps (`steps::drafts`), conditions (`place_conditions`), then
/// parameters and loops (`steps::build`).
pub(crate) fn plan(
    catalog: &Catalog,
    lang: &Language,
    text: &str,
    hints: &ToolHints<'_>,
) -> Result<Plan, WorkflowError> {
    let p = Prompt::read(catalog, lang, text)?;
    let mut assumptions: Vec<String> = Vec::new();
    let src = source(catalog, lang, &p, &mut assumptions);
    let (mut drafts, has_poll) = steps::drafts(catalog, lang, &p, &src, hints, &mut assumptions)?;
    // "comment on it" after an app event: that app's action on the trigger's record (bind15)
    let bind = message::Bind::builtin()?;
    writeback::apply(
        catalog,
        &bind.write_backs,
        &p,
        &src,
        &mut drafts,
        &mut assumptions,
    );
    let (filter, step_conditions) =
        place_conditions(catalog, &p, &src, &mut drafts, has_poll, &mut assumptions);
    let (mut steps, trigger_params) =
        steps::build(catalog, &p, &src, &drafts, has_poll, step_conditions)?;
    let clauses: Vec<usize> = drafts.iter().map(|d| d.clause).collect();
    params::bind_target_languages(
        catalog,
        &p.toks,
        &clauses,
        src.end,
        &mut steps,
        &mut assumptions,
    );
    let clause_texts: Vec<&str> = clauses
        .iter()
        .map(|&c| {
            let (a, b) = p.clause_span(c);
            text.get(a..b).unwrap_or("")
        })
        .collect();
    params::bind_named_recipients(catalog, &clause_texts, &mut steps);
    let trig_end = src.end;
    let Source {
        tool: trigger_tool,
        event,
        kind,
        delivery,
        schedule_expression,
        timezone,
        description,
        ..
    } = src;
    message::apply(
        catalog,
        &lang.grammar.message,
        text,
        delivery,
        &description,
        &mut steps,
        &mut assumptions,
    );
    // the fields the user names after the message verb build the message (bind15)
    message::bind_fields(
        catalog,
        &bind.fields,
        (&p.toks, text, &p.masked),
        (event, delivery, trig_end),
        &mut steps,
        &mut assumptions,
    );
    let tools = assembly::planned_tools(catalog, trigger_tool, kind, delivery, &steps);
    let name = assembly::title(catalog, kind, trigger_tool, &steps);
    let summary = assembly::summary(&description, &steps);
    let mut plan = Plan {
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
    };
    // the period the read steps cover, when the prompt names one ("yesterday's orders")
    if (crate::window::reads_period(catalog, &plan) || crate::window::cuts_period(catalog, &plan))
        && let Some(said) = crate::window::Said::find(&p.toks)
    {
        plan.trigger
            .params
            .insert(crate::window::PARAM.to_owned(), said.param());
    }
    Ok(plan)
}
