//! Delivery without a named channel: "send me", "let me know", "notify the team", "ping them".
//! The audience picks the kind of channel (me → email, a team or channel → chat, a phone →
//! SMS), as `data/language/delivery.json` says; the planner states the choice as an assumption,
//! and a channel named anywhere in the prompt makes it unnecessary.

use super::language::{Language, Phrases, any_at};
use super::negation::Exclusions;
use crate::text::Tok;

/// The needs that could deliver the message, best first, and the token of the request, if the
/// prompt asks for a message (not under a negation, not a noun after a determiner or a tool
/// name: `named[i]` is whether token `i` is part of a tool name). An ask whose verb names a
/// medium the prompt excludes (`refused`: every tool of the need's kind is excluded) asks
/// nothing: "text me, no wait, don't text me" takes the message back, it does not ask for an
/// email instead.
pub(super) fn unnamed_channel(
    lang: &Language,
    toks: &[Tok],
    excl: &Exclusions,
    named: &[bool],
    trigger_end: usize,
    writes: bool,
    refused: &dyn Fn(&str) -> bool,
) -> Option<(Vec<String>, usize)> {
    let d = &lang.delivery;
    let at = (0..toks.len()).find(|&i| {
        let own = imperative_at(lang, toks, excl, named, i);
        // "... and text me": a medium's own phrase said at the ask
        let medium = own.or_else(|| {
            d.audiences
                .iter()
                .find(|(words, n)| d.media.contains(n) && said_at(toks, i, words))
                .map(|(_, n)| n.as_str())
        });
        if medium.is_some_and(refused) {
            return false;
        }
        own.is_some()
            || ask_at(lang, toks, excl, named, trigger_end, i)
            || report_ask_at(lang, toks, excl, named, i)
            || message_handover_at(lang, toks, excl, named, i)
            || pronoun_handover_at(lang, toks, excl, named, i)
            || (!writes && weak_ask_at(lang, toks, excl, named, i))
    })?;
    // how near the ask each audience is said (`None`: not said where `zone` allows)
    let nearest = |words: &Phrases, zone: &dyn Fn(usize) -> bool| {
        (0..toks.len())
            .filter(|&i| zone(i) && !excl.negated(i) && said_at(toks, i, words))
            .map(|i| i.abs_diff(at))
            .min()
    };
    // a medium said near the ask, else the audience nearest the ask in its clause, then the
    // same anywhere in the prompt, then the default; a tie goes to the audience listed first
    let mut needs: Vec<String> = Vec::new();
    let in_zone = |i: usize| in_ask_zone(toks, at, i);
    for zone in [&in_zone as &dyn Fn(usize) -> bool, &|_| true] {
        let mut said: Vec<(bool, usize, usize, &String)> = d
            .audiences
            .iter()
            .enumerate()
            .filter_map(|(k, (words, n))| {
                // a medium ("on my phone") outranks a person ("me") however far it is
                let person = !d.media.contains(n);
                nearest(words, zone).map(|dist| (person, dist, k, n))
            })
            .collect();
        said.sort();
        for (_, _, _, n) in said {
            if !needs.contains(n) {
                needs.push(n.clone());
            }
        }
    }
    if !needs.contains(&d.default_need) {
        needs.push(d.default_need.clone());
    }
    // "Text opted-in patients ...": the verb names its own channel
    if let Some(need) = imperative_at(lang, toks, excl, named, at) {
        needs.retain(|n| n != need);
        needs.insert(0, need.to_owned());
    }
    Some((needs, at))
}

/// The need of a channel word that opens its clause as a verb ("Text opted-in patients an
/// appointment reminder", "...; sms the driver"), not as a noun ("Text message templates live
/// in Airtable", "Text to speech").
fn imperative_at<'l>(
    lang: &'l Language,
    toks: &[Tok],
    excl: &Exclusions,
    named: &[bool],
    i: usize,
) -> Option<&'l str> {
    let d = &lang.delivery;
    let need = d.imperatives.get(&toks[i].w)?;
    let opens = i == 0 || toks[i - 1].clause != toks[i].clause;
    let next = toks.get(i + 1).filter(|n| n.clause == toks[i].clause)?;
    let noun = d.noun_uses.after.contains(&next.w) || d.telling.not_objects.contains(&next.w);
    (opens && !noun && !excl.negated(i) && !named.get(i).copied().unwrap_or(false))
        .then_some(need.as_str())
}

/// Whether token `i` asks for a message in a weaker way, which counts only when the plan
/// writes nowhere yet: a message noun after an opener ("a daily note", "a digest"), or a
/// handing-over verb whose clause names a person or group ("send the volunteers a note", "get
/// the list to the coordinator") and hands it to no named tool ("send it to the editor in
/// Notion").
fn weak_ask_at(lang: &Language, toks: &[Tok], excl: &Exclusions, named: &[bool], i: usize) -> bool {
    let is_named = |k: usize| named.get(k).copied().unwrap_or(false);
    if excl.negated(i) || is_named(i) {
        return false;
    }
    let d = &lang.delivery;
    let clause = toks[i].clause;
    let w = &toks[i].w;
    let m = &d.message_nouns;
    let h = &d.handover;
    let noun = m.nouns.contains(w);
    if !noun && !h.verbs.contains(w) {
        return false;
    }
    let rest: Vec<usize> = (i + 1..toks.len())
        .take_while(|&k| toks[k].clause == clause)
        .collect();
    // "to the editor in Notion", "a summary into the HubSpot deal": a destination word, then
    // (past articles and possessives) a tool
    let to_tool = |destinations: &[String]| {
        rest.iter().any(|&k| {
            destinations.contains(&toks[k].w)
                && (k + 1..toks.len())
                    .find(|&j| !lang.entities.skip_before.contains(&toks[j].w))
                    .is_some_and(is_named)
        })
    };
    if noun {
        // "add it as a private note", "a Google Doc summary": the note of a record
        let before = || (i.saturating_sub(m.reach)..i).filter(|&k| toks[k].clause == clause);
        // "generate a one-line summary and add it as an internal note": the record's note
        let kept_as = (i + 1..(i + 1 + NOTE_REACH).min(toks.len())).any(|k| {
            toks[k].w == "as"
                && (k + 1..(k + 4).min(toks.len())).any(|n| m.kept_as.contains(&toks[n].w))
        });
        return before().any(|k| m.openers.contains(&toks[k].w))
            && !before().any(|k| is_named(k) || m.vetoes.contains(&toks[k].w))
            && !kept_as
            && !to_tool(&m.destinations);
    }
    // "... and send the list of late orders": sent, to no one said, from a plan that writes
    // nowhere (weak asks count only then)
    if !excl.negated(i) && bare_send_at(lang, toks, named, i) {
        return true;
    }
    // "give our front desk a url they can open": an address to open, not a message
    if rest
        .iter()
        .take(h.reach)
        .any(|&k| h.not_sent.contains(&toks[k].w))
    {
        return false;
    }
    // a word right after a tool's name is that tool's ("a GitHub org invite")
    let recipient = rest.iter().take(h.reach).any(|&k| {
        !is_named(k)
            && !is_named(k - 1)
            && !excl.negated(k)
            && any_at(toks, k, &h.recipients).is_some()
    });
    (recipient || double_object(lang, toks, excl, named, i)) && !to_tool(&h.destinations)
}

