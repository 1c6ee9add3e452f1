//! The validation report in the two shapes clients read: the specification's
//! ([`ValidationReport`], also inside generation and credential answers) and the frontend's
//! ([`FrontendValidation`]).

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
    rule: String,
    /// `error`, `warning` or `info`.
    severity: String,
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
            rule: f.rule.code().to_owned(),
            severity: f.severity.as_str().to_owned(),
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
    checks: BTreeMap<String, CheckOut>,
    stage: String,
    python_version: String,
    /// True when more findings existed than are listed.
    truncated: bool,
    /// Version of the rule data (deprecations, runtime contents).
    data_version: String,
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
            stage: r.stage.as_str().to_owned(),
            python_version: r.python_version.to_string(),
            truncated: r.truncated,
            data_version: r.data_version.to_owned(),
        }
    }
}

fn checks(r: &Report) -> BTreeMap<String, CheckOut> {
    r.categories()
        .into_iter()
        .map(|c| {
            (
                c.category.as_str().to_owned(),
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
    validations: BTreeMap<String, CheckOut>,
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
