//! The tool catalog: services the engine knows, how users name them, their actions, events and
//! credentials, and how generated code calls them. Kept as data, one JSON file per tool in
//! `data/catalog/tools/` (every field is described in `docs/catalog.md`) and the needs in
//! `data/catalog/needs.json`; parsed and checked once when an [`Engine`](crate::Engine) is built.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Deserialize;

use crate::WorkflowError;
use crate::text::words;

include!(concat!(env!("OUT_DIR"), "/catalog_files.rs"));
const NEEDS_JSON: &str = include_str!("../data/catalog/needs.json");

struct CatalogParts {
    tools: Vec<Tool>,
    needs: Vec<Need>,
}

/// The parsed catalog with its lookup indexes.
#[derive(Debug)]
pub struct Catalog {
    pub(crate) tools: Vec<Tool>,
    pub(crate) needs: Vec<Need>,
    by_id: HashMap<String, usize>,
    /// Alias word sequences, longest first, with the tool index.
    pub(crate) aliases: Vec<(Vec<String>, usize)>,
    /// Indexes into `aliases` by first word, longest alias first.
    pub(crate) first_word: HashMap<String, Vec<usize>>,
}

/// A service.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    /// Stable id (`google_sheets`).
    pub id: String,
    /// Canonical display name (`Google Sheets`), as the eval's tools.json spells it.
    pub name: String,
    /// How users write or say it (the name itself is always an alias).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Aliases that are also common words: ignored after `every`, `each`, `per`, `a`, `this`.
    #[serde(default)]
    pub common_word: bool,
    /// `chat`, `email`, `sms`, `storage`, `database`, `ai`, ...
    pub category: String,
    /// Frontend icon name.
    #[serde(default = "default_icon")]
    pub icon: String,
    pub api: Api,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub credentials: Vec<CredentialSpec>,
    #[serde(default)]
    pub actions: Vec<Action>,
    #[serde(default)]
    pub events: Vec<Event>,
    /// Pinned packages generated code needs for this tool.
    #[serde(default)]
    pub requirements: Vec<String>,
    pub docs: String,
}

fn default_icon() -> String {
    "other".to_owned()
}

/// How generated code reaches a tool.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Api {
    /// A JSON HTTP API called with `urllib.request`.
    Http {
        /// May contain `{CREDENTIAL}` references.
        base_url: String,
        /// `bearer ENV`, `header Name ENV`, `basic USER PASS` (`=literal` allowed), `query name ENV`, `none`.
        auth: String,
    },
    /// An AWS service called with boto3 (shipped with the Lambda runtime).
    Boto3 { service: String },
    /// PostgreSQL through `pg8000` (pure Python).
    Postgres,
    /// MySQL through `PyMySQL` (pure Python).
    Mysql,
    /// Redis through `redis-py`.
    Redis,
    /// MongoDB through `pymongo`.
    Mongodb,
    /// Mail sent with `smtplib`.
    Smtp,
    /// Mail read with `imaplib`.
    Imap,
}

/// A credential a tool needs; `env` is both the environment variable and the placeholder name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialSpec {
    pub env: String,
    pub name: String,
    pub description: String,
    /// Where to get it.
    pub help: String,
    /// Masked in the UI; non-secrets are identifiers such as a shop domain.
    #[serde(default = "yes")]
    pub secret: bool,
}

fn yes() -> bool {
    true
}

/// Whether an action reads data for later steps, transforms it, or writes it somewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Read,
    Transform,
    #[default]
    Write,
}

/// An operation on a tool.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub id: String,
    /// Human label (`Post a message`).
    pub label: String,
    /// Words in the user's text that select this action.
    #[serde(default)]
    pub words: Vec<String>,
    #[serde(default)]
    pub role: Role,
    /// One call for all items instead of one per item.
    #[serde(default)]
    pub batch: bool,
    /// Values the prompt may name (channel, table, ...), with defaults.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    /// HTTP method and path (appended to the base URL); templates may use `{refs}`.
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub query: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pub body: Option<serde_json::Value>,
    /// Send `body` form-encoded instead of JSON.
    #[serde(default)]
    pub form: bool,
    /// boto3 call: `client.method(**kwargs)`.
    #[serde(default)]
    pub call: Option<String>,
    #[serde(default)]
    pub kwargs: BTreeMap<String, serde_json::Value>,
    /// IAM actions the SAM policy grants for this action.
    #[serde(default)]
    pub iam: Vec<String>,
    /// SQL statement for database tools, with named parameters.
    #[serde(default)]
    pub sql: Option<String>,
}

/// How an event reaches the function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventDelivery {
    /// The tool calls our function URL (webhook).
    Http,
    /// We ask the tool for new items on a schedule (the event's `poll` action).
    Poll,
    /// S3 notifications.
    S3,
    /// SQS batches.
    Sqs,
    /// Kinesis batches.
    Kinesis,
}

/// Something that happens in a tool and can start a workflow.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub words: Vec<String>,
    pub delivery: EventDelivery,
    /// For `poll`: the action id listing new items.
    #[serde(default)]
    pub poll: Option<String>,
    /// For `http`: where the item is in the JSON body (`data.object`).
    #[serde(default)]
    pub item_path: Option<String>,
    /// For `http`: the signature scheme (`stripe`, `github`, `slack`, `shopify`, `token:<Header>`).
    #[serde(default)]
    pub signature: Option<String>,
    /// For `http`: the credential holding the signing secret.
    #[serde(default)]
    pub secret: Option<String>,
}

