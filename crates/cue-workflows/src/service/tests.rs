//! The service over the in-memory fakes of its ports: no database, no network.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};

use async_trait::async_trait;
use cue_validate::{Options, ValidateError};

use super::*;
use crate::InMemoryWorkflows;
use crate::artifacts::{ArtifactError, MemoryArtifactStore};
use crate::repo::{RepoError, WorkflowPage};
use crate::search::{EmbeddedIndex, SearchError};
use crate::validation::InlineValidator;

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
    ) -> Result<Vec<WorkflowRecord>, RepoError> {
        self.get_manys.fetch_add(1, Ordering::Relaxed);
        self.inner.get_many(owner, ids).await
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
    ) -> Result<Option<Vec<WorkflowVersion>>, RepoError> {
        self.inner.versions(owner, id).await
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

#[tokio::test]
async fn generating_for_an_owner_saves_and_indexes_what_the_engine_validated() {
    let f = fixture();
    let out = f.generate().await;
    assert!(out.saved);
    assert!(out.report.is_valid);
    assert!(
        f.validations().is_empty(),
        "the engine validated; the service did not again"
    );
    let record = f.service.get(f.owner, out.id).await.unwrap();
    assert_eq!(record.status, WorkflowStatus::Completed);
    assert_eq!(record.prompt, PROMPT);
    assert_eq!(record.code, out.generated.code);
    assert_eq!(record.description, out.generated.plan.summary);
    assert_eq!(
        serde_json::from_value::<Plan>(record.plan).unwrap(),
        out.generated.plan
    );
    assert_eq!(f.indexed("stripe").await, [out.id.to_string()]);
}

#[tokio::test]
async fn anonymous_generation_is_answered_but_not_saved() {
    let f = fixture();
    let out = f
        .service
        .generate(None, GenerateRequest::text(PROMPT))
        .await
        .unwrap();
    assert!(!out.saved);
    assert!(!out.generated.code.is_empty());
    assert_eq!(f.repo.inner.scan(None, 10).await.unwrap().len(), 0);
    assert!(matches!(
        f.service.get(f.owner, out.id).await,
        Err(WorkflowError::WorkflowNotFound)
    ));
}

#[tokio::test]
async fn code_a_generator_did_not_validate_is_validated_and_if_invalid_needs_review() {
    let f = fixture_with(Arc::new(SloppyGenerator), None);
    let out = f.generate().await;
    assert_eq!(f.validations(), [Stage::InitialSkeleton]);
    assert!(!out.report.is_valid);
    let record = f.service.get(f.owner, out.id).await.unwrap();
    assert_eq!(record.status, WorkflowStatus::NeedsReview);
}

#[tokio::test]
async fn a_template_is_saved_like_a_generation_with_its_description_as_prompt() {
    let f = fixture();
    let template = f.service.templates().all()[0].clone();
    let out = f.service.use_template(f.owner, &template.id).await.unwrap();
    assert!(out.saved && out.report.is_valid);
    assert_eq!(out.generated.plan, template.plan);
    let record = f.service.get(f.owner, out.id).await.unwrap();
    assert_eq!(record.prompt, template.description);
    assert!(matches!(
        f.service.use_template(f.owner, "no-such-template").await,
        Err(WorkflowError::TemplateNotFound)
    ));
    let view = f.service.template(&template.id).unwrap();
    assert_eq!(view.graph, out.generated.graph);
    assert!(matches!(
        f.service.template("no-such-template"),
        Err(WorkflowError::TemplateNotFound)
    ));
}

#[tokio::test]
async fn templates_are_searched_through_the_index() {
    let f = fixture();
    let docs = f
        .service
        .templates()
        .all()
        .iter()
        .enumerate()
        .map(|(i, t)| SearchDoc::from_template(t, i))
        .collect();
    f.index.upsert_many(docs).await.unwrap();
    let page = f
        .service
        .search_templates(TemplateSearch {
            text: "stripe payments".into(),
            tag: None,
            limit: 2,
            cursor: None,
        })
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2);
    assert!(page.total >= 2 && page.next_cursor.is_some());
    assert!(page.items[0].tool_names().iter().any(|t| t == "Stripe"));
    let refused = f
        .service
        .search_templates(TemplateSearch {
            text: String::new(),
            tag: None,
            limit: 0,
            cursor: None,
        })
        .await;
    assert!(matches!(
        refused,
        Err(WorkflowError::Search(SearchError::InvalidQuery(_)))
    ));
}

