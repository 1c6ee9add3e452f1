//! The eleventh session's dryrun10: request headers are recorded (masked like bodies) and judged
//! as the vendor judges them: arguments a vendor takes in a header (Dropbox's `Dropbox-API-Arg`),
//! headers a vendor requires (`Notion-Version`), and the body's `Content-Type` against the kind
//! of body the catalog states. Every rule is tested both ways.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::shapes::Format;
use super::*;
use crate::catalog::Catalog;
use crate::catalog::ContentType;

fn sim(tools: &[&str]) -> Simulator {
    let catalog = Catalog::builtin().unwrap();
    Simulator::for_tools(tools.iter().map(|t| catalog.tool(t).unwrap()))
}

use super::simulator::tests::call_with_headers as call;

const UPLOAD: &str = "https://content.dropboxapi.com/2/files/upload";

fn upload(arg: &str, content_type: &str) -> RecordedCall {
    call(
        "POST",
        UPLOAD,
        Value::String("%PDF-1.4".into()),
        &[
            ("Authorization", "Bearer {{DROPBOX_ACCESS_TOKEN}}"),
            ("Content-Type", content_type),
            ("Dropbox-API-Arg", arg),
        ],
    )
}

const OCTET: &str = "application/octet-stream";

#[test]
fn dropbox_upload_arguments_are_judged_in_their_header() {
    let sim = sim(&["dropbox"]);
    // what the catalog's template sends, and the vendor's other spellings it takes
    for good in [
        r#"{"path": "/Workflows/sample.pdf", "mode": "add", "autorename": true}"#,
        r#"{"path": "/Workflows/sample.pdf", "mode": {".tag": "overwrite"}}"#,
        r#"{"path": "/Workflows/r\u00e9sum\u00e9.pdf"}"#,
    ] {
        let c = upload(good, OCTET);
        assert!(
            sim.problems(&c).is_empty(),
            "{good}: {:?}",
            sim.problems(&c)
        );
    }
    // each what the vendor refuses, with the words the message must carry
    let cases = [
        (
            r#"{"path": "Workflows/sample.pdf", "mode": "add"}"#,
            "header.Dropbox-API-Arg.path",
        ),
        (
            r#"{"path": "/Workflows/sample.pdf", "autorename": "yes"}"#,
            "header.Dropbox-API-Arg.autorename",
        ),
        (
            r#"{"mode": "add"}"#,
            "header.Dropbox-API-Arg.path is missing",
        ),
        // not escaped: Dropbox asks for HTTP-header-safe JSON
        (
            "{\"path\": \"/Workflows/résumé.pdf\"}",
            "header.Dropbox-API-Arg was sent",
        ),
        ("/Workflows/sample.pdf", "header.Dropbox-API-Arg was sent"),
    ];
    for (arg, words) in cases {
        let problems = sim.problems(&upload(arg, OCTET));
        assert!(
            problems.iter().any(|p| p.contains(words)
                && p.contains("step_1 (dropbox.upload_file)")
                && p.contains("dropbox.com/developers")),
            "{arg}: {problems:?}"
        );
    }
    // no header at all: refused, unless the argument travels in the `arg` URL parameter
    let bare = call("POST", UPLOAD, json!("%PDF"), &[("Content-Type", OCTET)]);
    let problems = sim.problems(&bare);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("header.Dropbox-API-Arg is missing")),
        "{problems:?}"
    );
    let by_query = call(
        "POST",
        &format!("{UPLOAD}?arg=%7B%22path%22%3A%22%2Fa.pdf%22%7D"),
        json!("%PDF"),
        &[("Content-Type", OCTET)],
    );
    assert!(
        sim.problems(&by_query).is_empty(),
        "{:?}",
        sim.problems(&by_query)
    );
}

