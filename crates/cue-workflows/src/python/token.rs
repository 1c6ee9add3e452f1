//! The token exchange of a tool whose access tokens are short-lived (Zoom Server-to-Server
//! OAuth, Xero, Google, Microsoft Graph app tokens): the function asks the token endpoint itself
//! and keeps the token until shortly before it expires, so a deployed schedule keeps working.
//! Rendered by `python/token.py.j2`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::expr::{self, Code, Ctx};
use crate::WorkflowError;
use crate::catalog::{ClientAuth, Grant, TokenBody, TokenExchange};
use crate::escape::ident;
use crate::refs::{is_cred_name, next_ref};

/// `_<provides>()`: what `python/token.py.j2` renders.
#[derive(Debug, Serialize)]
pub(crate) struct TokenFn {
    /// The function's name, from the credential it provides (`_google_access_token`).
    pub name: String,
    pub tool: String,
    /// The `grant_type` sent.
    grant: &'static str,
    token_url: Code,
    /// The form fields besides `grant_type`, as a dict expression.
    fields: Code,
    /// `Authorization` for HTTP Basic client authentication, as an expression.
    basic: Option<Code>,
    /// Whether the grant spends a refresh token, which the vendor may rotate.
    refresh: bool,
    /// The credential of a refresh token the vendor rotates: the newest is kept in Secrets
    /// Manager, in the secret the environment's `<credential>_SECRET_ARN` names.
    pub store: Option<String>,
    /// The request is JSON rather than a form.
    json: bool,
    /// Where the answer holds the token.
    token_field: String,
    /// A vendor session (no `grant_type`; the token lives until its JWT `exp`).
    session: bool,
    /// For a session: the renewal URL and where its answers hold the refresh token.
    refresh_url: Option<Code>,
    refresh_field: Option<String>,
}

/// The exchange of `x` for the tool `tool_name`, or `None` when the plan does not carry every
/// credential the exchange needs (a plan stored before the exchange existed keeps its static
/// token).
pub(crate) fn token_fn(
    tool_name: &str,
    x: &TokenExchange,
    placeholders: &[String],
) -> Result<Option<TokenFn>, WorkflowError> {
    let mut needed = Vec::new();
    for v in x.params.values().chain(std::iter::once(&x.token_url)) {
        let mut rest = v.as_str();
        while let Some((i, j)) = next_ref(rest) {
            needed.push(rest[i + 1..j].to_owned());
            rest = &rest[j + 1..];
        }
    }
    if needed
        .iter()
        .any(|c| !is_cred_name(c) || !placeholders.contains(c))
    {
        return Ok(None);
    }
    let name = format!("_{}", ident(&x.provides));
    let consts = BTreeMap::new();
    let mut ctx = Ctx::new("item", &consts);
    let grant = match x.grant {
        Grant::ClientCredentials => "client_credentials",
        Grant::RefreshToken => "refresh_token",
        Grant::AccountCredentials => "account_credentials",
        Grant::Session => "session",
    };
    let basic_pair = x.client_auth == ClientAuth::Basic;
    let mut entries = Vec::new();
    let (mut id, mut secret) = (None, None);
    for (field, value) in &x.params {
        let mut code = ctx.string(value, false)?;
        if field == "refresh_token" {
            // a rotated refresh token replaces the configured one for this instance's life,
            // and across instances when the vendor revokes the one spent
            let kept = crate::escape::py_str(&format!("{name}:refresh"));
            code = match store_of(x) {
                Some(cred) => expr::name(&format!(
                    "_TOKENS.get({kept}) or _stored_refresh_token({}, {})",
                    crate::escape::py_str(cred),
                    code.as_str()
                )),
                None => expr::name(&format!("_TOKENS.get({kept}, {})", code.as_str())),
            };
        }
        match field.as_str() {
            "client_id" if basic_pair => id = Some(code),
            "client_secret" if basic_pair => secret = Some(code),
            _ => entries.push(expr::entry(field, &code)),
        }
    }
    let basic = match (id, secret) {
        (Some(id), Some(secret)) => {
            let pair = expr::concat(&[id, Code::literal(":"), secret]);
            Some(expr::name(&format!(
                "\"Basic \" + base64.b64encode(({}).encode(\"utf-8\")).decode(\"ascii\")",
                pair.as_str()
            )))
        }
        (None, None) => None,
        _ => {
            return Err(WorkflowError::Internal(format!(
                "{tool_name}: basic client authentication needs client_id and client_secret"
            )));
        }
    };
    Ok(Some(TokenFn {
        name,
        tool: tool_name.to_owned(),
        grant,
        token_url: ctx.string(&x.token_url, true)?,
        fields: expr::dict(&entries),
        basic,
        refresh: x.grant == Grant::RefreshToken,
        store: store_of(x).map(str::to_owned),
        json: x.body == TokenBody::Json || x.grant == Grant::Session,
        token_field: x
            .token_field
            .clone()
            .unwrap_or_else(|| "access_token".to_owned()),
        session: x.grant == Grant::Session,
        refresh_url: match &x.refresh {
            Some(r) => Some(ctx.string(&r.url, true)?),
            None => None,
        },
        refresh_field: x.refresh.as_ref().map(|r| r.token_field.clone()),
    }))
}

/// The credential holding a refresh token the vendor rotates.
fn store_of(x: &TokenExchange) -> Option<&str> {
    if !x.rotates_refresh_token {
        return None;
    }
    let v = x.params.get("refresh_token")?;
    let (i, j) = next_ref(v)?;
    Some(&v[i + 1..j])
}
