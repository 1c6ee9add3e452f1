//! Review 9's generator findings (docs/catalog-review-9-fixes.md), run with python3: the
//! generated step makes its call through a faked `_http`, so the request it sends is checked.

#![expect(clippy::unwrap_used, reason = "tests")]

use super::answers_tests::run;
use crate::{Engine, GenerateRequest};

fn from_prompt(prompt: &str) -> crate::Generated {
    let g = Engine::new()
        .unwrap()
        .generate(&GenerateRequest::text(prompt))
        .unwrap();
    let report = g.validation.as_ref().unwrap();
    assert_eq!(report.error_count, 0, "{:?}\n{}", report.findings, g.code);
    g
}

/// R9-6: the language the prompt names is the one the translate request asks for.
#[test]
fn the_named_language_is_the_one_the_translate_request_asks_for() {
    let g = from_prompt(
        "When a message is posted in Slack, translate it to French with Google Translate and post it to Slack",
    );
    run(
        &g,
        r#"
module._http = lambda method, url, **kw: calls.append(kw) or {"data": {"translations": [{"translatedText": "Bonjour"}]}}
module.step_1_google_translate_translate([{"text": "Hello"}])
assert calls[0]["payload"] == {"q": "Hello", "target": "fr"}, calls
"#,
    );
    let g = from_prompt(
        "when a new zendesk ticket comes in translate it into brazilian portuguese with deepl and post it to slack",
    );
    run(
        &g,
        r#"
module._http = lambda method, url, **kw: calls.append(kw) or {"translations": [{"text": "Olá"}]}
step = [n for n in dir(module) if n.endswith("_deepl_translate")][0]
getattr(module, step)([{"subject": "Hello"}])
assert calls[0]["payload"]["target_lang"] == "PT-BR", calls
"#,
    );
    // no language named: the default, which the plan's assumptions state
    let g = from_prompt(
        "When a message is posted in Slack, translate it with Google Translate and post it to Slack",
    );
    assert!(
        g.code
            .contains(r#"os.environ.get("GOOGLE_TRANSLATE_LANGUAGE", "es")"#)
    );
}

/// A fake `_http` that records each call's URL and keywords and answers every call (a token
/// exchange included) with one body.
const FAKE_HTTP: &str = r#"
def fake(method, url, **kw):
    calls.append((url, kw))
    return {"access_token": "t", "expires_in": 3600, "messages": [{"id": "m1"}], "sid": "SM1"}
module._http = fake
def sent(ending):
    found = [kw for url, kw in calls if url.endswith(ending)]
    assert found, calls
    return found[-1]
"#;

/// R9-2: a reply goes to the sender the record names (WhatsApp's `from`, Twilio's `From`),
/// and the message text is the text, never a Python repr of the nested `text.body`.
#[test]
fn a_reply_goes_to_the_sender_and_carries_the_text() {
    let g = from_prompt(
        "When I receive a WhatsApp message, reply to the sender on WhatsApp with a thank you note",
    );
    run(
        &g,
        &format!(
            r#"{FAKE_HTTP}
message = {{"from": "16315551181", "id": "wamid.ABG", "timestamp": "1504902988", "type": "text",
           "text": {{"body": "Does it come in another color?"}}}}
# a reply inside WhatsApp's 24-hour window is a free-form text message
module.step_1_whatsapp_send_message([message])
body = sent("/messages")["payload"]
assert body["to"] == "16315551181", body
assert body["text"] == {{"body": "Does it come in another color?"}}, body
"#
        ),
    );
    let g = from_prompt("When I get an SMS on Twilio, reply to the sender with Twilio");
    run(
        &g,
        &format!(
            r#"{FAKE_HTTP}
sms = {{"MessageSid": "SM1", "From": "+14155550100", "To": "+15005550006", "Body": "Hi"}}
module.step_1_twilio_send_sms([sms])
form = sent("/Messages.json")
assert "+14155550100" in json.dumps(form), form
"#
        ),
    );
}

/// R7-12: a number or address the prompt names is where the message goes, whatever the record
/// carries; the record's own person only when the prompt names nobody ("the customer").
#[test]
fn a_named_recipient_wins_over_the_records_and_only_then() {
    let g = from_prompt(
        "When I receive a WhatsApp message, send a WhatsApp message to +1 415-555-0100",
    );
    run(
        &g,
        &format!(
            r#"{FAKE_HTTP}
module.step_1_whatsapp_send_template([{{"from": "16315551181", "text": {{"body": "Hi"}}}}])
body = sent("/messages")["payload"]
assert body["to"] == "14155550100", calls  # WhatsApp's example writes digits alone (catalog17)
assert body["template"]["components"][0]["parameters"][0]["text"] == "Hi", body
"#
        ),
    );
    let payment = r#"{"id": "pi_1", "amount": 2000, "currency": "usd", "receipt_email": "customer@example.org", "description": "Order 7"}"#;
    for (prompt, address) in [
        (
            "When a Stripe payment succeeds, send an email with Outlook to billing@example.com",
            "billing@example.com",
        ),
        (
            "When a Stripe payment succeeds, send the customer an email with Outlook",
            "customer@example.org",
        ),
    ] {
        let g = from_prompt(prompt);
        run(
            &g,
            &format!(
                r#"{FAKE_HTTP}
step = [n for n in dir(module) if n.endswith("_outlook_send_email")][0]
getattr(module, step)([{payment}])
to = sent("/sendMail")["payload"]["message"]["toRecipients"]
assert to == [{{"emailAddress": {{"address": "{address}"}}}}], to
"#
            ),
        );
    }
}

/// R7-14: the text of a record whose text is nested is that text (a Jira issue's
/// `fields.summary`, a WhatsApp message's `text.body`); a top-level text still wins, and a
/// record with no text anywhere is still its JSON.
#[test]
fn the_text_of_a_nested_record_is_its_text_not_its_json() {
    let g = from_prompt("When a Jira issue is created, create a Microsoft To Do task");
    run(
        &g,
        r#"
assert module._text({"id": "10001", "key": "ABC-1", "fields": {"summary": "Fix login", "status": {"name": "To Do"}}}) == "Fix login"
assert module._text({"from": "1", "text": {"body": "Hello"}}) == "Hello"
assert module._text({"title": "Top", "fields": {"summary": "Nested"}}) == "Top"
assert module._text({"text": "", "fields": {"summary": "Nested"}}) == "Nested"
# no text of its own: field lines, not JSON (catalog19, item 2)
assert module._text({"id": 1, "flags": {"on": True}}) == "id: 1\nflags.on: True", module._text({"id": 1, "flags": {"on": True}})
assert "data.deep.deeper.deepest.text: far" in module._text({"name": False, "data": {"deep": {"deeper": {"deepest": {"text": "far"}}}}})
"#,
    );
}

/// R9-8 and R7-9: the host is the account's own site or data centre, whichever it is (a key
/// works only on its own site); R9-5: Claude's answer is its text block, after any thinking.
#[test]
fn each_account_is_called_on_its_own_site_and_claudes_text_follows_its_thinking() {
    use super::answers_tests::{generate, plan};
    let engine = Engine::new().unwrap();
    let g = generate(&engine, plan(&engine, None, &[("datadog", "post_event")]));
    run(
        &g,
        &format!(
            r#"{FAKE_HTTP}
for site in ("datadoghq.com", "us3.datadoghq.com", "us5.datadoghq.com", "datadoghq.eu", "ap1.datadoghq.com", "ddog-gov.com"):
    calls.clear()
    module.DATADOG_SITE = site
    module.step_1_datadog_post_event([{{"title": "t", "text": "x"}}])
    assert calls[0][0] == "https://api." + site + "/api/v1/events", calls
"#
        ),
    );
    let g = generate(&engine, plan(&engine, None, &[("zoho_crm", "create_lead")]));
    run(
        &g,
        &format!(
            r#"{FAKE_HTTP}
module.ZOHO_ACCOUNTS_SERVER = "accounts.zoho.eu"
module.ZOHO_API_DOMAIN = "www.zohoapis.eu"
step = [n for n in dir(module) if n.endswith("_zoho_crm_create_lead")][0]
getattr(module, step)([{{"email": "a@example.com", "name": "Ada"}}])
urls = [u for u, _ in calls]
assert urls[0] == "https://accounts.zoho.eu/oauth/v2/token", urls
assert urls[-1] == "https://www.zohoapis.eu/crm/v8/Leads", urls
assert not any("zoho.com" in u for u in urls), urls
"#
        ),
    );
    let g = generate(
        &engine,
        plan(&engine, None, &[("anthropic", "generate_text")]),
    );
    assert!(g.code.contains(r#""claude-sonnet-5-5""#));
    run(
        &g,
        r#"
answer = {"content": [{"type": "thinking", "thinking": "Let me think.", "signature": "s"},
                      {"type": "text", "text": "First line.\nSecond line."}]}
module._http = lambda method, url, **kw: answer
assert module.step_1_anthropic_generate_text([{"text": "hi"}]) == [{"text": "First line.\nSecond line."}]
# without thinking, the one text block as before
answer = {"content": [{"type": "text", "text": "Only text."}]}
assert module.step_1_anthropic_generate_text([{"text": "hi"}]) == [{"text": "Only text."}]
# several text segments elsewhere (speech) are still joined with spaces
assert module._joined({"r": [{"t": "a  b"}, {"t": "c"}]}, "r.*.t") == "a b c"
"#,
    );
}

/// A plan stored before Datadog's site was a credential still generates: the step's new
/// credential is added (once), so the code defines it and the user is asked for it.
#[test]
fn a_stored_plan_gets_the_credentials_its_steps_now_need() {
    use super::answers_tests::{generate, plan};
    let engine = Engine::new().unwrap();
    let mut stored = plan(&engine, None, &[("datadog", "post_event")]);
    for t in &mut stored.tools {
        t.credentials.retain(|c| c != "DATADOG_SITE");
    }
    let g = generate(&engine, stored);
    let datadog: Vec<&str> = g
        .plan
        .tools
        .iter()
        .filter(|t| t.id == "datadog")
        .flat_map(|t| t.credentials.iter().map(String::as_str))
        .collect();
    assert_eq!(
        datadog.iter().filter(|c| **c == "DATADOG_SITE").count(),
        1,
        "{datadog:?}"
    );
    assert!(datadog.contains(&"DATADOG_API_KEY"), "{datadog:?}");
    assert!(g.code.contains("DATADOG_SITE = "), "{}", g.code);
}
