//! The steps stage: which tools act and with which action, what the text asks for without
//! naming a tool (needs, capabilities, a delivery channel) and the tool chosen for it, then each
//! step's parameters and loops.

use std::collections::BTreeMap;

use super::language::{Language, VerbClasses};
use super::negation::Exclusions;
use super::params::extract_params;
use super::{Mention, Prompt, Source, capabilities, delivery, entities, find_phrase};
use crate::WorkflowError;
use crate::catalog::{Catalog, Need, Role, Tool};
use crate::model::{Condition, Delivery, Step, TriggerKind};
use crate::text::Tok;

/// How [`pick_action`] ranks an action, compared in order: its verb said, named, verbal, words
/// used, a read preferred, the full tie's side.
type Rank = (bool, bool, bool, usize, bool, bool);

/// Picks the action of `tool` that the words of its clause ask for. First the action whose verb
/// the clause says for this mention ([`said_verb`]: "deactivate their Okta user" deactivates,
/// though `user` is also `create_user`'s word; a verb of its class counts: "remove the user in
/// Okta"), then one whose word the mention itself is (`named`: "reply with a tweet" posts one;
/// "reply on WhatsApp" replies, though `whatsapp` is the template's word), then the most words
/// of an action's (a phrase
/// of several words counts each), then the action whose object is named first in the tool's
/// own clause and which uses another of its words too ("create a Stripe invoice for my
/// customer" creates the invoice, though "create" and "customer" are both `create_customer`'s
/// words), then a read when `prefer_read`, then a read over a write (a tie never creates or
/// deletes by the order of the catalog's file), then the first.
pub(super) fn pick_action<'t>(
    tool: &'t Tool,
    words: &[&str],
    own: &[&str],
    lead: &[&str],
    named: Option<&str>,
    prefer_read: bool,
    verbs: &VerbClasses,
) -> Option<&'t crate::catalog::Action> {
    let named_first = first_object(tool, own);
    let verb = said_verb(tool, verbs, lead).map(|s| s.act);
    // a full tie goes to the read-only action, unless the tool is named as where things go
    // ("export the charges as a CSV file to OneDrive")
    let into = is_destination(lead);
    let mut best: Option<(&crate::catalog::Action, Rank)> = None;
    for a in &tool.actions {
        let used: Vec<&String> = a
            .words
            .iter()
            .filter(|p| {
                let pw: Vec<&str> = p.split(' ').collect();
                pw.iter().all(|w| words.contains(w))
            })
            .collect();
        let score: usize = used.iter().map(|p| p.split(' ').count()).sum();
        // its object named first, and another of its words (its verb) used too: "the files
        // go to OneDrive" after "upload" names no listing
        let object = object_of(a);
        let first = named_first.is_some_and(|o| object.is_some_and(|b| same_noun(b, o)))
            && used.iter().any(|p| Some(p.as_str()) != object);
        let said = verb.is_some_and(|v| a.words.iter().any(|w| w == v));
        // the name as the action's word yields to a verb said ("reply on WhatsApp" replies,
        // though `whatsapp` is the template's word)
        let is_named = named.is_some_and(|n| a.words.iter().any(|w| w == n));
        // one of its words used is not merely an object another action shares
        let verbal = used.iter().any(|p| !is_object(tool, p));
        let read = a.role == Role::Read;
        let key = (
            said,
            is_named,
            verbal,
            score * 4 + 2 * usize::from(first),
            prefer_read && read,
            read != into,
        );
        if best.is_none_or(|(_, k)| key > k) {
            best = Some((a, key));
        }
    }
    best.map(|(a, _)| a)
}

/// Another tool named after `m` in its clause is named as a destination ([`is_destination`]):
/// `m` is where the records come from.
fn feeds_a_destination(toks: &[Tok], ms: &[Mention], m: &Mention) -> bool {
    ms.iter().any(|o| {
        o.tool != m.tool
            && o.clause == m.clause
            && o.at >= m.at + m.len
            && is_destination(
                &toks[m.at + m.len..o.at]
                    .iter()
                    .map(|t| t.w.as_str())
                    .collect::<Vec<_>>(),
            )
    })
}

/// The tool is named as a destination: the last word before its name, past a determiner, is
/// `to`, `into` or `onto` ("as a CSV file to OneDrive", "into our Google Drive"), not where
/// things are read from ("the files in OneDrive", "from Dropbox").
pub(super) fn is_destination(lead: &[&str]) -> bool {
    const DETERMINERS: [&str; 6] = ["my", "our", "the", "a", "your", "their"];
    lead.iter()
        .rev()
        .find(|w| !DETERMINERS.contains(w))
        .is_some_and(|w| matches!(*w, "to" | "into" | "onto"))
}

