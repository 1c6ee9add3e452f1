//! [`UserRepository`] over the `users` and `identities` tables, and the [`SessionRepository`]
//! lookup that reads a user and a token's revocation together.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDateTime, Utc};
use cue_auth::{
    NewUser, Profile, ProfileUpdate, Provider, ProvisionedUser, RepoError, SessionRecord,
    SessionRepository, User, UserId, UserRepository,
};
use diesel::prelude::*;

use super::{db_now, from_db_time, to_db_time, uuid_from_db, uuid_to_db};
use crate::error::DbError;
use crate::pool::{AnyConnection, Pool, run, write_transaction};
use crate::schema::{identities, revoked_tokens, users};

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
    sessions_valid_after: Option<NaiveDateTime>,
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
            sessions_valid_after: self.sessions_valid_after.map(from_db_time),
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

fn insert_identity(
    conn: &mut AnyConnection,
    provider: Provider,
    subject: &str,
    user_id: &str,
) -> Result<(), DbError> {
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

    async fn find_by_identity(
        &self,
        provider: Provider,
        subject: &str,
    ) -> Result<Option<User>, RepoError> {
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
            sessions_valid_after: None,
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

    async fn create_provisioned(&self, user: ProvisionedUser) -> Result<User, RepoError> {
        let now = db_now();
        let row = UserRow {
            id: uuid_to_db(user.id.0),
            email_normalized: Some(normalize_email(&user.email)),
            email: Some(user.email),
            email_verified: true,
            display_name: user.display_name,
            first_name: None,
            last_name: None,
            avatar_url: None,
            company_name: None,
            industry: None,
            role: None,
            usage_purpose: None,
            last_provider: None,
            created_at: now,
            updated_at: now,
            sessions_valid_after: None,
        };
        let row = run(&self.pool, move |c| {
            diesel::insert_into(users::table).values(&row).execute(c)?;
            Ok(row)
        })
        .await?;
        Ok(row.into_user()?)
    }

    async fn link_identity(
        &self,
        id: UserId,
        provider: Provider,
        subject: &str,
    ) -> Result<(), RepoError> {
        let id = uuid_to_db(id.0);
        let subject = subject.to_owned();
        run(&self.pool, move |c| {
            insert_identity(c, provider, &subject, &id)
        })
        .await?;
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

    async fn end_sessions(&self, id: UserId, at: DateTime<Utc>) -> Result<bool, RepoError> {
        let (id, at) = (uuid_to_db(id.0), to_db_time(at));
        let updated = run(&self.pool, move |c| {
            Ok(diesel::update(users::table)
                .filter(users::id.eq(&id))
                .set(users::sessions_valid_after.eq(Some(at)))
                .execute(c)?)
        })
        .await?;
        Ok(updated > 0)
    }

    /// Only fields that actually change are written; `updated_at` moves only then.
    async fn update_profile(
        &self,
        id: UserId,
        update: ProfileUpdate,
    ) -> Result<Option<User>, RepoError> {
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
                diesel::update(users::table.find(&id))
                    .set(&changes)
                    .execute(c)?;
                Ok(Some(row))
            })
        })
        .await?;
        Ok(row.map(UserRow::into_user).transpose()?)
    }
}

