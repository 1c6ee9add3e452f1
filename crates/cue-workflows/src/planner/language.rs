//! The planner's vocabularies, kept as data in `data/language/` (one file per stage, each
//! describing itself in `_doc`) and parsed once when an [`Engine`](crate::Engine) is built.
//! Phrases are stored as word sequences in the form [`crate::text::words`] gives, so
//! "don't" in the data matches the tokens `don t` of a prompt.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::matching::{ListIndex, WILDCARD};
use crate::WorkflowError;
use crate::text::{Tok, words};

pub(crate) use super::matching::{Phrase, Phrases, any_at, phrase_at};

const SPOKEN_JSON: &str = include_str!("../../data/language/spoken.json");
const NEGATION_JSON: &str = include_str!("../../data/language/negation.json");
const DELIVERY_JSON: &str = include_str!("../../data/language/delivery.json");
const POLICY_JSON: &str = include_str!("../../data/language/policy.json");
const DATA_JSON: &str = include_str!("../../data/language/data.json");
const ENTITIES_JSON: &str = include_str!("../../data/language/entities.json");
const TRIGGERS_JSON: &str = include_str!("../../data/language/triggers.json");
const PREFERENCES_JSON: &str = include_str!("../../data/language/preferences.json");
const CAPABILITIES_JSON: &str = include_str!("../../data/language/capabilities.json");
const GRAMMAR_JSON: &str = include_str!("../../data/language/grammar.json");
const VERBS_JSON: &str = include_str!("../../data/language/verbs.json");

/// Phrases as words; a `*` piece stands for any one word, and a word ending in `*`
/// (`password*`) for any word it begins (password, passwords).
pub(crate) fn phrases<T: From<Vec<Phrase>>>(list: &[String]) -> T {
    list.iter()
        .map(|p| {
            p.split_whitespace()
                .flat_map(|piece| {
                    if piece == "*" {
                        vec![WILDCARD.to_owned()]
                    } else if let Some(stem) = piece.strip_suffix('*')
                        && let [w] = words(stem).as_slice()
                    {
                        vec![format!("{w}{WILDCARD}")]
                    } else {
                        words(piece)
                    }
                })
                .collect::<Vec<_>>()
        })
        .filter(|w| !w.is_empty())
        .collect::<Vec<Phrase>>()
        .into()
}

/// A spoken or abbreviated form and the words read instead.
#[derive(Debug, Clone)]
pub(crate) struct SpokenForm {
    pub say: Phrase,
    pub write: String,
    pub speech_only: bool,
}

/// The spoken forms of `spoken.json` in their order, and by the first word they say (the
/// respelling reads every word of every prompt against them).
#[derive(Debug, Clone)]
pub(crate) struct SpokenForms {
    forms: Vec<SpokenForm>,
    by_first: std::collections::HashMap<String, Vec<usize>>,
}

impl SpokenForms {
    fn new(forms: Vec<SpokenForm>) -> Self {
        let mut by_first: std::collections::HashMap<String, Vec<usize>> = Default::default();
        for (n, f) in forms.iter().enumerate() {
            if let Some(w) = f.say.first() {
                by_first.entry(w.clone()).or_default().push(n);
            }
        }
        Self { forms, by_first }
    }

    /// The forms whose first said word is `w`, in the file's order.
    pub(crate) fn starting_with(&self, w: &str) -> impl Iterator<Item = &SpokenForm> {
        self.by_first
            .get(w)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(|&n| self.forms.get(n))
    }
}

#[derive(Deserialize)]
struct SpokenFile {
    forms: Vec<SpokenEntry>,
}

#[derive(Deserialize)]
struct SpokenEntry {
    say: String,
    write: String,
    #[serde(default)]
    speech_only: bool,
}

/// `data/language/negation.json`.
#[derive(Debug, Clone)]
pub(crate) struct Negation {
    pub clause: Phrases,
    /// "without adding them to Slack": a clause cue over an action left undone, which excludes
    /// only the tools its scope names and the rest of the prompt does not ("add it to HubSpot
    /// without creating a duplicate in HubSpot" keeps HubSpot).
    pub without_doing: Phrases,
    pub direct: Phrases,
    pub reach: usize,
    pub around: Vec<(Phrase, Phrase)>,
    pub after: Phrases,
    pub glue: Vec<String>,
    /// Describing words that may stand between a `direct` cue and what it excludes ("no
    /// thank-you email", "without touching the old Trello board"), at most two.
    pub modifiers: Vec<String>,
    pub attribute_before: Vec<String>,
    pub attribute_sensitive: Phrases,
    pub scope_end: Vec<String>,
    /// Words right after a tool inside a clause cue's scope that make the tool the request
    /// replacing the excluded ones ("not in Jira or Linear, GitHub only").
    pub asserted_after: Vec<String>,
    /// Phrases that, right after a cue, cancel it ("don't forget to", "not only").
    pub undo: Phrases,
    /// Phrases that make a clause cue's scope a chore, not an exclusion ("by hand").
    pub chores: Phrases,
    /// What must follow a clause cue for `chores` to apply ("don't want to").
    pub chore_openers: Phrases,
    /// Channel words and the tools they select.
    pub channels: Vec<(Phrase, Vec<Selector>)>,
    /// Self-corrections: the tool after the cue replaces one named before it.
    pub corrections: Phrases,
    /// Corrections that count only right after the tool they retract ("GitLab? no, Discord").
    pub corrections_adjacent: Phrases,
    /// Words that may stand between a correction cue and the new tool.
    pub correction_glue: Vec<String>,
    /// Words joined to a tool name by a hyphen that exclude it ("a Slack-free version").
    pub hyphen_after: Vec<String>,
    /// A tool as the subject of a clause that denies it ("GitHub has nothing to do with this").
    pub subject_denial: SubjectDenial,
    /// Nobody as the subject of a verb of use or want ("nobody wants another Zoom link").
    pub nobody: Nobody,
}

/// `nobody` of `data/language/negation.json`: one of `subjects`, at most `gap` words (a
/// phrase such as "on the team"), then one of `verbs`, which excludes what it takes as its
/// object the way a `direct` cue does ("nobody on the team reads email"). A clause opened by
/// a `conditions` word ("if nobody reads the email") describes an event, not the workflow.
#[derive(Debug, Clone, Default)]
pub(crate) struct Nobody {
    pub subjects: Phrases,
    pub verbs: Vec<String>,
    pub gap: usize,
    pub conditions: Vec<String>,
}

#[derive(Default, Deserialize)]
struct NobodyFile {
    subjects: Vec<String>,
    verbs: Vec<String>,
    gap: usize,
    conditions: Vec<String>,
}

/// `subject_denial` of `data/language/negation.json`: a clause whose subject is a tool (or a
/// list of tools) and whose predicate denies it.
#[derive(Debug, Clone, Default)]
pub(crate) struct SubjectDenial {
    /// Words that may stand before the subject in its clause.
    pub openers: Vec<String>,
    /// Verbs right after the subject ("is", "have", "isn" of "isn't").
    pub auxiliaries: Vec<String>,
    /// Words that deny, at most `gap` words after the auxiliary ("not", "nothing", "gone").
    pub negators: Vec<String>,
    pub gap: usize,
    /// Phrases that deny right after the subject, without an auxiliary ("used to").
    pub unaided: Vec<Phrase>,
}

#[derive(Default, Deserialize)]
struct SubjectDenialFile {
    openers: Vec<String>,
    auxiliaries: Vec<String>,
    negators: Vec<String>,
    gap: usize,
    unaided: Vec<String>,
}

impl From<SubjectDenialFile> for SubjectDenial {
    fn from(f: SubjectDenialFile) -> Self {
        Self {
            openers: f.openers,
            auxiliaries: f.auxiliaries,
            negators: f.negators,
            gap: f.gap,
            unaided: phrases(&f.unaided),
        }
    }
}

/// Which tools a channel word stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Selector {
    Category(String),
    IdPrefix(String),
}

impl Selector {
    fn parse(s: &str) -> Result<Self, WorkflowError> {
        if let Some(c) = s.strip_prefix("category:") {
            return Ok(Self::Category(c.to_owned()));
        }
        if let Some(p) = s.strip_prefix("id_prefix:") {
            return Ok(Self::IdPrefix(p.to_owned()));
        }
        Err(bad("negation.json", &format!("unknown selector {s:?}")))
    }