/// Whether token `i` is a sending verb (`handover.bare_send`) that opens its clause or follows
/// one of `bare_send_after` ("read the board and send the list of cards"), past the trigger's
/// words, in a clause that names no tool and says no destination or address: the workflow is
/// asked to send what it read, to whoever is the default. "when a customer sends a photo",
/// "they send us" and "send it to Dropbox" are not.
fn bare_send_at(lang: &Language, toks: &[Tok], named: &[bool], i: usize) -> bool {
    let h = &lang.delivery.handover;
    if !h.bare_send.contains(&toks[i].w) {
        return false;
    }
    let clause = toks[i].clause;
    let opens = i == 0 || toks[i - 1].clause != clause;
    let after = i > 0 && toks[i - 1].clause == clause && h.bare_send_after.contains(&toks[i - 1].w);
    if !(opens || after) {
        return false;
    }
    // an event clause ("when someone sends ...") describes, it does not ask
    let clause_start = (0..=i)
        .rev()
        .take_while(|&k| toks[k].clause == clause)
        .last()
        .unwrap_or(i);
    let rest: Vec<usize> = (i + 1..toks.len())
        .take_while(|&k| toks[k].clause == clause)
        .collect();
    let opener = toks[clause_start].w.as_str();
    !matches!(opener, "when" | "whenever" | "if" | "once" | "after")
        && !rest.iter().any(|&k| named.get(k).copied().unwrap_or(false))
        && !rest.iter().take(h.reach).any(|&k| {
            let w = toks[k].w.as_str();
            // "the cards in the column" is no destination; "to", "into", "via" are
            (h.destinations.iter().any(|d| d == w) && !matches!(w, "in" | "on"))
                || h.not_sent.iter().any(|n| n == w)
        })
}

/// Whether token `i` is a verb of reporting whose clause says to whom ("report any that return
/// 404 to the web team", "should be listed for the CFO", "flag to the data team any ..."): a
/// message to that recipient, even when the plan writes somewhere; not when the clause hands
/// it to a named tool ("list them for the team into the Airtable base").
fn report_ask_at(
    lang: &Language,
    toks: &[Tok],
    excl: &Exclusions,
    named: &[bool],
    i: usize,
) -> bool {
    let h = &lang.delivery.handover;
    let is_named = |k: usize| named.get(k).copied().unwrap_or(false);
    let share = h.share_verbs.contains(&toks[i].w);
    if excl.negated(i) || is_named(i) || !(share || h.report_verbs.contains(&toks[i].w)) {
        return false;
    }
    // "share it with the ops team": a verb of sharing brings its recipient with its own words
    let to_words = if share { &h.share_to } else { &h.report_to };
    let clause = toks[i].clause;
    let rest: Vec<usize> = (i + 1..toks.len())
        .take_while(|&k| toks[k].clause == clause)
        .collect();
    let recipient_after = |k: usize| {
        (k + 1..=k + 1 + h.report_gap).any(|r| {
            toks.get(r).is_some_and(|t| t.clause == clause)
                && !(k + 1..=r).any(is_named)
                && !excl.negated(r)
                && any_at(toks, r, &h.recipients).is_some()
        })
    };
    let said = rest
        .iter()
        .take(h.reach)
        .any(|&k| to_words.contains(&toks[k].w) && recipient_after(k));
    let to_tool = rest.iter().any(|&k| {
        h.destinations.contains(&toks[k].w)
            && !matches!(toks[k].w.as_str(), "in" | "on")
            && (k + 1..toks.len())
                .find(|&j| !lang.entities.skip_before.contains(&toks[j].w))
                .is_some_and(is_named)
    });
    said && !to_tool
}

/// Whether token `i` hands a message to someone ("send the board a summary of the P&L", "send
/// a summary of the open PRs in Bitbucket to the team"): a handing-over verb whose clause
/// holds a message and a recipient, an ask even when the plan writes somewhere; not when the
/// clause hands it to a named tool ("send a summary of the new leads into HubSpot"). A channel
/// named anywhere still serves it ("... to the team in Slack").
fn message_handover_at(
    lang: &Language,
    toks: &[Tok],
    excl: &Exclusions,
    named: &[bool],
    i: usize,
) -> bool {
    let h = &lang.delivery.handover;
    let is_named = |k: usize| named.get(k).copied().unwrap_or(false);
    if excl.negated(i) || is_named(i) || !h.verbs.contains(&toks[i].w) {
        return false;
    }
    let clause = toks[i].clause;
    let rest: Vec<usize> = (i + 1..toks.len())
        .take_while(|&k| toks[k].clause == clause)
        .collect();
    let message = rest
        .iter()
        .take(h.reach)
        .any(|&k| !is_named(k) && !excl.negated(k) && h.message_objects.contains(&toks[k].w));
    let recipient = rest.iter().any(|&k| {
        !is_named(k)
            && !is_named(k - 1)
            && !excl.negated(k)
            && any_at(toks, k, &h.recipients).is_some()
    });
    // "in"/"on" say where the content comes from ("the open PRs in Bitbucket"), unless they
    // follow the recipient ("to the pm team on Webex")
    let to_tool = rest.iter().any(|&k| {
        let after_recipient = (k.saturating_sub(SAID_IN_REACH)..k)
            .any(|r| r > i && any_at(toks, r, &h.recipients).is_some());
        h.destinations.contains(&toks[k].w)
            && (!matches!(toks[k].w.as_str(), "in" | "on") || after_recipient)
            && (k + 1..toks.len())
                .find(|&j| !lang.entities.skip_before.contains(&toks[j].w))
                .is_some_and(is_named)
    });
    // "send a thank-you note": the message as the verb's own object
    let own_object = rest
        .first()
        .is_some_and(|&k| h.message_openers.contains(&toks[k].w))
        && rest
            .iter()
            .skip(1)
            .take(MESSAGE_OBJECT_REACH)
            .any(|&k| !is_named(k) && h.message_objects.contains(&toks[k].w));
    message && (recipient || own_object || double_object(lang, toks, excl, named, i)) && !to_tool
}

