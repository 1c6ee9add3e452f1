//! The providers behind [`crate::SpeechToText`].

#[cfg(feature = "aws")]
pub mod aws;
pub mod azure;
pub mod disabled;
#[cfg(any(test, feature = "test-util"))]
pub mod fake;
pub mod openai;
#[cfg(feature = "pocketsphinx")]
pub mod pocketsphinx;
