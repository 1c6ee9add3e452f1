//! Every webhook trigger in the catalog, played by its vendor: the generated handler (run with
//! python3) accepts a delivery signed the way the vendor documents it, answers the vendor's
//! handshake, and refuses forged, tampered, stale and unconfigured requests
//! (`tests/data/webhook_senders.py` holds the senders).

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod support;

use std::collections::BTreeMap;
use std::process::Command;

use cue_workflows::catalog::{EventDelivery, Handshake, WebhookBody};
use cue_workflows::{Delivery, Engine, Plan, PlannedTool, Step, Trigger, TriggerKind};
use serde_json::json;

const SENDERS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/webhook_senders.py");

/// A plan triggered by `event` of `tool`, with the credentials the planners give it.
fn webhook_plan(engine: &Engine, tool: &str, event: &str) -> Plan {
    let catalog = engine.catalog();
    let t = catalog.tool(tool).unwrap();
    let used = catalog.webhook_for(Some(t)).unwrap();
    let mut tools = vec![PlannedTool {
        id: t.id.clone(),
        name: t.name.clone(),
        credentials: Vec::new(),
    }];
    match tools.iter_mut().find(|p| p.id == used.owner.id) {
        Some(p) => p.credentials = used.credentials.clone(),
        None => tools.push(PlannedTool {
            id: used.owner.id.clone(),
            name: used.owner.name.clone(),
            credentials: used.credentials.clone(),
        }),
    }
    Plan {
        name: format!("{} webhook", t.name),
        summary: "Checks deliveries.".to_owned(),
        trigger: Trigger {
            kind: TriggerKind::AppEvent,
            delivery: Delivery::Http,
            schedule_expression: None,
            timezone: None,
            description: event.to_owned(),
            tool: Some(t.id.clone()),
            event: Some(event.to_owned()),
            params: BTreeMap::new(),
            filter: None,
        },
        steps: Vec::new(),
        tools,
        assumptions: Vec::new(),
    }
}

#[test]
fn every_webhook_trigger_accepts_its_vendor_and_refuses_forgeries() {
    if Command::new("python3").arg("--version").output().is_err() {
        return;
    }
    let engine = Engine::new().unwrap();
    let mut checked = Vec::new();
    let mut expected = Vec::new();
    for tool in engine.catalog().tools() {
        let Some(event) = tool
            .events
            .iter()
            .find(|e| e.delivery == EventDelivery::Http)
        else {
            continue;
        };
        expected.push(tool.id.clone());
        let plan = webhook_plan(&engine, &tool.id, &event.id);
        let secrets = plan.placeholders();
        let g = engine.generate_from_plan(plan).unwrap();
        let report = g.validation.as_ref().unwrap();
        assert_eq!(report.error_count, 0, "{}: {:?}", tool.id, report.findings);
        let used = engine.catalog().webhook_for(Some(tool)).unwrap();
        let handshake = match &used.webhook.handshake {
            Some(Handshake::SlackChallenge) => json!({"kind": "slack_challenge"}),
            Some(Handshake::ZoomUrlValidation { .. }) => json!({"kind": "zoom_url_validation"}),
            Some(Handshake::EchoHeader { .. }) => json!({"kind": "echo_header"}),
            Some(Handshake::EchoQuery { verify_secret, .. }) => {
                json!({"kind": "echo_query", "verify_secret": verify_secret})
            }
            Some(Handshake::Crc { .. }) => json!({"kind": "crc"}),
            Some(Handshake::GetOk) => json!({"kind": "get_ok"}),
            Some(Handshake::UnsignedPing { body_pattern }) => {
                json!({"kind": "unsigned_ping", "body_pattern": body_pattern})
            }
            None => json!(null),
        };
        let spec = json!({
            "tool": tool.id,
            "secrets": secrets,
            "example": event.example.as_ref().map(|e| e.body.clone()),
            "example_headers": event.example.as_ref().map(|e| e.headers.clone()),
            // where each condition is in a delivery of one notification (batched vendors too)
            "matches": event.matches_in_delivery().into_iter().map(|(m, path)| json!({"header": m.header, "path": path, "equals": m.sample(), "present": m.present, "absent": m.absent, "excludes": m.excludes})).collect::<Vec<_>>(),
            "form": used.webhook.body == WebhookBody::Form,
            "handshake": handshake,
        });
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lambda_function.py");
        std::fs::write(&path, &g.code).unwrap();
        let out = Command::new("python3")
            .arg(SENDERS)
            .arg(&path)
            .arg(spec.to_string())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{} {}: {}{}\n{}",
            tool.id,
            event.id,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            g.code
        );
        checked.push(tool.id.clone());
    }
    assert_eq!(checked, expected);
    assert!(checked.len() >= 40, "{checked:?}");
}

