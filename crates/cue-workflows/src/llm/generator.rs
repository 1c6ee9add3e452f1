//! The model-backed [`WorkflowGenerator`]: ask, check, repair a bounded number of times, and
//! fall back to the embedded engine.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::{ChatMessage, LlmError, ModelClient, answer, destinations, prompt, redact};
use crate::model::{GenerateRequest, Generated};
use crate::templates::Template;
use crate::{Engine, WorkflowError, WorkflowGenerator, values};

/// How many times a rejected answer is sent back for repair by default.
pub const DEFAULT_MAX_REPAIRS: usize = 2;
/// Default for the whole model path, repairs included (`LLM_TOTAL_TIMEOUT_SECONDS`).
pub const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(25);
/// The longest earlier answer echoed back in a repair conversation, in characters.
const MAX_ECHO_CHARS: usize = 8000;
/// The longest answer considered at all, in bytes: a plan of ten steps is a few kilobytes.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;
/// The longest reason for a fallback said in the assumptions, in characters.
const MAX_REASON_CHARS: usize = 300;
/// How many of the closest templates the model is shown as examples.
const EXAMPLE_TEMPLATES: usize = 2;

/// Plans with a hosted model, generates with the embedded engine, and falls back to the
/// engine's own planner when the model fails.
pub struct ModelGenerator {
    client: Arc<dyn ModelClient>,
    engine: Arc<Engine>,
    max_repairs: usize,
    total_timeout: Duration,
}

impl std::fmt::Debug for ModelGenerator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelGenerator")
            .field("model", &self.client.model_name())
            .field("max_repairs", &self.max_repairs)
            .field("total_timeout", &self.total_timeout)
            .finish_non_exhaustive()
    }
}

impl ModelGenerator {
    /// A generator asking `client`, with [`DEFAULT_MAX_REPAIRS`] repairs within
    /// [`DEFAULT_TOTAL_TIMEOUT`].
    pub fn new(client: Arc<dyn ModelClient>, engine: Arc<Engine>) -> Self {
        Self {
            client,
            engine,
            max_repairs: DEFAULT_MAX_REPAIRS,
            total_timeout: DEFAULT_TOTAL_TIMEOUT,
        }
    }

    /// Sets how many times a rejected answer is sent back (0: one attempt only).
    #[must_use]
    pub fn with_max_repairs(mut self, max_repairs: usize) -> Self {
        self.max_repairs = max_repairs;
        self
    }

    /// Sets how long the whole model path (every attempt and repair) may take before the
    /// embedded engine plans instead.
    #[must_use]
    pub fn with_total_timeout(mut self, total: Duration) -> Self {
        self.total_timeout = total;
        self
    }

    /// Asks the model, repairing rejected answers; the error is the reason for falling back,
    /// worded for users. `req` is the request as the user wrote it; the model sees it with
    /// credential-shaped text redacted.
    async fn ask(
        &self,
        req: &GenerateRequest,
        redacted: &GenerateRequest,
    ) -> Result<Generated, String> {
        let catalog = self.engine.catalog();
        let examples: Vec<&Template> = self
            .engine
            .closest_templates(&redacted.prompt, EXAMPLE_TEMPLATES)
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        let excluded = self.engine.excluded_tools(req);
        let mut messages = vec![
            prompt::system_message(catalog),
            prompt::user_message_with_examples(redacted, &examples),
        ];
        if let Some(m) = exclusion_message(catalog, &excluded) {
            messages.push(m);
        }
        let mut problem = String::new();
        for _ in 0..=self.max_repairs {
            let reply = self
                .client
                .complete(&messages)
                .await
                .map_err(|e| reason(&e))?;
            match self.check(&reply, &req.prompt, &excluded) {
                Ok(generated) => return Ok(generated),
                Err(p) => {
                    messages.push(ChatMessage::assistant(
                        reply.chars().take(MAX_ECHO_CHARS).collect::<String>(),
                    ));
                    messages.push(prompt::repair_message(&p));
                    problem = p;
                }
            }
        }
        Err(format!(
            "its answer was rejected {} time(s), last because {problem}",
            self.max_repairs + 1
        ))
    }

