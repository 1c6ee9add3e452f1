//! Issue 12's leftovers fixed on branch catalog19 (docs/catalog-fixes-19.md), each from prompts
//! of our own: the generated bundle read, or its module run with python3 against faked vendors.
//! Item 1, every setting the module reads declared in template.yaml and explained in the
//! README; item 3, Dropbox Sign's file sent as bytes in bracketed multipart parts; item 5,
//! Graph's wall times without an offset and currency codes in capitals.

#![expect(clippy::unwrap_used, reason = "tests")]

mod support;

use std::collections::{BTreeMap, BTreeSet};

use support::{generated, has_step, plan};

/// The literal names the module reads with `os.environ.get("NAME", default)`, with the default
/// as written (a Python literal).
fn env_reads(code: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut rest = code;
    while let Some(i) = rest.find("os.environ.get(\"") {
        rest = &rest[i + 16..];
        let Some(end) = rest.find('"') else { break };
        let name = rest[..end].to_owned();
        let after = &rest[end + 1..];
        let default = after
            .strip_prefix(", ")
            .map(|d| {
                // the literal up to the closing parenthesis of the call (defaults hold no `)`
                // of their own in these modules, except inside a string)
                let mut depth = 0;
                let mut in_str = false;
                let mut prev = ' ';
                let mut end = d.len();
                for (j, c) in d.char_indices() {
                    match c {
                        '"' if prev != '\\' => in_str = !in_str,
                        '(' if !in_str => depth += 1,
                        ')' if !in_str && depth == 0 => {
                            end = j;
                            break;
                        }
                        ')' if !in_str => depth -= 1,
                        _ => {}
                    }
                    prev = c;
                }
                d[..end].to_owned()
            })
            .unwrap_or_default();
        out.insert(name, default);
        rest = after;
    }
    out
}

/// The template's `Environment.Variables` (name -> value as written) and `Parameters` (logical
/// name -> its `Default:` line's value, if any).
fn template_env(yaml: &str) -> (BTreeMap<String, String>, BTreeMap<String, Option<String>>) {
    let mut vars = BTreeMap::new();
    let mut params = BTreeMap::new();
    let mut section = "";
    let mut current: Option<String> = None;
    for line in yaml.lines() {
        let indent = line.len() - line.trim_start().len();
        let text = line.trim();
        if text.starts_with('#') || text.is_empty() {
            continue;
        }
        if indent == 0 {
            section = if text == "Parameters:" { "params" } else { "" };
        }
        if text == "Variables:" {
            section = "vars";
            continue;
        }
        match section {
            "params" if indent == 2 => {
                let name = text.trim_end_matches(':').to_owned();
                params.insert(name.clone(), None);
                current = Some(name);
            }
            "params" if indent == 4 => {
                if let (Some(v), Some(name)) = (text.strip_prefix("Default: "), &current) {
                    params.insert(name.clone(), Some(v.to_owned()));
                }
            }
            "vars" if indent == 10 => {
                let (k, v) = text.split_once(": ").unwrap();
                vars.insert(k.to_owned(), v.to_owned());
            }
            "vars" if indent < 10 => section = "",
            _ => {}
        }
    }
    (vars, params)
}

/// A double-quoted literal (YAML's or Python's, as these files write plain text) as its text.
fn unquoted(literal: &str) -> Option<String> {
    serde_json::from_str::<String>(literal).ok()
}

/// The settings the module's helpers read (the rest are the steps').
const HELPERS: [&str; 7] = [
    "DETAIL_LIMIT",
    "JOB_WAIT_SECONDS",
    "POLL_MINUTES",
    "POSTGRES_PORT",
    "MYSQL_PORT",
    "SMTP_PORT",
    "ALLOWED_PRIVATE_HOSTS",
];