/// What the generated `_http` does with redirects, other schemes, failed URLs and hosts that
/// resolve to non-public addresses. Names are resolved by a table here (`RESOLVES`): a "public"
/// address is then reached on a loopback test server (`LOCAL`), so nothing leaves the machine.
/// Run by `support::run_module`, which loads the module as `module`.
const HTTP_CHECKS: &str = r#"
import http.server, logging, os, socket, threading, urllib.error
module.HTTP_MAX_ATTEMPTS = 1
seen = []

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        seen.append((self.server.server_port, self.path, self.headers.get("Authorization")))
        if self.path.startswith("/to-other"):
            self.send_response(302)
            self.send_header("Location", "http://other.test:%d/landed" % other.server_port)
        elif self.path.startswith("/to-same"):
            self.send_response(302)
            self.send_header("Location", "/landed")
        elif self.path.startswith("/to-file"):
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
        elif self.path.startswith("/to-"):
            self.send_response(302)
            self.send_header("Location", self.path[len("/to-"):].replace("!", "://", 1))
        elif self.path.startswith("/bot"):
            self.send_response(404)
        else:
            self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass

first = http.server.HTTPServer(("127.0.0.1", 0), Handler)
other = http.server.HTTPServer(("127.0.0.1", 0), Handler)
for server in (first, other):
    threading.Thread(target=server.serve_forever, daemon=True).start()

RESOLVES = {"first.test": "203.0.114.1", "other.test": "203.0.114.2", "metadata.test": "169.254.169.254",
            "runtime.test": "127.0.0.1", "intranet.test": "10.1.2.3", "ula.test": "fc00::1",
            "mapped.test": "::ffff:127.0.0.1", "sixtofour.test": "2002:a00:1::1", "zero.test": "0.0.0.0",
            "multicast.test": "224.0.0.1", "cgnat.test": "100.64.0.1", "loopback6.test": "::1"}
LOCAL = {"203.0.114.1": first.server_port, "203.0.114.2": other.server_port, "10.1.2.3": first.server_port}
real_getaddrinfo, connected = socket.getaddrinfo, []

def getaddrinfo(host, port, *args, **kwargs):
    if host in RESOLVES:
        return real_getaddrinfo(RESOLVES[host], port, *args, **kwargs)
    return real_getaddrinfo(host, port, *args, **kwargs)

def create_connection(address, *args):
    connected.append(address[0])
    return real_create_connection(("127.0.0.1", LOCAL[address[0]]), *args)

real_create_connection = socket.create_connection
socket.getaddrinfo, socket.create_connection = getaddrinfo, create_connection
base = "http://first.test:%d" % first.server_port
auth = {"Authorization": "Bearer secret-token"}

module._http("GET", base + "/to-same", headers=auth)
assert seen[-1] == (first.server_port, "/landed", "Bearer secret-token"), seen
module._http("GET", base + "/to-other", headers=auth)
assert seen[-1] == (other.server_port, "/landed", None), ("credentials stay on their host", seen)
for url in (base + "/to-file", "file:///etc/passwd", "ftp://first.test/x"):
    try:
        module._http("GET", url, headers=auth)
        raise AssertionError("fetched " + url)
    except urllib.error.URLError:
        pass

