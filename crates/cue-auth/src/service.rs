//! The login flow and authentication, over the ports.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::{DateTime, Utc};
use rand::RngCore as _;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq as _;

use crate::error::{AuthError, RepoError, StateRejection, TokenRejection};
use crate::jwt::{IssuedToken, TokenCodec, VerifiedToken};
use crate::model::{
    LoginState, NewUser, ProfileUpdate, Provider, ProviderProfile, ProvisionedUser, User, UserId,
};
use crate::ports::{AuthRepos, OAuthProvider};
use crate::session_cache::SessionCache;

/// Longest accepted `state`/`code` query value; real ones are far shorter.
const MAX_PARAM_LEN: usize = 2048;

/// Settings of the login flow.
#[derive(Debug, Clone)]
pub struct LoginSettings {
    /// Public base URL of this API; callbacks are `{base}/auth/{provider}/callback`.
    pub redirect_base_url: String,
    /// How long a started login may take.
    pub state_ttl: Duration,
}

/// A login that has been started: where to send the browser, and the `state` to bind to it.
#[derive(Debug, Clone)]
pub struct LoginStart {
    pub authorize_url: String,
    pub state: String,
    pub state_ttl: Duration,
}

/// What the provider sent back to the callback.
#[derive(Debug, Clone, Default)]
pub struct Callback<'a> {
    pub code: Option<&'a str>,
    pub state: Option<&'a str>,
    pub error: Option<&'a str>,
}

/// Who started a login. It is written into the `state` itself (whose hash is stored, so it
/// cannot be altered) and decides how the callback must prove where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientKind {
    /// A browser navigation: the callback must carry the state cookie set at the start, so a
    /// stolen or forged callback URL cannot log another browser in.
    Browser,
    /// An API client that asked for JSON: it receives the token itself and holds no cookie;
    /// the single-use state and PKCE still apply.
    Api,
}

impl ClientKind {
    fn prefix(self) -> &'static str {
        match self {
            ClientKind::Browser => "b.",
            ClientKind::Api => "a.",
        }
    }

    fn of_state(state: &str) -> Option<Self> {
        [ClientKind::Browser, ClientKind::Api]
            .into_iter()
            .find(|k| state.starts_with(k.prefix()))
    }
}

/// A completed login.
#[derive(Debug, Clone)]
pub struct LoginOutcome {
    pub kind: ClientKind,
    pub user: User,
    pub token: IssuedToken,
    /// True when this login created the user.
    pub created: bool,
}

/// An authenticated request's user and token.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub user: User,
    pub token: VerifiedToken,
}

/// Login with OAuth providers, token issuing and checking, and the user's profile.
pub struct AuthService {
    repos: AuthRepos,
    providers: HashMap<Provider, Arc<dyn OAuthProvider>>,
    tokens: TokenCodec,
    settings: LoginSettings,
    sessions: SessionCache,
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    B64.encode(bytes)
}

/// Only a hash of the state is stored, so a read of the table cannot complete anyone's login.
pub fn state_hash(state: &str) -> String {
    hex::encode(Sha256::digest(state.as_bytes()))
}

fn pkce_challenge(verifier: &str) -> String {
    B64.encode(Sha256::digest(verifier.as_bytes()))
}

/// Keeps a provider's `error` value to a short, printable code.
fn sanitize_error_code(error: &str) -> String {
    let code: String = error
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .take(64)
        .collect();
    if code.is_empty() {
        "unknown_error".into()
    } else {
        code
    }
}

fn limit(field: &str, value: Option<String>, max: usize) -> Result<Option<String>, AuthError> {
    let Some(value) = value else { return Ok(None) };
    let value = value.trim().to_owned();
    if value.chars().count() > max {
        return Err(AuthError::InvalidProfile(format!(
            "{field} must be at most {max} characters"
        )));
    }
    if value.chars().any(char::is_control) {
        return Err(AuthError::InvalidProfile(format!(
            "{field} must not contain control characters"
        )));
    }
    Ok(Some(value))
}

/// A plausible single address: `local@domain`, no spaces or control characters, at most the
/// 254 characters SMTP allows. Not a full RFC 5322 check; providers vouch for real logins.
fn checked_email(email: &str) -> Result<String, AuthError> {
    let email = email.trim();
    let invalid = |why: &str| AuthError::InvalidProfile(format!("email {why}"));
    if email.chars().count() > 254 {
        return Err(invalid("must be at most 254 characters"));
    }
    if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid("must not contain spaces or control characters"));
    }
    match email.split_once('@') {
        Some((local, domain))
            if !local.is_empty() && !domain.is_empty() && !domain.contains('@') =>
        {
            Ok(email.to_owned())
        }
        _ => Err(invalid("must look like name@example.com")),
    }
}

impl AuthService {
    pub fn new(
        repos: AuthRepos,
        providers: Vec<Arc<dyn OAuthProvider>>,
        tokens: TokenCodec,
        settings: LoginSettings,
    ) -> Self {
        let providers = providers.into_iter().map(|p| (p.provider(), p)).collect();
        Self {
            repos,
            providers,
            tokens,
            settings,
            sessions: SessionCache::new(Duration::ZERO),
        }
    }

