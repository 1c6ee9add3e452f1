//! Values the vendor would refuse, found by the stricter dry run (docs/dry-run.md, "The tenth
//! session's dryrun9" and "tenth session (bind10)"), fixed as classes and tested both ways on
//! prompts of our own: a record's object or list where one value is taken, a window bound in
//! each action's own format, and numbers where the vendor documents a number.

#![expect(clippy::unwrap_used, reason = "tests")]

mod support;

use support::{RECORDER, engine, plan, step};

fn run(code: &str, script: &str) {
    support::run_module(code, &format!("{RECORDER}{script}"));
}

/// Class 1 (t8_219, t7_167, t9_347): a record's object or list under the name of a field that
/// takes one value gives the one value inside (a company's `name`, a list of one address, an
/// answer's `value`), or the step is refused naming the field; never the container sent. A
/// record's own text is sent as it was.
#[test]
fn a_records_object_or_list_where_one_value_is_taken_gives_that_value_or_is_refused() {
    let p = plan("when a webhook is received, create a lead in salesforce");
    assert_eq!(step(&p, "salesforce").action, "create_lead", "{p:?}");
    let code = engine().code(&p).unwrap();
    assert!(code.contains(r#"("Company", "text", "company")"#), "{code}");
    run(
        &code,
        r#"
module.SALESFORCE_INSTANCE_URL = "https://acme.my.salesforce.com"
module._salesforce_headers = lambda: {"Authorization": "Bearer t"}
lead = step_named("salesforce_create_lead")
cases = [
    # (company in the record, what Salesforce gets)
    ("Acme", "Acme"),                                # a text: as it was
    (42, "42"),                                      # a number: its digits (the example shows text, catalog17)
    ({"name": "Acme", "id": 7}, "Acme"),             # an object: its name
    ({"value": "Acme"}, "Acme"),                     # an answer: its value
    (["Acme"], "Acme"),                              # a list of one
    ([{"name": "Acme"}], "Acme"),                    # a list of one object
]
for company, want in cases:
    sent.clear()
    lead([{"last_name": "Rosen", "email": "j@example.com", "company": company}])
    got = bodies("/sobjects/Lead")
    assert got and got[0]["Company"] == want, (company, got)
    assert got[0]["Email"] == "j@example.com", got
# an e-mail given as an object or a list of one address
for email in ({"email": "j@example.com", "name": "Jo"}, ["j@example.com"],
              [{"value": "j@example.com", "primary": True}, {"value": "k@example.com"}]):
    sent.clear()
    lead([{"last_name": "Rosen", "email": email, "company": "Acme"}])
    assert bodies("/sobjects/Lead")[0]["Email"] == "j@example.com", (email, sent)
# no single value: refused, naming the field; nothing sent
for company in ({"size": 200, "domain": "acme.com"}, ["Acme", "Acme Ltd"]):
    sent.clear()
    refused(lambda: lead([{"last_name": "Rosen", "company": company}]), "Company", "company")
    assert not bodies("/sobjects/Lead"), sent
"#,
    );
}

/// The one value by the field's kind, both ways: an e-mail's address, a phone's number, an
/// id's id, a name's name; a key of another kind is not taken (an e-mail is never a person's
/// name, `paid` is no id).
#[test]
fn the_one_value_inside_is_the_one_for_the_fields_kind() {
    let p = plan("when a webhook is received, create a lead in salesforce");
    let code = engine().code(&p).unwrap();
    run(
        &code,
        r#"
one = module._one_value
assert one({"email": "a@example.com", "name": "Al"}, "email", "Email") == "a@example.com"
assert one({"emailAddress": {"address": "a@example.com", "name": "Al"}}, "email", "to") == "a@example.com"
assert one({"number": "+15550100", "type": "mobile"}, "phone", "To") == "+15550100"
assert one({"id": "5", "name": "Acme"}, "customer_id", "CustomerRef.value") == "5"
assert one({"first": "Al", "name": "Al Smith"}, "name", "DisplayName") == "Al Smith"
assert one("plain", "email", "Email") == "plain"
refused(lambda: one({"name": "Al"}, "email", "Email"), "Email", "email", "object")
refused(lambda: one({"id": "5"}, "paid", "Paid"), "paid")
refused(lambda: one([], "email", "Email"), "list of 0")
"#,
    );
}

/// The containers a vendor takes stay containers: a field the vendor's example request shows
/// as an object (Shippo's `address_to`, PayPal's `webhook_event`) is not made one value.
#[test]
fn a_field_the_vendor_takes_as_an_object_is_sent_whole() {
    let p = plan("when a shopify order is created, create a shipping label in shippo");
    if let Some(s) = p.steps.iter().find(|s| s.tool == "shippo") {
        let code = engine().code(&p).unwrap();
        assert_eq!(s.action, "create_shipment");
        assert!(!code.contains(r#""address_to", "scalar""#), "{code}");
    }
    let p = plan("when a paypal payment is completed, post it to slack");
    let code = engine().code(&p).unwrap();
    assert!(!code.contains(r#""webhook_event", "scalar""#), "{code}");
}

/// Class 3 (t9_327, t8_166, t9_016): where the vendor's example request shows a number
/// (QuickBooks' `Line.Amount`), numeric text is sent as its number and anything else, the
/// setting's stand-in `your-amount` included, is refused naming the field; a number is sent as
/// it was, and an amount the vendor takes as text (FreshBooks' `unit_cost.amount`) stays text.
#[test]
fn a_number_field_gets_a_number_or_the_step_is_refused() {
    let mut p = plan("when a new gmail email arrives, create an invoice in quickbooks");
    let at = p.steps.iter().position(|s| s.tool == "quickbooks").unwrap();
    assert_eq!(p.steps[at].action, "create_invoice", "{p:?}");
    // the setting `required::fill` gives an amount a record does not carry (t9_327's)
    p.steps[at]
        .params
        .insert("amount".to_owned(), "your-amount".to_owned());
    let code = engine().code(&p).unwrap();
    assert!(
        // dryrun12: read only as an amount (`_reading`), under its other names too
        code.contains(
            r#"_reading(item, "amount", ("amount", "total", "price",)) or QUICKBOOKS_AMOUNT"#
        ),
        "{code}"
    );
    assert!(
        code.contains(r#"("Line.0.Amount", "number", "amount")"#),
        "{code}"
    );
    // the customer's id is a text in the example: one value, never made a number
    assert!(
        code.contains(r#"("CustomerRef.value", "text", "customer_id")"#),
        "{code}"
    );
    run(
        &code,
        r#"
module.QUICKBOOKS_REALM_ID = "123"
module._quickbooks_headers = lambda: {"Authorization": "Bearer t"}
invoice = step_named("quickbooks_create_invoice")
for amount, want in [("1500.00", 1500), ("99.5", 99.5), (" 12 ", 12), (250, 250), (19.99, 19.99)]:
    sent.clear()
    invoice([{"amount": amount, "customer_id": "68"}])
    got = bodies("/invoice")
    assert got and got[0]["Line"][0]["Amount"] == want, (amount, got)
    assert type(got[0]["Line"][0]["Amount"]) is type(want), (amount, got)
    assert got[0]["CustomerRef"]["value"] == "68", got
# no amount in the record: the setting's stand-in is refused, naming the field
for record in ({"customer_id": "68"}, {"amount": "about 1500", "customer_id": "68"}, {"amount": True}):
    sent.clear()
    refused(lambda: invoice([record]), "Line.0.Amount", "amount", "number")
    assert not bodies("/invoice"), sent
# the user's own setting, once set, is sent as its number
module.QUICKBOOKS_AMOUNT = "75.00"
sent.clear()
invoice([{"customer_id": "68"}])
assert bodies("/invoice")[0]["Line"][0]["Amount"] == 75, sent
"#,
    );
    // near miss: an amount the vendor takes as decimal text keeps its text
    let p = plan("when a webhook is received, create an invoice in freshbooks");
    if p.steps.iter().any(|s| s.tool == "freshbooks") {
        let code = engine().code(&p).unwrap();
        assert!(
            !code.contains(r#""invoice.lines.0.unit_cost.amount", "number""#),
            "{code}"
        );
    }
}

/// Class 2 (t8_056, t126): a later step's window bound is written in the form its own vendor
/// takes, not the trigger cursor's: Shopify's `created_at_min` and BambooHR's `since` are ISO
/// 8601 after a Gmail trigger whose cursor keeps epoch milliseconds. Near misses: a form a
/// vendor documents otherwise is kept (`{since:unix}`), and ISO text stays the same moment.
#[test]
fn a_window_bound_is_written_in_each_actions_own_format() {
    let p = plan(
        "when a gmail email arrives, list the shopify orders since then and post them to slack",
    );
    let code = engine().code(&p).unwrap();
    if p.steps.iter().any(|s| s.tool == "shopify") {
        assert!(
            code.contains(r#""created_at_min": _time_as(_since(), "iso")"#),
            "{code}"
        );
    }
    let p = plan("every monday, list the employees changed in bamboohr and post them to slack");
    assert!(p.steps.iter().any(|s| s.tool == "bamboohr"), "{p:?}");
    let code = engine().code(&p).unwrap();
    assert!(code.contains(r#""since": _time_as("#), "{code}");
    // the weekly window still covers the week (a `{since:…}` form is a period too)
    assert!(code.contains("def _window"), "{code}");
    run(
        &code,
        r#"
t = module._time_as
assert t("1796640620816", "iso") == "2026-12-07T10:50:20Z", t("1796640620816", "iso")
assert t("1796640620", "iso") == "2026-12-07T10:50:20Z"
assert t("2011-06-02T19:26:23+02:00", "iso") == "2011-06-02T17:26:23Z"
assert t("2026-12-07T10:50:20Z", "iso") == "2026-12-07T10:50:20Z"
assert t("2026-12-07T10:50:20Z", "unix") == "1796640620"
assert t("2026-12-07T10:50:20Z", "date") == "2026-12-07"
"#,
    );
}
