//! The SAM template and README of a bundle, rendered from `codegen/sam/template.yaml.j2` and
//! `codegen/README.md.j2`.

use serde::Serialize;

use crate::WorkflowError;
use crate::catalog::Catalog;
use crate::model::{Delivery, Plan};
use crate::python::Prepared;
use crate::render::{PlanText, Templates};

/// The handler module file name inside the bundle; the template's `Handler` matches it.
pub const HANDLER_FILE: &str = "lambda_function.py";

/// What `sam/template.yaml.j2` renders.
#[derive(Serialize)]
struct SamTemplate<'a> {
    plan: PlanText<'a>,
    /// `schedule` (schedules and polling), `http`, `s3`, `sqs`, `kinesis` or `direct`.
    delivery: &'static str,
    placeholders: Vec<Parameter>,
    handler_module: &'static str,
    /// The function's description (CloudFormation allows 256 characters).
    description: String,
    iam: &'a [String],
    schedule_expression: String,
    /// The upload bucket of an S3 trigger.
    bucket: String,
    /// A polling cursor is kept in a table of its own.
    cursor: bool,
}

/// A credential as a template parameter.
#[derive(Serialize)]
struct Parameter {
    name: String,
    /// Secrets get `NoEcho`; identifiers such as a shop domain do not.
    secret: bool,
    /// Set by the webhook's handshake after deployment (Asana's `X-Hook-Secret`): may be empty.
    learned: bool,
}

/// `template.yaml` for the plan: function, runtime, trigger, environment and policies.
pub(crate) fn template(
    templates: &Templates,
    catalog: &Catalog,
    plan: &Plan,
    prepared: &Prepared<'_>,
) -> Result<String, WorkflowError> {
    let secret = |p: &str| -> bool {
        plan.tools
            .iter()
            .filter_map(|t| catalog.tool(&t.id))
            .find_map(|t| t.credential(p))
            .is_none_or(|c| c.secret)
    };
    let t = &plan.trigger;
    let view = SamTemplate {
        plan: PlanText::from(plan),
        delivery: match t.delivery {
            Delivery::Schedule | Delivery::Poll => "schedule",
            Delivery::Http => "http",
            Delivery::S3 => "s3",
            Delivery::Sqs => "sqs",
            Delivery::Kinesis => "kinesis",
            Delivery::Direct => "direct",
        },
        placeholders: plan
            .placeholders()
            .into_iter()
            .map(|name| Parameter {
                secret: secret(&name),
                learned: prepared.learned_secret.as_ref() == Some(&name),
                name,
            })
            .collect(),
        handler_module: HANDLER_FILE.trim_end_matches(".py"),
        description: plan.summary.chars().take(250).collect(),
        iam: &prepared.iam,
        schedule_expression: t
            .schedule_expression
            .clone()
            .unwrap_or_else(|| "rate(1 day)".to_owned()),
        cursor: prepared.cursor,
        bucket: t
            .params
            .get("bucket")
            .cloned()
            .unwrap_or_else(|| "workflow-uploads".to_owned()),
    };
    templates.render("sam/template.yaml.j2", &view)
}

/// What `README.md.j2` renders.
#[derive(Serialize)]
struct Readme<'a> {
    plan: PlanText<'a>,
    placeholders: Vec<String>,
    /// The trigger is a request to the public function URL.
    webhook: bool,
}

/// A short README for the bundle.
pub(crate) fn readme(templates: &Templates, plan: &Plan) -> Result<String, WorkflowError> {
    templates.render(
        "README.md.j2",
        &Readme {
            plan: PlanText::from(plan),
            placeholders: plan.placeholders(),
            webhook: plan.trigger.delivery == Delivery::Http,
        },
    )
}