    pub(crate) fn selects(&self, tool: &crate::catalog::Tool) -> bool {
        match self {
            Self::Category(c) => tool.category == *c,
            Self::IdPrefix(p) => tool.id.starts_with(p.as_str()),
        }
    }
}

#[derive(Deserialize)]
struct NegationFile {
    clause: Vec<String>,
    #[serde(default)]
    without_doing: Vec<String>,
    direct: Vec<String>,
    reach: usize,
    around: Vec<(String, String)>,
    after: Vec<String>,
    glue: Vec<String>,
    modifiers: Vec<String>,
    attribute_before: Vec<String>,
    attribute_sensitive: Vec<String>,
    scope_end: Vec<String>,
    #[serde(default)]
    asserted_after: Vec<String>,
    #[serde(default)]
    undo: Vec<String>,
    #[serde(default)]
    chores: Vec<String>,
    #[serde(default)]
    chore_openers: Vec<String>,
    channels: BTreeMap<String, Vec<String>>,
    corrections: Vec<String>,
    corrections_adjacent: Vec<String>,
    correction_glue: Vec<String>,
    #[serde(default)]
    hyphen_after: Vec<String>,
    #[serde(default)]
    subject_denial: SubjectDenialFile,
    #[serde(default)]
    nobody: NobodyFile,
    /// Verbs whose present forms every `clause` and `direct` cue they open also holds in
    /// ("staying away from", "avoids", "skipping").
    #[serde(default)]
    inflected_verbs: Vec<String>,
}

/// `callable` of `data/language/triggers.json`: one of `nouns`, then within `reach` words in
/// its clause one of `modals` right before one of `verbs` ("a link our partners can hit", "an
/// address the panel will call"); a `vague_nouns` word ("something", "somewhere") only with
/// one of `vague_verbs` ("something they can POST to").
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Callable {
    pub nouns: Vec<String>,
    pub vague_nouns: Vec<String>,
    pub modals: Vec<String>,
    pub verbs: Vec<String>,
    pub vague_verbs: Vec<String>,
    pub reach: usize,
}

/// `data/language/delivery.json`.
#[derive(Debug, Clone)]
pub(crate) struct DeliveryWords {
    pub asks: Phrases,
    pub audiences: Vec<(Phrases, String)>,
    pub default_need: String,
    /// The need of an ask to a team, added even when another channel is in the plan.
    pub team_need: String,
    /// Needs an ask names for itself ("text the handyman"), added even when another channel
    /// is in the plan.
    pub own_channel_needs: Vec<String>,
    /// The kinds of channel tried, in order, when the prompt excludes every kind its audience
    /// chose ("alert me by anything but email").
    pub fallback_needs: Vec<String>,
    /// Channel words that, opening a clause as a verb, ask for their need ("Text opted-in
    /// patients a reminder").
    pub imperatives: BTreeMap<String, String>,
    /// Words before a tool that serves the ask of their clause ("through DocuSign").
    pub served_via: Vec<String>,
    /// Places in a tool that make the tool the channel of an ask whose object names them
    /// ("message the drivers' Telegram group", "ping the ops Slack channel").
    pub served_places: Vec<String>,
    pub replaces_needs: Vec<String>,
    pub satisfied_by: Vec<String>,
    pub noun_uses: NounUses,
    /// Asks that are message nouns ("a digest", "a daily note"): asks after a determiner too.
    pub message_nouns: MessageNouns,
    /// "send the volunteers a note", "get the list to the coordinator": a handing-over verb
    /// whose clause names a person or group.
    pub handover: Handover,
    /// Audiences that name a medium ("on my phone"), which outrank a person ("me").
    pub media: Vec<String>,
    /// Media other than chat: an ask whose clause names one is no team chat ask.
    pub other_media: Phrases,
    /// Words before a tool read from ("from Smartsheet").
    pub source_words: Vec<String>,
    /// Verbs of telling whose object is whoever is told ("tell purchasing", "thank donors").
    pub telling: Telling,
}

/// `telling` of `data/language/delivery.json`: a verb of telling followed in its clause by
/// whoever is told ("tell purchasing", "thank the donors", "ping whoever pushed it") asks for a
/// message; not when the first word of its object is one of `not_objects` ("tell whether it is
/// positive", "ping our API"), and not as a noun (after a determiner or a tool's name).
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Telling {
    pub verbs: Vec<String>,
    pub not_objects: Vec<String>,
    pub reach: usize,
}

/// `message_nouns` of `data/language/delivery.json`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct MessageNouns {
    pub nouns: Vec<String>,
    pub openers: Vec<String>,
    pub vetoes: Vec<String>,
    /// Words before a tool that receives the noun ("a summary into the HubSpot deal").
    pub destinations: Vec<String>,
    pub reach: usize,
    /// A record's note named after the noun ("a summary ... and add it as an internal note"):
    /// "as", at most two words, then one of these.
    #[serde(default)]
    pub kept_as: Vec<String>,
}

/// `handover` of `data/language/delivery.json`.
#[derive(Debug, Clone)]
pub(crate) struct Handover {
    pub verbs: Vec<String>,
    pub recipients: Phrases,
    pub reach: usize,
    pub destinations: Vec<String>,
    pub double_object: DoubleObject,
    /// What is handed over that is no message: "give our front desk a url they can open".
    pub not_sent: Vec<String>,
    /// Verbs of reporting ("report", "flag", "list") that ask for a message to a recipient
    /// said after `report_to` ("report any that fail to the web team", "listed for the CFO"),
    /// even when the plan writes somewhere; not when a tool receives it.
    pub report_verbs: Vec<String>,
    pub report_to: Vec<String>,
    /// Words that may stand between `report_to` and the recipient ("to the whole web team").
    pub report_gap: usize,
    /// Messages a handing-over verb may carry ("send the board a summary", "send our staff a
    /// reminder"): with a recipient in the clause, an ask even when the plan writes somewhere.
    pub message_objects: Vec<String>,
    /// Openers of a message said as the verb's own object ("send a thank-you note").
    pub message_openers: Vec<String>,
    /// Pronouns for what the workflow made ("send it to the board members").
    pub pronouns: Vec<String>,
    /// Verbs of sharing, and the words after them that bring the recipient ("share it with
    /// the ops team"): read like `report_verbs` with `report_to`.
    pub share_verbs: Vec<String>,
    pub share_to: Vec<String>,
    /// Verbs that send what the workflow read without saying where ("... and send the list of
    /// late orders"): an ask when the plan writes nowhere, the verb opens its clause or follows
    /// one of `bare_send_after`, and its clause names no tool.
    pub bare_send: Vec<String>,
    pub bare_send_after: Vec<String>,
}

/// `handover.double_object` of `data/language/delivery.json`: "send the lab the freezer log".
#[derive(Debug, Clone)]
pub(crate) struct DoubleObject {
    pub first: Vec<String>,
    pub second: Vec<String>,
    pub possessive: Phrases,
    pub time: Vec<String>,
    pub reach: usize,
    /// Words no recipient holds (prepositions, conjunctions): "get the hours from the tracker".
    pub breaks: Vec<String>,
}

#[derive(Deserialize)]
struct HandoverEntry {
    verbs: Vec<String>,
    recipients: Vec<String>,
    reach: usize,
    destinations: Vec<String>,
    double_object: DoubleObjectEntry,
    not_sent: Vec<String>,
    report_verbs: Vec<String>,
    report_to: Vec<String>,
    report_gap: usize,
    #[serde(default)]
    message_objects: Vec<String>,
    #[serde(default)]
    message_openers: Vec<String>,
    #[serde(default)]
    pronouns: Vec<String>,
    #[serde(default)]
    share_verbs: Vec<String>,
    #[serde(default)]
    share_to: Vec<String>,
    #[serde(default)]
    bare_send: Vec<String>,
    #[serde(default)]
    bare_send_after: Vec<String>,
}

#[derive(Deserialize)]
struct DoubleObjectEntry {
    first: Vec<String>,
    second: Vec<String>,
    possessive: Vec<String>,
    time: Vec<String>,
    reach: usize,
    breaks: Vec<String>,
}

