//! The tool catalog: services the engine knows, how users name them, their actions, events and
//! credentials, and how generated code calls them. Kept as data, one JSON file per tool in
//! `data/catalog/tools/` (every field is described in `docs/catalog.md`) and the needs in
//! `data/catalog/needs.json`; parsed and checked once when an [`Engine`](crate::Engine) is built.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Deserialize;

use crate::WorkflowError;
use crate::text::words;

pub(crate) mod answers;
#[cfg(test)]
mod check_tests;
pub(crate) mod chosen;
pub(crate) mod languages;
#[cfg(test)]
mod placeholder_tests;
#[cfg(test)]
mod reference_tests;
pub(crate) mod refs;

pub use answers::{
    CellValue, Cells, ColumnNames, KeyFormat, SignedToken, SignedTokenKind, SyncCursor,
};

include!(concat!(env!("OUT_DIR"), "/catalog_files.rs"));
const NEEDS_JSON: &str = include_str!("../data/catalog/needs.json");

struct CatalogParts {
    tools: Vec<Tool>,
    needs: Vec<Need>,
}

/// The parsed catalog with its lookup indexes.
#[derive(Debug)]
pub struct Catalog {
    pub(crate) tools: Vec<Tool>,
    pub(crate) needs: Vec<Need>,
    by_id: HashMap<String, usize>,
    /// Alias word sequences, longest first, with the tool index.
    pub(crate) aliases: Vec<(Vec<String>, usize)>,
    /// Indexes into `aliases` by first word, longest alias first.
    pub(crate) first_word: HashMap<String, Vec<usize>>,
}

/// A service.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    /// Stable id (`google_sheets`).
    pub id: String,
    /// Canonical display name (`Google Sheets`), as the eval's tools.json spells it.
    pub name: String,
    /// How users write or say it (the name itself is always an alias).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Aliases that are also common words: ignored after `every`, `each`, `per`, `a`, `this`.
    #[serde(default)]
    pub common_word: bool,
    /// `chat`, `email`, `sms`, `storage`, `database`, `ai`, ...
    pub category: String,
    /// Frontend icon name.
    #[serde(default = "default_icon")]
    pub icon: String,
    pub api: Api,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub credentials: Vec<CredentialSpec>,
    #[serde(default)]
    pub actions: Vec<Action>,
    #[serde(default)]
    pub events: Vec<Event>,
    /// Pinned packages generated code needs for this tool.
    #[serde(default)]
    pub requirements: Vec<String>,
    /// The root of the vendor's API reference.
    pub docs: String,
    /// Where the tool-wide facts (base URL, version, authentication) were checked.
    #[serde(default)]
    pub reference: Option<Reference>,
    /// How the vendor delivers webhooks (shared by the tool's `http` events).
    #[serde(default)]
    pub webhook: Option<Webhook>,
    /// How the function obtains a short-lived access token at run time.
    #[serde(default)]
    pub token_exchange: Option<TokenExchange>,
    /// A token the function signs itself on every run (Ghost's Admin API JWT).
    #[serde(default)]
    pub signed_token: Option<SignedToken>,
}

fn default_icon() -> String {
    "other".to_owned()
}

/// How generated code reaches a tool.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Api {
    /// A JSON HTTP API called with `urllib.request`.
    Http {
        /// May contain `{CREDENTIAL}` references.
        base_url: String,
        /// `bearer ENV`, `header Name ENV`, `basic USER PASS` (`=literal` allowed), `query name ENV`, `none`.
        auth: String,
        /// Another base URL for keys of another kind, chosen by the function at run time from
        /// the key itself (DeepL: keys ending in `:fx` belong to the Free API's host).
        #[serde(default)]
        base_url_by_key: Vec<KeyedBaseUrl>,
        /// Another base URL for a setting's value, chosen by the function at run time
        /// (Document AI: a processor in `locations/eu` is served on the EU host).
        #[serde(default)]
        base_url_by_param: Vec<chosen::ParamBaseUrl>,
    },
    /// An AWS service called with boto3 (shipped with the Lambda runtime).
    Boto3 { service: String },
    /// PostgreSQL through `pg8000` (pure Python).
    Postgres,
    /// MySQL through `PyMySQL` (pure Python).
    Mysql,
    /// Redis through `redis-py`.
    Redis,
    /// MongoDB through `pymongo`.
    Mongodb,
    /// Mail sent with `smtplib`.
    Smtp,
    /// Mail read with `imaplib`.
    Imap,
}

/// A base URL used instead of `base_url` when a credential's value ends with `suffix`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyedBaseUrl {
    pub credential: String,
    pub suffix: String,
    pub base_url: String,
}

/// A credential a tool needs; `env` is both the environment variable and the placeholder name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialSpec {
    pub env: String,
    pub name: String,
    pub description: String,
    /// Where to get it.
    pub help: String,
    /// Masked in the UI; non-secrets are identifiers such as a shop domain.
    #[serde(default = "yes")]
    pub secret: bool,
}

fn yes() -> bool {
    true
}

/// Whether an action reads data for later steps, transforms it, or writes it somewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Read,
    Transform,
    #[default]
    Write,
}

