//! Hard-coded credentials and unfilled placeholders.

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::{Ranged, TextRange};

use super::Checker;
use crate::options::Stage;
use crate::rules::{Rule, Severity};

/// Strings longer than this are only scanned for patterns, not entropy-checked.
const MAX_ENTROPY_LEN: usize = 512;

impl Checker<'_> {
    /// Checks a string literal in an expression: credential patterns anywhere, and placeholders
    /// at the final stage.
    pub(super) fn check_string_literal(&mut self, text: &str, range: TextRange) {
        self.check_secret_patterns(text, range);
        if self.options.stage == Stage::FinalWithCredentials
            && let Some(placeholder) = find_placeholder(text)
        {
            self.report(Rule::UnfilledPlaceholder, range, || {
                (
                    format!("placeholder `{placeholder}` is still in the code at the final stage"),
                    Some(
                    "fill in the value, or read it from an environment variable or Secrets Manager"
                        .to_owned(),
                ),
                )
            });
        }
    }

    /// Reports text that matches a known credential format.
    pub(super) fn check_secret_patterns(&mut self, text: &str, range: TextRange) {
        if let Some(kind) = credential_pattern(text) {
            self.report_secret(range, &format!("string looks like a real {kind}"));
        }
    }

    fn report_secret(&mut self, range: TextRange, what: &str) {
        let (severity, suggestion) = match self.options.stage {
            Stage::InitialSkeleton => (
                Severity::Error,
                "generated code must not contain credentials: read it from an environment \
                 variable with a {{PLACEHOLDER}} default, or from Secrets Manager",
            ),
            Stage::FinalWithCredentials => (
                Severity::Info,
                "consider storing the credential in AWS Secrets Manager or SSM Parameter Store \
                 instead of the code",
            ),
        };
        self.report_with(Rule::HardcodedSecret, severity, range, || {
            (what.to_owned(), Some(suggestion.to_owned()))
        });
    }

    /// `API_TOKEN = "..."`: a high-entropy string assigned to a secret-looking name.
    pub(super) fn check_assign_secrets(&mut self, targets: &[Expr], value: &Expr) {
        for target in targets {
            let name = match target {
                Expr::Name(n) => n.id.as_str(),
                Expr::Attribute(a) => a.attr.as_str(),
                Expr::Subscript(s) => match s.slice.as_ref() {
                    Expr::StringLiteral(key) => key.value.to_str(),
                    _ => continue,
                },
                _ => continue,
            };
            self.check_named_secret(name, value);
        }
        if let Expr::Dict(dict) = value {
            for item in dict.items.iter().take(10_000) {
                if let Some(Expr::StringLiteral(key)) = &item.key {
                    self.check_named_secret(key.value.to_str(), &item.value);
                }
            }
        }
    }

    /// A default parameter value: `def f(api_key="...")`.
    pub(super) fn check_default_secret(&mut self, name: &str, default: &Expr) {
        self.check_named_secret(name, default);
    }

    /// `name=value` where `name` looks like a secret and `value` a real credential.
    /// Also handles `os.environ.get("X_TOKEN", "default")` defaults via [`Self::check_getenv`].
    pub(super) fn check_named_secret(&mut self, name: &str, value: &Expr) {
        let Expr::StringLiteral(literal) = value else {
            return;
        };
        let text = literal.value.to_str();
        if !is_secret_name(name) || credential_pattern(text).is_some() {
            // Pattern matches are reported when the literal itself is visited.
            return;
        }
        if looks_like_random_token(text) {
            self.report_secret(
                literal.range(),
                &format!("`{name}` is assigned a string that looks like a real credential"),
            );
        }
    }

    /// `os.environ.get("SLACK_BOT_TOKEN", "xoxb-...")` / `os.getenv(..., default)`.
    pub(super) fn check_getenv(&mut self, call: &ast::ExprCall, qualified: &str) {
        if !matches!(
            qualified,
            "os.environ.get" | "os.getenv" | "os.environ.setdefault"
        ) {
            return;
        }
        let args = &call.arguments.args;
        if let (Some(Expr::StringLiteral(key)), Some(default)) = (args.first(), args.get(1)) {
            self.check_named_secret(key.value.to_str(), default);
        }
    }

    /// `{{NAME}}` written without quotes parses as a set containing a set.
    pub(super) fn check_unquoted_placeholder(&mut self, set: &ast::ExprSet) {
        let [Expr::Set(inner)] = set.elts.as_slice() else {
            return;
        };
        let [Expr::Name(name)] = inner.elts.as_slice() else {
            return;
        };
        let id = name.id.as_str();
        if is_placeholder_name(id) {
            self.report(Rule::UnquotedPlaceholder, set.range(), || {
                (
                    format!("placeholder `{{{{{id}}}}}` is not inside a string literal; it evaluates to a set of a set and fails at runtime"),
                    Some(format!("quote it: \"{{{{{id}}}}}\"")),
                )
            });
        }
    }
}

