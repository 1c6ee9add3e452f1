//! Review 16's findings (docs/catalog-review-16.md, fixes in docs/catalog-review-16-fixes.md),
//! each from prompts and records of our own: R16-1 a field that names something gets one
//! printable line, R16-2 a queued transcription is waited for, R16-3 a search sends the words
//! said (everything, said so, when none are), R16-4 "save it to Box" makes no folder and "look
//! up … in my Elasticsearch index" reads.

#![expect(clippy::unwrap_used, reason = "tests")]

mod support;

use support::{assumes, generated, has_step, plan, run_with_fake_http, step};

/// R16-1: a multi-line record gives way to its name-like field (else its first line); a
/// one-line value is kept; what Box prohibits is replaced; an empty name is refused.
#[test]
fn a_folder_is_named_with_one_printable_line() {
    let p = plan("when a new hubspot contact is created, create a folder for them in box");
    assert!(has_step(&p, "box", "create_folder"), "{:?}", p.steps);
    let g = generated(p);
    assert!(
        assumes(&g.plan, "name of one line"),
        "{:?}",
        g.plan.assumptions
    );
    run_with_fake_http(
        &g.code,
        r#"{"id": "f1", "type": "folder"}"#,
        r#"
create = step("box_create_folder")
def name_for(record):
    sent.clear()
    create([record])
    return sent[-1][2]["name"]
# several lines: the record's name-like field, in the entry's order
assert name_for({"company": "Analytical Engines Ltd", "email": "ada@example.org", "message": "Hi\nthere"}) == "Analytical Engines Ltd", sent
assert name_for({"name": "Ada / Lovelace", "email": "ada@example.org"}) == "Ada - Lovelace", sent
# several lines and no name-like field: the first line
first = name_for({"email": "ada@example.org", "message": "Please call"})
assert "\n" not in first and first, first
# one line: kept, only what Box prohibits changed
assert name_for({"name": "Ada Lovelace"}) == "Ada Lovelace", sent
assert name_for({"name": "s3://bucket/calls/a.mp3"}) == "s3:--bucket-calls-a.mp3", sent
assert name_for({"name": "Q3 report  "}) == "Q3 report", sent
# nothing to name it with: refused, not sent
sent.clear()
refused(lambda: create([{"name": ".."}]), "name")
assert not sent, sent
"#,
    );
}

/// R16-1: the same rule reaches every entry whose body names a task or issue with the
/// record's text (Jira's summary), and leaves fields that are not names alone.
#[test]
fn an_issue_summary_is_one_line_but_its_description_keeps_the_lines() {
    let p = plan("when a zendesk ticket is created, create a jira issue");
    assert!(has_step(&p, "jira", "create_issue"), "{:?}", p.steps);
    let g = generated(p);
    run_with_fake_http(
        &g.code,
        r#"{"id": "10001", "key": "OPS-1"}"#,
        r#"
create = step("jira_create_issue")
create([{"subject": "Printer on fire", "description": "It smokes.\nPlease help.", "priority": "high"}])
summary = sent[-1][2]["fields"]["summary"]
assert summary == "Printer on fire", sent
"#,
    );
}

/// R16-2: AssemblyAI's queued transcript is asked for until completed and the next step gets
/// its text; an error status fails the run with AssemblyAI's message.
#[test]
fn a_queued_transcript_is_waited_for_and_its_text_handed_on() {
    let p = plan(
        "when an audio file is uploaded to my s3 bucket, transcribe it with assemblyai and post the transcript to slack",
    );
    assert!(has_step(&p, "assemblyai", "transcribe"), "{:?}", p.steps);
    let g = generated(p);
    assert!(assumes(&g.plan, "queued job"), "{:?}", g.plan.assumptions);
    assert!(
        g.code.contains("get_transcript") || g.code.contains("/transcript/"),
        "{}",
        g.code
    );
    run_with_fake_http(
        &g.code,
        r#"({"id": "tr_1", "status": "queued", "text": None} if method == "POST" else
            {"id": "tr_1", "status": "processing", "text": None} if len(sent) < 3 else
            {"id": "tr_1", "status": "completed", "text": "hello from the call"})"#,
        r#"
module.time.sleep = lambda s: None
transcribe = step("assemblyai_transcribe")
out = transcribe([{"file_url": "https://files.example.com/call-7.mp3", "name": "call-7.mp3"}])
assert "hello from the call" in repr(out), out
gets = [s for s in sent if s[0] == "GET"]
assert gets and gets[-1][1].endswith("/transcript/tr_1"), sent
# a transcript in error fails the run with AssemblyAI's words
module._http = lambda method, url, payload=None, **kw: (
    {"id": "tr_2", "status": "queued"} if method == "POST" else
    {"id": "tr_2", "status": "error", "error": "Download error, unable to access file"})
try:
    transcribe([{"file_url": "https://files.example.com/call-8.mp3", "name": "call-8.mp3"}])
    raise AssertionError("an errored transcript must fail")
except Exception as exc:
    assert "Download error" in str(exc), exc
"#,
    );
}

