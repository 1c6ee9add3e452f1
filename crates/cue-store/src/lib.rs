//! cue-store: diesel storage (PostgreSQL and SQLite) implementing Cue's repository ports.

pub mod artifacts;
