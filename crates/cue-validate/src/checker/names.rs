//! Whole-module name resolution: undefined names, unused imports, `__all__`, and the handler.

use ruff_python_ast::Expr;
use ruff_text_size::{Ranged, TextRange};

use super::{BindingKind, Checker, ScopeKind};
use crate::rules::Rule;

/// Names every module and class body may use without defining them.
const IMPLICIT_MODULE_NAMES: &[&str] = &[
    "__name__",
    "__doc__",
    "__spec__",
    "__loader__",
    "__package__",
];
const IMPLICIT_CLASS_NAMES: &[&str] = &["__module__", "__qualname__"];

/// The latest binding `name` resolves to, following Python's static scoping from `scope`.
fn lookup(checker: &Checker<'_>, scope: usize, name: &str) -> Option<usize> {
    let mut current = scope;
    let mut first = true;
    loop {
        let s = checker.scopes.get(current)?;
        if s.globals.contains(name) {
            return checker.binding_in(0, name);
        }
        let visible = first || s.kind != ScopeKind::Class;
        if visible
            && !s.nonlocals.contains(name)
            && let Some(id) = checker.binding_in(current, name)
        {
            return Some(id);
        }
        first = false;
        current = s.parent?;
    }
}

/// Whether a star import or an implicit name makes `name` possibly defined from `scope`.
fn implicitly_defined(checker: &Checker<'_>, scope: usize, name: &str) -> bool {
    if IMPLICIT_MODULE_NAMES.contains(&name) || name == "__class__" {
        return true;
    }
    if checker
        .data
        .is_builtin(name, checker.options.python_version)
    {
        return true;
    }
    let mut current = Some(scope);
    while let Some(index) = current {
        let Some(s) = checker.scopes.get(index) else {
            break;
        };
        if s.star_import {
            return true;
        }
        if index == scope && s.kind == ScopeKind::Class && IMPLICIT_CLASS_NAMES.contains(&name) {
            return true;
        }
        current = s.parent;
    }
    false
}

/// Marks `binding` and every earlier binding of the same name in its scope as used.
fn mark_used(checker: &mut Checker<'_>, binding: usize) {
    let mut next = Some(binding);
    while let Some(binding) = next.and_then(|id| checker.bindings.get_mut(id)) {
        binding.used = true;
        next = binding.shadows;
    }
}

pub(super) fn resolve(checker: &mut Checker<'_>) {
    if checker.skip_name_rules {
        return;
    }
    let references = std::mem::take(&mut checker.references);
    for reference in &references {
        match lookup(checker, reference.scope, reference.name) {
            Some(binding) => mark_used(checker, binding),
            None => {
                if reference.suppress_undefined
                    || implicitly_defined(checker, reference.scope, reference.name)
                {
                    continue;
                }
                checker.report(Rule::UndefinedName, reference.range, || {
                    (format!("undefined name `{}`", reference.name), None)
                });
            }
        }
    }
    checker.references = references;

    let annotation_names = std::mem::take(&mut checker.annotation_names);
    for (name, scope) in &annotation_names {
        if let Some(binding) = lookup(checker, *scope, name) {
            mark_used(checker, binding);
        }
    }

    let exports = std::mem::take(&mut checker.dunder_all);
    let module_star = checker.scopes.first().is_some_and(|m| m.star_import);
    for (name, range) in &exports {
        if let Some(binding) = checker.binding_in(0, name) {
            mark_used(checker, binding);
        } else if !module_star && !implicitly_defined(checker, 0, name) {
            checker.report(Rule::UndefinedExport, *range, || {
                (
                    format!("`{name}` is listed in __all__ but not defined"),
                    None,
                )
            });
        }
    }

    report_unused_imports(checker);
    check_handler(checker);
}

