//! Who does what to whom: the one frame reader of the policy (docs/policy.md, *Who does what to
//! whom*, *Roles composed*, *One frame reader*). A request is read as frames of four roles, and
//! a *shape* refuses by how they compose:
//!
//! - an **act** the workflow does (take, send, publish, watch, contact, make accounts ...), not
//!   under a negation ("never copy"), not said of an event's subject ("when a guest connects")
//!   and not said of the people named right before it ("our coworkers keep the logins list");
//! - its **object** (credentials, secrets, private content, whereabouts, accounts ...) in the
//!   `reach` words after the act in its sentence (or anywhere in the sentence, for shapes marked
//!   `anywhere`); a pronoun right after the act ("send them to a tabloid") is the nearest object
//!   before it in its sentence, unless that object sits in an event clause ("when a user changes
//!   their password, log it" logs the event);
//! - the object's **owner**: the longest owner phrase nearest before it in `owner_before` words
//!   (same clause), else the first in the `owner_after` words after it, right behind the object
//!   or behind a linking word ("the photos from my ex's iCloud", not "the codes to our
//!   server"); a possessive word before a person is that person's ("my colleague's Outlook").
//!   An object handed to its owner (a `recipients` phrase between the act and the object:
//!   "email them their login link") has no owner to be taken from;
//! - the **manner** in the same stretch: covertly, as someone else, around controls, to an
//!   outsider, with a threat or a pretext. A manner class listed in `about_someone` does not
//!   count when the one it names is ourselves ("says it's from our clinic").
//!
//! A shape (a category of `policy.json`) holds when, in one stretch (`within`: sentence, clause
//! or prompt), one frame has one of its act classes, an object of one of its object classes
//! whose owner is one of its owner classes, every manner group has a class there and no
//! `unless` class is there. Two files hold frames in this one format, read by this one loader:
//! `data/language/acts.json` (the seventh session's shapes) and the `roles` entry of
//! `data/language/policy.json` (the tenth session's); the policy tries the first, then the
//! second.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;

use super::language::{Phrase, Within, any_at, phrases};
use super::matching::{ListHits, ListIndex};
use crate::WorkflowError;
use crate::text::Tok;

#[cfg(test)]
thread_local! {
    /// The number of the shape that refused last on this thread, for explaining a refusal.
    pub(crate) static WHY: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// How far back a negation reaches over a join ("never ask for or store": four words).
const NEGATION_CARRY: usize = 6;

const ACTS_JSON: &str = include_str!("../../data/language/acts.json");

#[derive(Deserialize)]
struct File {
    roles: Entry,
}

/// The frames of one file (its `roles` entry).
#[derive(Deserialize)]
struct Entry {
    reach: usize,
    owner_before: usize,
    owner_after: usize,
    negators: Vec<String>,
    event_openers: Vec<String>,
    #[serde(default)]
    recipients: Vec<String>,
    /// Words that join a negated act to the next ("never ask for *or* store"): the negation
    /// carries over them.
    #[serde(default)]
    joins: Vec<String>,
    /// Words after which an act word is a noun ("new *comments*", "the *post*").
    #[serde(default)]
    noun_markers: Vec<String>,
    /// Phrases that make an object word at their start no object: records about the object's
    /// use, not the object ("*login* history", "*password* policy").
    #[serde(default)]
    not_objects: Vec<String>,
    #[serde(default)]
    self_words: Vec<String>,
    #[serde(default)]
    about_someone: Vec<String>,
    pronouns: Vec<String>,
    #[serde(default)]
    owner_linkers: Vec<String>,
    /// Words that join two objects into one list ("their SSN *and* bank details"): an object
    /// with no owner of its own takes the owner of the object before the word.
    #[serde(default)]
    coordinators: Vec<String>,
    /// Manner classes that say how often the workflow runs ("every five minutes"): one counts
    /// for an act only when no `schedule_conditions` phrase stands between it and the act
    /// ("check the page every five minutes and if it's down text me": the texts wait on the
    /// condition), unless that condition names a person before the act (`schedule_people`: "if
    /// she hasn't answered, text her").
    #[serde(default)]
    schedules: Vec<String>,
    #[serde(default)]
    schedule_conditions: Vec<String>,
    #[serde(default)]
    schedule_people: Vec<String>,
    act: BTreeMap<String, Vec<String>>,
    object: BTreeMap<String, Vec<String>>,
    owner: BTreeMap<String, Vec<String>>,
    manner: BTreeMap<String, Vec<String>>,
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
    manner: Vec<Vec<String>>,
    #[serde(default)]
    unless: Vec<String>,
    #[serde(default)]
    anywhere: bool,
    #[serde(default = "sentence")]
    within: Within,
}

fn sentence() -> Within {
    Within::Sentence
}

/// One role's classes: their names, and where their lists start in [`Acts::index`].
#[derive(Debug, Clone, Default)]
struct Role {
    names: Vec<String>,
    base: usize,
}

impl Role {
    fn class(&self, name: &str, role: &str, file: &str) -> Result<usize, String> {
        self.names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| format!("{file}: unknown {role} class {name}"))
    }

    fn list(&self, class: usize) -> usize {
        self.base + class
    }
}