#[async_trait]
impl SessionRepository for DbUserRepository {
    /// One statement, so one round trip and one blocking-pool hop per authenticated request:
    /// `SELECT users.*, EXISTS (SELECT … FROM revoked_tokens WHERE jti = $2) FROM users
    /// WHERE id = $1`.
    async fn session(&self, user: UserId, jti: &str) -> Result<Option<SessionRecord>, RepoError> {
        let (id, jti) = (uuid_to_db(user.0), jti.to_owned());
        let found = run(&self.pool, move |c| {
            Ok(users::table
                .find(&id)
                .select((
                    UserRow::as_select(),
                    diesel::dsl::exists(revoked_tokens::table.find(&jti)),
                ))
                .first::<(UserRow, bool)>(c)
                .optional()?)
        })
        .await?;
        let Some((row, revoked)) = found else {
            return Ok(None);
        };
        Ok(Some(SessionRecord {
            user: row.into_user()?,
            revoked,
        }))
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use chrono::{Duration, Utc};
    use cue_auth::{NewUser, ProfileUpdate, Provider, ProvisionedUser, RepoError, UserId};

    use super::normalize_email;
    use crate::repos::fixtures::{awkward_text, new_user, user};
    use crate::testing::{TestDatabase, backend_tests};

    backend_tests!(
        create_with_identity_round_trips_every_field,
        finds_by_identity_per_provider,
        verified_email_lookup_is_case_insensitive_and_skips_unverified,
        verified_email_lookup_prefers_the_oldest_user,
        a_second_user_for_a_linked_identity_is_a_conflict_and_not_created,
        link_identity_links_once,
        link_identity_to_a_missing_user_fails,
        record_login_sets_last_provider,
        update_profile_writes_only_given_fields,
        update_profile_without_changes_keeps_updated_at,
        update_profile_of_a_missing_user_is_none,
        ending_sessions_stores_the_cutoff_of_that_user_only,
        unknown_users_are_none,
        unicode_and_long_text_round_trip,
        users_without_email_are_stored,
        provisioned_users_are_verified_unlinked_and_found_by_email,
        the_session_lookup_reads_the_user_and_the_revocation_of_that_token,
    );

    #[test]
    fn emails_are_normalised_by_trimming_and_lowercasing() {
        let cases = [
            ("Ada@Example.COM", "ada@example.com"),
            ("  ada@example.com ", "ada@example.com"),
            ("ÄDA@EXAMPLE.COM", "äda@example.com"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(normalize_email(input), want, "{input}");
        }
    }

    async fn create_with_identity_round_trips_every_field(db: TestDatabase) {
        let store = db.migrated_store().await;
        let users = store.users();
        let new = new_user("Ada@Example.test");
        let created = users
            .create_with_identity(new.clone(), "google-sub-1")
            .await
            .unwrap();
        assert_eq!(created.id, new.id);
        assert_eq!(
            created.email.as_deref(),
            Some("Ada@Example.test"),
            "email kept as given"
        );
        assert!(created.email_verified);
        assert_eq!(created.display_name, new.display_name);
        assert_eq!(created.first_name, new.first_name);
        assert_eq!(created.last_name, new.last_name);
        assert_eq!(created.avatar_url, new.avatar_url);
        assert_eq!(created.profile, cue_auth::Profile::default());
        assert_eq!(created.last_provider, Some(Provider::Google));
        assert_eq!(created.created_at, created.updated_at);
        assert!(
            (chrono::Utc::now() - created.created_at)
                .num_seconds()
                .abs()
                < 60
        );

        let found = users.find(new.id).await.unwrap().unwrap();
        assert_eq!(found, created, "what create returns is what is stored");
    }

    async fn finds_by_identity_per_provider(db: TestDatabase) {
        let store = db.migrated_store().await;
        let users = store.users();
        let a = users
            .create_with_identity(new_user("a@example.test"), "42")
            .await
            .unwrap();
        let mut b_new = new_user("b@example.test");
        b_new.last_provider = Provider::Github;
        let b = users.create_with_identity(b_new, "42").await.unwrap();

        assert_eq!(
            users
                .find_by_identity(Provider::Google, "42")
                .await
                .unwrap()
                .map(|u| u.id),
            Some(a.id)
        );
        assert_eq!(
            users
                .find_by_identity(Provider::Github, "42")
                .await
                .unwrap()
                .map(|u| u.id),
            Some(b.id)
        );
        assert_eq!(
            users
                .find_by_identity(Provider::Google, "43")
                .await
                .unwrap(),
            None
        );
    }

    async fn verified_email_lookup_is_case_insensitive_and_skips_unverified(db: TestDatabase) {
        let store = db.migrated_store().await;
        let users = store.users();
        let verified = users
            .create_with_identity(new_user("Grace@Navy.MIL"), "g1")
            .await
            .unwrap();
        let mut unverified = new_user("alan@example.test");
        unverified.email_verified = false;
        users.create_with_identity(unverified, "g2").await.unwrap();

        for query in ["grace@navy.mil", "GRACE@NAVY.MIL", " Grace@Navy.MIL "] {
            let found = users.find_by_verified_email(query).await.unwrap();
            assert_eq!(found.map(|u| u.id), Some(verified.id), "{query}");
        }
        assert_eq!(
            users
                .find_by_verified_email("alan@example.test")
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            users
                .find_by_verified_email("nobody@example.test")
                .await
                .unwrap(),
            None
        );
        assert_eq!(users.find_by_verified_email("").await.unwrap(), None);
    }

    async fn verified_email_lookup_prefers_the_oldest_user(db: TestDatabase) {
        let store = db.migrated_store().await;
        let users = store.users();
        let first = users
            .create_with_identity(new_user("same@example.test"), "s1")
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let mut second = new_user("SAME@example.test");
        second.last_provider = Provider::Github;
        users.create_with_identity(second, "s2").await.unwrap();
        let found = users
            .find_by_verified_email("same@example.test")
            .await
            .unwrap();
        assert_eq!(found.map(|u| u.id), Some(first.id));
    }

    async fn a_second_user_for_a_linked_identity_is_a_conflict_and_not_created(db: TestDatabase) {
        let store = db.migrated_store().await;
        let users = store.users();
        users
            .create_with_identity(new_user("one@example.test"), "dup")
            .await
            .unwrap();
        let second: NewUser = new_user("two@example.test");
        let err = users
            .create_with_identity(second.clone(), "dup")
            .await
            .unwrap_err();
        assert!(matches!(err, RepoError::Conflict), "{err:?}");
        assert_eq!(
            users.find(second.id).await.unwrap(),
            None,
            "the transaction rolled the user back"
        );

        // the same user id twice is a conflict too
        let again = users
            .create_with_identity(new_user("x@example.test"), "other")
            .await
            .unwrap();
        let mut clash = new_user("y@example.test");
        clash.id = again.id;
        let err = users
            .create_with_identity(clash, "third")
            .await
            .unwrap_err();
        assert!(matches!(err, RepoError::Conflict), "{err:?}");
    }

    async fn link_identity_links_once(db: TestDatabase) {
        let store = db.migrated_store().await;
        let users = store.users();
        let u = user(&store).await;
        users
            .link_identity(u.id, Provider::Github, "gh-7")
            .await
            .unwrap();
        assert_eq!(
            users
                .find_by_identity(Provider::Github, "gh-7")
                .await
                .unwrap()
                .map(|x| x.id),
            Some(u.id)
        );

        let err = users
            .link_identity(u.id, Provider::Github, "gh-7")
            .await
            .unwrap_err();
        assert!(matches!(err, RepoError::Conflict), "{err:?}");
        let other = user(&store).await;
        let err = users
            .link_identity(other.id, Provider::Github, "gh-7")
            .await
            .unwrap_err();
        assert!(matches!(err, RepoError::Conflict), "{err:?}");
        assert_eq!(
            users
                .find_by_identity(Provider::Github, "gh-7")
                .await
                .unwrap()
                .map(|x| x.id),
            Some(u.id)
        );
    }

    async fn link_identity_to_a_missing_user_fails(db: TestDatabase) {
        let store = db.migrated_store().await;
        let users = store.users();
        let err = users
            .link_identity(UserId::new(), Provider::Google, "orphan")
            .await
            .unwrap_err();
        assert!(
            matches!(err, RepoError::Internal(_)),
            "foreign key enforced: {err:?}"
        );
        assert_eq!(
            users
                .find_by_identity(Provider::Google, "orphan")
                .await
                .unwrap(),
            None
        );
    }

    async fn record_login_sets_last_provider(db: TestDatabase) {
        let store = db.migrated_store().await;
        let users = store.users();
        let u = user(&store).await;
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        users.record_login(u.id, Provider::Github).await.unwrap();
        let after = users.find(u.id).await.unwrap().unwrap();
        assert_eq!(after.last_provider, Some(Provider::Github));
        assert!(after.updated_at > u.updated_at);
        assert_eq!(after.created_at, u.created_at);
        // a missing user is not an error
        users
            .record_login(UserId::new(), Provider::Google)
            .await
            .unwrap();
    }

    async fn update_profile_writes_only_given_fields(db: TestDatabase) {
        let store = db.migrated_store().await;
        let users = store.users();
        let u = user(&store).await;
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let update = ProfileUpdate {
            company_name: Some("Analytical Engines Ltd".into()),
            industry: Some("Computing".into()),
            role: Some("Programmer".into()),
            usage_purpose: Some("Automate reports".into()),
            first_name: Some("Augusta Ada".into()),
            ..ProfileUpdate::default()
        };
        let updated = users.update_profile(u.id, update).await.unwrap().unwrap();
        assert_eq!(
            updated.profile.company_name.as_deref(),
            Some("Analytical Engines Ltd")
        );
        assert_eq!(updated.profile.industry.as_deref(), Some("Computing"));
        assert_eq!(updated.profile.role.as_deref(), Some("Programmer"));
        assert_eq!(
            updated.profile.usage_purpose.as_deref(),
            Some("Automate reports")
        );
        assert_eq!(updated.first_name.as_deref(), Some("Augusta Ada"));
        assert_eq!(updated.last_name, u.last_name, "untouched");
        assert_eq!(updated.display_name, u.display_name, "untouched");
        assert_eq!(updated.avatar_url, u.avatar_url, "untouched");
        assert!(updated.updated_at > u.updated_at);
        assert_eq!(
            users.find(u.id).await.unwrap().unwrap(),
            updated,
            "what update returns is stored"
        );

        let all = ProfileUpdate {
            display_name: Some("Countess".into()),
            last_name: Some("King".into()),
            avatar_url: Some("https://example.test/2.png".into()),
            ..ProfileUpdate::default()
        };
        let updated = users.update_profile(u.id, all).await.unwrap().unwrap();
        assert_eq!(updated.display_name.as_deref(), Some("Countess"));
        assert_eq!(updated.last_name.as_deref(), Some("King"));
        assert_eq!(
            updated.avatar_url.as_deref(),
            Some("https://example.test/2.png")
        );
        assert_eq!(updated.profile.role.as_deref(), Some("Programmer"));
    }

    async fn update_profile_without_changes_keeps_updated_at(db: TestDatabase) {
        let store = db.migrated_store().await;
        let users = store.users();
        let u = user(&store).await;
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let same = users
            .update_profile(u.id, ProfileUpdate::default())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(same, u);
        let unchanged_value = ProfileUpdate {
            first_name: u.first_name.clone(),
            ..ProfileUpdate::default()
        };
        let same = users
            .update_profile(u.id, unchanged_value)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            same.updated_at, u.updated_at,
            "writing an equal value is no change"
        );
    }

    async fn ending_sessions_stores_the_cutoff_of_that_user_only(db: TestDatabase) {
        let store = db.migrated_store().await;
        let users = store.users();
        let (ada, bob) = (user(&store).await, user(&store).await);
        assert_eq!(ada.sessions_valid_after, None);
        let at = chrono::DateTime::<chrono::Utc>::from_timestamp(1_900_000_000, 0).unwrap();
        assert!(users.end_sessions(ada.id, at).await.unwrap());
        assert_eq!(
            users
                .find(ada.id)
                .await
                .unwrap()
                .unwrap()
                .sessions_valid_after,
            Some(at)
        );
        assert_eq!(
            users
                .find(bob.id)
                .await
                .unwrap()
                .unwrap()
                .sessions_valid_after,
            None
        );
        assert!(!users.end_sessions(UserId::new(), at).await.unwrap());
    }

    async fn update_profile_of_a_missing_user_is_none(db: TestDatabase) {
        let store = db.migrated_store().await;
        let update = ProfileUpdate {
            role: Some("x".into()),
            ..ProfileUpdate::default()
        };
        assert_eq!(
            store
                .users()
                .update_profile(UserId::new(), update)
                .await
                .unwrap(),
            None
        );
    }

    async fn unknown_users_are_none(db: TestDatabase) {
        let store = db.migrated_store().await;
        assert_eq!(store.users().find(UserId::new()).await.unwrap(), None);
    }

    async fn the_session_lookup_reads_the_user_and_the_revocation_of_that_token(db: TestDatabase) {
        let store = db.migrated_store().await;
        let sessions = store.sessions();
        let created = user(&store).await;
        let live = sessions.session(created.id, "jti-live").await.unwrap();
        let live = live.unwrap();
        assert_eq!(live.user, created);
        assert!(!live.revoked);
        store
            .revocations()
            .revoke("jti-gone", Utc::now() + Duration::hours(1))
            .await
            .unwrap();
        let gone = sessions.session(created.id, "jti-gone").await.unwrap();
        assert!(gone.unwrap().revoked, "the revoked token");
        let other = sessions.session(created.id, "jti-live").await.unwrap();
        assert!(!other.unwrap().revoked, "another token of the same user");
        // An unknown user is none, revoked token or not.
        assert!(
            sessions
                .session(UserId::new(), "jti-gone")
                .await
                .unwrap()
                .is_none()
        );
    }

    async fn unicode_and_long_text_round_trip(db: TestDatabase) {
        let store = db.migrated_store().await;
        let users = store.users();
        let text = awkward_text();
        let mut new = new_user("Ünïcödé@Exämple.test");
        new.display_name = Some(text.clone());
        let created = users.create_with_identity(new, &text).await.unwrap();
        let update = ProfileUpdate {
            usage_purpose: Some(text.clone()),
            ..ProfileUpdate::default()
        };
        users.update_profile(created.id, update).await.unwrap();
        let found = users
            .find_by_identity(Provider::Google, &text)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.display_name.as_deref(), Some(text.as_str()));
        assert_eq!(found.profile.usage_purpose.as_deref(), Some(text.as_str()));
        let by_email = users
            .find_by_verified_email("üNÏCÖDÉ@EXÄMPLE.TEST")
            .await
            .unwrap();
        assert_eq!(
            by_email.map(|u| u.id),
            Some(created.id),
            "non-ASCII case folding"
        );
    }

