//! The embedded planner: normalised prompt → typed [`Plan`] (trigger, ordered steps, tools,
//! assumptions), with rules and the catalog only (no model, no network).

use std::collections::BTreeMap;

use crate::catalog::{Catalog, EventDelivery, Need, Role, Tool};
use crate::model::{CompareOp, Condition, Delivery, Plan, PlannedTool, Step, Trigger, TriggerKind};
use crate::text::{Tok, tokenize};
use crate::{WorkflowError, refs, schedule};

/// A tool named in the prompt.
#[derive(Debug, Clone)]
struct Mention {
    tool: usize,
    /// Index of the first token.
    at: usize,
    len: usize,
    clause: usize,
}

/// Words before a common-word alias that mean it is not the tool ("every monday").
const NOT_TOOL_BEFORE: &[&str] = &["every", "each", "per", "a", "this", "next", "last"];

const STOP: &[&str] = &[
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

fn find_phrase(toks: &[Tok], phrase: &[&str], from: usize, to: usize) -> Option<usize> {
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

fn has_word(toks: &[Tok], range: std::ops::Range<usize>, set: &[&str]) -> Option<usize> {
    range
        .clone()
        .filter(|&i| i < toks.len())
        .find(|&i| set.contains(&toks[i].w.as_str()))
}

/// Finds the tools named in the text, longest alias first, left to right.
fn mentions(catalog: &Catalog, toks: &[Tok]) -> Vec<Mention> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let mut found = None;
        if let Some(cands) = catalog.first_word.get(&toks[i].w) {
            for &ai in cands {
                let (alias, tool) = &catalog.aliases[ai];
                let matches = alias
                    .iter()
                    .enumerate()
                    .all(|(k, w)| toks.get(i + k).is_some_and(|t| &t.w == w));
                if !matches {
                    continue;
                }
                let t = catalog.tool_at(*tool);
                if t.common_word
                    && alias.len() == 1
                    && i > 0
                    && NOT_TOOL_BEFORE.contains(&toks[i - 1].w.as_str())
                {
                    continue;
                }
                found = Some((*tool, alias.len()));
                break;
            }
        }
        if let Some((tool, len)) = found {
            out.push(Mention {
                tool,
                at: i,
                len,
                clause: toks[i].clause,
            });
            i += len;
        } else {
            i += 1;
        }
    }
    out
}

/// Phrases of requests Cue refuses to build.
const DISALLOWED: &[&[&str]] = &[
    &["lookalike"],
    &["look", "alike", "domain"],
    &["phishing"],
    &["spoof"],
    &["spoofed"],
    &["impersonate"],
    &["impersonating"],
    &["keylogger"],
    &["ddos"],
    &["credential", "harvesting"],
    &["steal"],
    &["ransomware"],
];
const SENSITIVE: &[&[&str]] = &[
    &["credit", "card"],
    &["card", "number"],
    &["password"],
    &["passwords"],
    &["social", "security"],
    &["bank", "login"],
];
const ASK_VERBS: &[&str] = &[
    "enter", "reenter", "re", "confirm", "verify", "update", "provide", "submit", "type",
];

fn disallowed(toks: &[Tok]) -> Option<String> {
    for p in DISALLOWED {
        if find_phrase(toks, p, 0, toks.len()).is_some() {
            return Some(format!(
                "it asks for \"{}\", which Cue does not build (deceptive or harmful automation)",
                p.join(" ")
            ));
        }
    }
    let sensitive = SENSITIVE
        .iter()
        .any(|p| find_phrase(toks, p, 0, toks.len()).is_some());
    let asks = toks.iter().any(|t| ASK_VERBS.contains(&t.w.as_str()));
    let mass = toks.iter().any(|t| {
        matches!(
            t.w.as_str(),
            "every" | "all" | "customers" | "list" | "everyone"
        )
    });
    if sensitive && asks && mass {
        return Some(
            "it asks people to hand over card numbers or passwords, which Cue does not build"
                .to_owned(),
        );
    }
    None
}

