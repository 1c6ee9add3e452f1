//! The port implementations, one module per port. Every query is written once against
//! [`AnyConnection`](crate::pool::AnyConnection) and runs on both backends.

mod login_states;
mod revocations;
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
        assert!(matches!(uuid_from_db("not-a-uuid", "id"), Err(DbError::Internal(_))));
    }
}
