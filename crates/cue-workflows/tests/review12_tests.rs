//! Review 12's catalog findings (docs/catalog-review-12.md), each from a prompt of our own: the
//! plan, then the generated module run with python3 against faked vendors. R12-1 QuickBooks'
//! Item id, R12-3 Speech-to-Text's encoding, R12-6 IMAP, S3 and HubSpot, and R12-4's action and
//! event choices that the catalog's words decide.

#![expect(clippy::unwrap_used, reason = "tests")]

mod support;

use support::{engine, plan, step};

use cue_workflows::GenerateRequest;

/// Runs `script` with the module of `code` loaded as `module`; skipped without python3.
fn run(code: &str, script: &str) {
    support::run_module(code, &format!("calls = []\n{script}"));
}

/// R12-1: the invoice line's ItemRef is the Item id setting, never the whole record (a step
/// parameter named `item` was shadowed by the `{item}` placeholder).
#[test]
fn a_quickbooks_invoice_line_names_the_item_setting_not_the_record() {
    let p = plan("whenever a stripe charge goes through, raise an invoice for it in quickbooks");
    let s = step(&p, "quickbooks");
    assert_eq!(s.action, "create_invoice", "{p:?}");
    assert_eq!(s.params.get("item_id").map(String::as_str), Some("1"));
    let code = engine().code(&p).unwrap();
    assert!(
        code.contains(r#""ItemRef": {"value": QUICKBOOKS_ITEM_ID}"#),
        "{code}"
    );
    assert!(!code.contains(r#""ItemRef": {"value": item}"#), "{code}");
}

/// A workflow saved before its action gained a parameter (as QuickBooks' `item_id` above)
/// still renders: the parameter takes the action's default instead of failing on an unknown
/// template reference.
#[test]
fn a_plan_saved_before_its_action_gained_a_parameter_still_renders() {
    let mut p =
        plan("whenever a stripe charge goes through, raise an invoice for it in quickbooks");
    let s = p.steps.iter_mut().find(|s| s.tool == "quickbooks").unwrap();
    assert!(s.params.remove("item_id").is_some(), "{s:?}");
    let code = engine().code(&p).unwrap();
    assert!(
        code.contains(r#""ItemRef": {"value": QUICKBOOKS_ITEM_ID}"#),
        "{code}"
    );
    assert!(
        code.contains(r#"QUICKBOOKS_ITEM_ID = os.environ.get("QUICKBOOKS_ITEM_ID", "1")"#),
        "{code}"
    );
}

/// R12-3: v1p1beta1 (MP3 exists only there) with the encoding and sample rate the reference
/// requires for every format but FLAC and WAV; other formats through the step's settings.
#[test]
fn speech_to_text_states_the_audio_encoding_and_rate() {
    let mut p = plan(
        "once a voice memo lands in my s3 bucket, get google speech to text to transcribe it and send the text to slack",
    );
    assert_eq!(step(&p, "google_speech_to_text").action, "recognize");
    let script = r#"
module._file_bytes = lambda record: ("memo.mp3", b"ID3\x04audio")
def fake(method, url, payload=None, **kwargs):
    calls.append((url, payload))
    return {"results": [{"alternatives": [{"transcript": "hello"}]}]}
module._http = fake
name = [n for n in dir(module) if n.endswith("google_speech_to_text_recognize")][0]
out = getattr(module, name)([{"bucket": "b", "key": "memo.mp3"}])
url, payload = calls[0]
assert url.startswith("https://speech.googleapis.com/v1p1beta1/speech:recognize"), url
assert payload["config"]["encoding"] == "ENCODING", payload["config"]
assert payload["config"]["sampleRateHertz"] == "RATE", payload["config"]
assert payload["config"]["languageCode"] == "en-US", payload["config"]
assert payload["audio"] == {"content": base64.b64encode(b"ID3\x04audio").decode()}
assert out == [{"text": "hello"}], out
"#;
    let code = engine().code(&p).unwrap();
    run(
        &code,
        &script.replace("ENCODING", "MP3").replace("RATE", "44100"),
    );
    // the other way: for a file whose media type the vendor's page does not name (raw PCM),
    // the settings are what is sent (catalog18: an MP3, FLAC or WAV file's own type decides)
    let s = p
        .steps
        .iter_mut()
        .find(|s| s.tool == "google_speech_to_text")
        .unwrap();
    s.params
        .insert("encoding".to_owned(), "LINEAR16".to_owned());
    s.params
        .insert("sample_rate_hertz".to_owned(), "16000".to_owned());
    let code = engine().code(&p).unwrap();
    run(
        &code,
        &script
            .replace("memo.mp3", "memo.raw")
            .replace("ENCODING", "LINEAR16")
            .replace("RATE", "16000"),
    );
}

/// An `imaplib` whose mailbox marks a message read when it is fetched without PEEK from a
/// mailbox opened read-write, as RFC 3501 says a server does.
const MAILBOX: &str = r#"
import email.message
class Mailbox:
    seen = set()
    log = []
    def __init__(self, *a, **k): self.readonly = None
    def __enter__(self): return self
    def __exit__(self, *a): return False
    def login(self, *a): return "OK", [b""]
    def select(self, mailbox="INBOX", readonly=False):
        self.readonly = readonly
        Mailbox.log.append(("select", readonly))
        return "OK", [b"60"]
    def search(self, charset, *criteria):
        unseen = [str(n).encode() for n in range(1, 61) if n not in Mailbox.seen]
        return "OK", [b" ".join(unseen)]
    def fetch(self, number, parts):
        Mailbox.log.append(("fetch", number, parts))
        if "PEEK" not in parts and not self.readonly:
            Mailbox.seen.add(int(number))
        m = email.message.EmailMessage()
        m["From"], m["Subject"] = "ana@example.com", "Mail %s" % number.decode()
        m["Message-ID"] = "<m%s@example.com>" % number.decode()
        m.set_content("body")
        return "OK", [(number + b" (BODY[] {1}", m.as_bytes()), b")"]
module.imaplib.IMAP4_SSL = Mailbox
"#;

/// R12-6: the new-email poll leaves the user's mail unread (read-only select, BODY.PEEK[]),
/// reads the newest unread messages, and dedupes by Message-ID instead.
#[test]
fn the_imap_poll_leaves_mail_unread_and_dedupes_by_message_id() {
    let p = plan("any time an email shows up in my imap mailbox, forward the subject to slack");
    assert_eq!(p.trigger.event.as_deref(), Some("new_email"), "{p:?}");
    let code = engine().code(&p).unwrap();
    run(
        &code,
        &format!(
            r#"{MAILBOX}
first = module._imap_unseen()
again = module._imap_unseen()
assert Mailbox.seen == set(), Mailbox.seen
assert ("select", True) in Mailbox.log and ("select", False) not in Mailbox.log, Mailbox.log
fetched = [int(e[1]) for e in Mailbox.log if e[0] == "fetch"][:50]
assert fetched == list(range(11, 61)), fetched
assert all(e[2] == "(BODY.PEEK[])" for e in Mailbox.log if e[0] == "fetch")
assert first == again and first[-1]["message_id"] == "<m60@example.com>", first[-1]
"#
        ),
    );
    let e = engine();
    let imap = e.catalog().tool("imap").unwrap();
    let cursor = imap.events[0].cursor.as_ref().unwrap();
    assert_eq!(cursor.dedupe.as_deref(), Some("message_id"));
    assert!(imap.events[0].fields.iter().any(|f| f.path == "message_id"));
}

/// R12-6: a message about an S3 upload names the object, not only its bucket.
#[test]
fn an_s3_upload_message_names_the_object_key() {
    let p = plan("when somebody drops a file into our s3 bucket, tell the team on slack");
    assert_eq!(p.trigger.event.as_deref(), Some("object_created"), "{p:?}");
    let code = engine().code(&p).unwrap();
    run(
        &code,
        r#"
note = {"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "my-uploads"}, "object": {"key": "reports/q3+2026.pdf", "size": 5}}}
records = module._records_from_s3("my-uploads", "reports/q3 2026.pdf", note)
text = module._text(records)
assert text == "s3://my-uploads/reports/q3 2026.pdf", text
assert records[0]["key"] == "reports/q3 2026.pdf" and records[0]["bucket"] == "my-uploads"
"#,
    );
}

/// R12-6: HubSpot's new-contact poll filters `createdate` by epoch milliseconds (the stale
/// note said ISO text).
#[test]
fn hubspots_contact_poll_filters_by_epoch_milliseconds() {
    let p = plan("whenever hubspot gets a new contact, drop a note in slack");
    assert_eq!(p.trigger.event.as_deref(), Some("contact_created"), "{p:?}");
    let code = engine().code(&p).unwrap();
    run(
        &code,
        r#"
import datetime
start = datetime.datetime(2026, 12, 7, 8, 0, tzinfo=datetime.timezone.utc)
module._window = lambda: (start, start)
def fake(method, url, payload=None, **kwargs):
    calls.append(payload["filterGroups"][0]["filters"][0]["value"])
    return {"results": []}
module._http = fake
name = [n for n in dir(module) if n.endswith("hubspot_search_new_contacts")][0]
module._CURSOR.clear()
getattr(module, name)([])
# a kept cursor, as HubSpot answered it (ISO) or as kept (epoch ms)
module._CURSOR["since"] = "2026-12-07T08:00:00.123Z"
getattr(module, name)([])
module._CURSOR["since"] = 1796630400456
getattr(module, name)([])
assert calls == ["1796630400000", "1796630400123", "1796630400456"], calls
"#,
    );
    let e = engine();
    let hubspot = e.catalog().tool("hubspot").unwrap();
    let note = hubspot.events[0]
        .reference
        .as_ref()
        .and_then(|r| r.note.clone())
        .unwrap();
    assert!(!note.contains("renders {since} as an ISO 8601"), "{note}");
}

/// R12-4: each action's words choose it over its siblings, the verb shared and the object
/// deciding; and the other way, a sibling's own object keeps its action.
#[test]
fn the_object_named_chooses_among_a_tools_actions() {
    let cases: &[(&str, &str, &str)] = &[
        // HubSpot: deals, not contacts, whatever the verb
        (
            "each friday at 5pm list the deals in hubspot and send them to slack",
            "hubspot",
            "list_deals",
        ),
        (
            "every weekday at noon read our hubspot deals and share them in slack",
            "hubspot",
            "list_deals",
        ),
        (
            "each friday at 5pm export the hubspot deals with their stage to slack",
            "hubspot",
            "list_deals",
        ),
        (
            "each friday at 5pm list the contacts in hubspot and send them to slack",
            "hubspot",
            "list_contacts",
        ),
        (
            "each friday at 5pm read the hubspot tasks that are due and send them to slack",
            "hubspot",
            "list_tasks",
        ),
        // Xero: a contact, not an invoice
        (
            "after a jotform submission, create a contact for the person in xero",
            "xero",
            "create_contact",
        ),
        (
            "after a jotform submission, add the sender to xero as a new contact",
            "xero",
            "create_contact",
        ),
        (
            "after a stripe charge succeeds, create an invoice in xero",
            "xero",
            "create_invoice",
        ),
        (
            "after a stripe charge succeeds, create an invoice in xero for the customer",
            "xero",
            "create_invoice",
        ),
        // QuickBooks: an invoice, not a customer, and a customer still a customer
        (
            "when a hubspot deal closes, create an invoice in quickbooks",
            "quickbooks",
            "create_invoice",
        ),
        (
            "create a quickbooks invoice when a shopify order is paid",
            "quickbooks",
            "create_invoice",
        ),
        (
            "when a stripe customer is created, create the same customer in quickbooks",
            "quickbooks",
            "create_customer",
        ),
        // YouTube: words searched across YouTube, not one channel's uploads
        (
            "each morning at 7 search youtube for videos about home brewing and send them to slack",
            "youtube",
            "search_by_topic",
        ),
        (
            "each morning at 7 list the new videos uploaded to my youtube channel and send them to slack",
            "youtube",
            "search_videos",
        ),
    ];
    let e = engine();
    for (prompt, tool, action) in cases {
        let p = e.plan(&GenerateRequest::text(*prompt)).unwrap();
        let s = p.steps.iter().find(|s| s.tool == *tool);
        assert_eq!(
            s.map(|s| s.action.as_str()),
            Some(*action),
            "{prompt}: {:?}",
            p.steps
        );
    }
}

/// R12-4: "pushes" is GitHub's push event, and a pull request is still its own.
#[test]
fn a_push_is_githubs_push_event() {
    let cases: &[(&str, &str)] = &[
        (
            "whenever a teammate pushes to our github repo, tell slack",
            "push",
        ),
        (
            "each time commits are pushed to github, notify slack",
            "push",
        ),
        (
            "whenever a pull request is opened on github, tell slack",
            "pull_request_opened",
        ),
    ];
    let e = engine();
    for (prompt, event) in cases {
        let p = e.plan(&GenerateRequest::text(*prompt)).unwrap();
        assert_eq!(
            (p.trigger.tool.as_deref(), p.trigger.event.as_deref()),
            (Some("github"), Some(*event)),
            "{prompt}"
        );
    }
}

/// R12-4: a topic the prompt gives reaches YouTube's `q`.
#[test]
fn a_youtube_search_topic_reaches_the_request() {
    let p = plan(
        "each morning at 7 search youtube for videos with the topic 'home brewing' and send them to slack",
    );
    let s = step(&p, "youtube");
    assert_eq!(s.action, "search_by_topic");
    assert_eq!(s.params["topic"], "home brewing");
    let code = engine().code(&p).unwrap();
    assert!(!code.contains("channelId"), "{code}");
}