/// A verb said for a mention: the word as said, and the tool's action word it stands for (the
/// same word, or another verb of its class: "remove" for Okta's `deactivate`).
#[derive(Debug, Clone, Copy)]
pub(super) struct Said<'w> {
    pub word: &'w str,
    pub act: &'w str,
}

/// The verb said for a mention of `tool`: the first of `lead` (the words of its clause from the
/// previous tool's name, or the clause's start, up to this one) that is one of the tool's
/// action words and not the object any of its actions acts on ("add my recently played Spotify
/// tracks": `add`; "delete the file from Google Drive": `delete`, not `file`), or whose verb
/// class ([`VerbClasses`]) holds such a word ("offboard the user in Okta": Okta's `deactivate`;
/// "invite him to a channel in Slack", where `channel` is one of the message's words too). A
/// word of the tool's own wins over its class.
pub(super) fn said_verb<'w>(
    tool: &Tool,
    verbs: &'w VerbClasses,
    lead: &[&'w str],
) -> Option<Said<'w>> {
    let acts = |w: &str| {
        !is_object(tool, w) && tool.actions.iter().any(|a| a.words.iter().any(|p| p == w))
    };
    lead.iter().copied().find_map(|w| {
        if acts(w) {
            return Some(Said { word: w, act: w });
        }
        verbs
            .kin(w)
            .find(|k| acts(k))
            .map(|k| Said { word: w, act: k })
    })
}

/// The other action of `tool` a clause asks for beside `chosen`, of the other role (a read
/// beside a write): one whose own word, not `chosen`'s, is said before the tool's name ("add my
/// recently played Spotify tracks to my playlist" reads the recently played tracks, then adds
/// them); or, for a delete asked on a schedule's first step, the read that lists what it acts
/// on when its object is named ("every day delete the files in my Google Drive folder" lists
/// them, then deletes each), since a delete needs the items found first.
pub(super) fn paired_action<'t>(
    tool: &'t Tool,
    chosen: &crate::catalog::Action,
    words: &[&str],
    lead: &[&str],
    prefer_read: bool,
) -> Option<&'t crate::catalog::Action> {
    let noun = |w: &str| is_object(tool, w);
    let other_role = |a: &&crate::catalog::Action| {
        a.id != chosen.id
            && matches!(
                (a.role, chosen.role),
                (Role::Read, Role::Write) | (Role::Write, Role::Read)
            )
    };
    let said = tool.actions.iter().filter(other_role).find(|a| {
        a.words.iter().any(|p| {
            !p.contains(' ')
                && !noun(p)
                && lead.contains(&p.as_str())
                && !chosen.words.iter().any(|c| c == p)
        })
    });
    if said.is_some() {
        return said;
    }
    let deletes = chosen.role == Role::Write
        && chosen
            .method
            .as_deref()
            .is_some_and(|m| m.eq_ignore_ascii_case("DELETE"));
    if !(prefer_read && deletes) {
        return None;
    }
    let target = id_object(chosen)?;
    let target = target.strip_suffix('s').unwrap_or(target);
    tool.actions.iter().filter(other_role).find(|a| {
        id_object(a).is_some_and(|o| o.strip_suffix('s').unwrap_or(o) == target)
            && a.words.iter().any(|p| {
                noun(p) && p.strip_suffix('s').unwrap_or(p) == target && words.contains(&p.as_str())
            })
    })
}

/// Whether `w` is the object one of `tool`'s actions acts on (the noun its id ends with, in
/// either number).
fn is_object(tool: &Tool, w: &str) -> bool {
    let singular = w.strip_suffix('s').unwrap_or(w);
    tool.actions
        .iter()
        .filter_map(id_object)
        .any(|o| o == w || o.strip_suffix('s').unwrap_or(o) == singular)
}

/// The noun an action's id ends with (`delete_file` → `file`), whether or not it is one of its
/// words.
fn id_object(a: &crate::catalog::Action) -> Option<&str> {
    a.id.rsplit('_').next().filter(|n| *n != a.id)
}

/// What an action acts on: the noun after the verb of its id (`create_invoice` → `invoice`),
/// when it is one of the action's words (in the singular or as written).
fn object_of(a: &crate::catalog::Action) -> Option<&str> {
    let noun = a.id.rsplit('_').next().filter(|n| *n != a.id)?;
    let singular = noun.strip_suffix('s').unwrap_or(noun);
    [noun, singular]
        .into_iter()
        .find(|n| a.words.iter().any(|w| w == n))
}

