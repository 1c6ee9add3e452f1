//! Values the function chooses when it runs, from a value it only then knows: a tool's host
//! by the value of a step's setting (Document AI's regional host for a processor in
//! `locations/eu`), and a request's setting by the media type of the file the call sends
//! (Speech-to-Text's `encoding` for a FLAC, WAV or MP3 file).
//!
//! Both are data in the catalog and checked here when it loads; `python` writes the choice into
//! the generated code (`url`, `_by_file_type`), so a user who changes the setting after
//! deploying still reaches the right host, and every file gets its own encoding.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::{Action, Api, Tool};

/// A base URL used instead of `base_url` when a step's setting `param` holds `contains`
/// (`/locations/eu/`): the vendor serves that value on another host of its own.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamBaseUrl {
    pub param: String,
    pub contains: String,
    pub base_url: String,
}

/// An action's settings the file decides: for each setting, its value by the file's media
/// type (`audio/flac`); `null` when the vendor reads it from the file itself and the field is
/// left out. A media type not listed keeps the setting.
pub type ByFileType = BTreeMap<String, BTreeMap<String, Option<String>>>;

/// A date range whose end the vendor reads as exclusive when it is a date alone (Google
/// Calendar's all-day `end.date`): body paths of its start and its end. An end on the start's
/// own date (a one-day event as a source writes it) is sent as the next day.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExclusiveEnd {
    pub start: String,
    pub end: String,
}

/// `data/catalog/addresses.json`: each vendor's address keys and the record keys that fill them.
const ADDRESSES_JSON: &str = include_str!("../../data/catalog/addresses.json");

#[derive(Deserialize)]
struct AddressFile {
    vendors: BTreeMap<String, AddressVendor>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddressVendor {
    #[expect(
        dead_code,
        reason = "the vendor's reference, for people reading the file"
    )]
    reference: String,
    keys: BTreeMap<String, Vec<String>>,
}

/// The address table of `vendor` (`shippo`): each key the vendor takes, in the file's order,
/// with the record keys that fill it; `None` for a vendor the file does not have.
pub(crate) fn address_keys(vendor: &str) -> Option<Vec<(String, Vec<String>)>> {
    let file: AddressFile = serde_json::from_str(ADDRESSES_JSON).ok()?;
    let table = file.vendors.get(vendor)?;
    Some(
        table
            .keys
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    )
}

/// Why an action's `address` cannot be used, if it cannot: each names a body field a record's
/// field fills whole (`"address_to": "{field:address}"`) and a vendor of the address table
/// whose record keys are lower case.
pub(crate) fn check_address(action: &Action) -> Result<(), String> {
    let body = action.body.clone().unwrap_or(Value::Null);
    for (path, vendor) in &action.address {
        let template = path
            .split('.')
            .try_fold(&body, |v, k| match v {
                Value::Array(a) => a.get(k.parse::<usize>().ok()?),
                other => other.get(k),
            })
            .and_then(Value::as_str)
            .unwrap_or_default();
        let whole = (template.starts_with("{field:") || template.starts_with("{field_or:"))
            && template.ends_with('}')
            && template.matches('{').count() == 1;
        if !whole {
            return Err(format!(
                "address: {path} must be a body field a record's field fills whole"
            ));
        }
        let Some(keys) = address_keys(vendor) else {
            return Err(format!("address: no vendor {vendor} in addresses.json"));
        };
        if keys
            .iter()
            .flat_map(|(_, names)| names)
            .any(|n| n.is_empty() || n.chars().any(|c| c.is_uppercase()))
        {
            return Err(format!(
                "address: {vendor}'s record keys must be lower case"
            ));
        }
    }
    Ok(())
}

/// How a `multipart/form-data` body names the parts of its nested values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MultipartKeys {
    /// A nested object or list is one part holding its JSON text.
    #[default]
    Json,
    /// One part per value, named by its path in brackets: an object's key `a[b]`, a list's
    /// index `a[0]` (a file or an object) or `a[]` (text), as PHP and Rails read a form
    /// (Dropbox Sign's `signers[0][email_address]`, `files[0]`, `cc_email_addresses[]`).
    Brackets,
}

/// Why an action's `multipart_keys` cannot be used, if it cannot: bracketed names are parts
/// of a `multipart` body, and the body has a nested value to name.
pub(crate) fn check_multipart_keys(action: &Action) -> Result<(), String> {
    if action.multipart_keys == MultipartKeys::Json {
        return Ok(());
    }
    if action.content_type != super::ContentType::Multipart {
        return Err("multipart_keys: only a multipart body has parts to name".to_owned());
    }
    let nested = action
        .body
        .as_ref()
        .and_then(Value::as_object)
        .is_some_and(|o| o.values().any(|v| v.is_object() || v.is_array()));
    if !nested {
        return Err("multipart_keys: the body has no nested value to name".to_owned());
    }
    Ok(())
}

