//! Saved workflows: search, listing, writes, versions, deletion.

use super::*;

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
        f.service.recent(f.owner, 10).await.unwrap()[0].summary.id,
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
    let versions = f
        .service
        .versions(f.owner, written.id, VersionsPage::default())
        .await
        .unwrap();
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
        f.service
            .versions(stranger, written.id, VersionsPage::default())
            .await,
        Err(WorkflowError::WorkflowNotFound)
    ));
}

#[tokio::test]
async fn graphs_that_clients_could_not_read_back_are_refused_before_storing() {
    let f = fixture();
    for graph in [
        json!({"nodes": ["x", 3], "edges": []}),
        json!({"nodes": [{"id": "1"}], "edges": [false]}),
        json!({"nodes": [{"id": "1"}, {"id": "1"}], "edges": []}),
        json!({"nodes": [{"id": "1"}], "edges": [{"id": "e", "source": "1", "target": "9"}]}),
    ] {
        let input = || WorkflowInput {
            graph: Some(graph.clone()),
            ..WorkflowInput::default()
        };
        let err = f.service.create(f.owner, input()).await.unwrap_err();
        assert!(
            matches!(err, WorkflowError::InvalidGraph(_)),
            "{graph}: {err:?}"
        );
        let written = f.write("ok", "").await;
        let err = f
            .service
            .update(f.owner, written.id, input())
            .await
            .unwrap_err();
        assert!(
            matches!(err, WorkflowError::InvalidGraph(_)),
            "{graph}: {err:?}"
        );
    }
    let page = f
        .service
        .list(
            f.owner,
            ListRequest {
                limit: 100,
                ..ListRequest::default()
            },
        )
        .await
        .unwrap();
    for item in page.items {
        let stored = f.service.get(f.owner, item.id).await.unwrap();
        assert_eq!(
            stored.graph,
            json!({"nodes": [], "edges": []}),
            "nothing malformed was stored"
        );
    }
}

#[tokio::test]
async fn code_with_a_literal_credential_is_never_stored() {
    let f = fixture();
    let leaked = "import os\n\nTOKEN = os.environ.get(\"SLACK_BOT_TOKEN\", \"xoxb-2048193742-4810385761-AbCdEfGhIjKlMnOpQrStUvWx\")\n";
    let input = || WorkflowInput {
        code: Some(leaked.to_owned()),
        ..WorkflowInput::default()
    };
    let err = f.service.create(f.owner, input()).await.unwrap_err();
    assert!(
        matches!(err, WorkflowError::SecretInCode { line: 3 }),
        "{err:?}"
    );
    assert!(err.to_string().contains("/credentials"), "{err}");
    let written = f.write("clean", "").await;
    let err = f
        .service
        .update(f.owner, written.id, input())
        .await
        .unwrap_err();
    assert!(matches!(err, WorkflowError::SecretInCode { .. }), "{err:?}");
    assert_eq!(
        f.service.get(f.owner, written.id).await.unwrap(),
        written,
        "unchanged"
    );
    // The placeholder form is what saved code keeps, and it is stored.
    let placeholder =
        "import os\n\nTOKEN = os.environ.get(\"SLACK_BOT_TOKEN\", \"{{SLACK_BOT_TOKEN}}\")\n";
    f.service
        .update(
            f.owner,
            written.id,
            WorkflowInput {
                code: Some(placeholder.to_owned()),
                ..WorkflowInput::default()
            },
        )
        .await
        .unwrap();
}
