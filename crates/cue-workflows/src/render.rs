//! The templates generated text is written from (`codegen/`), parsed once per
//! [`Engine`](crate::Engine), and the filters that are the only way a value reaches it.
//!
//! Every template is in a language (`.py`, `.yaml` or `.md` in its name). Printing a plain
//! string fails the render: a value from a plan (the prompt's words, a model's answer) must go
//! through one of that language's filters, and only text the generator built from escaped parts
//! ([`Code`](crate::python) on the Rust side) is printed as it is. A filter used in another
//! language fails too, so a YAML-escaped value cannot end up in Python.
//!
//! | language | filter | writes |
//! |---|---|---|
//! | Python | `py` | a string literal holding the value exactly |
//! | Python | `doc` | text for a docstring or a `#` comment (one line, no `"` or `\`) |
//! | Python | `ident` | a lower-case name of the value's letters and digits |
//! | Python, YAML, Markdown | `name` | the value itself if it is a plain identifier, else fails |
//! | Python | `placeholder` | the `"{{NAME}}"` literal a credential defaults to |
//! | YAML | `yaml` | a double-quoted scalar holding the value exactly |
//! | YAML | `logical_name` | a CloudFormation logical name (`SLACK_TOKEN` → `SlackToken`) |
//! | Markdown | `md` | the value on one line |

use minijinja::value::{Serde, ValueKind};
use minijinja::{
    AutoEscape, Environment, Error, ErrorKind, Output, State, UndefinedBehavior, Value,
};
use serde::Serialize;

use crate::WorkflowError;
use crate::escape;
use crate::model::Plan;

/// Every template, by name; the names are the paths under `codegen/`.
const TEMPLATES: &[(&str, &str)] = &[
    (
        "python/module.py.j2",
        include_str!("../codegen/python/module.py.j2"),
    ),
    (
        "python/http.py.j2",
        include_str!("../codegen/python/http.py.j2"),
    ),
    (
        "python/on_host.py.j2",
        include_str!("../codegen/python/on_host.py.j2"),
    ),
    (
        "python/time.py.j2",
        include_str!("../codegen/python/time.py.j2"),
    ),
    (
        "python/ddb.py.j2",
        include_str!("../codegen/python/ddb.py.j2"),
    ),
    (
        "python/mime.py.j2",
        include_str!("../codegen/python/mime.py.j2"),
    ),
    (
        "python/reader.py.j2",
        include_str!("../codegen/python/reader.py.j2"),
    ),
    (
        "python/sql.py.j2",
        include_str!("../codegen/python/sql.py.j2"),
    ),
    (
        "python/postgres.py.j2",
        include_str!("../codegen/python/postgres.py.j2"),
    ),
    (
        "python/mysql.py.j2",
        include_str!("../codegen/python/mysql.py.j2"),
    ),
    (
        "python/smtp.py.j2",
        include_str!("../codegen/python/smtp.py.j2"),
    ),
    (
        "python/imap.py.j2",
        include_str!("../codegen/python/imap.py.j2"),
    ),
    (
        "python/s3_read.py.j2",
        include_str!("../codegen/python/s3_read.py.j2"),
    ),
    (
        "python/headers.py.j2",
        include_str!("../codegen/python/headers.py.j2"),
    ),
    (
        "python/cursor.py.j2",
        include_str!("../codegen/python/cursor.py.j2"),
    ),
    (
        "python/file.py.j2",
        include_str!("../codegen/python/file.py.j2"),
    ),
    (
        "python/file_url.py.j2",
        include_str!("../codegen/python/file_url.py.j2"),
    ),
    (
        "python/file_source.py.j2",
        include_str!("../codegen/python/file_source.py.j2"),
    ),
    (
        "python/token.py.j2",
        include_str!("../codegen/python/token.py.j2"),
    ),
    (
        "python/job.py.j2",
        include_str!("../codegen/python/job.py.j2"),
    ),
    (
        "python/cut.py.j2",
        include_str!("../codegen/python/cut.py.j2"),
    ),
    (
        "python/refresh_store.py.j2",
        include_str!("../codegen/python/refresh_store.py.j2"),
    ),
    (
        "python/signed_token.py.j2",
        include_str!("../codegen/python/signed_token.py.j2"),
    ),
    (
        "python/answers.py.j2",
        include_str!("../codegen/python/answers.py.j2"),
    ),
    (
        "python/step.py.j2",
        include_str!("../codegen/python/step.py.j2"),
    ),
    (
        "python/signature.py.j2",
        include_str!("../codegen/python/signature.py.j2"),
    ),
    (
        "python/response.py.j2",
        include_str!("../codegen/python/response.py.j2"),
    ),
    (
        "python/run_workflow.py.j2",
        include_str!("../codegen/python/run_workflow.py.j2"),
    ),
    (
        "python/run_record.py.j2",
        include_str!("../codegen/python/run_record.py.j2"),
    ),
    (
        "python/handler/schedule.py.j2",
        include_str!("../codegen/python/handler/schedule.py.j2"),
    ),
    (
        "python/handler/direct.py.j2",
        include_str!("../codegen/python/handler/direct.py.j2"),
    ),
    (
        "python/handler/http.py.j2",
        include_str!("../codegen/python/handler/http.py.j2"),
    ),
    (
        "python/handler/s3.py.j2",
        include_str!("../codegen/python/handler/s3.py.j2"),
    ),
    (
        "python/handler/sqs.py.j2",
        include_str!("../codegen/python/handler/sqs.py.j2"),
    ),
    (
        "python/handler/kafka.py.j2",
        include_str!("../codegen/python/handler/kafka.py.j2"),
    ),
    (
        "python/handler/kinesis.py.j2",
        include_str!("../codegen/python/handler/kinesis.py.j2"),
    ),
    (
        "python/handler/dynamodb_stream.py.j2",
        include_str!("../codegen/python/handler/dynamodb_stream.py.j2"),
    ),
    (
        "sam/template.yaml.j2",
        include_str!("../codegen/sam/template.yaml.j2"),
    ),
    ("README.md.j2", include_str!("../codegen/README.md.j2")),
];