    /// Caches each token's session lookup for `ttl` (`AUTH_SESSION_CACHE_MS`): a revoked token
    /// or a changed user is then seen by this instance within `ttl` of the change made
    /// elsewhere. Zero (the default of [`AuthService::new`]) reads the database every time.
    /// See [`crate::session_cache`].
    #[must_use]
    pub fn with_session_cache(mut self, ttl: Duration) -> Self {
        self.sessions = SessionCache::new(ttl);
        self
    }

    pub fn is_configured(&self, provider: Provider) -> bool {
        self.providers.contains_key(&provider)
    }

    pub fn token_ttl(&self) -> Duration {
        self.tokens.ttl()
    }

    /// The callback URL registered with the provider.
    pub fn redirect_uri(&self, provider: Provider) -> String {
        format!(
            "{}/auth/{}/callback",
            self.settings.redirect_base_url.trim_end_matches('/'),
            provider
        )
    }

    fn provider(&self, provider: Provider) -> Result<&Arc<dyn OAuthProvider>, AuthError> {
        self.providers
            .get(&provider)
            .ok_or(AuthError::ProviderNotConfigured(provider))
    }

    /// Starts a login: stores a single-use state with its PKCE verifier and returns where to
    /// send the browser.
    pub async fn begin_login(
        &self,
        provider: Provider,
        kind: ClientKind,
    ) -> Result<LoginStart, AuthError> {
        let idp = self.provider(provider)?;
        let state = format!("{}{}", kind.prefix(), random_token());
        let verifier = random_token();
        let ttl = chrono::Duration::from_std(self.settings.state_ttl)
            .map_err(|e| AuthError::Internal(Box::new(e)))?;
        self.repos
            .states
            .put(LoginState {
                state_hash: state_hash(&state),
                provider,
                pkce_verifier: verifier.clone(),
                expires_at: Utc::now() + ttl,
            })
            .await?;
        let authorize_url = idp.authorize_url(
            &state,
            &pkce_challenge(&verifier),
            &self.redirect_uri(provider),
        );
        Ok(LoginStart {
            authorize_url,
            state,
            state_ttl: self.settings.state_ttl,
        })
    }

    /// Completes a login from the provider's callback. `state_cookie` is the value of the
    /// browser's state cookie, if any. The state is consumed whatever the outcome, so a
    /// callback URL can never be replayed.
    pub async fn complete_login(
        &self,
        provider: Provider,
        callback: Callback<'_>,
        state_cookie: Option<&str>,
    ) -> Result<LoginOutcome, AuthError> {
        let idp = self.provider(provider)?;
        let state = callback
            .state
            .filter(|s| !s.is_empty() && s.len() <= MAX_PARAM_LEN)
            .ok_or(AuthError::InvalidState(StateRejection::Unknown))?;
        let kind =
            ClientKind::of_state(state).ok_or(AuthError::InvalidState(StateRejection::Unknown))?;
        let stored = self
            .repos
            .states
            .take(&state_hash(state))
            .await?
            .ok_or(AuthError::InvalidState(StateRejection::Unknown))?;
        if let Some(error) = callback.error {
            return Err(AuthError::ProviderDenied(sanitize_error_code(error)));
        }
        if stored.provider != provider {
            return Err(AuthError::InvalidState(StateRejection::WrongProvider));
        }
        if stored.expires_at <= Utc::now() {
            return Err(AuthError::InvalidState(StateRejection::Expired));
        }
        if kind == ClientKind::Browser
            && !state_cookie.is_some_and(|c| bool::from(c.as_bytes().ct_eq(state.as_bytes())))
        {
            return Err(AuthError::InvalidState(StateRejection::NotBoundToBrowser));
        }
        let code = callback
            .code
            .filter(|c| !c.is_empty() && c.len() <= MAX_PARAM_LEN)
            .ok_or(AuthError::MissingCode)?;
        let profile = idp
            .exchange(code, &stored.pkce_verifier, &self.redirect_uri(provider))
            .await?;
        if profile.provider != provider {
            return Err(AuthError::provider_msg("profile from the wrong provider"));
        }
        let (user, created) = self.resolve_user(&profile).await?;
        let token = self.tokens.issue(&user, Utc::now())?;
        tracing::info!(user_id = %user.id, %provider, created, "login completed");
        Ok(LoginOutcome {
            kind,
            user,
            token,
            created,
        })
    }

