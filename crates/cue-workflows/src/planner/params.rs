//! Parameter values (channels, tables, URLs, addresses) taken from the text of a step's clause.

use std::collections::BTreeMap;

use super::conditions::quoted_at;
use super::language::Grammar;
use crate::catalog::Catalog;
use crate::catalog::languages::{Language, Languages};
use crate::escape::ident;
use crate::model::Step;
use crate::text::Tok;

/// Byte ranges of the quoted names in `s` (quotes included).
pub(super) fn quoted_spans(s: &str) -> Vec<(usize, usize)> {
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
pub(super) fn extract_params(
    g: &Grammar,
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
                            && !g.stop(&cand)
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
            // a post created as a draft unless the clause asks to publish it (WordPress)
            "status" if default == "draft" => {
                let says = |w: &str| {
                    clause
                        .split(|c: char| !c.is_alphanumeric())
                        .any(|x| x.eq_ignore_ascii_case(w))
                };
                if ["publish", "publishes", "published", "publicly", "live"]
                    .iter()
                    .any(|w| says(w))
                    && !says("draft")
                {
                    value = Some("publish".to_owned());
                }
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

/// Words before a language name that make it the language to translate into ("to French",
/// "into German", "in Spanish"), and words after it that do ("a French translation").
const INTO_WORDS: &[&str] = &["to", "into", "in"];
const AS_TARGET_AFTER: &[&str] = &["translation", "translations", "version", "versions"];

/// The language named as a translation's target in `toks` (one clause's words, in order):
/// the first name after "to"/"into"/"in" or before "translation"/"version".
fn named_target<'l>(langs: &'l Languages, toks: &[&str]) -> Option<&'l Language> {
    (0..toks.len()).find_map(|k| {
        let (l, n) = langs.named_at(toks, k)?;
        let before = k
            .checked_sub(1)
            .and_then(|b| toks.get(b))
            .is_some_and(|w| INTO_WORDS.contains(w));
        let after = toks.get(k + n).is_some_and(|w| AS_TARGET_AFTER.contains(w));
        (before || after).then_some(l)
    })
}

/// Binds each translating step's target language (the catalog's `target_language`) to the
/// language the prompt names, in the vendor's own code: the step's clause first, then any
/// clause after the trigger's ("… with DeepL and post it to Slack in Spanish"). A named
/// language the vendor has no code for keeps the default, and the assumptions say so; so does
/// a step whose prompt names none (`caveats` states the language every translation uses).
pub(super) fn bind_target_languages(
    catalog: &Catalog,
    toks: &[Tok],
    step_clauses: &[usize],
    trig_end: usize,
    steps: &mut [Step],
    assumptions: &mut Vec<String>,
) {
    let Ok(langs) = Languages::builtin() else {
        return;
    };
    for (s, clause) in steps.iter_mut().zip(step_clauses) {
        let Some(tool) = catalog.tool(&s.tool) else {
            continue;
        };
        let Some(tl) = tool
            .action(&s.action)
            .and_then(|a| a.target_language.as_ref())
        else {
            continue;
        };
        let words = |keep: &dyn Fn(usize, &Tok) -> bool| -> Vec<&str> {
            toks.iter()
                .enumerate()
                .filter(|(i, t)| keep(*i, t))
                .map(|(_, t)| t.w.as_str())
                .collect()
        };
        let own = words(&|_, t: &Tok| t.clause == *clause);
        let rest = words(&|i, t: &Tok| t.clause != *clause && i >= trig_end);
        let Some(lang) = named_target(langs, &own).or_else(|| named_target(langs, &rest)) else {
            let default = s.params.get(&tl.param).map_or("", String::as_str);
            let name = langs
                .by_code(&tl.codes, default)
                .map_or(default, |l| l.name.as_str());
            assumptions.push(format!(
                "No language to translate into was named; {} translates into {name} ({default}), its default: name one (\"translate it to French\") or set {}.",
                tool.name,
                format!("{}_{}", ident(&tool.id), ident(&tl.param)).to_ascii_uppercase()
            ));
            continue;
        };
        match lang.codes.get(&tl.codes) {
            Some(code) => {
                s.params.insert(tl.param.clone(), code.clone());
            }
            None => assumptions.push(format!(
                "{} cannot translate into {} (not among its target languages, {}); the step keeps its default language: name another language or another translation service.",
                tool.name,
                lang.name,
                langs.code_sets.get(&tl.codes).map_or("", |c| c.url.as_str())
            )),
        }
    }
}

/// What introduces the words a search looks for ("videos about rust", "tweets mentioning
/// Acme", "news on the topic of solar power"), longest first where one starts another.
const SEARCH_MARKERS: &[&[&str]] = &[
    &["on", "the", "topic", "of"],
    &["on", "the", "subject", "of"],
    &["with", "the", "keywords"],
    &["with", "the", "keyword"],
    &["for", "the", "keywords"],
    &["for", "the", "keyword"],
    &["for", "the", "term"],
    &["related", "to"],
    &["about"],
    &["mentioning"],
    &["mention"],
    &["mentions"],
    &["regarding"],
    &["concerning"],
    &["discussing"],
    &["matching"],
    &["containing"],
];

/// Words that end the words of a search: what follows says when, where or what next.
const SEARCH_ENDS: &[&str] = &[
    "and",
    "then",
    "to",
    "into",
    "every",
    "each",
    "daily",
    "weekly",
    "hourly",
    "monthly",
    "since",
    "posted",
    "published",
    "uploaded",
    "from",
    "at",
    "via",
    "using",
    "with",
    "that",
    "which",
    "today",
    "yesterday",
    "this",
    "last",
    "before",
    "after",
    "if",
    "when",
];

/// Words that end them only before a tool's name or a channel ("about rust on YouTube",
/// "about AI in #news"); elsewhere they are part of them ("AI in healthcare").
const SEARCH_ENDS_BEFORE_PLACE: &[&str] = &["in", "on", "for", "over", "through"];

/// Words of a search that name nobody in particular: the prompt did not say what to look for
/// ("tweets mentioning our brand" keeps the step's default).
const VAGUE_SEARCH: &[&str] = &[
    "our", "my", "your", "the", "us", "me", "it", "them", "brand", "company", "business",
    "product", "products", "name",
];

/// The longest search kept, in characters.
const MAX_SEARCH: usize = 100;

/// The words a search step looks for, said in `span` of `text` after "about", "mentioning",
/// "on the topic of" … (`SEARCH_MARKERS`): a quoted text, else the words up to one that says
/// when, where or what next (`SEARCH_ENDS`; `is_tool`: whether a word starts a tool's name).
/// `None` when none is said, or only vague words ("our brand").
/// Failing those, "for" after a search verb said within [`SEARCH_FOR_REACH`] words before it
/// ("search Google News for Tesla", "look up news for electric vehicles", R15-3).
pub(super) fn search_words(
    toks: &[Tok],
    text: &str,
    span: (usize, usize),
    is_tool: &dyn Fn(&str) -> bool,
) -> Option<String> {
    marked_search(toks, text, span, is_tool, false).or_else(|| {
        // a quoted text elsewhere in the clause is what is searched, as written, and the
        // parameters read it ("search YouTube for videos on the topic 'home brewing'")
        let clause = text.get(span.0..span.1).unwrap_or_default();
        let quoted: Vec<&str> = quoted_spans(clause)
            .into_iter()
            .filter_map(|(a, b)| clause.get(a + 1..b.saturating_sub(1)))
            .collect();
        marked_search(toks, text, span, is_tool, true)
            .filter(|found| quoted.is_empty() || quoted.contains(&found.as_str()))
    })
}

/// Verbs of searching whose "for" introduces what is searched for.
const SEARCH_VERBS: &[&str] = &[
    "search",
    "searches",
    "searching",
    "look",
    "looks",
    "looking",
    "query",
    "queries",
    "querying",
];

/// How many words before "for" a search verb may stand ("search Google News for").
const SEARCH_FOR_REACH: usize = 4;

/// The words after a marker: one of [`SEARCH_MARKERS`], or (`by_verb`) a "for" after a search
/// verb.
fn marked_search(
    toks: &[Tok],
    text: &str,
    span: (usize, usize),
    is_tool: &dyn Fn(&str) -> bool,
    by_verb: bool,
) -> Option<String> {
    let idx: Vec<usize> = (0..toks.len())
        .filter(|&i| toks[i].start >= span.0 && toks[i].end <= span.1)
        .collect();
    let words: Vec<&str> = idx.iter().map(|&i| toks[i].w.as_str()).collect();
    const FOR: &[&str] = &["for"];
    const UP: &[&str] = &["up"];
    for k in 0..words.len() {
        let m: &[&str] = if by_verb {
            // "look up 'timeout' in my index": "up" right after look names them too (R16-3)
            let looked_up =
                words[k] == "up" && k > 0 && ["look", "looks", "looking"].contains(&words[k - 1]);
            if !looked_up
                && (words[k] != "for"
                    || !words[k.saturating_sub(SEARCH_FOR_REACH)..k]
                        .iter()
                        .any(|w| SEARCH_VERBS.contains(w)))
            {
                continue;
            }
            if looked_up { UP } else { FOR }
        } else {
            let Some(m) = SEARCH_MARKERS
                .iter()
                .find(|m| words.get(k..k + m.len()) == Some(&m[..]))
            else {
                continue;
            };
            m
        };
        let after = toks[idx[k + m.len() - 1]].end;
        // a quoted text right after the marker is the search, as written
        let rest = text[after..].trim_start();
        if rest.starts_with(['"', '\'', '‘', '“'])
            && let Some(q) = quoted_at(rest)
        {
            let q = q.trim();
            if !q.is_empty() {
                return Some(q.chars().take(MAX_SEARCH).collect());
            }
        }
        let mut end = k + m.len();
        while end < words.len() {
            let w = words[end];
            let next = words.get(end + 1).copied();
            let place = next.is_some_and(is_tool)
                || text[toks[idx[end]].end..]
                    .trim_start()
                    .starts_with(['#', '@']);
            if SEARCH_ENDS.contains(&w)
                || is_tool(w)
                || (SEARCH_ENDS_BEFORE_PLACE.contains(&w) && place)
                || (end > k + m.len()
                    && text[toks[idx[end - 1]].end..toks[idx[end]].start]
                        .contains([',', ';', '.', ':', '(', ')']))
            {
                break;
            }
            end += 1;
        }
        if end == k + m.len() {
            continue;
        }
        let said = &text[toks[idx[k + m.len()]].start..toks[idx[end - 1]].end];
        if words[k + m.len()..end]
            .iter()
            .all(|w| VAGUE_SEARCH.contains(w))
        {
            return None;
        }
        return Some(said.chars().take(MAX_SEARCH).collect());
    }
    None
}

/// The longest instruction kept for a step that asks a model, in characters.
const MAX_INSTRUCTION: usize = 300;

/// Words before a tool's name that only say which tool does the work ("with Mistral", "use
/// OpenAI to …", "ask Claude to …"): dropped with the name.
const TOOL_LEAD: &[&str] = &[
    "with", "using", "via", "through", "by", "use", "ask", "have", "let", "get", "in", "on", "to",
    "into",
];

/// Words that ask a model nothing by themselves ("send it to OpenAI"): a clause of only these
/// leaves the catalog's default instruction.
const NO_ASK: &[&str] = &[
    "send", "pass", "run", "give", "feed", "put", "forward", "it", "them", "this", "the", "each",
    "every", "record", "records", "text", "through",
];

/// Of those, the ones whose `to` after the name starts the work ("use OpenAI to classify").
const TOOL_LEAD_TO: &[&str] = &["use", "ask", "have", "let", "get", "using"];

/// Words after a tool's name that are part of naming it ("the OpenAI API", "Gemini model").
const TOOL_TAIL: &[&str] = &["api", "model", "ai", "llm"];

/// Words a clause may end with whose question is the next clause ("tell" | "if the review is
/// positive": the tokenizer starts a clause at `if`).
const ASKS_NEXT: &[&str] = &[
    "tell",
    "out",
    "check",
    "see",
    "decide",
    "determine",
    "know",
    "judge",
    "say",
    "ask",
];

/// Words that join a clause to the one before ("and summarize it"), dropped at its start.
const JOINERS: &[&str] = &["and", "then", "also", "so", "to"];

/// Words that start a clause of its own, never the rest of a model's instruction: a condition,
/// an event, what happens next or else.
const STARTS_OTHER: &[&str] = &[
    "if",
    "when",
    "whenever",
    "then",
    "otherwise",
    "but",
    "unless",
    "so",
    "also",
];

/// Verbs that start another step's work ("… and post it to #es", "… and add a label"): the
/// clause they open is not the model's task.
const OTHER_STEP_VERBS: &[&str] = &[
    "post", "send", "email", "text", "sms", "notify", "add", "create", "save", "put", "log",
    "upload", "share", "append", "store", "forward", "attach", "update", "set", "mark", "assign",
    "reply", "file", "insert", "publish", "tweet", "message", "ping", "alert", "drop", "push",
    "open", "write", "keep",
];

/// What a step that asks a model (an action with an `instruction` parameter) is told to do:
/// the words of the clause that asked for it ("summarize it with Mistral" → "Summarize it."),
/// from `from` on (the trigger's words are not the task), and the clauses after it in the same
/// sentence that no other step was asked in (`taken`) and that start no condition or event (a
/// list split at its commas: "classify it as billing, bug, or other"), with a question the
/// tokenizer split off ("tell" | "if the review is positive"); without the words that only name
/// the tool (`names`, lower case: the tool's name and aliases, with "with", "use … to" …) and
/// the joining words at its start. `None` when nothing but the tool is left.
pub(super) fn instruction(
    toks: &[Tok],
    text: &str,
    clause: usize,
    from: usize,
    floor: usize,
    taken: &[usize],
    names: &[String],
) -> Option<String> {
    let mut idx: Vec<usize> = (from..toks.len())
        .filter(|&i| toks[i].clause == clause)
        .collect();
    // the clauses before it in the sentence that ask the same ("classify it as billing, bug,
    // or other with OpenAI": the tool is named in the last part of the list), from its first
    // word on, not the event's (before `floor`), another step's or a condition
    let sentence_end = |gap: &str| gap.contains(['.', ';', '!', '?', '\n', '→', '>']);
    while let Some(&first) = idx.first() {
        let Some(prev) = first.checked_sub(1).map(|k| &toks[k]) else {
            break;
        };
        let whole = toks[first].clause != prev.clause;
        let start = (0..first)
            .rev()
            .take_while(|&i| toks[i].clause == prev.clause)
            .last()
            .unwrap_or(first);
        let opener = (start..first)
            .map(|i| toks[i].w.as_str())
            .find(|w| !JOINERS.contains(w))
            .unwrap_or("");
        if !whole
            || start < floor
            || sentence_end(&text[prev.end..toks[first].start])
            || taken.contains(&prev.clause)
            || STARTS_OTHER.contains(&toks[first].w.as_str())
            || STARTS_OTHER.contains(&opener)
            || OTHER_STEP_VERBS.contains(&opener)
            || matches!(
                opener,
                "when" | "whenever" | "once" | "every" | "each" | "after"
            )
        {
            break;
        }
        idx.splice(0..0, start..first);
    }
    let mut c = clause;
    loop {
        let last = *idx.last()?;
        let Some(next) = toks.get(last + 1) else {
            break;
        };
        let gap = &text[toks[last].end..next.start];
        let question = ASKS_NEXT.contains(&toks[last].w.as_str())
            && matches!(next.w.as_str(), "if" | "whether");
        let same_sentence = !sentence_end(gap);
        // the first word after the joining ones: another step's verb starts its own task
        let verb = (last + 1..toks.len())
            .take_while(|&i| toks[i].clause == c + 1)
            .map(|i| toks[i].w.as_str())
            .find(|w| !JOINERS.contains(w));
        if next.clause != c + 1
            || !same_sentence
            || verb.is_some_and(|v| OTHER_STEP_VERBS.contains(&v))
            || taken.contains(&next.clause)
            || (STARTS_OTHER.contains(&next.w.as_str()) && !question)
        {
            break;
        }
        c += 1;
        idx.extend((last + 1..toks.len()).take_while(|&i| toks[i].clause == c));
    }
    let mut keep = vec![true; idx.len()];
    let words: Vec<&str> = idx.iter().map(|&i| toks[i].w.as_str()).collect();
    for name in names {
        let nw: Vec<&str> = name.split_whitespace().collect();
        if nw.is_empty() {
            continue;
        }
        let mut k = 0;
        while k + nw.len() <= words.len() {
            if words[k..k + nw.len()] != nw[..] {
                k += 1;
                continue;
            }
            let mut from = k;
            let mut to = k + nw.len();
            if from > 0 && words[from - 1] == "the" {
                from -= 1;
            }
            let lead = (from > 0 && TOOL_LEAD.contains(&words[from - 1])).then(|| words[from - 1]);
            if lead.is_some() {
                from -= 1;
            }
            while to < words.len() && TOOL_TAIL.contains(&words[to]) {
                to += 1;
            }
            if lead.is_some_and(|l| TOOL_LEAD_TO.contains(&l)) && words.get(to) == Some(&"to") {
                to += 1;
            }
            keep[from..to].iter_mut().for_each(|x| *x = false);
            k = to;
        }
    }
    // the joining words at the start
    for (k, w) in words.iter().enumerate() {
        if !keep[k] {
            continue;
        }
        if JOINERS.contains(w) {
            keep[k] = false;
        } else {
            break;
        }
    }
    // and at its end, with a word that only led to the tool ("summarize it and" | "if …")
    for (k, w) in words.iter().enumerate().rev() {
        if !keep[k] {
            continue;
        }
        if JOINERS.contains(w) || TOOL_LEAD.contains(w) {
            keep[k] = false;
        } else {
            break;
        }
    }
    // the kept words as written, with the quotes and brackets around them
    let closing = |c: char| matches!(c, '"' | '\'' | '’' | '”' | ')' | '%');
    let opening = |c: char| matches!(c, '"' | '\'' | '‘' | '“' | '(' | '#' | '@' | '$');
    let mut parts: Vec<String> = Vec::new();
    let mut k = 0;
    while k < idx.len() {
        if !keep[k] {
            k += 1;
            continue;
        }
        let mut e = k;
        while e + 1 < idx.len() && keep[e + 1] && idx[e + 1] == idx[e] + 1 {
            e += 1;
        }
        let mut a = toks[idx[k]].start;
        while let Some(c) = text[..a].chars().next_back().filter(|c| opening(*c)) {
            a -= c.len_utf8();
        }
        let mut b = toks[idx[e]].end;
        while let Some(c) = text[b..].chars().next().filter(|c| closing(*c)) {
            b += c.len_utf8();
        }
        parts.push(text[a..b].to_owned());
        k = e + 1;
    }
    let said: String = parts
        .join(" ")
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '{' | '}'))
        .collect();
    let said = said.trim();
    // nothing asked but the tool ("send it to OpenAI")
    if words
        .iter()
        .zip(&keep)
        .all(|(w, k)| !k || NO_ASK.contains(w))
    {
        return None;
    }
    let mut out: String = said.chars().take(MAX_INSTRUCTION).collect();
    if let Some(first) = out.chars().next() {
        out = first.to_uppercase().chain(out.chars().skip(1)).collect();
    }
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    Some(out)
}

