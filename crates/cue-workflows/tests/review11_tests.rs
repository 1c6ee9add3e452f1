//! Review 11's findings and review 10's open ones (docs/catalog-review-11-fixes.md), each
//! checked from the prompt: the plan the engine makes, then its generated module run with
//! python3 against faked vendors (an S3 object, signed deliveries, a recording `_http`).

#![expect(clippy::unwrap_used, reason = "tests")]

mod support;

use cue_workflows::{Engine, GenerateRequest, Generated};

fn generated(engine: &Engine, prompt: &str) -> Generated {
    let g = engine.generate(&GenerateRequest::text(prompt)).unwrap();
    let report = g.validation.as_ref().unwrap();
    assert_eq!(report.error_count, 0, "{:?}\n{}", report.findings, g.code);
    g
}

fn steps(g: &Generated) -> Vec<(&str, &str)> {
    g.plan
        .steps
        .iter()
        .map(|s| (s.tool.as_str(), s.action.as_str()))
        .collect()
}

/// Runs `script` with the generated module loaded as `module` and `sent` recording each
/// `_http` call as (method, url, payload); the fake answers `reply(method, url, payload)`.
/// Returns without running when python3 is missing.
fn run(g: &Generated, script: &str) {
    let prelude = r#"
sent = []
def reply(method, url, payload):
    return {"access_token": "t", "expires_in": 3600, "ok": True, "status": 1}
def fake_http(method, url, payload=None, **kwargs):
    sent.append((method, url, payload))
    return reply(method, url, payload)
module._http = fake_http
def http_event(body, headers):
    return {"rawPath": "/", "headers": headers, "requestContext": {"http": {"method": "POST"}}, "body": body}
"#;
    support::run_module(&g.code, &format!("{prelude}\n{script}\nprint('ok')"));
}

/// R11-2: a file uploaded to S3 reaches Document AI as its own bytes, with its media type.
#[test]
fn an_uploaded_file_reaches_document_ai_as_its_bytes() {
    let engine = Engine::new().unwrap();
    let g = generated(
        &engine,
        "When a new file is uploaded to S3, process it with Google Document AI and post the text to Slack",
    );
    assert_eq!(
        steps(&g),
        [("google_document_ai", "process"), ("slack", "post_message")]
    );
    // no setting stands in for the document, and the function may read the object
    assert!(
        !g.assumptions.iter().any(|a| a.contains("CONTENT")),
        "{:?}",
        g.assumptions
    );
    assert!(
        g.template_yaml.contains("s3:GetObject"),
        "{}",
        g.template_yaml
    );
    run(
        &g,
        r#"
pdf = b"%PDF-1.7 invoice 1001"
class S3:
    def get_object(self, Bucket, Key):
        assert (Bucket, Key) == ("my-uploads", "incoming/invoice-1001.pdf"), (Bucket, Key)
        class Body:
            def read(self):
                return pdf
        return {"Body": Body(), "ContentType": "application/pdf"}
module.boto3.client = lambda name, **kw: S3()
def reply(method, url, payload):
    if url.endswith(":process"):
        return {"document": {"text": "Invoice 1001 total 42.00"}}
    return {"access_token": "t", "expires_in": 3600, "ok": True}
module.lambda_handler({"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "my-uploads"},
    "object": {"key": "incoming/invoice-1001.pdf", "size": 21}}}]}, None)
process = [p for m, u, p in sent if u.endswith(":process")]
assert process and process[0]["rawDocument"] == {"content": base64.b64encode(pdf).decode(), "mimeType": "application/pdf"}, process
slack = [p for m, u, p in sent if "chat.postMessage" in u]
assert slack and "Invoice 1001 total 42.00" in slack[0]["text"], slack
# a file type the name says, and one an earlier step downloaded
assert module._file_type({"bucket": "b", "key": "scans/receipt.PNG"}) == "image/png"
assert module._file_type({"name": "x", "content_type": "image/tiff; q=1", "content_base64": ""}) == "image/tiff"
"#,
    );
}