#[test]
fn the_body_kind_is_judged_against_what_the_catalog_states() {
    let sim = sim(&[
        "dropbox", "slack", "twilio", "klaviyo", "onedrive", "openai",
    ]);
    let slack = "https://slack.com/api/chat.postMessage";
    let text = json!({"channel": "#general", "text": "hi"});
    // JSON, with or without a charset: read as JSON
    for ct in ["application/json", "application/json; charset=utf-8"] {
        let c = call("POST", slack, text.clone(), &[("Content-Type", ct)]);
        assert!(sim.problems(&c).is_empty(), "{ct}: {:?}", sim.problems(&c));
    }
    // a JSON body urllib sent without a Content-Type goes as a form: refused, saying why
    let c = call(
        "POST",
        slack,
        text.clone(),
        &[("Content-Type", "application/x-www-form-urlencoded")],
    );
    let p = sim.problems(&c);
    assert!(
        p.len() == 1
            && p[0].contains("reads it as JSON")
            && p[0].contains("without a Content-Type"),
        "{p:?}"
    );
    // Twilio reads a form; JSON there is refused
    let twilio = "https://api.twilio.com/2010-04-01/Accounts/{{TWILIO_ACCOUNT_SID}}/Messages.json";
    let sms = json!({"To": "+15555550100", "From": "+15555550101", "Body": "hi"});
    let form = call(
        "POST",
        twilio,
        sms.clone(),
        &[("Content-Type", "application/x-www-form-urlencoded")],
    );
    assert!(sim.problems(&form).is_empty(), "{:?}", sim.problems(&form));
    let json_sms = call("POST", twilio, sms, &[("Content-Type", "application/json")]);
    assert!(
        sim.problems(&json_sms)
            .iter()
            .any(|p| p.contains("reads it as a form")),
        "{:?}",
        sim.problems(&json_sms)
    );
    // a vendor's own JSON media type is JSON (Klaviyo's JSON:API)
    let klaviyo = call(
        "POST",
        "https://a.klaviyo.com/api/profile-bulk-import-jobs",
        json!({"data": {"type": "profile-bulk-import-job", "attributes": {"profiles": {"data": [{"attributes": {"email": "ada@example.com"}}]}}, "relationships": {"lists": {"data": [{"id": "L1"}]}}}}),
        &[("Content-Type", "application/vnd.api+json")],
    );
    assert!(
        !sim.problems(&klaviyo)
            .iter()
            .any(|p| p.contains("the body was sent")),
        "{:?}",
        sim.problems(&klaviyo)
    );
    // a file's bytes may carry the file's own type, never a form's
    let onedrive = "https://graph.microsoft.com/v1.0/users/{{ONEDRIVE_USER}}/drive/root:/Workflows/a.pdf:/content";
    let pdf = call(
        "PUT",
        onedrive,
        json!("%PDF"),
        &[("Content-Type", "application/pdf")],
    );
    assert!(
        !sim.problems(&pdf)
            .iter()
            .any(|p| p.contains("the body was sent")),
        "{:?}",
        sim.problems(&pdf)
    );
    let as_form = call(
        "PUT",
        onedrive,
        json!("%PDF"),
        &[("Content-Type", "application/x-www-form-urlencoded")],
    );
    assert!(
        sim.problems(&as_form)
            .iter()
            .any(|p| p.contains("reads it as a file's bytes")),
        "{:?}",
        sim.problems(&as_form)
    );
    // a call without a body (no Content-Type) and a call recorded without headers: not judged
    let list = call("GET", slack, Value::Null, &[]);
    assert!(
        !sim.problems(&list)
            .iter()
            .any(|p| p.contains("the body was sent")),
        "{:?}",
        sim.problems(&list)
    );
}

