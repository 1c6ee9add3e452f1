//! The default [`SearchIndex`]: BM25 over tokenised, field-weighted text, in process.
//!
//! Why not tantivy: a query only ever looks at one [`Scope`] — the template library (dozens of
//! documents) or one user's workflows (rarely more than a few thousand) — and each document is
//! a title, a sentence or two and a few tool names. Scoring every document of a scope is then a
//! few thousand hash look-ups, well under a millisecond, and the index is rebuilt from the
//! database at startup anyway, so tantivy's segments, merges and on-disk format would add a
//! large dependency (and build time) without changing a result. If a deployment outgrows this,
//! that is what the OpenSearch adapter is for.

use std::collections::{HashMap, HashSet};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

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
        let texts = [
            doc.title.clone(),
            doc.tags.join(" "),
            doc.tools.join(" "),
            doc.trigger.clone(),
            doc.description.clone(),
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

    fn has_term(&self, term: &str) -> bool {
        self.tf.iter().any(|m| m.contains_key(term))
    }
}

/// Documents by scope, then id.
type Docs = HashMap<Scope, HashMap<String, Indexed>>;

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
            .map(|d| d.values().map(HashMap::len).sum())
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
        let all: Vec<&Indexed> = scope.values().collect();
        let scores = if terms.is_empty() {
            vec![0.0; all.len()]
        } else {
            score(&all, &terms)
        };
        let mut hits: Vec<(&Indexed, f32)> = all
            .into_iter()
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
        docs.entry(doc.scope)
            .or_default()
            .insert(doc.id.clone(), Indexed::new(doc));
    }
}

/// BM25 scores of `candidates` for `terms`, summed over fields with their weights
/// (OpenSearch's `multi_match` of type `most_fields` with the same boosts ranks alike).
fn score(candidates: &[&Indexed], terms: &[String]) -> Vec<f32> {
    let n = candidates.len() as f32;
    let mut avg = [0f32; FIELDS];
    for d in candidates {
        for (f, a) in avg.iter_mut().enumerate() {
            *a += d.len[f] as f32;
        }
    }
    for a in &mut avg {
        *a = (*a / n.max(1.0)).max(1.0);
    }
    let idf: Vec<f32> = terms
        .iter()
        .map(|t| {
            let df = candidates.iter().filter(|d| d.has_term(t)).count() as f32;
            (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
        })
        .collect();
    candidates
        .iter()
        .map(|d| {
            let mut s = 0f32;
            for (t, idf) in terms.iter().zip(&idf) {
                for f in 0..FIELDS {
                    let Some(&tf) = d.tf[f].get(t) else { continue };
                    let tf = tf as f32;
                    let norm = K1 * (1.0 - B + B * d.len[f] as f32 / avg[f]);
                    s += WEIGHTS[f] * idf * tf * (K1 + 1.0) / (tf + norm);
                }
            }
            s
        })
        .collect()
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
            if docs.is_empty() {
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
}
