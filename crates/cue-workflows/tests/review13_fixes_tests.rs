//! Review 12's open classes, fixed in the tenth session (docs/catalog-review-12-fixes.md,
//! "Tenth session"), each from prompts of our own: files that never reached the vendor (a
//! content-upload endpoint with its argument in a header and the file's bytes as the body),
//! model steps never told what to do, and the words of a search dropped.

#![expect(clippy::unwrap_used, reason = "tests")]

mod support;

use support::{RECORDER, engine, plan, step};

fn run(code: &str, script: &str) {
    support::run_module(code, &format!("{RECORDER}{script}"));
}

/// R12-2: Dropbox's upload is files/upload on the content host, the argument as JSON text in
/// `Dropbox-API-Arg`, the file's bytes as an octet-stream body; the name is the file's (an S3
/// object's key, not the notification's `eventName`), and a record with no file is exported as a
/// CSV file rather than failing on a missing name.
#[test]
fn a_dropbox_upload_sends_the_files_bytes_to_the_content_host() {
    let p = plan("when a new file lands in our s3 bucket, back it up to dropbox");
    assert_eq!(step(&p, "dropbox").action, "upload_file", "{p:?}");
    let code = engine().code(&p).unwrap();
    assert!(!code.contains("save_url"), "{code}");
    run(
        &code,
        r#"
os.environ.update(DROPBOX_ACCESS_TOKEN="t", DROPBOX_APP_KEY="k", DROPBOX_APP_SECRET="s", DROPBOX_REFRESH_TOKEN="r")
file_bytes = module._file_bytes
module._file_bytes = lambda record: ("q3 2026.pdf", b"%PDF-1.7 bytes")
ANSWER.update({"name": "q3 2026.pdf", "id": "id:1", "size": 14})
note = {"eventName": "ObjectCreated:Put", "bucket": "my-uploads", "key": "reports/q3 2026.pdf"}
step_named("dropbox_upload_file")([note])
uploads = [s for s in sent if "files/upload" in s[0]]
assert len(uploads) == 1, sent
url, headers, data = uploads[0]
assert url == "https://content.dropboxapi.com/2/files/upload", url
assert headers["content-type"] == "application/octet-stream", headers
assert headers["authorization"].startswith("Bearer "), headers
arg = json.loads(headers["dropbox-api-arg"])
assert arg == {"path": "/Workflows/q3 2026.pdf", "mode": "add", "autorename": True}, arg
assert data == b"%PDF-1.7 bytes", data
# a file an earlier step downloaded keeps its own name; a name outside ASCII is escaped
sent.clear()
module._file_bytes = file_bytes
step_named("dropbox_upload_file")([{"name": "Überweisung.pdf", "content_base64": base64.b64encode(b"x").decode()}])
url, headers, data = [s for s in sent if "files/upload" in s[0]][0]
assert headers["dropbox-api-arg"].isascii(), headers
assert json.loads(headers["dropbox-api-arg"])["path"] == "/Workflows/Überweisung.pdf", headers
assert data == b"x"
"#,
    );
    // a record with no file: the payment is exported as a CSV file, named for the run
    let p = plan("when a stripe payment succeeds, save it to dropbox");
    assert_eq!(step(&p, "dropbox").action, "upload_file", "{p:?}");
    let code = engine().code(&p).unwrap();
    run(
        &code,
        r#"
os.environ.update(DROPBOX_ACCESS_TOKEN="t", DROPBOX_APP_KEY="k", DROPBOX_APP_SECRET="s", DROPBOX_REFRESH_TOKEN="r")
ANSWER.update({"name": "x.csv", "id": "id:2", "size": 3})
step_named("dropbox_upload_file")([{"id": "pi_1", "amount": 2000, "currency": "usd"}])
url, headers, data = [s for s in sent if "files/upload" in s[0]][0]
path = json.loads(headers["dropbox-api-arg"])["path"]
assert path.startswith("/Workflows/") and path.endswith("-pi_1.csv"), path
assert data.decode().splitlines()[0] == "id,amount,currency", data
"#,
    );
}

