#!/usr/bin/env python3
"""A hostile client against a running gateway on this machine (issue 14's "Done when").

    scripts/hostile-client.sh                           # builds the release binary, starts it, runs this
    scripts/hostile-client.py --base http://127.0.0.1:8000 --token "$T" [--generate-quota 30]

Plays, with bounded counts and times: oversized heads and bodies, slowloris, malformed JSON,
huge graphs, unusual Unicode, path traversal in ids, forged tokens, cookie tricks and parallel
quota races. Every answer must be a non-5xx (except where stated), and every error JSON
{"detail", "code"}. Prints one line per check and "N passed, N failed"; exits 1 on a failure.
Only loopback addresses are accepted as targets.
"""

import argparse
import base64
import concurrent.futures
import hashlib
import hmac
import http.client
import json
import socket
import sys
import time
import urllib.parse

RESULTS = []


def check(name):
    def wrap(fn):
        def run(ctx):
            started = time.monotonic()
            try:
                fn(ctx)
                RESULTS.append((name, None))
                print("ok    %-44s %.1fs" % (name, time.monotonic() - started))
            except AssertionError as exc:
                RESULTS.append((name, str(exc)))
                print("FAIL  %-44s %s" % (name, str(exc)[:600]))
        run.__name__ = fn.__name__
        return run
    return wrap


class Ctx:
    def __init__(self, base, token, generate_quota):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port or 80
        if self.host not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("hostile-client: only loopback targets (got %s)" % self.host)
        self.token, self.generate_quota = token, generate_quota

    def request(self, method, path, body=None, headers=None, token=True, timeout=30):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        h = {"Content-Type": "application/json"} if body is not None else {}
        if token and self.token:
            h["Authorization"] = "Bearer " + self.token
        h.update(headers or {})
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        conn.request(method, path, body=data, headers=h)
        res = conn.getresponse()
        out = (res.status, dict((k.lower(), v) for k, v in res.getheaders()), res.read())
        conn.close()
        return out

    def raw(self, payload, timeout=15):
        s = socket.create_connection((self.host, self.port), timeout=timeout)
        try:
            s.sendall(payload)
        except OSError:
            pass
        out = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
        except OSError:
            pass
        s.close()
        return out


def is_error(status, headers, body, allowed, where):
    assert status in allowed, "%s: status %s not in %s: %r" % (where, status, allowed, body[:300])
    if status >= 400:
        assert headers.get("content-type", "").startswith("application/json"), \
            "%s: %s without JSON: %r" % (where, status, headers)
        doc = json.loads(body)
        assert isinstance(doc.get("detail"), str) and isinstance(doc.get("code"), str), \
            "%s: error shape %r" % (where, doc)
        return doc["code"]
    return None


def raw_status_and_body(answer):
    head, _, body = answer.partition(b"\r\n\r\n")
    line = head.split(b"\r\n", 1)[0].decode("latin-1")
    return int(line.split()[1]) if line.startswith("HTTP/") else 0, head.decode("latin-1"), body


@check("oversized request heads are JSON 431")
def oversized_heads(ctx):
    lines = b"".join(b"X-L%d: 1\r\n" % i for i in range(200))
    for payload in (b"GET /health HTTP/1.1\r\nHost: x\r\n" + lines + b"\r\n",
                    b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 140_000 + b"\r\n\r\n"):
        status, head, body = raw_status_and_body(ctx.raw(payload))
        assert status == 431 and "application/json" in head, (status, head)
        assert json.loads(body)["code"] == "headers_too_large", body


@check("oversized bodies are 413 before they are read")
def oversized_bodies(ctx):
    big = b'{"prompt": "' + b"a" * (3 * 1024 * 1024) + b'"}'
    for path in ("/workflows/generate", "/workflows", "/code/validate"):
        code = is_error(*ctx.request("POST", path, big), (413,), path)
        assert code == "payload_too_large", (path, code)
    # a Content-Length far over the limit is refused without waiting for the bytes
    answer = ctx.raw(b"POST /workflows HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Authorization: Bearer " + ctx.token.encode() + b"\r\n"
                     b"Content-Length: 999999999\r\n\r\n{", timeout=10)
    status, head, body = raw_status_and_body(answer)
    assert status == 413 and json.loads(body)["code"] == "payload_too_large", (status, body[:200])