/// Channel words used as nouns ("the customer email", "an email address").
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct NounUses {
    pub before: Vec<String>,
    pub after: Vec<String>,
    pub words: Vec<String>,
}

impl NounUses {
    /// Whether the word at token `i` is a channel word used as a noun.
    pub(crate) fn noun_at(&self, toks: &[Tok], i: usize) -> bool {
        let Some(t) = toks.get(i) else {
            return false;
        };
        if !self.words.contains(&t.w) {
            return false;
        }
        let before = i
            .checked_sub(1)
            .is_some_and(|p| toks[p].clause == t.clause && self.before.contains(&toks[p].w));
        let after = toks
            .get(i + 1)
            .is_some_and(|n| n.clause == t.clause && self.after.contains(&n.w));
        before || after
    }
}

#[derive(Deserialize)]
struct DeliveryFile {
    asks: Vec<String>,
    audiences: Vec<AudienceEntry>,
    /// Verbs whose audience phrases also hold in the verb's other present forms ("text every"
    /// → "texts every", "texting every").
    #[serde(default)]
    inflected_verbs: Vec<String>,
    default_need: String,
    team_need: String,
    own_channel_needs: Vec<String>,
    #[serde(default)]
    fallback_needs: Vec<String>,
    #[serde(default)]
    imperatives: BTreeMap<String, String>,
    served_via: Vec<String>,
    #[serde(default)]
    served_places: Vec<String>,
    replaces_needs: Vec<String>,
    satisfied_by: Vec<String>,
    noun_uses: NounUses,
    message_nouns: MessageNouns,
    handover: HandoverEntry,
    media: Vec<String>,
    other_media: Vec<String>,
    source_words: Vec<String>,
    telling: Telling,
}

#[derive(Deserialize)]
struct AudienceEntry {
    words: Vec<String>,
    need: String,
}

/// One category of `data/language/policy.json`.
#[derive(Debug, Clone)]
pub(crate) struct PolicyCategory {
    pub id: String,
    pub what: String,
    pub rules: Vec<PolicyRule>,
}

/// A rule holds when every group of `all` has a phrase in one stretch of the text (`within`)
/// and no phrase of `unless` is in that stretch.
#[derive(Debug, Clone)]
pub(crate) struct PolicyRule {
    pub all: Vec<Vec<Phrase>>,
    pub unless: Vec<Phrase>,
    pub within: Within,
}

/// `data/language/policy.json`: its categories, and every group and `unless` list of their
/// rules in one [`ListIndex`], so a prompt is read once for all of them (the rules hold
/// thousands of phrases; trying each at every token was a quarter of a plan's work).
#[derive(Debug, Clone)]
pub(crate) struct Policy {
    categories: Vec<PolicyCategory>,
    lists: ListIndex,
    /// For each category, for each rule: the list numbers of its groups and of `unless`.
    numbers: Vec<Vec<(Vec<usize>, usize)>>,
}

impl Policy {
    pub(crate) fn new(categories: Vec<PolicyCategory>) -> Self {
        let mut lists: Vec<&[Phrase]> = Vec::new();
        let mut numbers = Vec::with_capacity(categories.len());
        for c in &categories {
            let mut rules = Vec::with_capacity(c.rules.len());
            for r in &c.rules {
                let mut all = Vec::with_capacity(r.all.len());
                for g in &r.all {
                    all.push(lists.len());
                    lists.push(g);
                }
                rules.push((all, lists.len()));
                lists.push(&r.unless);
            }
            numbers.push(rules);
        }
        let lists = ListIndex::new(lists);
        Self {
            lists,
            numbers,
            categories,
        }
    }

    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.categories.is_empty()
    }

    /// The lists of the rules, matched together.
    pub(crate) fn lists(&self) -> &ListIndex {
        &self.lists
    }

    /// Each category with its rules, each rule with the numbers in [`Policy::lists`] of its
    /// groups and of its `unless` phrases.
    pub(crate) fn categories(
        &self,
    ) -> impl Iterator<
        Item = (
            &PolicyCategory,
            impl Iterator<Item = (&PolicyRule, &[usize], usize)>,
        ),
    > {
        self.categories.iter().zip(&self.numbers).map(|(c, n)| {
            let rules = c
                .rules
                .iter()
                .zip(n)
                .map(|(r, (all, unless))| (r, all.as_slice(), *unless));
            (c, rules)
        })
    }
}

/// The stretch of text a policy rule's groups must share: one act (who does what to whom) is
/// said in one clause or one sentence, so "collect the passwords" in one sentence and "my
/// coworkers" in another are no request to collect coworkers' passwords.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Within {
    /// Anywhere in the instructions.
    #[default]
    Prompt,
    /// One sentence (up to `.`, `!`, `?`, `;` or a line break).
    Sentence,
    /// One clause (`Tok::clause`: also split at commas and at `and`, `then`, `so` ...).
    Clause,
}

#[derive(Deserialize)]
struct PolicyFile {
    /// Named phrase lists (`@name` in a group stands for all of them).
    #[serde(default)]
    concepts: BTreeMap<String, Vec<String>>,
    categories: Vec<PolicyEntry>,
}

#[derive(Deserialize)]
struct PolicyEntry {
    id: String,
    what: String,
    rules: Vec<RuleEntry>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RuleEntry {
    Groups(Vec<Vec<String>>),
    WithExceptions {
        all: Vec<Vec<String>>,
        #[serde(default)]
        unless: Vec<String>,
        #[serde(default)]
        within: Within,
    },
}

impl PolicyFile {
    /// A group's phrases with every `@concept` replaced by the concept's phrases.
    fn expand(&self, group: &[String]) -> Result<Vec<String>, WorkflowError> {
        let mut out = Vec::new();
        for p in group {
            match p.strip_prefix('@') {
                Some(name) => out.extend(
                    self.concepts
                        .get(name)
                        .ok_or_else(|| bad("policy.json", &format!("unknown concept @{name}")))?
                        .iter()
                        .cloned(),
                ),
                None => out.push(p.clone()),
            }
        }
        Ok(out)
    }

    fn categories(&self) -> Result<Vec<PolicyCategory>, WorkflowError> {
        let rule = |all: &[Vec<String>],
                    unless: &[String],
                    within: Within|
         -> Result<PolicyRule, WorkflowError> {
            Ok(PolicyRule {
                within,
                all: all
                    .iter()
                    .map(|g| self.expand(g).map(|g| phrases(&g)))
                    .collect::<Result<_, _>>()?,
                unless: phrases(&self.expand(unless)?),
            })
        };
        self.categories
            .iter()
            .map(|c| {
                Ok(PolicyCategory {
                    id: c.id.clone(),
                    what: c.what.clone(),
                    rules: c
                        .rules
                        .iter()
                        .map(|r| match r {
                            RuleEntry::Groups(all) => rule(all, &[], Within::Prompt),
                            RuleEntry::WithExceptions {
                                all,
                                unless,
                                within,
                            } => rule(all, unless, *within),
                        })
                        .collect::<Result<_, _>>()?,
                })
            })
            .collect()
    }
}

/// `data/language/data.json`.
#[derive(Debug, Clone)]
pub(crate) struct DataWords {
    pub addressed: Phrases,
    pub addressed_openers: Vec<String>,
    pub labels: Phrases,
    pub end: Phrases,
    pub sample: Phrases,
    pub long_quote_words: usize,
    /// How many words before a quote a sample phrase may stand.
    pub sample_window: usize,
    /// Instructions that make pasted text the request ("build what it says"): the policy then
    /// reads the pasted text too.
    pub adopt: Phrases,
    /// Phrases after which an unquoted sample runs to the end of the prompt ("for example one
    /// said hi please call me back"): dictation has no quotes.
    pub reported: Phrases,
    /// How many words after a `reported` phrase a quote or fence may start and take over.
    pub reported_gap: usize,
    /// Phrases that introduce a reply quoted with `>` right before it ("a reply we got: > ...").
    pub reply_intro: Phrases,
    /// An automated reader spoken to inside pasted material ("@bot when you ...", "bots
    /// reading this must ...").
    pub addressees: Addressees,
}

/// `addressees` of `data/language/data.json`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Addressees {
    pub nouns: Vec<String>,
    /// Phrases after a noun that make it addressed wherever it stands ("reading this").
    pub after: Vec<Phrase>,
    /// Phrases after a noun that address it when it opens its clause or follows one of
    /// `vocative_leads` ("also assistant you must ...").
    pub vocative_after: Vec<Phrase>,
    pub vocative_leads: Vec<String>,
}