/// An operation on a tool.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub id: String,
    /// Human label (`Post a message`).
    pub label: String,
    /// Words in the user's text that select this action.
    #[serde(default)]
    pub words: Vec<String>,
    #[serde(default)]
    pub role: Role,
    /// One call for all items instead of one per item.
    #[serde(default)]
    pub batch: bool,
    /// Values the prompt may name (channel, table, ...), with defaults.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    /// HTTP method and path (appended to the base URL); templates may use `{refs}`.
    #[serde(default)]
    pub method: Option<String>,
    /// Appended to the base URL, or a whole `https://` URL when the vendor serves this call
    /// on another host of its own (Dropbox's uploads on `content.dropboxapi.com`).
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub query: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pub body: Option<serde_json::Value>,
    /// Bodies sent instead of `body` when the named parameter is empty: a search the prompt
    /// gave no words for reads every record (Elasticsearch's `match_all`, review 16, R16-3),
    /// and the plan says so.
    #[serde(default)]
    pub body_without: BTreeMap<String, serde_json::Value>,
    /// Query strings sent instead of `query` when the named parameter is empty, as
    /// `body_without` for a search whose words go in the URL (Jira's JQL `text ~ "…"`).
    #[serde(default)]
    pub query_without: BTreeMap<String, BTreeMap<String, serde_json::Value>>,
    /// Headers the request adds to the tool's: a text is a template like `path`; an object is
    /// sent as its JSON text (a content-upload endpoint's argument beside a body of raw bytes:
    /// Dropbox's `Dropbox-API-Arg: {"path": …}`). A `Content-Type` here replaces the body's.
    #[serde(default)]
    pub headers: BTreeMap<String, serde_json::Value>,
    /// How `body` is encoded.
    #[serde(default)]
    pub content_type: ContentType,
    /// How the answer's body is read.
    #[serde(default)]
    pub answer: AnswerKind,
    /// Response headers kept in the answer, under `headers` with lower-case names, so that
    /// `records` or `text` can point at them (TinyPNG's result is its `Location` header).
    #[serde(default)]
    pub answer_headers: Vec<String>,
    /// boto3 call: `client.method(**kwargs)`.
    #[serde(default)]
    pub call: Option<String>,
    #[serde(default)]
    pub kwargs: BTreeMap<String, serde_json::Value>,
    /// IAM actions the SAM policy grants for this action.
    #[serde(default)]
    pub iam: Vec<String>,
    /// The resources those actions are granted on: ARN templates in CloudFormation `!Sub`
    /// syntax (`${AWS::Partition}`), with `{param}` for a step's value and `{param:-1}` for
    /// the value's last `/`-separated part. Empty: the actions are granted on `*` (for
    /// actions AWS does not scope to a resource).
    #[serde(default)]
    pub iam_resources: Vec<String>,
    /// Those of `iam` that AWS grants on no resource type (so on `*`), although the others are
    /// granted on `iam_resources` (Redshift's DescribeStatement beside ExecuteStatement).
    #[serde(default)]
    pub iam_on_any_resource: Vec<String>,
    /// Conditions of the statement granting `iam`, by operator then key (`StringEquals` →
    /// `cloudwatch:namespace` → `CueWorkflow`), for actions AWS scopes by a condition key
    /// rather than a resource; values take `{param}` like `iam_resources`.
    #[serde(default)]
    pub iam_conditions: BTreeMap<String, BTreeMap<String, String>>,
    /// The IAM Service Authorization Reference page the resource ARNs were checked on.
    #[serde(default)]
    pub iam_reference: Option<String>,
    /// SQL statement for database tools, with named parameters.
    #[serde(default)]
    pub sql: Option<String>,
    /// What kind of value each parameter holds; decides which values are accepted.
    #[serde(default)]
    pub param_kinds: BTreeMap<String, ParamKind>,
    /// Request fields (dotted paths into `body`, or `query.<name>`) the vendor requires; a
    /// generated request must send each present and non-empty.
    #[serde(default)]
    pub required: Vec<String>,
    /// Where the records are in the answer (dotted path; `""` for the answer itself).
    #[serde(default)]
    pub records: Option<String>,
    /// The value at `records` is an object keyed by id whose values are the records
    /// (BambooHR's changed employees: `{"employees": {"3": {...}, "4": {...}}}`), not a list.
    #[serde(default)]
    pub records_keyed: bool,
    /// Fields each listed record gets from the answer around it, by dotted path into the
    /// answer (S3's ListObjectsV2 `Contents` name no bucket; the answer's `Name` is it), so a
    /// later step finds what the record alone does not say (the object's bucket and key).
    #[serde(default)]
    pub answer_fields: BTreeMap<String, String>,
    /// Where the text is in the answer of a transform (`choices.0.message.content`).
    #[serde(default)]
    pub text: Option<String>,
    /// How the vendor reports failure inside a successful HTTP answer (Slack's `ok: false`).
    #[serde(default)]
    pub success: Option<Success>,
    /// A second call per listed record when the list holds only ids (Gmail, Jira).
    #[serde(default)]
    pub detail: Option<Detail>,
    /// The job this call starts may finish later (Redshift's ExecuteStatement, a BigQuery query
    /// past its timeout): how to ask for its state and fetch its result.
    #[serde(default)]
    pub wait: Option<Wait>,
    /// The records are rows of cells named elsewhere: how each becomes a record by column name.
    #[serde(default)]
    pub cells: Option<Cells>,
    /// Where each record holds a map of Firestore typed Values (`fields`: `{"email":
    /// {"stringValue": "a@example.com"}}`), turned into plain values when the records are read.
    #[serde(default)]
    pub firestore_values: Option<String>,
    /// A vendor cursor kept between runs (Plaid's `/transactions/sync`).
    #[serde(default)]
    pub sync: Option<SyncCursor>,
    /// How long the vendor may take to list what happened (PayPal: up to three hours): the
    /// window's `{since}`, `{now}` and `{until}` are moved this far back, so what is listed late
    /// falls in a later run's window instead of between two. Said in the plan's assumptions.
    #[serde(default)]
    pub lag_minutes: Option<u32>,
    /// Who the call is about, for tracking APIs that attribute each event to a user
    /// (Segment's `userId`, Mixpanel's `distinct_id`): taken from the record, never made up.
    #[serde(default)]
    pub identity: Option<Identity>,
    /// What the user must know when a plan uses this action (WhatsApp's 24-hour window),
    /// stated in the plan's assumptions.
    #[serde(default)]
    pub caveat: Option<String>,
    /// How long one call may take to answer, in seconds, when the vendor answers only once the
    /// work is done (a model's whole generation, a statement Snowflake runs up to 45 s before
    /// answering): the call waits that long instead of the generated code's short socket
    /// timeout, and a call that timed out is not sent again (each attempt is billed or runs
    /// the work again). At most 55, inside the function's 60 s.
    #[serde(default)]
    pub timeout_seconds: Option<u32>,
    /// Why the action cannot work as the catalog can describe it (Evernote's notes are
    /// created through a binary Thrift call): the planner never plans it and the plan's
    /// assumptions say why the step was left out. The entry's reference is then unverified.
    #[serde(default)]
    pub unusable: Option<String>,
    /// The longest value the vendor accepts in a request field (Jira's 255-character summary):
    /// the generated code cuts a longer value, with a marker, instead of sending what the
    /// vendor refuses, and the plan's assumptions say so.
    #[serde(default)]
    pub limits: Vec<Limit>,
    /// Request fields that take a NAME (a folder, file, channel, title, subject): sent as one
    /// short printable line, never a multi-line record (review 16, R16-1).
    #[serde(default)]
    pub names: Vec<NameField>,
    /// The request's `{text}` is a post that shares the record (a page post, a tweet, a toot):
    /// the record's title and link when it has both (a blog post, a feed item), else its text
    /// as any message's (review 18, R18-2).
    #[serde(default)]
    pub shares: bool,
    /// Request text fields the vendor reads in a markup of its own, escaped so the record's
    /// text stays plain text (LinkedIn's "little" commentary).
    #[serde(default)]
    pub escape: Vec<Escape>,
    /// Request fields that take amounts of money, and in which unit.
    #[serde(default)]
    pub money: Vec<MoneyParam>,
    /// Top-level body fields the vendor takes as JSON text (Expensify's
    /// `requestJobDescription`): written as objects here, so `money` and the value rules reach
    /// inside them, and sent as their JSON text.
    #[serde(default)]
    pub json_text: Vec<String>,
    /// Settings the sent file's media type decides (`chosen::ByFileType`): Speech-to-Text's
    /// `encoding` is `FLAC` for a FLAC file, left out for a WAV file (Google reads its header).
    #[serde(default)]
    pub by_file_type: chosen::ByFileType,
    /// A date range whose end date the vendor reads as exclusive (Google Calendar's all-day
    /// `end.date`): a one-day range written with the same start and end date is sent with the
    /// next day as its end.
    #[serde(default)]
    pub exclusive_end: Option<chosen::ExclusiveEnd>,
    /// How a `multipart` body sends its nested objects and lists: as their JSON text (the
    /// default), or (`brackets`) one part per value under a bracketed name
    /// (`signers[0][email_address]`, `files[0]`: Dropbox Sign's form).
    #[serde(default)]
    pub multipart_keys: chosen::MultipartKeys,
    /// Body fields that are an address, by path, and the vendor of `data/catalog/addresses.json`
    /// whose keys they take (`{"address_to": "shippo"}`): a record's address object is sent in
    /// that vendor's keys (Shopify's `address1` as Shippo's `street1`).
    #[serde(default)]
    pub address: BTreeMap<String, String>,
    /// The parameter that is the language to translate into, and the vendor's code set for it
    /// (`data/catalog/languages.json`): a language the prompt names becomes the vendor's code.
    #[serde(default)]
    pub target_language: Option<TargetLanguage>,
    /// The fields of one record this action reads (read actions).
    #[serde(default)]
    pub fields: Vec<Field>,
    /// The records carry fields their owner names (a sheet's columns, a query's columns, a
    /// collection's documents), not the vendor: what they are. A condition on such records
    /// compares the field the prompt names.
    #[serde(default)]
    pub own_fields: Option<String>,
    /// Where the call was checked.
    #[serde(default)]
    pub reference: Option<Reference>,
    /// A request and its answer as the vendor's reference shows them.
    #[serde(default)]
    pub example: Option<ActionExample>,
}

/// Whether `path` is a whole `https://` URL whose host is literal (no `{reference}` before
/// the path begins).
fn absolute_https_host(path: &str) -> bool {
    path.strip_prefix("https://").is_some_and(|rest| {
        let host = rest.split('/').next().unwrap_or_default();
        !host.is_empty() && !host.contains(['{', '}', '@'])
    })
}

impl Action {
    /// Where the request goes: `path` below the tool's base URL, or `path` itself when it is
    /// a URL of another host of the vendor's (Dropbox's `content.dropboxapi.com`).
    pub fn url_template(&self, base_url: &str) -> String {
        let path = self.path.as_deref().unwrap_or_default();
        if path.starts_with("https://") {
            path.to_owned()
        } else {
            format!("{base_url}{path}")
        }
    }
}

/// Where a tracking call says who it is about. The body's `user` gets the first of the
/// record's `from` fields that is set; a record naming no user gets a new id at `anonymous`
/// instead (and no `user`), so events of one person share an id and an unknown person's event
/// is marked anonymous rather than given a random user id.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// Dotted path into the body (`userId`, `0.properties.distinct_id`).
    pub user: String,
    /// Where an anonymous event's new id goes (`anonymousId`); may be `user` itself when the
    /// vendor has one id field (Mixpanel).
    pub anonymous: String,
    /// The record's fields that identify its person, in order of preference.
    pub from: Vec<String>,
}

/// An action's parameter that names the language its call translates into.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetLanguage {
    /// The parameter (`language`), one of the action's `params`.
    pub param: String,
    /// The code set of `data/catalog/languages.json` its values come from (`deepl`).
    pub codes: String,
}

