//! Negation and its scope: "never text the customer", "leave HubSpot out of it", "no tickets
//! in Linear", "without emailing anyone", "the zoom call isn't needed". What a negation covers
//! is excluded from the plan, including as a default for something the prompt asks for
//! (`data/language/negation.json`).

use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::OnceLock;

use serde::Deserialize;

use super::Mention;
use super::language::{Language, Phrase, Selector, any_at, phrase_at, phrases};
use crate::catalog::Catalog;
use crate::text::Tok;

/// What the prompt excludes.
#[derive(Debug, Default)]
pub(super) struct Exclusions {
    /// Token ranges under a negation.
    pub scopes: Vec<Range<usize>>,
    /// Excluded tools (catalog indexes).
    pub tools: BTreeSet<usize>,
    /// The prompt wants tools hosted in AWS ("a model inside our AWS account").
    pub prefer_aws: bool,
}

impl Exclusions {
    /// Whether token `i` is under a negation.
    pub(super) fn negated(&self, i: usize) -> bool {
        self.scopes.iter().any(|r| r.contains(&i))
    }

    pub(super) fn excludes(&self, tool: usize) -> bool {
        self.tools.contains(&tool)
    }
}

/// Words after the "off" of "keep X off" that end the exclusion ("keep Zoom off for now").
const OFF_FOLLOWERS: &[&str] = &[
    "until", "till", "for", "this", "while", "unless", "now", "please",
];

/// First words of `after` cues that point back past a clause break ("..., but that's gone now").
const ANAPHORIC: &[&str] = &["that", "it", "which", "this"];

/// Last words of `after` cues that point back past a clause break ("we used to copy them to
/// Airtable but stop doing that"): the cue's object is what was done before.
const ANAPHORIC_OBJECTS: &[&str] = &["that", "it"];

/// The most describing words between a `direct` cue and what it excludes.
const MAX_MODIFIERS: usize = 2;

fn clause_end(toks: &[Tok], i: usize) -> usize {
    let c = toks[i].clause;
    toks[i..]
        .iter()
        .position(|t| t.clause != c)
        .map_or(toks.len(), |k| i + k)
}

/// The channel word starting at token `i`, if any.
fn channel_at<'l>(
    lang: &'l Language,
    toks: &[Tok],
    i: usize,
) -> Option<&'l (Vec<String>, Vec<Selector>)> {
    lang.negation
        .channels
        .iter()
        .filter(|(p, _)| phrase_at(toks, i, p))
        .max_by_key(|(p, _)| p.len())
}

/// Finds the negated token ranges and the tools they exclude; `text` is what `toks` were read
/// from.
pub(super) fn exclusions(
    catalog: &Catalog,
    lang: &Language,
    text: &str,
    toks: &[Tok],
    ms: &[Mention],
) -> Exclusions {
    let n = &lang.negation;
    let mut scopes: Vec<Range<usize>> = hyphenated(lang, text, toks, ms);
    scopes.extend(answered_no(lang, text, toks, ms));
    // scopes of `without_doing` cues: they exclude only tools named nowhere else
    let mut soft: Vec<Range<usize>> = denied_subjects(lang, text, toks, ms);
    soft.extend(denied_channels(lang, toks));
    soft.extend(left_behind(toks, ms));
    soft.extend(retracted(lang, toks, ms));
    for i in 0..toks.len() {
        // "ShipStation must not be used", "Gusto does that itself": the tool named just before
        // (checked first: the phrase may start with a clause cue, "must not")
        if let Some(cue) = any_at(toks, i, &n.after) {
            // "..., but that's gone now": a cue that points back reaches the clause before
            let back = usize::from(
                ANAPHORIC.contains(&cue[0].as_str())
                    || cue
                        .last()
                        .is_some_and(|w| ANAPHORIC_OBJECTS.contains(&w.as_str())),
            );
            let clause = toks[i].clause;
            if let Some(m) = ms
                .iter()
                .rev()
                .find(|m| m.at + m.len <= i && m.clause + back >= clause && m.clause <= clause)
            {
                scopes.push(m.at..m.at + m.len);
                // "Mixpanel and Amplitude shouldn't be queried": the whole list before the cue
                let mut head = m.at;
                while let Some(prev) = ms.iter().rev().find(|p| p.at + p.len <= head) {
                    if !listed_with(lang, text, toks, prev, head) {
                        break;
                    }
                    scopes.push(prev.at..prev.at + prev.len);
                    head = prev.at;
                }
            }
        }
        // "issues with no assignee", "if the contact is not in HubSpot": a description of data
        let after_verb = i.checked_sub(1).is_some_and(|p| {
            toks[p].clause == toks[i].clause && n.attribute_before.contains(&toks[p].w)
        });
        // "don't forget to email me", "not only Slack": the cue is cancelled
        let undone = |cue: &[String]| any_at(toks, i + cue.len(), &n.undo).is_some();
        let attribute = |cue: &[String]| {
            undone(cue) || (after_verb && n.attribute_sensitive.iter().any(|a| a == cue))
        };
        // "without adding them to Slack yet": an action left undone, to the end of its clause
        if let Some(p) = any_at(toks, i, &n.without_doing)
            && !attribute(p)
        {
            soft.push(i + p.len()..clause_end(toks, i + p.len() - 1));
            continue;
        }
        if let Some(p) = any_at(toks, i, &n.clause)
            && !attribute(p)
        {
            let from = i + p.len();
            // the clause of the cue's last word ("anything but" spans the break at "but")
            let end = clause_end(toks, from - 1);
            // the scope ends at a word that starts the next request ("not through Shopify, use
            // SendGrid"), never at the cue's own first word ("don't use Slack")
            let end = (from + 1..end)
                .find(|&k| n.scope_end.contains(&toks[k].w))
                .unwrap_or(end);
            // "don't open anything in Jira or Linear — GitHub only": a tool with an
            // `asserted_after` word right after it is the request that replaces the excluded ones
            let end = ms
                .iter()
                .filter(|m| m.at > from && m.at < end)
                .find(|m| {
                    toks.get(m.at + m.len).is_some_and(|t| {
                        t.clause == toks[m.at].clause && n.asserted_after.contains(&t.w)
                    })
                })
                .map_or(end, |m| m.at);
            let chore = any_at(toks, from, &n.chore_openers).is_some()
                && (from..end).any(|k| any_at(toks, k, &n.chores).is_some());
            // "don't open any issues anywhere, not in GitLab, not in Jira": the places an
            // action is not done, listed after "anywhere", exclude only tools named nowhere
            // else (GitLab stays the source of the pipeline event)
            if listed_place(toks, i) {
                soft.push(from..end);
            } else if !chore {
                scopes.push(from..end);
            }
            continue;
        }
        // "nobody wants another Zoom link": a verb of use or want whose subject is nobody
        if let Some(from) = nobody_verb_end(lang, toks, i) {
            scopes.extend(direct_object(lang, toks, ms, from, false));
            continue;
        }
        if let Some(p) = any_at(toks, i, &n.direct)
            && !attribute(p)
        {
            let adjacent_no = any_at(toks, i, &n.corrections_adjacent) == Some(p);
            scopes.extend(direct_object(lang, toks, ms, i + p.len(), adjacent_no));
            continue;
        }
        for (open, close) in &n.around {
            if phrase_at(toks, i, open) {
                let end = clause_end(toks, i);
                if let Some(j) = (i + open.len()..end).find(|&j| phrase_at(toks, j, close)) {
                    // "keep LinkedIn off until HR says so", not "keep Slack updated with the
                    // off hours alerts": an "off" that closes ends its clause or a phrase
                    let after = toks.get(j + close.len());
                    let closes = close.as_slice() != ["off"]
                        || after.is_none_or(|t| {
                            t.clause != toks[j].clause || OFF_FOLLOWERS.contains(&t.w.as_str())
                        });
                    if closes {
                        scopes.push(i + open.len()..j);
                    }
                } else if let Some(j) = listed_until(lang, toks, ms, i + open.len(), close) {
                    // "leave Pinterest and TikTok alone": a list crosses the clause break
                    scopes.push(i + open.len()..j);
                }
            }
        }
    }
    for (cue, old, new) in corrections(catalog, lang, toks, ms) {
        // "Slack, no, Teams": the cue is no negation of the new tool
        scopes.retain(|r| !(r.contains(&new.at) && r.start >= cue));
        scopes.push(old.at..old.at + old.len);
    }
    let firm = |i: usize| scopes.iter().any(|r| r.contains(&i));
    let negated = |i: usize| firm(i) || soft.iter().any(|r| r.contains(&i));
    let named_outside: BTreeSet<usize> = ms
        .iter()
        .filter(|m| !negated(m.at))
        .map(|m| m.tool)
        .collect();
    let mut tools: BTreeSet<usize> = ms
        .iter()
        .filter(|m| negated(m.at) && (firm(m.at) || !named_outside.contains(&m.tool)))
        .map(|m| m.tool)
        .collect();
    for i in 0..toks.len() {
        if !negated(i) || ms.iter().any(|m| m.at <= i && i < m.at + m.len) {
            continue;
        }
        // "anything but Jira for the ticket": a channel word after the excluded tool
        // describes it
        let describes_tool = scopes
            .iter()
            .filter(|r| r.contains(&i))
            .any(|r| ms.iter().any(|m| m.at >= r.start && m.at < i));
        if !describes_tool && let Some((_, sels)) = channel_at(lang, toks, i) {
            for (k, t) in catalog.tools.iter().enumerate() {
                if sels.iter().any(|s| s.selects(t)) && !named_outside.contains(&k) {
                    tools.insert(k);
                }
            }
        }
    }
    let prefer_aws = (0..toks.len()).any(|i| any_at(toks, i, &lang.prefer_aws).is_some());
    scopes.extend(soft);
    Exclusions {
        scopes,
        tools,
        prefer_aws,
    }
}

