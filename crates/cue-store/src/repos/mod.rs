//! The port implementations, one module per port. Every query is written once against
//! [`AnyConnection`](crate::pool::AnyConnection) and runs on both backends.

mod login_states;
mod revocations;
mod usage;
mod users;
mod workflows;

pub use login_states::DbLoginStateRepository;
pub use revocations::DbRevocationRepository;
pub use users::DbUserRepository;
pub use workflows::DbWorkflowRepository;

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};
use uuid::Uuid;

use crate::error::DbError;

/// Times are stored as UTC `TIMESTAMP`s with microsecond precision (PostgreSQL's), so a
/// value reads back the same from either backend.
pub(crate) fn to_db_time(t: DateTime<Utc>) -> NaiveDateTime {
    t.trunc_subsecs(6).naive_utc()
}

pub(crate) fn from_db_time(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

pub(crate) fn db_now() -> NaiveDateTime {
    to_db_time(Utc::now())
}

/// UUIDs are stored as TEXT in their hyphenated lower-case form.
pub(crate) fn uuid_to_db(id: Uuid) -> String {
    id.hyphenated().to_string()
}

pub(crate) fn uuid_from_db(s: &str, what: &'static str) -> Result<Uuid, DbError> {
    Uuid::parse_str(s).map_err(|_| DbError::corrupt(what))
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_keep_microseconds_and_drop_nanoseconds() {
        let t = Utc.timestamp_opt(1_700_000_000, 123_456_789).unwrap();
        let back = from_db_time(to_db_time(t));
        assert_eq!(back.timestamp_subsec_nanos(), 123_456_000);
        assert_eq!(back.timestamp(), t.timestamp());
    }

    #[test]
    fn uuids_round_trip_and_garbage_is_internal() {
        let id = Uuid::now_v7();
        assert_eq!(uuid_from_db(&uuid_to_db(id), "id").unwrap(), id);
        assert!(matches!(
            uuid_from_db("not-a-uuid", "id"),
            Err(DbError::Internal(_))
        ));
    }
}

/// Values the repository tests share.
#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
pub(crate) mod fixtures {
    use cue_auth::{NewUser, Provider, User, UserId};

    use crate::Store;

    pub(crate) fn new_user(email: &str) -> NewUser {
        NewUser {
            id: UserId::new(),
            email: Some(email.to_owned()),
            email_verified: true,
            display_name: Some("Ada Lovelace".into()),
            first_name: Some("Ada".into()),
            last_name: Some("Lovelace".into()),
            avatar_url: Some("https://example.test/ada.png".into()),
            last_provider: Provider::Google,
        }
    }

    /// A stored user with a fresh Google identity.
    pub(crate) async fn user(store: &Store) -> User {
        let new = new_user(&format!("{}@example.test", UserId::new()));
        store
            .users()
            .create_with_identity(new, &UserId::new().to_string())
            .await
            .unwrap()
    }

    /// Text no single-byte encoding or short column would survive.
    pub(crate) fn awkward_text() -> String {
        let mut s = String::from(
            "Ünïcödé ✓ 日本語 🚀 'quotes' \"double\" \\ back\nnew line\ttab; DROP TABLE users; -- ",
        );
        while s.len() < 200_000 {
            s.push_str("𝔘𝔫𝔦𝔠𝔬𝔡𝔢 and ascii ");
        }
        s
    }
}
