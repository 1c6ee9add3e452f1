//! Python expressions from the catalog's call specs: a URL template such as
//! `https://api.example.com/{team}/items`, a JSON body with `{text}` in it, boto3 arguments.
//!
//! Literal parts become string literals ([`py_str`]); references become names the generator
//! defines (a setting's constant, a credential, a helper call). The result is a [`Code`], the
//! only kind of text the templates print without a filter.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Serialize, Serializer};
use serde_json::Value;

use super::recipients::reading_of;
use super::record::{RecordPaths, Title};
use crate::WorkflowError;
use crate::escape::py_str;
use crate::refs::{is_cred_name, next_ref};

/// Python source the generator built: literals through [`py_str`], names it chose, and the
/// catalog's call specs. Serialised for a template as text that is printed as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Code(String);

impl Code {
    /// Code written in this crate's source.
    pub(crate) fn from_static(code: &'static str) -> Self {
        Self(code.to_owned())
    }

    /// A string literal.
    pub(crate) fn literal(s: &str) -> Self {
        Self(py_str(s))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        minijinja::Value::from_safe_string(self.0.clone()).serialize(serializer)
    }
}

/// How references resolve in one step's call.
pub(crate) struct Ctx<'a> {
    /// `item` (per-item call) or `items` (one call for all).
    pub var: &'static str,
    /// The step's parameters and the constants holding them.
    pub consts: &'a BTreeMap<String, String>,
    /// Parameters that are several URL path segments (`owner/name`): their `/` stays when
    /// they are percent-encoded into a URL. Every other reference is one segment.
    pub keep_slash: BTreeSet<String>,
    /// Modules the expressions use.
    pub imports: BTreeSet<&'static str>,
    /// Helper functions the expressions call (`ddb`, `mime`, `time`).
    pub helpers: BTreeSet<&'static str>,
    /// Minutes the window's bounds are moved back (the action's `lag_minutes`).
    pub lag_minutes: Option<u32>,
    /// How `{text}` reads when the step has the message the user dictated (its `message`
    /// parameter): `Some(true)` the message alone (the step works on the run record of a
    /// schedule or manual run, whose text is nothing to send), `Some(false)` the message
    /// followed by the records' text.
    pub message_alone: Option<bool>,
    /// Recipient parameters the user gave a value (`to: billing@example.com`): sent alone,
    /// whatever the record carries (`recipients::named`).
    pub named: BTreeSet<String>,
    /// Recipient fields (`phone`, `email`) and the documented path of the trigger's record
    /// that holds that person (a WhatsApp message's `from`), read before `_field`'s search.
    pub sender_paths: BTreeMap<String, String>,
    /// The documented fields of the record a word names, and where its title is
    /// (`record::RecordPaths`): read after `_field`'s own search.
    pub record: RecordPaths,
    /// The setting (its constant) holding the URL of the file a step sends when its record
    /// names none (`{file_or:image_url}`): every file reference of the call reads the record
    /// through `_file_or_url`, so the bytes, the name and the media type agree.
    pub file_or: Option<(String, String)>,
    /// Settings the sent file's media type decides (the action's `by_file_type`), each with
    /// its table as a Python dict: `{encoding}` reads `_by_file_type(record, table, SETTING)`.
    pub by_file_type: BTreeMap<String, Code>,
    /// `{text}` is a post sharing the record (the action's `shares`): its title and link when
    /// it has both (`_share`), else `_text`.
    pub shares: bool,
}

/// The forms `{since:<form>}` (and `{now:…}`, `{until:…}`) may ask for: epoch seconds, epoch
/// milliseconds, a date, SQL's `YYYY-MM-DD HH:MM:SS` in UTC (Magento's search filters), and an
/// ISO 8601 date-time in UTC (`2026-12-07T10:00:00Z`: Shopify's `created_at_min`, BambooHR's
/// `since`), whatever the trigger's cursor keeps (a Gmail trigger's epoch milliseconds).
const TIME_FORMATS: &[&str] = &["unix", "unix_ms", "date", "sql", "iso"];