const NEGATION_JSON: &str = include_str!("../../data/language/negation.json");

/// `migration` of `data/language/negation.json`: a move the user's side made away from a tool
/// ("we moved from Asana to Monday", "the team switched from Trello", "we replaced Zendesk
/// with Freshdesk"). A `subjects` phrase (the user's side) ends at most `gap` words before one
/// of `verbs` in its clause; right after the verb (past at most one `particles` word), one of
/// `from` and then the tool, or, for `replace_verbs`, the tool and then one of `with`. The tool
/// is what the move left behind: excluded when the rest of the prompt does not name it. A verb
/// with an object of its own ("we move the rows from Airtable") is a transfer of data, not a
/// move away: the tool must follow the verb at once.
#[derive(Debug, Default, Deserialize)]
struct MigrationFile {
    subjects: Vec<String>,
    gap: usize,
    verbs: Vec<String>,
    particles: Vec<String>,
    from: Vec<String>,
    replace_verbs: Vec<String>,
    with: Vec<String>,
    /// Words that may stand between `from` (or a replace verb) and the tool ("the", "our").
    determiners: Vec<String>,
}

#[derive(Debug, Default)]
struct Migration {
    subjects: Vec<Phrase>,
    gap: usize,
    verbs: Vec<Phrase>,
    particles: Vec<String>,
    from: Vec<Phrase>,
    replace_verbs: Vec<Phrase>,
    with: Vec<Phrase>,
    determiners: Vec<String>,
}

/// `retraction` of `data/language/negation.json`: words a retraction's scope passes over when
/// it counts its own words (pronouns: "don't add them"), and words that, standing between the
/// action and the negation, make the negation a branch of a condition, not a retraction ("if
/// they didn't tick it, don't add them").
#[derive(Debug, Default, Deserialize)]
struct Retraction {
    passed_over: Vec<String>,
    branches: Vec<String>,
}

#[derive(Deserialize)]
struct NegationMigration {
    #[serde(default)]
    migration: MigrationFile,
    #[serde(default)]
    retraction: Retraction,
}

/// The `migration` and `retraction` entries, read once; a file without them (or unreadable,
/// which the language loader reports) moves and takes back nothing.
fn structural() -> &'static (Migration, Retraction) {
    static ENTRIES: OnceLock<(Migration, Retraction)> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        let (f, r) = serde_json::from_str::<NegationMigration>(NEGATION_JSON)
            .map(|n| (n.migration, n.retraction))
            .unwrap_or_default();
        let m = Migration {
            subjects: phrases(&f.subjects),
            gap: f.gap,
            verbs: phrases(&f.verbs),
            particles: f.particles,
            from: phrases(&f.from),
            replace_verbs: phrases(&f.replace_verbs),
            with: phrases(&f.with),
            determiners: f.determiners,
        };
        (m, r)
    })
}

/// The tools the user's side moved away from ("we moved from Asana to Monday", "we replaced
/// Zendesk with Freshdesk"), as soft scopes: see [`MigrationFile`].
fn left_behind(toks: &[Tok], ms: &[Mention]) -> Vec<Range<usize>> {
    let mg = &structural().0;
    let mut out = Vec::new();
    // the mention starting at `k` past determiners, in `k`'s clause
    let tool_at = |k: usize| {
        let clause = toks.get(k)?.clause;
        let mut k = k;
        while toks
            .get(k)
            .is_some_and(|t| t.clause == clause && mg.determiners.contains(&t.w))
        {
            k += 1;
        }
        ms.iter().find(|m| m.at == k && toks[k].clause == clause)
    };
    for i in 0..toks.len() {
        let clause = toks[i].clause;
        // the user's side is the subject: a subject phrase ends at most `gap` words before
        let subject = (i.saturating_sub(mg.gap + 3)..i).any(|k| {
            toks[k].clause == clause
                && any_at(toks, k, &mg.subjects)
                    .is_some_and(|p| k + p.len() <= i && i - (k + p.len()) <= mg.gap)
        });
        if !subject {
            continue;
        }
        if let Some(v) = any_at(toks, i, &mg.verbs) {
            let mut k = i + v.len();
            if toks.get(k).is_some_and(|t| mg.particles.contains(&t.w)) {
                k += 1;
            }
            if let Some(f) = any_at(toks, k, &mg.from)
                && let Some(m) = tool_at(k + f.len())
            {
                out.push(m.at..m.at + m.len);
            }
        } else if let Some(v) = any_at(toks, i, &mg.replace_verbs)
            && let Some(m) = tool_at(i + v.len())
            && any_at(toks, m.at + m.len, &mg.with).is_some()
        {
            out.push(m.at..m.at + m.len);
        }
    }
    out
}

/// How far back a retraction looks for the words it repeats.
const RETRACT_BACK: usize = 24;

/// The fewest words of its own a retraction must repeat.
const RETRACT_WORDS: usize = 2;

/// A word's form for comparing a retraction with what it takes back ("creates" / "create",
/// "codes" / "code").
fn stem(w: &str) -> &str {
    w.strip_suffix('s').filter(|r| r.len() >= 3).unwrap_or(w)
}

