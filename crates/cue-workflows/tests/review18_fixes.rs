//! Review 18's findings (docs/catalog-review-18.md, fixes in docs/catalog-review-18-fixes.md),
//! each from prompts and records of our own: R18-1 an AWS call's record field falls back to a
//! setting and is refused empty, R18-2 rich-text objects are text and a social post shares a
//! record's title and link, R18-3 an e-mail named otherwise reads the record's only address,
//! R18-4 a scheduled list sends its window, R18-6 a poll applies the condition its event names.

#![expect(clippy::unwrap_used, reason = "tests")]

mod support;

use cue_workflows::catalog::{Api, Catalog};
use support::{generated, has_step, plan, run_module, run_with_fake_http};

/// Replaces every boto3 client of the module by a recorder of its calls (`calls`).
const AWS_RECORDER: &str = r#"
calls = []
class Client:
    def __getattr__(self, op):
        def call(**kwargs):
            calls.append((op, kwargs))
            return {"MessageId": "m1"}
        return call
for name in dir(module):
    if name.startswith("_") and type(getattr(module, name)).__name__ == "client" or name in ("_sns",):
        setattr(module, name, Client())
"#;

/// R18-1: an SMS through SNS from a record without a phone (a GitHub issue) sends the step's
/// setting, the README says so, and an empty setting is refused before the call; a record with
/// a phone binds it.
#[test]
fn an_aws_call_falls_back_to_a_setting_for_a_missing_record_field() {
    let p = plan("when an issue is opened in my github repo, send an sms with amazon sns");
    assert!(has_step(&p, "sns", "send_sms"), "{:?}", p.steps);
    let g = generated(p);
    assert!(
        g.readme.contains("SNS\\_PHONE") || g.readme.contains("SNS_PHONE"),
        "{}",
        g.readme
    );
    assert!(g.code.contains("_required("), "{}", g.code);
    run_module(
        &g.code,
        &format!(
            r#"{AWS_RECORDER}
send = step("sns_send_sms")
send([{{"title": "Crash on login", "number": 12}}])
assert calls[-1][1]["PhoneNumber"] == "+15555550100", calls
send([{{"title": "Crash on login", "phone": "+14155550123"}}])
assert calls[-1][1]["PhoneNumber"] == "+14155550123", calls
setattr(module, setting("SNS_PHONE"), "")
n = len(calls)
refused(lambda: send([{{"title": "Crash on login"}}]), "PhoneNumber")
assert len(calls) == n, calls
print("ok")
"#
        ),
    );
}

/// R18-1, the class: every AWS action whose keywords read a record field the user supplies is
/// declared required (the setting fallback and the refusal follow from it); keywords filled
/// from the action's own settings need no declaration.
#[test]
fn aws_actions_declare_the_record_fields_they_send() {
    let catalog = Catalog::builtin().unwrap();
    let sns = catalog.tool("sns").unwrap().action("send_sms").unwrap();
    assert!(sns.required.iter().any(|r| r == "PhoneNumber"), "{sns:?}");
    assert!(sns.required.iter().any(|r| r == "Message"), "{sns:?}");
    // ids handed on by an earlier step of the same tool (Redshift's statement, a transcription
    // job's S3 object) are not the user's to supply
    let handed_on = ["Id", "bucket", "key", "id"];
    for tool in catalog.tools() {
        if !matches!(tool.api, Api::Boto3 { .. }) {
            continue;
        }
        for action in &tool.actions {
            for (k, v) in &action.kwargs {
                let Some(name) = v
                    .as_str()
                    .and_then(|s| s.strip_prefix("{field:"))
                    .and_then(|s| s.strip_suffix('}'))
                else {
                    continue;
                };
                assert!(
                    handed_on.contains(&name) || action.required.contains(k),
                    "{}.{}: {k} reads {{field:{name}}} but is not required",
                    tool.id,
                    action.id
                );
            }
        }
    }
}

/// R18-2: rich-text objects (WordPress's `{rendered}`, Bitbucket's `{raw, markup, html}`) read
/// as their text, tags and entities gone; look-alikes keep today's reading.
#[test]
fn rich_text_objects_read_as_text() {
    let g = generated(plan(
        "every morning at 8am list my wordpress posts and post them to slack",
    ));
    run_module(
        &g.code,
        r#"
post = {"id": 9, "link": "https://news.example.net/2026/launch/",
        "title": {"rendered": "Launch &amp; more"},
        "excerpt": {"rendered": "<p>We shipped it&#8217;s first <b>beta</b>.</p>\n"},
        "content": {"rendered": "<p>Long text.</p>", "protected": False}}
assert module._text(post) == "Launch & more", module._text(post)
lines = module._field_lines(post)
assert "excerpt: We shipped it\u2019s first beta." in lines, lines
assert "rendered" not in lines and "<p>" not in lines, lines
bb = {"id": 3, "title": "", "content": {"raw": "Fix the **login**", "markup": "markdown",
                                       "html": "<p>Fix the <strong>login</strong></p>", "type": "rendered"}}
assert module._text(bb) == "Fix the **login**", module._text(bb)
assert module._text({"title": {"rendered": "<h2>One</h2><p>Two</p>"}}) == "One\nTwo"
# look-alikes: an object with a lone `raw` value, a locale map, a plain title
assert module._text({"title": "Plain", "link": "https://x.example/"}) == "Plain"
assert module._rich({"raw": "x"}) is None
assert module._rich({"en-US": "Hello"}) is None
assert module._text({"id": 1, "meta": {"a": {"title": "x"}}}) == "x"
print("ok")
"#,
    );
}

