//! In-memory implementations of the ports, for tests that need no database or network.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::{AuthError, RepoError};
use crate::model::{
    LoginState, NewUser, Profile, ProfileUpdate, Provider, ProviderProfile, ProvisionedUser, User,
    UserId,
};
use crate::ports::{
    AuthRepos, LoginStateRepository, OAuthProvider, RevocationRepository, SessionRecord,
    SessionRepository, UserRepository,
};

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[derive(Default)]
struct UsersInner {
    users: HashMap<UserId, User>,
    identities: HashMap<(Provider, String), UserId>,
}

/// Users and identities in a map.
#[derive(Default)]
pub struct InMemoryUsers(Mutex<UsersInner>);

#[async_trait]
impl UserRepository for InMemoryUsers {
    async fn find(&self, id: UserId) -> Result<Option<User>, RepoError> {
        Ok(lock(&self.0).users.get(&id).cloned())
    }

    async fn find_by_identity(
        &self,
        provider: Provider,
        subject: &str,
    ) -> Result<Option<User>, RepoError> {
        let inner = lock(&self.0);
        Ok(inner
            .identities
            .get(&(provider, subject.to_owned()))
            .and_then(|id| inner.users.get(id))
            .cloned())
    }

    async fn find_by_verified_email(&self, email: &str) -> Result<Option<User>, RepoError> {
        let inner = lock(&self.0);
        Ok(inner
            .users
            .values()
            .find(|u| {
                u.email_verified
                    && u.email
                        .as_deref()
                        .is_some_and(|e| e.eq_ignore_ascii_case(email))
            })
            .cloned())
    }

    async fn create_with_identity(&self, user: NewUser, subject: &str) -> Result<User, RepoError> {
        let mut inner = lock(&self.0);
        let key = (user.last_provider, subject.to_owned());
        if inner.identities.contains_key(&key) {
            return Err(RepoError::Conflict);
        }
        let now = Utc::now();
        let created = User {
            id: user.id,
            email: user.email,
            email_verified: user.email_verified,
            display_name: user.display_name,
            first_name: user.first_name,
            last_name: user.last_name,
            avatar_url: user.avatar_url,
            profile: Profile::default(),
            last_provider: Some(user.last_provider),
            sessions_valid_after: None,
            created_at: now,
            updated_at: now,
        };
        inner.identities.insert(key, created.id);
        inner.users.insert(created.id, created.clone());
        Ok(created)
    }

    async fn create_provisioned(&self, user: ProvisionedUser) -> Result<User, RepoError> {
        let now = Utc::now();
        let created = User {
            id: user.id,
            email: Some(user.email),
            email_verified: true,
            display_name: user.display_name,
            first_name: None,
            last_name: None,
            avatar_url: None,
            profile: Profile::default(),
            last_provider: None,
            sessions_valid_after: None,
            created_at: now,
            updated_at: now,
        };
        lock(&self.0).users.insert(created.id, created.clone());
        Ok(created)
    }

    async fn link_identity(
        &self,
        id: UserId,
        provider: Provider,
        subject: &str,
    ) -> Result<(), RepoError> {
        let mut inner = lock(&self.0);
        let key = (provider, subject.to_owned());
        if inner.identities.contains_key(&key) {
            return Err(RepoError::Conflict);
        }
        inner.identities.insert(key, id);
        Ok(())
    }

    async fn record_login(&self, id: UserId, provider: Provider) -> Result<(), RepoError> {
        if let Some(user) = lock(&self.0).users.get_mut(&id) {
            user.last_provider = Some(provider);
        }
        Ok(())
    }

    async fn update_profile(
        &self,
        id: UserId,
        update: ProfileUpdate,
    ) -> Result<Option<User>, RepoError> {
        let mut inner = lock(&self.0);
        let Some(user) = inner.users.get_mut(&id) else {
            return Ok(None);
        };
        let set = |field: &mut Option<String>, value: Option<String>| {
            if value.is_some() {
                *field = value;
            }
        };
        set(&mut user.display_name, update.display_name);
        set(&mut user.first_name, update.first_name);
        set(&mut user.last_name, update.last_name);
        set(&mut user.avatar_url, update.avatar_url);
        set(&mut user.profile.company_name, update.company_name);
        set(&mut user.profile.industry, update.industry);
        set(&mut user.profile.role, update.role);
        set(&mut user.profile.usage_purpose, update.usage_purpose);
        user.updated_at = Utc::now();
        Ok(Some(user.clone()))
    }

