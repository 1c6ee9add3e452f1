//! The dry run judges what the vendor would judge: field types and shapes (declared per action
//! in `data/dryrun/shapes.json`, or read off the catalog's vendor example), and values a step
//! was to take from its record that are a stand-in or the trigger's event name (warnings).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};

use super::shapes::{self, Format, Kind};
use super::*;
use crate::GenerateRequest;
use crate::catalog::Catalog;

fn call(step: &str, method: &str, url: &str, request: Value) -> RecordedCall {
    RecordedCall {
        step: Some(step.into()),
        method: method.into(),
        url: url.into(),
        request,
        status: 200,
        headers: std::collections::BTreeMap::new(),
    }
}

fn sim(tools: &[&str]) -> Simulator {
    let catalog = Catalog::builtin().unwrap();
    Simulator::for_tools(tools.iter().map(|t| catalog.tool(t).unwrap()))
}

const INVOICE: &str =
    "https://quickbooks.api.intuit.com/v3/company/{{QUICKBOOKS_REALM_ID}}/invoice?minorversion=75";

fn invoice(item: Value, amount: Value, lines: Option<Value>) -> Value {
    let line = json!({"DetailType": "SalesItemLineDetail", "Amount": amount, "Description": "Order 1001",
        "SalesItemLineDetail": {"ItemRef": {"value": item}}});
    json!({"CustomerRef": {"value": "68"}, "Line": lines.unwrap_or_else(|| json!([line]))})
}

#[test]
fn a_field_of_the_wrong_type_is_a_problem_naming_step_field_expected_and_sent() {
    let sim = sim(&["quickbooks"]);
    // R12-1: the whole record sent where QuickBooks takes an Item's Id
    let record = json!({"id": "pi_1", "object": "payment_intent", "amount": 2000});
    let bad = call(
        "step_2",
        "POST",
        INVOICE,
        invoice(record, json!(20.0), None),
    );
    let problems = sim.problems(&bad);
    assert_eq!(problems.len(), 1, "{problems:?}");
    let p = &problems[0];
    for part in [
        "step_2 (quickbooks.create_invoice)",
        "Line.0.SalesItemLineDetail.ItemRef.value",
        "sent as an object",
        "a string (an Item's Id)",
        "developer.intuit.com",
    ] {
        assert!(p.contains(part), "{part:?} in {p}");
    }
    // near misses: the same call with the id, and the amount a number
    let good = call(
        "step_2",
        "POST",
        INVOICE,
        invoice(json!("1"), json!(20.0), None),
    );
    assert!(sim.problems(&good).is_empty(), "{:?}", sim.problems(&good));
    // the amount as text, and a line list that is empty, are refused too
    let text_amount = call(
        "step_2",
        "POST",
        INVOICE,
        invoice(json!("1"), json!("20.00"), None),
    );
    assert!(sim.problems(&text_amount)[0].contains("Line.0.Amount was sent as a string"));
    let no_lines = call(
        "step_2",
        "POST",
        INVOICE,
        invoice(json!("1"), json!(1), Some(json!([]))),
    );
    assert!(
        sim.problems(&no_lines)
            .iter()
            .any(|p| p.contains("Line was sent as a list of 0") && p.contains("at least 1")),
        "{:?}",
        sim.problems(&no_lines)
    );
}

const SHORTEN: &str = "https://api-ssl.bitly.com/v4/shorten";

#[test]
fn formats_and_values_the_reference_names_are_judged_and_stand_ins_are_not() {
    let sim = sim(&["bitly", "shipstation"]);
    let shorten =
        |url: &str| sim.problems(&call("step_1", "POST", SHORTEN, json!({"long_url": url})));
    // a URL that is not one is refused (Bitly: "Must contain http/https")
    assert!(shorten("q3.pdf")[0].contains("an absolute http(s) URL"));
    assert!(shorten("https://files.example.org/q3.pdf").is_empty());
    // a setting's stand-in is the user's to replace: its format is not judged
    assert!(shorten("https://example.com/your-url").is_empty());
    assert!(shorten("{{BITLY_URL}}").is_empty());
    // but its type is: a stand-in where a list is taken is still refused
    let order = |status: &str, country: &str, number: Value| {
        sim.problems(&call(
            "step_1",
            "POST",
            "https://ssapi.shipstation.com/orders/createorder",
            json!({"orderNumber": number, "orderDate": "2026-12-07T09:00:00.0000000",
                   "orderStatus": status, "billTo": {"name": "Ada"},
                   "shipTo": {"name": "Ada", "country": country}}),
        ))
    };
    assert!(order("awaiting_shipment", "US", json!("1001")).is_empty());
    // R10-5: a country's name where ShipStation takes its ISO code, the order number as a number
    let wrong = order("awaiting_shipment", "United States", json!(1001));
    assert_eq!(wrong.len(), 2, "{wrong:?}");
    assert!(
        wrong
            .iter()
            .any(|p| p.contains("shipTo.country") && p.contains("two-letter"))
    );
    assert!(
        wrong
            .iter()
            .any(|p| p.contains("orderNumber was sent as a number (1001)"))
    );
    let status = order("shipping soon", "US", json!("1001"));
    assert!(
        status[0].contains("one of \"awaiting_payment\""),
        "{status:?}"
    );
    assert!(order("your-status", "your-country", json!("1001")).is_empty());
}

