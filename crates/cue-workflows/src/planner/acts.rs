//! Who does what to whom: a small parse of the acts a prompt asks the workflow to do, for the
//! policy (docs/policy.md, *Who does what to whom*). An *act* (take, keep, pass on, sell, watch,
//! contact, make accounts ...) governs the *object* that follows it within `reach` words
//! (passwords, people's records, direct messages, someone's whereabouts, accounts ...); the
//! object has an *owner* (ours, people we hold data on, other people) read from the possessive
//! before it or the "from other companies'" after it; a pronoun object ("send them") stands for
//! the nearest object named before the act. *Signals* in the same stretch say how and why
//! (covertly, for sale, to a marketing agency, after a ban, until she takes it down). A
//! *shape* refuses when one act frame has its act, object and owner classes and every signal
//! group, and none of its `unless` classes is in the stretch. An act under a negation ("never
//! store passwords") or said of an event's subject ("when a customer calls") is no act of the
//! workflow's; an object handed to its owner ("email them their login link") is no taking.
//! Vocabularies and shapes are data: `data/language/acts.json`.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;

use super::language::{Phrases, Within, any_at, phrases};
use super::matching::ListIndex;
use crate::WorkflowError;
use crate::text::Tok;

/// The most words between an event opener and an object of its event clause.
const EVENT_REACH: usize = 8;

const ACTS_JSON: &str = include_str!("../../data/language/acts.json");

#[derive(Deserialize)]
struct ActsFile {
    /// role (`act`, `object`, `owner`, `signal`) → class → phrases
    roles: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    pronouns: Vec<String>,
    event_openers: Vec<String>,
    negators: Vec<String>,
    recipients: Vec<String>,
    reach: usize,
    owner_before: usize,
    owner_after: usize,
    shapes: Vec<ShapeEntry>,
}

#[derive(Deserialize)]
struct ShapeEntry {
    category: String,
    act: Vec<String>,
    #[serde(default)]
    object: Vec<String>,
    #[serde(default)]
    owner: Vec<String>,
    #[serde(default)]
    signals: Vec<Vec<String>>,
    #[serde(default)]
    unless: Vec<String>,
    #[serde(default)]
    within: Within,
}

/// Classes of one role, numbered in their order.
#[derive(Debug, Clone, Default)]
struct Role {
    names: Vec<String>,
    lists: Vec<Phrases>,
    /// The classes' lists in one index, for [`Role::at`] (issue 16: one lookup of a token
    /// instead of one per class).
    index: ListIndex,
}

impl Role {
    fn new(classes: Option<&BTreeMap<String, Vec<String>>>) -> Self {
        let mut r = Self::default();
        for (name, list) in classes.into_iter().flatten() {
            r.names.push(name.clone());
            r.lists.push(phrases(list));
        }
        r.index = ListIndex::new(r.lists.iter().map(|l| &l[..]));
        r
    }

    fn class(&self, name: &str, role: &str) -> Result<usize, WorkflowError> {
        self.names.iter().position(|n| n == name).ok_or_else(|| {
            WorkflowError::Internal(format!(
                "language data: acts.json: unknown {role} class {name}"
            ))
        })
    }

    /// Each class's phrase starting at token `i`: (class, length).
    fn at(&self, toks: &[Tok], i: usize) -> Vec<(usize, usize)> {
        self.index.longest_at_each(toks, i)
    }
}

#[derive(Debug, Clone)]
struct Shape {
    category: String,
    act: Vec<usize>,
    object: Vec<usize>,
    owner: Vec<usize>,
    signals: Vec<Vec<usize>>,
    unless: Vec<usize>,
    within: Within,
}

/// The act vocabularies and the shapes Cue refuses.
#[derive(Debug, Clone, Default)]
pub(crate) struct Acts {
    act: Role,
    object: Role,
    owner: Role,
    signal: Role,
    pronouns: Phrases,
    event_openers: Phrases,
    negators: Phrases,
    recipients: Phrases,
    reach: usize,
    owner_before: usize,
    owner_after: usize,
    shapes: Vec<Shape>,
}

/// One act with its object: the act's class, the object's class and its owner's class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Frame {
    act: usize,
    object: Option<usize>,
    owner: Option<usize>,
    at: usize,
}

