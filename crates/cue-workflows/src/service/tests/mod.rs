//! The service over the in-memory fakes of its ports: no database, no network.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};

use async_trait::async_trait;
use cue_validate::{Options, Report, Stage, ValidateError};
use serde_json::{Value, json};
use uuid::Uuid;

use super::*;
use crate::artifacts::{ArtifactError, ArtifactKey, MemoryArtifactStore};
use crate::model::{GenerateRequest, Generated};
use crate::repo::{
    NewWorkflow, OwnerId, RepoError, VersionsPage, WorkflowId, WorkflowPage, WorkflowPatch,
    WorkflowStatus, WorkflowSummary, WorkflowVersion, WorkflowWithCode, WorkflowWithPlan,
};
use crate::search::{
    EmbeddedIndex, Scope, SearchDoc, SearchError, SearchIndex, SearchPage, SearchQuery,
};
use crate::validation::InlineValidator;
use crate::{GeneratedWorkflow, InMemoryWorkflows, ListRequest, TemplateSearch, WorkflowInput};

mod generate;
mod package;
mod saved;

const PROMPT: &str = "Every weekday at 9am, post yesterday's Stripe payouts to #finance in Slack";

static ENGINE: LazyLock<Arc<Engine>> =
    LazyLock::new(|| Arc::new(Engine::new().expect("the built-in engine loads")));

/// Counts reads, so a test can tell one query from one per hit.
#[derive(Default)]
struct CountingRepo {
    inner: InMemoryWorkflows,
    gets: AtomicUsize,
    get_manys: AtomicUsize,
}

#[async_trait]
impl WorkflowRepository for CountingRepo {
    async fn create(&self, new: NewWorkflow) -> Result<WorkflowRecord, RepoError> {
        self.inner.create(new).await
    }
    async fn get(
        &self,
        owner: OwnerId,
        id: WorkflowId,
    ) -> Result<Option<WorkflowRecord>, RepoError> {
        self.gets.fetch_add(1, Ordering::Relaxed);
        self.inner.get(owner, id).await
    }
    async fn get_many(
        &self,
        owner: OwnerId,
        ids: &[WorkflowId],
    ) -> Result<Vec<WorkflowSummary>, RepoError> {
        self.get_manys.fetch_add(1, Ordering::Relaxed);
        self.inner.get_many(owner, ids).await
    }
    async fn recent_with_code(
        &self,
        owner: OwnerId,
        limit: i64,
    ) -> Result<Vec<WorkflowWithCode>, RepoError> {
        self.inner.recent_with_code(owner, limit).await
    }
    async fn recent_with_plan(
        &self,
        owner: OwnerId,
        limit: i64,
    ) -> Result<Vec<WorkflowWithPlan>, RepoError> {
        self.inner.recent_with_plan(owner, limit).await
    }
    async fn list(
        &self,
        owner: OwnerId,
        limit: i64,
        offset: i64,
    ) -> Result<WorkflowPage, RepoError> {
        self.inner.list(owner, limit, offset).await
    }
    async fn update(
        &self,
        owner: OwnerId,
        id: WorkflowId,
        patch: WorkflowPatch,
    ) -> Result<Option<WorkflowRecord>, RepoError> {
        self.inner.update(owner, id, patch).await
    }
    async fn delete(&self, owner: OwnerId, id: WorkflowId) -> Result<bool, RepoError> {
        self.inner.delete(owner, id).await
    }
    async fn scan(
        &self,
        after: Option<WorkflowId>,
        limit: i64,
    ) -> Result<Vec<WorkflowRecord>, RepoError> {
        self.inner.scan(after, limit).await
    }
    async fn versions(
        &self,
        owner: OwnerId,
        id: WorkflowId,
        page: VersionsPage,
    ) -> Result<Option<Vec<WorkflowVersion>>, RepoError> {
        self.inner.versions(owner, id, page).await
    }
}

/// Counts validations and records the stage of each.
#[derive(Default)]
struct CountingValidator {
    stages: std::sync::Mutex<Vec<Stage>>,
}