/// How an action's request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ContentType {
    /// `application/json`.
    #[default]
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`; the field whose value is `{file}` carries the bytes.
    Multipart,
    /// `multipart/related` (Google's upload protocol): a JSON part of every field but the
    /// one whose value is `{file}`, then that file's bytes as the media part.
    MultipartRelated,
    /// `application/x-ndjson`: a list body, one JSON document per line.
    Ndjson,
    /// The bytes of `{file}` as the whole body (`application/octet-stream` unless the tool's
    /// headers say otherwise).
    Bytes,
}

/// How an action's answer is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    /// JSON (XML feeds become records, other text `{"text": …}`).
    #[default]
    Json,
    /// One JSON document per line: the answer is the list of them.
    Ndjson,
    /// A file: the answer is `{"name", "content_type", "size", "content_base64"}`, which a
    /// later step's `{file}` reads.
    Bytes,
}

/// What kind of value a parameter holds. Values from a prompt or a model are checked by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ParamKind {
    /// Free text (a message, a title).
    #[default]
    Text,
    /// The words a search looks for (YouTube's and News API's `q`, X's `query`): free text
    /// the planner fills from what the prompt says the records are about ("videos about rust
    /// programming", "tweets mentioning Acme", "news on the topic of solar power"), never from
    /// a resource's name (a Kafka or SNS `topic` is an `aws_resource` or text).
    Search,
    /// An absolute `https://` URL (a feed, an endpoint to call).
    Url,
    /// An absolute `https://` or `http://` URL, for the few entries whose vendor documents
    /// plain-HTTP endpoints; everything else `url` checks holds.
    HttpUrl,
    /// One segment of a URL path (an id, a slug): no `/`, no `.` or `..`.
    PathSegment,
    /// A path of the vendor's own that its API takes as ONE URL segment (GitLab's project
    /// `group/project` in `/projects/:id`): each `/`-part is checked as a segment, and the `/`
    /// is sent percent-encoded (`%2F`), never as a separator, whatever the default holds.
    EncodedPath,
    /// A vendor's opaque identifier (a Slack channel ID `C0123…`, a list id).
    Id,
    /// An email address.
    Email,
    /// A phone number in E.164.
    Phone,
    /// A chat channel by name (`#general`).
    Channel,
    /// `owner/name` (GitHub, GitLab, Bitbucket).
    Repository,
    /// A plain SQL identifier (table or column).
    SqlIdentifier,
    /// An AWS resource name or ARN (bucket, queue, topic, table, stream).
    AwsResource,
    /// A number.
    Number,
}

/// Where a catalog fact was checked: the vendor's own reference page and the date.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// The exact page of the vendor's API reference.
    pub url: String,
    /// `YYYY-MM-DD`.
    pub checked: String,
    /// `false` when the entry could not be confirmed from the vendor's documentation; the
    /// generator then says so in the plan's assumptions.
    #[serde(default = "yes")]
    pub verified: bool,
    /// What was found, or what could not be confirmed.
    #[serde(default)]
    pub note: Option<String>,
}

/// The type of a record field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    String,
    Number,
    Integer,
    Boolean,
    /// ISO 8601 / RFC 3339 text, or epoch seconds where `description` says so.
    Datetime,
    Array,
    Object,
}

/// One field of a record (an event's item, or a record a read action returns).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Dotted path within the record (`total_price`, `customer.email`, `labels.*.name`).
    pub path: String,
    #[serde(rename = "type")]
    pub kind: FieldType,
    /// What it means, in the vendor's words (units, currency, format).
    pub description: String,
    /// How users refer to it ("total", "amount", "order value").
    #[serde(default)]
    pub words: Vec<String>,
    /// When the field refers to a file the record does not carry (a download URL, a message
    /// with attachments, a file id): how the file's bytes are fetched before a step needs them.
    #[serde(default)]
    pub file: Option<FileRef>,
    /// An amount of money: in which unit, and where the record's currency code is.
    #[serde(default)]
    pub money: Option<Money>,
}

/// How a vendor writes an amount of money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MoneyUnit {
    /// In the currency's smallest unit, an integer (Stripe: 1099 for 10.99 USD, 500 for 500 JPY).
    Minor,
    /// In the currency itself, a decimal (Xero's `UnitAmount` 10.99).
    Major,
}

/// An amount field's unit (the catalog's `money` on a field).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Money {
    pub unit: MoneyUnit,
    /// The field of the same record holding the ISO 4217 code (`currency`).
    pub currency: String,
    /// For minor units: currencies whose smallest unit is not a hundredth, by the number of
    /// decimals the vendor uses for them (`{"0": ["JPY", …], "3": ["KWD", …]}`); two otherwise.
    #[serde(default)]
    pub exponents: BTreeMap<String, Vec<String>>,
}

/// A request field that takes an amount of money in `unit` (the catalog's `money` on an
/// action): a record's amount written in the other unit is converted by its currency's
/// exponent before it is sent.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoneyParam {
    /// Dotted path into `body` (`Invoices.0.LineItems.0.UnitAmount`).
    pub path: String,
    pub unit: MoneyUnit,
    /// The vendor takes the amount as decimal text (`"10.99"`: PayPal, FreshBooks), written
    /// with the currency's decimals.
    #[serde(default)]
    pub text: bool,
}

/// How to fetch the file a record refers to, with the tool's own authorization.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRef {
    /// The request's path below the tool's base URL (`/users/{user}/messages/{field:id}/attachments`:
    /// `{field:…}` from the record, other references from the tool's step settings); absent,
    /// the field's own value is the file's URL.
    #[serde(default)]
    pub path: Option<String>,
    /// Where a JSON answer holds the file, base64-encoded (`value.*.contentBytes`); absent,
    /// the answer's body is the file.
    #[serde(default)]
    pub content: Option<String>,
    /// Where a JSON answer holds the file's name (`value.*.name`).
    #[serde(default)]
    pub name: Option<String>,
    /// The URL template the field's value has when it is the file's URL
    /// (`https://{host}.zoom.us/rec/download/{recording}`): the dry run's simulator answers it.
    #[serde(default)]
    pub url: Option<String>,
    /// The request's method (`GET` unless said: Dropbox's download is a `POST`).
    #[serde(default)]
    pub method: Option<String>,
    /// Headers the request adds to the tool's authorization: a text is a template like `path`;
    /// an object is sent as its JSON text (Dropbox's `Dropbox-API-Arg: {"path": …}`).
    #[serde(default)]
    pub headers: BTreeMap<String, serde_json::Value>,
    /// How `content` is encoded: `base64` (the default) or `base64url` (Gmail's `data`).
    #[serde(default)]
    pub encoding: FileEncoding,
    /// The record's field naming the file when the answer does not (a Gmail part's
    /// `filename`).
    #[serde(default)]
    pub record_name: Option<String>,
    /// When the first answer only says where the file is (Telegram's `getFile` answers
    /// `result.file_path`): the file's URL, a template whose `{field:…}` read that answer. The
    /// first request's answer is then JSON, the second's the file.
    #[serde(default)]
    pub then: Option<String>,
    pub reference: Reference,
}

impl FileRef {
    /// Where the request goes: `path` below the tool's base URL, or `path` itself when it is
    /// a URL of another host (Dropbox's `content.dropboxapi.com`).
    pub fn url_template(&self, base_url: &str) -> Option<String> {
        let path = self.path.as_deref()?;
        Some(if path.starts_with("https://") {
            path.to_owned()
        } else {
            format!("{base_url}{path}")
        })
    }

    /// The request's method, upper case.
    pub fn method(&self) -> String {
        self.method.as_deref().unwrap_or("GET").to_ascii_uppercase()
    }
}

/// How a JSON answer encodes a file's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FileEncoding {
    #[default]
    Base64,
    /// The URL-safe alphabet (RFC 4648 §5), padding optional.
    Base64url,
}

/// A condition on a request's header or a JSON body path.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Match {
    /// A request header (lower case) ...
    #[serde(default)]
    pub header: Option<String>,
    /// ... or a dotted path into the JSON body.
    #[serde(default)]
    pub path: Option<String>,
    /// The value it must have ...
    #[serde(default)]
    pub equals: serde_json::Value,
    /// ... or the values it may have (Stripe's `customer.subscription.created`, `.updated`,
    /// `.deleted` for one "subscription" trigger).
    #[serde(default)]
    pub one_of: Vec<serde_json::Value>,
    /// ... or only be there, whatever its value (Telegram's update carries `message` only when
    /// it is a new message, `edited_message` otherwise).
    #[serde(default)]
    pub present: bool,
    /// ... or not be there at all (Slack's new messages carry no `subtype` and no `bot_id`;
    /// edits, deletions, joins and bots' posts do).
    #[serde(default)]
    pub absent: bool,
    /// ... or, as text, contain none of these; a missing value passes (a Datadog monitor
    /// alert's title without `[Recovered`: the recovery of the same monitor is not an alert).
    #[serde(default)]
    pub excludes: Vec<String>,
}

impl Match {
    /// A value that matches: `equals`, else the first of `one_of` (sample deliveries).
    pub fn sample(&self) -> &serde_json::Value {
        self.one_of.first().unwrap_or(&self.equals)
    }
}

/// How one delivery holds several notifications.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    /// Where the units are: a dotted path in which `*` stands for each element of a list
    /// (`entry.*.changes.*`; `*` when the body itself is the list).
    pub units: String,
    /// Conditions on the whole delivery rather than a unit (Meta's `object: page`).
    #[serde(default, rename = "match")]
    pub matches: Vec<Match>,
}

impl Batch {
    /// The path of the first unit in a delivery (`entry.0.changes.0`): where sample deliveries
    /// put their one unit.
    pub fn first_unit(&self) -> String {
        self.units
            .split('.')
            .map(|k| if k == "*" { "0" } else { k })
            .collect::<Vec<_>>()
            .join(".")
    }
}

