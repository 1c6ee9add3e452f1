//! Bundles as objects in one S3 bucket (feature `s3`).

use async_trait::async_trait;
use aws_config::BehaviorVersion;
use aws_sdk_s3::{
    Client,
    config::{Region, http::HttpResponse},
    error::{DisplayErrorContext, SdkError},
    operation::get_object::GetObjectError,
    primitives::ByteStream,
};
use cue_workflows::artifacts::{ArtifactError, ArtifactKey, ArtifactStore};

/// Where the bundles go (`ARTIFACT_S3_BUCKET`, `ARTIFACT_S3_PREFIX`, `AWS_REGION`,
/// `AWS_ENDPOINT_URL`, `AWS_S3_FORCE_PATH_STYLE` in the gateway's configuration).
#[derive(Debug, Clone, Default)]
pub struct S3ArtifactConfig {
    pub bucket: String,
    /// Prepended to every key; a `/` is added when missing. Empty: the bucket root.
    pub prefix: String,
    /// `None`: the SDK's default region chain.
    pub region: Option<String>,
    /// Overrides the S3 endpoint (moto, MinIO, LocalStack).
    pub endpoint_url: Option<String>,
    /// Path-style addressing (`endpoint/bucket/key`), needed by most S3 look-alikes.
    pub force_path_style: bool,
}

/// An [`ArtifactStore`] on S3. Credentials come from the SDK's default chain.
#[derive(Debug, Clone)]
pub struct S3ArtifactStore {
    client: Client,
    bucket: String,
    prefix: String,
}

impl S3ArtifactStore {
    /// Loads the SDK configuration (environment, profile, instance role) and builds a client.
    pub async fn connect(config: &S3ArtifactConfig) -> Self {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            // An unanswering endpoint must not hold a request (or startup) for the SDK's defaults.
            .timeout_config(
                aws_config::timeout::TimeoutConfig::builder()
                    .connect_timeout(std::time::Duration::from_secs(3))
                    .operation_attempt_timeout(std::time::Duration::from_secs(10))
                    .operation_timeout(std::time::Duration::from_secs(30))
                    .build(),
            );
        if let Some(region) = &config.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(endpoint) = &config.endpoint_url {
            loader = loader.endpoint_url(endpoint.clone());
        }
        let sdk = loader.load().await;
        let s3 = aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(config.force_path_style)
            .build();
        Self::with_client(Client::from_conf(s3), &config.bucket, &config.prefix)
    }

    /// With a client the caller built (tests use static credentials).
    pub fn with_client(client: Client, bucket: &str, prefix: &str) -> Self {
        let prefix = match prefix.trim_matches('/') {
            "" => String::new(),
            p => format!("{p}/"),
        };
        Self {
            client,
            bucket: bucket.to_owned(),
            prefix,
        }
    }

    fn object_key(&self, key: &ArtifactKey) -> String {
        format!("{}{key}", self.prefix)
    }
}

/// Transport failures and throttling are "unavailable"; everything else is unexpected.
fn sdk_error<E>(e: SdkError<E, HttpResponse>) -> ArtifactError
where
    E: std::error::Error + Send + Sync + 'static,
{
    let unavailable = match &e {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => true,
        SdkError::ServiceError(s) => {
            matches!(s.raw().status().as_u16(), 429 | 500 | 502 | 503 | 504)
        }
        _ => false,
    };
    let cause: Box<dyn std::error::Error + Send + Sync> =
        DisplayErrorContext(&e).to_string().into();
    if unavailable {
        ArtifactError::Unavailable(cause)
    } else {
        ArtifactError::Internal(cause)
    }
}

#[async_trait]
impl ArtifactStore for S3ArtifactStore {
    async fn put(
        &self,
        key: &ArtifactKey,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Result<(), ArtifactError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(self.object_key(key))
            .content_type(content_type)
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    async fn get(&self, key: &ArtifactKey) -> Result<Option<Vec<u8>>, ArtifactError> {
        let object = match self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(self.object_key(key))
            .send()
            .await
        {
            Ok(object) => object,
            Err(SdkError::ServiceError(e)) if matches!(e.err(), GetObjectError::NoSuchKey(_)) => {
                return Ok(None);
            }
            Err(e) => return Err(sdk_error(e)),
        };
        let body = object
            .body
            .collect()
            .await
            .map_err(|e| ArtifactError::Unavailable(Box::new(e)))?;
        Ok(Some(body.into_bytes().to_vec()))
    }

    async fn delete(&self, key: &ArtifactKey) -> Result<(), ArtifactError> {
        // S3 answers 204 for a missing key too.
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(self.object_key(key))
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, clippy::expect_used, reason = "tests")]
mod tests {

    use aws_sdk_s3::config::{BehaviorVersion, Credentials, retry::RetryConfig};

    use super::*;

    fn client(endpoint: &str) -> Client {
        let config = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(endpoint)
            .credentials_provider(Credentials::new("testing", "testing", None, None, "moto"))
            .force_path_style(true)
            .retry_config(RetryConfig::disabled())
            .build();
        Client::from_conf(config)
    }

    async fn fresh_bucket(client: &Client) -> String {
        let bucket = format!("cue-artifacts-{}", uuid::Uuid::new_v4());
        client
            .create_bucket()
            .bucket(&bucket)
            .send()
            .await
            .expect("create bucket");
        bucket
    }

    #[tokio::test]
    async fn round_trips_objects_under_the_prefix() {
        let Some(endpoint) = crate::testing::moto_endpoint() else {
            return;
        };
        let client = client(&endpoint);
        let bucket = fresh_bucket(&client).await;
        let store = S3ArtifactStore::with_client(client.clone(), &bucket, "/cue/artifacts");
        let key = ArtifactKey::bundle(uuid::Uuid::now_v7(), 3);

        assert_eq!(store.get(&key).await.unwrap(), None);
        store
            .put(&key, b"PK\x03\x04first".to_vec(), "application/zip")
            .await
            .unwrap();
        store
            .put(&key, b"PK\x03\x04second".to_vec(), "application/zip")
            .await
            .unwrap();
        assert_eq!(
            store.get(&key).await.unwrap().as_deref(),
            Some(&b"PK\x03\x04second"[..])
        );

        // The object really sits under the prefix, with its content type.
        let head = client
            .head_object()
            .bucket(&bucket)
            .key(format!("cue/artifacts/{key}"))
            .send()
            .await
            .unwrap();
        assert_eq!(head.content_type(), Some("application/zip"));

        store.delete(&key).await.unwrap();
        store.delete(&key).await.unwrap();
        assert_eq!(store.get(&key).await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_missing_bucket_is_an_error_not_an_empty_answer() {
        let Some(endpoint) = crate::testing::moto_endpoint() else {
            return;
        };
        let store = S3ArtifactStore::with_client(
            client(&endpoint),
            &format!("absent-{}", uuid::Uuid::new_v4()),
            "",
        );
        let key = ArtifactKey::new("bundles/x/v1.zip").unwrap();
        assert!(matches!(
            store.get(&key).await,
            Err(ArtifactError::Internal(_))
        ));
        assert!(matches!(
            store.put(&key, vec![1], "application/zip").await,
            Err(ArtifactError::Internal(_))
        ));
    }

    #[tokio::test]
    async fn nothing_listening_is_unavailable() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let store =
            S3ArtifactStore::with_client(client(&format!("http://127.0.0.1:{port}")), "b", "");
        let key = ArtifactKey::new("bundles/x/v1.zip").unwrap();
        assert!(matches!(
            store.get(&key).await,
            Err(ArtifactError::Unavailable(_))
        ));
    }
}
