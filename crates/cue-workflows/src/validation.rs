//! The port through which the [`WorkflowService`](crate::WorkflowService) validates code it
//! hands out: generated code a generator did not validate itself, and code with credentials
//! filled in.
//!
//! Validation is pure and takes milliseconds on a large file, so how it runs is the host's
//! choice: the gateway runs it off its request threads and counts it in its metrics;
//! [`InlineValidator`] runs it in the calling task (tests, tools).

use async_trait::async_trait;
use cue_validate::{Options, Report, ValidateError};

/// Validates Python source with `cue-validate`.
#[async_trait]
pub trait CodeValidator: Send + Sync {
    async fn validate(&self, source: String, options: Options) -> Result<Report, ValidateError>;
}

/// Validates in the calling task.
#[derive(Debug, Clone, Copy, Default)]
pub struct InlineValidator;

#[async_trait]
impl CodeValidator for InlineValidator {
    async fn validate(&self, source: String, options: Options) -> Result<Report, ValidateError> {
        cue_validate::validate(&source, &options)
    }
}
