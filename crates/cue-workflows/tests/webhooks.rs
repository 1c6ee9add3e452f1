//! Every webhook trigger in the catalog, played by its vendor: the generated handler (run with
//! python3) accepts a delivery signed the way the vendor documents it, answers the vendor's
//! handshake, and refuses forged, tampered, stale and unconfigured requests
//! (`tests/data/webhook_senders.py` holds the senders).

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::collections::BTreeMap;
use std::process::Command;

use cue_workflows::catalog::{EventDelivery, Handshake, WebhookBody};
use cue_workflows::{Delivery, Engine, Plan, PlannedTool, Trigger, TriggerKind};
use serde_json::json;

const SENDERS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/webhook_senders.py");

/// A plan triggered by `event` of `tool`, with the credentials the planners give it.
fn webhook_plan(engine: &Engine, tool: &str, event: &str) -> Plan {
    let catalog = engine.catalog();
    let t = catalog.tool(tool).unwrap();
    let used = catalog.webhook_for(Some(t)).unwrap();
    let mut tools = vec![PlannedTool {
        id: t.id.clone(),
        name: t.name.clone(),
        credentials: Vec::new(),
    }];
    match tools.iter_mut().find(|p| p.id == used.owner.id) {
        Some(p) => p.credentials = used.credentials.clone(),
        None => tools.push(PlannedTool {
            id: used.owner.id.clone(),
            name: used.owner.name.clone(),
            credentials: used.credentials.clone(),
        }),
    }
    Plan {
        name: format!("{} webhook", t.name),
        summary: "Checks deliveries.".to_owned(),
        trigger: Trigger {
            kind: TriggerKind::AppEvent,
            delivery: Delivery::Http,
            schedule_expression: None,
            timezone: None,
            description: event.to_owned(),
            tool: Some(t.id.clone()),
            event: Some(event.to_owned()),
            params: BTreeMap::new(),
            filter: None,
        },
        steps: Vec::new(),
        tools,
        assumptions: Vec::new(),
    }
}

#[test]
fn every_webhook_trigger_accepts_its_vendor_and_refuses_forgeries() {
    if Command::new("python3").arg("--version").output().is_err() {
        return;
    }
    let engine = Engine::new().unwrap();
    let mut checked = Vec::new();
    let mut expected = Vec::new();
    for tool in engine.catalog().tools() {
        let Some(event) = tool
            .events
            .iter()
            .find(|e| e.delivery == EventDelivery::Http)
        else {
            continue;
        };
        expected.push(tool.id.clone());
        let plan = webhook_plan(&engine, &tool.id, &event.id);
        let secrets = plan.placeholders();
        let g = engine.generate_from_plan(plan).unwrap();
        let report = g.validation.as_ref().unwrap();
        assert_eq!(report.error_count, 0, "{}: {:?}", tool.id, report.findings);
        let used = engine.catalog().webhook_for(Some(tool)).unwrap();
        let handshake = match &used.webhook.handshake {
            Some(Handshake::SlackChallenge) => json!({"kind": "slack_challenge"}),
            Some(Handshake::ZoomUrlValidation { .. }) => json!({"kind": "zoom_url_validation"}),
            Some(Handshake::EchoHeader { .. }) => json!({"kind": "echo_header"}),
            Some(Handshake::EchoQuery { verify_secret, .. }) => {
                json!({"kind": "echo_query", "verify_secret": verify_secret})
            }
            Some(Handshake::Crc { .. }) => json!({"kind": "crc"}),
            Some(Handshake::GetOk) => json!({"kind": "get_ok"}),
            None => json!(null),
        };
        let spec = json!({
            "tool": tool.id,
            "secrets": secrets,
            "example": event.example.as_ref().map(|e| e.body.clone()),
            "form": used.webhook.body == WebhookBody::Form,
            "handshake": handshake,
        });
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lambda_function.py");
        std::fs::write(&path, &g.code).unwrap();
        let out = Command::new("python3")
            .arg(SENDERS)
            .arg(&path)
            .arg(spec.to_string())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{} {}: {}{}\n{}",
            tool.id,
            event.id,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            g.code
        );
        checked.push(tool.id.clone());
    }
    assert_eq!(checked, expected);
    assert!(checked.len() >= 40, "{checked:?}");
}
