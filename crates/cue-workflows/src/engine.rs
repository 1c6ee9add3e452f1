//! The embedded engine: prompt → plan → code, template, graph and tools.

use std::io::Write as _;

use async_trait::async_trait;

use crate::catalog::{Catalog, Tool};
use crate::graph::{CredentialField, GraphBuilder, NodeKind, node};
use crate::model::{
    Delivery, GenerateRequest, Generated, IdentifiedTool, InputType, Plan, PlannedTool, TriggerKind,
};
use crate::render::Templates;
use crate::sam::HANDLER_FILE;
use crate::search::{EmbeddedIndex, MAX_LIMIT, Scope, SearchDoc, SearchQuery};
use crate::templates::{Template, TemplateLibrary};
use crate::{Graph, WorkflowError, credentials, planner, python, refs, sam, text, values};

/// The longest prompt accepted, in characters.
pub const DEFAULT_MAX_PROMPT_CHARS: usize = 4000;

/// Something that turns a request into a workflow (the embedded engine, or a model-backed one).
#[async_trait]
pub trait WorkflowGenerator: Send + Sync {
    async fn generate(&self, req: &GenerateRequest) -> Result<Generated, WorkflowError>;
}

/// How many of the closest templates inform a plan.
const HINT_TEMPLATES: usize = 3;

/// The template library and an index over it, for hints while planning.
#[derive(Debug)]
struct Hints {
    library: TemplateLibrary,
    index: EmbeddedIndex,
}

/// The embedded, deterministic engine. Holds the parsed catalog; share it in an `Arc`.
#[derive(Debug)]
pub struct Engine {
    catalog: Catalog,
    /// The planner's vocabularies (`data/language/`).
    language: planner::Language,
    /// The generator's templates, parsed once.
    templates: Templates,
    max_prompt_chars: usize,
    validate: bool,
    hints: Option<Hints>,
}

impl Engine {
    /// An engine with the built-in catalog, using the built-in templates as hints.
    pub fn new() -> Result<Self, WorkflowError> {
        let catalog = Catalog::builtin()?;
        let library = TemplateLibrary::builtin(&catalog)?;
        let index = EmbeddedIndex::with_docs(
            library
                .all()
                .iter()
                .enumerate()
                .map(|(i, t)| SearchDoc::from_template(t, i))
                .collect(),
        );
        let language = planner::Language::builtin()?.learn_names(&catalog);
        Ok(Self {
            catalog,
            language,
            templates: Templates::new()?,
            max_prompt_chars: DEFAULT_MAX_PROMPT_CHARS,
            validate: true,
            hints: Some(Hints { library, index }),
        })
    }

    /// Plans without template hints: a tool the text asks for without naming it ("email
    /// me") is always the catalog's default. For measuring what the hints change.
    #[must_use]
    pub fn without_template_hints(mut self) -> Self {
        self.hints = None;
        self
    }

    /// The templates closest to a description, best first, with their relevance (at most
    /// `limit`; none without hints or when nothing is alike).
    pub fn closest_templates(&self, text: &str, limit: usize) -> Vec<(&Template, f32)> {
        let Some(hints) = &self.hints else {
            return Vec::new();
        };
        let query = SearchQuery {
            limit: limit.clamp(1, MAX_LIMIT),
            ..SearchQuery::new(Scope::Templates, text)
        };
        // The index is in memory; it only fails on a poisoned lock, and hints are optional.
        let Ok(page) = hints.index.search_now(&query) else {
            return Vec::new();
        };
        page.hits
            .iter()
            .filter_map(|h| Some((hints.library.get(&h.id)?, h.score)))
            .collect()
    }

    /// Sets the longest accepted prompt (characters).
    #[must_use]
    pub fn with_max_prompt_chars(mut self, limit: usize) -> Self {
        self.max_prompt_chars = limit;
        self
    }

    /// Whether [`Generated::validation`] is filled (on by default). Turn it off when the caller
    /// validates the code itself anyway; it is most of the generation time.
    #[must_use]
    pub fn with_validation(mut self, on: bool) -> Self {
        self.validate = on;
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
        let normalized = self.normalize(req);
        let closest = self.closest_templates(&normalized, HINT_TEMPLATES);
        let hints: Vec<(&str, f32)> = closest
            .iter()
            .flat_map(|(t, score)| t.plan.tools.iter().map(move |pt| (pt.id.as_str(), *score)))
            .collect();
        planner::plan(&self.catalog, &self.language, &normalized, &hints)
    }