/// The "Label: value" lines of the fields a setting names (`Label=path; Label=path`, the
/// planner's `message_fields`) for the records in `var` (`item`, or `items` one record each,
/// apart by a blank line, at most 20): a field the record lacks or leaves empty is no line, and
/// a record none of whose fields is there is sent as its own text (`_text`).
fn named_lines(var: &str, setting: &str) -> String {
    let lines = |r: &str| {
        format!(
            "(\"\\n\".join(\"%s: %s\" % (_l, _v if isinstance(_v, (str, int, float)) else json.dumps(_v, default=str)) \
             for _l, _v in ((_p.split(\"=\", 1)[0].strip(), _field({r}, _p.split(\"=\", 1)[1].strip())) \
             for _p in {setting}.split(\";\") if \"=\" in _p) if not _empty(_v)) or _text({r}))"
        )
    };
    if var == "item" {
        lines("item")
    } else {
        format!(
            "(\"\\n\\n\".join({} for _r in ({var} if isinstance({var}, list) else [{var}])[:20]) or _text({var}))",
            lines("_r")
        )
    }
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(var: &'static str, consts: &'a BTreeMap<String, String>) -> Self {
        Self {
            var,
            consts,
            keep_slash: BTreeSet::new(),
            imports: BTreeSet::new(),
            helpers: BTreeSet::new(),
            lag_minutes: None,
            message_alone: None,
            named: BTreeSet::new(),
            sender_paths: BTreeMap::new(),
            record: RecordPaths::default(),
            file_or: None,
            by_file_type: BTreeMap::new(),
            shares: false,
        }
    }

    /// The parameter a file reference falls back to (`{file_or:image_url}`,
    /// `{file_base64_or:audio_url}`, `{file_document_or:document_url}`): the file at that
    /// setting's URL when the record names none.
    pub(crate) fn file_fallback(name: &str) -> Option<(&str, &str)> {
        crate::refs::file_fallback(name)
    }

    /// The record a file reference reads: the step's record when it names a file, else the
    /// one record the workflow started from that does (`_file_source`: the uploaded file a
    /// step after a read or a model still sends), or, when the step falls back to a URL
    /// setting, the record with the file at that URL when neither names one.
    fn file_record(&mut self) -> String {
        self.helpers.insert("file_source");
        let v = format!("_file_source({})", self.var);
        match &self.file_or {
            Some((constant, _)) => {
                self.helpers.insert("file_or");
                format!("_file_or_url({v}, {constant}, {})", py_str(constant))
            }
            None => v,
        }
    }

    /// A recipient field of the record (`phone`), else the step's setting `param`: the
    /// setting alone when the user named it, the sender's documented field first when the
    /// record is the trigger's own item.
    fn recipient(
        &mut self,
        reference: &str,
        field: &str,
        param: Option<&str>,
    ) -> Result<String, WorkflowError> {
        let v = self.var;
        if let Some(p) = param.filter(|p| self.named.contains(*p)) {
            return self.param(reference, p);
        }
        let mut names = Vec::new();
        if let Some(path) = self.sender_paths.get(field).filter(|p| p.as_str() != field) {
            names.push(path.as_str());
        }
        names.push(field);
        // a field the record has under another documented name (an RSS item's `link` for
        // `url`, a BambooHR employee's `firstName` for `first_name`); a recipient's is the
        // sender's path above
        if let Some(path) = self
            .record
            .path_of(field)
            .filter(|p| *p != field && !self.sender_paths.contains_key(field))
        {
            names.push(path);
        }
        let mut reads = match reading_of(field) {
            // an address, a number or an amount: only a value of that kind, else the setting
            Some((kind, others)) => {
                self.helpers.insert("reader");
                self.imports.insert("decimal");
                for other in others.iter().copied() {
                    if !names.contains(&other) {
                        names.push(other);
                    }
                }
                let names: Vec<String> = names.iter().map(|n| py_str(n)).collect();
                vec![format!(
                    "_reading({v}, {}, ({},))",
                    py_str(kind),
                    names.join(", ")
                )]
            }
            None => names
                .iter()
                .map(|n| format!("_field({v}, {})", py_str(n)))
                .collect(),
        };
        if let Some(p) = param {
            reads.push(self.param(reference, p)?);
        }
        Ok(if reads.len() == 1 {
            reads.remove(0)
        } else {
            format!("({})", reads.join(" or "))
        })
    }

    /// The records' text for `{text}`: `_text`, or for a post sharing the record its title and
    /// link when it has both (`_share`: the documented title and link, else its own `title` and
    /// `link`/`url` keys when nothing is documented); a record with no title of its own (a
    /// payment, a schedule's run) is `_text` (R18-2).
    fn text_of(&mut self, v: &str) -> String {
        if !self.shares {
            return format!("_text({v})");
        }
        let title = match &self.record.title {
            Some(Title::At(path)) => py_str(path),
            Some(Title::Search) => "None".to_owned(),
            Some(Title::Workflow) | None => return format!("_text({v})"),
        };
        let link = self
            .record
            .named
            .get("url")
            .or_else(|| self.record.named.get("link"))
            .map_or_else(|| "None".to_owned(), |p| py_str(p));
        self.helpers.insert("share");
        format!("_share({v}, {title}, {link})")
    }

    /// A window bound (`_since()`), moved back by the action's lag when it has one.
    fn bound(&mut self, bound: &str) -> String {
        match self.lag_minutes {
            Some(m) => {
                self.helpers.insert("lag");
                format!("_earlier(_{bound}(), {m})")
            }
            None => format!("_{bound}()"),
        }
    }

    fn param(&self, reference: &str, name: &str) -> Result<String, WorkflowError> {
        self.consts.get(name).cloned().ok_or_else(|| {
            WorkflowError::Internal(format!("{{{reference}}} names no parameter {name}"))
        })
    }

    fn reference(&mut self, name: &str) -> Result<String, WorkflowError> {
        let v = self.var;
        Ok(match name {
            // the fields the user named, as "Label: value" lines, when the step keeps them
            // (`planner::message::FIELDS_PARAM`); else the records' own text (a shared post's
            // title and link)
            "text" => {
                let records = match self.consts.get(crate::planner::FIELDS_PARAM) {
                    Some(setting) => named_lines(v, setting),
                    None => self.text_of(v),
                };
                match (self.message_alone, self.consts.get("message")) {
                    (Some(true), Some(message)) => message.clone(),
                    (Some(false), Some(message)) => format!("({message} + \"\\n\" + {records})"),
                    _ => records,
                }
            }
            // the text of the records whole, their title and body (a ticket's subject and
            // description, an e-mail's subject and body), for a step that turns the text
            // itself into something else (a translation): never only the title
            "full_text" => {
                self.helpers.insert("full_text");
                match (self.message_alone, self.consts.get("message")) {
                    (Some(true), Some(message)) => message.clone(),
                    (Some(false), Some(message)) => {
                        format!("({message} + \"\\n\" + _full_text({v}))")
                    }
                    _ => format!("_full_text({v})"),
                }
            }
            // all the text of the records, for a model that reads them whole (a ticket's
            // description with its subject): `field: value` lines per record
            "record_text" => {
                self.helpers.insert("record_text");
                format!("_record_text({v})")
            }
            "item" => v.to_owned(),
            "items" => "items".to_owned(),
            "json" => format!("json.dumps({v}, default=str)"),
            // the record's own title, else what happened: the trigger event's name ("Payment
            // failed"), the workflow's name under a schedule (`record::Title`, R16-5)
            "title" => {
                self.helpers.insert("event_name");
                match &self.record.title {
                    Some(Title::At(path)) => format!("_title({v}, {})", py_str(path)),
                    Some(Title::Search) => format!("_title({v}, None)"),
                    Some(Title::Workflow) | None => "EVENT_NAME".to_owned(),
                }
            }
            // what happened, whatever the record (an analytics event's name): the trigger
            // event's name, not the workflow's "Stripe → Segment" (R16-5)
            "workflow" => {
                self.helpers.insert("event_name");
                "EVENT_NAME".to_owned()
            }
            "since" | "now" | "until" => {
                self.imports.insert("datetime");
                self.helpers.insert("time");
                self.bound(name)
            }
            // a window bound in the one form a request parameter takes, whatever the trigger
            // (`{since:unix}`: Etsy's `min_created` is epoch seconds even under a schedule)
            n if n
                .split_once(':')
                .is_some_and(|(b, _)| matches!(b, "since" | "now" | "until")) =>
            {
                let (bound, format) = n.split_once(':').unwrap_or((n, ""));
                if !TIME_FORMATS.contains(&format) {
                    return Err(WorkflowError::Internal(format!(
                        "{{{n}}}: a time is written {}",
                        TIME_FORMATS.join(", ")
                    )));
                }
                self.imports.insert("datetime");
                self.helpers.insert("time");
                self.helpers.insert("time_as");
                format!("_time_as({}, {})", self.bound(bound), py_str(format))
            }
            // the bytes of the record's file, for a multipart upload
            // the same bytes as base64 text, for a JSON body (Google Speech-to-Text's content)
            "file_base64" => {
                self.imports.insert("boto3");
                self.imports.insert("base64");
                self.helpers.insert("file");
                let r = self.file_record();
                format!("base64.b64encode(_file_bytes({r})[1]).decode(\"ascii\")")
            }
            // the file's media type, for a body that names it beside the bytes (Document AI's
            // `rawDocument.mimeType`): as downloaded, else from the file's name
            "file_type" => {
                self.imports.insert("boto3");
                self.helpers.insert("file");
                let r = self.file_record();
                format!("_file_type({r})")
            }
            // a document AWS reads from S3 or from the request (Textract's `Document`,
            // Rekognition's `Image`): the record's S3 location, else its file's bytes
            "file_document" => {
                self.imports.insert("boto3");
                self.helpers.insert("file");
                self.helpers.insert("file_document");
                let r = self.file_record();
                format!("_file_document({r})")
            }
            // the name an upload gives the record's file (a path's last part, a content-upload
            // argument): a downloaded file's own, else the record's file name, its S3 key's or
            // its file URL's last part, without fetching the file
            "file_name" => {
                self.imports.insert("boto3");
                self.helpers.insert("file");
                let r = self.file_record();
                format!("_upload_name({r})")
            }
            // a URL the vendor fetches the record's file from: its own file URL, else a
            // presigned GET URL of its S3 object valid `{file_url:SECONDS}` (default an hour)
            n if n == "file_url" || n.starts_with("file_url:") => {
                let seconds = match n.strip_prefix("file_url:") {
                    None => 3600,
                    Some(s) => match s.parse::<u32>() {
                        Ok(v) if (1..=604_800).contains(&v) => v,
                        _ => {
                            return Err(WorkflowError::Internal(format!(
                                "{{{n}}}: a presigned URL lives 1 to 604800 seconds"
                            )));
                        }
                    },
                };
                self.imports.insert("boto3");
                self.helpers.insert("file");
                self.helpers.insert("file_url");
                self.helpers.insert("file_source");
                format!("_public_file_url(_file_source({v}), {seconds})")
            }
            "file" if !self.consts.contains_key("file") => {
                self.imports.insert("boto3");
                self.helpers.insert("file");
                let r = self.file_record();
                format!("_file_bytes({r})")
            }
            // the record's file, else the file at the URL setting `param` (a payment or a
            // scheduled run names no file): `{file_or:image_url}`; the step's `file_or`
            // names the setting for every file reference of the call
            n if Self::file_fallback(n).is_some() => {
                let (base, param) = Self::file_fallback(n).unwrap_or_default();
                let constant = self.param(n, param)?;
                if self.file_or.is_none() {
                    self.file_or = Some((constant, param.to_owned()));
                }
                return self.reference(base);
            }
            "uuid" => {
                self.imports.insert("uuid");
                "str(uuid.uuid4())".to_owned()
            }
            "ddb_item" => {
                self.imports.insert("uuid");
                self.helpers.insert("ddb");
                format!("_ddb_item({v})")
            }
            // a required field the record may not carry falls back to the step's setting of
            // its name (`required::fill`)
            // an S3 object's location (`s3://{field:bucket}/{field:key}`: Amazon Transcribe's
            // `MediaFileUri`): the step's record's, else the object the workflow started from
            // (the object at the step's settings when the plan gives it them: its records
            // name no S3 object, `required::fill`; their stand-ins refused)
            n if matches!(n.strip_prefix("field:"), Some("bucket" | "key")) => {
                self.helpers.insert("file_source");
                let record = format!("_field(_file_source({v}, True), {})", py_str(&n[6..]));
                match self.consts.get(&n[6..]) {
                    Some(setting) => {
                        self.helpers.insert("reader");
                        self.imports.insert("decimal");
                        format!("({record} or _given({setting}, {}))", py_str(setting))
                    }
                    None => record,
                }
            }
            n if n.starts_with("field:") && self.consts.contains_key(&n[6..]) => {
                self.recipient(n, &n[6..], Some(&n[6..]))?
            }
            n if n.starts_with("field:") => self.recipient(n, &n[6..], None)?,
            // a dotted path into the value, exactly (a follow-up call reads the last answer)
            n if n.starts_with("path:") => format!("_path({v}, {})", py_str(&n[5..])),
            // the record's own field, else the step's setting: {field_or:email:to}
            n if n.starts_with("field_or:") => {
                let (field, param) = n[9..].split_once(':').unwrap_or((&n[9..], ""));
                self.recipient(n, field, Some(param))?
            }
            // a value inside a double-quoted string of a query language (Jira's JQL
            // `text ~ "{quoted:words}"`): its `\` and `"` escaped, so the words stay one string
            n if n.starts_with("quoted:") => {
                let inner = self.reference(&n[7..])?;
                format!(r#"str({inner}).replace("\\", "\\\\").replace('"', '\\"')"#)
            }
            // an RFC 822 message, base64url-encoded (Gmail's `raw`): {mime:to}
            n if n.starts_with("mime:") => {
                let to = self.param(n, &n[5..])?;
                self.imports.insert("base64");
                self.imports.insert("email.message");
                self.helpers.insert("mime");
                let address = self.recipient(n, "email", None)?;
                // the subject is the record's title, else what happened (R16-5), as `{title}`
                let subject = self.reference("title")?;
                format!("_mime_raw({address} or {to}, {subject}, _text({v}))")
            }
            n if is_cred_name(n) => n.to_owned(),
            // a setting the sent file decides by its media type, else the setting
            n if self.consts.contains_key(n) && self.by_file_type.contains_key(n) => {
                let setting = self.param(n, n)?;
                let table = self.by_file_type.get(n).map(|c| c.as_str().to_owned());
                self.imports.insert("boto3");
                self.helpers.insert("file");
                self.helpers.insert("by_file_type");
                let r = self.file_record();
                format!(
                    "_by_file_type({r}, {}, {setting})",
                    table.unwrap_or_default()
                )
            }
            n if self.consts.contains_key(n) => self.param(n, n)?,
            n => {
                return Err(WorkflowError::Internal(format!(
                    "unknown template reference {{{n}}}"
                )));
            }
        })
    }

    /// A template string: literal parts and references concatenated. In a URL, references after
    /// the start are percent-encoded (credentials, such as a shop domain, are not), `/`
    /// included, so a value cannot add path segments; only [`Ctx::keep_slash`] keep theirs.
    pub(crate) fn string(&mut self, s: &str, url: bool) -> Result<Code, WorkflowError> {
        let mut parts: Vec<String> = Vec::new();
        let mut rest = s;
        let mut first = true;
        while let Some((i, j)) = next_ref(rest) {
            if i > 0 {
                parts.push(py_str(&rest[..i]));
            }
            let name = &rest[i + 1..j];
            let e = self.reference(name)?;
            if url && !is_cred_name(name) && !(first && i == 0) {
                // a missing value is refused, not sent as `None`; a value is one segment
                // unless its kind is several (`owner/name`)
                let safe = if self.keep_slash.contains(name) {
                    "/"
                } else {
                    ""
                };
                parts.push(format!("_segment({e}, {})", py_str(safe)));
            } else if s.len() == name.len() + 2 {
                // the whole string is one reference: its value as it is
                return Ok(Code(e));
            } else if let Some(field) = name.strip_prefix("field:") {
                // a record field inside a longer text: a missing one is refused, never
                // written as the text `None` (Dropbox's `/Workflows/None`)
                self.helpers.insert("part");
                parts.push(format!("_part({e}, {})", py_str(field)));
            } else {
                parts.push(format!("str({e})"));
            }
            first = false;
            rest = &rest[j + 1..];
        }
        if !rest.is_empty() || parts.is_empty() {
            parts.push(py_str(rest));
        }
        Ok(Code(parts.join(" + ")))
    }

    /// A JSON value with template strings in it.
    pub(crate) fn value(&mut self, v: &Value) -> Result<Code, WorkflowError> {
        Ok(match v {
            Value::Null => Code::from_static("None"),
            Value::Bool(true) => Code::from_static("True"),
            Value::Bool(false) => Code::from_static("False"),
            Value::Number(n) => Code(n.to_string()),
            Value::String(s) => self.string(s, false)?,
            Value::Array(a) => {
                let items = a
                    .iter()
                    .map(|x| self.value(x))
                    .collect::<Result<Vec<_>, _>>()?;
                Code(format!("[{}]", join(&items)))
            }
            Value::Object(o) => self.dict(o.iter())?,
        })
    }

    /// A dict literal of string keys and template values.
    pub(crate) fn dict<'v>(
        &mut self,
        entries: impl Iterator<Item = (&'v String, &'v Value)>,
    ) -> Result<Code, WorkflowError> {
        let mut items = Vec::new();
        for (k, v) in entries {
            let value = self.value(v)?;
            // a key that is a parameter is the setting's value (the SharePoint column the user
            // names for the full text)
            match k.strip_prefix('{').and_then(|n| n.strip_suffix('}')) {
                Some(n) if self.consts.contains_key(n) => {
                    items.push(Code(format!("{}: {}", self.param(k, n)?, value.0)));
                }
                _ => items.push(entry(k, &value)),
            }
        }
        Ok(dict(&items))
    }

    /// Keyword arguments (`Bucket=..., Key=...`) of template values; the names are the
    /// catalog's, which its check keeps to plain identifiers.
    pub(crate) fn kwargs<'v>(
        &mut self,
        entries: impl Iterator<Item = (&'v String, &'v Value)>,
    ) -> Result<Vec<Code>, WorkflowError> {
        entries
            .map(|(k, v)| Ok(keyword(k, &self.value(v)?)))
            .collect()
    }
}

