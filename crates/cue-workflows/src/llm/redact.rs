//! Credential-shaped text is taken out of a description before it is sent to a model.
//!
//! Users paste tokens into prompts ("post to Slack with xoxb-…"). The model never needs them:
//! credentials are filled into the generated code later, from the credential form. Each word
//! that looks like a credential (a vendor token format, a bearer token, a JWT, a long random
//! string, a webhook URL that embeds its secret) becomes [`REDACTED`].

/// What a redacted word is replaced by.
pub const REDACTED: &str = "[REDACTED]";

/// Webhook URLs whose path is the secret (anyone who has the URL can post).
const SECRET_URL_PREFIXES: &[&str] = &[
    "hooks.slack.com/",
    "discord.com/api/webhooks/",
    "discordapp.com/api/webhooks/",
    "api.telegram.org/bot",
    "outlook.office.com/webhook",
    "webhook.office.com/",
    "chat.googleapis.com/",
];

/// Names after which `name=value` or `name: value` holds a secret.
const SECRET_NAMES: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "api-key",
    "key",
    "access_key",
    "private_key",
    "client_secret",
];

/// The description with credential-shaped words replaced, and how many were.
pub fn redact(text: &str) -> (String, usize) {
    let (text, mut count) = redact_private_keys(text);
    let mut out = String::with_capacity(text.len());
    let mut after_bearer = false;
    for piece in split_keep_whitespace(&text) {
        if piece.chars().all(char::is_whitespace) {
            out.push_str(piece);
            continue;
        }
        let (lead, word, trail) = trim_punctuation(piece);
        // after `Bearer`/`Basic`/`token`, a word that looks generated (digits in it, or long)
        let follows_scheme = after_bearer
            && word.len() >= 8
            && word.chars().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '=' | '+' | '/')
            })
            && (word.chars().any(|c| c.is_ascii_digit()) || word.len() >= 20);
        let secret = follows_scheme || is_credential(word);
        after_bearer = matches!(
            word.to_ascii_lowercase().as_str(),
            "bearer" | "basic" | "token"
        );
        out.push_str(lead);
        if secret {
            out.push_str(REDACTED);
            count += 1;
        } else if let Some((name, sep, value)) = named_secret(word) {
            out.push_str(name);
            out.push(sep);
            out.push_str(REDACTED);
            count += usize::from(!value.is_empty());
        } else {
            out.push_str(word);
        }
        out.push_str(trail);
    }
    (out, count)
}

/// PEM blocks (`-----BEGIN … PRIVATE KEY-----` to its `-----END … -----`), whole.
fn redact_private_keys(text: &str) -> (String, usize) {
    const BEGIN: &str = "-----BEGIN";
    let mut out = String::with_capacity(text.len());
    let mut count = 0;
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        out.push_str(&rest[..start]);
        out.push_str(REDACTED);
        count += 1;
        let block = &rest[start..];
        // the end marker's closing dashes, else everything that follows
        let end = block
            .find("-----END")
            .and_then(|e| block[e + 8..].find("-----").map(|d| e + 8 + d + 5))
            .unwrap_or(block.len());
        rest = &block[end..];
    }
    out.push_str(rest);
    (out, count)
}

fn split_keep_whitespace(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut in_space: Option<bool> = None;
    for (i, c) in text.char_indices() {
        let space = c.is_whitespace();
        if in_space.is_some_and(|s| s != space) {
            pieces.push(&text[start..i]);
            start = i;
        }
        in_space = Some(space);
    }
    if start < text.len() {
        pieces.push(&text[start..]);
    }
    pieces
}

/// `(leading punctuation, word, trailing punctuation)`.
fn trim_punctuation(piece: &str) -> (&str, &str, &str) {
    let edge = |c: char| {
        matches!(
            c,
            '"' | '\'' | '`' | '(' | ')' | '<' | '>' | '[' | ']' | ',' | ';' | '.' | '!' | '?'
        )
    };
    let word = piece.trim_start_matches(edge);
    let lead = &piece[..piece.len() - word.len()];
    let trimmed = word.trim_end_matches(edge);
    (lead, trimmed, &word[trimmed.len()..])
}

/// `password=hunter2`, `token:abc`: the name, the separator and the value.
fn named_secret(word: &str) -> Option<(&str, char, &str)> {
    let at = word.find(['=', ':'])?;
    let (name, rest) = word.split_at(at);
    let sep = rest.chars().next()?;
    let value = &rest[1..];
    let lower = name.to_ascii_lowercase();
    let named = SECRET_NAMES
        .iter()
        .any(|n| lower == *n || lower.ends_with(&format!("_{n}")));
    (named && !value.is_empty() && !value.starts_with("//")).then_some((name, sep, value))
}

