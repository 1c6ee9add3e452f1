//! The SAM template and README of a bundle, rendered from `codegen/sam/template.yaml.j2` and
//! `codegen/README.md.j2`.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::WorkflowError;
use crate::catalog::{Catalog, Verify};
use crate::model::{Delivery, Plan};
use crate::python::{EnvSetting, Prepared};
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
    /// The policy's statements: each action on the resources the workflow names.
    statements: Vec<Statement>,
    schedule_expression: String,
    /// The upload bucket of an S3 trigger.
    bucket: String,
    /// A polling cursor is kept in a table of its own.
    cursor: bool,
    /// What the module reads from the environment with a default: a parameter each.
    settings: &'a [EnvSetting],
    /// Credentials whose newest value the function keeps in a secret of its own.
    rotated: &'a [String],
    /// The SQS trigger reads a queue of its own subscribed to an SNS topic.
    sns_topic: bool,
    /// What the sender must add to its requests beside the function URL.
    setup: Option<WebhookSetup>,
}

/// What a webhook's sender must send beside the bare function URL when the trigger's secret
/// travels with each request instead of signing it (review 14, R14-5): the URL with the secret
/// as a query parameter (Basecamp's `?token=`), a custom header (Datadog's `X-Webhook-Secret`)
/// or a body field (Figma's `passcode`). Derived from the scheme the handler applies
/// ([`Catalog::webhook_for`]), so every event of every such vendor gets it.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub(crate) struct WebhookSetup {
    /// `query`, `header` or `body_field`.
    pub kind: &'static str,
    /// The query parameter, the header (as usually written: `X-Webhook-Secret`) or the field.
    pub name: String,
    /// Text before the secret in a header (`Bearer `).
    pub prefix: String,
    /// The credential holding the secret, which `sam deploy --guided` asks for.
    pub secret: String,
    /// Its template parameter (`DatadogWebhookSecret`).
    pub parameter: String,
    /// Where the vendor takes the value, from the credential's description.
    pub help: String,
    /// The sending tool's name.
    pub vendor: String,
}

