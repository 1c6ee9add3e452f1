//! bind15 (docs/workflows.md, "bind15"): the fields a prompt names after its message verb build
//! the message as "Label: value" lines, resolved through the trigger event's field words and
//! kept as the step's `message_fields` setting; a verb said of the trigger's own item ("comment
//! on it") after an app event plans that app's action on the record, not another tool's message.
//! Prompts of our own, several tools and events, both ways.

#![expect(clippy::unwrap_used, reason = "tests")]

mod support;

use support::{assumes, generated, has_step, plan, run_with_fake_http, tools};

/// The `message_fields` setting of `tool`'s step, if any.
fn fields(p: &cue_workflows::Plan, tool: &str) -> Option<String> {
    p.steps
        .iter()
        .find(|s| s.tool == tool)
        .and_then(|s| s.params.get("message_fields").cloned())
}

#[test]
fn named_fields_of_a_shop_order_become_label_value_lines() {
    let p = plan(
        "when a new order is placed on shopify, post the order number, total and shipping country to slack",
    );
    let f = fields(&p, "slack").unwrap_or_else(|| panic!("{:?}", p.steps));
    assert!(f.contains("Total=total_price"), "{f}");
    assert!(
        f.contains("Shipping country=shipping_address.country"),
        "{f}"
    );
    assert!(f.starts_with("Order number="), "{f}");
    let g = generated(p);
    run_with_fake_http(
        &g.code,
        r#"{"ok": True}"#,
        r##"
post = step("slack_post_message")
post([{"id": 9, "name": "#2002", "order_number": 2002, "total_price": "54.10", "shipping_address": {"country": "Portugal"}, "email": "x@example.org"}])
text = [s for s in sent if s[0] == "POST"][-1][2]["text"]
assert text == "Order number: #2002\nTotal: 54.10\nShipping country: Portugal", text
# a record without any of the fields is still sent as its own text
sent.clear()
post([{"title": "nothing named here"}])
text = [s for s in sent if s[0] == "POST"][-1][2]["text"]
assert text == "nothing named here", text
"##,
    );
}

#[test]
fn named_fields_of_a_payment_reach_another_chat_tool() {
    let p = plan("whenever a stripe payment succeeds, send the amount and currency to discord");
    let f = fields(&p, "discord").unwrap_or_else(|| panic!("{:?}", p.steps));
    assert_eq!(f, "Amount=amount; Currency=currency");
}

#[test]
fn named_fields_after_whom_and_a_possessive_are_found() {
    let p = plan(
        "when a contact is created in hubspot, message the team on slack with their company and phone",
    );
    let f = fields(&p, "slack").unwrap_or_else(|| panic!("{:?}", p.steps));
    assert!(f.contains("Company=properties.company"), "{f}");
    assert!(f.contains("Phone=properties.phone"), "{f}");
}

#[test]
fn a_name_no_field_has_is_said_and_left_out() {
    let p = plan("when a stripe payment succeeds post the amount and the shoe size to #sales");
    let f = fields(&p, "slack").unwrap_or_else(|| panic!("{:?}", p.steps));
    assert_eq!(f, "Amount=amount");
    assert!(assumes(&p, "\"shoe size\""), "{:?}", p.assumptions);
}

#[test]
fn no_named_fields_leave_the_message_as_it_was() {
    for prompt in [
        "when a new order is placed on shopify, post it to #orders on slack",
        "when a stripe payment succeeds, send a message to #sales",
        "when a new order is placed on shopify, post the order details to slack",
        "every friday at 4pm post a reminder to #team on slack saying timesheets are due",
        // a list none of whose names is a field is not a list of fields
        "when a stripe payment succeeds, post the good news to #sales",
    ] {
        let p = plan(prompt);
        assert!(
            p.steps
                .iter()
                .all(|s| !s.params.contains_key("message_fields")),
            "{prompt}: {:?}",
            p.steps
        );
        assert!(
            !p.assumptions.iter().any(|a| a.contains("MESSAGE_FIELDS")),
            "{prompt}: {:?}",
            p.assumptions
        );
    }
}

#[test]
fn a_verb_of_the_event_names_no_message_fields() {
    // "sends … with" belongs to the event, not to the message the workflow posts
    let p = plan(
        "when a customer sends a message with the subject and priority in zendesk, post it to slack",
    );
    assert!(fields(&p, "slack").is_none(), "{:?}", p.steps);
}

#[test]
fn a_dictated_message_comes_before_the_named_fields() {
    let p = plan(
        "when a new order is placed on shopify, post the total and city to slack saying 'new sale'",
    );
    assert!(fields(&p, "slack").is_some(), "{:?}", p.steps);
    let g = generated(p);
    run_with_fake_http(
        &g.code,
        r#"{"ok": True}"#,
        r#"
post = step("slack_post_message")
post([{"total_price": "12.00", "shipping_address": {"city": "Lyon"}}])
text = [s for s in sent if s[0] == "POST"][-1][2]["text"]
assert text == "new sale\nTotal: 12.00\nCity: Lyon", text
"#,
    );
}

#[test]
fn commenting_on_the_triggering_issue_uses_the_apps_own_action() {
    for prompt in [
        "when a new issue is opened in github, comment on it to thank the reporter",
        "when someone opens a pull request on github, reply to it saying thanks, we will review soon",
        "when a github issue is opened, leave a comment on the issue and post it to #dev on slack",
    ] {
        let p = plan(prompt);
        assert!(has_step(&p, "github", "comment"), "{prompt}: {:?}", p.steps);
        let t = tools(&p);
        assert!(
            !t.iter()
                .any(|x| x == "ses" || x == "gmail" || x == "sendgrid"),
            "{prompt}: {t:?}"
        );
    }
}

#[test]
fn the_comment_is_sent_to_the_triggering_records_number() {
    let p =
        plan("when a new issue is opened in github, comment on it saying thanks for the report");
    let g = generated(p);
    run_with_fake_http(
        &g.code,
        r#"{"id": 1}"#,
        r#"
comment = step("github_comment")
comment([{"number": 77, "title": "Crash on start"}])
url = [s for s in sent if s[0] == "POST"][-1][1]
assert url.endswith("/issues/77/comments"), url
"#,
    );
}

#[test]
fn replying_to_the_triggering_conversation_uses_its_app() {
    let p = plan("when a new intercom conversation comes in, reply to it saying we are on it");
    assert!(has_step(&p, "intercom", "reply"), "{:?}", p.steps);
}

#[test]
fn a_write_back_the_app_cannot_do_is_said_not_replaced() {
    let p = plan("when a new issue is opened in github, close it and post it to #dev on slack");
    assert!(assumes(&p, "GitHub has no action"), "{:?}", p.assumptions);
    assert!(
        !tools(&p).iter().any(|x| x == "ses" || x == "gmail"),
        "{:?}",
        p.steps
    );
}

#[test]
fn look_alikes_plan_no_write_back() {
    // the item handed to another tool, a verb of another tool's step, and no app event
    for prompt in [
        "when a new issue is opened in github, post it to #dev on slack",
        "when a new order is placed on shopify, send it to me by email",
        "every monday at 9am post the open github issues to slack",
    ] {
        let p = plan(prompt);
        assert!(
            !has_step(&p, "github", "comment") && !has_step(&p, "shopify", "comment"),
            "{prompt}: {:?}",
            p.steps
        );
    }
}