/// Whether one word is a credential by its shape.
fn is_credential(w: &str) -> bool {
    let token_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let tail = |prefix: &str, min: usize| {
        w.strip_prefix(prefix)
            .is_some_and(|t| t.len() >= min && t.chars().all(token_char))
    };
    let lower = w.to_ascii_lowercase();
    let url_body = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    if let Some(body) = url_body {
        return SECRET_URL_PREFIXES.iter().any(|p| {
            body.starts_with(p)
                || body
                    .split_once('.')
                    .is_some_and(|(_, rest)| rest.starts_with(p))
        }) || body.split(['/', '?', '&', '=']).any(random_string);
    }
    ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxe-", "xapp-"]
        .iter()
        .any(|p| tail(p, 10))
        || [
            "AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA",
        ]
        .iter()
        .any(|p| {
            w.strip_prefix(p).is_some_and(|t| {
                t.len() == 16
                    && t.chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            })
        })
        || [
            "sk-", "sk_live_", "sk_test_", "rk_live_", "pk_live_", "whsec_",
        ]
        .iter()
        .any(|p| tail(p, 16))
        || [
            "ghp_",
            "gho_",
            "ghu_",
            "ghs_",
            "ghr_",
            "github_pat_",
            "glpat-",
            "shpat_",
            "AIza",
        ]
        .iter()
        .any(|p| tail(p, 20))
        || jwt(w)
        || random_string(w)
}

/// `eyJ….….…`: a JSON Web Token.
fn jwt(w: &str) -> bool {
    let parts: Vec<&str> = w.split('.').collect();
    w.starts_with("eyJ")
        && parts.len() == 3
        && w.len() >= 30
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '=')
        })
}

/// A long hex string (32+), or a long base64-like one (32+) mixing upper case, lower case and
/// digits: keys and secrets, not words.
fn random_string(w: &str) -> bool {
    if w.len() >= 32 && w.chars().all(|c| c.is_ascii_hexdigit()) {
        return true;
    }
    w.len() >= 32
        && w.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '_' | '-'))
        && w.chars().any(|c| c.is_ascii_uppercase())
        && w.chars().any(|c| c.is_ascii_lowercase())
        && w.chars().filter(char::is_ascii_digit).count() >= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_shaped_words_are_replaced() {
        let cases = [
            "xoxb-2048193742-4810385761-AbCdEfGhIjKlMnOpQrStUvWx",
            "AKIAQ3EGUKXM7WZJ4PLD",
            "sk-proj-Ab3dE5gH7jK9mN1pQ3rS5tU7vW9xY1z",
            "ghp_Ab3dE5gH7jK9mN1pQ3rS5tU7vW9xY1zA2bC4",
            "github_pat_11ABCDEFG0abcdefghijklmnopqrstuvwxyz",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY12",
            "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
            "https://discord.com/api/webhooks/123/abc",
        ];
        for secret in cases {
            let text = format!("post to #dev with \"{secret}\", please");
            let (out, n) = redact(&text);
            assert_eq!(n, 1, "{secret}: {out}");
            assert!(!out.contains(secret), "{out}");
            assert_eq!(out, format!("post to #dev with \"{REDACTED}\", please"));
        }
    }

    #[test]
    fn bearer_tokens_named_secrets_and_private_keys_are_replaced() {
        let (out, n) =
            redact("call it with Authorization: Bearer abc123def456 and password=hunter22");
        assert_eq!(
            out,
            format!("call it with Authorization: Bearer {REDACTED} and password={REDACTED}")
        );
        assert_eq!(n, 2);
        let (out, n) = redact(
            "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEabc\ndef\n-----END RSA PRIVATE KEY-----\nthen post",
        );
        assert_eq!(n, 1, "{out}");
        assert!(!out.contains("MIIE") && out.ends_with("then post"), "{out}");
    }

    #[test]
    fn ordinary_descriptions_are_unchanged() {
        for text in [
            "Every Monday at 8am send the open GitHub issues of acme/web to #triage in Slack",
            "when a Stripe payment over $500 succeeds, email finance@example.com",
            "read https://example.com/feed.xml every hour and post new items to #news",
            "when a token expiration warning arrives, notify #ops with the Bearer authentication docs",
            "add a row to the Google Sheet 1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms",
        ] {
            let (out, n) = redact(text);
            // the sheet id is long and random: it is redacted, which costs the model nothing
            if text.contains("1BxiMVs0") {
                assert_eq!(n, 1);
            } else {
                assert_eq!((out.as_str(), n), (text, 0));
            }
        }
    }
}