    async fn users_without_email_are_stored(db: TestDatabase) {
        let store = db.migrated_store().await;
        let users = store.users();
        let new = NewUser {
            id: UserId::new(),
            email: None,
            email_verified: false,
            display_name: None,
            first_name: None,
            last_name: None,
            avatar_url: None,
            last_provider: Provider::Github,
        };
        let created = users.create_with_identity(new, "no-email").await.unwrap();
        let found = users.find(created.id).await.unwrap().unwrap();
        assert_eq!(found, created);
        assert_eq!(found.email, None);
        assert_eq!(found.last_provider, Some(Provider::Github));
    }

    async fn provisioned_users_are_verified_unlinked_and_found_by_email(db: TestDatabase) {
        let store = db.migrated_store().await;
        let users = store.users();
        let new = ProvisionedUser {
            id: UserId::new(),
            email: "Bench@Example.test".into(),
            display_name: Some("Load Test".into()),
        };
        let created = users.create_provisioned(new.clone()).await.unwrap();
        assert_eq!(created.id, new.id);
        assert_eq!(created.email.as_deref(), Some("Bench@Example.test"));
        assert!(created.email_verified);
        assert_eq!(created.display_name.as_deref(), Some("Load Test"));
        assert_eq!(created.last_provider, None);
        assert_eq!(users.find(new.id).await.unwrap().unwrap(), created);
        let by_email = users
            .find_by_verified_email("bench@example.TEST")
            .await
            .unwrap();
        assert_eq!(by_email.map(|u| u.id), Some(new.id));
        for provider in Provider::ALL {
            assert!(
                users
                    .find_by_identity(provider, "Bench@Example.test")
                    .await
                    .unwrap()
                    .is_none(),
                "no identity is linked"
            );
        }
    }
}