    /// Turns one reply into generated code, or says what is wrong with it. Values are held
    /// to the rules of their kind (a breach is sent back for repair), destinations to what
    /// `user_text` names, and a plan that uses a tool the user excluded is wrong.
    fn check(
        &self,
        reply: &str,
        user_text: &str,
        excluded: &[String],
    ) -> Result<Generated, String> {
        if reply.len() > MAX_ANSWER_BYTES {
            return Err(format!(
                "the answer is longer than {MAX_ANSWER_BYTES} bytes; answer with the plan only"
            ));
        }
        let catalog = self.engine.catalog();
        let parsed = answer::parse(reply)?;
        let mut plan = answer::to_plan(catalog, parsed)?;
        // the policy holds after the model too: a step or message it wrote (from text pasted
        // into the prompt, say) is held to what Cue builds, each piece on its own
        let pieces = std::iter::once(plan.name.clone())
            .chain(plan.assumptions.iter().cloned())
            .chain(plan.steps.iter().map(|s| {
                s.params
                    .values()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(". ")
            }));
        if let Some(why) = pieces.into_iter().find_map(|p| self.engine.disallowed(&p)) {
            return Err(format!(
                "the plan holds something Cue does not build ({why}); plan only what the user asked for"
            ));
        }
        if let Some(t) = plan.tools.iter().find(|t| excluded.contains(&t.id)) {
            return Err(format!(
                "the plan uses {}, which the user excluded; use another tool or leave the step out",
                t.name
            ));
        }
        let problems = values::problems(catalog, &plan);
        if !problems.is_empty() {
            return Err(clip(
                &format!("some values break their rules: {}", problems.join("; ")),
                MAX_ECHO_CHARS / 4,
            ));
        }
        // a value the model copied from a redacted word is no value: the default stands
        for step in &mut plan.steps {
            for (name, value) in &mut step.params {
                if value.contains(redact::REDACTED)
                    && let Some(default) = catalog
                        .tool(&step.tool)
                        .and_then(|t| t.action(&step.action))
                        .and_then(|a| a.params.get(name))
                {
                    value.clone_from(default);
                }
            }
        }
        destinations::confine(catalog, &mut plan, user_text);
        plan.assumptions.push(format!(
            "Planned by the model {}.",
            clip(self.client.model_name(), 80)
        ));
        let generated = self
            .engine
            .generate_from_plan(plan)
            .map_err(|e| format!("the plan could not be turned into code: {e}"))?;
        validation_problem(&generated).map_or(Ok(generated), Err)
    }
}

/// At most `max` characters of `s`, with an ellipsis when cut.
fn clip(s: &str, max: usize) -> String {
    let mut out: String = s.chars().take(max).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// Tells the model which catalog tools the user excluded ("never use Slack"): they are not
/// on offer for this request.
fn exclusion_message(
    catalog: &crate::catalog::Catalog,
    excluded: &[String],
) -> Option<ChatMessage> {
    let names: Vec<&str> = excluded
        .iter()
        .filter_map(|id| catalog.tool(id))
        .map(|t| t.name.as_str())
        .collect();
    (!names.is_empty()).then(|| {
        ChatMessage::user(format!(
            "The user excluded these tools; they are not available for this workflow and must not appear in the plan: {}.",
            names.join(", ")
        ))
    })
}

/// Why generated code is not acceptable: cue-validate found errors in it.
fn validation_problem(generated: &Generated) -> Option<String> {
    let report = generated.validation.as_ref()?;
    if report.error_count == 0 {
        return None;
    }
    let errors: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.severity == cue_validate::Severity::Error)
        .take(3)
        .map(|f| format!("line {}: {}", f.line, f.message))
        .collect();
    Some(format!(
        "the generated code failed validation ({}); change the plan so it does not happen",
        errors.join("; ")
    ))
}

