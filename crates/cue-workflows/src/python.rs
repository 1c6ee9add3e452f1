//! Python code generation: the Lambda module of a [`Plan`], built from the catalog's call specs.
//!
//! Every value that comes from the prompt enters the code only through [`py_str`] (a string
//! literal) or the docstring (sanitised), so no prompt can change the program's structure.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::Value;

use crate::WorkflowError;
use crate::catalog::{Action, Api, Catalog, ContentType, Role, Tool};
use crate::model::{Condition, Delivery, Plan, Step};

/// What code generation produces besides the module text.
#[derive(Debug, Clone, Default)]
pub(crate) struct Code {
    pub code: String,
    pub requirements: Vec<String>,
    /// IAM actions the function needs.
    pub iam: Vec<String>,
}

/// A Python string literal holding `s` exactly (double-quoted; escapes for quotes,
/// backslashes, control and non-ASCII-printable characters).
pub fn py_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if c.is_ascii() => out.push(c),
            c if (c as u32) <= 0xffff => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// Text safe inside a triple-quoted docstring: printable, no backslashes or double quotes.
fn doc_text(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '"' => '\'',
            '\\' => '/',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// `{ref}` names in a template string.
fn refs_in_str(s: &str, out: &mut Vec<String>) {
    let mut rest = s;
    while let Some((i, j)) = next_ref(rest) {
        out.push(rest[i + 1..j].to_owned());
        rest = &rest[j + 1..];
    }
}

/// Whether `name` can be a template reference (`{channel}`, `{field:id}`); other braces
/// (GraphQL, JSON) are literal text.
fn is_ref_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '.' | '-'))
}

/// The byte range (`{` index, `}` index) of the next reference in `s`.
fn next_ref(s: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(i) = s[from..].find('{').map(|i| i + from) {
        let j = s[i..].find('}')? + i;
        if is_ref_name(&s[i + 1..j]) {
            return Some((i, j));
        }
        from = i + 1;
    }
    None
}

fn refs_in_value(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => refs_in_str(s, out),
        Value::Array(a) => a.iter().for_each(|x| refs_in_value(x, out)),
        Value::Object(o) => o.values().for_each(|x| refs_in_value(x, out)),
        _ => {}
    }
}

fn auth_creds(auth: &str) -> Vec<String> {
    let parts: Vec<&str> = auth.split_whitespace().collect();
    let creds: Vec<&str> = match parts.as_slice() {
        ["bearer", c] | ["header", .., c] | ["query", _, c] => vec![c],
        ["basic", u, p] => vec![u, p],
        _ => Vec::new(),
    };
    creds
        .into_iter()
        .filter(|w| is_cred_name(w))
        .map(str::to_owned)
        .collect()
}

fn is_cred_name(w: &str) -> bool {
    !w.is_empty()
        && w.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && w.chars().next().is_some_and(|c| c.is_ascii_uppercase())
}

fn api_refs(tool: &Tool) -> Vec<String> {
    let mut out = Vec::new();
    match &tool.api {
        Api::Http { base_url, auth } => {
            refs_in_str(base_url, &mut out);
            out.extend(auth_creds(auth));
        }
        Api::Postgres | Api::Mysql | Api::Redis | Api::Mongodb | Api::Smtp | Api::Imap => {
            out.extend(tool.credentials.iter().map(|c| c.env.clone()));
        }
        Api::Boto3 { .. } => {}
    }
    for v in tool.headers.values() {
        refs_in_str(v, &mut out);
    }
    out
}

fn action_refs(a: &Action) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(p) = &a.path {
        refs_in_str(p, &mut out);
    }
    if let Some(b) = &a.body {
        refs_in_value(b, &mut out);
    }
    for v in a.query.values().chain(a.kwargs.values()) {
        refs_in_value(v, &mut out);
    }
    if let Some(s) = &a.sql {
        refs_in_str(s, &mut out);
    }
    out
}

/// Every `{ref}` a tool's specs use (for the catalog check).
pub(crate) fn refs_in_tool(tool: &Tool) -> Vec<String> {
    let mut out = api_refs(tool);
    for a in &tool.actions {
        out.extend(action_refs(a));
    }
    out
}

/// The credentials (placeholder names) a tool needs to run `action`, in catalog order.
pub(crate) fn credentials_for(tool: &Tool, action: &Action) -> Vec<String> {
    let mut refs = api_refs(tool);
    refs.extend(action_refs(action));
    tool.credentials
        .iter()
        .filter(|c| refs.contains(&c.env))
        .map(|c| c.env.clone())
        .collect()
}

/// How template references resolve in one step.
struct Ctx<'a> {
    /// `item` (per-item call) or `items` (one call for all).
    var: &'a str,
    params: &'a BTreeMap<String, String>,
    used: &'a mut BTreeSet<&'static str>,
}

fn ref_expr(name: &str, ctx: &mut Ctx<'_>) -> Result<String, WorkflowError> {
    let v = ctx.var;
    Ok(match name {
        "text" => format!("_text({v})"),
        "item" => v.to_owned(),
        "items" => "items".to_owned(),
        "json" => format!("json.dumps({v}, default=str)"),
        "title" => "WORKFLOW_NAME".to_owned(),
        "since" => {
            ctx.used.insert("datetime");
            "_since()".to_owned()
        }
        "now" => {
            ctx.used.insert("datetime");
            "_now()".to_owned()
        }
        "uuid" => {
            ctx.used.insert("uuid");
            "str(uuid.uuid4())".to_owned()
        }
        "ddb_item" => {
            ctx.used.insert("uuid");
            format!("_ddb_item({v})")
        }
        n if n.starts_with("field:") => format!("_field({v}, {})", py_str(&n[6..])),
        // the record's own field, else the step's setting: {field_or:email:to}
        n if n.starts_with("field_or:") => {
            let mut parts = n[9..].splitn(2, ':');
            let (field, param) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            if !ctx.params.contains_key(param) {
                return Err(WorkflowError::Internal(format!(
                    "{{{n}}} names no parameter {param}"
                )));
            }
            format!(
                "(_field({v}, {}) or {})",
                py_str(field),
                param_const_ref(param)
            )
        }
        // an RFC 822 message, base64url-encoded (Gmail's `raw`): {mime:to}
        n if n.starts_with("mime:") => {
            let param = &n[5..];
            if !ctx.params.contains_key(param) {
                return Err(WorkflowError::Internal(format!(
                    "{{{n}}} names no parameter {param}"
                )));
            }
            ctx.used.insert("base64");
            ctx.used.insert("email.message");
            format!(
                "_mime_raw(_field({v}, \"email\") or {}, WORKFLOW_NAME, _text({v}))",
                param_const_ref(param)
            )
        }
        n if is_cred_name(n) => n.to_owned(),
        n if ctx.params.contains_key(n) => param_const_ref(n),
        n => {
            return Err(WorkflowError::Internal(format!(
                "unknown template reference {{{n}}}"
            )));
        }
    })
}

