//! Entity recognition: which tools the prompt names. Multi-word aliases ("linear issue") are
//! names on their own; a one-word name that is also an ordinary word ("front", "teams",
//! "monday") counts only in context (`data/language/entities.json`).

use super::Mention;
use super::language::{Language, OrdinaryWord, any_at};
use crate::catalog::Catalog;
use crate::text::Tok;

/// Whether the ordinary word at token `i` names the product.
pub(super) fn names_product(
    lang: &Language,
    w: &OrdinaryWord,
    toks: &[Tok],
    i: usize,
    text: &str,
) -> bool {
    // "notion's api": the word after a possessive
    let possessive = toks
        .get(i + 1)
        .is_some_and(|n| n.w == "s" && matches!(&text[toks[i].end..n.start], "'" | "’"));
    let next_at = if possessive { i + 2 } else { i + 1 };
    let next = toks.get(next_at).map_or("", |t| t.w.as_str());
    // "Zoom: when a registrant joins ...": a name as the label of what follows
    if w.capital && labels(toks, i, text) {
        return true;
    }
    let prev = i.checked_sub(1).map_or("", |k| toks[k].w.as_str());
    // "summarise notion's changes": only a name has a possessive here
    if w.capital && possessive && !w.not_before.iter().any(|b| b == prev) {
        return true;
    }
    // "the box legal folder", "the zoom sales call": one describing word before the noun
    let described = toks.get(next_at + 1).is_some_and(|n| {
        n.clause == toks[i].clause
            && next.len() > 2
            && !w.not_after.iter().any(|a| a == next)
            && !w.before.iter().any(|b| b == next)
            && !lang.entities.list_joins.iter().any(|j| j == next)
            && !lang.entities.skip_before.iter().any(|d| d == next)
            && lang.entities.described_after.contains(&n.w)
            // "the zoom phone folder in box": a place inside another tool, named for this one
            && toks
                .get(next_at + 2)
                .is_none_or(|a| !lang.entities.owned_via.contains(&a.w))
    });
    let next_after = w.after.iter().any(|a| a == next) || described;
    // "remind the owner in Teams at 9am": a capital inside a sentence right after a
    // preposition names the product, whatever follows
    if w.capital && w.before.iter().any(|b| b == prev) && capitalised_inside_sentence(toks, i, text)
    {
        return true;
    }
    // "post it in teams in the marketing channel": right after a preposition, a name may be
    // followed by another one
    let chained = w.before.iter().any(|b| b == prev) && w.before.iter().any(|b| b == next);
    // "notify the partners on teams and also log it": a place outweighs a list join
    let placed = lang.entities.places_before.iter().any(|b| b == prev)
        && lang.entities.list_joins.iter().any(|j| j == next);
    let chained = chained || placed;
    // "the hiring board on monday", "the volunteers board in monday and ...": a product's
    // board, not a day (`schedule` agrees), whatever follows
    if !w.capital && crate::schedule::place_on_day(toks, i) {
        return true;
    }
    if !chained && w.not_after.iter().any(|a| a == next) {
        return false;
    }
    if next_after || (w.capital && capitalised_inside_sentence(toks, i, text)) {
        return true;
    }
    if w.not_before.iter().any(|b| b == prev) {
        return false;
    }
    // "ready to box": `to` after such a word is an infinitive
    if prev == "to" && i >= 2 && lang.entities.infinitive_before_to.contains(&toks[i - 2].w) {
        return false;
    }
    let before = (0..i)
        .rev()
        .map(|k| toks[k].w.as_str())
        .find(|x| !lang.entities.skip_before.iter().any(|d| d == x))
        .unwrap_or("");
    w.before.iter().any(|b| b == before)
}

