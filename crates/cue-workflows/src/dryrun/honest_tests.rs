//! The honest sample (a record made only of what its schema documents) and the generated
//! `_field` it is read by.

#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};

use super::events::{add_field, add_read_field};
use crate::catalog::Field;
use crate::model::Delivery;
use crate::python::answers_tests::{generate, plan, run};

fn fields(spec: Value) -> Vec<Field> {
    serde_json::from_value(spec).unwrap()
}

#[test]
fn a_field_the_schema_documents_is_set_at_its_path_with_its_type() {
    let documented = fields(json!([
        {"path": "id", "type": "string", "description": "id"},
        {"path": "customer.email", "type": "string", "description": "the buyer's address"},
        {"path": "total_price", "type": "number", "description": "total"}
    ]));
    let mut record = json!({"id": "1"});
    add_read_field(&mut record, "email", &documented);
    add_read_field(&mut record, "total", &documented);
    assert_eq!(record["customer"]["email"], "ada@example.com", "{record}");
    assert!(record["total_price"].is_number(), "{record}");
    // a value the record has is kept, even where it is not the documented path
    let mut record = json!({"email": "grace@example.com"});
    add_read_field(&mut record, "email", &documented);
    assert_eq!(record, json!({"email": "grace@example.com"}));
}

#[test]
fn a_field_the_schema_lacks_is_not_made_up() {
    let documented = fields(json!([
        {"path": "id", "type": "string", "description": "id"},
        {"path": "parts.*.filename", "type": "string", "description": "a part's file name"}
    ]));
    let mut record = json!({"id": "1"});
    add_read_field(&mut record, "phone", &documented);
    // only inside a list, where `_field` does not look: not made up either
    add_read_field(&mut record, "name", &documented);
    assert_eq!(record, json!({"id": "1"}));
    // a record whose fields are not documented (the user's own payload) gets a plausible one
    add_read_field(&mut record, "phone", &[]);
    assert_eq!(record["phone"], "+15555550100");
    let mut record = json!({});
    add_field(&mut record, "email");
    assert_eq!(record["email"], "ada@example.com");
}

#[test]
fn an_empty_value_does_not_count_as_the_field() {
    let documented = fields(json!([
        {"path": "receipt_email", "type": "string", "description": "where the receipt goes"}
    ]));
    // null where the vendor's example has it: set, as `_field` passes over empty values
    let mut record = json!({"receipt_email": null});
    add_read_field(&mut record, "email", &documented);
    assert_eq!(record["receipt_email"], "ada@example.com");
    // an address elsewhere is found first: nothing set
    let mut record = json!({"receipt_email": null, "billing_details": {"email": "b@example.com"}});
    add_read_field(&mut record, "email", &documented);
    assert!(record["receipt_email"].is_null(), "{record}");
}

#[test]
fn field_passes_over_empty_values_and_keeps_looking() {
    let engine = crate::Engine::new().unwrap();
    // a module carries `_field` only when a step reads a record's field (a lead's for a person)
    let g = generate(
        &engine,
        plan(
            &engine,
            Some(("facebook", "lead", Delivery::Http)),
            &[("pipedrive", "create_person")],
        ),
    );
    assert!(g.code.contains("\ndef _field("), "{}", g.code);
    run(
        &g,
        r#"
charge = {"id": "ch_1", "receipt_email": None, "billing_details": {"email": "jenny@example.com", "name": None}}
assert module._field(charge, "email") == "jenny@example.com", module._field(charge, "email")
# empty texts, lists and objects are passed over too; 0 and False are values
record = {"email": "", "tags": [], "meta": {}, "contact": {"email": "a@example.com", "tags": ["x"]}, "count": 0, "paid": False}
assert module._field(record, "email") == "a@example.com"
assert module._field(record, "tags") == ["x"]
assert module._field(record, "count") == 0
assert module._field(record, "paid") is False
# a set value is found first, not a nested one; nothing at all is None
assert module._field({"email": "top@example.com", "contact": {"email": "a@example.com"}}, "email") == "top@example.com"
assert module._field({"email": None, "name": ""}, "email") is None
# a documented path that is empty falls back to the name's search
assert module._field({"calculated": {"score": None}, "score": 3}, "calculated.score") is None
assert module._field({"calculated": {"score": 7}}, "calculated.score") == 7
"#,
    );
}