/// A phone number written in a clause: `+` and 8 to 15 digits, spaces, dots, dashes or
/// brackets between them (`+1 415-555-0100`), as E.164 (`+14155550100`).
fn phone_in(clause: &str) -> Option<String> {
    let mut rest = clause;
    while let Some(i) = rest.find('+') {
        let tail = &rest[i + 1..];
        let run: String = tail
            .chars()
            .take_while(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')'))
            .collect();
        let digits: String = run.chars().filter(char::is_ascii_digit).collect();
        if (8..=15).contains(&digits.len()) && tail.starts_with(|c: char| c.is_ascii_digit()) {
            return Some(format!("+{digits}"));
        }
        rest = tail;
    }
    None
}

/// An email address written in a clause.
fn email_in(clause: &str) -> Option<String> {
    clause
        .split(|c: char| {
            c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '\'' | '"' | '<' | '>')
        })
        .map(|w| w.trim_end_matches(['.', ':']))
        .find(|w| w.contains('@') && w.contains('.') && !w.starts_with('@'))
        .map(str::to_owned)
}

/// Binds the recipient a step's clause names to the step's recipient field: a number for a
/// step that sends to the record's `{field:phone}` (Twilio's `To`, WhatsApp's `to`), an
/// address for one that sends to `{field:email}`. The generated code then sends to it alone,
/// not to a number or address found in the record (R7-12; `{field_or:email:to}` has its `to`
/// from `extract_params`).
pub(super) fn bind_named_recipients(catalog: &Catalog, clauses: &[&str], steps: &mut [Step]) {
    for (s, clause) in steps.iter_mut().zip(clauses) {
        let Some(action) = catalog.tool(&s.tool).and_then(|t| t.action(&s.action)) else {
            continue;
        };
        let spec = serde_json::to_string(&(&action.body, &action.query, &action.kwargs))
            .unwrap_or_default();
        for (field, found) in [("phone", phone_in(clause)), ("email", email_in(clause))] {
            if let Some(value) = found
                && spec.contains(&format!("{{field:{field}}}"))
                && !action.params.contains_key(field)
            {
                s.params.insert(field.to_owned(), value);
            }
        }
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use crate::model::Plan;
    use crate::{Engine, GenerateRequest};

    fn plan(prompt: &str) -> Plan {
        Engine::new()
            .unwrap()
            .plan(&GenerateRequest::text(prompt))
            .unwrap()
    }

    /// The language of the step of `tool`, and whether the plan says none was named.
    fn language(prompt: &str, tool: &str) -> (String, bool) {
        let p = plan(prompt);
        let s = p.steps.iter().find(|s| s.tool == tool).unwrap();
        let unnamed = p
            .assumptions
            .iter()
            .any(|a| a.starts_with("No language to translate into was named"));
        (s.params["language"].clone(), unnamed)
    }

    #[test]
    fn a_language_the_prompt_names_reaches_each_vendor_in_its_own_code() {
        for (prompt, tool, code) in [
            (
                "When a message is posted in Slack, translate it to French with Google Translate and post it to Slack",
                "google_translate",
                "fr",
            ),
            (
                "Translate every new Slack message into German with Google Translate and post it to #de",
                "google_translate",
                "de",
            ),
            // dictated, lower case
            (
                "when a new zendesk ticket comes in translate it into french with deepl and post it to slack",
                "deepl",
                "FR",
            ),
            // a variant in DeepL's spelling, the longest name winning over "english"
            (
                "When a message is posted in Slack, translate it with DeepL into British English and post it to #en",
                "deepl",
                "EN-GB",
            ),
            (
                "When a message is posted in Slack, translate it with DeepL into Brazilian Portuguese and post it to #br",
                "deepl",
                "PT-BR",
            ),
            (
                "When a message is posted in Slack, translate it to traditional Chinese with Google Translate and post it to #tw",
                "google_translate",
                "zh-TW",
            ),
            (
                "When a message is posted in Slack, translate it with Amazon Translate in Spanish and post it to #es",
                "amazon_translate",
                "es",
            ),
            (
                "When a message is posted in Slack, translate it with Amazon Translate to Simplified Chinese and post it to #cn",
                "amazon_translate",
                "zh",
            ),
            // named in another clause after the trigger
            (
                "When a message is posted in Slack, translate it with DeepL and post the Japanese version to #jp",
                "deepl",
                "JA",
            ),
        ] {
            assert_eq!(language(prompt, tool), (code.to_owned(), false), "{prompt}");
        }
    }

    #[test]
    fn a_number_or_address_named_in_a_clause_is_read_as_e164_or_as_written() {
        use super::{email_in, phone_in};
        assert_eq!(
            phone_in("text +1 415-555-0100 now").as_deref(),
            Some("+14155550100")
        );
        assert_eq!(
            phone_in("call +44 (20) 7946 0958.").as_deref(),
            Some("+442079460958")
        );
        assert_eq!(
            email_in("to billing@example.com.").as_deref(),
            Some("billing@example.com")
        );
        // not a number: too short, no digit after the +, a sum
        for no in ["a + b", "+12 3", "grow by +5%", "no plus here 4155550100"] {
            assert_eq!(phone_in(no), None, "{no}");
        }
        assert_eq!(email_in("mention @team in #dev"), None);
        // a named number is the step's recipient; none named leaves the record's to be read
        let p = plan("When I get an SMS on Twilio, text +1 415-555-0100 with Twilio");
        assert_eq!(p.steps[0].params["phone"], "+14155550100");
        let p = plan("When I get an SMS on Twilio, reply to the sender with Twilio");
        assert_ne!(
            p.steps[0].params.get("phone").map(String::as_str),
            Some("+14155550100")
        );
    }

    #[test]
    fn without_a_named_target_the_default_stays_and_the_plan_says_so() {
        // no language at all
        let (code, unnamed) = language(
            "When a message is posted in Slack, translate it with DeepL and post it to #intl",
            "deepl",
        );
        assert_eq!((code.as_str(), unnamed), ("EN-US", true));
        // the language of the event is where the text comes from, not where it goes
        let (code, unnamed) = language(
            "When a message in Spanish is posted in Slack, translate it with Google Translate and post it to #intl",
            "google_translate",
        );
        assert_eq!((code.as_str(), unnamed), ("es", true));
        // a language the vendor cannot translate into keeps the default, and the plan says so
        let p = plan(
            "When a message is posted in Slack, translate it to European Portuguese with Google Translate and post it to #pt",
        );
        assert_eq!(p.steps[0].params["language"], "es");
        assert!(
            p.assumptions
                .iter()
                .any(|a| a
                    .starts_with("Google Translate cannot translate into Portuguese (Portugal)")),
            "{:?}",
            p.assumptions
        );
        // a step that translates nothing has no language
        let p = plan("When a Stripe payment succeeds, post it in French to #general in Slack");
        assert!(
            !p.assumptions.iter().any(|a| a.contains("translate into")),
            "{:?}",
            p.assumptions
        );
    }
}