/// The most words between a message's opener and its noun ("a quick thank you note").
const MESSAGE_OBJECT_REACH: usize = 4;

/// Whether token `i` hands what the workflow made to a person: a handing-over verb, a pronoun
/// for the thing (`handover.pronouns`: "it", "them"), `to` and, within a few words, one of
/// `recipients` ("save it to OneDrive and send it to the board members"). An ask even when the
/// plan writes somewhere; not when the clause goes on to a named tool ("send it to the editor
/// in Notion") or names a tool anywhere after the verb.
fn pronoun_handover_at(
    lang: &Language,
    toks: &[Tok],
    excl: &Exclusions,
    named: &[bool],
    i: usize,
) -> bool {
    let h = &lang.delivery.handover;
    let is_named = |k: usize| named.get(k).copied().unwrap_or(false);
    let clause = toks[i].clause;
    let at = |k: usize, w: &str| toks.get(k).is_some_and(|t| t.clause == clause && t.w == w);
    if excl.negated(i)
        || is_named(i)
        || !h.verbs.contains(&toks[i].w)
        || !toks
            .get(i + 1)
            .is_some_and(|t| t.clause == clause && h.pronouns.contains(&t.w))
        || !at(i + 2, "to")
    {
        return false;
    }
    let rest: Vec<usize> = (i + 1..toks.len())
        .take_while(|&k| toks[k].clause == clause)
        .collect();
    let recipient = rest
        .iter()
        .skip(2)
        .take(PRONOUN_RECIPIENT_REACH)
        .any(|&k| !is_named(k) && !excl.negated(k) && any_at(toks, k, &h.recipients).is_some());
    recipient && !rest.iter().any(|&k| is_named(k))
}

/// The most words between `to` and the recipient ("to the whole leadership team").
const PRONOUN_RECIPIENT_REACH: usize = 4;

/// How many words after a message noun the note it is kept as may be named.
const NOTE_REACH: usize = 8;

/// Whether the handing-over verb at `i` takes two noun phrases, a recipient and a thing ("send
/// the lab the freezer log", "send every driver their route"): English hands the second to
/// the first, whatever the recipient is called. Not when a time follows the second opener
/// ("send the report the next morning").
fn double_object(
    lang: &Language,
    toks: &[Tok],
    excl: &Exclusions,
    named: &[bool],
    i: usize,
) -> bool {
    let d = &lang.delivery.handover.double_object;
    let clause = toks[i].clause;
    let plain = |k: usize| {
        toks.get(k).is_some_and(|t| {
            t.clause == clause
                && !t.w.is_empty()
                && !named.get(k).copied().unwrap_or(false)
                && !excl.negated(k)
        })
    };
    // "send attendees the recording link": a bare plural noun as the recipient
    let bare = |k: usize| {
        let w = &toks[k].w;
        w.len() > BARE_PLURAL_MIN
            && w.ends_with('s')
            && !w.ends_with("ss")
            && !d.breaks.contains(w)
            && !d.second.contains(w)
            && !d.time.contains(w)
    };
    if plain(i + 1) && bare(i + 1) && plain(i + 2) && d.second.contains(&toks[i + 2].w) {
        let thing = toks.get(i + 3).filter(|n| n.clause == clause);
        if thing.is_some_and(|n| !d.time.contains(&n.w) && !d.second.contains(&n.w)) {
            return true;
        }
    }
    if !plain(i + 1) || !d.first.contains(&toks[i + 1].w) {
        return false;
    }
    // the thing's opener after one to `reach` words of the recipient
    (i + 3..=i + 2 + d.reach).any(|j| {
        let recipient = (i + 2..j).all(|k| {
            plain(k)
                && toks[k].w != "s"
                && !d.breaks.contains(&toks[k].w)
                && !d.first.contains(&toks[k].w)
                && !d.second.contains(&toks[k].w)
        });
        if !recipient || !plain(j) {
            return false;
        }
        let possessive = any_at(toks, j, &d.possessive)
            .is_some_and(|p| toks.get(j + p.len()).is_some_and(|t| t.w == "s"));
        let opener = d.second.contains(&toks[j].w)
            && toks.get(j + 1).is_some_and(|n| {
                n.clause == clause
                    && (toks.get(j + 2).is_some_and(|t| t.w == "s") || !d.time.contains(&n.w))
            });
        possessive || opener
    })
}

/// The fewest letters of a bare plural recipient ("reps" is too short to tell from a verb).
const BARE_PLURAL_MIN: usize = 4;

/// How many words after an ask its recipient may run before "in <tool>" says where it is
/// told ("tell the new buyer in Intercom").
const SAID_IN_REACH: usize = 3;