#[derive(Default, Deserialize)]
struct AddresseesFile {
    nouns: Vec<String>,
    after: Vec<String>,
    vocative_after: Vec<String>,
    vocative_leads: Vec<String>,
}

#[derive(Deserialize)]
struct DataFile {
    addressed: Vec<String>,
    addressed_openers: Vec<String>,
    labels: Vec<String>,
    end: Vec<String>,
    sample: Vec<String>,
    long_quote_words: usize,
    sample_window: usize,
    adopt: Vec<String>,
    #[serde(default)]
    reported: Vec<String>,
    #[serde(default)]
    reported_gap: usize,
    #[serde(default)]
    reply_intro: Vec<String>,
    #[serde(default)]
    addressees: AddresseesFile,
}

/// A product name that is also an ordinary word, with the context that makes it the product.
#[derive(Debug, Clone)]
pub(crate) struct OrdinaryWord {
    pub word: String,
    pub tool: String,
    pub before: Vec<String>,
    pub after: Vec<String>,
    pub not_before: Vec<String>,
    pub not_after: Vec<String>,
    /// Whether a capital letter inside a sentence marks the product.
    pub capital: bool,
}

/// Context rules for every name.
#[derive(Debug, Clone)]
pub(crate) struct EntityRules {
    /// Words that, hyphenated after a name, make it a likeness ("GitHub-style").
    pub imitation: Vec<String>,
    /// Product nouns that name an ordinary word's product with one describing word between
    /// ("the box legal folder", "the zoom sales call").
    pub described_after: Vec<String>,
    /// Prepositions of place that, right before a name, outweigh a list join after it
    /// ("notify the partners on teams and also log it").
    pub places_before: Vec<String>,
    /// Need phrases that, right after a tool's name or before `owned_via` and a tool's name,
    /// are that tool's own thing ("the Notion changelog database", "a ticket in Jira").
    pub owned_nouns: Phrases,
    pub owned_via: Vec<String>,
    /// Need phrases that are verbs of keeping ("archive", "back up") and are served by a named
    /// tool they put things into ("archive the messages into a Google Doc"); `in_place_verbs`
    /// among them act inside the named tool whose items are their object ("archive every
    /// Trello card").
    pub kept_verbs: Phrases,
    pub in_place_verbs: Phrases,
    pub kept_into: Vec<String>,
    /// Written forms that name a tool (`r/` → Reddit).
    pub prefixes: Vec<(String, String)>,
    /// Words that join the items of a list ("slack, teams and zoom").
    pub list_joins: Vec<String>,
    /// Words that, with a colon, open a list of tools ("tools: linear, notion").
    pub list_labels: Vec<String>,
    /// Possessives and articles passed over when looking for the word before a name.
    pub skip_before: Vec<String>,
    /// Words before a `common_word` alias the data does not describe that make it a word.
    pub common_word_not_before: Vec<String>,
    /// Words after which `to` is an infinitive ("ready to box"), not a destination.
    pub infinitive_before_to: Vec<String>,
    /// A tool's secrets ("leaked Stripe keys", "the API keys for OpenAI"): a name said as
    /// their owner only mentions the tool (`entities::credential_owner`).
    pub credential_nouns: Phrases,
    pub credential_links: Vec<String>,
    /// Words after a credential noun that make it a feature of the tool ("secret scanning").
    pub credential_features: Vec<String>,
}

#[derive(Deserialize)]
struct PrefixEntry {
    prefix: String,
    tool: String,
}

#[derive(Deserialize)]
struct PreferencesFile {
    aws: Vec<String>,
}

#[derive(Deserialize)]
struct EntitiesFile {
    imitation: Vec<String>,
    #[serde(default)]
    described_after: Vec<String>,
    #[serde(default)]
    places_before: Vec<String>,
    owned_nouns: Vec<String>,
    owned_via: Vec<String>,
    kept_verbs: Vec<String>,
    in_place_verbs: Vec<String>,
    kept_into: Vec<String>,
    list_joins: Vec<String>,
    list_labels: Vec<String>,
    skip_before: Vec<String>,
    common_word_not_before: Vec<String>,
    infinitive_before_to: Vec<String>,
    #[serde(default)]
    credential_nouns: Vec<String>,
    #[serde(default)]
    credential_links: Vec<String>,
    #[serde(default)]
    credential_features: Vec<String>,
    prefixes: Vec<PrefixEntry>,
    before: Vec<String>,
    after: Vec<String>,
    not_before: Vec<String>,
    not_after: Vec<String>,
    words: Vec<OrdinaryEntry>,
}

#[derive(Deserialize)]
struct OrdinaryEntry {
    word: String,
    tool: String,
    #[serde(default)]
    before: Vec<String>,
    #[serde(default)]
    after: Vec<String>,
    #[serde(default)]
    not_before: Vec<String>,
    #[serde(default)]
    not_after: Vec<String>,
    #[serde(default = "yes")]
    capital: bool,
}

fn yes() -> bool {
    true
}