#[tokio::test]
async fn credentials_are_filled_validated_at_the_stage_reached_and_never_stored() {
    let f = fixture();
    let out = f.generate().await;
    let placeholders = out.generated.plan.placeholders();
    assert!(placeholders.len() >= 2, "{placeholders:?}");

    let one = BTreeMap::from([(placeholders[0].clone(), "v\"1".to_owned())]);
    let partial = f
        .service
        .fill_credentials(f.owner, out.id, &one)
        .await
        .unwrap();
    assert_eq!(partial.missing, placeholders[1..]);
    assert!(
        !partial
            .code
            .contains(&format!("{{{{{}}}}}", placeholders[0]))
    );

    let all: BTreeMap<String, String> = placeholders
        .iter()
        .map(|p| (p.clone(), format!("value-of-{p}")))
        .collect();
    let filled = f
        .service
        .fill_credentials(f.owner, out.id, &all)
        .await
        .unwrap();
    assert!(filled.missing.is_empty());
    assert_eq!(filled.report.stage, Stage::FinalWithCredentials);
    assert_eq!(
        f.validations(),
        [Stage::InitialSkeleton, Stage::FinalWithCredentials]
    );
    let stored = f.service.get(f.owner, out.id).await.unwrap();
    assert_eq!(
        stored.code, out.generated.code,
        "credentials are never stored"
    );

    let unknown = BTreeMap::from([("NOT_A_PLACEHOLDER".to_owned(), "x".to_owned())]);
    assert!(matches!(
        f.service.fill_credentials(f.owner, out.id, &unknown).await,
        Err(WorkflowError::UnknownCredentials { .. })
    ));
    assert!(matches!(
        f.service
            .fill_credentials(OwnerId(Uuid::now_v7()), out.id, &all)
            .await,
        Err(WorkflowError::WorkflowNotFound)
    ));
}

#[tokio::test]
async fn a_workflow_written_by_hand_has_no_plan_to_fill_or_bundle() {
    let f = fixture();
    let written = f.write("Mine", "by hand").await;
    let values = BTreeMap::from([("SLACK_BOT_TOKEN".to_owned(), "x".to_owned())]);
    assert!(matches!(
        f.service
            .fill_credentials(f.owner, written.id, &values)
            .await,
        Err(WorkflowError::NoPlan)
    ));
    assert!(matches!(
        f.service.bundle(f.owner, written.id).await,
        Err(WorkflowError::NoPlan)
    ));
}

#[tokio::test]
async fn a_bundle_is_built_once_per_version_and_then_read_from_the_store() {
    let f = fixture();
    let out = f.generate().await;
    let first = f.service.bundle(f.owner, out.id).await.unwrap();
    assert_eq!(first.version, 1);
    assert_eq!(
        first.zip,
        crate::bundle_zip(&out.generated, &out.generated.code).unwrap()
    );
    let key = ArtifactKey::bundle(out.id.0, 1);
    assert_eq!(
        f.artifacts.content_type(&key).as_deref(),
        Some("application/zip")
    );
    // What the store holds is what is served.
    f.artifacts
        .put(&key, b"cached".to_vec(), "application/zip")
        .await
        .unwrap();
    assert_eq!(
        f.service.bundle(f.owner, out.id).await.unwrap().zip,
        b"cached"
    );

    // A new version of the code is a new bundle, built from the code as edited.
    let edited = format!("{}\n# edited\n", out.generated.code);
    f.service
        .update(
            f.owner,
            out.id,
            WorkflowInput {
                code: Some(edited.clone()),
                ..WorkflowInput::default()
            },
        )
        .await
        .unwrap();
    let second = f.service.bundle(f.owner, out.id).await.unwrap();
    assert_eq!(second.version, 2);
    assert_eq!(
        second.zip,
        crate::bundle_zip(&out.generated, &edited).unwrap()
    );
}

