//! cue-validate (skeleton)