/// `data/language/triggers.json`.
#[derive(Debug, Clone)]
pub(crate) struct TriggerWords {
    pub manual: Phrases,
    pub webhook: Phrases,
    pub inbox: Phrases,
    pub event_cues: Phrases,
    pub late_event_cues: Phrases,
    pub upload: Phrases,
    pub watch: Phrases,
    pub lingering: Phrases,
    pub for_long: Phrases,
    pub write_back: Vec<String>,
    /// Verbs after an upload word that make the apps after them destinations ("... uploaded to
    /// the bucket should create contacts in HubSpot").
    pub upload_orders: Vec<String>,
    /// Phrases that, just before a manual cue, make it someone else's chore.
    pub manual_not_after: Phrases,
    /// Denials of the manual chore earlier in its clause ("no one should have to", "stop
    /// doing"): the adverb after them describes what the workflow replaces.
    pub chore_denials: Phrases,
    /// Words that make what is "sent to" an address each arriving item ("every attachment
    /// sent to receipts@..."), so the mail is received.
    pub arrival_quantifiers: Vec<String>,
    /// Items piling up past a number ("tickets pile up over 50"): a count that is checked.
    pub accumulate: Phrases,
    /// "manually", "by hand": a manual cue only in the first clause or next to a `run_verbs`.
    pub manual_adverbs: Phrases,
    /// `manual` phrases that name a thing a tool has when its name is said just before
    /// ("our PayPal donate button"): that tool's, not a run button.
    pub owned_nouns: Phrases,
    pub run_verbs: Phrases,
    /// A form on the user's own site ("the contact form on our website").
    pub site_forms: Phrases,
    /// Negations that, before "by" and a time, make a deadline that is checked.
    pub missed_by: Phrases,
    /// Nouns of files that, kept in a storage tool, are handled as they arrive.
    pub stored_files: Phrases,
    /// Words of a topic opening ("so for shopify, ...").
    pub topic_words: Vec<String>,
    /// Phrases of an event said without "when" ("new employee in Gusto then ...").
    pub implicit_event: Phrases,
    /// Sources the catalog has no trigger for, with the kind used instead and why.
    pub unsupported: Vec<Unsupported>,
    /// Words that make a mention of mail an arriving email.
    pub receive: Phrases,
    /// Verbs of mail someone else sends to an address.
    pub mail_verbs: Phrases,
    /// Who sends mail to the user ("a client", "our vendor"), and the verbs of mail such a
    /// sender sends ("emails", "mailed"; `email` only before `us`/`me`).
    pub mail_senders: Phrases,
    pub sender_mail_verbs: Phrases,
    /// Words of reading from a queue, and of writing to one.
    pub queue_consume: Phrases,
    pub queue_produce: Phrases,
    /// Words after a tool's name that ask for its stream ("DynamoDB stream").
    pub stream_words: Phrases,
    /// Words that ask for an HTTP endpoint, and opening words that make them the trigger.
    pub hook_words: Phrases,
    pub hook_openers: Phrases,
    /// Periods after "once" that make it a schedule ("once a week").
    pub once_periods: Phrases,
    /// Words just before a schedule phrase that make it how often to check.
    pub poll_cues: Phrases,
    /// A run timed relative to something checked ("two hours before it starts").
    pub ahead: Phrases,
    /// Tool categories whose events are read on a schedule (feeds).
    pub checked_categories: Vec<String>,
    /// "for each new ticket": opens the trigger clause when no schedule is named.
    pub per_item_cues: Phrases,
    /// Words before a tool named as the subject of the first clause ("the", "our", "any").
    pub subject_lead: Phrases,
    /// Words of files arriving ("uploaded", "dumped", "scanned into").
    pub arrival: Phrases,
    /// Words for a queue when no queue service is named.
    pub queue_nouns: Phrases,
    /// Comparisons of periods ("week over week"), found by checking.
    pub period_compare: Phrases,
    /// Before a mail word: mail the workflow sends ("should get a welcome email").
    pub sent_not_received: Phrases,
    /// Verbs of sending just before a mail word: mail the workflow sends ("send a bulk email").
    pub mail_orders: Phrases,
    /// After a late "when": the end of the work, not an event ("tell #ops when done").
    pub finished: Phrases,
    /// Work that needs a file's bytes (OCR, transcription): with new files in a storage tool
    /// whose event is polled, a schedule reads that tool's new files.
    pub file_work: Phrases,
    /// Words of one message made of many items (a digest, a summary): a schedule that asks for
    /// one reads the period's items rather than running an app's poll item by item.
    pub digests: Phrases,
    /// Machines that send to an address ("an address our scanner can send to"): a web address.
    pub device_senders: Phrases,
    /// An address someone can call ("a link our partners can hit", "something they can POST
    /// to"): a webhook.
    pub callable: Callable,
    /// Categories of tools that host an inbox and have its mail as their events (a help desk).
    pub inbox_hosts: Vec<String>,
    /// Verbs just before an arrival word that make the files the object of an order ("save
    /// their uploaded photo to Dropbox").
    pub ordered_files: Phrases,
    /// A quantity that is checked against a threshold ("balance", "stock level") and the words
    /// of crossing one ("drops under").
    pub levels: Phrases,
    /// A count of reactions crossing a threshold ("a pin gets more than 100 saves"): the verb
    /// and the counted nouns.
    pub metric_verbs: Phrases,
    pub metrics: Phrases,
    pub thresholds: Phrases,
    /// The user starting the run in their own words: a `run_verbs` or `start_verbs` word within
    /// three words after "i", followed by one of `start_objects` ("I'll hit run myself", "i just
    /// wanna kick it off").
    pub start_verbs: Phrases,
    pub start_objects: Phrases,
    /// A count or amount compared (`counted`) and, within a few words after it, the span it is
    /// counted over (`spans`: "more than 100 events in the last hour", "errors for five minutes
    /// straight"): a rate no app announces, found by checking on a schedule.
    pub counted: Phrases,
    pub spans: Phrases,
    /// After a recurrence word, words that make it how often to check ("weekly is fine").
    pub cadence_enough: Phrases,
}

#[derive(Deserialize)]
struct TriggersFile {
    manual: Vec<String>,
    webhook: Vec<String>,
    inbox: Vec<String>,
    event_cues: Vec<String>,
    late_event_cues: Vec<String>,
    upload: Vec<String>,
    watch: Vec<String>,
    lingering: Vec<String>,
    for_long: Vec<String>,
    write_back: Vec<String>,
    #[serde(default)]
    upload_orders: Vec<String>,
    #[serde(default)]
    manual_not_after: Vec<String>,
    chore_denials: Vec<String>,
    arrival_quantifiers: Vec<String>,
    accumulate: Vec<String>,
    manual_adverbs: Vec<String>,
    #[serde(default)]
    owned_nouns: Vec<String>,
    run_verbs: Vec<String>,
    site_forms: Vec<String>,
    missed_by: Vec<String>,
    stored_files: Vec<String>,
    topic_words: Vec<String>,
    #[serde(default)]
    implicit_event: Vec<String>,
    unsupported: Vec<UnsupportedEntry>,
    receive: Vec<String>,
    mail_verbs: Vec<String>,
    mail_senders: Vec<String>,
    sender_mail_verbs: Vec<String>,
    queue_consume: Vec<String>,
    queue_produce: Vec<String>,
    stream_words: Vec<String>,
    hook_words: Vec<String>,
    hook_openers: Vec<String>,
    once_periods: Vec<String>,
    poll_cues: Vec<String>,
    ahead: Vec<String>,
    checked_categories: Vec<String>,
    per_item_cues: Vec<String>,
    subject_lead: Vec<String>,
    arrival: Vec<String>,
    queue_nouns: Vec<String>,
    period_compare: Vec<String>,
    sent_not_received: Vec<String>,
    #[serde(default)]
    mail_orders: Vec<String>,
    finished: Vec<String>,
    file_work: Vec<String>,
    #[serde(default)]
    digests: Vec<String>,
    device_senders: Vec<String>,
    callable: Callable,
    inbox_hosts: Vec<String>,
    ordered_files: Vec<String>,
    levels: Vec<String>,
    #[serde(default)]
    metric_verbs: Vec<String>,
    #[serde(default)]
    metrics: Vec<String>,
    thresholds: Vec<String>,
    start_verbs: Vec<String>,
    start_objects: Vec<String>,
    counted: Vec<String>,
    spans: Vec<String>,
    cadence_enough: Vec<String>,
}

#[derive(Deserialize)]
struct UnsupportedEntry {
    phrase: String,
    kind: String,
    note: String,
    #[serde(default)]
    categories: Vec<String>,
}

/// A trigger source the catalog lacks, the kind used instead and the note that says so.
#[derive(Debug, Clone)]
pub(crate) struct Unsupported {
    pub phrase: Phrase,
    pub kind: String,
    pub note: String,
    /// When not empty, a tool of one of these categories must be named in the trigger clause.
    pub categories: Vec<String>,
}

/// A capability asked for in words of its own: a verb and an object near each other.
#[derive(Debug, Clone)]
pub(crate) struct Capability {
    /// The catalog need it asks for.
    pub need: String,
    pub verbs: Phrases,
    pub objects: Phrases,
    /// The most words between the verb and the object.
    pub window: usize,
    /// Phrases that, within the window of the verb, say the opposite direction ("spoken" but
    /// "into a written ticket" is speech to text, not text to speech).
    pub unless: Phrases,
}

#[derive(Deserialize)]
struct CapabilitiesFile {
    #[serde(default)]
    anaphors: Vec<String>,
    #[serde(default)]
    anaphor_window: usize,
    rules: Vec<CapabilityEntry>,
}

#[derive(Deserialize)]
struct CapabilityEntry {
    need: String,
    verbs: Vec<String>,
    objects: Vec<String>,
    window: usize,
    #[serde(default)]
    unless: Vec<String>,
}

/// `data/language/grammar.json`: function words and small vocabularies the stages share.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Grammar {
    /// Words passed over when a name is read off the text.
    pub stop: Vec<String>,
    /// Words after which an ask is a noun ("a Datadog alert").
    pub ask_determiners: Vec<String>,
    /// Words of an event field that make it an amount.
    pub amount_words: Vec<String>,
    pub message: MessageWords,
}

/// Where a dictated message starts and ends (`grammar.json`, `message`).
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct MessageWords {
    /// Markers after which the message follows.
    pub says: Vec<String>,
    /// Markers after which what to remember follows.
    pub reminds: Vec<String>,
    /// Words that ask for a reminder ("remind everyone in #finance to …", "a reminder in
    /// Slack to …"): what to do follows the first `to` that does not name whom or where.
    pub remind_words: Vec<String>,
    /// Words after such a `to` that name whom or where, not what to do ("to the team").
    pub addressees: Vec<String>,
    /// Where an unquoted message ends, with their spaces.
    pub ends: Vec<String>,
}

