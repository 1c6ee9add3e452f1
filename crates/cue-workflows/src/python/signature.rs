//! How a webhook request proves it comes from its vendor, as data: `python/signature.py.j2`
//! renders any [`Scheme`] into `_verify_signature`, so a vendor is a value, not code.
//!
//! The catalog names a scheme today (`stripe`, `token:X-Gitlab-Token`); [`Scheme::named`] says
//! what each name means until the catalog carries the parts itself.

use serde::Serialize;

use super::expr::{self, Code};
use crate::WorkflowError;
use crate::refs::next_ref;

/// How a request is authenticated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum Scheme {
    /// The shared secret itself in a header (GitLab's `X-Gitlab-Token`).
    Token {
        /// Lower case, as the handler normalises header names.
        header: String,
    },
    /// An HMAC of the signed content, encoded, in a header.
    Hmac(Hmac),
}

/// An HMAC signature scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Hmac {
    /// The header holding the signature, lower case.
    pub header: String,
    /// When the header is a `key=value,...` list (Stripe's `t=...,v1=...`): the signature's key.
    pub key: Option<String>,
    /// What precedes the encoded digest in the signature (`sha256=`, `v0=`).
    pub prefix: String,
    pub algorithm: Algorithm,
    pub encoding: Encoding,
    /// What is signed: text with `{body}` and `{timestamp}` (`v0:{timestamp}:{body}`).
    pub signed: String,
    /// The request's time, checked against replays.
    pub timestamp: Option<Timestamp>,
}

/// Where a signed request's time is, and how far from now it may be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Timestamp {
    /// A header of its own (Slack's `x-slack-request-timestamp`), lower case...
    pub header: Option<String>,
    /// ...or a key of the signature header's list (Stripe's `t`).
    pub key: Option<String>,
    /// Unix seconds; older or newer requests are refused.
    pub tolerance_seconds: u32,
}

/// The digest, by its `hashlib` name (every catalog scheme uses SHA-256 today).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Algorithm {
    Sha256,
}

/// How the digest is written in the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Encoding {
    Hex,
    Base64,
}

impl Scheme {
    /// The scheme a catalog event names.
    pub(crate) fn named(name: &str) -> Result<Self, WorkflowError> {
        let hmac = |header: &str, prefix: &str, signed: &str| Hmac {
            header: header.to_owned(),
            key: None,
            prefix: prefix.to_owned(),
            algorithm: Algorithm::Sha256,
            encoding: Encoding::Hex,
            signed: signed.to_owned(),
            timestamp: None,
        };
        let five_minutes = |header: Option<&str>, key: Option<&str>| {
            Some(Timestamp {
                header: header.map(str::to_owned),
                key: key.map(str::to_owned),
                tolerance_seconds: 300,
            })
        };
        Ok(match name {
            // Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">
            "stripe" => Self::Hmac(Hmac {
                key: Some("v1".to_owned()),
                timestamp: five_minutes(None, Some("t")),
                ..hmac("stripe-signature", "", "{timestamp}.{body}")
            }),
            // X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>
            "github" => Self::Hmac(hmac("x-hub-signature-256", "sha256=", "{body}")),
            // X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<timestamp>:<body>">
            "slack" => Self::Hmac(Hmac {
                timestamp: five_minutes(Some("x-slack-request-timestamp"), None),
                ..hmac("x-slack-signature", "v0=", "v0:{timestamp}:{body}")
            }),
            // X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the body>
            "shopify" => Self::Hmac(Hmac {
                encoding: Encoding::Base64,
                ..hmac("x-shopify-hmac-sha256", "", "{body}")
            }),
            "hmac_hex" => Self::Hmac(hmac("x-signature", "", "{body}")),
            n => match n.strip_prefix("token:") {
                Some(header) if !header.is_empty() => Self::Token {
                    header: header.to_ascii_lowercase(),
                },
                _ => {
                    return Err(WorkflowError::Internal(format!(
                        "unknown signature scheme {n}"
                    )));
                }
            },
        })
    }
}

/// What `python/signature.py.j2` renders.
#[derive(Debug, Serialize)]
pub(crate) struct Signature {
    /// The credential holding the secret.
    secret: String,
    scheme: Scheme,
    /// For an HMAC: the expression of what is signed.
    signed: Option<Code>,
}

impl Signature {
    pub(crate) fn new(scheme: Scheme, secret: String) -> Result<Self, WorkflowError> {
        let signed = match &scheme {
            Scheme::Token { .. } => None,
            Scheme::Hmac(h) => Some(signed_content(h)?),
        };
        Ok(Self {
            secret,
            scheme,
            signed,
        })
    }

    /// Modules the check uses besides the handler's.
    pub(crate) fn imports(&self) -> &'static [&'static str] {
        match self.scheme {
            Scheme::Token { .. } => &[],
            Scheme::Hmac(_) => &["hashlib"],
        }
    }
}

/// `"v0:" + timestamp + ":" + body` for `v0:{timestamp}:{body}`.
fn signed_content(h: &Hmac) -> Result<Code, WorkflowError> {
    let mut parts = Vec::new();
    let mut rest = h.signed.as_str();
    while let Some((i, j)) = next_ref(rest) {
        if i > 0 {
            parts.push(Code::literal(&rest[..i]));
        }
        parts.push(match &rest[i + 1..j] {
            "body" => expr::name("body"),
            "timestamp" if h.timestamp.is_some() => expr::name("timestamp"),
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
        let slack = Signature::new(Scheme::named("slack").unwrap(), "S".to_owned()).unwrap();
        assert_eq!(
            slack.signed.unwrap().as_str(),
            "\"v0:\" + timestamp + \":\" + body"
        );
        let Ok(Scheme::Hmac(mut github)) = Scheme::named("github") else {
            panic!("github is an HMAC scheme");
        };
        github.signed = "{timestamp}.{body}".to_owned();
        assert!(signed_content(&github).is_err(), "no timestamp to sign");
        github.signed = "{url}{body}".to_owned();
        assert!(signed_content(&github).is_err());
    }

    #[test]
    fn scheme_names_are_known() {
        assert_eq!(
            Scheme::named("token:X-Gitlab-Token").ok(),
            Some(Scheme::Token {
                header: "x-gitlab-token".to_owned()
            })
        );
        for bad in ["token:", "md5", ""] {
            assert!(Scheme::named(bad).is_err(), "{bad}");
        }
    }
}
