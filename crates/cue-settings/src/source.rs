//! [`Source`]: flat variables in layers, read through the `config` crate.
//!
//! The variables keep their documented flat names (`DATABASE_URL`, `RATE_LIMIT_AUTH_PER_MINUTE`):
//! no prefix, no separator that would turn `_` into nesting. Each crate's struct is deserialized
//! from the whole set and picks the names it declares; `config` does the conversions (numbers,
//! and booleans spelled `true/false`, `1/0`, `yes/no`, `on/off`) and reports the key of a value
//! it could not use, which becomes the variable an error names.

use std::collections::HashMap;

use config::{ConfigError, Map, Value};
use serde::de::DeserializeOwned;

use crate::SettingError;

/// The origin of the process environment's layer; errors from other layers say where the
/// value came from.
pub const ENVIRONMENT: &str = "the environment";

/// Flat variables from several places, each layer above the ones added before it (the gateway
/// stacks the defaults of `APP_ENV=production`, a Secrets Manager secret, then the environment).
///
/// Names match case-insensitively. Values are trimmed, and an empty one counts as unset, as
/// `PORT=` does in a `.env` file: it leaves the default (or a lower layer's value) in place.
#[derive(Debug, Clone, Default)]
pub struct Source {
    layers: Vec<Layer>,
}

#[derive(Debug, Clone)]
struct Layer {
    origin: String,
    /// Lower-case names; non-empty, trimmed values.
    vars: HashMap<String, String>,
}

impl Source {
    pub fn new() -> Self {
        Self::default()
    }

    /// A source of exactly these variables, as if they were the environment: for tests, and
    /// for tools that take settings from somewhere else.
    pub fn from_pairs<K: AsRef<str>, V: AsRef<str>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self::new().layer(ENVIRONMENT, pairs)
    }

    /// Adds a layer above the others: where it sets a variable, it wins.
    #[must_use]
    pub fn layer<K: AsRef<str>, V: AsRef<str>>(
        mut self,
        origin: impl Into<String>,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let vars = vars
            .into_iter()
            .filter_map(|(k, v)| {
                let value = v.as_ref().trim();
                (!value.is_empty()).then(|| (k.as_ref().to_ascii_lowercase(), value.to_owned()))
            })
            .collect();
        self.layers.push(Layer {
            origin: origin.into(),
            vars,
        });
        self
    }

    /// Adds a layer under all the others: values used only where no other layer sets the
    /// variable (defaults that depend on another setting, such as `APP_ENV`).
    #[must_use]
    pub fn with_defaults<K: AsRef<str>, V: AsRef<str>>(
        self,
        origin: impl Into<String>,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let mut below = Self::new().layer(origin, vars);
        below.layers.extend(self.layers);
        below
    }

    /// The process environment as the top layer. A variable that is not valid Unicode (none
    /// of ours) is skipped, not a panic.
    #[must_use]
    pub fn with_environment(self) -> Self {
        let vars = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)));
        self.layer(ENVIRONMENT, vars)
    }

    /// The value of one variable, from the highest layer that sets it.
    pub fn var(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.layers
            .iter()
            .rev()
            .find_map(|layer| layer.vars.get(&name))
            .map(String::as_str)
    }

    /// `T` read from every layer: the fields `T` declares, each from the highest layer that
    /// sets it, the rest from `T`'s defaults. Other variables are ignored.
    pub fn get<T: DeserializeOwned>(&self) -> Result<T, SettingError> {
        let mut builder = config::Config::builder();
        for layer in &self.layers {
            builder = builder.add_source(layer.clone());
        }
        builder
            .build()
            .and_then(config::Config::try_deserialize)
            .map_err(setting_error)
    }
}

impl config::Source for Layer {
    fn clone_into_box(&self) -> Box<dyn config::Source + Send + Sync> {
        Box::new(self.clone())
    }

    fn collect(&self) -> Result<Map<String, Value>, ConfigError> {
        let origin = Some(&self.origin);
        Ok(self
            .vars
            .iter()
            .map(|(k, v)| (k.clone(), Value::new(origin, v.as_str())))
            .collect())
    }
}

