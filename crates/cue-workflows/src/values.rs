//! The rules every value of a plan follows, by the kind of parameter it fills.
//!
//! A plan's values come from a prompt (the embedded planner) or from a model (the model-backed
//! planner); either may be hostile. The engine applies [`enforce`] to every plan before it
//! renders anything, so both planners, and stored plans, pass through the same rules: a URL is
//! `https://` (plain `http://` only where the catalog says so) to a public host, a value that
//! goes into a URL path cannot climb out of its segment, a repository is `owner/name`, and no
//! value carries placeholder braces, control characters or unbounded text.
//!
//! A parameter's kind is the catalog's `param_kinds` entry; without one it is inferred from
//! how the action uses it (a name ending in `url` is a URL, a `{param}` in the request path is
//! a path segment, or several when the catalog's default has a `/`, unless its kind is
//! `encoded_path`: a `/` that is part of one segment, as GitLab's `group/project`).

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::catalog::{Action, Api, Catalog, ParamKind, Tool};
use crate::escape;
use crate::model::Plan;

/// The longest value accepted, in characters.
pub(crate) const MAX_VALUE_CHARS: usize = 500;
/// How much of a rejected value a message quotes, in characters.
const QUOTED_CHARS: usize = 60;

/// How one parameter of one action is checked, and how the generated code writes it into a
/// URL path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ParamRule {
    pub kind: ParamKind,
    /// `{param}` appears in the request's URL (base URL, path or detail path).
    pub in_path: bool,
    /// The value is several path segments (`owner/name`): the code keeps its `/` unencoded.
    pub segments: bool,
}

impl ParamRule {
    /// The rule of `name` in `action` of `tool`.
    pub(crate) fn of(tool: &Tool, action: &Action, name: &str) -> Self {
        let reference = format!("{{{name}}}");
        let base = match &tool.api {
            Api::Http { base_url, .. } => base_url.as_str(),
            _ => "",
        };
        let urls = [
            Some(base),
            action.path.as_deref(),
            action.detail.as_ref().map(|d| d.path.as_str()),
        ];
        let in_path = urls.iter().flatten().any(|p| p.contains(&reference));
        // Microsoft Graph's path-based addressing (`root:/{folder}:`) takes a folder path
        let addressed_by_path = urls
            .iter()
            .flatten()
            .any(|p| p.contains(&format!(":/{reference}")));
        let default = action.params.get(name).map_or("", String::as_str);
        let kind = match action.param_kinds.get(name) {
            Some(k) => *k,
            None if name == "url" || name.ends_with("_url") => ParamKind::Url,
            None if name == "repo" => ParamKind::Repository,
            None if in_path => ParamKind::PathSegment,
            None => ParamKind::Text,
        };
        // A segment kind whose catalog default is several segments (`gh/org/repo`, a model
        // id `org/model`) is a path of segments: each is checked, the `/` stays. The catalog
        // says so per parameter where the `/` is not a separator (`encoded_path`: GitLab's
        // `:id` is `group%2Fproject`, review 13's R13-1), and then the `/` is encoded.
        let several = in_path
            && (default.contains('/') || addressed_by_path)
            && !matches!(
                kind,
                ParamKind::Url | ParamKind::HttpUrl | ParamKind::EncodedPath
            );
        Self {
            kind,
            in_path,
            segments: kind == ParamKind::Repository || several,
        }
    }

