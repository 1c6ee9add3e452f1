//! Issue 13's classes fixed on branch dryrun12 (docs/dry-run.md, "The thirteenth session's
//! dryrun12"), from prompts of our own: a record's e-mail address, phone number or amount is
//! read by what it must be (`_reading`), never the first key containing the name (a boolean,
//! a list, an object), and the step's setting follows when the record holds none.

#![expect(clippy::unwrap_used, reason = "tests")]

mod support;

use support::{generated, has_step, plan, run_module};

/// The generated code of `prompt`, which must plan `tool.action`.
fn code_of(prompt: &str, tool: &str, action: &str) -> String {
    let p = plan(prompt);
    assert!(has_step(&p, tool, action), "{prompt}: {:#?}", p.steps);
    generated(p).code
}

/// Every sender of the catalog that sends to the record's person reads the address with
/// `_reading` (the setting after it), never with `_field` alone.
#[test]
fn every_sender_reads_the_recipient_by_what_it_must_be() {
    for (prompt, tool, action, kind) in [
        (
            "when a webhook is received, send an email with amazon ses",
            "amazon_ses",
            "send_email",
            "email",
        ),
        (
            "when a webhook is received, send an email with sendgrid",
            "sendgrid",
            "send_email",
            "email",
        ),
        (
            "when a webhook is received, send a text message with twilio",
            "twilio",
            "send_sms",
            "phone",
        ),
        (
            "when a webhook is received, create an invoice in quickbooks",
            "quickbooks",
            "create_invoice",
            "amount",
        ),
    ] {
        let code = code_of(prompt, tool, action);
        assert!(
            code.contains(&format!("_reading(item, \"{kind}\", (")),
            "{prompt}:\n{code}"
        );
        assert!(
            !code.contains(&format!("_field(item, \"{kind}\")")),
            "{prompt}:\n{code}"
        );
    }
    // a field of no such kind (a name) is still `_field`'s
    let code = code_of(
        "when a webhook is received, create an invoice in quickbooks",
        "quickbooks",
        "create_invoice",
    );
    assert!(code.contains("_field(item, \"customer_id\")"), "{code}");
}

/// `_reading`, table-driven both ways: an address inside a list, a nested record, a sender's
/// object is found past a boolean (`email_verified: true`) or a text that is none; a record
/// holding none gives None (then the setting); an amount is a number or numeric text under
/// the amount's names.
#[test]
fn a_reading_is_a_value_of_its_kind_or_none() {
    let code = code_of(
        "when a webhook is received, send an email with amazon ses",
        "amazon_ses",
        "send_email",
    );
    run_module(
        &code,
        r#"
r = module._reading
E = ("email",)
cases = [
    # must change: `_field` gave the boolean, the list, or the object
    ({"email_verified": True, "contact": {"email": "b@example.com"}}, "email", E, "b@example.com"),
    ({"email_addresses": ["c@example.com", "d@example.com"]}, "email", E, "c@example.com"),
    ({"emails": [{"value": "x@example.com"}, {"value": "p@example.com", "primary": True}]}, "email", E, "p@example.com"),
    ({"email": [["n@example.com"]]}, "email", E, "n@example.com"),
    ({"email": {"verified": True, "address": "o@example.com"}}, "email", E, "o@example.com"),
    ({"from": {"emailAddress": {"name": "Ann", "address": "ann@example.com"}}, "email_verified": False},
     "email", ("from.emailAddress.address", "email"), "ann@example.com"),
    ({"phone_verified": True, "phone_numbers": [{"type": "work", "number": "+44 20 7946 0000"}]}, "phone", ("phone",), "+44 20 7946 0000"),
    ({"phone": 14155550123}, "phone", ("phone",), "14155550123"),
    ({"amount_verified": True, "total": "12.50"}, "amount", ("amount", "total", "price"), "12.50"),
    ({"amount": {"currency": "USD", "value": "5.00"}}, "amount", ("amount", "total", "price"), "5.00"),
    ({"price": 9}, "amount", ("amount", "total", "price"), 9),
    # must stay: a value of the kind as it is
    ({"email": "a@example.com"}, "email", E, "a@example.com"),
    ({"from": "Ann <ann@example.com>"}, "email", ("from", "email"), "Ann <ann@example.com>"),
    ({"phone": "whatsapp:+14155550123"}, "phone", ("phone",), "whatsapp:+14155550123"),
    ({"amount": 1500}, "amount", ("amount",), 1500),
    # none: the setting follows
    ({"email_verified": True}, "email", E, None),
    ({"email": "not an address", "name": "Ann"}, "email", E, None),
    ({"email": "a b@example.com"}, "email", E, None),
    ({"phone": "call me", "phone_ok": True}, "phone", ("phone",), None),
    ({"id": 12345678}, "phone", ("phone",), None),
    ({"amount": "your-amount", "amount_due": False}, "amount", ("amount", "total"), None),
    ({"subject": "Hello", "body": "no money here"}, "amount", ("amount", "total", "price"), None),
    ([], "email", E, None),
]
for record, kind, names, want in cases:
    got = r(record, kind, names)
    assert got == want, (record, kind, got, want)
"#,
    );
}

/// An S3 step on records naming no object reads its bucket and key settings, and refuses them
/// while they are the plan's stand-ins (naming the setting); a record's own object wins over
/// the settings.
#[test]
fn an_s3_location_setting_is_refused_at_its_stand_in_and_a_records_object_wins() {
    let code = code_of(
        "every morning, transcribe the call recording with amazon transcribe and post the transcript to slack #calls",
        "amazon_transcribe",
        "transcribe",
    );
    run_module(
        &code,
        r#"
g = module._given
refused(lambda: g("your-bucket", "AMAZON_TRANSCRIBE_BUCKET"), "AMAZON_TRANSCRIBE_BUCKET", "stand-in")
refused(lambda: g("", "AMAZON_TRANSCRIBE_KEY"), "AMAZON_TRANSCRIBE_KEY")
assert g("recordings", "AMAZON_TRANSCRIBE_BUCKET") == "recordings"
assert "_given(AMAZON_TRANSCRIBE_BUCKET" in open(sys.argv[1]).read()
"#,
    );
    assert!(
        code.contains(
            "(_field(_file_source(item, True), \"bucket\") or _given(AMAZON_TRANSCRIBE_BUCKET"
        ),
        "{code}"
    );
}
