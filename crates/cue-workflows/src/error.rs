//! The one error type of this crate.

use crate::repo::RepoError;

/// What can go wrong while turning a prompt into a workflow, filling its credentials or
/// packaging it. Every variant but [`WorkflowError::Repo`] and [`WorkflowError::Internal`]
/// is the user's to fix; the message says how.
#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    /// Nothing (or only whitespace/punctuation) was sent.
    #[error(
        "the description is empty: describe what should happen and when, e.g. \"every Monday at 9am post the open GitHub issues to Slack\""
    )]
    EmptyPrompt,
    /// The description is longer than the engine accepts.
    #[error(
        "the description is longer than {limit} characters; shorten it to the trigger and the steps"
    )]
    PromptTooLong { limit: usize },
    /// The text could not be turned into a workflow.
    #[error("could not understand the workflow: {hint}")]
    NotUnderstood { hint: String },
    /// The request asks for something Cue will not build (phishing, credential harvesting, ...).
    #[error("this workflow cannot be generated: {reason}")]
    Disallowed { reason: String },
    /// Credential values were given under names the workflow does not use.
    #[error("unknown credential names {unknown:?}; expected any of {expected:?}")]
    UnknownCredentials {
        unknown: Vec<String>,
        expected: Vec<String>,
    },
    /// A credential value was given for a placeholder that is no longer in the code
    /// (filled already, or the code was edited).
    #[error("the placeholder {{{{{name}}}}} is not in the code any more")]
    PlaceholderMissing { name: String },
    /// Storage of workflows failed.
    #[error(transparent)]
    Repo(#[from] RepoError),
    /// Anything unexpected (a broken built-in catalog, a packaging failure, ...).
    #[error("internal workflow engine error: {0}")]
    Internal(String),
}
