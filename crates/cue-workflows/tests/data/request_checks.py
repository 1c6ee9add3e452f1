"""Runs generated steps against a fake opener and compares the request each sends with its
catalog action's documented example: method, path (against the action's template), content
type, auth shape, and required fields present and non-empty (the generated `_http` refuses
to send an empty one).

Usage: python3 request_checks.py <cases.json>, a list of {action, module, fn, template,
content_type, auth, creds, example}. Prints {"<action>": [problems...]} as JSON.
"""
import email.message
import importlib.util
import io
import json
import os
import re
import sys
import urllib.parse


class Answer(io.BytesIO):
    status = 200

    def __init__(self, body, headers=None):
        super().__init__(body)
        self.headers = email.message.Message()
        for name, value in (headers or {}).items():
            self.headers[name] = value

    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False


class FakeOpener:
    """Answers token requests with a token and API calls with the example's answer; the calls
    after the first (an action that waits: its status, then its result) with the answers of
    those actions' own examples, in that order."""

    def __init__(self, example, then=()):
        self.example, self.then, self.sent = example, list(then), []

    def open(self, request, timeout=None):
        if request.full_url.split("?")[0].rstrip("/").endswith(("/token", "/access_token", "/tokens/bearer")):
            return Answer(json.dumps({"access_token": "tok", "expires_in": 3600}).encode())
        if request.full_url.endswith(("/com.atproto.server.createSession", "/com.atproto.server.refreshSession")):
            # a vendor session (Bluesky): its own field names
            return Answer(json.dumps({"accessJwt": "tok", "refreshJwt": "ref", "handle": "alice.bsky.social", "did": "did:plc:example"}).encode())
        self.sent.append(request)
        later = len(self.sent) - 2
        response = (self.then[min(later, len(self.then) - 1)] if later >= 0 and self.then else self.example.get("response")) or {}
        body = response.get("body") if response.get("status", 200) < 300 else {}
        return Answer(json.dumps(body if body is not None else {}).encode(), response.get("headers"))


def leaves(value, out):
    """The example body's scalar fields by name: the sample record a step reads from."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if isinstance(inner, (dict, list)):
                leaves(inner, out)
            elif inner not in (None, ""):
                out.setdefault(key, inner)
    elif isinstance(value, list):
        for inner in value:
            leaves(inner, out)
    return out


def credential(name, template):
    if name.endswith("_URL") or template.startswith("{%s}" % name):
        return "https://example.com"
    if name.endswith(("_HOST", "_DOMAIN", "_SITE", "_SHOP")):
        return "example.com"
    return "cred"


def template_regex(template):
    """The template's path as a pattern: literal text as it is, each {reference} one or more
    characters; a template starting with a reference (a URL credential) may start anywhere."""
    match = re.match(r"^https?://[^/]*", template)
    prefix = "^"
    if match:
        path = template[match.end():]
    else:
        path = re.sub(r"^\{[^{}]+\}", "", template)
        prefix = "^.*?"
    parts = re.split(r"\{[^{}]+\}", path)
    return prefix + "[^?]+?".join(re.escape(p) for p in parts) + "/?$"


def answer_problems(case, module):
    """Whether the action's `text` and `records` point at something in the documented answer."""
    response = case["example"]["response"]
    if response.get("status", 200) >= 300 or response.get("body") in (None, {}, []):
        return []
    answer = response["body"]
    kept = {name.lower(): value for name, value in (response.get("headers") or {}).items()
            if name.lower() in [h.lower() for h in case["answer_headers"]]}
    if kept and isinstance(answer, dict):
        answer = dict(answer, headers=kept)
    problems = []
    for key in ("text", "records"):
        path = case.get(key)
        # a text path with `*` joins every match (module._joined); it must find one
        found = module._joined(answer, path) or None if path and "*" in path else module._path(answer, path) if path else None
        if path and found is None:
            problems.append("%s %s is not in the documented answer" % (key, path))
    return problems


