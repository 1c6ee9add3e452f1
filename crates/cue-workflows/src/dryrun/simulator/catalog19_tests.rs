//! A multipart body with bracketed part names (catalog19) has its required fields, both ways.

use serde_json::json;

use super::present_bracketed;

#[test]
fn bracketed_parts_hold_the_required_fields_they_name() {
    let sent = json!({
        "title": "NDA",
        "signers[0][email_address]": "jo@example.com",
        "signers[0][name]": "",
        "files[0]": "<file>",
        "cc[]": "a@example.com"
    });
    for field in ["signers", "signers.0.email_address", "files", "cc", "title"] {
        assert!(present_bracketed(&sent, field), "{field}");
    }
    // empty, absent, or only a longer name sharing the start
    for field in [
        "signers.0.name",
        "signers.1",
        "file_urls",
        "file",
        "message",
    ] {
        assert!(!present_bracketed(&sent, field), "{field}");
    }
    assert!(!present_bracketed(&json!(["signers[0]"]), "signers"));
}
