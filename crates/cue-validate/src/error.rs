//! The crate's error type: outcomes that stop validation before a report can be produced.

/// Why [`crate::validate`] could not produce a [`crate::Report`].
///
/// Problems *in* the code (syntax errors, undefined names, invalid UTF-8, ...) are findings in
/// the report, not errors; these variants are about the request itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidateError {
    /// The source is larger than [`crate::Options::max_input_bytes`].
    #[error("source is {actual} bytes, larger than the limit of {limit} bytes")]
    TooLarge {
        /// The configured limit in bytes.
        limit: usize,
        /// The size of the submitted source in bytes.
        actual: usize,
    },
    /// The Python version string is not one of the supported Lambda runtimes.
    #[error(
        "unsupported Python version {given:?}: expected one of 3.10, 3.11, 3.12, 3.13, 3.14 \
         (also accepted as python3.13 or py313)"
    )]
    UnsupportedPythonVersion {
        /// The string that was given.
        given: String,
    },
    /// The validation stage string is not known.
    #[error(
        "unknown validation stage {given:?}: expected initial_skeleton or final_with_credentials"
    )]
    UnknownStage {
        /// The string that was given.
        given: String,
    },
    /// The handler name is not a Python identifier (optionally prefixed by `module.`).
    #[error("invalid handler name {given:?}: expected a Python identifier such as lambda_handler")]
    InvalidHandler {
        /// The string that was given.
        given: String,
    },
    /// An unexpected failure inside the validator (for example its embedded data failed to load).
    /// This is a bug in cue-validate, never a property of the input.
    #[error("internal validator error: {0}")]
    Internal(String),
}