/// The name an upload gives a record's file (`{file_name}`), both ways: the file's own name,
/// an S3 key's or a URL's last part, never the notification's `eventName` nor a path.
#[test]
fn an_uploads_file_name_is_the_files_own() {
    let p = plan("when a new file lands in our s3 bucket, copy it to onedrive");
    let s = step(&p, "onedrive");
    assert_eq!(s.action, "upload_file", "{p:?}");
    let code = engine().code(&p).unwrap();
    assert!(code.contains("_upload_name(_file_source(item))"), "{code}");
    run(
        &code,
        r#"
cases = [
    ({"content_base64": "eA==", "name": "a.pdf"}, "a.pdf"),
    ({"eventName": "ObjectCreated:Put", "bucket": "b", "key": "x/y/call 42.mp3"}, "call 42.mp3"),
    ({"url": "https://example.com/files/report%20q3.pdf"}, "report q3.pdf"),
    ({"filename": "invoice.pdf", "attachmentId": "A1"}, "invoice.pdf"),
    ({"name": "../../etc/passwd"}, "..-..-etc-passwd"),
    ({"name": ".."}, "file"),
    ({"eventName": "ObjectCreated:Put"}, "file"),
    ({}, "file"),
    ("not a record", "file"),
]
for record, want in cases:
    got = module._upload_name(record)
    assert got == want, (record, got, want)
"#,
    );
}

/// The instruction a model step gets, from the clause that asked for it: the tool's name and
/// the words naming it dropped, a question split off at "if" kept.
#[test]
fn a_model_step_is_told_what_the_prompt_asked() {
    let cases: &[(&str, &str, Option<&str>)] = &[
        (
            "When a new Zendesk ticket comes in, summarize it with Mistral and post the summary to #support on Slack",
            "mistral",
            Some("Summarize it."),
        ),
        (
            "When a Typeform response arrives, use OpenAI to tell if the feedback is positive or negative, then post it to #feedback in Slack",
            "openai",
            Some("Tell if the feedback is positive or negative."),
        ),
        (
            "When a Zendesk ticket is created, classify the ticket as urgent or not with Anthropic and post it to #triage on Slack",
            "anthropic",
            Some("Classify the ticket as urgent or not."),
        ),
        (
            "When a new Intercom conversation starts, ask Gemini to draft a reply, then email it to support@example.com with Gmail",
            "google_gemini",
            Some("Draft a reply."),
        ),
        (
            "When a message is posted in Slack, translate it to Spanish using Cohere and post it to #es",
            "cohere",
            Some("Translate it to Spanish."),
        ),
        // a list split at its commas stays whole; the next step's clause is not the task
        (
            "When a support email comes into Gmail, classify it as billing, bug, or other with OpenAI and create a Freshdesk ticket with that tag",
            "openai",
            Some("Classify it as billing, bug, or other."),
        ),
        // the event's words in the same clause are not the task
        (
            "when the quarterly report lands in google drive summarise it with claude and post the summary to slack",
            "anthropic",
            Some("Summarise it."),
        ),
        // a condition after it is not the task, nor the "and" before it
        (
            "When a new Zendesk ticket comes in, summarize it with OpenAI and if it is urgent post it to #support on Slack",
            "openai",
            Some("Summarize it."),
        ),
        // "with AI" names any model
        (
            "When an Etsy review comes in, draft a polite reply with AI and email it to me@example.com with Gmail",
            "openai",
            Some("Draft a polite reply."),
        ),
        // nothing asked but the tool: the step keeps the catalog's default
        (
            "When a new Zendesk ticket comes in, send it to OpenAI and post the answer to #support in Slack",
            "openai",
            None,
        ),
    ];
    for (prompt, tool, want) in cases {
        let p = plan(prompt);
        let s = step(&p, tool);
        let got = s.params.get("instruction").map(String::as_str);
        match want {
            Some(w) => assert_eq!(got, Some(*w), "{prompt}"),
            None => assert_eq!(got, Some("Respond to the text below."), "{prompt}"),
        }
        // steps that ask no model have no instruction
        for other in p.steps.iter().filter(|o| o.tool != *tool) {
            assert!(
                !other.params.contains_key("instruction"),
                "{prompt}: {other:?}"
            );
        }
    }
}

/// The instruction reaches the request of every model tool: OpenAI's system message, the user
/// message before the text for the others.
#[test]
fn the_instruction_reaches_each_models_request() {
    let p = plan(
        "When a new Zendesk ticket comes in, summarize it with Mistral and post the summary to #support on Slack",
    );
    let code = engine().code(&p).unwrap();
    assert!(code.contains("MISTRAL_INSTRUCTION"), "{code}");
    run(
        &code,
        r#"
os.environ.update(MISTRAL_API_KEY="k")
ANSWER.update({"choices": [{"message": {"content": "A printer is on fire."}}]})
out = step_named("mistral_generate_text")([{"subject": "Help", "description": "My printer is on fire!"}])
url, headers, data = sent[-1]
body = json.loads(data)
content = body["messages"][0]["content"]
assert content.startswith("Summarize it.\n\n") and "printer is on fire" in content, content
assert out == [{"text": "A printer is on fire."}], out
"#,
    );
    let p = plan(
        "When a Typeform response arrives, use OpenAI to tell if the feedback is positive or negative, then post it to #feedback in Slack",
    );
    let code = engine().code(&p).unwrap();
    run(
        &code,
        r#"
os.environ.update(OPENAI_API_KEY="k")
ANSWER.update({"choices": [{"message": {"content": "positive"}}]})
step_named("openai_generate_text")([{"text": "Love it"}])
body = json.loads(sent[-1][2])
assert body["messages"][0]["role"] == "system", body
assert body["messages"][0]["content"].endswith("Tell if the feedback is positive or negative."), body
assert body["messages"][1]["content"] == "Love it", body
"#,
    );
}

