//! The typed plan a prompt is turned into, and what generation returns.
//!
//! [`Plan`] is stored as JSON next to a saved workflow, so its serde shape is stable:
//! new fields get `#[serde(default)]`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::graph::Graph;

/// How the prompt reached us: typed, or transcribed from speech (normalised first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputType {
    #[default]
    Text,
    SpeechTranscript,
}

/// A request to generate a workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerateRequest {
    pub prompt: String,
    #[serde(default)]
    pub input_type: InputType,
}

impl GenerateRequest {
    /// A typed-text request.
    pub fn text(prompt: impl Into<String>) -> Self {
        Self {
            prompt: prompt.into(),
            input_type: InputType::Text,
        }
    }

    /// A request holding a speech transcript.
    pub fn speech(prompt: impl Into<String>) -> Self {
        Self {
            prompt: prompt.into(),
            input_type: InputType::SpeechTranscript,
        }
    }
}

/// What starts the workflow (names as the eval and the frontend use them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerKind {
    Schedule,
    Webhook,
    AppEvent,
    EmailReceived,
    Manual,
    Queue,
    FileUpload,
}

impl TriggerKind {
    /// The wire name (`schedule`, `app_event`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Schedule => "schedule",
            Self::Webhook => "webhook",
            Self::AppEvent => "app_event",
            Self::EmailReceived => "email_received",
            Self::Manual => "manual",
            Self::Queue => "queue",
            Self::FileUpload => "file_upload",
        }
    }
}

/// How the event physically reaches the Lambda function; derived from the trigger and the
/// catalog, it decides the handler code and the SAM event source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// EventBridge Scheduler invokes the function.
    Schedule,
    /// EventBridge Scheduler invokes the function, which asks the trigger tool for new items.
    Poll,
    /// A Lambda function URL receives HTTP requests (webhooks, app events).
    Http,
    /// S3 `ObjectCreated` notifications.
    S3,
    /// An SQS event source mapping delivers batches.
    Sqs,
    /// A Kinesis event source mapping delivers batches.
    Kinesis,
    /// A DynamoDB stream's event source mapping delivers batches of item changes
    /// (`Records[].dynamodb` with typed `Keys`, `NewImage`, `OldImage`).
    DynamodbStream,
    /// A Kafka event source mapping (Amazon MSK or self-managed) delivers batches by
    /// topic-partition.
    Kafka,
    /// Invoked directly (console, CLI, SDK).
    Direct,
}

/// The trigger of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trigger {
    pub kind: TriggerKind,
    pub delivery: Delivery,
    /// EventBridge `cron(...)` or `rate(...)` for schedules and polling.
    pub schedule_expression: Option<String>,
    /// IANA zone for `schedule_expression` (EventBridge Scheduler supports it); `None` is UTC.
    pub timezone: Option<String>,
    pub description: String,
    /// Catalog id of the tool the event comes from, if any.
    pub tool: Option<String>,
    /// Catalog id of that tool's event.
    pub event: Option<String>,
    /// Names taken from the prompt (bucket, queue, stream, folder, ...).
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    /// Only events matching this are processed ("a response with an NPS score of 6 or lower").
    #[serde(default)]
    pub filter: Option<Condition>,
}

/// A comparison a step is guarded by ("if the amount is over 500").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    /// The field of the current record compared.
    pub field: String,
    pub op: CompareOp,
    /// The value compared with; numbers compare numerically.
    pub value: String,
    /// The words of the prompt the condition came from.
    pub description: String,
}

/// Comparison operators of a [`Condition`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompareOp {
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
    Ne,
    Contains,
}

impl CompareOp {
    /// The operator string the generated helper understands.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Gt => ">",
            Self::Ge => ">=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Eq => "==",
            Self::Ne => "!=",
            Self::Contains => "contains",
        }
    }

    /// Human words for the graph.
    pub fn words(self) -> &'static str {
        match self {
            Self::Gt => "is over",
            Self::Ge => "is at least",
            Self::Lt => "is under",
            Self::Le => "is at most",
            Self::Eq => "is",
            Self::Ne => "is not",
            Self::Contains => "contains",
        }
    }
}

/// One action on a tool, in execution order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// `step_1`, `step_2`, ... (stable: derived from the position).
    pub id: String,
    /// Catalog tool id.
    pub tool: String,
    /// Catalog action id of that tool.
    pub action: String,
    pub description: String,
    /// Values taken from the prompt or the action's defaults (channel, table, list, ...).
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    /// Run the step only when this holds.
    #[serde(default)]
    pub condition: Option<Condition>,
    /// Run the step once per item of this earlier step's result (`step_1`), or of the trigger's
    /// items (`trigger`).
    #[serde(default)]
    pub for_each: Option<String>,
}

/// A tool the plan uses and the credential placeholders it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedTool {
    /// Catalog id (`slack`).
    pub id: String,
    /// Canonical display name (`Slack`).
    pub name: String,
    /// Placeholder names, e.g. `SLACK_BOT_TOKEN`.
    pub credentials: Vec<String>,
}

/// The typed plan: everything else (code, graph, tool list) is derived from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Short title.
    pub name: String,
    /// One-sentence summary of what the workflow does.
    pub summary: String,
    pub trigger: Trigger,
    pub steps: Vec<Step>,
    pub tools: Vec<PlannedTool>,
    pub assumptions: Vec<String>,
}

impl Plan {
    /// Every credential placeholder of the plan, in first-use order, without duplicates.
    pub fn placeholders(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for tool in &self.tools {
            for c in &tool.credentials {
                if !out.contains(c) {
                    out.push(c.clone());
                }
            }
        }
        out
    }
}

/// A tool as the API lists it: `{"name": "Slack", "credentials_needed": ["SLACK_BOT_TOKEN"]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentifiedTool {
    pub name: String,
    pub credentials_needed: Vec<String>,
}

/// Everything generated from one prompt. Code, graph and tools come from the same plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Generated {
    /// Short title.
    pub name: String,
    pub plan: Plan,
    /// The Lambda module (`lambda_function.py`), credentials as `{{PLACEHOLDER}}` defaults.
    pub code: String,
    /// Pinned third-party packages (`pg8000==1.31.2`); empty when stdlib + boto3 suffice.
    pub requirements: Vec<String>,
    /// AWS SAM template deploying `code`.
    pub template_yaml: String,
    /// Short deployment notes for the bundle.
    pub readme: String,
    pub graph: Graph,
    pub tools: Vec<IdentifiedTool>,
    pub assumptions: Vec<String>,
    /// `cue-validate`'s report on `code` at the `initial_skeleton` stage.
    #[serde(skip_deserializing)]
    pub validation: Option<cue_validate::Report>,
}

impl Generated {
    /// `requirements.txt` contents.
    pub fn requirements_txt(&self) -> String {
        requirements_txt(&self.requirements)
    }
}

/// `requirements.txt` for pinned packages.
pub(crate) fn requirements_txt(requirements: &[String]) -> String {
    let mut s = String::from("# Runtime: python3.13 (boto3 is provided by AWS Lambda)\n");
    for r in requirements {
        s.push_str(r);
        s.push('\n');
    }
    s
}
