//! [`SearchIndex`] over an OpenSearch cluster (feature `opensearch`).
//!
//! One index, `<prefix>-search`, holds templates and workflows; every document carries its
//! [`Scope`] as a keyword and every query filters on it, so owners stay apart exactly as in the
//! embedded index. Queries rank with the same intent: a `multi_match` of type `most_fields`
//! over title, tags, tools, trigger and description with the shared [`boost`] weights, ties
//! broken by browse order. Writes are near-real-time (visible after the index's refresh
//! interval, one second by default).
//!
//! Every failure to reach the cluster, a timeout, or an error answer becomes
//! [`SearchError::Unavailable`]; the gateway answers 503 to searches and only logs failed
//! writes, which `cue-gateway reindex` repairs.
//!
//! Tested against a wiremock fake that speaks the REST calls used here (`HEAD`/`PUT` of the
//! index, `PUT`/`DELETE` of `_doc`, `_bulk`, `_search`), not against a real cluster.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use opensearch::auth::Credentials;
use opensearch::cert::{Certificate, CertificateValidation};
use opensearch::http::request::JsonBody;
use opensearch::http::response::Response;
use opensearch::http::transport::{SingleNodeConnectionPool, TransportBuilder};
use opensearch::http::{StatusCode, Url};
use opensearch::indices::{IndicesCreateParts, IndicesExistsParts};
use opensearch::{BulkParts, DeleteParts, IndexParts, OpenSearch, SearchParts};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use super::{
    Scope, SearchDoc, SearchError, SearchHit, SearchIndex, SearchPage, SearchQuery, boost,
    query_terms,
};

/// Where the cluster is and how to talk to it.
#[derive(Debug, Clone)]
pub struct OpenSearchConfig {
    /// `https://search.example.com:9200`
    pub url: String,
    /// Basic authentication; both or neither.
    pub username: Option<String>,
    pub password: Option<SecretString>,
    /// Index names start with this (`cue` → `cue-search`).
    pub index_prefix: String,
    /// Per request, connecting included.
    pub timeout: Duration,
    /// Verify the server's certificate (turn off only for a self-signed test cluster).
    pub verify_tls: bool,
    /// PEM certificates of the CA that signed the cluster's certificate, trusted in addition
    /// to the system's roots (a private CA); only used when `verify_tls` is on.
    pub ca_cert_pem: Option<Vec<u8>>,
}

/// The OpenSearch-backed index.
pub struct OpenSearchIndex {
    client: OpenSearch,
    index: String,
    /// Whether the index is known to exist with our mappings. Every call makes sure of it
    /// first, so a cluster that was down at startup gets its mappings when it comes back,
    /// instead of a first write auto-creating the index with guessed (dynamic) mappings.
    ready: AtomicBool,
}

impl std::fmt::Debug for OpenSearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenSearchIndex")
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