    /// Why `value` does not fit this rule, as a phrase (`must start with https://`).
    pub(crate) fn check(&self, value: &str) -> Result<(), String> {
        generic(
            value,
            matches!(self.kind, ParamKind::Text | ParamKind::Search) && !self.in_path,
        )?;
        match self.kind {
            ParamKind::Text | ParamKind::Search => Ok(()),
            ParamKind::Url => url(value, false),
            ParamKind::HttpUrl => url(value, true),
            // several segments: each is checked below
            ParamKind::PathSegment | ParamKind::Id if self.segments => Ok(()),
            ParamKind::PathSegment | ParamKind::Id => plain(value),
            // one segment whose `/`s are encoded: no part may be empty, `.` or `..`
            ParamKind::EncodedPath => value.split('/').try_for_each(segment),
            ParamKind::Email => email(value),
            ParamKind::Phone => phone(value),
            ParamKind::Channel => channel(value),
            ParamKind::Repository => repository(value),
            ParamKind::SqlIdentifier => escape::sql_ident(value)
                .map(drop)
                .ok_or_else(|| "must be a plain SQL name (letters, digits, _)".to_owned()),
            ParamKind::AwsResource => aws_resource(value),
            ParamKind::Number => value
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(drop)
                .ok_or_else(|| "must be a number".to_owned()),
        }?;
        if self.in_path && !matches!(self.kind, ParamKind::Url | ParamKind::HttpUrl) {
            if self.segments {
                value.split('/').try_for_each(segment)
            } else {
                segment(value)
            }
        } else {
            Ok(())
        }
    }
}

/// Why a free-text value (a condition, a name) breaks the rules every value follows.
pub(crate) fn check_text(v: &str) -> Result<(), String> {
    generic(v, true)
}

/// Free text made to follow the generic rules: `{{`/`}}` lose a brace, control characters
/// other than line breaks and tabs go, and the text is cut to [`MAX_VALUE_CHARS`]. For text
/// whose loss would change what the workflow does (a condition), so it is kept, defanged.
fn defang(s: &mut String) {
    if check_text(s).is_ok() {
        return;
    }
    let mut out: String = s
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .take(MAX_VALUE_CHARS)
        .collect();
    while out.contains("{{") || out.contains("}}") {
        out = out.replace("{{", "{").replace("}}", "}");
    }
    *s = out;
}

/// `value` as a code of the code set `set` (`data/catalog/languages.json`): a code of the set
/// as it is, a language name or another set's code of the same language as this set's code.
fn target_language_code(set: &str, value: &str) -> Option<String> {
    let langs = crate::catalog::languages::Languages::builtin().ok()?;
    let v = value.trim();
    if langs.by_code(set, v).is_some() {
        return Some(v.to_owned());
    }
    let lang = langs.by_name(v).or_else(|| {
        langs
            .languages
            .iter()
            .find(|l| l.codes.values().any(|c| c.eq_ignore_ascii_case(v)))
    })?;
    lang.codes.get(set).cloned()
}

#[cfg(feature = "llm")]
/// What a plan's values break, one phrase each (empty: none). The values themselves are not
/// repeated: the phrases reach users when the model's answers are given up on.
pub(crate) fn problems(catalog: &Catalog, plan: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    for_each_value(catalog, plan, |place, rule, value| {
        if let Err(why) = rule.check(value) {
            out.push(format!("{place} {why}"));
        }
    });
    for (k, v) in &plan.trigger.params {
        if let Err(why) = trigger_rule(k).check(v) {
            out.push(format!("trigger param {k} {why}"));
        }
    }
    out
}

