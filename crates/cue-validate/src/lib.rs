//! Static validation of Python code destined for AWS Lambda.
//!
//! `cue-validate` is how Cue checks that the code it hands a user will run: it parses the source
//! with ruff's parser for the target Python version, and reports syntax errors, removed or
//! deprecated modules and APIs, imports the Lambda runtime lacks, undefined names and unused
//! imports, the handler's presence and signature, hard-coded credentials or unfilled
//! placeholders, and production-readiness problems (timeouts, TLS, injection, swallowed errors).
//!
//! The crate is pure: no I/O, no global mutable state, `Send + Sync`. Hostile input (deep
//! nesting, huge files, NUL bytes, invalid UTF-8) yields findings or a [`ValidateError`], never a
//! crash, also on a thread with a 2 MiB stack.
//!
//! ```
//! use cue_validate::{validate, Options, Stage, Rule};
//!
//! let source = r#"
//! import os
//! import requests
//!
//! TOKEN = os.environ.get("API_TOKEN", "{{API_TOKEN}}")
//!
//! def lambda_handler(event, context):
//!     response = requests.get("https://api.example.com/items")
//!     return {"statusCode": 200, "body": response.text}
//! "#;
//! let options = Options::default()
//!     .with_stage(Stage::FinalWithCredentials)
//!     .with_requirements("requests==2.32.3\n");
//! let report = validate(source, &options)?;
//! assert!(!report.is_valid);
//! let rules: Vec<Rule> = report.findings.iter().map(|f| f.rule).collect();
//! assert_eq!(rules, [Rule::UnfilledPlaceholder, Rule::HttpWithoutTimeout]);
//! assert_eq!(report.findings[0].line, 5);
//! # Ok::<(), cue_validate::ValidateError>(())
//! ```
//!
//! The rule catalogue is [`rules()`]; the data behind the import rules (deprecations, standard
//! library per version, what the Lambda runtime ships) lives in `data/*.toml`, versioned by
//! [`Report::data_version`].

mod checker;
mod data;
mod error;
mod locate;
mod options;
mod prescan;
mod report;
mod requirements;
mod rules;

use ruff_python_ast::Mod;
use ruff_python_parser::{Mode, ParseOptions, Parsed};
use ruff_text_size::{Ranged, TextRange, TextSize};

pub use error::ValidateError;
pub use options::{
    DEFAULT_HANDLER, DEFAULT_MAX_FINDINGS, DEFAULT_MAX_INPUT_BYTES, Options, PythonVersion, Stage,
};
pub use report::{CategoryResult, Finding, Report};
pub use rules::{Category, Rule, RuleInfo, Severity, rules};

use checker::{Checker, RawFinding, Sink};

/// Stack reserved per AST level when dropping a deeply nested tree on a fresh stack.
const DROP_STACK_PER_LEVEL: usize = 1024;
/// Nesting below which the tree is dropped on the caller's stack.
const SHALLOW_DEPTH: u32 = 256;

/// Validates Python `source` against `options`.
///
/// # Errors
/// [`ValidateError::TooLarge`] when `source` exceeds [`Options::max_input_bytes`];
/// [`ValidateError::Internal`] only if the embedded rule data is malformed (a bug).
pub fn validate(source: &str, options: &Options) -> Result<Report, ValidateError> {
    // The parser addresses source with 32-bit offsets, whatever limit was configured.
    let limit = options.max_input_bytes.min(u32::MAX as usize);
    if source.len() > limit {
        return Err(ValidateError::TooLarge {
            limit,
            actual: source.len(),
        });
    }
    let data = data::data()?;
    if let Some(refusal) = prescan::prescan(source) {
        // Nesting CPython itself refuses: report it without spending seconds parsing.
        let mut sink = Sink::new(1);
        let at = TextSize::try_from(refusal.offset).unwrap_or_default();
        sink.push(Rule::NestingTooDeep, Severity::Error, TextRange::at(at, TextSize::from(1)), || {
            (
                format!("{}; the rest of the file was not analysed", refusal.message),
                Some("flatten the code: split deep expressions into named steps and deep blocks into functions".to_owned()),
            )
        });
        return Ok(build_report(source, options, data.data_version, sink));
    }
    let parse_options =
        ParseOptions::from(Mode::Module).with_target_version(options.python_version.to_ruff());
    let parsed = ruff_python_parser::parse_unchecked(source, parse_options);

    let mut syntax = Sink::new(options.max_findings.saturating_mul(4).max(64));
    syntax_findings(source, &parsed, &mut syntax);

    let has_syntax_errors = syntax.counts[0] > 0;
    let mut checker = Checker::new(options, data, syntax, parsed.tokens().len());
    // On a recovered tree, name and handler findings are mostly echoes of the syntax error.
    checker.skip_name_rules = has_syntax_errors;
    if let Mod::Module(module) = parsed.syntax() {
        checker.check_module(&module.body);
    }
    let deep = checker.depth_exceeded || checker.max_depth > SHALLOW_DEPTH;
    let depth_bound = if checker.depth_exceeded {
        // The tree is deeper than we walked; each level consumes at least one token.
        parsed.tokens().len()
    } else {
        usize::try_from(checker.max_depth).unwrap_or(usize::MAX)
    };
    let sink = checker.into_sink();
    drop_tree(parsed, deep, depth_bound);
    Ok(build_report(source, options, data.data_version, sink))
}