#[test]
fn the_vendors_example_says_a_value_is_single() {
    // Todoist's documented request has `content` as a text (no shape is declared for it): an
    // object there is refused, a text is not, and a field the example does not show is not
    // judged by it
    let sim = sim(&["todoist"]);
    let create = |request: Value| {
        sim.problems(&call(
            "step_1",
            "POST",
            "https://api.todoist.com/api/v1/tasks",
            request,
        ))
    };
    assert!(!shapes::declared().contains_key("todoist.create_task"));
    assert!(create(json!({"content": "Buy milk"})).is_empty());
    let p = create(json!({"content": {"title": "Buy milk"}}));
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].contains("content was sent as an object") && p[0].contains("vendor's example"),
        "{p:?}"
    );
    assert!(create(json!({"content": "Buy milk", "labels": {"a": 1}})).is_empty());
}

#[test]
fn types_and_formats_table() {
    for (kind, value, textual, holds) in [
        (Kind::String, json!("1"), false, true),
        (Kind::String, json!({"id": 1}), false, false),
        (Kind::String, json!(1), false, false),
        (Kind::Number, json!(20.5), false, true),
        (Kind::Number, json!("20.5"), false, false),
        (Kind::Number, json!("20.5"), true, true),
        (Kind::Number, json!("twenty"), true, false),
        (Kind::Integer, json!(3), false, true),
        (Kind::Integer, json!(3.5), false, false),
        (Kind::Integer, json!("3"), true, true),
        (Kind::Boolean, json!(true), false, true),
        (Kind::Boolean, json!("true"), false, false),
        (Kind::Boolean, json!("true"), true, true),
        (Kind::Array, json!([]), false, true),
        (Kind::Array, json!("a,b"), true, false),
        (Kind::Object, json!({}), false, true),
        (Kind::Object, json!("{}"), false, false),
    ] {
        assert_eq!(
            kind.holds(&value, textual),
            holds,
            "{kind:?} {value} {textual}"
        );
    }
    for (format, text, holds) in [
        (Format::Email, "ada@example.com", true),
        (Format::Email, "Ada Lovelace <ada@example.com>", true),
        (Format::Email, "Ada Lovelace", false),
        (Format::Email, "ada@localhost", false),
        (Format::Url, "https://example.org/a?b=1", true),
        (Format::Url, "example.org/a", false),
        (Format::Url, "ftp://example.org/a", false),
        (Format::DateTime, "2026-12-07T09:00:00Z", true),
        (Format::DateTime, "2026-12-07T09:00:00.0000000", true),
        (Format::DateTime, "2026-12-07T09:00:00+01:00", true),
        (Format::DateTime, "next monday", false),
        (Format::Rfc3339, "2026-12-08T10:00:00+01:00", true),
        (Format::Rfc3339, "2026-12-08T10:00:00", false),
        (Format::Date, "2026-12-07", true),
        (Format::Date, "07/12/2026", false),
        (Format::Base64, "JVBERi0xLjQK", true),
        (Format::Base64, "JVBERi0_LjQK", true),
        (Format::Base64, "your content", false),
        (Format::Base64, "", false),
        (Format::CountryCode, "US", true),
        (Format::CountryCode, "United States", false),
        (Format::CountryCode, "us", false),
        (Format::CurrencyCode, "usd", true),
        (Format::CurrencyCode, "dollars", false),
        (Format::E164, "+15555550100", true),
        (Format::E164, "555-0100", false),
        (Format::E164, "whatsapp:+15555550100", true),
        (Format::E164, "Ada Lovelace", false),
        (Format::AbsolutePath, "/Workflows/a.pdf", true),
        (Format::AbsolutePath, "Workflows/a.pdf", false),
        (Format::ItemName, "Analytical Engines Ltd", true),
        (Format::ItemName, "Ada: brochure (2026)", true),
        (
            Format::ItemName,
            "First name: Ada\nLast name: Lovelace",
            false,
        ),
        (Format::ItemName, "s3://bucket/calls/a.mp3", false),
        (Format::ItemName, "back\\slash", false),
        (Format::ItemName, "trailing ", false),
        (Format::ItemName, "..", false),
        (Format::ItemName, "", false),
    ] {
        assert_eq!(format.holds(text), holds, "{format:?} {text}");
    }
}

