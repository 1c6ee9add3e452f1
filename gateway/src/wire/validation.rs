//! The validation report in the two shapes clients read: the specification's
//! ([`ValidationReport`], also inside generation and credential answers) and the frontend's
//! ([`FrontendValidation`]). Rule ids, severities, stages and category names are the
//! validator's own `&'static str`s, not copies: a report is built on every validation.
//! [`write_report`] writes the specification's shape straight from the validator's report,
//! byte for byte what serde_json writes for [`ValidationReport`], which then stays the schema
//! and the tests' reference.

use std::collections::BTreeMap;

use cue_validate::{Finding, Report};
use serde::Serialize;
use utoipa::ToSchema;

use super::json;

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

/// The body of `POST /code/validate`'s answer in the specification's shape ([`write_report`]).
pub struct ValidationJson(Vec<u8>);

impl ValidationJson {
    pub fn new(report: &Report) -> Self {
        // the report of a 4 kB handler with a few findings is ~1 kB
        let mut body = Vec::with_capacity(2 * 1024);
        write_report(&mut body, report);
        Self(body)
    }

    /// The body's bytes (tests).
    #[cfg(test)]
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl actix_web::Responder for ValidationJson {
    type Body = actix_web::body::BoxBody;

    fn respond_to(self, _: &actix_web::HttpRequest) -> actix_web::HttpResponse {
        actix_web::HttpResponse::Ok()
            .content_type(actix_web::http::header::ContentType::json())
            .body(self.0)
    }
}

/// Appends [`ValidationReport::from`]`(report)`'s JSON, byte for byte what serde_json writes,
/// without building it: no copy of each finding's message and suggestion, no map of the
/// checks, and every string escaped by [`json::write_str`]. `POST /code/validate` answers
/// with it and the generate answer carries it.
pub fn write_report(out: &mut Vec<u8>, report: &Report) {
    out.extend_from_slice(b"{\"is_valid\":");
    write_bool(out, report.is_valid);
    out.extend_from_slice(b",\"validation_errors\":");
    write_findings(out, report.errors());
    out.extend_from_slice(b",\"warnings\":");
    write_findings(out, report.warnings());
    out.extend_from_slice(b",\"infos\":");
    write_findings(out, report.infos());
    out.extend_from_slice(b",\"suggestions\":[");
    for (i, suggestion) in report.suggestions.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        json::write_str(out, suggestion);
    }
    out.extend_from_slice(b"],\"checks\":{");
    // the map's order: by name
    let mut categories = report.categories();
    categories.sort_unstable_by_key(|c| c.category.as_str());
    for (i, c) in categories.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        json::write_str(out, c.category.as_str());
        out.extend_from_slice(b":{\"isValid\":");
        write_bool(out, c.is_valid);
        out.extend_from_slice(b",\"message\":");
        json::write_str(out, &c.message);
        out.push(b'}');
    }
    out.extend_from_slice(b"},\"stage\":");
    json::write_str(out, report.stage.as_str());
    out.extend_from_slice(b",\"python_version\":\"3.");
    // `PythonVersion` prints as `3.<minor>`: digits, nothing to escape
    json::write_u32(out, u32::from(report.python_version.minor()));
    out.extend_from_slice(b"\",\"truncated\":");
    write_bool(out, report.truncated);
    out.extend_from_slice(b",\"data_version\":");
    json::write_str(out, report.data_version);
    out.push(b'}');
}

fn write_bool(out: &mut Vec<u8>, value: bool) {
    out.extend_from_slice(if value { b"true" } else { b"false" });
}