#[tokio::test]
async fn a_bundle_is_built_even_when_the_store_is_down() {
    let f = fixture_with(ENGINE.clone(), Some(Arc::new(DownArtifacts)));
    let out = f.generate().await;
    let bundle = f.service.bundle(f.owner, out.id).await.unwrap();
    assert_eq!(
        bundle.zip,
        crate::bundle_zip(&out.generated, &out.generated.code).unwrap()
    );
    // Deleting succeeds too: the bundles are only a cache.
    f.service.delete(f.owner, out.id).await.unwrap();
}

#[tokio::test]
async fn deleting_removes_the_record_its_index_entry_and_its_bundles() {
    let f = fixture();
    let out = f.generate().await;
    f.service.bundle(f.owner, out.id).await.unwrap();
    let key = ArtifactKey::bundle(out.id.0, 1);
    assert!(f.artifacts.get(&key).await.unwrap().is_some());

    let stranger = OwnerId(Uuid::now_v7());
    assert!(matches!(
        f.service.delete(stranger, out.id).await,
        Err(WorkflowError::WorkflowNotFound)
    ));
    f.service.delete(f.owner, out.id).await.unwrap();
    assert!(matches!(
        f.service.get(f.owner, out.id).await,
        Err(WorkflowError::WorkflowNotFound)
    ));
    assert!(f.indexed("stripe").await.is_empty());
    assert!(f.artifacts.get(&key).await.unwrap().is_none());
    assert!(matches!(
        f.service.delete(f.owner, out.id).await,
        Err(WorkflowError::WorkflowNotFound)
    ));
}

