//! Search over templates and users' workflows, behind the [`SearchIndex`] port.
//!
//! Two implementations: [`EmbeddedIndex`], an in-process BM25 index the gateway builds at
//! startup (the default), and, with the `opensearch` feature, `OpenSearchIndex`, which keeps the
//! same documents in an OpenSearch cluster. Both rank by the same intent: query words matched in
//! the title count most, then tags and tools, then the trigger and the description.
//!
//! Documents live in a [`Scope`]: the template library, or one owner's workflows. A query names
//! exactly one scope, so a query for one owner can never see another owner's workflows.
//!
//! ```
//! use cue_workflows::search::{EmbeddedIndex, Scope, SearchDoc, SearchIndex, SearchQuery};
//!
//! # tokio_test_block(async {
//! let index = EmbeddedIndex::new();
//! index.upsert(SearchDoc {
//!     id: "stripe-to-slack".into(),
//!     scope: Scope::Templates,
//!     title: "Big Stripe payments in Slack".into(),
//!     description: "When a Stripe payment is over 1000, post to #sales".into(),
//!     tools: vec!["Stripe".into(), "Slack".into()],
//!     trigger: "app_event".into(),
//!     tags: vec!["finance".into()],
//!     browse_order: 0,
//! }).await?;
//! let page = index.search(&SearchQuery::new(Scope::Templates, "stripe payments")).await?;
//! assert_eq!(page.hits[0].id, "stripe-to-slack");
//! # Ok::<(), cue_workflows::search::SearchError>(())
//! # });
//! # fn tokio_test_block<F: std::future::Future>(f: F) -> F::Output {
//! #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
//! # }
//! ```

mod embedded;
mod on_demand;
#[cfg(feature = "opensearch")]
pub mod opensearch;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::repo::{OwnerId, WorkflowRecord, WorkflowSummary};

pub use embedded::EmbeddedIndex;
pub use on_demand::OnDemandIndex;

/// The most results one page may hold.
pub const MAX_LIMIT: usize = 100;
/// Longest query text used, in characters; the rest is ignored (not an error: a pasted
/// paragraph still finds something).
pub const MAX_QUERY_CHARS: usize = 512;
/// Most query words used.
pub const MAX_QUERY_TERMS: usize = 32;

/// Field weights shared by every implementation, so they rank alike.
pub mod boost {
    pub const TITLE: f32 = 3.0;
    pub const TAGS: f32 = 2.0;
    pub const TOOLS: f32 = 2.0;
    pub const TRIGGER: f32 = 1.0;
    pub const DESCRIPTION: f32 = 1.0;
}

/// Where a document lives; every query is confined to one scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scope {
    /// The shared template library.
    Templates,
    /// The workflows of one user.
    Owner(OwnerId),
}

/// What is indexed about a template or a workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchDoc {
    /// Template slug or workflow id; unique within its scope.
    pub id: String,
    pub scope: Scope,
    /// Template title or workflow name.
    pub title: String,
    pub description: String,
    /// Tool display names (`Google Sheets`).
    pub tools: Vec<String>,
    /// Trigger kind and its words (`app_event`, `Stripe payment succeeded`).
    pub trigger: String,
    pub tags: Vec<String>,
    /// Order when browsing without query words, highest first (a workflow's update time in
    /// milliseconds; a template's reversed curated position).
    pub browse_order: i64,
}

// The document of a template is built in `templates.rs` (`SearchDoc::from_template`), so this
// module does not depend on the template library, which depends on the crate's error type,
// which wraps `SearchError`.
impl SearchDoc {
    /// The document of a stored workflow. Tools and trigger come from its plan; a workflow
    /// saved without one (written by hand) is found by name and description only.
    pub fn from_workflow(r: &WorkflowRecord) -> Self {
        Self::from_summary(&WorkflowSummary::from(r), &r.plan)
    }