/// Whether the need phrase at tokens `i..i + len` is a named tool's own thing: one of
/// `owned_nouns` right after the tool's name with at most `OWNED_GAP` words and no punctuation
/// between ("the Notion changelog database", "the Google Sheet forecast"), or before one of
/// `owned_via` and the tool's name ("a ticket in Jira"). Such a phrase asks for no other tool.
pub(super) fn owned_by_tool(
    lang: &Language,
    toks: &[Tok],
    text: &str,
    ms: &[Mention],
    i: usize,
    len: usize,
) -> bool {
    let e = &lang.entities;
    if !e
        .owned_nouns
        .iter()
        .any(|p| p.len() == len && super::language::phrase_at(toks, i, p))
    {
        return false;
    }
    let plain = |a: usize, b: usize| {
        text[toks[a].end..toks[b].start]
            .chars()
            .all(|c| c.is_whitespace() || matches!(c, '-' | '\'' | '’'))
    };
    let after_name = ms.iter().any(|m| {
        let mut end = m.at + m.len;
        // "in notion in the clients database": a place inside the tool
        if toks.get(end).is_some_and(|t| e.owned_via.contains(&t.w)) {
            end += 1;
            while end < i && e.skip_before.contains(&toks[end].w) {
                end += 1;
            }
        }
        end <= i && i - end <= OWNED_GAP && (m.at + m.len - 1..i).all(|k| plain(k, k + 1))
    });
    let before_name = toks
        .get(i + len)
        .is_some_and(|t| e.owned_via.contains(&t.w))
        && {
            // "a ticket in Jira", "a ticket in the public works jira project": the name after
            // at most `OWNED_GAP` plain words of the same clause
            let next = (i + len + 1..toks.len()).find(|&j| !e.skip_before.contains(&toks[j].w));
            next.is_some_and(|j| {
                (j..=j + OWNED_GAP).any(|k| {
                    ms.iter().any(|m| m.at == k)
                        && (j..k).all(|g| {
                            toks[g].clause == toks[i].clause
                                && !matches!(
                                    toks[g].w.as_str(),
                                    "and" | "or" | "then" | "but" | "with" | "from" | "to" | "in"
                                )
                                && plain(g, g + 1)
                        })
                })
            })
        };
    after_name || before_name
}

/// Whether the need phrase at tokens `i..i + len` is a verb of keeping that a named tool
/// serves: its clause goes on to put things into a named tool ("archive the messages into a
/// Google Doc"), or, for an in-place verb, its object is a named tool's items ("archive every
/// Trello card").
pub(super) fn kept_in_named_tool(
    lang: &Language,
    toks: &[Tok],
    ms: &[Mention],
    i: usize,
    len: usize,
) -> bool {
    let e = &lang.entities;
    let is = |list: &super::language::Phrases| {
        list.iter()
            .any(|p| p.len() == len && super::language::phrase_at(toks, i, p))
    };
    if !is(&e.kept_verbs) {
        return false;
    }
    let named_from = |k: usize| {
        (k..toks.len())
            .find(|&j| {
                !e.skip_before.contains(&toks[j].w)
                    && !matches!(
                        toks[j].w.as_str(),
                        "every" | "each" | "all" | "any" | "a" | "an" | "new"
                    )
            })
            .is_some_and(|j| ms.iter().any(|m| m.at == j))
    };
    if is(&e.in_place_verbs) && named_from(i + len) {
        return true;
    }
    let clause = toks[i].clause;
    (i + len..toks.len())
        .take_while(|&k| toks[k].clause == clause)
        .any(|k| e.kept_into.contains(&toks[k].w) && named_from(k + 1))
}

/// The most words between a tool's name and a noun that is its own thing.
const OWNED_GAP: usize = 2;

/// Whether token `i` starts its sentence and a colon follows it ("notion: add a page").
fn labels(toks: &[Tok], i: usize, text: &str) -> bool {
    let t = &toks[i];
    text[t.end..].starts_with(':')
        && text[..t.start]
            .trim_end()
            .chars()
            .next_back()
            .is_none_or(|c| matches!(c, '.' | '!' | '?' | '\n' | '(' | '"' | '\''))
}