#[derive(Debug, Clone)]
struct Shape {
    category: String,
    act: Vec<usize>,
    object: Vec<usize>,
    owner: Vec<usize>,
    manner: Vec<Vec<usize>>,
    unless: Vec<usize>,
    anywhere: bool,
    within: Within,
}

/// The role vocabularies of one file and the shapes it refuses.
#[derive(Debug, Clone)]
pub(crate) struct Acts {
    index: ListIndex,
    act: Role,
    object: Role,
    /// Each owner class's phrases, to find the longest owner phrase at a token.
    owner_lists: Vec<Vec<Phrase>>,
    /// The owner class that is ourselves (an act right after it is still the workflow's).
    ours: Option<usize>,
    manner: Role,
    negators: usize,
    event_openers: usize,
    recipients: usize,
    joins: usize,
    noun_markers: usize,
    not_objects: usize,
    schedules: Vec<usize>,
    schedule_conditions: usize,
    schedule_people: usize,
    self_words: Vec<Phrase>,
    about_someone: Vec<usize>,
    pronouns: Vec<Phrase>,
    owner_linkers: Vec<Phrase>,
    coordinators: Vec<Phrase>,
    reach: usize,
    owner_before: usize,
    owner_after: usize,
    shapes: Vec<Shape>,
}

impl Default for Acts {
    /// No frames and no shapes: refuses nothing.
    fn default() -> Self {
        Self {
            index: ListIndex::new(std::iter::empty()),
            act: Role::default(),
            object: Role::default(),
            owner_lists: Vec::new(),
            ours: None,
            manner: Role::default(),
            negators: 0,
            event_openers: 0,
            recipients: 0,
            joins: 0,
            noun_markers: 0,
            not_objects: 0,
            schedules: Vec::new(),
            schedule_conditions: 0,
            schedule_people: 0,
            self_words: Vec::new(),
            about_someone: Vec::new(),
            pronouns: Vec::new(),
            owner_linkers: Vec::new(),
            coordinators: Vec::new(),
            reach: 0,
            owner_before: 0,
            owner_after: 0,
            shapes: Vec::new(),
        }
    }
}

