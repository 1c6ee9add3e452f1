//! The search index the gateway uses: building it from settings and filling it (at startup and
//! from `cue-gateway reindex`). The workflows service keeps it in step with workflow writes.
//!
//! A workflow write never fails because the index did: the database is the source of truth,
//! a failed index write is logged, and `cue-gateway reindex` (or, for the embedded index, the
//! next start) repairs the index.

use std::sync::Arc;

use anyhow::Context as _;
use cue_workflows::TemplateLibrary;
use cue_workflows::repo::{WorkflowId, WorkflowRepository};
use cue_workflows::search::{OnDemandIndex, SearchDoc, SearchIndex};

use crate::config::OpenSearchSettings;

/// Workflows read from the database per page while indexing.
const SCAN_PAGE: i64 = 500;

/// The index the settings name: OpenSearch when `OPENSEARCH_URL` is set, else in process.
pub fn build_index(
    opensearch: Option<&OpenSearchSettings>,
    workflows: Arc<dyn WorkflowRepository>,
) -> anyhow::Result<Arc<dyn SearchIndex>> {
    match opensearch {
        None => Ok(Arc::new(OnDemandIndex::new(workflows))),
        #[cfg(feature = "opensearch")]
        Some(s) => {
            use cue_workflows::search::opensearch::{OpenSearchConfig, OpenSearchIndex};
            let ca_cert_pem = match &s.ca_cert {
                None => None,
                Some(path) => Some(std::fs::read(path).with_context(|| {
                    format!("OPENSEARCH_CA_CERT: cannot read {}", path.display())
                })?),
            };
            let index = OpenSearchIndex::new(&OpenSearchConfig {
                ca_cert_pem,
                url: s.url.clone(),
                username: s.username.clone(),
                password: s.password.clone(),
                index_prefix: s.index_prefix.clone(),
                timeout: s.timeout,
                verify_tls: s.verify_tls,
            })
            .context("OPENSEARCH_URL / OPENSEARCH_CA_CERT")?;
            Ok(Arc::new(index))
        }
        #[cfg(not(feature = "opensearch"))]
        Some(_) => anyhow::bail!(
            "OPENSEARCH_URL: this binary was built without the `opensearch` feature (cargo build --features opensearch)"
        ),
    }
}

/// How many documents an indexing run wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Indexed {
    pub templates: usize,
    pub workflows: usize,
}

/// Prepares the index and writes every template and every stored workflow into it.
pub async fn index_everything(
    index: &dyn SearchIndex,
    templates: &TemplateLibrary,
    workflows: &dyn WorkflowRepository,
) -> anyhow::Result<Indexed> {
    index
        .ensure_ready()
        .await
        .context("preparing the search index")?;
    let count = index_templates(index, templates).await?;
    let mut done = 0;
    let mut after: Option<WorkflowId> = None;
    loop {
        let page = workflows
            .scan(after, SCAN_PAGE)
            .await
            .context("reading workflows to index")?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        done += page.len();
        index
            .upsert_many(page.iter().map(SearchDoc::from_workflow).collect())
            .await
            .context("writing workflows to the search index")?;
    }
    Ok(Indexed {
        templates: count,
        workflows: done,
    })
}

/// Writes the template library into the index.
pub async fn index_templates(
    index: &dyn SearchIndex,
    templates: &TemplateLibrary,
) -> anyhow::Result<usize> {
    let docs: Vec<SearchDoc> = templates
        .all()
        .iter()
        .enumerate()
        .map(|(i, t)| SearchDoc::from_template(t, i))
        .collect();
    let count = docs.len();
    index
        .upsert_many(docs)
        .await
        .context("writing templates to the search index")?;
    Ok(count)
}

/// Fills the index when the application starts. The embedded index gets the templates (a
/// user's workflows are read from the database when searched, so they need no indexing). An
/// OpenSearch index keeps its documents, so it gets its mappings and the templates (they change
/// with releases); when the cluster is down the application starts anyway, searches answer 503,
/// the adapter creates the mappings on its first call once the cluster is back, and
/// `cue-gateway reindex` fills in what was missed.
pub async fn prepare_at_startup(
    index: &dyn SearchIndex,
    embedded: bool,
    templates: &TemplateLibrary,
) -> anyhow::Result<()> {
    if embedded {
        let n = index_templates(index, templates).await?;
        tracing::info!(templates = n, "search index built");
        return Ok(());
    }
    let ready = async {
        index
            .ensure_ready()
            .await
            .context("preparing the search index")?;
        index_templates(index, templates).await
    };
    match ready.await {
        Ok(n) => tracing::info!(templates = n, "OpenSearch index ready"),
        Err(e) => tracing::warn!(error = %format!("{e:#}"),
            "OpenSearch is unavailable: searches answer 503 until it is back; run `cue-gateway reindex` then"),
    }
    Ok(())
}