impl Event {
    /// Where `path` (relative to a unit with `batch`, or to the body) is in a delivery holding
    /// one unit: the dry run's samples and the webhook tests build deliveries with it.
    pub fn delivery_path(&self, path: &str) -> String {
        match &self.batch {
            Some(b) if path.is_empty() => b.first_unit(),
            Some(b) => format!("{}.{path}", b.first_unit()),
            None => path.to_owned(),
        }
    }

    /// Every condition with where its path is in a delivery holding one unit (headers: none).
    pub fn matches_in_delivery(&self) -> Vec<(&Match, Option<String>)> {
        self.matches
            .iter()
            .map(|m| (m, m.path.as_deref().map(|p| self.delivery_path(p))))
            .chain(
                self.batch
                    .iter()
                    .flat_map(|b| &b.matches)
                    .map(|m| (m, m.path.clone())),
            )
            .collect()
    }

    /// The event's conditions on the whole delivery: its header matches, and with `batch` the
    /// batch's own (without `batch`, every match is on the whole delivery).
    pub fn delivery_matches(&self) -> impl Iterator<Item = &Match> {
        let per_unit = self.batch.is_some();
        self.matches
            .iter()
            .filter(move |m| !per_unit || m.header.is_some())
            .chain(self.batch.iter().flat_map(|b| b.matches.iter()))
    }
}

/// How a vendor reports failure inside an HTTP 2xx answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Success {
    /// Dotted path of the flag (`ok`).
    pub path: String,
    /// The value that means success (`true`).
    #[serde(default)]
    pub equals: serde_json::Value,
    /// Success is the path being absent or empty instead (BigQuery's `insertErrors`, a
    /// GraphQL `errors` list): failures are listed there inside the 2xx.
    #[serde(default)]
    pub absent: bool,
    /// Where the vendor's error message is (`error`).
    #[serde(default)]
    pub error: Option<String>,
}

/// A call made once per listed record to fetch the record itself.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Detail {
    #[serde(default = "get")]
    pub method: String,
    /// Appended to the base URL; `{field:id}` refers to the listed record.
    #[serde(default)]
    pub path: String,
    /// Instead of `path`: where the item holds the absolute URL of its record (Eventbrite's
    /// `api_url`, ShipStation's `resource_url`). The URL is called with the tool's
    /// credentials only when its scheme and host are those of the tool's `base_url`.
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub query: BTreeMap<String, serde_json::Value>,
    /// Where the record is in the answer (`""`: the answer itself).
    #[serde(default)]
    pub record: Option<String>,
    /// The answer as the vendor's reference shows it (the dry run's simulator answers it);
    /// without one, a record of the documented fields.
    #[serde(default)]
    pub example: Option<serde_json::Value>,
}

fn get() -> String {
    "GET".to_owned()
}

/// The longest value a vendor accepts in one request field.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limit {
    /// Dotted path into `body`, `query.<name>`, or a boto3 keyword (`Text`).
    pub path: String,
    /// The most `unit`s the vendor accepts.
    pub max: u32,
    #[serde(default)]
    pub unit: LimitUnit,
}

/// A request field that names something (Box's folder `name`). Its value becomes one line: a
/// value of several lines (a form's whole text) gives way to the record's first name-like
/// field of `from`, else its first non-empty line; control characters and the vendor's
/// `forbid` characters become spaces or `-`, and the ends are trimmed. An empty name is
/// refused, not sent.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameField {
    /// Dotted path into `body`.
    pub path: String,
    /// Record fields that hold a name, tried in order (`name`, `title`, `company`, `subject`).
    pub from: Vec<String>,
    /// Characters the vendor prohibits in a name (Box: `/` and `\`), each sent as `-`.
    #[serde(default)]
    pub forbid: String,
}

/// A request text field written in a vendor's markup.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Escape {
    /// Dotted path into `body`.
    pub path: String,
    pub kind: EscapeKind,
}

/// A vendor markup whose reserved characters plain text must escape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EscapeKind {
    /// LinkedIn's "little" text: `| { } @ [ ] ( ) < > # \ * _ ~` each after a backslash.
    LittleText,
}

/// What a [`Limit`] counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitUnit {
    /// Unicode characters (code points).
    #[default]
    Characters,
    /// Bytes of the UTF-8 text.
    Bytes,
}

impl LimitUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Characters => "characters",
            Self::Bytes => "bytes",
        }
    }
}

/// How to wait for a job an action starts. The first answer may already be `done` (a BigQuery
/// query that finished within its timeout); otherwise `status`, an action of the same tool
/// called with the first answer as its record (`{field:Id}`), is asked until the job is done
/// or failed, within the function's `JOB_WAIT_SECONDS`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wait {
    /// The action that reports the job's state.
    pub status: String,
    /// The state that means the job is done.
    pub done: JobState,
    /// The states that mean it failed, and where the error is.
    #[serde(default)]
    pub failed: Option<JobState>,
    /// The action that fetches the finished job's result (called with the first answer);
    /// without it the answer that said done is the result.
    #[serde(default)]
    pub result: Option<String>,
    /// Instead of `result`: where the finished state holds the URL of the result, a JSON
    /// document fetched without credentials (Amazon Transcribe's presigned
    /// `TranscriptFileUri`).
    #[serde(default)]
    pub result_url: Option<String>,
    /// Seconds between two status calls.
    #[serde(default = "two")]
    pub interval_seconds: u32,
}

fn two() -> u32 {
    2
}

/// A job state: the value at `path` is one of `equals`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobState {
    pub path: String,
    pub equals: Vec<serde_json::Value>,
    /// Where the error message is (failed states).
    #[serde(default)]
    pub error: Option<String>,
}

/// How a polling trigger remembers what it has seen, so each item is emitted once.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cursor {
    /// The record field whose largest value is kept between runs (`created`, `updated_at`);
    /// unused by the `row` format.
    #[serde(default)]
    pub field: String,
    /// How the kept value is written into the poll request's `{since}`.
    pub format: CursorFormat,
    /// When the vendor cannot filter by the cursor: the id field used to drop items already seen.
    #[serde(default)]
    pub dedupe: Option<String>,
    /// Each edit is an item (an "updated" poll): an item is its `dedupe` id together with its
    /// `field`, so an item edited again is emitted again, and one edit is emitted once even
    /// when the vendor rounds `field` so that later edits share the kept value (Notion rounds
    /// `last_edited_time` down to the minute). Needs `dedupe`.
    #[serde(default)]
    pub each_edit: bool,
    /// The shortest polling interval the vendor's quotas allow, in minutes.
    #[serde(default)]
    pub min_interval_minutes: Option<u32>,
}

/// The format of a cursor value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CursorFormat {
    /// Seconds since the epoch.
    Unix,
    /// Milliseconds since the epoch.
    UnixMs,
    /// RFC 3339 / ISO 8601 date-time.
    Iso8601,
    /// `YYYY-MM-DD`.
    Date,
    /// An increasing id.
    Id,
    /// The number of records already seen (rows appended to a sheet, which carry no date or
    /// id): the records past it are new.
    Row,
}

/// How a vendor delivers webhooks to the function URL.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    /// How a delivery is authenticated.
    pub verify: Verify,
    /// How the body is encoded.
    #[serde(default)]
    pub body: WebhookBody,
    /// A request the vendor sends to prove the URL before it delivers events.
    #[serde(default)]
    pub handshake: Option<Handshake>,
    /// The vendor's deadline for an answer, when it is shorter than a workflow may run
    /// (Zoom: 3 s): the function answers first and runs the workflow afterwards.
    #[serde(default)]
    pub ack_within_seconds: Option<u32>,
    /// Fields of the delivery whose value is JSON written as text (Jotform's `rawRequest`,
    /// Wix's `data` and `data.data`): parsed in this order once the delivery is verified,
    /// before events are matched, so later steps read the answers as fields. A value that is
    /// not JSON text is left as it is.
    #[serde(default)]
    pub json_text: Vec<String>,
    /// What the vendor wants as the body of a 200 answer to a delivery, when it reads it
    /// (Twilio's incoming messages and calls: TwiML, `<Response/>` as `text/xml`); without it the
    /// handler answers JSON, which most vendors ignore.
    #[serde(default)]
    pub answer: Option<WebhookAnswer>,
    #[serde(default)]
    pub reference: Option<Reference>,
}

/// The fixed answer to a delivery a vendor reads ([`Webhook::answer`]).
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookAnswer {
    pub content_type: String,
    pub body: String,
}

/// How a webhook body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum WebhookBody {
    #[default]
    Json,
    /// `application/x-www-form-urlencoded` (Twilio, Mailchimp).
    Form,
}

