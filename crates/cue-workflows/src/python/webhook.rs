//! The webhook handler of an HTTP trigger, from the catalog's `webhook` data: how a delivery
//! proves it comes from its vendor (`verify`), how its body is encoded, the handshake the
//! vendor sends before it delivers, and whether the function must answer before the workflow
//! runs. A vendor is a value here; `python/signature.py.j2` and `python/handler/http.py.j2`
//! say how each part is written.

use serde::Serialize;

use super::expr::{self, Code};
use crate::WorkflowError;
use crate::catalog::{
    Handshake, JwtAlgorithm, SecretEncoding, SignatureEncoding, TimeUnit, TokenIn, Verify,
    WebhookBody, WebhookUse,
};
use crate::escape::py_str;
use crate::refs::next_ref;

/// What the handler templates render for an HTTP trigger.
#[derive(Debug, Serialize)]
pub(crate) struct Webhook {
    verify: Check,
    /// `json` or `form`.
    body: &'static str,
    handshake: Option<Answer>,
    /// The workflow runs after the answer (asynchronously), for vendors with short deadlines.
    ack_first: bool,
    /// Credentials the handler needs before it accepts anything.
    secrets: Vec<String>,
    /// A request to the function's own URL may be an upload form (`multipart/form-data`)
    /// whose files a step sends: each file becomes an item, with the form's text fields.
    uploads: bool,
    /// The list of the delivery's fields holding JSON text, parsed once it is verified.
    json_text: Option<Code>,
    /// The body of every 200 answer to a delivery, when the vendor reads it (Twilio's TwiML).
    answer: Option<crate::catalog::WebhookAnswer>,
}

/// How a delivery is checked.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Check {
    Hmac {
        /// Lower case, as the handler normalises header names (empty: `query`).
        header: String,
        /// The query parameter holding the signature instead of a header.
        query: Option<String>,
        algorithm: &'static str,
        base64: bool,
        prefix: String,
        /// The expression of what is signed.
        signed: Code,
        /// What is signed holds the request URL, which is checked with and without its final `/`.
        signs_url: bool,
        /// For `key=value` lists: the separator and the key of the signature.
        pairs: Option<Pairs>,
        timestamp: Option<Time>,
        secret: String,
        /// The key is base64 text (after an optional `whsec_`-style prefix).
        secret_base64: bool,
    },
    Token {
        header: String,
        /// The top-level body field holding the secret instead of a header.
        body_field: Option<String>,
        prefix: String,
        secret: String,
    },
    /// A JSON Web Token in a header, tied to the body by a digest claim (HS256 under a shared
    /// secret), or that is the body itself, its claims then the delivery (RS256 under the
    /// vendor's key pair, checked with its public key).
    Jwt {
        header: String,
        /// The body is the token.
        in_body: bool,
        /// RS256 with the public key in `secret`; else HS256 with the shared secret.
        rs256: bool,
        prefix: String,
        secret: String,
        issuer: Option<String>,
        digest_claim: Option<String>,
        /// `hashlib`'s name of the body digest.
        digest_algorithm: &'static str,
        digest_base64: bool,
    },
    UrlSecret {
        query: String,
        secret: String,
    },
    /// The vendor's API says whether a delivery is genuine.
    VendorApi {
        /// The call, on `item` (the delivery's headers and its body as `body`).
        call: Code,
        path: String,
        equals: Code,
    },
}

#[derive(Debug, Serialize)]
struct Pairs {
    separator: String,
    assign: String,
    signature: String,
}

/// Where the signed time is and how far from now it may be.
#[derive(Debug, Serialize)]
struct Time {
    /// The expression reading it (text).
    value: Code,
    milliseconds: bool,
    /// ISO 8601 text rather than a number.
    iso8601: bool,
    tolerance_seconds: u32,
}

/// A handshake and how it is answered.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Answer {
    SlackChallenge,
    ZoomUrlValidation {
        secret: String,
    },
    EchoHeader {
        /// Lower case, to find it in the request.
        header: String,
        /// As the vendor writes it, for the answer.
        answer_header: String,
        /// The credential the echoed value becomes.
        secret: String,
    },
    EchoQuery {
        param: String,
        verify_param: Option<String>,
        verify_secret: Option<String>,
        content_type: String,
    },
    Crc {
        param: String,
        secret: String,
    },
    GetOk,
    UnsignedPing {
        body_pattern: String,
        /// The signature header (lower case) whose absence marks the ping; none for schemes
        /// without one.
        header: Option<String>,
    },
}

