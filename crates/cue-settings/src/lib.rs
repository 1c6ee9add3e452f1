//! cue-settings: what the settings of every Cue crate have in common.
//!
//! Each crate owns one settings struct: `DatabaseSettings` in cue-store, `AuthSettings` in
//! cue-auth, `SpeechConfig` in cue-speech, `LlmConfig` in cue-workflows, and the gateway's own.
//! It derives `Deserialize`, its fields renamed to the documented variable names in lower case
//! (`DATABASE_URL` is `database_url`); its `Default` is a working development setup; its
//! `validate()` checks what no single field can say alone. The gateway reads all of them from
//! one [`Source`] (the environment, `.env`, a Secrets Manager secret), once, at startup, and
//! stops on the first [`SettingError`], which names the variable that is wrong.
//!
//! This crate holds that shared part: the error, the serde adapters for how variables spell
//! things ([`de`]: durations in the unit the name says, lists, URLs), and the [`Source`] that
//! layers flat variables and deserializes a struct from them through the `config` crate.
//!
//! ```
//! use std::time::Duration;
//!
//! use cue_settings::{SettingError, Source, de, ensure};
//! use serde::Deserialize;
//!
//! #[derive(Debug, Deserialize)]
//! #[serde(default)]
//! struct PoolSettings {
//!     #[serde(rename = "pool_size")]
//!     size: u32,
//!     #[serde(rename = "pool_timeout_ms", deserialize_with = "de::millis")]
//!     timeout: Duration,
//! }
//!
//! impl Default for PoolSettings {
//!     fn default() -> Self {
//!         Self { size: 4, timeout: Duration::from_millis(250) }
//!     }
//! }
//!
//! impl PoolSettings {
//!     fn validate(&self) -> Result<(), SettingError> {
//!         ensure(self.size > 0, "POOL_SIZE", "must be greater than 0")
//!     }
//! }
//!
//! let pool: PoolSettings = Source::from_pairs([("POOL_SIZE", " 8 ")]).get()?;
//! assert_eq!((pool.size, pool.timeout), (8, Duration::from_millis(250)));
//!
//! let err = Source::from_pairs([("POOL_TIMEOUT_MS", "soon")]).get::<PoolSettings>().unwrap_err();
//! assert_eq!(err.var, "POOL_TIMEOUT_MS");
//!
//! let zero: PoolSettings = Source::from_pairs([("POOL_SIZE", "0")]).get()?;
//! assert_eq!(zero.validate().unwrap_err().to_string(), "POOL_SIZE: must be greater than 0");
//! # Ok::<(), SettingError>(())
//! ```

pub mod de;
mod source;

pub use source::{ENVIRONMENT, Source};

/// A setting that cannot be used. `var` is the variable as documented (`DATABASE_URL`), so the
/// message tells an operator what to fix; it never quotes a secret's value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{var}: {reason}")]
pub struct SettingError {
    pub var: String,
    pub reason: String,
}

impl SettingError {
    pub fn new(var: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            var: var.into(),
            reason: reason.into(),
        }
    }
}

/// `Ok(())` when `ok` holds, else the error for `var`: one line per rule in a `validate()`.
pub fn ensure(ok: bool, var: &str, reason: impl Into<String>) -> Result<(), SettingError> {
    if ok {
        Ok(())
    } else {
        Err(SettingError::new(var, reason))
    }
}

/// The error for the second of two variables that only work together (a client id and its
/// secret, a user name and its password): `None` when both or neither are set.
pub fn both_or_neither(
    (a_var, a_set): (&str, bool),
    (b_var, b_set): (&str, bool),
) -> Result<(), SettingError> {
    match (a_set, b_set) {
        (true, false) => Err(SettingError::new(
            b_var,
            format!("is required when {a_var} is set"),
        )),
        (false, true) => Err(SettingError::new(
            a_var,
            format!("is required when {b_var} is set"),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_name_the_missing_half() {
        let id = ("CLIENT_ID", true);
        let secret = ("CLIENT_SECRET", true);
        let unset = |(var, _): (&'static str, bool)| (var, false);
        assert_eq!(both_or_neither(id, secret), Ok(()));
        assert_eq!(both_or_neither(unset(id), unset(secret)), Ok(()));
        assert_eq!(
            both_or_neither(id, unset(secret)).map_err(|e| e.to_string()),
            Err("CLIENT_SECRET: is required when CLIENT_ID is set".to_owned())
        );
        assert_eq!(
            both_or_neither(unset(id), secret).map_err(|e| e.var),
            Err("CLIENT_ID".to_owned())
        );
    }
}
