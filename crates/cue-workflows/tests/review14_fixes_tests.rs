//! Review 14's findings (docs/catalog-review-14.md, fixes in docs/catalog-review-14-fixes.md),
//! each from prompts of our own: the plan and bundle, then the generated module run with python3
//! against faked vendors. R14-5 the webhook setup in the bundle, R14-1 a presigned URL for a
//! vendor that fetches the file itself, R14-2 a feed item's image (never its page), R14-3
//! Mailchimp's send, R14-4 Salesforce's leads.

#![expect(clippy::unwrap_used, reason = "tests")]

mod support;

use cue_workflows::Plan;
use support::{generated, plan};

fn action_of(plan: &Plan, tool: &str) -> String {
    plan.steps
        .iter()
        .find(|s| s.tool == tool)
        .map(|s| s.action.clone())
        .unwrap_or_else(|| panic!("no {tool} step: {:?}", plan.steps))
}

/// Runs `script` with the module loaded, `sent` recording each `_http` call.
fn run(code: &str, script: &str) {
    let prelude = r#"
sent = []
def fake_http(method, url, payload=None, **kwargs):
    sent.append((method, url, payload, kwargs))
    if url.endswith("/send-checklist"):
        return {"is_ready": True, "items": []}
    return {"id": "c2", "status": "FINISHED", "status_code": "FINISHED", "access_token": "t", "expires_in": 3600}
module._http = fake_http
module.time.sleep = lambda s: None
def step(suffix):
    return getattr(module, [n for n in dir(module) if n.endswith(suffix)][0])
"#;
    support::run_module(code, &format!("{prelude}\n{script}\nprint('ok')"));
}

/// R14-5: a vendor whose secret travels in the URL, a custom header or a body field has the
/// bundle (README and template outputs) say how to register the URL; a vendor that signs has
/// the bare URL only.
#[test]
fn the_bundle_says_how_to_register_a_webhook_whose_secret_travels_in_the_request() {
    let cases = [
        (
            "whenever a to-do gets finished in basecamp, send a slack message",
            Some(("WebhookUrlToRegister", "?token=<BasecampWebhookUrlSecret>")),
        ),
        (
            "if a datadog monitor goes off, message the team on slack",
            Some(("WebhookHeader", "X-Webhook-Secret: <DatadogWebhookSecret>")),
        ),
        (
            "when somebody leaves a comment on a figma file, tell me on slack",
            Some(("WebhookBodyField", "passcode = <FigmaWebhookPasscode>")),
        ),
        // near misses: the vendor signs, the URL is given as it is
        ("when a stripe charge succeeds, post a note to slack", None),
        ("when a github pull request is opened, post to slack", None),
    ];
    for (prompt, want) in cases {
        let g = generated(plan(prompt));
        assert!(
            g.template_yaml.contains("WebhookUrl:"),
            "{}",
            g.template_yaml
        );
        match want {
            Some((output, value)) => {
                assert!(
                    g.template_yaml.contains(&format!("  {output}:")),
                    "{prompt}: {}",
                    g.template_yaml
                );
                assert!(
                    g.template_yaml.contains(value),
                    "{prompt}: {}",
                    g.template_yaml
                );
                assert!(
                    g.readme.contains("deliveries by a secret in "),
                    "{}",
                    g.readme
                );
                assert!(g.readme.contains("refused (401)"), "{}", g.readme);
                // the secret's value is never written into the outputs
                assert!(!g.template_yaml.contains("=${"), "{}", g.template_yaml);
            }
            None => {
                for output in ["WebhookUrlToRegister", "WebhookHeader", "WebhookBodyField"] {
                    assert!(
                        !g.template_yaml.contains(output),
                        "{prompt}: {}",
                        g.template_yaml
                    );
                }
                assert!(
                    !g.readme.contains("deliveries by a secret in "),
                    "{}",
                    g.readme
                );
            }
        }
    }
}

const FAKE_S3: &str = r#"
class S3:
    def generate_presigned_url(self, ClientMethod, Params, ExpiresIn):
        assert ClientMethod == "get_object", ClientMethod
        return "https://%s.s3.amazonaws.com/%s?X-Amz-Expires=%d&X-Amz-Signature=abc" % (Params["Bucket"], Params["Key"], ExpiresIn)
module.boto3.client = lambda name, **kw: S3()
"#;