/// A short reason for users; details of the endpoint stay out of responses.
fn reason(e: &LlmError) -> String {
    match e {
        LlmError::Timeout { seconds } => format!("it did not answer within {seconds} s"),
        LlmError::Status { status } => format!("its endpoint answered with status {status}"),
        LlmError::Transport(_) => "it could not be reached".to_owned(),
        LlmError::BadResponse(_) => "its endpoint answered in an unexpected shape".to_owned(),
        LlmError::TooLarge { limit } => format!("its answer was larger than {limit} bytes"),
    }
}

#[async_trait]
impl WorkflowGenerator for ModelGenerator {
    async fn generate(&self, req: &GenerateRequest) -> Result<Generated, WorkflowError> {
        // the engine's input checks come first, so the model never sees what the engine would
        // reject (empty, too long, disallowed) and those errors stay identical
        let fallback = match self.engine.plan(req) {
            Ok(plan) => Ok(plan),
            Err(e @ WorkflowError::NotUnderstood { .. }) => Err(e),
            Err(e) => return Err(e),
        };
        let (prompt, hidden) = redact::redact(&req.prompt);
        let redacted = GenerateRequest {
            prompt,
            input_type: req.input_type,
        };
        let hidden_note = (hidden > 0).then(|| {
            format!(
                "{hidden} credential-like value(s) in the description were replaced by {} before it was sent to the model; enter credentials in the credential form instead.",
                redact::REDACTED
            )
        });
        let outcome = match tokio::time::timeout(self.total_timeout, self.ask(req, &redacted)).await
        {
            Ok(outcome) => outcome,
            Err(_) => Err(format!(
                "it did not finish within {} s in total",
                self.total_timeout.as_secs()
            )),
        };
        let mut generated = match outcome {
            Ok(generated) => generated,
            Err(why) => {
                tracing::warn!(
                    model = self.client.model_name(),
                    reason = %why,
                    "model-backed planning failed; the embedded engine plans instead"
                );
                let mut plan = fallback?;
                plan.assumptions.insert(
                    0,
                    format!(
                        "The model-backed planner was unavailable ({}); the built-in engine planned this workflow.",
                        clip(&why, MAX_REASON_CHARS)
                    ),
                );
                self.engine.generate_from_plan(plan)?
            }
        };
        if let Some(note) = hidden_note {
            generated.assumptions.push(note.clone());
            generated.plan.assumptions.push(note);
        }
        Ok(generated)
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn excluded_tools_are_named_to_the_model_and_refused_in_its_answer() {
        let engine = Engine::new().unwrap();
        let req = GenerateRequest::text(
            "when a Stripe payment fails, email the customer, and leave HubSpot out of it",
        );
        let excluded = engine.excluded_tools(&req);
        assert_eq!(excluded, vec!["hubspot".to_owned()]);
        let m = exclusion_message(engine.catalog(), &excluded).unwrap();
        assert!(m.content.contains("HubSpot"), "{}", m.content);
        assert!(exclusion_message(engine.catalog(), &[]).is_none());
    }

    #[test]
    fn code_with_validation_errors_is_a_repair_reason() {
        let engine = Engine::new().unwrap();
        let mut g = engine
            .generate(&GenerateRequest::text(
                "every day at 9am post the open GitHub issues to #dev in Slack",
            ))
            .unwrap();
        assert_eq!(validation_problem(&g), None);
        g.validation = cue_validate::validate(
            "def lambda_handler(event, context:\n    return 1\n",
            &cue_validate::Options::default(),
        )
        .ok();
        let problem = validation_problem(&g).unwrap();
        assert!(
            problem.starts_with("the generated code failed validation (line 1: "),
            "{problem}"
        );
    }
}