impl Acts {
    /// The frames of `json`'s `roles` entry; `file` names it in errors.
    pub(crate) fn parse(json: &str, file: &str) -> Result<Self, String> {
        let r = serde_json::from_str::<File>(json)
            .map_err(|e| format!("{file}: {e}"))?
            .roles;
        let mut lists: Vec<Vec<Phrase>> = Vec::new();
        let mut role = |classes: &BTreeMap<String, Vec<String>>| {
            let base = lists.len();
            let names = classes.keys().cloned().collect();
            lists.extend(classes.values().map(|l| phrases::<Vec<Phrase>>(l)));
            Role { names, base }
        };
        let act = role(&r.act);
        let object = role(&r.object);
        let owner = role(&r.owner);
        let manner = role(&r.manner);
        let owner_lists = r.owner.values().map(|l| phrases(l)).collect();
        let mut list = |l: &[String]| {
            lists.push(phrases(l));
            lists.len() - 1
        };
        let negators = list(&r.negators);
        let event_openers = list(&r.event_openers);
        let recipients = list(&r.recipients);
        let joins = list(&r.joins);
        let noun_markers = list(&r.noun_markers);
        let not_objects = list(&r.not_objects);
        let schedule_conditions = list(&r.schedule_conditions);
        let schedule_people = list(&r.schedule_people);
        let classes = |role: &Role, names: &[String], what: &str| {
            names
                .iter()
                .map(|n| role.class(n, what, file))
                .collect::<Result<Vec<_>, _>>()
        };
        let shapes = r
            .shapes
            .iter()
            .map(|s| {
                Ok(Shape {
                    category: s.category.clone(),
                    act: classes(&act, &s.act, "act")?,
                    object: classes(&object, &s.object, "object")?,
                    owner: classes(&owner, &s.owner, "owner")?,
                    manner: s
                        .manner
                        .iter()
                        .map(|g| classes(&manner, g, "manner"))
                        .collect::<Result<_, String>>()?,
                    unless: classes(&manner, &s.unless, "manner")?,
                    anywhere: s.anywhere,
                    within: s.within,
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(Self {
            index: ListIndex::new(lists.iter().map(Vec::as_slice)),
            about_someone: classes(&manner, &r.about_someone, "manner")?,
            schedules: classes(&manner, &r.schedules, "manner")?,
            ours: owner.names.iter().position(|n| n == "ours"),
            act,
            object,
            owner_lists,
            manner,
            negators,
            event_openers,
            recipients,
            joins,
            noun_markers,
            not_objects,
            schedule_conditions,
            schedule_people,
            self_words: phrases(&r.self_words),
            pronouns: phrases(&r.pronouns),
            owner_linkers: phrases(&r.owner_linkers),
            coordinators: phrases(&r.coordinators),
            reach: r.reach,
            owner_before: r.owner_before,
            owner_after: r.owner_after,
            shapes,
        })
    }

    /// The built-in acts (`data/language/acts.json`).
    pub(crate) fn builtin() -> Result<Self, WorkflowError> {
        Self::parse(ACTS_JSON, "acts.json")
            .map_err(|e| WorkflowError::Internal(format!("language data: {e}")))
    }

    /// The categories the shapes name (each must be a category of `policy.json`).
    #[cfg(test)]
    pub(crate) fn categories(&self) -> impl Iterator<Item = &str> {
        self.shapes.iter().map(|s| s.category.as_str())
    }

    /// The longest owner phrase at token `k`: its class and length.
    fn owner_at(&self, toks: &[Tok], k: usize) -> Option<(usize, usize)> {
        self.owner_lists
            .iter()
            .enumerate()
            .filter_map(|(c, l)| any_at(toks, k, l).map(|p| (c, p.len())))
            .max_by_key(|&(c, len)| (len, std::cmp::Reverse(c)))
    }

    /// The owner class of the object at token `j`: the longest owner phrase ending before it
    /// nearest to it in its clause, else the first one after it in its sentence.
    fn owner_of(&self, toks: &[Tok], sentences: &[usize], j: usize) -> Option<usize> {
        // "my colleague's Outlook": a possessive word before a person is that person's
        let at = |k: usize| {
            let (c, len) = self.owner_at(toks, k)?;
            Some(
                self.owner_at(toks, k + len)
                    .filter(|&(next, _)| next != c)
                    .map_or((c, len), |(next, l)| (next, len + l)),
            )
        };
        let before = (j.saturating_sub(self.owner_before)..j)
            .rev()
            .filter(|&k| toks[k].clause == toks[j].clause)
            .find_map(|k| at(k).filter(|&(_, len)| k + len <= j).map(|(c, _)| c));
        // after it, an owner right behind it ("the password they type") or behind a linking
        // word ("the photos from my ex's iCloud"); "the codes to our server" names a
        // destination, not an owner
        before
            .or_else(|| {
                (j + 1..(j + 1 + self.owner_after).min(toks.len()))
                    .take_while(|&k| sentences[k] == sentences[j])
                    .filter(|&k| {
                        k <= j + 2
                            || (j + 1..k).any(|n| any_at(toks, n, &self.owner_linkers).is_some())
                    })
                    .find_map(|k| at(k).map(|(c, _)| c))
            })
            .or_else(|| {
                // "their SSN and bank details": an object joined to the word before it by a
                // coordinator shares that word's owner (the join may open a new clause)
                let join = (j.saturating_sub(3)..j).find(|&k| {
                    any_at(toks, k, &self.coordinators).is_some_and(|ph| k + ph.len() == j)
                })?;
                let prev = join.checked_sub(1)?;
                (sentences[prev] == sentences[j])
                    .then(|| self.owner_of(toks, sentences, prev))
                    .flatten()
            })
    }

    /// Whether the act at token `i` is the workflow's: not under a negation ("never copy"),
    /// not said of an event's subject ("when a guest connects"), not said of the people named
    /// right before it ("our coworkers keep the logins list").
    fn is_workflows(&self, hits: &ListHits, toks: &[Tok], i: usize) -> bool {
        let same_clause = |from: usize| {
            let mut k = from;
            while k < i && toks[k].clause != toks[i].clause {
                k += 1;
            }
            k..i
        };
        let said_of_people = i.checked_sub(1).is_some_and(|p| {
            toks[p].clause == toks[i].clause
                && (p.saturating_sub(2)..=p).any(|k| {
                    self.owner_lists.iter().enumerate().any(|(c, l)| {
                        Some(c) != self.ours
                            && any_at(toks, k, l).is_some_and(|ph| k + ph.len() == i)
                    })
                })
        });
        // "fetch new comments": an act word right after an article or adjective is a noun
        let noun = hits.any_in(self.noun_markers, &same_clause(i.saturating_sub(1)));
        // "never ask for or store their passwords": the negation carries over the join
        let negated = hits.any_in(self.negators, &same_clause(i.saturating_sub(2)))
            || (hits.any_in(self.joins, &same_clause(i.saturating_sub(1)))
                && hits.any_in(
                    self.negators,
                    &same_clause(i.saturating_sub(NEGATION_CARRY)),
                ));
        !said_of_people
            && !noun
            && !negated
            && !hits.any_in(self.event_openers, &same_clause(i.saturating_sub(3)))
    }

    /// Whether token `j` is in an event's clause ("when my landlord emails").
    fn in_event(&self, hits: &ListHits, toks: &[Tok], j: usize) -> bool {
        let start = (0..j)
            .rev()
            .take_while(|&k| toks[k].clause == toks[j].clause)
            .last()
            .unwrap_or(j);
        hits.any_in(self.event_openers, &(start..j))
    }

    /// Whether manner class `m` is in `w`, leaving out a phrase about someone that names
    /// ourselves right after it ("says it's from our clinic").
    fn manner_in(&self, hits: &ListHits, toks: &[Tok], m: usize, w: &Range<usize>) -> bool {
        let list = self.manner.list(m);
        if !self.about_someone.contains(&m) {
            return hits.any_in(list, w);
        }
        w.clone().any(|k| {
            hits.any_in(list, &(k..k + 1))
                && !(k + 1..(k + 8).min(w.end)).any(|n| any_at(toks, n, &self.self_words).is_some())
        })
    }

    /// Whether manner class `m` is in `w` for the act at token `i`: a `schedules` class counts
    /// only when no condition stands between it and the act (the act then waits on the
    /// condition, not on the schedule), unless the condition names a person before the act.
    fn manner_for(
        &self,
        hits: &ListHits,
        toks: &[Tok],
        m: usize,
        w: &Range<usize>,
        i: usize,
    ) -> bool {
        if !self.schedules.contains(&m) {
            return self.manner_in(hits, toks, m, w);
        }
        let list = self.manner.list(m);
        let detached = |k: usize| {
            (k + 1..i).any(|c| {
                // the condition's own words, up to its clause's first act ("if she hasn't
                // replied, text her"; "when it fails call him" names no one in the condition)
                let is_act = |n: usize| {
                    (0..self.act.names.len()).any(|a| hits.any_in(self.act.list(a), &(n..n + 1)))
                };
                hits.any_in(self.schedule_conditions, &(c..c + 1))
                    && !(c + 1..i)
                        .take_while(|&n| toks[n].clause == toks[c].clause && !is_act(n))
                        .any(|n| hits.any_in(self.schedule_people, &(n..n + 1)))
            })
        };
        w.clone()
            .any(|k| hits.any_in(list, &(k..k + 1)) && !detached(k))
    }

    /// The category of the first shape that holds in `toks`, given the token ranges of each
    /// `within` (the policy's own, made once for every check).
    pub(crate) fn refusing<'w>(
        &self,
        toks: &[Tok],
        sentences: &[usize],
        windows: impl Fn(Within) -> &'w [Range<usize>],
    ) -> Option<&str> {
        if toks.is_empty() || self.shapes.is_empty() {
            return None;
        }
        let hits = self.index.hits(toks);
        let acts_in = |w: &Range<usize>, classes: &[usize]| -> Vec<usize> {
            w.clone()
                .filter(|&i| {
                    classes
                        .iter()
                        .any(|&c| hits.any_in(self.act.list(c), &(i..i + 1)))
                        && self.is_workflows(&hits, toks, i)
                })
                .collect()
        };
        self.shapes
            .iter()
            .enumerate()
            .find(|(_, s)| {
                windows(s.within).iter().any(|w| {
                    let manner_ok = s
                        .manner
                        .iter()
                        .all(|g| g.iter().any(|&m| self.manner_in(&hits, toks, m, w)))
                        && !s.unless.iter().any(|&m| self.manner_in(&hits, toks, m, w));
                    manner_ok
                        && acts_in(w, &s.act).into_iter().any(|i| {
                            s.manner
                                .iter()
                                .all(|g| g.iter().any(|&m| self.manner_for(&hits, toks, m, w, i)))
                                && (s.object.is_empty()
                                    || self.object_of(s, &hits, toks, sentences, w, i))
                        })
                })
            })
            .map(|(n, s)| {
                #[cfg(test)]
                WHY.with(|w| w.set(Some(n)));
                #[cfg(not(test))]
                let _ = n;
                s.category.as_str()
            })
    }

    /// Whether a `not_objects` phrase starts at token `j` ("login history": no credential).
    fn not_object(&self, hits: &ListHits, j: usize) -> bool {
        hits.any_in(self.not_objects, &(j..j + 1))
    }

    /// Whether an object of any class starts at token `j`.
    fn any_object(&self, hits: &ListHits, j: usize) -> bool {
        !self.not_object(hits, j)
            && (0..self.object.names.len()).any(|c| hits.any_in(self.object.list(c), &(j..j + 1)))
    }

    /// Whether the act at `i` has an object of the shape's classes with one of its owners.
    fn object_of(
        &self,
        s: &Shape,
        hits: &ListHits,
        toks: &[Tok],
        sentences: &[usize],
        w: &Range<usize>,
        i: usize,
    ) -> bool {
        let of_shape = |j: usize| {
            !self.not_object(hits, j)
                && s.object
                    .iter()
                    .any(|&c| hits.any_in(self.object.list(c), &(j..j + 1)))
        };
        let owned = |j: usize| {
            s.owner.is_empty()
                || self
                    .owner_of(toks, sentences, j)
                    .is_some_and(|o| s.owner.contains(&o))
        };
        if s.anywhere {
            return w.clone().any(|j| of_shape(j) && owned(j));
        }
        let after: Vec<usize> = (i + 1..(i + 1 + self.reach).min(w.end))
            .take_while(|&j| sentences[j] == sentences[i])
            .collect();
        // "email them their login link": a recipient named before any object hands the
        // objects after it to their owner; no owner is taken from
        let handed = after
            .iter()
            .position(|&j| self.any_object(hits, j) || hits.any_in(self.recipients, &(j..j + 1)))
            .filter(|&p| hits.any_in(self.recipients, &(after[p]..after[p] + 1)))
            .map_or(usize::MAX, |p| after[p]);
        if after.iter().any(|&j| {
            of_shape(j)
                && (if j >= handed {
                    s.owner.is_empty()
                } else {
                    owned(j)
                })
        }) {
            return true;
        }
        // a pronoun right after the act ("send them to a tabloid") is an object named before
        // it in its sentence, the nearest first
        (i + 1..(i + 3).min(w.end)).any(|k| any_at(toks, k, &self.pronouns).is_some())
            && (w.start..i)
                .rev()
                .filter(|&j| sentences[j] == sentences[i])
                .find(|&j| of_shape(j))
                // "when a user changes their password, log it": the pronoun stands for the event
                .filter(|&j| !self.in_event(hits, toks, j))
                .is_some_and(owned)
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::text::tokenize;

    /// Whether `text` has a frame of `act` over `object` owned by `owner` (`-`: any owner),
    /// read with `acts.json`'s vocabularies and that one shape.
    fn has(text: &str, act: &str, object: &str, owner: &str) -> bool {
        let mut file: serde_json::Value = serde_json::from_str(ACTS_JSON).unwrap();
        let owners: Vec<&str> = if owner == "-" { vec![] } else { vec![owner] };
        file["roles"]["shapes"] = serde_json::json!([
            {"category": "probe", "act": [act], "object": [object], "owner": owners}
        ]);
        let acts = Acts::parse(&file.to_string(), "probe").unwrap();
        let toks = tokenize(text);
        let sentences = vec![0; toks.len()];
        let whole: Vec<Range<usize>> = std::iter::once(0..toks.len()).collect();
        acts.refusing(&toks, &sentences, |_| &whole).is_some()
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
            "their"
        ));
        // "their passports and photos": an object joined to the one before shares its owner,
        // also when it is named again by a pronoun; an object of its own is not given one
        assert!(has(
            "copy their passports and photos",
            "take",
            "personal",
            "their"
        ));
        assert!(has(
            "read their passports and photos and send them to me",
            "pass",
            "personal",
            "their"
        ));
        assert!(!has(
            "read our passports and photos and send them to me",
            "pass",
            "personal",
            "their"
        ));
        assert!(!has(
            "check the report and send the photos to me",
            "pass",
            "personal",
            "their"
        ));
        // a pronoun counts only as the act's own object ("in the it channel" is no object)
        assert!(!has(
            "change their password and post the news in the it channel",
            "pass",
            "credentials",
            "their"
        ));
    }

    /// Every shape names a category of policy.json, so a refusal has its message.
    #[test]
    fn shapes_name_policy_categories() {
        let lang = crate::planner::language::Language::builtin().unwrap();
        assert!(lang.acts.categories().count() > 10);
        for c in lang.acts.categories() {
            assert!(
                lang.policy.categories().any(|(p, _)| p.id == c),
                "unknown category {c}"
            );
        }
    }

    /// Bad frame data is an error naming the file and what is wrong, never a panic; no frames
    /// refuse nothing.
    #[test]
    fn bad_frame_data_is_an_error() {
        let err = Acts::parse(r#"{"roles": {}}"#, "acts.json").unwrap_err();
        assert!(err.starts_with("acts.json: "), "{err}");
        let err = Acts::parse("not json", "acts.json").unwrap_err();
        assert!(err.starts_with("acts.json: "), "{err}");
        for (role, key) in [("act", "act"), ("object", "object"), ("owner", "owner")] {
            let mut file: serde_json::Value = serde_json::from_str(ACTS_JSON).unwrap();
            file["roles"]["shapes"][0][key] = serde_json::json!(["no_such_class"]);
            let err = Acts::parse(&file.to_string(), "acts.json").unwrap_err();
            assert!(
                err.contains(&format!("unknown {role} class no_such_class")),
                "{err}"
            );
        }
        let mut file: serde_json::Value = serde_json::from_str(ACTS_JSON).unwrap();
        file["roles"]["shapes"][0]["unless"] = serde_json::json!(["no_such_manner"]);
        let err = Acts::parse(&file.to_string(), "acts.json").unwrap_err();
        assert!(err.contains("unknown manner class no_such_manner"), "{err}");
        let toks = tokenize("send my ex's passwords to the highest bidder");
        let sentences = vec![0; toks.len()];
        let whole: Vec<Range<usize>> = std::iter::once(0..toks.len()).collect();
        assert_eq!(
            Acts::default().refusing(&toks, &sentences, |_| &whole),
            None
        );
        assert_eq!(Acts::default().refusing(&[], &[], |_| &[]), None);
    }
}