#[test]
fn a_header_the_vendor_requires_is_judged_on_every_call_of_the_tool() {
    let sim = sim(&["notion", "anthropic"]);
    let page = json!({"parent": {"data_source_id": "d1"}, "properties": {"Name": {"title": []}}});
    let with = |version: &str| {
        call(
            "POST",
            "https://api.notion.com/v1/pages",
            page.clone(),
            &[
                ("Content-Type", "application/json"),
                ("Notion-Version", version),
            ],
        )
    };
    assert!(sim.problems(&with("2025-09-03")).is_empty());
    let p = sim.problems(&with("latest"));
    assert!(
        p.iter()
            .any(|p| p.contains("header.Notion-Version was sent")
                && p.contains("developers.notion.com")),
        "{p:?}"
    );
    let without = call(
        "POST",
        "https://api.notion.com/v1/pages",
        page,
        &[("Content-Type", "application/json")],
    );
    assert!(
        sim.problems(&without)
            .iter()
            .any(|p| p.contains("header.Notion-Version is missing")),
        "{:?}",
        sim.problems(&without)
    );
    let message = json!({"model": "claude", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]});
    let anthropic = |headers: &[(&str, &str)]| {
        call(
            "POST",
            "https://api.anthropic.com/v1/messages",
            message.clone(),
            headers,
        )
    };
    let good = anthropic(&[
        ("content-type", "application/json"),
        ("x-api-key", "{{ANTHROPIC_API_KEY}}"),
        ("anthropic-version", "2023-06-01"),
    ]);
    assert!(sim.problems(&good).is_empty(), "{:?}", sim.problems(&good));
    let bad = anthropic(&[
        ("content-type", "application/json"),
        ("x-api-key", "{{ANTHROPIC_API_KEY}}"),
    ]);
    assert!(
        sim.problems(&bad)
            .iter()
            .any(|p| p.contains("header.anthropic-version is missing")),
        "{:?}",
        sim.problems(&bad)
    );
}

#[test]
fn body_kinds_of_content_types() {
    for (ct, kind) in [
        ("application/json", ContentType::Json),
        ("Application/JSON; charset=UTF-8", ContentType::Json),
        ("application/vnd.api+json", ContentType::Json),
        (
            "application/vnd.contentful.management.v1+json",
            ContentType::Json,
        ),
        ("application/x-www-form-urlencoded", ContentType::Form),
        ("multipart/form-data; boundary=x", ContentType::Multipart),
        (
            "multipart/related; boundary=x",
            ContentType::MultipartRelated,
        ),
        ("application/x-ndjson", ContentType::Ndjson),
        ("application/octet-stream", ContentType::Bytes),
        ("text/plain", ContentType::Bytes),
        ("image/png", ContentType::Bytes),
        ("", ContentType::Bytes),
        ("jsonish", ContentType::Bytes),
    ] {
        assert_eq!(ContentType::of(ct), kind, "{ct}");
    }
}

#[test]
fn header_safe_json() {
    for good in [
        r#"{"path": "/a"}"#,
        r#"{"path": "/r\u00e9sum\u00e9"}"#,
        "{}",
    ] {
        assert!(Format::HeaderJson.holds(good), "{good}");
    }
    for bad in [
        "{\"path\": \"/résumé\"}",
        "{\"path\": \"/a\u{7f}\"}",
        "[1]",
        "/a",
        "",
        "{\"path\": ",
    ] {
        assert!(!Format::HeaderJson.holds(bad), "{bad}");
    }
}

/// What a sandbox might send back for a call's headers: an object of texts, or anything else
/// from hostile code; never a failure to read the outcome.
#[test]
fn recorded_headers_are_read_leniently() {
    let read = |headers: Value| {
        serde_json::from_value::<RecordedCall>(json!({
            "method": "GET", "url": "https://x.example", "status": 200, "headers": headers
        }))
        .unwrap()
        .headers
    };
    assert_eq!(
        read(json!({"Content-Type": "application/json", "X-N": 5})),
        BTreeMap::from([
            ("content-type".to_owned(), "application/json".to_owned()),
            ("x-n".to_owned(), "5".to_owned()),
        ])
    );
    for odd in [json!(null), json!("text"), json!([1, 2]), json!(7)] {
        assert!(read(odd).is_empty());
    }
    let absent: RecordedCall =
        serde_json::from_value(json!({"method": "GET", "url": "u", "status": 200})).unwrap();
    assert!(absent.headers.is_empty());
}

