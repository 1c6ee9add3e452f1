//! Code for the catalog's answer shapes (`catalog/answers.rs`): records zipped from positional
//! cells, a job asked again until it finished, a vendor sync cursor, and the follow-up calls
//! (an action's `detail`, an event's `detail`, a `follow`) they share. Helpers are in
//! `python/answers.py.j2`; the step and handler templates call them.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::expr::{self, Code, Ctx};
use super::{Gen, auth_value};
use crate::WorkflowError;
use crate::catalog::{Action, Api, Detail, Event, RecordsZip, Tool};
use crate::escape::py_str;
use crate::refs::Auth;

/// A step's `follow`: asked again while `until` is not `equals` (`python/step.py.j2`).
#[derive(Serialize)]
pub(super) struct FollowView {
    call: Code,
    until: String,
    equals: Code,
    attempts: u32,
}

/// A step's vendor sync cursor (`python/step.py.j2`).
#[derive(Serialize)]
pub(super) struct SyncView {
    response: String,
    more: String,
    max_pages: u32,
}

/// The expression of a read step's records from `response` when the rows are cells.
pub(super) fn zipped_records(action: &Action) -> Option<Code> {
    let rows = action.records.as_deref().unwrap_or_default();
    Some(match action.zip.as_ref()? {
        RecordsZip::Schema {
            names,
            name,
            cells,
            value,
        } => expr::name(&format!(
            "_zip_schema(response, {}, {}, {}, {}, {})",
            py_str(rows),
            py_str(names),
            py_str(name),
            py_str(cells),
            py_str(value)
        )),
        RecordsZip::HeaderRow => expr::name(&format!("_zip_header(response, {})", py_str(rows))),
    })
}

pub(super) fn sync_view(action: &Action) -> Option<SyncView> {
    action.sync.as_ref().map(|s| SyncView {
        response: s.response.clone(),
        more: s.more.clone(),
        max_pages: s.max_pages,
    })
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
        let Api::Http { base_url, auth } = &tool.api else {
            return Ok(None);
        };
        let auth =
            Auth::parse(auth).map_err(|e| WorkflowError::Internal(format!("{}: {e}", tool.id)))?;
        let mut ctx = Ctx::new(var, consts);
        let mut args = vec![
            Code::literal(&d.method),
            ctx.string(&format!("{base_url}{}", d.path), true)?,
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

    /// A step's `follow`, when its action has one.
    pub(super) fn follow(
        &mut self,
        tool: &Tool,
        action: &Action,
        consts: &BTreeMap<String, String>,
    ) -> Result<Option<FollowView>, WorkflowError> {
        let Some(f) = &action.follow else {
            return Ok(None);
        };
        let d = Detail {
            method: f.method.clone(),
            path: f.path.clone(),
            query: f.query.clone(),
            record: None,
        };
        Ok(self
            .side_call(tool, &d, "response", consts)?
            .map(|call| FollowView {
                call,
                until: f.until.clone(),
                equals: expr::json_literal(&f.equals),
                attempts: f.attempts,
            }))
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