/// The tools of actions taken back by saying them again under a `clause` cue ("create
/// Eventbrite discount codes, no that's wrong, don't create discount codes"): a scope that
/// names no tool and no channel, whose own words (at least two, past glue and short words)
/// were all said in the `RETRACT_BACK` words before the cue, takes back the tool named among
/// them (or right after them), unless the rest of the prompt names it. A scope with a word of
/// its own ("don't create codes for staff") narrows the action, it does not take it back; a
/// condition between the action and the negation makes it a branch ("add them to the list; if
/// they didn't tick the box, don't add them").
fn retracted(lang: &Language, toks: &[Tok], ms: &[Mention]) -> Vec<Range<usize>> {
    let n = &lang.negation;
    let rt = &structural().1;
    let mut out = Vec::new();
    for i in 0..toks.len() {
        let Some(p) = any_at(toks, i, &n.clause) else {
            continue;
        };
        let from = i + p.len();
        if any_at(toks, from, &n.undo).is_some() || from >= toks.len() {
            continue;
        }
        let end = clause_end(toks, from - 1);
        let end = (from + 1..end)
            .find(|&k| n.scope_end.contains(&toks[k].w))
            .unwrap_or(end);
        let names = (from..end)
            .any(|k| ms.iter().any(|m| m.at == k) || channel_at(lang, toks, k).is_some());
        if names {
            continue;
        }
        let own: Vec<&str> = toks[from..end]
            .iter()
            .map(|t| t.w.as_str())
            .filter(|w| {
                w.len() > 2
                    && !n.glue.iter().any(|g| g == w)
                    && !rt.passed_over.iter().any(|g| g == w)
            })
            .collect();
        if own.len() < RETRACT_WORDS {
            continue;
        }
        let back = i.saturating_sub(RETRACT_BACK)..i;
        // where each word was said before, the latest first
        let said: Option<Vec<usize>> = own
            .iter()
            .map(|w| {
                back.clone()
                    .rev()
                    .find(|&k| !toks[k].w.is_empty() && stem(&toks[k].w) == stem(w))
            })
            .collect();
        let Some(said) = said else {
            continue;
        };
        let (lo, hi) = (
            said.iter().copied().min().unwrap_or(i),
            said.iter().copied().max().unwrap_or(i),
        );
        if (lo..i).any(|k| rt.branches.contains(&toks[k].w)) {
            continue;
        }
        // the tool among the repeated words or right after them ("discount codes in Eventbrite")
        if let Some(m) = ms
            .iter()
            .filter(|m| m.at + m.len <= i && m.at + 1 >= lo && m.at <= hi + 3)
            .min_by_key(|m| m.at.abs_diff(lo))
        {
            out.push(m.at..m.at + m.len);
        }
    }
    out
}

/// Whether mention `prev` and the name starting at token `head` are items of one list
/// ("Mixpanel and Amplitude", "Mixpanel, Amplitude", "Mixpanel/Amplitude").
fn listed_with(lang: &Language, text: &str, toks: &[Tok], prev: &Mention, head: usize) -> bool {
    let between = prev.at + prev.len..head;
    if between.is_empty() {
        // only a comma or a slash between
        text.get(toks[prev.at + prev.len - 1].end..toks[head].start)
            .is_some_and(|g| g.trim() == "," || g.trim() == "/")
    } else {
        between
            .clone()
            .all(|k| lang.entities.list_joins.contains(&toks[k].w))
    }
}

/// Tools that are the subject of a clause denying them ("GitHub and GitLab have nothing to do
/// with this", "Toggl and Clockify are not in use", "Mailchimp used to do this"): the list of
/// tools opens its clause (past `openers`) and the denial follows it (`subject_denial` of
/// `data/language/negation.json`). A clause opened by any other word ("if Jira has no
/// assignee", "when HubSpot isn't reachable") describes data or an event. The mentions'
/// ranges, excluded only when the rest of the prompt does not name them.
fn denied_subjects(lang: &Language, text: &str, toks: &[Tok], ms: &[Mention]) -> Vec<Range<usize>> {
    let sd = &lang.negation.subject_denial;
    let mut out = Vec::new();
    for m in ms {
        let k = m.at + m.len;
        let denies = any_at(toks, k, sd.unaided.as_slice()).is_some()
            || toks.get(k).is_some_and(|t| sd.auxiliaries.contains(&t.w))
                && (k + 1..=k + 1 + sd.gap)
                    .any(|j| toks.get(j).is_some_and(|t| sd.negators.contains(&t.w)));
        if !denies {
            continue;
        }
        // the list the subject ends, back to its first item
        let mut items = vec![m];
        let mut head = m.at;
        while let Some(prev) = ms.iter().rev().find(|p| p.at + p.len <= head) {
            if !listed_with(lang, text, toks, prev, head) {
                break;
            }
            items.push(prev);
            head = prev.at;
        }
        let clause = toks[head].clause;
        let opens = toks[..head]
            .iter()
            .rev()
            .take_while(|t| t.clause == clause)
            .all(|t| t.w.is_empty() || sd.openers.contains(&t.w));
        if opens {
            out.extend(items.iter().map(|p| p.at..p.at + p.len));
        }
    }
    out
}

/// What a `direct` cue ending before token `from` excludes: the tool or channel word within
/// `reach` words in its clause, past glue and describing words (`None` when another word comes
/// first). `adjacent_no`: the cue is a bare "no", which before a tool that a correction cue
/// follows says which tool was meant ("an entry in free agent no freshbooks sorry").
fn direct_object(
    lang: &Language,
    toks: &[Tok],
    ms: &[Mention],
    from: usize,
    adjacent_no: bool,
) -> Option<Range<usize>> {
    let n = &lang.negation;
    // the clause of the cue's last word ("anything but" spans the break at "but")
    let end = clause_end(toks, from - 1);
    let mut k = from;
    // describing words stretch the reach: "no thank-you email"
    let mut described = 0;
    while k < end && k < from + n.reach + described {
        if let Some(m) = ms.iter().find(|m| m.at == k) {
            let meant = adjacent_no
                && any_at(toks, k + m.len, &n.corrections).is_some()
                && toks[k + m.len].clause == toks[k].clause;
            return (!meant).then_some(k..k + m.len);
        }
        if let Some((c, _)) = channel_at(lang, toks, k) {
            // "no tickets in Linear": the tool qualifies the channel word, and only the tool
            // is excluded
            let after = k + c.len();
            let qualified = ms.iter().find(|m| {
                m.at >= after
                    && m.at < (after + n.reach).min(end)
                    && (after..m.at).all(|j| n.glue.contains(&toks[j].w))
            });
            return Some(qualified.map_or(k..after, |m| m.at..m.at + m.len));
        }
        // "no digest mail": a word that with the channel word after it makes a compound
        // ending the clause describes the channel
        let compound = ms.iter().all(|m| m.at != k)
            && channel_at(lang, toks, k + 1).is_some_and(|(c, _)| k + 1 + c.len() == end);
        if described < MAX_MODIFIERS && (n.modifiers.contains(&toks[k].w) || compound) {
            described += 1;
        } else if !n.glue.contains(&toks[k].w) {
            return None;
        }
        k += 1;
    }
    None
}

/// The end of "nobody wants", "no one on the team reads" starting at token `i`: a `nobody`
/// subject, at most `gap` words in its clause, then one of its verbs; `None` in a clause that a
/// condition word opens before the subject ("if nobody reads it").
fn nobody_verb_end(lang: &Language, toks: &[Tok], i: usize) -> Option<usize> {
    let nb = &lang.negation.nobody;
    let subject = any_at(toks, i, &nb.subjects)?;
    let clause = toks[i].clause;
    let conditional = toks[..i]
        .iter()
        .rev()
        .take_while(|t| t.clause == clause)
        .any(|t| nb.conditions.contains(&t.w));
    if conditional {
        return None;
    }
    let from = i + subject.len();
    (from..=from + nb.gap)
        .take_while(|&k| toks.get(k).is_some_and(|t| t.clause == clause))
        .find(|&k| nb.verbs.contains(&toks[k].w))
        .map(|k| k + 1)
}

/// The most words that may stand before a tool asked about on its own ("what about Okta?").
const QUESTION_OPENERS: usize = 2;

/// Tools asked about on their own and answered "no" ("Okta? No, we don't have it", "and
/// Zapier? nope"): the question is the tool's name (after at most two words) closed by a
/// question mark, and the next word is one of `corrections_adjacent`.
fn answered_no(lang: &Language, text: &str, toks: &[Tok], ms: &[Mention]) -> Vec<Range<usize>> {
    ms.iter()
        .filter(|m| {
            let last = m.at + m.len - 1;
            let clause = toks[m.at].clause;
            let short = toks[..m.at]
                .iter()
                .rev()
                .take_while(|t| t.clause == clause)
                .count()
                <= QUESTION_OPENERS;
            let asked = toks.get(last + 1).is_some_and(|next| {
                text.get(toks[last].end..next.start)
                    .is_some_and(|between| between.contains('?'))
            });
            let no = toks.get(last + 1).is_some_and(|next| {
                lang.negation
                    .corrections_adjacent
                    .iter()
                    .any(|c| c.len() == 1 && c[0] == next.w)
            });
            short && asked && no
        })
        .map(|m| m.at..m.at + m.len)
        .collect()
}