#[test]
fn credential_values_are_masked_in_headers_as_written_and_inside_basic_auth() {
    use base64::Engine as _;
    let secret = "sk_live_abc123";
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{secret}:"));
    let pair = base64::engine::general_purpose::STANDARD.encode(format!("ACxx:{secret}"));
    let outcome = SandboxOutcome {
        calls: vec![call(
            "POST",
            "https://api.stripe.com/v1/customers",
            json!({"email": "ada@example.com"}),
            &[
                ("Authorization", &format!("Bearer {secret}")),
                ("X-Basic", &format!("Basic {basic}")),
                ("X-Pair", &format!("Basic {pair}")),
                ("Notion-Version", "2025-09-03"),
                ("X-Placeholder", "Bearer {{OTHER_TOKEN}}"),
            ],
        )],
        ..SandboxOutcome::default()
    };
    let run = judge(outcome, &sim(&["stripe"]), None, &[secret]);
    let headers = &run.calls[0].headers;
    assert_eq!(headers["authorization"], "Bearer ****");
    assert_eq!(headers["x-basic"], "Basic ****");
    assert_eq!(headers["x-pair"], "Basic ****");
    // what holds no credential is left as it is
    assert_eq!(headers["notion-version"], "2025-09-03");
    assert_eq!(headers["x-placeholder"], "Bearer {{OTHER_TOKEN}}");
    let answer = serde_json::to_string(&run).unwrap();
    assert!(!answer.contains(secret), "{answer}");
    assert!(!answer.contains(&basic) && !answer.contains(&pair));
    // a call without headers (boto3) answers none
    let boto = SandboxOutcome {
        calls: vec![call("boto3", "s3.put_object", json!({}), &[])],
        ..SandboxOutcome::default()
    };
    let run = judge(boto, &sim(&["aws_s3"]), None, &[secret]);
    assert!(
        !serde_json::to_string(&run.calls[0])
            .unwrap()
            .contains("headers")
    );
}