def check(case):
    for name in case["creds"]:
        os.environ[name] = credential(name, case["template"])
    spec = importlib.util.spec_from_file_location("generated_" + case["fn"], case["module"])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    example = case["example"]
    opener = FakeOpener(example, case.get("then") or ())
    module._OPENER = opener
    module.time.sleep = lambda seconds: None
    item = {"id": "123", "number": 1, "email": "ada@example.com", "phone": "+14155550100",
            "name": "Ada", "title": "Hello", "text": "Hello", "subject": "Hello",
            "url": "https://example.com/a.mp3", "value": "1", "amount": 12.5}
    leaves(example["request"].get("body"), item)
    # the record fields the action's templates read, as a previous step would give them
    for name in re.findall(r"\{field(?:_or)?:([^:{}]+)", json.dumps(case["templates"])):
        # an id as a vendor gives it (FreshBooks' customerid is a number, bind10's `_number`)
        item.setdefault(name, "123" if name.lower().endswith("id") else "sample-" + name)
    problems = []
    try:
        getattr(module, case["fn"])([item])
    except Exception as exc:
        problems.append("raised %s: %s" % (type(exc).__name__, str(exc)[:200]))
    if not opener.sent:
        return problems + ["sent nothing"]
    problems += answer_problems(case, module)
    want = example["request"]
    pattern = template_regex(case["template"])
    # the action's own request (not a file it fetched first, nor a detail call after)
    fitting = [r for r in opener.sent if re.match(pattern, urllib.parse.urlsplit(r.full_url).path)]
    request = (fitting or opener.sent)[0]
    if request.get_method() != (want.get("method") or "GET").upper():
        problems.append("method %s, example %s" % (request.get_method(), want.get("method")))
    got = urllib.parse.urlsplit(request.full_url).path
    documented = urllib.parse.urlsplit(want["url"]).path
    for label, path in (("generated", got), ("example", documented)):
        if not re.match(pattern, path):
            problems.append("%s path %s does not fit %s" % (label, path, case["template"]))
    # a template whose host is literal (not a shop's or a region's credential) names the host:
    # the request and the example go there (Dropbox's uploads on content.dropboxapi.com)
    host = re.match(r"^https?://([^/{}]*)(/|$)", case["template"])
    if host:
        for label, url in (("generated", request.full_url), ("example", want["url"])):
            if urllib.parse.urlsplit(url).netloc != host.group(1):
                problems.append("%s host %s, template %s" % (label, urllib.parse.urlsplit(url).netloc, host.group(1)))
    headers = {k.lower(): v for k, v in request.header_items()}
    documented_headers = {k.lower(): v for k, v in (want.get("headers") or {}).items()}
    if request.data is not None:
        ctype = headers.get("content-type", "").split(";")[0].strip()
        kind = case["content_type"]
        ok = {"json": ctype == "application/json" or (ctype.startswith("application/") and ctype.endswith("+json")),
              "form": ctype == "application/x-www-form-urlencoded",
              "multipart": ctype == "multipart/form-data",
              "multipartrelated": ctype == "multipart/related",
              "ndjson": ctype == "application/x-ndjson",
              "bytes": ctype not in ("application/json", "application/x-www-form-urlencoded") and not ctype.startswith("multipart/")}[kind]
        if not ok:
            problems.append("content type %s, catalog %s" % (ctype, kind))
        said = documented_headers.get("content-type", "").split(";")[0].strip()
        if said and said != ctype:
            problems.append("content type %s, example %s" % (ctype, said))
    auth = case["auth"].split()
    if auth and auth[0] in ("bearer", "basic"):
        scheme = auth[0].capitalize()
        if not headers.get("authorization", "").startswith(scheme + " "):
            problems.append("no %s Authorization header" % scheme)
        said = documented_headers.get("authorization", "")
        if said and not said.lower().startswith(auth[0]):
            problems.append("auth %s, example %s" % (auth[0], said.split()[0]))
    elif auth and auth[0] == "header":
        if auth[1].lower() not in headers:
            problems.append("no %s header" % auth[1])
    elif auth and auth[0] == "query":
        if auth[1] not in urllib.parse.parse_qs(urllib.parse.urlsplit(request.full_url).query):
            problems.append("no %s query parameter" % auth[1])
    return problems


cases = json.load(open(sys.argv[1]))
print(json.dumps({case["action"]: check(case) for case in cases}))