/// The plan with every value that breaks its rule replaced by the catalog's default, each
/// replacement said in the assumptions (the value itself is not repeated).
pub(crate) fn enforce(catalog: &Catalog, mut plan: Plan) -> Plan {
    let mut notes = Vec::new();
    for step in &mut plan.steps {
        let Some(tool) = catalog.tool(&step.tool) else {
            continue;
        };
        let Some(action) = tool.action(&step.action) else {
            continue;
        };
        // a language to translate into is a code of the vendor's own set: a name ("French") or
        // another vendor's spelling ("pt-BR" for DeepL) becomes it; anything else is the default
        if let Some(tl) = &action.target_language
            && let Some(value) = step.params.get_mut(&tl.param)
        {
            match target_language_code(&tl.codes, value) {
                Some(code) => *value = code,
                None => {
                    let default = action.params.get(&tl.param).cloned().unwrap_or_default();
                    notes.push(format!(
                        "The {} of {} was not used because {} has no such target language; it is the setting's default {} for you to change.",
                        tl.param,
                        step.id,
                        tool.name,
                        quote(&default)
                    ));
                    *value = default;
                }
            }
        }
        for (name, value) in &mut step.params {
            if let Err(why) = ParamRule::of(tool, action, name).check(value) {
                let default = action.params.get(name).cloned().unwrap_or_default();
                notes.push(format!(
                    "The {name} of {} was not used because it {why}; it is the setting's default {} for you to change.",
                    step.id,
                    quote(&default)
                ));
                *value = default;
            }
        }
    }
    let mut bad_trigger = Vec::new();
    for (k, v) in &plan.trigger.params {
        if let Err(why) = trigger_rule(k).check(v) {
            notes.push(format!("The trigger's {k} was not used because it {why}."));
            bad_trigger.push(k.clone());
        }
    }
    for k in bad_trigger {
        plan.trigger.params.remove(&k);
    }
    // everything else a prompt or a model wrote: kept, but never a placeholder a credential
    // could be filled into, never unbounded
    let conditions = plan
        .steps
        .iter_mut()
        .filter_map(|s| s.condition.as_mut())
        .chain(plan.trigger.filter.as_mut());
    for c in conditions {
        defang(&mut c.field);
        defang(&mut c.value);
        defang(&mut c.description);
    }
    for text in plan
        .steps
        .iter_mut()
        .map(|s| &mut s.description)
        .chain([
            &mut plan.name,
            &mut plan.summary,
            &mut plan.trigger.description,
        ])
        .chain(plan.assumptions.iter_mut())
    {
        defang(text);
    }
    plan.assumptions.extend(notes);
    plan
}

#[cfg(feature = "llm")]
/// Calls `f` with every step parameter of the plan, where it is and its rule.
fn for_each_value(catalog: &Catalog, plan: &Plan, mut f: impl FnMut(&str, ParamRule, &str)) {
    for step in &plan.steps {
        let Some(tool) = catalog.tool(&step.tool) else {
            continue;
        };
        let Some(action) = tool.action(&step.action) else {
            continue;
        };
        for (name, value) in &step.params {
            let place = format!("{} param {name}", step.id);
            f(&place, ParamRule::of(tool, action, name), value);
        }
    }
}

#[cfg(feature = "llm")]
/// The trigger params a queue, stream or upload trigger always has, with their defaults.
pub(crate) const TRIGGER_DEFAULTS: [(&str, &str); 3] = [
    ("bucket", "workflow-uploads"),
    ("queue", "workflow-queue"),
    ("stream", "workflow-stream"),
];

/// Trigger params name the AWS resource the event comes from (bucket, queue, stream); any
/// other is text.
pub(crate) fn trigger_rule(name: &str) -> ParamRule {
    ParamRule {
        kind: match name {
            "bucket" | "queue" | "stream" | "topic" => ParamKind::AwsResource,
            _ => ParamKind::Text,
        },
        in_path: false,
        segments: false,
    }
}

/// `s` quoted for a message, at most [`QUOTED_CHARS`] characters of it.
pub(crate) fn quote(s: &str) -> String {
    let mut short: String = s.chars().take(QUOTED_CHARS).collect();
    if short.len() < s.len() {
        short.push('…');
    }
    format!("{short:?}")
}

/// The checks every value passes: no placeholder braces, bounded, no control characters
/// (line breaks and tabs only in free text).
fn generic(v: &str, text: bool) -> Result<(), String> {
    if v.contains("{{") || v.contains("}}") {
        return Err("contains double braces, which only credential placeholders use".to_owned());
    }
    if v.chars().count() > MAX_VALUE_CHARS {
        return Err(format!("is longer than {MAX_VALUE_CHARS} characters"));
    }
    if v.chars()
        .any(|c| c.is_control() && !(text && (c == '\n' || c == '\t')))
    {
        return Err("contains control characters".to_owned());
    }
    Ok(())
}