/// Everything the planner decided about the trigger.
struct TriggerChoice {
    kind: TriggerKind,
    /// Mention of the tool the event comes from.
    tool: Option<usize>,
    /// Tokens `..end` are the trigger's clause(s).
    end: usize,
    schedule: Option<schedule::Schedule>,
}

fn trigger_end(toks: &[Tok]) -> usize {
    let first = toks.first().map_or(0, |t| t.clause);
    // the opening clause, or the first two when the first is only a word or two ("New Stripe customer ->")
    let end = toks
        .iter()
        .position(|t| t.clause != first)
        .unwrap_or(toks.len());
    end.max(1)
}

const EVENT_CUES: &[&str] = &["when", "whenever", "once", "after", "new", "on", "upon"];
const RECEIVE: &[&str] = &[
    "arrives",
    "arrive",
    "arriving",
    "comes",
    "come",
    "get",
    "gets",
    "receive",
    "received",
    "receives",
    "lands",
    "land",
    "new",
    "incoming",
    "inbound",
    "forwarded",
    "sent",
];
const UPLOAD: &[&str] = &[
    "upload", "uploaded", "uploads", "dropped", "added", "new", "lands", "saved", "created", "put",
    "appears", "placed",
];

fn choose_trigger(catalog: &Catalog, toks: &[Tok], text: &str, ms: &[Mention]) -> TriggerChoice {
    let all = toks.len();
    // "Notify #sales in Slack when a new lead signs up": the trigger is the late when-clause
    let late_when = toks
        .iter()
        .position(|t| matches!(t.w.as_str(), "when" | "whenever"))
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
        None => (0, trigger_end(toks)),
    };
    let sched = schedule::parse(text, toks);
    let starts_with_event = toks
        .first()
        .is_some_and(|t| matches!(t.w.as_str(), "when" | "whenever" | "once" | "upon"))
        || toks
            .iter()
            .take(3)
            .any(|t| t.w == "whenever" || t.w == "when")
        || late_when.is_some();
    let cat = |m: &Mention| catalog.tool_at(m.tool).category.as_str();
    let first_in = |pred: &dyn Fn(&Mention) -> bool, limit: usize| {
        ms.iter()
            .position(|m| m.at >= zs && m.at < limit && pred(m))
    };

    let manual = [
        &["when", "i", "run", "it"][..],
        &["run", "it", "manually"],
        &["on", "demand"],
        &["manually"],
        &["when", "i", "click"],
        &["button"],
        &["run", "now"],
        &["when", "i", "trigger"],
        &["when", "i", "run"],
    ];
    if manual
        .iter()
        .any(|p| find_phrase(toks, p, 0, all).is_some())
    {
        return TriggerChoice {
            kind: TriggerKind::Manual,
            tool: None,
            end,
            schedule: None,
        };
    }
    if let Some(s) = sched.clone()
        && !starts_with_event
    {
        return TriggerChoice {
            kind: TriggerKind::Schedule,
            tool: None,
            end,
            schedule: Some(s),
        };
    }
    // queue / stream consumers
    if let Some(qi) = first_in(&|m| cat(m) == "queue", all) {
        let m = &ms[qi];
        let clause_toks: Vec<&Tok> = toks.iter().filter(|t| t.clause == m.clause).collect();
        let consume = clause_toks.iter().any(|t| {
            matches!(
                t.w.as_str(),
                "read"
                    | "consume"
                    | "consumes"
                    | "process"
                    | "poll"
                    | "pull"
                    | "from"
                    | "arrives"
                    | "lands"
                    | "receive"
                    | "whenever"
                    | "when"
            )
        });
        let produce = clause_toks.iter().any(|t| {
            matches!(
                t.w.as_str(),
                "send" | "push" | "publish" | "enqueue" | "put" | "to"
            )
        });
        if m.at < end || (consume && !produce) {
            return TriggerChoice {
                kind: TriggerKind::Queue,
                tool: Some(qi),
                end: end.max(m.at + m.len),
                schedule: None,
            };
        }
    }
    // webhooks / HTTP endpoints
    let hook = toks.iter().enumerate().position(|(i, t)| {
        let cue = matches!(t.w.as_str(), "webhook" | "endpoint" | "webhooks")
            || (t.w == "http"
                && toks.get(i + 1).is_some_and(|n| {
                    matches!(n.w.as_str(), "endpoint" | "request" | "post" | "api")
                }))
            || (t.w == "api" && toks.get(i + 1).is_some_and(|n| n.w == "endpoint"));
        let after_tool = ms.iter().any(|m| m.at + m.len == i);
        cue && !after_tool
    });
    if let Some(h) = hook {
        let opener = toks.first().is_some_and(|t| {
            matches!(
                t.w.as_str(),
                "expose"
                    | "build"
                    | "create"
                    | "make"
                    | "set"
                    | "provide"
                    | "give"
                    | "add"
                    | "i"
                    | "we"
                    | "an"
                    | "a"
                    | "our"
            )
        });
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
    let uploaded = has_word(toks, zs..trigger_zone, UPLOAD).is_some();
    let storage = first_in(&|m| cat(m) == "storage", trigger_zone);
    if uploaded && storage.is_some() {
        return TriggerChoice {
            kind: TriggerKind::FileUpload,
            tool: storage,
            end: trigger_zone,
            schedule: None,
        };
    }
    // email received
    if let Some(ei) = has_word(
        toks,
        zs..trigger_zone,
        &["email", "emails", "mail", "inbox", "message"],
    ) {
        let receiving =
            has_word(toks, zs..trigger_zone, RECEIVE).is_some() || toks[ei].w == "inbox";
        let email_tool = first_in(&|m| cat(m) == "email", trigger_zone.max(ei + 8));
        if receiving && (toks[ei].w != "message" || email_tool.is_some()) {
            return TriggerChoice {
                kind: TriggerKind::EmailReceived,
                tool: email_tool,
                end: trigger_zone,
                schedule: None,
            };
        }
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
    let arrow = text.contains("->") || text.contains('→');
    let event_cue = starts_with_event
        || arrow
        || has_word(toks, zs..end, EVENT_CUES).is_some()
        || find_phrase(toks, &["as", "soon", "as"], zs, end).is_some()
        || find_phrase(toks, &["every", "time"], zs, end).is_some()
        || find_phrase(toks, &["each", "time"], zs, end).is_some();
    if event_cue {
        let tool = first_in(&|m| !catalog.tool_at(m.tool).events.is_empty(), end).or_else(|| {
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
    TriggerChoice {
        kind: TriggerKind::Manual,
        tool: None,
        end,
        schedule: None,
    }
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

/// A condition found in the text, with the token it starts at.
fn conditions(toks: &[Tok], text: &str) -> Vec<(usize, Condition)> {
    let mut out = Vec::new();
    let w = |i: usize| toks.get(i).map_or("", |t| t.w.as_str());
    let mut i = 0;
    while i < toks.len() {
        let (op, value_at, consumed): (Option<CompareOp>, usize, usize) = match (w(i), w(i + 1)) {
            ("over" | "above" | "exceeds" | "exceed" | "exceeding", _) => {
                (Some(CompareOp::Gt), i + 1, 1)
            }
            ("more" | "greater" | "higher" | "larger" | "bigger", "than") => {
                (Some(CompareOp::Gt), i + 2, 2)
            }
            ("less" | "fewer" | "lower" | "smaller", "than") => (Some(CompareOp::Lt), i + 2, 2),
            ("under" | "below", _) => (Some(CompareOp::Lt), i + 1, 1),
            ("at", "least") => (Some(CompareOp::Ge), i + 2, 2),
            ("at", "most") => (Some(CompareOp::Le), i + 2, 2),
            _ => (None, 0, 0),
        };
        let mut found: Option<(CompareOp, String, usize)> = None;
        if let Some(op) = op
            && let Some(v) = number(w(value_at))
        {
            let unit = w(value_at + 1);
            let is_duration = matches!(
                unit,
                "day"
                    | "days"
                    | "hour"
                    | "hours"
                    | "minute"
                    | "minutes"
                    | "week"
                    | "weeks"
                    | "month"
                    | "months"
                    | "ago"
            );
            if !is_duration {
                found = Some((op, v, i));
            }
        }
        if found.is_none() {
            // "6 or lower", "10 or more"
            if let Some(v) = number(w(i))
                && w(i + 1) == "or"
            {
                let op = match w(i + 2) {
                    "lower" | "less" | "below" | "fewer" | "under" => Some(CompareOp::Le),
                    "higher" | "more" | "above" | "greater" | "over" => Some(CompareOp::Ge),
                    _ => None,
                };
                if let Some(op) = op {
                    let start = if w(i.wrapping_sub(1)) == "of" {
                        i - 1
                    } else {
                        i
                    };
                    found = Some((op, v, start));
                }
            }
        }
        if found.is_none()
            && matches!(
                w(i),
                "is" | "equals" | "contains" | "tagged" | "labelled" | "labeled" | "label"
            )
        {
            // a quoted value right after: severity is 'critical', tagged 'preorder'
            let after = toks.get(i).map_or(text.len(), |t| t.end);
            let rest = &text[after..];
            let trimmed = rest.trim_start();
            let quoted = quoted_at(trimmed).or_else(|| {
                let rest2 = trimmed
                    .strip_prefix("the label")
                    .or_else(|| trimmed.strip_prefix("label"))?;
                quoted_at(rest2.trim_start())
            });
            if let Some(q) = quoted {
                let op = if w(i) == "is" || w(i) == "equals" {
                    CompareOp::Eq
                } else {
                    CompareOp::Contains
                };
                let in_if =
                    toks[..i].iter().rev().take(4).any(|t| {
                        matches!(t.w.as_str(), "if" | "where" | "when" | "whose" | "with")
                    });
                if op == CompareOp::Contains || in_if {
                    found = Some((op, q, i));
                }
            }
        }
        if let Some((op, value, start)) = found {
            let field = if matches!(w(i), "tagged") {
                "tags".to_owned()
            } else if matches!(w(i), "labelled" | "labeled" | "label") {
                "labels".to_owned()
            } else {
                (0..start)
                    .rev()
                    .map(&w)
                    .find(|x| !STOP.contains(x) && !x.chars().all(|c| c.is_ascii_digit()))
                    .unwrap_or("value")
                    .to_owned()
            };
            let from = (0..=start)
                .rev()
                .take(6)
                .find(|&k| matches!(w(k), "if" | "when" | "where" | "whose" | "only"))
                .unwrap_or(start.saturating_sub(3));
            let to = toks
                .get((i + consumed + 1).min(toks.len().saturating_sub(1)))
                .map_or(text.len(), |t| t.end);
            let description = text
                .get(toks.get(from).map_or(0, |t| t.start)..to)
                .unwrap_or("")
                .split([',', ';'])
                .next()
                .unwrap_or("")
                .trim()
                .to_owned();
            out.push((
                from,
                Condition {
                    field,
                    op,
                    value,
                    description,
                },
            ));
            i += consumed.max(1);
            continue;
        }
        i += 1;
    }
    out
}

fn number(w: &str) -> Option<String> {
    let w = w.trim_start_matches('$');
    let (digits, suffix) = w.split_at(
        w.find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(w.len()),
    );
    if digits.is_empty() || digits.parse::<f64>().is_err() {
        return None;
    }
    match suffix {
        "" | "usd" | "eur" | "gbp" => Some(digits.to_owned()),
        "k" => digits
            .parse::<f64>()
            .ok()
            .map(|v| format!("{}", v * 1000.0)),
        _ => None,
    }
}

/// A quoted string at the start of `s`: 'x', "x", ‘x’, “x”.
fn quoted_at(s: &str) -> Option<String> {
    let mut chars = s.chars();
    let open = chars.next()?;
    let close = match open {
        '\'' => '\'',
        '"' => '"',
        '‘' => '’',
        '“' => '”',
        _ => return None,
    };
    let body = &s[open.len_utf8()..];
    let end = body.find(close)?;
    let v = body[..end].trim();
    (!v.is_empty() && v.len() <= 100).then(|| v.to_owned())
}

/// Byte ranges of the quoted names in `s` (quotes included).
fn quoted_spans(s: &str) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (i, c) in s.char_indices() {
        if out.last().is_some_and(|&(_, b)| i < b) {
            continue;
        }
        let close = match c {
            '\'' => '\'',
            '"' => '"',
            '‘' => '’',
            '“' => '”',
            _ => continue,
        };
        if s[..i]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
        {
            continue;
        }
        let body = i + c.len_utf8();
        if let Some(e) = s[body..].find(close).filter(|e| (1..=100).contains(e)) {
            out.push((i, body + e + close.len_utf8()));
        }
    }
    out
}

/// All quoted strings of `s`, with their byte offsets.
fn quoted_all(s: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, c) in s.char_indices() {
        if matches!(c, '\'' | '"' | '‘' | '“') {
            let prev = s[..i].chars().next_back();
            if prev.is_some_and(char::is_alphanumeric) {
                continue; // an apostrophe: issue's
            }
            if let Some(q) = quoted_at(&s[i..])
                && out.iter().all(|(j, _): &(usize, String)| i > *j + 1)
            {
                out.push((i, q));
            }
        }
    }
    out
}

/// Synonyms of a parameter name in prompts.
fn param_words(name: &str) -> &'static [&'static str] {
    match name {
        "sheet" | "spreadsheet" => &["sheet", "spreadsheet", "tab", "sheets"],
        "list" | "audience" => &["list", "audience", "segment"],
        "folder" | "path" => &["folder", "directory", "path"],
        "table" => &["table"],
        "bucket" => &["bucket"],
        "queue" => &["queue"],
        "stream" => &["stream"],
        "topic" => &["topic"],
        "project" => &["project"],
        "board" => &["board"],
        "base" => &["base"],
        "database" => &["database", "db"],
        "form" => &["form", "survey"],
        "page" => &["page", "wiki"],
        "team" => &["team"],
        "space" => &["space"],
        "label" => &["label", "tag"],
        "index" => &["index"],
        "key" => &["key"],
        "collection" => &["collection"],
        _ => &[],
    }
}

/// Values for an action's parameters taken from the text of its clause(s).
fn extract_params(
    defaults: &BTreeMap<String, String>,
    text: &str,
    span: (usize, usize),
    used_quotes: &mut Vec<usize>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let clause = text.get(span.0..span.1).unwrap_or("");
    let quotes: Vec<(usize, String)> = quoted_all(clause)
        .into_iter()
        .map(|(i, q)| (i + span.0, q))
        .collect();
    for (name, default) in defaults {
        let mut value: Option<String> = None;
        match name.as_str() {
            "channel" => {
                value = clause
                    .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')'))
                    .find(|w| w.starts_with('#') && w.len() > 1)
                    .map(|w| {
                        w.trim_end_matches(['.', ':', '!', '?', '\'', '"'])
                            .to_owned()
                    });
                if value.is_none() {
                    let ws: Vec<&str> = clause.split_whitespace().collect();
                    if let Some(p) = ws.iter().position(|w| {
                        w.trim_end_matches([',', '.'])
                            .eq_ignore_ascii_case("channel")
                    }) && p > 0
                    {
                        let cand = ws[p - 1]
                            .trim_matches(|c: char| !c.is_alphanumeric() && c != '-' && c != '_')
                            .to_ascii_lowercase();
                        if !cand.is_empty()
                            && !STOP.contains(&cand.as_str())
                            && !matches!(
                                cand.as_str(),
                                "slack" | "teams" | "discord" | "a" | "team"
                            )
                        {
                            value = Some(format!("#{cand}"));
                        }
                    }
                }
            }
            "repo" => {
                value = clause
                    .split(|c: char| {
                        c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '\'' | '"')
                    })
                    .map(|w| w.trim_end_matches(['.', ':']))
                    .find(|w| {
                        let parts: Vec<&str> = w.split('/').collect();
                        parts.len() == 2
                            && parts.iter().all(|p| {
                                !p.is_empty()
                                    && p.chars().all(|c| {
                                        c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
                                    })
                            })
                    })
                    .map(str::to_owned);
            }
            n if n.ends_with("url") => {
                value = clause
                    .split(|c: char| {
                        c.is_whitespace() || matches!(c, '(' | ')' | '\'' | '"' | '<' | '>')
                    })
                    .map(|w| w.trim_end_matches(['.', ',', ';', ':']))
                    .find(|w| w.starts_with("https://") || w.starts_with("http://"))
                    .map(str::to_owned);
            }
            "to" | "recipient" | "email" => {
                value = clause
                    .split(|c: char| {
                        c.is_whitespace()
                            || matches!(c, ',' | ';' | '(' | ')' | '\'' | '"' | '<' | '>')
                    })
                    .map(|w| w.trim_end_matches(['.', ':']))
                    .find(|w| w.contains('@') && w.contains('.') && !w.starts_with('@'))
                    .map(str::to_owned);
            }
            _ => {}
        }
        if value.is_none() {
            let syn = param_words(name);
            if !syn.is_empty() {
                // a quoted name close to the word: the 'FX' tab, the Airtable table 'Applicants'
                let lower = clause.to_ascii_lowercase();
                let word_pos: Vec<usize> = syn
                    .iter()
                    .flat_map(|s| {
                        lower
                            .match_indices(s)
                            .map(|(i, _)| i + span.0)
                            .collect::<Vec<_>>()
                    })
                    .collect();
                let best = quotes
                    .iter()
                    .filter(|(qi, _)| !used_quotes.contains(qi))
                    .filter_map(|(qi, q)| {
                        word_pos
                            .iter()
                            .map(|wp| wp.abs_diff(*qi))
                            .min()
                            .map(|d| (d, *qi, q))
                    })
                    .filter(|(d, _, _)| *d < 40)
                    .min_by_key(|(d, _, _)| *d);
                if let Some((_, qi, q)) = best {
                    used_quotes.push(qi);
                    value = Some(q.clone());
                } else {
                    // an identifier after the word: table staging_imports
                    let ws: Vec<&str> = clause.split_whitespace().collect();
                    for (k, w) in ws.iter().enumerate() {
                        let wl = w.to_ascii_lowercase();
                        if syn.contains(&wl.trim_end_matches([',', '.']).trim_matches(['\'', '"']))
                            && let Some(next) = ws.get(k + 1)
                        {
                            let n = next.trim_end_matches([',', '.', ';', ':']);
                            if n.len() > 1
                                && n.chars()
                                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
                                && (n.contains('_') || n.contains('-'))
                            {
                                value = Some(n.to_owned());
                                break;
                            }
                        }
                    }
                }
            }
        }
        out.insert(name.clone(), value.unwrap_or_else(|| default.clone()));
    }
    out
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