/// Whether tokens `a` and `b` (`a` before `b`) stand next to each other in a list: a comma, a
/// slash or an ampersand between them, or one of `joins` as the only word between.
fn listed_together(lang: &Language, toks: &[Tok], a: usize, b: usize, text: &str) -> bool {
    let between = text[toks[a].end..toks[b].start].trim();
    match b - a {
        1 => matches!(between, "," | "/" | "&" | "+"),
        2 => {
            lang.entities.list_joins.contains(&toks[a + 1].w)
                && matches!(text[toks[a].end..toks[a + 1].start].trim(), "" | ",")
        }
        _ => false,
    }
}

/// Ordinary words listed next to a named tool ("post it to slack, teams and email"), or after
/// a list label ("tools: linear, notion"), name products too, unless their own context says
/// otherwise ("slack and the front office").
fn listed(catalog: &Catalog, lang: &Language, toks: &[Tok], text: &str, out: &mut Vec<Mention>) {
    loop {
        let mut added = false;
        for i in 0..toks.len() {
            if out.iter().any(|m| m.at <= i && i < m.at + m.len) {
                continue;
            }
            let Some(o) = lang.ordinary.iter().find(|o| o.word == toks[i].w) else {
                continue;
            };
            let left = out.iter().any(|m| {
                let end = m.at + m.len - 1;
                end < i && listed_together(lang, toks, end, i, text)
            });
            let right = out
                .iter()
                .any(|m| m.at > i && listed_together(lang, toks, i, m.at, text));
            // a veto word that is the list's own join ("teams and slack") vetoes nothing
            let prev = i.checked_sub(1).map_or("", |k| toks[k].w.as_str());
            let next = toks.get(i + 1).map_or("", |t| t.w.as_str());
            if (!left && o.not_before.iter().any(|b| b == prev))
                || (!right && o.not_after.iter().any(|a| a == next))
            {
                continue;
            }
            let after_label = i.checked_sub(1).is_some_and(|k| {
                lang.entities.list_labels.contains(&toks[k].w)
                    && text[toks[k].end..toks[i].start].trim() == ":"
            });
            // "we use teams for chat ... dont message teams": a word the prompt has already
            // used as the product's name keeps that sense where nothing vetoes it
            let repeated = out.iter().any(|m| catalog.tool_at(m.tool).id == o.tool);
            let beside = left || right || repeated || corrects(lang, toks, i, out);
            if (after_label || beside)
                && let Some(t) = catalog.tools.iter().position(|t| t.id == o.tool)
            {
                out.push(Mention {
                    tool: t,
                    at: i,
                    len: 1,
                    clause: toks[i].clause,
                });
                added = true;
            }
        }
        if !added {
            break;
        }
    }
    out.sort_by_key(|m| m.at);
}

/// Whether token `i` follows a self-correction of a named tool ("slack no wait teams").
fn corrects(lang: &Language, toks: &[Tok], i: usize, out: &[Mention]) -> bool {
    let n = &lang.negation;
    (i.saturating_sub(CUE_REACH)..i).any(|k| {
        let cue =
            any_at(toks, k, &n.corrections).or_else(|| any_at(toks, k, &n.corrections_adjacent));
        cue.is_some_and(|p| {
            k + p.len() <= i
                && (k + p.len()..i).all(|j| n.correction_glue.contains(&toks[j].w))
                && out.iter().any(|m| m.at + m.len <= k)
        })
    })
}

/// The most words between a correction cue's start and the name it brings.
const CUE_REACH: usize = 6;

/// A word typed with a capital letter that is not the first of its sentence.
fn capitalised_inside_sentence(toks: &[Tok], i: usize, text: &str) -> bool {
    let t = &toks[i];
    let capital = text[t.start..t.end]
        .chars()
        .next()
        .is_some_and(char::is_uppercase);
    let sentence_start = text[..t.start]
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '(' | '‘' | '“'))
        .chars()
        .next_back()
        .is_none_or(|c| matches!(c, '.' | '!' | '?' | ':' | '\n'));
    // a prompt typed all in capitals proves nothing
    let shouting = text.chars().filter(char::is_ascii_lowercase).count() * 4
        < text.chars().filter(char::is_ascii_uppercase).count();
    capital && !sentence_start && !shouting
}

