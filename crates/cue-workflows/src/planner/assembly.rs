//! Plan assembly: the tools a plan uses with their credentials, its title and its summary.

use crate::catalog::{Catalog, Event, Tool};
use crate::model::{Delivery, PlannedTool, Step, TriggerKind};
use crate::refs;

/// The tools of a plan with the credentials each needs: the trigger's (its signing secret when
/// it calls the function URL, or the generic webhook's shared secret when it cannot sign),
/// then the steps'.
pub(super) fn planned_tools(
    catalog: &Catalog,
    trigger_tool: Option<usize>,
    event: Option<&Event>,
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
    let webhook_secret = |w: &Tool| -> Vec<String> {
        w.events
            .first()
            .and_then(|e| e.secret.clone())
            .into_iter()
            .collect()
    };
    if let Some(ti) = trigger_tool {
        let tool = catalog.tool_at(ti);
        let mut creds = Vec::new();
        let secret = event.and_then(|e| e.secret.clone());
        let unsigned = http_trigger && secret.is_none();
        if http_trigger {
            creds.extend(secret);
        }
        add_tool(tool, creds);
        if unsigned {
            // the app cannot sign its calls: callers must send the shared secret header
            if let Some(w) = catalog.tool("webhook") {
                add_tool(w, webhook_secret(w));
            }
        }
    } else if kind == TriggerKind::Webhook
        && let Some(w) = catalog.tool("webhook")
    {
        add_tool(w, webhook_secret(w));
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