/// A need expressed without naming a tool ("notify my team"), and the tool picked for it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Need {
    pub id: String,
    /// Phrases (word sequences) that express the need.
    pub phrases: Vec<String>,
    /// Satisfied when any tool of these categories is already used.
    pub categories: Vec<String>,
    pub default: String,
    pub alternatives: Vec<String>,
    /// Preferred action of the default tool.
    pub action: String,
    /// Only when the need's phrase is not the trigger (e.g. "email" verbs vs. "an email arrives").
    #[serde(default)]
    pub not_in_trigger: bool,
    /// Only names the source of an event ("when a payment comes in"), never a step.
    #[serde(default)]
    pub trigger_only: bool,
}

impl Catalog {
    /// The built-in catalog.
    pub fn builtin() -> Result<Self, WorkflowError> {
        let mut tools = Vec::with_capacity(TOOL_FILES.len());
        for (id, json) in TOOL_FILES {
            let tool: Tool = serde_json::from_str(json).map_err(|e| {
                WorkflowError::Internal(format!("tool catalog: tools/{id}.json: {e}"))
            })?;
            if tool.id != *id {
                return Err(WorkflowError::Internal(format!(
                    "tool catalog: tools/{id}.json holds the tool {}",
                    tool.id
                )));
            }
            tools.push(tool);
        }
        let needs: Vec<Need> = serde_json::from_str(NEEDS_JSON)
            .map_err(|e| WorkflowError::Internal(format!("tool catalog: needs.json: {e}")))?;
        Self::new(tools, needs)
    }

    /// Checks a catalog and builds its lookup indexes.
    pub fn new(tools: Vec<Tool>, needs: Vec<Need>) -> Result<Self, WorkflowError> {
        let file = CatalogParts { tools, needs };
        let mut by_id = HashMap::new();
        for (i, t) in file.tools.iter().enumerate() {
            if by_id.insert(t.id.clone(), i).is_some() {
                return Err(WorkflowError::Internal(format!(
                    "tool catalog: duplicate tool id {}",
                    t.id
                )));
            }
        }
        let mut aliases = Vec::new();
        let mut seen: HashMap<Vec<String>, usize> = HashMap::new();
        for (i, t) in file.tools.iter().enumerate() {
            for alias in std::iter::once(&t.name).chain(t.aliases.iter()) {
                let w = words(alias);
                if w.is_empty() {
                    continue;
                }
                match seen.get(&w) {
                    Some(&j) if j != i => {
                        return Err(WorkflowError::Internal(format!(
                            "tool catalog: alias {alias:?} names both {} and {}",
                            file.tools[j].id, t.id
                        )));
                    }
                    Some(_) => {}
                    None => {
                        seen.insert(w.clone(), i);
                        aliases.push((w, i));
                    }
                }
            }
        }
        aliases.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        let mut first_word: HashMap<String, Vec<usize>> = HashMap::new();
        for (k, (w, _)) in aliases.iter().enumerate() {
            if let Some(f) = w.first() {
                first_word.entry(f.clone()).or_default().push(k);
            }
        }
        let catalog = Self {
            tools: file.tools,
            needs: file.needs,
            by_id,
            aliases,
            first_word,
        };
        catalog.check()?;
        Ok(catalog)
    }

    fn check(&self) -> Result<(), WorkflowError> {
        let bad = |m: String| Err(WorkflowError::Internal(format!("tool catalog: {m}")));
        for t in &self.tools {
            let creds: BTreeSet<&str> = t.credentials.iter().map(|c| c.env.as_str()).collect();
            for c in crate::python::refs_in_tool(t) {
                if c.chars()
                    .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '_')
                    && !creds.contains(c.as_str())
                {
                    return bad(format!("{} references unknown credential {c}", t.id));
                }
            }
            for e in &t.events {
                if let Some(p) = &e.poll
                    && t.action(p).is_none()
                {
                    return bad(format!("{} event {} polls unknown action {p}", t.id, e.id));
                }
                if let Some(s) = &e.secret
                    && !creds.contains(s.as_str())
                {
                    return bad(format!("{} event {} uses unknown secret {s}", t.id, e.id));
                }
            }
            if t.actions.is_empty() && t.events.is_empty() {
                return bad(format!("{} has neither actions nor events", t.id));
            }
        }
        for n in &self.needs {
            let Some(t) = self.tool(&n.default) else {
                return bad(format!(
                    "need {} defaults to unknown tool {}",
                    n.id, n.default
                ));
            };
            if t.action(&n.action).is_none() {
                return bad(format!("need {} uses unknown action {}", n.id, n.action));
            }
            for a in &n.alternatives {
                if self.tool(a).is_none() {
                    return bad(format!("need {} names unknown alternative {a}", n.id));
                }
            }
        }
        Ok(())
    }

    /// The tool with this id.
    pub fn tool(&self, id: &str) -> Option<&Tool> {
        self.by_id.get(id).map(|&i| &self.tools[i])
    }

    pub(crate) fn tool_at(&self, index: usize) -> &Tool {
        &self.tools[index]
    }

    /// All tools, in catalog order.
    pub fn tools(&self) -> &[Tool] {
        &self.tools
    }
}

impl Tool {
    pub fn action(&self, id: &str) -> Option<&Action> {
        self.actions.iter().find(|a| a.id == id)
    }

    pub fn credential(&self, env: &str) -> Option<&CredentialSpec> {
        self.credentials.iter().find(|c| c.env == env)
    }

    /// The boto3 service name, for AWS tools.
    pub fn boto3_service(&self) -> Option<&str> {
        match &self.api {
            Api::Boto3 { service } => Some(service),
            _ => None,
        }
    }
}
