//! Issue 12's catalog leftovers fixed on branch catalog20 (docs/catalog-fixes-20.md), each as a
//! mechanism, from prompts and records of our own: a search's words reach a query string
//! (Jira's JQL) escaped for its quotes; "text my phone" sends an SMS to the number (SNS
//! Publish's PhoneNumber), in E.164; a poll hands on only the event's items and says which
//! folder it reads (Box's `new_file`); Greenhouse calls Harvest v3 with a client-credentials
//! token; titles and analytics events say what happened, not the workflow's name.

#![expect(clippy::unwrap_used, reason = "tests")]

mod support;

use support::{assumes, generated, has_step, plan, run_module, run_with_fake_http, step};

/// Jira: the words said go in the JQL as `text ~ "…"`, with `\` and `"` escaped; with no words
/// the JQL is the project's recent issues and the plan says it reads everything.
#[test]
fn a_jira_search_sends_the_words_in_its_jql_and_says_when_none_are() {
    for (prompt, words) in [
        (
            "every day at 9am search jira for login errors and post them to slack",
            "login errors",
        ),
        (
            "every hour find jira issues about \"payment timeout\" and send them to slack",
            "payment timeout",
        ),
    ] {
        let p = plan(prompt);
        let s = step(&p, "jira");
        assert_eq!(s.action, "search_issues", "{prompt}: {:?}", p.steps);
        assert_eq!(s.params["words"], words, "{prompt}");
        let g = generated(p);
        assert!(
            !assumes(&g.plan, "no words to search"),
            "{prompt}: {:?}",
            g.plan.assumptions
        );
        run_with_fake_http(
            &g.code,
            r#"{"issues": []}"#,
            &format!(
                r#"
search = step("jira_search_issues")
def jql():
    sent.clear()
    search([{{}}])
    method, url, payload, kwargs = sent[-1]
    assert url.endswith("/rest/api/3/search/jql"), url
    return kwargs["params"]["jql"]
assert jql() == 'project = OPS AND text ~ "{words}" AND updated >= -1d ORDER BY updated DESC', jql()
# a quote or a backslash in the words stays inside the JQL string
name = [n for n in dir(module) if n.isupper() and n.endswith("WORDS")][0]
setattr(module, name, 'say "hi" \\ bye')
assert jql() == r'project = OPS AND text ~ "say \"hi\" \\ bye" AND updated >= -1d ORDER BY updated DESC', jql()
"#
            ),
        );
    }
    // no words: the project's recent issues, and the plan says so
    let p = plan("every day at 9am list my jira issues and post them to slack");
    let s = step(&p, "jira");
    assert_eq!(s.action, "search_issues", "{:?}", p.steps);
    let g = generated(p);
    assert!(
        assumes(&g.plan, "no words to search"),
        "{:?}",
        g.plan.assumptions
    );
    assert!(!g.code.contains("text ~"), "{}", g.code);
    assert!(g.code.contains("updated >= -1d"), "{}", g.code);
}

/// The same mechanism leaves a search that has its words in a body alone (Elasticsearch's
/// `body_without`), and an action without `query_without` sends its one query.
#[test]
fn query_without_is_only_where_the_entry_has_it() {
    let g = generated(plan(
        "every day at 9am search elasticsearch for timeouts and post them to slack",
    ));
    assert!(g.code.contains("simple_query_string"), "{}", g.code);
    let g = generated(plan(
        "every morning search youtube for videos about electric vehicles and post them to slack",
    ));
    assert!(!g.code.contains("text ~"), "{}", g.code);
}

/// SNS: "text my phone" / "send an SMS" publish to a phone number (PhoneNumber, in E.164, a
/// national number completed with the country code setting), with sns:Publish on `*`; a topic
/// is still what "publish … to my SNS topic" writes to.
#[test]
fn texting_a_phone_with_sns_publishes_to_the_number_not_a_topic() {
    for prompt in [
        "when a stripe payment fails, text my phone with amazon sns",
        "when a stripe payment fails, send an sms with amazon sns",
    ] {
        let p = plan(prompt);
        assert!(has_step(&p, "sns", "send_sms"), "{prompt}: {:?}", p.steps);
        assert!(!has_step(&p, "sns", "publish"), "{prompt}: {:?}", p.steps);
        let g = generated(p);
        assert!(!g.code.contains("TopicArn"), "{prompt}: {}", g.code);
        assert!(g.template_yaml.contains("sns:Publish"), "{prompt}");
        run_module(
            &g.code,
            r#"
calls = []
class Sns:
    def publish(self, **kwargs):
        calls.append(kwargs)
        return {"MessageId": "m1"}
for name in dir(module):
    if name.startswith("_sns"):
        setattr(module, name, Sns())
send = step("sns_send_sms")
send([{"phone": "+14155550100", "description": "Card declined"}])
assert calls[-1]["PhoneNumber"] == "+14155550100", calls
assert calls[-1]["Message"], calls
assert "TopicArn" not in calls[-1], calls
# a national number is completed with the country code setting
country = [n for n in dir(module) if n.isupper() and n.endswith("COUNTRY_CODE")][0]
setattr(module, country, "1")
send([{"phone": "(415) 555-0100", "description": "Card declined"}])
assert calls[-1]["PhoneNumber"] == "+14155550100", calls
print("ok")
"#,
        );
    }
    let p = plan("when a stripe payment fails, publish a notification to my sns topic");
    assert!(has_step(&p, "sns", "publish"), "{:?}", p.steps);
    assert!(!has_step(&p, "sns", "send_sms"), "{:?}", p.steps);
    let g = generated(p);
    assert!(g.code.contains("TopicArn"), "{}", g.code);
}