impl Webhook {
    /// The handler's view of `used`; `vendor_call` builds the call of a `vendor_api` action.
    pub(crate) fn new(
        used: &WebhookUse<'_>,
        vendor_call: impl FnOnce(&str) -> Result<Code, WorkflowError>,
    ) -> Result<Self, WorkflowError> {
        let w = &used.webhook;
        let verify = match &w.verify {
            Verify::Hmac {
                header,
                query,
                algorithm,
                encoding,
                prefix,
                signed,
                pairs,
                timestamp,
                tolerance_seconds,
                secret,
                secret_encoding,
            } => {
                let time = match timestamp {
                    Some(t) => Some(Time {
                        value: timestamp_source(&t.from)?,
                        milliseconds: t.unit == TimeUnit::Milliseconds,
                        iso8601: t.unit == TimeUnit::Iso8601,
                        tolerance_seconds: tolerance_seconds.unwrap_or(300),
                    }),
                    None => None,
                };
                Check::Hmac {
                    header: header.to_ascii_lowercase(),
                    query: query.clone(),
                    algorithm: algorithm.hashlib_name(),
                    base64: *encoding == SignatureEncoding::Base64,
                    prefix: prefix.clone(),
                    signed: signed_content(signed, time.is_some())?,
                    signs_url: signed.contains("{url}"),
                    pairs: pairs.as_ref().map(|p| Pairs {
                        separator: p.separator.clone(),
                        assign: p.assign.clone(),
                        signature: p.signature.clone(),
                    }),
                    timestamp: time,
                    secret: secret.clone(),
                    secret_base64: *secret_encoding == SecretEncoding::Base64,
                }
            }
            Verify::Token {
                header,
                body_field,
                prefix,
                secret,
            } => Check::Token {
                header: header.to_ascii_lowercase(),
                body_field: body_field.clone(),
                prefix: prefix.clone(),
                secret: secret.clone(),
            },
            Verify::Jwt {
                header,
                token_in,
                prefix,
                algorithm,
                secret,
                issuer,
                body_digest,
            } => Check::Jwt {
                header: header.to_ascii_lowercase(),
                in_body: *token_in == TokenIn::Body,
                rs256: *algorithm == JwtAlgorithm::Rs256,
                prefix: prefix.clone(),
                secret: secret.clone(),
                issuer: issuer.clone(),
                digest_claim: body_digest.as_ref().map(|d| d.claim.clone()),
                digest_algorithm: body_digest
                    .as_ref()
                    .map_or("sha256", |d| d.algorithm.hashlib_name()),
                digest_base64: body_digest
                    .as_ref()
                    .is_some_and(|d| d.encoding == SignatureEncoding::Base64),
            },
            Verify::UrlSecret { query, secret } => Check::UrlSecret {
                query: query.clone(),
                secret: secret.clone(),
            },
            Verify::VendorApi { action, success } => Check::VendorApi {
                call: vendor_call(action)?,
                path: success.path.clone(),
                equals: expr::json_literal(&success.equals),
            },
        };
        let verify_secret = match &w.verify {
            Verify::Hmac { secret, .. }
            | Verify::Token { secret, .. }
            | Verify::Jwt { secret, .. }
            | Verify::UrlSecret { secret, .. } => Some(secret.clone()),
            Verify::VendorApi { .. } => None,
        };
        let handshake = match &w.handshake {
            None => None,
            Some(Handshake::SlackChallenge) => Some(Answer::SlackChallenge),
            Some(Handshake::ZoomUrlValidation { secret }) => Some(Answer::ZoomUrlValidation {
                secret: secret.clone(),
            }),
            Some(Handshake::EchoHeader { header }) => Some(Answer::EchoHeader {
                header: header.to_ascii_lowercase(),
                answer_header: header.clone(),
                secret: verify_secret.ok_or_else(|| {
                    WorkflowError::Internal(
                        "an echoed handshake needs a signature secret to keep".to_owned(),
                    )
                })?,
            }),
            Some(Handshake::EchoQuery {
                param,
                verify_param,
                verify_secret,
                content_type,
            }) => Some(Answer::EchoQuery {
                param: param.clone(),
                verify_param: verify_param.clone(),
                verify_secret: verify_secret.clone(),
                content_type: content_type
                    .clone()
                    .unwrap_or_else(|| "text/plain".to_owned()),
            }),
            Some(Handshake::Crc { param, secret }) => Some(Answer::Crc {
                param: param.clone(),
                secret: secret.clone(),
            }),
            Some(Handshake::GetOk) => Some(Answer::GetOk),
            Some(Handshake::UnsignedPing { body_pattern }) => Some(Answer::UnsignedPing {
                body_pattern: body_pattern.clone(),
                header: match &w.verify {
                    Verify::Hmac { header, .. }
                    | Verify::Token { header, .. }
                    | Verify::Jwt { header, .. }
                        if !header.is_empty() =>
                    {
                        Some(header.to_ascii_lowercase())
                    }
                    _ => None,
                },
            }),
        };
        Ok(Self {
            verify,
            body: match w.body {
                WebhookBody::Json => "json",
                WebhookBody::Form => "form",
            },
            handshake,
            ack_first: w.ack_within_seconds.is_some(),
            secrets: used.credentials.clone(),
            uploads: false,
            json_text: (!w.json_text.is_empty()).then(|| {
                let paths: Vec<Code> = w.json_text.iter().map(|p| Code::literal(p)).collect();
                expr::name(&format!("[{}]", expr::join(&paths)))
            }),
            answer: w.answer.clone(),
        })
    }