/// Whether an identifier or dict key names a secret (`API_KEY`, `slack_bot_token`,
/// `client_secret`, `password`), excluding names that hold identifiers of secrets or non-secret
/// keys (`KMS_KEY_ID`, `s3_key`, `SECRET_ARN`, `partition_key`).
pub(crate) fn is_secret_name(name: &str) -> bool {
    const NOT_SECRET_SUFFIX: &[&str] = &[
        "id", "ids", "name", "names", "arn", "url", "uri", "path", "file", "prefix", "header",
        "field", "env", "var", "param", "region", "type", "length", "len", "size", "count",
        "format", "version", "expiry", "expires", "ttl", "timeout", "hint",
    ];
    const NOT_SECRET_PART: &[&str] = &[
        "s3",
        "object",
        "cache",
        "partition",
        "sort",
        "primary",
        "foreign",
        "idempotency",
        "kms",
        "dedup",
        "deduplication",
        "lookup",
        "hash",
        "routing",
        "row",
        "index",
        "group",
        "public",
        "bucket",
        "sort",
        "range",
        "composite",
        "dict",
        "map",
        "message",
    ];
    const SECRET_WORDS: &[&str] = &[
        "token",
        "secret",
        "password",
        "passwd",
        "pwd",
        "apikey",
        "credential",
        "credentials",
        "passphrase",
    ];
    let listed = |words: &[&str], part: &str| words.iter().any(|w| part.eq_ignore_ascii_case(w));
    let (mut parts, mut last) = (0usize, None);
    let (mut not_secret_part, mut secret_word) = (false, false);
    for part in name_parts(name) {
        parts += 1;
        last = Some(part);
        not_secret_part |= listed(NOT_SECRET_PART, part);
        secret_word |= listed(SECRET_WORDS, part);
    }
    let Some(last) = last else {
        return false;
    };
    if listed(NOT_SECRET_SUFFIX, last) || not_secret_part {
        return false;
    }
    if secret_word {
        return true;
    }
    // `*_KEY` with more than one part (`API_KEY`, `ACCESS_KEY`, `signing_key`), not bare `key`.
    last.eq_ignore_ascii_case("key") && parts > 1
}

/// The words of an identifier, split at `_` and `-` and where camelCase turns upper
/// (`apiKey` -> `api`, `Key`), as slices of it: this runs for every string assignment and
/// keyword argument, so it does not build a lower-cased copy.
fn name_parts(name: &str) -> impl Iterator<Item = &str> {
    let bytes = name.as_bytes();
    let (mut start, mut i) = (0usize, 0usize);
    std::iter::from_fn(move || {
        while let Some(&b) = bytes.get(i) {
            if b == b'_' || b == b'-' {
                let part = name.get(start..i);
                i += 1;
                start = i;
                match part {
                    Some(part) if !part.is_empty() => return Some(part),
                    _ => continue,
                }
            }
            let camel = b.is_ascii_uppercase()
                && i > start
                && bytes
                    .get(i - 1)
                    .is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit());
            if camel {
                let part = name.get(start..i);
                start = i;
                i += 1;
                return part;
            }
            i += 1;
        }
        let part = name.get(start..).filter(|part| !part.is_empty());
        start = bytes.len();
        part
    })
}

