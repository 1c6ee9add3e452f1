//! Plan assembly: the tools a plan uses with their credentials, its title and its summary.

use crate::catalog::{Catalog, Role, Tool};
use crate::model::{Delivery, PlannedTool, Step, TriggerKind};
use crate::refs;

/// The tools of a plan with the credentials each needs: the trigger's (the credentials its
/// webhook handler checks requests with, `Catalog::webhook_for`), then the steps'.
pub(super) fn planned_tools(
    catalog: &Catalog,
    trigger_tool: Option<usize>,
    kind: TriggerKind,
    delivery: Delivery,
    steps: &[Step],
) -> Vec<PlannedTool> {
    let mut tools: Vec<PlannedTool> = Vec::new();
    let http_trigger = delivery == Delivery::Http;
    let mut add_tool = |tool: &Tool, creds: Vec<String>| {
        if let Some(pt) = tools.iter_mut().find(|t| t.id == tool.id) {
            for c in creds {
                if !pt.credentials.contains(&c) {
                    pt.credentials.push(c);
                }
            }
        } else {
            tools.push(PlannedTool {
                id: tool.id.clone(),
                name: tool.name.clone(),
                credentials: creds,
            });
        }
    };
    if let Some(ti) = trigger_tool {
        add_tool(catalog.tool_at(ti), Vec::new());
    }
    if http_trigger || kind == TriggerKind::Webhook {
        // the credentials the handler checks requests with (`Catalog::webhook_for`)
        if let Some(used) = catalog.webhook_for(trigger_tool.map(|ti| catalog.tool_at(ti))) {
            add_tool(used.owner, used.credentials);
        }
    }
    for s in steps {
        if let Some(tool) = catalog.tool(&s.tool) {
            let creds = tool
                .action(&s.action)
                .map(|a| refs::credentials_for(tool, a))
                .unwrap_or_default();
            add_tool(tool, creds);
        }
    }
    // A step that sends a file the trigger's item only refers to (a recording's download URL,
    // a message's attachments: `file` on the event's fields) fetches it with the trigger
    // tool's own authorization, which its webhook alone does not need.
    let sends_file = steps.iter().any(|s| {
        catalog
            .tool(&s.tool)
            .and_then(|t| t.action(&s.action))
            .is_some_and(refs::sends_file)
    });
    if sends_file && let Some(ti) = trigger_tool {
        let tool = catalog.tool_at(ti);
        let refers = tool
            .events
            .iter()
            .any(|e| e.fields.iter().any(|f| f.file.is_some()));
        if refers {
            // a read action's credentials; a tool without one (Telegram, PandaDoc) its API's
            let creds = match tool.actions.iter().find(|a| a.role == Role::Read) {
                Some(read) => refs::credentials_for(tool, read),
                None => refs::api_credentials(tool),
            };
            add_tool(tool, creds);
        }
    }
    tools
}

/// The plan's name: the trigger's tool and the steps' tools in order, marked by trigger kind.
pub(super) fn title(
    catalog: &Catalog,
    kind: TriggerKind,
    trigger_tool: Option<usize>,
    steps: &[Step],
) -> String {
    let mut parts: Vec<String> = trigger_tool
        .map(|t| catalog.tool_at(t).name.clone())
        .into_iter()
        .collect();
    for s in steps {
        if let Some(t) = catalog.tool(&s.tool)
            && !parts.contains(&t.name)
        {
            parts.push(t.name.clone());
        }
    }
    match kind {
        TriggerKind::Schedule => format!("Scheduled: {}", parts.join(" → ")),
        TriggerKind::Manual => format!("On demand: {}", parts.join(" → ")),
        TriggerKind::Webhook => format!("Webhook → {}", parts.join(" → ")),
        _ => parts.join(" → "),
    }
}

/// "<trigger>; then <step>, then <step>."
pub(super) fn summary(description: &str, steps: &[Step]) -> String {
    format!(
        "{description}; then {}.",
        steps
            .iter()
            .map(|s| lower_first(&s.description))
            .collect::<Vec<_>>()
            .join(", then ")
    )
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}