@check("slowloris connections are cut, others still served")
def slowloris(ctx):
    socks = []
    for _ in range(30):
        s = socket.create_connection((ctx.host, ctx.port), timeout=20)
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        socks.append(s)
    started, closed = time.monotonic(), set()
    while time.monotonic() - started < 15 and len(closed) < len(socks):
        status, _, _ = ctx.request("GET", "/health", token=False, timeout=5)
        assert status == 200, "health while under slowloris: %s" % status
        for i, s in enumerate(socks):
            if i in closed:
                continue
            try:
                s.sendall(b"X-Drip: 1\r\n")
                s.settimeout(0.05)
                if s.recv(4096) == b"":
                    closed.add(i)
            except socket.timeout:
                pass
            except OSError:
                closed.add(i)
        time.sleep(0.5)
    for s in socks:
        s.close()
    assert len(closed) == len(socks), "%d of %d slow connections still open after 15 s" % (
        len(socks) - len(closed), len(socks))


@check("malformed JSON is a 4xx JSON error")
def malformed_json(ctx):
    bodies = [b"{", b'{"prompt": "x"', b"[]", b"null", b'{"prompt": NaN}', b"\xff\xfe{}",
              b"[" * 100_000 + b"]" * 100_000, b'{"prompt": ' + b'{"a":' * 50_000 + b"1" + b"}" * 50_000 + b"}",
              b'{"prompt": "x", "prompt": "y"}', b'{"prompt": 1e999999}', b"\x00" * 1000]
    for path in ("/workflows/generate", "/workflows", "/code/validate", "/workflows/search/x"):
        for body in bodies:
            is_error(*ctx.request("POST", path, body), (400, 404, 405, 413, 415, 422), path)
    is_error(*ctx.request("POST", "/workflows/generate", b'{"prompt":"x"}',
                          headers={"Content-Type": "text/plain"}), (400, 415), "text/plain body")


@check("huge or malformed graphs are refused")
def huge_graphs(ctx):
    nodes = [{"id": "n%d" % i, "type": "action", "data": {"label": "x"}, "position": {"x": 0, "y": 0}}
             for i in range(20_000)]
    graphs = {
        "big": {"nodes": nodes, "edges": []},
        "bad": {"nodes": ["x", 3], "edges": [False]},
        "dangling": {"nodes": nodes[:2], "edges": [{"id": "e", "source": "n0", "target": "nope"}]},
        "dupes": {"nodes": [nodes[0], nodes[0]], "edges": []},
    }
    bodies = {name: {"name": name, "nodeData": graph} for name, graph in graphs.items()}
    bodies["deep"] = (b'{"name":"deep","nodeData":{"nodes":[{"id":"d","data":' + b"[" * 5000 + b"]" * 5000
                      + b'}],"edges":[]}}')
    for name, body in bodies.items():
        code = is_error(*ctx.request("POST", "/workflows", body), (400, 413, 422), name)
        assert code in ("invalid_graph", "payload_too_large", "invalid_body", "malformed_json"), (name, code)


@check("unusual Unicode is echoed inert or refused")
def unicode(ctx):
    prompts = ["every day at 9 send \u202egnp.exe\u202c to #ops in slack",
               "post \u200b\u200d\ufeff to slack #x every monday", "\U0001F600" * 2000,
               "send {{AWS_SECRET}} to slack #x daily", "a" * 5000 + "\u0301" * 5000,
               "every hour email me the n\u0000ews", "\ud800 lone surrogate as text"]
    for prompt in prompts:
        status, headers, body = ctx.request("POST", "/workflows/generate", {"prompt": prompt})
        is_error(status, headers, body, (200, 400, 413, 422, 429), repr(prompt[:20]))
        if status == 200:
            doc = json.loads(body)
            assert "{{AWS_SECRET}}" not in doc.get("code", "").replace(
                'os.environ.get("AWS_SECRET", "{{AWS_SECRET}}")', ""), "a prompt's {{NAME}} became code"
            assert "\u202e" not in json.dumps(doc.get("nodes", []), ensure_ascii=False), "bidi override echoed"