    async fn end_sessions(&self, id: UserId, at: DateTime<Utc>) -> Result<bool, RepoError> {
        let mut inner = lock(&self.0);
        let Some(user) = inner.users.get_mut(&id) else {
            return Ok(false);
        };
        user.sessions_valid_after = Some(at);
        Ok(true)
    }
}

/// Login states in a map.
#[derive(Default)]
pub struct InMemoryLoginStates(Mutex<HashMap<String, LoginState>>);

#[async_trait]
impl LoginStateRepository for InMemoryLoginStates {
    async fn put(&self, state: LoginState) -> Result<(), RepoError> {
        lock(&self.0).insert(state.state_hash.clone(), state);
        Ok(())
    }

    async fn take(&self, state_hash: &str) -> Result<Option<LoginState>, RepoError> {
        Ok(lock(&self.0).remove(state_hash))
    }

    async fn purge_expired(&self, now: DateTime<Utc>) -> Result<u64, RepoError> {
        let mut map = lock(&self.0);
        let before = map.len();
        map.retain(|_, s| s.expires_at > now);
        Ok((before - map.len()) as u64)
    }
}

/// Revoked token ids in a map.
#[derive(Default)]
pub struct InMemoryRevocations(Mutex<HashMap<String, DateTime<Utc>>>);

#[async_trait]
impl RevocationRepository for InMemoryRevocations {
    async fn revoke(&self, jti: &str, expires_at: DateTime<Utc>) -> Result<(), RepoError> {
        lock(&self.0).insert(jti.to_owned(), expires_at);
        Ok(())
    }

    async fn is_revoked(&self, jti: &str) -> Result<bool, RepoError> {
        Ok(lock(&self.0).contains_key(jti))
    }

    async fn purge_expired(&self, now: DateTime<Utc>) -> Result<u64, RepoError> {
        let mut map = lock(&self.0);
        let before = map.len();
        map.retain(|_, exp| *exp > now);
        Ok((before - map.len()) as u64)
    }
}

/// The session lookup over the in-memory users and revocations it was given.
pub struct InMemorySessions {
    pub users: Arc<InMemoryUsers>,
    pub revocations: Arc<InMemoryRevocations>,
}

#[async_trait]
impl SessionRepository for InMemorySessions {
    async fn session(&self, user: UserId, jti: &str) -> Result<Option<SessionRecord>, RepoError> {
        let Some(user) = self.users.find(user).await? else {
            return Ok(None);
        };
        let revoked = self.revocations.is_revoked(jti).await?;
        Ok(Some(SessionRecord { user, revoked }))
    }
}

/// All the repositories in memory; the session lookup reads the same users and revocations.
pub fn in_memory_repos() -> AuthRepos {
    let users = Arc::new(InMemoryUsers::default());
    let revocations = Arc::new(InMemoryRevocations::default());
    AuthRepos {
        users: users.clone(),
        states: Arc::new(InMemoryLoginStates::default()),
        revocations: revocations.clone(),
        sessions: Arc::new(InMemorySessions { users, revocations }),
    }
}

/// A provider that accepts codes it was told about, and records the verifiers it saw.
pub struct FakeProvider {
    provider: Provider,
    profiles: Mutex<HashMap<String, ProviderProfile>>,
    verifiers: Mutex<Vec<String>>,
}

impl FakeProvider {
    pub fn new(provider: Provider) -> Self {
        Self {
            provider,
            profiles: Mutex::default(),
            verifiers: Mutex::default(),
        }
    }

    /// The profile to return for `code`.
    pub fn accept(&self, code: &str, profile: ProviderProfile) {
        lock(&self.profiles).insert(code.to_owned(), profile);
    }

    pub fn verifiers_seen(&self) -> Vec<String> {
        lock(&self.verifiers).clone()
    }
}

#[async_trait]
impl OAuthProvider for FakeProvider {
    fn provider(&self) -> Provider {
        self.provider
    }

    fn authorize_url(&self, state: &str, pkce_challenge: &str, redirect_uri: &str) -> String {
        format!(
            "https://idp.invalid/authorize?state={state}&code_challenge={pkce_challenge}&redirect_uri={redirect_uri}"
        )
    }

    async fn exchange(
        &self,
        code: &str,
        verifier: &str,
        _redirect_uri: &str,
    ) -> Result<ProviderProfile, AuthError> {
        lock(&self.verifiers).push(verifier.to_owned());
        lock(&self.profiles)
            .get(code)
            .cloned()
            .ok_or_else(|| AuthError::ProviderFailed("unknown code".into()))
    }
}
