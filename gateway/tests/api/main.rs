//! The gateway's integration tests: the real application on a free port, against a fresh
//! database (SQLite and PostgreSQL) and local stand-ins for the identity providers.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod abuse;
mod auth;
mod basics;
mod code;
mod dry_run;
#[cfg(feature = "aws")]
mod dry_run_lambda;
mod durability;
mod faults;
mod helpers;
mod limits;
mod logs;
#[cfg(feature = "opensearch")]
mod opensearch;
mod operator;
mod process;
mod proxy;
mod scale_out;
mod settings;
mod shutdown;
mod speech;
mod templates;
mod workflow_search;
mod workflows;
