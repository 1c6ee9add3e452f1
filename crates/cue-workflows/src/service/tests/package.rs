//! Credentials filled into saved workflows, and bundles.

use super::*;

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
