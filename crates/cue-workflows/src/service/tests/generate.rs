//! Generating, saving and the template library.

use super::*;

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

/// An index that reads workflows when searched, like `OnDemandIndex`, and counts the
/// documents it is handed anyway.
#[derive(Default)]
struct ReadingIndex {
    upserts: AtomicUsize,
}

#[async_trait]
impl SearchIndex for ReadingIndex {
    async fn ensure_ready(&self) -> Result<(), SearchError> {
        Ok(())
    }
    async fn upsert(&self, _doc: SearchDoc) -> Result<(), SearchError> {
        self.upserts.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
    async fn delete(&self, _scope: Scope, _id: &str) -> Result<(), SearchError> {
        Ok(())
    }
    async fn search(&self, _query: &SearchQuery) -> Result<SearchPage, SearchError> {
        Ok(SearchPage::default())
    }
    fn keeps_workflows(&self) -> bool {
        false
    }
}

#[tokio::test]
async fn an_index_that_reads_workflows_when_searched_is_not_written_on_save() {
    let index = Arc::new(ReadingIndex::default());
    let repo = Arc::new(InMemoryWorkflows::default());
    let service = WorkflowService::new(
        WorkflowPorts {
            repo: repo.clone(),
            search: index.clone(),
            artifacts: Arc::new(MemoryArtifactStore::default()),
            generator: ENGINE.clone(),
            validator: Arc::new(CountingValidator::default()),
        },
        ENGINE.clone(),
        Arc::new(TemplateLibrary::builtin(ENGINE.catalog()).unwrap()),
        WorkflowLimits {
            max_code_bytes: MAX_CODE_BYTES,
        },
    );
    let owner = OwnerId(Uuid::now_v7());
    let out = service
        .generate(Some(owner), GenerateRequest::text(PROMPT))
        .await
        .unwrap();
    assert!(out.saved);
    let written = service
        .create(
            owner,
            WorkflowInput {
                name: Some("Payout digest".into()),
                ..WorkflowInput::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(repo.scan(None, 10).await.unwrap().len(), 2);
    assert_eq!(index.upserts.load(Ordering::SeqCst), 0);
    assert_eq!(
        service.get(owner, written.id).await.unwrap().name,
        "Payout digest"
    );
}