/// Whether `text` looks like a random credential rather than a word, path, URL or placeholder.
fn looks_like_random_token(text: &str) -> bool {
    let len = text.chars().count();
    if !(16..=MAX_ENTROPY_LEN).contains(&len) || find_placeholder(text).is_some() {
        return false;
    }
    if text.chars().any(char::is_whitespace)
        || text.contains("://")
        || text.starts_with('/')
        || text.starts_with("arn:")
        || text.contains(['{', '}', '<', '>', '%', '$', '.', '@'])
        || is_example(text)
    {
        return false;
    }
    let has_upper = text.chars().any(|c| c.is_ascii_uppercase());
    let has_lower = text.chars().any(|c| c.is_ascii_lowercase());
    let has_digit = text.chars().any(|c| c.is_ascii_digit());
    let classes = usize::from(has_upper) + usize::from(has_lower) + usize::from(has_digit);
    classes >= 2 && has_digit && shannon_entropy(text) >= 3.3
}

fn shannon_entropy(text: &str) -> f64 {
    let mut counts = [0u32; 256];
    let bytes = text.as_bytes();
    for &b in bytes {
        if let Some(c) = counts.get_mut(usize::from(b)) {
            *c += 1;
        }
    }
    #[expect(
        clippy::cast_precision_loss,
        reason = "lengths are at most a few hundred"
    )]
    let len = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / len;
            -p * p.log2()
        })
        .sum()
}

/// Documented example values that are not real credentials.
fn is_example(text: &str) -> bool {
    const WORDS: &[&[u8]] = &[
        b"example",
        b"xxxx",
        b"your",
        b"dummy",
        b"placeholder",
        b"redacted",
        b"changeme",
        b"fake",
        b"0000000000",
    ];
    WORDS
        .iter()
        .any(|word| contains_ignore_ascii_case(text.as_bytes(), word))
}

/// Whether `haystack` contains `lower` (lower-case ASCII) in any ASCII case, without building a
/// lower-cased copy: this runs on every string literal of 16 characters or more.
fn contains_ignore_ascii_case(haystack: &[u8], lower: &[u8]) -> bool {
    let Some((&first, rest)) = lower.split_first() else {
        return true;
    };
    let last_start = haystack.len().saturating_sub(lower.len());
    haystack.len() >= lower.len()
        && (0..=last_start).any(|i| {
            haystack
                .get(i)
                .is_some_and(|b| b.to_ascii_lowercase() == first)
                && haystack
                    .get(i + 1..i + lower.len())
                    .is_some_and(|tail| tail.eq_ignore_ascii_case(rest))
        })
}

/// The kind of credential `text` contains, if it matches a known token format.
pub(crate) fn credential_pattern(text: &str) -> Option<&'static str> {
    if text.len() > 64 * 1024 || text.len() < 16 {
        // Long blobs are data, not keys (and keep scanning linear in the input); a key needs
        // at least 16 characters.
        return None;
    }
    // Documented examples are not credentials. Checked after a format matched, since almost
    // no string matches one and the example check costs more than the scan.
    find_credential(text).filter(|_| !is_example(text))
}

fn find_credential(text: &str) -> Option<&'static str> {
    // A byte search for `-` first: most strings have none, and a substring search has a setup
    // cost per string.
    if text.as_bytes().contains(&b'-')
        && text.contains("-----BEGIN")
        && text.contains("PRIVATE KEY-----")
    {
        return Some("private key");
    }
    let bytes = text.as_bytes();
    for (i, &first) in bytes.iter().enumerate() {
        // Every token format starts with one of these bytes; skip the rest cheaply.
        if !matches!(first, b'A' | b's' | b'r' | b'x' | b'g' | b'e' | b'h') {
            continue;
        }
        let prev_is_word = i > 0 && bytes.get(i - 1).is_some_and(|b| b.is_ascii_alphanumeric());
        if prev_is_word {
            continue;
        }
        let rest = &bytes[i..];
        if let Some(kind) = match_token_at(rest) {
            return Some(kind);
        }
    }
    None
}

