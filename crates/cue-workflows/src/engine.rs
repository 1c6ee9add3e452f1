//! The embedded engine: prompt → plan → code, template, graph and tools.

use std::io::Write as _;

use async_trait::async_trait;

use crate::catalog::{Catalog, Tool};
use crate::graph::{CredentialField, GraphBuilder, NodeKind, node};
use crate::model::{
    Delivery, GenerateRequest, Generated, IdentifiedTool, InputType, Plan, TriggerKind,
};
use crate::sam::HANDLER_FILE;
use crate::{Graph, WorkflowError, credentials, planner, python, sam, text};

/// The longest prompt accepted, in characters.
pub const DEFAULT_MAX_PROMPT_CHARS: usize = 4000;

/// Something that turns a request into a workflow (the embedded engine, or a model-backed one).
#[async_trait]
pub trait WorkflowGenerator: Send + Sync {
    async fn generate(&self, req: &GenerateRequest) -> Result<Generated, WorkflowError>;
}

/// The embedded, deterministic engine. Holds the parsed catalog; share it in an `Arc`.
#[derive(Debug)]
pub struct Engine {
    catalog: Catalog,
    max_prompt_chars: usize,
}

impl Engine {
    /// An engine with the built-in catalog.
    pub fn new() -> Result<Self, WorkflowError> {
        Ok(Self {
            catalog: Catalog::builtin()?,
            max_prompt_chars: DEFAULT_MAX_PROMPT_CHARS,
        })
    }

    /// Sets the longest accepted prompt (characters).
    #[must_use]
    pub fn with_max_prompt_chars(mut self, limit: usize) -> Self {
        self.max_prompt_chars = limit;
        self
    }

    /// The tool catalog.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Plans a prompt without generating code.
    pub fn plan(&self, req: &GenerateRequest) -> Result<Plan, WorkflowError> {
        let chars = req.prompt.chars().count();
        if chars > self.max_prompt_chars {
            return Err(WorkflowError::PromptTooLong {
                limit: self.max_prompt_chars,
            });
        }
        if !req.prompt.chars().any(char::is_alphanumeric) {
            return Err(WorkflowError::EmptyPrompt);
        }
        let normalized =
            text::normalize(&req.prompt, req.input_type == InputType::SpeechTranscript);
        planner::plan(&self.catalog, &normalized)
    }

    /// Plans and generates everything for a prompt.
    pub fn generate(&self, req: &GenerateRequest) -> Result<Generated, WorkflowError> {
        let plan = self.plan(req)?;
        self.generate_from_plan(plan)
    }

    /// Generates code, template, graph and tools from a plan (e.g. a stored one).
    pub fn generate_from_plan(&self, plan: Plan) -> Result<Generated, WorkflowError> {
        let code = python::generate(&self.catalog, &plan)?;
        let template_yaml = sam::template(&self.catalog, &plan, &code.iam);
        let readme = sam::readme(&plan);
        let graph = self.graph(&plan)?;
        let tools = plan
            .tools
            .iter()
            .map(|t| IdentifiedTool {
                name: t.name.clone(),
                credentials_needed: t.credentials.clone(),
            })
            .collect();
        let requirements_txt = crate::model::requirements_txt(&code.requirements);
        let options = cue_validate::Options::default()
            .with_stage(cue_validate::Stage::InitialSkeleton)
            .with_requirements(requirements_txt);
        let validation = cue_validate::validate(&code.code, &options).ok();
        Ok(Generated {
            validation,
            name: plan.name.clone(),
            assumptions: plan.assumptions.clone(),
            code: code.code,
            requirements: code.requirements,
            template_yaml,
            readme,
            graph,
            tools,
            plan,
        })
    }

    fn fields(&self, tool: &Tool, creds: &[String]) -> Vec<CredentialField> {
        creds
            .iter()
            .filter_map(|env| tool.credential(env))
            .map(|c| CredentialField {
                id: credentials::credential_id(&c.env),
                kind: if c.secret { "password" } else { "text" }.to_owned(),
                name: c.name.clone(),
                description: c.description.clone(),
                required: true,
                placeholder: format!("{{{{{}}}}}", c.env),
                help_url: Some(c.help.clone()),
            })
            .collect()
    }