#[tokio::test]
async fn a_search_reads_its_hits_in_one_query_in_rank_order() {
    let f = fixture();
    let best = f
        .write("Stripe refunds report", "Lists Stripe refunds weekly")
        .await;
    let other = f.write("Finance digest", "Mentions Stripe once").await;
    f.write("GitHub issues", "Nothing about payments").await;
    // An index entry whose workflow is gone (deleted while the index was down).
    let ghost = f.write("Stripe ghost", "Stripe Stripe Stripe").await;
    f.repo.inner.delete(f.owner, ghost.id).await.unwrap();
    // Another owner's workflow matching the words is never seen.
    f.service
        .create(
            OwnerId(Uuid::now_v7()),
            WorkflowInput {
                name: Some("Stripe refunds of someone else".into()),
                ..WorkflowInput::default()
            },
        )
        .await
        .unwrap();

    let gets = f.repo.gets.load(Ordering::Relaxed);
    let page = f
        .service
        .list(f.owner, search("stripe refunds", 20))
        .await
        .unwrap();
    let ids: Vec<WorkflowId> = page.items.iter().map(|r| r.id).collect();
    assert_eq!(ids, [best.id, other.id], "ranked, the ghost skipped");
    assert_eq!(page.total, 3, "the index still counts the ghost");
    assert_eq!(f.repo.get_manys.load(Ordering::Relaxed), 1);
    assert_eq!(f.repo.gets.load(Ordering::Relaxed), gets, "no read per hit");

    // Paging with the cursor.
    let first = f
        .service
        .list(f.owner, search("stripe refunds", 1))
        .await
        .unwrap();
    let cursor = first.next_cursor.expect("more pages");
    let next = f
        .service
        .list(
            f.owner,
            ListRequest {
                limit: 1,
                text: Some("stripe refunds".into()),
                cursor: Some(cursor),
                offset: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(next.offset, 1);
}

#[tokio::test]
async fn listing_checks_limit_offset_and_paging() {
    let f = fixture();
    let first = f.write("First", "").await;
    let second = f.write("Second", "").await;
    let page = f
        .service
        .list(
            f.owner,
            ListRequest {
                limit: 1,
                offset: Some(1),
                ..ListRequest::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (page.total, page.offset, page.items[0].id),
        (2, 1, first.id)
    );
    assert_eq!(
        f.service.recent(f.owner, 10).await.unwrap()[0].id,
        second.id
    );

    let refused = |request: ListRequest| {
        let service = &f.service;
        async move { service.list(f.owner, request).await.unwrap_err() }
    };
    for limit in [0, 101, -1] {
        let err = refused(ListRequest {
            limit,
            ..ListRequest::default()
        })
        .await;
        assert_eq!(err.to_string(), "limit must be between 1 and 100");
    }
    let err = refused(ListRequest {
        limit: 5,
        offset: Some(-1),
        ..ListRequest::default()
    })
    .await;
    assert_eq!(err.to_string(), "offset must not be negative");
    let err = refused(ListRequest {
        offset: Some(0),
        ..search("x", 5)
    })
    .await;
    assert_eq!(err.to_string(), "a search pages with cursor, not offset");
    let err = refused(ListRequest {
        cursor: Some("not-a-cursor".into()),
        ..search("x", 5)
    })
    .await;
    assert!(matches!(
        err,
        WorkflowError::Search(SearchError::InvalidCursor)
    ));
}

#[tokio::test]
async fn written_workflows_are_checked_in_order_and_get_defaults() {
    let f = fixture();
    let blank = f
        .service
        .create(
            f.owner,
            WorkflowInput {
                name: Some("   ".into()),
                ..WorkflowInput::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(blank.name, "Untitled workflow");
    assert_eq!(blank.status, WorkflowStatus::Draft);
    assert_eq!(blank.graph, json!({"nodes": [], "edges": []}));
    assert_eq!(blank.plan, Value::Null);
    assert_eq!(f.indexed("untitled").await, [blank.id.to_string()]);

    let create = |input: WorkflowInput| {
        let service = &f.service;
        async move { service.create(f.owner, input).await.unwrap_err() }
    };
    let err = create(WorkflowInput {
        name: Some("n".repeat(MAX_NAME_CHARS + 1)),
        status: Some("bogus".into()),
        ..WorkflowInput::default()
    })
    .await;
    assert_eq!(err.to_string(), "name must be at most 200 characters");
    let err = create(WorkflowInput {
        code: Some("x".repeat(MAX_CODE_BYTES + 1)),
        status: Some("bogus".into()),
        ..WorkflowInput::default()
    })
    .await;
    assert!(matches!(err, WorkflowError::CodeTooLarge { limit } if limit == MAX_CODE_BYTES));
    let err = create(WorkflowInput {
        status: Some("bogus".into()),
        ..WorkflowInput::default()
    })
    .await;
    assert_eq!(
        err.to_string(),
        r#"status must be one of ["draft", "completed", "needs_review", "deployed", "archived"]"#
    );
    // A multi-byte name is counted in characters, not bytes.
    f.write(&"é".repeat(MAX_NAME_CHARS), "").await;
}

#[tokio::test]
async fn updates_keep_versions_and_reindex_and_empty_ones_only_read() {
    let f = fixture();
    let written = f.write("Before", "").await;
    let unchanged = f
        .service
        .update(f.owner, written.id, WorkflowInput::default())
        .await
        .unwrap();
    assert_eq!(unchanged, written);
    let updated = f
        .service
        .update(
            f.owner,
            written.id,
            WorkflowInput {
                name: Some("After".into()),
                code: Some("print(1)\n".into()),
                status: Some("deployed".into()),
                ..WorkflowInput::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (updated.name.as_str(), updated.version, updated.status),
        ("After", 2, WorkflowStatus::Deployed)
    );
    assert_eq!(f.indexed("after").await, [written.id.to_string()]);
    let versions = f.service.versions(f.owner, written.id).await.unwrap();
    assert_eq!(versions.len(), 1);

    let stranger = OwnerId(Uuid::now_v7());
    for input in [
        WorkflowInput::default(),
        WorkflowInput {
            name: Some("Stolen".into()),
            ..WorkflowInput::default()
        },
    ] {
        assert!(matches!(
            f.service.update(stranger, written.id, input).await,
            Err(WorkflowError::WorkflowNotFound)
        ));
    }
    assert!(matches!(
        f.service.versions(stranger, written.id).await,
        Err(WorkflowError::WorkflowNotFound)
    ));
}