    /// The prompt as the planner reads it: spoken names respelled, numbers and speech forms
    /// normalised.
    fn normalize(&self, req: &GenerateRequest) -> String {
        let speech = req.input_type == InputType::SpeechTranscript;
        text::normalize(
            &planner::respell(&self.language, &req.prompt, speech),
            speech,
        )
    }

    #[cfg(feature = "llm")]
    /// Why `text` (a prompt, or what a model-backed planner wrote into a plan) is something
    /// Cue does not build (docs/policy.md), read as the planner reads a typed prompt.
    pub(crate) fn disallowed(&self, text: &str) -> Option<String> {
        let normalized = text::normalize(&planner::respell(&self.language, text, false), false);
        planner::disallowed(&self.language, &normalized)
    }

    /// The catalog ids of the tools the prompt excludes ("never text the customer", "leave
    /// HubSpot out"): a model-backed planner is not offered them and may not answer with them.
    pub fn excluded_tools(&self, req: &GenerateRequest) -> Vec<String> {
        planner::excluded_tools(&self.catalog, &self.language, &self.normalize(req))
    }

    /// Plans and generates everything for a prompt.
    pub fn generate(&self, req: &GenerateRequest) -> Result<Generated, WorkflowError> {
        let plan = self.plan(req)?;
        self.generate_from_plan(plan)
    }

    /// Generates code, template, graph and tools from a plan (e.g. a stored one).
    /// Every value of the plan is held to the rules of its parameter's kind first
    /// (`values.rs`): whichever planner wrote it, a value that breaks them is replaced by the
    /// catalog's default and the assumptions say so.
    pub fn generate_from_plan(&self, plan: Plan) -> Result<Generated, WorkflowError> {
        let plan = self.settled(plan);
        let prepared = python::prepare(&self.catalog, &plan)?;
        let code = prepared.render(&self.templates)?;
        let template_yaml = sam::template(&self.templates, &self.catalog, &plan, &prepared)?;
        let readme = sam::readme(&self.templates, &self.catalog, &plan, &prepared)?;
        let requirements = prepared.requirements;
        let graph = self.graph(&plan)?;
        let tools = plan
            .tools
            .iter()
            .map(|t| IdentifiedTool {
                name: t.name.clone(),
                credentials_needed: t.credentials.clone(),
            })
            .collect();
        let validation = if self.validate {
            let options = cue_validate::Options::default()
                .with_stage(cue_validate::Stage::InitialSkeleton)
                .with_requirements(crate::model::requirements_txt(&requirements));
            cue_validate::validate(&code, &options).ok()
        } else {
            None
        };
        Ok(Generated {
            validation,
            name: plan.name.clone(),
            assumptions: plan.assumptions.clone(),
            code,
            requirements,
            template_yaml,
            readme,
            graph,
            tools,
            plan,
        })
    }

    /// The Lambda module generated from `plan` alone (what a saved workflow's code is until
    /// someone edits it).
    pub fn code(&self, plan: &Plan) -> Result<String, WorkflowError> {
        python::prepare(&self.catalog, plan)?.render(&self.templates)
    }

    /// The pinned packages the code generated from `plan` imports: what a validation of
    /// that code (or of an edited copy) should count as installed. Cheaper than
    /// [`generate_from_plan`](Self::generate_from_plan): no template, graph or validation.
    pub fn requirements(&self, plan: &Plan) -> Result<Vec<String>, WorkflowError> {
        let plan = self.settled(plan.clone());
        Ok(python::prepare(&self.catalog, &plan)?.requirements)
    }

    /// The deployable bundle of a stored workflow: `code` (as stored, possibly edited) with
    /// the `requirements.txt`, SAM template and README its plan gives. The same zip
    /// [`bundle_zip`] makes of a full generation, without building the graph or validating.
    pub fn bundle(&self, plan: &Plan, code: &str) -> Result<Vec<u8>, WorkflowError> {
        let plan = &self.settled(plan.clone());
        let prepared = python::prepare(&self.catalog, plan)?;
        let template_yaml = sam::template(&self.templates, &self.catalog, plan, &prepared)?;
        zip_bundle(
            code,
            &crate::model::requirements_txt(&prepared.requirements),
            &template_yaml,
            &sam::readme(&self.templates, &self.catalog, plan, &prepared)?,
        )
    }

