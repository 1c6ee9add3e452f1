//! Phrases as word sequences, and how they are found in a prompt's tokens.
//!
//! [`phrase_at`] and [`any_at`] try the phrases of a list one by one; a list that is read at
//! every token of every prompt can instead be matched through a [`PhraseIndex`], which files
//! the phrases by the first byte of their first word, so a token is tried only against the
//! phrases that can start at it (each candidate is still checked by [`phrase_at`], so the
//! answers are those of trying every phrase). [`ListIndex`] matches many lists in one pass
//! over the tokens (the policy's rules: thousands of phrases in a few hundred groups).

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::ops::Range;

use rustc_hash::FxHasher;

use crate::text::Tok;

/// A phrase as words.
pub(crate) type Phrase = Vec<String>;

/// Any one word, in a phrase.
pub(crate) const WILDCARD: &str = "*";

/// Whether the phrase word `w` (a word, [`WILDCARD`] or a stem ending in it) matches `tok`.
fn word_matches(w: &str, tok: &str) -> bool {
    if tok.is_empty() {
        return false;
    }
    match w.strip_suffix(WILDCARD) {
        Some("") => true,
        Some(stem) => tok.starts_with(stem),
        None => tok == w,
    }
}

/// Whether `phrase` starts at token `i`.
pub(crate) fn phrase_at(toks: &[Tok], i: usize, phrase: &[String]) -> bool {
    !phrase.is_empty()
        && phrase
            .iter()
            .enumerate()
            .all(|(k, w)| toks.get(i + k).is_some_and(|t| word_matches(w, &t.w)))
}

/// The first phrase of `list` starting at token `i`, longest first (of equally long ones, the
/// last in the list). A [`Phrases`] list answers through its index, a slice by trying its
/// phrases in turn; the answers are the same.
pub(crate) fn any_at<'p, L: PhraseList + ?Sized>(
    toks: &[Tok],
    i: usize,
    list: &'p L,
) -> Option<&'p Phrase> {
    list.longest_at(toks, i)
}

/// A list [`any_at`] reads.
pub(crate) trait PhraseList {
    /// The longest phrase starting at token `i` (of equally long ones, the last in the list).
    fn longest_at<'p>(&'p self, toks: &[Tok], i: usize) -> Option<&'p Phrase>;
}

impl PhraseList for [Phrase] {
    fn longest_at<'p>(&'p self, toks: &[Tok], i: usize) -> Option<&'p Phrase> {
        // A word other than the wildcard matches only a token that starts with its first
        // byte (the same word, or one its stem begins), so the other phrases are passed over
        // without reading further.
        let first = toks.get(i)?.w.as_bytes().first().copied()?;
        self.iter()
            .filter(|p| {
                p.first().is_some_and(|w| {
                    let b = w.as_bytes();
                    b.first() == Some(&first) || b == WILDCARD.as_bytes()
                }) && phrase_at(toks, i, p)
            })
            .max_by_key(|p| p.len())
    }
}

impl PhraseList for Vec<Phrase> {
    fn longest_at<'p>(&'p self, toks: &[Tok], i: usize) -> Option<&'p Phrase> {
        self.as_slice().longest_at(toks, i)
    }
}

impl PhraseList for Phrases {
    fn longest_at<'p>(&'p self, toks: &[Tok], i: usize) -> Option<&'p Phrase> {
        // The matching candidate with the greatest (length, number), as `max_by_key` over
        // `PhraseIndex::matching` would find it; a candidate that could not beat the best so
        // far is not read.
        let w = toks.get(i).map(|t| t.w.as_str()).unwrap_or_default();
        let mut best: Option<(usize, usize)> = None;
        self.index.for_each_candidate(w, |n| {
            let Some(p) = self.list.get(n) else { return };
            let key = (p.len(), n);
            if best.is_none_or(|b| key > b) && phrase_at(toks, i, p) {
                best = Some(key);
            }
        });
        best.and_then(|(_, n)| self.list.get(n))
    }
}

/// A vocabulary list read at every token: its phrases in order, and their [`PhraseIndex`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Phrases {
    list: Vec<Phrase>,
    index: PhraseIndex,
}