/// R14-1: a vendor that fetches the file itself by URL (Instagram, Pinterest) is given a
/// presigned GET URL of the uploaded S3 object, never a placeholder setting; a record with its
/// own image URL keeps it; a record naming no file is refused.
#[test]
fn a_vendor_fetching_the_file_by_url_gets_a_presigned_s3_url() {
    for (prompt, tool, action, sent_url) in [
        (
            "every time a photo is dropped into my s3 bucket, share it on instagram",
            "instagram",
            "publish",
            "kwargs['params']['image_url']",
        ),
        (
            "every time a photo is dropped into my s3 bucket, pin it on pinterest",
            "pinterest",
            "create_pin",
            "payload['media_source']['url']",
        ),
    ] {
        let p = plan(prompt);
        assert_eq!(action_of(&p, tool), action, "{p:?}");
        let g = generated(p);
        assert!(
            !g.assumptions.iter().any(|a| a.contains("your-url")),
            "{:?}",
            g.assumptions
        );
        assert!(
            g.assumptions
                .iter()
                .any(|a| a.contains("presigned link valid 1 hour")),
            "{:?}",
            g.assumptions
        );
        assert!(g.code.contains("generate_presigned_url"), "{}", g.code);
        let call = format!("step(\"{tool}_{action}\")");
        let query = r#"
import urllib.parse
def _query(url, name):
    return urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)[name][0]
def first_with(word):
    return [s for s in sent if word in (s[1] + json.dumps(s[2], default=str) + json.dumps(s[3], default=str))][0]
"#;
        run(
            &g.code,
            &format!(
                "{FAKE_S3}{query}\n{call}([{{\"bucket\": \"my-uploads\", \"key\": \"photos/cat.jpg\"}}])\nmethod, url, payload, kwargs = first_with('X-Amz')\nassert {sent_url} == 'https://my-uploads.s3.amazonaws.com/photos/cat.jpg?X-Amz-Expires=3600&X-Amz-Signature=abc', {sent_url}"
            ),
        );
        // a record with its own image URL: that URL
        run(
            &g.code,
            &format!(
                "{FAKE_S3}{query}\n{call}([{{\"image_url\": \"https://cdn.example.com/dog.png\", \"link\": \"https://example.com/post\"}}])\nmethod, url, payload, kwargs = first_with('dog.png')\nassert {sent_url} == 'https://cdn.example.com/dog.png', {sent_url}"
            ),
        );
        // a record naming no file: refused, nothing sent to the vendor's create call
        run(
            &g.code,
            &format!(
                "{FAKE_S3}\ntry:\n    {call}([{{\"title\": \"x\", \"link\": \"https://example.com/article\"}}])\n    raise SystemExit('not refused')\nexcept ValueError as exc:\n    assert 'names no file' in str(exc), exc\nassert not any('example.com/article' in json.dumps(s[2:], default=str) + s[1] for s in sent), sent"
            ),
        );
    }
}

/// R14-2: a feed item's picture is its enclosure or `media:content` (`image_url`), an audio
/// enclosure its `media_url`; the item's link stays the page it is, never taken as a file.
#[test]
fn a_feed_item_keeps_its_image_and_its_link_is_not_a_file() {
    let g = generated(plan(
        "each time my blog's rss feed has a new article, make a pinterest pin of it",
    ));
    assert_eq!(action_of(&g.plan, "pinterest"), "create_pin");
    assert!(
        g.assumptions
            .iter()
            .any(|a| a.contains("never its web page link")),
        "{:?}",
        g.assumptions
    );
    let feed = r#"<?xml version="1.0"?><rss xmlns:media="http://search.yahoo.com/mrss/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>
<item><title>A</title><link>https://example.com/a</link><enclosure url="https://cdn.example.com/a.jpg" type="image/jpeg" length="1"/></item>
<item><title>B</title><link>https://example.com/b</link><media:content url="https://cdn.example.com/b.png" medium="image"/></item>
<item><title>C</title><link>https://example.com/c</link><enclosure url="https://cdn.example.com/c.mp3" type="audio/mpeg" length="1"/></item>
<item><title>D</title><link>https://example.com/d</link></item>
<item><title>E</title><link>https://example.com/e</link><itunes:image href="https://cdn.example.com/e.jpg"/><enclosure url="https://cdn.example.com/e.mp3" type="audio/mpeg" length="1"/></item>
</channel></rss>"#;
    run(
        &g.code,
        &format!(
            r#"
items = module._feed_items({feed:?}.encode())
assert items[0]["image_url"] == "https://cdn.example.com/a.jpg", items[0]
assert items[1]["image_url"] == "https://cdn.example.com/b.png", items[1]
assert "image_url" not in items[2] and items[2]["media_url"] == "https://cdn.example.com/c.mp3", items[2]
assert "image_url" not in items[3] and "media_url" not in items[3], items[3]
assert module._file_url(items[3]) is None
assert items[4]["image_url"] == "https://cdn.example.com/e.jpg" and items[4]["media_url"] == "https://cdn.example.com/e.mp3", items[4]
pin = step("pinterest_create_pin")
pin([items[0]])
assert sent[-1][2]["media_source"]["url"] == "https://cdn.example.com/a.jpg", sent[-1]
assert sent[-1][2]["link"] == "https://example.com/a", sent[-1]
try:
    pin([items[3]])
    raise SystemExit("a page link was sent as the image")
except ValueError as exc:
    assert "names no file" in str(exc), exc
"#
        ),
    );
}