fn unavailable(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> SearchError {
    SearchError::Unavailable(e.into())
}

/// `Unavailable` for any answer outside 2xx, with the status and the start of the body.
async fn ok(response: Response, what: &str) -> Result<Response, SearchError> {
    let status = response.status_code();
    if status.is_success() {
        return Ok(response);
    }
    let body = response.text().await.unwrap_or_default();
    let body: String = body.chars().take(300).collect();
    Err(unavailable(format!("OpenSearch {what}: {status}: {body}")))
}

impl OpenSearchIndex {
    /// A client for `config`; nothing is sent until the first call.
    pub fn new(config: &OpenSearchConfig) -> Result<Self, SearchError> {
        let url = Url::parse(&config.url)
            .map_err(|e| SearchError::InvalidConfig(format!("OpenSearch URL: {e}")))?;
        let validation = match (&config.ca_cert_pem, config.verify_tls) {
            (_, false) => CertificateValidation::None,
            (None, true) => CertificateValidation::Default,
            (Some(pem), true) => {
                CertificateValidation::Full(Certificate::from_pem(pem).map_err(|e| {
                    SearchError::InvalidConfig(format!("OpenSearch CA certificate: {e}"))
                })?)
            }
        };
        let mut builder = TransportBuilder::new(SingleNodeConnectionPool::new(url))
            .timeout(config.timeout)
            .cert_validation(validation);
        if let (Some(user), Some(password)) = (&config.username, &config.password) {
            builder = builder.auth(Credentials::Basic(
                user.clone(),
                password.expose_secret().to_owned(),
            ));
        }
        let transport = builder.build().map_err(unavailable)?;
        Ok(Self {
            client: OpenSearch::new(transport),
            index: format!("{}-search", config.index_prefix),
            ready: AtomicBool::new(false),
        })
    }

    /// The index name.
    pub fn index(&self) -> &str {
        &self.index
    }

    /// Settings and mappings of the index. `english` folds plurals the way the embedded
    /// index's terms do; tags are also kept as exact keywords for filtering.
    pub fn mappings() -> Value {
        json!({
            "settings": {"index": {"number_of_shards": 1}},
            "mappings": {
                "dynamic": "strict",
                "properties": {
                    "scope": {"type": "keyword"},
                    "doc_id": {"type": "keyword"},
                    "title": {"type": "text", "analyzer": "english"},
                    "description": {"type": "text", "analyzer": "english"},
                    "tools": {"type": "text", "analyzer": "english"},
                    "trigger": {"type": "text", "analyzer": "english"},
                    "tags": {"type": "text", "analyzer": "english",
                             "fields": {"raw": {"type": "keyword"}}},
                    "browse_order": {"type": "long"}
                }
            }
        })
    }

    /// The `_source` of a document.
    fn source(doc: &SearchDoc) -> Value {
        json!({
            "scope": scope_key(doc.scope),
            "doc_id": doc.id,
            "title": doc.title,
            "description": doc.description,
            // Tool ids such as `google_sheets` are split like the embedded index splits them.
            "tools": doc.tools.join(" "),
            "trigger": doc.trigger.replace('_', " "),
            "tags": doc.tags.iter().map(|t| t.to_lowercase()).collect::<Vec<_>>(),
            "browse_order": doc.browse_order,
        })
    }

    /// The `_search` body of a query starting at `offset`.
    pub fn query_body(query: &SearchQuery, offset: usize) -> Value {
        let mut filter = vec![json!({"term": {"scope": scope_key(query.scope)}})];
        if let Some(tag) = &query.tag {
            filter.push(json!({"term": {"tags.raw": tag.to_lowercase()}}));
        }
        let terms = query_terms(&query.text);
        let must = if terms.is_empty() {
            json!({"match_all": {}})
        } else {
            json!({"multi_match": {
                "query": terms.join(" "),
                "type": "most_fields",
                "fields": [
                    format!("title^{}", boost::TITLE),
                    format!("tags^{}", boost::TAGS),
                    format!("tools^{}", boost::TOOLS),
                    format!("trigger^{}", boost::TRIGGER),
                    format!("description^{}", boost::DESCRIPTION),
                ]
            }})
        };
        json!({
            "query": {"bool": {"must": [must], "filter": filter}},
            "sort": [{"_score": "desc"}, {"browse_order": "desc"}, {"doc_id": "asc"}],
            "track_total_hits": true,
            "from": offset,
            "size": query.limit,
            "_source": ["doc_id"]
        })
    }
}

/// The keyword a scope is stored as.
fn scope_key(scope: Scope) -> String {
    match scope {
        Scope::Templates => "templates".to_owned(),
        Scope::Owner(o) => format!("owner-{o}"),
    }
}

/// The OpenSearch `_id`: scope and id (`owner-<uuid>.<id>`), so one owner's delete cannot
/// touch another's document.
fn doc_key(scope: Scope, id: &str) -> String {
    format!("{}.{id}", scope_key(scope))
}

impl OpenSearchIndex {
    /// [`SearchIndex::ensure_ready`] unless it already succeeded.
    async fn ready(&self) -> Result<(), SearchError> {
        if self.ready.load(Ordering::Acquire) {
            return Ok(());
        }
        self.ensure_ready().await
    }

    async fn create_if_missing(&self) -> Result<(), SearchError> {
        let exists = self
            .client
            .indices()
            .exists(IndicesExistsParts::Index(&[&self.index]))
            .send()
            .await
            .map_err(unavailable)?;
        match exists.status_code() {
            s if s.is_success() => return Ok(()),
            StatusCode::NOT_FOUND => {}
            s => return Err(unavailable(format!("OpenSearch index check: {s}"))),
        }
        let created = self
            .client
            .indices()
            .create(IndicesCreateParts::Index(&self.index))
            .body(Self::mappings())
            .send()
            .await
            .map_err(unavailable)?;
        if created.status_code() == StatusCode::BAD_REQUEST {
            // Another instance created it between our check and our create.
            let body: Value = created.json().await.map_err(unavailable)?;
            if body["error"]["type"] == "resource_already_exists_exception" {
                return Ok(());
            }
            return Err(unavailable(format!("OpenSearch index create: {body}")));
        }
        ok(created, "index create").await.map(|_| ())
    }
}

#[async_trait]
impl SearchIndex for OpenSearchIndex {
    async fn ensure_ready(&self) -> Result<(), SearchError> {
        self.create_if_missing().await?;
        self.ready.store(true, Ordering::Release);
        Ok(())
    }

    async fn upsert(&self, doc: SearchDoc) -> Result<(), SearchError> {
        self.ready().await?;
        let key = doc_key(doc.scope, &doc.id);
        let response = self
            .client
            .index(IndexParts::IndexId(&self.index, &key))
            .body(Self::source(&doc))
            .send()
            .await
            .map_err(unavailable)?;
        ok(response, "index document").await.map(|_| ())
    }

    async fn upsert_many(&self, docs: Vec<SearchDoc>) -> Result<(), SearchError> {
        self.ready().await?;
        // Bounded batches keep each request well under the cluster's body limit.
        for chunk in docs.chunks(500) {
            let mut body: Vec<JsonBody<Value>> = Vec::with_capacity(chunk.len() * 2);
            for doc in chunk {
                body.push(json!({"index": {"_id": doc_key(doc.scope, &doc.id)}}).into());
                body.push(Self::source(doc).into());
            }
            let response = self
                .client
                .bulk(BulkParts::Index(&self.index))
                .body(body)
                .send()
                .await
                .map_err(unavailable)?;
            let answer: Value = ok(response, "bulk")
                .await?
                .json()
                .await
                .map_err(unavailable)?;
            if answer["errors"] == true {
                let first = answer["items"]
                    .as_array()
                    .and_then(|items| items.iter().find(|i| !i["index"]["error"].is_null()))
                    .map(|i| i["index"]["error"].to_string())
                    .unwrap_or_default();
                return Err(unavailable(format!("OpenSearch bulk: {first}")));
            }
        }
        Ok(())
    }

    async fn delete(&self, scope: Scope, id: &str) -> Result<(), SearchError> {
        self.ready().await?;
        let key = doc_key(scope, id);
        let response = self
            .client
            .delete(DeleteParts::IndexId(&self.index, &key))
            .send()
            .await
            .map_err(unavailable)?;
        if response.status_code() == StatusCode::NOT_FOUND {
            return Ok(());
        }
        ok(response, "delete document").await.map(|_| ())
    }

    async fn search(&self, query: &SearchQuery) -> Result<SearchPage, SearchError> {
        let offset = query.offset()?;
        self.ready().await?;
        let response = self
            .client
            .search(SearchParts::Index(&[&self.index]))
            .body(Self::query_body(query, offset))
            .send()
            .await
            .map_err(unavailable)?;
        let answer: Value = ok(response, "search")
            .await?
            .json()
            .await
            .map_err(unavailable)?;
        let total = answer["hits"]["total"]["value"]
            .as_u64()
            .ok_or_else(|| unavailable("OpenSearch search: no hits.total.value in the answer"))?;
        let hits = answer["hits"]["hits"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(|h| {
                Some(SearchHit {
                    id: h["_source"]["doc_id"].as_str()?.to_owned(),
                    // `_score` is null when browsing without query words.
                    score: h["_score"].as_f64().unwrap_or(0.0) as f32,
                })
            })
            .collect::<Vec<_>>();
        Ok(SearchPage {
            next_cursor: query.next_cursor(offset, hits.len(), total),
            hits,
            total,
        })
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::repo::OwnerId;
    use uuid::Uuid;
    use wiremock::matchers::{basic_auth, body_json, body_partial_json, method, path, path_regex};
    use wiremock::{Mock, MockServer, Request, ResponseTemplate};

    fn config(url: &str) -> OpenSearchConfig {
        OpenSearchConfig {
            url: url.to_owned(),
            username: Some("cue".into()),
            password: Some(SecretString::from("s3cret")),
            index_prefix: "test".into(),
            timeout: Duration::from_secs(2),
            verify_tls: true,
            ca_cert_pem: None,
        }
    }

    /// A fake cluster where the index already exists.
    async fn with_index() -> MockServer {
        let server = MockServer::start().await;
        Mock::given(method("HEAD"))
            .and(path("/test-search"))
            .respond_with(ResponseTemplate::new(200))
            .mount(&server)
            .await;
        server
    }

    fn doc(scope: Scope, id: &str) -> SearchDoc {
        SearchDoc {
            id: id.into(),
            scope,
            title: "Stripe alerts".into(),
            description: "Post big payments".into(),
            tools: vec!["Stripe".into(), "Google Sheets".into()],
            trigger: "app_event Stripe payment".into(),
            tags: vec!["Finance".into()],
            browse_order: 7,
        }
    }

    #[tokio::test]
    async fn creates_the_index_with_mappings_only_when_missing() {
        let server = MockServer::start().await;
        Mock::given(method("HEAD"))
            .and(path("/test-search"))
            .and(basic_auth("cue", "s3cret"))
            .respond_with(ResponseTemplate::new(404))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("PUT"))
            .and(path("/test-search"))
            .and(body_json(OpenSearchIndex::mappings()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"acknowledged": true})))
            .expect(1)
            .mount(&server)
            .await;
        let index = OpenSearchIndex::new(&config(&server.uri())).unwrap();
        index.ensure_ready().await.unwrap();

        let server = MockServer::start().await;
        Mock::given(method("HEAD"))
            .and(path("/test-search"))
            .respond_with(ResponseTemplate::new(200))
            .mount(&server)
            .await;
        Mock::given(method("PUT"))
            .respond_with(ResponseTemplate::new(200))
            .expect(0)
            .mount(&server)
            .await;
        let index = OpenSearchIndex::new(&config(&server.uri())).unwrap();
        index.ensure_ready().await.unwrap();
    }

    #[tokio::test]
    async fn a_cluster_down_at_startup_gets_its_mappings_before_the_first_write() {
        let server = MockServer::start().await;
        Mock::given(method("HEAD"))
            .and(path("/test-search"))
            .respond_with(ResponseTemplate::new(404))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("PUT"))
            .and(path("/test-search"))
            .and(body_json(OpenSearchIndex::mappings()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"acknowledged": true})))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path_regex(r"^/test-search/_doc/templates\.[ab]$"))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({"result": "created"})))
            .expect(2)
            .mount(&server)
            .await;
        // No ensure_ready at startup (the cluster was down then): the first write creates
        // the index with its mappings, the second finds it known.
        let index = OpenSearchIndex::new(&config(&server.uri())).unwrap();
        index.upsert(doc(Scope::Templates, "a")).await.unwrap();
        index.upsert(doc(Scope::Templates, "b")).await.unwrap();
    }

    #[tokio::test]
    async fn a_concurrent_create_is_not_an_error() {
        let server = MockServer::start().await;
        Mock::given(method("HEAD"))
            .respond_with(ResponseTemplate::new(404))
            .mount(&server)
            .await;
        Mock::given(method("PUT"))
            .and(path("/test-search"))
            .respond_with(ResponseTemplate::new(400).set_body_json(
                json!({"error": {"type": "resource_already_exists_exception"}, "status": 400}),
            ))
            .mount(&server)
            .await;
        let index = OpenSearchIndex::new(&config(&server.uri())).unwrap();
        index.ensure_ready().await.unwrap();
    }

    #[tokio::test]
    async fn writes_documents_under_scoped_ids() {
        let server = with_index().await;
        let owner = OwnerId(Uuid::now_v7());
        let id = format!("/test-search/_doc/owner-{owner}.w1");
        Mock::given(method("POST"))
            .and(path(id.as_str()))
            .and(body_json(json!({
                "scope": format!("owner-{owner}"),
                "doc_id": "w1",
                "title": "Stripe alerts",
                "description": "Post big payments",
                "tools": "Stripe Google Sheets",
                "trigger": "app event Stripe payment",
                "tags": ["finance"],
                "browse_order": 7
            })))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({"result": "created"})))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("DELETE"))
            .and(path(id.as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"result": "deleted"})))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("DELETE"))
            .and(path("/test-search/_doc/templates.gone"))
            .respond_with(ResponseTemplate::new(404).set_body_json(json!({"result": "not_found"})))
            .expect(1)
            .mount(&server)
            .await;
        let index = OpenSearchIndex::new(&config(&server.uri())).unwrap();
        index.upsert(doc(Scope::Owner(owner), "w1")).await.unwrap();
        index.delete(Scope::Owner(owner), "w1").await.unwrap();
        index.delete(Scope::Templates, "gone").await.unwrap();
    }

    #[tokio::test]
    async fn bulk_writes_action_and_source_lines() {
        let server = with_index().await;
        Mock::given(method("POST"))
            .and(path("/test-search/_bulk"))
            .respond_with(|req: &Request| {
                let lines: Vec<Value> = std::str::from_utf8(&req.body)
                    .unwrap()
                    .lines()
                    .map(|l| serde_json::from_str(l).unwrap())
                    .collect();
                assert_eq!(lines.len(), 4);
                assert_eq!(lines[0], json!({"index": {"_id": "templates.a"}}));
                assert_eq!(lines[1]["doc_id"], "a");
                assert_eq!(lines[2], json!({"index": {"_id": "templates.b"}}));
                ResponseTemplate::new(200).set_body_json(json!({"errors": false, "items": []}))
            })
            .expect(1)
            .mount(&server)
            .await;
        let index = OpenSearchIndex::new(&config(&server.uri())).unwrap();
        index
            .upsert_many(vec![doc(Scope::Templates, "a"), doc(Scope::Templates, "b")])
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn bulk_item_errors_are_reported() {
        let server = with_index().await;
        Mock::given(method("POST"))
            .and(path("/test-search/_bulk"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "errors": true,
                "items": [{"index": {"status": 400, "error": {"type": "mapper_parsing_exception"}}}]
            })))
            .mount(&server)
            .await;
        let index = OpenSearchIndex::new(&config(&server.uri())).unwrap();
        let err = index
            .upsert_many(vec![doc(Scope::Templates, "a")])
            .await
            .unwrap_err();
        assert!(
            matches!(&err, SearchError::Unavailable(e) if e.to_string().contains("mapper_parsing"))
        );
    }

    #[tokio::test]
    async fn search_sends_boosted_multi_match_with_the_owner_filter() {
        let server = with_index().await;
        let owner = OwnerId(Uuid::now_v7());
        Mock::given(method("POST"))
            .and(path("/test-search/_search"))
            .and(body_partial_json(json!({
                "query": {"bool": {
                    "must": [{"multi_match": {
                        "query": "stripe payment",
                        "type": "most_fields",
                        "fields": ["title^3", "tags^2", "tools^2", "trigger^1", "description^1"]
                    }}],
                    "filter": [
                        {"term": {"scope": format!("owner-{owner}")}},
                        {"term": {"tags.raw": "finance"}}
                    ]
                }},
                "from": 0,
                "size": 2,
                "track_total_hits": true
            })))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "hits": {
                    "total": {"value": 3, "relation": "eq"},
                    "hits": [
                        {"_id": "x", "_score": 2.5, "_source": {"doc_id": "w1"}},
                        {"_id": "y", "_score": 1.0, "_source": {"doc_id": "w2"}}
                    ]
                }
            })))
            .expect(1)
            .mount(&server)
            .await;
        let index = OpenSearchIndex::new(&config(&server.uri())).unwrap();
        let q = SearchQuery {
            tag: Some("Finance".into()),
            limit: 2,
            ..SearchQuery::new(Scope::Owner(owner), "Stripe payments")
        };
        let page = index.search(&q).await.unwrap();
        assert_eq!(page.total, 3);
        assert_eq!(
            page.hits,
            vec![
                SearchHit {
                    id: "w1".into(),
                    score: 2.5
                },
                SearchHit {
                    id: "w2".into(),
                    score: 1.0
                }
            ]
        );
        // The cursor asks for the next offset.
        let next = SearchQuery {
            cursor: page.next_cursor,
            ..q
        };
        assert_eq!(next.offset().unwrap(), 2);
        assert_eq!(OpenSearchIndex::query_body(&next, 2)["from"], 2);
    }

    #[tokio::test]
    async fn empty_queries_browse_with_match_all() {
        let body = OpenSearchIndex::query_body(&SearchQuery::new(Scope::Templates, " ! "), 0);
        assert_eq!(body["query"]["bool"]["must"][0], json!({"match_all": {}}));
        assert_eq!(body["sort"][1], json!({"browse_order": "desc"}));
    }

    #[tokio::test]
    async fn failures_are_unavailable() {
        // A server error.
        let server = with_index().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(503).set_body_string("cluster_block_exception"))
            .mount(&server)
            .await;
        let index = OpenSearchIndex::new(&config(&server.uri())).unwrap();
        let err = index
            .search(&SearchQuery::new(Scope::Templates, "x"))
            .await
            .unwrap_err();
        assert!(matches!(err, SearchError::Unavailable(_)), "{err:?}");

        // Nothing listening.
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let index = OpenSearchIndex::new(&config(&format!("http://127.0.0.1:{port}"))).unwrap();
        assert!(matches!(
            index.ensure_ready().await,
            Err(SearchError::Unavailable(_))
        ));
        assert!(matches!(
            index.upsert(doc(Scope::Templates, "a")).await,
            Err(SearchError::Unavailable(_))
        ));

        // Too slow.
        let server = with_index().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"hits": {"total": {"value": 0}, "hits": []}}))
                    .set_delay(Duration::from_secs(5)),
            )
            .mount(&server)
            .await;
        let mut slow = config(&server.uri());
        slow.timeout = Duration::from_millis(200);
        let index = OpenSearchIndex::new(&slow).unwrap();
        let started = std::time::Instant::now();
        let err = index
            .search(&SearchQuery::new(Scope::Templates, "x"))
            .await
            .unwrap_err();
        assert!(matches!(err, SearchError::Unavailable(_)));
        assert!(started.elapsed() < Duration::from_secs(3));
    }

    #[test]
    fn a_private_ca_is_accepted_and_garbage_is_not() {
        let pem = include_bytes!("../../tests/data/test-ca.pem");
        let mut c = config("https://search.internal:9200");
        c.ca_cert_pem = Some(pem.to_vec());
        assert!(OpenSearchIndex::new(&c).is_ok());
        c.ca_cert_pem = Some(b"not a certificate".to_vec());
        let err = OpenSearchIndex::new(&c).unwrap_err();
        assert!(err.to_string().contains("CA certificate"), "{err}");
        // Verification off: the CA is not even read.
        c.verify_tls = false;
        assert!(OpenSearchIndex::new(&c).is_ok());
    }

    #[test]
    fn a_bad_url_is_rejected_up_front() {
        assert!(OpenSearchIndex::new(&config("not a url")).is_err());
    }
}
