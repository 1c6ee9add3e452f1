//! cue-store (skeleton)