/// Channel words that open their clause and that the clause denies the way `subject_denial`
/// denies a tool ("Email is not the channel for this", "texts are not allowed"); the rest of
/// the prompt naming a tool of the kind keeps it.
fn denied_channels(lang: &Language, toks: &[Tok]) -> Vec<Range<usize>> {
    let sd = &lang.negation.subject_denial;
    let mut out = Vec::new();
    for i in 0..toks.len() {
        let Some((c, _)) = channel_at(lang, toks, i) else {
            continue;
        };
        let clause = toks[i].clause;
        let opens = toks[..i]
            .iter()
            .rev()
            .take_while(|t| t.clause == clause)
            .all(|t| sd.openers.contains(&t.w));
        let k = i + c.len();
        let denies = toks
            .get(k)
            .is_some_and(|t| t.clause == clause && sd.auxiliaries.contains(&t.w))
            && (k + 1..=k + 1 + sd.gap).any(|j| {
                toks.get(j)
                    .is_some_and(|t| t.clause == clause && sd.negators.contains(&t.w))
            });
        if opens && denies {
            out.push(i..k);
        }
    }
    out
}

/// How many words before a negation cue an "anywhere" may close the action its places are
/// listed for.
const PLACES_REACH: usize = 12;

/// A negation cue at `i` listing a place after a negated action closed by "anywhere" or
/// "elsewhere" in the same or the previous two clauses ("don't open issues anywhere, not in
/// GitLab").
fn listed_place(toks: &[Tok], i: usize) -> bool {
    (i.saturating_sub(PLACES_REACH)..i).any(|k| {
        matches!(toks[k].w.as_str(), "anywhere" | "elsewhere")
            && toks[k].clause + 2 >= toks[i].clause
    })
}

/// Tool names joined by a hyphen to a word that excludes them ("a Slack-free version",
/// "keep it Jira-free"): the hyphen makes it one word, unlike "the Zoom free plan".
fn hyphenated(lang: &Language, text: &str, toks: &[Tok], ms: &[Mention]) -> Vec<Range<usize>> {
    ms.iter()
        .filter(|m| {
            let last = m.at + m.len - 1;
            toks.get(last + 1).is_some_and(|next| {
                lang.negation.hyphen_after.contains(&next.w)
                    && text.get(toks[last].end..next.start) == Some("-")
            })
        })
        .map(|m| m.at..m.at + m.len)
        .collect()
}

/// Where `close` starts after a list of tools from `from` (tool names, glue words and list
/// joins only), if it does.
fn listed_until(
    lang: &Language,
    toks: &[Tok],
    ms: &[Mention],
    from: usize,
    close: &[String],
) -> Option<usize> {
    let n = &lang.negation;
    let mut k = from;
    let mut named = false;
    while k < toks.len() {
        if phrase_at(toks, k, close) {
            return named.then_some(k);
        }
        if let Some(m) = ms.iter().find(|m| m.at == k) {
            named = true;
            k += m.len;
        } else if n.glue.contains(&toks[k].w) || lang.entities.list_joins.contains(&toks[k].w) {
            k += 1;
        } else {
            return None;
        }
    }
    None
}

/// The most tokens between a retracted tool and the correction cue.
const CORRECTION_REACH: usize = 25;

/// How many words after a "no" that opens its clause the order it restates may name its tool
/// ("add them to Eventbrite? No — add them to the workshop Google Sheet").
const RESTATE_REACH: usize = 8;

/// A "no" opening its clause after a clause that named a tool, followed by the same verb as
/// that clause's order and another tool within [`RESTATE_REACH`] words: the order is said
/// again with the other tool, which replaces the first ("add the attendee to Eventbrite? No —
/// add them to the sheet"). The retracted and the new mention.
fn restated<'m>(
    toks: &[Tok],
    ms: &'m [Mention],
    i: usize,
    cue_len: usize,
) -> Option<(&'m Mention, &'m Mention)> {
    let opens = i > 0 && toks[i - 1].clause != toks[i].clause;
    let verb = toks.get(i + cue_len)?;
    if !opens || verb.w.is_empty() {
        return None;
    }
    let before = toks[i - 1].clause;
    let old = ms.iter().rev().find(|m| m.clause == before)?;
    // the verb that opens the earlier clause ("add the attendee to Eventbrite"), not any word
    // of it ("should become tickets in Zendesk. No tickets in Jira")
    let said = toks
        .iter()
        .find(|t| t.clause == before && !t.w.is_empty())
        .is_some_and(|t| t.w == verb.w);
    let new = ms
        .iter()
        .find(|m| m.at > i + cue_len && m.at <= i + cue_len + RESTATE_REACH)?;
    (said && new.tool != old.tool).then_some((old, new))
}

/// Verbs that say where a thing is kept, after a correction cue: "no wait the list is in
/// Google Sheets", "sorry the files live on Box".
const PLACE_VERBS: &[&str] = &[
    "is", "are", "lives", "live", "sits", "sit", "kept", "stored",
];

/// The most words between a tool and a correction cue that says its place again ("the
/// zendesk export folder no wait ...").
const PLACE_GAP: usize = 2;

/// Whether the name at token `at` is a place things are in ("in the zendesk export", "from our
/// quickbooks report"): one of `PLACE_PREPOSITIONS` or "from" before it, past a determiner.
fn in_a_place(toks: &[Tok], at: usize) -> bool {
    let w = |k: usize| toks.get(k).map_or("", |t| t.w.as_str());
    let mut k = at.wrapping_sub(1);
    if matches!(w(k), "the" | "our" | "my" | "their" | "a" | "an" | "its") {
        k = k.wrapping_sub(1);
    }
    PLACE_PREPOSITIONS.contains(&w(k)) || w(k) == "from"
}

/// Prepositions after a `PLACE_VERBS` verb.
const PLACE_PREPOSITIONS: &[&str] = &["in", "on", "inside"];

/// The most words naming the thing between a correction cue and its place verb ("the matter
/// list").
const PLACE_SUBJECT: usize = 4;

/// After a correction cue at `k`: a thing named in a few words, a place verb, a preposition
/// and glue, then a tool ("the matter list is in smartsheet"); the token of that tool.
fn place_restated(toks: &[Tok], ms: &[Mention], k: usize, glue: &[String]) -> Option<usize> {
    let clause = toks.get(k)?.clause;
    let verb = (k..toks.len().min(k + PLACE_SUBJECT + 1)).find(|&j| {
        PLACE_VERBS.contains(&toks[j].w.as_str())
            && toks
                .get(j + 1)
                .is_some_and(|t| PLACE_PREPOSITIONS.contains(&t.w.as_str()))
    })?;
    // the thing named is plain words, no tool ("the list", not "the zendesk list")
    if ms.iter().any(|m| m.at >= k && m.at < verb) || toks[verb].clause != clause {
        return None;
    }
    let mut j = verb + 2;
    while j < toks.len() && !ms.iter().any(|m| m.at == j) && glue.contains(&toks[j].w) {
        j += 1;
    }
    ms.iter().any(|m| m.at == j).then_some(j)
}