    /// The graph of a plan.
    pub fn graph(&self, plan: &Plan) -> Result<Graph, WorkflowError> {
        let mut b = GraphBuilder::default();
        let t = &plan.trigger;
        let trigger_tool = t.tool.as_deref().and_then(|id| self.catalog.tool(id));
        let mut trigger_creds: Vec<CredentialField> = Vec::new();
        if t.delivery == Delivery::Http {
            let placeholders = plan.placeholders();
            if let (Some(tool), Some(event)) = (trigger_tool, t.event.as_deref()) {
                let secret = tool
                    .events
                    .iter()
                    .find(|e| e.id == event)
                    .and_then(|e| e.secret.clone());
                let creds: Vec<String> = secret
                    .into_iter()
                    .filter(|s| placeholders.contains(s))
                    .collect();
                trigger_creds.extend(self.fields(tool, &creds));
            }
            if let Some(w) = self.catalog.tool("webhook") {
                let creds: Vec<String> = plan
                    .tools
                    .iter()
                    .filter(|pt| pt.id == "webhook")
                    .flat_map(|pt| pt.credentials.clone())
                    .collect();
                trigger_creds.extend(self.fields(w, &creds));
            }
        }
        let (service, icon, title) = match (trigger_tool, t.kind) {
            (Some(tool), _) => (
                tool.id.clone(),
                tool.icon.clone(),
                format!("{} trigger", tool.name),
            ),
            (None, TriggerKind::Schedule) => (
                "schedule".to_owned(),
                "other".to_owned(),
                "Schedule".to_owned(),
            ),
            (None, TriggerKind::Manual) => (
                "manual".to_owned(),
                "other".to_owned(),
                "Manual run".to_owned(),
            ),
            (None, _) => (
                "webhook".to_owned(),
                "webhook".to_owned(),
                "Webhook".to_owned(),
            ),
        };
        let mut desc = t.description.clone();
        if let Some(e) = &t.schedule_expression {
            desc = format!(
                "{desc} ({e}{})",
                t.timezone
                    .as_deref()
                    .map(|z| format!(", {z}"))
                    .unwrap_or_default()
            );
        }
        let mut prev = b.main(node(
            "trigger".to_owned(),
            NodeKind::Trigger,
            title,
            desc,
            service,
            icon,
            trigger_creds,
        ));
        let mut prev_label: Option<&str> = None;
        if let Some(c) = &t.filter {
            let id = b.main(node(
                "trigger_filter".to_owned(),
                NodeKind::Condition,
                "Only matching events".to_owned(),
                format!("Continue only if {} {} {}", c.field, c.op.words(), c.value),
                "logic".to_owned(),
                "other".to_owned(),
                Vec::new(),
            ));
            b.edge(&prev, &id, None);
            prev = id;
            prev_label = Some("match");
        }
        for s in &plan.steps {
            let tool = self.catalog.tool(&s.tool).ok_or_else(|| {
                WorkflowError::Internal(format!("plan names unknown tool {}", s.tool))
            })?;
            let action = tool.action(&s.action).ok_or_else(|| {
                WorkflowError::Internal(format!("plan names unknown action {}", s.action))
            })?;
            let creds = python::credentials_for(tool, action);
            let mut description = s.description.clone();
            if !s.params.is_empty() {
                let ps: Vec<String> = s.params.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                description = format!("{description} — {}", ps.join(", "));
            }
            let step_node = node(
                s.id.clone(),
                NodeKind::Action,
                format!("{}: {}", tool.name, action.label),
                description,
                tool.id.clone(),
                tool.icon.clone(),
                self.fields(tool, &creds),
            );
            if let Some(f) = &s.for_each {
                let id = b.main(node(
                    format!("{}_loop", s.id),
                    NodeKind::Loop,
                    "For each item".to_owned(),
                    format!(
                        "Repeat for every item from {}",
                        if f == "trigger" {
                            "the trigger"
                        } else {
                            f.as_str()
                        }
                    ),
                    "logic".to_owned(),
                    "other".to_owned(),
                    Vec::new(),
                ));
                b.edge(&prev, &id, prev_label.take());
                prev = id;
                prev_label = Some("each item");
            }
            if let Some(c) = &s.condition {
                let cid = b.main(node(
                    format!("{}_if", s.id),
                    NodeKind::Condition,
                    format!("If {} {} {}", c.field, c.op.words(), c.value),
                    c.description.clone(),
                    "logic".to_owned(),
                    "other".to_owned(),
                    Vec::new(),
                ));
                b.edge(&prev, &cid, prev_label.take());
                let sid = b.branch(step_node);
                b.edge(&cid, &sid, Some("yes"));
                prev = cid;
                prev_label = Some("then");
            } else {
                let sid = b.main(step_node);
                b.edge(&prev, &sid, prev_label.take());
                prev = sid;
            }
        }
        Ok(b.finish())
    }
}

#[async_trait]
impl WorkflowGenerator for Engine {
    async fn generate(&self, req: &GenerateRequest) -> Result<Generated, WorkflowError> {
        Engine::generate(self, req)
    }
}

/// The deployable bundle as a zip: `lambda_function.py`, `requirements.txt`, `template.yaml`,
/// `README.md`. `code` is passed separately so a bundle can hold filled-in credentials.
pub fn bundle_zip(generated: &Generated, code: &str) -> Result<Vec<u8>, WorkflowError> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let files = [
        (HANDLER_FILE, code.to_owned()),
        ("requirements.txt", generated.requirements_txt()),
        ("template.yaml", generated.template_yaml.clone()),
        ("README.md", generated.readme.clone()),
    ];
    for (name, body) in files {
        zip.start_file(name, options)
            .map_err(|e| WorkflowError::Internal(format!("zip: {e}")))?;
        zip.write_all(body.as_bytes())
            .map_err(|e| WorkflowError::Internal(format!("zip: {e}")))?;
    }
    let cursor = zip
        .finish()
        .map_err(|e| WorkflowError::Internal(format!("zip: {e}")))?;
    Ok(cursor.into_inner())
}
