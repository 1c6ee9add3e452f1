//! The default [`SearchIndex`]: BM25 over tokenised, field-weighted text, in process.
//!
//! Why not tantivy: a query only ever looks at one [`Scope`] — the template library (dozens of
//! documents) or one user's workflows (rarely more than a few thousand) — and each document is
//! a title, a sentence or two and a few tool names. Scoring a scope is then a few hundred
//! look-ups, well under a millisecond, and the index is rebuilt from the database at startup
//! anyway, so tantivy's segments, merges and on-disk format would add a large dependency (and
//! build time) without changing a result. If a deployment outgrows this, that is what the
//! OpenSearch adapter is for.
//!
//! Each scope keeps an inverted index (term → the documents holding it, with their counts per
//! field), so a query costs one look-up per query word plus the documents that match, not a
//! look-up per word, document and field: the engine searches the template library on every
//! generation. The inverted index is built on the first search after a write (writes only
//! mark it stale), so a reindex of many documents builds it once.

use std::collections::{HashMap, HashSet};
use std::sync::{OnceLock, RwLock, RwLockReadGuard, RwLockWriteGuard};

use async_trait::async_trait;

use super::{
    Scope, SearchDoc, SearchError, SearchHit, SearchIndex, SearchPage, SearchQuery, boost,
    query_terms, terms,
};

/// BM25 term-frequency saturation.
const K1: f32 = 1.2;
/// BM25 length normalisation.
const B: f32 = 0.75;
/// Field count (title, tags, tools, trigger, description) and their weights, in that order.
const FIELDS: usize = 5;
const WEIGHTS: [f32; FIELDS] = [
    boost::TITLE,
    boost::TAGS,
    boost::TOOLS,
    boost::TRIGGER,
    boost::DESCRIPTION,
];

/// A document with its fields as term counts.
#[derive(Debug)]
struct Indexed {
    doc: SearchDoc,
    /// Per field: term → occurrences.
    tf: [HashMap<String, u32>; FIELDS],
    /// Per field: number of terms.
    len: [u32; FIELDS],
    tags: HashSet<String>,
}

impl Indexed {
    fn new(doc: SearchDoc) -> Self {
        let texts: [&str; FIELDS] = [
            doc.title.as_str(),
            &doc.tags.join(" "),
            &doc.tools.join(" "),
            doc.trigger.as_str(),
            doc.description.as_str(),
        ];
        let mut tf: [HashMap<String, u32>; FIELDS] = Default::default();
        let mut len = [0u32; FIELDS];
        for (f, text) in texts.iter().enumerate() {
            for t in terms(text) {
                *tf[f].entry(t).or_default() += 1;
                len[f] += 1;
            }
        }
        let tags = doc.tags.iter().map(|t| t.to_lowercase()).collect();
        Self { doc, tf, len, tags }
    }
}

/// One document holding a term: its position in [`ScopeDocs::docs`] and the term's count in
/// each field.
#[derive(Debug, Clone, Copy)]
struct Posting {
    doc: usize,
    tf: [u32; FIELDS],
}

/// What scoring a scope needs, derived from its documents.
#[derive(Debug)]
struct Inverted {
    postings: HashMap<String, Vec<Posting>>,
    /// Mean field lengths over the scope (at least 1).
    avg: [f32; FIELDS],
}

impl Inverted {
    fn build(docs: &[Indexed]) -> Self {
        let mut postings: HashMap<String, Vec<Posting>> = HashMap::new();
        let mut avg = [0f32; FIELDS];
        for (i, d) in docs.iter().enumerate() {
            for (f, a) in avg.iter_mut().enumerate() {
                *a += d.len[f] as f32;
            }
            for (f, counts) in d.tf.iter().enumerate() {
                for (term, &count) in counts {
                    let list = postings.entry(term.clone()).or_default();
                    match list.last_mut() {
                        Some(p) if p.doc == i => p.tf[f] = count,
                        _ => {
                            let mut tf = [0; FIELDS];
                            tf[f] = count;
                            list.push(Posting { doc: i, tf });
                        }
                    }
                }
            }
        }
        let n = docs.len() as f32;
        for a in &mut avg {
            *a = (*a / n.max(1.0)).max(1.0);
        }
        Self { postings, avg }
    }

