//! The user as the frontend reads it, answered by the user routes and by the auth routes
//! (`/auth/validate-token`).

use chrono::{DateTime, Utc};
use cue_auth::User;
use serde::Serialize;
use utoipa::ToSchema;

/// The frontend's user (`GET /auth/users/me`), camelCase.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FrontendUser {
    id: String,
    email: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    display_name: Option<String>,
    profile_image_url: Option<String>,
    provider: Option<String>,
    company_name: Option<String>,
    industry: Option<String>,
    role: Option<String>,
    usage_purpose: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// A name to show: the display name, else first and last name, else the email's local part.
pub fn display_name(user: &User) -> String {
    if let Some(name) = user.display_name.as_deref().filter(|n| !n.is_empty()) {
        return name.to_owned();
    }
    let full = [user.first_name.as_deref(), user.last_name.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if !full.is_empty() {
        return full;
    }
    user.email
        .as_deref()
        .and_then(|e| e.split('@').next())
        .filter(|s| !s.is_empty())
        .unwrap_or("User")
        .to_owned()
}

impl From<User> for FrontendUser {
    fn from(u: User) -> Self {
        Self {
            id: u.id.to_string(),
            display_name: Some(display_name(&u)),
            email: u.email,
            first_name: u.first_name,
            last_name: u.last_name,
            profile_image_url: u.avatar_url,
            provider: u.last_provider.map(|p| p.to_string()),
            company_name: u.profile.company_name,
            industry: u.profile.industry,
            role: u.profile.role,
            usage_purpose: u.profile.usage_purpose,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}