/// A one-word catalog name typed with a slip ("twillio", "klayvio"): same first and last
/// letter, same letters; not for words that are themselves a catalog name or an ordinary
/// word the data describes.
fn typo(catalog: &Catalog, lang: &Language, t: &Tok) -> Option<usize> {
    if t.w.len() < 6
        || !t.w.chars().all(|c| c.is_ascii_alphabetic())
        || catalog.first_word.contains_key(&t.w)
        || lang.ordinary.iter().any(|o| o.word == t.w)
    {
        return None;
    }
    let id = lang.typos.get(&super::language::typo_key(&t.w))?;
    catalog.tools.iter().position(|x| x.id == *id)
}

/// A tool named by a written form that starts at this token (`r/dataengineering`).
fn prefixed(catalog: &Catalog, lang: &Language, t: &Tok, text: &str) -> Option<usize> {
    if t.w.is_empty() {
        return None;
    }
    let at_word_start = text[..t.start]
        .chars()
        .next_back()
        .is_none_or(|c| c.is_whitespace() || matches!(c, '(' | '"' | '\''));
    let (_, id) = lang.entities.prefixes.iter().find(|(p, _)| {
        at_word_start
            && text[t.start..]
                .get(..p.len())
                .is_some_and(|s| s.eq_ignore_ascii_case(p))
            && text[t.start + p.len()..].starts_with(|c: char| c.is_ascii_alphanumeric())
    })?;
    catalog.tools.iter().position(|x| x.id == *id)
}

/// Finds the tools named in the text, longest alias first, left to right. Tokens with an
/// empty word (quoted names, pasted data) name nothing.
pub(super) fn mentions(
    catalog: &Catalog,
    lang: &Language,
    toks: &[Tok],
    text: &str,
) -> Vec<Mention> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let ordinary = lang.ordinary.iter().find(|o| o.word == toks[i].w);
        let mut found = None;
        if let Some(cands) = catalog.first_word.get(&toks[i].w) {
            for &ai in cands {
                let (alias, tool) = &catalog.aliases[ai];
                // the last word of a name of several words may be plural ("square sales")
                let plural_of = |t: &str, w: &str| {
                    t.strip_suffix('s')
                        .is_some_and(|stem| stem == w || stem.strip_suffix('e') == Some(w))
                };
                let matches = alias.iter().enumerate().all(|(k, w)| {
                    toks.get(i + k).is_some_and(|t| {
                        t.w == *w || (alias.len() > 1 && k + 1 == alias.len() && plural_of(&t.w, w))
                    })
                });
                if !matches {
                    continue;
                }
                if alias.len() == 1 {
                    if let Some(o) = ordinary.filter(|o| catalog.tool_at(*tool).id == o.tool) {
                        if !names_product(lang, o, toks, i, text) {
                            continue;
                        }
                    } else if catalog.tool_at(*tool).common_word
                        && i > 0
                        && lang
                            .entities
                            .common_word_not_before
                            .contains(&toks[i - 1].w)
                    {
                        continue;
                    }
                }
                // "a GitHub-style payload" is something shaped like GitHub
                let end = toks[i + alias.len() - 1].end;
                let likeness = text[end..].starts_with('-')
                    && toks.get(i + alias.len()).is_some_and(|n| {
                        lang.entities.imitation.contains(&n.w) && n.start == end + 1
                    });
                if likeness {
                    continue;
                }
                found = Some((*tool, alias.len()));
                break;
            }
        }
        if found.is_none()
            && let Some(t) = typo(catalog, lang, &toks[i])
        {
            found = Some((t, 1));
        }
        if found.is_none()
            && let Some(t) = prefixed(catalog, lang, &toks[i], text)
        {
            found = Some((t, 1));
        }
        if found.is_none()
            && let Some(o) = ordinary
            && names_product(lang, o, toks, i, text)
            && let Some(t) = catalog.tools.iter().position(|t| t.id == o.tool)
        {
            found = Some((t, 1));
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
    listed(catalog, lang, toks, text, &mut out);
    drop_credential_owners(lang, toks, text, &mut out);
    out
}