    /// BM25 scores of every document for `terms` (0 where none matches), summed over fields
    /// with their weights (OpenSearch's `multi_match` of type `most_fields` with the same
    /// boosts ranks alike).
    fn score(&self, docs: &[Indexed], terms: &[String]) -> Vec<f32> {
        let n = docs.len() as f32;
        let mut scores = vec![0f32; docs.len()];
        for term in terms {
            let Some(list) = self.postings.get(term) else {
                continue;
            };
            let df = list.len() as f32;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            for p in list {
                let len = &docs[p.doc].len;
                // Added one field at a time, in query-word order: the same sums, to the last
                // bit, as scoring each document word by word.
                let score = &mut scores[p.doc];
                for f in 0..FIELDS {
                    if p.tf[f] == 0 {
                        continue;
                    }
                    let tf = p.tf[f] as f32;
                    let norm = K1 * (1.0 - B + B * len[f] as f32 / self.avg[f]);
                    *score += WEIGHTS[f] * idf * tf * (K1 + 1.0) / (tf + norm);
                }
            }
        }
        scores
    }
}

/// The documents of one scope, with their inverted index once a search has needed it.
#[derive(Debug, Default)]
struct ScopeDocs {
    docs: Vec<Indexed>,
    /// Document id → position in `docs`.
    by_id: HashMap<String, usize>,
    /// Built by the first search after a write; every write resets it.
    inverted: OnceLock<Inverted>,
}

impl ScopeDocs {
    fn upsert(&mut self, doc: SearchDoc) {
        let indexed = Indexed::new(doc);
        match self.by_id.get(&indexed.doc.id) {
            Some(&i) => self.docs[i] = indexed,
            None => {
                self.by_id.insert(indexed.doc.id.clone(), self.docs.len());
                self.docs.push(indexed);
            }
        }
        self.inverted = OnceLock::new();
    }

    fn remove(&mut self, id: &str) {
        let Some(i) = self.by_id.remove(id) else {
            return;
        };
        self.docs.swap_remove(i);
        if let Some(moved) = self.docs.get(i) {
            self.by_id.insert(moved.doc.id.clone(), i);
        }
        self.inverted = OnceLock::new();
    }

    fn inverted(&self) -> &Inverted {
        self.inverted.get_or_init(|| Inverted::build(&self.docs))
    }
}

/// Documents by scope.
type Docs = HashMap<Scope, ScopeDocs>;

/// The in-process index. Cheap to share in an `Arc`; reads run in parallel.
#[derive(Debug, Default)]
pub struct EmbeddedIndex {
    docs: RwLock<Docs>,
}