    /// Reads an upload form's files as the items (the function's own URL, a step sending a
    /// file).
    pub(crate) fn with_uploads(mut self) -> Self {
        self.uploads = true;
        self
    }

    /// Modules the handler uses besides the base ones.
    pub(crate) fn imports(&self) -> Vec<&'static str> {
        let mut out = vec!["base64"];
        if self.uses_hmac() {
            out.push("hmac");
        }
        if self.body == "form" || self.uploads {
            // a form delivery may be multipart/form-data (Jotform), parsed with `email`
            out.extend(["email.parser", "email.policy"]);
        }
        if let Check::Hmac {
            timestamp: Some(t), ..
        } = &self.verify
            && t.iso8601
        {
            out.push("datetime");
        }
        if matches!(self.verify, Check::Hmac { .. } | Check::Jwt { .. })
            || matches!(
                self.handshake,
                Some(Answer::ZoomUrlValidation { .. } | Answer::Crc { .. })
            )
        {
            out.push("hashlib");
        }
        if self.ack_first || matches!(self.handshake, Some(Answer::EchoHeader { .. })) {
            out.push("boto3");
        }
        if matches!(self.handshake, Some(Answer::UnsignedPing { .. })) {
            out.push("re");
        }
        out
    }

    /// Whether the check or the handshake compares or signs with `hmac`: every check but a
    /// vendor's API judging the delivery does (an RS256 signature is compared with it too).
    fn uses_hmac(&self) -> bool {
        !matches!(self.verify, Check::VendorApi { .. })
            || matches!(
                self.handshake,
                Some(
                    Answer::ZoomUrlValidation { .. }
                        | Answer::Crc { .. }
                        | Answer::EchoQuery {
                            verify_param: Some(_),
                            ..
                        }
                )
            )
    }

    /// IAM actions the handler needs on its own function.
    pub(crate) fn iam(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.ack_first {
            out.push("lambda:InvokeFunction");
        }
        if matches!(self.handshake, Some(Answer::EchoHeader { .. })) {
            out.extend([
                "lambda:GetFunctionConfiguration",
                "lambda:UpdateFunctionConfiguration",
            ]);
        }
        out
    }

    /// The credential a handshake sets, which therefore may be empty when deployed.
    pub(crate) fn learned_secret(&self) -> Option<&str> {
        match &self.handshake {
            Some(Answer::EchoHeader { secret, .. }) => Some(secret),
            _ => None,
        }
    }
}