/// Why an action's `exclusive_end` cannot be used, if it cannot: both are body paths whose
/// template is a record's field (`{field:start}`), which the value rules shape as dates.
pub(crate) fn check_exclusive_end(action: &Action) -> Result<(), String> {
    let Some(range) = &action.exclusive_end else {
        return Ok(());
    };
    let body = action.body.clone().unwrap_or(Value::Null);
    for path in [&range.start, &range.end] {
        let template = path
            .split('.')
            .try_fold(&body, |v, k| v.get(k))
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !template.starts_with("{field:") && !template.starts_with("{field_or:") {
            return Err(format!(
                "exclusive_end: {path} must be a body field a record's field fills"
            ));
        }
    }
    Ok(())
}

/// The host part of an `https://` URL (`eu-documentai.googleapis.com`), if it is one.
fn host(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("https://")?;
    Some(rest.split('/').next().unwrap_or(rest))
}

/// Why a tool's `base_url_by_param` cannot be used, if it cannot: each names a parameter every
/// action of the tool has, a value to look for, and an https URL on a literal host (a value
/// never picks a host of its own) whose references are the tool's own base URL's.
pub(crate) fn check_base_urls(tool: &Tool) -> Result<(), String> {
    let Api::Http {
        base_url,
        base_url_by_param,
        ..
    } = &tool.api
    else {
        return Ok(());
    };
    for b in base_url_by_param {
        let literal_host = host(&b.base_url).is_some_and(|h| !h.is_empty() && !h.contains('{'));
        if !literal_host || b.contains.is_empty() {
            return Err(format!(
                "base URL by {} must look for a value and name an https URL on a literal host",
                b.param
            ));
        }
        if let Some(a) = tool
            .actions
            .iter()
            .find(|a| !a.params.contains_key(&b.param))
        {
            return Err(format!(
                "base URL by {}: action {} has no such parameter",
                b.param, a.id
            ));
        }
        let theirs = refs_in(base_url);
        if let Some(r) = refs_in(&b.base_url)
            .into_iter()
            .find(|r| !theirs.contains(r))
        {
            return Err(format!(
                "base URL by {}: {{{r}}} is not a reference of the base URL",
                b.param
            ));
        }
    }
    Ok(())
}

/// The `{ref}` names of a template.
fn refs_in(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some((i, j)) = crate::refs::next_ref(rest) {
        out.push(&rest[i + 1..j]);
        rest = &rest[j + 1..];
    }
    out
}

/// The dotted paths of the body whose template is exactly `{param}`.
pub(crate) fn paths_of(body: &Value, param: &str) -> Vec<String> {
    fn walk(v: &Value, at: &str, whole: &str, out: &mut Vec<String>) {
        match v {
            Value::String(s) if s == whole => out.push(at.to_owned()),
            Value::Object(o) => o.iter().for_each(|(k, x)| {
                let path = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                walk(x, &path, whole, out);
            }),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(body, "", &format!("{{{param}}}"), &mut out);
    out
}

/// The body paths a file's media type may leave out (a setting whose table has `null`).
pub(crate) fn omitted_paths(action: &Action) -> Vec<String> {
    let Some(body) = &action.body else {
        return Vec::new();
    };
    action
        .by_file_type
        .iter()
        .filter(|(_, values)| values.values().any(Option::is_none))
        .flat_map(|(param, _)| paths_of(body, param))
        .collect()
}

/// Why an action's `by_file_type` cannot be used, if it cannot: each setting is a parameter
/// the body sends whole, the call sends a file, every key is a media type (`type/subtype`),
/// and a field the file may leave out is not one the vendor requires.
pub(crate) fn check_by_file_type(action: &Action) -> Result<(), String> {
    if action.by_file_type.is_empty() {
        return Ok(());
    }
    let sends_file = crate::refs::action_refs(action)
        .iter()
        .any(|r| r.starts_with("file"));
    if !sends_file {
        return Err("by_file_type needs a call that sends a file".to_owned());
    }
    let body = action.body.clone().unwrap_or(Value::Null);
    for (param, values) in &action.by_file_type {
        if !action.params.contains_key(param) || paths_of(&body, param).is_empty() {
            return Err(format!(
                "by_file_type: {param} must be a parameter the body sends whole"
            ));
        }
        if let Some(t) = values.keys().find(|t| {
            let mut parts = t.split('/');
            let (Some(kind), Some(sub), None) = (parts.next(), parts.next(), parts.next()) else {
                return true;
            };
            kind.is_empty() || sub.is_empty() || t.chars().any(|c| c.is_ascii_uppercase())
        }) {
            return Err(format!(
                "by_file_type: {t} is not a media type in lower case"
            ));
        }
    }
    if let Some(r) = omitted_paths(action)
        .into_iter()
        .find(|p| action.required.contains(p))
    {
        return Err(format!(
            "by_file_type: {r} may be left out for some files, so it cannot be required"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod catalog19_tests;
#[cfg(test)]
mod tests;
