//! References in the catalog's call specs: `{name}` in base URLs, paths, headers, bodies, query
//! values, boto3 arguments and SQL, and the credentials an HTTP `auth` spec names.
//!
//! The catalog's load-time check, the planners (which credentials a step needs) and the code
//! generator all read specs through here, so they agree on what a call references. It is part of
//! the catalog (its types, not how code is written), so neither `catalog` nor `python` imports a
//! module that imports it back.

use serde_json::Value;

use super::{Action, Api, Tool};

/// Whether `name` can be a reference (`{channel}`, `{field:id}`); other braces (GraphQL, JSON)
/// are literal text.
fn is_ref_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '.' | '-' | '*'))
}

/// The record fields a template reads (`{field:result.file_path}` → `result.file_path`).
pub(crate) fn field_refs(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some((i, j)) = next_ref(rest) {
        if let Some(name) = rest[i + 1..j].strip_prefix("field:") {
            out.push(name);
        }
        rest = &rest[j + 1..];
    }
    out
}

/// The byte range (`{` index, `}` index) of the next reference in `s`.
pub(crate) fn next_ref(s: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(i) = s[from..].find('{').map(|i| i + from) {
        let j = s[i..].find('}')? + i;
        if is_ref_name(&s[i + 1..j]) {
            return Some((i, j));
        }
        from = i + 1;
    }
    None
}

/// Whether a reference or auth word names a credential (`SLACK_BOT_TOKEN`): upper-case
/// letters, digits and `_`, starting with a letter.
pub(crate) fn is_cred_name(w: &str) -> bool {
    w.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && w.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// A value in an auth spec: a credential, or a literal written `=literal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthValue<'a> {
    Credential(&'a str),
    Literal(&'a str),
}

impl<'a> AuthValue<'a> {
    fn parse(word: &'a str) -> Result<Self, String> {
        match word.strip_prefix('=') {
            Some(literal) => Ok(Self::Literal(literal)),
            None if is_cred_name(word) => Ok(Self::Credential(word)),
            None => Err(format!(
                "{word:?} is neither a credential name nor an =literal"
            )),
        }
    }

    fn credential(self) -> Option<&'a str> {
        match self {
            Self::Credential(c) => Some(c),
            Self::Literal(_) => None,
        }
    }
}

/// How an HTTP tool authenticates: the catalog's `auth` string (`bearer ENV`,
/// `header Name [Prefix] ENV`, `basic USER PASS`, `query name ENV`, `none`), parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth<'a> {
    None,
    /// `Authorization: Bearer <value>`.
    Bearer(AuthValue<'a>),
    /// `<name>: [<prefix> ]<value>`.
    Header {
        name: &'a str,
        prefix: Option<&'a str>,
        value: AuthValue<'a>,
    },
    /// `Authorization: Basic base64(<user>:<password>)`.
    Basic {
        user: AuthValue<'a>,
        password: AuthValue<'a>,
    },
    /// A query parameter `<name>=<value>` on every call.
    Query {
        name: &'a str,
        value: AuthValue<'a>,
    },
}

impl<'a> Auth<'a> {
    pub(crate) fn parse(spec: &'a str) -> Result<Self, String> {
        let words: Vec<&str> = spec.split_whitespace().collect();
        Ok(match words.as_slice() {
            [] | ["none"] => Self::None,
            ["bearer", v] => Self::Bearer(AuthValue::parse(v)?),
            ["header", name, v] => Self::Header {
                name,
                prefix: None,
                value: AuthValue::parse(v)?,
            },
            ["header", name, prefix, v] => Self::Header {
                name,
                prefix: Some(prefix),
                value: AuthValue::parse(v)?,
            },
            ["basic", user, password] => Self::Basic {
                user: AuthValue::parse(user)?,
                password: AuthValue::parse(password)?,
            },
            ["query", name, v] => Self::Query {
                name,
                value: AuthValue::parse(v)?,
            },
            _ => return Err(format!("bad auth spec {spec:?}")),
        })
    }

    /// The credentials the spec names, in order.
    pub(crate) fn credentials(&self) -> Vec<&'a str> {
        let values = match *self {
            Self::None => Vec::new(),
            Self::Bearer(v) | Self::Header { value: v, .. } | Self::Query { value: v, .. } => {
                vec![v]
            }
            Self::Basic { user, password } => vec![user, password],
        };
        values
            .into_iter()
            .filter_map(AuthValue::credential)
            .collect()
    }
}

/// `{ref}` names in a template string.
fn refs_in_str(s: &str, out: &mut Vec<String>) {
    let mut rest = s;
    while let Some((i, j)) = next_ref(rest) {
        out.push(rest[i + 1..j].to_owned());
        rest = &rest[j + 1..];
    }
}

fn refs_in_value(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => refs_in_str(s, out),
        Value::Array(a) => a.iter().for_each(|x| refs_in_value(x, out)),
        Value::Object(o) => o.values().for_each(|x| refs_in_value(x, out)),
        _ => {}
    }
}

/// What every call of a tool references: base URL, auth, headers; database and mail tools
/// use all their credentials.
fn api_refs(tool: &Tool) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    match &tool.api {
        Api::Http { base_url, auth, .. } => {
            refs_in_str(base_url, &mut out);
            let auth = Auth::parse(auth)?;
            out.extend(auth.credentials().into_iter().map(str::to_owned));
        }
        Api::Postgres | Api::Mysql | Api::Redis | Api::Mongodb | Api::Smtp | Api::Imap => {
            out.extend(tool.credentials.iter().map(|c| c.env.clone()));
        }
        Api::Boto3 { .. } => {}
    }
    for v in tool.headers.values() {
        refs_in_str(v, &mut out);
    }
    Ok(out)
}

