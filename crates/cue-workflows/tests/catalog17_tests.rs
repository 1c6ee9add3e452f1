//! Issue 12's classes fixed on branch catalog17 (docs/catalog-fixes-17.md), each from prompts
//! of our own: the plan, then the generated module run with python3 against faked vendors.
//! Class 1, a translation sends the record's whole text (`{full_text}`), a message still its
//! short text; class 2, a file step whose record names no file sends the file at a URL setting
//! (`{file_or:…}`), named in the assumptions and refused while it holds its stand-in; class 3,
//! values typed as the vendor's example shows them (text from a number, E.164 phone numbers, a
//! date alone as an all-day event, cents inside a JSON text); class 4, window bounds in each
//! vendor's form.

#![expect(clippy::unwrap_used, reason = "tests")]

mod support;

use support::{engine, generated, has_step, plan};

/// [`support::run_with_fake_http`], every call answered with what these vendors' steps read.
fn run(code: &str, script: &str) {
    support::run_with_fake_http(
        code,
        r#"{"ok": True, "id": "r1", "data": {"translations": [{"translatedText": "hola"}]},
            "translations": [{"text": "hola"}], "text": "hola", "headers": {"location": "https://api.tinify.com/output/x"}}"#,
        script,
    );
}

/// Class 1: A ticket translated with DeepL: its subject and its description reach DeepL, once each;
/// a record of a subject alone sends that; a form's answers, not its form's title; a Jira
/// issue's nested summary and description. The Slack message after it is the translation.
#[test]
fn a_translation_sends_the_records_whole_text() {
    let p = plan(
        "when a new zendesk ticket comes in, translate it into spanish with deepl and post the translation to slack #support",
    );
    assert!(has_step(&p, "deepl", "translate"), "{:?}", p.steps);
    let g = generated(p);
    assert!(g.code.contains("_full_text(item)"), "{}", g.code);
    run(
        &g.code,
        r##"
def text_of(record):
    sent.clear()
    step("deepl_translate")([record])
    return sent[-1][2]["text"][0]
ticket = {"id": 35436, "subject": "Printer on fire", "description": "The printer on floor 3 is smoking.\nPlease send someone.", "status": "open"}
assert text_of(ticket) == "Printer on fire\n\nThe printer on floor 3 is smoking.\nPlease send someone.", text_of(ticket)
# a record of a title alone, and a body that repeats its title
assert text_of({"id": 1, "subject": "Hello"}) == "Hello"
assert text_of({"title": "Same", "summary": "Same", "content": "More"}) == "Same\n\nMore"
# a Jira issue: the texts are nested; its description in Atlassian Document Format
jira = {"id": "10002", "key": "ED-1", "fields": {"summary": "Login fails", "description": {"type": "doc", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Users see a 500."}]}]}}}
assert text_of(jira) == "Login fails\n\nUsers see a 500.", text_of(jira)
# a chat message whose text is an object (WhatsApp's text.body)
assert text_of({"from": "16505551234", "text": {"body": "Hola"}}) == "Hola"
# a form's answers, not the title of the form nested in it
form = {"form_id": "lT4Z3j", "definition": {"title": "Feedback", "fields": [{"id": "q1", "title": "What did you like?"}]},
        "answers": [{"type": "text", "text": "Great service", "field": {"id": "q1", "type": "short_text"}}]}
assert text_of(form) == "What did you like?: Great service", text_of(form)
# what the short text would have sent: the subject alone (a message still shows that)
assert module._text(ticket) == "Printer on fire"
"##,
    );
}

/// Class 1, the other way: a message step keeps the short text (`{text}`), and a model step every
/// text (`{record_text}`); only translations changed.
#[test]
fn messages_keep_their_short_text() {
    let engine = engine();
    let catalog = engine.catalog();
    let mut full = Vec::new();
    for tool in catalog.tools() {
        for action in &tool.actions {
            let body = serde_json::to_string(&(&action.body, &action.kwargs)).unwrap();
            if body.contains("{full_text}") {
                full.push(format!("{}.{}", tool.id, action.id));
            }
        }
    }
    full.sort();
    assert_eq!(
        full,
        [
            "amazon_translate.translate",
            "deepl.translate",
            "google_translate.translate"
        ]
    );
    let slack = catalog
        .tool("slack")
        .unwrap()
        .action("post_message")
        .unwrap();
    assert!(
        serde_json::to_string(&slack.body)
            .unwrap()
            .contains("{text}"),
        "{:?}",
        slack.body
    );
}

/// Class 2: A payment has no file: the Cloudinary upload names its URL setting in the assumptions,
/// refuses while it holds its stand-in, and sends the file at the URL once it is set; a record
/// that names its own file sends that one, the setting unread.
#[test]
fn a_file_step_without_a_file_sends_the_url_setting() {
    let p = plan("when a stripe payment succeeds, upload the receipt image to cloudinary");
    assert!(has_step(&p, "cloudinary", "upload"), "{:?}", p.steps);
    let g = generated(p);
    assert!(
        g.assumptions
            .iter()
            .any(|a| a.contains("CLOUDINARY_IMAGE_URL") && a.contains("refuses")),
        "{:?}",
        g.assumptions
    );
    run(
        &g.code,
        r##"
import io
fetched = []
class Answer(io.BytesIO):
    def __enter__(self):
        return self
    def __exit__(self, *a):
        return False
class Opener:
    def open(self, request, timeout=None):
        fetched.append(request.full_url)
        return Answer(b"PNGDATA")
module._OPENER = Opener()
payment = {"id": "pi_1", "amount": 2000, "currency": "usd", "status": "succeeded"}
upload = step("cloudinary_upload")
refused(lambda: upload([payment]), "CLOUDINARY_IMAGE_URL", "names no file")
assert sent == [], sent
module.CLOUDINARY_IMAGE_URL = "https://files.example.org/brand/logo.png"
upload([payment])
assert fetched == ["https://files.example.org/brand/logo.png"], fetched
assert sent[-1][2]["file"] == ("logo.png", b"PNGDATA"), sent[-1]
# a record naming its own file: that file, not the setting's
fetched.clear()
upload([{"id": "x", "url": "https://cdn.example.net/photos/cat.jpg"}])
assert fetched == ["https://cdn.example.net/photos/cat.jpg"], fetched
assert sent[-1][2]["file"] == ("cat.jpg", b"PNGDATA"), sent[-1]
# a setting that is no web URL is refused too
module.CLOUDINARY_IMAGE_URL = "ftp://files.example.org/logo.png"
refused(lambda: upload([payment]), "CLOUDINARY_IMAGE_URL")
"##,
    );
}

/// Class 2, the other way: an S3 upload's record names its file, so no setting is stated; every file
/// action whose input is a media file falls back to a URL setting, storage uploads export the
/// records as a CSV file instead.
#[test]
fn file_fallbacks_are_declared_where_the_input_is_a_media_file() {
    let p = plan("when a photo is uploaded to the s3 bucket my-uploads, upload it to cloudinary");
    assert!(has_step(&p, "cloudinary", "upload"), "{:?}", p.steps);
    let g = generated(p);
    assert!(
        !g.assumptions
            .iter()
            .any(|a| a.contains("CLOUDINARY_IMAGE_URL")),
        "{:?}",
        g.assumptions
    );
    let engine = engine();
    let mut with = Vec::new();
    for tool in engine.catalog().tools() {
        for action in &tool.actions {
            let text = serde_json::to_string(&(&action.body, &action.kwargs)).unwrap();
            if text.contains("_or:") && text.contains("{file") {
                with.push(format!("{}.{}", tool.id, action.id));
            }
        }
    }
    with.sort();
    assert_eq!(
        with,
        [
            "amazon_rekognition.rekognition",
            "amazon_textract.textract",
            "cloudinary.upload",
            // catalog19: the document to sign is the record's file, else the URL setting
            "dropbox_sign.send_request",
            "google_document_ai.process",
            "google_speech_to_text.recognize",
            "openai.transcribe",
            "tinypng.compress",
        ]
    );
}

/// Class 3: ShipStation's orderNumber is text: Shopify's order number 1001 is sent as "1001".
#[test]
fn an_order_number_is_sent_as_text() {
    let p = plan("when a new order is placed in shopify, create an order in shipstation");
    assert!(has_step(&p, "shipstation", "create_order"), "{:?}", p.steps);
    let g = generated(p);
    run(
        &g.code,
        r##"
order = {"id": 450789469, "order_number": 1001, "name": "#1001", "shipping_address": {"name": "Bob Norman", "address1": "Chestnut Street 92", "address2": "", "city": "Louisville", "province_code": "KY", "zip": "40202", "country_code": "US", "phone": "+1 555-625-1199"}}
step("shipstation_create_order")([order])
payload = sent[-1][2]
assert payload["orderNumber"] == "1001", payload
assert payload["shipTo"]["postalCode"] == "40202", payload
assert payload["shipTo"]["phone"] == "+1 555-625-1199", payload
"##,
    );
}

/// Class 3: Twilio's `To` is E.164: an international number in any spelling becomes `+…`, a national
/// one is completed with the country setting or refused naming `To`; a channel address stays.
#[test]
fn a_phone_number_is_sent_as_e164() {
    let p = plan("when a new order is placed in shopify, send the customer an sms with twilio");
    assert!(has_step(&p, "twilio", "send_sms"), "{:?}", p.steps);
    let g = generated(p);
    // a schedule's run record has no phone: its setting's stand-in is a fictional E.164 number
    let s = plan("every monday at 9am send an sms with twilio saying standup time");
    let s = generated(s);
    assert!(
        s.assumptions.iter().any(|a| a.contains("TWILIO_PHONE")
            && a.contains("E.164")
            && a.contains("+15555550100")),
        "{:?}",
        s.assumptions
    );
    run(
        &g.code,
        r##"
sms = step("twilio_send_sms")
def to(phone):
    sent.clear()
    sms([{"id": 1, "name": "#1001", "phone": phone}])
    return sent[-1][2]["To"]
for given, want in [("+1 (415) 555-2345", "+14155552345"), ("+44 161 496 0000", "+441614960000"),
                    ("0044 161 496 0000", "+441614960000"), ("whatsapp:+14155552345", "whatsapp:+14155552345")]:
    assert to(given) == want, (given, to(given))
# national numbers: refused without a country, completed with one
refused(lambda: to("0161 496 0000"), "To", "country")
refused(lambda: to("(415) 555-2345"), "To")
# no phone number in the record (a stand-in, too few digits): none is read (`_reading`,
# dryrun12); the step's setting follows when it has one, else the real `_http` (faked here)
# refuses the empty required `To`: the record's text is never sent
for bad in ("your-phone", "+12"):
    assert to(bad) in (None, getattr(module, "TWILIO_PHONE", None)), (bad, to(bad))
module.TWILIO_COUNTRY_CODE = "44"
assert to("0161 496 0000") == "+441614960000", to("0161 496 0000")
module.TWILIO_COUNTRY_CODE = "+1"
assert to("(415) 555-2345") == "+14155552345"
assert to("1 415 555 2345") == "+14155552345"
"##,
    );
}

/// Class 3: A Google Calendar event from a row whose start is a date alone is an all-day event
/// (`start.date`); a date and a time is `dateTime`; an EventDateTime the record has stays.
#[test]
fn a_date_alone_makes_an_all_day_event() {
    let p = plan("when a new row is added to google sheets, create an event in google calendar");
    assert!(
        has_step(&p, "google_calendar", "create_event"),
        "{:?}",
        p.steps
    );
    let g = generated(p);
    run(
        &g.code,
        r##"
event = step("google_calendar_create_event")
def times(start, end):
    sent.clear()
    event([{"title": "Offsite", "start": start, "end": end}])
    return sent[-1][2]["start"], sent[-1][2]["end"]
assert times("2026-12-08", "2026-12-09") == ({"date": "2026-12-08"}, {"date": "2026-12-09"})
assert times("2026-12-08T10:00:00+01:00", "2026-12-08 11:00:00Z") == (
    {"dateTime": "2026-12-08T10:00:00+01:00"}, {"dateTime": "2026-12-08T11:00:00Z"})
assert times({"date": "2026-12-08"}, {"dateTime": "2026-12-08T11:00:00Z"}) == (
    {"date": "2026-12-08"}, {"dateTime": "2026-12-08T11:00:00Z"})
# epoch seconds (a Stripe `created`) as a date-time
assert times(1796640000, 1796643600)[0] == {"dateTime": "2026-12-07T10:40:00Z"}, times(1796640000, 1796643600)
"##,
    );
}

/// Class 4: Every window bound in a request names its form; a HubSpot search under a schedule sends
/// epoch milliseconds (its cursor's form), a Salesforce query ISO text.
#[test]
fn window_bounds_are_written_in_each_vendors_form() {
    let engine = engine();
    for tool in engine.catalog().tools() {
        for action in &tool.actions {
            let text = serde_json::to_string(&(
                &action.path,
                &action.query,
                &action.body,
                &action.kwargs,
                &action.headers,
                &action.sql,
            ))
            .unwrap();
            for bare in ["{since}", "{now}", "{until}"] {
                assert!(!text.contains(bare), "{}.{}: {bare}", tool.id, action.id);
            }
        }
    }
    let hubspot = engine.catalog().tool("hubspot").unwrap();
    let search = hubspot.action("search_new_contacts").unwrap();
    assert!(
        serde_json::to_string(&search.body)
            .unwrap()
            .contains("{since:unix_ms}")
    );
}

/// Class 3: Expensify's amount is in cents inside its JSON job text: a Shopify order's total in major
/// units is converted there by the order's currency, and the job description is still sent as
/// the JSON text Expensify reads; a Stripe payment's cents are sent as they are.
#[test]
fn an_amount_inside_a_json_text_is_converted_to_cents() {
    for (prompt, record, want) in [
        (
            "when a new order is placed in shopify, create an expense in expensify",
            r#"{"id": 1, "email": "bob@example.com", "total_price": "598.94", "currency": "USD"}"#,
            59894,
        ),
        (
            "when a stripe payment succeeds, create an expense in expensify",
            r#"{"id": "pi_1", "email": "bob@example.com", "amount": 2000, "currency": "usd"}"#,
            2000,
        ),
    ] {
        let p = plan(prompt);
        assert!(has_step(&p, "expensify", "create_expense"), "{:?}", p.steps);
        let g = generated(p);
        run(
            &g.code,
            &format!(
                r##"
step("expensify_create_expense")([json.loads('{record}')])
job = sent[-1][2]["requestJobDescription"]
assert isinstance(job, str), job
job = json.loads(job)
item = job["inputSettings"]["transactionList"][0]
assert item["amount"] == {want}, item
assert job["type"] == "create" and job["inputSettings"]["employeeEmail"] == "bob@example.com", job
"##
            ),
        );
    }
}
