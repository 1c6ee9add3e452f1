//! `/code/validate` and `/code/syntax-check` in both request shapes.

use serde_json::{Value, json};

use crate::backend_tests;
use crate::helpers::{TestApp, error_code};

backend_tests!(
    validate_answers_in_the_specification_shape,
    validate_answers_in_the_frontend_shape,
    validate_rejects_bad_requests,
);

const VALID: &str = r#"import json
import logging

logger = logging.getLogger()


def lambda_handler(event, context):
    logger.info("event received")
    return {"statusCode": 200, "body": json.dumps({"ok": True})}
"#;

async fn validate_answers_in_the_specification_shape(app: TestApp) {
    let token = app.api_login("google", "google-code-ada").await;
    let post = |body: Value| {
        app.api
            .post(app.url("/code/validate"))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let ok: Value =
        post(json!({"code_to_validate": VALID, "validation_stage": "initial_skeleton"}))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(ok["is_valid"], true, "{ok}");
    assert_eq!(ok["validation_errors"], json!([]));
    assert_eq!(ok["checks"]["syntax"]["isValid"], true);

    let broken = "def lambda_handler(event, context)\n    return 1\n";
    let bad: Value = post(json!({"code_to_validate": broken}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(bad["is_valid"], false);
    let first = &bad["validation_errors"][0];
    assert_eq!(first["line"], 1);
    assert!(first["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert!(first["rule"].as_str().is_some_and(|r| r.starts_with("CUE")));
    assert_eq!(first["severity"], "error");

    let removed = "import imp\n\ndef lambda_handler(event, context):\n    return imp\n";
    let dep: Value = post(json!({"code_to_validate": removed, "python_version": "3.13"}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(dep["is_valid"], false);
    assert!(
        dep["validation_errors"].to_string().contains("imp"),
        "{dep}"
    );

    let placeholder = "import os\nKEY = os.environ.get(\"KEY\", \"{{API_KEY}}\")\n\ndef lambda_handler(event, context):\n    return KEY\n";
    let skeleton: Value =
        post(json!({"code_to_validate": placeholder, "validation_stage": "initial_skeleton"}))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(skeleton["is_valid"], true, "{skeleton}");
    let final_stage: Value = post(
        json!({"code_to_validate": placeholder, "validation_stage": "final_with_credentials"}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(
        final_stage["is_valid"], false,
        "placeholders left at the final stage are errors"
    );
}

async fn validate_answers_in_the_frontend_shape(app: TestApp) {
    let token = app.api_login("google", "google-code-ada").await;
    for path in ["/code/validate", "/code/syntax-check"] {
        let res: Value = app
            .post_as(&token, path, &json!({"code": "x = (\n"}))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(res["isValid"], false, "{path}: {res}");
        assert_eq!(res["validations"]["syntax"]["isValid"], false);
        assert!(res["errors"][0].as_str().unwrap().starts_with("line "));
        let res: Value = app
            .post_as(&token, path, &json!({"code": VALID}))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(res["isValid"], true, "{path}: {res}");
    }
}

async fn validate_rejects_bad_requests(app: TestApp) {
    let res = app
        .api
        .post(app.url("/code/validate"))
        .json(&json!({"code_to_validate": VALID}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res, 401).await, "not_authenticated");
    let token = app.api_login("google", "google-code-ada").await;
    let post = |body: Value| {
        app.api
            .post(app.url("/code/validate"))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    assert_eq!(
        error_code(
            post(json!({"validation_stage": "initial_skeleton"}))
                .await
                .unwrap(),
            400
        )
        .await,
        "missing_field"
    );
    assert_eq!(
        error_code(
            post(json!({"code_to_validate": VALID, "validation_stage": "eventually"}))
                .await
                .unwrap(),
            400
        )
        .await,
        "invalid_stage"
    );
    assert_eq!(
        error_code(
            post(json!({"code_to_validate": VALID, "python_version": "2.7"}))
                .await
                .unwrap(),
            400
        )
        .await,
        "invalid_python_version"
    );
    let huge = "x = 1\n".repeat(200_000);
    assert_eq!(
        error_code(post(json!({"code_to_validate": huge})).await.unwrap(), 413).await,
        "code_too_large"
    );
    // Hostile but small input is answered, not crashed on.
    let deep = format!("x = {}", "(".repeat(100_000));
    let res: Value = post(json!({"code_to_validate": deep}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(res["is_valid"], false);
    let nul = "def lambda_handler(event, context):\n    return '\u{0}'\n";
    let res = post(json!({"code_to_validate": nul})).await.unwrap();
    assert_eq!(res.status(), 200);
}