/// The words a search looks for come from "about", "mentioning", "on the topic of" …, and
/// only into a search's parameter; a vague "our brand" keeps the default, and a Kafka topic
/// is no search.
#[test]
fn a_searchs_words_come_from_what_the_records_are_about() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "Every day at 8am search YouTube for videos about rust programming and post them to Slack",
            "youtube",
            "topic",
            "rust programming",
        ),
        (
            "Every morning find YouTube videos about sourdough baking, then post them to #food on Slack",
            "youtube",
            "topic",
            "sourdough baking",
        ),
        (
            "Every hour search Twitter for tweets mentioning 'Acme Rockets' and post them to #social in Slack",
            "twitter",
            "query",
            "Acme Rockets",
        ),
        (
            "Every morning get Google News articles on the topic of solar power and email them to me@example.com with Gmail",
            "google_news",
            "topic",
            "solar power",
        ),
        (
            "Every Monday get the top headlines from NewsAPI about AI in healthcare and post them to #news in Slack",
            "newsapi",
            "topic",
            "AI in healthcare",
        ),
        // vague: the step's default stays
        (
            "Every hour search Twitter for tweets mentioning our brand and post them to #social in Slack",
            "twitter",
            "query",
            "@yourbrand -from:yourbrand",
        ),
    ];
    for (prompt, tool, param, want) in cases {
        let p = plan(prompt);
        let s = step(&p, tool);
        assert_eq!(
            s.params.get(*param).map(String::as_str),
            Some(*want),
            "{prompt}: {s:?}"
        );
    }
    // a Kafka topic is a resource's name: "about" fills nothing there
    let p = plan(
        "When a Stripe payment succeeds, publish an event about the payment to the Kafka topic",
    );
    let k = step(&p, "kafka");
    assert_eq!(
        k.params.get("topic").map(String::as_str),
        Some("workflow-events"),
        "{p:?}"
    );
    // and the YouTube search's words reach `q`
    let p = plan(
        "Every day at 8am search YouTube for videos about rust programming and post them to Slack",
    );
    let code = engine().code(&p).unwrap();
    assert!(
        code.contains(r#"YOUTUBE_TOPIC = os.environ.get("YOUTUBE_TOPIC", "rust programming")"#),
        "{code}"
    );
}

/// The tool whose records a make verb creates is the one named after it; a tool named after
/// "for"/"from" is what they are made from, and is read (brief item 4). Near misses: a tool
/// made in a clause of its own, and a make verb with no other tool before the source word.
#[test]
fn what_new_records_are_made_from_is_read() {
    let cases: &[(&str, &[(&str, &str)])] = &[
        // "new" contacts on a schedule are read by the contact event's poll, each once (trig15)
        (
            "every friday create quickbooks customers for new hubspot contacts",
            &[
                ("hubspot", "search_new_contacts"),
                ("quickbooks", "create_customer"),
            ],
        ),
        (
            "Every Friday, create QuickBooks customers from the HubSpot contacts",
            &[
                ("hubspot", "list_contacts"),
                ("quickbooks", "create_customer"),
            ],
        ),
        // near misses: the HubSpot contact is made, in its own clause or as the only tool
        (
            "every friday create quickbooks customers and create hubspot contacts",
            &[
                ("hubspot", "create_contact"),
                ("quickbooks", "create_customer"),
            ],
        ),
        (
            "When someone submits my Typeform, create a HubSpot contact for them",
            &[("hubspot", "create_contact")],
        ),
    ];
    for (prompt, want) in cases {
        let p = plan(prompt);
        for (tool, action) in *want {
            assert_eq!(step(&p, tool).action, *action, "{prompt}: {:?}", p.steps);
        }
    }
}