#[test]
fn the_events_names_are_found_in_every_delivery_shape() {
    let s3 = json!({"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
        "s3": {"bucket": {"name": "my-uploads"}, "object": {"key": "reports/q3.pdf"}}}]});
    assert_eq!(shapes::event_names(&s3), ["ObjectCreated:Put"]);
    let body = json!({"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_1"}}});
    let stripe = json!({"headers": {"stripe-signature": "t=1,v1=x"}, "body": body.to_string()});
    assert_eq!(shapes::event_names(&stripe), ["payment_intent.succeeded"]);
    let shopify = json!({"headers": {"x-shopify-topic": "orders/create"}, "body": "{\"id\": 1}"});
    assert_eq!(shapes::event_names(&shopify), ["orders/create"]);
    let form = json!({"body": "type=subscribe&data%5Bemail%5D=ada%40example.com"});
    assert!(
        shapes::event_names(&form).is_empty(),
        "too short to tell from a record's text"
    );
    // near misses: a record's own type and short or spaced texts are not event names
    let slack = json!({"body": "{\"event\": {\"type\": \"message\", \"text\": \"hello there\"}}"});
    assert!(shapes::event_names(&slack).is_empty());
    let record = json!({"items": [{"name": "ObjectCreated:Put", "status": "paid.out"}]});
    assert!(shapes::event_names(&record).is_empty());
}

#[test]
fn a_stand_in_or_the_event_name_where_the_record_was_promised_is_a_warning() {
    let sim = {
        let mut s = sim(&["bitly", "xero", "slack"]);
        s.event_names = vec!["ObjectCreated:Put".into()];
        s
    };
    let params = |url: &str| -> BTreeMap<String, String> { [("url".into(), url.into())].into() };
    let shorten = |url: &str, setting: &str| {
        let c = call("step_1", "POST", SHORTEN, json!({"long_url": url}));
        sim.warnings(&c, Some("step_1"), &params(setting))
    };
    let contact = |name: &str| {
        let c = call(
            "step_1",
            "POST",
            "https://api.xero.com/api.xro/2.0/Contacts",
            json!({"Contacts": [{"Name": name, "EmailAddress": "ada@example.org"}]}),
        );
        sim.warnings(&c, Some("step_1"), &BTreeMap::new())
    };
    // R12-2's two halves, on the actions that still take them from the record: a stand-in
    // where the record's URL was promised (R10-4's Bitly), the event name as a name (t8_296)
    let w = shorten(
        "https://example.com/your-url",
        "https://example.com/your-url",
    );
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains("long_url was to come from the record's url") && w[0].contains("stand-in"),
        "{w:?}"
    );
    let w = contact("ObjectCreated:Put");
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains("Name") && w[0].contains("event name \"ObjectCreated:Put\""),
        "{w:?}"
    );
    // near misses: the record's own URL and name; a URL the user set
    assert!(
        shorten(
            "https://files.example.org/q3.pdf",
            "https://example.com/your-url"
        )
        .is_empty()
    );
    assert!(
        shorten(
            "https://mine.example.org/a.pdf",
            "https://mine.example.org/a.pdf"
        )
        .is_empty()
    );
    assert!(contact("Ada Lovelace").is_empty());
    // a stand-in in a field that is the user's setting (not the record's) is fine
    let c = call(
        "step_2",
        "POST",
        "https://slack.com/api/chat.postMessage",
        json!({"channel": "your-channel", "text": "hi"}),
    );
    let slack = [("channel".to_owned(), "your-channel".to_owned())].into();
    assert!(sim.warnings(&c, Some("step_2"), &slack).is_empty());
}

