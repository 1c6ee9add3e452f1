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
