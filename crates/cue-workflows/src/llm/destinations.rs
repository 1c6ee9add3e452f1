//! Holds a model's plan to the destinations the user gave.
//!
//! A prompt-injected or careless model may send the workflow's data anywhere: a queue in
//! another account, a bucket it invents, or an ordinary word of the prompt ("the event", "my
//! bucket") taken for a bucket or channel name. A destination value (URL, queue, topic,
//! bucket, account, address, channel) of a model's plan stands only when the user gave it as
//! one ([`Given`]): quoted, identifier-shaped (`#ops`, `ops@example.com`, an ARN, a URL,
//! `acme-uploads`, `C0123ABCD`), a plain word right after a destination cue ("to finance") or
//! before a destination noun ("the finance channel") that is no common word, or the word a
//! naming word names ("the bucket called reports") (`data/language/destinations.json`). Anything else goes back to the
//! catalog's default, a setting the user fills, and the assumptions say so without repeating
//! the model's value.

use std::collections::HashSet;

use serde::Deserialize;

use crate::catalog::{Catalog, ParamKind};
use crate::model::Plan;
use crate::values::{ParamRule, TRIGGER_DEFAULTS, quote, trigger_rule};

const VOCABULARY_JSON: &str = include_str!("../../data/language/destinations.json");

/// Parameter names that say where data goes (or comes from) whatever their declared kind.
const DESTINATION_NAMES: &[&str] = &[
    "to",
    "recipient",
    "email",
    "from",
    "cc",
    "bcc",
    "phone",
    "number",
    "channel",
    "chat_id",
    "address",
    "account",
    "bucket",
    "queue",
    "queue_url",
    "topic",
    "topic_arn",
    "stream",
    "url",
    "webhook_url",
    "endpoint",
];

/// Characters cut from both ends of a word of the prompt (sentence punctuation and brackets).
const EDGE_PUNCTUATION: &[char] = &[
    ',', '.', ';', ':', '!', '?', '(', ')', '[', ']', '{', '}', '<', '>', '"', '\'', '`', '“', '”',
    '‘', '’',
];

/// Pairs of quotes whose content is a value the user gave as it is.
const QUOTES: &[(char, char)] = &[('"', '"'), ('“', '”'), ('`', '`'), ('‘', '’')];

/// The longest quoted text taken as one value, in characters.
const MAX_QUOTED_CHARS: usize = 200;

/// `data/language/destinations.json`.
#[derive(Debug, Default, Deserialize)]
struct Vocabulary {
    cues: Vec<String>,
    naming: Vec<String>,
    nouns: Vec<String>,
    determiners: Vec<String>,
    common: Vec<String>,
}

impl Vocabulary {
    fn builtin() -> Result<Self, serde_json::Error> {
        serde_json::from_str(VOCABULARY_JSON)
    }
}

/// The destination values a user's description gives, normalised by [`normalise`].
#[derive(Debug, Default)]
pub(crate) struct Given {
    values: HashSet<String>,
}

