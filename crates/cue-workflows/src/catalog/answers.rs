//! Catalog shapes for answers and state the plain request model cannot express (issue 12,
//! second review): rows whose cells are named elsewhere, a vendor sync cursor kept between
//! runs, a token the function signs itself, and a follow-up call that turns an id-only webhook
//! delivery into the record. (A job that finishes later is the action's `wait`.)
//! Each is data on the catalog entry; `python/answers.rs` and `python/signed_token.rs` write
//! the code for it.

use serde::Deserialize;

use super::Reference;

/// Rows whose cells are named elsewhere: each row of the records (at the action's `records`)
/// becomes a record keyed by column name. One description for every vendor that answers rows
/// of cells: BigQuery (`rows[].f[i].v` named by `schema.fields[i].name`), Snowflake (rows of
/// strings named by `resultSetMetaData.rowType`), Redshift (typed cells named by
/// `ColumnMetadata`), a spreadsheet whose first row holds the names.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cells {
    /// Where the column names are.
    pub names: ColumnNames,
    /// The key of a row's cell list (`f`); `""`: the row is the list.
    #[serde(default)]
    pub row: String,
    /// How a cell holds its value.
    #[serde(default)]
    pub value: CellValue,
}

/// Where the names of a row's cells are.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ColumnNames {
    /// A list of column descriptions in the same answer (`schema.fields`), each naming its
    /// column under `key` (`name`).
    Schema {
        path: String,
        #[serde(default = "name_key")]
        key: String,
    },
    /// The first row holds the names; it is not a record.
    HeaderRow,
}

fn name_key() -> String {
    "name".to_owned()
}

/// How one cell holds its value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum CellValue {
    /// The cell is the value.
    #[default]
    Plain,
    /// The value is under a key of the cell (BigQuery's `v`).
    Key(String),
    /// The cell is `{"<type>Value": v}`, or `{"isNull": true}` (Redshift's `Field`).
    Typed,
}

/// A vendor cursor (Plaid's `/transactions/sync`): the answer's `response` value is kept in
/// the cursor table and sent as the request body's `request` field on the next run; pages are
/// read while `more` is true. The first run (no kept cursor) only records where the vendor's
/// history ends, so it hands on nothing.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncCursor {
    /// The body field that carries the kept cursor (`cursor`); omitted when none is kept.
    pub request: String,
    /// Where the next cursor is in the answer (`next_cursor`).
    pub response: String,
    /// Where the answer says more pages follow (`has_more`).
    pub more: String,
    /// The most pages one run reads; the rest waits for the next run.
    #[serde(default = "default_pages")]
    pub max_pages: u32,
}

fn default_pages() -> u32 {
    20
}

/// A token the function signs itself on every run, from a key the user keeps (Ghost's Admin
/// API JWT, valid 5 minutes), so no short-lived token is stored as a credential.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedToken {
    pub kind: SignedTokenKind,
    /// The credential `api.auth` uses, which the user then no longer fills in.
    pub provides: String,
    /// The credential holding the key.
    pub key: String,
    /// How the key is written.
    pub key_format: KeyFormat,
    /// The JWT's `aud` claim.
    #[serde(default)]
    pub audience: Option<String>,
    /// `exp` − `iat`.
    pub lifetime_seconds: u32,
    #[serde(default)]
    pub reference: Option<Reference>,
}

/// The kind of a self-signed token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignedTokenKind {
    /// A JWT signed with HMAC-SHA256.
    JwtHs256,
}

/// How a signing key is written in its credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyFormat {
    /// `<key id>:<hex secret>` (Ghost Admin API keys): the id is the JWT's `kid`, the secret
    /// is hex-decoded.
    IdHexSecret,
    /// The UTF-8 text is the secret.
    Text,
}

