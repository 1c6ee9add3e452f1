//! Issue 12's unverified catalog entries checked on branch verify17 (docs/catalog-verify-17.md):
//! which entries the vendors' own references now confirm and which still say why not, and, for
//! the confirmed actions, the request the generated module sends, rendered from a one-step plan
//! and compared with what the vendor's page (and the entry's example) says.

#![expect(clippy::unwrap_used, reason = "tests")]

mod support;

use std::collections::BTreeMap;

use cue_workflows::catalog::{Reference, Tool};
use cue_workflows::{Delivery, Plan, PlannedTool, Step, Trigger, TriggerKind};
use support::{RECORDER, engine, generated, run_module, run_with_fake_http};

/// Entries this branch confirmed against the vendor's own reference (tool, entry), with a word
/// the note must cite (the page or published definition it was checked on).
const CONFIRMED: &[(&str, &str, &str)] = &[
    ("microsoft_teams", "action:post_message", "connectors-using"),
    ("salesforce", "token", "quickstart_connecting"),
    ("salesforce", "action:list_new_leads", "Date Formats"),
    ("salesforce", "event:record_created", "Date Formats"),
    ("help_scout", "token", "developer.helpscout.com"),
    ("pinterest", "token", "rotates_refresh_token"),
    ("telegram", "tool", "Making requests"),
    ("telegram", "action:send_message", "sendmessage"),
    ("telegram", "event:message", "setWebhook"),
    (
        "mailchimp",
        "action:add_subscriber",
        "CreateMemberListsRequest",
    ),
    (
        "mailchimp",
        "action:create_campaign_draft",
        "CreateCampaignsRequest",
    ),
    ("mailchimp", "action:send_campaign", "createActionReplicate"),
    (
        "mailchimp",
        "action:campaign_send_checklist",
        "send-checklist",
    ),
    (
        "mailchimp",
        "action:send_replicated_campaign",
        "createActionSend",
    ),
    ("calendly", "tool", "buzzwordcrm"),
    ("calendly", "action:list_events", "min_start_time"),
    ("figma", "webhook", "OpenAPI"),
    ("chargebee", "event:subscription", "Event.d.ts"),
    ("ghost", "event:post_published", "e2e-webhooks"),
];

/// Entries that stay unverified after this branch's pass, with a word their note must carry
/// (why they could not be confirmed, or what is still open).
const STILL_UNVERIFIED: &[(&str, &str, &str)] = &[
    ("zendesk", "action:create_ticket", "verify17"),
    ("zendesk", "action:list_tickets", "verify17"),
    ("zendesk", "event:ticket_created", "verify17"),
    ("mailchimp", "webhook", "verify17"),
    ("mailchimp", "event:new_subscriber", "verify17"),
    ("workday", "token", "login required"),
    ("smartsheet", "action:add_row", "columnId"),
    ("calendly", "webhook", "verify17"),
    ("hugging_face", "action:inference", "records"),
    ("intercom", "webhook", "verify17"),
];

/// The reference of `entry` (`tool`, `webhook`, `token`, `action:<id>`, `event:<id>`).
fn reference<'t>(tool: &'t Tool, entry: &str) -> &'t Reference {
    let found = match entry.split_once(':') {
        None if entry == "tool" => tool.reference.as_ref(),
        None if entry == "webhook" => tool.webhook.as_ref().and_then(|w| w.reference.as_ref()),
        None if entry == "token" => tool
            .token_exchange
            .as_ref()
            .and_then(|t| t.reference.as_ref()),
        Some(("action", id)) => tool
            .actions
            .iter()
            .find(|a| a.id == id)
            .and_then(|a| a.reference.as_ref()),
        Some(("event", id)) => tool
            .events
            .iter()
            .find(|e| e.id == id)
            .and_then(|e| e.reference.as_ref()),
        _ => None,
    };
    found.unwrap_or_else(|| panic!("{}: no reference for {entry}", tool.id))
}

/// Both directions: each confirmed entry is verified, checked today and cites its page; each
/// entry still open is unverified and its note says why.
#[test]
fn confirmed_entries_are_verified_and_open_ones_say_why() {
    let engine = engine();
    let catalog = engine.catalog();
    for (tool, entry, cites) in CONFIRMED {
        let r = reference(catalog.tool(tool).unwrap(), entry);
        assert!(r.verified, "{tool}.{entry} should be verified");
        assert_eq!(r.checked, "2026-12-07", "{tool}.{entry}");
        assert!(r.url.starts_with("https://"), "{tool}.{entry}: {}", r.url);
        let note = r.note.as_deref().unwrap_or_default();
        assert!(
            note.contains(cites),
            "{tool}.{entry} does not cite {cites}: {note}"
        );
    }
    for (tool, entry, says) in STILL_UNVERIFIED {
        let r = reference(catalog.tool(tool).unwrap(), entry);
        assert!(!r.verified, "{tool}.{entry} should stay unverified");
        let note = r.note.as_deref().unwrap_or_default();
        assert!(
            note.contains(says),
            "{tool}.{entry} does not say {says}: {note}"
        );
    }
}

