//! [`UserRepository`] over the `users` and `identities` tables.

use async_trait::async_trait;
use chrono::NaiveDateTime;
use cue_auth::{NewUser, Profile, ProfileUpdate, Provider, RepoError, User, UserId, UserRepository};
use diesel::prelude::*;

use super::{db_now, from_db_time, uuid_from_db, uuid_to_db};
use crate::error::DbError;
use crate::pool::{AnyConnection, Pool, run, write_transaction};
use crate::schema::{identities, users};

/// Users and their linked identities, stored in the database.
#[derive(Clone)]
pub struct DbUserRepository {
    pool: Pool,
}

impl DbUserRepository {
    pub(crate) fn new(pool: Pool) -> Self {
        Self { pool }
    }
}

impl std::fmt::Debug for DbUserRepository {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbUserRepository").finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct UserRow {
    id: String,
    email: Option<String>,
    email_normalized: Option<String>,
    email_verified: bool,
    display_name: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    avatar_url: Option<String>,
    company_name: Option<String>,
    industry: Option<String>,
    role: Option<String>,
    usage_purpose: Option<String>,
    last_provider: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl UserRow {
    fn into_user(self) -> Result<User, DbError> {
        let last_provider = match self.last_provider.as_deref() {
            None => None,
            Some(p) => Some(Provider::parse(p).ok_or_else(|| DbError::corrupt("provider"))?),
        };
        Ok(User {
            id: UserId(uuid_from_db(&self.id, "user id")?),
            email: self.email,
            email_verified: self.email_verified,
            display_name: self.display_name,
            first_name: self.first_name,
            last_name: self.last_name,
            avatar_url: self.avatar_url,
            profile: Profile {
                company_name: self.company_name,
                industry: self.industry,
                role: self.role,
                usage_purpose: self.usage_purpose,
            },
            last_provider,
            created_at: from_db_time(self.created_at),
            updated_at: from_db_time(self.updated_at),
        })
    }
}

#[derive(Insertable)]
#[diesel(table_name = identities)]
struct IdentityRow<'a> {
    provider: &'a str,
    subject: &'a str,
    user_id: &'a str,
    created_at: NaiveDateTime,
}

/// Only the fields that change; `None` leaves a column alone.
#[derive(Default, AsChangeset)]
#[diesel(table_name = users)]
struct UserChanges {
    display_name: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    avatar_url: Option<String>,
    company_name: Option<String>,
    industry: Option<String>,
    role: Option<String>,
    usage_purpose: Option<String>,
    updated_at: Option<NaiveDateTime>,
}

/// Emails are compared case-insensitively through a lower-cased copy, which works the same
/// on both backends (SQLite's `lower()` only folds ASCII).
fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// `Some(new)` when `new` is given and differs from `current`; also updates `current`.
fn changed(current: &mut Option<String>, new: Option<String>) -> Option<String> {
    let new = new?;
    if current.as_deref() == Some(new.as_str()) {
        return None;
    }
    *current = Some(new.clone());
    Some(new)
}