/// Whether two nouns are one in either number (`issue`, `issues`): actions of one tool name
/// their object in either ("create_issue", "list_issues").
fn same_noun(a: &str, b: &str) -> bool {
    a.strip_suffix('s').unwrap_or(a) == b.strip_suffix('s').unwrap_or(b)
}

/// The object of one of `tool`'s actions that the clause names first (in either number).
fn first_object<'t>(tool: &'t Tool, own: &[&str]) -> Option<&'t str> {
    own.iter().find_map(|w| {
        let singular = w.strip_suffix('s').unwrap_or(w);
        tool.actions
            .iter()
            .filter_map(object_of)
            .find(|o| o == w || *o == singular)
    })
}

/// Whether mention `m` is the object handed on to another tool named after it in its clause,
/// past one of the words before a tool that receives it ("the tweet to Slack").
fn handed_on(lang: &Language, toks: &[Tok], ms: &[Mention], m: &Mention) -> bool {
    let destinations = &lang.delivery.message_nouns.destinations;
    ms.iter().any(|other| {
        other.tool != m.tool
            && other.clause == m.clause
            && other.at >= m.at + m.len
            && toks[m.at + m.len..other.at]
                .iter()
                .any(|t| destinations.contains(&t.w))
    })
}

/// Verbs that make new records of the tool they are said of ("create QuickBooks customers").
const MAKE_VERBS: &[&str] = &[
    "create", "creates", "creating", "add", "adds", "adding", "make", "makes", "open", "insert",
    "generate", "raise", "log",
];

/// Words that tie the records made to the ones they are made from ("customers for new HubSpot
/// contacts", "invoices from the Shopify orders").
const MADE_FROM: &[&str] = &["for", "from", "of", "out"];

/// How many words before a tool's name its make verb may stand ("create new QuickBooks
/// customer records").
const MAKE_REACH: usize = 4;