/// Whether token `i` asks for a message: an ask phrase, not under a negation, not a noun
/// (inside the trigger clause, one word after a determiner or a tool name: "when a Datadog
/// alert fires"; a channel word used as a noun).
fn ask_at(
    lang: &Language,
    toks: &[Tok],
    excl: &Exclusions,
    named: &[bool],
    trigger_end: usize,
    i: usize,
) -> bool {
    let d = &lang.delivery;
    let ask: &[String] = match any_at(toks, i, &d.asks) {
        Some(ask) => ask,
        None if telling_at(lang, toks, named, i) => std::slice::from_ref(&toks[i].w),
        None => return false,
    };
    // "a digest": a message noun is an ask after a determiner too ("a Google Doc digest" is
    // still the doc's)
    let message_noun = d.message_nouns.nouns.contains(&toks[i].w);
    let noun = ask.len() == 1
        && i < trigger_end
        && !object_follows(lang, toks, i)
        && i.checked_sub(1).is_some_and(|p| {
            (!message_noun && lang.grammar.ask_determiners.contains(&toks[p].w))
                || named.get(p).copied().unwrap_or(false)
        });
    // "send them the intake packet through DocuSign": a tool of the clause serves it; so does
    // one the ask is said in ("tell the customer in Intercom"), unless the ask names its own
    // medium ("email me the rows in Google Sheets")
    let own_medium = ask
        .iter()
        .any(|w| d.noun_uses.words.iter().any(|m| m == w) || w.starts_with("text"));
    let served = (i + ask.len()..toks.len())
        .take_while(|&k| toks[k].clause == toks[i].clause)
        .any(|k| {
            // "in"/"on" right after the recipient ("tell the buyer in Intercom"); further on it
            // says where the news comes from ("ping the team when a ticket comes in on Freshdesk")
            let said_in = !own_medium
                && k <= i + ask.len() + SAID_IN_REACH
                && matches!(toks[k].w.as_str(), "in" | "on");
            let via = d.served_via.contains(&toks[k].w) || said_in;
            // said in a tool past an article ("tell coordinators in the WhatsApp group"); a
            // tool after "through our" is where it comes from ("books through our Jotform form")
            let tool_at = |j: usize| named.get(j).copied().unwrap_or(false);
            let past_article = said_in
                && toks
                    .get(k + 1)
                    .is_some_and(|t| ARTICLES.contains(&t.w.as_str()))
                && tool_at(k + 2);
            via && (tool_at(k + 1) || past_article)
        });
    // "message the drivers' Telegram group": the object is a place in a tool
    let tool_place = (i + ask.len()..(i + ask.len() + PLACE_REACH).min(toks.len()))
        .take_while(|&k| toks[k].clause == toks[i].clause)
        .any(|k| {
            named.get(k).copied().unwrap_or(false)
                && toks
                    .get(k + 1)
                    .is_some_and(|t| d.served_places.contains(&t.w))
        });
    !excl.negated(i) && !noun && !served && !tool_place && !d.noun_uses.noun_at(toks, i)
}

/// How many words after an ask a tool's place that serves it may be named ("message the
/// drivers' Telegram group").
const PLACE_REACH: usize = 5;

/// Articles and possessives passed over before a tool that serves an ask ("in the WhatsApp
/// group"); not "new" ("posted on new Hacker News stories" is where the news comes from).
const ARTICLES: [&str; 9] = ["the", "a", "an", "our", "my", "your", "their", "his", "her"];

/// Pronouns that are whoever a verb of telling tells ("alert them", "inform everyone").
const OBJECT_PRONOUNS: [&str; 8] = [
    "me",
    "us",
    "them",
    "him",
    "her",
    "everyone",
    "everybody",
    "whoever",
];

/// Whether the word at `i` is followed in its clause by an object (an article, a possessive or
/// a pronoun: "... approved in gusto inform the managers"): then it is a verb, even after a
/// tool's name or a determiner, which in dictation often lack the comma between them ("when a
/// Datadog alert fires" has none).
fn object_follows(lang: &Language, toks: &[Tok], i: usize) -> bool {
    toks.get(i + 1).is_some_and(|n| {
        n.clause == toks[i].clause
            && (["a", "an", "the"].contains(&n.w.as_str())
                || POSSESSIVES.contains(&n.w.as_str())
                || OBJECT_PRONOUNS.contains(&n.w.as_str()))
    }) && !lang.delivery.message_nouns.nouns.contains(&toks[i].w)
        && !toks[i].w.ends_with("tion")
        && !toks[i].w.ends_with("tions")
}

/// Whether an audience phrase of `words` is said at token `i` within one clause ("page, the
/// director" is no "page the").
fn said_at(toks: &[Tok], i: usize, words: &Phrases) -> bool {
    any_at(toks, i, words).is_some_and(|p| {
        toks[i..i + p.len()]
            .iter()
            .all(|t| t.clause == toks[i].clause)
    })
}

/// Words before a verb of telling that make it a noun ("our alert", "your reminder").
const POSSESSIVES: [&str; 7] = ["my", "our", "your", "their", "his", "her", "its"];

/// Whether token `i` is a verb of telling followed in its clause by whoever is told ("tell
/// purchasing", "thank donors", "ping whoever pushed the commit"): not a noun (after a
/// determiner, a possessive or a tool's name), and not before a word that makes it something
/// else ("tell whether ...", "ping our API").
fn telling_at(lang: &Language, toks: &[Tok], named: &[bool], i: usize) -> bool {
    let t = &lang.delivery.telling;
    if !t.verbs.contains(&toks[i].w) || named.get(i).copied().unwrap_or(false) {
        return false;
    }
    let clause = toks[i].clause;
    let noun = !object_follows(lang, toks, i)
        && i.checked_sub(1).is_some_and(|p| {
            toks[p].clause == clause
                && (lang.grammar.ask_determiners.contains(&toks[p].w)
                    || POSSESSIVES.contains(&toks[p].w.as_str())
                    || named.get(p).copied().unwrap_or(false))
        });
    // the first word of the object past determiners ("ping the health endpoint": "health"),
    // unless a recipient follows it ("ping the site manager")
    let skip =
        |w: &str| lang.grammar.ask_determiners.iter().any(|d| d == w) || POSSESSIVES.contains(&w);
    let Some(head) = (i + 1..(i + 1 + t.reach).min(toks.len()))
        .take_while(|&k| toks[k].clause == clause)
        .find(|&k| !skip(&toks[k].w))
    else {
        return false;
    };
    let recipient_after = toks.get(head + 1).is_some_and(|n| {
        n.clause == clause && any_at(toks, head + 1, &lang.delivery.handover.recipients).is_some()
    });
    // "notify Slack": the tool named is the channel
    let tool = named.get(head).copied().unwrap_or(false);
    !noun && !tool && (!t.not_objects.contains(&toks[head].w) || recipient_after)
}