/// How a webhook delivery is authenticated.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Verify {
    /// An HMAC of `signed` under the secret, sent in `header`.
    Hmac {
        /// The request header holding the signature...
        #[serde(default)]
        header: String,
        /// ... or the query parameter (PandaDoc appends `?signature=`).
        #[serde(default)]
        query: Option<String>,
        algorithm: HmacAlgorithm,
        encoding: SignatureEncoding,
        /// Text before the digest in the header (`sha256=`, `v0=`).
        #[serde(default)]
        prefix: String,
        /// What is signed: literal text with `{body}`, `{timestamp}`, `{url}` (the full
        /// request URL), `{form_sorted}` (form fields sorted by name, each name followed by its
        /// value), `{header:<name>}`, `{method}`.
        signed: String,
        /// The header value is a list of `key=value` pairs (`t=…,v1=…`).
        #[serde(default)]
        pairs: Option<SignaturePairs>,
        /// Where the signed timestamp comes from, when there is one.
        #[serde(default)]
        timestamp: Option<Timestamp>,
        /// How far the timestamp may be from now.
        #[serde(default)]
        tolerance_seconds: Option<u32>,
        /// The credential holding the key.
        secret: String,
        /// How the key is written in that credential.
        #[serde(default)]
        secret_encoding: SecretEncoding,
    },
    /// A shared secret sent as-is in a header (GitLab's `X-Gitlab-Token`), or in a top-level
    /// field of the JSON body (Figma's `passcode`), which is then dropped from the item so no
    /// step sends it on.
    Token {
        #[serde(default)]
        header: String,
        #[serde(default)]
        body_field: Option<String>,
        /// Text before the secret in the header (`Bearer `).
        #[serde(default)]
        prefix: String,
        secret: String,
    },
    /// A JSON Web Token the vendor signs, sent in `header` (after `prefix`): Netlify's
    /// `X-Webhook-Signature` (HS256 under the shared secret, `iss: netlify`, the body's SHA-256
    /// in the `sha256` claim); or that is the whole body (`token_in: body`), whose claims are
    /// then the delivery: Wix (RS256 under the app's key pair, checked with its public key).
    /// An `exp` claim, when present, must not have passed.
    Jwt {
        #[serde(default)]
        header: String,
        /// Where the token is: a header (default) or the whole body.
        #[serde(default)]
        token_in: TokenIn,
        #[serde(default)]
        prefix: String,
        algorithm: JwtAlgorithm,
        /// The credential holding the shared key (HS256) or the vendor's public key as PEM
        /// text (RS256).
        secret: String,
        /// The `iss` claim the token must carry.
        #[serde(default)]
        issuer: Option<String>,
        /// The claim holding a digest of the raw body, which ties the token to this delivery.
        #[serde(default)]
        body_digest: Option<BodyDigest>,
    },
    /// The vendor can neither sign nor send a header: the user registers the URL with a secret
    /// query parameter (`?token=…`), which the function checks.
    UrlSecret { query: String, secret: String },
    /// The vendor verifies its own deliveries through an API call (PayPal).
    VendorApi {
        /// The tool's action that verifies a delivery.
        action: String,
        /// What the answer says when the delivery is genuine.
        success: Success,
    },
}

/// How a webhook's JSON Web Token is signed (the token's `alg`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum JwtAlgorithm {
    /// HMAC-SHA256 under the shared secret.
    #[serde(rename = "HS256")]
    Hs256,
    /// RSASSA-PKCS1-v1_5 with SHA-256 under the vendor's private key, checked with its public
    /// key (RFC 7518 section 3.3).
    #[serde(rename = "RS256")]
    Rs256,
}

/// Where a webhook's JSON Web Token travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TokenIn {
    #[default]
    Header,
    /// The body is the token; its claims are the delivery (Wix).
    Body,
}

/// A claim of a webhook's token holding a digest of the raw body.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BodyDigest {
    /// The claim (`sha256`).
    pub claim: String,
    /// The hash of the body (a plain digest, not an HMAC).
    pub algorithm: HmacAlgorithm,
    pub encoding: SignatureEncoding,
}

/// The hash of an HMAC signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HmacAlgorithm {
    Sha1,
    Sha256,
    Sha512,
}

impl HmacAlgorithm {
    /// Its name in Python's `hashlib` (what the generated handler and the dry run's signer use).
    pub fn hashlib_name(self) -> &'static str {
        match self {
            Self::Sha1 => "sha1",
            Self::Sha256 => "sha256",
            Self::Sha512 => "sha512",
        }
    }
}

/// How a digest is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureEncoding {
    Hex,
    Base64,
}

/// How a signing key is written in its credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SecretEncoding {
    /// The UTF-8 bytes of the text.
    #[default]
    Utf8,
    /// Base64 text (after an optional prefix such as `whsec_`, which is dropped).
    Base64,
}

/// A signature header made of `key=value` pairs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignaturePairs {
    /// Between pairs (`,`).
    pub separator: String,
    /// Between a key and its value (`=`; Standard Webhooks' `v1,<signature>` uses `,`).
    #[serde(default = "equals_sign")]
    pub assign: String,
    /// The key of the signature (`v1`); several pairs with it may be present.
    pub signature: String,
    /// The key of the timestamp (`t`), if it is in this header.
    #[serde(default)]
    pub timestamp: Option<String>,
}

fn equals_sign() -> String {
    "=".to_owned()
}

/// Where a signed timestamp is and its unit.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timestamp {
    /// `header:<name>`, `pair:<key>` (from [`SignaturePairs`]) or `body:<dotted path>`.
    pub from: String,
    #[serde(default)]
    pub unit: TimeUnit,
}

/// Unit of a timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    #[default]
    Seconds,
    Milliseconds,
    /// ISO 8601 text (`2021-07-25T10:00:00Z`, Zendesk).
    Iso8601,
}

/// A request the vendor sends to prove the URL is ours before it delivers events.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Handshake {
    /// Slack's `url_verification`: answer the body's `challenge`.
    SlackChallenge,
    /// Zoom's `endpoint.url_validation`: answer `plainToken` and its HMAC-SHA256 (hex) under
    /// the secret as `encryptedToken`.
    ZoomUrlValidation { secret: String },
    /// Echo a request header back (Asana's `X-Hook-Secret`); the echoed value becomes the
    /// signing secret of later deliveries, so the function keeps it.
    EchoHeader { header: String },
    /// Echo a query parameter back as the body (Dropbox `challenge`, Meta `hub.challenge`,
    /// Microsoft Graph `validationToken`), after checking `verify_param` against
    /// `verify_secret` when given.
    EchoQuery {
        param: String,
        #[serde(default)]
        verify_param: Option<String>,
        #[serde(default)]
        verify_secret: Option<String>,
        /// The answer's content type (`text/plain`).
        #[serde(default)]
        content_type: Option<String>,
    },
    /// A CRC check (X): answer `{"response_token": "sha256=" + base64(HMAC-SHA256(secret, param))}`.
    Crc { param: String, secret: String },
    /// The vendor checks the URL with a plain `GET` that must answer 200 (Mailchimp).
    GetOk,
    /// The vendor posts an unsigned test request when the webhook is saved and refuses to
    /// save it unless the URL answers 200 (WooCommerce's `webhook_id=<id>` ping): a request
    /// without the signature header whose whole body matches `body_pattern` (a Python regular
    /// expression, matched in full) is answered 200 and runs nothing; any other unsigned
    /// request is still refused.
    UnsignedPing { body_pattern: String },
}

/// How the function turns long-lived credentials into a short-lived access token.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenExchange {
    pub grant: Grant,
    /// The token endpoint.
    pub token_url: String,
    /// The credential the exchange produces (used by `api.auth`), which is then no longer a
    /// credential the user fills in.
    pub provides: String,
    /// Credentials (`{NAME}`) or literals sent with the request, by field name
    /// (`client_id`, `client_secret`, `refresh_token`, `account_id`, `scope`).
    pub params: BTreeMap<String, String>,
    /// How the client authenticates: HTTP Basic with `client_id:client_secret`, or both in the body.
    #[serde(default)]
    pub client_auth: ClientAuth,
    /// How the token request's body is encoded: a form (OAuth's default) or JSON (Gusto).
    #[serde(default)]
    pub body: TokenBody,
    /// The vendor answers each refresh with a new refresh token and revokes the one used
    /// (Gusto, TikTok, X): the function keeps the newest in AWS Secrets Manager, so that the
    /// next cold start does not spend a revoked one.
    #[serde(default)]
    pub rotates_refresh_token: bool,
    /// Where the answer holds the access token (`access_token` unless said: Bluesky's
    /// `accessJwt`).
    #[serde(default)]
    pub token_field: Option<String>,
    /// Grant `session`: how the session is renewed without logging in again.
    #[serde(default)]
    pub refresh: Option<SessionRefresh>,
    #[serde(default)]
    pub reference: Option<Reference>,
}

/// How a token request's body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TokenBody {
    /// `application/x-www-form-urlencoded` (RFC 6749).
    #[default]
    Form,
    /// `application/json`.
    Json,
}

