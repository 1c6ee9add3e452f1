//! HTTP primitives every other layer of the gateway builds on, and which build on none of
//! them: the error type with every mapping of a domain error to an answer, the readers of
//! bodies, query strings and paths, where a request's token is, and the JSON answer to a
//! request head over actix-http's limits.
//!
//! The gateway is layered so its imports point one way: `http` → `middleware` (rate limits,
//! deadlines, metrics, request ids) → `routes` → `startup`. Nothing here imports a module of
//! the layers above.

pub mod error;
pub mod extractors;
pub mod head_limit;
pub mod token;
