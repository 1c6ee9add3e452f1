//! `DRY_RUN_*` settings.

use std::time::Duration;

use cue_settings::{SettingError, de, ensure};
use serde::Deserialize;

/// Where dry runs execute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    /// A local process (under bubblewrap when it is installed).
    #[default]
    Local,
    /// The sandbox Lambda function (`lambda/`), invoked through the AWS SDK (feature `lambda`).
    Lambda,
    /// Disabled: every dry run answers 503.
    Disabled,
}

/// Dry-run settings. Each field is renamed to its variable.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct SandboxSettings {
    /// `DRY_RUN_BACKEND`.
    #[serde(rename = "dry_run_backend")]
    pub backend: Backend,
    /// `DRY_RUN_PYTHON`: the interpreter (a name on `PATH` or a path).
    #[serde(rename = "dry_run_python")]
    pub python: String,
    /// `DRY_RUN_BWRAP`: bubblewrap (a name on `PATH` or a path); empty: do not use it.
    #[serde(rename = "dry_run_bwrap")]
    pub bwrap: String,
    /// `DRY_RUN_TIMEOUT_SECONDS`: wall-clock limit of one run, process start included; also
    /// its CPU-time limit.
    #[serde(rename = "dry_run_timeout_seconds", deserialize_with = "de::seconds")]
    pub timeout: Duration,
    /// `DRY_RUN_MEMORY_MB`: address-space limit of the run's process.
    #[serde(rename = "dry_run_memory_mb")]
    pub memory_mb: u64,
    /// `DRY_RUN_CONCURRENCY`: runs at once; more wait up to `DRY_RUN_QUEUE_SECONDS`, then
    /// answer 429.
    #[serde(rename = "dry_run_concurrency")]
    pub concurrency: usize,
    /// `DRY_RUN_QUEUE_SECONDS`.
    #[serde(rename = "dry_run_queue_seconds", deserialize_with = "de::seconds")]
    pub queue: Duration,
    /// `DRY_RUN_UID`: when the server runs as root, the user id runs drop to (the default is
    /// `nobody`), so process limits apply to them.
    #[serde(rename = "dry_run_uid")]
    pub uid: u32,
    /// `DRY_RUN_LAMBDA_FUNCTION`: the sandbox function's name or ARN (for `lambda`).
    #[serde(rename = "dry_run_lambda_function")]
    pub lambda_function: Option<String>,
    /// `DRY_RUN_LAMBDA_REGION`; `AWS_REGION` when unset.
    #[serde(rename = "dry_run_lambda_region")]
    pub lambda_region: Option<String>,
    pub aws_region: Option<String>,
    /// `DRY_RUN_LAMBDA_ENDPOINT_URL`: overrides Lambda's URL (tests, VPC endpoints).
    #[serde(
        rename = "dry_run_lambda_endpoint_url",
        deserialize_with = "de::optional_base_url"
    )]
    pub lambda_endpoint_url: Option<String>,
}

/// Largest output a run may write, in bytes: its answer, logs included.
pub const MAX_OUTPUT_BYTES: usize = 1024 * 1024;

impl Default for SandboxSettings {
    fn default() -> Self {
        Self {
            backend: Backend::Local,
            python: "python3".to_owned(),
            bwrap: "bwrap".to_owned(),
            timeout: Duration::from_secs(10),
            memory_mb: 256,
            concurrency: 2,
            queue: Duration::from_secs(5),
            uid: 65534,
            lambda_function: None,
            lambda_region: None,
            aws_region: None,
            lambda_endpoint_url: None,
        }
    }
}

