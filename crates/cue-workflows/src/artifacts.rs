//! The storage port for generated bundles (zip files of a workflow's Lambda code).
//!
//! `cue-store` implements [`ArtifactStore`] on the local filesystem and on S3. Keys are
//! validated once, in [`ArtifactKey::new`], so no implementation can be made to write outside
//! its root directory or prefix.

use std::fmt;

use async_trait::async_trait;
use uuid::Uuid;

/// The longest key accepted; S3 allows 1024 bytes, and we never need more than a few dozen.
pub const MAX_KEY_LEN: usize = 512;

/// A relative, slash-separated key such as `bundles/<uuid>/v3.zip`.
///
/// Only `[A-Za-z0-9._/-]`, no empty, `.` or `..` segment, no leading or trailing `/`, at most
/// [`MAX_KEY_LEN`] bytes: a key can never name a path outside the store's root.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ArtifactKey(String);

impl ArtifactKey {
    pub fn new(key: impl Into<String>) -> Result<Self, ArtifactError> {
        let key = key.into();
        let invalid = |reason: &'static str| ArtifactError::InvalidKey {
            key: key.chars().take(80).collect(),
            reason,
        };
        if key.is_empty() {
            return Err(invalid("it is empty"));
        }
        if key.len() > MAX_KEY_LEN {
            return Err(invalid("it is too long"));
        }
        if !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'/' | b'-'))
        {
            return Err(invalid(
                "only letters, digits, '.', '_', '-' and '/' are allowed",
            ));
        }
        if key.starts_with('/') || key.ends_with('/') {
            return Err(invalid("it must not start or end with '/'"));
        }
        if key
            .split('/')
            .any(|segment| matches!(segment, "" | "." | ".."))
        {
            return Err(invalid("it must not contain empty, '.' or '..' segments"));
        }
        Ok(Self(key))
    }

    /// `bundles/<workflow id>/v<version>.zip`.
    pub fn bundle(workflow: Uuid, version: u32) -> Self {
        Self(format!("bundles/{workflow}/v{version}.zip"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key's `/`-separated segments, each a safe file name.
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.0.split('/')
    }
}

impl fmt::Display for ArtifactKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<&str> for ArtifactKey {
    type Error = ArtifactError;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

/// Failures of the storage behind [`ArtifactStore`].
#[derive(Debug, thiserror::Error)]
pub enum ArtifactError {
    /// The key failed validation (see [`ArtifactKey`]).
    #[error("invalid artifact key {key:?}: {reason}")]
    InvalidKey { key: String, reason: &'static str },
    /// The store could not be reached or did not answer in time.
    #[error("artifact storage is unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// Anything else the store did not expect.
    #[error("artifact storage failed")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Where generated bundles are kept.
#[async_trait]
pub trait ArtifactStore: Send + Sync {
    /// Stores `bytes` under `key`, replacing any previous object atomically: a reader sees the
    /// old bytes or the new ones, never a mix.
    async fn put(
        &self,
        key: &ArtifactKey,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Result<(), ArtifactError>;
    /// `None` when nothing is stored under `key`.
    async fn get(&self, key: &ArtifactKey) -> Result<Option<Vec<u8>>, ArtifactError>;
    /// Removes the object; deleting a missing key is not an error.
    async fn delete(&self, key: &ArtifactKey) -> Result<(), ArtifactError>;
}

#[cfg(any(test, feature = "test-util"))]
pub use memory::MemoryArtifactStore;

#[cfg(any(test, feature = "test-util"))]
mod memory {
    use std::{collections::HashMap, sync::Mutex};

    use super::*;

    /// An in-memory [`ArtifactStore`] for tests.
    #[derive(Debug, Default)]
    pub struct MemoryArtifactStore {
        objects: Mutex<HashMap<ArtifactKey, (Vec<u8>, String)>>,
    }

    impl MemoryArtifactStore {
        /// The content type stored with `key`.
        pub fn content_type(&self, key: &ArtifactKey) -> Option<String> {
            self.objects.lock().ok()?.get(key).map(|(_, t)| t.clone())
        }
    }

    fn poisoned<T>(_: T) -> ArtifactError {
        ArtifactError::Internal("the in-memory artifact store lock is poisoned".into())
    }

    #[async_trait]
    impl ArtifactStore for MemoryArtifactStore {
        async fn put(
            &self,
            key: &ArtifactKey,
            bytes: Vec<u8>,
            content_type: &str,
        ) -> Result<(), ArtifactError> {
            self.objects
                .lock()
                .map_err(poisoned)?
                .insert(key.clone(), (bytes, content_type.to_owned()));
            Ok(())
        }

        async fn get(&self, key: &ArtifactKey) -> Result<Option<Vec<u8>>, ArtifactError> {
            Ok(self
                .objects
                .lock()
                .map_err(poisoned)?
                .get(key)
                .map(|(b, _)| b.clone()))
        }

        async fn delete(&self, key: &ArtifactKey) -> Result<(), ArtifactError> {
            self.objects.lock().map_err(poisoned)?.remove(key);
            Ok(())
        }
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_relative_keys() {
        for key in [
            "bundles/0192f0c1-0000-7000-8000-000000000000/v1.zip",
            "a",
            "a/b/c.d-e_f",
            "v1..zip",
        ] {
            assert_eq!(ArtifactKey::new(key).unwrap().as_str(), key);
        }
    }

    #[test]
    fn rejects_keys_that_could_escape_the_root() {
        for key in [
            "",
            "/etc/passwd",
            "../secrets",
            "bundles/../../etc",
            "bundles/./x",
            "bundles//x",
            "bundles/",
            "..",
            ".",
            "bundles\\..\\x",
            "bundles/x y",
            "bundles/%2e%2e",
            "bundles/\0",
            "bundles/é.zip",
            "C:/x",
        ] {
            assert!(
                matches!(ArtifactKey::new(key), Err(ArtifactError::InvalidKey { .. })),
                "{key:?} should be rejected"
            );
        }
        assert!(ArtifactKey::new("a".repeat(MAX_KEY_LEN + 1)).is_err());
    }

    #[test]
    fn bundle_keys_are_valid() {
        let id = Uuid::now_v7();
        let key = ArtifactKey::bundle(id, 7);
        assert_eq!(ArtifactKey::new(key.as_str()).unwrap(), key);
        assert_eq!(key.to_string(), format!("bundles/{id}/v7.zip"));
    }

    #[tokio::test]
    async fn memory_store_round_trips() {
        let store = MemoryArtifactStore::default();
        let key = ArtifactKey::new("bundles/x/v1.zip").unwrap();
        assert_eq!(store.get(&key).await.unwrap(), None);
        store
            .put(&key, b"zip".to_vec(), "application/zip")
            .await
            .unwrap();
        assert_eq!(store.get(&key).await.unwrap().as_deref(), Some(&b"zip"[..]));
        assert_eq!(store.content_type(&key).as_deref(), Some("application/zip"));
        store.delete(&key).await.unwrap();
        store.delete(&key).await.unwrap();
        assert_eq!(store.get(&key).await.unwrap(), None);
    }
}