/// `a, b, c`.
pub(crate) fn join(items: &[Code]) -> String {
    items
        .iter()
        .map(Code::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `{a, b}` of `key: value` entries.
pub(crate) fn dict(entries: &[Code]) -> Code {
    Code(format!("{{{}}}", join(entries)))
}

/// `key: value` of a string key.
pub(crate) fn entry(key: &str, value: &Code) -> Code {
    Code(format!("{}: {}", py_str(key), value.0))
}

/// `function(arguments)`.
pub(crate) fn call(function: &Code, arguments: &[Code]) -> Code {
    Code(format!("{}({})", function.0, join(arguments)))
}

/// `value.attribute`; the attribute is the generator's or the catalog's name.
pub(crate) fn attr(value: &Code, attribute: &str) -> Code {
    Code(format!("{}.{attribute}", value.0))
}

/// `value[key]`.
pub(crate) fn index(value: &Code, key: &Code) -> Code {
    Code(format!("{}[{}]", value.0, key.0))
}

/// `(expression)`.
pub(crate) fn paren(expression: &Code) -> Code {
    Code(format!("({})", expression.0))
}

/// `a + b`.
pub(crate) fn concat(parts: &[Code]) -> Code {
    Code(
        parts
            .iter()
            .map(Code::as_str)
            .collect::<Vec<_>>()
            .join(" + "),
    )
}

/// A name the generator defined (a constant, a client, a helper, a module) or the catalog's.
pub(crate) fn name(n: &str) -> Code {
    Code(n.to_owned())
}

/// `keyword=value`.
pub(crate) fn keyword(key: &str, value: &Code) -> Code {
    Code(format!("{key}={}", value.0))
}

/// A JSON value as a Python literal, strings included as they are (no references).
pub(crate) fn json_literal(v: &Value) -> Code {
    match v {
        Value::Null => Code::from_static("None"),
        Value::Bool(true) => Code::from_static("True"),
        Value::Bool(false) => Code::from_static("False"),
        Value::Number(n) => Code(n.to_string()),
        Value::String(s) => Code::literal(s),
        Value::Array(a) => {
            let items: Vec<Code> = a.iter().map(json_literal).collect();
            Code(format!("[{}]", join(&items)))
        }
        Value::Object(o) => {
            let items: Vec<Code> = o.iter().map(|(k, v)| entry(k, &json_literal(v))).collect();
            dict(&items)
        }
    }
}