impl SandboxSettings {
    pub fn validate(&self) -> Result<(), SettingError> {
        ensure(
            !self.python.trim().is_empty(),
            "DRY_RUN_PYTHON",
            "must name a Python 3 interpreter",
        )?;
        ensure(
            (1..=300).contains(&self.timeout.as_secs()),
            "DRY_RUN_TIMEOUT_SECONDS",
            "must be between 1 and 300",
        )?;
        ensure(
            (64..=4096).contains(&self.memory_mb),
            "DRY_RUN_MEMORY_MB",
            "must be between 64 and 4096",
        )?;
        ensure(
            (1..=64).contains(&self.concurrency),
            "DRY_RUN_CONCURRENCY",
            "must be between 1 and 64",
        )?;
        ensure(
            self.queue.as_secs() <= 60,
            "DRY_RUN_QUEUE_SECONDS",
            "must be at most 60",
        )?;
        if self.backend == Backend::Lambda {
            ensure(
                cfg!(feature = "lambda"),
                "DRY_RUN_BACKEND",
                "lambda needs a build with the aws feature (cargo build -p cue-gateway --features aws)",
            )?;
            ensure(
                self.lambda_function
                    .as_deref()
                    .is_some_and(|f| !f.trim().is_empty()),
                "DRY_RUN_LAMBDA_FUNCTION",
                "must name the sandbox function (its name or ARN) for DRY_RUN_BACKEND=lambda",
            )?;
        }
        Ok(())
    }

    /// The region the Lambda client uses: `DRY_RUN_LAMBDA_REGION`, else `AWS_REGION`, else
    /// the SDK's default chain.
    pub fn lambda_region(&self) -> Option<String> {
        self.lambda_region
            .clone()
            .or_else(|| self.aws_region.clone())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use cue_settings::Source;

    use super::*;

    #[test]
    fn defaults_and_bad_values_name_their_variable() {
        let s: SandboxSettings = Source::from_pairs([("DRY_RUN_BACKEND", "local")])
            .get()
            .unwrap();
        assert_eq!(s.timeout, Duration::from_secs(10));
        assert_eq!((s.memory_mb, s.concurrency), (256, 2));
        s.validate().unwrap();
        let s: SandboxSettings = Source::from_pairs([("DRY_RUN_TIMEOUT_SECONDS", "0")])
            .get()
            .unwrap();
        assert_eq!(s.validate().unwrap_err().var, "DRY_RUN_TIMEOUT_SECONDS");
        let err = Source::from_pairs([("DRY_RUN_BACKEND", "cloud")])
            .get::<SandboxSettings>()
            .unwrap_err();
        assert_eq!(err.var, "DRY_RUN_BACKEND");
    }

    #[test]
    fn the_lambda_backend_needs_its_function_and_the_feature() {
        let s: SandboxSettings = Source::from_pairs([("DRY_RUN_BACKEND", "lambda")])
            .get()
            .unwrap();
        let err = s.validate().unwrap_err();
        if cfg!(feature = "lambda") {
            assert_eq!(err.var, "DRY_RUN_LAMBDA_FUNCTION");
        } else {
            assert_eq!(err.var, "DRY_RUN_BACKEND");
            assert!(err.to_string().contains("aws feature"), "{err}");
        }
        let s: SandboxSettings = Source::from_pairs([
            ("DRY_RUN_BACKEND", "lambda"),
            ("DRY_RUN_LAMBDA_FUNCTION", "cue-dry-run"),
            ("AWS_REGION", "eu-west-1"),
        ])
        .get()
        .unwrap();
        assert_eq!(s.validate().is_ok(), cfg!(feature = "lambda"));
        assert_eq!(s.lambda_region().as_deref(), Some("eu-west-1"));
        let s: SandboxSettings = Source::from_pairs([
            ("DRY_RUN_LAMBDA_REGION", "us-west-2"),
            ("AWS_REGION", "eu-west-1"),
        ])
        .get()
        .unwrap();
        assert_eq!(s.lambda_region().as_deref(), Some("us-west-2"));
        let err = Source::from_pairs([("DRY_RUN_LAMBDA_ENDPOINT_URL", "not a url")])
            .get::<SandboxSettings>()
            .unwrap_err();
        assert_eq!(err.var, "DRY_RUN_LAMBDA_ENDPOINT_URL");
    }
}
