//! The one error type of this crate.

use crate::repo::RepoError;
use crate::search::SearchError;

/// What can go wrong while turning a prompt into a workflow, filling its credentials,
/// packaging, storing or finding it. Every variant but [`WorkflowError::Repo`],
/// [`WorkflowError::Internal`] and an unavailable search or validator is the user's to fix;
/// the message says how.
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
    /// The caller has no workflow with this id (another user's does not exist for them).
    #[error("workflow not found")]
    WorkflowNotFound,
    /// No template has this id.
    #[error("template not found")]
    TemplateNotFound,
    /// The workflow was saved without a generated plan (written by hand), so there is nothing
    /// to fill credentials into or build a bundle from.
    #[error("this workflow was saved without a generated plan, so it has no credentials to fill")]
    NoPlan,
    /// A field of a workflow someone wrote or edited is out of bounds; the message says which.
    #[error("{0}")]
    InvalidWorkflow(String),
    /// A stored graph is not the shape clients read back; the message says what and where.
    #[error("invalid graph: {0}")]
    InvalidGraph(String),
    /// Code to be stored holds a literal credential. Stored code keeps its placeholders; values
    /// are filled in per request and never stored.
    #[error(
        "the code holds what looks like a literal credential (line {line}); keep the placeholder (such as \"{{{{SLACK_BOT_TOKEN}}}}\") in saved code and fill values with POST /workflows/{{id}}/credentials, which never stores them"
    )]
    SecretInCode { line: u32 },
    /// Code over the configured size. (The message is the one clients have always read.)
    #[error("request body is larger than the limit of {limit} bytes")]
    CodeTooLarge { limit: usize },
    /// A listing's limit, offset or paging is out of range; the message says which.
    #[error("{0}")]
    InvalidQuery(String),
    /// Code could not be validated at all (too large, a bad option); findings are not errors.
    #[error(transparent)]
    Validate(#[from] cue_validate::ValidateError),
    /// Searching failed or the query was refused.
    #[error(transparent)]
    Search(#[from] SearchError),
    /// Storage of workflows failed.
    #[error(transparent)]
    Repo(#[from] RepoError),
    /// Edited or hand-written code was sent to a dry run, but the sandbox cannot isolate it.
    #[error("dry runs of edited code need an isolated sandbox: {install}")]
    SandboxUnavailable { install: String },
    /// Every dry-run slot stayed taken (or the sandbox function is throttled).
    #[error("too many dry runs are in progress; try again in a few seconds")]
    SandboxBusy,
    /// The sandbox itself failed (not the workflow): the dry-run Lambda function raised, did
    /// not answer in time, could not be reached or answered something else than an outcome.
    #[error("the dry-run sandbox failed: {reason}")]
    SandboxFailed { reason: String },
    /// A dry run's job is larger than the sandbox takes (Lambda's synchronous payload limit).
    #[error(
        "the dry run (code, event and simulated answers) is larger than the {limit} bytes the dry-run sandbox accepts"
    )]
    DryRunTooLarge { limit: usize },
    /// Anything unexpected (a broken built-in catalog, a packaging failure, ...).
    #[error("internal workflow engine error: {0}")]
    Internal(String),
}
