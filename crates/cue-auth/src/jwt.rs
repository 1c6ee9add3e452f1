//! The access tokens Cue issues: HS256 JWTs with a pinned algorithm and type (RFC 8725, RFC 9068).

use std::time::Duration;

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, errors::ErrorKind};
use secrecy::{ExposeSecret, SecretSlice};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{AuthError, TokenRejection};
use crate::model::{User, UserId};

/// The `typ` header of Cue's access tokens (RFC 9068).
const TOKEN_TYPE: &str = "at+jwt";

/// The key tokens are signed with: `SECRET_KEY`, or one made at random for this process when
/// none is configured (its tokens then die with the process, and no other instance accepts
/// them). `Debug` never shows it.
#[derive(Clone)]
pub struct SigningKey {
    bytes: SecretSlice<u8>,
    ephemeral: bool,
}

impl SigningKey {
    /// A configured key.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            bytes: SecretSlice::from(bytes.into()),
            ephemeral: false,
        }
    }

    /// 32 random bytes, for this process only.
    pub fn random() -> Self {
        let mut bytes = vec![0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
        Self {
            bytes: SecretSlice::from(bytes),
            ephemeral: true,
        }
    }

    /// True when no key was configured and [`SigningKey::random`] made this one.
    pub fn is_ephemeral(&self) -> bool {
        self.ephemeral
    }

    pub(crate) fn expose(&self) -> &[u8] {
        self.bytes.expose_secret()
    }
}

/// No key configured: a random one (the settings refuse that in production).
impl Default for SigningKey {
    fn default() -> Self {
        Self::random()
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("bytes", &"[redacted]")
            .field("ephemeral", &self.ephemeral)
            .finish()
    }
}

/// The key as configured (`SECRET_KEY=...`): its UTF-8 bytes.
impl<'de> Deserialize<'de> for SigningKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = secrecy::SecretString::deserialize(d)?;
        Ok(Self::new(text.expose_secret().as_bytes()))
    }
}

/// Settings for issuing and checking tokens.
#[derive(Clone)]
pub struct JwtConfig {
    pub secret: SigningKey,
    pub issuer: String,
    pub audience: String,
    pub ttl: Duration,
    /// Clock skew tolerated on `exp`/`nbf`/`iat`.
    pub leeway: Duration,
}

impl std::fmt::Debug for JwtConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtConfig")
            .field("secret", &"[redacted]")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("ttl", &self.ttl)
            .finish()
    }
}

/// The claims of a Cue access token. Kept minimal: no provider tokens, no profile data
/// beyond the email the specification asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
    pub jti: String,
}

/// A token as issued, with what the caller needs to set a cookie or answer JSON.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub token: String,
    pub jti: String,
    pub expires_at: DateTime<Utc>,
    pub ttl: Duration,
}

/// A verified token: whose it is and when it ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedToken {
    pub user_id: UserId,
    pub jti: String,
    /// `iat`, whole seconds.
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Issues and verifies tokens with one key.
pub struct TokenCodec {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    config: JwtConfig,
}

