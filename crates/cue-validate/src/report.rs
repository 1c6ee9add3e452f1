//! The result of a validation: findings with positions, and summaries for the API's two shapes.

use serde::Serialize;

use crate::options::{PythonVersion, Stage};
use crate::rules::{Category, Rule, Severity};

/// One problem found in the code. Lines and columns are 1-based; columns count Unicode
/// characters; the end position is exclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule that produced it (serialised as its code, e.g. `"CUE201"`).
    pub rule: Rule,
    /// How serious it is.
    pub severity: Severity,
    /// 1-based line of the start.
    pub line: u32,
    /// 1-based column (in characters) of the start.
    pub column: u32,
    /// 1-based line of the end.
    pub end_line: u32,
    /// 1-based column (in characters) just past the end.
    pub end_column: u32,
    /// What is wrong, for humans.
    pub message: String,
    /// How to fix it, where the validator knows.
    pub suggestion: Option<String>,
}

/// The outcome of one category of checks, in the shape the frontend shows
/// (`validations: {key: {isValid, message}}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryResult {
    /// The category.
    pub category: Category,
    /// No error-severity finding in this category.
    pub is_valid: bool,
    /// A one-line summary: the first error, or a count of warnings, or an all-clear.
    pub message: String,
}

/// The validation report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// `true` when there is no error-severity finding.
    pub is_valid: bool,
    /// The Python version validated against.
    pub python_version: PythonVersion,
    /// The stage validated for.
    pub stage: Stage,
    /// Findings, sorted by position (at most `Options::max_findings`).
    pub findings: Vec<Finding>,
    /// Fix suggestions, deduplicated, in finding order, each prefixed with its line.
    pub suggestions: Vec<String>,
    /// Number of error findings (including any dropped by the cap).
    pub error_count: usize,
    /// Number of warning findings (including any dropped by the cap).
    pub warning_count: usize,
    /// Number of info findings (including any dropped by the cap).
    pub info_count: usize,
    /// Whether findings were dropped because of `Options::max_findings`.
    pub truncated: bool,
    /// Version of the embedded rule data (deprecations, stdlib and runtime lists).
    pub data_version: &'static str,
}

impl Report {
    /// Error-severity findings.
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.by_severity(Severity::Error)
    }

    /// Warning-severity findings.
    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.by_severity(Severity::Warning)
    }

    /// Info-severity findings.
    pub fn infos(&self) -> impl Iterator<Item = &Finding> {
        self.by_severity(Severity::Info)
    }

    fn by_severity(&self, severity: Severity) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.severity == severity)
    }

    /// One result per [`Category`], in display order.
    pub fn categories(&self) -> Vec<CategoryResult> {
        Category::ALL
            .into_iter()
            .map(|category| {
                let mut in_category = self
                    .findings
                    .iter()
                    .filter(|f| f.rule.category() == category);
                let first_error = in_category.clone().find(|f| f.severity == Severity::Error);
                let errors = in_category
                    .clone()
                    .filter(|f| f.severity == Severity::Error)
                    .count();
                let warnings = in_category
                    .by_ref()
                    .filter(|f| f.severity == Severity::Warning)
                    .count();
                let message = match first_error {
                    Some(first) if errors == 1 => format!("line {}: {}", first.line, first.message),
                    Some(first) => format!(
                        "{errors} errors; first at line {}: {}",
                        first.line, first.message
                    ),
                    None if warnings > 0 => format!("passed with {warnings} warning(s)"),
                    None => "passed".to_owned(),
                };
                CategoryResult {
                    category,
                    is_valid: first_error.is_none(),
                    message,
                }
            })
            .collect()
    }
}