/// `config`'s error as the variable it is about and what was wrong with it.
fn setting_error(e: ConfigError) -> SettingError {
    let from = |origin: Option<String>| match origin {
        Some(o) if o != ENVIRONMENT => format!(" (set in {o})"),
        _ => String::new(),
    };
    match e {
        ConfigError::Type {
            origin,
            unexpected,
            expected,
            key: Some(key),
        } => {
            // `string "x"` and ``64-bit unsigned integer `7` `` read better as `"x"` and `7`.
            let shown = unexpected.to_string();
            let got = match shown.strip_prefix("string ") {
                Some(quoted) => quoted.to_owned(),
                None => shown.split('`').nth(1).unwrap_or(&shown).to_owned(),
            };
            SettingError::new(
                key.to_ascii_uppercase(),
                format!("expected {expected}, got {got}{}", from(origin)),
            )
        }
        ConfigError::At {
            error,
            origin,
            key: Some(key),
        } => SettingError::new(key.to_ascii_uppercase(), format!("{error}{}", from(origin))),
        ConfigError::NotFound(key) => SettingError::new(key.to_ascii_uppercase(), "must be set"),
        other => SettingError::new("configuration", other.to_string()),
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use std::time::Duration;

    use serde::Deserialize;

    use super::*;
    use crate::de;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(default)]
    struct Example {
        port: u16,
        enabled: bool,
        name: String,
        #[serde(rename = "timeout_seconds", deserialize_with = "de::seconds")]
        timeout: Duration,
    }

    impl Default for Example {
        fn default() -> Self {
            Self {
                port: 8000,
                enabled: true,
                name: "cue".into(),
                timeout: Duration::from_secs(5),
            }
        }
    }

    fn get(pairs: &[(&str, &str)]) -> Result<Example, SettingError> {
        Source::from_pairs(pairs.iter().copied()).get()
    }

    #[test]
    fn unset_and_empty_variables_keep_the_defaults() {
        assert_eq!(get(&[]).ok(), Some(Example::default()));
        assert_eq!(
            get(&[("PORT", ""), ("NAME", "   ")]).ok(),
            Some(Example::default())
        );
    }

    #[test]
    fn names_match_in_any_case_and_values_are_trimmed() {
        let e = get(&[
            ("PORT", " 9000 "),
            ("Name", " api "),
            ("timeout_SECONDS", "7"),
        ]);
        assert_eq!(
            e.ok(),
            Some(Example {
                port: 9000,
                name: "api".into(),
                timeout: Duration::from_secs(7),
                ..Example::default()
            })
        );
    }

    #[test]
    fn booleans_take_the_usual_spellings() {
        for (value, want) in [
            ("true", true),
            ("False", false),
            ("1", true),
            ("0", false),
            ("yes", true),
            ("off", false),
        ] {
            assert_eq!(get(&[("ENABLED", value)]).map(|e| e.enabled), Ok(want));
        }
    }

    #[test]
    fn errors_name_the_variable_in_upper_case() {
        let cases = [
            (
                ("PORT", "eighty"),
                "PORT: expected an integer, got \"eighty\"",
            ),
            (
                ("PORT", "70000"),
                "PORT: expected an unsigned 16 bit integer, got 70000",
            ),
            (
                ("ENABLED", "maybe"),
                "ENABLED: expected a boolean, got \"maybe\"",
            ),
            (
                ("TIMEOUT_SECONDS", "-1"),
                "TIMEOUT_SECONDS: expected an integer, got \"-1\"",
            ),
        ];
        for ((var, value), want) in cases {
            assert_eq!(
                get(&[(var, value)]).map_err(|e| e.to_string()),
                Err(want.to_owned())
            );
        }
    }

    #[test]
    fn higher_layers_win_and_errors_say_which_layer_a_bad_value_came_from() {
        let source = Source::new()
            .layer("defaults", [("PORT", "1"), ("NAME", "low")])
            .layer(
                "the secret cue/prod",
                [("PORT", "2"), ("ENABLED", "perhaps")],
            )
            .layer(ENVIRONMENT, [("PORT", "3")]);
        assert_eq!(source.var("port"), Some("3"));
        assert_eq!(source.var("NAME"), Some("low"));
        assert_eq!(source.var("missing"), None);
        let err = source.get::<Example>().unwrap_err();
        assert_eq!(err.var, "ENABLED");
        assert!(
            err.reason.ends_with("(set in the secret cue/prod)"),
            "{err}"
        );
        let fixed = source
            .layer(ENVIRONMENT, [("ENABLED", "no")])
            .with_defaults(
                "derived defaults",
                [("NAME", "lowest"), ("TIMEOUT_SECONDS", "9")],
            );
        assert_eq!(
            fixed
                .get::<Example>()
                .map(|e| (e.port, e.enabled, e.name, e.timeout.as_secs())),
            Ok((3, false, "low".into(), 9))
        );
    }

    #[test]
    fn variables_whose_names_are_not_config_paths_are_ignored() {
        let e = get(&[
            ("BASH_FUNC_x%%", "() { :; }"),
            ("a.b[0]", "x"),
            ("PORT", "1"),
        ]);
        assert_eq!(e.map(|e| e.port), Ok(1));
    }
}
