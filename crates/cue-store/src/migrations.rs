//! The embedded migrations of both backends (`migrations/postgres`, `migrations/sqlite`).

use diesel::backend::Backend as DieselBackend;
use diesel::migration::Migration;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::pool::AnyConnection;

pub(crate) const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
pub(crate) const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Applies every pending migration; returns the versions applied, oldest first.
pub(crate) fn run_pending(conn: &mut AnyConnection) -> Result<Vec<String>, BoxError> {
    match conn {
        AnyConnection::Postgresql(c) => applied(c.run_pending_migrations(POSTGRES)?),
        AnyConnection::Sqlite(c) => applied(c.run_pending_migrations(SQLITE)?),
    }
}

/// Reverts every applied migration; returns the versions reverted, newest first.
pub(crate) fn revert_all(conn: &mut AnyConnection) -> Result<Vec<String>, BoxError> {
    match conn {
        AnyConnection::Postgresql(c) => applied(c.revert_all_migrations(POSTGRES)?),
        AnyConnection::Sqlite(c) => applied(c.revert_all_migrations(SQLITE)?),
    }
}

/// Names of the migrations not yet applied, oldest first.
pub(crate) fn pending(conn: &mut AnyConnection) -> Result<Vec<String>, BoxError> {
    match conn {
        AnyConnection::Postgresql(c) => names(c.pending_migrations(POSTGRES)?),
        AnyConnection::Sqlite(c) => names(c.pending_migrations(SQLITE)?),
    }
}

fn applied(
    versions: Vec<diesel::migration::MigrationVersion<'_>>,
) -> Result<Vec<String>, BoxError> {
    Ok(versions.into_iter().map(|v| v.to_string()).collect())
}

fn names<DB: DieselBackend>(
    migrations: Vec<Box<dyn Migration<DB>>>,
) -> Result<Vec<String>, BoxError> {
    Ok(migrations.iter().map(|m| m.name().to_string()).collect())
}