const PYTHON: &str = "python";
const YAML: &str = "yaml";
const MARKDOWN: &str = "markdown";

/// The language of a template, from its name.
fn language(name: &str) -> AutoEscape {
    let lang = if name.contains(".py") {
        PYTHON
    } else if name.contains(".yaml") {
        YAML
    } else {
        MARKDOWN
    };
    AutoEscape::Custom(lang.into())
}

/// The parsed templates with their filters. Build once (the [`Engine`](crate::Engine) does) and
/// render many times.
#[derive(Debug)]
pub(crate) struct Templates {
    env: Environment<'static>,
}

impl Templates {
    pub(crate) fn new() -> Result<Self, WorkflowError> {
        let mut env = Environment::empty();
        env.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .keep_trailing_newline(true)
                .build()
                .map_err(internal)?,
        );
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(language);
        env.set_formatter(format_value);
        // `x is not none` tells an absent value from an empty string (`records: ""`)
        env.add_test("none", |v: Value| v.is_none());
        env.add_filter("py", |state: &State, v: &str| {
            filter(state, &[PYTHON], || escape::py_str(v))
        });
        env.add_filter("doc", |state: &State, v: &str| {
            filter(state, &[PYTHON], || escape::doc_text(v))
        });
        env.add_filter("ident", |state: &State, v: &str| {
            filter(state, &[PYTHON], || escape::ident(v))
        });
        env.add_filter("placeholder", |state: &State, v: &str| {
            filter(state, &[PYTHON], || escape::placeholder_literal(v))
        });
        env.add_filter("name", |state: &State, v: &str| {
            if !escape::is_identifier(v) {
                return Err(Error::new(
                    ErrorKind::InvalidOperation,
                    format!("{v:?} is not a plain identifier"),
                ));
            }
            filter(state, &[PYTHON, YAML, MARKDOWN], || v.to_owned())
        });
        env.add_filter("yaml", |state: &State, v: &str| {
            filter(state, &[YAML], || escape::yaml_str(v))
        });
        env.add_filter("logical_name", |state: &State, v: &str| {
            filter(state, &[YAML], || escape::logical_name(v))
        });
        env.add_filter("md", |state: &State, v: &str| {
            filter(state, &[MARKDOWN], || escape::md_line(v))
        });
        for (name, source) in TEMPLATES {
            env.add_template(name, source).map_err(internal)?;
        }
        Ok(Self { env })
    }

    /// Renders the template `name` with `context`.
    pub(crate) fn render(
        &self,
        name: &str,
        context: &impl Serialize,
    ) -> Result<String, WorkflowError> {
        self.env
            .get_template(name)
            .and_then(|t| t.render(Value::from(Serde(context))))
            .map_err(internal)
    }
}

