//! Bundles as files under one root directory.

use std::{
    io::{self, Write},
    path::{Path, PathBuf},
};

use async_trait::async_trait;
use cue_workflows::artifacts::{ArtifactError, ArtifactKey, ArtifactStore};

/// Stores each key as a file under `root` (`bundles/<id>/v1.zip` → `root/bundles/<id>/v1.zip`).
///
/// Writes go to a temporary file in the same directory, are flushed to disk, then renamed over
/// the target, so a reader never sees a half-written bundle. [`ArtifactKey`] guarantees the
/// path stays under `root`.
#[derive(Debug, Clone)]
pub struct FsArtifactStore {
    root: PathBuf,
}

impl FsArtifactStore {
    /// The directory is created on the first write.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, key: &ArtifactKey) -> PathBuf {
        key.segments()
            .fold(self.root.clone(), |path, segment| path.join(segment))
    }
}

fn internal(e: io::Error) -> ArtifactError {
    ArtifactError::Internal(Box::new(e))
}

/// Runs blocking file work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> io::Result<T> + Send + 'static,
) -> Result<T, ArtifactError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ArtifactError::Internal(Box::new(e)))?
        .map_err(internal)
}

/// Creates `dir` and its missing parents, private to the service's user (`0700` on Unix).
fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::other("artifact path has no parent"))?;
    create_private_dir(dir)?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("artifact");
    let tmp = dir.join(format!(".{name}.{}.tmp", uuid::Uuid::new_v4()));
    let written = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        // A bundle is the user's code: readable by the service's own user only.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[async_trait]
impl ArtifactStore for FsArtifactStore {
    async fn put(
        &self,
        key: &ArtifactKey,
        bytes: Vec<u8>,
        _content_type: &str,
    ) -> Result<(), ArtifactError> {
        let path = self.path(key);
        blocking(move || write_atomically(&path, &bytes)).await
    }

    async fn get(&self, key: &ArtifactKey) -> Result<Option<Vec<u8>>, ArtifactError> {
        let path = self.path(key);
        blocking(move || match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        })
        .await
    }

    async fn delete(&self, key: &ArtifactKey) -> Result<(), ArtifactError> {
        let path = self.path(key);
        blocking(move || match std::fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        })
        .await
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn key(k: &str) -> ArtifactKey {
        ArtifactKey::new(k).unwrap()
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn bundles_are_readable_by_the_service_user_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let store = FsArtifactStore::new(dir.path().join("artifacts"));
        let key = key("bundles/abc/v1.zip");
        store
            .put(&key, b"zip".to_vec(), "application/zip")
            .await
            .unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&store.path(&key)), 0o600);
        assert_eq!(mode(&dir.path().join("artifacts/bundles/abc")), 0o700);
        // An overwrite keeps it private too.
        store
            .put(&key, b"zip2".to_vec(), "application/zip")
            .await
            .unwrap();
        assert_eq!(mode(&store.path(&key)), 0o600);
    }

    #[tokio::test]
    async fn put_get_overwrite_delete_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = FsArtifactStore::new(dir.path().join("artifacts"));
        let k = ArtifactKey::bundle(uuid::Uuid::now_v7(), 1);
        assert_eq!(store.get(&k).await.unwrap(), None);
        store
            .put(&k, b"first".to_vec(), "application/zip")
            .await
            .unwrap();
        assert_eq!(store.get(&k).await.unwrap().as_deref(), Some(&b"first"[..]));
        store
            .put(&k, b"second".to_vec(), "application/zip")
            .await
            .unwrap();
        assert_eq!(
            store.get(&k).await.unwrap().as_deref(),
            Some(&b"second"[..])
        );
        store.delete(&k).await.unwrap();
        assert_eq!(store.get(&k).await.unwrap(), None);
        store.delete(&k).await.unwrap();
    }

    #[tokio::test]
    async fn files_land_under_the_root_and_no_temporary_file_remains() {
        let dir = tempfile::tempdir().unwrap();
        let store = FsArtifactStore::new(dir.path());
        store
            .put(&key("bundles/a/v1.zip"), vec![1, 2, 3], "application/zip")
            .await
            .unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("bundles/a/v1.zip")).unwrap(),
            vec![1, 2, 3]
        );
        let names: Vec<_> = std::fs::read_dir(dir.path().join("bundles/a"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("v1.zip")]);
    }

    #[tokio::test]
    async fn concurrent_writers_leave_one_whole_version() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(FsArtifactStore::new(dir.path()));
        let k = key("bundles/race/v1.zip");
        let writers: Vec<_> = (0u8..8)
            .map(|i| {
                let (store, k) = (store.clone(), k.clone());
                tokio::spawn(
                    async move { store.put(&k, vec![i; 64 * 1024], "application/zip").await },
                )
            })
            .collect();
        for w in writers {
            w.await.unwrap().unwrap();
        }
        let bytes = store.get(&k).await.unwrap().unwrap();
        assert_eq!(bytes.len(), 64 * 1024);
        assert!(
            bytes.iter().all(|b| *b == bytes[0]),
            "a mix of two writes was observed"
        );
    }

    #[tokio::test]
    async fn a_file_where_a_directory_should_be_is_an_internal_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bundles"), b"not a dir").unwrap();
        let store = FsArtifactStore::new(dir.path());
        let err = store
            .put(&key("bundles/x/v1.zip"), vec![1], "application/zip")
            .await
            .unwrap_err();
        assert!(matches!(err, ArtifactError::Internal(_)));
    }
}