/// A header name as usually written: each `-`-part capitalized (`x-webhook-secret` →
/// `X-Webhook-Secret`).
fn header_case(h: &str) -> String {
    h.split('-')
        .map(|part| {
            let mut c = part.chars();
            c.next().map_or_else(String::new, |f| {
                f.to_ascii_uppercase().to_string() + &c.as_str().to_ascii_lowercase()
            })
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// The setup of the plan's HTTP trigger whose secret travels in the request, if it has one.
pub(crate) fn webhook_setup(catalog: &Catalog, plan: &Plan) -> Option<WebhookSetup> {
    if plan.trigger.delivery != Delivery::Http {
        return None;
    }
    let tool = plan.trigger.tool.as_deref().and_then(|id| catalog.tool(id));
    setup_for(catalog, tool)
}

/// The setup of a webhook from `tool` (none: Cue's own scheme).
fn setup_for(catalog: &Catalog, tool: Option<&crate::catalog::Tool>) -> Option<WebhookSetup> {
    let used = catalog.webhook_for(tool)?;
    let (kind, name, prefix, secret) = match &used.webhook.verify {
        Verify::UrlSecret { query, secret } => ("query", query.clone(), String::new(), secret),
        Verify::Token {
            header,
            body_field: None,
            prefix,
            secret,
        } if !header.is_empty() => ("header", header_case(header), prefix.clone(), secret),
        Verify::Token {
            body_field: Some(field),
            secret,
            ..
        } => ("body_field", field.clone(), String::new(), secret),
        _ => return None,
    };
    let help = used
        .owner
        .credential(secret)
        .map(|c| c.description.clone())
        .unwrap_or_default();
    Some(WebhookSetup {
        kind,
        name,
        prefix,
        secret: secret.clone(),
        parameter: crate::escape::logical_name(secret),
        help,
        vendor: tool.map_or_else(|| used.owner.name.clone(), |t| t.name.clone()),
    })
}

/// One statement of the function's policy.
#[derive(Debug, Serialize, PartialEq, Eq)]
struct Statement {
    actions: Vec<String>,
    resources: Vec<PolicyResource>,
    /// `Condition` blocks: an operator and its keys with their values.
    conditions: Vec<ConditionBlock>,
}

/// One operator of a statement's `Condition` (`StringEquals`) with its keys and values.
#[derive(Debug, Serialize, PartialEq, Eq)]
struct ConditionBlock {
    operator: String,
    entries: Vec<(String, String)>,
}

/// A `Resource` entry: an ARN, written with `!Sub` when it holds `${...}` pseudo parameters.
#[derive(Debug, Serialize, PartialEq, Eq)]
struct PolicyResource {
    arn: String,
    sub: bool,
}

impl PolicyResource {
    fn new(arn: String) -> Self {
        Self {
            sub: arn.contains("${"),
            arn,
        }
    }
}

/// The policy: each step's actions on the resources its catalog entry names (`iam_resources`,
/// filled with the step's values), the upload bucket's objects for an S3 trigger, and `*`
/// only for actions nothing scopes (those AWS grants on no resource type).
fn statements(catalog: &Catalog, plan: &Plan, iam: &[String]) -> Vec<Statement> {
    let mut out: Vec<Statement> = Vec::new();
    let mut unscoped: BTreeSet<String> = BTreeSet::new();
    let mut scoped: BTreeSet<String> = BTreeSet::new();
    let push = |st: Statement, out: &mut Vec<Statement>| {
        if !out.contains(&st) {
            out.push(st);
        }
    };
    for step in &plan.steps {
        let Some(action) = catalog
            .tool(&step.tool)
            .and_then(|t| t.action(&step.action))
        else {
            continue;
        };
        if action.iam.is_empty() {
            continue;
        }
        if !action.iam_conditions.is_empty() {
            // scoped by condition keys, on the action's resources or (none) on `*`
            scoped.extend(action.iam.iter().cloned());
            let arns = if action.iam_resources.is_empty() {
                vec!["*".to_owned()]
            } else {
                action.iam_resources.clone()
            };
            let conditions = action
                .iam_conditions
                .iter()
                .map(|(operator, keys)| ConditionBlock {
                    operator: operator.clone(),
                    entries: keys
                        .iter()
                        .map(|(k, v)| (k.clone(), fill_arn(v, &step.params, &action.params)))
                        .collect(),
                })
                .collect();
            push(
                Statement {
                    actions: action.iam.clone(),
                    resources: arns
                        .iter()
                        .map(|t| PolicyResource::new(fill_arn(t, &step.params, &action.params)))
                        .collect(),
                    conditions,
                },
                &mut out,
            );
            continue;
        }
        if action.iam_resources.is_empty() {
            // An object read of an action with no resource of its own (Rekognition, Textract,
            // Transcribe reading `{field:bucket}`) under an S3 trigger reads the uploaded
            // object: the upload bucket's statement below covers it.
            let upload_read =
                |a: &String| a == "s3:GetObject" && plan.trigger.delivery == Delivery::S3;
            unscoped.extend(action.iam.iter().filter(|a| !upload_read(a)).cloned());
            continue;
        }
        let (anywhere, on_resources): (Vec<String>, Vec<String>) = action
            .iam
            .iter()
            .cloned()
            .partition(|a| action.iam_on_any_resource.contains(a));
        unscoped.extend(anywhere);
        scoped.extend(on_resources.iter().cloned());
        let resources = action
            .iam_resources
            .iter()
            .map(|t| PolicyResource::new(fill_arn(t, &step.params, &action.params)))
            .collect();
        push(
            Statement {
                actions: on_resources,
                resources,
                conditions: Vec::new(),
            },
            &mut out,
        );
    }
    if plan.trigger.delivery == Delivery::S3 {
        scoped.insert("s3:GetObject".to_owned());
        push(
            Statement {
                actions: vec!["s3:GetObject".to_owned()],
                resources: vec![PolicyResource::new(
                    "arn:${AWS::Partition}:s3:::${UploadBucketName}/*".to_owned(),
                )],
                conditions: Vec::new(),
            },
            &mut out,
        );
    }
    let rest: Vec<String> = iam
        .iter()
        .filter(|a| unscoped.contains(*a) || !scoped.contains(*a))
        .cloned()
        .collect();
    if !rest.is_empty() {
        out.push(Statement {
            actions: rest,
            resources: vec![PolicyResource::new("*".to_owned())],
            conditions: Vec::new(),
        });
    }
    out
}

/// An ARN template with `{param}` (the value) and `{param:-N}` (its N-th `/`-separated part
/// from the end) filled from the step's values. A value with characters an ARN part does not
/// have (or that `!Sub` would read) is replaced by the catalog default.
fn fill_arn(
    template: &str,
    values: &BTreeMap<String, String>,
    defaults: &BTreeMap<String, String>,
) -> String {
    let plain = |v: &str| {
        !v.is_empty()
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/'))
    };
    let mut out = String::new();
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        let Some(j) = rest[i..].find('}').map(|j| i + j) else {
            break;
        };
        out.push_str(&rest[..i]);
        if rest[..i].ends_with('$') {
            // a CloudFormation pseudo parameter, `${AWS::Region}`: kept for !Sub
            out.push_str(&rest[i..=j]);
            rest = &rest[j + 1..];
            continue;
        }
        let reference = &rest[i + 1..j];
        let (name, from_end) = match reference.split_once(":-") {
            Some((n, k)) => (n, k.parse::<usize>().ok()),
            None => (reference, None),
        };
        let pick = |v: &str| -> Option<String> {
            let part = match from_end {
                Some(k) => v.trim_end_matches('/').rsplit('/').nth(k.checked_sub(1)?)?,
                None => v,
            };
            plain(part).then(|| part.to_owned())
        };
        let value = values
            .get(name)
            .and_then(|v| pick(v))
            .or_else(|| defaults.get(name).and_then(|v| pick(v)))
            .unwrap_or_else(|| "*".to_owned());
        out.push_str(&value);
        rest = &rest[j + 1..];
    }
    out.push_str(rest);
    out
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
            Delivery::DynamodbStream => "dynamodb_stream",
            Delivery::Kafka => "kafka",
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
        statements: statements(catalog, plan, &prepared.iam),
        schedule_expression: t
            .schedule_expression
            .clone()
            .unwrap_or_else(|| "rate(1 day)".to_owned()),
        cursor: prepared.cursor,
        settings: &prepared.settings,
        rotated: &prepared.rotated,
        sns_topic: t.delivery == Delivery::Sqs
            && t.tool
                .as_deref()
                .and_then(|id| catalog.tool(id))
                .and_then(|tool| tool.events.iter().find(|e| Some(&e.id) == t.event.as_ref()))
                .is_some_and(|e| e.sns_topic),
        bucket: t
            .params
            .get("bucket")
            .cloned()
            .unwrap_or_else(|| "workflow-uploads".to_owned()),
        setup: webhook_setup(catalog, plan),
    };
    templates.render("sam/template.yaml.j2", &view)
}

/// What `README.md.j2` renders.
#[derive(Serialize)]
struct Readme<'a> {
    plan: PlanText<'a>,
    placeholders: Vec<String>,
    /// What the module reads from the environment with a default.
    settings: &'a [EnvSetting],
    /// The trigger is a request to the public function URL.
    webhook: bool,
    /// What the sender must add to its requests beside the function URL.
    setup: Option<WebhookSetup>,
}