impl Given {
    /// What `text` gives as destinations; `tool_names` (lower case) never count as one.
    pub(crate) fn from_text(text: &str, tool_names: &HashSet<String>) -> Self {
        // without its vocabulary only quoted and identifier-shaped values count: stricter
        let vocabulary = Vocabulary::builtin().unwrap_or_default();
        let mut values: HashSet<String> = quoted(text).map(|q| normalise(&q)).collect();
        let words: Vec<&str> = text
            .split_whitespace()
            .map(|w| w.trim_matches(EDGE_PUNCTUATION))
            .filter(|w| !w.is_empty())
            .collect();
        let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
        let has = |list: &[String], w: &str| list.iter().any(|x| x == w);
        let plain_name = |w: &str| {
            w.chars().all(char::is_alphanumeric)
                && w.chars().any(char::is_alphabetic)
                && !has(&vocabulary.common, w)
                && !has(&vocabulary.determiners, w)
                && !has(&vocabulary.cues, w)
                && !has(&vocabulary.nouns, w)
                && !tool_names.contains(w)
        };
        for (i, word) in words.iter().enumerate() {
            if identifier_shaped(word) {
                values.insert(normalise(word));
            }
            // a plain word after a cue, determiners skipped
            if has(&vocabulary.cues, &lower[i]) {
                let next = lower[i + 1..]
                    .iter()
                    .find(|w| !has(&vocabulary.determiners, w));
                if let Some(w) = next.filter(|w| plain_name(w)) {
                    values.insert(w.clone());
                }
            }
            // any plain word a naming word names: "the bucket called reports"
            if has(&vocabulary.naming, &lower[i])
                && let Some(w) = lower.get(i + 1).filter(|w| {
                    w.chars().all(char::is_alphanumeric) && !has(&vocabulary.determiners, w)
                })
            {
                values.insert(w.clone());
            }
            // a plain word before a destination noun
            if i > 0 && has(&vocabulary.nouns, &lower[i]) && plain_name(&lower[i - 1]) {
                values.insert(lower[i - 1].clone());
            }
        }
        values.extend(phone_runs(text).filter_map(|run| phone_key(&run)));
        values.retain(|v| !v.is_empty());
        Self { values }
    }

    /// Whether the user gave `value` as a destination.
    pub(crate) fn contains(&self, value: &str) -> bool {
        let v = normalise(value);
        (!v.is_empty() && self.values.contains(&v))
            || phone_key(value).is_some_and(|k| self.values.contains(&k))
    }
}

/// A value as it is compared: trimmed, lower case, without a leading `#`/`@` or trailing `/`.
fn normalise(v: &str) -> String {
    v.trim()
        .to_lowercase()
        .trim_start_matches(['#', '@'])
        .trim_end_matches('/')
        .to_owned()
}

/// Characters a phone number or chat id is written with.
fn phone_char(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')' | '.')
}

/// A number written with spaces or dashes (`+49 151 1234 5678`) as one key (`tel:4915112345678`),
/// when it has 7 digits or more.
fn phone_key(v: &str) -> Option<String> {
    let v = v.trim();
    if v.is_empty() || !v.chars().all(phone_char) {
        return None;
    }
    let digits: String = v.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 7).then(|| format!("tel:{digits}"))
}

/// The longest runs of [`phone_char`] in `text`.
fn phone_runs(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !phone_char(c)).map(str::to_owned)
}

/// The texts between a pair of [`QUOTES`] (an apostrophe inside a word is no quote).
fn quoted(text: &str) -> impl Iterator<Item = String> + '_ {
    QUOTES.iter().flat_map(move |&(open, close)| {
        let mut out = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find(open) {
            let after = &rest[start + open.len_utf8()..];
            let Some(end) = after.find(close) else { break };
            let inner = after[..end].trim();
            if (1..=MAX_QUOTED_CHARS).contains(&inner.chars().count()) {
                out.push(inner.to_owned());
            }
            rest = &after[end + close.len_utf8()..];
        }
        out
    })
}

/// A token no one writes as an ordinary word: a channel or handle, an address, a URL, an ARN,
/// a long number (phone, chat id), or a name joined by `-_./:` or mixing letters and digits
/// (`acme-uploads`, `C0123ABCD`), but not a time or an ordinal (`9am`, `2nd`).
fn identifier_shaped(word: &str) -> bool {
    let lower = word.to_lowercase();
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    let digits = word.chars().filter(char::is_ascii_digit).count();
    let inner = word
        .get(1..word.len().saturating_sub(1))
        .unwrap_or_default();
    if let Some(rest) = word.strip_prefix(['#', '@']) {
        return rest.chars().any(char::is_alphanumeric);
    }
    if lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("arn:") {
        return true;
    }
    if word.contains('@') {
        return word
            .split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && d.contains('.'));
    }
    let number = word.trim_start_matches(['+', '-']);
    if digits >= 6 && number.chars().all(|c| c.is_ascii_digit()) {
        return true;
    }
    if letters == 0 {
        return false;
    }
    let joined = inner.contains(['-', '_', '.', '/', ':']);
    let time_or_ordinal = ["am", "pm", "st", "nd", "rd", "th", "h", "m", "s", "k"]
        .iter()
        .any(|s| {
            lower
                .strip_suffix(s)
                .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        });
    let mixed = digits > 0 && word.len() >= 3 && !time_or_ordinal;
    let camel = word
        .chars()
        .zip(word.chars().skip(1))
        .any(|(a, b)| a.is_lowercase() && b.is_uppercase());
    joined || mixed || camel
}