impl From<Vec<Phrase>> for Phrases {
    fn from(list: Vec<Phrase>) -> Self {
        Self {
            index: PhraseIndex::new(&list),
            list,
        }
    }
}

impl std::ops::Deref for Phrases {
    type Target = [Phrase];

    fn deref(&self) -> &[Phrase] {
        &self.list
    }
}

impl<'a> IntoIterator for &'a Phrases {
    type Item = &'a Phrase;
    type IntoIter = std::slice::Iter<'a, Phrase>;

    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

/// Which phrases can start at a token: the phrases of a list by the first byte of their first
/// word (a plain word or a stem such as `password*`), and those whose first word is the
/// wildcard. A long list also files its plain first words by the word: hashing the token then
/// costs less than trying a byte's many phrases, and a short list never hashes.
///
/// Each phrase filed by its first byte keeps its first word's head (its first eight bytes,
/// packed) and length. A byte's plain words are ordered by (length, head), so those a token
/// can be are found by a binary search; its stems are compared with the token's head one by
/// one. Only a phrase whose first word can match the token is read word by word
/// ([`phrase_at`] still decides, so the answers are those of trying every phrase).
#[derive(Debug, Clone, Default)]
pub(crate) struct PhraseIndex {
    /// Phrase numbers by their first word (long lists only), ascending.
    by_word: HashMap<Box<str>, Vec<u32>, BuildHasherDefault<FxHasher>>,
    /// The phrases whose first word is a plain word, by first byte, then (length, head,
    /// number).
    words: Vec<First>,
    /// Where each byte's plain words start in `words` (and, at 256, where they all end).
    word_starts: Vec<u32>,
    /// The phrases whose first word is a stem, by first byte, then number.
    stems: Vec<First>,
    /// Where each byte's stems start in `stems` (and, at 256, where they all end).
    stem_starts: Vec<u32>,
    /// Phrases whose first word is the wildcard.
    any: Vec<u32>,
}

/// A phrase filed by the first byte of its first word, with what a token must have for that
/// word to match it.
#[derive(Debug, Clone, Copy)]
struct First {
    /// The word's (a stem's: without the wildcard) length in bytes.
    len: u32,
    /// The word's (the stem's) first eight bytes, packed by [`head`].
    head: u64,
    /// The bytes of `head` a token's head must share: all eight for a plain word (both are
    /// padded with zeros), the stem's first ones for a stem.
    mask: u64,
    /// The phrase's number.
    n: u32,
}

impl First {
    /// Whether a token with head `head` and length `len` may match the stem: exactly when the
    /// stem has at most eight bytes, a necessary condition otherwise.
    fn admits_as_stem(&self, head: u64, len: u32) -> bool {
        len >= self.len && head & self.mask == self.head
    }
}

/// The first eight bytes of `w` as one number (little-endian; a shorter word padded with
/// zeros).
fn head(w: &[u8]) -> u64 {
    let mut bytes = [0u8; 8];
    let k = w.len().min(8);
    if let (Some(to), Some(from)) = (bytes.get_mut(..k), w.get(..k)) {
        to.copy_from_slice(from);
    }
    u64::from_le_bytes(bytes)
}

/// Where each byte's entries start in `entries` (sorted by byte first), and at 256 the end.
fn byte_starts(entries: &[(u8, First)]) -> Vec<u32> {
    (0..=256)
        .map(|b| {
            let at = entries.partition_point(|&(f, _)| usize::from(f) < b);
            u32::try_from(at).unwrap_or(u32::MAX)
        })
        .collect()
}

/// The entries of byte `b`.
fn of_byte<'a>(entries: &'a [First], starts: &[u32], b: u8) -> &'a [First] {
    let at = |k: usize| starts.get(k).map_or(0, |&s| s as usize);
    entries
        .get(at(usize::from(b))..at(usize::from(b) + 1))
        .unwrap_or_default()
}

/// From how many phrases a list files its plain first words by the word.
const BY_WORD_FROM: usize = 512;

