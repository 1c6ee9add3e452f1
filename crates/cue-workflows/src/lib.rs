//! cue-workflows: from a plain-language description to a deployable AWS Lambda bundle.

pub mod artifacts;
pub mod repo;
