//! Requests Cue will not build (docs/policy.md).

use super::find_phrase;
use crate::text::Tok;

/// Phrases of requests Cue refuses to build.
const DISALLOWED: &[&[&str]] = &[
    &["lookalike"],
    &["look", "alike", "domain"],
    &["phishing"],
    &["spoof"],
    &["spoofed"],
    &["impersonate"],
    &["impersonating"],
    &["keylogger"],
    &["ddos"],
    &["credential", "harvesting"],
    &["steal"],
    &["ransomware"],
];
const SENSITIVE: &[&[&str]] = &[
    &["credit", "card"],
    &["card", "number"],
    &["password"],
    &["passwords"],
    &["social", "security"],
    &["bank", "login"],
];
const ASK_VERBS: &[&str] = &[
    "enter", "reenter", "re", "confirm", "verify", "update", "provide", "submit", "type",
];

pub(super) fn disallowed(toks: &[Tok]) -> Option<String> {
    for p in DISALLOWED {
        if find_phrase(toks, p, 0, toks.len()).is_some() {
            return Some(format!(
                "it asks for \"{}\", which Cue does not build (deceptive or harmful automation)",
                p.join(" ")
            ));
        }
    }
    let sensitive = SENSITIVE
        .iter()
        .any(|p| find_phrase(toks, p, 0, toks.len()).is_some());
    let asks = toks.iter().any(|t| ASK_VERBS.contains(&t.w.as_str()));
    let mass = toks.iter().any(|t| {
        matches!(
            t.w.as_str(),
            "every" | "all" | "customers" | "list" | "everyone"
        )
    });
    if sensitive && asks && mass {
        return Some(
            "it asks people to hand over card numbers or passwords, which Cue does not build"
                .to_owned(),
        );
    }
    None
}
