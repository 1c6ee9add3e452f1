//! The shape a request field takes from the text its vendor's example shows (catalog17,
//! `text_kind`), both ways: what must be read as a phone number, a date, a date-time, and what
//! stays text.

use super::text_kind;

#[test]
fn an_examples_text_says_the_fields_shape() {
    // (example, the record field that fills it, the kind)
    let table = [
        // E.164 with its `+`, whatever the field's name (Twilio's `To`)
        ("+14155552345", "phone", "phone"),
        ("+447700900000", "to", "phone"),
        // digits alone are a phone number only where the field is a phone's (Vonage, WhatsApp)
        ("447700900000", "phone", "phone_digits"),
        ("16505551234", "mobile_phone", "phone_digits"),
        ("201403140001", "id", "text"),
        ("68", "customer_id", "text"),
        // near misses: not E.164
        ("+0123456789", "phone", "text"),
        ("+12", "phone", "text"),
        ("555-555-5555", "phone", "text"),
        ("+1 415 555 2345", "phone", "text"),
        // dates and date-times
        ("2019-11-14", "date", "date"),
        ("2026-12-08T10:00:00+01:00", "start", "datetime"),
        (
            "2016-02-18T20:01:35Z",
            "paypal-transmission-time",
            "datetime",
        ),
        ("2019-11-14 10:00", "date", "text"),
        ("2019/11/14", "date", "text"),
        ("20191114", "date", "text"),
        // text
        ("TEST-ORDER-API-DOCS-01", "order_number", "text"),
        ("1222.00", "amount", "text"),
        ("", "name", "text"),
    ];
    for (example, field, want) in table {
        assert_eq!(text_kind(example, field), want, "{example} / {field}");
    }
}