#[async_trait]
impl CodeValidator for CountingValidator {
    async fn validate(&self, source: String, options: Options) -> Result<Report, ValidateError> {
        self.stages.lock().unwrap().push(options.stage);
        InlineValidator.validate(source, options).await
    }
}

/// An artifact store that is down.
struct DownArtifacts;

#[async_trait]
impl ArtifactStore for DownArtifacts {
    async fn put(&self, _: &ArtifactKey, _: Vec<u8>, _: &str) -> Result<(), ArtifactError> {
        Err(ArtifactError::Unavailable("down".into()))
    }
    async fn get(&self, _: &ArtifactKey) -> Result<Option<Vec<u8>>, ArtifactError> {
        Err(ArtifactError::Unavailable("down".into()))
    }
    async fn delete(&self, _: &ArtifactKey) -> Result<(), ArtifactError> {
        Err(ArtifactError::Unavailable("down".into()))
    }
}

/// A generator that, unlike the engine, leaves validation to the service, and whose code is
/// broken.
struct SloppyGenerator;

#[async_trait]
impl WorkflowGenerator for SloppyGenerator {
    async fn generate(&self, req: &GenerateRequest) -> Result<Generated, WorkflowError> {
        let mut generated = ENGINE.generate(req)?;
        generated.validation = None;
        generated.code = "def lambda_handler(event, context:\n    return 1\n".into();
        Ok(generated)
    }
}

struct Fixture {
    service: WorkflowService,
    repo: Arc<CountingRepo>,
    index: Arc<EmbeddedIndex>,
    artifacts: Arc<MemoryArtifactStore>,
    validator: Arc<CountingValidator>,
    owner: OwnerId,
}

const MAX_CODE_BYTES: usize = 64 * 1024;

fn fixture_with(
    generator: Arc<dyn WorkflowGenerator>,
    artifacts: Option<Arc<dyn ArtifactStore>>,
) -> Fixture {
    let repo = Arc::new(CountingRepo::default());
    let index = Arc::new(EmbeddedIndex::new());
    let memory_artifacts = Arc::new(MemoryArtifactStore::default());
    let validator = Arc::new(CountingValidator::default());
    let templates =
        Arc::new(TemplateLibrary::builtin(ENGINE.catalog()).expect("the library loads"));
    let service = WorkflowService::new(
        WorkflowPorts {
            repo: repo.clone(),
            search: index.clone(),
            artifacts: artifacts.unwrap_or_else(|| memory_artifacts.clone()),
            generator,
            validator: validator.clone(),
        },
        ENGINE.clone(),
        templates,
        WorkflowLimits {
            max_code_bytes: MAX_CODE_BYTES,
        },
    );
    Fixture {
        service,
        repo,
        index,
        artifacts: memory_artifacts,
        validator,
        owner: OwnerId(Uuid::now_v7()),
    }
}

fn fixture() -> Fixture {
    fixture_with(ENGINE.clone(), None)
}

impl Fixture {
    async fn generate(&self) -> GeneratedWorkflow {
        self.service
            .generate(Some(self.owner), GenerateRequest::text(PROMPT))
            .await
            .unwrap()
    }

    async fn write(&self, name: &str, description: &str) -> WorkflowRecord {
        self.service
            .create(
                self.owner,
                WorkflowInput {
                    name: Some(name.into()),
                    description: Some(description.into()),
                    ..WorkflowInput::default()
                },
            )
            .await
            .unwrap()
    }

    async fn indexed(&self, text: &str) -> Vec<String> {
        let query = SearchQuery::new(Scope::Owner(self.owner), text);
        let page = self.index.search(&query).await.unwrap();
        page.hits.into_iter().map(|h| h.id).collect()
    }

    fn validations(&self) -> Vec<Stage> {
        self.validator.stages.lock().unwrap().clone()
    }
}

fn search(text: &str, limit: i64) -> ListRequest {
    ListRequest {
        limit,
        text: Some(text.into()),
        ..ListRequest::default()
    }
}
