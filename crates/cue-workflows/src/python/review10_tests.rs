//! Review 10's findings (docs/catalog-review-10-fixes.md): the event a trigger clause names is
//! the only one that runs the workflow (Vercel's failed deployments, Bitbucket's merged or
//! opened pull requests), ShipStation ships to the order's shipping address, and the plans for
//! Greenhouse, Google Workspace and Snowflake say what the user asked or why they cannot.

#![expect(clippy::unwrap_used, reason = "tests")]

use super::answers_tests::{FAKE_OPENER, generate, plan, run, webhook_to_slack};
use crate::Engine;
use crate::model::{Delivery, GenerateRequest};

fn planned(engine: &Engine, prompt: &str) -> crate::model::Plan {
    engine.plan(&GenerateRequest::text(prompt)).unwrap()
}

#[test]
fn the_event_a_trigger_clause_names_is_the_one_planned() {
    let engine = Engine::new().unwrap();
    for (prompt, tool, event) in [
        (
            "When a Vercel deployment fails, post it to Slack",
            "vercel",
            "deployment_failed",
        ),
        (
            "When a Vercel deploy errors, post it to Slack",
            "vercel",
            "deployment_failed",
        ),
        // no failure named: every deployment event, as before
        (
            "When a Vercel deploy finishes, post it to Slack",
            "vercel",
            "deployment",
        ),
        (
            "When a Bitbucket pull request is merged, post it to Slack",
            "bitbucket",
            "pullrequest_merged",
        ),
        (
            "When a new pull request is opened in Bitbucket, post it to Slack",
            "bitbucket",
            "pullrequest_created",
        ),
        // neither merged nor opened: every pull request event
        (
            "When a Bitbucket pull request is approved, post it to Slack",
            "bitbucket",
            "pullrequest",
        ),
    ] {
        let p = planned(&engine, prompt);
        assert_eq!(p.trigger.tool.as_deref(), Some(tool), "{prompt}: {p:?}");
        assert_eq!(p.trigger.event.as_deref(), Some(event), "{prompt}: {p:?}");
    }
}

#[test]
fn a_failed_vercel_deployment_runs_the_workflow_and_a_succeeded_one_is_skipped() {
    let engine = Engine::new().unwrap();
    let g = webhook_to_slack(&engine, "vercel", "deployment_failed");
    run(
        &g,
        r#"
module.VERCEL_WEBHOOK_SECRET = "s"
seen = []
module.step_1_slack_post_message = lambda items: seen.extend(items) or items
def deliver(kind):
    body = json.dumps({"id": "evt_1", "type": kind, "createdAt": 1716220800000,
        "payload": {"deployment": {"id": "dpl_1", "url": "web-1.vercel.app", "name": "web"},
                    "links": {"deployment": "https://vercel.com/acme/web/dpl_1"}, "target": "production"}})
    sig = hmac.new(b"s", body.encode(), hashlib.sha1).hexdigest()
    return module.lambda_handler({"rawPath": "/", "headers": {"x-vercel-signature": sig},
        "requestContext": {"http": {"method": "POST"}}, "body": body}, None)
answer = deliver("deployment.error")
assert answer["statusCode"] == 200 and "skipped" not in answer["body"], answer
# the item is the payload: the deployment, not the delivery's envelope
assert seen and seen[0]["deployment"]["url"] == "web-1.vercel.app", seen
for other in ("deployment.succeeded", "deployment.created", "deployment.canceled"):
    answer = deliver(other)
    assert answer["statusCode"] == 200 and "skipped" in answer["body"], (other, answer)
assert len(seen) == 1, seen
"#,
    );
}

#[test]
fn a_merged_bitbucket_pull_request_runs_the_workflow_and_other_keys_are_skipped() {
    let engine = Engine::new().unwrap();
    let g = webhook_to_slack(&engine, "bitbucket", "pullrequest_merged");
    run(
        &g,
        r#"
module.BITBUCKET_WEBHOOK_SECRET = "s"
seen = []
module.step_1_slack_post_message = lambda items: seen.extend(items) or items
def deliver(key, state):
    body = json.dumps({"actor": {"display_name": "Ann"}, "repository": {"full_name": "acme/web"},
        "pullrequest": {"id": 8, "title": "Merge it", "state": state}})
    sig = "sha256=" + hmac.new(b"s", body.encode(), hashlib.sha256).hexdigest()
    return module.lambda_handler({"rawPath": "/", "headers": {"x-hub-signature": sig, "x-event-key": key},
        "requestContext": {"http": {"method": "POST"}}, "body": body}, None)
answer = deliver("pullrequest:fulfilled", "MERGED")
assert answer["statusCode"] == 200 and "skipped" not in answer["body"], answer
assert seen == [{"id": 8, "title": "Merge it", "state": "MERGED"}], seen
for key, state in (("pullrequest:created", "OPEN"), ("pullrequest:updated", "OPEN"), ("pullrequest:rejected", "DECLINED")):
    answer = deliver(key, state)
    assert answer["statusCode"] == 200 and "skipped" in answer["body"], (key, answer)
assert len(seen) == 1, seen
"#,
    );
}

