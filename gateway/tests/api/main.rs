//! The gateway's integration tests: the real application on a free port, against a fresh
//! database (SQLite and PostgreSQL) and local stand-ins for the identity providers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod auth;
mod basics;
mod code;
mod helpers;
mod limits;
mod logs;
mod operator;
mod speech;
mod workflows;
