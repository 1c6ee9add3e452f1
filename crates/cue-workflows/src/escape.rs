//! The escaping functions of generated text: how a value from a plan (so from a prompt or a
//! model) is written into Python, YAML or Markdown without changing their structure.
//!
//! The templates reach them as filters (`render.rs`); `fill_credentials` writes values with
//! [`py_str`] too.

use std::fmt::Write as _;

/// A Python string literal holding `s` exactly (double-quoted; escapes for quotes,
/// backslashes, control and non-ASCII-printable characters).
pub fn py_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if c.is_ascii() => out.push(c),
            c if (c as u32) <= 0xffff => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// The string literal of a credential placeholder, `"{{NAME}}"`: what the generated code
/// defaults a credential to and what [`fill_credentials`](crate::fill_credentials) replaces.
pub(crate) fn placeholder_literal(name: &str) -> String {
    py_str(&format!("{{{{{name}}}}}"))
}

/// A value taken from a prompt or a model without `{{` and `}}`, which are how credential
/// placeholders are written: `{{AIRTABLE_TOKEN}}` as a table name becomes `AIRTABLE_TOKEN`, so
/// a setting can never look like a credential to fill.
pub(crate) fn without_placeholders(s: &str) -> String {
    let mut out = s.to_owned();
    while out.contains("{{") || out.contains("}}") {
        out = out.replace("{{", "").replace("}}", "");
    }
    out
}

/// Text safe inside a triple-quoted docstring or after `#`: one line, no backslashes or double
/// quotes.
pub(crate) fn doc_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        out.push(match c {
            '"' => '\'',
            '\\' => '/',
            c if c.is_control() => ' ',
            c => c,
        });
    }
    out
}

/// A lower-case Python name made of `s`'s letters and digits (`Google Sheets` → `google_sheets`).
pub(crate) fn ident(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '_'
        };
        if !(c == '_' && out.ends_with('_')) {
            out.push(c);
        }
    }
    out.trim_matches('_').to_owned()
}

/// Whether `s` is an ASCII Python identifier that is no keyword (a name the generator chose
/// or took from the catalog, written as it is).
pub(crate) fn is_identifier(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !matches!(
            s,
            "False"
                | "None"
                | "True"
                | "and"
                | "as"
                | "assert"
                | "async"
                | "await"
                | "break"
                | "class"
                | "continue"
                | "def"
                | "del"
                | "elif"
                | "else"
                | "except"
                | "finally"
                | "for"
                | "from"
                | "global"
                | "if"
                | "import"
                | "in"
                | "is"
                | "lambda"
                | "nonlocal"
                | "not"
                | "or"
                | "pass"
                | "raise"
                | "return"
                | "try"
                | "while"
                | "with"
                | "yield"
        )
}

/// A SQL identifier the prompt named, if it is a plain one (`staging_imports`, `public.orders`).
pub(crate) fn sql_ident(s: &str) -> Option<&str> {
    let ok = !s.is_empty()
        && s.len() <= 63
        && s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    ok.then_some(s)
}

/// A YAML double-quoted scalar holding `s` exactly: JSON's escapes, and `\uXXXX` for what YAML
/// does not allow as it is (DEL, C1 controls, byte-order marks) or reads as a line break
/// (NEL, LS, PS).
pub(crate) fn yaml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' | '\u{a0}'..='\u{2027}' | '\u{202a}'..='\u{d7ff}' => out.push(c),
            '\u{e000}'..='\u{fffd}' | '\u{10000}'.. if c != '\u{feff}' => out.push(c),
            // everything left is in the Basic Multilingual Plane
            c => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// A CloudFormation logical name from a placeholder (`SLACK_BOT_TOKEN` → `SlackBotToken`);
/// anything but ASCII letters and digits is dropped.
pub(crate) fn logical_name(placeholder: &str) -> String {
    let mut out = String::with_capacity(placeholder.len());
    let mut word_start = true;
    for c in placeholder.chars() {
        if !c.is_ascii_alphanumeric() {
            word_start = true;
        } else if word_start {
            out.push(c.to_ascii_uppercase());
            word_start = false;
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// Markdown text kept on one line: control characters (line breaks included) become spaces,
/// so a value cannot start a heading, a list or a code block of its own.
pub(crate) fn md_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        out.push(if c.is_control() { ' ' } else { c });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn py_str_escapes_everything_structural() {
        assert_eq!(py_str("a\"b"), r#""a\"b""#);
        assert_eq!(py_str("a\\b"), r#""a\\b""#);
        assert_eq!(py_str("x\ny\0"), r#""x\ny\x00""#);
        assert_eq!(py_str("é"), r#""\u00e9""#);
        assert_eq!(py_str("😀"), r#""\U0001f600""#);
        assert_eq!(py_str("\"\"\""), r#""\"\"\"""#);
        assert_eq!(py_str("{{X}}"), r#""{{X}}""#);
    }

    #[test]
    fn values_lose_placeholder_braces() {
        assert_eq!(without_placeholders("{{AIRTABLE_TOKEN}}"), "AIRTABLE_TOKEN");
        assert_eq!(without_placeholders("a{{{{b}}}}}c"), "ab}c");
        assert_eq!(without_placeholders("{a} {b}"), "{a} {b}");
        for v in ["{{{X}}}", "{{{{X}}}}", "{{X}}}}", "{}{}{{}}"] {
            let out = without_placeholders(v);
            assert!(!out.contains("{{") && !out.contains("}}"), "{v} -> {out}");
        }
    }

    #[test]
    fn doc_text_cannot_end_a_docstring_or_a_comment() {
        let text = doc_text("a\"\"\"b\\c\nd\re\0f\u{85}g");
        assert!(!text.contains('"') && !text.contains('\\'));
        assert!(!text.chars().any(char::is_control), "{text:?}");
    }

    #[test]
    fn identifiers_are_plain() {
        assert_eq!(ident("Google Sheets"), "google_sheets");
        assert_eq!(ident("__a--b__"), "a_b");
        assert_eq!(ident("ünï"), "n");
        assert!(is_identifier("_slack_headers") && is_identifier("SLACK_BOT_TOKEN"));
        for bad in ["", "1a", "a-b", "a b", "é", "class", "None"] {
            assert!(!is_identifier(bad), "{bad}");
        }
    }

    #[test]
    fn sql_identifiers_are_plain() {
        assert_eq!(sql_ident("staging_imports"), Some("staging_imports"));
        assert_eq!(sql_ident("x; DROP TABLE y"), None);
        assert_eq!(sql_ident("1abc"), None);
    }

    #[test]
    fn yaml_and_markdown_values_stay_values() {
        assert_eq!(yaml_str("a\"b\n: c"), r#""a\"b\n: c""#);
        assert_eq!(
            yaml_str("\0\u{7f}\u{85}\u{2028}é😀"),
            r#""\u0000\u007f\u0085\u2028é😀""#
        );
        // the same as JSON wherever JSON's escapes are valid YAML
        for v in [
            "plain",
            "tab\there",
            "quote\" back\\",
            "\u{1}\u{1f}",
            "ünï ✓",
        ] {
            assert_eq!(
                yaml_str(v),
                serde_json::Value::String(v.to_owned()).to_string()
            );
        }
        assert_eq!(logical_name("SLACK_BOT_TOKEN"), "SlackBotToken");
        assert_eq!(logical_name("A:\n- b"), "AB");
        assert_eq!(md_line("# a\n# b\r\n"), "# a # b  ");
    }
}