/// OAuth 2.0 grant types the generated code performs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grant {
    ClientCredentials,
    RefreshToken,
    /// Zoom Server-to-Server OAuth (`grant_type=account_credentials`).
    AccountCredentials,
    /// A vendor login that is not OAuth (Bluesky's `com.atproto.server.createSession`): the
    /// `params` are posted as JSON, the answer's `token_field` is the access token, which lives
    /// until its JWT `exp` claim; with `refresh`, a later token is asked for with the refresh
    /// token the last answer gave, and the login is repeated only when that fails.
    Session,
}

/// How a session is renewed (the token exchange's `refresh`, grant `session`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionRefresh {
    /// Posted with `Authorization: Bearer <refresh token>` and no body.
    pub url: String,
    /// Where each answer holds the refresh token (`refreshJwt`).
    pub token_field: String,
}

/// How an OAuth client authenticates to the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuth {
    #[default]
    Basic,
    Body,
}

/// A request and its answer from the vendor's reference.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionExample {
    pub request: ExampleRequest,
    pub response: ExampleResponse,
}

/// A request as the vendor documents it (HTTP, or a boto3 call for AWS tools).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleRequest {
    #[serde(default)]
    pub method: Option<String>,
    /// The full URL, query string included.
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// JSON (or, for form and multipart requests, the fields as an object).
    #[serde(default)]
    pub body: Option<serde_json::Value>,
    /// boto3: the client method and its keyword arguments.
    #[serde(default)]
    pub call: Option<String>,
    #[serde(default)]
    pub kwargs: Option<serde_json::Value>,
}

/// An answer as the vendor documents it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleResponse {
    #[serde(default = "ok_status")]
    pub status: u16,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub body: serde_json::Value,
}

fn ok_status() -> u16 {
    200
}

/// A delivery as the vendor documents it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventExample {
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// JSON, or for form-encoded deliveries the fields as an object.
    pub body: serde_json::Value,
}

/// How an event reaches the function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventDelivery {
    /// The tool calls our function URL (webhook).
    Http,
    /// We ask the tool for new items on a schedule (the event's `poll` action).
    Poll,
    /// S3 notifications.
    S3,
    /// SQS batches.
    Sqs,
    /// Kinesis batches.
    Kinesis,
    /// A DynamoDB stream's batches of item changes (`Records[].dynamodb`, typed attribute maps).
    DynamodbStream,
    /// A Kafka event source (Amazon MSK or a self-managed cluster): batches by
    /// topic-partition, values base64.
    Kafka,
}

/// Something that happens in a tool and can start a workflow.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub words: Vec<String>,
    pub delivery: EventDelivery,
    /// For `poll`: the action id listing new items.
    #[serde(default)]
    pub poll: Option<String>,
    /// For `http`: where the item is in the JSON body (`data.object`).
    #[serde(default)]
    pub item_path: Option<String>,
    /// For `http`: the signature scheme (`stripe`, `github`, `slack`, `shopify`, `token:<Header>`).
    #[serde(default)]
    pub signature: Option<String>,
    /// For `http`: the credential holding the signing secret.
    #[serde(default)]
    pub secret: Option<String>,
    /// For `http`: what identifies this event among everything the vendor sends to the URL.
    /// With `batch`, body paths are relative to each unit of the delivery.
    #[serde(default, rename = "match")]
    pub matches: Vec<Match>,
    /// For `http`: the vendor batches several notifications in one delivery (PandaDoc's list,
    /// Meta's `entry[].changes[]`, Asana's `events[]`): each unit is matched on its own and
    /// every matching one is handed on; `item_path` is relative to the unit.
    #[serde(default)]
    pub batch: Option<Batch>,
    /// For `poll`: how the function remembers what it has already seen.
    #[serde(default)]
    pub cursor: Option<Cursor>,
    /// For `http`: the delivery carries only ids (Facebook's `leadgen_id`, Square's
    /// `order_id`): the call that fetches the record, on the item (`{field:order_id}`).
    #[serde(default)]
    pub detail: Option<Detail>,
    /// The fields of one item (after `item_path`), as the vendor documents them.
    #[serde(default)]
    pub fields: Vec<Field>,
    /// The item carries fields its sender or the user names (a form's questions, a generic
    /// webhook's payload): what they are. Conditions then compare the field the prompt names.
    #[serde(default)]
    pub own_fields: Option<String>,
    /// The event is the trigger only when the trigger clause uses one of its words ("a time
    /// entry is logged"); otherwise the tool is checked on a schedule like a tool without events
    /// ("log the hours in Harvest" names no entry of Harvest's as the trigger).
    #[serde(default)]
    pub only_when_named: bool,
    /// Where the event was checked.
    #[serde(default)]
    pub reference: Option<Reference>,
    /// A delivery as the vendor's reference shows it (headers and body).
    #[serde(default)]
    pub example: Option<EventExample>,
    /// `sqs`: the queue is the function's own, subscribed to an Amazon SNS topic (the
    /// `TopicArn` parameter): the SAM template creates the queue, a queue policy letting only
    /// that topic send to it, and the subscription, so the notifications reach the function.
    #[serde(default)]
    pub sns_topic: bool,
}

/// A need expressed without naming a tool ("notify my team"), and the tool picked for it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Need {
    pub id: String,
    /// Phrases (word sequences) that express the need.
    pub phrases: Vec<String>,
    /// Satisfied when any tool of these categories is already used.
    pub categories: Vec<String>,
    pub default: String,
    pub alternatives: Vec<String>,
    /// Preferred action of the default tool.
    pub action: String,
    /// Only when the need's phrase is not the trigger (e.g. "email" verbs vs. "an email arrives").
    #[serde(default)]
    pub not_in_trigger: bool,
    /// Only names the source of an event ("when a payment comes in"), never a step.
    #[serde(default)]
    pub trigger_only: bool,
    /// Not when the phrase follows the name of the tool an app event comes from, inside the
    /// trigger clause: it describes the event ("when the Eventbrite event sells its last ticket").
    #[serde(default)]
    pub not_in_event: bool,
}

impl Catalog {
    /// The built-in catalog.
    pub fn builtin() -> Result<Self, WorkflowError> {
        let mut tools = Vec::with_capacity(TOOL_FILES.len());
        for (id, json) in TOOL_FILES {
            let tool: Tool = serde_json::from_str(json).map_err(|e| {
                WorkflowError::Internal(format!("tool catalog: tools/{id}.json: {e}"))
            })?;
            if tool.id != *id {
                return Err(WorkflowError::Internal(format!(
                    "tool catalog: tools/{id}.json holds the tool {}",
                    tool.id
                )));
            }
            tools.push(tool);
        }
        let needs: Vec<Need> = serde_json::from_str(NEEDS_JSON)
            .map_err(|e| WorkflowError::Internal(format!("tool catalog: needs.json: {e}")))?;
        Self::new(tools, needs)
    }

    /// Checks a catalog and builds its lookup indexes.
    pub fn new(tools: Vec<Tool>, needs: Vec<Need>) -> Result<Self, WorkflowError> {
        let file = CatalogParts { tools, needs };
        let mut by_id = HashMap::new();
        for (i, t) in file.tools.iter().enumerate() {
            if by_id.insert(t.id.clone(), i).is_some() {
                return Err(WorkflowError::Internal(format!(
                    "tool catalog: duplicate tool id {}",
                    t.id
                )));
            }
        }
        let mut aliases = Vec::new();
        let mut seen: HashMap<Vec<String>, usize> = HashMap::new();
        for (i, t) in file.tools.iter().enumerate() {
            for alias in std::iter::once(&t.name).chain(t.aliases.iter()) {
                let w = words(alias);
                if w.is_empty() {
                    continue;
                }
                match seen.get(&w) {
                    Some(&j) if j != i => {
                        return Err(WorkflowError::Internal(format!(
                            "tool catalog: alias {alias:?} names both {} and {}",
                            file.tools[j].id, t.id
                        )));
                    }
                    Some(_) => {}
                    None => {
                        seen.insert(w.clone(), i);
                        aliases.push((w, i));
                    }
                }
            }
        }
        aliases.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        let mut first_word: HashMap<String, Vec<usize>> = HashMap::new();
        for (k, (w, _)) in aliases.iter().enumerate() {
            if let Some(f) = w.first() {
                first_word.entry(f.clone()).or_default().push(k);
            }
        }
        let catalog = Self {
            tools: file.tools,
            needs: file.needs,
            by_id,
            aliases,
            first_word,
        };
        catalog.check()?;
        Ok(catalog)
    }

