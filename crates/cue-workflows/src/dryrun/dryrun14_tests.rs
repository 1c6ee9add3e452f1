//! The fifteenth session's dryrun14 (docs/dry-run.md): a call that sends a setting still at
//! its README-named stand-in (`your-merchant`, `your-slack-user-id`) warns, naming the
//! setting to fill; real values, credentials' placeholders, settings the run was given and
//! look-alike words do not.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

fn call(url: &str, request: Value) -> RecordedCall {
    RecordedCall {
        step: Some("step_1".into()),
        method: "POST".into(),
        url: url.into(),
        request,
        status: 200,
        headers: BTreeMap::new(),
    }
}

const MODULE: &str = r#"
ACME_TOKEN = os.environ.get("ACME_TOKEN", "{{ACME_TOKEN}}")
ACME_MERCHANT = os.environ.get("ACME_MERCHANT", "your-merchant")
ACME_CURRENCY = os.environ.get("ACME_CURRENCY", "USD")
ACME_PHONE = os.environ.get("ACME_PHONE", "+15555550100")
ACME_AMOUNT = os.environ.get("ACME_AMOUNT", "your-amount")
ACME_NOTE = os.environ.get("ACME_NOTE", "your-\"quoted\"")
OTHER_MERCHANT = os.environ.get("OTHER_MERCHANT", "your-merchant")
ACME_ODD = os.environ.get("ACME_WRONG", "your-odd")
POLL_MINUTES = int(os.environ.get("POLL_MINUTES", "5"))
"#;

/// The module's settings at a stand-in, both ways: a credential's `{{NAME}}`, a real value,
/// a setting the run's environment gives (sampled), an escaped literal and a line that is no
/// setting are not listed.
#[test]
fn the_modules_stand_in_settings_are_read_from_its_settings() {
    let env = BTreeMap::from([("ACME_AMOUNT".to_owned(), "100".to_owned())]);
    let got = stand_in_settings(MODULE, &env);
    let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["ACME_MERCHANT", "ACME_PHONE", "OTHER_MERCHANT"]);
    assert_eq!(got[0].1, "your-merchant");
}

/// A call sending a stand-in names its setting (the call's tool's own when two settings hold
/// the value) and where it was sent; look-alike words and other values do not.
#[test]
fn a_call_sending_a_stand_in_names_its_setting() {
    let settings = stand_in_settings(MODULE, &BTreeMap::new());
    let sent = |c: &RecordedCall, tool| stand_ins_sent(c, &settings, Some(tool));

    let c = call(
        "https://api.acme.test/expenses",
        json!({"job": "{\"merchant\": \"your-merchant\"}", "to": "+15555550100"}),
    );
    let got = sent(&c, "acme");
    assert!(got.contains(&("ACME_MERCHANT".into(), "your-merchant".into(), "job".into())));
    assert!(got.iter().any(|(n, _, at)| n == "ACME_PHONE" && at == "to"));
    assert!(!got.iter().any(|(n, ..)| n == "OTHER_MERCHANT"), "{got:?}");
    // another tool's call: both holders are named, none is its own
    assert_eq!(
        sent(&c, "zeta")
            .iter()
            .filter(|(_, v, _)| v == "your-merchant")
            .count(),
        2
    );
    // in the URL
    let c = call("https://api.acme.test/m/your-merchant/x", json!({}));
    assert_eq!(sent(&c, "acme")[0].2, "the URL");

    // must not warn: a longer name holding the word, a real value, nothing sent
    for request in [
        json!({"merchant": "your-merchant-2"}),
        json!({"merchant": "my-your-merchant"}),
        json!({"merchant": "Corner Deli", "currency": "USD"}),
        json!({"to": "+155555501009"}),
        json!({}),
    ] {
        let c = call("https://api.acme.test/expenses", request.clone());
        assert!(sent(&c, "acme").is_empty(), "{request}");
    }
}

/// Through the verdict: a stand-in sent warns once per setting and leaves `ok`; a warning that
/// a record field fell back to the same stand-in names the setting instead of a second one.
#[test]
fn the_verdict_warns_naming_the_setting() {
    let mut sim = Simulator::for_tools(std::iter::empty());
    sim.stand_in_settings = stand_in_settings(MODULE, &BTreeMap::new());
    let outcome = SandboxOutcome {
        calls: vec![
            call("https://api.acme.test/e", json!({"m": "your-merchant"})),
            call("https://api.acme.test/e", json!({"m": "your-merchant"})),
            call("https://api.acme.test/e", json!({"m": "Corner Deli"})),
        ],
        ..SandboxOutcome::default()
    };
    let run = judge(outcome, &sim, None, &[]);
    let named: Vec<&String> = run
        .warnings
        .iter()
        .filter(|w| w.contains("your-merchant"))
        .collect();
    // no route: both holders are named, each once
    assert_eq!(named.len(), 2, "{:#?}", run.warnings);
    assert!(named[0].contains("ACME_MERCHANT") && named[0].contains("before deploying"));
    assert!(named[0].starts_with("step_1"), "{named:?}");

    let outcome = SandboxOutcome {
        calls: vec![call("https://api.acme.test/e", json!({"m": "Corner Deli"}))],
        ..SandboxOutcome::default()
    };
    assert!(judge(outcome, &sim, None, &[]).warnings.is_empty());
}