/// Item 1: over workflows of every delivery and many vendors, the names the module reads from
/// the environment are exactly the template's environment variables (a rotated token's
/// `_SECRET_ARN`, which the module builds from the credential's name, aside); each but the
/// resources the template creates (`CURSOR_TABLE`) is a parameter, a setting's with the
/// module's own default; every setting is in the README; and the environment stays within
/// Lambda's 4 KB.
#[test]
fn every_setting_the_module_reads_is_a_parameter_of_the_template_and_in_the_readme() {
    let prompts = [
        "every morning at 7 send me the top google news headlines about electric cars on slack #news",
        "every 15 minutes post new Shopify orders to Slack",
        "every weekday at 9am post new Shopify orders to Slack",
        "every hour post yesterday's Shopify orders to Slack",
        "when a stripe payment succeeds add a row to the google sheet Payments",
        "when a pdf is uploaded to the s3 bucket invoices, extract the text with textract and post it to slack #finance",
        "when a message arrives in the sqs queue orders, insert it into the postgres table orders",
        "every night copy new rows from the mysql table signups to hubspot contacts",
        "when a new github issue is opened, email the team at dev@example.com over smtp",
        "transcribe new recordings in the s3 bucket calls with assemblyai and save the transcript to notion",
        "when an audio file is uploaded to the s3 bucket calls, transcribe it with amazon transcribe and post the text to slack",
        "every day run a bigquery query counting yesterday's signups and post the result to slack",
        "every monday summarize last week's gmail messages in my inbox and post the summary to slack",
        "when someone submits my typeform, create a lead in salesforce",
        "when a new row is added to airtable table Leads, send an sms with twilio",
        "when a zendesk ticket is created, create a jira issue",
        "every day at 6pm export new stripe charges as a csv file to dropbox",
        "when a deal is won in pipedrive, create an invoice in quickbooks",
        "every hour check the RSS feed https://blog.example.com/feed and post new items to discord",
        "when a new file is added to box, send it to dropbox sign for signature",
        "when a calendly event is booked, create an outlook calendar event",
        "when a new mailchimp subscriber joins, add them to the google sheet Subscribers",
        "every day at 8am translate new intercom conversations with deepl and post them to teams",
        "when a kinesis record arrives, store it in dynamodb table events",
        "every 5 minutes read new messages from redis list jobs and send them to pagerduty",
    ];
    let mut settings_seen = 0;
    let mut helper_seen: BTreeSet<String> = BTreeSet::new();
    for prompt in prompts {
        let p = support::engine()
            .plan(&cue_workflows::GenerateRequest::text(prompt))
            .unwrap_or_else(|e| panic!("{prompt}: {e:?}"));
        let g = generated(p);
        let reads = env_reads(&g.code);
        let (vars, params) = template_env(&g.template_yaml);
        let rotated: BTreeSet<&String> =
            vars.keys().filter(|k| k.ends_with("_SECRET_ARN")).collect();
        if !rotated.is_empty() {
            assert!(g.code.contains("name + \"_SECRET_ARN\""), "{prompt}");
        }
        let declared: BTreeSet<&String> = vars.keys().filter(|k| !rotated.contains(k)).collect();
        let read: BTreeSet<&String> = reads.keys().collect();
        assert_eq!(read, declared, "{prompt}\n{}\n{}", g.template_yaml, g.code);
        let size: usize = vars.iter().map(|(k, v)| k.len() + v.len()).sum();
        assert!(size < 4096, "{prompt}: {size} bytes of environment");
        for (name, value) in &vars {
            let Some(logical) = value.strip_prefix("!Ref ") else {
                panic!("{prompt}: {name} is {value}, not a parameter")
            };
            if name == "CURSOR_TABLE" || rotated.contains(name) {
                continue;
            }
            assert!(params.contains_key(logical), "{prompt}: {logical}");
            if g.plan.placeholders().contains(name) {
                continue;
            }
            // a setting: its parameter defaults to the module's own default, and the README
            // says what it is
            let default = reads.get(name).and_then(|d| unquoted(d));
            let declared = params
                .get(logical)
                .cloned()
                .flatten()
                .and_then(|d| unquoted(&d));
            assert_eq!(declared, default, "{prompt}: {name}");
            assert!(
                g.readme.contains(&format!("`{name}`")),
                "{prompt}: {name}\n{}",
                g.readme
            );
            if HELPERS.contains(&name.as_str()) {
                helper_seen.insert(name.clone());
            } else {
                settings_seen += 1;
            }
        }
    }
    assert!(settings_seen >= 20, "{settings_seen} step settings");
    for helper in HELPERS {
        assert!(helper_seen.contains(helper), "{helper_seen:?}");
    }
}