/// R16-3: the words a search is asked for reach Elasticsearch's query, whatever verb asks
/// ("search … for", "query … for", "look up '…'"); with no words the search reads every
/// document and the plan says so.
#[test]
fn a_search_sends_the_words_said_and_says_when_none_are() {
    let cases: &[(&str, &str)] = &[
        (
            "every day at 9am search elasticsearch for timeouts and post them to slack",
            "timeouts",
        ),
        (
            "every hour query elasticsearch for payment failures and send them to slack",
            "payment failures",
        ),
        (
            "every morning look up \"disk full\" in my elasticsearch index and post the hits to slack",
            "disk full",
        ),
    ];
    for (prompt, words) in cases {
        let p = plan(prompt);
        let s = step(&p, "elasticsearch");
        assert_eq!(s.action, "search", "{prompt}: {:?}", p.steps);
        assert_eq!(s.params["words"], *words, "{prompt}");
        let g = generated(p);
        assert!(
            !assumes(&g.plan, "no words to search"),
            "{prompt}: {:?}",
            g.plan.assumptions
        );
        assert!(g.code.contains("simple_query_string"), "{prompt}");
        assert!(!g.code.contains("match_all"), "{prompt}");
    }
    // no words said: everything, and the plan says so
    let p = plan(
        "every day at 9am read the documents in my elasticsearch index and post them to slack",
    );
    let s = step(&p, "elasticsearch");
    assert_eq!(s.action, "search", "{:?}", p.steps);
    let g = generated(p);
    assert!(
        assumes(&g.plan, "no words to search"),
        "{:?}",
        g.plan.assumptions
    );
    assert!(g.code.contains("match_all"), "{}", g.code);
    assert!(!g.code.contains("simple_query_string"), "{}", g.code);
}

/// R16-4: "save it to Box" uploads the file (Box's upload, added) instead of making a folder
/// named after it; creating a folder is still planned when asked. Indexing is still planned
/// for "index it".
#[test]
fn save_to_box_uploads_and_index_it_still_writes() {
    for prompt in [
        "when a file is added to my dropbox folder, save it to box",
        "when a pdf lands in my s3 bucket, upload it to box",
    ] {
        let p = plan(prompt);
        assert!(
            !has_step(&p, "box", "create_folder"),
            "{prompt}: {:?}",
            p.steps
        );
        assert!(
            has_step(&p, "box", "upload_file"),
            "{prompt}: {:?}",
            p.steps
        );
    }
    let p = plan("when a new stripe customer is created, create a folder for them in box");
    assert!(has_step(&p, "box", "create_folder"), "{:?}", p.steps);
    let p = plan("when a stripe payment succeeds, index it in elasticsearch");
    assert!(has_step(&p, "elasticsearch", "index"), "{:?}", p.steps);
}

/// R16-3, the same class in another entry: Notion's search takes the words said in `query`;
/// with none, the body is the old one (every page) and the plan says so.
#[test]
fn notion_pages_are_searched_for_the_words_said() {
    let p = plan("every day at 9am list the notion pages about onboarding and post them to slack");
    let s = step(&p, "notion");
    assert_eq!(s.action, "search_pages", "{:?}", p.steps);
    assert_eq!(s.params["words"], "onboarding");
    let g = generated(p);
    assert!(g.code.contains("onboarding"), "{}", g.code);
    let p = plan("every day at 9am list my notion pages and post them to slack");
    let s = step(&p, "notion");
    assert_eq!(s.action, "search_pages", "{:?}", p.steps);
    let g = generated(p);
    assert!(
        assumes(&g.plan, "no words to search"),
        "{:?}",
        g.plan.assumptions
    );
}