/// Whether a parameter names a destination: a URL, an address, a channel, an AWS resource.
fn is_destination(rule: ParamRule, name: &str) -> bool {
    matches!(
        rule.kind,
        ParamKind::Url
            | ParamKind::HttpUrl
            | ParamKind::Email
            | ParamKind::Phone
            | ParamKind::Channel
            | ParamKind::AwsResource
    ) || DESTINATION_NAMES.contains(&name)
}

/// The catalog's tool ids, names and aliases, and each word of a name, lower case: no tool is
/// a destination name ("Google Drive", "Slack"). The words of a spoken alias ("ops genie")
/// stay ordinary words.
fn tool_names(catalog: &Catalog) -> HashSet<String> {
    let mut out = HashSet::new();
    for t in catalog.tools() {
        let name = t.name.to_lowercase();
        out.extend(
            name.split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_owned),
        );
        out.insert(name);
        out.insert(t.id.to_lowercase());
        out.extend(t.aliases.iter().map(|a| a.to_lowercase()));
    }
    out
}

/// Holds a model's plan to the destinations the user gave: a destination value that is not
/// the catalog's default and that [`Given`] does not hold goes back to the default, a setting
/// the user fills; an unnamed trigger destination is dropped. Each change is said in the
/// assumptions, without the model's value.
pub(crate) fn confine(catalog: &Catalog, plan: &mut Plan, user_text: &str) {
    let given = Given::from_text(user_text, &tool_names(catalog));
    let mut notes = Vec::new();
    for step in &mut plan.steps {
        let Some(tool) = catalog.tool(&step.tool) else {
            continue;
        };
        let Some(action) = tool.action(&step.action) else {
            continue;
        };
        for (name, value) in &mut step.params {
            let default = action.params.get(name).cloned().unwrap_or_default();
            if *value == default || !is_destination(ParamRule::of(tool, action, name), name) {
                continue;
            }
            if !given.contains(value) {
                notes.push(format!(
                    "The model chose a {name} for {} ({}) that your description does not name; it stays the setting's default {} for you to fill in.",
                    step.id,
                    tool.name,
                    quote(&default)
                ));
                *value = default;
            }
        }
    }
    let unnamed: Vec<String> = plan
        .trigger
        .params
        .iter()
        .filter(|(k, v)| {
            is_destination(trigger_rule(k), k)
                && !given.contains(v)
                && !TRIGGER_DEFAULTS.contains(&(k.as_str(), v.as_str()))
        })
        .map(|(k, _)| k.clone())
        .collect();
    for k in unnamed {
        plan.trigger.params.remove(&k);
        notes.push(format!(
            "The model chose a trigger {k} that your description does not name; set it when you deploy."
        ));
    }
    plan.assumptions.extend(notes);
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    fn given(text: &str) -> Given {
        let catalog = Catalog::builtin().unwrap();
        Given::from_text(text, &tool_names(&catalog))
    }

    #[test]
    fn vocabulary_parses_and_holds_no_word_twice_in_one_list() {
        let v = Vocabulary::builtin().unwrap();
        for list in [&v.cues, &v.naming, &v.nouns, &v.determiners] {
            let set: HashSet<&String> = list.iter().collect();
            assert_eq!(set.len(), list.len(), "{list:?}");
            assert!(list.iter().all(|w| *w == w.to_lowercase()));
        }
        assert!(v.common.iter().all(|w| *w == w.to_lowercase()));
    }

    /// Values a user gives as destinations, each in the form the user wrote it and as a
    /// model would answer it.
    #[test]
    fn values_given_as_destinations_count() {
        let cases = [
            ("post the summary to #Finance in Slack", "finance"),
            ("post the summary to #Finance in Slack", "#finance"),
            ("email it to ops@example.com", "ops@example.com"),
            ("text me at +49 151 1234 5678", "+4915112345678"),
            (
                "send it to the Telegram chat -1001234567890",
                "-1001234567890",
            ),
            ("store it in the bucket acme-uploads", "acme-uploads"),
            ("store it in the bucket called reports", "reports"),
            ("store it in the bucket named Invoices", "invoices"),
            ("post it to the finance channel in Slack", "#finance"),
            ("post it to finance in Slack", "finance"),
            ("push it onto the queue orders_v2", "orders_v2"),
            (
                "publish to arn:aws:sns:us-east-1:123456789012:alerts.",
                "arn:aws:sns:us-east-1:123456789012:alerts",
            ),
            (
                "call https://hooks.example.com/in/abc, then stop",
                "https://hooks.example.com/in/abc/",
            ),
            ("add a row to the table \"Sales Leads\"", "Sales Leads"),
            ("add a row to the table “Sales Leads”", "sales leads"),
            ("post to channel C0123ABCD", "C0123ABCD"),
            ("message the FinanceTeam room", "FinanceTeam"),
        ];
        for (text, value) in cases {
            assert!(
                given(text).contains(value),
                "{value:?} not given by {text:?}"
            );
        }
    }

    /// Ordinary words of a prompt are never taken for a destination, wherever they stand.
    #[test]
    fn ordinary_words_never_count() {
        let cases = [
            (
                "when I run it, send the event to my queue, my topic and my bucket",
                &[
                    "event",
                    "the event",
                    "my",
                    "queue",
                    "my bucket",
                    "bucket",
                    "topic",
                    "it",
                    "run",
                ][..],
            ),
            (
                "every morning at 9am post yesterday's orders to Slack",
                &[
                    "morning",
                    "9am",
                    "orders",
                    "slack",
                    "yesterday's",
                    "yesterday",
                ][..],
            ),
            ("post it in the channel", &["channel", "the", "it"][..]),
            (
                "send me the report on the 2nd of each month",
                &["2nd", "report", "me", "month"][..],
            ),
            ("email the team an alert", &["team", "alert", "email"][..]),
            (
                "save the file to Google Drive",
                &["google", "drive", "google drive", "file"][..],
            ),
            ("", &["", "#"][..]),
        ];
        for (text, words) in cases {
            let g = given(text);
            for w in words {
                assert!(!g.contains(w), "{w:?} counted as given by {text:?}");
            }
        }
    }

    fn engine_plan(prompt: &str) -> Plan {
        crate::Engine::new()
            .unwrap()
            .plan(&crate::GenerateRequest::text(prompt))
            .unwrap()
    }

    #[test]
    fn destinations_must_be_given_by_the_user() {
        let catalog = Catalog::builtin().unwrap();
        let text = "post the open GitHub issues of acme/web to #Dev in Slack";
        let mut plan = engine_plan(text);
        let slack = plan.steps.iter().position(|s| s.tool == "slack").unwrap();
        plan.steps[slack]
            .params
            .insert("channel".to_owned(), "dev".to_owned());
        confine(&catalog, &mut plan, text);
        // given without its '#', in another case: the user's
        assert_eq!(plan.steps[slack].params["channel"], "dev");
        for chosen in ["#exfil", "issues", "open", "#slack", "the"] {
            plan.steps[slack]
                .params
                .insert("channel".to_owned(), chosen.to_owned());
            confine(&catalog, &mut plan, text);
            assert_eq!(plan.steps[slack].params["channel"], "#general", "{chosen}");
        }
        assert!(
            plan.assumptions
                .iter()
                .any(|a| a.contains("does not name") && !a.contains("exfil"))
        );
        // the repository is no destination: the model may complete it
        let github = plan.steps.iter().position(|s| s.tool == "github").unwrap();
        plan.steps[github]
            .params
            .insert("repo".to_owned(), "acme/api".to_owned());
        confine(&catalog, &mut plan, text);
        assert_eq!(plan.steps[github].params["repo"], "acme/api");
    }
}