/// One URL path segment: not empty, not `.` or `..`, no separators.
fn segment(v: &str) -> Result<(), String> {
    match v {
        "" => Err("has an empty path segment".to_owned()),
        "." | ".." => Err("is a relative path segment (. or ..)".to_owned()),
        _ if v.contains(['\\', '?', '#']) => Err("contains \\, ? or #".to_owned()),
        _ => Ok(()),
    }
}

/// An identifier or one path segment: no `/`, and a segment on its own.
fn plain(v: &str) -> Result<(), String> {
    if v.contains('/') {
        return Err("contains /".to_owned());
    }
    segment(v.trim())
}

fn url(v: &str, allow_http: bool) -> Result<(), String> {
    let lower = v.to_ascii_lowercase();
    let rest = match (
        lower.strip_prefix("https://"),
        lower.strip_prefix("http://"),
    ) {
        (Some(r), _) => r,
        (None, Some(r)) if allow_http => r,
        _ if allow_http => return Err("must start with https:// or http://".to_owned()),
        _ => return Err("must start with https://".to_owned()),
    };
    if v.chars().any(|c| c.is_whitespace() || c == '\\') {
        return Err("contains spaces or backslashes".to_owned());
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err("carries a user name or password".to_owned());
    }
    let host = if authority.starts_with('[') {
        let end = authority.find(']').ok_or("has a broken IPv6 address")?;
        let port = &authority[end + 1..];
        if !port.is_empty() {
            port_number(port.strip_prefix(':').unwrap_or("x"))?;
        }
        &authority[..=end]
    } else {
        match authority.rsplit_once(':') {
            Some((h, port)) => {
                port_number(port)?;
                h
            }
            None => authority,
        }
    };
    public_host(host)
}

fn port_number(p: &str) -> Result<(), String> {
    p.parse::<u16>()
        .map(drop)
        .map_err(|_| "has an invalid port".to_owned())
}

/// A host the generated code may call: a DNS name (not a local one) or a public IP address.
/// Link-local (instance metadata), loopback, private and reserved ranges are refused.
fn public_host(host: &str) -> Result<(), String> {
    const LOCAL: &str = "points at a local, private or link-local address";
    if host.is_empty() {
        return Err("has no host".to_owned());
    }
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        let ip: Ipv6Addr = v6.parse().map_err(|_| "has a broken IPv6 address")?;
        return if public_v6(ip) {
            Ok(())
        } else {
            Err(LOCAL.to_owned())
        };
    }
    if let Ok(ip) = host.parse::<Ipv4Addr>() {
        return if public_v4(ip) {
            Ok(())
        } else {
            Err(LOCAL.to_owned())
        };
    }
    let name = host.trim_end_matches('.');
    if name == "localhost"
        || [
            ".localhost",
            ".local",
            ".internal",
            ".localdomain",
            ".home.arpa",
        ]
        .iter()
        .any(|s| name.ends_with(s))
    {
        return Err(LOCAL.to_owned());
    }
    hostname(name)
}

/// Letters, digits and `-` in dot-separated labels, the last one alphabetic (so `2130706433`
/// or `0x7f.1`, which resolvers read as addresses, are not names).
fn hostname(name: &str) -> Result<(), String> {
    let labels: Vec<&str> = name.split('.').collect();
    let ok_label = |l: &&str| {
        (1..=63).contains(&l.len())
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let tld_alpha = labels
        .last()
        .is_some_and(|l| l.len() >= 2 && l.chars().all(|c| c.is_ascii_alphabetic()));
    if name.len() <= 253 && labels.len() >= 2 && labels.iter().all(ok_label) && tld_alpha {
        Ok(())
    } else {
        Err("has no valid public host name".to_owned())
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || a >= 240
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0)
        || (a == 198 && (18..20).contains(&b)))
}

fn public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    // global unicast (2000::/3) only, without 6to4 (2002::/16, which embeds IPv4) and the
    // documentation prefix (2001:db8::/32)
    (s[0] & 0xe000) == 0x2000 && s[0] != 0x2002 && !(s[0] == 0x2001 && s[1] == 0x0db8)
}

