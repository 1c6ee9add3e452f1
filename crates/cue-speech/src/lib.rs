//! cue-speech (skeleton)
