//! Filling credential placeholders into generated code.
//!
//! The replacement works on the placeholder string literals (`"{{NAME}}"`) that the generator
//! wrote, and puts each value in as a Python string literal of its own, so no value (quotes,
//! backslashes, newlines, `{{OTHER}}`, NUL, ...) can change the program's structure.

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
    // one left-to-right pass over the original code: a value is never scanned again, and its
    // braces are written as escapes, so it can never form another placeholder
    let literals: BTreeMap<String, String> = resolved
        .iter()
        .map(|(name, value)| (placeholder_literal(name), value_literal(value)))
        .collect();
    for name in resolved.keys() {
        if !code.contains(&placeholder_literal(name)) {
            return Err(WorkflowError::PlaceholderMissing {
                name: (*name).to_owned(),
            });
        }
    }
    let mut out = String::with_capacity(code.len() + 64);
    let mut rest = code;
    while let Some(i) = rest.find("\"{{") {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        match literals
            .iter()
            .find(|(lit, _)| tail.starts_with(lit.as_str()))
        {
            Some((lit, value)) => {
                out.push_str(value);
                rest = &tail[lit.len()..];
            }
            None => {
                out.push_str("\"{{");
                rest = &tail[3..];
            }
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// A Python string literal of a credential value whose braces are escapes (`\x7b`), so the
/// filled code never contains `{{` from a value.
fn value_literal(value: &str) -> String {
    py_str(value).replace('{', "\\x7b").replace('}', "\\x7d")
}
