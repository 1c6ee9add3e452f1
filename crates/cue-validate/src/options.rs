//! What to validate against: stage, Python version, handler name, declared requirements, limits.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::ValidateError;

/// Default upper bound on the size of the source accepted by [`crate::validate`]: 1 MiB.
pub const DEFAULT_MAX_INPUT_BYTES: usize = 1024 * 1024;
/// Default upper bound on the number of findings kept in a report (counts stay exact).
pub const DEFAULT_MAX_FINDINGS: usize = 1000;
/// Default Lambda handler function name.
pub const DEFAULT_HANDLER: &str = "lambda_handler";

/// The stage of the generated code being validated.
///
/// At `initial_skeleton`, the code must not contain real credentials and may contain placeholders
/// such as `{{SLACK_BOT_TOKEN}}`; at `final_with_credentials`, placeholders must all be filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Code as generated, before the user fills in credentials.
    #[default]
    InitialSkeleton,
    /// Code after credentials were filled in, ready to deploy.
    FinalWithCredentials,
}

impl Stage {
    /// The wire name (`initial_skeleton` / `final_with_credentials`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InitialSkeleton => "initial_skeleton",
            Self::FinalWithCredentials => "final_with_credentials",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Stage {
    type Err = ValidateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "initial_skeleton" | "initial" => Ok(Self::InitialSkeleton),
            "final_with_credentials" | "final" => Ok(Self::FinalWithCredentials),
            other => Err(ValidateError::UnknownStage {
                given: other.to_owned(),
            }),
        }
    }
}

/// A supported target Python version (the AWS Lambda runtimes 3.10 to 3.14).
///
/// Parsed from `"3.13"`, `"3.13.1"`, `"python3.13"` or `"py313"`; serialised as `"3.13"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PythonVersion {
    minor: u8,
}

impl PythonVersion {
    /// Python 3.10 (Lambda `python3.10`).
    pub const PY310: Self = Self { minor: 10 };
    /// Python 3.11 (Lambda `python3.11`).
    pub const PY311: Self = Self { minor: 11 };
    /// Python 3.12 (Lambda `python3.12`).
    pub const PY312: Self = Self { minor: 12 };
    /// Python 3.13 (Lambda `python3.13`), the default.
    pub const PY313: Self = Self { minor: 13 };
    /// Python 3.14 (Lambda `python3.14`).
    pub const PY314: Self = Self { minor: 14 };
    /// All supported versions, oldest first.
    pub const ALL: [Self; 5] = [
        Self::PY310,
        Self::PY311,
        Self::PY312,
        Self::PY313,
        Self::PY314,
    ];

    /// The minor version number (`13` for 3.13).
    pub const fn minor(self) -> u8 {
        self.minor
    }

    /// The Lambda runtime identifier, e.g. `python3.13`.
    pub fn runtime(self) -> String {
        format!("python3.{}", self.minor)
    }

    pub(crate) fn to_ruff(self) -> ruff_python_ast::PythonVersion {
        ruff_python_ast::PythonVersion {
            major: 3,
            minor: self.minor,
        }
    }
}

impl Default for PythonVersion {
    fn default() -> Self {
        Self::PY313
    }
}

impl fmt::Display for PythonVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "3.{}", self.minor)
    }
}

impl FromStr for PythonVersion {
    type Err = ValidateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let unsupported = || ValidateError::UnsupportedPythonVersion {
            given: s.to_owned(),
        };
        let lower = s.trim().to_ascii_lowercase();
        let rest = lower
            .strip_prefix("python")
            .or_else(|| lower.strip_prefix("py"))
            .unwrap_or(&lower)
            .trim();
        let minor = if let Some(after) = rest.strip_prefix("3.") {
            // "3.13" or "3.13.1"
            after.split('.').next().unwrap_or_default()
        } else if let Some(after) = rest.strip_prefix('3') {
            // "py313"
            after
        } else {
            return Err(unsupported());
        };
        let minor: u8 = minor.parse().map_err(|_| unsupported())?;
        Self::ALL
            .into_iter()
            .find(|v| v.minor == minor)
            .ok_or_else(unsupported)
    }
}