impl Grammar {
    /// Whether `w` is a stop word.
    pub(crate) fn stop(&self, w: &str) -> bool {
        self.stop.iter().any(|s| s == w)
    }
}

/// Every vocabulary of the planner.
#[derive(Debug, Clone)]
pub(crate) struct Language {
    pub spoken: SpokenForms,
    pub negation: Negation,
    pub delivery: DeliveryWords,
    pub policy: Policy,
    /// Who does what to whom, for the policy (`acts.json`).
    pub acts: super::acts::Acts,
    pub data: DataWords,
    pub ordinary: Vec<OrdinaryWord>,
    pub entities: EntityRules,
    pub triggers: TriggerWords,
    /// Phrases that ask for AWS-hosted tools.
    pub prefer_aws: Phrases,
    /// One-word product names (lower case) that dictation splits in two or three words
    /// ("elastic search", "square space", "super base"), by their [`sound_key`]; learnt from the
    /// catalog by [`Language::learn_names`]. The value is the name as written.
    pub compounds: BTreeMap<String, String>,
    /// The same for names that are ordinary words (`workday`, `freshbooks` is not one): joined
    /// only right after a word that puts a product there ("added in work day").
    pub ordinary_compounds: BTreeMap<String, String>,
    /// Short words of catalog names (`s3`, `sqs`, `ga4`) that dictation spells letter by letter
    /// ("s q s", "g a four"); learnt from the catalog by [`Language::learn_names`].
    pub spelled: std::collections::BTreeSet<String>,
    /// One-word catalog names by their typo key (see [`typo_key`]), for names typed with a
    /// letter doubled or dropped or two letters swapped ("twillio", "klayvio"); learnt from the
    /// catalog by [`Language::learn_names`]. Names whose key two tools share are left out.
    pub typos: BTreeMap<String, String>,
    /// Capabilities as verb + object (`capabilities.json`).
    pub capabilities: Vec<Capability>,
    /// Words that stand for a capability's object said in an earlier clause ("check whether
    /// it shows a vehicle"), and the most words between such a word and the verb.
    pub capability_anaphors: (Phrases, usize),
    pub grammar: Grammar,
    /// Verbs that ask for the same operation (`verbs.json`).
    pub verbs: VerbClasses,
}

/// Classes of verbs that ask for the same operation ("remove", "delete", "deactivate"): a verb
/// of a class said before a tool's name, when it is none of the tool's action words, says the
/// action whose words hold another verb of its class.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct VerbClasses {
    #[serde(rename = "_doc")]
    _doc: String,
    classes: Vec<Vec<String>>,
}

impl VerbClasses {
    /// The other verbs of `w`'s classes (none when `w` is in no class).
    pub(crate) fn kin<'s>(&'s self, w: &'s str) -> impl Iterator<Item = &'s str> + 's {
        self.classes
            .iter()
            .filter(move |c| c.iter().any(|v| v == w))
            .flatten()
            .map(String::as_str)
            .filter(move |v| *v != w)
    }
}

fn bad(file: &str, e: &dyn std::fmt::Display) -> WorkflowError {
    WorkflowError::Internal(format!("language data: {file}: {e}"))
}

fn parse<T: for<'de> Deserialize<'de>>(file: &str, json: &str) -> Result<T, WorkflowError> {
    serde_json::from_str(json).map_err(|e| bad(file, &e))
}

