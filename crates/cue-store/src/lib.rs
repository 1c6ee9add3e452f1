//! cue-store: diesel storage (PostgreSQL and SQLite) implementing Cue's repository ports.
//!
//! One set of queries runs on both backends through diesel's `MultiConnection`; the URL picks
//! the backend (`postgres://…` in production, a SQLite file for the embedded default).
//! [`Store`] owns the connection pool and the embedded migrations and hands out the ports
//! the domain crates need: [`cue_auth::UserRepository`], [`cue_auth::LoginStateRepository`],
//! [`cue_auth::RevocationRepository`] and [`cue_workflows::repo::WorkflowRepository`].
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use cue_store::{Backend, Store, StoreConfig};
//! use cue_auth::UserId;
//!
//! let dir = tempfile::tempdir()?;
//! let config = StoreConfig::new(format!("sqlite://{}/cue.db", dir.path().display()));
//! let store = Store::connect(&config).await?;
//! assert_eq!(store.backend(), Backend::Sqlite);
//! store.run_migrations().await?;
//! assert!(store.pending_migrations().await?.is_empty());
//!
//! let users = store.users(); // Arc<dyn cue_auth::UserRepository>
//! assert_eq!(users.find(UserId::new()).await?, None);
//! # Ok(())
//! # }
//! ```
//!
//! Errors never carry SQL text or the database password in their message: a pool timeout or
//! a refused connection is `Unavailable`, a unique violation is `Conflict` (auth ports),
//! anything else `Internal`, each with the cause as its `source`.
//!
//! Every checkout and every query is bounded in time ([`StoreConfig::acquire_timeout`],
//! [`StoreConfig::query_timeout`]): a database that stops answering, even one whose packets
//! silently vanish, makes calls fail `Unavailable` instead of hanging, and the pool heals by
//! itself when it returns.

pub mod artifacts;
mod config;
mod error;
mod migrations;
mod pool;
mod repos;
mod schema;
mod store;
mod target;
#[cfg(any(test, feature = "test-util"))]
pub mod testing;

pub use config::{DatabaseSettings, StoreConfig};
pub use error::StoreError;
pub use repos::{
    DbLoginStateRepository, DbRevocationRepository, DbUserRepository, DbWorkflowRepository,
};
pub use store::{PoolStatus, Store};
pub use target::Backend;