impl Serialize for PythonVersion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PythonVersion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Everything [`crate::validate`] needs besides the source. Build with [`Options::default`] and
/// the `with_*` methods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Which stage of generation the code is at.
    pub stage: Stage,
    /// The Lambda runtime's Python version.
    pub python_version: PythonVersion,
    /// The handler function that must exist at module level (`None`: the file is a helper module
    /// and no handler is required).
    pub handler: Option<String>,
    /// The bundle's `requirements.txt`, if any: third-party imports must be declared here.
    pub requirements: Option<String>,
    /// Other modules in the same bundle (e.g. `utils` for `utils.py`), importable without packaging.
    pub local_modules: Vec<String>,
    /// Sources larger than this are rejected with [`ValidateError::TooLarge`].
    pub max_input_bytes: usize,
    /// At most this many findings are kept in the report (the counts stay exact).
    pub max_findings: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            stage: Stage::default(),
            python_version: PythonVersion::default(),
            handler: Some(DEFAULT_HANDLER.to_owned()),
            requirements: None,
            local_modules: Vec::new(),
            max_input_bytes: DEFAULT_MAX_INPUT_BYTES,
            max_findings: DEFAULT_MAX_FINDINGS,
        }
    }
}

impl Options {
    /// Sets the stage.
    #[must_use]
    pub fn with_stage(mut self, stage: Stage) -> Self {
        self.stage = stage;
        self
    }

    /// Sets the target Python version.
    #[must_use]
    pub fn with_python_version(mut self, version: PythonVersion) -> Self {
        self.python_version = version;
        self
    }

    /// Sets the handler: a function name (`lambda_handler`) or a Lambda handler string
    /// (`lambda_function.lambda_handler`), of which the part after the last dot is used.
    ///
    /// # Errors
    /// [`ValidateError::InvalidHandler`] if the function name is not a Python identifier.
    pub fn with_handler(mut self, handler: &str) -> Result<Self, ValidateError> {
        let function = handler.trim().rsplit('.').next().unwrap_or_default();
        if !is_identifier(function) {
            return Err(ValidateError::InvalidHandler {
                given: handler.to_owned(),
            });
        }
        self.handler = Some(function.to_owned());
        Ok(self)
    }

    /// Validates a helper module: no handler function is required.
    #[must_use]
    pub fn without_handler(mut self) -> Self {
        self.handler = None;
        self
    }

    /// Sets the bundle's `requirements.txt` text.
    #[must_use]
    pub fn with_requirements(mut self, requirements: impl Into<String>) -> Self {
        self.requirements = Some(requirements.into());
        self
    }

    /// Sets the names of the other modules in the bundle.
    #[must_use]
    pub fn with_local_modules<I, S>(mut self, modules: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.local_modules = modules.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the input size limit in bytes.
    #[must_use]
    pub fn with_max_input_bytes(mut self, limit: usize) -> Self {
        self.max_input_bytes = limit;
        self
    }
}

/// Whether `s` is an ASCII-or-Unicode Python identifier (letters, digits, `_`, not starting
/// with a digit).
pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c == '_' || c.is_alphabetic() => {}
        _ => return false,
    }
    chars.all(|c| c == '_' || c.is_alphanumeric())
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn python_version_parses_the_accepted_spellings() {
        for (input, minor) in [
            ("3.13", 13),
            ("python3.13", 13),
            ("Python3.12", 12),
            ("py310", 10),
            ("3.14.0", 14),
            (" 3.11 ", 11),
        ] {
            assert_eq!(
                input.parse::<PythonVersion>().unwrap().minor(),
                minor,
                "{input}"
            );
        }
    }

    #[test]
    fn python_version_rejects_unsupported_versions() {
        for input in ["3.9", "2.7", "3.15", "python", "", "3.x", "4.0", "py3"] {
            assert!(
                matches!(
                    input.parse::<PythonVersion>(),
                    Err(ValidateError::UnsupportedPythonVersion { .. })
                ),
                "{input}"
            );
        }
    }

    #[test]
    fn python_version_serialises_as_dotted_string() {
        let json = serde_json::to_string(&PythonVersion::PY313).unwrap();
        assert_eq!(json, "\"3.13\"");
        let back: PythonVersion = serde_json::from_str("\"python3.12\"").unwrap();
        assert_eq!(back, PythonVersion::PY312);
    }

    #[test]
    fn stage_uses_snake_case_on_the_wire() {
        assert_eq!(
            serde_json::to_string(&Stage::FinalWithCredentials).unwrap(),
            "\"final_with_credentials\""
        );
        let stage: Stage = serde_json::from_str("\"initial_skeleton\"").unwrap();
        assert_eq!(stage, Stage::InitialSkeleton);
        assert!("bogus".parse::<Stage>().is_err());
    }

    #[test]
    fn handler_takes_the_function_part_of_a_handler_string() {
        let o = Options::default()
            .with_handler("lambda_function.main")
            .unwrap();
        assert_eq!(o.handler.as_deref(), Some("main"));
        assert!(Options::default().with_handler("not valid").is_err());
        assert!(Options::default().with_handler("mod.1abc").is_err());
        assert!(Options::default().with_handler("").is_err());
    }
}
