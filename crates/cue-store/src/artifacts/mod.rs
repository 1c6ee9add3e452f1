//! Artifact (bundle) storage implementations: local filesystem and S3. Owned by the cloud-integrations work.