/// A manual plan of one step: `tool`'s `action` with its default settings and every credential
/// the tool declares.
fn one_step(tool: &str, action: &str) -> Plan {
    let engine = engine();
    let t = engine.catalog().tool(tool).unwrap();
    let a = t.actions.iter().find(|a| a.id == action).unwrap();
    Plan {
        name: format!("{tool} {action}"),
        summary: format!("Run {tool} {action} on demand."),
        trigger: Trigger {
            kind: TriggerKind::Manual,
            delivery: Delivery::Direct,
            schedule_expression: None,
            timezone: None,
            description: "Run on demand".to_owned(),
            tool: None,
            event: None,
            params: BTreeMap::new(),
            filter: None,
        },
        steps: vec![Step {
            id: "step_1".to_owned(),
            tool: tool.to_owned(),
            action: action.to_owned(),
            description: a.label.clone(),
            params: a.params.clone(),
            condition: None,
            for_each: None,
        }],
        tools: vec![PlannedTool {
            id: t.id.clone(),
            name: t.name.clone(),
            credentials: t.credentials.iter().map(|c| c.env.clone()).collect(),
        }],
        assumptions: Vec::new(),
    }
}

/// The example request of `tool`'s `action` as JSON (method, url, body).
fn example(tool: &str, action: &str) -> serde_json::Value {
    let engine = engine();
    let t = engine.catalog().tool(tool).unwrap();
    let a = t.actions.iter().find(|a| a.id == action).unwrap();
    let request = &a.example.as_ref().unwrap().request;
    serde_json::json!({"method": request.method, "url": request.url, "body": request.body})
}

/// Telegram's sendMessage: POST `bot<token>/sendMessage` with a JSON body of chat_id and text
/// (both required, non-empty), the keys of the page's parameters as the example writes them;
/// an answer with `ok: false` is a failure, not a sent message.
#[test]
fn telegram_send_message_is_the_bot_api_request() {
    let g = generated(one_step("telegram", "send_message"));
    let want = example("telegram", "send_message");
    assert_eq!(want["method"], "POST");
    run_with_fake_http(
        &g.code,
        r#"{"ok": True, "result": {"message_id": 1, "date": 1733480000, "chat": {"id": 5, "type": "private"}, "text": "hi"}}"#,
        &format!(
            r#"
send = step("telegram_send_message")
send([{{"text": "Deploy finished"}}])
method, url, payload, kwargs = sent[-1]
assert method == "POST", method
assert url.startswith("https://api.telegram.org/bot") and url.endswith("/sendMessage"), url
assert payload["text"] == "Deploy finished", payload
assert payload["chat_id"], payload
assert sorted(payload) == sorted({keys}), (sorted(payload), {keys})
"#,
            keys = serde_json::to_string(
                &want["body"].as_object().unwrap().keys().collect::<Vec<_>>()
            )
            .unwrap()
        ),
    );
}

/// Mailchimp's add member: POST `lists/{list_id}/members` with email_address and status, the
/// two fields Mailchimp's API definition requires, from a record naming an email; a record
/// without one is refused rather than sent with an empty address.
#[test]
fn mailchimp_add_subscriber_sends_the_required_member_fields() {
    let g = generated(one_step("mailchimp", "add_subscriber"));
    run_with_fake_http(
        &g.code,
        r#"{"id": "852aaa9532cb36adfb5e9fef7a4206a9", "email_address": "ada@example.com", "status": "subscribed"}"#,
        r#"
add = step("mailchimp_add_subscriber")
add([{"email": "ada@example.com", "name": "Ada"}])
method, url, payload, kwargs = sent[-1]
assert method == "POST", method
assert url.endswith("/3.0/lists/your-audience-id/members"), url
assert payload == {"email_address": "ada@example.com", "status": "subscribed"}, payload
sent.clear()
try:
    add([{"name": "No address"}])
except Exception:
    pass
assert not [s for s in sent if s[2] and not s[2].get("email_address")], sent
"#,
    );
}