impl EmbeddedIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// Documents held, over all scopes.
    pub fn len(&self) -> usize {
        self.read()
            .map(|d| d.values().map(|s| s.docs.len()).sum())
            .unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn read(&self) -> Result<RwLockReadGuard<'_, Docs>, SearchError> {
        self.docs
            .read()
            .map_err(|_| SearchError::Internal("search index lock poisoned".into()))
    }

    fn write(&self) -> Result<RwLockWriteGuard<'_, Docs>, SearchError> {
        self.docs
            .write()
            .map_err(|_| SearchError::Internal("search index lock poisoned".into()))
    }

    /// An index holding these documents (for the engine, which searches synchronously).
    pub fn with_docs(docs: Vec<SearchDoc>) -> Self {
        let mut map = Docs::new();
        for doc in docs {
            Self::insert(&mut map, doc);
        }
        Self {
            docs: RwLock::new(map),
        }
    }

    /// [`SearchIndex::search`] without the future: the work is in memory anyway.
    pub fn search_now(&self, query: &SearchQuery) -> Result<SearchPage, SearchError> {
        let offset = query.offset()?;
        let terms = query_terms(&query.text);
        let tag = query.tag.as_deref().map(str::to_lowercase);
        let map = self.read()?;
        let Some(scope) = map.get(&query.scope) else {
            return Ok(SearchPage::default());
        };
        // Statistics come from the whole scope, the tag only filters: a tag narrows the
        // list, it does not change what a word is worth.
        let docs = &scope.docs;
        let scores = if terms.is_empty() {
            vec![0.0; docs.len()]
        } else {
            scope.inverted().score(docs, &terms)
        };
        let mut hits: Vec<(&Indexed, f32)> = docs
            .iter()
            .zip(scores)
            .filter(|(d, s)| {
                (terms.is_empty() || *s > 0.0) && tag.as_ref().is_none_or(|t| d.tags.contains(t))
            })
            .collect();
        hits.sort_by(|(a, sa), (b, sb)| {
            sb.total_cmp(sa)
                .then_with(|| b.doc.browse_order.cmp(&a.doc.browse_order))
                .then_with(|| a.doc.id.cmp(&b.doc.id))
        });
        let total = hits.len() as u64;
        let page: Vec<SearchHit> = hits
            .into_iter()
            .skip(offset)
            .take(query.limit)
            .map(|(d, score)| SearchHit {
                id: d.doc.id.clone(),
                score,
            })
            .collect();
        Ok(SearchPage {
            next_cursor: query.next_cursor(offset, page.len(), total),
            hits: page,
            total,
        })
    }

    fn insert(docs: &mut Docs, doc: SearchDoc) {
        docs.entry(doc.scope).or_default().upsert(doc);
    }
}

#[async_trait]
impl SearchIndex for EmbeddedIndex {
    async fn ensure_ready(&self) -> Result<(), SearchError> {
        self.read().map(|_| ())
    }

    async fn upsert(&self, doc: SearchDoc) -> Result<(), SearchError> {
        Self::insert(&mut *self.write()?, doc);
        Ok(())
    }

    async fn upsert_many(&self, docs: Vec<SearchDoc>) -> Result<(), SearchError> {
        let mut map = self.write()?;
        for doc in docs {
            Self::insert(&mut map, doc);
        }
        Ok(())
    }

    async fn delete(&self, scope: Scope, id: &str) -> Result<(), SearchError> {
        let mut map = self.write()?;
        if let Some(docs) = map.get_mut(&scope) {
            docs.remove(id);
            if docs.docs.is_empty() {
                map.remove(&scope);
            }
        }
        Ok(())
    }