impl PhraseIndex {
    /// The index of `phrases`, which keep their numbers (their places in the slice). Empty
    /// phrases and empty first words match nothing and are left out.
    pub(crate) fn new(phrases: &[Phrase]) -> Self {
        let by_words = phrases.len() >= BY_WORD_FROM;
        let mut by_word: HashMap<Box<str>, Vec<u32>, BuildHasherDefault<FxHasher>> =
            HashMap::default();
        let mut words: Vec<(u8, First)> = Vec::new();
        let mut stems: Vec<(u8, First)> = Vec::new();
        let mut any = Vec::new();
        for (n, p) in phrases.iter().enumerate() {
            let Ok(n) = u32::try_from(n) else { break };
            let Some(w) = p.first().filter(|w| !w.is_empty()) else {
                continue;
            };
            // as `word_matches` reads a phrase word
            let (word, stem) = match w.strip_suffix(WILDCARD) {
                Some("") => {
                    any.push(n);
                    continue;
                }
                None if by_words => {
                    by_word.entry(w.as_str().into()).or_default().push(n);
                    continue;
                }
                Some(stem) => (stem, true),
                None => (w.as_str(), false),
            };
            let Some(&b) = word.as_bytes().first() else {
                continue;
            };
            let kept = word.len().min(8);
            let mask = if stem && kept < 8 {
                (1u64 << (8 * kept)) - 1
            } else {
                u64::MAX
            };
            let first = First {
                len: u32::try_from(word.len()).unwrap_or(u32::MAX),
                head: head(word.as_bytes()),
                mask,
                n,
            };
            if stem {
                stems.push((b, first));
            } else {
                words.push((b, first));
            }
        }
        words.sort_by_key(|&(b, f)| (b, f.len, f.head, f.n));
        stems.sort_by_key(|&(b, f)| (b, f.n));
        Self {
            by_word,
            word_starts: byte_starts(&words),
            words: words.into_iter().map(|(_, f)| f).collect(),
            stem_starts: byte_starts(&stems),
            stems: stems.into_iter().map(|(_, f)| f).collect(),
            any,
        }
    }

    /// Calls `f` with the number of every phrase that may start at a token `w`: those filed
    /// under the token's word, the plain words of its first byte with its length and head,
    /// the stems of its first byte that begin it, and the wildcard's; none for an empty
    /// token.
    fn for_each_candidate(&self, w: &str, mut f: impl FnMut(usize)) {
        let Some(&b) = w.as_bytes().first() else {
            return;
        };
        if !self.by_word.is_empty()
            && let Some(run) = self.by_word.get(w)
        {
            run.iter().for_each(|&n| f(n as usize));
        }
        let words = of_byte(&self.words, &self.word_starts, b);
        let stems = of_byte(&self.stems, &self.stem_starts, b);
        if !words.is_empty() || !stems.is_empty() {
            let h = head(w.as_bytes());
            let len = u32::try_from(w.len()).unwrap_or(u32::MAX);
            let from = words.partition_point(|e| (e.len, e.head) < (len, h));
            for e in words.get(from..).unwrap_or_default() {
                if (e.len, e.head) != (len, h) {
                    break;
                }
                f(e.n as usize);
            }
            for e in stems {
                if e.admits_as_stem(h, len) {
                    f(e.n as usize);
                }
            }
        }
        self.any.iter().for_each(|&n| f(n as usize));
    }

    /// The numbers of the phrases that may start at a token `w` (see
    /// [`for_each_candidate`](Self::for_each_candidate)).
    #[cfg(test)]
    fn candidates(&self, w: &str) -> Vec<usize> {
        let mut out = Vec::new();
        self.for_each_candidate(w, |n| out.push(n));
        out
    }

    /// The numbers of the phrases of `phrases` (those the index was made of) that start at
    /// token `i`.
    #[cfg(test)]
    pub(crate) fn matching<'a>(
        &'a self,
        phrases: &'a [Phrase],
        toks: &'a [Tok],
        i: usize,
    ) -> impl Iterator<Item = usize> + 'a {
        let w = toks.get(i).map(|t| t.w.as_str()).unwrap_or_default();
        self.candidates(w)
            .into_iter()
            .filter(move |&n| phrases.get(n).is_some_and(|p| phrase_at(toks, i, p)))
    }
}