/// A list of [`FindingOut`]s.
fn write_findings<'r>(out: &mut Vec<u8>, findings: impl Iterator<Item = &'r Finding>) {
    out.push(b'[');
    for (i, f) in findings.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"line\":");
        json::write_u32(out, f.line);
        out.extend_from_slice(b",\"column\":");
        json::write_u32(out, f.column);
        out.extend_from_slice(b",\"end_line\":");
        json::write_u32(out, f.end_line);
        out.extend_from_slice(b",\"end_column\":");
        json::write_u32(out, f.end_column);
        out.extend_from_slice(b",\"message\":");
        json::write_str(out, &f.message);
        out.extend_from_slice(b",\"rule\":");
        json::write_str(out, f.rule.code());
        out.extend_from_slice(b",\"severity\":");
        json::write_str(out, f.severity.as_str());
        if let Some(suggestion) = &f.suggestion {
            out.extend_from_slice(b",\"suggestion\":");
            json::write_str(out, suggestion);
        }
        out.push(b'}');
    }
    out.push(b']');
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use cue_validate::{Options, PythonVersion, Severity, Stage};

    use super::*;

    /// Reports of real validations: valid, invalid in every category, truncated, both stages,
    /// several versions, no findings at all.
    fn validated() -> Vec<Report> {
        let handler = include_str!("../../../xtask/bench/handler.py");
        let undefined: String = (0..300).map(|i| format!("x{i} = y{i}\n")).collect();
        let sources = [
            handler,
            "",
            "def lambda_handler(event, context):\n    return {}\n",
            "def f(:\n    pass\n",
            "import imp\nimport distutils\nAWS = \"AKIAIOSFODNN7EXAMPLE\"\n",
            "KEY = '{{API_KEY}}'\ndef lambda_handler(event, context):\n    return KEY\n",
            "import requests\ndef lambda_handler(e, c):\n    return requests.get('http://x').text\n",
            "match x:\n    case 1: pass\nprint(f'{\"é 🚀\"}')\n",
            undefined.as_str(),
        ];
        let mut reports = Vec::new();
        for source in sources {
            for (stage, version) in [
                (Stage::InitialSkeleton, PythonVersion::PY313),
                (Stage::FinalWithCredentials, PythonVersion::PY310),
                (Stage::InitialSkeleton, PythonVersion::PY314),
            ] {
                let options = Options::default()
                    .with_stage(stage)
                    .with_python_version(version)
                    .with_requirements("requests==2.32.3\nboto3==1.35.0\n");
                reports.push(cue_validate::validate(source, &options).unwrap());
            }
            // few findings listed of many: `truncated`
            let options = Options {
                max_findings: 2,
                ..Options::default()
            };
            reports.push(cue_validate::validate(source, &options).unwrap());
        }
        assert!(
            reports.iter().any(|r| r.truncated),
            "one report is truncated"
        );
        assert!(reports.iter().any(|r| r.is_valid) && reports.iter().any(|r| !r.is_valid));
        reports
    }

    /// Texts serde_json escapes in every way (and none), for messages and suggestions.
    const AWKWARD: [&str; 6] = [
        "",
        "quote \" backslash \\ newline \n tab \t cr \r",
        "control \u{0} \u{1} \u{8} \u{c} \u{1f} and \u{7f}",
        "non-ASCII: é, 🚀, \u{2028}",
        "line 3: `x` is not defined {\"a\": [1, 2]}",
        "a long one, longer than any chunk of eight bytes, with nothing to escape at all",
    ];

    /// Each report again with every finding's text awkward, every severity, with and
    /// without a suggestion, and extreme positions.
    fn awkward(reports: &[Report]) -> Vec<Report> {
        let severities = [Severity::Error, Severity::Warning, Severity::Info];
        reports
            .iter()
            .filter(|r| !r.findings.is_empty())
            .enumerate()
            .map(|(k, r)| {
                let mut r = r.clone();
                for (i, f) in r.findings.iter_mut().enumerate() {
                    f.message = AWKWARD[(i + k) % AWKWARD.len()].to_owned();
                    f.suggestion =
                        (i % 2 == 0).then(|| AWKWARD[(i + k + 1) % AWKWARD.len()].to_owned());
                    f.severity = severities[(i + k) % severities.len()];
                    f.line = [0, 1, 9, 10, u32::MAX][i % 5];
                    f.end_column = [u32::MAX, 0, 12_345][i % 3];
                }
                r.suggestions = AWKWARD.iter().map(|&s| s.to_owned()).collect();
                r.is_valid = k % 2 == 0;
                r.truncated = k % 3 == 0;
                r
            })
            .collect()
    }

    #[test]
    fn the_written_report_is_what_serde_json_writes_for_the_struct() {
        let reports = validated();
        let awkward = awkward(&reports);
        assert!(awkward.len() > 5);
        for report in reports.iter().chain(&awkward) {
            let expected = serde_json::to_vec(&ValidationReport::from(report)).unwrap();
            let mut ours = Vec::new();
            write_report(&mut ours, report);
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(expected).unwrap(),
                "{report:?}"
            );
            assert_eq!(
                ValidationJson::new(report).as_bytes(),
                serde_json::to_vec(&ValidationReport::from(report)).unwrap()
            );
        }
    }

    #[test]
    fn the_written_report_appends_to_what_is_there() {
        let report = &validated()[0];
        let mut out = b"{\"validation\":".to_vec();
        write_report(&mut out, report);
        out.push(b'}');
        let read: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            read["validation"],
            serde_json::to_value(ValidationReport::from(report)).unwrap()
        );
    }
}