    /// Finds the user of this identity; else links it to the user with the same verified
    /// email; else creates a user. Concurrent first logins of one identity end on one user.
    async fn resolve_user(&self, profile: &ProviderProfile) -> Result<(User, bool), AuthError> {
        let users = &self.repos.users;
        if let Some(user) = users
            .find_by_identity(profile.provider, &profile.subject)
            .await?
        {
            users.record_login(user.id, profile.provider).await?;
            return Ok((user, false));
        }
        let verified_email = profile.email.as_deref().filter(|_| profile.email_verified);
        if let Some(email) = verified_email
            && let Some(user) = users.find_by_verified_email(email).await?
        {
            match users
                .link_identity(user.id, profile.provider, &profile.subject)
                .await
            {
                Ok(()) | Err(RepoError::Conflict) => {}
                Err(e) => return Err(e.into()),
            }
            users.record_login(user.id, profile.provider).await?;
            return self.linked_user(profile).await.map(|u| (u, false));
        }
        let new = NewUser {
            id: UserId::new(),
            email: profile.email.clone(),
            email_verified: profile.email_verified,
            display_name: profile.display_name.clone(),
            first_name: profile.first_name.clone(),
            last_name: profile.last_name.clone(),
            avatar_url: profile.avatar_url.clone(),
            last_provider: profile.provider,
        };
        match users.create_with_identity(new, &profile.subject).await {
            Ok(user) => Ok((user, true)),
            // Another request created it a moment ago.
            Err(RepoError::Conflict) => self.linked_user(profile).await.map(|u| (u, false)),
            Err(e) => Err(e.into()),
        }
    }

    async fn linked_user(&self, profile: &ProviderProfile) -> Result<User, AuthError> {
        self.repos
            .users
            .find_by_identity(profile.provider, &profile.subject)
            .await?
            .ok_or_else(|| AuthError::Internal("identity vanished while linking".into()))
    }

    /// Checks a token's signature and claims only — no revocation or user lookup, so no I/O.
    /// For deciding whose quota a request counts against before the handler authenticates
    /// it fully; never enough to grant access.
    pub fn verify_signature(&self, token: &str) -> Result<VerifiedToken, AuthError> {
        self.tokens.verify(token)
    }

    /// Checks a bearer token or session cookie value, including revocation, and loads its user:
    /// the signature and claims, then revocation and user in one lookup; all of it may come
    /// from the session cache for the same token text (see [`AuthService::with_session_cache`]),
    /// whose hits are refused once the token's `exp` has passed.
    pub async fn authenticate(&self, token: &str) -> Result<Authenticated, AuthError> {
        let read_at = Instant::now();
        // A hit stands for a verification of these exact bytes (see `session_cache`).
        if let Some(hit) = self.sessions.get(token, read_at, Utc::now()) {
            return Ok(Authenticated {
                user: hit.user,
                token: hit.token,
            });
        }
        let verified = self.tokens.verify(token)?;
        let session = self
            .repos
            .sessions
            .session(verified.user_id, &verified.jti)
            .await?
            .ok_or(AuthError::InvalidToken(TokenRejection::UnknownUser))?;
        // The token's own revocation, and beside it the user's "log out everywhere" cutoff.
        let cut_off = session
            .user
            .sessions_valid_after
            .is_some_and(|cutoff| verified.issued_at < cutoff);
        if session.revoked || cut_off {
            return Err(AuthError::InvalidToken(TokenRejection::Revoked));
        }
        self.sessions.put(token, &verified, &session.user, read_at);
        Ok(Authenticated {
            user: session.user,
            token: verified,
        })
    }

    /// Finds the user with this verified email, or creates one with no linked identity, and
    /// issues an access token for it. For operators (`cue-gateway token`): load tests, API
    /// checks and support, where no identity provider is at hand. Whoever can run this holds
    /// the signing key anyway; it grants nothing a forged token would not.
    pub async fn provision(
        &self,
        email: &str,
        display_name: Option<String>,
    ) -> Result<LoginOutcome, AuthError> {
        let email = checked_email(email)?;
        let display_name = limit("name", display_name, 120)?.filter(|n| !n.is_empty());
        let users = &self.repos.users;
        let (user, created) = match users.find_by_verified_email(&email).await? {
            Some(user) => (user, false),
            None => {
                let new = ProvisionedUser {
                    id: UserId::new(),
                    email,
                    display_name,
                };
                (users.create_provisioned(new).await?, true)
            }
        };
        let token = self.tokens.issue(&user, Utc::now())?;
        tracing::info!(user_id = %user.id, created, "token issued by an operator");
        Ok(LoginOutcome {
            kind: ClientKind::Api,
            user,
            token,
            created,
        })
    }

    /// Revokes the token until it would have expired anyway: at once on this instance, on
    /// others within the session cache's ttl.
    pub async fn logout(&self, token: &VerifiedToken) -> Result<(), AuthError> {
        self.repos
            .revocations
            .revoke(&token.jti, token.expires_at)
            .await?;
        self.sessions.forget_token(&token.jti);
        Ok(())
    }