/// The credential format starting at `rest`, if any. Every format's prefix begins with the byte
/// the match dispatches on, so a candidate position tries only that byte's few formats.
fn match_token_at(rest: &[u8]) -> Option<&'static str> {
    let count_while = |from: usize, pred: &dyn Fn(u8) -> bool| {
        rest.get(from..)
            .map_or(0, |r| r.iter().take_while(|&&b| pred(b)).count())
    };
    let upper_digit = |b: u8| b.is_ascii_uppercase() || b.is_ascii_digit();
    let token_char = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    let alnum = |b: u8| b.is_ascii_alphanumeric();
    match rest.first()? {
        b'A' => {
            for prefix in [
                b"AKIA", b"ASIA", b"AGPA", b"AIDA", b"AROA", b"ANPA", b"ANVA", b"AIPA",
            ] {
                if rest.starts_with(prefix) && count_while(4, &upper_digit) == 16 {
                    return Some("AWS access key id");
                }
            }
            if rest.starts_with(b"AIza") && count_while(4, &token_char) >= 35 {
                return Some("Google API key");
            }
        }
        b's' | b'r' => {
            if rest.starts_with(b"sk-") {
                let n = count_while(3, &token_char);
                let body = rest.get(3..3 + n).unwrap_or_default();
                if n >= 20 && body.iter().any(u8::is_ascii_digit) {
                    return Some("API secret key (sk-...)");
                }
            }
            for prefix in [b"sk_live_".as_slice(), b"rk_live_", b"sk_test_"] {
                if rest.starts_with(prefix) && count_while(prefix.len(), &alnum) >= 16 {
                    return Some("Stripe secret key");
                }
            }
        }
        b'x' => {
            for prefix in [
                b"xoxb-".as_slice(),
                b"xoxp-",
                b"xoxa-",
                b"xoxr-",
                b"xoxs-",
                b"xoxe-",
                b"xapp-",
            ] {
                if rest.starts_with(prefix) {
                    let n = count_while(prefix.len(), &token_char);
                    let body = rest.get(prefix.len()..prefix.len() + n).unwrap_or_default();
                    if n >= 10 && body.iter().filter(|b| b.is_ascii_digit()).count() >= 4 {
                        return Some("Slack token");
                    }
                }
            }
        }
        b'g' => {
            for prefix in [b"ghp_".as_slice(), b"gho_", b"ghu_", b"ghs_", b"ghr_"] {
                if rest.starts_with(prefix) && count_while(4, &alnum) >= 36 {
                    return Some("GitHub token");
                }
            }
            if rest.starts_with(b"github_pat_") && count_while(11, &|b| alnum(b) || b == b'_') >= 22
            {
                return Some("GitHub token");
            }
            if rest.starts_with(b"glpat-") && count_while(6, &token_char) >= 20 {
                return Some("GitLab token");
            }
        }
        b'e' if rest.starts_with(b"eyJ") => {
            // header.payload.signature, each base64url.
            let b64 = |b: u8| alnum(b) || b == b'_' || b == b'-';
            let first = count_while(0, &b64);
            if first >= 10 && rest.get(first) == Some(&b'.') {
                let second = count_while(first + 1, &b64);
                if second >= 10 && rest.get(first + 1 + second) == Some(&b'.') {
                    let third = count_while(first + second + 2, &b64);
                    if third >= 10 && rest.get(first + 1..).is_some_and(|r| r.starts_with(b"eyJ")) {
                        return Some("JSON Web Token");
                    }
                }
            }
        }
        b'h' if rest.starts_with(b"https://hooks.slack.com/services/T") && rest.len() >= 60 => {
            return Some("Slack webhook URL");
        }
        _ => {}
    }
    None
}

/// The first placeholder in `text`: `{{NAME}}`, `YOUR_..._HERE`, `<YOUR_API_KEY>`, `REPLACE_ME`.
pub(crate) fn find_placeholder(text: &str) -> Option<String> {
    if text.len() > 64 * 1024 {
        return None;
    }
    // {{ NAME }}
    let mut search = text;
    while let Some(start) = search.find("{{") {
        let after = &search[start + 2..];
        if let Some(end) = after.find("}}") {
            let inner = after[..end].trim();
            if is_placeholder_name(inner) {
                return Some(format!("{{{{{inner}}}}}"));
            }
        }
        search = &search[start + 2..];
    }
    // YOUR_..._HERE (any case, separators _ or -)
    let lower = text.to_ascii_lowercase();
    let mut offset = 0;
    while let Some(found) = lower.get(offset..).and_then(|s| s.find("your")) {
        let start = offset + found;
        let rest = &lower[start..];
        let span = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-')))
            .unwrap_or(rest.len());
        let candidate = &rest[..span];
        if let Some(here) = candidate.find("here") {
            let sep_ok = candidate
                .as_bytes()
                .get(4)
                .is_some_and(|b| matches!(b, b'_' | b'-'));
            if sep_ok && here > 5 {
                return text.get(start..start + here + 4).map(str::to_owned);
            }
        }
        offset = start + 4;
    }
    // <YOUR_API_KEY> / <your token> / <API_KEY>
    let trimmed = text.trim();
    if let Some(inner) = trimmed.strip_prefix('<').and_then(|t| t.strip_suffix('>')) {
        let upper_name = inner.len() >= 3
            && inner.contains('_')
            && inner
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if upper_name || inner.to_ascii_lowercase().starts_with("your") {
            return Some(trimmed.to_owned());
        }
    }
    for marker in [
        "REPLACE_ME",
        "REPLACE-ME",
        "CHANGE_ME",
        "CHANGEME",
        "INSERT_YOUR",
    ] {
        if text.contains(marker) {
            return Some(marker.to_owned());
        }
    }
    None
}