/// Box `new_file`: the poll hands on files only (a new subfolder in the folder is no new
/// file), and the plan says which folder it reads (one folder's own items, the setting); a
/// poll whose event has no match (Dropbox) hands on every new item as before.
#[test]
fn a_box_poll_hands_on_files_only_and_says_which_folder_it_reads() {
    let p = plan("when a new file is added to my box folder, post its name to slack");
    assert_eq!(
        p.trigger.event.as_deref(),
        Some("new_file"),
        "{:?}",
        p.trigger
    );
    let g = generated(p);
    assert!(
        assumes(&g.plan, "not its subfolders"),
        "{:?}",
        g.plan.assumptions
    );
    assert!(g.code.contains("only the event's items run"), "{}", g.code);
    run_with_fake_http(
        &g.code,
        r#"{"entries": [{"id": "1", "type": "file", "name": "q3.pdf", "created_at": "2030-01-01T00:00:00Z"}, {"id": "2", "type": "folder", "name": "Archive", "created_at": "2030-01-01T00:00:00Z"}, {"id": "3", "type": "web_link", "name": "site", "created_at": "2030-01-01T00:00:00Z"}]}"#,
        r#"
module.CURSOR_TABLE = ""
summary = module.run_workflow([{}])
posts = [s for s in sent if "slack" in s[1]]
assert len(posts) == 1, sent
assert "q3.pdf" in json.dumps(posts[0][2]), posts
assert "Archive" not in json.dumps(posts), posts
"#,
    );
    let g = generated(plan(
        "when a new file is added to my dropbox folder, post its name to slack",
    ));
    assert!(!g.code.contains("only the event's items run"), "{}", g.code);
}

/// Greenhouse: Harvest v3 at its v3 base URL with a Bearer token the function obtains from
/// the client credentials (sub = the acting user), no v1 API key; the candidate create stays
/// refused while its v3 body is unread.
#[test]
fn greenhouse_is_harvest_v3_with_a_client_credentials_token() {
    let raw = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/catalog/tools/greenhouse.json"
    ))
    .unwrap();
    let tool: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(tool["api"]["base_url"], "https://harvest.greenhouse.io/v3");
    assert_eq!(tool["api"]["auth"], "bearer GREENHOUSE_ACCESS_TOKEN");
    let x = &tool["token_exchange"];
    assert_eq!(x["grant"], "client_credentials");
    assert_eq!(x["token_url"], "https://auth.greenhouse.io/token");
    assert_eq!(x["client_auth"], "basic");
    assert_eq!(x["params"]["sub"], "{GREENHOUSE_USER_ID}");
    assert!(!raw.contains("GREENHOUSE_API_KEY"), "the v1 key is gone");
    let create = &tool["actions"][0];
    assert_eq!(
        create["example"]["request"]["url"],
        "https://harvest.greenhouse.io/v3/candidates"
    );
    assert!(create["unusable"].as_str().unwrap().contains("v3"));
    // the planner does not plan it: it refuses and says why, or plans without it
    let answer = support::engine().plan(&cue_workflows::GenerateRequest::text(
        "when someone submits my typeform, create a candidate in greenhouse",
    ));
    match answer {
        Ok(p) => assert!(
            !has_step(&p, "greenhouse", "create_candidate"),
            "{:?}",
            p.steps
        ),
        Err(e) => assert!(e.to_string().contains("Greenhouse"), "{e}"),
    }
}

/// R16-5: an analytics event and a title the record does not give are named for what
/// happened (the trigger event, "Payment succeeded"), not for the workflow ("Stripe →
/// Segment"); under a schedule, where nothing happened but the time, the workflow's name
/// stays; a record's own title still wins.
#[test]
fn names_and_subjects_say_what_happened_not_the_workflows_name() {
    let g = generated(plan(
        "when a stripe payment succeeds, track an event in segment",
    ));
    assert!(
        g.code.contains("EVENT_NAME = \"Payment succeeded\""),
        "{}",
        g.code
    );
    run_with_fake_http(
        &g.code,
        r#"{"success": True}"#,
        r#"
track = step("segment_track")
track([{"id": "pi_1", "amount": 1200, "customer": "cus_1"}])
assert sent[-1][2]["event"] == "Payment succeeded", sent
"#,
    );
    let g = generated(plan("every monday at 9am track an event in segment"));
    let name = g.plan.name.clone();
    assert!(
        g.code.contains(&format!(
            "EVENT_NAME = {}",
            serde_json::to_string(&name).unwrap()
        )),
        "{}",
        g.code
    );
    // an e-mail's subject: the record's title, else the event's name, on one line
    let g = generated(plan(
        "when a stripe payment fails, send me an email with gmail",
    ));
    run_with_fake_http(
        &g.code,
        r#"{"id": "m1"}"#,
        r#"
import email
send = [getattr(module, n) for n in dir(module) if n.startswith("step_") and "gmail" in n][0]
def subject(record):
    sent.clear()
    send([record])
    raw = sent[-1][2]["raw"]
    return email.message_from_bytes(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))["Subject"]
assert subject({"id": "pi_2", "last_payment_error": {"message": "Card declined"}}) == "Payment failed", sent
"#,
    );
}
