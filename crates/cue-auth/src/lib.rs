//! cue-auth: OAuth login with Google and GitHub, users, and the access tokens Cue issues.
//!
//! [`AuthService`] runs the browser login (single-use `state` bound to the browser, PKCE S256,
//! code exchange in the backend), links identities by provider subject and verified email only,
//! and issues short-lived HS256 JWTs ([`jwt::TokenCodec`]) that can be revoked. An authenticated
//! request costs one lookup ([`SessionRepository`]: user and revocation together), which a
//! short-lived cache with a bounded staleness may answer ([`session_cache`]). Storage and the
//! providers are ports ([`UserRepository`], [`LoginStateRepository`], [`RevocationRepository`],
//! [`SessionRepository`], [`OAuthProvider`]); `cue-store` implements the repositories,
//! [`providers`] the HTTP providers, and the `test-util` feature offers in-memory versions of
//! all of them. [`AuthSettings`] is
//! what an operator sets (`SECRET_KEY`, `GOOGLE_CLIENT_ID`, ...), typed and validated.

pub mod error;
pub mod jwt;
#[cfg(any(test, feature = "test-util"))]
pub mod memory;
pub mod model;
pub mod ports;
pub mod providers;
pub mod service;
pub mod session_cache;
pub mod settings;

pub use error::{AuthError, RepoError, StateRejection, TokenRejection};
pub use model::*;
pub use ports::*;
pub use service::{
    AuthService, Authenticated, Callback, ClientKind, LoginOutcome, LoginSettings, LoginStart,
};
pub use settings::AuthSettings;