@check("path traversal in ids is a JSON 4xx")
def path_traversal(ctx):
    ids = ["..%2F..%2Fetc%2Fpasswd", "%2e%2e", "..", "%00", "a%0d%0aSet-Cookie:%20x=1", "%252e%252e%252f",
           "x" * 5000, "..\\..\\windows", "%C0%AE%C0%AE", "1;DROP%20TABLE%20workflows"]
    for i in ids:
        for method, path in (("GET", "/workflows/%s"), ("GET", "/workflows/%s/versions"),
                             ("GET", "/workflows/%s/bundle"), ("GET", "/templates/%s"),
                             ("DELETE", "/workflows/%s"), ("GET", "/workflows/user/%s")):
            status, headers, body = ctx.request(method, path % i)
            is_error(status, headers, body, (400, 403, 404, 405, 414, 422), method + " " + path % i[:30])
            assert "set-cookie" not in headers or "x=1" not in headers["set-cookie"], "header injection"


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@check("forged tokens are 401")
def token_forgery(ctx):
    now = int(time.time())
    claims = {"sub": "00000000-0000-0000-0000-000000000001", "exp": now + 3600, "iat": now}
    forged = [
        b64(b'{"alg":"none","typ":"JWT"}') + "." + b64(json.dumps(claims).encode()) + ".",
        "a.b.c", "", "x" * 8000, "Bearer", "\u00e9t\u00e9",
    ]
    for key in (b"secret", b"", b"changeme"):
        head = b64(b'{"alg":"HS256","typ":"JWT"}') + "." + b64(json.dumps(claims).encode())
        forged.append(head + "." + b64(hmac.new(key, head.encode(), hashlib.sha256).digest()))
    if ctx.token and ctx.token.count(".") == 2:
        h, p, s = ctx.token.split(".")
        tampered = json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
        tampered["sub"] = claims["sub"]
        forged += [h + "." + b64(json.dumps(tampered).encode()) + "." + s, h + "." + p + "." + s[:-4],
                   b64(b'{"alg":"none"}') + "." + p + "."]
    for token in forged:
        try:
            header = ("Bearer " + token).encode("latin-1")
        except UnicodeEncodeError:
            header = ("Bearer " + token).encode()
        status, headers, body = ctx.request("GET", "/users/me", token=False,
                                            headers={"Authorization": header.decode("latin-1")})
        code = is_error(status, headers, body, (400, 401, 431), token[:20])
        assert status != 200, "forged token accepted: %r" % token[:40]


@check("cookie tricks do not authenticate")
def cookie_tricks(ctx):
    cookies = ["cue_session=forged", "cue_session=", "cue_session=%s; cue_session=forged" % "a.b.c",
               "cue_session=" + "x" * 4000, "CUE_SESSION=%s" % (ctx.token or "x"),
               "cue_session=\"%s\"" % "a.b.c", "cue_session=a.b.c; Path=/; Domain=evil.example"]
    for cookie in cookies:
        status, headers, body = ctx.request("GET", "/users/me", token=False, headers={"Cookie": cookie})
        is_error(status, headers, body, (400, 401), cookie[:30])
    if ctx.token:
        # a valid cookie beside a forged bearer: the bearer is judged, not silently ignored
        status, _, _ = ctx.request("GET", "/users/me", token=False, headers={
            "Cookie": "cue_session=" + ctx.token, "Authorization": "Bearer forged"})
        assert status == 401, "forged bearer beside a valid cookie: %s" % status
        # logout on a cross-site navigation keeps the session
        status, _, _ = ctx.request("GET", "/api/logout", token=False, headers={
            "Cookie": "cue_session=" + ctx.token, "Sec-Fetch-Site": "cross-site"})
        assert status in (302, 303, 307), "cross-site logout answered %s" % status
        status, _, _ = ctx.request("GET", "/users/me")
        assert status == 200, "the session ended on a cross-site logout (%s)" % status


@check("parallel quota races stay within the quota")
def quota_race(ctx):
    if not ctx.token:
        raise AssertionError("needs --token")
    body = {"prompt": "every monday at 9 send the open Jira issues to #dev in slack"}

    def one(_):
        status, headers, raw = ctx.request("POST", "/workflows/generate", body, timeout=60)
        return status, headers, raw

    with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
        answers = list(pool.map(one, range(ctx.generate_quota + 40)))
    ok = [a for a in answers if a[0] == 200]
    limited = [a for a in answers if a[0] == 429]
    for status, headers, raw in answers:
        is_error(status, headers, raw, (200, 429, 422), "race")
    assert len(ok) <= ctx.generate_quota, "%d answers past a quota of %d" % (len(ok), ctx.generate_quota)
    assert limited, "no 429 in %d requests" % len(answers)
    assert all(json.loads(a[2])["code"] == "rate_limited" and "retry-after" in a[1] for a in limited)


CHECKS = [oversized_heads, oversized_bodies, slowloris, malformed_json, huge_graphs, unicode,
          path_traversal, token_forgery, cookie_tricks, quota_race]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--token", default="")
    parser.add_argument("--generate-quota", type=int, default=30)
    parser.add_argument("--only", default="", help="comma-separated check function names")
    args = parser.parse_args()
    ctx = Ctx(args.base, args.token, args.generate_quota)
    only = {n for n in args.only.split(",") if n}
    for fn in CHECKS:
        if not only or fn.__name__ in only:
            fn(ctx)
    failed = sum(1 for _, err in RESULTS if err)
    print("%d passed, %d failed" % (len(RESULTS) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