/// What the catalog check asks of these shapes: each where the generator can use it.
pub(crate) fn check_tool(
    t: &super::Tool,
    creds: &std::collections::BTreeSet<&str>,
) -> Result<(), String> {
    if let Some(s) = &t.signed_token {
        for c in [&s.provides, &s.key] {
            if !creds.contains(c.as_str()) {
                return Err(format!(
                    "{} signed token names unknown credential {c}",
                    t.id
                ));
            }
        }
    }
    for a in &t.actions {
        let read = a.role == super::Role::Read;
        // a job may be started by a write too (Instagram's media container): any action waits
        if (a.cells.is_some() || a.sync.is_some()) && !read {
            return Err(format!(
                "{} action {}: cells and sync belong to read actions",
                t.id, a.id
            ));
        }
        if a.sync.is_some() && !a.body.as_ref().is_some_and(serde_json::Value::is_object) {
            return Err(format!(
                "{} action {}: a sync cursor travels in a JSON body",
                t.id, a.id
            ));
        }
        for e in &a.escape {
            if !a
                .body
                .as_ref()
                .and_then(|b| at_path(b, &e.path))
                .is_some_and(serde_json::Value::is_string)
            {
                return Err(format!(
                    "{} action {}: escape {} names no text field of the body",
                    t.id, a.id, e.path
                ));
            }
        }
        if let Some(p) = a
            .body_without
            .keys()
            .find(|p| !a.params.contains_key(*p) || a.body.is_none())
        {
            return Err(format!(
                "{} action {}: body_without {p} names no parameter of an action with a body",
                t.id, a.id
            ));
        }
        if let Some(p) = a
            .query_without
            .keys()
            .find(|p| !a.params.contains_key(*p) || a.query.is_empty())
        {
            return Err(format!(
                "{} action {}: query_without {p} names no parameter of an action with a query",
                t.id, a.id
            ));
        }
        for n in &a.names {
            if n.from.is_empty()
                || !a
                    .body
                    .as_ref()
                    .and_then(|b| at_path(b, &n.path))
                    .is_some_and(serde_json::Value::is_string)
            {
                return Err(format!(
                    "{} action {}: name {} names no text field of the body, or no record field to take it from",
                    t.id, a.id, n.path
                ));
            }
        }
        for l in &a.limits {
            let target = match l.path.strip_prefix("query.") {
                Some(name) => a.query.get(name),
                None => a
                    .body
                    .as_ref()
                    .and_then(|b| at_path(b, &l.path))
                    .or_else(|| a.kwargs.get(&l.path)),
            };
            if !target.is_some_and(serde_json::Value::is_string) || l.max == 0 {
                return Err(format!(
                    "{} action {}: limit {} names no text field of the request",
                    t.id, a.id, l.path
                ));
            }
        }
        if let Some(ok) = &a.success
            && ok.absent
            && !ok.equals.is_null()
        {
            return Err(format!(
                "{} action {}: success is either absent or equals a value",
                t.id, a.id
            ));
        }
    }
    let details = t
        .actions
        .iter()
        .filter_map(|a| a.detail.as_ref())
        .chain(t.events.iter().filter_map(|e| e.detail.as_ref()));
    for d in details {
        if d.path.is_empty() == d.url.is_none() {
            return Err(format!(
                "{}: a detail call has a path or the item's url, not both",
                t.id
            ));
        }
    }
    for e in &t.events {
        if e.detail.is_some() && e.delivery != super::EventDelivery::Http {
            return Err(format!(
                "{} event {}: a detail call completes webhook deliveries",
                t.id, e.id
            ));
        }
        if e.cursor
            .as_ref()
            .is_some_and(|c| c.field.is_empty() != (c.format == super::CursorFormat::Row))
        {
            return Err(format!(
                "{} event {}: a cursor names its field, except by row",
                t.id, e.id
            ));
        }
    }
    Ok(())
}

/// The value at a dotted path of a request template.
fn at_path<'v>(v: &'v serde_json::Value, path: &str) -> Option<&'v serde_json::Value> {
    path.split('.').try_fold(v, |v, key| match v {
        serde_json::Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => v.get(key),
    })
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::catalog::{Catalog, CursorFormat, EventDelivery, Role, Tool};

    fn checked(t: &Tool) -> Result<(), String> {
        let creds: BTreeSet<&str> = t.credentials.iter().map(|c| c.env.as_str()).collect();
        check_tool(t, &creds)
    }

    fn tool(id: &str) -> Tool {
        Catalog::builtin().unwrap().tool(id).unwrap().clone()
    }

    #[test]
    fn the_catalog_uses_each_shape_where_the_generator_can() {
        for id in [
            "bigquery",
            "ghost",
            "plaid",
            "google_sheets",
            "square",
            "snowflake",
        ] {
            assert_eq!(checked(&tool(id)), Ok(()), "{id}");
        }
    }

    #[test]
    fn shapes_in_the_wrong_place_are_refused() {
        let mut t = tool("bigquery");
        let i = t.actions.iter().position(|a| a.cells.is_some()).unwrap();
        t.actions[i].role = Role::Write;
        assert!(checked(&t).unwrap_err().contains("belong to read actions"));

        let mut t = tool("bigquery");
        let s = t
            .actions
            .iter_mut()
            .find_map(|a| a.success.as_mut())
            .unwrap();
        s.equals = serde_json::json!(true);
        assert!(checked(&t).unwrap_err().contains("absent or equals"));

        let mut t = tool("jira");
        let a = t.actions.iter_mut().find(|a| !a.limits.is_empty()).unwrap();
        a.limits[0].path = "fields.nowhere".to_owned();
        assert!(checked(&t).unwrap_err().contains("names no text field"));

        let mut t = tool("plaid");
        t.actions[0].body = None;
        assert!(checked(&t).unwrap_err().contains("JSON body"));

        let mut t = tool("ghost");
        if let Some(s) = t.signed_token.as_mut() {
            s.key = "GHOST_NOWHERE".to_owned();
        }
        assert!(checked(&t).unwrap_err().contains("GHOST_NOWHERE"));

        let mut t = tool("square");
        t.events[0].delivery = EventDelivery::Poll;
        assert!(checked(&t).unwrap_err().contains("webhook deliveries"));

        fn detail(t: &mut Tool) -> &mut crate::catalog::Detail {
            t.events.iter_mut().find_map(|e| e.detail.as_mut()).unwrap()
        }
        let mut t = tool("square");
        detail(&mut t).url = Some("order_url".to_owned());
        assert!(checked(&t).unwrap_err().contains("path or the item's url"));
        detail(&mut t).path = String::new();
        assert_eq!(checked(&t), Ok(()), "the url alone");
        detail(&mut t).url = None;
        assert!(checked(&t).unwrap_err().contains("path or the item's url"));

        let mut t = tool("google_sheets");
        let c = t.events.iter_mut().find_map(|e| e.cursor.as_mut()).unwrap();
        assert_eq!(c.format, CursorFormat::Row);
        c.field = "updated".to_owned();
        assert!(checked(&t).unwrap_err().contains("except by row"));
    }
}