    /// The plan every generation renders, whichever planner wrote it or however old it is:
    /// every value held to its parameter kind's rules (`values::enforce`, which also keeps
    /// `{{`/`}}` out of every value taken from a prompt or a model), a setting for every
    /// required field the step's record does not carry (`required::fill`), polls within the vendor's
    /// quota, caveats for unverified catalog entries, and a webhook trigger that lists the
    /// credentials its handler checks requests with (`Catalog::webhook_for`: a plan stored
    /// before a vendor's scheme was known names the generic `webhook` secret instead).
    fn settled(&self, plan: Plan) -> Plan {
        let mut plan = values::enforce(&self.catalog, plan);
        crate::required::fill(&self.catalog, &mut plan);
        self.add_step_credentials(&mut plan);
        self.respect_poll_quota(&mut plan);
        let window = crate::window::note(&self.catalog, &plan);
        for c in crate::caveats::caveats(&self.catalog, &plan)
            .into_iter()
            .chain(window)
        {
            if !plan.assumptions.contains(&c) {
                plan.assumptions.push(c);
            }
        }
        if plan.trigger.delivery != Delivery::Http {
            return plan;
        }
        let tool = plan
            .trigger
            .tool
            .as_deref()
            .and_then(|id| self.catalog.tool(id));
        let Some(used) = self.catalog.webhook_for(tool) else {
            return plan;
        };
        if used.owner.id != crate::catalog::GENERIC_WEBHOOK {
            plan.tools
                .retain(|t| t.id != crate::catalog::GENERIC_WEBHOOK);
        }
        match plan.tools.iter_mut().find(|t| t.id == used.owner.id) {
            Some(t) => {
                for c in used.credentials {
                    if !t.credentials.contains(&c) {
                        t.credentials.push(c);
                    }
                }
            }
            None => plan.tools.insert(
                0,
                PlannedTool {
                    id: used.owner.id.clone(),
                    name: used.owner.name.clone(),
                    credentials: used.credentials,
                },
            ),
        }
        plan
    }

    /// Every credential a step's call references is one of the plan's: a plan stored before
    /// the catalog added one (Datadog's site, Zoho's data centre hosts) gets it, so the code
    /// defines it and the user is asked for it.
    fn add_step_credentials(&self, plan: &mut Plan) {
        let referenced: Vec<_> = plan
            .steps
            .iter()
            .filter_map(|s| {
                let tool = self.catalog.tool(&s.tool)?;
                let action = tool.action(&s.action)?;
                Some((tool, refs::credentials_for(tool, action)))
            })
            .collect();
        for (tool, creds) in referenced {
            crate::required::add_credentials(plan, tool, creds);
        }
    }