/// R11-2's other side: Document AI takes a file's bytes, so it reads a file that is not in S3
/// (here Google Drive's), with its own processor setting. (Unnamed OCR of such a file goes to
/// Textract, which takes the bytes too since dryrun8's `{file_document}`.)
#[test]
fn a_file_outside_s3_is_read_by_document_ai_with_its_processor() {
    let engine = Engine::new().unwrap();
    let g = generated(
        &engine,
        "When a new file is added to Google Drive, read it with Google Document AI and post the text to Slack",
    );
    let i = g
        .plan
        .steps
        .iter()
        .position(|s| s.tool == "google_document_ai")
        .unwrap();
    assert!(
        g.plan.steps[i].params.contains_key("processor"),
        "{:?}",
        g.plan.steps[i]
    );
    run(
        &g,
        &format!(
            r#"
module._file_bytes = lambda record: ("scan.pdf", b"%PDF-1.4 scan")
def reply(method, url, payload):
    if url.endswith(":process"):
        return {{"document": {{"text": "Total 12.00"}}}}
    return {{"access_token": "t", "expires_in": 3600}}
out = module.step_{n}_google_document_ai_process([{{"id": "f1", "name": "scan.pdf", "mimeType": "application/pdf"}}])
method, url, payload = [c for c in sent if c[1].endswith(":process")][0]
assert "/processors/" in url, url
assert payload["rawDocument"] == {{"content": base64.b64encode(b"%PDF-1.4 scan").decode(), "mimeType": "application/pdf"}}, payload
assert out == [{{"text": "Total 12.00"}}], out
"#,
            n = i + 1
        ),
    );
}

fn stripe_signed(secret: &str) -> String {
    format!(
        r#"
module.STRIPE_WEBHOOK_SECRET = "{secret}"
def stripe(kind):
    body = json.dumps({{"id": "evt_1", "object": "event", "type": kind,
        "data": {{"object": {{"id": "sub_1", "object": "subscription", "customer": "cus_1", "status": "canceled"}}}}}})
    t = str(int(time.time()))
    sig = hmac.new(b"{secret}", (t + "." + body).encode(), hashlib.sha256).hexdigest()
    return module.lambda_handler(http_event(body, {{"stripe-signature": "t=%s,v1=%s" % (t, sig)}}), None)
"#
    )
}

/// R11-5: "when a subscription is cancelled" runs on Stripe's `customer.subscription.deleted`
/// only; a clause naming no outcome keeps every subscription event.
#[test]
fn a_cancelled_stripe_subscription_runs_the_workflow_and_other_subscription_events_are_skipped() {
    let engine = Engine::new().unwrap();
    for (prompt, event) in [
        (
            "When a Stripe subscription is cancelled, post it to Slack",
            "subscription_cancelled",
        ),
        (
            "When a customer cancels their subscription in Stripe, post it to Slack",
            "subscription_cancelled",
        ),
        (
            "When a Stripe subscription changes, post it to Slack",
            "subscription",
        ),
    ] {
        let g = generated(&engine, prompt);
        assert_eq!(g.plan.trigger.event.as_deref(), Some(event), "{prompt}");
    }
    let g = generated(
        &engine,
        "When a Stripe subscription is cancelled, post it to Slack",
    );
    run(
        &g,
        &format!(
            r#"{}
answer = stripe("customer.subscription.deleted")
assert answer["statusCode"] == 200 and "skipped" not in answer["body"], answer
assert len(sent) == 1 and "sub_1" in sent[0][2]["text"], sent
for other in ("customer.subscription.created", "customer.subscription.updated"):
    answer = stripe(other)
    assert answer["statusCode"] == 200 and "skipped" in answer["body"], (other, answer)
assert len(sent) == 1, sent
"#,
            stripe_signed("whsec")
        ),
    );
}

