//! Review 13's findings (docs/catalog-review-13.md, fixes in docs/catalog-review-13-fixes.md),
//! each from prompts of our own: the plan, then the generated module run with python3 against
//! faked vendors (a recording `_http`, an S3 object, GitLab deliveries with their token). R13-1
//! GitLab's project path, R13-2 Expensify's fields, R13-3 Airtable's fields, R13-4 the file that
//! reaches Cloudinary and TinyPNG, R13-5 GitLab's merge request and pipeline outcomes.

#![expect(clippy::unwrap_used, reason = "tests")]

mod support;

use cue_workflows::catalog::ParamKind;
use cue_workflows::{Engine, GenerateRequest, Generated, Plan};

fn engine() -> Engine {
    Engine::new().unwrap().with_validation(false)
}

fn plan(prompt: &str) -> Plan {
    engine().plan(&GenerateRequest::text(prompt)).unwrap()
}

fn generated(plan: Plan) -> Generated {
    engine().generate_from_plan(plan).unwrap()
}

/// The step of `tool` in `plan`.
fn step_mut<'p>(plan: &'p mut Plan, tool: &str) -> &'p mut cue_workflows::Step {
    plan.steps
        .iter_mut()
        .find(|s| s.tool == tool)
        .unwrap_or_else(|| panic!("no {tool} step"))
}

fn action_of(plan: &Plan, tool: &str) -> String {
    plan.steps
        .iter()
        .find(|s| s.tool == tool)
        .map(|s| s.action.clone())
        .unwrap_or_else(|| panic!("no {tool} step: {:?}", plan.steps))
}

/// Runs `script` with the module of `code` loaded as `module`, `sent` recording each `_http`
/// call as (method, url, payload, kwargs) and `step(tool_action)` the step function whose name
/// ends so; skipped without python3.
fn run(code: &str, script: &str) {
    let prelude = r#"
sent = []
def reply(method, url, payload):
    return {"access_token": "t", "expires_in": 3600, "ok": True, "responseCode": 200, "id": "rec1"}
def fake_http(method, url, payload=None, **kwargs):
    sent.append((method, url, payload, kwargs))
    return reply(method, url, payload)
module._http = fake_http
def step(suffix):
    return getattr(module, [n for n in dir(module) if n.endswith(suffix)][0])
"#;
    support::run_module(code, &format!("{prelude}\n{script}\nprint('ok')"));
}

const SENTRY_ISSUE: &str = r#"{"id": "1170820242", "shortId": "PY-1", "title": "ZeroDivisionError: division by zero", "culprit": "app.views in index", "level": "error", "status": "unresolved", "permalink": "https://sentry.io/organizations/acme/issues/1170820242/"}"#;

/// R13-1: GitLab's `:id` is one segment, `group/project` sent as `group%2Fproject`, while the
/// paths other vendors take as several segments keep their `/`; a value that would climb out of
/// its segment is still refused.
#[test]
fn a_gitlab_project_path_is_one_encoded_segment() {
    let mut p = plan("whenever sentry reports a new issue, open an issue for it in gitlab");
    assert_eq!(action_of(&p, "gitlab"), "create_issue", "{p:?}");
    let cases = [
        ("group/project", Some("/projects/group%2Fproject/issues")),
        (
            "acme/backend/api",
            Some("/projects/acme%2Fbackend%2Fapi/issues"),
        ),
        ("278964", Some("/projects/278964/issues")),
        // near misses: refused, the default stands (and the assumptions say so)
        ("acme/../admin", None),
        ("acme//api", None),
    ];
    for (value, want) in cases {
        step_mut(&mut p, "gitlab")
            .params
            .insert("project".to_owned(), value.to_owned());
        let g = generated(p.clone());
        let sent_to = want.unwrap_or("/projects/group%2Fproject/issues");
        let replaced = g
            .assumptions
            .iter()
            .any(|a| a.contains("project") && a.contains("was not used"));
        assert_eq!(replaced, want.is_none(), "{value}: {:?}", g.assumptions);
        run(
            &g.code,
            &format!(
                r#"
step("gitlab_create_issue")([json.loads('{SENTRY_ISSUE}')])
method, url, payload, kwargs = sent[-1]
assert url == "https://gitlab.com/api/v4{sent_to}", url
assert payload["title"] == "ZeroDivisionError: division by zero", payload
"#
            ),
        );
    }
}