/// Item 1, the window's side: a calendar window reads no minutes, so the module reads no
/// `POLL_MINUTES` and the template declares none; a window of minutes declares its minutes.
#[test]
fn poll_minutes_are_declared_where_the_module_reads_them() {
    let calendar = generated(plan("every hour post yesterday's Shopify orders to Slack"));
    assert!(!calendar.code.contains("POLL_MINUTES"), "{}", calendar.code);
    assert!(!calendar.template_yaml.contains("POLL_MINUTES"));
    let minutes = generated(plan("every 15 minutes post new Shopify orders to Slack"));
    assert!(
        minutes
            .code
            .contains(r#"os.environ.get("POLL_MINUTES", "15")"#)
    );
    assert!(
        minutes
            .template_yaml
            .contains("POLL_MINUTES: !Ref PollMinutes")
    );
    assert!(minutes.template_yaml.contains("Default: \"15\""));
    assert!(minutes.readme.contains("`POLL_MINUTES`"));
}

/// Item 3: Dropbox Sign gets the file's bytes as `files[0]` and the signer as
/// `signers[0][email_address]`/`signers[0][name]`, no JSON part; a record naming no file
/// takes the document URL setting, refused while it holds its stand-in.
#[test]
fn dropbox_sign_gets_the_files_bytes_in_bracketed_parts() {
    let p = plan(
        "when a pdf is uploaded to the s3 bucket contracts, send it for signature with dropbox sign",
    );
    assert!(
        has_step(&p, "dropbox_sign", "send_request"),
        "{:?}",
        p.steps
    );
    let g = generated(p);
    assert!(g.code.contains("multipart=_bracketed"), "{}", g.code);
    support::run_with_fake_http(
        &g.code,
        r#"{"signature_request": {"signature_request_id": "s1"}}"#,
        r#"
send = step("dropbox_sign_send_request")
module._file_bytes = lambda record: ("nda.pdf", b"%PDF-1")
send([{"bucket": "contracts", "key": "nda.pdf", "email": "jo@example.com", "name": "Jo"}])
method, url, payload, kwargs = sent[-1]
assert url.endswith("/signature_request/send"), url
parts = kwargs["multipart"](payload)
names = [n for n, _ in parts]
assert ("files[0]", ("nda.pdf", b"%PDF-1")) in parts, parts
assert dict(parts)["signers[0][email_address]"] == "jo@example.com", parts
assert dict(parts)["signers[0][name]"] == "Jo", parts
assert "signers" not in names and "files" not in names and "file_urls" not in names, names
body = module._multipart(parts, "b").decode("latin-1")
assert 'name="files[0]"; filename="nda.pdf"' in body, body
assert 'name="signers[0][email_address]"' in body, body
# text in a list is `name[]`, once per value; nothing empty is sent
assert module._bracketed({"cc": ["a@x", None, "b@x"], "m": {"k": 1, "e": None}}) == [("cc[]", "a@x"), ("cc[]", "b@x"), ("m[k]", 1)]
"#,
    );
    // a workflow whose records carry no file: the document URL setting, refused as a stand-in
    let p = plan("when a hubspot deal is won, send the contract for signature with dropbox sign");
    if has_step(&p, "dropbox_sign", "send_request") {
        let g = generated(p);
        support::run_with_fake_http(
            &g.code,
            "{}",
            r#"
send = step("dropbox_sign_send_request")
refused(lambda: send([{"email": "jo@example.com", "name": "Jo"}]), "DOCUMENT_URL")
"#,
        );
    }
}

/// Item 5: Outlook's `dateTime` is a wall time in the `timeZone` beside it (UTC): an offset is
/// converted and left out, fractions of a second dropped; FreshBooks' currency code is sent in
/// capitals. Both ways: a local time, a code already in capitals and a text that is no time
/// pass as they are.
#[test]
fn graph_wall_times_and_currency_codes_take_the_vendors_form() {
    let p = plan("when a calendly event is booked, create an outlook calendar event");
    assert!(has_step(&p, "outlook", "create_event"), "{:?}", p.steps);
    let g = generated(p);
    support::run_with_fake_http(
        &g.code,
        r#"{"id": "e1"}"#,
        r#"
create = step("outlook_create_event")
def sent_start(start):
    sent.clear()
    create([{"start": start, "end": start, "name": "Call"}])
    payload = sent[-1][2]
    assert payload["start"]["timeZone"] == "UTC", payload
    return payload["start"]["dateTime"]
for given, want in [
    ("2026-12-08T10:00:00+02:00", "2026-12-08T08:00:00"),
    ("2026-12-08T10:00:00.123456Z", "2026-12-08T10:00:00"),
    ("2026-12-08T23:30:00-05:00", "2026-12-09T04:30:00"),
    ("2026-12-08T10:00:00", "2026-12-08T10:00:00"),
    ("2026-12-08 10:00:00", "2026-12-08T10:00:00"),
    ("2026-12-08", "2026-12-08T00:00:00"),
    ("next tuesday", "next tuesday"),
]:
    assert sent_start(given) == want, (given, sent_start(given), want)
"#,
    );
    let p = plan("when a stripe charge succeeds, create an invoice in freshbooks");
    assert!(
        has_step(&p, "freshbooks", "create_invoice"),
        "{:?}",
        p.steps
    );
    let g = generated(p);
    support::run_with_fake_http(
        &g.code,
        r#"{"response": {"result": {"invoice": {"id": 1}}}}"#,
        r#"
create = step("freshbooks_create_invoice")
def code_of(currency):
    sent.clear()
    create([{"customer_id": "7", "date": "2026-12-08", "amount": 1999, "currency": currency}])
    return sent[-1][2]["invoice"]["lines"][0]["unit_cost"]["code"]
assert code_of("usd") == "USD", code_of("usd")
assert code_of(" eur ") == "EUR", code_of(" eur ")
assert code_of("GBP") == "GBP"
"#,
    );
}

/// Item 2: a record without a text of its own is posted as `field: value` lines, never as its
/// JSON; a list of such records as one block each; a record with a text keeps its text.
#[test]
fn records_in_a_chat_message_read_as_field_lines_not_json() {
    let p = plan("when a stripe charge succeeds, post it to slack #sales");
    assert!(has_step(&p, "slack", "post_message"), "{:?}", p.steps);
    let g = generated(p);
    support::run_with_fake_http(
        &g.code,
        r#"{"ok": True}"#,
        r#"
charge = {"id": "ch_1", "amount": 1999, "currency": "usd", "paid": True, "customer": {"email": "jo@example.com"}, "refunds": []}
assert module._text(charge) == "id: ch_1\namount: 1999\ncurrency: usd\npaid: True\ncustomer.email: jo@example.com", module._text(charge)
many = module._text([charge, dict(charge, id="ch_2")])
assert many.count("id: ch_") == 2 and "\n\nid: ch_2" in many and "{" not in many, many
# a record with a text of its own, and a list of them: the texts, one a line, as before
assert module._text({"text": "hello", "user": "U1"}) == "hello"
assert module._text([{"text": "a"}, {"text": "b"}]) == "a\nb"
# bounded: 30 lines of a record, 20 records
wide = {"f%d" % i: i for i in range(100)}
assert module._text(wide).count("\n") == 29, module._text(wide)
assert module._text([{"text": str(i)} for i in range(50)]).count("\n") == 19
"#,
    );
}

/// Item 4: a record's address goes to Shippo in Shippo's keys, from `data/catalog/addresses.json`:
/// Shopify's `address1`/`province_code`/`zip`/`country_code`, Stripe's `line1`/`postal_code`,
/// WooCommerce's `address_1`/`postcode`; a name from its parts; a saved address's id and
/// keys already Shippo's pass as they are.
#[test]
fn a_records_address_is_sent_in_the_vendors_keys() {
    let p = plan("when a shopify order is paid, create a shipment in shippo");
    assert!(has_step(&p, "shippo", "create_shipment"), "{:?}", p.steps);
    let g = generated(p);
    assert!(g.code.contains("_addressed("), "{}", g.code);
    support::run_with_fake_http(
        &g.code,
        r#"{"object_id": "s1", "rates": []}"#,
        r#"
addressed = module._addressed
def shippo(address):
    payload = {"address_to": address, "parcels": []}
    slots = [("address_to", {"name": ["name", "full_name", "first_name+last_name"], "street1": ["street1", "address1", "address_1", "line1"], "street2": ["street2", "address2", "address_2", "line2"], "city": ["city"], "state": ["state", "province_code", "province"], "zip": ["zip", "postal_code", "postcode"], "country": ["country_code", "country"]})]
    return addressed(payload, slots)["address_to"]
shopify = {"first_name": "Jo", "last_name": "Li", "name": "Jo Li", "address1": "1 Main St", "address2": "", "city": "Ottawa", "province": "Ontario", "province_code": "ON", "zip": "K1A 0B1", "country": "Canada", "country_code": "CA"}
assert shippo(shopify) == {"name": "Jo Li", "street1": "1 Main St", "city": "Ottawa", "state": "ON", "zip": "K1A 0B1", "country": "CA"}, shippo(shopify)
stripe = {"line1": "2 High St", "line2": "Flat 3", "city": "Leeds", "state": None, "postal_code": "LS1 1AA", "country": "GB"}
assert shippo(stripe) == {"street1": "2 High St", "street2": "Flat 3", "city": "Leeds", "zip": "LS1 1AA", "country": "GB"}, shippo(stripe)
woo = [{"first_name": "Ann", "last_name": "Bo", "address_1": "3 Rue X", "postcode": 75001, "city": "Paris", "country": "FR"}]
assert shippo(woo) == {"name": "Ann Bo", "street1": "3 Rue X", "zip": "75001", "city": "Paris", "country": "FR"}, shippo(woo)
assert shippo("d799c2679e644279b59fe661ac8fa488") == "d799c2679e644279b59fe661ac8fa488"
already = {"name": "A", "street1": "S", "city": "C", "state": "CA", "zip": "1", "country": "US"}
assert shippo(dict(already)) == already
# the step itself: the order's shipping address in Shippo's keys
create = step("shippo_create_shipment")
create([{"address": shopify, "weight": "2"}])
sent_to = sent[-1][2]["address_to"]
assert sent_to["street1"] == "1 Main St" and sent_to["state"] == "ON" and sent_to["country"] == "CA", sent_to
assert "address1" not in sent_to and "province_code" not in sent_to, sent_to
"#,
    );
}