def refused(url):
    before = (len(seen), len(connected))
    try:
        module._http("GET", url, headers=auth)
    except urllib.error.URLError as exc:
        assert isinstance(exc.reason, module._NonPublicHost), (url, exc)
        return before == (len(seen), len(connected)) or (url, seen, connected)
    raise AssertionError("fetched " + url)

hosts = ["127.0.0.1:%d" % first.server_port, "localhost:%d" % first.server_port, "[::1]:9001", "127.0.0.1:9001",
         "169.254.169.254"] + [h for h in RESOLVES if h not in ("first.test", "other.test")]
for host in hosts:
    assert refused("http://%s/latest/meta-data/" % host) is True, host
    assert refused("https://%s/x" % host) is True, host
# every hop of a redirect is checked: the first is answered, the next is never connected to
for target in ("http!127.0.0.1:9001/2018-06-01/runtime/invocation/next", "http!metadata.test/latest/meta-data/",
               "https!intranet.test/", "http!mapped.test:%d/" % first.server_port):
    before = len(connected)
    try:
        module._http("GET", base + "/to-" + target, headers=auth)
        raise AssertionError("followed to " + target)
    except urllib.error.URLError as exc:
        assert isinstance(exc.reason, module._NonPublicHost), (target, exc)
    assert len(connected) == before + 1, (target, connected)
# a refused host is not retried
module.HTTP_MAX_ATTEMPTS, module.time.sleep, slept = 3, lambda s: slept.append(s), []
assert refused("http://metadata.test/") is True and slept == [], slept
module.HTTP_MAX_ATTEMPTS = 1
# the operator may name private hosts (never loopback, link-local or metadata ones)
os.environ["ALLOWED_PRIVATE_HOSTS"] = " intranet.test , metadata.test,runtime.test"
module._http("GET", "http://intranet.test:80/inside", headers=auth)
assert seen[-1] == (first.server_port, "/inside", "Bearer secret-token"), seen
for host in ("metadata.test", "runtime.test", "ula.test", "169.254.169.254"):
    assert refused("http://%s/" % host) is True, host
del os.environ["ALLOWED_PRIVATE_HOSTS"]

class Capture(logging.Handler):
    records = []
    def emit(self, record):
        self.records.append(record.getMessage())
logging.getLogger().addHandler(Capture())
try:
    module._http("GET", base + "/bot123456:AAE-secret/sendMessage?token=qs-secret", headers=auth)
    raise AssertionError("a 404 raises")
except urllib.error.HTTPError:
    pass
refused("http://metadata.test/bot123456:AAE-secret/x?token=qs-secret")
logged = "\n".join(Capture.records)
assert "first.test" in logged and "metadata.test" in logged and "secret" not in logged, logged
print("ok")
"#;

#[test]
fn generated_http_keeps_credentials_on_their_host_and_out_of_logs() {
    let engine = Engine::new().unwrap();
    // a step that calls an API, so that the module carries `_http` (a module carries only the
    // helpers its statements reach)
    let mut plan = webhook_plan(&engine, "webhook", "request");
    plan.steps.push(Step {
        id: "step_1".to_owned(),
        tool: "slack".to_owned(),
        action: "post_message".to_owned(),
        description: "Post the request to Slack".to_owned(),
        params: BTreeMap::from([("channel".to_owned(), "#dev".to_owned())]),
        condition: None,
        for_each: None,
    });
    plan.tools.push(PlannedTool {
        id: "slack".to_owned(),
        name: "Slack".to_owned(),
        credentials: Vec::new(),
    });
    let g = engine.generate_from_plan(plan).unwrap();
    assert!(g.code.contains("\ndef _http("), "{}", g.code);
    support::run_module(&g.code, HTTP_CHECKS);
}