impl Acts {
    /// The built-in acts (`data/language/acts.json`).
    pub(crate) fn builtin() -> Result<Self, WorkflowError> {
        let file: ActsFile = serde_json::from_str(ACTS_JSON)
            .map_err(|e| WorkflowError::Internal(format!("language data: acts.json: {e}")))?;
        let role = |name: &str| Role::new(file.roles.get(name));
        let mut acts = Self {
            act: role("act"),
            object: role("object"),
            owner: role("owner"),
            signal: role("signal"),
            pronouns: phrases(&file.pronouns),
            event_openers: phrases(&file.event_openers),
            negators: phrases(&file.negators),
            recipients: phrases(&file.recipients),
            reach: file.reach,
            owner_before: file.owner_before,
            owner_after: file.owner_after,
            shapes: Vec::new(),
        };
        for s in &file.shapes {
            let classes = |role: &Role, names: &[String], what: &str| {
                names
                    .iter()
                    .map(|n| role.class(n, what))
                    .collect::<Result<Vec<_>, _>>()
            };
            acts.shapes.push(Shape {
                category: s.category.clone(),
                act: classes(&acts.act, &s.act, "act")?,
                object: classes(&acts.object, &s.object, "object")?,
                owner: classes(&acts.owner, &s.owner, "owner")?,
                signals: s
                    .signals
                    .iter()
                    .map(|g| classes(&acts.signal, g, "signal"))
                    .collect::<Result<_, _>>()?,
                unless: classes(&acts.signal, &s.unless, "signal")?,
                within: s.within,
            });
        }
        Ok(acts)
    }

    /// The categories the shapes name (each must be a category of `policy.json`).
    #[cfg(test)]
    pub(crate) fn categories(&self) -> impl Iterator<Item = &str> {
        self.shapes.iter().map(|s| s.category.as_str())
    }

    /// Whether a phrase of `list` starts in the `back` tokens before `i`, in `i`'s clause.
    fn before(&self, toks: &[Tok], i: usize, back: usize, list: &Phrases) -> bool {
        (i.saturating_sub(back)..i)
            .any(|k| toks[k].clause == toks[i].clause && any_at(toks, k, list).is_some())
    }

    /// The owner class of the object at `j..j + len`: the nearest owner phrase ending before it
    /// in its clause, else the first one inside or after it in its sentence.
    fn owner_of(&self, toks: &[Tok], sentences: &[usize], j: usize, len: usize) -> Option<usize> {
        let back = (j.saturating_sub(self.owner_before)..j)
            .rev()
            .filter(|&k| toks[k].clause == toks[j].clause)
            .find_map(|k| {
                self.owner
                    .at(toks, k)
                    .into_iter()
                    .find(|&(_, l)| k + l <= j)
                    .map(|(c, _)| c)
            });
        back.or_else(|| {
            (j..(j + len + self.owner_after).min(toks.len()))
                .take_while(|&k| sentences[k] == sentences[j])
                .find_map(|k| self.owner.at(toks, k).first().map(|&(c, _)| c))
        })
    }

    /// The nearest object named before token `i` (for a pronoun): its class and owner.
    fn antecedent(
        &self,
        toks: &[Tok],
        sentences: &[usize],
        i: usize,
    ) -> Option<(usize, Option<usize>)> {
        let k = (0..i).rev().find(|&k| {
            any_at(toks, k, &self.pronouns).is_none() && !self.object.at(toks, k).is_empty()
        })?;
        // "when a user changes their password, log it": the pronoun stands for the event
        if self.before(toks, k, EVENT_REACH, &self.event_openers) {
            return None;
        }
        let (c, l) = self.object.at(toks, k)[0];
        Some((c, self.owner_of(toks, sentences, k, l)))
    }

    /// Every act of the workflow's with its object, if any.
    fn frames(&self, toks: &[Tok], sentences: &[usize]) -> Vec<Frame> {
        let mut out = Vec::new();
        for i in 0..toks.len() {
            let acts = self.act.at(toks, i);
            // "our coworkers keep the logins list": people named right before the verb do it
            let said_of_people = i.checked_sub(1).is_some_and(|p| {
                toks[p].clause == toks[i].clause
                    && (p.saturating_sub(2)..=p).any(|k| {
                        self.owner
                            .at(toks, k)
                            .iter()
                            .any(|&(c, l)| k + l == i && self.owner.names[c] != "ours")
                    })
            });
            if acts.is_empty()
                || said_of_people
                || self.before(toks, i, 2, &self.negators)
                || self.before(toks, i, 3, &self.event_openers)
            {
                continue;
            }
            for (act, len) in acts {
                let from = i + len;
                let to = (from + self.reach).min(toks.len());
                let mut objects = Vec::new();
                let mut handed = false;
                for j in from..to {
                    if sentences[j] != sentences[i] {
                        break;
                    }
                    // "email them their login link": a recipient before the object
                    if objects.is_empty() && any_at(toks, j, &self.recipients).is_some() {
                        handed = true;
                    }
                    for (c, l) in self.object.at(toks, j) {
                        objects.push((c, self.owner_of(toks, sentences, j, l)));
                    }
                }
                // a pronoun right after the act, with no object after it, is the act's object
                // ("email it to the agency"; "in the it channel" is none)
                if objects.is_empty()
                    && from < toks.len()
                    && any_at(toks, from, &self.pronouns).is_some()
                    && let Some(antecedent) = self.antecedent(toks, sentences, i)
                {
                    handed = false;
                    objects.push(antecedent);
                }
                if objects.is_empty() {
                    out.push(Frame {
                        act,
                        object: None,
                        owner: None,
                        at: i,
                    });
                }
                for (c, o) in objects {
                    out.push(Frame {
                        act,
                        object: Some(c),
                        // an object handed to its owner ("email them their login link")
                        owner: if handed { None } else { o },
                        at: i,
                    });
                }
            }
        }
        out
    }

