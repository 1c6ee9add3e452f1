//! Users, identities and the login state, as this crate sees them.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Identifies a Cue user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub Uuid);

impl UserId {
    pub fn new() -> Self {
        Self(Uuid::now_v7())
    }
}

impl Default for UserId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The identity providers a user can log in with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Google,
    Github,
}

impl Provider {
    pub const ALL: [Provider; 2] = [Provider::Google, Provider::Github];

    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Google => "google",
            Provider::Github => "github",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The profile fields the frontend's onboarding form collects.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub company_name: Option<String>,
    pub industry: Option<String>,
    pub role: Option<String>,
    pub usage_purpose: Option<String>,
}

/// A Cue user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: Option<String>,
    pub email_verified: bool,
    pub display_name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub avatar_url: Option<String>,
    pub profile: Profile,
    /// The provider of the most recent login.
    pub last_provider: Option<Provider>,
    /// "Log out everywhere": tokens issued before this instant are refused.
    pub sessions_valid_after: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Who a provider says the user is, after a successful code exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderProfile {
    pub provider: Provider,
    /// The provider's stable subject id (Google `sub`, GitHub numeric id).
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub display_name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub avatar_url: Option<String>,
}

/// A new user, created from a first login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub id: UserId,
    pub email: Option<String>,
    pub email_verified: bool,
    pub display_name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub avatar_url: Option<String>,
    pub last_provider: Provider,
}

/// A user an operator provisions by email (`cue-gateway token`), with no provider identity
/// linked yet. The operator vouches for the address, so it is stored as verified: a later
/// login whose verified email matches links to this user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvisionedUser {
    pub id: UserId,
    pub email: String,
    pub display_name: Option<String>,
}

/// Changes to a user's editable fields; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileUpdate {
    pub display_name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub avatar_url: Option<String>,
    pub company_name: Option<String>,
    pub industry: Option<String>,
    pub role: Option<String>,
    pub usage_purpose: Option<String>,
}

/// A login in progress: stored when the browser is sent to the provider and taken (once)
/// when it comes back. Only a hash of the `state` value is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginState {
    pub state_hash: String,
    pub provider: Provider,
    pub pkce_verifier: String,
    pub expires_at: DateTime<Utc>,
}