fn email(v: &str) -> Result<(), String> {
    const BAD: &str = "must be one email address (name@example.com)";
    let Some((local, domain)) = v.split_once('@') else {
        return Err(BAD.to_owned());
    };
    let local_ok = (1..=64).contains(&local.len())
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    if local_ok && !domain.contains('@') && hostname(domain).is_ok() {
        Ok(())
    } else {
        Err(BAD.to_owned())
    }
}

fn phone(v: &str) -> Result<(), String> {
    let compact: String = v
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.'))
        .collect();
    let digits = compact.strip_prefix('+').unwrap_or(&compact);
    if (7..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()) {
        Ok(())
    } else {
        Err("must be a phone number in E.164 form (+4915112345678)".to_owned())
    }
}

fn channel(v: &str) -> Result<(), String> {
    let ok = (1..=80).contains(&v.chars().count())
        && v.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '#' | '@' | '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err("must be a channel name or id (#general, C0123ABCD)".to_owned())
    }
}

fn repository(v: &str) -> Result<(), String> {
    let part = |p: &str| {
        !p.is_empty()
            && p != "."
            && p != ".."
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    match v.split_once('/') {
        Some((owner, name)) if part(owner) && part(name) => Ok(()),
        _ => Err("must be owner/name".to_owned()),
    }
}

fn aws_resource(v: &str) -> Result<(), String> {
    let ok = (1..=2048).contains(&v.len())
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/'))
        && v.split('/').all(|s| s != "." && s != "..");
    if ok {
        Ok(())
    } else {
        Err("must be an AWS resource name or ARN".to_owned())
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    fn rule(kind: ParamKind) -> ParamRule {
        ParamRule {
            kind,
            in_path: false,
            segments: false,
        }
    }

    #[test]
    fn urls_are_https_to_public_hosts() {
        let cases = [
            ("https://example.com/feed.xml", true),
            ("https://blog.example.co.uk:8443/rss?x=1", true),
            ("HTTPS://EXAMPLE.COM/", true),
            ("https://93.184.216.34/feed", true),
            ("http://example.com/feed", false),
            ("file:///proc/self/environ", false),
            ("data:text/plain,hello", false),
            ("ftp://example.com/x", false),
            ("gopher://example.com/", false),
            ("https://169.254.169.254/latest/meta-data/", false),
            ("https://127.0.0.1:2375/containers/json", false),
            ("https://10.0.0.8/x", false),
            ("https://172.16.3.4/x", false),
            ("https://192.168.1.1/x", false),
            ("https://100.64.0.1/x", false),
            ("https://0.0.0.0/x", false),
            ("https://[::1]/x", false),
            ("https://[fe80::1]/x", false),
            ("https://[fd00::1]/x", false),
            ("https://[::ffff:169.254.169.254]/x", false),
            ("https://[2606:4700::1111]/x", true),
            ("https://localhost/x", false),
            ("https://metadata.google.internal/x", false),
            ("https://printer.local/x", false),
            ("https://2130706433/x", false),
            ("https://0x7f.0.0.1/x", false),
            ("https://example.com@169.254.169.254/x", false),
            ("https://user:pw@example.com/x", false),
            ("https://example.com:99999/x", false),
            ("https://exa mple.com/x", false),
            ("https://example.com\\@evil.com/", false),
            ("https:///x", false),
            ("https://{{TOKEN}}.example.com/", false),
        ];
        for (v, ok) in cases {
            assert_eq!(rule(ParamKind::Url).check(v).is_ok(), ok, "{v}");
        }
        assert!(
            rule(ParamKind::HttpUrl)
                .check("http://example.com/feed")
                .is_ok()
        );
        assert!(
            rule(ParamKind::HttpUrl)
                .check("http://169.254.169.254/latest")
                .is_err()
        );
        assert!(
            rule(ParamKind::HttpUrl)
                .check("file:///etc/passwd")
                .is_err()
        );
    }

    #[test]
    fn kinds_accept_their_values_only() {
        let cases = [
            (ParamKind::Repository, "acme/web", true),
            (ParamKind::Repository, "acme/web.js", true),
            (ParamKind::Repository, "../../user", false),
            (ParamKind::Repository, "acme/web/issues", false),
            (ParamKind::Repository, "acme", false),
            (ParamKind::Repository, "../x", false),
            (ParamKind::PathSegment, "releases", true),
            (ParamKind::PathSegment, "..", false),
            (ParamKind::PathSegment, ".", false),
            (ParamKind::PathSegment, "a/b", false),
            (ParamKind::Id, "C0123ABCD", true),
            (ParamKind::Id, "../../orgs/victim", false),
            (ParamKind::Email, "ops@example.com", true),
            (ParamKind::Email, "ops@example.com, evil@x.io", false),
            (ParamKind::Email, "ops@localhost", false),
            (ParamKind::Phone, "+49 151 1234 5678", true),
            (ParamKind::Phone, "call me", false),
            (ParamKind::Channel, "#dev", true),
            (ParamKind::Channel, "#dev ops\n", false),
            (ParamKind::SqlIdentifier, "public.orders", true),
            (ParamKind::SqlIdentifier, "orders; drop table x", false),
            (
                ParamKind::AwsResource,
                "arn:aws:sns:us-east-1:123456789012:alerts",
                true,
            ),
            (ParamKind::AwsResource, "my bucket", false),
            (ParamKind::Number, "3.5", true),
            (ParamKind::Number, "NaN", false),
            (ParamKind::Text, "Hello\nworld", true),
            (ParamKind::Text, "bell\u{7}", false),
            (ParamKind::Text, "{{SLACK_BOT_TOKEN}}", false),
        ];
        for (kind, v, ok) in cases {
            assert_eq!(rule(kind).check(v).is_ok(), ok, "{kind:?} {v:?}");
        }
        assert!(rule(ParamKind::Text).check(&"x".repeat(501)).is_err());
    }

    /// The catalog's own defaults follow the rules, so replacing a bad value by the default
    /// always gives a valid plan.
    #[test]
    fn every_catalog_default_follows_its_rule() {
        let catalog = Catalog::builtin().unwrap();
        for tool in catalog.tools() {
            for action in &tool.actions {
                for (name, default) in &action.params {
                    let rule = ParamRule::of(tool, action, name);
                    assert!(
                        rule.check(default).is_ok(),
                        "{}.{}.{name} = {default:?} ({rule:?}): {:?}",
                        tool.id,
                        action.id,
                        rule.check(default)
                    );
                }
            }
        }
    }

    /// A language to translate into is the vendor's code, whoever wrote the plan: a model's
    /// name or another vendor's spelling becomes it; an unknown language is the default.
    #[test]
    fn a_target_language_is_the_vendors_code_or_the_default() {
        let catalog = Catalog::builtin().unwrap();
        let mut plan = engine_plan(
            "When a message is posted in Slack, translate it with DeepL and post it to #intl",
        );
        let deepl = plan.steps.iter().position(|s| s.tool == "deepl").unwrap();
        for (given, kept) in [
            ("FR", "FR"),
            ("French", "FR"),
            ("fr", "FR"),
            ("pt-BR", "PT-BR"),
            ("zh-TW", "ZH-HANT"),
        ] {
            plan.steps[deepl]
                .params
                .insert("language".to_owned(), given.to_owned());
            let out = enforce(&catalog, plan.clone());
            assert_eq!(out.steps[deepl].params["language"], kept, "{given}");
            assert!(
                !out.assumptions
                    .iter()
                    .any(|a| a.contains("no such target language"))
            );
        }
        for unknown in ["Klingon", "xx", "fr; drop"] {
            plan.steps[deepl]
                .params
                .insert("language".to_owned(), unknown.to_owned());
            let out = enforce(&catalog, plan.clone());
            assert_eq!(out.steps[deepl].params["language"], "EN-US", "{unknown}");
            assert!(
                out.assumptions
                    .iter()
                    .any(|a| a.contains("DeepL has no such target language")),
                "{unknown}"
            );
        }
    }

    fn engine_plan(prompt: &str) -> Plan {
        crate::Engine::new()
            .unwrap()
            .plan(&crate::GenerateRequest::text(prompt))
            .unwrap()
    }

    /// The embedded planner passes through the same gate: an `http://` feed it read from the
    /// prompt becomes the default, and the assumptions say so.
    #[test]
    fn enforce_replaces_breaking_values_by_the_default_and_says_so() {
        let catalog = Catalog::builtin().unwrap();
        let mut plan = engine_plan(
            "every hour read the RSS feed https://example.com/feed.xml and post new items to #news in Slack",
        );
        let feed = plan.steps.iter_mut().find(|s| s.tool == "rss").unwrap();
        feed.params.insert(
            "feed_url".to_owned(),
            "http://169.254.169.254/latest".to_owned(),
        );
        plan.trigger
            .params
            .insert("bucket".to_owned(), "../../x y".to_owned());
        assert_eq!(
            problems(&catalog, &plan).len(),
            2,
            "{:?}",
            problems(&catalog, &plan)
        );
        let plan = enforce(&catalog, plan);
        let feed = plan.steps.iter().find(|s| s.tool == "rss").unwrap();
        assert_eq!(feed.params["feed_url"], "https://example.com/feed.xml");
        assert!(!plan.trigger.params.contains_key("bucket"));
        assert!(problems(&catalog, &plan).is_empty());
        let notes: Vec<&String> = plan
            .assumptions
            .iter()
            .filter(|a| a.contains("was not used because it"))
            .collect();
        assert_eq!(notes.len(), 2, "{:?}", plan.assumptions);
        assert!(notes.iter().all(|n| !n.contains("169.254")), "{notes:?}");
    }

    /// A `{{NAME}}` in a condition or a name would become a placeholder that filling
    /// credentials replaces by the secret.
    #[test]
    fn free_text_never_keeps_placeholder_braces() {
        let catalog = Catalog::builtin().unwrap();
        let mut plan = engine_plan("post the open GitHub issues of acme/web to #dev in Slack");
        plan.name = "{{{{SLACK_BOT_TOKEN}}}} report".to_owned();
        plan.steps[0].condition = Some(crate::model::Condition {
            field: "title".to_owned(),
            op: crate::model::CompareOp::Contains,
            value: "{{GITHUB_TOKEN}}\u{7}".to_owned(),
            description: "x".repeat(600),
        });
        let plan = enforce(&catalog, plan);
        assert_eq!(plan.name, "{SLACK_BOT_TOKEN} report");
        let c = plan.steps[0].condition.as_ref().unwrap();
        assert_eq!(c.value, "{GITHUB_TOKEN}");
        assert_eq!(c.description.chars().count(), MAX_VALUE_CHARS);
    }

    #[test]
    fn kinds_are_inferred_from_names_and_paths() {
        let catalog = Catalog::builtin().unwrap();
        let rule = |t: &str, a: &str, p: &str| {
            let tool = catalog.tool(t).unwrap();
            ParamRule::of(tool, tool.action(a).unwrap(), p)
        };
        let gh = rule("github", "list_issues", "repo");
        assert_eq!(
            (gh.kind, gh.in_path, gh.segments),
            (ParamKind::Repository, true, true)
        );
        let feed = rule("rss", "read_feed", "feed_url");
        assert_eq!((feed.kind, feed.in_path), (ParamKind::Url, true));
        let folder = rule("onedrive", "upload_file", "folder");
        assert!(folder.segments, "{folder:?}");
        assert!(folder.check("Finance/Daily").is_ok());
        assert!(folder.check("Finance/../../x").is_err());
        let table = rule("airtable", "create_record", "table");
        assert!(table.in_path && !table.segments, "{table:?}");
        assert!(table.check("../../bases").is_err());
        assert!(table.check("Table 1").is_ok());
    }
}
