//! An empty 2xx answer (204 No Content, or no body) of a read step is no records, not one
//! empty record; a `{}` JSON object stays a record (review 4, R4-4). Run with python3 against a
//! faked opener, so `_http` itself reads the answer.

#![expect(clippy::unwrap_used, reason = "tests")]

use super::answers_tests::{FAKE_OPENER, generate, plan, run};
use crate::Engine;

#[test]
fn an_empty_answer_of_a_read_step_is_no_records() {
    let engine = Engine::new().unwrap();
    // bigcommerce list_orders: records "" (the whole answer is the list); GET /v2/orders
    // answers 204 when there are none
    let g = generate(
        &engine,
        plan(&engine, None, &[("bigcommerce", "list_orders")]),
    );
    run(
        &g,
        &format!(
            r#"{FAKE_OPENER}
answer(204, b"")
assert module.step_1_bigcommerce_list_orders([]) == [], "204"
answer(200, b"  \n")
assert module.step_1_bigcommerce_list_orders([]) == [], "blank body"
# the helpers themselves: an empty answer is no records
answer(204, b"")
assert module._as_items(module._http("GET", "https://api.example.com/x")) == []
"#
        ),
    );
}

#[test]
fn a_json_answer_of_a_read_step_stays_records() {
    let engine = Engine::new().unwrap();
    let g = generate(
        &engine,
        plan(&engine, None, &[("bigcommerce", "list_orders")]),
    );
    run(
        &g,
        &format!(
            r#"{FAKE_OPENER}
answer(200, b"{{}}")
assert module.step_1_bigcommerce_list_orders([]) == [{{}}], "a {{}} object is one record, as before"
answer(200, b'[{{"id": 1}}, {{"id": 2}}]')
assert [r["id"] for r in module.step_1_bigcommerce_list_orders([])] == [1, 2]
# to a write, an empty answer is still an empty object
answer(204, b"")
response = module._http("POST", "https://api.example.com/x", payload={{"a": 1}})
assert response == {{}} and isinstance(response, dict), response
"#
        ),
    );
}

/// An answer whose records are an object keyed by id (BambooHR's changed employees, review 11,
/// R11-1) gives one record per key, each fetched in detail; an empty object is no records and
/// no detail call. A list at `records` (BigCommerce above) is untouched by `_keyed`.
#[test]
fn records_keyed_by_id_are_the_objects_values() {
    let engine = Engine::new().unwrap();
    let g = generate(
        &engine,
        plan(&engine, None, &[("bamboohr", "list_changed_employees")]),
    );
    assert!(
        g.code
            .contains(r#"_as_items(_keyed(_path(response, "employees", {})))"#),
        "{}",
        g.code
    );
    run(
        &g,
        &format!(
            r#"{FAKE_OPENER}
changed = b'{{"latest": "2026-12-07T09:00:00+00:00", "employees": {{"3": {{"id": "3", "action": "Inserted", "lastChanged": "2026-12-07T08:00:00+00:00"}}, "4": {{"id": "4", "action": "Updated", "lastChanged": "2026-12-07T08:30:00+00:00"}}, "10": {{"id": "10", "action": "Inserted", "lastChanged": "2026-12-07T08:45:00+00:00"}}}}}}'
answers(changed, b'{{"id": "3", "firstName": "Ada"}}', b'{{"id": "4", "firstName": "Grace"}}', b'{{"id": "10", "firstName": "Edsger"}}')
records = module.step_1_bamboohr_list_changed_employees([])
assert [r["firstName"] for r in records] == ["Ada", "Grace", "Edsger"], records
details = [request.full_url for request, _ in opened[1:]]
assert [u.split("/employees/")[1].split("/")[0] for u in details] == ["3", "4", "10"], details
opened.clear()
answers(b'{{"latest": "2026-12-07T09:00:00+00:00", "employees": {{}}}}')
assert module.step_1_bamboohr_list_changed_employees([]) == []
assert len(opened) == 1, "no detail call for no changes"
assert module._keyed([{{"id": 1}}]) == [{{"id": 1}}]
"#
        ),
    );
}