/// Self-corrections in dictation ("send it to slack no wait teams", "use Gmail, actually make
/// that Outlook"): the cue's first token, the retracted mention and the one that replaces it.
fn corrections<'m>(
    catalog: &Catalog,
    lang: &Language,
    toks: &[Tok],
    ms: &'m [Mention],
) -> Vec<(usize, &'m Mention, &'m Mention)> {
    let n = &lang.negation;
    let mut out = Vec::new();
    for i in 0..toks.len() {
        let (cue, adjacent_only) = match any_at(toks, i, &n.corrections) {
            Some(p) => (p, false),
            None => match any_at(toks, i, &n.corrections_adjacent) {
                Some(p) => (p, true),
                None => continue,
            },
        };
        // the new tool follows the cue with only glue words between
        let mut k = i + cue.len();
        while k < toks.len()
            && !ms.iter().any(|m| m.at == k)
            && n.correction_glue.contains(&toks[k].w)
        {
            k += 1;
        }
        // "the clio export no wait the matter list is in smartsheet": where the thing really
        // is, said again after the cue
        let mut placed = false;
        if !adjacent_only && !ms.iter().any(|m| m.at == k) {
            let restated = place_restated(toks, ms, k, &n.correction_glue);
            placed = restated.is_some();
            k = restated.unwrap_or(k);
        }
        // "the top github trending, no, the top hacker news posts": a "no" that is a clause of
        // its own takes back the clause before it for the one after
        let alone = adjacent_only
            && i > 0
            && toks[i - 1].clause != toks[i].clause
            && toks
                .get(i + cue.len())
                .is_some_and(|t| t.clause != toks[i].clause);
        if let Some((old, new)) = restated(toks, ms, i, cue.len()).filter(|_| adjacent_only) {
            out.push((i, old, new));
            continue;
        }
        if alone {
            let before = toks[i - 1].clause;
            let after = toks[i + cue.len()].clause;
            let old = ms.iter().rev().find(|m| m.clause == before);
            let new = ms.iter().find(|m| m.clause == after);
            if let (Some(old), Some(new)) = (old, new)
                && old.tool != new.tool
            {
                out.push((i, old, new));
            }
            continue;
        }
        let Some(new) = ms.iter().find(|m| m.at == k) else {
            continue;
        };
        let before: Vec<&Mention> = ms
            .iter()
            .filter(|m| m.at + m.len <= i && i - (m.at + m.len) <= CORRECTION_REACH)
            .collect();
        // "into Gusto, no wait, Gusto does that itself": the user reconsiders the tool just
        // named, no earlier one
        if before.last().is_some_and(|m| m.tool == new.tool) {
            continue;
        }
        let adjacent = before.last().filter(|m| m.at + m.len == i).copied();
        let same_kind = before
            .iter()
            .rev()
            .find(|m| {
                m.tool != new.tool
                    && catalog.tool_at(m.tool).category == catalog.tool_at(new.tool).category
            })
            .copied();
        // "GitLab? no, Discord": a pause after an adjacent cue; "no Jira tickets" negates
        let paused = toks
            .get(i + cue.len())
            .is_some_and(|t| t.clause != toks[i + cue.len() - 1].clause);
        // a place said again replaces the tool of the place just before the cue ("the zendesk
        // export no wait ...", "our hubspot list sorry ...")
        // a place said again replaces the tool of the place just before the cue ("in the
        // zendesk export no wait ...", "from our hubspot list sorry ..."), not a destination
        // ("post it to slack, actually the notes are in notion")
        let place_before = before
            .last()
            .filter(|m| i - (m.at + m.len) <= PLACE_GAP && in_a_place(toks, m.at))
            .copied();
        let old = if adjacent_only {
            adjacent.filter(|_| paused)
        } else if placed {
            same_kind.or(place_before)
        } else {
            same_kind.or(adjacent)
        };
        if let Some(old) = old.filter(|o| o.tool != new.tool) {
            out.push((i, old, new));
        }
    }
    out
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::planner::entities::mentions;
    use crate::text::tokenize;

    /// Every case's excluded tools are its list (`sorted`: compared in sorted order); all the
    /// wrong cases are reported together.
    fn assert_exclusions(cases: &[(&str, &[&str])], sorted: bool) {
        let mut wrong = Vec::new();
        for (text, want) in cases {
            let mut got = excluded(text);
            if sorted {
                got.sort();
            }
            if got != *want {
                wrong.push(format!("{text}: {got:?}, want {want:?}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    fn excluded(text: &str) -> Vec<String> {
        let catalog = Catalog::builtin().unwrap();
        let lang = Language::builtin().unwrap();
        let toks = tokenize(text);
        let ms = mentions(&catalog, &lang, &toks, text);
        let ex = exclusions(&catalog, &lang, text, &toks, &ms);
        ex.tools
            .iter()
            .map(|&t| catalog.tool_at(t).id.clone())
            .collect()
    }

    /// A tool with "only" or "instead" right after it, inside a clause cue's scope, is what
    /// the user asks for instead of the excluded tools (eleventh session, lang11).
    #[test]
    fn a_tool_said_with_only_ends_the_exclusion_before_it() {
        let cases: &[(&str, &[&str])] = &[
            (
                "Please don't open anything in Jira or Linear — GitHub only.",
                &["jira", "linear"],
            ),
            (
                "never post it in Slack or Discord, Teams instead",
                &["discord", "slack"],
            ),
            // without the word, or with another one, the whole list stays excluded
            (
                "Please don't open anything in Jira or Linear or GitHub.",
                &["github", "jira", "linear"],
            ),
            (
                "don't post anything in Slack or Teams just yet",
                &["microsoft_teams", "slack"],
            ),
        ];
        for (text, want) in cases {
            let mut got = excluded(text);
            got.sort();
            assert_eq!(got, *want, "{text}");
        }
    }

    #[test]
    fn negated_tools_are_excluded() {
        let cases: &[(&str, &[&str])] = &[
            ("leave HubSpot out of it, we are leaving it", &["hubspot"]),
            ("open a ticket but no tickets in Linear please", &["linear"]),
            ("post it to Slack, not Teams", &["microsoft_teams"]),
            ("Don't use ElevenLabs, my credits ran out", &["elevenlabs"]),
            ("dont touch hub spot thats the old crm", &["hubspot"]),
            ("just a text uh not whatsapp though", &["whatsapp"]),
            ("make a ticket, the zoom call isn't needed", &["zoom"]),
            (
                "summarise it; we are not allowed to use OpenAI",
                &["openai"],
            ),
            ("skip Slack, just email me the report", &["slack"]),
            (
                "we no longer use Trello, put the cards in Asana",
                &["trello"],
            ),
            ("we moved off Zendesk to Freshdesk last year", &["zendesk"]),
            (
                "anything but Jira for the ticket; Linear is fine",
                &["jira"],
            ),
            ("post to Discord; Slack is off the table", &["slack"]),
            (
                "email the tracking number but not through shopify use sendgrid",
                &["shopify"],
            ),
            ("we got rid of Mailchimp, use Klaviyo", &["mailchimp"]),
            (
                "post it to Instagram. Leave Pinterest and TikTok alone.",
                &["pinterest", "tiktok"],
            ),
            (
                "archive them, and under no circumstances ping the channel in Slack",
                &["slack"],
            ),
            (
                "mirror Linear issues into GitHub; nothing should be created in Jira either",
                &["jira"],
            ),
            (
                "we're moving off HubSpot, add new leads to Pipedrive",
                &["hubspot"],
            ),
            ("we are phasing out Trello, use Asana", &["trello"]),
        ];
        for (text, want) in cases {
            assert_eq!(excluded(text), *want, "{text}");
        }
    }

    /// More ways to exclude a tool: "X-free", "we left X", "we're off X", "keep it out of X",
    /// "nothing in X", "X is not involved", "don't bother with X"; and their look-alikes that
    /// keep the tool.
    #[test]
    fn other_ways_of_excluding_a_tool_exclude_it() {
        let cases: &[(&str, &[&str])] = &[
            ("a Trello-free setup: add the tasks to Asana", &["trello"]),
            (
                "we left Facebook last year, post it to Mastodon",
                &["facebook"],
            ),
            (
                "we're off Zendesk now, open the ticket in Freshdesk",
                &["zendesk"],
            ),
            (
                "post it to Slack and keep it out of Teams",
                &["microsoft_teams"],
            ),
            (
                "add a row to Airtable, nothing in Discord please",
                &["discord"],
            ),
            ("bill it in Xero. Stripe is not involved", &["stripe"]),
            ("don't bother with Jira, a Trello card is enough", &["jira"]),
            ("log it to the sheet, nothing by email", &["gmail"]),
            ("ditch Zoom, use Google Meet", &["zoom"]),
            (
                "we cancelled our Intercom subscription, so use Zendesk",
                &["intercom"],
            ),
            ("we no longer pay for Mailchimp, use Brevo", &["mailchimp"]),
        ];
        for (text, want) in cases {
            let got = excluded(text);
            assert!(
                want.iter().all(|w| got.contains(&(*w).to_owned())),
                "{text}: {got:?}"
            );
        }
        for text in [
            "upgrade to the Zoom free plan and post the link to Slack",
            "we left a comment in Jira, copy it to Slack",
            "if there's nothing in the Trello list, post to Slack",
            "when nothing is in stock on Shopify, email me",
            "post to Slack if nothing new shows up in Jira",
            "Stripe is involved in every sale, so post each charge to Slack",
            "when a customer cancelled in Chargebee, post it to Slack",
            "we cancelled an order in Shopify, email the warehouse",
        ] {
            assert!(excluded(text).is_empty(), "{text}: {:?}", excluded(text));
        }
    }

    /// A tool that is the subject of a clause denying it is excluded when nothing else names it
    /// (twelfth session, lang12); a clause opened by a condition, a tool named elsewhere, or a
    /// predicate that denies nothing keeps it.
    #[test]
    fn a_tool_a_clause_denies_as_its_subject_is_excluded() {
        assert_exclusions(
            &[
                (
                    "Open a Jira ticket for each new pull request. Bitbucket and GitLab have nothing to do with this.",
                    &["bitbucket", "gitlab"],
                ),
                (
                    "log the hours to Harvest. Toggl and Clockify are not in use anywhere.",
                    &["clockify", "toggl"],
                ),
                (
                    "add them to our Klaviyo list. Mailchimp used to do this but we cancelled it.",
                    &["mailchimp"],
                ),
                (
                    "post it to Discord. Our Slack isn't watched any more.",
                    &["slack"],
                ),
                ("tag them in Intercom; Zendesk's gone", &["zendesk"]),
                ("file it in Notion; Asana is no longer paid for", &["asana"]),
                // kept: a condition, data, a tool the plan names elsewhere, no denial
                ("if Jira has no assignee, post the issue to Slack", &[]),
                ("when HubSpot isn't reachable, email me", &[]),
                (
                    "HubSpot doesn't have the phone number, so look it up and update HubSpot",
                    &[],
                ),
                ("Slack is where the team lives, post it there", &[]),
                ("Airtable has the list, copy it to Notion", &[]),
                ("so the sheet is not updated twice, use Airtable", &[]),
            ],
            true,
        );
    }

    /// A "no" before a tool followed by a correction cue names the tool meant ("in free agent
    /// no freshbooks sorry"); without the cue it excludes (twelfth session, lang12).
    #[test]
    fn a_no_before_a_tool_and_a_correction_cue_names_the_tool_meant() {
        assert_exclusions(
            &[
                ("make an entry in free agent no freshbooks sorry", &[]),
                ("post it in the chat no slack i mean", &[]),
                ("make an entry but no freshbooks please", &["freshbooks"]),
                ("log it, no Slack, sorry to be picky", &["slack"]),
            ],
            true,
        );
    }

    /// "neither X nor Y" excludes both (twelfth session, lang12); "neither" before no tool
    /// excludes nothing.
    #[test]
    fn neither_and_nor_exclude_the_tools_they_name() {
        assert_exclusions(
            &[
                (
                    "Neither Asana nor Monday.com: put the task in Todoist",
                    &["asana", "monday"],
                ),
                ("neither option is good, put it in Trello", &[]),
                (
                    "email me; not Slack nor Teams",
                    &["microsoft_teams", "slack"],
                ),
            ],
            true,
        );
    }

    #[test]
    fn negated_channel_words_exclude_their_category() {
        let ex = excluded("never text the customer, email them instead");
        assert!(
            ex.contains(&"twilio".to_owned()) && ex.contains(&"vonage".to_owned()),
            "{ex:?}"
        );
        assert!(!ex.contains(&"amazon_ses".to_owned()), "{ex:?}");
        let ex = excluded("post the summary without emailing anyone");
        assert!(
            ex.contains(&"amazon_ses".to_owned()) && ex.contains(&"gmail".to_owned()),
            "{ex:?}"
        );
        // a tool named outside the negation stays
        let ex = excluded("don't email me, use Gmail drafts instead");
        assert!(!ex.contains(&"gmail".to_owned()), "{ex:?}");
        // a kind of tool by its category word
        let ex = excluded("skip the CRM, just add them to a Google Sheet");
        assert!(
            ex.contains(&"hubspot".to_owned()) && ex.contains(&"salesforce".to_owned()),
            "{ex:?}"
        );
        assert!(!ex.contains(&"google_sheets".to_owned()), "{ex:?}");
        let ex = excluded("without using any AI service, copy the conversations into Jira");
        assert!(
            ex.contains(&"openai".to_owned()) && ex.contains(&"anthropic".to_owned()),
            "{ex:?}"
        );
        assert!(!ex.contains(&"jira".to_owned()), "{ex:?}");
        let ex = excluded("no spreadsheets, put it in Notion");
        assert!(ex.contains(&"google_sheets".to_owned()), "{ex:?}");
        assert!(!ex.contains(&"notion".to_owned()), "{ex:?}");
    }

    #[test]
    fn self_corrections_retract_the_first_name() {
        let cases: &[(&str, &[&str])] = &[
            ("send it to slack no wait teams", &["slack"]),
            (
                "email it with gmail, actually make that outlook",
                &["gmail"],
            ),
            (
                "open a ticket in jira sorry i mean linear and tell me",
                &["jira"],
            ),
            (
                "post the link to GitLab? no, post it to Discord",
                &["gitlab"],
            ),
            ("put it in Trello or rather Asana", &["trello"]),
            ("Slack, no, Teams", &["slack"]),
            ("post it to slack nope, teams", &["slack"]),
            // "no" before a name without a pause negates it, it corrects nothing
            (
                "open a GitHub issue. No Jira tickets, we stopped using it.",
                &["jira"],
            ),
            (
                "book a Zoom call, actually use Google Meet, no Zoom.",
                &["zoom"],
            ),
            // the order said again after "no" with another tool (tenth session)
            (
                "add the guest to Eventbrite? No — add them to the guest Google Sheet",
                &["eventbrite"],
            ),
            // where the thing really is, said after the cue (lang10)
            (
                "each new row in the hubspot export no wait the deal list is in google sheets should make a trello card",
                &["hubspot"],
            ),
            (
                "copy the scans from dropbox sorry the scans are kept in box into the drive",
                &["dropbox"],
            ),
            // striking a tool out, a tool the user only might move to later
            (
                "thank them in a tweet? Actually no, scrap the tweet, just add them to a Google Sheet",
                &["twitter"],
            ),
            (
                "tell the manager; later I might switch this to Teams but for now use Slack",
                &["microsoft_teams"],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(excluded(text), *want, "{text}");
        }
        // adding a tool, or an alternative, is no correction
        for text in [
            "post it to Slack, actually also email it with Gmail",
            "post it to Slack and actually also to Teams",
            "post to slack or teams, whichever is easier",
            // a place said after "actually" that corrects nothing before it (lang10)
            "add it to trello, actually the board is in trello already",
            "post it to slack, actually the notes are in notion so link them",
            "save the file to dropbox; sorry, the invoice is in the email, attach it too",
            "save it in Dropbox, wait an hour, then post to Slack",
            "create a Jira issue, and I mean a real one, then ping Slack",
            // a "no" answering a question, with another order after it
            "is the customer in HubSpot? No — create them in Salesforce",
            "post the scrap metal prices to Slack",
            "we might post it to Teams too, send it to Slack",
        ] {
            assert_eq!(excluded(text), Vec::<String>::new(), "{text}");
        }
        for (text, want) in [
            (
                "Bug reports in GitHub should become tickets in Zendesk. No tickets in Jira please",
                "jira",
            ),
            // places listed after "anywhere": only the tool named nowhere else
            (
                "When a GitLab pipeline fails, post in Discord. Don't open issues anywhere, not in GitLab, not in Linear.",
                "linear",
            ),
            (
                "post the summary to Slack. No Teams, it's too noisy",
                "microsoft_teams",
            ),
        ] {
            assert_eq!(excluded(text), vec![want.to_owned()], "{text}");
        }
        // (text, excluded, kept)
        for (text, gone, kept) in [
            // without "anywhere" the place list excludes the source too
            (
                "When a GitLab pipeline fails, post in Discord. Not in Linear, not in GitLab.",
                "gitlab",
                "discord",
            ),
            // a welcome sequence and an enrichment as kinds of tool
            (
                "new signups in Supabase go to HubSpot as contacts, no welcome sequence",
                "amazon_ses",
                "hubspot",
            ),
            (
                "put each new lead in Pipedrive. No AI enrichment, copy the fields as they are",
                "clearbit",
                "pipedrive",
            ),
        ] {
            let ex = excluded(text);
            assert!(
                ex.contains(&gone.to_owned()) && !ex.contains(&kept.to_owned()),
                "{text}: {ex:?}"
            );
        }
        for text in [
            "post it to Slack, and nothing else",
            "enrich each new lead with Clearbit and put it in Pipedrive",
        ] {
            assert_eq!(excluded(text), Vec::<String>::new(), "{text}");
        }
    }

    /// Exclusions said after the tool, with describing words between cue and object, by
    /// striking a tool out, or by a lone "no" between two clauses.
    #[test]
    fn exclusions_in_more_phrasings_reach_their_tool() {
        let cases: &[(&str, &[&str])] = &[
            (
                "create the label in Shippo. ShipStation must not be used anymore",
                &["shipstation"],
            ),
            (
                "add it to Airtable; Notion should never be used for this",
                &["notion"],
            ),
            (
                "add new buyers to mailchimp, then scratch hubspot, just a google sheet",
                &["hubspot"],
            ),
            (
                "copy the hire into Gusto, no wait, Gusto does that itself, just post to Slack",
                &["gusto"],
            ),
            (
                "when a BambooHR hire starts add them to gusto, no wait, gusto does that itself, just post to Slack",
                &["gusto"],
            ),
            (
                "post the top trello cards, no, the top asana tasks, to slack",
                &["trello"],
            ),
            (
                "create the project in Asana without touching the old Trello board",
                &["trello"],
            ),
            (
                "mark the invoice paid in Xero, no follow-up emails",
                &["amazon_ses", "gmail"],
            ),
            // spoken and casual ways of ruling a tool out
            ("hubspot is a no go, add them to pipedrive", &["hubspot"]),
            (
                "hold off on hubspot for now, add them to pipedrive",
                &["hubspot"],
            ),
            ("no need for hubspot, add them to pipedrive", &["hubspot"]),
            ("forget hubspot, add them to pipedrive", &["hubspot"]),
            (
                "hubspot isn't part of this, add them to pipedrive",
                &["hubspot"],
            ),
            ("um we're done with hubspot so pipedrive only", &["hubspot"]),
            (
                "add them to pipedrive, hubspot stays untouched",
                &["hubspot"],
            ),
            (
                "add them to pipedrive, hubspot shouldn't get anything",
                &["hubspot"],
            ),
            ("not slack but teams for the alert", &["slack"]),
        ];
        for (text, want) in cases {
            let got = excluded(text);
            assert!(
                want.iter().all(|w| got.contains(&(*w).to_owned())),
                "{text}: {got:?}"
            );
        }
        // the tool each prompt still uses
        for (text, kept) in [
            (
                "build it from scratch in Notion and tell me on Slack",
                "notion",
            ),
            (
                "post the new Jira issues to Slack, no duplicate Jira tickets please",
                "jira",
            ),
            (
                "if Trello is not used by anyone, archive the board and email me",
                "trello",
            ),
            (
                "Gusto runs payroll; post the totals to Slack, no, to Teams",
                "gusto",
            ),
            (
                "Gusto runs payroll; post the totals to Slack, no, to Teams",
                "microsoft_teams",
            ),
            ("no rush, post the Stripe summary to Slack", "stripe"),
            ("don't forget hubspot, add the lead there too", "hubspot"),
            ("never forget to log the call in HubSpot", "hubspot"),
            ("when you're done with HubSpot imports, email me", "hubspot"),
            (
                "if the deal is untouched for a week in HubSpot, ping me",
                "hubspot",
            ),
            (
                "when a BambooHR hire starts add them to gusto, no wait, gusto does that itself, just post to Slack",
                "bamboohr",
            ),
        ] {
            let got = excluded(text);
            assert!(!got.contains(&kept.to_owned()), "{text}: {got:?}");
        }
    }

    #[test]
    fn descriptions_of_data_are_not_negations() {
        for text in [
            "list the Jira issues with no assignee and post them to Slack",
            "avoid duplicates in Airtable when adding rows",
            "if the invoice is not paid in Xero, email the customer",
            "when a deal has no owner in HubSpot, tell #sales",
            "if the contact is not in HubSpot, add it there",
            "i dont need anything fancy just add them to a google sheet",
            "when someone who's never bought before pays, add them to Klaviyo",
            "don't forget to email me the Stripe total every Friday",
            "not only Slack, also email the team",
            "I don't want to copy Stripe payouts into Google Sheets by hand anymore",
            "we never have to export HubSpot contacts manually again: sync them to Mailchimp",
            "skip weekends and post the Jira summary to Slack",
            "drop a message in Slack when a Stripe payout lands",
            "drop the file into Google Drive and tell me",
            "when a deal is dropping in value in HubSpot, tell #sales",
        ] {
            assert_eq!(excluded(text), Vec::<String>::new(), "{text}");
        }
    }

    /// Exclusions by the scope of what was said about a tool (seventh session): "we dropped
    /// X", "we're not doing X", "X should not be touched" (and every tool listed before it),
    /// "..., but that's gone now" (the tool of the clause before), "keep X off for now",
    /// "an X-less list", "the public X"; each with a look-alike that keeps its tool.
    #[test]
    fn exclusions_by_what_is_said_of_a_tool_and_their_look_alikes() {
        let cases: &[(&str, &[&str])] = &[
            (
                "We dropped Mailchimp last year, send the newsletter with Klaviyo",
                &["mailchimp"],
            ),
            (
                "we're not doing Zendesk for this one, open the tickets in Freshdesk",
                &["zendesk"],
            ),
            (
                "Jira should not be touched, put the task in Linear",
                &["jira"],
            ),
            (
                "Asana and Trello shouldn't be updated; use ClickUp for the tasks",
                &["asana", "trello"],
            ),
            (
                "we used to send these to Discord but that's gone now, post them to Slack",
                &["discord"],
            ),
            (
                "keep Teams off for now and just email me the summary",
                &["microsoft_teams"],
            ),
            (
                "a Zoom-less standup reminder in Slack every morning",
                &["zoom"],
            ),
            (
                "email the summary to me and keep it off the main Slack channel",
                &["slack"],
            ),
            (
                "We are not using HubSpot anymore, add the new leads to Pipedrive",
                &["hubspot"],
            ),
            // look-alikes: nothing excluded
            (
                "when a file is dropped into Dropbox, post its name to Slack",
                &[],
            ),
            (
                "if a Stripe charge should not be refunded, post it to Slack for review",
                &[],
            ),
            (
                "keep Slack updated with the off hours alerts from PagerDuty",
                &[],
            ),
            (
                "when a Jira issue is updated, post it to Slack; it is gone from the board once done",
                &[],
            ),
        ];
        assert_exclusions(cases, false);
    }

    /// Exclusions by a tool's past or its fading out ("X is being phased out", "X was our old
    /// CRM"), by a verb of telling under "without" ("without notifying anyone on A or B": the
    /// whole phrase), and by "nothing <about what> goes over <channel>"; each with look-alikes
    /// that keep the tool (eighth session).
    #[test]
    fn exclusions_by_a_tools_past_a_without_phrase_and_a_nothing_subject() {
        let cases: &[(&str, &[&str])] = &[
            (
                "Trello is being phased out, put the cards in Asana",
                &["trello"],
            ),
            (
                "Mailchimp is being replaced by Klaviyo, add them to Klaviyo",
                &["mailchimp"],
            ),
            (
                "Zendesk was our old help desk; open the ticket in Freshdesk",
                &["zendesk"],
            ),
            (
                "HubSpot was the old CRM, add the lead to Pipedrive",
                &["hubspot"],
            ),
            ("Vercel is our legacy host, deploy to Netlify", &["vercel"]),
            (
                "save the row in Airtable without notifying the team on Slack or Discord",
                &["discord", "slack"],
            ),
            (
                "update the deal in HubSpot without pinging anyone in Teams",
                &["microsoft_teams"],
            ),
            (
                "add the order to the sheet without telling the customer by text",
                &["sns", "twilio", "vonage", "whatsapp"],
            ),
            (
                "nothing about patients goes over email, store it in Airtable",
                &[
                    "amazon_ses",
                    "convertkit",
                    "gmail",
                    "imap",
                    "klaviyo",
                    "mailchimp",
                    "mailgun",
                    "outlook",
                    "postmark",
                    "sendgrid",
                    "smtp",
                ],
            ),
            (
                "nothing from this form should go to Slack, put it in Notion",
                &["slack"],
            ),
            // look-alikes: nothing excluded
            ("the old Trello cards go to Asana every Friday", &[]),
            (
                "Mailchimp is being updated with the new tags from Shopify",
                &[],
            ),
            (
                "when a deal was the oldest in HubSpot, post it to Slack",
                &[],
            ),
            ("post to Slack without waiting for the Stripe payout", &[]),
            ("if nothing new goes into the Airtable base, email me", &[]),
        ];
        assert_exclusions(cases, true);
    }
    /// "without <doing>" over an action left undone: the tools its scope names are excluded,
    /// unless the rest of the prompt names them too ("without creating a duplicate in
    /// HubSpot" after "add it to HubSpot"); ninth session.
    #[test]
    fn an_action_left_undone_excludes_the_tools_it_names_only() {
        let cases: &[(&str, &[&str])] = &[
            (
                "when a deal closes create the invoice in Xero without adding the client to Mailchimp",
                &["mailchimp"],
            ),
            (
                "log the new signup in Airtable without inviting them to the Discord server yet",
                &["discord"],
            ),
            (
                "copy the file to Dropbox without uploading anything to Google Drive",
                &["google_drive"],
            ),
            // named outside the phrase: kept
            (
                "add the contact to HubSpot without creating a duplicate in HubSpot",
                &[],
            ),
            (
                "post the summary to Slack without posting the raw log to Slack",
                &[],
            ),
            ("without adding any delay, post to Slack", &[]),
        ];
        assert_exclusions(cases, true);
    }

    /// Whether `text` excludes the tool `id` (for channel words, which exclude a whole kind).
    fn excludes(text: &str, id: &str) -> bool {
        excluded(text).iter().any(|t| t == id)
    }

    /// Every case: (text, tool that must be excluded or kept, excluded?); all the wrong cases
    /// are reported together.
    fn assert_each(cases: &[(&str, &str, bool)]) {
        let wrong: Vec<String> = cases
            .iter()
            .filter(|(text, id, want)| excludes(text, id) != *want)
            .map(|(text, id, want)| format!("{text}: {id} excluded should be {want}"))
            .collect();
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    /// A cue opened by a verb holds in the verb's present forms; "X is not needed" holds
    /// without its verb, as notes say it (thirteenth session, lang13).
    #[test]
    fn exclusion_verbs_hold_in_their_present_forms_and_notes_without_their_verb() {
        assert_each(&[
            (
                "post new Ghost posts to Mastodon, we're staying away from Facebook",
                "facebook",
                true,
            ),
            ("she avoids Slack, so email her the report", "slack", true),
            (
                "skipping Mailchimp, send the Typeform answers to Airtable",
                "mailchimp",
                true,
            ),
            (
                "file the receipts in Dropbox and steer clear of Google Drive",
                "google_drive",
                true,
            ),
            (
                "keeping it out of HubSpot, add the lead to a Google Sheet",
                "hubspot",
                true,
            ),
            (
                "compress each upload to S3, Cloudinary not required",
                "cloudinary",
                true,
            ),
            (
                "log every refund in Xero; QuickBooks not wanted",
                "quickbooks",
                true,
            ),
            // kept: the verb's other senses and a "not" that describes data
            (
                "staying on top of Zendesk tickets, post a daily count to Slack",
                "zendesk",
                false,
            ),
            (
                "when a Stripe charge is not paid, email the customer",
                "stripe",
                false,
            ),
            (
                "keep Airtable updated with every new Shopify order",
                "airtable",
                false,
            ),
        ]);
    }

    /// "Nobody" as the subject of a verb of use or want excludes the verb's object; in a
    /// condition it describes an event (thirteenth session, lang13).
    #[test]
    fn a_tool_or_channel_nobody_uses_is_excluded() {
        assert_each(&[
            (
                "nobody wants another Trello board, put it in Asana",
                "trello",
                true,
            ),
            (
                "no one on the night shift reads email, text the supervisor",
                "gmail",
                true,
            ),
            (
                "none of us use Discord anymore; post it to Slack",
                "discord",
                true,
            ),
            (
                "nobody here checks Teams, so DM me on Slack",
                "microsoft_teams",
                true,
            ),
            // kept: a condition about people, and nobody doing something else
            (
                "if nobody reads the email within a day, text the supervisor",
                "gmail",
                false,
            ),
            (
                "when no one answers the Zendesk ticket, page the on-call",
                "zendesk",
                false,
            ),
            (
                "nobody should have to copy Stripe payouts into Xero by hand",
                "xero",
                false,
            ),
        ]);
    }

    /// A tool asked about on its own and answered "no" is excluded; a channel word that opens
    /// its clause and is denied excludes its kind; a word making a compound with a channel
    /// word at the end of its clause lets "no" reach it (thirteenth session, lang13).
    #[test]
    fn questions_answered_no_denied_channels_and_compound_channels_exclude() {
        assert_each(&[
            (
                "add new Shopify customers to Klaviyo. Mailchimp? No, we left it.",
                "mailchimp",
                true,
            ),
            (
                "sync the leads to Pipedrive. and Salesforce? nope",
                "salesforce",
                true,
            ),
            (
                "Email is not the channel for this, post it in Slack",
                "amazon_ses",
                true,
            ),
            (
                "texts aren't allowed here; email the tenant",
                "twilio",
                true,
            ),
            (
                "log the orders in Airtable, no summary email",
                "amazon_ses",
                true,
            ),
            (
                "put the scores in a Google Sheet, no reminder texts",
                "twilio",
                true,
            ),
            // kept: a question answered otherwise, a longer question, data, a channel word
            // not closing its clause, a named tool of the denied kind
            (
                "Mailchimp? yes, add them to the newsletter list",
                "mailchimp",
                false,
            ),
            (
                "is the customer already in HubSpot? no problem either way, add them to Airtable",
                "hubspot",
                false,
            ),
            (
                "if email is not verified, text the user",
                "amazon_ses",
                false,
            ),
            (
                "when there is no invoice email me the order",
                "amazon_ses",
                false,
            ),
            (
                "email is not the channel for alerts, use Gmail drafts",
                "gmail",
                false,
            ),
        ]);
    }
}