/// `SLACK_BOT_TOKEN`-style names: upper-case letters, digits and underscores.
fn is_placeholder_name(inner: &str) -> bool {
    !inner.is_empty()
        && inner.len() <= 128
        && inner.starts_with(|c: char| c.is_ascii_uppercase())
        && inner
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_patterns_match_real_formats() {
        for (text, kind) in [
            ("AKIAQ3EGUKXM7WZJ4PLD", "AWS access key id"),
            ("key=AKIAQ3EGUKXM7WZJ4PLD;", "AWS access key id"),
            (
                "sk-proj-Ab3dE5gH7jK9mN1pQ3rS5tU7vW9xY1z",
                "API secret key (sk-...)",
            ),
            (
                "xoxb-2048193742-4810385761-AbCdEfGhIjKlMnOpQrStUvWx",
                "Slack token",
            ),
            ("ghp_Ab3dE5gH7jK9mN1pQ3rS5tU7vW9xY1zA2bC4", "GitHub token"),
            (
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
                "JSON Web Token",
            ),
            ("AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe", "Google API key"),
            ("-----BEGIN RSA PRIVATE KEY-----\nMIIE", "private key"),
        ] {
            assert_eq!(credential_pattern(text), Some(kind), "{text}");
        }
    }

    #[test]
    fn credential_patterns_ignore_examples_and_lookalikes() {
        for text in [
            "AKIAIOSFODNN7EXAMPLE",
            "sk-your-openai-key-here",
            "xoxb-your-bot-token",
            "task-runner-skeleton",
            "{{SLACK_BOT_TOKEN}}",
            "ghp_short",
            "the AKIA prefix names AWS keys",
            "AKIAQ3EGUKXM7WZJ4PLDX",
        ] {
            assert_eq!(credential_pattern(text), None, "{text}");
        }
    }

    /// The lower-casing implementation `is_secret_name` replaced, as the reference.
    fn is_secret_name_by_lowercasing(name: &str) -> bool {
        // Split camelCase too: `apiKey` -> `api_key`.
        let mut lower = String::with_capacity(name.len() + 4);
        let mut prev_lower = false;
        for c in name.chars() {
            if c.is_ascii_uppercase() && prev_lower {
                lower.push('_');
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            lower.push(c.to_ascii_lowercase());
        }
        let parts: Vec<&str> = lower.split(['_', '-']).filter(|p| !p.is_empty()).collect();
        let Some(&last) = parts.last() else {
            return false;
        };
        const NOT_SECRET_SUFFIX: &[&str] = &[
            "id", "ids", "name", "names", "arn", "url", "uri", "path", "file", "prefix", "header",
            "field", "env", "var", "param", "region", "type", "length", "len", "size", "count",
            "format", "version", "expiry", "expires", "ttl", "timeout", "hint",
        ];
        const NOT_SECRET_PART: &[&str] = &[
            "s3",
            "object",
            "cache",
            "partition",
            "sort",
            "primary",
            "foreign",
            "idempotency",
            "kms",
            "dedup",
            "deduplication",
            "lookup",
            "hash",
            "routing",
            "row",
            "index",
            "group",
            "public",
            "bucket",
            "sort",
            "range",
            "composite",
            "dict",
            "map",
            "message",
        ];
        if NOT_SECRET_SUFFIX.contains(&last) || parts.iter().any(|p| NOT_SECRET_PART.contains(p)) {
            return false;
        }
        const SECRET_WORDS: &[&str] = &[
            "token",
            "secret",
            "password",
            "passwd",
            "pwd",
            "apikey",
            "credential",
            "credentials",
            "passphrase",
        ];
        if parts.iter().any(|p| SECRET_WORDS.contains(p)) {
            return true;
        }
        // `*_KEY` with more than one part (`API_KEY`, `ACCESS_KEY`, `signing_key`), not bare `key`.
        last == "key" && parts.len() > 1
    }

    #[test]
    fn secret_names_split_like_the_lowercasing_reference() {
        for name in [
            "",
            "_",
            "__",
            "-",
            "a",
            "key",
            "KEY",
            "Key",
            "apiKey",
            "APIKey",
            "api_key",
            "API-KEY",
            "api__key",
            "_api_key_",
            "secretKey_x",
            "secret2Key",
            "s3Key",
            "s3_key",
            "KMS_KEY_ID",
            "clientSecret",
            "client_secret_arn",
            "myPasswordHash",
            "DB_PASSWD",
            "éKey",
            "aéKey",
            "tokenURL",
            "token_url",
            "GitHubToken",
            "xApiKeyY",
            "AWS_SECRET_ACCESS_KEY",
            "pwd",
            "signing_key",
            "partitionKey",
            "A1b2C3",
            "aB",
            "Ab",
            "a_B-c",
            "passphrase_hint",
        ] {
            assert_eq!(
                is_secret_name(name),
                is_secret_name_by_lowercasing(name),
                "{name}"
            );
        }
    }

    #[test]
    fn secret_names() {
        for name in [
            "API_KEY",
            "slack_bot_token",
            "client_secret",
            "password",
            "DB_PASSWD",
            "secretKey_x",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "key",
            "KMS_KEY_ID",
            "s3_key",
            "SECRET_ARN",
            "partition_key",
            "TOKEN_URL",
            "token_expiry",
            "user",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn example_words_match_in_any_ascii_case() {
        for text in [
            "AKIAIOSFODNN7EXAMPLE",
            "ExAmPlE",
            "sk-YOUR-key",
            "a-dummy-value",
            "xXxX",
            "<placeholder>",
            "[REDACTED]",
            "ChangeMe123",
            "fake_token",
            "token-0000000000",
            "é-example-é",
        ] {
            assert!(is_example(text), "{text}");
        }
        for text in [
            "",
            "exampl",
            "xxx",
            "you r",
            "AKIAQ3EGUKXM7WZJ4PLD",
            "ÉXAMPLE",
            "000000000",
        ] {
            assert!(!is_example(text), "{text}");
        }
    }

    #[test]
    fn random_tokens_versus_ordinary_strings() {
        assert!(looks_like_random_token("q8Zr2LmX0vT4kP9sW3nB7yH1"));
        assert!(looks_like_random_token(
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzKEYq9ptvT"
        ));
        for text in [
            "hello-world-prod",
            "reports/2024/summary.csv",
            "{{API_TOKEN}}",
            "short",
            "https://api.example.com/v1/token",
            "aaaaaaaaaaaaaaaaaaaa1",
        ] {
            assert!(!looks_like_random_token(text), "{text}");
        }
    }

    #[test]
    fn placeholders() {
        for (text, expected) in [
            ("{{SLACK_BOT_TOKEN}}", "{{SLACK_BOT_TOKEN}}"),
            ("Bearer {{ API_KEY }}", "{{API_KEY}}"),
            ("YOUR_API_KEY_HERE", "YOUR_API_KEY_HERE"),
            ("your-token-here", "your-token-here"),
            ("<YOUR_API_KEY>", "<YOUR_API_KEY>"),
            ("<SPREADSHEET_ID>", "<SPREADSHEET_ID>"),
            ("REPLACE_ME", "REPLACE_ME"),
        ] {
            assert_eq!(find_placeholder(text).as_deref(), Some(expected), "{text}");
        }
        for text in [
            "Hello {{ name }}",
            "<html>",
            "<b>",
            "Here is your report",
            "your files are here",
            "{}",
            "a < b > c",
            "{{}}",
        ] {
            assert_eq!(find_placeholder(text), None, "{text}");
        }
    }
}