#[test]
fn every_declared_shape_names_a_catalog_action_a_field_it_sends_and_its_reference() {
    let catalog = Catalog::builtin().unwrap();
    let declared = shapes::declared();
    assert!(
        declared.len() >= 8,
        "shapes.json did not parse: {}",
        declared.len()
    );
    for (key, shape) in declared {
        let (tool, action) = key.split_once('.').unwrap();
        let action = catalog
            .tool(tool)
            .and_then(|t| t.action(action))
            .unwrap_or_else(|| panic!("{key} is no catalog action"));
        assert!(shape.reference.starts_with("https://"), "{key}");
        assert!(
            shape.note.as_deref().is_some_and(|n| n.len() > 20),
            "{key}: no note"
        );
        assert!(
            chrono::NaiveDate::parse_from_str(&shape.read, "%Y-%m-%d").is_ok(),
            "{key}: {}",
            shape.read
        );
        let template = action
            .body
            .clone()
            .or_else(|| Some(serde_json::to_value(&action.kwargs).unwrap()))
            .unwrap();
        for path in shape.fields.keys() {
            let root = path.split('.').next().unwrap();
            let sent = if let Some(name) = path.strip_prefix("query.") {
                action.query.contains_key(name)
            } else if let Some(rest) = path.strip_prefix("header.") {
                // a header the action sends (a path into its JSON: a key of the template)
                let (name, inner) = rest.split_once('.').unwrap_or((rest, ""));
                action
                    .headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .is_some_and(|(_, v)| {
                        inner.is_empty() || v.get(inner.split('.').next().unwrap()).is_some()
                    })
            } else {
                template.get(root).is_some()
            };
            assert!(sent, "{key}: {path} is not a field the action sends");
        }
    }
    for (tool, shape) in shapes::declared_for_tools() {
        let t = catalog
            .tool(tool)
            .unwrap_or_else(|| panic!("{tool} is no catalog tool"));
        assert!(shape.reference.starts_with("https://"), "{tool}");
        assert!(
            shape.note.as_deref().is_some_and(|n| n.len() > 20),
            "{tool}: no note"
        );
        assert!(
            chrono::NaiveDate::parse_from_str(&shape.read, "%Y-%m-%d").is_ok(),
            "{tool}"
        );
        let crate::catalog::Api::Http { auth, .. } = &t.api else {
            panic!("{tool}: tool-wide fields are for HTTP tools");
        };
        for path in shape.fields.keys() {
            // a tool-wide field is a header the tool sends: its headers, or its auth's
            let name = path
                .strip_prefix("header.")
                .unwrap_or_else(|| panic!("{tool}: {path} is not a header"));
            let sent = t.headers.keys().any(|k| k.eq_ignore_ascii_case(name))
                || auth
                    .to_ascii_lowercase()
                    .contains(&name.to_ascii_lowercase());
            assert!(sent, "{tool}: {path} is not a header the tool sends");
        }
    }
}

/// A sandbox never asked to run (only the job is made).
struct Never;

#[async_trait]
impl Sandbox for Never {
    async fn isolation(&self) -> Isolation {
        Isolation::Full
    }
    async fn run(&self, _: SandboxJob) -> Result<SandboxOutcome, WorkflowError> {
        Err(WorkflowError::SandboxBusy)
    }
}

/// The plan and a scripted run of "shorten each S3 upload's link with Bitly": the record (an S3
/// notification) carries no URL, so the step sends its setting's stand-in (R10-4's class).
fn s3_to_bitly() -> (crate::Generated, SandboxJob) {
    let engine = Engine::new().unwrap().with_validation(false);
    let generated = engine
        .generate(&GenerateRequest::text(
            "When a new file is uploaded to S3, shorten its link with Bitly",
        ))
        .unwrap();
    let runner = DryRunner::new(Arc::new(engine), Arc::new(Never));
    let job = runner
        .job(
            &generated.code,
            Some(&generated.plan),
            &DryRunRequest::default(),
        )
        .unwrap();
    (generated, job)
}

