//! Filling credential placeholders into generated code.
//!
//! The replacement works on the credential assignments the generator wrote
//! (`NAME = os.environ.get("NAME", "{{NAME}}")`), and puts each value in as a Python string
//! literal of its own, so no value (quotes, backslashes, newlines, `{{OTHER}}`, NUL, ...) can
//! change the program's structure, and a placeholder written anywhere else is never filled.

use std::collections::BTreeMap;

use crate::WorkflowError;
use crate::escape::{placeholder_literal, py_str};
use crate::model::Plan;

/// The frontend keys credential values by `<nodeId>_<credentialId>`; the credential id is the
/// lower-case placeholder name.
pub fn credential_id(placeholder: &str) -> String {
    placeholder.to_ascii_lowercase()
}

/// Replaces the placeholders of `code` with `values`.
///
/// Keys are placeholder names (`SLACK_BOT_TOKEN`) or frontend ids (`step_2_slack_bot_token`,
/// i.e. `<nodeId>_<credentialId>`). Unknown keys fail with [`WorkflowError::UnknownCredentials`]
/// naming the expected keys; a known placeholder absent from the code fails with
/// [`WorkflowError::PlaceholderMissing`]. Values are never logged.
pub fn fill_credentials(
    code: &str,
    plan: &Plan,
    values: &BTreeMap<String, String>,
) -> Result<String, WorkflowError> {
    let placeholders = plan.placeholders();
    let mut resolved: BTreeMap<&str, &str> = BTreeMap::new();
    let mut unknown = Vec::new();
    for (key, value) in values {
        let hit = placeholders.iter().find(|p| {
            *p == key
                || key
                    .strip_suffix(&credential_id(p))
                    .is_some_and(|node| node.ends_with('_') && node.len() > 1)
        });
        match hit {
            Some(p) => {
                resolved.insert(p.as_str(), value.as_str());
            }
            None => unknown.push(key.clone()),
        }
    }
    if !unknown.is_empty() {
        let mut expected = placeholders.clone();
        expected.extend(
            placeholders
                .iter()
                .map(|p| format!("<nodeId>_{}", credential_id(p))),
        );
        return Err(WorkflowError::UnknownCredentials { unknown, expected });
    }
    // only the credential assignments the generator wrote (`NAME = os.environ.get("NAME",
    // "{{NAME}}")`) are filled: the same placeholder text anywhere else (a setting taken from a
    // prompt, a comment) stays as it is. A filled value's braces are escapes, so it can never
    // form another assignment's placeholder.
    let mut out = code.to_owned();
    for (name, value) in &resolved {
        let default = |literal: &str| format!("os.environ.get({}, {literal})", py_str(name));
        let placeholder = default(&placeholder_literal(name));
        if !out.contains(&placeholder) {
            return Err(WorkflowError::PlaceholderMissing {
                name: (*name).to_owned(),
            });
        }
        out = out.replace(&placeholder, &default(&value_literal(value)));
    }
    Ok(out)
}

/// A Python string literal of a credential value whose braces are escapes (`\x7b`), so the
/// filled code never contains `{{` from a value.
fn value_literal(value: &str) -> String {
    py_str(value).replace('{', "\\x7b").replace('}', "\\x7d")
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::{Delivery, PlannedTool, Trigger, TriggerKind};

    fn plan(credentials: &[&str]) -> Plan {
        Plan {
            name: "x".to_owned(),
            summary: "x".to_owned(),
            trigger: Trigger {
                kind: TriggerKind::Manual,
                delivery: Delivery::Direct,
                schedule_expression: None,
                timezone: None,
                description: "x".to_owned(),
                tool: None,
                event: None,
                params: BTreeMap::new(),
                filter: None,
            },
            steps: Vec::new(),
            tools: vec![PlannedTool {
                id: "airtable".to_owned(),
                name: "Airtable".to_owned(),
                credentials: credentials.iter().map(|c| (*c).to_owned()).collect(),
            }],
            assumptions: Vec::new(),
        }
    }

    #[test]
    fn only_credential_assignments_are_filled() {
        let code = concat!(
            "AIRTABLE_TOKEN = os.environ.get(\"AIRTABLE_TOKEN\", \"{{AIRTABLE_TOKEN}}\")\n",
            "AIRTABLE_TABLE = os.environ.get(\"AIRTABLE_TABLE\", \"{{AIRTABLE_TOKEN}}\")\n",
            "# see \"{{AIRTABLE_TOKEN}}\"\n",
        );
        let values = BTreeMap::from([("AIRTABLE_TOKEN".to_owned(), "pat.123".to_owned())]);
        let filled = fill_credentials(code, &plan(&["AIRTABLE_TOKEN"]), &values).unwrap();
        assert_eq!(filled.matches("pat.123").count(), 1, "{filled}");
        assert!(
            filled
                .starts_with("AIRTABLE_TOKEN = os.environ.get(\"AIRTABLE_TOKEN\", \"pat.123\")\n")
        );
        assert!(filled.contains("AIRTABLE_TABLE\", \"{{AIRTABLE_TOKEN}}\")"));
        // a placeholder only outside an assignment is missing
        let stray = "x = \"{{AIRTABLE_TOKEN}}\"\n";
        assert!(matches!(
            fill_credentials(stray, &plan(&["AIRTABLE_TOKEN"]), &values),
            Err(WorkflowError::PlaceholderMissing { .. })
        ));
    }
}