    async fn search(&self, query: &SearchQuery) -> Result<SearchPage, SearchError> {
        self.search_now(query)
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::repo::OwnerId;
    use crate::search::MAX_LIMIT;
    use uuid::Uuid;

    fn doc(scope: Scope, id: &str, title: &str, description: &str, tools: &[&str]) -> SearchDoc {
        SearchDoc {
            id: id.into(),
            scope,
            title: title.into(),
            description: description.into(),
            tools: tools.iter().map(|t| (*t).to_owned()).collect(),
            trigger: "schedule Every day".into(),
            tags: Vec::new(),
            browse_order: 0,
        }
    }

    fn ids(page: &SearchPage) -> Vec<&str> {
        page.hits.iter().map(|h| h.id.as_str()).collect()
    }

    async fn templates() -> EmbeddedIndex {
        let index = EmbeddedIndex::new();
        let docs = vec![
            SearchDoc {
                tags: vec!["finance".into(), "payments".into()],
                ..doc(
                    Scope::Templates,
                    "stripe-to-sheets",
                    "Log Stripe payments to Google Sheets",
                    "When a Stripe payment succeeds add a row",
                    &["Stripe", "Google Sheets"],
                )
            },
            SearchDoc {
                tags: vec!["engineering".into()],
                ..doc(
                    Scope::Templates,
                    "github-to-slack",
                    "Daily GitHub issues in Slack",
                    "Post the open issues to a channel",
                    &["GitHub", "Slack"],
                )
            },
            SearchDoc {
                tags: vec!["finance".into()],
                ..doc(
                    Scope::Templates,
                    "stripe-report",
                    "Weekly revenue report",
                    "Send a summary of last week's Stripe charges to Slack",
                    &["Stripe", "Slack"],
                )
            },
            doc(
                Scope::Templates,
                "weather",
                "Morning weather on Telegram",
                "Send the forecast",
                &["Weather API", "Telegram"],
            ),
        ];
        index.upsert_many(docs).await.unwrap();
        index
    }

    #[tokio::test]
    async fn title_matches_rank_above_description_matches() {
        let index = templates().await;
        let page = index
            .search(&SearchQuery::new(Scope::Templates, "stripe payments"))
            .await
            .unwrap();
        assert_eq!(ids(&page), ["stripe-to-sheets", "stripe-report"]);
        assert!(page.hits[0].score > page.hits[1].score);
        assert_eq!(page.total, 2);
        assert!(page.next_cursor.is_none());

        // "slack" is a tool of both; the one with Slack in the title comes first.
        let page = index
            .search(&SearchQuery::new(Scope::Templates, "Slack"))
            .await
            .unwrap();
        assert_eq!(ids(&page), ["github-to-slack", "stripe-report"]);
    }

    #[tokio::test]
    async fn rare_words_outweigh_common_ones() {
        let index = templates().await;
        // "stripe" is in two documents, "revenue" in one: the rarer word decides.
        let page = index
            .search(&SearchQuery::new(Scope::Templates, "stripe revenue"))
            .await
            .unwrap();
        assert_eq!(ids(&page)[0], "stripe-report");
    }

    #[tokio::test]
    async fn tag_filters_and_empty_query_browses_in_order() {
        let index = templates().await;
        let q = SearchQuery {
            tag: Some("FINANCE".into()),
            ..SearchQuery::new(Scope::Templates, "")
        };
        let page = index.search(&q).await.unwrap();
        assert_eq!(page.total, 2);
        assert_eq!(
            ids(&page),
            ["stripe-report", "stripe-to-sheets"],
            "same order: by id"
        );
        let q = SearchQuery {
            tag: Some("finance".into()),
            ..SearchQuery::new(Scope::Templates, "slack")
        };
        assert_eq!(ids(&index.search(&q).await.unwrap()), ["stripe-report"]);
        let q = SearchQuery {
            tag: Some("nope".into()),
            ..SearchQuery::new(Scope::Templates, "")
        };
        assert_eq!(index.search(&q).await.unwrap().total, 0);
    }

    #[tokio::test]
    async fn browse_order_decides_without_query_words() {
        let index = EmbeddedIndex::new();
        let owner = Scope::Owner(OwnerId(Uuid::now_v7()));
        for (id, order) in [("old", 1), ("new", 3), ("mid", 2)] {
            index
                .upsert(SearchDoc {
                    browse_order: order,
                    ..doc(owner, id, id, "", &[])
                })
                .await
                .unwrap();
        }
        let page = index.search(&SearchQuery::new(owner, "  ")).await.unwrap();
        assert_eq!(ids(&page), ["new", "mid", "old"]);
    }

    #[tokio::test]
    async fn owners_never_see_each_others_workflows() {
        let index = templates().await;
        let alice = Scope::Owner(OwnerId(Uuid::now_v7()));
        let bob = Scope::Owner(OwnerId(Uuid::now_v7()));
        index
            .upsert(doc(alice, "a1", "Stripe alerts", "mine", &["Stripe"]))
            .await
            .unwrap();
        index
            .upsert(doc(bob, "b1", "Stripe alerts", "bob's", &["Stripe"]))
            .await
            .unwrap();
        let page = index
            .search(&SearchQuery::new(alice, "stripe"))
            .await
            .unwrap();
        assert_eq!(ids(&page), ["a1"]);
        let page = index
            .search(&SearchQuery::new(bob, "stripe"))
            .await
            .unwrap();
        assert_eq!(ids(&page), ["b1"]);
        // Templates are a scope of their own, too.
        let page = index
            .search(&SearchQuery::new(Scope::Templates, "alerts"))
            .await
            .unwrap();
        assert_eq!(page.total, 0);
        // Deleting in one scope leaves the same id elsewhere alone.
        index.delete(bob, "a1").await.unwrap();
        assert_eq!(
            index
                .search(&SearchQuery::new(alice, "stripe"))
                .await
                .unwrap()
                .total,
            1
        );
        let carol = Scope::Owner(OwnerId(Uuid::now_v7()));
        assert_eq!(
            index
                .search(&SearchQuery::new(carol, ""))
                .await
                .unwrap()
                .total,
            0
        );
    }

    #[tokio::test]
    async fn upsert_replaces_and_delete_removes() {
        let index = EmbeddedIndex::new();
        let s = Scope::Owner(OwnerId(Uuid::now_v7()));
        index
            .upsert(doc(s, "w", "Slack digest", "", &[]))
            .await
            .unwrap();
        index
            .upsert(doc(s, "w", "Teams digest", "", &[]))
            .await
            .unwrap();
        assert_eq!(index.len(), 1);
        assert_eq!(
            index
                .search(&SearchQuery::new(s, "slack"))
                .await
                .unwrap()
                .total,
            0
        );
        assert_eq!(
            index
                .search(&SearchQuery::new(s, "teams"))
                .await
                .unwrap()
                .total,
            1
        );
        index.delete(s, "w").await.unwrap();
        index.delete(s, "w").await.unwrap();
        assert!(index.is_empty());
    }

    #[tokio::test]
    async fn pages_cover_every_hit_exactly_once() {
        let index = EmbeddedIndex::new();
        let s = Scope::Owner(OwnerId(Uuid::now_v7()));
        for i in 0..23 {
            let title = format!("Slack report {i} {}", "slack ".repeat(i % 4));
            index
                .upsert(doc(s, &format!("w{i:02}"), &title, "", &[]))
                .await
                .unwrap();
        }
        let mut query = SearchQuery {
            limit: 5,
            ..SearchQuery::new(s, "slack")
        };
        let mut seen = Vec::new();
        let mut last_score = f32::INFINITY;
        loop {
            let page = index.search(&query).await.unwrap();
            assert_eq!(page.total, 23);
            for h in &page.hits {
                assert!(h.score <= last_score, "scores descend across pages");
                last_score = h.score;
            }
            seen.extend(page.hits.iter().map(|h| h.id.clone()));
            match page.next_cursor {
                Some(c) => query.cursor = Some(c),
                None => break,
            }
        }
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 23);
    }

