//! Settings from AWS Secrets Manager (gateway feature `aws`).
//!
//! A deployment keeps its secrets (`SECRET_KEY`, `GOOGLE_CLIENT_SECRET`, `DATABASE_URL`, ...) as
//! one secret whose `SecretString` is a flat JSON object, and the gateway merges the result into
//! its configuration at startup. Values are never logged and never appear in an error: errors
//! name the secret and the offending key only.

use std::collections::BTreeMap;

use anyhow::{Context, anyhow, bail};
use aws_config::BehaviorVersion;
use aws_sdk_secretsmanager::{Client, config::Region, error::DisplayErrorContext};
use serde_json::Value;

/// Reads `secret_id` (a name or ARN) and returns its settings. `region` and `endpoint`
/// override the SDK's defaults (`AWS_REGION`, `AWS_ENDPOINT_URL`); credentials come from the
/// SDK's default chain (environment, profile, container or instance role).
pub async fn load_secret_settings(
    secret_id: &str,
    region: Option<&str>,
    endpoint: Option<&str>,
) -> anyhow::Result<BTreeMap<String, String>> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        // An unanswering endpoint must not hold a request (or startup) for the SDK's defaults.
        .timeout_config(
            aws_config::timeout::TimeoutConfig::builder()
                .connect_timeout(std::time::Duration::from_secs(3))
                .operation_attempt_timeout(std::time::Duration::from_secs(10))
                .operation_timeout(std::time::Duration::from_secs(30))
                .build(),
        );
    if let Some(region) = region {
        loader = loader.region(Region::new(region.to_owned()));
    }
    if let Some(endpoint) = endpoint {
        loader = loader.endpoint_url(endpoint);
    }
    let client = Client::new(&loader.load().await);
    load_with_client(&client, secret_id).await
}

/// [`load_secret_settings`] with a client built by the caller.
pub async fn load_with_client(
    client: &Client,
    secret_id: &str,
) -> anyhow::Result<BTreeMap<String, String>> {
    let out = client
        .get_secret_value()
        .secret_id(secret_id)
        .send()
        .await
        .map_err(|e| {
            anyhow!(
                "cannot read secret {secret_id:?} from Secrets Manager: {}",
                DisplayErrorContext(&e)
            )
        })?;
    let text = out.secret_string().ok_or_else(|| {
        anyhow!("secret {secret_id:?} has no SecretString (binary secrets are not supported)")
    })?;
    parse_settings(text).with_context(|| format!("secret {secret_id:?}"))
}

/// Parses a flat JSON object: strings as they are, numbers and booleans as their JSON text.
/// Nested objects, arrays and nulls are rejected with an error naming the key.
pub fn parse_settings(text: &str) -> anyhow::Result<BTreeMap<String, String>> {
    // serde_json's message could quote part of the input; only the position is reported.
    let value: Value = serde_json::from_str(text).map_err(|e| {
        anyhow!(
            "SecretString is not valid JSON (line {}, column {})",
            e.line(),
            e.column()
        )
    })?;
    let Value::Object(object) = value else {
        bail!(
            "SecretString must be a JSON object of settings, not {}",
            kind(&value)
        );
    };
    object
        .into_iter()
        .map(|(key, value)| {
            let text = match value {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                other => bail!(
                    "setting {key:?} is {}; only strings, numbers and booleans are allowed",
                    kind(&other)
                ),
            };
            Ok((key, text))
        })
        .collect()
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "a nested object",
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, clippy::expect_used, reason = "tests")]
mod tests {

    use aws_sdk_secretsmanager::config::{Credentials, retry::RetryConfig};

    use super::*;

    #[test]
    fn flattens_scalars_to_strings() {
        let settings = parse_settings(
            r#"{"SECRET_KEY":"s3cr3t","PORT":8000,"RATIO":0.5,"DEBUG":false,"EMPTY":""}"#,
        )
        .unwrap();
        let expected: BTreeMap<String, String> = [
            ("SECRET_KEY", "s3cr3t"),
            ("PORT", "8000"),
            ("RATIO", "0.5"),
            ("DEBUG", "false"),
            ("EMPTY", ""),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        assert_eq!(settings, expected);
        assert!(parse_settings("{}").unwrap().is_empty());
    }

    #[test]
    fn rejects_what_is_not_a_flat_object_naming_the_key_but_never_a_value() {
        for (text, must_mention) in [
            (
                r#"{"DB":{"password":"hunter2"}}"#,
                "\"DB\" is a nested object",
            ),
            (r#"{"HOSTS":["hunter2"]}"#, "\"HOSTS\" is an array"),
            (r#"{"MISSING":null}"#, "\"MISSING\" is null"),
            (r#"["hunter2"]"#, "must be a JSON object"),
            (r#""hunter2""#, "must be a JSON object"),
            (r#"{"KEY":"hunter2""#, "not valid JSON"),
            ("hunter2", "not valid JSON"),
        ] {
            let err = format!("{:#}", parse_settings(text).unwrap_err());
            assert!(err.contains(must_mention), "{text}: {err}");
            assert!(
                !err.contains("hunter2"),
                "{text}: the value leaked into {err}"
            );
        }
    }

    fn client(endpoint: &str) -> Client {
        let config = aws_sdk_secretsmanager::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(endpoint)
            .credentials_provider(Credentials::new("testing", "testing", None, None, "moto"))
            .retry_config(RetryConfig::disabled())
            .build();
        Client::from_conf(config)
    }

    #[tokio::test]
    async fn loads_a_secret_created_in_moto() {
        let Some(endpoint) = cue_store::testing::moto_endpoint() else {
            return;
        };
        let client = client(&endpoint);
        let name = format!("cue/test/{}", uuid_like());
        client
            .create_secret()
            .name(&name)
            .secret_string(
                r#"{"SECRET_KEY":"from-secrets-manager","PORT":8080,"SECURE_COOKIES":true}"#,
            )
            .send()
            .await
            .expect("create secret");
        let settings = load_with_client(&client, &name).await.unwrap();
        assert_eq!(
            settings.get("SECRET_KEY").map(String::as_str),
            Some("from-secrets-manager")
        );
        assert_eq!(settings.get("PORT").map(String::as_str), Some("8080"));
        assert_eq!(
            settings.get("SECURE_COOKIES").map(String::as_str),
            Some("true")
        );
        assert_eq!(settings.len(), 3);
    }

    #[tokio::test]
    async fn a_nested_secret_is_rejected_naming_the_secret_and_key() {
        let Some(endpoint) = cue_store::testing::moto_endpoint() else {
            return;
        };
        let client = client(&endpoint);
        let name = format!("cue/test/{}", uuid_like());
        client
            .create_secret()
            .name(&name)
            .secret_string(r#"{"DB":{"password":"hunter2"}}"#)
            .send()
            .await
            .expect("create secret");
        let err = format!("{:#}", load_with_client(&client, &name).await.unwrap_err());
        assert!(err.contains(&name) && err.contains("\"DB\""), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[tokio::test]
    async fn a_missing_secret_is_an_error_naming_it() {
        let Some(endpoint) = cue_store::testing::moto_endpoint() else {
            return;
        };
        let err = format!(
            "{:#}",
            load_with_client(&client(&endpoint), "cue/test/absent")
                .await
                .unwrap_err()
        );
        assert!(err.contains("cue/test/absent"), "{err}");
    }

    /// A unique suffix without a uuid dependency.
    fn uuid_like() -> String {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        format!("{nanos:x}-{:x}", std::process::id())
    }
}