/// R14-3: "send" a Mailchimp campaign sends (a copy of the named campaign, once its checklist
/// is ready); "draft" still only creates a draft, and says so.
#[test]
fn sending_a_mailchimp_campaign_sends_and_a_draft_stays_a_draft() {
    let p = plan("on the first day of each month send out my mailchimp campaign");
    assert_eq!(action_of(&p, "mailchimp"), "send_campaign", "{p:?}");
    let g = generated(p);
    assert!(
        g.assumptions
            .iter()
            .any(|a| a.contains("sent to the audience")),
        "{:?}",
        g.assumptions
    );
    run(
        &g.code,
        r#"
step("mailchimp_send_campaign")([{}])
calls = [(m, u.split("/3.0", 1)[-1]) for m, u, p, k in sent]
assert calls == [
    ("POST", "/campaigns/your-campaign-id/actions/replicate"),
    ("GET", "/campaigns/c2/send-checklist"),
    ("POST", "/campaigns/c2/actions/send"),
], calls
"#,
    );
    let p = plan("on the first day of each month create a mailchimp campaign draft");
    assert_eq!(action_of(&p, "mailchimp"), "create_campaign_draft", "{p:?}");
    let g = generated(p);
    assert!(
        g.assumptions.iter().any(|a| a.contains("it is not sent")),
        "{:?}",
        g.assumptions
    );
}

/// R14-4: listing a Salesforce record type the prompt names lists that type: leads are the
/// leads action, an opportunity query is still the query.
#[test]
fn listing_salesforce_leads_lists_leads() {
    for (prompt, want) in [
        (
            "each friday at 4pm list the new salesforce leads and post them in slack",
            "list_new_leads",
        ),
        (
            "each friday at 4pm find salesforce opportunities with no activity and post them in slack",
            "query",
        ),
    ] {
        let p = plan(prompt);
        assert_eq!(action_of(&p, "salesforce"), want, "{prompt}: {p:?}");
    }
}

/// R14-4: a Datadog monitor alert runs the workflow for triggers, warnings and renotifications,
/// and skips the monitor's recovery (its title's `[Recovered`, or a payload's
/// `alert_transition: Recovered`); a wrong header secret is still refused.
#[test]
fn a_datadog_recovery_is_not_an_alert() {
    let g = generated(plan(
        "if a datadog monitor goes off, message the team on slack",
    ));
    let script = r#"
module.DATADOG_WEBHOOK_SECRET = "dd-secret"
invoked = []
if hasattr(module, "boto3"):
    class Lambda:
        def invoke(self, **kwargs):
            invoked.append(kwargs)
            return {"StatusCode": 202}
    module.boto3.client = lambda name, **kw: Lambda()
class Context:
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:cue"
def deliver(payload, secret="dd-secret"):
    event = {"rawPath": "/", "headers": {"x-webhook-secret": secret},
             "requestContext": {"http": {"method": "POST"}}, "body": json.dumps(payload)}
    return module.lambda_handler(event, Context())
runs = [
    {"title": "[Triggered] CPU high on web-1", "body": "x", "id": "1"},
    {"title": "[P1] [Re-Triggered on {host:web-1}] CPU high", "body": "x", "id": "2"},
    {"title": "[Warn] Disk filling", "body": "x", "id": "3"},
    {"title": "CPU high", "alert_transition": "Triggered", "id": "4"},
    {"body": "no title at all", "id": "5"},
]
skips = [
    {"title": "[Recovered] CPU high on web-1", "body": "x", "id": "6"},
    {"title": "[P2] [Recovered on {host:web-1}] CPU high", "body": "x", "id": "7"},
    {"title": "CPU high", "alert_transition": "Recovered", "id": "8"},
]
for p in runs:
    answer = deliver(p)
    assert answer["statusCode"] == 200 and "skipped" not in answer["body"], (p, answer)
for p in skips:
    answer = deliver(p)
    assert answer["statusCode"] == 200 and "skipped" in answer["body"], (p, answer)
assert len(invoked) + len([s for s in sent if "slack" in s[1]]) == len(runs), (invoked, sent)
answer = deliver(runs[0], secret="wrong")
assert answer["statusCode"] == 401, answer
"#;
    run(&g.code, script);
}