#[test]
fn a_file_fetchs_argument_header_is_judged_from_the_catalogs_template() {
    let sim = sim(&["dropbox"]);
    let download = |headers: &[(&str, &str)]| {
        call(
            "POST",
            "https://content.dropboxapi.com/2/files/download",
            Value::Null,
            headers,
        )
    };
    let good = download(&[(
        "Dropbox-API-Arg",
        r#"{"path": "id:a4ayc_80_OEAAAAAAAAAXw"}"#,
    )]);
    assert!(sim.problems(&good).is_empty(), "{:?}", sim.problems(&good));
    for (headers, words) in [
        (vec![], "header.Dropbox-API-Arg is missing"),
        (
            vec![("Dropbox-API-Arg", r#"{"path": 5}"#)],
            "header.Dropbox-API-Arg.path was sent as a number",
        ),
        (
            vec![("Dropbox-API-Arg", r#"{"rev": "a1c10ce0dd78"}"#)],
            "header.Dropbox-API-Arg.path is missing",
        ),
        (
            vec![("Dropbox-API-Arg", "id:a4ayc_80_OEAAAAAAAAAXw")],
            "header.Dropbox-API-Arg was sent",
        ),
    ] {
        let problems = sim.problems(&download(&headers));
        assert!(
            problems
                .iter()
                .any(|p| p.contains(words) && p.contains("files-download")),
            "{headers:?}: {problems:?}"
        );
    }
}

#[test]
fn a_token_request_is_judged_by_the_body_kind_the_catalog_states() {
    let sim = sim(&["dropbox", "gusto", "bluesky"]);
    let token = |url: &str, ct: &str| {
        call(
            "POST",
            url,
            json!({"grant_type": "refresh_token", "refresh_token": "{{R}}"}),
            &[("Content-Type", ct)],
        )
    };
    let form = "application/x-www-form-urlencoded";
    let dropbox = "https://api.dropboxapi.com/oauth2/token";
    let gusto = "https://api.gusto.com/oauth/token";
    let bluesky = "https://bsky.social/xrpc/com.atproto.server.createSession";
    for ok in [
        token(dropbox, form),
        token(gusto, "application/json"),
        token(bluesky, "application/json"),
    ] {
        assert!(
            sim.problems(&ok).is_empty(),
            "{}: {:?}",
            ok.url,
            sim.problems(&ok)
        );
    }
    for (bad, words) in [
        (token(dropbox, "application/json"), "RFC 6749"),
        (token(gusto, form), "reads it as JSON"),
        (token(bluesky, form), "session login"),
    ] {
        let problems = sim.problems(&bad);
        assert!(
            problems.iter().any(|p| p.contains(words)),
            "{}: {problems:?}",
            bad.url
        );
    }
}

/// A made-up record gives an address or a phone number where the field is one, also when the
/// field is a generic leaf (`value`, `address`, `number`) of a list or object named for it
/// (Pipedrive's `emails.*.value`, Outlook's `from.emailAddress.address`): the dry run sent
/// "sample value" as a HubSpot contact's e-mail before.
#[test]
fn a_made_up_record_holds_addresses_where_its_schema_says_so() {
    let field = |path: &str| crate::catalog::Field {
        path: path.to_owned(),
        kind: crate::catalog::FieldType::String,
        description: String::new(),
        words: Vec::new(),
        file: None,
        money: None,
    };
    let record = super::simulator::record_of(&[
        field("emails.*.value"),
        field("from.emailAddress.address"),
        field("from.emailAddress.name"),
        field("phone_numbers.*.number"),
        field("work_email"),
        field("line_items.*.value"),
        field("address"),
        field("billing.number"),
    ]);
    assert_eq!(record["emails"][0]["value"], "ada@example.com");
    assert_eq!(record["from"]["emailAddress"]["address"], "ada@example.com");
    assert_eq!(record["phone_numbers"][0]["number"], "+15555550100");
    assert_eq!(record["work_email"], "ada@example.com");
    // near misses: a name beside an address, a value of something else, a bare address
    assert_eq!(record["from"]["emailAddress"]["name"], "sample name");
    assert_eq!(record["line_items"][0]["value"], "sample value");
    assert_eq!(record["address"], "sample address");
    assert_eq!(record["billing"]["number"], "sample number");
    // the same names where a step's field is set on a documented record (records.rs)
    for (path, kind) in [
        ("emails.*.value", "emails"),
        ("from.emailAddress.address", "emailAddress"),
        ("phone_numbers.*.number", "phone_numbers"),
        ("from.emailAddress.name", "name"),
        ("line_items.*.value", "value"),
        ("address", "address"),
        ("value", "value"),
    ] {
        assert_eq!(super::events::kind_name(path), kind, "{path}");
    }
}

/// A DynamoDB stream record carries `ApproximateCreationDateTime` (epoch seconds) as AWS
/// delivers it, so a filter on it can hold; without a filter it is still there.
#[test]
fn a_dynamodb_stream_sample_carries_its_creation_time_and_meets_a_filter_on_it() {
    let engine = crate::Engine::new().unwrap().with_validation(false);
    let made = |prompt: &str| {
        let g = engine
            .generate(&crate::GenerateRequest::text(prompt))
            .unwrap();
        let event = sample_event(engine.catalog(), &g.plan).event;
        event["Records"][0]["dynamodb"]["ApproximateCreationDateTime"]
            .as_f64()
            .unwrap_or_else(|| panic!("{prompt}: {event:#}"))
    };
    let filtered = made(
        "When item changed in DynamoDB and its ApproximateCreationDateTime is over 100, post it to #general on Slack",
    );
    assert!(filtered > 100.0, "{filtered}");
    let plain = made("When an item changes in DynamoDB, post it to #general on Slack");
    assert!(plain > 1_700_000_000.0, "{plain}");
}
