//! Implementations of [`cue_workflows::artifacts::ArtifactStore`]: the local filesystem
//! ([`FsArtifactStore`]) and, with the `s3` feature, Amazon S3 or any S3-compatible service
//! ([`S3ArtifactStore`]).

mod fs;
#[cfg(feature = "s3")]
mod s3;

pub use fs::FsArtifactStore;
#[cfg(feature = "s3")]
pub use s3::{S3ArtifactConfig, S3ArtifactStore};