/// R11-1: a listed record keeps what only the list says (BambooHR's `action`, Inserted or
/// Updated, and `lastChanged`) beside what its detail call fetched.
#[test]
fn a_detail_call_keeps_what_only_the_list_says() {
    let p = plan("every hour list the changed employees in bamboohr and post them to slack");
    assert_eq!(
        step(&p, "bamboohr").action,
        "list_changed_employees",
        "{p:?}"
    );
    let code = engine().code(&p).unwrap();
    run(
        &code,
        r#"
def fake(method, url, payload=None, params=None, **kwargs):
    if url.endswith("/employees/changed"):
        return {"latest": "2026-12-07T08:00:00+00:00", "employees": {
            "3": {"id": "3", "action": "Inserted", "lastChanged": "2026-12-07T07:00:00+00:00"},
            "4": {"id": "4", "action": "Updated", "lastChanged": "2026-12-07T07:30:00+00:00"}}}
    return {"id": url.rstrip("/").rsplit("/", 1)[-1], "firstName": "Ada", "workEmail": "ada@example.com"}
module._http = fake
records = step_named("bamboohr_list_changed_employees")([])
got = sorted((r["id"], r["action"], r["firstName"]) for r in records)
assert got == [("3", "Inserted", "Ada"), ("4", "Updated", "Ada")], records
assert all(r["lastChanged"].startswith("2026-12-07T07") for r in records), records
"#,
    );
}

/// Listed S3 objects carry their bucket (ListObjectsV2's `Name`), so a later step reads the
/// object itself, as an upload's record does: a copy to Dropbox sends the object's bytes.
#[test]
fn listed_s3_objects_carry_their_bucket() {
    let p = plan("Every day at 6am copy the objects in my S3 bucket to Dropbox");
    assert_eq!(step(&p, "aws_s3").action, "list_objects", "{p:?}");
    assert_eq!(step(&p, "dropbox").action, "upload_file", "{p:?}");
    let code = engine().code(&p).unwrap();
    run(
        &code,
        r#"
os.environ.update(DROPBOX_ACCESS_TOKEN="t", DROPBOX_APP_KEY="k", DROPBOX_APP_SECRET="s", DROPBOX_REFRESH_TOKEN="r")
class Body:
    def __init__(self, data):
        self.data = data
    def read(self):
        return self.data
class S3:
    def list_objects_v2(self, **kwargs):
        return {"Name": "reports", "Contents": [{"Key": "q3/a.pdf", "Size": 3}]}
    def get_object(self, Bucket, Key):
        assert (Bucket, Key) == ("reports", "q3/a.pdf"), (Bucket, Key)
        return {"Body": Body(b"pdf")}
class Boto3:
    def client(self, name, **kwargs):
        return S3()
module._s3 = S3()
module.boto3 = Boto3()
records = step_named("aws_s3_list_objects")([])
assert [(r["bucket"], r["Key"]) for r in records] == [("reports", "q3/a.pdf")], records
step_named("dropbox_upload_file")(records)
url, headers, data = [s for s in sent if "files/upload" in s[0]][0]
assert json.loads(headers["dropbox-api-arg"])["path"] == "/Workflows/a.pdf", headers
assert data == b"pdf", data
"#,
    );
}

/// SharePoint's files can be a source (dry run t8_125): a new file in a folder of the site's
/// drive is polled, and its bytes are fetched by id below the site, with the tool's token.
#[test]
fn a_new_sharepoint_file_is_fetched_from_the_sites_drive() {
    let p = plan(
        "When a new file is added to our SharePoint contracts folder, extract its text with Amazon Textract and post it to #legal on Slack",
    );
    assert_eq!(p.trigger.tool.as_deref(), Some("sharepoint"), "{p:?}");
    assert_eq!(p.trigger.event.as_deref(), Some("new_file"), "{p:?}");
    let code = engine().code(&p).unwrap();
    run(
        &code,
        r#"
os.environ.update(SHAREPOINT_SITE_ID="contoso.sharepoint.com,1,2", MICROSOFT_ACCESS_TOKEN="t")
ANSWER.update({})
class Raw(Answer):
    pass
def opener_open(request, timeout=None):
    sent.append((request.full_url, {k.lower(): v for k, v in request.header_items()}, request.data))
    if "token" in request.full_url:
        return Answer(json.dumps({"access_token": "at", "expires_in": 3600}).encode())
    return Answer(b"%PDF-1.7")
module._OPENER.open = opener_open
name, data = module._file_bytes({"id": "01ABC", "name": "contract.pdf"})
fetch = [s for s in sent if "/drive/items/" in s[0]]
assert fetch and fetch[0][0].endswith("/drive/items/01ABC/content"), sent
assert "/sites/" in fetch[0][0], fetch
assert fetch[0][1]["authorization"].startswith("Bearer "), fetch
assert data == b"%PDF-1.7", data
"#,
    );
}