/// R18-2: a social post of a blog post or a feed item is its title and link; a Slack message
/// of the same record keeps its text, and a post of a record with no title (a payment) is its
/// text as before.
#[test]
fn a_social_post_shares_the_records_title_and_link() {
    let p = plan("when a new post goes live on my wordpress blog, toot it on mastodon");
    assert!(has_step(&p, "mastodon", "post_status"), "{:?}", p.steps);
    let g = generated(p);
    assert!(g.code.contains("_share("), "{}", g.code);
    run_with_fake_http(
        &g.code,
        r#"{"id": "1"}"#,
        r#"
toot = step("mastodon_post_status")
toot([{"id": 4, "link": "https://news.example.net/2026/launch/", "title": {"rendered": "Launch day"},
       "content": {"rendered": "<p>Body</p>"}}])
status = [s for s in sent if s[0] == "POST"][-1][2]["status"]
assert status == "Launch day https://news.example.net/2026/launch/", status
# no link: the text alone
toot([{"id": 5, "title": {"rendered": "Draft notes"}, "content": {"rendered": "<p>Body</p>"}}])
status = [s for s in sent if s[0] == "POST"][-1][2]["status"]
assert status == "Draft notes", status
"#,
    );
    let p = plan("when a new item appears in my rss feed, post it on bluesky");
    if has_step(&p, "bluesky", "post") {
        let g = generated(p);
        assert!(g.code.contains("_share("), "{}", g.code);
    }
    // look-alikes: a chat message is the record's text; a payment has no title to share
    for prompt in [
        "when a new post goes live on my wordpress blog, post it to slack",
        "when a stripe payment succeeds, toot it on mastodon",
    ] {
        let g = generated(plan(prompt));
        assert!(!g.code.contains("_share("), "{prompt}");
    }
}

/// R18-3: a form whose one e-mail answer is the person's: the Google Workspace user to suspend
/// is that address, and the README does not say the record lacks it; a response with two
/// addresses still sends the setting.
#[test]
fn an_email_named_otherwise_reads_the_records_only_address() {
    let p = plan(
        "when my leaver checklist typeform gets a response, suspend that person's google workspace account",
    );
    assert!(
        has_step(&p, "google_workspace", "suspend_user"),
        "{:?}",
        p.steps
    );
    let g = generated(p);
    assert!(!g.readme.contains("does not carry it"), "{}", g.readme);
    assert!(g.readme.contains("only e-mail address"), "{}", g.readme);
    run_with_fake_http(
        &g.code,
        "{}",
        r#"
suspend = step("google_workspace_suspend_user")
def answer(ref, address):
    return {"type": "email", "email": address, "field": {"id": ref, "type": "email", "ref": ref}}
one = {"form_id": "f1", "token": "t1", "answers": [
    {"type": "text", "text": "Grace Hopper", "field": {"id": "a", "type": "short_text", "ref": "name"}},
    answer("contact", "grace@navy.example")]}
suspend([one])
assert sent[-1][1].endswith("/users/grace%40navy.example") or sent[-1][1].endswith("/users/grace@navy.example"), sent[-1][1]
two = {"form_id": "f1", "token": "t2", "answers": [answer("personal", "g@home.example"), answer("manager", "boss@navy.example")]}
suspend([two])
assert "navy.example" not in sent[-1][1] and "home.example" not in sent[-1][1], sent[-1][1]
# the plain `email` a recipient reads is unchanged: no fallback to another address
assert module._reading({"from": "x@y.example"}, "email", ("email",)) is None
assert module._reading({"contact": "x@y.example"}, "email", ("work_email",)) == "x@y.example"
"#,
    );
}

/// R18-4: a daily list of Stripe charges sends `created[gte]` (epoch seconds) and Vercel's
/// deployments `since` (epoch milliseconds), the window's start; neither is left out.
#[test]
fn a_scheduled_list_sends_its_window() {
    for (prompt, tool, action, key, scale) in [
        (
            "every evening at 7pm list my newest stripe charges and post them to slack",
            "stripe",
            "list_charges",
            "created[gte]",
            1,
        ),
        (
            "every day at 7am list my failed vercel deployments and post them to slack",
            "vercel",
            "list_deployments",
            "since",
            1000,
        ),
    ] {
        let p = plan(prompt);
        assert!(has_step(&p, tool, action), "{prompt}: {:?}", p.steps);
        let g = generated(p);
        run_with_fake_http(
            &g.code,
            "{}",
            &format!(
                r#"
read = step("{tool}_{action}")
read([{{}}])
params = [s for s in sent if s[0] == "GET"][-1][3]["params"]
now = time.time() * {scale}
start = int(params["{key}"])
assert now - 3 * 86400 * {scale} < start < now, (start, now)
"#
            ),
        );
    }
}