impl Language {
    /// The built-in vocabularies.
    pub(crate) fn builtin() -> Result<Self, WorkflowError> {
        let spoken: SpokenFile = parse("spoken.json", SPOKEN_JSON)?;
        let neg: NegationFile = parse("negation.json", NEGATION_JSON)?;
        let del: DeliveryFile = parse("delivery.json", DELIVERY_JSON)?;
        let pol: PolicyFile = parse("policy.json", POLICY_JSON)?;
        let data: DataFile = parse("data.json", DATA_JSON)?;
        let ent: EntitiesFile = parse("entities.json", ENTITIES_JSON)?;
        let trig: TriggersFile = parse("triggers.json", TRIGGERS_JSON)?;
        let pref: PreferencesFile = parse("preferences.json", PREFERENCES_JSON)?;
        let caps: CapabilitiesFile = parse("capabilities.json", CAPABILITIES_JSON)?;
        let grammar: Grammar = parse("grammar.json", GRAMMAR_JSON)?;
        let verbs: VerbClasses = parse("verbs.json", VERBS_JSON)?;
        let mut channels = Vec::new();
        for (word, sels) in &neg.channels {
            let sels = sels
                .iter()
                .map(|s| Selector::parse(s))
                .collect::<Result<Vec<_>, _>>()?;
            channels.push((words(word), sels));
        }
        let merge = |common: &[String], own: &[String]| -> Vec<String> {
            common
                .iter()
                .chain(own)
                .map(|w| w.to_ascii_lowercase())
                .collect()
        };
        Ok(Self {
            spoken: SpokenForms::new(
                spoken
                    .forms
                    .into_iter()
                    .map(|f| SpokenForm {
                        say: words(&f.say),
                        write: f.write,
                        speech_only: f.speech_only,
                    })
                    .collect(),
            ),
            negation: Negation {
                clause: phrases(&with_verb_forms(&neg.clause, &neg.inflected_verbs)),
                without_doing: phrases(&neg.without_doing),
                direct: phrases(&with_verb_forms(&neg.direct, &neg.inflected_verbs)),
                reach: neg.reach,
                around: neg
                    .around
                    .iter()
                    .map(|(a, b)| (words(a), words(b)))
                    .collect(),
                after: phrases(&with_elided_copula(&with_contractions(&neg.after))),
                glue: neg.glue,
                modifiers: neg.modifiers,
                attribute_before: neg.attribute_before,
                attribute_sensitive: phrases(&neg.attribute_sensitive),
                scope_end: neg.scope_end,
                asserted_after: neg.asserted_after,
                undo: phrases(&neg.undo),
                chores: phrases(&neg.chores),
                chore_openers: phrases(&neg.chore_openers),
                channels,
                corrections: phrases(&neg.corrections),
                corrections_adjacent: phrases(&neg.corrections_adjacent),
                correction_glue: neg.correction_glue,
                hyphen_after: neg.hyphen_after,
                subject_denial: neg.subject_denial.into(),
                nobody: Nobody {
                    subjects: phrases(&neg.nobody.subjects),
                    verbs: with_verb_forms(&neg.nobody.verbs, &neg.nobody.verbs),
                    gap: neg.nobody.gap,
                    conditions: neg.nobody.conditions,
                },
            },
            delivery: DeliveryWords {
                asks: phrases(&del.asks),
                audiences: del
                    .audiences
                    .iter()
                    .map(|a| {
                        (
                            phrases(&with_present_forms(&a.words, &del.inflected_verbs)),
                            a.need.clone(),
                        )
                    })
                    .collect(),
                default_need: del.default_need,
                team_need: del.team_need,
                own_channel_needs: del.own_channel_needs,
                fallback_needs: del.fallback_needs,
                imperatives: del.imperatives,
                served_via: del.served_via,
                served_places: del.served_places,
                replaces_needs: del.replaces_needs,
                satisfied_by: del.satisfied_by,
                noun_uses: del.noun_uses,
                message_nouns: del.message_nouns,
                media: del.media,
                other_media: phrases(&del.other_media),
                source_words: del.source_words,
                telling: del.telling,
                handover: Handover {
                    verbs: del.handover.verbs,
                    recipients: phrases(&del.handover.recipients),
                    reach: del.handover.reach,
                    destinations: del.handover.destinations,
                    not_sent: del.handover.not_sent,
                    report_verbs: del.handover.report_verbs,
                    report_to: del.handover.report_to,
                    report_gap: del.handover.report_gap,
                    message_objects: del.handover.message_objects.clone(),
                    message_openers: del.handover.message_openers.clone(),
                    pronouns: del.handover.pronouns.clone(),
                    share_verbs: del.handover.share_verbs.clone(),
                    share_to: del.handover.share_to.clone(),
                    bare_send: del.handover.bare_send.clone(),
                    bare_send_after: del.handover.bare_send_after.clone(),
                    double_object: DoubleObject {
                        first: del.handover.double_object.first,
                        second: del.handover.double_object.second,
                        possessive: phrases(&del.handover.double_object.possessive),
                        time: del.handover.double_object.time,
                        reach: del.handover.double_object.reach,
                        breaks: del.handover.double_object.breaks,
                    },
                },
            },
            policy: Policy::new(pol.categories()?),
            acts: super::acts::Acts::builtin()?,
            data: DataWords {
                addressed: phrases(&data.addressed),
                addressed_openers: data.addressed_openers,
                labels: phrases(&data.labels),
                end: phrases(&data.end),
                sample: phrases(&data.sample),
                long_quote_words: data.long_quote_words,
                sample_window: data.sample_window,
                adopt: phrases(&data.adopt),
                reported: phrases(&data.reported),
                reported_gap: data.reported_gap,
                reply_intro: phrases(&data.reply_intro),
                addressees: Addressees {
                    nouns: data.addressees.nouns,
                    after: phrases(&data.addressees.after),
                    vocative_after: phrases(&data.addressees.vocative_after),
                    vocative_leads: data.addressees.vocative_leads,
                },
            },
            ordinary: ent
                .words
                .iter()
                .map(|w| OrdinaryWord {
                    word: w.word.to_ascii_lowercase(),
                    tool: w.tool.clone(),
                    before: merge(&ent.before, &w.before),
                    after: merge(&ent.after, &w.after),
                    not_before: merge(&ent.not_before, &w.not_before),
                    not_after: merge(&ent.not_after, &w.not_after),
                    capital: w.capital,
                })
                .collect(),
            entities: EntityRules {
                imitation: ent.imitation.clone(),
                described_after: ent.described_after.clone(),
                places_before: ent.places_before.clone(),
                owned_nouns: phrases(&ent.owned_nouns),
                owned_via: ent.owned_via.clone(),
                kept_verbs: phrases(&ent.kept_verbs),
                in_place_verbs: phrases(&ent.in_place_verbs),
                kept_into: ent.kept_into.clone(),
                prefixes: ent
                    .prefixes
                    .iter()
                    .map(|p| (p.prefix.clone(), p.tool.clone()))
                    .collect(),
                list_joins: ent.list_joins.clone(),
                list_labels: ent.list_labels.clone(),
                skip_before: ent.skip_before.clone(),
                common_word_not_before: ent.common_word_not_before.clone(),
                infinitive_before_to: ent.infinitive_before_to.clone(),
                credential_nouns: phrases(&ent.credential_nouns),
                credential_links: ent.credential_links.clone(),
                credential_features: ent.credential_features.clone(),
            },
            prefer_aws: phrases(&pref.aws),
            compounds: BTreeMap::new(),
            ordinary_compounds: BTreeMap::new(),
            spelled: std::collections::BTreeSet::new(),
            typos: BTreeMap::new(),
            capability_anaphors: (phrases(&caps.anaphors), caps.anaphor_window),
            capabilities: caps
                .rules
                .into_iter()
                .map(|c| Capability {
                    need: c.need,
                    verbs: phrases(&c.verbs),
                    objects: phrases(&c.objects),
                    window: c.window,
                    unless: phrases(&c.unless),
                })
                .collect(),
            grammar,
            verbs,
            triggers: TriggerWords {
                manual: phrases(&trig.manual),
                webhook: phrases(&trig.webhook),
                inbox: phrases(&trig.inbox),
                event_cues: phrases(&trig.event_cues),
                late_event_cues: phrases(&trig.late_event_cues),
                upload: phrases(&trig.upload),
                watch: phrases(&trig.watch),
                lingering: phrases(&trig.lingering),
                for_long: phrases(&trig.for_long),
                write_back: trig.write_back.clone(),
                upload_orders: trig.upload_orders.clone(),
                manual_not_after: phrases(&trig.manual_not_after),
                chore_denials: phrases(&trig.chore_denials),
                arrival_quantifiers: trig.arrival_quantifiers.clone(),
                accumulate: phrases(&trig.accumulate),
                manual_adverbs: phrases(&trig.manual_adverbs),
                owned_nouns: phrases(&trig.owned_nouns),
                run_verbs: phrases(&trig.run_verbs),
                site_forms: phrases(&trig.site_forms),
                missed_by: phrases(&trig.missed_by),
                stored_files: phrases(&trig.stored_files),
                topic_words: trig.topic_words.clone(),
                implicit_event: phrases(&trig.implicit_event),
                unsupported: trig
                    .unsupported
                    .iter()
                    .map(|u| Unsupported {
                        phrase: words(&u.phrase),
                        kind: u.kind.clone(),
                        note: u.note.clone(),
                        categories: u.categories.clone(),
                    })
                    .collect(),
                receive: phrases(&trig.receive),
                mail_verbs: phrases(&trig.mail_verbs),
                mail_senders: phrases(&trig.mail_senders),
                sender_mail_verbs: phrases(&trig.sender_mail_verbs),
                queue_consume: phrases(&trig.queue_consume),
                queue_produce: phrases(&trig.queue_produce),
                stream_words: phrases(&trig.stream_words),
                hook_words: phrases(&trig.hook_words),
                hook_openers: phrases(&trig.hook_openers),
                once_periods: phrases(&trig.once_periods),
                poll_cues: phrases(&trig.poll_cues),
                ahead: phrases(&trig.ahead),
                checked_categories: trig.checked_categories.clone(),
                per_item_cues: phrases(&trig.per_item_cues),
                subject_lead: phrases(&trig.subject_lead),
                arrival: phrases(&trig.arrival),
                queue_nouns: phrases(&trig.queue_nouns),
                period_compare: phrases(&trig.period_compare),
                sent_not_received: phrases(&trig.sent_not_received),
                mail_orders: phrases(&trig.mail_orders),
                finished: phrases(&trig.finished),
                file_work: phrases(&trig.file_work),
                digests: phrases(&trig.digests),
                device_senders: phrases(&trig.device_senders),
                callable: trig.callable,
                inbox_hosts: trig.inbox_hosts.clone(),
                ordered_files: phrases(&trig.ordered_files),
                levels: phrases(&trig.levels),
                metric_verbs: phrases(&trig.metric_verbs),
                metrics: phrases(&trig.metrics),
                thresholds: phrases(&trig.thresholds),
                start_verbs: phrases(&trig.start_verbs),
                start_objects: phrases(&trig.start_objects),
                counted: phrases(&trig.counted),
                spans: phrases(&trig.spans),
                cadence_enough: phrases(&trig.cadence_enough),
            },
        })
    }
}

impl Language {
    /// Learns the catalog's one-word names of five letters or more for joining split words in
    /// transcripts; names that are ordinary words (`workday`, `harvest`) are left out, since
    /// joining "work day" would make a product of a phrase.
    pub(crate) fn learn_names(mut self, catalog: &crate::catalog::Catalog) -> Self {
        let ordinary: Vec<&str> = self.ordinary.iter().map(|o| o.word.as_str()).collect();
        let names: Vec<String> = catalog
            .tools
            .iter()
            .flat_map(|t| std::iter::once(&t.name).chain(&t.aliases))
            .map(|a| a.to_ascii_lowercase())
            .filter(|a| a.len() >= MIN_COMPOUND_LEN && a.chars().all(|c| c.is_ascii_alphanumeric()))
            .collect();
        let (plain, said): (Vec<String>, Vec<String>) = names
            .into_iter()
            .partition(|a| !ordinary.contains(&a.as_str()));
        self.compounds = by_sound(plain);
        self.ordinary_compounds = by_sound(said);
        self.spelled = catalog
            .tools
            .iter()
            .flat_map(|t| std::iter::once(&t.name).chain(&t.aliases))
            .flat_map(|a| words(a))
            .filter(|w| {
                (2..=MAX_SPELLED_LEN).contains(&w.len())
                    && w.chars().all(|c| c.is_ascii_alphanumeric())
                    && w.chars().any(|c| c.is_ascii_alphabetic())
            })
            .collect();
        let mut typos: BTreeMap<String, Option<String>> = BTreeMap::new();
        for t in &catalog.tools {
            for a in std::iter::once(&t.name).chain(&t.aliases) {
                let a = a.to_ascii_lowercase();
                if a.len() < MIN_TYPO_LEN
                    || !a.chars().all(|c| c.is_ascii_alphabetic())
                    || ordinary.contains(&a.as_str())
                {
                    continue;
                }
                let slot = typos
                    .entry(typo_key(&a))
                    .or_insert_with(|| Some(t.id.clone()));
                if slot.as_deref() != Some(t.id.as_str()) {
                    *slot = None;
                }
            }
        }
        self.typos = typos
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect();
        self
    }
}

