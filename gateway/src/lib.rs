//! The Cue API gateway: configuration, startup, routes, extractors and error mapping around
//! the domain crates (`cue-auth`, `cue-workflows`, `cue-validate`, `cue-speech`, `cue-store`).
//!
//! Its modules are layered so that imports point one way, from the top down:
//!
//! - `startup` (and `openapi`, `operator`): builds the state, mounts the routes, wraps the app;
//! - `routes`: thin handlers (extract, call one service method, map to a wire type) and the
//!   table of every route with its policy; no route module imports another;
//! - `wire` (JSON shapes shared by route modules), `extract` (`AuthUser`), `state`;
//! - `middleware`: rate limits, deadlines, request metrics and ids, and the policy types;
//! - `http`: the error type with every mapping, the request readers, where a token is;
//! - leaves read by the layers above: `config`, `metrics` (the registry), `telemetry`, `search`.

#[cfg(feature = "aws")]
pub mod aws_secrets;
pub mod config;
pub mod extract;
pub mod healthcheck;
pub mod http;
pub mod log_throttle;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod operator;
pub mod routes;
pub mod search;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod wire;