    /// The category of the first shape that holds, given the token ranges of each `within`.
    pub(crate) fn refusing<'w>(
        &self,
        toks: &[Tok],
        sentences: &[usize],
        windows: impl Fn(Within) -> &'w [Range<usize>],
    ) -> Option<&str> {
        let frames = self.frames(toks, sentences);
        if frames.is_empty() {
            return None;
        }
        let signals: Vec<Vec<usize>> = (0..toks.len())
            .map(|i| {
                self.signal
                    .at(toks, i)
                    .into_iter()
                    .map(|(c, _)| c)
                    .collect()
            })
            .collect();
        let signal_in = |classes: &[usize], w: &Range<usize>| {
            w.clone()
                .any(|i| signals[i].iter().any(|c| classes.contains(c)))
        };
        self.shapes
            .iter()
            .find(|s| {
                windows(s.within).iter().any(|w| {
                    frames.iter().any(|f| {
                        w.contains(&f.at)
                            && s.act.contains(&f.act)
                            && (s.object.is_empty()
                                || f.object.is_some_and(|o| s.object.contains(&o)))
                            && (s.owner.is_empty() || f.owner.is_some_and(|o| s.owner.contains(&o)))
                    }) && s.signals.iter().all(|g| signal_in(g, w))
                        && !signal_in(&s.unless, w)
                })
            })
            .map(|s| s.category.as_str())
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::text::tokenize;

    /// The frames of `text` as (act, object, owner) class names.
    fn frames(text: &str) -> Vec<(String, String, String)> {
        let acts = Acts::builtin().unwrap();
        let toks = tokenize(text);
        let sentences = vec![0; toks.len()];
        let name = |r: &Role, c: Option<usize>| c.map_or("-".to_owned(), |c| r.names[c].clone());
        acts.frames(&toks, &sentences)
            .into_iter()
            .map(|f| {
                (
                    acts.act.names[f.act].clone(),
                    name(&acts.object, f.object),
                    name(&acts.owner, f.owner),
                )
            })
            .collect()
    }

    fn has(text: &str, act: &str, object: &str, owner: &str) -> bool {
        frames(text)
            .iter()
            .any(|(a, o, w)| a == act && o == object && w == owner)
    }

    /// The parse both ways: the owner is the nearest possessive before the object or the
    /// "from other companies'" after it; a pronoun object is the object named before; an act
    /// under a negation, of an event's subject or of the people named before it is none of the
    /// workflow's; an object handed to its owner has no owner to take it from.
    #[test]
    fn acts_take_their_object_and_its_owner() {
        assert!(has(
            "pull every patient's record",
            "take",
            "personal",
            "people"
        ));
        assert!(has(
            "copy all their buckets to us",
            "take",
            "files",
            "their"
        ));
        assert!(has(
            "pull the emails and phone numbers from other companies' events",
            "take",
            "personal",
            "others"
        ));
        assert!(has("store our api keys", "keep", "secrets", "ours"));
        assert!(has(
            "grab the staff passwords and email them to me",
            "pass",
            "credentials",
            "people"
        ));
        assert!(!has(
            "never store the customers' passwords",
            "keep",
            "credentials",
            "people"
        ));
        assert!(!has(
            "when customers record a call, post it",
            "keep",
            "calls",
            "-"
        ));
        assert!(!has(
            "our coworkers keep the logins list",
            "keep",
            "credentials",
            "others"
        ));
        assert!(has(
            "email them their login details",
            "pass",
            "credentials",
            "-"
        ));
        assert!(!has(
            "email them their login details",
            "pass",
            "credentials",
            "others"
        ));
        // a pronoun counts only as the act's own object ("in the it channel" is no object)
        assert!(!has(
            "change their password and post the news in the it channel",
            "pass",
            "credentials",
            "others"
        ));
    }

    /// Every shape names a category of policy.json, so a refusal has its message.
    #[test]
    fn shapes_name_policy_categories() {
        let lang = crate::planner::language::Language::builtin().unwrap();
        for c in lang.acts.categories() {
            assert!(
                lang.policy.categories().any(|(p, _)| p.id == c),
                "unknown category {c}"
            );
        }
    }
}