    /// Ends every session of the caller: every token issued up to now stops working. `iat`
    /// has whole seconds, so the cutoff is the start of the next second: no earlier token
    /// survives, and a login within the same second as this call has to be repeated.
    pub async fn logout_everywhere(&self, auth: &Authenticated) -> Result<(), AuthError> {
        let now = Utc::now();
        let cutoff =
            DateTime::<Utc>::from_timestamp(now.timestamp().saturating_add(1), 0).unwrap_or(now);
        if !self.repos.users.end_sessions(auth.user.id, cutoff).await? {
            return Err(AuthError::InvalidToken(TokenRejection::UnknownUser));
        }
        // this instance forgets them now; others within the cache's bound, as for a logout
        self.sessions.forget_user(auth.user.id);
        self.logout(&auth.token).await
    }

    pub async fn profile(&self, id: UserId) -> Result<User, AuthError> {
        self.repos
            .users
            .find(id)
            .await?
            .ok_or(AuthError::InvalidToken(TokenRejection::UnknownUser))
    }

    /// Validates and stores profile fields; `None` fields stay as they are.
    pub async fn update_profile(
        &self,
        id: UserId,
        update: ProfileUpdate,
    ) -> Result<User, AuthError> {
        let update = ProfileUpdate {
            display_name: limit("displayName", update.display_name, 120)?,
            first_name: limit("firstName", update.first_name, 120)?,
            last_name: limit("lastName", update.last_name, 120)?,
            avatar_url: limit("profileImageUrl", update.avatar_url, 2048)?,
            company_name: limit("companyName", update.company_name, 200)?,
            industry: limit("industry", update.industry, 120)?,
            role: limit("role", update.role, 120)?,
            usage_purpose: limit("usagePurpose", update.usage_purpose, 1000)?,
        };
        if let Some(url) = update.avatar_url.as_deref()
            && !url.is_empty()
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            return Err(AuthError::InvalidProfile(
                "profileImageUrl must be an http(s) URL".into(),
            ));
        }
        let updated = self.repos.users.update_profile(id, update).await;
        // Whatever the outcome: a failed update may still have been applied.
        self.sessions.forget_user(id);
        updated?.ok_or(AuthError::InvalidToken(TokenRejection::UnknownUser))
    }

    /// Deletes expired login states and revocations; run periodically.
    pub async fn purge_expired(&self) -> Result<(u64, u64), AuthError> {
        let now = Utc::now();
        let states = self.repos.states.purge_expired(now).await?;
        let revoked = self.repos.revocations.purge_expired(now).await?;
        Ok((states, revoked))
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use url::Url;

    use super::*;
    use crate::jwt::{JwtConfig, SigningKey};
    use crate::memory::{FakeProvider, in_memory_repos};

    struct Harness {
        service: AuthService,
        google: Arc<FakeProvider>,
        github: Arc<FakeProvider>,
        repos: AuthRepos,
    }

    fn harness() -> Harness {
        harness_with_token_ttl(Duration::from_secs(900))
    }

    fn harness_with_token_ttl(token_ttl: Duration) -> Harness {
        let repos = in_memory_repos();
        let google = Arc::new(FakeProvider::new(Provider::Google));
        let github = Arc::new(FakeProvider::new(Provider::Github));
        let tokens = TokenCodec::new(JwtConfig {
            secret: SigningKey::new([7u8; 32]),
            issuer: "cue".into(),
            audience: "cue-api".into(),
            ttl: token_ttl,
            leeway: Duration::from_secs(0),
        });
        let service = AuthService::new(
            repos.clone(),
            vec![
                google.clone() as Arc<dyn OAuthProvider>,
                github.clone() as Arc<dyn OAuthProvider>,
            ],
            tokens,
            LoginSettings {
                redirect_base_url: "http://api.test/".into(),
                state_ttl: Duration::from_secs(600),
            },
        );
        Harness {
            service,
            google,
            github,
            repos,
        }
    }

    fn profile(provider: Provider, subject: &str, email: &str, verified: bool) -> ProviderProfile {
        ProviderProfile {
            provider,
            subject: subject.into(),
            email: Some(email.into()),
            email_verified: verified,
            display_name: Some("Ada Lovelace".into()),
            first_name: Some("Ada".into()),
            last_name: Some("Lovelace".into()),
            avatar_url: None,
        }
    }

    async fn login(h: &Harness, provider: Provider, code: &str) -> Result<LoginOutcome, AuthError> {
        let start = h.service.begin_login(provider, ClientKind::Browser).await?;
        let cb = Callback {
            code: Some(code),
            state: Some(&start.state),
            error: None,
        };
        h.service
            .complete_login(provider, cb, Some(&start.state))
            .await
    }

    fn state_rejection(r: Result<LoginOutcome, AuthError>) -> StateRejection {
        match r {
            Err(AuthError::InvalidState(why)) => why,
            other => panic!("expected a state rejection, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn begin_login_sends_a_pkce_challenge_that_matches_the_verifier_used_later() {
        let h = harness();
        h.google.accept(
            "c1",
            profile(Provider::Google, "g-1", "ada@example.com", true),
        );
        let start = h
            .service
            .begin_login(Provider::Google, ClientKind::Browser)
            .await
            .unwrap();
        let url = Url::parse(&start.authorize_url).unwrap();
        let q: HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(q["state"], start.state);
        assert_eq!(q["redirect_uri"], "http://api.test/auth/google/callback");
        let cb = Callback {
            code: Some("c1"),
            state: Some(&start.state),
            error: None,
        };
        h.service
            .complete_login(Provider::Google, cb, Some(&start.state))
            .await
            .unwrap();
        let verifier = h.google.verifiers_seen().pop().unwrap();
        assert_eq!(pkce_challenge(&verifier), q["code_challenge"]);
    }

    #[tokio::test]
    async fn first_login_creates_the_user_and_second_finds_it() {
        let h = harness();
        h.google.accept(
            "c1",
            profile(Provider::Google, "g-1", "ada@example.com", true),
        );
        let first = login(&h, Provider::Google, "c1").await.unwrap();
        assert!(first.created);
        let second = login(&h, Provider::Google, "c1").await.unwrap();
        assert!(!second.created);
        assert_eq!(first.user.id, second.user.id);
        let me = h.service.authenticate(&second.token.token).await.unwrap();
        assert_eq!(me.user.id, first.user.id);
    }

    #[tokio::test]
    async fn verified_email_links_github_to_the_google_user() {
        let h = harness();
        h.google.accept(
            "g",
            profile(Provider::Google, "g-1", "ada@example.com", true),
        );
        h.github.accept(
            "h",
            profile(Provider::Github, "42", "ADA@example.com", true),
        );
        let google = login(&h, Provider::Google, "g").await.unwrap();
        let github = login(&h, Provider::Github, "h").await.unwrap();
        assert_eq!(google.user.id, github.user.id);
        assert!(!github.created);
    }

    #[tokio::test]
    async fn unverified_email_never_links_accounts() {
        let h = harness();
        h.google.accept(
            "g",
            profile(Provider::Google, "g-1", "ada@example.com", true),
        );
        h.github.accept(
            "h",
            profile(Provider::Github, "42", "ada@example.com", false),
        );
        let google = login(&h, Provider::Google, "g").await.unwrap();
        let github = login(&h, Provider::Github, "h").await.unwrap();
        assert_ne!(google.user.id, github.user.id);
        assert!(github.created);
    }

    #[tokio::test]
    async fn replayed_state_is_rejected() {
        let h = harness();
        h.google.accept(
            "c1",
            profile(Provider::Google, "g-1", "a@example.com", true),
        );
        let start = h
            .service
            .begin_login(Provider::Google, ClientKind::Browser)
            .await
            .unwrap();
        let cb = || Callback {
            code: Some("c1"),
            state: Some(&start.state),
            error: None,
        };
        h.service
            .complete_login(Provider::Google, cb(), Some(&start.state))
            .await
            .unwrap();
        let again = h
            .service
            .complete_login(Provider::Google, cb(), Some(&start.state))
            .await;
        assert_eq!(state_rejection(again), StateRejection::Unknown);
    }

    #[tokio::test]
    async fn unknown_missing_and_oversized_states_are_rejected() {
        let h = harness();
        let long = "x".repeat(5000);
        for state in [
            None,
            Some(""),
            Some("never-issued"),
            Some("b.never-issued"),
            Some(long.as_str()),
        ] {
            let cb = Callback {
                code: Some("c"),
                state,
                error: None,
            };
            let r = h.service.complete_login(Provider::Google, cb, state).await;
            assert_eq!(state_rejection(r), StateRejection::Unknown, "{state:?}");
        }
    }

    #[tokio::test]
    async fn state_of_the_other_provider_is_rejected_and_consumed() {
        let h = harness();
        h.github
            .accept("c", profile(Provider::Github, "42", "a@example.com", true));
        let start = h
            .service
            .begin_login(Provider::Google, ClientKind::Browser)
            .await
            .unwrap();
        let cb = || Callback {
            code: Some("c"),
            state: Some(&start.state),
            error: None,
        };
        let r = h
            .service
            .complete_login(Provider::Github, cb(), Some(&start.state))
            .await;
        assert_eq!(state_rejection(r), StateRejection::WrongProvider);
        let r = h
            .service
            .complete_login(Provider::Google, cb(), Some(&start.state))
            .await;
        assert_eq!(state_rejection(r), StateRejection::Unknown);
    }

    #[tokio::test]
    async fn expired_state_is_rejected() {
        let h = harness();
        h.repos
            .states
            .put(LoginState {
                state_hash: state_hash("a.old"),
                provider: Provider::Google,
                pkce_verifier: "v".into(),
                expires_at: Utc::now() - chrono::Duration::seconds(1),
            })
            .await
            .unwrap();
        let cb = Callback {
            code: Some("c"),
            state: Some("a.old"),
            error: None,
        };
        let r = h.service.complete_login(Provider::Google, cb, None).await;
        assert_eq!(state_rejection(r), StateRejection::Expired);
    }

    #[tokio::test]
    async fn browser_without_the_matching_state_cookie_is_rejected() {
        let h = harness();
        h.google
            .accept("c", profile(Provider::Google, "g", "a@example.com", true));
        for cookie in [None, Some("someone-elses-state")] {
            let start = h
                .service
                .begin_login(Provider::Google, ClientKind::Browser)
                .await
                .unwrap();
            let cb = Callback {
                code: Some("c"),
                state: Some(&start.state),
                error: None,
            };
            let r = h.service.complete_login(Provider::Google, cb, cookie).await;
            assert_eq!(state_rejection(r), StateRejection::NotBoundToBrowser);
        }
    }

    #[tokio::test]
    async fn api_client_login_needs_no_cookie_but_stays_single_use() {
        let h = harness();
        h.google
            .accept("c", profile(Provider::Google, "g", "a@example.com", true));
        let start = h
            .service
            .begin_login(Provider::Google, ClientKind::Api)
            .await
            .unwrap();
        let cb = || Callback {
            code: Some("c"),
            state: Some(&start.state),
            error: None,
        };
        let outcome = h
            .service
            .complete_login(Provider::Google, cb(), None)
            .await
            .unwrap();
        assert_eq!(outcome.kind, ClientKind::Api);
        let again = h.service.complete_login(Provider::Google, cb(), None).await;
        assert_eq!(state_rejection(again), StateRejection::Unknown);
    }

    #[tokio::test]
    async fn a_browser_state_cannot_be_redeemed_as_an_api_client() {
        let h = harness();
        h.google
            .accept("c", profile(Provider::Google, "g", "a@example.com", true));
        let start = h
            .service
            .begin_login(Provider::Google, ClientKind::Browser)
            .await
            .unwrap();
        // Rewriting the prefix changes the hash: the state is simply unknown.
        let forged = start.state.replacen("b.", "a.", 1);
        let cb = Callback {
            code: Some("c"),
            state: Some(&forged),
            error: None,
        };
        let r = h.service.complete_login(Provider::Google, cb, None).await;
        assert_eq!(state_rejection(r), StateRejection::Unknown);
    }

    #[tokio::test]
    async fn provider_error_is_reported_and_consumes_the_state() {
        let h = harness();
        let start = h
            .service
            .begin_login(Provider::Google, ClientKind::Browser)
            .await
            .unwrap();
        let cb = Callback {
            code: None,
            state: Some(&start.state),
            error: Some("access_denied<script>"),
        };
        match h
            .service
            .complete_login(Provider::Google, cb, Some(&start.state))
            .await
        {
            Err(AuthError::ProviderDenied(code)) => assert_eq!(code, "access_deniedscript"),
            other => panic!("{other:?}"),
        }
        let cb = Callback {
            code: Some("c"),
            state: Some(&start.state),
            error: None,
        };
        let r = h
            .service
            .complete_login(Provider::Google, cb, Some(&start.state))
            .await;
        assert_eq!(state_rejection(r), StateRejection::Unknown);
    }

    #[tokio::test]
    async fn missing_code_is_rejected() {
        let h = harness();
        let start = h
            .service
            .begin_login(Provider::Google, ClientKind::Browser)
            .await
            .unwrap();
        let cb = Callback {
            code: None,
            state: Some(&start.state),
            error: None,
        };
        let r = h
            .service
            .complete_login(Provider::Google, cb, Some(&start.state))
            .await;
        assert!(matches!(r, Err(AuthError::MissingCode)));
    }

    #[tokio::test]
    async fn logout_revokes_the_token() {
        let h = harness();
        h.google
            .accept("c", profile(Provider::Google, "g", "a@example.com", true));
        let outcome = login(&h, Provider::Google, "c").await.unwrap();
        let auth = h.service.authenticate(&outcome.token.token).await.unwrap();
        h.service.logout(&auth.token).await.unwrap();
        match h.service.authenticate(&outcome.token.token).await {
            Err(AuthError::InvalidToken(TokenRejection::Revoked)) => {}
            other => panic!("{other:?}"),
        }
    }

    fn revoked(r: Result<Authenticated, AuthError>) -> bool {
        matches!(r, Err(AuthError::InvalidToken(TokenRejection::Revoked)))
    }

    #[tokio::test]
    async fn a_revocation_made_elsewhere_is_seen_within_the_session_cache_ttl() {
        let mut h = harness();
        let ttl = Duration::from_millis(200);
        h.service = h.service.with_session_cache(ttl);
        h.google
            .accept("c", profile(Provider::Google, "g", "a@example.com", true));
        let token = login(&h, Provider::Google, "c").await.unwrap().token;
        let auth = h.service.authenticate(&token.token).await.unwrap();
        // Another instance revokes it: this one does not know until its entry expires.
        h.repos
            .revocations
            .revoke(&auth.token.jti, auth.token.expires_at)
            .await
            .unwrap();
        assert!(h.service.authenticate(&token.token).await.is_ok());
        tokio::time::sleep(ttl + Duration::from_millis(20)).await;
        assert!(revoked(h.service.authenticate(&token.token).await));
        // A refusal is not cached either way: still refused.
        assert!(revoked(h.service.authenticate(&token.token).await));
    }

    #[tokio::test]
    async fn logout_and_profile_updates_here_bypass_the_session_cache() {
        let mut h = harness();
        h.service = h.service.with_session_cache(Duration::from_secs(60));
        h.google
            .accept("c", profile(Provider::Google, "g", "a@example.com", true));
        let token = login(&h, Provider::Google, "c").await.unwrap().token;
        let auth = h.service.authenticate(&token.token).await.unwrap();
        let update = ProfileUpdate {
            display_name: Some("Countess".into()),
            ..ProfileUpdate::default()
        };
        h.service
            .update_profile(auth.user.id, update)
            .await
            .unwrap();
        let again = h.service.authenticate(&token.token).await.unwrap();
        assert_eq!(again.user.display_name.as_deref(), Some("Countess"));
        h.service.logout(&again.token).await.unwrap();
        assert!(revoked(h.service.authenticate(&token.token).await));
    }

    #[tokio::test]
    async fn logout_everywhere_here_ends_cached_sessions_at_once() {
        let mut h = harness();
        h.service = h.service.with_session_cache(Duration::from_secs(60));
        h.google
            .accept("c", profile(Provider::Google, "g", "a@example.com", true));
        let laptop = login(&h, Provider::Google, "c").await.unwrap().token.token;
        let phone = login(&h, Provider::Google, "c").await.unwrap().token.token;
        // both sessions are in the cache now
        h.service.authenticate(&phone).await.unwrap();
        let auth = h.service.authenticate(&laptop).await.unwrap();
        h.service.logout_everywhere(&auth).await.unwrap();
        assert!(revoked(h.service.authenticate(&phone).await));
        assert!(revoked(h.service.authenticate(&laptop).await));
    }

    #[tokio::test]
    async fn a_cached_session_never_outlives_the_tokens_expiry() {
        let mut h = harness_with_token_ttl(Duration::from_secs(1));
        h.service = h.service.with_session_cache(Duration::from_secs(60));
        h.google
            .accept("c", profile(Provider::Google, "g", "a@example.com", true));
        let token = login(&h, Provider::Google, "c").await.unwrap().token;
        let auth = h.service.authenticate(&token.token).await.unwrap();
        assert!(h.service.authenticate(&token.token).await.is_ok(), "cached");
        // The check has whole seconds: it refuses from the second after `exp` on.
        let left = (auth.token.expires_at - Utc::now())
            .to_std()
            .unwrap_or_default();
        tokio::time::sleep(left + Duration::from_millis(1020)).await;
        match h.service.authenticate(&token.token).await {
            Err(AuthError::InvalidToken(TokenRejection::Expired)) => {}
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn a_cached_token_does_not_vouch_for_an_altered_copy() {
        let mut h = harness();
        h.service = h.service.with_session_cache(Duration::from_secs(60));
        h.google
            .accept("c", profile(Provider::Google, "g", "a@example.com", true));
        let token = login(&h, Provider::Google, "c").await.unwrap().token.token;
        h.service.authenticate(&token).await.unwrap();
        // The same claims under a signature one character off (not the last one, whose low
        // bits are base64 padding), and with a character appended.
        let at = token.len() - 5;
        let flipped = if &token[at..=at] == "A" { "B" } else { "A" };
        let forged = format!("{}{flipped}{}", &token[..at], &token[at + 1..]);
        for altered in [forged, format!("{token}A")] {
            match h.service.authenticate(&altered).await {
                Err(AuthError::InvalidToken(
                    TokenRejection::BadSignature | TokenRejection::Malformed,
                )) => {}
                other => panic!("{altered}: {other:?}"),
            }
        }
        assert!(h.service.authenticate(&token).await.is_ok());
    }

    #[tokio::test]
    async fn without_the_session_cache_a_revocation_elsewhere_counts_at_once() {
        let h = harness();
        h.google
            .accept("c", profile(Provider::Google, "g", "a@example.com", true));
        let token = login(&h, Provider::Google, "c").await.unwrap().token;
        let auth = h.service.authenticate(&token.token).await.unwrap();
        h.repos
            .revocations
            .revoke(&auth.token.jti, auth.token.expires_at)
            .await
            .unwrap();
        assert!(revoked(h.service.authenticate(&token.token).await));
    }

    #[tokio::test]
    async fn logout_everywhere_ends_every_session_of_the_user_only() {
        let h = harness();
        h.google
            .accept("c", profile(Provider::Google, "g", "a@example.com", true));
        h.google
            .accept("d", profile(Provider::Google, "h", "b@example.com", true));
        let laptop = login(&h, Provider::Google, "c").await.unwrap().token.token;
        let phone = login(&h, Provider::Google, "c").await.unwrap().token.token;
        let other_user = login(&h, Provider::Google, "d").await.unwrap().token.token;
        let auth = h.service.authenticate(&laptop).await.unwrap();
        h.service.logout_everywhere(&auth).await.unwrap();
        for token in [&laptop, &phone] {
            match h.service.authenticate(token).await {
                Err(AuthError::InvalidToken(TokenRejection::Revoked)) => {}
                other => panic!("{other:?}"),
            }
        }
        h.service.authenticate(&other_user).await.unwrap();
        // A login after the cutoff (the next second) works again.
        let wait = 1000 - i64::from(Utc::now().timestamp_subsec_millis()) + 20;
        tokio::time::sleep(Duration::from_millis(u64::try_from(wait).unwrap())).await;
        let again = login(&h, Provider::Google, "c").await.unwrap().token.token;
        h.service.authenticate(&again).await.unwrap();
    }

    #[tokio::test]
    async fn unconfigured_provider_is_reported() {
        let repos = in_memory_repos();
        let service = AuthService::new(
            repos,
            vec![],
            TokenCodec::new(JwtConfig {
                secret: SigningKey::new([1u8; 32]),
                issuer: "i".into(),
                audience: "a".into(),
                ttl: Duration::from_secs(60),
                leeway: Duration::ZERO,
            }),
            LoginSettings {
                redirect_base_url: "http://x".into(),
                state_ttl: Duration::from_secs(60),
            },
        );
        assert!(matches!(
            service
                .begin_login(Provider::Github, ClientKind::Browser)
                .await,
            Err(AuthError::ProviderNotConfigured(Provider::Github))
        ));
    }

    #[tokio::test]
    async fn profile_update_is_validated() {
        let h = harness();
        h.google
            .accept("c", profile(Provider::Google, "g", "a@example.com", true));
        let user = login(&h, Provider::Google, "c").await.unwrap().user;
        let ok = ProfileUpdate {
            company_name: Some("  Acme  ".into()),
            ..Default::default()
        };
        let updated = h.service.update_profile(user.id, ok).await.unwrap();
        assert_eq!(updated.profile.company_name.as_deref(), Some("Acme"));
        for bad in [
            ProfileUpdate {
                role: Some("x".repeat(121)),
                ..Default::default()
            },
            ProfileUpdate {
                industry: Some("a\u{0}b".into()),
                ..Default::default()
            },
            ProfileUpdate {
                avatar_url: Some("javascript:alert(1)".into()),
                ..Default::default()
            },
        ] {
            assert!(matches!(
                h.service.update_profile(user.id, bad).await,
                Err(AuthError::InvalidProfile(_))
            ));
        }
    }

    #[tokio::test]
    async fn provision_creates_a_verified_user_once_and_its_token_authenticates() {
        let h = harness();
        let first = h
            .service
            .provision(" bench@example.com ", Some("Load Test".into()))
            .await
            .unwrap();
        assert!(first.created);
        assert_eq!(first.user.email.as_deref(), Some("bench@example.com"));
        assert!(first.user.email_verified);
        assert_eq!(first.user.display_name.as_deref(), Some("Load Test"));
        assert_eq!(first.user.last_provider, None);
        let me = h.service.authenticate(&first.token.token).await.unwrap();
        assert_eq!(me.user.id, first.user.id);

        let again = h
            .service
            .provision("BENCH@example.com", None)
            .await
            .unwrap();
        assert!(!again.created);
        assert_eq!(again.user.id, first.user.id);
        assert_ne!(again.token.jti, first.token.jti);
    }

    #[tokio::test]
    async fn provision_finds_a_user_who_logged_in_and_a_later_login_links_to_a_provisioned_one() {
        let h = harness();
        h.google.accept(
            "g",
            profile(Provider::Google, "g-1", "ada@example.com", true),
        );
        let ada = login(&h, Provider::Google, "g").await.unwrap().user;
        let provisioned = h.service.provision("ada@example.com", None).await.unwrap();
        assert!(!provisioned.created);
        assert_eq!(provisioned.user.id, ada.id);

        let bob = h.service.provision("bob@example.com", None).await.unwrap();
        h.github.accept(
            "h",
            profile(Provider::Github, "77", "bob@example.com", true),
        );
        let github = login(&h, Provider::Github, "h").await.unwrap();
        assert!(!github.created);
        assert_eq!(github.user.id, bob.user.id);
    }

    #[tokio::test]
    async fn provision_rejects_what_is_not_an_email_and_overlong_names() {
        let h = harness();
        let long_local = format!("{}@example.com", "a".repeat(250));
        for bad in [
            "",
            "   ",
            "no-at-sign",
            "@example.com",
            "ada@",
            "a@b@c",
            "ada lovelace@example.com",
            "ada@exa\u{0}mple.com",
            long_local.as_str(),
        ] {
            let result = h.service.provision(bad, None).await;
            assert!(
                matches!(result, Err(AuthError::InvalidProfile(_))),
                "{bad:?} was accepted"
            );
        }
        let result = h
            .service
            .provision("ada@example.com", Some("x".repeat(121)))
            .await;
        assert!(matches!(result, Err(AuthError::InvalidProfile(_))));
        assert!(
            h.repos
                .users
                .find_by_verified_email("ada@example.com")
                .await
                .unwrap()
                .is_none(),
            "a rejected call must not create the user"
        );
    }
}
