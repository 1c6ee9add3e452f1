//! The catalogue of rules: stable ids, default severities, categories and summaries.

use std::fmt;

use serde::{Serialize, Serializer};

/// How serious a finding is. Only errors make a report invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The code will fail, or must not be shipped as is.
    Error,
    /// The code runs but has a defect a reviewer would reject.
    Warning,
    /// A suggestion.
    Info,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The group a rule belongs to; the frontend shows one check per category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// The code parses and compiles for the target version.
    Syntax,
    /// Imports resolve and no deprecated or removed module/API is used.
    Imports,
    /// Names are defined and imports used.
    Names,
    /// The Lambda handler exists with the right signature.
    Handler,
    /// No hard-coded credentials; no unfilled placeholders at the final stage.
    Secrets,
    /// Production-readiness: timeouts, TLS, injection, error handling, logging.
    Production,
}

impl Category {
    /// All categories in display order.
    pub const ALL: [Self; 6] = [
        Self::Syntax,
        Self::Imports,
        Self::Names,
        Self::Handler,
        Self::Secrets,
        Self::Production,
    ];

    /// The snake_case key (`syntax`, `imports`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Syntax => "syntax",
            Self::Imports => "imports",
            Self::Names => "names",
            Self::Handler => "handler",
            Self::Secrets => "secrets",
            Self::Production => "production",
        }
    }
}

macro_rules! rules {
    ($( $variant:ident = $code:literal, $name:literal, $sev:ident, $cat:ident, $summary:literal; )*) => {
        /// A validation rule. Serialised as its stable code (`"CUE201"`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $( #[doc = $summary] $variant, )*
        }

        impl Rule {
            /// Every rule, in code order.
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )* ];

            /// The stable code, e.g. `CUE201`.
            pub const fn code(self) -> &'static str {
                match self { $( Rule::$variant => $code, )* }
            }

            /// The kebab-case name, e.g. `undefined-name`.
            pub const fn name(self) -> &'static str {
                match self { $( Rule::$variant => $name, )* }
            }

            /// The severity findings of this rule usually carry (some rules vary with the stage
            /// or with their data entry).
            pub const fn default_severity(self) -> Severity {
                match self { $( Rule::$variant => Severity::$sev, )* }
            }

            /// The category the rule reports under.
            pub const fn category(self) -> Category {
                match self { $( Rule::$variant => Category::$cat, )* }
            }

            /// One sentence saying what the rule checks.
            pub const fn summary(self) -> &'static str {
                match self { $( Rule::$variant => $summary, )* }
            }
        }
    };
}

