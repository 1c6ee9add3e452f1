//! cue-workflows: from a plain-language description to a deployable AWS Lambda bundle.
//!
//! The embedded [`Engine`] needs no model and no network: a rule-based planner turns the text
//! (typed, or a speech transcript) into a typed [`Plan`] against a tool catalog kept as data;
//! the Python module, the SAM template, the graph the frontend draws and the tool list are all
//! derived from that one plan, so they cannot disagree.
//!
//! ```
//! use cue_workflows::{Engine, GenerateRequest};
//!
//! let engine = Engine::new()?;
//! let out = engine.generate(&GenerateRequest::text(
//!     "Every weekday at 9am post the open GitHub issues of acme/web to #dev in Slack",
//! ))?;
//! assert_eq!(out.plan.trigger.schedule_expression.as_deref(), Some("cron(0 9 ? * MON-FRI *)"));
//! assert!(out.code.contains("def lambda_handler(event, context):"));
//! assert!(out.tools.iter().any(|t| t.name == "Slack"));
//! # Ok::<(), cue_workflows::WorkflowError>(())
//! ```
//!
//! A host serves workflows through [`WorkflowService`]: generate-and-save, credential
//! filling, bundles, search and the saved-workflow operations, over the ports this crate
//! declares ([`repo::WorkflowRepository`], [`search::SearchIndex`],
//! [`artifacts::ArtifactStore`], [`WorkflowGenerator`], [`validation::CodeValidator`]).

pub mod artifacts;
pub mod catalog;
mod caveats;
mod credentials;
pub mod dryrun;
mod engine;
mod error;
mod escape;
mod graph;
#[cfg(feature = "llm")]
pub mod llm;
#[cfg(any(test, feature = "test-util"))]
mod memory;
mod model;
mod planner;
mod python;
// The catalog's reference helpers, named at the crate root where most callers use them.
use catalog::refs;
mod render;
pub mod repo;
mod required;
mod sam;
mod schedule;
pub mod search;
mod service;
pub mod templates;
mod text;
pub mod validation;
mod values;
mod window;

pub use credentials::{credential_id, fill_credentials};
pub use engine::{DEFAULT_MAX_PROMPT_CHARS, Engine, WorkflowGenerator, bundle_zip};
pub use error::WorkflowError;
pub use escape::py_str;
pub use graph::{CredentialField, Edge, Graph, Node, NodeKind, Position};
#[cfg(feature = "llm")]
pub use llm::{LlmConfig, ModelGenerator, build_generator};
#[cfg(any(test, feature = "test-util"))]
pub use memory::InMemoryWorkflows;
pub use model::{
    CompareOp, Condition, Delivery, GenerateRequest, Generated, IdentifiedTool, InputType, Plan,
    PlannedTool, Step, Trigger, TriggerKind,
};
pub use sam::HANDLER_FILE;
pub use service::generate::{GeneratedWorkflow, TemplatePage, TemplateSearch, TemplateView};
pub use service::graph_check::{MAX_GRAPH_EDGES, MAX_GRAPH_NODES};
pub use service::package::{Bundle, FilledCredentials};
pub use service::saved::{ListRequest, WorkflowInput, WorkflowListing};
pub use service::{
    MAX_DESCRIPTION_CHARS, MAX_NAME_CHARS, WorkflowLimits, WorkflowPorts, WorkflowService,
};
pub use templates::{Template, TemplateLibrary};