#[test]
fn webhook_templates_say_the_url_is_public_and_hide_secrets() {
    let engine = Engine::new().unwrap();
    let g = engine
        .generate_from_plan(webhook_plan(&engine, "asana", "task_created"))
        .unwrap();
    let yaml = &g.template_yaml;
    assert!(yaml.contains("public (AuthType NONE) by design"), "{yaml}");
    assert!(g.readme.contains("is public (`AuthType: NONE`) by design"));
    // the handshake sets Asana's secret after deployment; other secrets are never empty
    assert!(
        yaml.contains(
            "  AsanaWebhookSecret:\n    Type: String\n    NoEcho: true\n    Default: \"\""
        ),
        "{yaml}"
    );
    let g = engine
        .generate_from_plan(webhook_plan(&engine, "stripe", "payment_succeeded"))
        .unwrap();
    assert!(
        g.template_yaml.contains(
            "  StripeWebhookSecret:\n    Type: String\n    NoEcho: true\n    MinLength: 1\n"
        ),
        "{}",
        g.template_yaml
    );
}

#[test]
fn unverified_entries_and_unverifiable_webhooks_are_stated_once() {
    let engine = Engine::new().unwrap();
    let g = engine
        .generate_from_plan(webhook_plan(&engine, "wix", "form_submitted"))
        .unwrap();
    let said = |needle: &str| g.assumptions.iter().filter(|a| a.contains(needle)).count();
    // Wix's JWT bodies are checked with the app's public key: no URL secret to fall back on
    assert_eq!(
        said("signs its webhooks in a way"),
        0,
        "{:?}",
        g.assumptions
    );
    assert_eq!(
        said("The trigger \"Form submitted\" (Wix) could not be confirmed"),
        1
    );
    assert!(!g.code.contains("request[\"query\"].get(\"token\", \"\")"));
    assert!(
        g.code
            .contains("_rs256_valid(WIX_WEBHOOK_PUBLIC_KEY, signed, given)")
    );
    // settling the stored plan again adds nothing
    let again = engine.generate_from_plan(g.plan.clone()).unwrap();
    assert_eq!(again.assumptions, g.assumptions);

    let (tool, action) = engine
        .catalog()
        .tools()
        .iter()
        .find_map(|t| {
            t.actions
                .iter()
                .find(|a| a.reference.as_ref().is_some_and(|r| !r.verified))
                .map(|a| (t, a))
        })
        .expect("an unverified action");
    let mut plan = webhook_plan(&engine, "stripe", "payment_succeeded");
    plan.steps.push(cue_workflows::Step {
        id: "step_1".to_owned(),
        tool: tool.id.clone(),
        action: action.id.clone(),
        description: action.label.clone(),
        params: action.params.clone(),
        condition: None,
        for_each: None,
    });
    let g = engine.generate_from_plan(plan).unwrap();
    let line = format!(
        "The step \"{}\" ({}) could not be confirmed",
        action.label, tool.name
    );
    assert!(
        g.assumptions.iter().any(|a| a.starts_with(&line)),
        "{line}: {:?}",
        g.assumptions
    );
    assert!(g.readme.contains(&line));
}

/// Placeholders are the only `{{…}}` text in generated code: the frontend and the credential
/// fill-in find them by it.
#[test]
fn webhook_code_holds_no_placeholder_text_besides_its_credentials() {
    let engine = Engine::new().unwrap();
    for tool in ["stripe", "asana", "zoom", "wix", "webhook"] {
        let event = engine.catalog().tool(tool).unwrap().events[0].id.clone();
        let g = engine
            .generate_from_plan(webhook_plan(&engine, tool, &event))
            .unwrap();
        let found: std::collections::BTreeSet<&str> = g
            .code
            .split("{{")
            .skip(1)
            .filter_map(|s| s.split_once("}}").map(|(p, _)| p))
            .collect();
        let wanted = g.plan.placeholders();
        assert_eq!(found, wanted.iter().map(String::as_str).collect(), "{tool}");
    }
}