fn find_row(conn: &mut AnyConnection, id: &str) -> Result<Option<UserRow>, DbError> {
    Ok(users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

fn insert_identity(conn: &mut AnyConnection, provider: Provider, subject: &str, user_id: &str) -> Result<(), DbError> {
    diesel::insert_into(identities::table)
        .values(IdentityRow {
            provider: provider.as_str(),
            subject,
            user_id,
            created_at: db_now(),
        })
        .execute(conn)?;
    Ok(())
}

#[async_trait]
impl UserRepository for DbUserRepository {
    async fn find(&self, id: UserId) -> Result<Option<User>, RepoError> {
        let id = uuid_to_db(id.0);
        let row = run(&self.pool, move |c| find_row(c, &id)).await?;
        Ok(row.map(UserRow::into_user).transpose()?)
    }

    async fn find_by_identity(&self, provider: Provider, subject: &str) -> Result<Option<User>, RepoError> {
        let subject = subject.to_owned();
        let row = run(&self.pool, move |c| {
            Ok(identities::table
                .inner_join(users::table)
                .filter(identities::provider.eq(provider.as_str()))
                .filter(identities::subject.eq(&subject))
                .select(UserRow::as_select())
                .first(c)
                .optional()?)
        })
        .await?;
        Ok(row.map(UserRow::into_user).transpose()?)
    }

    async fn find_by_verified_email(&self, email: &str) -> Result<Option<User>, RepoError> {
        let email = normalize_email(email);
        if email.is_empty() {
            return Ok(None);
        }
        let row = run(&self.pool, move |c| {
            // Several users may share a verified address (it was never unique); the oldest wins.
            Ok(users::table
                .filter(users::email_normalized.eq(&email))
                .filter(users::email_verified.eq(true))
                .order((users::created_at.asc(), users::id.asc()))
                .select(UserRow::as_select())
                .first(c)
                .optional()?)
        })
        .await?;
        Ok(row.map(UserRow::into_user).transpose()?)
    }

    async fn create_with_identity(&self, user: NewUser, subject: &str) -> Result<User, RepoError> {
        let subject = subject.to_owned();
        let now = db_now();
        let row = UserRow {
            id: uuid_to_db(user.id.0),
            email_normalized: user.email.as_deref().map(normalize_email),
            email: user.email,
            email_verified: user.email_verified,
            display_name: user.display_name,
            first_name: user.first_name,
            last_name: user.last_name,
            avatar_url: user.avatar_url,
            company_name: None,
            industry: None,
            role: None,
            usage_purpose: None,
            last_provider: Some(user.last_provider.as_str().to_owned()),
            created_at: now,
            updated_at: now,
        };
        let provider = user.last_provider;
        let row = run(&self.pool, move |c| {
            write_transaction(c, |c| {
                diesel::insert_into(users::table).values(&row).execute(c)?;
                insert_identity(c, provider, &subject, &row.id)?;
                Ok(row)
            })
        })
        .await?;
        Ok(row.into_user()?)
    }

    async fn link_identity(&self, id: UserId, provider: Provider, subject: &str) -> Result<(), RepoError> {
        let id = uuid_to_db(id.0);
        let subject = subject.to_owned();
        run(&self.pool, move |c| insert_identity(c, provider, &subject, &id)).await?;
        Ok(())
    }

    /// Sets the last provider and `updated_at`. A user that does not exist is left alone.
    async fn record_login(&self, id: UserId, provider: Provider) -> Result<(), RepoError> {
        let id = uuid_to_db(id.0);
        run(&self.pool, move |c| {
            diesel::update(users::table.find(&id))
                .set((
                    users::last_provider.eq(provider.as_str()),
                    users::updated_at.eq(db_now()),
                ))
                .execute(c)?;
            Ok(())
        })
        .await?;
        Ok(())
    }

    /// Only fields that actually change are written; `updated_at` moves only then.
    async fn update_profile(&self, id: UserId, update: ProfileUpdate) -> Result<Option<User>, RepoError> {
        let id = uuid_to_db(id.0);
        let row = run(&self.pool, move |c| {
            write_transaction(c, |c| {
                let Some(mut row) = find_row(c, &id)? else {
                    return Ok(None);
                };
                let mut changes = UserChanges {
                    display_name: changed(&mut row.display_name, update.display_name),
                    first_name: changed(&mut row.first_name, update.first_name),
                    last_name: changed(&mut row.last_name, update.last_name),
                    avatar_url: changed(&mut row.avatar_url, update.avatar_url),
                    company_name: changed(&mut row.company_name, update.company_name),
                    industry: changed(&mut row.industry, update.industry),
                    role: changed(&mut row.role, update.role),
                    usage_purpose: changed(&mut row.usage_purpose, update.usage_purpose),
                    updated_at: None,
                };
                let nothing_changed = changes.display_name.is_none()
                    && changes.first_name.is_none()
                    && changes.last_name.is_none()
                    && changes.avatar_url.is_none()
                    && changes.company_name.is_none()
                    && changes.industry.is_none()
                    && changes.role.is_none()
                    && changes.usage_purpose.is_none();
                if nothing_changed {
                    return Ok(Some(row));
                }
                let now = db_now();
                changes.updated_at = Some(now);
                row.updated_at = now;
                diesel::update(users::table.find(&id)).set(&changes).execute(c)?;
                Ok(Some(row))
            })
        })
        .await?;
        Ok(row.map(UserRow::into_user).transpose()?)
    }
}