/// R11-5: "when a deploy fails" runs on a Netlify deploy whose state is `error` only.
#[test]
fn a_failed_netlify_deploy_runs_the_workflow_and_a_ready_one_is_skipped() {
    let engine = Engine::new().unwrap();
    for (prompt, event) in [
        (
            "When a Netlify deploy fails, post it to Slack",
            "deploy_failed",
        ),
        (
            "When a Netlify build fails, post it to Slack",
            "deploy_failed",
        ),
        ("When a Netlify deploy succeeds, post it to Slack", "deploy"),
    ] {
        let g = generated(&engine, prompt);
        assert_eq!(g.plan.trigger.event.as_deref(), Some(event), "{prompt}");
    }
    let g = generated(&engine, "When a Netlify deploy fails, post it to Slack");
    run(
        &g,
        r#"
module.NETLIFY_WEBHOOK_JWS_SECRET = "jws"
def part(raw):
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")
def netlify(state):
    body = json.dumps({"id": "d1", "state": state, "error_message": "Build script returned non-zero exit code: 2", "branch": "main"})
    claims = {"iss": "netlify", "sha256": hashlib.sha256(body.encode()).hexdigest()}
    signed = part(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + part(json.dumps(claims).encode())
    token = signed + "." + part(hmac.new(b"jws", signed.encode(), hashlib.sha256).digest())
    return module.lambda_handler(http_event(body, {"x-webhook-signature": token}), None)
answer = netlify("error")
assert answer["statusCode"] == 200 and "skipped" not in answer["body"], answer
assert len(sent) == 1, sent
for other in ("ready", "building"):
    answer = netlify(other)
    assert answer["statusCode"] == 200 and "skipped" in answer["body"], (other, answer)
assert len(sent) == 1, sent
"#,
    );
}

const TYPEFORM_RESPONSE: &str = r#"{"event_id": "e1", "event_type": "form_response", "form_response": {
    "form_id": "lT4Z3j", "token": "a3a1", "submitted_at": "2026-12-07T08:00:00Z",
    "definition": {"id": "lT4Z3j", "title": "Contact", "fields": [
        {"id": "f1", "ref": "name_ref", "type": "short_text", "title": "Your name"},
        {"id": "f2", "ref": "email_ref", "type": "email", "title": "Your email"},
        {"id": "f3", "ref": "msg_ref", "type": "long_text", "title": "How can we help?"},
        {"id": "f4", "ref": "topic_ref", "type": "multiple_choice", "title": "Topic"}]},
    "answers": [
        {"type": "text", "text": "Laura", "field": {"id": "f1", "ref": "name_ref", "type": "short_text"}},
        {"type": "email", "email": "laura@example.com", "field": {"id": "f2", "ref": "email_ref", "type": "email"}},
        {"type": "text", "text": "My invoice shows the wrong amount.", "field": {"id": "f3", "ref": "msg_ref", "type": "long_text"}},
        {"type": "choice", "choice": {"label": "Billing"}, "field": {"id": "f4", "ref": "topic_ref", "type": "multiple_choice"}}]}}"#;

/// R10-7 and R11-4: a Typeform response's text is its answers, one "question: answer" line
/// each, not its form's title; and the ticket's subject is no form title either.
#[test]
fn a_form_responses_text_is_its_answers_and_its_forms_title_is_no_subject() {
    let engine = Engine::new().unwrap();
    let g = generated(
        &engine,
        "When someone submits my Typeform, create a Freshdesk ticket with their email",
    );
    assert_eq!(steps(&g), [("freshdesk", "create_ticket")]);
    run(
        &g,
        &format!(
            r#"
response = json.loads('''{TYPEFORM_RESPONSE}''')["form_response"]
module.step_1_freshdesk_create_ticket([response])
ticket = sent[0][2]
assert ticket["description"].splitlines() == ["Your name: Laura", "Your email: laura@example.com",
    "How can we help?: My invoice shows the wrong amount.", "Topic: Billing"], ticket
assert ticket["email"] == "laura@example.com", ticket
# the form's title names the form, not this request
assert ticket["subject"] == module.EVENT_NAME, ticket
# a record's own text still wins, and answers without titles are named by their refs
assert module._text({{"text": "hi", "answers": response["answers"]}}) == "hi"
untitled = dict(response, definition={{"title": "Contact"}})
assert module._text(untitled).splitlines()[0] == "name_ref: Laura", module._text(untitled)
# a lead form's name and value pairs
assert module._text({{"id": "1", "field_data": [{{"name": "full_name", "values": ["Bo"]}}]}}) == "full_name: Bo"
"#
        ),
    );
}