pub(crate) fn plan(
    catalog: &Catalog,
    text: &str,
    hints: &ToolHints<'_>,
) -> Result<Plan, WorkflowError> {
    let all_toks = tokenize(text);
    if let Some(reason) = disallowed(&all_toks) {
        return Err(WorkflowError::Disallowed { reason });
    }
    let ms = mentions(catalog, &all_toks);
    // names in quotes ('invoices-inbox', 'Website Leads') are data, not cues
    let spans = quoted_spans(text);
    let toks: Vec<Tok> = all_toks
        .iter()
        .map(|t| {
            let mut t = t.clone();
            if spans.iter().any(|&(a, b)| t.start > a && t.end < b) {
                t.w.clear();
            }
            t
        })
        .collect();
    let trig = choose_trigger(catalog, &toks, text, &ms);
    let mut assumptions: Vec<String> = Vec::new();
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
    let mut trigger_tool: Option<usize> = trig.tool.map(|mi| ms[mi].tool);
    let mut need_trigger_note: Option<String> = None;
    if trigger_tool.is_none() {
        let default_cat = match trig.kind {
            TriggerKind::EmailReceived => Some(("gmail", "email", "Outlook or IMAP")),
            TriggerKind::FileUpload => Some(("aws_s3", "file storage", "Google Drive or Dropbox")),
            TriggerKind::Queue => Some(("sqs", "queue", "Amazon Kinesis or Kafka")),
            TriggerKind::AppEvent => None,
            _ => None,
        };
        if let Some((id, what, alt)) = default_cat {
            trigger_tool = catalog.tools.iter().position(|t| t.id == id);
            need_trigger_note = Some(format!(
                "No {what} service was named for the trigger; using {} (alternatives: {alt}).",
                catalog.tool(id).map_or(id, |t| t.name.as_str())
            ));
        } else if trig.kind == TriggerKind::AppEvent {
            // a need in the trigger clause ("a support ticket is filed") names the source
            for n in &catalog.needs {
                let hit = n.phrases.iter().any(|p| {
                    let pw: Vec<&str> = p.split(' ').collect();
                    find_phrase(&toks, &pw, 0, trig.end).is_some_and(|i| !masked[i])
                });
                if let Some(t) = catalog.tools.iter().position(|t| t.id == n.default)
                    && hit
                    && !catalog.tools[t].events.is_empty()
                {
                    trigger_tool = Some(t);
                    let alts: Vec<&str> = n
                        .alternatives
                        .iter()
                        .filter_map(|a| catalog.tool(a))
                        .map(|t| t.name.as_str())
                        .collect();
                    need_trigger_note = Some(format!(
                        "No tool was named for the event; assuming it comes from {} (alternatives: {}).",
                        catalog.tools[t].name,
                        alts.join(", ")
                    ));
                    break;
                }
            }
        }
    }
    if let Some(n) = need_trigger_note {
        assumptions.push(n);
    }
    let trigger_words: Vec<&str> = toks[..trig.end.min(toks.len())]
        .iter()
        .map(|t| t.w.as_str())
        .collect();
    let event = trigger_tool.and_then(|ti| {
        let tool = catalog.tool_at(ti);
        let mut best: Option<(&crate::catalog::Event, usize)> = None;
        for e in &tool.events {
            let score = e
                .words
                .iter()
                .filter(|p| p.split(' ').all(|w| trigger_words.contains(&w)))
                .count();
            if best.is_none_or(|(_, s)| score > s) {
                best = Some((e, score));
            }
        }
        best.map(|(e, _)| e)
    });
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
    struct Draft {
        tool: usize,
        action: String,
        at: usize,
        clause: usize,
        role: Role,
    }
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
        if n.trigger_only || n.categories.iter().any(|c| cats.contains(c)) {
            continue;
        }
        let start = if n.not_in_trigger && kind == TriggerKind::EmailReceived {
            trig.end
        } else {
            0
        };
        let hit = n.phrases.iter().find_map(|p| {
            if p == "#channel" {
                // a chat channel written as #name
                let at = text.char_indices().find(|&(i, c)| {
                    c == '#'
                        && text[i + 1..]
                            .chars()
                            .next()
                            .is_some_and(char::is_alphanumeric)
                        && !spans.iter().any(|&(a, b)| i > a && i < b)
                })?;
                return toks.iter().position(|t| t.start > at.0);
            }
            let pw: Vec<&str> = p.split(' ').collect();
            let mut from = start;
            while let Some(i) = find_phrase(&toks, &pw, from, toks.len()) {
                if !masked[i] {
                    return Some(i);
                }
                from = i + 1;
            }
            None
        });
        let Some(at) = hit else { continue };
        if n.not_in_trigger && trigger_tool.is_some_and(|t| catalog.tool_at(t).id == n.default) {
            continue;
        }
        let hint = hinted(catalog, n, hints);
        let chosen = hint.map_or(n.default.as_str(), |t| t.id.as_str());
        let Some(ti) = catalog.tools.iter().position(|t| t.id == chosen) else {
            continue;
        };
        if Some(ti) == trigger_tool || drafts.iter().any(|d| d.tool == ti) {
            continue;
        }
        let tool = catalog.tool_at(ti);
        let Some(action) = tool.action(&n.action) else {
            continue;
        };
        let alts: Vec<&str> = std::iter::once(&n.default)
            .chain(&n.alternatives)
            .filter(|a| **a != tool.id)
            .filter_map(|a| catalog.tool(a))
            .map(|t| t.name.as_str())
            .collect();
        let phrase = toks[at..]
            .iter()
            .take(
                n.phrases
                    .iter()
                    .map(|p| p.split(' ').count())
                    .max()
                    .unwrap_or(1),
            )
            .map(|t| t.w.as_str())
            .collect::<Vec<_>>();
        let _ = phrase;
        let why = if hint.is_some() && chosen != n.default {
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
        drafts.push(Draft {
            tool: ti,
            action: action.id.clone(),
            at,
            clause: toks[at].clause,
            role: action.role,
        });
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
            Delivery::Http | Delivery::S3 | Delivery::Sqs | Delivery::Kinesis
        );
        if at < first_step_at && event_items {
            if filter.is_none() {
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
    let batch_trigger = matches!(delivery, Delivery::Sqs | Delivery::Kinesis | Delivery::S3);
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

    // tools and their credentials
    let mut tools: Vec<PlannedTool> = Vec::new();
    let http_trigger = delivery == Delivery::Http;
    let mut add_tool = |tool: &Tool, creds: Vec<String>| {
        if let Some(pt) = tools.iter_mut().find(|t| t.id == tool.id) {
            for c in creds {
                if !pt.credentials.contains(&c) {
                    pt.credentials.push(c);
                }
            }
        } else {
            tools.push(PlannedTool {
                id: tool.id.clone(),
                name: tool.name.clone(),
                credentials: creds,
            });
        }
    };
    if let Some(ti) = trigger_tool {
        let tool = catalog.tool_at(ti);
        add_tool(tool, Vec::new());
    }
    if http_trigger || kind == TriggerKind::Webhook {
        // the credentials the handler checks requests with (`Catalog::webhook_for`)
        if let Some(used) = catalog.webhook_for(trigger_tool.map(|ti| catalog.tool_at(ti))) {
            add_tool(used.owner, used.credentials);
        }
    }
    for s in &steps {
        if let Some(tool) = catalog.tool(&s.tool) {
            let creds = tool
                .action(&s.action)
                .map(|a| refs::credentials_for(tool, a))
                .unwrap_or_default();
            add_tool(tool, creds);
        }
    }
    let trigger_name = trigger_tool.map(|t| catalog.tool_at(t).name.clone());
    let mut title_parts: Vec<String> = trigger_name.iter().cloned().collect();
    for s in &steps {
        if let Some(t) = catalog.tool(&s.tool)
            && !title_parts.contains(&t.name)
        {
            title_parts.push(t.name.clone());
        }
    }
    let name = match kind {
        TriggerKind::Schedule => format!("Scheduled: {}", title_parts.join(" → ")),
        TriggerKind::Manual => format!("On demand: {}", title_parts.join(" → ")),
        TriggerKind::Webhook => format!("Webhook → {}", title_parts.join(" → ")),
        _ => title_parts.join(" → "),
    };
    let summary = format!(
        "{}; then {}.",
        description,
        steps
            .iter()
            .map(|s| lower_first(&s.description))
            .collect::<Vec<_>>()
            .join(", then ")
    );
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

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}