/// The phrases, and for each that starts with one of `verbs`, the same phrase with the verb's
/// third person and -ing form ("text every" → "texts every", "texting every"; "page the" →
/// "pages the", "paging the"): the forms a verb takes when the workflow is its subject ("it
/// texts every tenant"). Forms already listed are not repeated.
pub(crate) fn with_present_forms(list: &[String], verbs: &[String]) -> Vec<String> {
    let mut out: Vec<String> = list.to_vec();
    for p in list {
        let Some((first, rest)) = p.split_once(' ') else {
            continue;
        };
        if !verbs.iter().any(|v| v == first) {
            continue;
        }
        for form in present_forms(first) {
            let phrase = format!("{form} {rest}");
            if !out.contains(&phrase) {
                out.push(phrase);
            }
        }
    }
    out
}

/// `list` and, for each phrase whose first word is one of `verbs`, the same phrase with that
/// word's present forms; unlike [`with_present_forms`], a phrase may be the verb alone
/// ("avoid" → "avoids", "avoiding").
pub(crate) fn with_verb_forms(list: &[String], verbs: &[String]) -> Vec<String> {
    let mut out: Vec<String> = list.to_vec();
    for p in list {
        let (first, rest) = p
            .split_once(' ')
            .map_or((p.as_str(), None), |(f, r)| (f, Some(r)));
        if !verbs.iter().any(|v| v == first) {
            continue;
        }
        for form in present_forms(first) {
            let phrase = rest.map_or_else(|| form.clone(), |r| format!("{form} {r}"));
            if !out.contains(&phrase) {
                out.push(phrase);
            }
        }
    }
    out
}

/// The third person and the -ing form of an English verb: "stay" → "stays", "staying";
/// "skip" → "skips", "skipping" (a short closed syllable doubles its consonant); "leave" →
/// "leaves", "leaving".
pub(crate) fn present_forms(verb: &str) -> [String; 2] {
    let third = if verb.ends_with(['s', 'x', 'z']) || verb.ends_with("sh") || verb.ends_with("ch") {
        format!("{verb}es")
    } else {
        format!("{verb}s")
    };
    let vowel = |c: char| "aeiou".contains(c);
    let chars: Vec<char> = verb.chars().collect();
    let closed = chars.len() >= 3
        && "bdgmnpt".contains(chars[chars.len() - 1])
        && vowel(chars[chars.len() - 2])
        && !vowel(chars[chars.len() - 3])
        && chars[..chars.len() - 2]
            .iter()
            .filter(|&&c| vowel(c))
            .count()
            == 0;
    let ing = if closed {
        format!("{verb}{}ing", chars[chars.len() - 1])
    } else {
        let stem = verb
            .strip_suffix('e')
            .filter(|s| !s.is_empty() && !s.ends_with('e'))
            .unwrap_or(verb);
        format!("{stem}ing")
    };
    [third, ing]
}

/// `list` and, for each phrase that says a tool "is not" or "isn't" something, the same
/// without the verb, as headlines and notes say it ("TinyPNG not required", "Zoom not
/// wanted"); the adjective list stays the data's.
pub(crate) fn with_elided_copula(list: &[String]) -> Vec<String> {
    let mut out: Vec<String> = list.to_vec();
    for p in list {
        let rest = p
            .strip_prefix("is not ")
            .or_else(|| p.strip_prefix("isn t "))
            .or_else(|| p.strip_prefix("isnt "));
        if let Some(rest) = rest {
            let phrase = format!("not {rest}");
            if !out.contains(&phrase) {
                out.push(phrase);
            }
        }
    }
    out
}

/// `list` and, for each phrase that starts with "is", the same with the contracted "'s"
/// ("is gone" → "s gone": "Chargebee's gone" is read `chargebee s gone`).
pub(crate) fn with_contractions(list: &[String]) -> Vec<String> {
    let mut out: Vec<String> = list.to_vec();
    for p in list {
        if let Some(rest) = p.strip_prefix("is ") {
            let phrase = format!("s {rest}");
            if !out.contains(&phrase) {
                out.push(phrase);
            }
        }
    }
    out
}

/// Names by their [`sound_key`]; a key two names share is left out (which one was said is
/// unknown).
fn by_sound(names: Vec<String>) -> BTreeMap<String, String> {
    let mut keyed: BTreeMap<String, Option<String>> = BTreeMap::new();
    for n in names {
        let slot = keyed
            .entry(sound_key(&n))
            .or_insert_with(|| Some(n.clone()));
        if slot.as_deref() != Some(n.as_str()) {
            *slot = None;
        }
    }
    keyed
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect()
}

/// A word as it sounds, for words dictation spells its own way: `er` and `a` at the end of a
/// syllable sound alike in English ("super base" for Supabase), so `er` is read as `a`; `ow`
/// as `o` ("sno flake" for Snowflake), `ph` as `f` and `ck` as `k`; and a doubled letter as
/// one.
pub(crate) fn sound_key(w: &str) -> String {
    let mut out = String::with_capacity(w.len());
    let spoken = w
        .replace("er", "a")
        .replace("ow", "o")
        .replace("ph", "f")
        .replace("ck", "k");
    for c in spoken.chars() {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// The shortest one-word name whose typos are recognised.
const MIN_TYPO_LEN: usize = 6;

/// A word's key for typing slips that keep its letters: its first and last letter and the
/// set of its letters in order of the alphabet, doubled letters counted once ("twillio" and
/// "twilio", "klayvio" and "klaviyo", "hubpsot" and "hubspot" share a key; "discard" and
/// "discord" do not).
pub(crate) fn typo_key(w: &str) -> String {
    let mut letters: Vec<char> = w.chars().collect();
    letters.sort_unstable();
    letters.dedup();
    let first = w.chars().next().unwrap_or(' ');
    let last = w.chars().next_back().unwrap_or(' ');
    format!("{first}{last}:{}", letters.into_iter().collect::<String>())
}

/// The longest word of a catalog name that dictation spells letter by letter.
const MAX_SPELLED_LEN: usize = 5;

/// The shortest one-word name joined from spoken pieces.
const MIN_COMPOUND_LEN: usize = 5;

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn present_forms_are_derived_for_the_listed_verbs_only() {
        let list: Vec<String> = ["text every", "page the", "phone", "email me", "texts my"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let verbs = vec!["text".to_owned(), "page".to_owned()];
        let out = with_present_forms(&list, &verbs);
        for want in [
            "texts every",
            "texting every",
            "pages the",
            "paging the",
            "texts my",
        ] {
            assert!(out.contains(&want.to_owned()), "{want}: {out:?}");
        }
        for not in ["emails me", "phones", "textss my", "texts every every"] {
            assert!(!out.contains(&not.to_owned()), "{not}: {out:?}");
        }
        assert_eq!(
            out.iter().filter(|p| p.as_str() == "texts my").count(),
            1,
            "{out:?}"
        );
    }

    #[test]
    fn builtin_language_data_parses_and_names_known_needs_and_tools() {
        let lang = Language::builtin().unwrap();
        let catalog = crate::catalog::Catalog::builtin().unwrap();
        for (_, need) in &lang.delivery.audiences {
            assert!(catalog.needs.iter().any(|n| n.id == *need), "{need}");
        }
        for c in &lang.capabilities {
            assert!(catalog.needs.iter().any(|n| n.id == c.need), "{}", c.need);
        }
        for w in &lang.ordinary {
            assert!(catalog.tool(&w.tool).is_some(), "{}", w.tool);
        }
        for (_, t) in &lang.entities.prefixes {
            assert!(catalog.tool(t).is_some(), "{t}");
        }
        assert!(!lang.policy.is_empty());
        assert!(lang.negation.clause.contains(&words("don't")));
    }
}