/// Whether an action's request reads fields of the current record (`{field:sku}`), so a read
/// step runs once per record instead of once for all.
pub(crate) fn reads_record_fields(a: &Action) -> bool {
    action_refs(a)
        .iter()
        .any(|r| r.starts_with("field:") || r.starts_with("field_or:"))
}

/// The file references that may fall back to a URL setting when the record names no file.
const FILE_REFERENCES: [&str; 3] = ["file", "file_base64", "file_document"];

/// A file reference with its fallback (`file_or:image_url`, `file_base64_or:audio_url`): the
/// file reference and the parameter whose URL is sent when the record names no file.
pub(crate) fn file_fallback(name: &str) -> Option<(&str, &str)> {
    let (base, param) = name.split_once("_or:")?;
    (FILE_REFERENCES.contains(&base) && !param.is_empty() && !param.contains(':'))
        .then_some((base, param))
}

/// The parameter an action's file falls back to (`{file_or:image_url}`), if it has one.
pub(crate) fn file_fallback_param(a: &Action) -> Option<String> {
    action_refs(a)
        .iter()
        .find_map(|r| file_fallback(r).map(|(_, p)| p.to_owned()))
}

/// Whether an action sends the bytes of the record's file (`{file}`, or one with a fallback).
pub(crate) fn sends_file(a: &Action) -> bool {
    action_refs(a).iter().any(|r| {
        let base = file_fallback(r).map_or(r.as_str(), |(b, _)| b);
        FILE_REFERENCES.contains(&base)
    })
}

/// How long the presigned URL of an action that has the vendor fetch the record's file by URL
/// lives (`{file_url}`: an hour; `{file_url:SECONDS}`), if the action does.
pub(crate) fn file_url_seconds(a: &Action) -> Option<u32> {
    action_refs(a).iter().find_map(|r| match r.as_str() {
        "file_url" => Some(3600),
        r => r.strip_prefix("file_url:").and_then(|s| s.parse().ok()),
    })
}

/// Every `{reference}` an action's request holds: path, body, query, keyword arguments, headers, SQL.
pub(crate) fn action_refs(a: &Action) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(p) = &a.path {
        refs_in_str(p, &mut out);
    }
    if let Some(b) = &a.body {
        refs_in_value(b, &mut out);
    }
    for v in a
        .query
        .values()
        .chain(a.query_without.values().flat_map(|q| q.values()))
        .chain(a.kwargs.values())
        .chain(a.headers.values())
    {
        refs_in_value(v, &mut out);
    }
    if let Some(s) = &a.sql {
        refs_in_str(s, &mut out);
    }
    out
}

/// The credentials every HTTP call of a tool needs (base URL, auth, headers), in catalog order.
pub(crate) fn api_credentials(tool: &Tool) -> Vec<String> {
    let refs = api_refs(tool).unwrap_or_default();
    tool.credentials
        .iter()
        .filter(|c| refs.contains(&c.env))
        .map(|c| c.env.clone())
        .collect()
}

/// Every reference a tool's specs use (for the catalog check); fails on a bad auth spec.
pub(crate) fn refs_in_tool(tool: &Tool) -> Result<Vec<String>, String> {
    let mut out = api_refs(tool)?;
    for a in &tool.actions {
        out.extend(action_refs(a));
    }
    Ok(out)
}

/// The credentials (placeholder names) a tool needs to run `action`, in catalog order.
pub(crate) fn credentials_for(tool: &Tool, action: &Action) -> Vec<String> {
    // The catalog check has parsed every auth spec when the catalog was loaded.
    let mut refs = api_refs(tool).unwrap_or_default();
    refs.extend(action_refs(action));
    if let Some(x) = &tool.token_exchange
        && refs.contains(&x.provides)
    {
        // the function obtains this token itself, from the exchange's own credentials
        refs.retain(|r| *r != x.provides);
        refs_in_str(&x.token_url, &mut refs);
        for v in x.params.values() {
            refs_in_str(v, &mut refs);
        }
    }
    if let Some(s) = &tool.signed_token
        && refs.contains(&s.provides)
    {
        // the function signs this token itself, with the key
        refs.retain(|r| *r != s.provides);
        refs.push(s.key.clone());
    }
    tool.credentials
        .iter()
        .filter(|c| refs.contains(&c.env))
        .map(|c| c.env.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_names_in_braces_and_other_braces_are_text() {
        let mut out = Vec::new();
        refs_in_str("https://{SHOP}/x/{field:id}?q={ a: 1 }{}", &mut out);
        assert_eq!(out, ["SHOP", "field:id"]);
    }

    #[test]
    fn auth_specs_parse_and_name_their_credentials() {
        let cases: &[(&str, &[&str])] = &[
            ("none", &[]),
            ("bearer SLACK_BOT_TOKEN", &["SLACK_BOT_TOKEN"]),
            (
                "header Authorization SSWS OKTA_API_TOKEN",
                &["OKTA_API_TOKEN"],
            ),
            ("header APIKEY JOTFORM_API_KEY", &["JOTFORM_API_KEY"]),
            ("basic =api STRIPE_KEY", &["STRIPE_KEY"]),
            ("basic USER PASS", &["USER", "PASS"]),
            ("query key API_KEY", &["API_KEY"]),
        ];
        for (spec, creds) in cases {
            let auth = Auth::parse(spec).unwrap_or(Auth::None);
            assert_eq!(auth.credentials(), *creds, "{spec}");
        }
        for bad in [
            "bearer",
            "bearer lower",
            "header X",
            "digest A B",
            "basic A",
        ] {
            assert!(Auth::parse(bad).is_err(), "{bad}");
        }
    }
}