/// Many phrase lists matched together: every distinct phrase once in one [`PhraseIndex`],
/// and for each phrase the lists that hold it.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListIndex {
    phrases: Vec<Phrase>,
    index: PhraseIndex,
    /// For each phrase, the numbers of the lists that hold it.
    lists_of: Vec<Vec<usize>>,
    lists: usize,
}

impl ListIndex {
    /// The index of `lists`, numbered in order; [`ListHits::any_in`] takes these numbers.
    pub(crate) fn new<'a>(lists: impl IntoIterator<Item = &'a [Phrase]>) -> Self {
        let mut phrases: Vec<Phrase> = Vec::new();
        let mut number: HashMap<&'a [String], usize> = HashMap::new();
        let mut lists_of: Vec<Vec<usize>> = Vec::new();
        let mut count = 0;
        for (l, list) in lists.into_iter().enumerate() {
            count = l + 1;
            for p in list {
                let n = *number.entry(p.as_slice()).or_insert_with(|| {
                    phrases.push(p.clone());
                    lists_of.push(Vec::new());
                    phrases.len() - 1
                });
                if lists_of[n].last() != Some(&l) {
                    lists_of[n].push(l);
                }
            }
        }
        Self {
            index: PhraseIndex::new(&phrases),
            phrases,
            lists_of,
            lists: count,
        }
    }

    /// Where each list has a phrase starting in `toks`.
    pub(crate) fn hits(&self, toks: &[Tok]) -> ListHits {
        let mut at: Vec<Vec<usize>> = vec![Vec::new(); self.lists];
        for (i, tok) in toks.iter().enumerate() {
            self.index.for_each_candidate(&tok.w, |n| {
                let (Some(p), Some(lists)) = (self.phrases.get(n), self.lists_of.get(n)) else {
                    return;
                };
                if !phrase_at(toks, i, p) {
                    return;
                }
                for &l in lists {
                    if let Some(at) = at.get_mut(l)
                        && at.last() != Some(&i)
                    {
                        at.push(i);
                    }
                }
            });
        }
        ListHits { at }
    }
}

/// For each list of a [`ListIndex`], the tokens where one of its phrases starts, ascending.
#[derive(Debug, Clone)]
pub(crate) struct ListHits {
    at: Vec<Vec<usize>>,
}