/// Teams: the post is the Adaptive Card message of Microsoft's 'Send Adaptive Cards using an
/// incoming webhook' (type message, one attachment of the adaptive card content type, a card
/// whose body holds the text), the shape of the entry's example; plain `{text}` is not sent.
#[test]
fn teams_post_is_the_adaptive_card_message_of_the_page() {
    let g = generated(one_step("microsoft_teams", "post_message"));
    let want = example("microsoft_teams", "post_message");
    let attachment = &want["body"]["attachments"][0];
    run_with_fake_http(
        &g.code,
        "{}",
        &format!(
            r#"
post = step("microsoft_teams_post_message")
post([{{"text": "Build 42 failed"}}])
method, url, payload, kwargs = sent[-1]
assert method == "POST", method
assert payload["type"] == "message", payload
assert "text" not in payload, payload
(card,) = payload["attachments"]
assert card["contentType"] == {content_type}, card
assert card["content"]["type"] == {card_type}, card
assert "Build 42 failed" in json.dumps(card["content"]["body"]), card
"#,
            content_type = attachment["contentType"],
            card_type = attachment["content"]["type"],
        ),
    );
}

/// Salesforce's poll: the SOQL window bound is one of the page's dateTime literals,
/// `YYYY-MM-DDThh:mm:ssZ`, unquoted; never Python's isoformat (microseconds, `+00:00`) nor a
/// quoted string, which SOQL refuses.
#[test]
fn salesforce_soql_bound_is_an_unquoted_zulu_literal() {
    let g = generated(one_step("salesforce", "list_new_leads"));
    run_with_fake_http(
        &g.code,
        r#"{"totalSize": 0, "done": True, "records": []}"#,
        r#"
import re, urllib.parse
leads = step("salesforce_list_new_leads")
leads([{}])
method, url, payload, kwargs = sent[-1]
query = urllib.parse.unquote_plus(json.dumps([url, payload, kwargs]))
found = re.search(r"CreatedDate > (\S+)", query)
assert found, query
bound = found.group(1).rstrip('",')
assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", bound), bound
assert "+00:00" not in query and not re.search(r"CreatedDate > '", query), query
"#,
    );
}

/// Help Scout's token: a form POST of grant_type client_credentials with the App ID and
/// secret to `v2/oauth2/token` (the page takes form, JSON or query parameters); the API call
/// then carries the token as a Bearer header.
#[test]
fn help_scout_token_is_a_client_credentials_form_post() {
    let engine = engine();
    let t = engine.catalog().tool("help_scout").unwrap();
    let write = t
        .actions
        .iter()
        .find(|a| a.example.as_ref().is_some_and(|e| e.request.url.is_some()))
        .unwrap();
    let g = generated(one_step("help_scout", &write.id));
    run_module(
        &g.code,
        &format!(
            r#"
{RECORDER}
ANSWER.update({{"id": 1}})
step_named("help_scout_{action}")([{{"text": "t", "email": "ada@example.com", "name": "Ada"}}])
token = [s for s in sent if s[0] == "https://api.helpscout.net/v2/oauth2/token"]
assert token, sent
url, headers, body = token[0]
content_type = headers.get("content-type", "")
assert not content_type or content_type.startswith("application/x-www-form-urlencoded"), headers
assert not body.strip().startswith(b"{{"), body
form = dict(p.split("=", 1) for p in body.decode().split("&"))
assert form["grant_type"] == "client_credentials", form
assert form["client_id"] and form["client_secret"], form
calls = [s for s in sent if "oauth2/token" not in s[0]]
assert calls and calls[0][1]["authorization"] == "Bearer at", calls
"#,
            action = write.id
        ),
    );
}

/// Hugging Face's hf-inference text classification answers a list whose first element is the
/// list of {label, score} (Hugging Face's SDKs read `response[0]`): each label is a record of
/// the step, and the labels are never looked for on the outer list.
#[test]
fn hugging_face_classification_records_are_the_first_element() {
    let g = generated(one_step("hugging_face", "inference"));
    run_with_fake_http(
        &g.code,
        r#"[[{"label": "POSITIVE", "score": 0.98}, {"label": "NEGATIVE", "score": 0.02}]]"#,
        r#"
classify = step("hugging_face_inference")
out = classify([{"text": "I love it"}])
method, url, payload, kwargs = sent[-1]
assert url.startswith("https://router.huggingface.co/hf-inference/models/"), url
assert payload == {"inputs": "I love it"}, payload
text = json.dumps(out)
assert "POSITIVE" in text, out
assert not any(isinstance(r, list) for r in (out if isinstance(out, list) else [out])), out
"#,
    );
}