/// Validates raw bytes: invalid UTF-8 is reported as a syntax finding at the first bad byte.
///
/// # Errors
/// As [`validate`].
pub fn validate_bytes(source: &[u8], options: &Options) -> Result<Report, ValidateError> {
    if source.len() > options.max_input_bytes {
        return Err(ValidateError::TooLarge {
            limit: options.max_input_bytes,
            actual: source.len(),
        });
    }
    match std::str::from_utf8(source) {
        Ok(text) => validate(text, options),
        Err(error) => {
            let data = data::data()?;
            let valid = error.valid_up_to();
            let prefix = std::str::from_utf8(source.get(..valid).unwrap_or_default()).unwrap_or("");
            let bad = source.get(valid).copied().unwrap_or(0);
            let mut sink = Sink::new(1);
            let at = TextSize::try_from(valid).unwrap_or_default();
            sink.push(Rule::SyntaxError, Severity::Error, TextRange::empty(at), || {
                (
                    format!("source is not valid UTF-8: invalid byte 0x{bad:02X} (Python source must be UTF-8, PEP 3120)"),
                    Some("save the file as UTF-8".to_owned()),
                )
            });
            Ok(build_report(prefix, options, data.data_version, sink))
        }
    }
}

/// Parse errors, version-specific syntax errors, NUL bytes and CPython's tokenizer limits.
fn syntax_findings(source: &str, parsed: &Parsed<Mod>, sink: &mut Sink) {
    // memchr's search: `str::find` looked at the 24 kB generated module a byte at a time
    // (~1 instruction a byte on every generate)
    if let Some(nul) = memchr::memchr(0, source.as_bytes()) {
        let at = TextSize::try_from(nul).unwrap_or_default();
        sink.push(
            Rule::SyntaxError,
            Severity::Error,
            TextRange::at(at, TextSize::from(1)),
            || {
                (
                    "source code cannot contain null bytes".to_owned(),
                    Some("remove the NUL (\\0) characters".to_owned()),
                )
            },
        );
    }
    for error in parsed.errors() {
        sink.push(Rule::SyntaxError, Severity::Error, error.location, || {
            (error.error.to_string(), None)
        });
    }
    for error in parsed.unsupported_syntax_errors() {
        sink.push(
            Rule::UnsupportedSyntax,
            Severity::Error,
            error.range(),
            || {
                (
                    error.to_string(),
                    Some(
                        "rewrite it for the target version, or target a newer python runtime"
                            .to_owned(),
                    ),
                )
            },
        );
    }
}

/// Drops the parsed tree. A deeply nested tree is dropped on a fresh stack sized for its depth,
/// because dropping nested boxes recurses once per level.
fn drop_tree(parsed: Parsed<Mod>, deep: bool, depth_bound: usize) {
    if deep {
        let size = depth_bound
            .saturating_add(64)
            .saturating_mul(DROP_STACK_PER_LEVEL)
            .max(1024 * 1024);
        stacker::grow(size, move || drop(parsed));
    } else {
        drop(parsed);
    }
}

fn build_report(source: &str, options: &Options, data_version: &'static str, sink: Sink) -> Report {
    let Sink {
        mut findings,
        counts,
        ..
    } = sink;
    let [error_count, warning_count, info_count] = counts;
    let total = error_count + warning_count + info_count;
    let mut truncated = total > findings.len();
    if findings.len() > options.max_findings {
        // Keep the most severe findings, earliest first.
        findings.sort_by_key(|f| (f.severity, f.range.start()));
        findings.truncate(options.max_findings);
        truncated = true;
    }
    findings.sort_by_key(|f| (f.range.start(), f.range.end(), f.rule));
    findings.dedup_by(|a, b| a.rule == b.rule && a.range == b.range && a.message == b.message);
    let offsets: Vec<usize> = findings
        .iter()
        .flat_map(|f| [f.range.start().to_usize(), f.range.end().to_usize()])
        .collect();
    let positions = locate::locate_all(source, &offsets);
    let findings: Vec<Finding> = findings
        .into_iter()
        .zip(positions.chunks(2))
        .map(|(raw, pos)| to_finding(raw, pos))
        .collect();
    let mut suggestions: Vec<String> = Vec::new();
    for finding in &findings {
        if let Some(suggestion) = &finding.suggestion {
            let line = format!("line {}: {suggestion}", finding.line);
            if !suggestions.contains(&line) {
                suggestions.push(line);
            }
        }
    }
    Report {
        is_valid: error_count == 0,
        python_version: options.python_version,
        stage: options.stage,
        findings,
        suggestions,
        error_count,
        warning_count,
        info_count,
        truncated,
        data_version,
    }
}

fn to_finding(raw: RawFinding, pos: &[(u32, u32)]) -> Finding {
    let (line, column) = pos.first().copied().unwrap_or((1, 1));
    let (end_line, end_column) = pos.get(1).copied().unwrap_or((line, column));
    Finding {
        rule: raw.rule,
        severity: raw.severity,
        line,
        column,
        end_line,
        end_column,
        message: raw.message,
        suggestion: raw.suggestion,
    }
}