/// R11-4: a created item's title is the record's own (a feed item's title), else what happened
/// (the trigger's event, R16-5, catalog20) when the record has none, and for an analytics event's name.
#[test]
fn a_created_items_title_is_the_records_title_where_it_has_one() {
    let engine = Engine::new().unwrap();
    let g = generated(
        &engine,
        "When a new RSS item is published, create a Ghost post with its title",
    );
    assert!(
        steps(&g).contains(&("ghost", "create_post")),
        "{:?}",
        steps(&g)
    );
    let step = g.plan.steps.iter().position(|s| s.tool == "ghost").unwrap() + 1;
    run(
        &g,
        &format!(
            r#"
module.step_{step}_ghost_create_post([{{"title": "Venice Film Festival Tries to Quit Sinking", "link": "http://nytimes.com/a", "description": "A festival."}}])
post = sent[-1][2]["posts"][0]
assert post["title"] == "Venice Film Festival Tries to Quit Sinking", post
module.step_{step}_ghost_create_post([{{"link": "http://nytimes.com/b"}}])
assert sent[-1][2]["posts"][0]["title"] == module.EVENT_NAME, sent[-1]
"#
        ),
    );
    // an event's name is what happened (the trigger's event, R16-5), even for a titled record
    let g = generated(
        &engine,
        "When a new RSS item is published, send an event to Mixpanel",
    );
    let i = g
        .plan
        .steps
        .iter()
        .position(|s| s.tool == "mixpanel")
        .unwrap();
    run(
        &g,
        &format!(
            r#"
module.step_{}_mixpanel_import_events([{{"title": "A headline", "link": "http://x.test/a"}}])
assert sent[-1][2][0]["event"] == module.EVENT_NAME, sent[-1]
"#,
            i + 1
        ),
    );
}

/// R11-3: an invoice asked for is an invoice, for the record's customer; a customer asked
/// for is still a customer, a listing still a listing.
#[test]
fn an_invoice_asked_for_is_created_for_the_records_customer() {
    let engine = Engine::new().unwrap();
    for (prompt, action) in [
        (
            "When someone submits my Typeform, create a Stripe invoice for them",
            "create_invoice",
        ),
        (
            "When a new Stripe customer is created, create a Stripe invoice for them",
            "create_invoice",
        ),
        (
            "Every month on the 1st at 9am create a Stripe invoice for my customer",
            "create_invoice",
        ),
        (
            "When someone submits my Typeform, create a Stripe customer with their email",
            "create_customer",
        ),
        (
            "Every day at 8am list my Stripe charges and post them to Slack",
            "list_charges",
        ),
    ] {
        let g = generated(&engine, prompt);
        let stripe: Vec<_> = steps(&g)
            .into_iter()
            .filter(|(t, _)| *t == "stripe")
            .collect();
        assert_eq!(stripe, [("stripe", action)], "{prompt}");
    }
    let g = generated(
        &engine,
        "When a new Stripe customer is created, create a Stripe invoice for them",
    );
    // the customer is the record's own id: no setting stands in for it
    assert!(
        !g.plan.steps[0].params.contains_key("customer"),
        "{:?}",
        g.plan.steps[0].params
    );
    run(
        &g,
        r#"
module.step_1_stripe_create_invoice([{"id": "cus_QXg1o8vcGmoR32", "object": "customer", "email": "jenny@example.com"}])
assert sent[0][1].endswith("/v1/invoices") and sent[0][2]["customer"] == "cus_QXg1o8vcGmoR32", sent
# a record naming its customer (a payment) bills that customer
module.step_1_stripe_create_invoice([{"id": "pi_1", "object": "payment_intent", "customer": "cus_2"}])
assert sent[1][2]["customer"] == "cus_2", sent
"#,
    );
}