/// Marker replaced by the step's parameter constant name.
fn param_const_ref(n: &str) -> String {
    format!("\u{1}{n}\u{1}")
}

/// A Python expression for a template string: literal parts and references concatenated.
fn str_expr(s: &str, ctx: &mut Ctx<'_>, url: bool) -> Result<String, WorkflowError> {
    let mut parts: Vec<String> = Vec::new();
    let mut rest = s;
    let mut only_ref: Option<String> = None;
    let mut first = true;
    while let Some((i, j)) = next_ref(rest) {
        if i > 0 {
            parts.push(py_str(&rest[..i]));
        }
        let name = &rest[i + 1..j];
        let e = ref_expr(name, ctx)?;
        let cred = is_cred_name(name);
        if url && !cred && !(first && i == 0) {
            parts.push(format!("urllib.parse.quote(str({e}), safe=\"/\")"));
        } else if s.len() == name.len() + 2 {
            only_ref = Some(e);
        } else {
            parts.push(format!("str({e})"));
        }
        first = false;
        rest = &rest[j + 1..];
    }
    if let Some(e) = only_ref {
        return Ok(e);
    }
    if !rest.is_empty() || parts.is_empty() {
        parts.push(py_str(rest));
    }
    Ok(parts.join(" + "))
}

fn value_expr(v: &Value, ctx: &mut Ctx<'_>) -> Result<String, WorkflowError> {
    Ok(match v {
        Value::Null => "None".to_owned(),
        Value::Bool(b) => if *b { "True" } else { "False" }.to_owned(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => str_expr(s, ctx, false)?,
        Value::Array(a) => {
            let items: Result<Vec<String>, _> = a.iter().map(|x| value_expr(x, ctx)).collect();
            format!("[{}]", items?.join(", "))
        }
        Value::Object(o) => {
            let items: Result<Vec<String>, WorkflowError> = o
                .iter()
                .map(|(k, x)| Ok(format!("{}: {}", py_str(k), value_expr(x, ctx)?)))
                .collect();
            format!("{{{}}}", items?.join(", "))
        }
    })
}

fn ident(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    while out.contains("__") {
        out = out.replace("__", "_");
    }
    out.trim_matches('_').to_owned()
}

/// A SQL identifier the prompt named, if it is a plain one.
fn sql_ident(s: &str) -> Option<&str> {
    let ok = !s.is_empty()
        && s.len() <= 63
        && s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    ok.then_some(s)
}

struct Gen<'c> {
    catalog: &'c Catalog,
    plan: &'c Plan,
    imports: BTreeSet<&'static str>,
    from_imports: BTreeSet<&'static str>,
    requirements: BTreeSet<String>,
    iam: BTreeSet<String>,
    /// Parameter constants: name → value.
    consts: Vec<(String, String)>,
    clients: BTreeMap<String, String>,
    helpers: BTreeSet<&'static str>,
    header_fns: BTreeMap<String, String>,
    functions: Vec<String>,
}

/// Generates the Lambda module for `plan`.
pub(crate) fn generate(catalog: &Catalog, plan: &Plan) -> Result<Code, WorkflowError> {
    let mut g = Gen {
        catalog,
        plan,
        imports: [
            "json",
            "logging",
            "os",
            "time",
            "urllib.error",
            "urllib.parse",
            "urllib.request",
            "xml.etree.ElementTree",
        ]
        .into_iter()
        .collect(),
        from_imports: BTreeSet::new(),
        requirements: BTreeSet::new(),
        iam: BTreeSet::new(),
        consts: Vec::new(),
        clients: BTreeMap::new(),
        helpers: BTreeSet::new(),
        header_fns: BTreeMap::new(),
        functions: Vec::new(),
    };
    let mut step_fns = Vec::new();
    for step in &plan.steps {
        step_fns.push(g.step(step)?);
    }
    let handler = g.handler(&step_fns)?;
    let run = g.run_workflow(&step_fns);
    Ok(g.assemble(&run, &handler))
}