/// Removes the names said only as the owner of a secret ("scan the repos for leaked Stripe
/// keys", "I keep the API keys for OpenAI and Stripe in a vault"), when the prompt names a
/// tool otherwise: the workflow handles the secret, it does not use that tool. A prompt
/// naming no other tool keeps them ("with our Stripe key, create the invoices").
fn drop_credential_owners(lang: &Language, toks: &[Tok], text: &str, out: &mut Vec<Mention>) {
    let owners: Vec<bool> = (0..out.len())
        .map(|k| credential_owner(lang, toks, text, out, k))
        .collect();
    let others = out
        .iter()
        .zip(&owners)
        .any(|(m, &own)| !own && !out.iter().zip(&owners).any(|(o, &x)| x && o.tool == m.tool));
    if !others {
        return;
    }
    let mut k = 0;
    out.retain(|_| {
        k += 1;
        !owners[k - 1]
    });
}

/// Whether mention `k` is said as the owner of a secret: right before a credential noun
/// (past `api` and a possessive: "Stripe keys", "Twilio's auth token", "the OpenAI API key"),
/// or after a credential noun and a link word, alone or in a list ("the API keys for OpenAI
/// and Stripe").
fn credential_owner(lang: &Language, toks: &[Tok], text: &str, ms: &[Mention], k: usize) -> bool {
    let e = &lang.entities;
    let m = &ms[k];
    let mut next = m.at + m.len;
    if toks.get(next).is_some_and(|t| t.w == "s")
        && matches!(&text[toks[next - 1].end..toks[next].start], "'" | "’")
    {
        next += 1;
    }
    // "GitHub secret scanning": a feature of the tool named after its secrets
    if let Some(p) = any_at(toks, next, &e.credential_nouns) {
        return toks
            .get(next + p.len())
            .is_none_or(|t| !e.credential_features.contains(&t.w));
    }
    // the first of a list: back over the names listed before this one
    let mut first = k;
    while first > 0 && {
        let prev = &ms[first - 1];
        let end = prev.at + prev.len - 1;
        end < ms[first].at && listed_together(lang, toks, end, ms[first].at, text)
    } {
        first -= 1;
    }
    let at = ms[first].at;
    let before = (0..at).rev().find(|&j| !e.skip_before.contains(&toks[j].w));
    before.is_some_and(|j| {
        e.credential_links.contains(&toks[j].w)
            && (j.saturating_sub(CREDENTIAL_REACH)..j)
                .any(|c| any_at(toks, c, &e.credential_nouns).is_some_and(|p| c + p.len() == j))
    })
}