    #[tokio::test]
    async fn unicode_empty_punctuation_and_huge_queries_are_answered() {
        let index = EmbeddedIndex::new();
        let s = Scope::Owner(OwnerId(Uuid::now_v7()));
        index
            .upsert(doc(
                s,
                "de",
                "Überweisungen prüfen",
                "Zahlungen täglich",
                &["Stripe"],
            ))
            .await
            .unwrap();
        index
            .upsert(doc(s, "ja", "請求書を転送", "毎日", &["Gmail"]))
            .await
            .unwrap();
        let hit = |q: &str| {
            let q = SearchQuery::new(s, q);
            let index = &index;
            async move { ids(&index.search(&q).await.unwrap()).join(",") }
        };
        assert_eq!(hit("ÜBERWEISUNGEN").await, "de");
        assert_eq!(hit("請求書を転送").await, "ja");
        assert_eq!(hit("🙂🙂").await, "de,ja", "no words: browse everything");
        assert_eq!(hit("").await, "de,ja");
        assert_eq!(hit("zzz").await, "");
        let huge = "prüfen ".repeat(50_000);
        assert_eq!(hit(&huge).await, "de");
        let bad = SearchQuery {
            cursor: Some("not-a-cursor".into()),
            ..SearchQuery::new(s, "x")
        };
        assert!(matches!(
            index.search(&bad).await,
            Err(SearchError::InvalidCursor)
        ));
    }