    fn check(&self) -> Result<(), WorkflowError> {
        let bad = |m: String| Err(WorkflowError::Internal(format!("tool catalog: {m}")));
        for t in &self.tools {
            let creds: BTreeSet<&str> = t.credentials.iter().map(|c| c.env.as_str()).collect();
            for c in refs::refs_in_tool(t)
                .map_err(|e| WorkflowError::Internal(format!("tool catalog: {}: {e}", t.id)))?
            {
                if c.chars()
                    .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '_')
                    && !creds.contains(c.as_str())
                {
                    return bad(format!("{} references unknown credential {c}", t.id));
                }
            }
            chosen::check_base_urls(t)
                .map_err(|e| WorkflowError::Internal(format!("tool catalog: {}: {e}", t.id)))?;
            if let Api::Http {
                base_url_by_key, ..
            } = &t.api
            {
                for k in base_url_by_key {
                    // the key must be one the tool's auth sends, and the other host a plain https URL
                    if !creds.contains(k.credential.as_str())
                        || k.suffix.is_empty()
                        || !k.base_url.starts_with("https://")
                        || k.base_url.contains('{')
                    {
                        return bad(format!(
                            "{}: base URL by key {} must name a credential, a suffix and an https URL",
                            t.id, k.credential
                        ));
                    }
                }
            }
            for a in &t.actions {
                chosen::check_by_file_type(a)
                    .and_then(|()| chosen::check_exclusive_end(a))
                    .and_then(|()| chosen::check_multipart_keys(a))
                    .and_then(|()| chosen::check_address(a))
                    .map_err(|e| {
                        WorkflowError::Internal(format!("tool catalog: {}.{}: {e}", t.id, a.id))
                    })?;
                // a window bound names its form (`{since:iso}`, `unix`, ...): a bare `{since}`
                // is the trigger's kept cursor as it is, which another trigger writes otherwise
                // (a Gmail poll's epoch milliseconds sent as an ISO filter)
                if let Some(r) = refs::action_refs(a)
                    .into_iter()
                    .find(|r| matches!(r.as_str(), "since" | "now" | "until"))
                {
                    return bad(format!(
                        "{}.{}: {{{r}}} must name the form its vendor documents ({{{r}:iso}}, unix, unix_ms, date or sql)",
                        t.id, a.id
                    ));
                }
                // a JSON-text field is an object of the body
                if let Some(f) = a.json_text.iter().find(|f| {
                    a.body
                        .as_ref()
                        .and_then(|b| b.get(f.as_str()))
                        .is_none_or(|v| !v.is_object())
                }) {
                    return bad(format!(
                        "{}.{}: the JSON-text field {f} must be an object of the body",
                        t.id, a.id
                    ));
                }
                // a file's fallback (`{file_or:image_url}`) is a URL parameter of the action
                if let Some(p) = refs::file_fallback_param(a).filter(|p| {
                    !a.params.contains_key(p)
                        || a.param_kinds.get(p).is_none_or(|k| *k != ParamKind::Url)
                }) {
                    return bad(format!(
                        "{}.{}: the file's fallback {p} must be a parameter of kind url",
                        t.id, a.id
                    ));
                }
                // a target language is a parameter whose default is a code of its vendor's set
                if let Some(tl) = &a.target_language {
                    let langs = languages::Languages::builtin()
                        .map_err(|e| WorkflowError::Internal(format!("tool catalog: {e}")))?;
                    // each code set cites the vendor's page and when it was read
                    if let Some((id, _)) = langs.code_sets.iter().find(|(_, c)| {
                        !c.url.starts_with("https://")
                            || c.checked.len() != 10
                            || c.note.as_ref().is_some_and(String::is_empty)
                    }) {
                        return bad(format!(
                            "languages.json: code set {id} must cite an https page, its date and what was read"
                        ));
                    }
                    let default = a.params.get(&tl.param);
                    if !langs.code_sets.contains_key(&tl.codes)
                        || default.is_none_or(|d| langs.by_code(&tl.codes, d).is_none())
                    {
                        return bad(format!(
                            "{}.{}: target language {} must be a parameter whose default is a code of the set {}",
                            t.id, a.id, tl.param, tl.codes
                        ));
                    }
                }
                // an amount's unit is declared where the request has a value to convert
                for m in &a.money {
                    let at = a.body.as_ref().and_then(|b| {
                        m.path.split('.').try_fold(b, |v, k| match v {
                            serde_json::Value::Array(items) => items.get(k.parse::<usize>().ok()?),
                            _ => v.get(k),
                        })
                    });
                    if !at.is_some_and(serde_json::Value::is_string) {
                        return bad(format!(
                            "{}.{}: money path {} is not in the body",
                            t.id, a.id, m.path
                        ));
                    }
                }
                // an amount's currency is a field of the same record
                let event_fields = t.events.iter().map(|e| e.fields.as_slice());
                for fields in std::iter::once(a.fields.as_slice()).chain(event_fields) {
                    for f in fields {
                        if let Some(m) = &f.money
                            && !fields.iter().any(|c| c.path == m.currency)
                        {
                            return bad(format!(
                                "{}: amount {} has no currency field {}",
                                t.id, f.path, m.currency
                            ));
                        }
                    }
                }
                // generated code writes these as they are: `client.<call>(<kwarg>=...)`
                let mut names = a.kwargs.keys().map(String::as_str).chain(a.call.as_deref());
                if let Some(n) = names.find(|n| !crate::escape::is_identifier(n)) {
                    return bad(format!(
                        "{}.{}: {n:?} is not a Python identifier",
                        t.id, a.id
                    ));
                }
            }
            // a handshake answers in its own format, which a fixed answer would replace
            if t.webhook
                .as_ref()
                .is_some_and(|w| w.answer.is_some() && w.handshake.is_some())
            {
                return bad(format!("{}: a webhook answer and a handshake", t.id));
            }
            for a in &t.actions {
                // a long call still answers inside the function's 60 s
                if a.timeout_seconds.is_some_and(|s| s == 0 || s > 55) {
                    return bad(format!(
                        "{}.{}: timeout_seconds is 1 to 55 (the function runs 60 s)",
                        t.id, a.id
                    ));
                }
                // a call on another host names that host whole: https, no value in it, so a
                // record or a setting can never send the tool's credentials elsewhere
                if let Some(path) = a.path.as_deref()
                    && path.to_ascii_lowercase().starts_with("http")
                    && !absolute_https_host(path)
                {
                    return bad(format!(
                        "{}.{}: a whole URL as a path is https and its host has no {{reference}}",
                        t.id, a.id
                    ));
                }
                // fields from the answer around the records: a read's, beside its records
                if !a.answer_fields.is_empty() && (a.role != Role::Read || a.records.is_none()) {
                    return bad(format!(
                        "{}.{}: answer_fields are for a read action's records",
                        t.id, a.id
                    ));
                }
                // an action that cannot work says so to the user: never a verified entry
                if a.unusable.is_some() && a.reference.as_ref().is_none_or(|r| r.verified) {
                    return bad(format!(
                        "{}.{} is unusable, so its reference is unverified",
                        t.id, a.id
                    ));
                }
            }
            // conditions and data references resolve against these (docs/workflows.md)
            for a in t.actions.iter().filter(|a| a.role == Role::Read) {
                if a.fields.is_empty() && a.own_fields.is_none() {
                    return bad(format!(
                        "{}.{} reads records but documents no fields (give `fields`, or `own_fields` when the user names them)",
                        t.id, a.id
                    ));
                }
            }
            for e in &t.events {
                if e.fields.is_empty() && e.own_fields.is_none() {
                    return bad(format!(
                        "{} event {} documents no fields (give `fields`, or `own_fields` when the sender names them)",
                        t.id, e.id
                    ));
                }
                if let Some(p) = &e.poll
                    && t.action(p).is_none()
                {
                    return bad(format!("{} event {} polls unknown action {p}", t.id, e.id));
                }
                if let Some(s) = &e.secret
                    && !creds.contains(s.as_str())
                {
                    return bad(format!("{} event {} uses unknown secret {s}", t.id, e.id));
                }
            }
            if let Some(w) = &t.webhook {
                for secret in w.secrets() {
                    if !creds.contains(secret) {
                        return bad(format!("{} webhook uses unknown secret {secret}", t.id));
                    }
                }
                if let Verify::Hmac { header, query, .. } = &w.verify
                    && header.is_empty() == query.is_none()
                {
                    return bad(format!(
                        "{} webhook signature needs a header or a query parameter",
                        t.id
                    ));
                }
                if let Verify::Token {
                    header, body_field, ..
                } = &w.verify
                    && header.is_empty() == body_field.is_none()
                {
                    return bad(format!(
                        "{} webhook token needs a header or a body field",
                        t.id
                    ));
                }
                if let Verify::Jwt {
                    header,
                    token_in,
                    body_digest,
                    ..
                } = &w.verify
                    && match token_in {
                        TokenIn::Header => header.is_empty(),
                        // the body is the token: no header, and no digest of it inside itself
                        TokenIn::Body => !header.is_empty() || body_digest.is_some(),
                    }
                {
                    return bad(format!(
                        "{} webhook token is in a header (named) or is the body (no header, no body digest)",
                        t.id
                    ));
                }
                if let Verify::VendorApi { action, .. } = &w.verify
                    && t.action(action).is_none()
                {
                    return bad(format!(
                        "{} webhook verifies with unknown action {action}",
                        t.id
                    ));
                }
            }
            if let Some(x) = &t.token_exchange {
                if !creds.contains(x.provides.as_str()) {
                    return bad(format!(
                        "{} token exchange provides unknown {}",
                        t.id, x.provides
                    ));
                }
                if x.rotates_refresh_token
                    && (x.grant != Grant::RefreshToken || !x.params.contains_key("refresh_token"))
                {
                    return bad(format!(
                        "{} token exchange rotates a refresh token it does not spend",
                        t.id
                    ));
                }
                for v in x.params.values() {
                    if let Some(c) = v.strip_prefix('{').and_then(|v| v.strip_suffix('}'))
                        && !creds.contains(c)
                    {
                        return bad(format!(
                            "{} token exchange uses unknown credential {c}",
                            t.id
                        ));
                    }
                }
            }
            answers::check_tool(t, &creds)
                .map_err(|m| WorkflowError::Internal(format!("tool catalog: {m}")))?;
            for a in &t.actions {
                if let Some(w) = &a.wait
                    && let Some(missing) = std::iter::once(&w.status)
                        .chain(w.result.as_ref())
                        .find(|id| t.action(id).is_none_or(|x| x.wait.is_some()))
                {
                    return bad(format!(
                        "{} action {} waits with {missing}, which is no action of its own or waits itself",
                        t.id, a.id
                    ));
                }
                if a.wait
                    .as_ref()
                    .is_some_and(|w| w.result.is_some() && w.result_url.is_some())
                {
                    return bad(format!(
                        "{} action {} fetches its job's result by an action or a URL, not both",
                        t.id, a.id
                    ));
                }
                if let Some(k) = a.param_kinds.keys().find(|k| !a.params.contains_key(*k)) {
                    return bad(format!(
                        "{} action {} gives a kind to unknown param {k}",
                        t.id, a.id
                    ));
                }
            }
            for e in &t.events {
                if e.cursor
                    .as_ref()
                    .is_some_and(|c| c.each_edit && c.dedupe.is_none())
                {
                    return bad(format!(
                        "{} event {}: a cursor of edits names the id it dedupes by",
                        t.id, e.id
                    ));
                }
                if e.sns_topic && e.delivery != EventDelivery::Sqs {
                    return bad(format!(
                        "{} event {}: a topic subscription is read from a queue (sqs)",
                        t.id, e.id
                    ));
                }
                if e.cursor.is_some() && e.delivery != EventDelivery::Poll {
                    return bad(format!(
                        "{} event {} has a cursor but is not polled",
                        t.id, e.id
                    ));
                }
                if let Some(b) = &e.batch
                    && (e.delivery != EventDelivery::Http
                        || b.units.is_empty()
                        || !b.units.split('.').any(|k| k == "*"))
                {
                    return bad(format!(
                        "{} event {}: a batch is an http delivery with units at a path holding `*`",
                        t.id, e.id
                    ));
                }
                let all_matches = || {
                    e.matches
                        .iter()
                        .chain(e.batch.iter().flat_map(|b| &b.matches))
                };
                if all_matches().any(|m| m.header.is_some() == m.path.is_some()) {
                    return bad(format!(
                        "{} event {}: a match needs a header or a path",
                        t.id, e.id
                    ));
                }
                if all_matches().any(|m| {
                    let ways = usize::from(!m.equals.is_null())
                        + usize::from(!m.one_of.is_empty())
                        + usize::from(m.present)
                        + usize::from(m.absent)
                        + usize::from(!m.excludes.is_empty());
                    ways != 1
                        || ((m.present || m.absent || !m.excludes.is_empty()) && m.path.is_none())
                        || m.excludes.iter().any(String::is_empty)
                }) {
                    return bad(format!(
                        "{} event {}: a match has one of equals, one_of, present, absent or excludes (a body path; no empty text)",
                        t.id, e.id
                    ));
                }
            }
            if t.actions.is_empty() && t.events.is_empty() {
                return bad(format!("{} has neither actions nor events", t.id));
            }
        }
        for n in &self.needs {
            let Some(t) = self.tool(&n.default) else {
                return bad(format!(
                    "need {} defaults to unknown tool {}",
                    n.id, n.default
                ));
            };
            if t.action(&n.action).is_none() {
                return bad(format!("need {} uses unknown action {}", n.id, n.action));
            }
            for a in &n.alternatives {
                if self.tool(a).is_none() {
                    return bad(format!("need {} names unknown alternative {a}", n.id));
                }
            }
        }
        Ok(())
    }

    /// The tool with this id.
    pub fn tool(&self, id: &str) -> Option<&Tool> {
        self.by_id.get(id).map(|&i| &self.tools[i])
    }

    pub(crate) fn tool_at(&self, index: usize) -> &Tool {
        &self.tools[index]
    }

    /// All tools, in catalog order.
    pub fn tools(&self) -> &[Tool] {
        &self.tools
    }
}