impl TokenCodec {
    pub fn new(config: JwtConfig) -> Self {
        let secret = config.secret.expose();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&config.issuer]);
        validation.set_audience(&[&config.audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = config.leeway.as_secs();
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            config,
        }
    }

    pub fn ttl(&self) -> Duration {
        self.config.ttl
    }

    /// Issues a token for `user`, valid from now for the configured lifetime.
    pub fn issue(&self, user: &User, now: DateTime<Utc>) -> Result<IssuedToken, AuthError> {
        let ttl = chrono::Duration::from_std(self.config.ttl)
            .map_err(|e| AuthError::Internal(Box::new(e)))?;
        let expires_at = now + ttl;
        let jti = Uuid::new_v4().simple().to_string();
        let claims = Claims {
            sub: user.id.to_string(),
            email: user.email.clone(),
            iat: now.timestamp(),
            nbf: now.timestamp(),
            exp: expires_at.timestamp(),
            iss: self.config.issuer.clone(),
            aud: self.config.audience.clone(),
            jti: jti.clone(),
        };
        let mut header = Header::new(Algorithm::HS256);
        header.typ = Some(TOKEN_TYPE.to_owned());
        let token = jsonwebtoken::encode(&header, &claims, &self.encoding)
            .map_err(|e| AuthError::Internal(Box::new(e)))?;
        Ok(IssuedToken {
            token,
            jti,
            expires_at,
            ttl: self.config.ttl,
        })
    }

    /// Checks signature, algorithm, type, lifetime, issuer and audience. Revocation is the
    /// caller's next step (it needs storage).
    pub fn verify(&self, token: &str) -> Result<VerifiedToken, AuthError> {
        let reject = |r| AuthError::InvalidToken(r);
        let header =
            jsonwebtoken::decode_header(token).map_err(|_| reject(TokenRejection::Malformed))?;
        if header.alg != Algorithm::HS256 {
            return Err(reject(TokenRejection::WrongAlgorithm));
        }
        if header.typ.as_deref() != Some(TOKEN_TYPE) {
            return Err(reject(TokenRejection::WrongType));
        }
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| {
                reject(match e.kind() {
                    ErrorKind::InvalidSignature => TokenRejection::BadSignature,
                    ErrorKind::InvalidAlgorithm => TokenRejection::WrongAlgorithm,
                    ErrorKind::ExpiredSignature => TokenRejection::Expired,
                    ErrorKind::ImmatureSignature => TokenRejection::NotYetValid,
                    ErrorKind::InvalidIssuer => TokenRejection::WrongIssuer,
                    ErrorKind::InvalidAudience => TokenRejection::WrongAudience,
                    _ => TokenRejection::Malformed,
                })
            })?;
        let claims = data.claims;
        let user_id =
            Uuid::parse_str(&claims.sub).map_err(|_| reject(TokenRejection::Malformed))?;
        if claims.jti.is_empty() {
            return Err(reject(TokenRejection::Malformed));
        }
        let expires_at = DateTime::<Utc>::from_timestamp(claims.exp, 0)
            .ok_or(reject(TokenRejection::Malformed))?;
        let issued_at = DateTime::<Utc>::from_timestamp(claims.iat, 0)
            .ok_or(reject(TokenRejection::Malformed))?;
        Ok(VerifiedToken {
            user_id: UserId(user_id),
            jti: claims.jti,
            issued_at,
            expires_at,
        })
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;

    use super::*;
    use crate::model::Profile;

    fn config(secret: &[u8]) -> JwtConfig {
        JwtConfig {
            secret: SigningKey::new(secret),
            issuer: "cue".into(),
            audience: "cue-api".into(),
            ttl: Duration::from_secs(900),
            leeway: Duration::from_secs(0),
        }
    }

    fn user() -> User {
        let now = Utc::now();
        User {
            id: UserId::new(),
            email: Some("ada@example.com".into()),
            email_verified: true,
            display_name: None,
            first_name: None,
            last_name: None,
            avatar_url: None,
            profile: Profile::default(),
            last_provider: None,
            sessions_valid_after: None,
            created_at: now,
            updated_at: now,
        }
    }

    fn rejection(result: Result<VerifiedToken, AuthError>) -> TokenRejection {
        match result {
            Err(AuthError::InvalidToken(r)) => r,
            other => panic!("expected a rejection, got {other:?}"),
        }
    }

    #[test]
    fn issued_token_verifies_and_names_its_user() {
        let codec = TokenCodec::new(config(b"0123456789abcdef0123456789abcdef"));
        let u = user();
        let issued = codec.issue(&u, Utc::now()).unwrap();
        let verified = codec.verify(&issued.token).unwrap();
        assert_eq!(verified.user_id, u.id);
        assert_eq!(verified.jti, issued.jti);
    }

    #[test]
    fn token_signed_with_another_key_is_rejected() {
        let codec = TokenCodec::new(config(b"0123456789abcdef0123456789abcdef"));
        let other = TokenCodec::new(config(b"another-key-another-key-another!"));
        let token = other.issue(&user(), Utc::now()).unwrap().token;
        assert_eq!(
            rejection(codec.verify(&token)),
            TokenRejection::BadSignature
        );
    }

    #[test]
    fn alg_none_token_is_rejected() {
        let codec = TokenCodec::new(config(b"0123456789abcdef0123456789abcdef"));
        let token = codec.issue(&user(), Utc::now()).unwrap().token;
        let payload = token.split('.').nth(1).unwrap();
        let header = B64.encode(br#"{"alg":"none","typ":"at+jwt"}"#);
        let forged = format!("{header}.{payload}.");
        assert!(matches!(
            codec.verify(&forged),
            Err(AuthError::InvalidToken(_))
        ));
    }

    #[test]
    fn token_with_other_algorithm_is_rejected() {
        let codec = TokenCodec::new(config(b"0123456789abcdef0123456789abcdef"));
        let claims = Claims {
            sub: UserId::new().to_string(),
            email: None,
            iat: Utc::now().timestamp(),
            nbf: Utc::now().timestamp(),
            exp: Utc::now().timestamp() + 600,
            iss: "cue".into(),
            aud: "cue-api".into(),
            jti: "x".into(),
        };
        let mut header = Header::new(Algorithm::HS512);
        header.typ = Some(TOKEN_TYPE.into());
        let token = jsonwebtoken::encode(
            &header,
            &claims,
            &EncodingKey::from_secret(b"0123456789abcdef0123456789abcdef"),
        )
        .unwrap();
        assert_eq!(
            rejection(codec.verify(&token)),
            TokenRejection::WrongAlgorithm
        );
    }

    #[test]
    fn expired_token_is_rejected() {
        let codec = TokenCodec::new(config(b"0123456789abcdef0123456789abcdef"));
        let token = codec
            .issue(&user(), Utc::now() - chrono::Duration::hours(2))
            .unwrap()
            .token;
        assert_eq!(rejection(codec.verify(&token)), TokenRejection::Expired);
    }

    #[test]
    fn token_from_the_future_is_rejected() {
        let codec = TokenCodec::new(config(b"0123456789abcdef0123456789abcdef"));
        let token = codec
            .issue(&user(), Utc::now() + chrono::Duration::minutes(5))
            .unwrap()
            .token;
        assert_eq!(rejection(codec.verify(&token)), TokenRejection::NotYetValid);
    }

    #[test]
    fn wrong_issuer_and_audience_are_rejected() {
        let secret = b"0123456789abcdef0123456789abcdef";
        let codec = TokenCodec::new(config(secret));
        let mut other_iss = config(secret);
        other_iss.issuer = "someone-else".into();
        let token = TokenCodec::new(other_iss)
            .issue(&user(), Utc::now())
            .unwrap()
            .token;
        assert_eq!(rejection(codec.verify(&token)), TokenRejection::WrongIssuer);

        let mut other_aud = config(secret);
        other_aud.audience = "another-api".into();
        let token = TokenCodec::new(other_aud)
            .issue(&user(), Utc::now())
            .unwrap()
            .token;
        assert_eq!(
            rejection(codec.verify(&token)),
            TokenRejection::WrongAudience
        );
    }

    #[test]
    fn token_without_access_token_type_is_rejected() {
        let secret = b"0123456789abcdef0123456789abcdef";
        let codec = TokenCodec::new(config(secret));
        let issued = codec.issue(&user(), Utc::now()).unwrap().token;
        let mut parts = issued.split('.');
        let _ = parts.next();
        let payload = parts.next().unwrap();
        let claims: Claims = serde_json::from_slice(&B64.decode(payload).unwrap()).unwrap();
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(secret),
        )
        .unwrap();
        assert_eq!(rejection(codec.verify(&token)), TokenRejection::WrongType);
    }

    #[test]
    fn garbage_is_malformed() {
        let codec = TokenCodec::new(config(b"0123456789abcdef0123456789abcdef"));
        for token in ["", "abc", "a.b.c", "....", "eyJ.eyJ.sig"] {
            assert!(
                matches!(codec.verify(token), Err(AuthError::InvalidToken(_))),
                "{token}"
            );
        }
    }

    #[test]
    fn debug_output_never_shows_the_secret() {
        let cfg = config(b"super-secret-signing-key-material");
        assert!(!format!("{cfg:?}").contains("super-secret"));
    }
}