    #[tokio::test]
    async fn searches_see_every_write_after_an_earlier_search() {
        let index = templates().await;
        let hits = |q: &'static str| {
            let index = &index;
            async move {
                let page = index
                    .search(&SearchQuery::new(Scope::Templates, q))
                    .await
                    .unwrap();
                ids(&page).join(",")
            }
        };
        assert_eq!(hits("weather").await, "weather");
        // Replaced, removed and added after the first search built the word lists.
        index
            .upsert(doc(
                Scope::Templates,
                "weather",
                "Morning news on Telegram",
                "Send the headlines",
                &["Telegram"],
            ))
            .await
            .unwrap();
        assert_eq!(hits("weather").await, "");
        assert_eq!(hits("headlines").await, "weather");
        // Removing a document that is not the last moves another into its place.
        index
            .delete(Scope::Templates, "stripe-to-sheets")
            .await
            .unwrap();
        assert_eq!(hits("stripe").await, "stripe-report");
        assert_eq!(hits("github").await, "github-to-slack");
        assert_eq!(hits("headlines").await, "weather");
        index
            .upsert(doc(
                Scope::Templates,
                "sheets",
                "Weather in Google Sheets",
                "",
                &["Google Sheets"],
            ))
            .await
            .unwrap();
        assert_eq!(hits("weather sheets").await, "sheets");
        assert_eq!(index.len(), 4);
    }

    /// BM25 as defined, document by document and word by word: what the inverted lists must
    /// reproduce exactly.
    fn reference_scores(docs: &[SearchDoc], query: &str) -> Vec<(String, f32)> {
        let indexed: Vec<Indexed> = docs.iter().cloned().map(Indexed::new).collect();
        let terms = query_terms(query);
        let n = indexed.len() as f32;
        let mut avg = [0f32; FIELDS];
        for d in &indexed {
            for (f, a) in avg.iter_mut().enumerate() {
                *a += d.len[f] as f32;
            }
        }
        for a in &mut avg {
            *a = (*a / n.max(1.0)).max(1.0);
        }
        let mut out: Vec<(String, f32)> = indexed
            .iter()
            .map(|d| {
                let mut s = 0f32;
                for t in &terms {
                    let df = indexed
                        .iter()
                        .filter(|o| o.tf.iter().any(|m| m.contains_key(t)))
                        .count() as f32;
                    let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                    for f in 0..FIELDS {
                        let Some(&tf) = d.tf[f].get(t) else { continue };
                        let tf = tf as f32;
                        let norm = K1 * (1.0 - B + B * d.len[f] as f32 / avg[f]);
                        s += WEIGHTS[f] * idf * tf * (K1 + 1.0) / (tf + norm);
                    }
                }
                (d.doc.id.clone(), s)
            })
            .filter(|(_, s)| *s > 0.0)
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// A realistic corpus without reaching up to the template library (which searches with this
    /// index): one document per catalog tool, its actions as description and its events as
    /// trigger words.
    #[test]
    fn a_catalog_sized_corpus_scores_exactly_as_bm25_defines() {
        let catalog = crate::catalog::Catalog::builtin().unwrap();
        let docs: Vec<SearchDoc> = catalog
            .tools()
            .iter()
            .enumerate()
            .map(|(i, t)| SearchDoc {
                id: t.id.clone(),
                scope: Scope::Templates,
                title: t.name.clone(),
                description: t
                    .actions
                    .iter()
                    .map(|a| a.label.as_str())
                    .collect::<Vec<_>>()
                    .join(". "),
                tools: vec![t.name.clone()],
                trigger: t
                    .events
                    .iter()
                    .map(|e| e.label.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                tags: vec![t.category.clone()],
                browse_order: -(i as i64),
            })
            .collect();
        let index = EmbeddedIndex::with_docs(docs.clone());
        for query in [
            "every weekday at 9am post yesterday's stripe payouts to #finance in slack",
            "new github issue create a jira ticket and email the team",
            "google sheets row added send a message",
            "slack slack slack",
            "zzqx",
        ] {
            let q = SearchQuery {
                limit: MAX_LIMIT,
                ..SearchQuery::new(Scope::Templates, query)
            };
            let page = index.search_now(&q).unwrap();
            let mut got: Vec<(String, f32)> =
                page.hits.into_iter().map(|h| (h.id, h.score)).collect();
            got.sort_by(|a, b| a.0.cmp(&b.0));
            assert_eq!(got, reference_scores(&docs, query), "{query}");
        }
    }
}