/// The ask at `at` speaks of the audience words in its clause and the next.
fn in_ask_zone(toks: &[Tok], at: usize, i: usize) -> bool {
    let clause = toks[at].clause;
    toks[i].clause == clause || toks[i].clause == clause + 1
}

/// An ask that names a team or channel as its audience ("text me and notify my team"): the
/// team gets a chat message even when another channel serves another ask. The token of the
/// ask, and the need.
pub(super) fn team_ask<'l>(
    lang: &'l Language,
    toks: &[Tok],
    excl: &Exclusions,
    named: &[bool],
    trigger_end: usize,
) -> Option<(usize, &'l str)> {
    let d = &lang.delivery;
    let (words, need) = d.audiences.iter().find(|(_, n)| *n == d.team_need)?;
    (0..toks.len())
        .filter(|&i| ask_at(lang, toks, excl, named, trigger_end, i))
        // an ask that names its own channel ("text the sales rep") is not a team message
        .filter(|&i| {
            !d.audiences
                .iter()
                .any(|(w, n)| *n != d.team_need && any_at(toks, i, w).is_some())
        })
        // nor one that names another medium in its clause or the next ("remind our staff
        // ..., by email")
        .filter(|&i| {
            !(0..toks.len()).any(|k| {
                in_ask_zone(toks, i, k)
                    && !excl.negated(k)
                    && !d.noun_uses.noun_at(toks, k)
                    && any_at(toks, k, &d.other_media).is_some()
            })
        })
        .find(|&at| {
            let nearest = |words: &Phrases| {
                (0..toks.len())
                    .filter(|&i| {
                        in_ask_zone(toks, at, i) && !excl.negated(i) && said_at(toks, i, words)
                    })
                    .map(|i| i.abs_diff(at))
                    .min()
            };
            // "i want to hear about it ... for us": a person nearer the ask makes it theirs
            let person = d
                .audiences
                .iter()
                .find(|(_, n)| *n == d.default_need)
                .and_then(|(w, _)| nearest(w));
            nearest(words).is_some_and(|team| person.is_none_or(|p| team <= p))
        })
        .map(|at| (at, need.as_str()))
}

/// An ask that names `need`'s channel in its own clause ("text the handyman", "send them a
/// welcome text"): the token of the ask.
pub(super) fn own_channel_ask(
    lang: &Language,
    toks: &[Tok],
    excl: &Exclusions,
    named: &[bool],
    trigger_end: usize,
    need: &str,
) -> Option<usize> {
    let (words, _) = lang.delivery.audiences.iter().find(|(_, n)| n == need)?;
    (0..toks.len())
        .filter(|&i| ask_at(lang, toks, excl, named, trigger_end, i))
        .find(|&at| {
            (at..toks.len())
                .take_while(|&i| toks[i].clause == toks[at].clause)
                .any(|i| !excl.negated(i) && said_at(toks, i, words))
        })
}