    /// The same document from a summary and the plan (what a search reads, without code
    /// and graph).
    pub fn from_summary(r: &WorkflowSummary, plan: &serde_json::Value) -> Self {
        let plan: Option<crate::Plan> = serde_json::from_value(plan.clone()).ok();
        let (tools, trigger) = match &plan {
            Some(p) => (
                p.tools.iter().map(|t| t.name.clone()).collect(),
                format!("{} {}", p.trigger.kind.as_str(), p.trigger.description),
            ),
            None => (Vec::new(), String::new()),
        };
        Self {
            id: r.id.to_string(),
            scope: Scope::Owner(r.owner),
            title: r.name.clone(),
            description: r.description.clone(),
            tools,
            trigger,
            tags: Vec::new(),
            browse_order: r.updated_at.timestamp_millis(),
        }
    }
}

/// One search request.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchQuery {
    pub scope: Scope,
    /// Free text; empty lists the scope in browse order.
    pub text: String,
    /// Only documents with this tag (exact, case-insensitive).
    pub tag: Option<String>,
    /// 1 to [`MAX_LIMIT`].
    pub limit: usize,
    /// The `next_cursor` of the previous page of the same query.
    pub cursor: Option<String>,
}

impl SearchQuery {
    /// The first page (20 results) of `text` in `scope`.
    pub fn new(scope: Scope, text: impl Into<String>) -> Self {
        Self {
            scope,
            text: text.into(),
            tag: None,
            limit: 20,
            cursor: None,
        }
    }

    /// Checks the limit and decodes the cursor into an offset.
    pub fn offset(&self) -> Result<usize, SearchError> {
        if !(1..=MAX_LIMIT).contains(&self.limit) {
            return Err(SearchError::InvalidQuery(format!(
                "limit must be between 1 and {MAX_LIMIT}"
            )));
        }
        match &self.cursor {
            None => Ok(0),
            Some(c) => Cursor::decode(c, self.fingerprint()),
        }
    }

    /// The cursor of the page after one that started at `offset` and returned `count` hits out
    /// of `total`; `None` on the last page.
    pub fn next_cursor(&self, offset: usize, count: usize, total: u64) -> Option<String> {
        let next = offset + count;
        (count > 0 && (next as u64) < total).then(|| Cursor::encode(next, self.fingerprint()))
    }

    /// Binds a cursor to the query it came from, so reusing it for another query (or another
    /// owner) is an error instead of a silently wrong page.
    fn fingerprint(&self) -> u32 {
        // FNV-1a: stable across processes and builds, unlike `DefaultHasher`.
        let mut h: u32 = 0x811c_9dc5;
        let scope = match self.scope {
            Scope::Templates => "templates".to_owned(),
            Scope::Owner(o) => o.to_string(),
        };
        let tag = self.tag.as_deref().unwrap_or("").to_lowercase();
        for b in [
            scope.as_str(),
            "\u{1}",
            query_key(&self.text).as_str(),
            "\u{1}",
            &tag,
        ]
        .iter()
        .flat_map(|s| s.bytes())
        {
            h ^= u32::from(b);
            h = h.wrapping_mul(0x0100_0193);
        }
        h
    }
}

/// The query words that matter for paging (so "Slack " and "slack" share cursors).
fn query_key(text: &str) -> String {
    terms(text).join(" ")
}

/// Pagination cursors: the offset and the query fingerprint, hex-encoded. Opaque to clients.
struct Cursor;

impl Cursor {
    fn encode(offset: usize, fingerprint: u32) -> String {
        format!("{fingerprint:08x}{offset:x}")
    }

    fn decode(raw: &str, fingerprint: u32) -> Result<usize, SearchError> {
        let invalid = || SearchError::InvalidCursor;
        if raw.len() < 9 || raw.len() > 24 || !raw.is_ascii() {
            return Err(invalid());
        }
        let (fp, offset) = raw.split_at(8);
        let fp = u32::from_str_radix(fp, 16).map_err(|_| invalid())?;
        let offset = usize::from_str_radix(offset, 16).map_err(|_| invalid())?;
        if fp != fingerprint {
            return Err(invalid());
        }
        Ok(offset)
    }
}

