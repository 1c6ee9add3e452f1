//! One-step plans for the generator's tests: a catalog action behind a manual run or a poll,
//! with the action's default parameters and credentials.

use std::collections::BTreeMap;

use crate::catalog::{Action, Event, Tool};
use crate::model::{Delivery, Plan, PlannedTool, Step, Trigger, TriggerKind};

/// A manual run (`{"items": [...]}` or nothing).
pub(crate) fn manual() -> Trigger {
    Trigger {
        kind: TriggerKind::Manual,
        delivery: Delivery::Direct,
        schedule_expression: None,
        timezone: None,
        description: "Run on demand".to_owned(),
        tool: None,
        event: None,
        params: BTreeMap::new(),
        filter: None,
    }
}

/// `event` of `tool` polled at `rate` (`rate(5 minutes)`).
pub(super) fn poll(tool: &Tool, event: &Event, rate: &str) -> Trigger {
    Trigger {
        kind: TriggerKind::AppEvent,
        delivery: Delivery::Poll,
        schedule_expression: Some(rate.to_owned()),
        timezone: None,
        description: event.label.clone(),
        tool: Some(tool.id.clone()),
        event: Some(event.id.clone()),
        params: BTreeMap::new(),
        filter: None,
    }
}

/// A plan named `name` whose one step is `tool.action` with the action's defaults.
pub(super) fn one_step(name: &str, trigger: Trigger, tool: &Tool, action: &Action) -> Plan {
    Plan {
        name: name.to_owned(),
        summary: format!("{name}: one step."),
        trigger,
        steps: vec![Step {
            id: "step_1".to_owned(),
            tool: tool.id.clone(),
            action: action.id.clone(),
            description: action.label.clone(),
            params: action.params.clone(),
            condition: None,
            for_each: None,
        }],
        tools: vec![PlannedTool {
            id: tool.id.clone(),
            name: tool.name.clone(),
            credentials: crate::refs::credentials_for(tool, action),
        }],
        assumptions: Vec::new(),
    }
}
