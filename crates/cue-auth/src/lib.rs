//! cue-auth: OAuth login with Google and GitHub, users, and the JWTs Cue issues.

pub mod model;
pub mod ports;

pub use model::*;
pub use ports::*;