const HTTP_HELPER: &str = r#"def _http(method, url, headers=None, payload=None, params=None, form=False):
    """Calls an HTTP API with a timeout, retrying 429/5xx and network errors with backoff."""
    if params:
        url = url + ("&" if "?" in url else "?") + urllib.parse.urlencode(params, doseq=True)
    request_headers = {"Accept": "application/json", "User-Agent": "cue-workflow/1.0"}
    request_headers.update(headers or {})
    data = None
    if payload is not None:
        if form:
            data = urllib.parse.urlencode(payload, doseq=True).encode("utf-8")
            request_headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            data = json.dumps(payload, default=str).encode("utf-8")
            request_headers["Content-Type"] = "application/json"
    safe_url = url.split("?", 1)[0]
    for attempt in range(1, HTTP_MAX_ATTEMPTS + 1):
        request = urllib.request.Request(url, data=data, headers=request_headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:
                body = response.read().decode("utf-8")
            if not body.strip():
                return {}
            try:
                return json.loads(body)
            except ValueError:
                return _feed_items(body) if body.lstrip().startswith("<") else {"text": body}
        except urllib.error.HTTPError as exc:
            if exc.code != 429 and exc.code < 500 or attempt == HTTP_MAX_ATTEMPTS:
                logger.error("%s %s failed with HTTP %s", method, safe_url, exc.code)
                raise
        except (urllib.error.URLError, TimeoutError) as exc:
            if attempt == HTTP_MAX_ATTEMPTS:
                logger.error("%s %s failed: %s", method, safe_url, exc)
                raise
        time.sleep(min(2 ** attempt, 8))
    return {}


def _feed_items(body):
    """Items of an RSS or Atom feed as records; other XML as text."""
    try:
        root = xml.etree.ElementTree.fromstring(body)
    except xml.etree.ElementTree.ParseError:
        return {"text": body}
    items = []
    for node in root.iter():
        if node.tag.rsplit("}", 1)[-1] not in ("item", "entry"):
            continue
        record = {}
        for child in node:
            name = child.tag.rsplit("}", 1)[-1]
            value = child.get("href") if name == "link" and child.get("href") else (child.text or "").strip()
            if name in ("title", "link", "description", "summary", "pubDate", "published", "updated", "id", "guid"):
                record[name] = value
        items.append(record)
    return items if items else {"text": body}


def _as_items(value):
    """Turns an API answer into a list of records."""
    if isinstance(value, list):
        return [v if isinstance(v, dict) else {"value": v} for v in value]
    if isinstance(value, dict):
        for key in ("items", "results", "data", "records", "values", "messages", "issues", "entries",
                    "objects", "rows", "files", "elements", "value", "Items", "Contents", "Messages"):
            inner = value.get(key)
            if isinstance(inner, list):
                return _as_items(inner)
        return [value]
    return [] if value is None else [{"value": value}]


def _field(record, name):
    """A field of a (nested) record: the exact key first, then a key containing the name."""
    if not isinstance(record, dict):
        return None
    if name in record:
        return record[name]
    for key, value in record.items():
        if name in str(key).lower():
            return value
    for value in record.values():
        if isinstance(value, dict):
            found = _field(value, name)
            if found is not None:
                return found
    return None


def _matches(record, field, op, expected):
    """Whether a record's field compares to the expected value (numbers numerically)."""
    actual = _field(record, field)
    if actual is None:
        return False
    if op == "contains":
        values = actual if isinstance(actual, (list, tuple)) else [actual]
        return any(str(expected).lower() in json.dumps(v, default=str).lower() for v in values)
    try:
        left, right = float(actual), float(expected)
    except (TypeError, ValueError):
        left, right = str(actual).lower(), str(expected).lower()
    if op == ">":
        return left > right
    if op == ">=":
        return left >= right
    if op == "<":
        return left < right
    if op == "<=":
        return left <= right
    if op == "!=":
        return left != right
    return left == right


def _text(data):
    """A short readable text of a record or a list of records, for messages."""
    if isinstance(data, list):
        lines = [_text(item) for item in data[:20]]
        return "\n".join(lines) if lines else "Nothing new."
    if isinstance(data, dict):
        for key in ("text", "title", "name", "subject", "summary", "message", "description"):
            if data.get(key):
                return str(data[key])[:3000]
        return json.dumps(data, default=str)[:3000]
    return str(data)
"#;

const TIME_HELPERS: &str = r#"def _now():
    """The current time, ISO 8601 in UTC."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


def _since():
    """The start of the window this run looks at (one polling interval back), ISO 8601 in UTC."""
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=POLL_MINUTES)
    return start.isoformat()
"#;

const DDB_HELPER: &str = r#"def _ddb_item(item):
    """A DynamoDB item: an id and the record as JSON."""
    record_id = item.get("id") if isinstance(item, dict) else None
    return {
        "id": {"S": str(record_id or uuid.uuid4())},
        "data": {"S": json.dumps(item, default=str)},
    }
"#;

const MIME_HELPER: &str = r#"def _mime_raw(to, subject, body):
    """An email as RFC 822 text, base64url-encoded."""
    message = email.message.EmailMessage()
    message["To"] = str(to)
    message["Subject"] = subject
    message.set_content(body)
    return base64.urlsafe_b64encode(message.as_bytes()).decode("ascii")
"#;

const S3_READ_HELPER: &str = r#"def _records_from_s3(bucket, key):
    """The rows of an uploaded CSV or JSON file; other files become one record."""
    record = {"bucket": bucket, "key": key}
    if not key.lower().endswith((".csv", ".json", ".jsonl")):
        return [record]
    body = _s3_reader.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8-sig")
    if key.lower().endswith(".csv"):
        return [dict(row, _source=key) for row in csv.DictReader(io.StringIO(body))]
    if key.lower().endswith(".jsonl"):
        return [json.loads(line) for line in body.splitlines() if line.strip()]
    data = json.loads(body)
    return _as_items(data)
"#;

impl Gen<'_> {
    fn tool(&self, id: &str) -> Result<&Tool, WorkflowError> {
        self.catalog
            .tool(id)
            .ok_or_else(|| WorkflowError::Internal(format!("unknown tool {id} in plan")))
    }

    /// The constant holding a step parameter (shared when two steps use the same value).
    fn param_const(&mut self, tool: &Tool, name: &str, value: &str) -> String {
        let base = format!("{}_{}", ident(&tool.id), ident(name)).to_ascii_uppercase();
        let mut candidate = base.clone();
        let mut n = 2;
        loop {
            match self.consts.iter().find(|(k, _)| *k == candidate) {
                Some((_, v)) if v == value => return candidate,
                Some(_) => {
                    candidate = format!("{base}_{n}");
                    n += 1;
                }
                None => {
                    self.consts.push((candidate.clone(), value.to_owned()));
                    return candidate;
                }
            }
        }
    }

    fn headers_fn(&mut self, tool: &Tool) -> Result<String, WorkflowError> {
        let name = format!("_{}_headers", ident(&tool.id));
        if self.header_fns.contains_key(&name) {
            return Ok(name);
        }
        let Api::Http { auth, .. } = &tool.api else {
            return Err(WorkflowError::Internal(format!(
                "{} is not an HTTP tool",
                tool.id
            )));
        };
        let parts: Vec<&str> = auth.split_whitespace().collect();
        let mut entries: Vec<String> = Vec::new();
        let cred = |w: &str| -> String { w.strip_prefix('=').map_or_else(|| w.to_owned(), py_str) };
        match parts.as_slice() {
            ["bearer", c] => entries.push(format!("\"Authorization\": \"Bearer \" + {}", cred(c))),
            ["header", h, c] => entries.push(format!("{}: {}", py_str(h), cred(c))),
            ["header", h, prefix, c] => entries.push(format!(
                "{}: {} + {}",
                py_str(h),
                py_str(&format!("{prefix} ")),
                cred(c)
            )),
            ["basic", u, p] => {
                self.imports.insert("base64");
                entries.push(format!(
                    "\"Authorization\": \"Basic \" + base64.b64encode(({} + \":\" + {}).encode(\"utf-8\")).decode(\"ascii\")",
                    cred(u),
                    cred(p)
                ));
            }
            ["query", ..] | ["none"] | [] => {}
            _ => {
                return Err(WorkflowError::Internal(format!(
                    "{}: bad auth spec {auth:?}",
                    tool.id
                )));
            }
        }
        for (k, v) in &tool.headers {
            let mut ctx = Ctx {
                var: "item",
                params: &BTreeMap::new(),
                used: &mut BTreeSet::new(),
            };
            entries.push(format!("{}: {}", py_str(k), str_expr(v, &mut ctx, false)?));
        }
        let body = format!(
            "def {name}():\n    \"\"\"Request headers for {}.\"\"\"\n    return {{{}}}\n",
            doc_text(&tool.name),
            entries.join(", ")
        );
        self.header_fns.insert(name.clone(), body);
        Ok(name)
    }

    fn client(&mut self, tool: &Tool) -> String {
        match &tool.api {
            Api::Boto3 { service } => {
                self.imports.insert("boto3");
                let var = format!("_{}", ident(service));
                self.clients.insert(
                    var.clone(),
                    format!("{var} = boto3.client({})", py_str(service)),
                );
                var
            }
            Api::Redis => {
                self.imports.insert("redis");
                self.requirements.insert("redis==5.2.1".to_owned());
                let var = "_redis".to_owned();
                self.clients.insert(
                    var.clone(),
                    "_redis = redis.Redis.from_url(REDIS_URL, socket_timeout=HTTP_TIMEOUT_SECONDS)"
                        .to_owned(),
                );
                var
            }
            Api::Mongodb => {
                self.imports.insert("pymongo");
                self.requirements.insert("pymongo==4.10.1".to_owned());
                let var = "_mongo".to_owned();
                self.clients.insert(
                    var.clone(),
                    "_mongo = pymongo.MongoClient(MONGODB_URI, serverSelectionTimeoutMS=HTTP_TIMEOUT_SECONDS * 1000)".to_owned(),
                );
                var
            }
            _ => String::new(),
        }
    }

    /// One step function; returns its name.
    fn step(&mut self, step: &Step) -> Result<StepFn, WorkflowError> {
        let tool = self.tool(&step.tool)?.clone();
        let action = tool
            .action(&step.action)
            .ok_or_else(|| {
                WorkflowError::Internal(format!("unknown action {} of {}", step.action, tool.id))
            })?
            .clone();
        let name = format!("{}_{}_{}", step.id, ident(&tool.id), ident(&action.id));
        for req in &tool.requirements {
            self.requirements.insert(req.clone());
        }
        for a in &action.iam {
            self.iam.insert(a.clone());
        }
        // parameter constants
        let mut param_names: BTreeMap<String, String> = BTreeMap::new();
        for (k, v) in &step.params {
            let c = self.param_const(&tool, k, v);
            param_names.insert(k.clone(), c);
        }
        let per_item = action.role != Role::Read && !action.batch;
        let var = if per_item { "item" } else { "items" };
        let mut used: BTreeSet<&'static str> = BTreeSet::new();
        let mut ctx = Ctx {
            var,
            params: &step.params,
            used: &mut used,
        };
        let call: String = match &tool.api {
            Api::Http { base_url, auth } => {
                let method = action.method.clone().unwrap_or_else(|| "POST".to_owned());
                let url = str_expr(
                    &format!("{base_url}{}", action.path.clone().unwrap_or_default()),
                    &mut ctx,
                    true,
                )?;
                let mut query: Vec<String> = Vec::new();
                for (k, v) in &action.query {
                    query.push(format!("{}: {}", py_str(k), value_expr(v, &mut ctx)?));
                }
                let parts: Vec<&str> = auth.split_whitespace().collect();
                if let ["query", q, c] = parts.as_slice() {
                    query.push(format!("{}: {}", py_str(q), c));
                }
                let headers = self.headers_fn(&tool)?;
                let mut args = vec![py_str(&method), url, format!("headers={headers}()")];
                if let Some(b) = &action.body {
                    args.push(format!("payload={}", value_expr(b, &mut ctx)?));
                }
                if !query.is_empty() {
                    args.push(format!("params={{{}}}", query.join(", ")));
                }
                if action.content_type == ContentType::Form {
                    args.push("form=True".to_owned());
                }
                format!("_http({})", args.join(", "))
            }
            Api::Boto3 { .. } | Api::Redis | Api::Mongodb => {
                let client = self.client(&tool);
                let method = action.call.clone().unwrap_or_else(|| action.id.clone());
                let mut kw: Vec<String> = Vec::new();
                for (k, v) in &action.kwargs {
                    kw.push(format!("{k}={}", value_expr(v, &mut ctx)?));
                }
                if matches!(tool.api, Api::Mongodb) {
                    let db = param_names
                        .get("database")
                        .cloned()
                        .unwrap_or_else(|| py_str("workflows"));
                    let coll = param_names
                        .get("collection")
                        .cloned()
                        .unwrap_or_else(|| py_str("records"));
                    format!("{client}[{db}][{coll}].{method}({})", kw.join(", "))
                } else {
                    format!("{client}.{method}({})", kw.join(", "))
                }
            }
            Api::Postgres | Api::Mysql => {
                let sql_t = action.sql.clone().unwrap_or_default();
                // identifiers from the prompt are checked here, once; values are bound parameters
                let mut sql = String::new();
                let mut rest = sql_t.as_str();
                while let Some(i) = rest.find('{') {
                    let Some(j) = rest[i..].find('}') else { break };
                    sql.push_str(&rest[..i]);
                    let key = &rest[i + 1..i + j];
                    let val = step.params.get(key).map(String::as_str).unwrap_or("");
                    let id = sql_ident(val)
                        .or_else(|| action.params.get(key).map(String::as_str))
                        .unwrap_or("records");
                    sql.push_str(id);
                    rest = &rest[i + j + 1..];
                }
                sql.push_str(rest);
                let mut kw: Vec<String> = Vec::new();
                for (k, v) in &action.kwargs {
                    kw.push(format!("{}: {}", py_str(k), value_expr(v, &mut ctx)?));
                }
                let conn = if matches!(tool.api, Api::Postgres) {
                    "_postgres_connect"
                } else {
                    "_mysql_connect"
                };
                self.helpers.insert(conn);
                if matches!(tool.api, Api::Postgres) {
                    self.imports.insert("pg8000.native");
                    self.requirements.insert("pg8000==1.31.2".to_owned());
                } else {
                    self.imports.insert("pymysql");
                    self.requirements.insert("PyMySQL==1.1.1".to_owned());
                }
                format!("_sql({conn}, {}, {{{}}})", py_str(&sql), kw.join(", "))
            }
            Api::Smtp => {
                self.helpers.insert("_smtp_send");
                self.imports.insert("smtplib");
                self.imports.insert("email.message");
                let mut kw: Vec<String> = Vec::new();
                for (k, v) in &action.kwargs {
                    kw.push(format!("{k}={}", value_expr(v, &mut ctx)?));
                }
                format!("_smtp_send({})", kw.join(", "))
            }
            Api::Imap => {
                self.helpers.insert("_imap_unseen");
                self.imports.insert("imaplib");
                self.imports.insert("email");
                self.imports.insert("email.policy");
                "_imap_unseen()".to_owned()
            }
        };
        for u in used.iter() {
            self.imports.insert(u);
            if *u == "datetime" {
                self.helpers.insert("time");
            }
            if *u == "uuid" && call.contains("_ddb_item") {
                self.helpers.insert("ddb");
            }
            if *u == "email.message" && call.contains("_mime_raw") {
                self.helpers.insert("mime");
            }
        }
        if call.contains("_sql(") {
            self.helpers.insert("_sql");
        }
        let call = replace_params(&call, &param_names);
        let doc = doc_text(&format!(
            "{}: {}.",
            step.id.replace('_', " "),
            step.description
        ));
        let mut f = format!("def {name}(items):\n    \"\"\"{doc}\"\"\"\n");
        match (action.role, per_item) {
            (Role::Read, _) => {
                if call.contains("items") {
                    let _ = writeln!(f, "    response = {call}");
                } else {
                    let _ = writeln!(f, "    del items  # this step reads fresh data");
                    let _ = writeln!(f, "    response = {call}");
                }
                let _ = writeln!(f, "    records = _as_items(response)");
                let _ = writeln!(
                    f,
                    "    logger.info(\"{} returned %d records\", len(records))",
                    step.id
                );
                let _ = writeln!(f, "    return records");
            }
            (_, true) => {
                let _ = writeln!(f, "    results = []");
                let _ = writeln!(f, "    for item in items:");
                let _ = writeln!(f, "        response = {call}");
                let _ = writeln!(
                    f,
                    "        results.append(response if isinstance(response, dict) else {{\"result\": str(response)}})"
                );
                let _ = writeln!(
                    f,
                    "    logger.info(\"{} handled %d records\", len(results))",
                    step.id
                );
                let _ = writeln!(f, "    return results");
            }
            (_, false) => {
                let _ = writeln!(f, "    if not items:");
                let _ = writeln!(f, "        return []");
                let _ = writeln!(f, "    response = {call}");
                if action.role == Role::Transform {
                    let _ = writeln!(f, "    return _as_items(response)");
                } else {
                    let _ = writeln!(
                        f,
                        "    return [response if isinstance(response, dict) else {{\"result\": str(response)}}]"
                    );
                }
            }
        }
        self.functions.push(f);
        Ok(StepFn {
            name,
            step: step.clone(),
            role: action.role,
        })
    }

    fn run_workflow(&mut self, steps: &[StepFn]) -> String {
        let mut f = String::from(
            "def run_workflow(items):\n    \"\"\"Runs the steps in order and returns a JSON-serialisable summary.\"\"\"\n    summary = {}\n    current = items\n",
        );
        if let Some(c) = &self.plan.trigger.filter {
            let _ = writeln!(f, "    # only events where {}", doc_text(&c.description));
            let _ = writeln!(
                f,
                "    current = [item for item in current if {}]",
                cond_expr(c)
            );
            let _ = writeln!(f, "    if not current:");
            let _ = writeln!(
                f,
                "        return {{\"skipped\": \"no event matched the condition\"}}"
            );
        }
        for s in steps {
            let _ = writeln!(f, "    # {}", doc_text(&s.step.description));
            let input = if let Some(c) = &s.step.condition {
                let _ = writeln!(
                    f,
                    "    selected = [item for item in current if {}]",
                    cond_expr(c)
                );
                "selected"
            } else {
                "current"
            };
            let call_target = if s.step.for_each.is_some() {
                let _ = writeln!(f, "    results = []");
                let _ = writeln!(f, "    for item in {input}:");
                let _ = writeln!(f, "        results.extend({}([item]))", s.name);
                None
            } else {
                Some(format!("{}({input})", s.name))
            };
            match (s.role, call_target) {
                (Role::Write, Some(call)) => {
                    let _ = writeln!(f, "    results = {call}");
                    let _ = writeln!(f, "    summary[\"{}\"] = len(results)", s.step.id);
                }
                (Role::Write, None) => {
                    let _ = writeln!(f, "    summary[\"{}\"] = len(results)", s.step.id);
                }
                (_, Some(call)) => {
                    let _ = writeln!(f, "    current = {call}");
                    let _ = writeln!(f, "    summary[\"{}\"] = len(current)", s.step.id);
                }
                (_, None) => {
                    let _ = writeln!(f, "    current = results");
                    let _ = writeln!(f, "    summary[\"{}\"] = len(current)", s.step.id);
                }
            }
        }
        f.push_str("    return summary\n");
        f
    }

    fn handler(&mut self, _steps: &[StepFn]) -> Result<String, WorkflowError> {
        let t = &self.plan.trigger;
        let mut f = format!(
            "def lambda_handler(event, context):\n    \"\"\"Entry point. Trigger: {}.\"\"\"\n",
            doc_text(&t.description)
        );
        match t.delivery {
            Delivery::Schedule | Delivery::Poll => {
                f.push_str("    logger.info(\"Scheduled run of %s\", WORKFLOW_NAME)\n");
                f.push_str("    summary = run_workflow([])\n");
                f.push_str("    return {\"status\": \"ok\", \"summary\": summary}\n");
            }
            Delivery::Direct => {
                f.push_str("    logger.info(\"Manual run of %s\", WORKFLOW_NAME)\n");
                f.push_str("    items = _as_items(event.get(\"items\")) if isinstance(event, dict) else []\n");
                f.push_str("    summary = run_workflow(items)\n");
                f.push_str("    return {\"status\": \"ok\", \"summary\": summary}\n");
            }
            Delivery::Http => {
                self.imports.insert("base64");
                let tool = t.tool.as_deref().and_then(|id| self.catalog.tool(id));
                let event = tool
                    .zip(t.event.as_deref())
                    .and_then(|(tool, e)| tool.events.iter().find(|x| x.id == e));
                let (scheme, secret) =
                    match event.and_then(|e| e.signature.clone().zip(e.secret.clone())) {
                        Some((s, c)) => (s, c),
                        None => (
                            "token:X-Webhook-Secret".to_owned(),
                            "WEBHOOK_SECRET".to_owned(),
                        ),
                    };
                let verify = signature_fn(&scheme, &secret)?;
                self.imports.insert("hmac");
                if !scheme.starts_with("token:") {
                    self.imports.insert("hashlib");
                }
                self.functions.push(verify);
                self.functions.push(
                    "def _response(status, body):\n    \"\"\"An HTTP response for the function URL.\"\"\"\n    return {\"statusCode\": status, \"headers\": {\"Content-Type\": \"application/json\"}, \"body\": json.dumps(body, default=str)}\n"
                        .to_owned(),
                );
                let item_path = event.and_then(|e| e.item_path.clone());
                f.push_str("    body = event.get(\"body\") or \"\"\n");
                f.push_str("    if event.get(\"isBase64Encoded\"):\n        body = base64.b64decode(body).decode(\"utf-8\")\n");
                f.push_str("    headers = {str(k).lower(): str(v) for k, v in (event.get(\"headers\") or {}).items()}\n");
                f.push_str("    if not _verify_signature(headers, body):\n        logger.warning(\"Rejected a request without a valid signature\")\n        return _response(401, {\"error\": \"invalid signature\"})\n");
                f.push_str("    try:\n        payload = json.loads(body) if body.strip() else {}\n    except ValueError:\n        return _response(400, {\"error\": \"the body must be JSON\"})\n");
                if scheme == "slack" {
                    f.push_str("    if isinstance(payload, dict) and payload.get(\"type\") == \"url_verification\":\n        return _response(200, {\"challenge\": payload.get(\"challenge\")})\n");
                }
                match item_path {
                    Some(p) => {
                        let _ = writeln!(f, "    record = payload");
                        let _ = writeln!(f, "    for key in {}.split(\".\"):", py_str(&p));
                        let _ = writeln!(
                            f,
                            "        record = record.get(key, record) if isinstance(record, dict) else record"
                        );
                        let _ = writeln!(f, "    items = _as_items(record)");
                    }
                    None => {
                        let _ = writeln!(f, "    items = _as_items(payload)");
                    }
                }
                f.push_str("    try:\n        summary = run_workflow(items)\n    except Exception:\n        logger.exception(\"The workflow failed\")\n        return _response(502, {\"error\": \"the workflow failed; see the function's logs\"})\n");
                f.push_str(
                    "    return _response(200, {\"status\": \"ok\", \"summary\": summary})\n",
                );
            }
            Delivery::S3 => {
                self.imports.insert("boto3");
                self.imports.insert("csv");
                self.imports.insert("io");
                self.iam.insert("s3:GetObject".to_owned());
                self.clients.insert(
                    "_s3_reader".to_owned(),
                    "_s3_reader = boto3.client(\"s3\")".to_owned(),
                );
                self.functions.push(S3_READ_HELPER.to_owned());
                f.push_str("    summaries = []\n    for record in event.get(\"Records\", []):\n        s3_info = record.get(\"s3\", {})\n        bucket = s3_info.get(\"bucket\", {}).get(\"name\", \"\")\n        key = urllib.parse.unquote_plus(s3_info.get(\"object\", {}).get(\"key\", \"\"))\n        logger.info(\"New object s3://%s/%s\", bucket, key)\n        summaries.append(run_workflow(_records_from_s3(bucket, key)))\n    return {\"status\": \"ok\", \"files\": len(summaries), \"summaries\": summaries}\n");
            }
            Delivery::Sqs => {
                f.push_str("    failures = []\n    for record in event.get(\"Records\", []):\n        try:\n            body = record.get(\"body\") or \"\"\n            try:\n                message = json.loads(body)\n            except ValueError:\n                message = {\"body\": body}\n            run_workflow(_as_items(message))\n        except Exception:\n            logger.exception(\"Message %s failed; it returns to the queue\", record.get(\"messageId\"))\n            failures.append({\"itemIdentifier\": record.get(\"messageId\")})\n    return {\"batchItemFailures\": failures}\n");
            }
            Delivery::Kinesis => {
                self.imports.insert("base64");
                f.push_str("    failures = []\n    items = []\n    for record in event.get(\"Records\", []):\n        kinesis = record.get(\"kinesis\", {})\n        try:\n            data = base64.b64decode(kinesis.get(\"data\", \"\")).decode(\"utf-8\")\n            try:\n                items.append(json.loads(data))\n            except ValueError:\n                items.append({\"data\": data})\n        except (ValueError, UnicodeDecodeError):\n            logger.exception(\"Record %s could not be decoded\", kinesis.get(\"sequenceNumber\"))\n            failures.append({\"itemIdentifier\": kinesis.get(\"sequenceNumber\")})\n    if items:\n        run_workflow(_as_items(items))\n    return {\"batchItemFailures\": failures}\n");
            }
        }
        Ok(f)
    }

    fn assemble(mut self, run: &str, handler: &str) -> Code {
        let plan = self.plan;
        let mut out = String::new();
        // docstring
        let _ = writeln!(out, "\"\"\"{}", doc_text(&plan.name));
        out.push('\n');
        let _ = writeln!(out, "{}", doc_text(&plan.summary));
        out.push('\n');
        let sched = plan
            .trigger
            .schedule_expression
            .as_deref()
            .map(|s| format!(" [{s}]"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "Trigger: {}{}",
            doc_text(&plan.trigger.description),
            doc_text(&sched)
        );
        out.push_str("Steps:\n");
        for (i, s) in plan.steps.iter().enumerate() {
            let _ = writeln!(out, "  {}. {}", i + 1, doc_text(&s.description));
        }
        if !plan.assumptions.is_empty() {
            out.push_str("Assumptions:\n");
            for a in &plan.assumptions {
                let _ = writeln!(out, "  - {}", doc_text(a));
            }
        }
        out.push_str("\nGenerated by Cue for AWS Lambda (python3.13). Credentials are read from environment\nvariables (Lambda configuration or AWS Secrets Manager); the defaults are the placeholders\nCue fills in when you add credentials.\n\"\"\"\n\n");
        if self.helpers.contains("time") || self.imports.contains("datetime") {
            self.imports.insert("datetime");
            self.helpers.insert("time");
        }
        let third_party = ["boto3", "pg8000.native", "pymysql", "redis", "pymongo"];
        for m in self.imports.iter().filter(|m| !third_party.contains(m)) {
            let _ = writeln!(out, "import {m}");
        }
        let tp: Vec<&&str> = self
            .imports
            .iter()
            .filter(|m| third_party.contains(m))
            .collect();
        if !tp.is_empty() {
            out.push('\n');
            for m in tp {
                let _ = writeln!(out, "import {m}");
            }
        }
        for m in &self.from_imports {
            let _ = writeln!(out, "{m}");
        }
        out.push_str("\nlogger = logging.getLogger()\nlogger.setLevel(logging.INFO)\n\n");
        let placeholders = plan.placeholders();
        if !placeholders.is_empty() {
            out.push_str("# Credentials: set these in the function's configuration or fill them in with Cue.\n");
            for p in &placeholders {
                let _ = writeln!(
                    out,
                    "{p} = os.environ.get({}, {})",
                    py_str(p),
                    py_str(&format!("{{{{{p}}}}}"))
                );
            }
            out.push('\n');
        }
        if !self.consts.is_empty() {
            out.push_str(
                "# Settings taken from the description (override with environment variables).\n",
            );
            for (k, v) in &self.consts {
                let _ = writeln!(out, "{k} = os.environ.get({}, {})", py_str(k), py_str(v));
            }
            out.push('\n');
        }
        let _ = writeln!(out, "WORKFLOW_NAME = {}", py_str(&plan.name));
        out.push_str("HTTP_TIMEOUT_SECONDS = 10\nHTTP_MAX_ATTEMPTS = 3\n");
        if self.helpers.contains("time") {
            out.push_str("POLL_MINUTES = int(os.environ.get(\"POLL_MINUTES\", \"5\"))\n");
        }
        if self.helpers.contains("_postgres_connect") {
            out.push_str("POSTGRES_PORT = int(os.environ.get(\"POSTGRES_PORT\", \"5432\"))\n");
        }
        if self.helpers.contains("_mysql_connect") {
            out.push_str("MYSQL_PORT = int(os.environ.get(\"MYSQL_PORT\", \"3306\"))\n");
        }
        if self.helpers.contains("_smtp_send") {
            out.push_str("SMTP_PORT = int(os.environ.get(\"SMTP_PORT\", \"587\"))\n");
        }
        if !self.clients.is_empty() {
            out.push_str("\n# Clients are created once per execution environment and reused.\n");
            for c in self.clients.values() {
                let _ = writeln!(out, "{c}");
            }
        }
        out.push_str("\n\n");
        out.push_str(HTTP_HELPER);
        if self.helpers.contains("time") {
            out.push_str("\n\n");
            out.push_str(TIME_HELPERS);
        }
        if self.helpers.contains("ddb") {
            out.push_str("\n\n");
            out.push_str(DDB_HELPER);
        }
        if self.helpers.contains("mime") {
            out.push_str("\n\n");
            out.push_str(MIME_HELPER);
        }
        for h in [
            "_sql",
            "_postgres_connect",
            "_mysql_connect",
            "_smtp_send",
            "_imap_unseen",
        ] {
            if self.helpers.contains(h) {
                out.push_str("\n\n");
                out.push_str(special_helper(h));
            }
        }
        for h in self.header_fns.values() {
            out.push_str("\n\n");
            out.push_str(h);
        }
        for f in &self.functions {
            out.push_str("\n\n");
            out.push_str(f);
        }
        out.push_str("\n\n");
        out.push_str(run);
        out.push_str("\n\n");
        out.push_str(handler);
        Code {
            code: out,
            requirements: self.requirements.into_iter().collect(),
            iam: self.iam.into_iter().collect(),
        }
    }
}

fn special_helper(name: &str) -> &'static str {
    match name {
        "_sql" => {
            r#"def _sql(connect, statement, params):
    """Runs one parameterised SQL statement; returns the rows as dicts (empty for writes)."""
    return connect(statement, params)
"#
        }
        "_postgres_connect" => {
            r#"def _postgres_connect(statement, params):
    """Runs a statement on PostgreSQL (pg8000, named :params)."""
    connection = pg8000.native.Connection(
        user=POSTGRES_USER,
        password=POSTGRES_PASSWORD,
        host=POSTGRES_HOST,
        port=POSTGRES_PORT,
        database=POSTGRES_DATABASE,
        timeout=HTTP_TIMEOUT_SECONDS,
    )
    try:
        rows = connection.run(statement, **params)
        columns = [column["name"] for column in (connection.columns or [])]
        return [dict(zip(columns, row)) for row in (rows or [])]
    finally:
        connection.close()
"#
        }
        "_mysql_connect" => {
            r#"def _mysql_connect(statement, params):
    """Runs a statement on MySQL (PyMySQL, %(name)s params)."""
    connection = pymysql.connect(
        host=MYSQL_HOST,
        port=MYSQL_PORT,
        user=MYSQL_USER,
        password=MYSQL_PASSWORD,
        database=MYSQL_DATABASE,
        connect_timeout=HTTP_TIMEOUT_SECONDS,
        cursorclass=pymysql.cursors.DictCursor,
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            rows = cursor.fetchall()
        connection.commit()
        return list(rows or [])
    finally:
        connection.close()
"#
        }
        "_smtp_send" => {
            r#"def _smtp_send(to, subject, body):
    """Sends one email through the SMTP server (STARTTLS)."""
    message = email.message.EmailMessage()
    message["From"] = SMTP_FROM
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(SMTP_HOST, SMTP_PORT, timeout=HTTP_TIMEOUT_SECONDS) as server:
        server.starttls()
        server.login(SMTP_USERNAME, SMTP_PASSWORD)
        server.send_message(message)
    return {"sent_to": to}
"#
        }
        _ => {
            r#"def _imap_unseen():
    """Unread messages of the mailbox (marked read by fetching), as records."""
    records = []
    with imaplib.IMAP4_SSL(IMAP_HOST, timeout=HTTP_TIMEOUT_SECONDS) as mailbox:
        mailbox.login(IMAP_USERNAME, IMAP_PASSWORD)
        mailbox.select("INBOX")
        _, found = mailbox.search(None, "UNSEEN")
        for number in (found[0] or b"").split()[:50]:
            _, parts = mailbox.fetch(number, "(RFC822)")
            raw = parts[0][1] if parts and isinstance(parts[0], tuple) else b""
            message = email.message_from_bytes(raw, policy=email.policy.default)
            body = message.get_body(preferencelist=("plain", "html"))
            records.append({
                "from": str(message.get("From", "")),
                "subject": str(message.get("Subject", "")),
                "text": body.get_content() if body else "",
                "attachments": [part.get_filename() for part in message.iter_attachments()],
            })
    return records
"#
        }
    }
}

fn replace_params(code: &str, names: &BTreeMap<String, String>) -> String {
    let mut out = code.to_owned();
    for (k, c) in names {
        out = out.replace(&param_const_ref(k), c);
    }
    out
}

fn cond_expr(c: &Condition) -> String {
    format!(
        "_matches(item, {}, {}, {})",
        py_str(&c.field),
        py_str(c.op.symbol()),
        py_str(&c.value)
    )
}

/// `_verify_signature(headers, body)` for a scheme.
fn signature_fn(scheme: &str, secret: &str) -> Result<String, WorkflowError> {
    let head = "def _verify_signature(headers, body):\n    \"\"\"Checks the request signature with a constant-time comparison.\"\"\"\n";
    let body = match scheme {
        "stripe" => format!(
            "    parts = dict(p.split(\"=\", 1) for p in headers.get(\"stripe-signature\", \"\").split(\",\") if \"=\" in p)\n    timestamp = parts.get(\"t\", \"\")\n    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 300:\n        return False\n    expected = hmac.new({secret}.encode(\"utf-8\"), (timestamp + \".\" + body).encode(\"utf-8\"), hashlib.sha256).hexdigest()\n    return hmac.compare_digest(expected, parts.get(\"v1\", \"\"))\n"
        ),
        "github" => format!(
            "    expected = \"sha256=\" + hmac.new({secret}.encode(\"utf-8\"), body.encode(\"utf-8\"), hashlib.sha256).hexdigest()\n    return hmac.compare_digest(expected, headers.get(\"x-hub-signature-256\", \"\"))\n"
        ),
        "slack" => format!(
            "    timestamp = headers.get(\"x-slack-request-timestamp\", \"\")\n    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 300:\n        return False\n    base = \"v0:\" + timestamp + \":\" + body\n    expected = \"v0=\" + hmac.new({secret}.encode(\"utf-8\"), base.encode(\"utf-8\"), hashlib.sha256).hexdigest()\n    return hmac.compare_digest(expected, headers.get(\"x-slack-signature\", \"\"))\n"
        ),
        "shopify" => format!(
            "    digest = hmac.new({secret}.encode(\"utf-8\"), body.encode(\"utf-8\"), hashlib.sha256).digest()\n    expected = base64.b64encode(digest).decode(\"ascii\")\n    return hmac.compare_digest(expected, headers.get(\"x-shopify-hmac-sha256\", \"\"))\n"
        ),
        "hmac_hex" => format!(
            "    expected = hmac.new({secret}.encode(\"utf-8\"), body.encode(\"utf-8\"), hashlib.sha256).hexdigest()\n    given = headers.get(\"x-signature\", \"\").split(\"=\")[-1]\n    return hmac.compare_digest(expected, given)\n"
        ),
        s if s.starts_with("token:") => {
            let header = s[6..].to_ascii_lowercase();
            format!(
                "    del body  # authenticated by a shared token header\n    return hmac.compare_digest(headers.get({}, \"\"), {secret})\n",
                py_str(&header)
            )
        }
        s => {
            return Err(WorkflowError::Internal(format!(
                "unknown signature scheme {s}"
            )));
        }
    };
    Ok(format!("{head}{body}"))
}

/// A generated step function.
#[derive(Debug, Clone)]
struct StepFn {
    name: String,
    step: Step,
    role: Role,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn py_str_escapes_everything_structural() {
        assert_eq!(py_str("a\"b"), r#""a\"b""#);
        assert_eq!(py_str("a\\b"), r#""a\\b""#);
        assert_eq!(py_str("x\ny\0"), r#""x\ny\x00""#);
        assert_eq!(py_str("é"), r#""\u00e9""#);
        assert_eq!(py_str("😀"), r#""\U0001f600""#);
        assert_eq!(py_str("\"\"\""), r#""\"\"\"""#);
    }

    #[test]
    fn sql_identifiers_are_plain() {
        assert_eq!(sql_ident("staging_imports"), Some("staging_imports"));
        assert_eq!(sql_ident("x; DROP TABLE y"), None);
        assert_eq!(sql_ident("1abc"), None);
    }
}
