//! The load-time check of `multipart_keys` (catalog19, Dropbox Sign's bracketed parts), both
//! ways: accepted on a multipart body with a nested value, refused on any other body.

use super::super::{Catalog, ContentType};
use super::MultipartKeys;

/// The catalog's answer once Dropbox Sign's `send_request` was changed so.
fn checked(change: impl FnOnce(&mut super::super::Action)) -> Result<(), String> {
    let Ok(mut c) = Catalog::builtin() else {
        panic!("catalog")
    };
    let Some(t) = c.tools.iter_mut().find(|t| t.id == "dropbox_sign") else {
        panic!("dropbox_sign")
    };
    change(&mut t.actions[0]);
    Catalog::new(c.tools, c.needs)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[test]
fn bracketed_part_names_are_for_a_multipart_body_with_a_nested_value() {
    let Ok(c) = Catalog::builtin() else {
        panic!("catalog")
    };
    let brackets: Vec<&str> = c
        .tools()
        .iter()
        .flat_map(|t| t.actions.iter().map(move |a| (t, a)))
        .filter(|(_, a)| a.multipart_keys == MultipartKeys::Brackets)
        .map(|(t, _)| t.id.as_str())
        .collect();
    assert_eq!(brackets, ["dropbox_sign"]);
    assert_eq!(checked(|_| {}), Ok(()));
    // the default needs nothing
    assert_eq!(checked(|a| a.multipart_keys = MultipartKeys::Json), Ok(()));
    let refused = [
        (
            "json body",
            checked(|a| a.content_type = ContentType::Json),
            "only a multipart body",
        ),
        (
            "form body",
            checked(|a| a.content_type = ContentType::Form),
            "only a multipart body",
        ),
        (
            "flat body",
            checked(|a| {
                a.body = Some(serde_json::json!({"title": "{title}", "file": "{file}"}));
                a.required.clear();
            }),
            "no nested value",
        ),
    ];
    for (what, r, words) in refused {
        match r {
            Ok(()) => panic!("{what}: accepted"),
            Err(e) => assert!(e.contains(words), "{what}: {e}"),
        }
    }
}

/// A change made to Shippo's action before the check.
type Change = fn(&mut super::super::Action);

#[test]
fn an_address_is_a_body_field_a_record_fills_whole_for_a_vendor_of_the_table() {
    let shippo = |change: fn(&mut super::super::Action)| {
        let Ok(mut c) = Catalog::builtin() else {
            panic!("catalog")
        };
        let Some(t) = c.tools.iter_mut().find(|t| t.id == "shippo") else {
            panic!("shippo")
        };
        change(&mut t.actions[0]);
        Catalog::new(c.tools, c.needs)
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    assert_eq!(shippo(|_| {}), Ok(()));
    assert!(super::address_keys("shippo").is_some_and(|k| k.iter().any(|(v, _)| v == "street1")));
    assert!(super::address_keys("nobody").is_none());
    let refused: [(Change, &str); 4] = [
        (
            |a| {
                a.address.insert("address_to".into(), "nobody".into());
            },
            "no vendor nobody",
        ),
        // a setting, not a record's field
        (
            |a| {
                a.address.insert("address_from".into(), "shippo".into());
            },
            "must be a body field a record's field fills whole",
        ),
        // no such body field
        (
            |a| {
                a.address.insert("address_back".into(), "shippo".into());
            },
            "must be a body field",
        ),
        // a field inside a text
        (
            |a| {
                if let Some(b) = a.body.as_mut().and_then(|b| b.as_object_mut()) {
                    b.insert("address_to".into(), "to {field:address}".into());
                }
            },
            "fills whole",
        ),
    ];
    for (change, words) in refused {
        match shippo(change) {
            Ok(()) => panic!("{words}: accepted"),
            Err(e) => assert!(e.contains(words), "{e}"),
        }
    }
}