#[test]
fn a_shipstation_order_ships_to_the_shopify_orders_shipping_address() {
    let engine = Engine::new().unwrap();
    let order = engine
        .catalog()
        .tool("shopify")
        .unwrap()
        .events
        .iter()
        .find(|e| e.id == "order_created")
        .unwrap()
        .example
        .as_ref()
        .unwrap()
        .body
        .to_string();
    let g = generate(
        &engine,
        plan(
            &engine,
            Some(("shopify", "order_created", Delivery::Http)),
            &[("shipstation", "create_order")],
        ),
    );
    run(
        &g,
        &format!(
            r#"{FAKE_OPENER}
answers(b'{{"orderId": 1}}')
order = json.loads({order:?})
module.step_1_shipstation_create_order([order])
sent = json.loads(opened[0][0].data)
ship = sent["shipTo"]
address = order["shipping_address"]
# the recipient, the street, the postal code, the state code and the ISO-2 country
assert ship["name"] == address["name"] and ship["name"] != order["name"], ship
assert ship["street1"] == address["address1"] and ship["street1"], ship
assert ship["postalCode"] == address["zip"] and ship["postalCode"], ship
assert ship["state"] == address["province_code"], ship
assert ship["country"] == address["country_code"] and len(ship["country"]) == 2, ship
assert ship["country"] != address["country"], ship
assert sent["billTo"]["name"] == address["name"], sent
assert sent["orderNumber"] == str(order["order_number"]), sent  # text, as ShipStation's example (catalog17)
"#
        ),
    );
}

#[test]
fn greenhouse_google_workspace_and_snowflake_plans_do_what_was_asked_or_say_why_not() {
    let engine = Engine::new().unwrap();
    // Greenhouse refuses the retired v1 create: never planned, and the plan says why
    let prompt =
        "When someone submits my Typeform, create a Greenhouse candidate with their name and email";
    match engine.plan(&GenerateRequest::text(prompt)) {
        Ok(p) => {
            assert!(p.steps.iter().all(|s| s.tool != "greenhouse"), "{p:?}");
            assert!(
                p.assumptions.iter().any(|a| a.contains("Harvest v3")),
                "{p:?}"
            );
        }
        Err(e) => assert!(e.to_string().contains("Harvest v3"), "{e}"),
    }
    // suspending a user suspends; creating one creates
    for (prompt, action) in [
        (
            "When someone is offboarded, suspend their Google Workspace user account",
            "suspend_user",
        ),
        (
            "When a Typeform offboarding form is submitted, suspend the employee's Google Workspace account",
            "suspend_user",
        ),
        (
            "When a new row is added to my Google Sheet, suspend their Google Workspace user",
            "suspend_user",
        ),
        (
            "When a new row is added to my Google Sheet, create a Google Workspace user for them",
            "create_user",
        ),
        (
            "When a Typeform onboarding form is submitted, create the new employee's Google Workspace account",
            "create_user",
        ),
    ] {
        let p = planned(&engine, prompt);
        let step = p
            .steps
            .iter()
            .find(|s| s.tool == "google_workspace")
            .unwrap();
        assert_eq!(step.action, action, "{prompt}: {p:?}");
    }
    // a created account's password is random and sent to nobody: the plan says so, a suspend does not
    let password = |prompt: &str| {
        let g = engine.generate(&GenerateRequest::text(prompt)).unwrap();
        g.assumptions.iter().any(|a| a.contains("random password"))
    };
    assert!(password(
        "When a new row is added to my Google Sheet, create a Google Workspace user for them"
    ));
    assert!(!password(
        "When a new row is added to my Google Sheet, suspend their Google Workspace user"
    ));
    // "list my products" lists products (the verb alone no longer leaves the tie to orders)
    for (prompt, action) in [
        (
            "Every Monday, list my Shopify products and post them to Slack",
            "list_products",
        ),
        (
            "Every Monday, list my Shopify orders and post them to Slack",
            "list_orders",
        ),
    ] {
        let p = planned(&engine, prompt);
        let step = p.steps.iter().find(|s| s.tool == "shopify").unwrap();
        assert_eq!(step.action, action, "{prompt}: {p:?}");
    }
    // a Snowflake statement is the user's to write: the plan says the records are not in it
    let said = |prompt: &str| {
        let g = engine.generate(&GenerateRequest::text(prompt)).unwrap();
        g.assumptions.iter().any(|a| a.contains("write the INSERT"))
    };
    assert!(said(
        "When a Stripe payment succeeds, insert it into Snowflake"
    ));
    assert!(!said(
        "When a Stripe payment succeeds, add a row to my Google Sheet"
    ));
}
