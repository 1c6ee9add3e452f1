//! Import rules: removed/deprecated modules and APIs, and dependencies the runtime lacks.

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::{Ranged, TextRange};

use super::Checker;
use crate::data::{Entry, EntryKind};
use crate::requirements::normalize;
use crate::rules::{Rule, Severity};

impl Checker<'_> {
    /// Checks `import a, b.c`; returns, per alias, whether a deprecation finding was reported
    /// (such an import is not also reported as unused).
    pub(super) fn check_import(&mut self, import: &ast::StmtImport) -> Vec<bool> {
        import
            .names
            .iter()
            .map(|alias| {
                let module = alias.name.as_str();
                let flagged = self.check_module_entry(module, alias.range());
                if !flagged {
                    self.check_dependency(module, alias.range());
                }
                flagged
            })
            .collect()
    }

    /// Checks `from m import a, b`; returns, per alias, whether a deprecation finding covers it.
    pub(super) fn check_import_from(&mut self, import: &ast::StmtImportFrom) -> Vec<bool> {
        let none = vec![false; import.names.len()];
        if import.level > 0 {
            // Relative imports refer to the bundle itself.
            return none;
        }
        let Some(module) = import.module.as_ref().map(|m| m.as_str()) else {
            return none;
        };
        if module == "__future__" {
            return none;
        }
        if self.check_module_entry(module, import.range()) {
            return vec![true; import.names.len()];
        }
        let mut flags = Vec::with_capacity(import.names.len());
        for alias in &import.names {
            let imported = alias.name.as_str();
            if imported == "*" {
                flags.push(false);
                continue;
            }
            let qualified = format!("{module}.{imported}");
            let flagged = self.check_module_entry(&qualified, alias.range())
                || self.check_api_entry(&qualified, alias.range());
            flags.push(flagged);
        }
        if flags.iter().any(|&f| f) {
            return flags;
        }
        // `from google import genai` needs google-genai: use the most specific listed module.
        let dependency = import
            .names
            .iter()
            .map(|alias| format!("{module}.{}", alias.name.as_str()))
            .find(|qualified| {
                self.data.distributions_for(qualified) != self.data.distributions_for(module)
            })
            .unwrap_or_else(|| module.to_owned());
        self.check_dependency(&dependency, import.range());
        flags
    }

    /// Reports a module-kind deprecation entry for `module`; returns whether one applied.
    fn check_module_entry(&mut self, module: &str, range: TextRange) -> bool {
        let Some(entry) = self.data.module_entry(module) else {
            return false;
        };
        self.report_entry(entry, module, range)
    }

    /// Reports an API-kind deprecation entry for exactly `qualified`; returns whether one applied.
    fn check_api_entry(&mut self, qualified: &str, range: TextRange) -> bool {
        let Some(entry) = self.data.api_entry(qualified) else {
            return false;
        };
        self.report_entry(entry, qualified, range)
    }

    /// Checks an attribute chain in load context (`datetime.datetime.utcnow`, `openai.ChatCompletion`).
    pub(super) fn check_api_use(&mut self, expr: &Expr) {
        self.with_qualified_name(expr, |this, qualified| {
            this.check_api_entry(qualified, expr.range());
        });
    }

    fn report_entry(&mut self, entry: &Entry, used: &str, range: TextRange) -> bool {
        let version = self.options.python_version;
        let minor = version.minor();
        let target = entry.target.as_str();
        let replacement = entry
            .replacement
            .as_ref()
            .map(|r| format!("use {r} instead"));
        let note = entry
            .note
            .as_ref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        let (rule, severity, message) = match entry.kind {
            EntryKind::StdlibModule | EntryKind::StdlibApi => {
                let what = if entry.kind == EntryKind::StdlibModule {
                    "module"
                } else {
                    "API"
                };
                if let Some(removed) = entry.removed_in.filter(|&r| r <= minor) {
                    let rule = if entry.kind == EntryKind::StdlibModule {
                        Rule::RemovedStdlibModule
                    } else {
                        Rule::RemovedStdlibApi
                    };
                    let message = format!(
                        "standard-library {what} `{target}` was removed in Python 3.{removed}; \
                         the {} runtime cannot import it",
                        version.runtime()
                    );
                    (rule, Severity::Error, message)
                } else if let Some(deprecated) = entry.deprecated_in.filter(|&d| d <= minor) {
                    let removal = entry
                        .removed_in
                        .map(|r| format!(" and is removed in Python 3.{r}"))
                        .unwrap_or_default();
                    let message = format!(
                        "standard-library {what} `{target}` is deprecated since Python 3.{deprecated}{removal}"
                    );
                    (Rule::DeprecatedStdlib, Severity::Warning, message)
                } else {
                    return false;
                }
            }
            EntryKind::Package => (
                Rule::DeprecatedPackage,
                entry.severity(),
                format!("`{used}` uses the deprecated package `{target}`{note}"),
            ),
            EntryKind::PackageApi => (
                Rule::DeprecatedPackageApi,
                entry.severity(),
                format!("`{target}` is a removed or deprecated API{note}"),
            ),
        };
        self.report_with(rule, severity, range, || (message, replacement));
        true
    }

    /// Reports an import of `module` that neither the standard library, the Lambda runtime, the
    /// bundle nor requirements.txt provides.
    fn check_dependency(&mut self, module: &str, range: TextRange) {
        if self.typing_only > 0 || self.import_guard > 0 {
            return;
        }
        let top = module.split('.').next().unwrap_or(module);
        let version = self.options.python_version;
        if top.is_empty()
            || top == "__future__"
            || self.data.is_stdlib(top, version)
            || self.data.was_stdlib(top)
            || self.data.runtime_provided.contains(top)
            || self.options.local_modules.iter().any(|m| m == top)
        {
            return;
        }
        let distributions = self.data.distributions_for(module);
        if distributions
            .names()
            .any(|d| self.declared.contains(&normalize(d)))
        {
            return;
        }
        let wanted = distributions.names().next().unwrap_or(top);
        let source = if self.options.requirements.is_some() {
            "requirements.txt does not declare it"
        } else {
            "no requirements.txt was given"
        };
        if self.data.runtime_transitive.contains(top) {
            self.report(Rule::TransitiveDependency, range, || {
                (
                    format!(
                    "`{top}` is only present in the {} runtime as a dependency of boto3, and {source}",
                    version.runtime()
                ),
                    Some(format!("declare `{wanted}` in requirements.txt")),
                )
            });
            return;
        }
        let suggestion = if top == "requests" {
            format!(
                "add `{wanted}` to requirements.txt and package it, or use urllib.request from \
                 the standard library"
            )
        } else {
            format!("add `{wanted}` to requirements.txt and package it with the function")
        };
        self.report(Rule::MissingDependency, range, || {
            (
                format!(
                    "`{module}` is not available in the {} Lambda runtime and {source}",
                    version.runtime()
                ),
                Some(suggestion),
            )
        });
    }
}