/// Whether mention `m` names what another tool's new records are made from: in its clause a
/// make verb, within [`MAKE_REACH`] words before another tool's name, then a [`MADE_FROM`]
/// word, then `m` ("every Friday create QuickBooks customers for new HubSpot contacts": the
/// customers are QuickBooks', HubSpot's contacts are read). The make verb is the other tool's,
/// so it does not choose `m`'s action.
fn made_from(toks: &[Tok], ms: &[Mention], m: &Mention) -> bool {
    ms.iter().any(|o| {
        o.tool != m.tool
            && o.clause == m.clause
            && o.at + o.len <= m.at
            && (o.at.saturating_sub(MAKE_REACH)..o.at)
                .any(|k| toks[k].clause == m.clause && MAKE_VERBS.contains(&toks[k].w.as_str()))
            && toks[o.at + o.len..m.at]
                .iter()
                .any(|t| MADE_FROM.contains(&t.w.as_str()))
    })
}

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
        tool.action(&n.action)
            .filter(|a| a.unusable.is_none())
            .or_else(|| {
                // an alternative that names the same operation differently (Bedrock's converse)
                let role = catalog
                    .tool(&n.default)
                    .and_then(|d| d.action(&n.action))
                    .map(|a| a.role)?;
                tool.actions
                    .iter()
                    .find(|a| a.role == role && a.unusable.is_none())
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

/// The parameter of an action that asks a model (`generate_text`) for what to do with the
/// text: filled from the words of the clause that asked for the step.
pub(crate) const INSTRUCTION: &str = "instruction";

/// What a prompt calls any model ("draft a reply with AI"): dropped from an instruction like
/// the tool's own name.
const GENERIC_MODEL_NAMES: &[&str] = &[
    "ai",
    "an ai",
    "the ai",
    "a model",
    "the model",
    "an llm",
    "llm",
    "gpt",
    "chatgpt",
    "artificial intelligence",
];

/// Words that open a clause about the event, not the task ("when", "whenever" …).
const EVENT_OPENERS: &[&str] = &["when", "whenever", "once", "after", "every", "each", "if"];

/// A step before its parameters are read.
pub(super) struct Draft {
    pub tool: usize,
    pub action: String,
    /// The token it was asked for at (0 for the poll step).
    pub at: usize,
    pub clause: usize,
    pub role: Role,
}

/// The step for a need found at token `at`, with the assumption that says which tool was
/// chosen; `None` when the need is met already or every candidate is excluded.
#[expect(
    clippy::too_many_arguments,
    reason = "the planner's state, passed explicitly"
)]
pub(super) fn need_draft(
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
    // a candidate already in the plan meets the need, unless its step does something else
    // (OpenAI writing a summary transcribes nothing)
    let in_plan = |id: &String| {
        catalog
            .tools
            .iter()
            .position(|t| t.id == *id)
            .is_some_and(|i| {
                let other_work = |d: &Draft| {
                    catalog.tool_at(i).action(&n.action).is_some() && d.action != n.action
                };
                Some(i) == trigger_tool || drafts.iter().any(|d| d.tool == i && !other_work(d))
            })
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
    // a need with one tool in the catalog has no alternatives to list
    let others = if alts.is_empty() {
        String::new()
    } else {
        format!(" (alternatives: {})", alts.join(", "))
    };
    assumptions.push(format!(
        "No {} tool was named; using {}{why}{others}.",
        n.id, tool.name
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
pub(super) fn write_back(
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

/// The steps before their parameters: the named tools outside the trigger with the action
/// their clause asks for, then what the text asks for without naming a tool (needs, a delivery
/// channel, a team's chat), ordered read → transform → write, after the poll step of a polled
/// trigger. `NotUnderstood` when nothing is left to do. The flag says whether a poll step leads.
pub(super) fn drafts(
    catalog: &Catalog,
    lang: &Language,
    p: &Prompt<'_>,
    src: &Source<'_>,
    hints: &ToolHints<'_>,
    assumptions: &mut Vec<String>,
) -> Result<(Vec<Draft>, bool), WorkflowError> {
    let (toks, text, spans, ms, excl, masked) =
        (&p.toks, p.text, &p.spans, &p.ms, &p.excl, &p.masked);
    let (delivery, trigger_tool, event, kind) = (src.delivery, src.tool, src.event, src.kind);
    let trig_end = src.end;
    let clause_words = |c: usize| p.clause_words(c);
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
        if Some(m.tool) == trigger_tool && (src.mention == Some(k) || src.mention.is_none()) {
            continue;
        }
        // a tool named again adds a step only for a verb said for it ("get my recently played
        // Spotify tracks and add them to my Spotify playlist"), below
        let again = drafts.iter().any(|d| d.tool == m.tool);
        // the trigger's own item handed to another tool ("post the tweet to Slack") is what
        // moves, not a step of its tool (R10-3)
        if Some(m.tool) == trigger_tool && handed_on(lang, toks, ms, m) {
            continue;
        }
        let tool = catalog.tool_at(m.tool);
        if tool.actions.is_empty() {
            continue;
        }
        // the records another tool's are made from are read: its make verb is not this tool's
        let source = made_from(toks, ms, m);
        // the words that govern this name: from the previous tool's name in its clause (or the
        // clause's start) up to it
        let from = ms[..k]
            .iter()
            .filter(|o| o.clause == m.clause && o.at + o.len <= m.at)
            .map(|o| o.at + o.len)
            .max()
            .unwrap_or(0);
        // another tool named after this one as where things go ("copy the objects in my S3
        // bucket to Dropbox", "post the new reddit threads into Slack"): this tool is where
        // they come from, and the verb before it is the move's, not an action of this tool
        let feeds = feeds_a_destination(toks, ms, m);
        let moved = feeds
            .then(|| {
                let lead: Vec<&str> = toks[from..m.at]
                    .iter()
                    .filter(|t| t.clause == m.clause)
                    .map(|t| t.w.as_str())
                    .collect();
                said_verb(tool, &lang.verbs, &lead).map(|s| s.word)
            })
            .flatten();
        let not_made =
            |w: &&str| !(source && MAKE_VERBS.contains(w)) && moved.is_none_or(|v| v != *w);
        let words: Vec<&str> = clause_words(m.clause)
            .into_iter()
            .filter(not_made)
            .collect();
        let own: Vec<&str> = toks
            .iter()
            .filter(|t| t.clause == m.clause)
            .map(|t| t.w.as_str())
            .filter(not_made)
            .collect();
        // a schedule's first step reads; a poll trigger (a feed's new item) has read already;
        // a tool the new records are made from, or moved from to another, is read
        let prefer_read =
            (source_first && drafts.is_empty() && poll_step.is_none()) || source || feeds;
        let lead: Vec<&str> = toks[from..m.at]
            .iter()
            .filter(|t| t.clause == m.clause)
            .map(|t| t.w.as_str())
            .filter(not_made)
            .collect();
        // a name that is itself an action's word ("reply with a tweet") says that action
        let name = toks[m.at..m.at + m.len]
            .iter()
            .map(|t| t.w.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let named = tool
            .actions
            .iter()
            .any(|a| a.words.contains(&name))
            .then_some(name.as_str());
        if again && said_verb(tool, &lang.verbs, &lead).is_none() && named.is_none() {
            continue;
        }
        let Some(chosen) = pick_action(tool, &words, &own, &lead, named, prefer_read, &lang.verbs)
        else {
            continue;
        };
        let paired = paired_action(tool, chosen, &words, &lead, prefer_read);
        for a in std::iter::once(chosen).chain(paired) {
            if drafts.iter().any(|d| d.tool == m.tool && d.action == a.id) {
                continue;
            }
            // the trigger's own poll already reads this (a feed's URL names the tool again)
            if poll_step
                .as_ref()
                .is_some_and(|p| p.tool == m.tool && p.action == a.id)
            {
                continue;
            }
            // an action the catalog knows cannot work is never planned, and the user is told
            if let Some(why) = &a.unusable {
                let line = format!(
                    "{}'s step \"{}\" was left out: it cannot work as Cue can call it ({why}).",
                    tool.name, a.label
                );
                if !assumptions.contains(&line) {
                    assumptions.push(line);
                }
                continue;
            }
            drafts.push(Draft {
                tool: m.tool,
                action: a.id.clone(),
                at: m.at,
                clause: m.clause,
                role: a.role,
            });
        }
    }
    // a step for a need at token `at`, by the one rule `need_draft` holds
    let draft_for = |n: &Need, drafts: &[Draft], at: usize, notes: &mut Vec<String>| {
        need_draft(
            catalog,
            n,
            hints,
            excl,
            trigger_tool,
            drafts,
            at,
            toks[at].clause,
            notes,
        )
    };
    // needs: what the text asks for without naming a tool
    let used_categories = |drafts: &Vec<Draft>| -> Vec<String> {
        drafts
            .iter()
            .map(|d| catalog.tool_at(d.tool).category.clone())
            .chain(trigger_tool.map(|t| catalog.tool_at(t).category.clone()))
            .collect()
    };
    // between the name of the tool an app event comes from and the end of the trigger clause
    // ("when the Eventbrite event sells its last ticket")
    let event_name = trigger_tool
        .filter(|_| kind == TriggerKind::AppEvent)
        .and_then(|t| ms.iter().find(|m| m.tool == t))
        .map(|m| m.at);
    let in_event = |i: usize| event_name.is_some_and(|at| at < i && i < trig_end);
    for n in &catalog.needs {
        let cats = used_categories(&drafts);
        if n.trigger_only
            || n.categories.iter().any(|c| cats.contains(c))
            || lang.delivery.replaces_needs.contains(&n.id)
        {
            continue;
        }
        let start = if n.not_in_trigger && kind == TriggerKind::EmailReceived {
            trig_end
        } else {
            0
        };
        let hit = n
            .phrases
            .iter()
            .find_map(|p| {
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
                while let Some(i) = find_phrase(toks, &pw, from, toks.len()) {
                    let noun = pw.len() == 1 && lang.delivery.noun_uses.noun_at(toks, i);
                    let owned = entities::owned_by_tool(lang, toks, text, ms, i, pw.len())
                        || entities::kept_in_named_tool(lang, toks, ms, i, pw.len());
                    let of_event = n.not_in_event && in_event(i);
                    // "on our PayPal page, the director ...": no "page the"
                    let broken = punctuated(text, &toks[i..i + pw.len()]);
                    if !masked[i] && !excl.negated(i) && !noun && !owned && !of_event && !broken {
                        return Some(i);
                    }
                    from = i + 1;
                }
                None
            })
            .or_else(|| capabilities::capability_at(lang, &n.id, toks, masked, excl, start));
        let Some(at) = hit else { continue };
        drafts.extend(draft_for(n, &drafts, at, assumptions));
    }
    // a message asked for without a channel ("let me know", "notify the team")
    let delivers = used_categories(&drafts)
        .iter()
        .any(|c| lang.delivery.satisfied_by.contains(c));
    // a tool read from ("the crew changes from Smartsheet") receives nothing, whatever action
    // its step was given
    let read_from = |at: usize| {
        (0..at)
            .rev()
            .find(|&k| !lang.entities.skip_before.contains(&toks[k].w))
            .is_some_and(|k| lang.delivery.source_words.contains(&toks[k].w))
    };
    let writes = drafts
        .iter()
        .any(|d| d.role == Role::Write && !read_from(d.at));
    // a need every tool of whose kind the prompt excludes ("don't text me": SMS)
    let refused = |id: &str| {
        catalog.needs.iter().find(|n| n.id == id).is_some_and(|n| {
            let mut kind = catalog
                .tools
                .iter()
                .enumerate()
                .filter(|(_, t)| n.categories.contains(&t.category))
                .peekable();
            kind.peek().is_some() && kind.all(|(k, _)| excl.excludes(k))
        })
    };
    if !delivers
        && let Some((need_ids, at)) =
            delivery::unnamed_channel(lang, toks, excl, masked, trig_end, writes, &refused)
    {
        // the first audience whose channel is not excluded
        let draft = |id: &String| {
            let n = catalog.needs.iter().find(|n| n.id == *id)?;
            let mut notes = Vec::new();
            draft_for(n, &drafts, at, &mut notes).map(|d| (id.clone(), d))
        };
        // "alert me by anything but email": when the prompt excludes every kind the audience
        // chose and the message is all the workflow does, another kind delivers it (with other
        // steps, the excluded kind more often means no message at all)
        let chosen = need_ids.iter().find_map(draft).or_else(|| {
            (drafts.is_empty() && need_ids.iter().any(|id| refused(id)))
                .then(|| lang.delivery.fallback_needs.iter().find_map(draft))
                .flatten()
        });
        if let Some((id, d)) = chosen {
            let tool = catalog.tool_at(d.tool);
            assumptions.push(format!(
                "No delivery channel was named; sending it {} with {} (name {} to change it).",
                delivery::audience_words(&id),
                tool.name,
                channel_alternatives(catalog, excl)
            ));
            drafts.push(d);
        }
    }
    // "text me and notify my team": a team asked for by name gets its chat message too
    if !used_categories(&drafts).iter().any(|c| c == "chat")
        && let Some((at, need)) = delivery::team_ask(lang, toks, excl, masked, trig_end)
        && let Some(n) = catalog.needs.iter().find(|n| n.id == need)
        && let Some(d) = draft_for(n, &drafts, at, assumptions)
    {
        drafts.push(d);
    }
    // "email the owner and text the handyman": an ask that names its own channel gets it
    for need in &lang.delivery.own_channel_needs {
        let Some(n) = catalog.needs.iter().find(|n| n.id == *need) else {
            continue;
        };
        if n.categories.iter().any(|c| {
            drafts
                .iter()
                .any(|d| catalog.tool_at(d.tool).category == *c)
        }) {
            continue;
        }
        if let Some(at) = delivery::own_channel_ask(lang, toks, excl, masked, trig_end, need)
            && let Some(d) = draft_for(n, &drafts, at, assumptions)
        {
            drafts.push(d);
        }
    }
    drafts.sort_by(|a, b| a.role.cmp(&b.role).then(a.at.cmp(&b.at)));
    let has_poll = poll_step.is_some();
    if let Some(p) = poll_step {
        drafts.insert(0, p);
    }
    // a step left out because it cannot work is the reason when nothing is left
    let left_out = assumptions
        .iter()
        .find(|a| a.contains("was left out: it cannot work"))
        .map(|a| format!("{a} Name another app for it."));
    if drafts.is_empty() && trigger_tool.is_none() {
        return Err(WorkflowError::NotUnderstood {
            hint: left_out.unwrap_or_else(|| "name what should happen and with which apps, e.g. \"every Monday at 9am post the open GitHub issues to #dev in Slack\"".to_owned()),
        });
    }
    // a polled trigger's own step reads the item; the work on it is still to be found ("a new
    // file in my Drive folder: delete it")
    if drafts.len() == usize::from(has_poll)
        && let Some(ti) = trigger_tool
        // a transcript's trigger clause may run to its end: then the event's own record is
        // acted on after its name ("a new zendesk ticket comes in ... set the priority")
        && let Some(d) = write_back(catalog, lang, toks, ti, trig_end)
            .or_else(|| {
                // after the trigger tool's name, whatever the kind of its event (a polled new
                // file is a file upload)
                let named = ms.iter().find(|m| m.tool == ti).map(|m| m.at)?;
                write_back(catalog, lang, toks, ti, named + 1)
            })
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
            hint: left_out.unwrap_or_else(|| "say what should happen after the event, e.g. \"... then post it to #alerts in Slack\"".to_owned()),
        });
    }

    Ok((drafts, has_poll))
}

/// The channels the "no delivery channel was named" assumption offers instead, leaving out
/// the tools the prompt excluded ("we are moving off Slack" is not told to name Slack).
fn channel_alternatives(catalog: &Catalog, excl: &Exclusions) -> String {
    let open = |id: &str| {
        catalog
            .tools
            .iter()
            .position(|t| t.id == id)
            .is_none_or(|i| !excl.excludes(i))
    };
    let team: Vec<&str> = [("slack", "Slack"), ("microsoft_teams", "Microsoft Teams")]
        .iter()
        .filter(|(id, _)| open(id))
        .map(|&(_, name)| name)
        .collect();
    let mut parts = Vec::new();
    if !team.is_empty() {
        parts.push(format!("{} for a team channel", team.join(" or ")));
    }
    if open("twilio") {
        parts.push("Twilio for SMS".to_owned());
    }
    parts.push("an email service".to_owned());
    match parts.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{}, or {last}", rest.join(", ")),
        _ => parts.concat(),
    }
}

/// The steps with their parameters (read from each step's clause, quoted names used once) and
/// loops (`each`/`every <thing>` over the previous read or the trigger's batch), and the
/// trigger's own parameters (bucket, queue, stream).
pub(super) fn build(
    catalog: &Catalog,
    p: &Prompt<'_>,
    src: &Source<'_>,
    drafts: &[Draft],
    has_poll: bool,
    mut step_conditions: BTreeMap<usize, Condition>,
) -> Result<(Vec<Step>, BTreeMap<String, String>), WorkflowError> {
    let (toks, text, delivery) = (&p.toks, p.text, src.delivery);
    let trig_end = src.end;
    let clause_span = |c: usize| p.clause_span(c);
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
        let span = (0, toks.get(trig_end).map_or(text.len(), |t| t.start));
        trigger_params = extract_params(&p.lang.grammar, &defaults, text, span, &mut used_quotes);
    }
    let mut steps: Vec<Step> = Vec::new();
    let batch_trigger = matches!(
        delivery,
        Delivery::Sqs
            | Delivery::Kinesis
            | Delivery::DynamodbStream
            | Delivery::Kafka
            | Delivery::S3
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
        let mut params = extract_params(
            &p.lang.grammar,
            &action.params,
            text,
            span,
            &mut used_quotes,
        );
        if has_poll && i == 0 {
            // the poll step may find its names in the trigger clause
            let span = (0, toks.get(trig_end).map_or(text.len(), |t| t.start));
            params = extract_params(
                &p.lang.grammar,
                &action.params,
                text,
                span,
                &mut used_quotes,
            );
        }
        // the words a search looks for, as the clause says what the records are about (a
        // poll step's in the trigger clause: "when someone tweets about Acme")
        let search_span = if has_poll && i == 0 {
            (0, toks.get(trig_end).map_or(text.len(), |t| t.start))
        } else {
            span
        };
        for (name, kind) in &action.param_kinds {
            if *kind == crate::catalog::ParamKind::Search
                && let Some(words) = super::params::search_words(toks, text, search_span, &|w| {
                    super::message::starts_tool_name(catalog, w)
                })
            {
                params.insert(name.clone(), words);
            }
        }
        // a step that asks a model is told what the clause that asked for it says
        if action.params.contains_key(INSTRUCTION) {
            let names: Vec<String> = std::iter::once(&tool.name)
                .chain(&tool.aliases)
                .map(String::as_str)
                .chain(GENERIC_MODEL_NAMES.iter().copied())
                .map(|n| {
                    crate::text::tokenize(n)
                        .into_iter()
                        .map(|t| t.w)
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            // the clauses other steps were asked in are theirs
            let taken: Vec<usize> = drafts
                .iter()
                .filter(|o| o.clause != d.clause)
                .map(|o| o.clause)
                .collect();
            // the trigger's words are not the task: the instruction starts after them, or, in a
            // clause that opens with the event ("when the report lands in drive summarise it"),
            // at the first phrase that asks a model
            let first = toks.iter().position(|t| t.clause == d.clause).unwrap_or(0);
            let asks_model = |k: usize| {
                catalog
                    .needs
                    .iter()
                    .filter(|n| n.action == action.id)
                    .flat_map(|n| &n.phrases)
                    .any(|ph| {
                        let pw: Vec<&str> = ph.split(' ').collect();
                        toks.get(k..k + pw.len()).is_some_and(|ts| {
                            ts.iter()
                                .zip(&pw)
                                .all(|(t, w)| t.w == *w && t.clause == d.clause)
                        })
                    })
            };
            let from = if d.clause == toks.get(trig_end).map_or(usize::MAX, |t| t.clause) {
                trig_end
            } else if EVENT_OPENERS.contains(&toks.get(first).map_or("", |t| t.w.as_str())) {
                (first..toks.len())
                    .take_while(|&k| toks[k].clause == d.clause)
                    .find(|&k| asks_model(k))
                    .unwrap_or(first)
            } else {
                first
            };
            if let Some(said) =
                super::params::instruction(toks, text, d.clause, from, trig_end, &taken, &names)
            {
                params.insert(INSTRUCTION.to_owned(), said);
            }
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

    Ok((steps, trigger_params))
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use crate::{Engine, GenerateRequest};

    fn steps(prompt: &str) -> Vec<(String, String)> {
        let plan = Engine::new()
            .unwrap()
            .plan(&GenerateRequest::text(prompt))
            .unwrap();
        plan.steps.into_iter().map(|s| (s.tool, s.action)).collect()
    }

    #[test]
    fn a_tool_doing_other_work_does_not_meet_a_need() {
        // OpenAI writing the summary transcribes nothing: the recordings still need it
        let s = steps(
            "Take the call recordings in Google Drive, transcribe them, and write a one-paragraph summary into the HubSpot deal.",
        );
        assert!(s.iter().any(|(_, a)| a == "transcribe"), "{s:?}");
        assert!(s.iter().any(|(_, a)| a == "generate_text"), "{s:?}");
        // a named tool that does the need's own work meets it
        let s = steps("Use OpenAI to transcribe each voicemail and post the text to Slack");
        assert!(!s.iter().any(|(t, _)| t == "amazon_transcribe"), "{s:?}");
        assert!(s.iter().any(|(t, _)| t == "openai"), "{s:?}");
    }

    #[test]
    fn a_need_noun_inside_a_named_event_asks_for_nothing() {
        // the ticket is the event's; the priority is set on the event's own record
        let s =
            steps("When the Eventbrite event sells its last ticket, send the organizers a note.");
        assert!(!s.iter().any(|(t, _)| t == "zendesk"), "{s:?}");
        let s = steps(
            "When a new Zendesk ticket comes from an email ending in .gov, set the priority to high",
        );
        assert_eq!(
            s.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>(),
            ["zendesk"]
        );
        // without punctuation the trigger clause may run on: the record is still acted on
        let s = steps(
            "when a new zendesk ticket comes from an email ending in dot gov set the priority to high",
        );
        assert_eq!(
            s.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>(),
            ["zendesk"]
        );
        // outside the event's clause the same noun asks for a helpdesk
        let s = steps("When a Stripe payment fails, open a ticket for the billing team");
        assert!(s.iter().any(|(t, _)| t == "zendesk"), "{s:?}");
    }

    #[test]
    fn a_tool_named_as_the_destination_is_written_to_and_one_read_from_is_read() {
        let into = ["to", "into", "onto"];
        for w in into {
            assert!(super::is_destination(&["export", "it", w]), "{w}");
            assert!(super::is_destination(&["save", "it", w, "our"]), "{w}");
        }
        for lead in [
            &["files", "in"][..],
            &["from"],
            &["from", "my"],
            &["to", "list", "in"],
            &[],
        ] {
            assert!(!super::is_destination(lead), "{lead:?}");
        }
        // a full tie between a listing and an upload: the destination decides
        let s = steps("every monday export the new stripe charges as a csv file to onedrive");
        assert!(
            s.contains(&("onedrive".into(), "upload_file".into())),
            "{s:?}"
        );
        let s = steps("every monday export the new stripe charges as a csv file into our dropbox");
        assert!(
            s.iter()
                .any(|(t, a)| t == "dropbox" && a.starts_with("upload")),
            "{s:?}"
        );
    }

    #[test]
    fn a_tool_read_from_is_not_where_the_message_goes() {
        let s =
            steps("At 7am each day, send the superintendents the day's schedule from Smartsheet.");
        assert!(
            s.iter().any(|(t, _)| t == "amazon_ses" || t == "gmail"),
            "{s:?}"
        );
    }
}

/// Whether punctuation (a comma, a stop, a colon, a line break) stands between two of `toks`,
/// consecutive tokens of `text`, with a space after it: a phrase said across it is no phrase
/// ("TL;DR", written in one piece, is one).
fn punctuated(text: &str, toks: &[Tok]) -> bool {
    toks.windows(2).any(|w| {
        text.get(w[0].end..w[1].start).is_some_and(|g| {
            g.contains([',', ';', '.', '!', '?', ':', '\n']) && g.contains(char::is_whitespace)
        })
    })
}

#[cfg(test)]
mod punctuation_tests {
    use super::punctuated;
    use crate::text::tokenize;

    /// A need's phrase is said within one stretch of words: "on our PayPal page, the director
    /// wants a text" pages nobody (twelfth session, lang12).
    #[test]
    fn a_phrase_across_punctuation_is_no_phrase() {
        for (text, want) in [
            ("page, the director", true),
            ("page. The director", true),
            ("page: the director", true),
            ("page the director", false),
            ("figure out if it is spam", false),
            ("TL;DR of it", false),
        ] {
            assert_eq!(punctuated(text, &tokenize(text)[..3]), want, "{text}");
        }
    }
}