/// R13-1, the other way: every catalog parameter that is several path segments today keeps
/// its `/` (CircleCI's project slug, GitHub's and Bitbucket's repository, a Hugging Face
/// model id, a Graph folder path), and GitLab's alone is encoded.
#[test]
fn multi_segment_paths_keep_their_slash() {
    let engine = engine();
    let catalog = engine.catalog();
    let mut kept = Vec::new();
    let mut encoded = Vec::new();
    for tool in catalog.tools() {
        for action in &tool.actions {
            for (name, default) in &action.params {
                let reference = format!("{{{name}}}");
                let in_path = action
                    .path
                    .as_deref()
                    .is_some_and(|p| p.contains(&reference));
                if in_path && (default.contains('/') || name == "repo" || name == "folder") {
                    let kind = action.param_kinds.get(name);
                    let entry = format!("{}.{}.{name}", tool.id, action.id);
                    if kind == Some(&ParamKind::EncodedPath) {
                        encoded.push(entry);
                    } else {
                        kept.push(entry);
                    }
                }
            }
        }
    }
    assert_eq!(encoded, ["gitlab.create_issue.project"]);
    for entry in [
        "circleci.trigger_pipeline.project",
        "github.create_issue.repo",
        "bitbucket.create_issue.repo",
        "hugging_face.inference.model",
        "onedrive.upload_file.folder",
    ] {
        assert!(kept.iter().any(|k| k == entry), "{entry} not in {kept:?}");
    }
    // and in the generated code: CircleCI's slug keeps its `/`, GitLab's project does not
    let circle = generated(plan(
        "once a stripe payment goes through, kick off a pipeline in circleci",
    ));
    assert!(
        circle.code.contains(r#"_segment(CIRCLECI_PROJECT, "/")"#),
        "{}",
        circle.code
    );
    let gitlab = generated(plan(
        "whenever sentry reports a new issue, open an issue for it in gitlab",
    ));
    assert!(
        gitlab.code.contains(r#"_segment(GITLAB_PROJECT, "")"#),
        "{}",
        gitlab.code
    );
}

const TYPEFORM_RESPONSE: &str = r#"{"form_id": "lT4Z3j", "token": "a3a1", "submitted_at": "2026-12-07T08:00:00Z",
    "definition": {"id": "lT4Z3j", "title": "Contact", "fields": [
        {"id": "f1", "ref": "name_ref", "type": "short_text", "title": "Your name"},
        {"id": "f2", "ref": "email_ref", "type": "email", "title": "Your email"}]},
    "answers": [
        {"type": "text", "text": "Laura", "field": {"id": "f1", "ref": "name_ref", "type": "short_text"}},
        {"type": "email", "email": "laura@example.com", "field": {"id": "f2", "ref": "email_ref", "type": "email"}}]}"#;

/// R13-3: Airtable gets two cells named by settings (a title and the record's readable text),
/// never the record's own keys and objects; renamed columns are what is sent.
#[test]
fn an_airtable_record_gets_named_columns_not_the_whole_record() {
    let mut p = plan("each time my typeform gets a new response, add it as a row in airtable");
    assert_eq!(action_of(&p, "airtable"), "create_record", "{p:?}");
    let g = generated(p.clone());
    assert!(
        g.assumptions
            .iter()
            .any(|a| a.contains("AIRTABLE_NAME_COLUMN") && a.contains("UNKNOWN_FIELD_NAME")),
        "{:?}",
        g.assumptions
    );
    let script = r#"
step("airtable_create_record")([json.loads('''RECORD''')])
method, url, payload, kwargs = sent[-1]
assert method == "POST" and url.endswith("/Table%201"), url
fields = payload["fields"]
assert sorted(fields) == sorted(["NAME", "DETAILS"]), fields
assert all(isinstance(v, str) for v in fields.values()), fields
assert "Your name: Laura" in fields["DETAILS"], fields
assert "form_id" not in fields and "answers" not in fields, fields
"#
    .replace("RECORD", TYPEFORM_RESPONSE);
    run(
        &g.code,
        &script.replace("NAME", "Name").replace("DETAILS", "Notes"),
    );
    // the other way: the columns the user names are the ones sent
    let s = step_mut(&mut p, "airtable");
    s.params.insert("name_column".to_owned(), "Lead".to_owned());
    s.params
        .insert("details_column".to_owned(), "Answers".to_owned());
    let g = generated(p);
    run(
        &g.code,
        &script.replace("NAME", "Lead").replace("DETAILS", "Answers"),
    );
}

const STRIPE_PAYMENT: &str = r#"{"id": "pi_3Mtw", "object": "payment_intent", "amount": 2000, "currency": "usd", "status": "succeeded", "created": 1680800504, "receipt_email": "laura@example.com", "description": "Order 1001"}"#;

/// R13-2: an expense from a record with no merchant (a Stripe payment, a schedule's run) is
/// sent with the settings' merchant, currency and amount and the run's date, and the
/// assumptions say so; a record's own merchant and amount still win.
#[test]
fn an_expensify_expense_falls_back_to_settings_and_is_dated_the_run() {
    let expense = r#"
form = sent[-1][2]
job = json.loads(form["requestJobDescription"])
tx = job["inputSettings"]["transactionList"][0]
assert tx["created"] == time.strftime("%Y-%m-%d", time.gmtime()), tx
assert (tx["merchant"], tx["currency"], tx["amount"]) == WANT, tx
"#;
    for (prompt, record, want) in [
        (
            "whenever a stripe payment succeeds, log it as an expense in expensify",
            STRIPE_PAYMENT.to_owned(),
            // catalog19: a currency field whose vendor example is in capitals gets capitals
            r#"("your-merchant", "USD", 2000)"#,
        ),
        (
            "whenever a stripe payment succeeds, log it as an expense in expensify",
            STRIPE_PAYMENT.replace(r#""status""#, r#""merchant": "Zoom", "status""#),
            r#"("Zoom", "USD", 2000)"#,
        ),
    ] {
        let p = plan(prompt);
        assert_eq!(action_of(&p, "expensify"), "create_expense", "{p:?}");
        let g = generated(p);
        assert!(
            g.assumptions
                .iter()
                .any(|a| a.contains("EXPENSIFY_MERCHANT") && a.contains("EXPENSIFY_AMOUNT")),
            "{:?}",
            g.assumptions
        );
        run(
            &g.code,
            &format!(
                "step(\"expensify_create_expense\")([json.loads('{record}')])\n{}",
                expense.replace("WANT", want)
            ),
        );
    }
    // a schedule's run record carries nothing: every value is a setting, none fails the run
    let p = plan("on the first of every month at 9am, add an expense in expensify");
    assert_eq!(action_of(&p, "expensify"), "create_expense", "{p:?}");
    let g = generated(p);
    run(
        &g.code,
        &format!(
            "step(\"expensify_create_expense\")([{{\"time\": \"2026-12-01T09:00:00Z\"}}])\n{}",
            expense.replace("WANT", r#"("your-merchant", "USD", 0)"#)
        ),
    );
}

const S3_RECORD: &str = r#"{"bucket": "my-uploads", "key": "photos/cat.png", "size": 5}"#;

/// R13-4: the image uploaded to S3 reaches Cloudinary (a multipart file part) and TinyPNG
/// (the raw body) as its bytes, never a placeholder URL; a record naming its file by URL has
/// that file's bytes sent.
#[test]
fn an_uploaded_image_reaches_cloudinary_and_tinypng_as_its_bytes() {
    let fetch = r#"
png = b"\x89PNG\r\n\x1a\nimage"
class S3:
    def get_object(self, Bucket, Key):
        assert (Bucket, Key) == ("my-uploads", "photos/cat.png"), (Bucket, Key)
        class Body:
            def read(self):
                return png
        return {"Body": Body()}
module.boto3.client = lambda name, **kw: S3()
class Opener:
    def open(self, request, timeout=None):
        assert request.full_url == "https://cdn.example.com/dog.png", request.full_url
        class Answer:
            def read(self):
                return b"\x89PNG\r\n\x1a\nremote"
            def __enter__(self):
                return self
            def __exit__(self, *a):
                return False
        return Answer()
module._OPENER = Opener()
"#;
    for (prompt, tool, action, check) in [
        (
            "whenever a new picture lands in my s3 bucket, upload it to cloudinary",
            "cloudinary",
            "upload",
            r#"assert url.endswith("/image/upload"), url
assert kwargs.get("multipart") is True, kwargs
assert payload["file"] == (NAME, DATA), payload"#,
        ),
        (
            "whenever a new picture lands in my s3 bucket, compress it with tinypng",
            "tinypng",
            "compress",
            r#"assert url == "https://api.tinify.com/shrink", url
assert kwargs.get("encoding") == "bytes", kwargs
assert payload == (NAME, DATA), payload"#,
        ),
    ] {
        let p = plan(prompt);
        assert_eq!(action_of(&p, tool), action, "{p:?}");
        let g = generated(p);
        assert!(
            !g.assumptions.iter().any(|a| a.contains("_URL")),
            "{:?}",
            g.assumptions
        );
        assert!(
            g.template_yaml.contains("s3:GetObject"),
            "{}",
            g.template_yaml
        );
        let call = format!("step(\"{tool}_{action}\")");
        run(
            &g.code,
            &format!(
                "{fetch}\n{call}([json.loads('{S3_RECORD}')])\nmethod, url, payload, kwargs = sent[-1]\n{}",
                check.replace("NAME", "\"cat.png\"").replace("DATA", "png")
            ),
        );
        // a record naming its file by URL: that file's bytes, not the URL
        run(
            &g.code,
            &format!(
                "{fetch}\n{call}([{{\"url\": \"https://cdn.example.com/dog.png\"}}])\nmethod, url, payload, kwargs = sent[-1]\n{}",
                check
                    .replace("NAME", "\"dog.png\"")
                    .replace("DATA", "b\"\\x89PNG\\r\\n\\x1a\\nremote\"")
            ),
        );
    }
}

/// R13-5: "a merge request is opened" and "a pipeline finishes" (or fails, or succeeds) are
/// events of their own, matched on the delivery's action or status; a clause naming no outcome
/// keeps the catch-all event.
#[test]
fn gitlab_outcomes_choose_their_own_events() {
    for (prompt, event) in [
        (
            "when a merge request is opened in gitlab, post it to slack",
            "merge_request_opened",
        ),
        (
            "when someone opens a new gitlab merge request, tell slack",
            "merge_request_opened",
        ),
        (
            "when a gitlab merge request gets merged, post it to slack",
            "merge_request_merged",
        ),
        (
            "when a gitlab merge request is updated, post it to slack",
            "merge_request",
        ),
        (
            "when a gitlab pipeline finishes, post it to slack",
            "pipeline_finished",
        ),
        (
            "when a gitlab pipeline is completed, post it to slack",
            "pipeline_finished",
        ),
        (
            "when a gitlab pipeline fails, post it to slack",
            "pipeline_failed",
        ),
        ("when a gitlab build fails, alert slack", "pipeline_failed"),
        (
            "when a gitlab pipeline succeeds, post it to slack",
            "pipeline_succeeded",
        ),
        (
            "when a gitlab pipeline starts, post it to slack",
            "pipeline",
        ),
    ] {
        let p = plan(prompt);
        assert_eq!(p.trigger.tool.as_deref(), Some("gitlab"), "{prompt}");
        assert_eq!(p.trigger.event.as_deref(), Some(event), "{prompt}");
    }
}

/// R13-5: the handlers run the workflow only for the outcome asked for; GitLab's other
/// deliveries of the same hook are answered 200 skipped.
#[test]
fn gitlab_deliveries_of_other_actions_and_statuses_are_skipped() {
    let deliver = r#"
module.GITLAB_WEBHOOK_TOKEN = "gl-token"
invoked = []
class Lambda:
    def invoke(self, **kwargs):
        invoked.append(kwargs)
        return {"StatusCode": 202}
module.boto3.client = lambda name, **kw: Lambda()
class Context:
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:cue"
def deliver(hook, attributes):
    body = json.dumps({"object_kind": "x", "object_attributes": attributes, "project": {"id": 1}})
    event = {"rawPath": "/", "headers": {"x-gitlab-token": "gl-token", "x-gitlab-event": hook},
             "requestContext": {"http": {"method": "POST"}}, "body": body}
    return module.lambda_handler(event, Context())
"#;
    for (prompt, hook, key, runs, skips) in [
        (
            "when a merge request is opened in gitlab, post it to slack",
            "Merge Request Hook",
            "action",
            &["open"][..],
            &["update", "merge", "close", "reopen"][..],
        ),
        (
            "when a gitlab pipeline finishes, post it to slack",
            "Pipeline Hook",
            "status",
            &["success", "failed", "canceled"][..],
            &["pending", "running", "created"][..],
        ),
        (
            "when a gitlab pipeline fails, post it to slack",
            "Pipeline Hook",
            "status",
            &["failed"][..],
            &["success", "running"][..],
        ),
    ] {
        let g = generated(plan(prompt));
        let mut script = deliver.to_owned();
        for value in runs {
            script.push_str(&format!(
                "answer = deliver(\"{hook}\", {{\"{key}\": \"{value}\", \"title\": \"t\"}})\nassert answer[\"statusCode\"] == 200 and \"skipped\" not in answer[\"body\"], ({value:?}, answer)\n"
            ));
        }
        for value in skips {
            script.push_str(&format!(
                "answer = deliver(\"{hook}\", {{\"{key}\": \"{value}\", \"title\": \"t\"}})\nassert answer[\"statusCode\"] == 200 and \"skipped\" in answer[\"body\"], ({value:?}, answer)\n"
            ));
        }
        script.push_str(&format!(
            "assert len(invoked) + len([s for s in sent if 'slack' in s[1]]) == {}, (invoked, sent)\n",
            runs.len()
        ));
        run(&g.code, &script);
    }
}

/// R13-5: "submit it to Reddit" after a feed's new item submits (the poll trigger has read
/// already, so the step is not taken for a schedule's first read), while a schedule's Reddit
/// read still lists.
#[test]
fn submitting_to_reddit_submits_and_reading_reddit_lists() {
    for (prompt, action) in [
        (
            "whenever my blog's rss feed has a new item, submit it to reddit",
            "submit",
        ),
        (
            "when a new item shows up in my rss feed, post it as a link to my subreddit on reddit",
            "submit",
        ),
        (
            "when a stripe payment succeeds, share it on reddit",
            "submit",
        ),
        (
            "every day at noon post any new reddit threads from r/rust into slack",
            "list_new",
        ),
        (
            "every hour list new posts in r/python and send them to slack",
            "list_new",
        ),
    ] {
        assert_eq!(action_of(&plan(prompt), "reddit"), action, "{prompt}");
    }
}
