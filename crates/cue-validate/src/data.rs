//! The versioned data the rules use, embedded from `data/*.toml` and parsed once per process.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::LazyLock;

use serde::Deserialize;

use crate::ValidateError;
use crate::options::PythonVersion;
use crate::rules::Severity;

const STDLIB_TOML: &str = include_str!("../data/stdlib.toml");
const BUILTINS_TOML: &str = include_str!("../data/builtins.toml");
const DEPRECATIONS_TOML: &str = include_str!("../data/deprecations.toml");
const RUNTIME_TOML: &str = include_str!("../data/runtime.toml");

/// What kind of thing a deprecation entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum EntryKind {
    StdlibModule,
    StdlibApi,
    Package,
    PackageApi,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum DataSeverity {
    Error,
    Warning,
    Info,
}

impl From<DataSeverity> for Severity {
    fn from(value: DataSeverity) -> Self {
        match value {
            DataSeverity::Error => Self::Error,
            DataSeverity::Warning => Self::Warning,
            DataSeverity::Info => Self::Info,
        }
    }
}

/// One deprecated or removed module/API.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Entry {
    pub(crate) target: String,
    pub(crate) kind: EntryKind,
    #[serde(default)]
    pub(crate) deprecated_in: Option<u8>,
    #[serde(default)]
    pub(crate) removed_in: Option<u8>,
    #[serde(default)]
    severity: Option<DataSeverity>,
    #[serde(default)]
    pub(crate) replacement: Option<String>,
    #[serde(default)]
    pub(crate) note: Option<String>,
}