fn report_unused_imports(checker: &mut Checker<'_>) {
    let imports: Vec<(&str, &str)> = checker
        .bindings
        .iter()
        .filter_map(|b| match &b.kind {
            BindingKind::Import {
                qualified, display, ..
            } => Some((qualified.as_str(), display.as_str())),
            _ => None,
        })
        .collect();
    // `import a.b` next to `import a as x`: the submodule import is there for its side effect
    // (making `x.b` available), not for the name `a`.
    let submodule_for_side_effect = |qualified: &str, display: &str| {
        display != qualified
            && !display.starts_with('.')
            && imports
                .iter()
                .filter(|(_, other)| *other != display)
                .any(|(other_q, other_d)| {
                    other_q.split('.').next() == Some(qualified)
                        || other_d.split('.').next() == Some(qualified)
                })
    };
    let mut unused: Vec<(TextRange, String)> = checker
        .bindings
        .iter()
        .filter(|b| !b.used)
        .filter_map(|b| match &b.kind {
            BindingKind::Import {
                qualified,
                display,
                exempt: false,
            } if !submodule_for_side_effect(qualified, display) => Some((b.range, display.clone())),
            _ => None,
        })
        .collect();
    unused.sort_by_key(|(range, _)| range.start());
    for (range, display) in unused {
        checker.report(Rule::UnusedImport, range, || {
            (
                format!("`{display}` imported but unused"),
                Some(format!("remove the import of `{display}`")),
            )
        });
    }
}

fn check_handler(checker: &mut Checker<'_>) {
    let Some(handler) = checker.options.handler.clone() else {
        return;
    };
    let Some(def) = checker.handler_def.clone() else {
        if !checker.handler_bound_otherwise {
            checker.report(Rule::MissingHandler, TextRange::default(), || {
                (
                    format!("no module-level function `{handler}(event, context)`: Lambda cannot find the handler"),
                    Some(format!("define `def {handler}(event, context):` at module level")),
                )
            });
        }
        return;
    };
    if def.is_async {
        checker.report(Rule::AsyncHandler, def.range, || {
            (
                format!("handler `{handler}` is async; the Python Lambda runtime calls it without awaiting the coroutine"),
                Some(format!("make `{handler}` a plain def and run async code with asyncio.run(...)")),
            )
        });
    }
    let accepts_two = def.required_positional <= 2 && (def.positional >= 2 || def.has_varargs);
    if !accepts_two || def.required_kwonly > 0 {
        let detail = if def.required_kwonly > 0 {
            format!("requires {} keyword-only argument(s)", def.required_kwonly)
        } else if def.required_positional > 2 {
            format!("requires {} positional arguments", def.required_positional)
        } else {
            format!("accepts only {} positional argument(s)", def.positional)
        };
        checker.report(Rule::HandlerSignature, def.range, || {
            (
                format!(
                    "handler `{handler}` {detail}; Lambda calls it as {handler}(event, context)"
                ),
                Some(format!("declare it as `def {handler}(event, context):`")),
            )
        });
    }
}

impl<'a> Checker<'a> {
    /// `__all__ = [...]` / `__all__: list[str] = [...]` at module level.
    pub(super) fn track_dunder_all(&mut self, targets: &'a [Expr], value: &'a Expr) {
        if self.current != 0 {
            return;
        }
        let assigns_all = targets
            .iter()
            .any(|t| matches!(t, Expr::Name(n) if n.id.as_str() == "__all__"));
        if assigns_all {
            self.collect_all_names(value);
        }
    }

    /// `__all__.extend([...])` / `__all__.append("x")` at module level.
    pub(super) fn track_dunder_all_call(&mut self, expr: &'a Expr) {
        if self.current != 0 {
            return;
        }
        let Expr::Call(call) = expr else {
            return;
        };
        let Expr::Attribute(attr) = call.func.as_ref() else {
            return;
        };
        if !matches!(attr.value.as_ref(), Expr::Name(n) if n.id.as_str() == "__all__") {
            return;
        }
        if let Some(arg) = call.arguments.args.first() {
            match attr.attr.as_str() {
                "extend" => self.collect_all_names(arg),
                "append" => {
                    if let Expr::StringLiteral(s) = arg {
                        self.dunder_all.push((s.value.to_str(), s.range()));
                    }
                }
                _ => {}
            }
        }
    }

    pub(super) fn collect_all_names(&mut self, value: &'a Expr) {
        let elements = match value {
            Expr::List(l) => &l.elts,
            Expr::Tuple(t) => &t.elts,
            _ => return,
        };
        for element in elements.iter().take(10_000) {
            if let Expr::StringLiteral(s) = element {
                self.dunder_all.push((s.value.to_str(), s.range()));
            }
        }
    }
}