/// One result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub id: String,
    /// Relevance; only comparable within one result list.
    pub score: f32,
}

/// One page of results, best first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchPage {
    pub hits: Vec<SearchHit>,
    /// Matching documents in all pages.
    pub total: u64,
    /// Pass as `cursor` for the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// Failures of a [`SearchIndex`].
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The search backend could not be reached, timed out or answered with an error.
    #[error("search is temporarily unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The cursor is malformed or belongs to another query.
    #[error("the cursor is invalid or belongs to another query; start again without it")]
    InvalidCursor,
    /// The limit or another part of the query is out of range.
    #[error("{0}")]
    InvalidQuery(String),
    /// The backend's settings cannot be used (a malformed URL or CA certificate).
    #[error("invalid search configuration: {0}")]
    InvalidConfig(String),
    /// Anything else unexpected.
    #[error("search failed")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// A full-text index of templates and workflows. Writes are idempotent: upserting the same
/// document twice, or deleting a missing one, is not an error.
#[async_trait]
pub trait SearchIndex: Send + Sync {
    /// Prepares the backend (creates indexes and mappings when missing). Idempotent.
    async fn ensure_ready(&self) -> Result<(), SearchError>;
    /// Adds or replaces a document (same scope and id).
    async fn upsert(&self, doc: SearchDoc) -> Result<(), SearchError>;
    /// Adds or replaces many documents (a reindex).
    async fn upsert_many(&self, docs: Vec<SearchDoc>) -> Result<(), SearchError> {
        for doc in docs {
            self.upsert(doc).await?;
        }
        Ok(())
    }
    /// Removes a document; removing a missing one is fine.
    async fn delete(&self, scope: Scope, id: &str) -> Result<(), SearchError>;
    /// Whether owners' workflows are written to this index. One that reads them from the
    /// database when searched ([`OnDemandIndex`]) answers `false`, and the service then
    /// builds no document for it to drop (parsing the plan back is most of that work).
    fn keeps_workflows(&self) -> bool {
        true
    }
    /// Ranked results of one scope.
    async fn search(&self, query: &SearchQuery) -> Result<SearchPage, SearchError>;
}

/// Words of a text as the indexes see them: lower-cased Unicode letters and digits, split at
/// everything else, with a light English plural folding (`payments` → `payment`, `entries` →
/// `entry`) so singular and plural find each other. `google_sheets` and `google-sheets` give
/// `google`, `sheet`.
pub fn terms(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| fold(&w.to_lowercase()))
        .collect()
}

fn fold(w: &str) -> String {
    let n = w.chars().count();
    if n > 4
        && let Some(stem) = w.strip_suffix("ies")
    {
        return format!("{stem}y");
    }
    if n > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") {
        return w[..w.len() - 1].to_owned();
    }
    w.to_owned()
}

/// English words too common to rank by (OpenSearch's `english` analyzer drops the same
/// kind), so "post to slack" does not match every document holding "to".
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it", "of",
    "on", "or", "that", "the", "their", "then", "there", "thi", "this", "to", "was", "when",
    "with",
];

/// The terms of a query, bounded in length and count, without repeats and without stop words
/// (unless there is nothing else).
pub(crate) fn query_terms(text: &str) -> Vec<String> {
    let all = bounded_terms(text);
    let content: Vec<String> = all
        .iter()
        .filter(|t| !STOP_WORDS.contains(&t.as_str()))
        .cloned()
        .collect();
    if content.is_empty() { all } else { content }
}