/// R10-3: the trigger's own item handed to another tool is no step of the trigger's tool.
#[test]
fn posting_the_tweet_to_slack_posts_no_tweet() {
    let engine = Engine::new().unwrap();
    for (prompt, tweets) in [
        (
            "When someone mentions my brand on Twitter, post the tweet to Slack",
            false,
        ),
        (
            "When my brand is mentioned on Twitter, post the mention to Slack",
            false,
        ),
        (
            "When someone mentions my brand on Twitter, reply with a tweet",
            true,
        ),
        ("When a new RSS item is published, post it to Twitter", true),
    ] {
        let g = generated(&engine, prompt);
        assert_eq!(
            steps(&g).contains(&("twitter", "post_tweet")),
            tweets,
            "{prompt}: {:?}",
            steps(&g)
        );
    }
}

/// R10-4: Bitly shortens the feed item's `link` (whose words say url), not a setting.
#[test]
fn bitly_shortens_the_feed_items_link() {
    let engine = Engine::new().unwrap();
    let g = generated(
        &engine,
        "When a new RSS item is published, shorten its link with Bitly and post it to Slack",
    );
    let i = g.plan.steps.iter().position(|s| s.tool == "bitly").unwrap();
    assert!(
        !g.assumptions.iter().any(|a| a.contains("BITLY_URL")),
        "{:?}",
        g.assumptions
    );
    run(
        &g,
        &format!(
            r#"
def reply(method, url, payload):
    return {{"link": "https://bit.ly/3xyz"}}
out = module.step_{n}_bitly_shorten([{{"title": "Venice", "link": "http://nytimes.com/2004/12/07FEST.html"}}])
assert sent[0][2] == {{"long_url": "http://nytimes.com/2004/12/07FEST.html"}}, sent
# a record with its own url keeps it
module.step_{n}_bitly_shorten([{{"url": "https://example.org/a", "link": "https://example.org/b"}}])
assert sent[1][2]["long_url"] == "https://example.org/a", sent
"#,
            n = i + 1
        ),
    );
}

/// R11-6: each payment's file has a name of its own, and Mixpanel's user is the payment's
/// customer.
#[test]
fn each_payments_file_is_kept_and_its_customer_is_the_tracked_user() {
    let engine = Engine::new().unwrap();
    let g = generated(
        &engine,
        "When a Stripe payment succeeds, upload it to OneDrive as a file",
    );
    assert_eq!(steps(&g), [("onedrive", "upload_file")]);
    assert!(
        !g.assumptions.iter().any(|a| a.contains("ONEDRIVE_NAME")),
        "{:?}",
        g.assumptions
    );
    run(
        &g,
        r#"
names = [module._files_or_table([{"id": pid, "object": "payment_intent", "amount": 500}])[0]["name"] for pid in ("pi_1", "pi_2")]
assert names[0] != names[1] and names[0].endswith("-pi_1.csv"), names
module.step_1_onedrive_upload_file([{"id": "pi_3", "amount": 700}])
assert sent[-1][1].endswith("-pi_3.csv:/content"), sent
"#,
    );
    let g = generated(
        &engine,
        "When a Stripe payment succeeds, send an event to Mixpanel",
    );
    run(
        &g,
        r#"
module.step_1_mixpanel_import_events([{"id": "pi_1", "customer": "cus_9", "receipt_email": "a@example.com"}])
module.step_1_mixpanel_import_events([{"id": "pi_2", "customer": None, "receipt_email": "b@example.com"}])
module.step_1_mixpanel_import_events([{"id": "pi_3", "customer": {"email": "c@example.com"}}])
ids = [call[2][0]["properties"]["distinct_id"] for call in sent]
assert ids == ["cus_9", "b@example.com", "c@example.com"], ids
"#,
    );
}