/// How far before its link word a credential noun may start ("the api keys for").
const CREDENTIAL_REACH: usize = 3;

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn named(text: &str) -> Vec<String> {
        let catalog = Catalog::builtin().unwrap();
        let lang = Language::builtin().unwrap().learn_names(&catalog);
        let toks = tokenize(text);
        mentions(&catalog, &lang, &toks, text)
            .iter()
            .map(|m| catalog.tool_at(m.tool).id.clone())
            .collect()
    }

    #[test]
    fn ordinary_words_name_products_only_in_context() {
        let cases: &[(&str, &[&str])] = &[
            ("post it in teams", &["microsoft_teams"]),
            // one describing word before a product noun; a product noun of the word's own
            ("when a pdf lands in the box contracts folder", &["box"]),
            ("save the zoom sales call notes", &["zoom"]),
            ("send them a zoom link for the interview", &["zoom"]),
            ("bill the client from the harvest hours", &["harvest"]),
            ("a box office folder for the tickets", &[]),
            ("the zoom phone folder in dropbox", &["dropbox"]),
            ("the harvest season report", &[]),
            ("the front page banner", &[]),
            // a word already used as the name keeps that sense
            (
                "we chat in teams, when a build fails dont message teams",
                &["microsoft_teams", "microsoft_teams"],
            ),
            ("our sales teams and support teams want a report", &[]),
            (
                "tell the partners on teams and also log it in the sheet",
                &["microsoft_teams"],
            ),
            ("split the managers into teams and departments", &[]),
            ("send it to the ops channel on teams", &["microsoft_teams"]),
            ("Summarise it for our Teams channel", &["microsoft_teams"]),
            ("our sales teams in EMEA want a report", &[]),
            ("open an issue in linear", &["linear"]),
            ("make a linear ticket for it", &["linear"]),
            ("run a linear regression over sales", &[]),
            ("classify every new Front conversation", &["front"]),
            ("text the front desk staff", &[]),
            ("tell the front office", &[]),
            ("a box of chocolates for each new customer", &[]),
            ("save it to our box folder", &["box"]),
            ("i have this notion of a weekly digest", &[]),
            ("add a page in notion", &["notion"]),
            ("every monday post the list", &[]),
            ("on Monday at 9 post the list", &[]),
            ("create an item on our monday board", &["monday"]),
            ("our QA folks zoom in on screenshots", &[]),
            ("when a zoom recording finishes", &["zoom"]),
            ("a ghost story podcast", &[]),
            ("flag listings over 3,000 square feet", &[]),
            ("accept a GitHub-style push payload", &[]),
            ("send me the top posts from r/dataengineering", &["reddit"]),
            ("new plaid transactions over 200", &["plaid"]),
            // a label, a list, a possessive
            ("notion: add a page for each new lead", &["notion"]),
            ("zoom: when a registrant joins, tell me", &["zoom"]),
            ("tools: linear, notion", &["linear", "notion"]),
            (
                "post it to slack, teams and discord",
                &["slack", "microsoft_teams", "discord"],
            ),
            (
                "copy the Jira issues to linear and slack",
                &["jira", "linear", "slack"],
            ),
            ("summarise notion's changes", &["notion"]),
            ("the Box's folder", &["box"]),
            ("front: reply drafts for every new message", &["front"]),
            ("monday: post the list", &[]),
            ("slack and the front office", &["slack"]),
            ("post to slack, front desk staff included", &["slack"]),
            ("the marketing and sales teams", &[]),
            ("note: a box of chocolates", &[]),
            // plural of a name of several words; a preposition after a name after one
            ("yesterday's square sales total", &["square"]),
            (
                "post it in teams in the marketing channel",
                &["microsoft_teams"],
            ),
            ("measure it in square feet", &[]),
            ("our sales teams in EMEA", &[]),
            ("a box in the corner", &[]),
            // a capital after a preposition, whatever follows
            ("remind the owner in Teams at 9am", &["microsoft_teams"]),
            ("the teams at the office", &[]),
            ("remind the owner in teams at 9am", &[]),
            // more names that are words
            ("people in the customer segment 'lapsed'", &[]),
            (
                "send each signup to Segment as an identify call",
                &["segment"],
            ),
            (
                "forward the segment events to BigQuery",
                &["segment", "bigquery"],
            ),
            ("the amplitude of the signal", &[]),
            ("a welcome kit for new hires", &[]),
            ("add them as kit subscribers", &["convertkit"]),
            ("circle back with the team", &[]),
            ("when a circle build fails", &["circleci"]),
            ("our greenhouse gas report", &[]),
            ("move the greenhouse candidate to onsite", &["greenhouse"]),
            // an infinitive is no destination; a name's own nouns; typing slips
            (
                "when an order is ready to box make the label in shippo",
                &["shippo"],
            ),
            ("save the label to box", &["box"]),
            ("ring up each sale from the square register", &["square"]),
            ("reconcile the Xero bank feed", &["xero"]),
            (
                "post new items from the blog feed to Slack",
                &["rss", "slack"],
            ),
            (
                "when twillio gets a reply, update klayvio",
                &["twilio", "klaviyo"],
            ),
            ("discard the rows and post to discord", &["discord"]),
            // "excel at": the verb
            ("i need to excel at follow ups", &[]),
            ("we excel at service", &[]),
            ("export the rows to excel", &["microsoft_excel"]),
            ("update the excel sheet", &["microsoft_excel"]),
            ("a weekly Excel report", &["microsoft_excel"]),
        ];
        for (text, want) in cases {
            assert_eq!(named(text), *want, "{text}");
        }
    }

    /// Product names said in other words (tenth session): X next to another social tool, a
    /// Zoom class or lesson.
    #[test]
    fn more_ordinary_words_name_their_products() {
        let cases: &[(&str, &[&str])] = &[
            (
                "every hour pull mentions of our brand from reddit and x and post them",
                &["reddit", "twitter"],
            ),
            (
                "after each zoom class ends post the recording link in the sheet",
                &["zoom"],
            ),
            (
                "if someone pays more than 500 in a single square transaction let the manager know",
                &["square"],
            ),
            // a letter or a variable, a lens zoom, a square's area
            ("remind me in x days to renew the domain", &[]),
            ("multiply the total by x and log it", &[]),
            ("zoom in on the chart and save it", &[]),
            ("log the square footage of each unit in the sheet", &[]),
        ];
        for (text, want) in cases {
            let got = named(text);
            for id in *want {
                assert!(got.contains(&(*id).to_owned()), "{text}: {got:?}");
            }
            for id in ["twitter", "zoom", "square"] {
                if !want.contains(&id) {
                    assert!(!got.contains(&id.to_owned()), "{text}: {got:?}");
                }
            }
        }
    }

    #[test]
    fn a_need_noun_of_a_named_tool_is_that_tools_own() {
        let catalog = Catalog::builtin().unwrap();
        let lang = Language::builtin().unwrap().learn_names(&catalog);
        let owned = |text: &str, phrase: &str| {
            let toks = tokenize(text);
            let ms = mentions(&catalog, &lang, &toks, text);
            let pw: Vec<&str> = phrase.split(' ').collect();
            let i = super::super::find_phrase(&toks, &pw, 0, toks.len()).unwrap();
            owned_by_tool(&lang, &toks, text, &ms, i, pw.len())
        };
        assert!(owned("log it in our Notion changelog database", "database"));
        assert!(owned(
            "a new subscriber on our ghost newsletter",
            "newsletter"
        ));
        assert!(owned(
            "sync new deals to the Google Sheet forecast",
            "forecast"
        ));
        assert!(owned("add them to the Airtable crm base", "crm"));
        assert!(owned("open a ticket in Jira SEC", "ticket"));
        assert!(owned("back up the WordPress database to S3", "database"));
        assert!(owned(
            "add every new client in notion in the clients database",
            "database"
        ));
        assert!(owned("log it in Airtable in our sales crm", "crm"));
        // apart, after punctuation, or a noun the tool does not own
        assert!(!owned(
            "copy the Stripe charges into our database",
            "database"
        ));
        assert!(!owned("when a Jira issue closes, open a ticket", "ticket"));
        assert!(!owned(
            "post it to Slack, then check the forecast",
            "forecast"
        ));
        assert!(!owned("a ticket for each Jira issue", "ticket"));
        assert!(!owned("read it in Notion, in the database", "database"));
        // the name a few plain words after the place
        assert!(owned("file a ticket in the field ops jira board", "ticket"));
        assert!(!owned("open a ticket in the queue and in Jira", "ticket"));
        // a calendar kept in a table or a board is that tool's (eleventh session, lang11)
        assert!(owned(
            "the ready rows of our Notion content calendar",
            "calendar"
        ));
        assert!(owned("the editorial calendar in Airtable", "calendar"));
        assert!(owned("every post in the coda content calendar", "calendar"));
        assert!(!owned(
            "add the launch to the calendar and tell Slack",
            "calendar"
        ));
        assert!(!owned(
            "read the Airtable rows, then block time in the calendar",
            "calendar"
        ));
    }

    #[test]
    fn a_verb_of_keeping_is_served_by_the_named_tool_it_keeps_in() {
        let catalog = Catalog::builtin().unwrap();
        let lang = Language::builtin().unwrap().learn_names(&catalog);
        let kept = |text: &str, phrase: &str| {
            let toks = tokenize(text);
            let ms = mentions(&catalog, &lang, &toks, text);
            let pw: Vec<&str> = phrase.split(' ').collect();
            let i = super::super::find_phrase(&toks, &pw, 0, toks.len()).unwrap();
            kept_in_named_tool(&lang, &toks, &ms, i, pw.len())
        };
        assert!(!kept(
            "archive each closed task older than a year",
            "archive"
        ));
        assert!(kept("archive all Asana tasks older than a year", "archive"));
        assert!(kept(
            "archive the old support emails into a Google Doc",
            "archive"
        ));
        assert!(kept("back up the contacts to Dropbox", "back up"));
        // copied elsewhere, or kept nowhere named
        assert!(!kept("back up our Airtable base every night", "back up"));
        assert!(!kept("archive the old invoices every month", "archive"));
        assert!(!kept(
            "archive the signed forms, then post a summary to Slack",
            "archive"
        ));
    }

    /// lang14: a name said as the owner of a secret is only mentioned when another tool is
    /// named; a campaign, a disk or a trip is no Google Drive; "the front team" is people; a
    /// Zoom all-hands, stand-up or huddle is Zoom's.
    #[test]
    fn owners_of_secrets_drives_and_teams_in_context() {
        let cases: &[(&str, &[&str])] = &[
            // must match: the tool used
            ("post the new Stripe charges to Slack", &["stripe", "slack"]),
            ("with our Stripe key, create an invoice", &["stripe"]),
            (
                "rotate the Stripe keys and refund the Stripe charge in Slack",
                &["stripe", "slack"],
            ),
            // must not: the tool's secret
            ("scan the GitHub repos for leaked Stripe keys", &["github"]),
            (
                "we keep the API keys for OpenAI and Stripe in Notion",
                &["notion"],
            ),
            (
                "put Twilio's auth token in the Airtable vault",
                &["airtable"],
            ),
            ("the OpenAI API key expires; tell me in Slack", &["slack"]),
            (
                "when GitHub secret scanning finds a token, open a Jira issue",
                &["github", "jira"],
            ),
            // the drive
            ("save the file to our drive", &["google_drive"]),
            ("put it in their folder in my Drive", &["google_drive"]),
            ("copy the contract into our Drive", &["google_drive"]),
            ("we are running a food drive this month", &[]),
            ("the drive to the office is long", &[]),
            ("back it up to the external drive", &[]),
            ("copy it to the shared drive", &[]),
            // the front team; a zoom all hands
            ("the front team needs a heads up", &[]),
            ("ask the front staff to check in guests", &[]),
            ("tag the Front conversation", &["front"]),
            ("record each zoom all hands", &["zoom"]),
            ("after each zoom standup post the notes", &["zoom"]),
            ("all hands on deck for the launch", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(named(text), *want, "{text}");
        }
    }

    /// lang10: a board "on monday" is Monday.com; a day with a time after it, or without a
    /// place noun before "on", stays a day.
    #[test]
    fn a_board_on_monday_is_the_product() {
        let cases: &[(&str, bool)] = &[
            (
                "add an item to the hiring board on monday when a form comes in",
                true,
            ),
            ("put the lead on the sales board on monday", true),
            (
                "create a card in the ops workspace on monday for every new hire",
                true,
            ),
            ("update the board on monday at 9", false),
            ("review the board on monday morning", false),
            // "in" after a place noun: never a day (eleventh session, lang11)
            (
                "add them to the volunteers board in monday and email them",
                true,
            ),
            ("put it on the board in monday.com", true),
            ("review the board every monday and email the team", false),
            ("send the report on monday", false),
            ("clean up the board. on monday tell the team", false),
        ];
        for &(text, want) in cases {
            let got = named(text);
            assert_eq!(got.contains(&"monday".to_owned()), want, "{text}: {got:?}");
        }
    }
}
