"""Plays each vendor sending a webhook to a generated handler.

Every sender below signs the way its vendor's documentation says (the catalog entry's
`webhook.reference` names the page), written here independently of the generator. The check
runs the generated module's `lambda_handler` the way a Lambda function URL calls it and
expects the genuine delivery accepted and forged, tampered, stale and unconfigured ones refused.

Usage: python3 webhook_senders.py <module.py> <json: tool, secrets, example, form, learned>
"""
import base64
import hashlib
import hmac
import importlib.util
import json
import os
import sys
import time
import urllib.parse

path, spec_json = sys.argv[1], sys.argv[2]
SPEC = json.loads(spec_json)
TOOL = SPEC["tool"]
HOST = "abcdefghij.lambda-url.us-east-1.on.aws"


def mac(algorithm, key, message):
    return hmac.new(key.encode("utf-8") if isinstance(key, str) else key,
                    message.encode("utf-8"), algorithm).digest()


def hexmac(key, message, algorithm=hashlib.sha256):
    return mac(algorithm, key, message).hex()


def iso(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def b64mac(key, message, algorithm=hashlib.sha256):
    return base64.b64encode(mac(algorithm, key, message)).decode("ascii")


def jwt_hs256(key, claims):
    """A JSON Web Token signed with HMAC-SHA256 (RFC 7515's compact form, base64url unpadded)."""
    def part(raw):
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
    signed = part(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + part(json.dumps(claims).encode())
    return signed + "." + part(mac(hashlib.sha256, key, signed))


# rsa_key(): a throwaway RSA key pair (public PEM, RS256 signer), kept in rsa_key.py beside this
# file so the Rust tests that sign Wix tokens use the same one.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rsa_key import rsa_key  # noqa: E402


def jwt_rs256(sign, claims):
    """A JSON Web Token signed RS256 (RFC 7518 3.3), compact form."""
    def part(raw):
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
    signed = part(json.dumps({"kid": "qG1kD2dz", "alg": "RS256"}).encode()) + "." + part(json.dumps(claims).encode())
    return signed + "." + part(sign(signed.encode("ascii")))


# Wix: "Event data is sent as a JSON web token (JWT) in the body of the webhook request", signed
# with the app's key pair; the data claim holds eventType, instanceId, and data and identity
# "as a JSON string" (About the Structure of Webhooks).
WIX_PUBLIC, WIX_SIGN = rsa_key() if TOOL == "wix" else (None, None)
_, ATTACKER_SIGN = rsa_key() if TOOL == "wix" else (None, None)


def wix_body(keys, text, now):
    envelope = json.loads(text)
    data = dict(envelope.get("data") or {})
    for key in ("data", "identity"):
        if isinstance(data.get(key), (dict, list)):
            data[key] = json.dumps(data[key])
    sign = WIX_SIGN if keys.get("WIX_WEBHOOK_PUBLIC_KEY") == WIX_PUBLIC else ATTACKER_SIGN
    return jwt_rs256(sign, {"data": json.dumps(data), "iat": now, "exp": now + 300})


class Delivery:
    """What a sender signs: the raw body, the URL it calls, the time, the form fields."""

    def __init__(self, body, url, now, form):
        self.body, self.url, self.now, self.form = body, url, now, form


# One entry per vendor: the headers a genuine delivery carries, given the secrets (by credential
# name) and the delivery. Comments quote what the vendor's documentation says.
def _senders():
    s = {}
    # X-Hook-Signature: hex HMAC-SHA256 of the body under the handshake's X-Hook-Secret
    s["asana"] = lambda k, d: {"X-Hook-Signature": hexmac(k["ASANA_WEBHOOK_SECRET"], d.body)}
    # Standard Webhooks: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">, several
    # space-separated while a secret rotates (here the old secret's first, then the current one)
    s["bigcommerce"] = lambda k, d: {
        "webhook-id": "msg_1", "webhook-timestamp": str(d.now),
        "webhook-signature": "v1,%s v1,%s" % (
            b64mac("an-older-secret", "msg_1.%d.%s" % (d.now, d.body)),
            b64mac(k["BIGCOMMERCE_CLIENT_SECRET"], "msg_1.%d.%s" % (d.now, d.body)))}
    # X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>
    s["bitbucket"] = lambda k, d: {"X-Hub-Signature": "sha256=" + hexmac(k["BITBUCKET_WEBHOOK_SECRET"], d.body)}
    # Calendly-Webhook-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">
    s["calendly"] = lambda k, d: {"Calendly-Webhook-Signature": "t=%d,v1=%s" % (
        d.now, hexmac(k["CALENDLY_WEBHOOK_SIGNING_KEY"], "%d.%s" % (d.now, d.body)))}
    # Basic authentication configured on the webhook
    s["chargebee"] = lambda k, d: {"Authorization": "Basic " + k["CHARGEBEE_WEBHOOK_BASIC_AUTH"]}
    # circleci-signature: v1=<hex HMAC-SHA256 of the body>
    s["circleci"] = lambda k, d: {"circleci-signature": "v1=" + hexmac(k["CIRCLECI_WEBHOOK_SECRET"], d.body)}
    # a custom secret header set on the webhook
    s["contentful"] = lambda k, d: {"x-cue-webhook-token": k["CONTENTFUL_WEBHOOK_TOKEN"]}
    s["datadog"] = lambda k, d: {"X-Webhook-Secret": k["DATADOG_WEBHOOK_SECRET"]}
    # X-Telegram-Bot-Api-Secret-Token: the secret_token given to setWebhook, as it is
    s["telegram"] = lambda k, d: {"X-Telegram-Bot-Api-Secret-Token": k["TELEGRAM_WEBHOOK_SECRET"]}
    # X-DocuSign-Signature-1: base64 HMAC-SHA256 of the whole body
    s["docusign"] = lambda k, d: {"X-DocuSign-Signature-1": b64mac(k["DOCUSIGN_HMAC_KEY"], d.body)}
    # X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the payload under the App Secret>
    s["facebook"] = lambda k, d: {"X-Hub-Signature-256": "sha256=" + hexmac(k["FACEBOOK_APP_SECRET"], d.body)}
    # Meta webhooks, the same scheme under each app's own secret
    s["instagram"] = lambda k, d: {"X-Hub-Signature-256": "sha256=" + hexmac(k["INSTAGRAM_APP_SECRET"], d.body)}
    s["whatsapp"] = lambda k, d: {"X-Hub-Signature-256": "sha256=" + hexmac(k["WHATSAPP_APP_SECRET"], d.body)}
    # X-Ghost-Signature: sha256=<hex HMAC-SHA256 of body + ts>, t=<ts in ms>
    s["ghost"] = lambda k, d: {"X-Ghost-Signature": "sha256=%s, t=%d" % (
        hexmac(k["GHOST_WEBHOOK_SECRET"], d.body + str(d.now * 1000)), d.now * 1000)}
    s["github"] = lambda k, d: {"X-Hub-Signature-256": "sha256=" + hexmac(k["GITHUB_WEBHOOK_SECRET"], d.body)}
    # X-Gitlab-Token: the secret token unchanged
    s["gitlab"] = lambda k, d: {"X-Gitlab-Token": k["GITLAB_WEBHOOK_TOKEN"]}
    # Signature: sha256 <hex HMAC-SHA256 of the body>
    s["greenhouse"] = lambda k, d: {"Signature": "sha256 " + hexmac(k["GREENHOUSE_WEBHOOK_SECRET"], d.body)}
    # X-HelpScout-Signature: base64(HMAC-SHA1(secret, body))
    s["help_scout"] = lambda k, d: {"X-HelpScout-Signature": b64mac(k["HELPSCOUT_WEBHOOK_SECRET"], d.body, hashlib.sha1)}
    # Front rule webhooks: base64 HMAC-SHA1 of the body under the API secret (dev.frontapp.com/docs/rule-webhooks)
    s["front"] = lambda k, d: {"X-Front-Signature": b64mac(k["FRONT_API_SECRET"], d.body, hashlib.sha1)}
    # X-Hub-Signature: sha1=<hex HMAC-SHA1 of the notification>
    s["intercom"] = lambda k, d: {"X-Hub-Signature": "sha1=" + hexmac(k["INTERCOM_CLIENT_SECRET"], d.body, hashlib.sha1)}
    s["jira"] = lambda k, d: {"X-Hub-Signature": "sha256=" + hexmac(k["JIRA_WEBHOOK_SECRET"], d.body)}
    # linear-signature: hex HMAC-SHA256 of the body; webhookTimestamp (ms) in the body
    s["linear"] = lambda k, d: {"Linear-Signature": hexmac(k["LINEAR_WEBHOOK_SECRET"], d.body)}
    # X-PagerDuty-Signature: v1=<hex HMAC-SHA256>, several during rotation
    s["pagerduty"] = lambda k, d: {"X-PagerDuty-Signature": "v1=%s,v1=%s" % (
        hexmac("an-old-secret", d.body), hexmac(k["PAGERDUTY_WEBHOOK_SECRET"], d.body))}
    # appended to the URL as ?signature=<hex HMAC-SHA256 of the body>
    s["pandadoc"] = lambda k, d: {}
    # PAYPAL-* transmission headers, checked through PayPal's verify-webhook-signature API
    s["paypal"] = lambda k, d: {"PAYPAL-AUTH-ALGO": "SHA256withRSA", "PAYPAL-CERT-URL": "https://api.paypal.com/cert",
                                "PAYPAL-TRANSMISSION-ID": "t-1", "PAYPAL-TRANSMISSION-SIG": "sig",
                                "PAYPAL-TRANSMISSION-TIME": "2026-12-06T10:00:00Z"}
    s["sentry"] = lambda k, d: {"Sentry-Hook-Signature": hexmac(k["SENTRY_CLIENT_SECRET"], d.body)}
    s["shopify"] = lambda k, d: {"X-Shopify-Hmac-Sha256": b64mac(k["SHOPIFY_WEBHOOK_SECRET"], d.body)}
    s["slack"] = lambda k, d: {"X-Slack-Request-Timestamp": str(d.now), "X-Slack-Signature":
                               "v0=" + hexmac(k["SLACK_SIGNING_SECRET"], "v0:%d:%s" % (d.now, d.body))}
    # base64 HMAC-SHA256 of the notification URL followed by the body
    s["square"] = lambda k, d: {"x-square-hmacsha256-signature": b64mac(k["SQUARE_WEBHOOK_SIGNATURE_KEY"], d.url + d.body)}
    # Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">, the whsec_ text as key
    s["stripe"] = lambda k, d: {"Stripe-Signature": "t=%d,v1=%s" % (
        d.now, hexmac(k["STRIPE_WEBHOOK_SECRET"], "%d.%s" % (d.now, d.body)))}
    s["tally"] = lambda k, d: {"Tally-Signature": b64mac(k["TALLY_WEBHOOK_SECRET"], d.body)}
    # base64 HMAC-SHA1 of the full URL followed by each POST field name and value, sorted by name
    s["twilio"] = lambda k, d: {"X-Twilio-Signature": b64mac(
        k["TWILIO_AUTH_TOKEN"], d.url + "".join(n + v for n, v in sorted(d.form)), hashlib.sha1)}
    s["typeform"] = lambda k, d: {"Typeform-Signature": "sha256=" + b64mac(k["TYPEFORM_WEBHOOK_SECRET"], d.body)}
    s["vercel"] = lambda k, d: {"x-vercel-signature": hexmac(k["VERCEL_WEBHOOK_SECRET"], d.body, hashlib.sha1)}
    # X-Webflow-Signature: hex HMAC-SHA256 of "<timestamp ms>:<body>"
    s["webflow"] = lambda k, d: {"x-webflow-timestamp": str(d.now * 1000), "x-webflow-signature":
                                 hexmac(k["WEBFLOW_WEBHOOK_SECRET"], "%d:%s" % (d.now * 1000, d.body))}
    s["webhook"] = lambda k, d: {"X-Webhook-Secret": k["WEBHOOK_SECRET"]}
    # X-Webhook-Signature: a JWS (HS256 under the JWS secret token) with iss "netlify" and
    # sha256 = the hex SHA-256 of the body
    s["netlify"] = lambda k, d: {"X-Webhook-Signature": jwt_hs256(
        k["NETLIFY_WEBHOOK_JWS_SECRET"], {"iss": "netlify", "sha256": hashlib.sha256(d.body.encode("utf-8")).hexdigest()})}
    s["woocommerce"] = lambda k, d: {"X-WC-Webhook-Signature": b64mac(k["WOOCOMMERCE_WEBHOOK_SECRET"], d.body)}
    # base64(HMACSHA256(TIMESTAMP + BODY)), the timestamp in ISO 8601 ("2021-07-25T10:00:00Z")
    s["zendesk"] = lambda k, d: {"X-Zendesk-Webhook-Signature-Timestamp": iso(d.now),
                                 "X-Zendesk-Webhook-Signature": b64mac(k["ZENDESK_WEBHOOK_SECRET"], iso(d.now) + d.body)}
    s["zoom"] = lambda k, d: {"x-zm-request-timestamp": str(d.now), "x-zm-signature":
                              "v0=" + hexmac(k["ZOOM_WEBHOOK_SECRET"], "v0:%d:%s" % (d.now, d.body))}
    return s


SENDERS = _senders()
# Vendors that can neither sign nor send a header: the URL carries the secret (?token=...).
URL_SECRET = {"eventbrite": "EVENTBRITE_WEBHOOK_URL_SECRET", "basecamp": "BASECAMP_WEBHOOK_URL_SECRET",
              "gumroad": "GUMROAD_WEBHOOK_URL_SECRET", "jotform": "JOTFORM_WEBHOOK_TOKEN",
              "mailchimp": "MAILCHIMP_WEBHOOK_TOKEN",
              "shipstation": "SHIPSTATION_WEBHOOK_URL_SECRET"}
# Vendors that send the shared secret inside the JSON body: Figma's passcode, "the passcode
# specified when the webhook was created" (WebhookBasePayload)
BODY_TOKEN = {"figma": ("passcode", "FIGMA_WEBHOOK_PASSCODE")}
SIGNED_BODY = TOOL not in URL_SECRET and TOOL not in BODY_TOKEN and TOOL not in ("chargebee", "contentful", "datadog", "gitlab", "webhook", "paypal", "telegram")
# the body is itself a signed token
BODY_JWT = {"wix": wix_body}
TIMED = ("bigcommerce", "calendly", "ghost", "linear", "slack", "stripe", "webflow", "wix", "zendesk", "zoom")
assert TOOL in SENDERS or TOOL in URL_SECRET or TOOL in BODY_TOKEN or TOOL in BODY_JWT, "no sender for " + TOOL


def load(secrets):
    """The generated module with these credentials in its environment."""
    for name in SPEC["secrets"]:
        os.environ.pop(name, None)
    os.environ.update(secrets)
    spec = importlib.util.spec_from_file_location("generated_%d" % time.monotonic_ns(), path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def put(body, path, value):
    """Sets a dotted path (list indexes as numbers) in a JSON body, creating what is missing."""
    node = body
    keys = path.split(".")
    for key, following in zip(keys, keys[1:]):
        if isinstance(node, list):
            node = node[int(key)]
            continue
        if not isinstance(node.get(key), (dict, list)):
            node[key] = [{}] if following.isdecimal() else {}
        node = node[key]
    if isinstance(node, list):
        node[int(keys[-1])] = value
    else:
        node[keys[-1]] = value


def payload_text(example, now, event_value=None):
    body = json.loads(json.dumps(example)) if example is not None else {"id": "evt_1", "type": "test", "created": now}
    # a delivery of the trigger's own event (the docs' example may show a sibling event)
    for i, m in enumerate(SPEC.get("matches") or []):
        if m.get("present") and event_value is not None and i == 0 and isinstance(body, dict):
            # another event: the part that only has to be there is missing (Telegram's edit)
            body[m["path"] + "_other"] = body.pop(m["path"], None)
        elif m.get("excludes"):
            # a text that must not hold a marker (a Datadog recovery's `[Recovered`): another
            # event holds it; the trigger's own keeps its example's text
            if event_value is not None and i == 0:
                put(body, m["path"], m["excludes"][0] + " " + event_value)
        elif m.get("absent"):
            # a new message carries no subtype: another event (an edit) does
            if event_value is not None and i == 0:
                put(body, m["path"], event_value)
        elif m.get("path") and not m.get("present") and isinstance(body, (dict, list)):
            put(body, m["path"], event_value if (event_value is not None and i == 0) else m["equals"])
    if TOOL == "linear" and isinstance(body, dict):
        body = dict(body, webhookTimestamp=now * 1000)
    if SPEC["form"]:
        fields = sorted(body.items()) if isinstance(body, dict) else [("value", str(body))]
        return urllib.parse.urlencode(fields), [(k, str(v)) for k, v in fields]
    return json.dumps(body), []


def event(body, headers, query=None, method="POST"):
    query = dict(query or {})
    return {"version": "2.0", "rawPath": "/", "rawQueryString": urllib.parse.urlencode(query),
            "headers": dict(headers, host=HOST), "queryStringParameters": query or None,
            "requestContext": {"domainName": HOST, "http": {"method": method}},
            "body": body, "isBase64Encoded": False}


def deliver(module, secrets, body=None, now=None, key_override=None, query=None, method="POST", extra=None,
            event_value=None):
    now = int(time.time()) if now is None else now
    text, form = payload_text(SPEC.get("example"), now, event_value)
    sent = text if body is None else body
    query = dict(query if query is not None else ({"token": secrets[URL_SECRET[TOOL]]} if TOOL in URL_SECRET else {}))
    if TOOL == "pandadoc" and query is not None:
        text_signed, _ = payload_text(SPEC.get("example"), now, event_value)
        query["signature"] = hexmac((key_override or secrets)["PANDADOC_WEBHOOK_SHARED_KEY"], text_signed)
    url = "https://" + HOST + "/" + ("?" + urllib.parse.urlencode(query) if query else "")
    keys = dict(secrets, **(key_override or {}))
    if TOOL in BODY_TOKEN and body is None:
        field, name = BODY_TOKEN[TOOL]
        text = json.dumps(dict(json.loads(text), **{field: keys[name]}))
        sent = text
    if TOOL in BODY_JWT and body is None:
        sent = BODY_JWT[TOOL](keys, text, now)
    signed = SENDERS[TOOL](keys, Delivery(text, url, now, form)) if TOOL in SENDERS else {}
    # the example delivery's other headers (event names the handler matches), then the signature
    headers = {k.lower(): v for k, v in (SPEC.get("example_headers") or {}).items()}
    for i, m in enumerate(SPEC.get("matches") or []):
        if m.get("header"):
            headers[m["header"]] = event_value if (event_value is not None and i == 0) else str(m["equals"])
    headers.update({k.lower(): v for k, v in dict(signed, **(extra or {})).items()})
    headers.setdefault("content-type", "application/x-www-form-urlencoded" if SPEC["form"] else "application/json")
    return module.lambda_handler(event(sent, headers, query, method), Context())


class Context:
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:workflow"


def prepare(module, verdict="SUCCESS"):
    """Replaces what would leave the machine: the deferred run, PayPal's verification and the
    calls that complete id-only deliveries."""
    deferred = []
    if hasattr(module, "_defer"):
        module._defer = lambda items, context: deferred.append(items)
    calls = []
    if not hasattr(module, "_http"):
        # a module carries `_http` only when it calls an API (PayPal's check, a detail call)
        return deferred, calls
    real_http = module._http

    def fake_http(method, url, **kwargs):
        calls.append((method, url, kwargs))
        if "verify-webhook-signature" in url:
            return {"verification_status": verdict}
        if "oauth2/token" in url:
            return {"access_token": "A21AA-test", "expires_in": 32400}
        if method == "GET":
            # the record of an id-only delivery (the event's detail call); the item stays
            return {}
        return real_http(method, url, **kwargs)
    module._http = fake_http
    return deferred, calls


secrets = {name: "s3cr3t-%s-%d" % (name.lower(), i) for i, name in enumerate(SPEC["secrets"])}
if TOOL == "wix":
    secrets["WIX_WEBHOOK_PUBLIC_KEY"] = WIX_PUBLIC
if TOOL == "chargebee":
    secrets["CHARGEBEE_WEBHOOK_BASIC_AUTH"] = base64.b64encode(b"user:pass").decode()
def body_of(answer):
    """An answer's JSON body; a vendor's fixed answer (Twilio's TwiML) is kept as text."""
    if answer.get("headers", {}).get("Content-Type", "application/json") == "application/json":
        return json.loads(answer["body"])
    return {"answer": answer["body"]}


module = load(secrets)
deferred, calls = prepare(module)
answer = deliver(module, secrets)
assert answer["statusCode"] == 200, ("a genuine delivery is accepted", answer)
assert body_of(answer).get("status") != "skipped", ("the trigger's event runs", answer)
if SPEC["form"]:
    # a form delivery may come as multipart/form-data (Jotform posts its fields so): the handler
    # reads the same fields from it as from the urlencoded form
    _, fields = payload_text(SPEC.get("example"), int(time.time()))
    boundary = "------------------------d74496d66958873e"
    parts = "".join('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (boundary, k, v)
                    for k, v in fields)
    parts += '--%s\r\nContent-Disposition: form-data; name="upload"; filename="a.txt"\r\n' % boundary
    parts += "Content-Type: text/plain\r\n\r\nfile bytes\r\n--%s--\r\n" % boundary
    parsed = module._request(event(parts, {"content-type": "multipart/form-data; boundary=" + boundary}))
    assert parsed["payload"] == dict(fields), ("multipart fields are read", parsed["payload"], fields)
    if TOOL in URL_SECRET:
        multipart = module.lambda_handler(event(parts, {"content-type": "multipart/form-data; boundary=" + boundary},
                                                {"token": secrets[URL_SECRET[TOOL]]}), Context())
        assert multipart["statusCode"] == 200, ("a multipart delivery is accepted", multipart)
if SPEC.get("matches"):
    # another event; `other_value` is a sibling action of the same topic (the first match's path)
    other = deliver(module, secrets, event_value=SPEC.get("other_value", "another.event"))
    assert other["statusCode"] == 200, other
    assert body_of(other).get("status") == "skipped" or "answer" in body_of(other), ("another event is answered, not run", other)
if hasattr(module, "_defer"):
    assert deferred and deferred[0], ("the workflow runs after the answer", deferred)
    summary = module.lambda_handler({"cue_deferred": deferred[0]}, Context())
    assert summary["status"] == "ok", summary
if TOOL == "paypal":
    body = calls[-1][2]["payload"]
    assert body["transmission_sig"] == "sig" and body["webhook_event"]["id"], body
    assert body["webhook_id"] == secrets["PAYPAL_WEBHOOK_ID"], body
    prepare(module, verdict="FAILURE")
    assert deliver(module, secrets)["statusCode"] == 401, "PayPal's FAILURE is refused"
    prepare(module)

# forged: another key, or no signature at all
if TOOL in URL_SECRET:
    assert deliver(module, secrets, query={"token": "guess"})["statusCode"] == 401
    assert deliver(module, secrets, query={})["statusCode"] == 401
elif TOOL != "paypal":
    forged = {name: "not-the-secret" for name in secrets}
    assert deliver(module, secrets, key_override=forged)["statusCode"] == 401, "another key is refused"
    unsigned = module.lambda_handler(event(payload_text(SPEC.get("example"), int(time.time()))[0], {}), Context())
    assert unsigned["statusCode"] == 401, ("an unsigned request is refused", unsigned)
if SIGNED_BODY:
    text, _ = payload_text(SPEC.get("example"), int(time.time()))
    tampered = text.replace("1", "2", 1) if "1" in text else text + " "
    assert tampered != text
    assert deliver(module, secrets, body=tampered)["statusCode"] in (400, 401), "a changed body is refused"
if TOOL in TIMED:
    stale = int(time.time()) - 3600
    assert deliver(module, secrets, now=stale)["statusCode"] in (400, 401), "an old timestamp is refused"

# unconfigured: empty secrets, or the placeholders the code defaults to, verify nothing
for unset in ({}, {name: "" for name in secrets}):
    bare = load(unset)
    prepare(bare)
    placeholders = {name: "{{%s}}" % name for name in secrets}
    for keys in (placeholders, {name: "" for name in secrets}):
        answer = deliver(bare, keys)
        assert answer["statusCode"] == 503, ("nothing is accepted while a secret is unset", answer)

# handshakes
handshake = SPEC.get("handshake") or {}
kind = handshake.get("kind")
if kind == "slack_challenge":
    body = json.dumps({"type": "url_verification", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"})
    now = int(time.time())
    headers = SENDERS["slack"](secrets, Delivery(body, "", now, []))
    answer = module.lambda_handler(event(body, headers), Context())
    assert json.loads(answer["body"])["challenge"].startswith("3eZbrw"), answer
elif kind == "zoom_url_validation":
    body = json.dumps({"event": "endpoint.url_validation", "payload": {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"}})
    now = int(time.time())
    answer = module.lambda_handler(event(body, SENDERS["zoom"](secrets, Delivery(body, "", now, []))), Context())
    expected = hmac.new(secrets["ZOOM_WEBHOOK_SECRET"].encode(), b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256).hexdigest()
    assert json.loads(answer["body"]) == {"plainToken": "qgg8vlvZRS6UYooatFL8Aw", "encryptedToken": expected}, answer
    # unsigned validation requests get no HMAC of a chosen text
    assert module.lambda_handler(event(body, {}), Context())["statusCode"] == 401
elif kind == "echo_header":
    # every credential but the one the handshake teaches (the API token of a detail call stays)
    bare = load({k: v for k, v in secrets.items() if k != "ASANA_WEBHOOK_SECRET"})
    prepare(bare)
    kept = {}

    class FakeLambda:
        def get_function_configuration(self, FunctionName):
            return {"Environment": {"Variables": {"OTHER": "1"}}}

        def update_function_configuration(self, FunctionName, Environment):
            kept.update(Environment["Variables"])

    class FakeBoto3:
        @staticmethod
        def client(name):
            assert name == "lambda"
            return FakeLambda()
    bare.boto3 = FakeBoto3
    answer = bare.lambda_handler(event("", {"X-Hook-Secret": "hook-secret-1"}), Context())
    assert answer["statusCode"] == 200 and answer["headers"]["X-Hook-Secret"] == "hook-secret-1", answer
    assert kept == {"OTHER": "1", "ASANA_WEBHOOK_SECRET": "hook-secret-1"}, kept
    later = deliver(bare, {"ASANA_WEBHOOK_SECRET": "hook-secret-1"})
    assert later["statusCode"] == 200, ("deliveries signed with the kept secret pass", later)
    again = bare.lambda_handler(event("", {"X-Hook-Secret": "attacker"}), Context())
    assert again["statusCode"] == 409, again
elif kind == "echo_query":
    query = {"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": secrets[handshake["verify_secret"]]}
    answer = module.lambda_handler(event("", {}, query, "GET"), Context())
    assert answer["statusCode"] == 200 and answer["body"] == "1158201444", answer
    query["hub.verify_token"] = "wrong"
    assert module.lambda_handler(event("", {}, query, "GET"), Context())["statusCode"] == 403
elif kind == "unsigned_ping":
    # WooCommerce's test ping when a webhook is saved: unsigned, `webhook_id=<id>`; answered,
    # nothing runs; the same body with a changed tail, or any unsigned body, is still refused
    ran = []
    saved = module.run_workflow
    module.run_workflow = lambda items: ran.extend(items) or {}
    answer = module.lambda_handler(event("webhook_id=142", {"content-type": "application/x-www-form-urlencoded"}), Context())
    assert answer["statusCode"] == 200 and ran == [], (answer, ran)
    for body in ("webhook_id=142&x=1", "webhook_id=", payload_text(SPEC.get("example"), int(time.time()))[0]):
        assert module.lambda_handler(event(body, {}), Context())["statusCode"] == 401, body
    module.run_workflow = saved
elif kind == "get_ok":
    answer = deliver(module, secrets, body="", method="GET")
    assert answer["statusCode"] == 200, answer
    assert deliver(module, secrets, body="", method="GET", query={})["statusCode"] == 401
print("ok", TOOL)