rules! {
    SyntaxError = "CUE001", "syntax-error", Error, Syntax,
        "The source does not parse (including invalid UTF-8 and NUL bytes).";
    UnsupportedSyntax = "CUE002", "unsupported-syntax", Error, Syntax,
        "Syntax that the target Python version does not support.";
    InvalidContext = "CUE003", "invalid-context", Error, Syntax,
        "A statement CPython rejects at compile time: return/yield/await outside a function, break/continue outside a loop, misplaced __future__ or star imports, nonlocal at module level.";
    NestingTooDeep = "CUE004", "nesting-too-deep", Error, Syntax,
        "Code nested more deeply than the validator analyses (deeper than CPython's own limits).";
    RemovedStdlibModule = "CUE101", "removed-stdlib-module", Error, Imports,
        "Import of a standard-library module removed in the target Python version.";
    RemovedStdlibApi = "CUE102", "removed-stdlib-api", Error, Imports,
        "Use of a standard-library API removed in the target Python version.";
    DeprecatedStdlib = "CUE103", "deprecated-stdlib", Warning, Imports,
        "Use of a standard-library module or API deprecated in the target Python version.";
    DeprecatedPackage = "CUE104", "deprecated-package", Error, Imports,
        "Import of a deprecated or unmaintained third-party package.";
    DeprecatedPackageApi = "CUE105", "deprecated-package-api", Error, Imports,
        "Use of a removed or deprecated third-party API.";
    MissingDependency = "CUE106", "missing-dependency", Error, Imports,
        "Import of a package the Lambda runtime does not ship and requirements.txt does not declare.";
    TransitiveDependency = "CUE107", "transitive-dependency", Warning, Imports,
        "Import of a package present only as a dependency of boto3; declare it in requirements.txt.";
    UndefinedName = "CUE201", "undefined-name", Error, Names,
        "A name that is not defined in any enclosing scope or as a builtin.";
    UnusedImport = "CUE202", "unused-import", Warning, Names,
        "An imported name that is never used.";
    UndefinedExport = "CUE203", "undefined-export", Warning, Names,
        "A name in __all__ that the module does not define.";
    MissingHandler = "CUE301", "missing-handler", Error, Handler,
        "The configured handler function is not defined at module level.";
    HandlerSignature = "CUE302", "handler-signature", Error, Handler,
        "The handler cannot be called as handler(event, context).";
    AsyncHandler = "CUE303", "async-handler", Error, Handler,
        "The handler is async; the Python Lambda runtime does not await coroutines.";
    ClientInHandler = "CUE304", "client-in-handler", Info, Handler,
        "An AWS SDK client or resource is created inside the handler instead of once at module level.";
    HardcodedSecret = "CUE401", "hardcoded-secret", Error, Secrets,
        "A string literal that looks like a real credential (an error in the skeleton, a note at the final stage).";
    UnfilledPlaceholder = "CUE402", "unfilled-placeholder", Error, Secrets,
        "A placeholder such as {{NAME}} or YOUR_..._HERE left in code at the final stage.";
    UnquotedPlaceholder = "CUE403", "unquoted-placeholder", Error, Secrets,
        "A {{NAME}} placeholder outside a string literal (a set of a set: fails at runtime).";
    HttpWithoutTimeout = "CUE501", "http-without-timeout", Warning, Production,
        "An HTTP request without a timeout (or with timeout=None) can hang until the Lambda times out.";
    TlsVerifyDisabled = "CUE502", "tls-verify-disabled", Warning, Production,
        "TLS certificate verification is disabled.";
    EvalExec = "CUE503", "eval-exec", Warning, Production,
        "Use of eval() or exec().";
    ShellInjection = "CUE504", "shell-injection", Warning, Production,
        "A subprocess started through a shell (shell=True, os.system, os.popen).";
    UnsafeDeserialization = "CUE505", "unsafe-deserialization", Warning, Production,
        "pickle/marshal/shelve/dill deserialisation, which executes code from its input.";
    SqlStringFormatting = "CUE506", "sql-string-formatting", Warning, Production,
        "SQL built by string formatting passed to execute(); use query parameters.";
    SwallowedException = "CUE507", "swallowed-exception", Warning, Production,
        "A bare or blind except whose body silently discards the error.";
    PrintInsteadOfLogging = "CUE508", "print-instead-of-logging", Info, Production,
        "print() in Lambda code; the logging module gives levels and structured CloudWatch output.";
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

/// A row of the rule catalogue, for documentation and `GET` endpoints listing the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RuleInfo {
    /// Stable code (`CUE201`).
    pub code: &'static str,
    /// Kebab-case name (`undefined-name`).
    pub name: &'static str,
    /// Usual severity.
    pub severity: Severity,
    /// Category key.
    pub category: Category,
    /// What the rule checks.
    pub summary: &'static str,
}

/// All rules with their code, name, usual severity, category and summary.
pub fn rules() -> Vec<RuleInfo> {
    Rule::ALL
        .iter()
        .map(|&rule| RuleInfo {
            code: rule.code(),
            name: rule.name(),
            severity: rule.default_severity(),
            category: rule.category(),
            summary: rule.summary(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_codes_and_names_are_unique_and_well_formed() {
        let mut codes: Vec<_> = Rule::ALL.iter().map(|r| r.code()).collect();
        let mut names: Vec<_> = Rule::ALL.iter().map(|r| r.name()).collect();
        codes.sort_unstable();
        names.sort_unstable();
        let n = Rule::ALL.len();
        codes.dedup();
        names.dedup();
        assert_eq!(codes.len(), n);
        assert_eq!(names.len(), n);
        for code in codes {
            assert!(code.starts_with("CUE") && code.len() == 6, "{code}");
        }
    }

    #[test]
    fn catalogue_lists_every_rule() {
        assert_eq!(rules().len(), Rule::ALL.len());
    }
}