    /// A polled trigger runs no more often than the vendor's quotas allow (the event cursor's
    /// `min_interval_minutes`); a faster `rate(...)` is slowed down and the plan says so.
    fn respect_poll_quota(&self, plan: &mut Plan) {
        let t = &plan.trigger;
        if t.delivery != Delivery::Poll {
            return;
        }
        let Some((tool, min)) = t
            .tool
            .as_deref()
            .and_then(|id| self.catalog.tool(id))
            .and_then(|tool| {
                let e = tool
                    .events
                    .iter()
                    .find(|e| Some(&e.id) == t.event.as_ref())?;
                Some((tool, e.cursor.as_ref()?.min_interval_minutes?))
            })
        else {
            return;
        };
        let every = t
            .schedule_expression
            .as_deref()
            .and_then(|e| e.strip_prefix("rate(")?.strip_suffix(')'))
            .and_then(|r| r.split_once(' '))
            .filter(|(_, unit)| unit.starts_with("minute"))
            .and_then(|(n, _)| n.parse::<u32>().ok());
        if let Some(n) = every
            && n < min
        {
            plan.trigger.schedule_expression = Some(format!("rate({min} minutes)"));
            let note = format!(
                "{} allows polling at most every {min} minutes, so the schedule runs every {min} minutes instead of every {n}.",
                tool.name
            );
            if !plan.assumptions.contains(&note) {
                plan.assumptions.push(note);
            }
        }
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
        if t.delivery == Delivery::Http
            && let Some(used) = self.catalog.webhook_for(trigger_tool)
        {
            let placeholders = plan.placeholders();
            let creds: Vec<String> = used
                .credentials
                .into_iter()
                .filter(|s| placeholders.contains(s))
                .collect();
            trigger_creds.extend(self.fields(used.owner, &creds));
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
            let creds = refs::credentials_for(tool, action);
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
    zip_bundle(
        code,
        &generated.requirements_txt(),
        &generated.template_yaml,
        &generated.readme,
    )
}

fn zip_bundle(
    code: &str,
    requirements_txt: &str,
    template_yaml: &str,
    readme: &str,
) -> Result<Vec<u8>, WorkflowError> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let files = [
        (HANDLER_FILE, code),
        ("requirements.txt", requirements_txt),
        ("template.yaml", template_yaml),
        ("README.md", readme),
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

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {

    use super::*;
    use crate::catalog::EventDelivery;
    use crate::model::{Step, Trigger};
    use crate::python::test_plans::manual;

    fn plan_for(
        engine: &Engine,
        trigger: Trigger,
        steps: Vec<(&Tool, &crate::catalog::Action)>,
    ) -> Plan {
        let mut tools: Vec<PlannedTool> = Vec::new();
        let trigger_tool = trigger.tool.as_ref().and_then(|id| engine.catalog.tool(id));
        if let Some(t) = trigger_tool {
            tools.push(PlannedTool {
                id: t.id.clone(),
                name: t.name.clone(),
                credentials: Vec::new(),
            });
        }
        if trigger.delivery == Delivery::Http {
            // as the planners do
            let used = engine.catalog.webhook_for(trigger_tool).unwrap();
            match tools.iter_mut().find(|p| p.id == used.owner.id) {
                Some(p) => p.credentials.extend(used.credentials),
                None => tools.push(PlannedTool {
                    id: used.owner.id.clone(),
                    name: used.owner.name.clone(),
                    credentials: used.credentials,
                }),
            }
        }
        let steps = steps
            .into_iter()
            .enumerate()
            .map(|(i, (tool, action))| {
                let creds = refs::credentials_for(tool, action);
                match tools.iter_mut().find(|p| p.id == tool.id) {
                    Some(p) => p.credentials.extend(
                        creds
                            .into_iter()
                            .filter(|c| !p.credentials.contains(c))
                            .collect::<Vec<_>>(),
                    ),
                    None => tools.push(PlannedTool {
                        id: tool.id.clone(),
                        name: tool.name.clone(),
                        credentials: creds,
                    }),
                }
                Step {
                    id: format!("step_{}", i + 1),
                    tool: tool.id.clone(),
                    action: action.id.clone(),
                    description: action.label.clone(),
                    params: action.params.clone(),
                    condition: None,
                    for_each: None,
                }
            })
            .collect();
        Plan {
            name: "Catalog check".to_owned(),
            summary: "Exercises one catalog entry.".to_owned(),
            trigger,
            steps,
            tools,
            assumptions: Vec::new(),
        }
    }

    fn tool_names(engine: &Engine, prompt: &str) -> (Vec<String>, Vec<String>) {
        let plan = engine.plan(&GenerateRequest::text(prompt)).unwrap();
        (
            plan.tools.iter().map(|t| t.name.clone()).collect(),
            plan.assumptions,
        )
    }

    #[test]
    fn templates_choose_an_unnamed_tool_when_several_agree() {
        let prompt = "Every weekday at 7am email me my Google Calendar events";
        let hinted = Engine::new().unwrap();
        let (tools, assumptions) = tool_names(&hinted, prompt);
        assert!(tools.contains(&"Gmail".to_owned()), "{tools:?}");
        assert!(
            assumptions
                .iter()
                .any(|a| a.contains("using Gmail, as the closest templates do")
                    && a.contains("Amazon SES")),
            "{assumptions:?}"
        );
        let plain = Engine::new().unwrap().without_template_hints();
        let (tools, _) = tool_names(&plain, prompt);
        assert!(tools.contains(&"Amazon SES".to_owned()), "{tools:?}");
        // A tool the text names is never replaced.
        let (tools, _) = tool_names(
            &hinted,
            "Every weekday at 7am send my Google Calendar events with SendGrid",
        );
        assert!(
            tools.contains(&"SendGrid".to_owned()) && !tools.contains(&"Gmail".to_owned()),
            "{tools:?}"
        );
    }

    #[test]
    fn one_alike_template_is_not_enough_to_change_a_default() {
        // "the team" resembles the Microsoft Teams template only.
        let engine = Engine::new().unwrap();
        let (tools, _) = tool_names(
            &engine,
            "every morning summarize yesterday's notion wiki changes and send that to the team",
        );
        assert!(!tools.contains(&"Microsoft Teams".to_owned()), "{tools:?}");
        let closest = engine.closest_templates("daily GitHub issues in Slack", 3);
        assert_eq!(closest[0].0.id, "daily-github-issues-to-slack");
        assert!(closest.windows(2).all(|w| w[0].1 >= w[1].1));
        assert!(engine.closest_templates("zzqx", 3).is_empty());
        let plain = Engine::new().unwrap().without_template_hints();
        assert!(plain.closest_templates("daily GitHub issues", 3).is_empty());
    }

    /// Every action and every event of the catalog generates code that cue-validate accepts.
    #[test]
    fn every_catalog_action_and_event_generates_valid_code() {
        let engine = Engine::new().unwrap();
        let slack = engine.catalog.tool("slack").unwrap();
        let post = slack.action("post_message").unwrap();
        let mut checked = 0;
        for tool in engine.catalog.tools() {
            for action in &tool.actions {
                let plan = plan_for(&engine, manual(), vec![(tool, action)]);
                let g = engine.generate_from_plan(plan).unwrap();
                let report = g.validation.as_ref().unwrap();
                assert_eq!(
                    report.error_count, 0,
                    "{}.{}: {:?}\n{}",
                    tool.id, action.id, report.findings, g.code
                );
                checked += 1;
            }
            for event in &tool.events {
                let delivery = match event.delivery {
                    EventDelivery::Http => Delivery::Http,
                    EventDelivery::Poll => Delivery::Poll,
                    EventDelivery::S3 => Delivery::S3,
                    EventDelivery::Sqs => Delivery::Sqs,
                    EventDelivery::Kinesis => Delivery::Kinesis,
                    EventDelivery::DynamodbStream => Delivery::DynamodbStream,
                    EventDelivery::Kafka => Delivery::Kafka,
                };
                let trigger = Trigger {
                    kind: TriggerKind::AppEvent,
                    delivery,
                    schedule_expression: (delivery == Delivery::Poll)
                        .then(|| "rate(5 minutes)".to_owned()),
                    tool: Some(tool.id.clone()),
                    event: Some(event.id.clone()),
                    ..manual()
                };
                let mut steps = Vec::new();
                if let Some(p) = &event.poll {
                    steps.push((tool, tool.action(p).unwrap()));
                }
                steps.push((slack, post));
                let plan = plan_for(&engine, trigger, steps);
                let g = engine.generate_from_plan(plan).unwrap();
                let report = g.validation.as_ref().unwrap();
                assert_eq!(
                    report.error_count, 0,
                    "{} event {}: {:?}\n{}",
                    tool.id, event.id, report.findings, g.code
                );
                checked += 1;
            }
        }
        assert!(checked > 300, "{checked}");
    }

    /// The cheap paths for stored workflows give what a full generation gives.
    #[test]
    fn bundle_and_requirements_match_a_full_generation() {
        let engine = Engine::new().unwrap();
        let library = TemplateLibrary::builtin(engine.catalog()).unwrap();
        for t in library.all() {
            let full = engine.generate_from_plan(t.plan.clone()).unwrap();
            assert_eq!(
                engine.requirements(&t.plan).unwrap(),
                full.requirements,
                "{}",
                t.id
            );
            let edited = format!("{}\n# edited\n", full.code);
            assert_eq!(
                engine.bundle(&t.plan, &edited).unwrap(),
                bundle_zip(&full, &edited).unwrap(),
                "{}",
                t.id
            );
        }
    }
}
