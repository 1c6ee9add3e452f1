//! Code for the catalog's answer shapes (`catalog/answers.rs`): rows of cells named by column,
//! a vendor sync cursor, and the follow-up calls (an action's `detail`, an event's `detail`)
//! they share. Helpers are in `python/answers.py.j2`; the step and handler templates call them.
//! A job that finishes later is waited for in `python/mod.rs` (`python/job.py.j2`).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::expr::{self, Code, Ctx};
use super::{Gen, auth_value};
use crate::WorkflowError;
use crate::catalog::{Action, Api, CellValue, Cells, ColumnNames, Detail, Event, Tool};
use crate::escape::py_str;
use crate::refs::Auth;

/// A step's vendor sync cursor (`python/step.py.j2`).
#[derive(Serialize)]
pub(super) struct SyncView {
    response: String,
    more: String,
    max_pages: u32,
}

/// `call`'s answer with the rows of cells at the action's `records` turned into records
/// keyed by column name (`_cells`), so every kind of step reads records where it always does.
pub(super) fn named_cells(action: &Action, cells: &Cells, call: Code) -> Code {
    let rows = action.records.as_deref().unwrap_or_default();
    let (names, key) = match &cells.names {
        ColumnNames::Schema { path, key } => (py_str(path), py_str(key)),
        ColumnNames::HeaderRow => ("None".to_owned(), "None".to_owned()),
    };
    let value = match &cells.value {
        CellValue::Plain => "None".to_owned(),
        CellValue::Key(k) => py_str(k),
        CellValue::Typed => "_TYPED".to_owned(),
    };
    expr::name(&format!(
        "_cells({}, {}, {names}, {key}, {}, {value})",
        call.as_str(),
        py_str(rows),
        py_str(&cells.row)
    ))
}

pub(super) fn sync_view(action: &Action) -> Option<SyncView> {
    action.sync.as_ref().map(|s| SyncView {
        response: s.response.clone(),
        more: s.more.clone(),
        max_pages: s.max_pages,
    })
}

/// The request body of a tracking call with the record's user at the action's `identity`
/// (`_identify`, `python/answers.py.j2`).
pub(super) fn with_identity(action: &Action, payload: Code, ctx: &mut Ctx<'_>) -> Code {
    let Some(id) = &action.identity else {
        return payload;
    };
    ctx.imports.insert("uuid");
    ctx.helpers.insert("identify");
    let from: Vec<Code> = id.from.iter().map(|f| Code::literal(f)).collect();
    expr::name(&format!(
        "_identify({}, {}, {}, {}, [{}])",
        payload.as_str(),
        ctx.var,
        py_str(&id.user),
        py_str(&id.anonymous),
        expr::join(&from)
    ))
}

/// The request body of a sync step: the kept cursor added as its `request` field.
pub(super) fn with_sync_cursor(action: &Action, payload: Code) -> Code {
    match &action.sync {
        Some(s) => expr::name(&format!(
            "_with_field({}, {}, sync_cursor)",
            payload.as_str(),
            py_str(&s.request)
        )),
        None => payload,
    }
}

impl Gen<'_> {
    /// A follow-up `_http` call of an HTTP tool whose references read `var` (`record`,
    /// `response`, `item`); `None` for other kinds of tools.
    pub(super) fn side_call(
        &mut self,
        tool: &Tool,
        d: &Detail,
        var: &'static str,
        consts: &BTreeMap<String, String>,
    ) -> Result<Option<Code>, WorkflowError> {
        let Api::Http { base_url, auth, .. } = &tool.api else {
            return Ok(None);
        };
        let auth =
            Auth::parse(auth).map_err(|e| WorkflowError::Internal(format!("{}: {e}", tool.id)))?;
        let mut ctx = Ctx::new(var, consts);
        let url = match &d.url {
            // the item says where its record is: called with the tool's credentials only
            // on the tool's own scheme and host
            Some(at) => {
                self.helpers.insert("on_host");
                expr::name(&format!(
                    "_on_host(_path({var}, {}), {})",
                    py_str(at),
                    py_str(base_url)
                ))
            }
            None => super::url(&tool.api, &d.path, &mut ctx)?,
        };
        let mut args = vec![
            Code::literal(&d.method),
            url,
            expr::keyword(
                "headers",
                &expr::call(&expr::name(&self.headers_fn(tool, &auth)?), &[]),
            ),
        ];
        let mut query = Vec::new();
        for (k, v) in &d.query {
            query.push(expr::entry(k, &ctx.value(v)?));
        }
        if let Auth::Query { name, value } = auth {
            query.push(expr::entry(name, &auth_value(value)));
        }
        if !query.is_empty() {
            args.push(expr::keyword("params", &expr::dict(&query)));
        }
        self.imports.extend(ctx.imports);
        self.helpers.extend(ctx.helpers);
        Ok(Some(expr::call(&expr::name("_http"), &args)))
    }

    /// The call that completes an id-only webhook item, and where the record is in its answer.
    pub(super) fn event_detail(
        &mut self,
        tool: &Tool,
        event: &Event,
    ) -> Result<Option<(Code, String)>, WorkflowError> {
        let Some(d) = &event.detail else {
            return Ok(None);
        };
        let consts = BTreeMap::new();
        Ok(self
            .side_call(tool, d, "item", &consts)?
            .map(|call| (call, d.record.clone().unwrap_or_default())))
    }
}

/// The expression a `success` check compares with: the value, or `_Empty` (absent or empty).
pub(super) fn success_expected(absent: bool, equals: &Value) -> Code {
    if absent {
        Code::from_static("_Empty")
    } else {
        expr::json_literal(equals)
    }
}