/// How the assumption names the audience of a need.
pub(super) fn audience_words(need: &str) -> &'static str {
    match need {
        "SMS" => "by SMS to the phone number you configure",
        "team chat" => "to a team channel",
        "incident paging" => "as a page to whoever is on call",
        _ => "to you by email",
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn channel(text: &str) -> Option<String> {
        channel_at(text, 4, false)
    }

    /// The channel `text` asks for, its trigger ending at token `trigger_end`, in a plan that
    /// `writes` (or not) somewhere else.
    fn channel_at(text: &str, trigger_end: usize, writes: bool) -> Option<String> {
        let lang = Language::builtin().unwrap();
        let toks = tokenize(text);
        unnamed_channel(
            &lang,
            &toks,
            &Exclusions::default(),
            &[],
            trigger_end,
            writes,
            &|_| false,
        )
        .map(|(n, _)| n[0].clone())
    }

    /// Whether `text` asks for a channel, the catalog's names in it marked as named.
    fn asks(text: &str) -> bool {
        let catalog = crate::catalog::Catalog::builtin().unwrap();
        let lang = Language::builtin().unwrap();
        let toks = tokenize(text);
        let mut named = vec![false; toks.len()];
        for m in crate::planner::entities::mentions(&catalog, &lang, &toks, text) {
            named[m.at..m.at + m.len].iter_mut().for_each(|x| *x = true);
        }
        unnamed_channel(
            &lang,
            &toks,
            &Exclusions::default(),
            &named,
            0,
            false,
            &|_| false,
        )
        .is_some()
    }

    /// The channel `text` asks for when all of it is the trigger clause, the catalog's names
    /// in it marked as named.
    fn channel_in_trigger(text: &str) -> Option<String> {
        let catalog = crate::catalog::Catalog::builtin().unwrap();
        let lang = Language::builtin().unwrap();
        let toks = tokenize(text);
        let mut named = vec![false; toks.len()];
        for m in crate::planner::entities::mentions(&catalog, &lang, &toks, text) {
            named[m.at..m.at + m.len].iter_mut().for_each(|x| *x = true);
        }
        unnamed_channel(
            &lang,
            &toks,
            &Exclusions::default(),
            &named,
            toks.len(),
            false,
            &|_| false,
        )
        .map(|(n, _)| n[0].clone())
    }

    /// A word of telling after a tool's name is a verb when its object follows (dictation
    /// drops the comma: "approved in gusto inform the managers"), a noun otherwise ("when a
    /// Datadog alert fires"); an audience is said within one clause ("on our PayPal page, the
    /// director wants a text" pages nobody). Twelfth session, lang12.
    #[test]
    fn a_telling_word_with_its_object_after_a_tool_name_is_a_verb() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                "when a payroll run gets approved in gusto inform the managers",
                Some("team chat"),
            ),
            ("when a deal closes in hubspot notify me", Some("email")),
            ("when an order ships in shopify alert them", Some("email")),
            ("when a Datadog alert fires", None),
            ("when a new Stripe notification arrives", None),
            ("when the Datadog alert is resolved", None),
            (
                "when a donor gives on our PayPal page, the director wants a text",
                Some("SMS"),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(channel_in_trigger(text).as_deref(), *want, "{text}");
        }
    }

    #[test]
    fn an_ask_served_by_a_named_tool_asks_nothing() {
        assert!(!asks("send them the intake packet through DocuSign"));
        assert!(!asks("send the contract via PandaDoc for signature"));
        assert!(asks("send me the DocuSign envelopes that were declined"));
        assert!(asks("send them the packet through the portal"));
        // the tool the ask is said in, unless the ask names its own medium
        assert!(!asks("when the order ships, tell the buyer in Intercom"));
        assert!(!asks(
            "add them to Mailchimp and tell coordinators in the WhatsApp group"
        ));
        assert!(!asks("every hour tell Datadog the queue length"));
        assert!(asks("add them to Mailchimp and tell coordinators"));
        assert!(asks("keep me posted on new Hacker News stories about us"));
        assert!(asks(
            "let me know when someone books through our Jotform form"
        ));
        assert!(asks("tell the buyer in the morning"));
        assert!(asks("email me the new rows in Google Sheets"));
        // further on, "in <tool>" is where the news comes from
        assert!(asks(
            "ping the team whenever an urgent ticket comes in on Freshdesk"
        ));
        assert!(asks("shoot me the list of overdue tasks in Asana"));
        // the object is a place in a named tool: the tool serves it
        assert!(!asks("then message the drivers' Telegram group"));
        assert!(!asks("ping the night shift Slack channel"));
        assert!(asks("message the drivers about the Telegram outage"));
    }

    #[test]
    fn a_channel_word_as_a_noun_asks_for_nothing() {
        let lang = Language::builtin().unwrap();
        let noun = |text: &str, word: &str| {
            let toks = tokenize(text);
            let i = toks.iter().position(|t| t.w == word).unwrap();
            lang.delivery.noun_uses.noun_at(&toks, i)
        };
        assert!(noun(
            "when a ticket comes from an email ending in .gov",
            "email"
        ));
        assert!(noun(
            "tickets whose requester email ends with @example.org",
            "email"
        ));
        assert!(noun("every contact with no email", "email"));
        assert!(noun("pull out the name email and phone number", "email"));
        assert!(noun("paste a list of emails", "emails"));
        assert!(!noun(
            "when the order is flagged email the risk team",
            "email"
        ));
        assert!(!noun("then email the client", "email"));
    }

    #[test]
    fn a_tools_own_noun_is_no_recipient() {
        assert!(!asks("new hires in engineering get a GitHub org invite"));
        assert!(asks("send the whole org the release notes"));
    }

    #[test]
    fn a_weak_ask_counts_only_when_nothing_is_written_and_no_tool_receives_it() {
        let catalog = crate::catalog::Catalog::builtin().unwrap();
        let lang = Language::builtin().unwrap();
        let asks = |text: &str, writes: bool| {
            let toks = tokenize(text);
            let mut named = vec![false; toks.len()];
            for m in crate::planner::entities::mentions(&catalog, &lang, &toks, text) {
                named[m.at..m.at + m.len].iter_mut().for_each(|x| *x = true);
            }
            // the whole text is the trigger's clause, where a tool's noun is no ask
            let end = toks.len();
            unnamed_channel(
                &lang,
                &toks,
                &Exclusions::default(),
                &named,
                end,
                writes,
                &|_| false,
            )
            .is_some()
        };
        assert!(asks("send the board members a recap of donations", false));
        assert!(asks(
            "a short summary of yesterday's funnel, every day, for me",
            false
        ));
        assert!(asks("write me a three bullet brief", false));
        // "in" names where the hours are, not where the recap goes
        assert!(asks("I want a recap of the hours logged in Toggl", false));
        // the plan writes somewhere already: that is where the summary goes, unless a verb
        // hands the message to people (ninth session: "send the board members a recap" is
        // a message to them whatever else the plan writes)
        assert!(asks("send the board members a recap of donations", true));
        assert!(!asks("send the board members the donations sheet", true));
        assert!(!asks("put a short summary in the sheet", true));
        assert!(asks(
            "every friday send a summary of the merged PRs in GitLab to the team",
            true
        ));
        assert!(asks("send our volunteers a reminder about the shift", true));
        assert!(!asks("send a summary of the new leads into HubSpot", true));
        assert!(!asks(
            "send a recap of the open bugs to the qa team on Webex",
            true
        ));
        // a record's note, a tool's digest, a tool as the recipient
        for text in [
            "translate it and add the translation as a private note",
            "flag ghost orders by adding an order note",
            "the headlines go into a Google Doc digest",
            "send it to the editor in Notion",
            "give our front desk a url they can open",
            "write a one paragraph summary into the HubSpot deal",
            "write a short summary of each chat and add it as an internal note",
            "produce a recap and keep it as a private comment",
        ] {
            assert!(!asks(text, false), "{text}");
        }
    }

    #[test]
    fn a_team_ask_is_the_teams_unless_a_person_is_nearer() {
        let lang = Language::builtin().unwrap();
        let team = |text: &str| {
            let toks = tokenize(text);
            team_ask(&lang, &toks, &Exclusions::default(), &[], 0).is_some()
        };
        assert!(team("text me and notify my team"));
        assert!(team("let the support team know about each new ticket"));
        assert!(!team(
            "i want to hear about it whenever a review shows up for us"
        ));
        assert!(!team("let me know about each new ticket"));
        // another medium in the ask's clause
        assert!(!team("remind our staff whose passwords expire, by email"));
        assert!(!team("send the whole staff an sms"));
        assert!(team("remind the staff about the outage"));
    }

    #[test]
    fn an_ask_that_names_its_channel_gets_it() {
        let lang = Language::builtin().unwrap();
        let sms = |text: &str| {
            let toks = tokenize(text);
            own_channel_ask(&lang, &toks, &Exclusions::default(), &[], 0, "SMS").is_some()
        };
        for text in [
            "when one comes in make a trello card and text the handyman",
            "send the user a welcome text and add them to klaviyo",
            "grab my calendar and text it to me",
            "the sales total texted to me every night",
            "send them a text within five minutes",
        ] {
            assert!(sms(text), "{text}");
        }
        for text in [
            "email me the text of the contract",
            "summarise the text and post it to Slack",
            "send me the sales total",
            "reply to the email with the text of the policy",
            "send the tenant a DocuSign renewal envelope",
            "extract a plain text version and save it to Drive",
        ] {
            assert!(!sms(text), "{text}");
        }
    }

    #[test]
    fn the_audience_chooses_the_channel() {
        let cases = [
            ("every morning send me the top posts", Some("email")),
            ("let me know when it fails", Some("email")),
            ("notify the team about each new deal", Some("team chat")),
            ("if the site goes down text me right away", Some("SMS")),
            ("a push notification on my phone", Some("SMS")),
            ("copy each new row to Airtable", None),
            ("when a new alert fires, open a Jira issue", None),
            (
                "Let the support leads know when a ticket sits unassigned",
                Some("team chat"),
            ),
            (
                "people who booked a class should get a reminder text",
                Some("SMS"),
            ),
            // asks in words of informing, and the audience nearest the ask
            ("the IT folks should be told", Some("team chat")),
            ("the product team needs to see it", Some("team chat")),
            ("when a sale comes in, give me a little ping", Some("email")),
            ("when the build fails, make noise", Some("email")),
            (
                "i want to hear about it whenever a review shows up for us",
                Some("email"),
            ),
            (
                "the owner should find out at once, she is usually on her phone",
                Some("SMS"),
            ),
            ("give me a heads up on my phone", Some("SMS")),
            (
                "every monday, a digest of the traffic for the marketing group",
                Some("team chat"),
            ),
            ("tell the kitchen when an order comes in", Some("team chat")),
            ("text our patients a reminder", Some("SMS")),
            // a person or group handed something, with nothing else to write to
            (
                "send the volunteers a note listing the open shifts",
                Some("email"),
            ),
            (
                "get the attendee list to the events coordinator",
                Some("email"),
            ),
            ("send the sales team the leaderboard", Some("team chat")),
            // two noun phrases after the verb: a recipient, whatever it is called, and a thing
            ("send the superintendents the day's weather", Some("email")),
            ("send every driver their route on their phone", Some("SMS")),
            ("send the night shift a reminder at 10pm", Some("email")),
            ("send the lab yesterday's freezer log", Some("email")),
            // ... and what asks for nothing
            ("get the hours from the tracker", None),
            ("send the invoice to the accounting system", None),
            ("send the file to the bucket", None),
            // a bare send with no destination asks for a channel (lang15's `bare_send`)
            ("send the report the next morning", Some("email")),
            ("send the invoice the same day", Some("email")),
            ("send their route", Some("email")),
            ("flag ghost orders by adding an order note", None),
            // "give" hands over too, and reporting verbs say to whom
            (
                "every monday give the whole office a reminder to water the plants",
                Some("team chat"),
            ),
            (
                "each month give the leadership team the churn numbers",
                Some("team chat"),
            ),
            (
                "give the delivery drivers a heads up on their phones",
                Some("SMS"),
            ),
            (
                "check the docs links and report the broken ones to the docs team",
                Some("team chat"),
            ),
            (
                "overdue invoices should be listed for the CFO each friday",
                Some("email"),
            ),
            ("list the differences for the controller", Some("email")),
            ("give our front desk a url they can open", None),
            ("report the totals to the accounting system", None),
            ("list the open orders for today", None),
            (
                "summarize the threads in the legal inbox and send the summary to the partners",
                Some("email"),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(channel(text).as_deref(), want, "{text}");
        }
    }

    /// A verb of telling with whoever is told after it asks for a message, whatever that
    /// audience is called; "let ... know" with a longer audience, and a message sent to
    /// someone's phone, too. Not a noun, not "tell whether", not "ping our API".
    #[test]
    fn a_verb_of_telling_with_its_audience_asks_for_a_message() {
        let cases = [
            ("tell purchasing when stock runs low", Some("email")),
            ("thank donors when a gift comes in", Some("email")),
            ("ping whoever opened the pull request", Some("email")),
            (
                "warn the night shift when the freezer warms up",
                Some("email"),
            ),
            ("remind tenants a week before rent is due", Some("email")),
            ("phone the site manager when the alarm trips", Some("SMS")),
            ("notify procurement about each late delivery", Some("email")),
            ("let me and my co-founder know on our phones", Some("SMS")),
            ("let the two shift leads know", Some("email")),
            ("it should go to the janitor's phone", Some("SMS")),
            // ... and what asks for nothing
            (
                "tell whether the review is positive and log it in the sheet",
                None,
            ),
            ("ping our API every five minutes and log the status", None),
            ("ping the health endpoint and record the latency", None),
            ("add our reminder to the calendar", None),
            ("update the phone number field in the sheet", None),
            ("messages in the orders queue go to the sheet", None),
            ("no Slack ping for this one, add the row to Airtable", None),
        ];
        let mut wrong = Vec::new();
        for (text, want) in cases {
            let got = channel(text);
            if got.as_deref() != want {
                wrong.push(format!("{text}: {got:?}, want {want:?}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
    /// Wanting to receive a message and calling someone's phone ask for a message; receiving
    /// mail as the event and calling an API do not (ninth session).
    #[test]
    fn wanting_a_message_and_calling_a_phone_ask_for_one() {
        let need = |text: &str| channel_at(text, 0, false);
        assert_eq!(
            need("i'd like to get a text if the shop site goes down").as_deref(),
            Some("SMS")
        );
        assert_eq!(
            need("when the freezer warms up, call the shift lead's phone").as_deref(),
            Some("SMS")
        );
        assert_eq!(
            need("we want to get notified about failed payouts").as_deref(),
            Some("email")
        );
        assert_eq!(
            need("call the billing API every hour and log the result"),
            None
        );
        assert_eq!(need("call the endpoint with the order id"), None);
    }
    /// An audience verb in its other present forms ("it texts every tenant", "paging the
    /// on-call lead") chooses its channel as the base form does; the same words as nouns or
    /// unrelated verbs do not (eleventh session, lang11).
    #[test]
    fn an_audience_verb_holds_in_its_present_forms() {
        let need = |text: &str| channel_at(text, 0, false);
        for text in [
            "when a storm is coming it texts every tenant who signed up for alerts",
            "the workflow texts each driver their stops and alerts them",
            "it alerts us by texting every volunteer",
        ] {
            assert_eq!(need(text).as_deref(), Some("SMS"), "{text}");
        }
        assert_eq!(
            need("alert the on-call engineer by paging the whoever is on duty").as_deref(),
            Some("incident paging")
        );
        for text in [
            "alert me when the contexts every team uses change",
            "alert me when the pages every editor owns change",
        ] {
            assert_ne!(need(text).as_deref(), Some("SMS"), "{text}");
        }
        let lang = Language::builtin().unwrap();
        let sms = lang
            .delivery
            .audiences
            .iter()
            .find(|(_, n)| n == "SMS")
            .map(|(p, _)| p)
            .unwrap();
        let toks = tokenize("it texts every tenant");
        assert!(crate::planner::language::any_at(&toks, 1, sms).is_some());
        assert!(crate::planner::language::any_at(&toks, 0, sms).is_none());
    }

    /// A channel word opening its clause as a verb asks for its channel, whoever is texted;
    /// as a noun it asks for nothing (ninth session).
    #[test]
    fn a_channel_verb_opening_a_clause_asks_for_its_channel() {
        let need = |text: &str| channel_at(text, 0, true);
        assert_eq!(
            need("Text opted-in members a class reminder the day before").as_deref(),
            Some("SMS")
        );
        assert_eq!(
            need("when a booking is confirmed; sms volunteers the address").as_deref(),
            Some("SMS")
        );
        assert_eq!(need("Text message templates live in Airtable"), None);
        assert_eq!(need("Text to speech for every new blog post"), None);
    }

    /// Asks said in other words (tenth session): someone who needs or gets a text, a text to
    /// a kind of recipient inside a clause, a buzz, a brief, a place "I'll see it", and the
    /// people a ping or an announcement is for.
    #[test]
    fn asks_in_other_words_choose_their_channel() {
        let cases = [
            (
                "the night nurse needs a text whenever a bed frees up",
                Some("SMS"),
            ),
            (
                "when a big order comes in the owner gets a text",
                Some("SMS"),
            ),
            (
                "if a van hasn't moved for an hour text dispatch",
                Some("SMS"),
            ),
            (
                "every evening we text patients their visit reminders",
                Some("SMS"),
            ),
            ("when a refund goes out give me a buzz", Some("SMS")),
            (
                "every morning brief me on the open incidents",
                Some("email"),
            ),
            (
                "a daily list of new bugs dropped somewhere i'll see it",
                Some("email"),
            ),
            (
                "ping the reviewers whenever a pull request is opened",
                Some("team chat"),
            ),
            ("announce it to our community", Some("team chat")),
            ("shout about it so the devs see it", Some("team chat")),
            (
                "when a big checkout is abandoned, make sure sales is aware",
                Some("team chat"),
            ),
            (
                "make sure the owner knows when a refund goes out",
                Some("email"),
            ),
            // a manager's phone is the manager's, whatever team they lead
            (
                "if it stays open, call the engineering manager's phone",
                Some("SMS"),
            ),
            // a text as a thing, a buzz as a sound, a ping to a server: no ask
            ("log the text of each review in the sheet", None),
            ("record how long the buzz lasts in the log", None),
            ("ping the server every minute and log the latency", None),
            ("make sure the totals add up before saving the sheet", None),
        ];
        for (text, want) in cases {
            assert_eq!(channel(text).as_deref(), want, "{text}");
        }
    }

    /// An ask whose own medium the prompt then excludes is taken back, not moved to email;
    /// an ask moved to another medium, or a medium excluded only in part, still delivers; a
    /// message that is all the workflow does goes to another kind when its audience's kinds
    /// are all excluded (thirteenth session, lang13).
    #[test]
    fn an_ask_whose_medium_is_excluded_is_taken_back() {
        let engine = crate::Engine::new().unwrap().with_validation(false);
        let tools = |text: &str| -> Vec<String> {
            let plan = engine.plan(&crate::GenerateRequest::text(text)).unwrap();
            plan.steps.iter().map(|s| s.tool.clone()).collect()
        };
        let cases: &[(&str, &[&str], &[&str])] = &[
            (
                "when a Stripe refund happens add a row to Google Sheets, text me, actually no, do not text me",
                &["google_sheets"],
                &["amazon_ses", "twilio"],
            ),
            (
                "add each Calendly booking to Airtable and text me, hmm no, never text me about it",
                &["airtable"],
                &["amazon_ses", "twilio"],
            ),
            // kept: another ask, and one SMS tool excluded of several
            (
                "when a Stripe refund happens text me, no wait, don't text me, email me instead",
                &["amazon_ses"],
                &["twilio"],
            ),
            (
                "when a Stripe refund happens text me, but not through Twilio",
                &[],
                &["twilio", "amazon_ses"],
            ),
            // every kind the audience chose excluded: another kind delivers it
            (
                "when a Vercel deploy fails alert me by anything but email",
                &["slack"],
                &["amazon_ses"],
            ),
            ("when a Vercel deploy fails alert me", &["amazon_ses"], &[]),
            // with other steps, an excluded kind takes the message back
            (
                "when a Vercel deploy fails add a row to Google Sheets and alert me, never by email",
                &["google_sheets"],
                &["amazon_ses", "slack"],
            ),
        ];
        let mut wrong = Vec::new();
        for (text, want, not) in cases {
            let got = tools(text);
            if !want.iter().all(|w| got.iter().any(|g| g == w))
                || not.iter().any(|n| got.iter().any(|g| g == n))
            {
                wrong.push(format!("{text}: {got:?}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