/// A short README for the bundle.
pub(crate) fn readme(
    templates: &Templates,
    catalog: &Catalog,
    plan: &Plan,
    prepared: &Prepared<'_>,
) -> Result<String, WorkflowError> {
    templates.render(
        "README.md.j2",
        &Readme {
            plan: PlanText::from(plan),
            placeholders: plan.placeholders(),
            settings: &prepared.settings,
            webhook: plan.trigger.delivery == Delivery::Http,
            setup: webhook_setup(catalog, plan),
        },
    )
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// Every vendor whose secret travels in the request gets a setup, named from its scheme;
    /// every vendor that signs (or verifies through its API) gets none.
    #[test]
    fn every_secret_in_the_request_has_its_setup_and_signers_have_none() {
        let catalog = Catalog::builtin().unwrap();
        let (mut query, mut header, mut field, mut none) = (0, 0, 0, 0);
        for tool in catalog.tools().iter().filter(|t| t.webhook.is_some()) {
            let used = catalog.webhook_for(Some(tool)).unwrap();
            let setup = setup_for(&catalog, Some(tool));
            match (&used.webhook.verify, &setup) {
                (Verify::UrlSecret { query: q, secret }, Some(s)) => {
                    assert_eq!((s.kind, &s.name, &s.secret), ("query", q, secret));
                    query += 1;
                }
                (
                    Verify::Token {
                        header: h,
                        body_field: None,
                        secret,
                        ..
                    },
                    Some(s),
                ) => {
                    assert_eq!(
                        (s.kind, s.name.to_ascii_lowercase(), &s.secret),
                        ("header", h.to_ascii_lowercase(), secret)
                    );
                    header += 1;
                }
                (
                    Verify::Token {
                        body_field: Some(f),
                        secret,
                        ..
                    },
                    Some(s),
                ) => {
                    assert_eq!((s.kind, &s.name, &s.secret), ("body_field", f, secret));
                    field += 1;
                }
                (Verify::Hmac { .. } | Verify::Jwt { .. } | Verify::VendorApi { .. }, None) => {
                    none += 1
                }
                (v, s) => panic!("{}: {v:?} gave {s:?}", tool.id),
            }
            if let Some(s) = setup {
                assert_eq!(s.vendor, tool.name);
                assert!(!s.help.is_empty(), "{}: the credential says where", tool.id);
            }
        }
        assert!(
            query >= 5 && header >= 3 && field >= 1 && none >= 20,
            "{query} {header} {field} {none}"
        );
        // Cue's own scheme (no vendor): its header
        let own = setup_for(&catalog, None).unwrap();
        assert_eq!(
            (own.kind, own.name.as_str()),
            ("header", "X-Webhook-Secret")
        );
    }

    #[test]
    fn header_names_are_written_as_usual() {
        for (raw, want) in [
            ("x-webhook-secret", "X-Webhook-Secret"),
            ("X-GITLAB-TOKEN", "X-Gitlab-Token"),
            ("authorization", "Authorization"),
            ("", ""),
            ("a--b", "A--B"),
        ] {
            assert_eq!(header_case(raw), want);
        }
    }

    #[test]
    fn arns_are_filled_from_the_step_values() {
        let defaults = map(&[("queue_url", "https://sqs.us-east-1.amazonaws.com/1/q")]);
        let cases = [
            (
                "arn:${AWS::Partition}:sqs:*:{queue_url:-2}:{queue_url:-1}",
                map(&[(
                    "queue_url",
                    "https://sqs.eu-west-1.amazonaws.com/123456789012/orders",
                )]),
                "arn:${AWS::Partition}:sqs:*:123456789012:orders",
            ),
            (
                "arn:${AWS::Partition}:s3:::{bucket}/*",
                map(&[("bucket", "my-bucket")]),
                "arn:${AWS::Partition}:s3:::my-bucket/*",
            ),
            // a value !Sub would read, or no value at all: the default, else a wildcard part
            (
                "arn:${AWS::Partition}:sqs:*:{queue_url:-2}:{queue_url:-1}",
                map(&[(
                    "queue_url",
                    "https://sqs.x.amazonaws.com/${AWS::AccountId}/q2",
                )]),
                "arn:${AWS::Partition}:sqs:*:${AWS::AccountId}:q2",
            ),
            (
                "arn:${AWS::Partition}:s3:::{bucket}",
                map(&[("bucket", "${Evil}")]),
                "arn:${AWS::Partition}:s3:::*",
            ),
        ];
        for (template, values, want) in &cases[..2] {
            assert_eq!(fill_arn(template, values, &defaults), *want);
        }
        // the injected ${...} part is not taken: the default's part is
        let got = fill_arn(cases[2].0, &cases[2].1, &defaults);
        assert_eq!(got, "arn:${AWS::Partition}:sqs:*:1:q2");
        assert_eq!(fill_arn(cases[3].0, &cases[3].1, &defaults), cases[3].2);
    }
}
