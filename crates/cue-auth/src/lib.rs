//! cue-auth (skeleton)
