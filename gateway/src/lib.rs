//! The Cue API gateway: configuration, startup, routes, extractors and error mapping around
//! the domain crates (`cue-auth`, `cue-workflows`, `cue-validate`, `cue-speech`, `cue-store`).

#[cfg(feature = "aws")]
pub mod aws_secrets;
pub mod config;
pub mod extract;
pub mod http;
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