/// How an HTTP trigger is verified: the tool's own `webhook`, or, for a vendor the catalog
/// cannot verify (or no vendor), a scheme whose secret belongs to the built-in `webhook` tool.
#[derive(Debug, Clone)]
pub struct WebhookUse<'c> {
    /// The scheme the generated handler applies.
    pub webhook: Webhook,
    /// The tool whose credentials the scheme uses.
    pub owner: &'c Tool,
    /// The credentials the handler needs before it accepts any request.
    pub credentials: Vec<String>,
    /// Set when the vendor's own scheme cannot be applied: why, for the plan's assumptions.
    pub fallback: Option<String>,
}

/// The tool holding Cue's own webhook scheme and its secret.
pub const GENERIC_WEBHOOK: &str = "webhook";

impl Catalog {
    /// How a request to the function URL of a workflow triggered by `tool` (none: a plain
    /// webhook) is verified, and which credentials that takes. Both planners and the code
    /// generator ask here, so the credentials a plan lists are the ones the handler checks.
    pub fn webhook_for<'c>(&'c self, tool: Option<&'c Tool>) -> Option<WebhookUse<'c>> {
        let generic = self.tool(GENERIC_WEBHOOK)?;
        let (webhook, owner, fallback) = match tool {
            Some(t) if t.webhook.is_some() => (t.webhook.clone()?, t, None),
            Some(t) if t.id != GENERIC_WEBHOOK => {
                // The vendor signs in a way the catalog cannot express (none does today): the
                // URL carries a secret the user registers, so forged calls are still refused.
                let secret = generic.credentials.first()?.env.clone();
                let webhook = Webhook {
                    verify: Verify::UrlSecret {
                        query: "token".to_owned(),
                        secret,
                    },
                    body: WebhookBody::Json,
                    handshake: None,
                    ack_within_seconds: None,
                    json_text: Vec::new(),
                    answer: None,
                    reference: None,
                };
                let why = format!(
                    "{} signs its webhooks in a way the generated code cannot check; register the \
                     function URL with ?token=<WEBHOOK_SECRET> so that other callers are refused",
                    t.name
                );
                (webhook, generic, Some(why))
            }
            _ => (generic.webhook.clone()?, generic, None),
        };
        let mut credentials: Vec<String> =
            webhook.secrets().into_iter().map(str::to_owned).collect();
        if let Verify::VendorApi { action, .. } = &webhook.verify
            && let Some(a) = owner.action(action)
        {
            credentials.extend(crate::refs::credentials_for(owner, a));
        }
        if owner.events.iter().any(|e| e.detail.is_some()) {
            // an id-only delivery is completed with a call to the vendor's API
            credentials.extend(crate::refs::api_credentials(owner));
        }
        let mut seen = BTreeSet::new();
        credentials.retain(|c| seen.insert(c.clone()));
        Some(WebhookUse {
            webhook,
            owner,
            credentials,
            fallback,
        })
    }
}

impl Webhook {
    /// Every credential the verification and the handshake use.
    pub fn secrets(&self) -> Vec<&str> {
        let mut out = Vec::new();
        match &self.verify {
            Verify::Hmac { secret, .. }
            | Verify::Token { secret, .. }
            | Verify::Jwt { secret, .. }
            | Verify::UrlSecret { secret, .. } => out.push(secret.as_str()),
            Verify::VendorApi { .. } => {}
        }
        match &self.handshake {
            Some(Handshake::ZoomUrlValidation { secret } | Handshake::Crc { secret, .. }) => {
                out.push(secret.as_str());
            }
            Some(Handshake::EchoQuery {
                verify_secret: Some(secret),
                ..
            }) => out.push(secret.as_str()),
            _ => {}
        }
        out
    }
}

impl Tool {
    pub fn action(&self, id: &str) -> Option<&Action> {
        self.actions.iter().find(|a| a.id == id)
    }

    pub fn credential(&self, env: &str) -> Option<&CredentialSpec> {
        self.credentials.iter().find(|c| c.env == env)
    }

    /// The boto3 service name, for AWS tools.
    pub fn boto3_service(&self) -> Option<&str> {
        match &self.api {
            Api::Boto3 { service } => Some(service),
            _ => None,
        }
    }
}