impl Entry {
    /// The severity declared for a third-party entry (error when not given).
    pub(crate) fn severity(&self) -> Severity {
        self.severity.map_or(Severity::Error, Severity::from)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeprecationsFile {
    data_version: String,
    entry: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StdlibFile {
    data_version: String,
    modules: Vec<String>,
    added: HashMap<String, u8>,
    removed: HashMap<String, u8>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BuiltinsFile {
    data_version: String,
    names: Vec<String>,
    module_names: Vec<String>,
    added: HashMap<String, u8>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuntimeFile {
    data_version: String,
    provided: Vec<String>,
    transitive: Vec<String>,
    distributions: HashMap<String, Vec<String>>,
}

/// The distributions that can provide an import (see [`Data::distributions_for`]).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Distributions<'a> {
    /// Listed in `runtime.toml` for the import or a package above it.
    Listed(&'a [String]),
    /// Not listed: the distribution is assumed to be named like the top-level module.
    TopLevel(&'a str),
}

impl<'a> Distributions<'a> {
    /// The distribution names, in the data's order.
    pub(crate) fn names(self) -> impl Iterator<Item = &'a str> {
        let (listed, top) = match self {
            Self::Listed(listed) => (listed, None),
            Self::TopLevel(top) => (&[][..], Some(top)),
        };
        listed.iter().map(String::as_str).chain(top)
    }
}

impl PartialEq for Distributions<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.names().eq(other.names())
    }
}

/// All embedded data, parsed.
#[derive(Debug)]
pub(crate) struct Data {
    pub(crate) data_version: &'static str,
    stdlib_modules: HashSet<String>,
    stdlib_added: HashMap<String, u8>,
    stdlib_removed: HashMap<String, u8>,
    builtins: HashSet<String>,
    builtins_added: HashMap<String, u8>,
    pub(crate) entries: Vec<Entry>,
    /// Module-kind entries (stdlib-module, package) by target.
    module_entries: HashMap<String, usize>,
    /// API-kind entries (stdlib-api, package-api) by target.
    api_entries: HashMap<String, usize>,
    /// The last segment of every API-kind target (`utcnow` of `datetime.datetime.utcnow`).
    api_attributes: HashSet<String>,
    pub(crate) runtime_provided: HashSet<String>,
    pub(crate) runtime_transitive: HashSet<String>,
    distributions: HashMap<String, Vec<String>>,
}

/// The single version string of the embedded data (all files must agree).
const DATA_VERSION: &str = "2026.11.1";

static DATA: LazyLock<Result<Data, String>> = LazyLock::new(load);

/// The parsed data, or an internal error if the embedded files are malformed (a build bug that
/// the crate's tests catch).
pub(crate) fn data() -> Result<&'static Data, ValidateError> {
    DATA.as_ref()
        .map_err(|e| ValidateError::Internal(e.clone()))
}

fn load() -> Result<Data, String> {
    let stdlib: StdlibFile =
        toml::from_str(STDLIB_TOML).map_err(|e| format!("data/stdlib.toml: {e}"))?;
    let builtins: BuiltinsFile =
        toml::from_str(BUILTINS_TOML).map_err(|e| format!("data/builtins.toml: {e}"))?;
    let deprecations: DeprecationsFile =
        toml::from_str(DEPRECATIONS_TOML).map_err(|e| format!("data/deprecations.toml: {e}"))?;
    let runtime: RuntimeFile =
        toml::from_str(RUNTIME_TOML).map_err(|e| format!("data/runtime.toml: {e}"))?;
    for (file, version) in [
        ("stdlib", &stdlib.data_version),
        ("builtins", &builtins.data_version),
        ("deprecations", &deprecations.data_version),
        ("runtime", &runtime.data_version),
    ] {
        if version != DATA_VERSION {
            return Err(format!(
                "data/{file}.toml has data_version {version}, expected {DATA_VERSION}"
            ));
        }
    }
    let mut module_entries = HashMap::default();
    let mut api_entries = HashMap::default();
    for (index, entry) in deprecations.entry.iter().enumerate() {
        let map = match entry.kind {
            EntryKind::StdlibModule | EntryKind::Package => &mut module_entries,
            EntryKind::StdlibApi | EntryKind::PackageApi => &mut api_entries,
        };
        if map.insert(entry.target.clone(), index).is_some() {
            return Err(format!("duplicate deprecation entry {}", entry.target));
        }
    }
    let api_attributes = api_entries
        .keys()
        .map(|target: &String| target.rsplit('.').next().unwrap_or(target).to_owned())
        .collect();
    let mut stdlib_modules: HashSet<String> = stdlib.modules.into_iter().collect();
    stdlib_modules.extend(stdlib.added.keys().cloned());
    let mut builtin_names: HashSet<String> = builtins.names.into_iter().collect();
    builtin_names.extend(builtins.module_names);
    builtin_names.extend(builtins.added.keys().cloned());
    Ok(Data {
        data_version: DATA_VERSION,
        stdlib_modules,
        stdlib_added: stdlib.added,
        stdlib_removed: stdlib.removed,
        builtins: builtin_names,
        builtins_added: builtins.added,
        entries: deprecations.entry,
        module_entries,
        api_entries,
        api_attributes,
        runtime_provided: runtime.provided.into_iter().collect(),
        runtime_transitive: runtime.transitive.into_iter().collect(),
        distributions: runtime.distributions,
    })
}

impl Data {
    /// Whether `name` (a top-level module name) is in the standard library of `version`.
    pub(crate) fn is_stdlib(&self, name: &str, version: PythonVersion) -> bool {
        if !self.stdlib_modules.contains(name) {
            return false;
        }
        let minor = version.minor();
        let added_ok = self
            .stdlib_added
            .get(name)
            .is_none_or(|&added| added <= minor);
        let not_removed = self
            .stdlib_removed
            .get(name)
            .is_none_or(|&removed| minor < removed);
        added_ok && not_removed
    }

    /// Whether `name` was ever a standard-library module (possibly removed since).
    pub(crate) fn was_stdlib(&self, name: &str) -> bool {
        self.stdlib_modules.contains(name)
    }

    /// Whether `name` is a builtin in `version`.
    pub(crate) fn is_builtin(&self, name: &str, version: PythonVersion) -> bool {
        self.builtins.contains(name)
            && self
                .builtins_added
                .get(name)
                .is_none_or(|&added| added <= version.minor())
    }

    /// The module-kind entry matching `module` or one of its parent packages (`a.b.c` matches an
    /// entry for `a.b`), most specific first.
    pub(crate) fn module_entry(&self, module: &str) -> Option<&Entry> {
        let mut candidate = module;
        loop {
            if let Some(&index) = self.module_entries.get(candidate) {
                return self.entries.get(index);
            }
            candidate = &candidate[..candidate.rfind('.')?];
        }
    }

    /// The API-kind entry for exactly `qualified_name`.
    pub(crate) fn api_entry(&self, qualified_name: &str) -> Option<&Entry> {
        self.api_entries
            .get(qualified_name)
            .and_then(|&index| self.entries.get(index))
    }

    /// Whether some API-kind entry ends in the attribute `name`: an attribute access named
    /// otherwise cannot match one, so its qualified name need not be resolved.
    pub(crate) fn is_api_attribute(&self, name: &str) -> bool {
        self.api_attributes.contains(name)
    }

    /// Accepted distribution names for an import of `module` (longest listed dotted prefix), or
    /// the top-level name; borrowed, since this runs for every import.
    pub(crate) fn distributions_for<'a>(&'a self, module: &'a str) -> Distributions<'a> {
        let mut candidate = module;
        loop {
            if let Some(dists) = self.distributions.get(candidate) {
                return Distributions::Listed(dists);
            }
            match candidate.rfind('.') {
                Some(dot) => candidate = &candidate[..dot],
                None => break,
            }
        }
        Distributions::TopLevel(module.split('.').next().unwrap_or(module))
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn embedded_data_parses() {
        let data = data().unwrap();
        assert_eq!(data.data_version, DATA_VERSION);
        assert!(data.entries.len() > 40);
    }

    #[test]
    fn stdlib_membership_follows_versions() {
        let data = data().unwrap();
        assert!(data.is_stdlib("json", PythonVersion::PY313));
        assert!(data.is_stdlib("tomllib", PythonVersion::PY311));
        assert!(!data.is_stdlib("tomllib", PythonVersion::PY310));
        assert!(data.is_stdlib("distutils", PythonVersion::PY311));
        assert!(!data.is_stdlib("distutils", PythonVersion::PY312));
        assert!(data.is_stdlib("telnetlib", PythonVersion::PY312));
        assert!(!data.is_stdlib("telnetlib", PythonVersion::PY313));
        assert!(data.is_stdlib("annotationlib", PythonVersion::PY314));
        assert!(!data.is_stdlib("annotationlib", PythonVersion::PY313));
        assert!(!data.is_stdlib("requests", PythonVersion::PY313));
    }

    #[test]
    fn builtins_follow_versions() {
        let data = data().unwrap();
        assert!(data.is_builtin("print", PythonVersion::PY310));
        assert!(data.is_builtin("ExceptionGroup", PythonVersion::PY311));
        assert!(!data.is_builtin("ExceptionGroup", PythonVersion::PY310));
        assert!(data.is_builtin("__file__", PythonVersion::PY313));
        assert!(!data.is_builtin("requests", PythonVersion::PY313));
    }

    #[test]
    fn module_entries_match_submodules() {
        let data = data().unwrap();
        assert_eq!(
            data.module_entry("google.generativeai.types")
                .map(|e| e.target.as_str()),
            Some("google.generativeai")
        );
        assert!(data.module_entry("google.genai").is_none());
        assert!(data.module_entry("slack_sdk").is_none());
        assert!(data.module_entry("slack").is_some());
    }

    #[test]
    fn api_attributes_are_the_last_segments_of_api_entries() {
        let data = data().unwrap();
        for (attribute, expected) in [
            ("utcnow", true),
            ("ChatCompletion", true),
            ("Mapping", true),
            ("get", false),
            ("datetime", false),
        ] {
            assert_eq!(data.is_api_attribute(attribute), expected, "{attribute}");
        }
        for (target, &index) in &data.api_entries {
            assert_eq!(data.entries[index].target, *target);
            let last = target.rsplit('.').next().unwrap();
            assert!(data.is_api_attribute(last), "{target}");
        }
    }

    #[test]
    fn distributions_use_the_longest_prefix() {
        let data = data().unwrap();
        let names = |module| data.distributions_for(module).names().collect::<Vec<_>>();
        assert_eq!(names("yaml"), ["PyYAML"]);
        assert_eq!(names("google.cloud.storage.blob"), ["google-cloud-storage"]);
        assert_eq!(names("requests.adapters"), ["requests"]);
        assert_eq!(names("not_listed.sub"), ["not_listed"]);
        // A listed single name equal to the top-level module compares equal to the fallback.
        assert_eq!(
            data.distributions_for("requests"),
            Distributions::TopLevel("requests")
        );
    }
}