fn bounded_terms(text: &str) -> Vec<String> {
    let mut bounded: String = text.chars().take(MAX_QUERY_CHARS).collect();
    // A word cut by the limit would match something else; drop its piece.
    if text[bounded.len()..]
        .chars()
        .next()
        .is_some_and(char::is_alphanumeric)
    {
        let keep = bounded
            .char_indices()
            .rev()
            .find(|(_, c)| !c.is_alphanumeric())
            .map_or(0, |(i, c)| i + c.len_utf8());
        bounded.truncate(keep);
    }
    let mut out: Vec<String> = Vec::new();
    for t in terms(&bounded) {
        if !out.contains(&t) {
            out.push(t);
            if out.len() == MAX_QUERY_TERMS {
                break;
            }
        }
    }
    out
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn terms_fold_case_plurals_and_separators() {
        assert_eq!(terms("Google_Sheets"), ["google", "sheet"]);
        assert_eq!(
            terms("Payments, ENTRIES; bus-stops"),
            ["payment", "entry", "bus", "stop"]
        );
        assert_eq!(terms("Überweisungen Größe"), ["überweisungen", "größe"]);
        assert_eq!(terms("  ...  "), Vec::<String>::new());
        assert_eq!(terms("class status"), ["class", "status"]);
    }

    #[test]
    fn stop_words_are_dropped_unless_they_are_all_there_is() {
        assert_eq!(
            query_terms("post this to the Slack channel"),
            ["post", "slack", "channel"]
        );
        assert_eq!(query_terms("the this"), ["the", "thi"]);
    }

    #[test]
    fn query_terms_are_bounded_and_unique() {
        let huge =
            "slack ".repeat(10_000) + &(0..1000).map(|i| format!("w{i} ")).collect::<String>();
        let t = query_terms(&huge);
        assert_eq!(
            t,
            ["slack"],
            "only the first MAX_QUERY_CHARS characters count"
        );
        // A multi-byte separator before the cut word.
        let cut = "ü—".repeat(200) + &"prüfen—".repeat(200);
        assert_eq!(query_terms(&cut), ["ü", "prüfen"]);
        let many: String = (0..100).map(|i| format!("w{i} ")).collect();
        assert_eq!(query_terms(&many).len(), MAX_QUERY_TERMS);
    }

    #[test]
    fn cursors_round_trip_and_are_bound_to_their_query() {
        let q = SearchQuery {
            limit: 5,
            ..SearchQuery::new(Scope::Templates, "slack alerts")
        };
        let c = q.next_cursor(0, 5, 12).unwrap();
        let page2 = SearchQuery {
            cursor: Some(c.clone()),
            ..q.clone()
        };
        assert_eq!(page2.offset().unwrap(), 5);
        assert!(
            q.next_cursor(10, 2, 12).is_none(),
            "last page has no cursor"
        );
        // Same words, other spacing and case: same query.
        let same = SearchQuery {
            text: "  Slack ALERTS".into(),
            cursor: Some(c.clone()),
            ..q.clone()
        };
        assert_eq!(same.offset().unwrap(), 5);
        for other in [
            SearchQuery {
                text: "github".into(),
                cursor: Some(c.clone()),
                ..q.clone()
            },
            SearchQuery {
                scope: Scope::Owner(OwnerId(Uuid::now_v7())),
                cursor: Some(c.clone()),
                ..q.clone()
            },
            SearchQuery {
                cursor: Some("zz".into()),
                ..q.clone()
            },
            SearchQuery {
                cursor: Some("ünïcödé-cursor".into()),
                ..q.clone()
            },
            SearchQuery {
                cursor: Some("f".repeat(200)),
                ..q.clone()
            },
        ] {
            assert!(
                matches!(other.offset(), Err(SearchError::InvalidCursor)),
                "{other:?}"
            );
        }
    }

    #[test]
    fn limits_outside_the_range_are_rejected() {
        for limit in [0, MAX_LIMIT + 1] {
            let q = SearchQuery {
                limit,
                ..SearchQuery::new(Scope::Templates, "x")
            };
            assert!(matches!(q.offset(), Err(SearchError::InvalidQuery(_))));
        }
    }
}