#[test]
fn warnings_leave_the_run_ok_and_a_type_mismatch_does_not() {
    let (g, job) = s3_to_bitly();
    let step = g
        .plan
        .steps
        .iter()
        .find(|s| s.tool == "bitly" && s.action == "shorten")
        .unwrap_or_else(|| panic!("no Bitly step planned: {:?}", g.plan.steps));
    assert!(
        job.simulator
            .event_names
            .iter()
            .any(|n| n == "ObjectCreated:Put"),
        "{:?}",
        job.simulator.event_names
    );
    let run = |request: Value| {
        let outcome = SandboxOutcome {
            result: json!({"status": "ok"}),
            calls: vec![call(&step.id, "POST", SHORTEN, request)],
            ..SandboxOutcome::default()
        };
        judge(outcome, &job.simulator, Some(&g.plan), &[])
    };
    let stand_in = step.params.get("url").cloned().unwrap_or_default();
    assert!(shapes::stand_in(&stand_in), "{:?}", step.params);
    let warned = run(json!({"long_url": stand_in}));
    assert!(warned.ok, "{:?}", warned.error);
    assert!(!warned.warnings.is_empty(), "{warned:?}");
    let clean = run(json!({"long_url": "https://files.example.org/q3.pdf"}));
    assert!(clean.ok && clean.warnings.is_empty(), "{clean:?}");
    let refused = run(json!({"long_url": {"href": "https://files.example.org/q3.pdf"}}));
    assert!(!refused.ok);
    let e = refused.error.unwrap();
    assert_eq!(e.kind, "UnexpectedCall");
    assert!(
        e.message.contains("long_url was sent as an object"),
        "{}",
        e.message
    );
}

#[test]
fn a_query_parameter_is_judged_as_text() {
    // Graph's `$top` is an integer, and a query string carries it as text
    let sim = sim(&["outlook"]);
    let catalog = Catalog::builtin().unwrap();
    let action = catalog
        .tool("outlook")
        .unwrap()
        .action("list_received")
        .unwrap();
    let list = |top: &str| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &action.query {
            let v = match k.as_str() {
                "$top" => top,
                "$filter" => "receivedDateTime ge 2026-12-07T00:00:00Z",
                _ => v.as_str().unwrap(),
            };
            query.append_pair(k, v);
        }
        sim.problems(&call(
            "step_1",
            "GET",
            &format!(
                "https://graph.microsoft.com/v1.0/users/me/mailFolders/inbox/messages?{}",
                query.finish()
            ),
            Value::Null,
        ))
    };
    assert!(list("50").is_empty(), "{:?}", list("50"));
    // (the catalog always sends 50: another value is not even this action's call)
    assert!(!list("fifty").is_empty());
}

#[test]
fn an_undocumented_records_times_are_times() {
    // a generic webhook's booking carries a start and an end a calendar can take; words that
    // only contain "end" or "start" are not times
    for name in [
        "start",
        "end",
        "ends_at",
        "check_in_start",
        "due",
        "end_time",
        "startDate",
    ] {
        let v = super::events::plausible(name);
        let text = v.as_str().unwrap_or_default();
        assert!(
            chrono::DateTime::parse_from_rfc3339(text).is_ok(),
            "{name}: {v}"
        );
    }
    for name in ["sender", "vendor", "attendees", "legend", "restart_count"] {
        let v = super::events::plausible(name);
        let is_time = v
            .as_str()
            .is_some_and(|t| chrono::DateTime::parse_from_rfc3339(t).is_ok());
        assert!(!is_time, "{name}: {v}");
    }
}

#[test]
fn an_undocumented_records_country_is_a_code_and_a_count_a_number() {
    // "country" holds "count": it was sampled as 42.5, which no address takes
    for (name, want) in [
        ("country_code", json!("US")),
        ("country", json!("US")),
        ("currency", json!("USD")),
        ("view_count", json!(42.5)),
        ("viewcount", json!(42.5)),
        ("amount", json!(42.5)),
    ] {
        assert_eq!(super::events::plausible(name), want, "{name}");
    }
    assert!(super::events::plausible("account_name").is_string());
}

#[test]
fn a_proto3_json_vendor_takes_a_number_as_its_text_and_others_do_not() {
    // Google parses by the proto3 JSON mapping: "44100" is an int32; QuickBooks does not say so
    let sim = sim(&["google_speech_to_text", "quickbooks"]);
    let recognize = |rate: Value| {
        sim.problems(&call(
            "step_1",
            "POST",
            "https://speech.googleapis.com/v1p1beta1/speech:recognize?key=k",
            json!({"config": {"languageCode": "en-US", "encoding": "MP3", "sampleRateHertz": rate},
                   "audio": {"content": "JVBERi0xLjQK"}}),
        ))
    };
    assert!(
        recognize(json!("44100")).is_empty(),
        "{:?}",
        recognize(json!("44100"))
    );
    assert!(recognize(json!(44100)).is_empty());
    assert!(recognize(json!("forty-four kHz"))[0].contains("sampleRateHertz"));
    let text_amount = call(
        "step_1",
        "POST",
        INVOICE,
        invoice(json!("1"), json!("20.00"), None),
    );
    assert!(!sim.problems(&text_amount).is_empty());
}
