//! cue-workflows (skeleton)