/// How the handler reads a signed timestamp: `header:<name>`, `pair:<key>`, `body:<path>`.
fn timestamp_source(from: &str) -> Result<Code, WorkflowError> {
    let code = match from.split_once(':') {
        Some(("header", name)) => format!(
            "request[\"headers\"].get({}, \"\")",
            py_str(&name.to_ascii_lowercase())
        ),
        Some(("pair", key)) => format!("_pair(parts, {})", py_str(key)),
        Some(("body", path)) => {
            format!("str(_path(request[\"payload\"], {}) or \"\")", py_str(path))
        }
        _ => {
            return Err(WorkflowError::Internal(format!(
                "a signature timestamp cannot come from {from:?}"
            )));
        }
    };
    Ok(expr::name(&code))
}

/// `"v0:" + timestamp + ":" + body` for `v0:{timestamp}:{body}`.
fn signed_content(template: &str, has_timestamp: bool) -> Result<Code, WorkflowError> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some((i, j)) = next_ref(rest) {
        if i > 0 {
            parts.push(Code::literal(&rest[..i]));
        }
        let name = &rest[i + 1..j];
        parts.push(match name {
            "body" | "url" | "method" => expr::name(&format!("request[{}]", py_str(name))),
            "form_sorted" => expr::name("_form_sorted(request[\"form\"])"),
            "timestamp" if has_timestamp => expr::name("timestamp"),
            n if n.starts_with("header:") => expr::name(&format!(
                "request[\"headers\"].get({}, \"\")",
                py_str(&n["header:".len()..].to_ascii_lowercase())
            )),
            other => {
                return Err(WorkflowError::Internal(format!(
                    "a signature cannot sign {{{other}}}"
                )));
            }
        });
        rest = &rest[j + 1..];
    }
    if !rest.is_empty() || parts.is_empty() {
        parts.push(Code::literal(rest));
    }
    Ok(expr::concat(&parts))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn signed_content_is_literals_and_known_parts() {
        assert_eq!(
            signed_content("v0:{timestamp}:{body}", true)
                .unwrap()
                .as_str(),
            "\"v0:\" + timestamp + \":\" + request[\"body\"]"
        );
        assert_eq!(
            signed_content("{header:Webhook-Id}.{url}{form_sorted}", false)
                .unwrap()
                .as_str(),
            "request[\"headers\"].get(\"webhook-id\", \"\") + \".\" + request[\"url\"] + _form_sorted(request[\"form\"])"
        );
        assert!(
            signed_content("{timestamp}.{body}", false).is_err(),
            "no timestamp to sign"
        );
        assert!(signed_content("{secret}{body}", true).is_err());
    }

    #[test]
    fn timestamps_come_from_a_header_a_pair_or_the_body() {
        assert!(
            timestamp_source("header:X-Ts")
                .unwrap()
                .as_str()
                .contains("\"x-ts\"")
        );
        assert!(
            timestamp_source("pair:t")
                .unwrap()
                .as_str()
                .starts_with("_pair(")
        );
        assert!(
            timestamp_source("body:a.b")
                .unwrap()
                .as_str()
                .contains("_path(request")
        );
        for bad in ["", "query:t", "t"] {
            assert!(timestamp_source(bad).is_err(), "{bad}");
        }
    }

    /// `hmac` is imported where the check or handshake uses it, and only there (pyflakes
    /// flagged the import in PayPal handlers, whose deliveries PayPal's own API judges).
    #[test]
    fn hmac_is_imported_only_where_the_handler_uses_it() {
        let engine = crate::Engine::new().unwrap();
        for (prompt, wanted) in [
            (
                "whenever somebody pays through paypal add a line to the sales spreadsheet",
                false,
            ),
            (
                "When a Stripe payment succeeds, add a row to our Google Sheet",
                true,
            ),
            (
                "When a Shopify order is created, post it to #sales in Slack",
                true,
            ),
        ] {
            let g = engine
                .generate(&crate::GenerateRequest::text(prompt))
                .unwrap();
            let imported = g.code.lines().any(|l| l == "import hmac");
            let used = g.code.contains("hmac.");
            assert_eq!(imported, wanted, "{prompt}");
            assert_eq!(imported, used, "{prompt}");
        }
    }
}
