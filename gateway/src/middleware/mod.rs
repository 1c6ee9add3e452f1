//! What wraps the handlers: rate limits, deadlines, request metrics and request ids, and the
//! [`policy`] a route declares to get them.
//!
//! Above `http` (they answer with its error type), below `routes` (which declare their
//! policies with these types) and `startup` (which wraps the app). Nothing here reads the
//! application state: each middleware is handed what it needs when it is mounted.

pub mod deadline;
pub mod metrics;
pub mod policy;
pub mod ratelimit;
pub mod request_id;
