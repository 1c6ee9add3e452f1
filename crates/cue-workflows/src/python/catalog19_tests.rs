//! The shapes catalog19 added to `shaped_slots` (issue 12, R15-6), both ways: a currency code
//! where the vendor's example writes one in capitals, and a wall time in UTC where Graph's
//! dateTimeTimeZone fixes `timeZone` as UTC; every near miss keeps its old shape.

use serde_json::json;

use super::{shaped_slots, text_kind};
use crate::catalog::Action;

#[test]
fn a_currency_code_in_capitals_is_a_currency_where_the_record_field_is_a_currency() {
    // (example, the record field that fills it, the kind)
    let table = [
        ("USD", "currency", "currency"),
        ("EUR", "currency_code", "currency"),
        ("GBP", "order.currency", "currency"),
        // not a currency field, or not three capitals: text, as before
        ("USD", "code", "text"),
        ("usd", "currency", "text"),
        ("US", "currency", "text"),
        ("USDT", "currency", "text"),
        ("US1", "currency", "text"),
    ];
    for (example, field, want) in table {
        assert_eq!(text_kind(example, field), want, "{example} / {field}");
    }
}

fn action(body: serde_json::Value, example: serde_json::Value) -> Action {
    let Ok(a) = serde_json::from_value::<Action>(json!({
        "id": "a", "label": "a", "role": "write", "method": "POST", "path": "/x",
        "body": body,
        "example": {"request": {"method": "POST", "url": "https://x", "body": example},
                    "response": {"status": 200, "body": {}}},
    })) else {
        panic!("action")
    };
    a
}

fn kinds(a: &Action) -> Vec<(String, &'static str)> {
    shaped_slots(a)
        .into_iter()
        .map(|(p, k, _)| (p, k))
        .collect()
}

#[test]
fn a_wall_time_is_utc_only_beside_a_utc_time_zone_and_without_an_offset_in_the_example() {
    let graph = action(
        json!({"start": {"dateTime": "{field:start}", "timeZone": "UTC"}}),
        json!({"start": {"dateTime": "2017-04-15T12:00:00", "timeZone": "Pacific Standard Time"}}),
    );
    assert_eq!(kinds(&graph), [("start.dateTime".to_owned(), "utc_wall")]);
    // a time zone the step or the record chooses: the time is sent as it is
    let chosen = action(
        json!({"start": {"dateTime": "{field:start}", "timeZone": "{time_zone}"}}),
        json!({"start": {"dateTime": "2017-04-15T12:00:00", "timeZone": "UTC"}}),
    );
    assert_eq!(kinds(&chosen), [("start.dateTime".to_owned(), "datetime")]);
    // the vendor's example names an offset: a date-time that keeps it
    let offset = action(
        json!({"start": {"dateTime": "{field:start}", "timeZone": "UTC"}}),
        json!({"start": {"dateTime": "2017-04-15T12:00:00Z", "timeZone": "UTC"}}),
    );
    assert_eq!(kinds(&offset), [("start.dateTime".to_owned(), "datetime")]);
    // no time zone beside it
    let alone = action(
        json!({"due": "{field:due}"}),
        json!({"due": "2017-04-15T12:00:00"}),
    );
    assert_eq!(kinds(&alone), [("due".to_owned(), "datetime")]);
    // inside a list
    let listed = action(
        json!({"slots": [{"dateTime": "{field:start}", "timeZone": "UTC"}]}),
        json!({"slots": [{"dateTime": "2017-04-15T12:00:00", "timeZone": "UTC"}]}),
    );
    assert_eq!(
        kinds(&listed),
        [("slots.0.dateTime".to_owned(), "utc_wall")]
    );
}
