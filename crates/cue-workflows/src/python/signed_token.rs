//! A token the function signs itself on every call (the catalog's `signed_token`): Ghost's
//! Admin API takes `Authorization: Ghost <JWT>` signed HS256 with the Admin API key and valid
//! five minutes, so a token stored as a credential fails within minutes. Rendered by
//! `python/signed_token.py.j2` with the standard library only (hmac, hashlib, base64, json).

use serde::Serialize;

use crate::catalog::{KeyFormat, SignedToken, SignedTokenKind};
use crate::escape::ident;

/// `_<provides>()`: what `python/signed_token.py.j2` renders.
#[derive(Debug, Serialize)]
pub(crate) struct SignedTokenFn {
    /// The function's name, from the credential it provides (`_ghost_admin_token`).
    pub name: String,
    pub tool: String,
    /// The credential holding the key.
    key: String,
    /// The key is `<id>:<hex secret>`.
    id_hex_secret: bool,
    audience: Option<String>,
    lifetime: u32,
}

/// The signing function of `s` for the tool `tool_name`, or `None` when the plan does not carry
/// the key (a plan stored before the tool signed its own tokens keeps its static token).
pub(crate) fn signed_token_fn(
    tool_name: &str,
    s: &SignedToken,
    placeholders: &[String],
) -> Option<SignedTokenFn> {
    if !placeholders.contains(&s.key) {
        return None;
    }
    match s.kind {
        SignedTokenKind::JwtHs256 => Some(SignedTokenFn {
            name: format!("_{}", ident(&s.provides)),
            tool: tool_name.to_owned(),
            key: s.key.clone(),
            id_hex_secret: s.key_format == KeyFormat::IdHexSecret,
            audience: s.audience.clone(),
            lifetime: s.lifetime_seconds,
        }),
    }
}
