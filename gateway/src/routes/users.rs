//! The current user, in the specification's shape and in the frontend's.

use actix_web::web;
use chrono::{DateTime, Utc};
use cue_auth::{ProfileUpdate, User};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::extract::AuthUser;
use crate::http::error::{ApiError, ErrorBody};
use crate::middleware::policy::Route;
use crate::middleware::ratelimit::Bucket;
use crate::state::AppState;
use crate::wire::users::{FrontendUser, display_name};

/// The specification's user (`GET /users/me`).
#[derive(Serialize, ToSchema)]
pub struct MeResponse {
    id: String,
    email: Option<String>,
    name: String,
    first_name: Option<String>,
    last_name: Option<String>,
    avatar_url: Option<String>,
    provider: Option<String>,
    company_name: Option<String>,
    industry: Option<String>,
    role: Option<String>,
    usage_purpose: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<User> for MeResponse {
    fn from(u: User) -> Self {
        Self {
            id: u.id.to_string(),
            name: display_name(&u),
            email: u.email,
            first_name: u.first_name,
            last_name: u.last_name,
            avatar_url: u.avatar_url,
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

/// The current user (specification shape).
#[utoipa::path(get, path = "/users/me", tag = "users", security(("bearer" = []), ("cookie" = [])), responses(
    (status = 200, body = MeResponse), (status = 401, body = ErrorBody)
))]
pub async fn get_me(user: AuthUser) -> web::Json<MeResponse> {
    web::Json(MeResponse::from(user.auth.user))
}

/// The current user (frontend shape). Also served at `/auth/users/api/me` and
/// `/api/auth/profile`, the paths the frontend's other code uses.
#[utoipa::path(get, path = "/auth/users/me", tag = "users", security(("bearer" = []), ("cookie" = [])), responses(
    (status = 200, body = FrontendUser), (status = 401, body = ErrorBody)
))]
pub async fn get_frontend_me(user: AuthUser) -> web::Json<FrontendUser> {
    web::Json(FrontendUser::from(user.auth.user))
}

/// A partial profile update (frontend field names). Absent fields stay as they are.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProfilePatch {
    first_name: Option<String>,
    last_name: Option<String>,
    display_name: Option<String>,
    profile_image_url: Option<String>,
    company_name: Option<String>,
    industry: Option<String>,
    role: Option<String>,
    usage_purpose: Option<String>,
    /// Accepted for compatibility with the frontend's profile type; not stored.
    #[serde(default)]
    #[expect(
        dead_code,
        reason = "accepted so the frontend's body parses; never read"
    )]
    remember_me: Option<bool>,
    #[serde(default)]
    #[expect(
        dead_code,
        reason = "accepted so the frontend's body parses; never read"
    )]
    email: Option<String>,
}

impl From<ProfilePatch> for ProfileUpdate {
    fn from(p: ProfilePatch) -> Self {
        Self {
            display_name: p.display_name,
            first_name: p.first_name,
            last_name: p.last_name,
            avatar_url: p.profile_image_url,
            company_name: p.company_name,
            industry: p.industry,
            role: p.role,
            usage_purpose: p.usage_purpose,
        }
    }
}

/// Updates profile fields (frontend shape). Also `PUT /api/auth/profile`.
#[utoipa::path(put, path = "/auth/users/profile", tag = "users", request_body = ProfilePatch, security(("bearer" = []), ("cookie" = [])), responses(
    (status = 200, body = FrontendUser), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)
))]
pub async fn put_profile(
    user: AuthUser,
    state: web::Data<AppState>,
    body: web::Json<ProfilePatch>,
) -> Result<web::Json<FrontendUser>, ApiError> {
    let updated = state
        .auth
        .update_profile(user.id(), body.into_inner().into())
        .await?;
    Ok(web::Json(updated.into()))
}

/// The onboarding form: every field is required.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Onboarding {
    first_name: String,
    last_name: String,
    company_name: String,
    industry: String,
    role: String,
    usage_purpose: String,
}

/// Completes onboarding (the frontend's registration form). Also
/// `POST /auth/users/complete-onboarding`.
#[utoipa::path(post, path = "/api/auth/onboarding", tag = "users", request_body = Onboarding, security(("bearer" = []), ("cookie" = [])), responses(
    (status = 200, body = FrontendUser), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)
))]
pub async fn post_onboarding(
    user: AuthUser,
    state: web::Data<AppState>,
    body: web::Json<Onboarding>,
) -> Result<web::Json<FrontendUser>, ApiError> {
    let b = body.into_inner();
    let fields = [
        ("firstName", &b.first_name),
        ("lastName", &b.last_name),
        ("companyName", &b.company_name),
        ("industry", &b.industry),
        ("role", &b.role),
        ("usagePurpose", &b.usage_purpose),
    ];
    if let Some((name, _)) = fields.iter().find(|(_, v)| v.trim().is_empty()) {
        return Err(ApiError::unprocessable(
            "invalid_profile",
            format!("{name} must not be empty"),
        ));
    }
    let update = ProfileUpdate {
        display_name: None,
        avatar_url: None,
        first_name: Some(b.first_name),
        last_name: Some(b.last_name),
        company_name: Some(b.company_name),
        industry: Some(b.industry),
        role: Some(b.role),
        usage_purpose: Some(b.usage_purpose),
    };
    let updated = state.auth.update_profile(user.id(), update).await?;
    Ok(web::Json(updated.into()))
}

/// Reads of the signed-in user are not limited (the frontend asks on every page); changes
/// count per user against the write limit. None of these is part of the login flow, so none
/// shares the per-IP login limit.
pub fn routes() -> Vec<Route> {
    vec![
        Route::new("/users/me", |r| r.get(get_me)),
        Route::new("/auth/users/me", |r| r.get(get_frontend_me)),
        // The frontend's other paths for the same things.
        Route::new("/auth/users/api/me", |r| r.get(get_frontend_me)),
        Route::new("/api/auth/profile", |r| {
            r.get(get_frontend_me).put(put_profile)
        })
        .writes_limited(Bucket::Write),
        Route::new("/auth/users/profile", |r| r.put(put_profile)).limited(Bucket::Write),
        Route::new("/api/auth/onboarding", |r| r.post(post_onboarding)).limited(Bucket::Write),
        Route::new("/auth/users/complete-onboarding", |r| {
            r.post(post_onboarding)
        })
        .limited(Bucket::Write),
    ]
}
