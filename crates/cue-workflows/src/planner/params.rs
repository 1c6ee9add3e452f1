//! Parameter values (channels, tables, URLs, addresses) taken from the text of a step's clause.

use std::collections::BTreeMap;

use super::conditions::quoted_at;
use super::language::Grammar;

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