impl ListHits {
    /// Whether list `list` has a phrase starting at a token of `range`.
    pub(crate) fn any_in(&self, list: usize, range: &Range<usize>) -> bool {
        self.at.get(list).is_some_and(|at| {
            let k = at.partition_point(|&i| i < range.start);
            at.get(k).is_some_and(|&i| i < range.end)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{tokenize, words};

    fn list(phrases: &[&str]) -> Vec<Phrase> {
        phrases
            .iter()
            .map(|p| {
                p.split_whitespace()
                    .map(str::to_owned)
                    .collect::<Vec<String>>()
            })
            .collect()
    }

    /// What `any_at` answered before it passed phrases over by their first byte.
    fn any_at_by_trying_all<'p>(toks: &[Tok], i: usize, list: &'p [Phrase]) -> Option<&'p Phrase> {
        list.iter()
            .filter(|p| phrase_at(toks, i, p))
            .max_by_key(|p| p.len())
    }

    const TEXT: &str = "Send the passwords to * my boss, then log in and post it to Slack";

    fn phrases() -> Vec<Phrase> {
        let mut l = list(&[
            "send",
            "send the",
            "password*",
            "passwords to",
            "* my boss",
            "* my",
            "log in",
            "log* in",
            "post * to",
            "to",
            "boss",
            "slack",
            "the",
            "",
            "*",
        ]);
        l.push(Vec::new());
        l.push(vec![String::new()]);
        l.push(words("don't"));
        l
    }

    #[test]
    fn any_at_answers_as_trying_every_phrase() {
        let toks = tokenize(TEXT);
        let phrases = phrases();
        let mut matched = 0;
        let indexed = Phrases::from(phrases.clone());
        for i in 0..=toks.len() {
            let got = any_at(&toks, i, &phrases);
            let want = any_at_by_trying_all(&toks, i, &phrases);
            assert_eq!(got, want, "token {i}");
            // the indexed list answers with the same phrase, at the same place in the list
            let from_index = any_at(&toks, i, &indexed);
            assert_eq!(from_index, want, "token {i}");
            assert_eq!(
                from_index.map(|p| p as *const Phrase as usize - indexed.as_ptr() as usize),
                want.map(|p| p as *const Phrase as usize - phrases.as_ptr() as usize),
            );
            matched += usize::from(got.is_some());
        }
        assert!(matched > 5);
        // equally long matches: the last one in the list, as before
        let toks = tokenize("log in now");
        let two = list(&["log in", "log* in"]);
        let indexed = Phrases::from(two.clone());
        assert!(std::ptr::eq(
            any_at(&toks, 0, &indexed).unwrap_or(&indexed[0]),
            &indexed[1]
        ));
        assert!(std::ptr::eq(
            any_at(&toks, 0, &two).unwrap_or(&two[0]),
            &two[1]
        ));
    }

    #[test]
    fn any_at_finds_no_phrase_at_an_empty_or_missing_token() {
        let mut toks = tokenize("send it");
        let phrases = phrases();
        assert!(any_at(&toks, 0, &phrases).is_some());
        toks[0].w.clear();
        assert_eq!(any_at(&toks, 0, &phrases), None);
        assert_eq!(any_at(&toks, 9, &phrases), None);
    }

    #[test]
    fn index_yields_exactly_the_phrases_that_start_at_each_token() {
        let toks = tokenize(TEXT);
        // a short list (by first byte) and a long one (plain first words by the word)
        let short = phrases();
        let mut long = phrases();
        long.extend((0..BY_WORD_FROM).map(|k| vec![format!("s{k}"), "the".to_owned()]));
        long.extend(phrases());
        for phrases in [short, long] {
            let index = PhraseIndex::new(&phrases);
            assert_eq!(index.by_word.is_empty(), phrases.len() < BY_WORD_FROM);
            for i in 0..=toks.len() {
                let mut got: Vec<usize> = index.matching(&phrases, &toks, i).collect();
                got.sort_unstable();
                let want: Vec<usize> = (0..phrases.len())
                    .filter(|&n| phrase_at(&toks, i, &phrases[n]))
                    .collect();
                assert_eq!(got, want, "token {i}");
            }
            let indexed = Phrases::from(phrases.clone());
            for i in 0..=toks.len() {
                assert_eq!(
                    any_at(&toks, i, &indexed),
                    any_at_by_trying_all(&toks, i, &phrases)
                );
            }
        }
    }

    #[test]
    fn a_first_word_admits_exactly_the_tokens_it_may_match() {
        // (phrase word, token, matches): plain words and stems up to, at and past the eight
        // bytes a head holds, sharing prefixes, and non-ASCII bytes
        let cases: &[(&str, &str, bool)] = &[
            ("send", "send", true),
            ("send", "sends", false),
            ("send", "sen", false),
            ("send", "sent", false),
            ("send", "s", false),
            ("a", "a", true),
            ("a", "ab", false),
            ("schedule", "schedule", true),
            ("schedule", "scheduled", false),
            ("schedules", "schedules", true),
            ("schedules", "schedulex", true), // past eight bytes: phrase_at decides
            ("schedules", "schedulers", false),
            ("schedules", "schedulxs", false),
            ("notifications", "notifications", true),
            ("notifications", "notificationz", true), // the head's filter, phrase_at decides
            ("notifications", "notification", false),
            ("password*", "password", true),
            ("password*", "passwords", true),
            ("password*", "passwor", false),
            ("password*", "passcode", false),
            ("p*", "p", true),
            ("p*", "post", true),
            ("p*", "q", false),
            ("passwords*", "passwords", true),
            ("passwords*", "passwordsx", true),
            ("passwords*", "password", false),
            ("notificat*", "notifications", true),
            ("notificat*", "notifica", false),
            ("caf\u{e9}", "caf\u{e9}", true),
            ("caf\u{e9}", "cafe", false),
            ("caf\u{e9}*", "caf\u{e9}s", true),
            ("caf*", "caf\u{e9}", true),
        ];
        for &(word, tok, want) in cases {
            let index = PhraseIndex::new(&[vec![word.to_owned()]]);
            let got = !index.candidates(tok).is_empty();
            assert_eq!(got, want, "{word} / {tok}");
            // never fewer than the phrases that match
            let toks = tokenize(tok);
            if phrase_at(&toks, 0, &[word.to_owned()]) {
                assert!(got, "{word} / {tok}: a matching phrase was passed over");
            }
        }
        assert!(
            PhraseIndex::new(&[vec!["send".to_owned()]])
                .candidates("")
                .is_empty()
        );
    }

    #[test]
    fn indexed_lists_answer_as_trying_every_phrase_on_many_texts() {
        // words sharing first bytes, heads and lengths, as plain words and as stems
        let vocab = [
            "s",
            "se",
            "sen",
            "send",
            "sends",
            "sent",
            "sender",
            "senders",
            "sendgrid",
            "schedule",
            "scheduled",
            "schedules",
            "scheduler",
            "notification",
            "notifications",
            "notify",
            "the",
            "then",
            "to",
            "today",
            "post",
            "posts",
            "a",
            "an",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |m: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            usize::try_from(seed % m as u64).unwrap_or(0)
        };
        for round in 0..200 {
            let mut phrases: Vec<Phrase> = Vec::new();
            let size = if round % 20 == 0 {
                BY_WORD_FROM + 20
            } else {
                1 + next(40)
            };
            for _ in 0..size {
                let words = 1 + next(3);
                let phrase = (0..words)
                    .map(|_| {
                        let w = vocab[next(vocab.len())];
                        match next(6) {
                            0 => format!("{w}*"),
                            1 => WILDCARD.to_owned(),
                            _ => w.to_owned(),
                        }
                    })
                    .collect();
                phrases.push(phrase);
            }
            let text: Vec<&str> = (0..12).map(|_| vocab[next(vocab.len())]).collect();
            let toks = tokenize(&text.join(" "));
            let indexed = Phrases::from(phrases.clone());
            let lists = ListIndex::new([&phrases[..], &phrases[..size / 2]]);
            let hits = lists.hits(&toks);
            for i in 0..=toks.len() {
                let want = any_at_by_trying_all(&toks, i, &phrases);
                assert_eq!(any_at(&toks, i, &indexed), want, "round {round}, token {i}");
                assert_eq!(any_at(&toks, i, &phrases), want, "round {round}, token {i}");
                assert_eq!(
                    hits.any_in(0, &(i..i + 1)),
                    want.is_some() && i < toks.len()
                );
                let half = any_at_by_trying_all(&toks, i, &phrases[..size / 2]);
                assert_eq!(
                    hits.any_in(1, &(i..i + 1)),
                    half.is_some() && i < toks.len()
                );
            }
        }
    }

    #[test]
    fn list_hits_are_where_each_list_has_a_phrase() {
        let toks = tokenize(TEXT);
        let lists = [
            list(&["password*", "log in"]),
            list(&["slack"]),
            list(&["never said"]),
            Vec::new(),
            list(&["log in", "log* in", "* my"]),
        ];
        let index = ListIndex::new(lists.iter().map(Vec::as_slice));
        let hits = index.hits(&toks);
        for (l, phrases) in lists.iter().enumerate() {
            for start in 0..=toks.len() {
                for end in start..=toks.len() {
                    let range = start..end;
                    let want = range
                        .clone()
                        .any(|i| any_at_by_trying_all(&toks, i, phrases).is_some());
                    assert_eq!(hits.any_in(l, &range), want, "list {l}, {range:?}");
                }
            }
        }
        assert!(hits.any_in(0, &(0..toks.len())));
        assert!(!hits.any_in(2, &(0..toks.len())));
        assert!(!hits.any_in(9, &(0..toks.len())), "no such list");
    }
}
