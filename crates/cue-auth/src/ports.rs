//! What this crate needs from storage and from identity providers.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

// Re-exported where the ports that return it are, as before it moved next to `AuthError`.
use crate::error::AuthError;
pub use crate::error::RepoError;
use crate::model::{
    LoginState, NewUser, ProfileUpdate, Provider, ProviderProfile, ProvisionedUser, User, UserId,
};

/// The storage ports the service needs.
#[derive(Clone)]
pub struct AuthRepos {
    pub users: Arc<dyn UserRepository>,
    pub states: Arc<dyn LoginStateRepository>,
    pub revocations: Arc<dyn RevocationRepository>,
    pub sessions: Arc<dyn SessionRepository>,
}

/// Users and their linked provider identities.
#[async_trait]
pub trait UserRepository: Send + Sync {
    async fn find(&self, id: UserId) -> Result<Option<User>, RepoError>;
    /// The user linked to this provider identity.
    async fn find_by_identity(
        &self,
        provider: Provider,
        subject: &str,
    ) -> Result<Option<User>, RepoError>;
    /// A user whose email is verified and equal (case-insensitively) to `email`.
    async fn find_by_verified_email(&self, email: &str) -> Result<Option<User>, RepoError>;
    /// Creates the user and links the identity in one transaction.
    /// `Conflict` when the identity is already linked.
    async fn create_with_identity(&self, user: NewUser, subject: &str) -> Result<User, RepoError>;
    /// Creates a user with a verified email and no linked identity (see [`ProvisionedUser`]).
    async fn create_provisioned(&self, user: ProvisionedUser) -> Result<User, RepoError>;
    /// Links another identity to an existing user. `Conflict` when already linked.
    async fn link_identity(
        &self,
        id: UserId,
        provider: Provider,
        subject: &str,
    ) -> Result<(), RepoError>;
    /// Records a login: remembers the provider it came through.
    async fn record_login(&self, id: UserId, provider: Provider) -> Result<(), RepoError>;
    async fn update_profile(
        &self,
        id: UserId,
        update: ProfileUpdate,
    ) -> Result<Option<User>, RepoError>;
    /// "Log out everywhere": tokens of this user issued before `at` stop working. `false`
    /// when there is no such user.
    async fn end_sessions(&self, id: UserId, at: DateTime<Utc>) -> Result<bool, RepoError>;
}

/// Single-use login states.
#[async_trait]
pub trait LoginStateRepository: Send + Sync {
    async fn put(&self, state: LoginState) -> Result<(), RepoError>;
    /// Removes and returns the state. Of two concurrent calls for one hash, at most one gets it.
    async fn take(&self, state_hash: &str) -> Result<Option<LoginState>, RepoError>;
    /// Deletes states that expired before `now`; returns how many.
    async fn purge_expired(&self, now: DateTime<Utc>) -> Result<u64, RepoError>;
}

/// Revoked token ids, kept until the token would have expired anyway.
#[async_trait]
pub trait RevocationRepository: Send + Sync {
    async fn revoke(&self, jti: &str, expires_at: DateTime<Utc>) -> Result<(), RepoError>;
    async fn is_revoked(&self, jti: &str) -> Result<bool, RepoError>;
    async fn purge_expired(&self, now: DateTime<Utc>) -> Result<u64, RepoError>;
}

/// What authenticating one request needs from storage: the token's user and whether the
/// token was revoked.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub user: User,
    /// The token's id is in the revocation list.
    pub revoked: bool,
}

/// The lookup behind every authenticated request, as one read (one database round trip)
/// rather than a revocation check followed by a user lookup.
#[async_trait]
pub trait SessionRepository: Send + Sync {
    /// The user `user` with the revocation state of the token id `jti`; `None` when the user
    /// no longer exists.
    async fn session(&self, user: UserId, jti: &str) -> Result<Option<SessionRecord>, RepoError>;
}

/// An OAuth 2.0 identity provider, as the login flow uses it.
#[async_trait]
pub trait OAuthProvider: Send + Sync {
    fn provider(&self) -> Provider;
    /// Where to send the browser: the authorize endpoint with client id, redirect URI, scopes,
    /// `state` and the PKCE S256 challenge.
    fn authorize_url(&self, state: &str, pkce_challenge: &str, redirect_uri: &str) -> String;
    /// Exchanges the authorization code (with the PKCE verifier) and fetches who the user is.
    async fn exchange(
        &self,
        code: &str,
        pkce_verifier: &str,
        redirect_uri: &str,
    ) -> Result<ProviderProfile, AuthError>;
}