/// The text of a plan the templates print (as `plan`): what came from the prompt or a model,
/// borrowed, without the rest of the plan, which would only cost serialising.
#[derive(Serialize)]
pub(crate) struct PlanText<'a> {
    name: &'a str,
    summary: &'a str,
    trigger: TriggerText<'a>,
    steps: Vec<StepText<'a>>,
    assumptions: &'a [String],
}

#[derive(Serialize)]
struct TriggerText<'a> {
    description: &'a str,
    schedule_expression: Option<&'a str>,
    timezone: Option<&'a str>,
}

#[derive(Serialize)]
struct StepText<'a> {
    description: &'a str,
}

impl<'a> From<&'a Plan> for PlanText<'a> {
    fn from(plan: &'a Plan) -> Self {
        let t = &plan.trigger;
        Self {
            name: &plan.name,
            summary: &plan.summary,
            trigger: TriggerText {
                description: &t.description,
                schedule_expression: t.schedule_expression.as_deref(),
                timezone: t.timezone.as_deref(),
            },
            steps: plan
                .steps
                .iter()
                .map(|s| StepText {
                    description: &s.description,
                })
                .collect(),
            assumptions: &plan.assumptions,
        }
    }
}

fn internal(e: Error) -> WorkflowError {
    let mut message = format!("template: {e}");
    if let Some(detail) = e.detail() {
        message = format!("{message} ({detail})");
    }
    // an error inside an included template is the source of the include's error
    let mut source = std::error::Error::source(&e);
    while let Some(inner) = source {
        message = format!("{message}: {inner}");
        source = inner.source();
    }
    WorkflowError::Internal(message)
}

/// Applies an escaping function if the template is in one of `languages`.
fn filter(state: &State, languages: &[&str], f: impl FnOnce() -> String) -> Result<Value, Error> {
    match state.auto_escape() {
        AutoEscape::Custom(lang) if languages.contains(&lang.as_ref()) => {
            Ok(Value::from_safe_string(f()))
        }
        other => Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("this filter does not escape for {other:?}"),
        )),
    }
}

/// Prints escaped text and integers; anything else is a mistake in a template.
fn format_value(out: &mut Output, state: &mut State, value: &Value) -> Result<(), Error> {
    match value.kind() {
        ValueKind::String if value.is_safe() => {
            out.write_str(value.as_str().unwrap_or_default())?;
        }
        ValueKind::Number if value.is_integer() => write!(out, "{value}")?,
        kind => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!(
                    "{}: a {kind} value cannot be printed without an escaping filter",
                    state.name()
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn render(
        name: &'static str,
        source: &'static str,
        context: serde_json::Value,
    ) -> Result<String, WorkflowError> {
        let mut templates = Templates::new()?;
        templates.env.add_template(name, source).map_err(internal)?;
        templates.render(name, &context)
    }

    #[test]
    fn every_template_parses() {
        assert!(Templates::new().is_ok());
    }

    #[test]
    fn a_value_prints_only_through_a_filter() {
        let x = json!({"x": "a\"b", "n": 3, "none": null, "list": ["a"]});
        assert_eq!(
            render("t.py", "{{ x|py }} {{ n }}", x.clone())
                .ok()
                .as_deref(),
            Some("\"a\\\"b\" 3")
        );
        for source in [
            "{{ x }}",
            "{{ none }}",
            "{{ list }}",
            "{{ x ~ 'y' }}",
            "{{ missing|py }}",
        ] {
            assert!(render("t.py", source, x.clone()).is_err(), "{source}");
        }
    }

    #[test]
    fn a_filter_escapes_only_for_its_language() {
        let x = json!({"x": "a"});
        assert!(render("t.py", "{{ x|yaml }}", x.clone()).is_err());
        assert!(render("t.yaml", "{{ x|py }}", x.clone()).is_err());
        assert!(render("t.md", "{{ x|doc }}", x.clone()).is_err());
        assert_eq!(
            render("t.yaml", "{{ x|yaml }}", x.clone()).ok().as_deref(),
            Some("\"a\"")
        );
        assert_eq!(render("t.md", "{{ x|md }}", x).ok().as_deref(), Some("a"));
    }

    #[test]
    fn names_must_be_identifiers() {
        assert_eq!(
            render("t.py", "{{ x|name }}", json!({"x": "SLACK_TOKEN"}))
                .ok()
                .as_deref(),
            Some("SLACK_TOKEN")
        );
        for bad in ["a b", "a\nimport os", "1x", "", "def"] {
            assert!(
                render("t.py", "{{ x|name }}", json!({"x": bad})).is_err(),
                "{bad:?}"
            );
        }
    }
}
