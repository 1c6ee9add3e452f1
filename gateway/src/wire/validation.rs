//! The validation report in the two shapes clients read: the specification's
//! ([`ValidationReport`], also inside generation and credential answers) and the frontend's
//! ([`FrontendValidation`]). Rule ids, severities, stages and category names are the
//! validator's own `&'static str`s, not copies: a report is built on every validation.

use std::collections::BTreeMap;

use cue_validate::{Finding, Report};
use serde::Serialize;
use utoipa::ToSchema;

/// One finding, with its position.
#[derive(Serialize, ToSchema)]
pub struct FindingOut {
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    message: String,
    /// Stable rule id (`CUE101`).
    rule: &'static str,
    /// `error`, `warning` or `info`.
    severity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    suggestion: Option<String>,
}

impl From<&Finding> for FindingOut {
    fn from(f: &Finding) -> Self {
        Self {
            line: f.line,
            column: f.column,
            end_line: f.end_line,
            end_column: f.end_column,
            message: f.message.clone(),
            rule: f.rule.code(),
            severity: f.severity.as_str(),
            suggestion: f.suggestion.clone(),
        }
    }
}

/// The specification's answer: errors make the code invalid; warnings and notes do not.
#[derive(Serialize, ToSchema)]
pub struct ValidationReport {
    is_valid: bool,
    validation_errors: Vec<FindingOut>,
    warnings: Vec<FindingOut>,
    /// Notes (severity `info`): style and operational advice.
    infos: Vec<FindingOut>,
    suggestions: Vec<String>,
    /// `syntax`, `imports`, `names`, `handler`, `secrets`, `production`: passed or why not.
    checks: BTreeMap<&'static str, CheckOut>,
    stage: &'static str,
    python_version: String,
    /// True when more findings existed than are listed.
    truncated: bool,
    /// Version of the rule data (deprecations, runtime contents).
    data_version: &'static str,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CheckOut {
    is_valid: bool,
    message: String,
}

impl From<&Report> for ValidationReport {
    fn from(r: &Report) -> Self {
        Self {
            is_valid: r.is_valid,
            validation_errors: r.errors().map(FindingOut::from).collect(),
            warnings: r.warnings().map(FindingOut::from).collect(),
            infos: r.infos().map(FindingOut::from).collect(),
            suggestions: r.suggestions.clone(),
            checks: checks(r),
            stage: r.stage.as_str(),
            python_version: r.python_version.to_string(),
            truncated: r.truncated,
            data_version: r.data_version,
        }
    }
}

fn checks(r: &Report) -> BTreeMap<&'static str, CheckOut> {
    r.categories()
        .into_iter()
        .map(|c| {
            (
                c.category.as_str(),
                CheckOut {
                    is_valid: c.is_valid,
                    message: c.message,
                },
            )
        })
        .collect()
}

/// The frontend's answer (`validationService.ts`).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FrontendValidation {
    is_valid: bool,
    validations: BTreeMap<&'static str, CheckOut>,
    errors: Vec<String>,
}

impl From<&Report> for FrontendValidation {
    fn from(r: &Report) -> Self {
        Self {
            is_valid: r.is_valid,
            validations: checks(r),
            errors: r
                .errors()
                .map(|f| format!("line {}: {}", f.line, f.message))
                .collect(),
        }
    }
}
