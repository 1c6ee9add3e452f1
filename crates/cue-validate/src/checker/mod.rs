//! The single pass over the AST: builds scopes and bindings, records name references, and runs
//! the node-local rules (imports, secrets, production readiness, context errors). Name
//! resolution that needs whole-scope knowledge (undefined names, unused imports, the handler)
//! runs afterwards in [`names`].

mod imports;
mod names;
mod production;
mod secrets;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, ExprContext, Pattern, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::data::Data;
use crate::options::Options;
use crate::rules::{Rule, Severity};

/// Deepest nesting of statements and expressions the checker descends into. CPython itself
/// fails to compile expressions nested much deeper ("maximum recursion depth exceeded during
/// compilation" at about 3,000 levels on 3.11).
pub(crate) const MAX_DEPTH: u32 = 1_500;
/// Longest dotted name resolved for API rules; longer attribute chains are not matched.
const MAX_QUALIFIED_SEGMENTS: usize = 32;
/// Stacker parameters for the recursive visitor: grow onto the heap when less than `RED_ZONE`
/// bytes remain, in segments of `STACK_SEGMENT` bytes.
const RED_ZONE: usize = 128 * 1024;
const STACK_SEGMENT: usize = 2 * 1024 * 1024;

/// A finding before its offsets are turned into lines and columns.
#[derive(Debug, Clone)]
pub(crate) struct RawFinding {
    pub(crate) rule: Rule,
    pub(crate) severity: Severity,
    pub(crate) range: TextRange,
    pub(crate) message: String,
    pub(crate) suggestion: Option<String>,
}

/// Collects findings, keeping at most `limit` of them in memory but counting all. The text of
/// a finding is built only when it is kept: a file with 50,000 undefined names formats 4,000
/// messages, not 50,000.
#[derive(Debug)]
pub(crate) struct Sink {
    pub(crate) findings: Vec<RawFinding>,
    pub(crate) counts: [usize; 3],
    limit: usize,
}

impl Sink {
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            findings: Vec::new(),
            counts: [0; 3],
            limit,
        }
    }

    /// Counts a finding and keeps it while there is room; `text` builds its message and
    /// suggestion.
    pub(crate) fn push(
        &mut self,
        rule: Rule,
        severity: Severity,
        range: TextRange,
        text: impl FnOnce() -> (String, Option<String>),
    ) {
        let slot = match severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Info => 2,
        };
        if let Some(count) = self.counts.get_mut(slot) {
            *count += 1;
        }
        if self.findings.len() < self.limit {
            let (message, suggestion) = text();
            self.findings.push(RawFinding {
                rule,
                severity,
                range,
                message,
                suggestion,
            });
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScopeKind {
    Module,
    Class,
    Function { is_async: bool },
    Lambda,
    Comprehension,
    TypeParams,
}

#[derive(Debug)]
pub(crate) struct Scope<'a> {
    pub(crate) kind: ScopeKind,
    pub(crate) parent: Option<usize>,
    pub(crate) globals: HashSet<&'a str>,
    pub(crate) nonlocals: HashSet<&'a str>,
    pub(crate) star_import: bool,
    /// Names assigned an SQL string built by formatting (for the SQL rule).
    pub(crate) dynamic_sql: HashSet<&'a str>,
}

impl Scope<'_> {
    fn new(kind: ScopeKind, parent: Option<usize>) -> Self {
        Self {
            kind,
            parent,
            globals: HashSet::default(),
            nonlocals: HashSet::default(),
            star_import: false,
            dynamic_sql: HashSet::default(),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum BindingKind {
    /// An import; `qualified` is what the bound name refers to (`os` for `import os.path`,
    /// `a.b.c` for `from a.b import c`).
    Import {
        qualified: String,
        /// The text shown in messages (`os.path`, `a.b.c`).
        display: String,
        /// Never reported as unused (re-export, `__future__`, availability probe).
        exempt: bool,
    },
    FunctionDef,
    Other,
}

#[derive(Debug)]
pub(crate) struct Binding {
    pub(crate) kind: BindingKind,
    pub(crate) range: TextRange,
    pub(crate) used: bool,
    /// The previous binding of the same name in the same scope.
    pub(crate) shadows: Option<usize>,
}

#[derive(Debug)]
pub(crate) struct Reference<'a> {
    pub(crate) name: &'a str,
    pub(crate) scope: usize,
    pub(crate) range: TextRange,
    /// Resolve for usage only; never report as undefined.
    pub(crate) suppress_undefined: bool,
}

/// Facts about the module-level handler definition, for the handler rules.
#[derive(Debug, Clone)]
pub(crate) struct HandlerDef {
    pub(crate) range: TextRange,
    pub(crate) is_async: bool,
    pub(crate) positional: usize,
    pub(crate) required_positional: usize,
    pub(crate) has_varargs: bool,
    pub(crate) required_kwonly: usize,
}

pub(crate) struct Checker<'a> {
    pub(crate) options: &'a Options,
    pub(crate) data: &'static Data,
    pub(crate) sink: Sink,
    pub(crate) scopes: Vec<Scope<'a>>,
    pub(crate) current: usize,
    /// The latest binding of each name in each scope, for all scopes in one table (one
    /// allocation, where a table per scope grew and rehashed for every function); earlier
    /// bindings of the name in that scope are chained through [`Binding::shadows`].
    names: HashMap<(usize, &'a str), usize>,
    pub(crate) bindings: Vec<Binding>,
    pub(crate) references: Vec<Reference<'a>>,
    /// Names used in string annotations (owned: they come from parsing string contents).
    pub(crate) annotation_names: Vec<(String, usize)>,
    depth: u32,
    /// Deepest nesting reached.
    pub(crate) max_depth: u32,
    pub(crate) depth_exceeded: bool,
    /// Skip undefined-name, unused-import and handler findings (set when the source has
    /// syntax errors).
    pub(crate) skip_name_rules: bool,
    /// Loop nesting per function-like scope (for break/continue).
    loops: Vec<u32>,
    /// Inside a `try` body whose handlers catch ImportError (or broader).
    pub(crate) import_guard: u32,
    /// Inside a `try` body whose handlers catch NameError.
    name_error_guard: u32,
    /// Inside `if TYPE_CHECKING:` or a `sys.version_info` conditional.
    pub(crate) typing_only: u32,
    /// Inside an annotation.
    in_annotation: bool,
    /// Whether annotations are evaluated at runtime (not under `from __future__ import
    /// annotations`, and before PEP 649 in 3.14).
    annotations_evaluated: bool,
    /// Inside the body of the configured handler function.
    pub(crate) in_handler: u32,
    /// Whether a module-level statement other than a docstring or `__future__` import was seen.
    seen_module_code: bool,
    seen_module_stmt: bool,
    pub(crate) handler_def: Option<HandlerDef>,
    /// Whether the handler name is bound at module level by something other than a def.
    pub(crate) handler_bound_otherwise: bool,
    /// Names listed in `__all__`, with the range of their string literal.
    pub(crate) dunder_all: Vec<(&'a str, TextRange)>,
    /// Normalised distribution names declared in requirements.txt.
    pub(crate) declared: HashSet<String>,
    /// Reused buffer for qualified names (`requests.get`), built for every call and attribute
    /// load, so resolving them does not allocate.
    qualified_scratch: String,
}

impl<'a> Checker<'a> {
    /// A checker for a module of `tokens` tokens (which sizes its tables up front).
    pub(crate) fn new(
        options: &'a Options,
        data: &'static Data,
        sink: Sink,
        tokens: usize,
    ) -> Self {
        let declared = options
            .requirements
            .as_deref()
            .map(crate::requirements::declared)
            .unwrap_or_default();
        Self {
            options,
            data,
            sink,
            scopes: vec![Scope::new(ScopeKind::Module, None)],
            current: 0,
            names: HashMap::with_capacity_and_hasher(tokens / 8, Default::default()),
            bindings: Vec::with_capacity(tokens / 8),
            references: Vec::with_capacity(tokens / 4),
            annotation_names: Vec::new(),
            depth: 0,
            max_depth: 0,
            depth_exceeded: false,
            skip_name_rules: false,
            loops: vec![0],
            import_guard: 0,
            name_error_guard: 0,
            typing_only: 0,
            in_annotation: false,
            annotations_evaluated: options.python_version.minor() < 14,
            in_handler: 0,
            seen_module_code: false,
            seen_module_stmt: false,
            handler_def: None,
            handler_bound_otherwise: false,
            dunder_all: Vec::new(),
            declared,
            qualified_scratch: String::new(),
        }
    }

    /// Checks a module body, then resolves names.
    pub(crate) fn check_module(&mut self, body: &'a [Stmt]) {
        self.annotations_evaluated &= !has_future_annotations(body);
        self.visit_body(body);
        names::resolve(self);
    }

    /// The findings collected so far.
    pub(crate) fn into_sink(self) -> Sink {
        self.sink
    }

    /// Reports a finding with the rule's usual severity; `text` builds its message and
    /// suggestion if it is kept (see [`Sink`]).
    pub(crate) fn report(
        &mut self,
        rule: Rule,
        range: TextRange,
        text: impl FnOnce() -> (String, Option<String>),
    ) {
        self.sink.push(rule, rule.default_severity(), range, text);
    }

    /// Reports a finding with the given severity.
    pub(crate) fn report_with(
        &mut self,
        rule: Rule,
        severity: Severity,
        range: TextRange,
        text: impl FnOnce() -> (String, Option<String>),
    ) {
        self.sink.push(rule, severity, range, text);
    }

    // ----- scopes and bindings -----

    fn push_scope(&mut self, kind: ScopeKind) {
        self.scopes.push(Scope::new(kind, Some(self.current)));
        self.current = self.scopes.len() - 1;
        if !matches!(kind, ScopeKind::Comprehension | ScopeKind::TypeParams) {
            self.loops.push(0);
        }
    }

    fn pop_scope(&mut self) {
        let kind = self.scope().kind;
        if !matches!(kind, ScopeKind::Comprehension | ScopeKind::TypeParams) {
            self.loops.pop();
        }
        self.current = self.scope().parent.unwrap_or(0);
    }

    pub(crate) fn scope(&self) -> &Scope<'a> {
        // `current` always indexes an existing scope.
        &self.scopes[self.current.min(self.scopes.len() - 1)]
    }

    fn scope_mut(&mut self) -> &mut Scope<'a> {
        let index = self.current.min(self.scopes.len() - 1);
        &mut self.scopes[index]
    }

    /// Adds a binding of `name` in the scope `scope` (or the module, for a declared global).
    fn bind_in(&mut self, scope: usize, name: &'a str, kind: BindingKind, range: TextRange) {
        let Some(target_scope) = self.scopes.get(scope) else {
            return;
        };
        if target_scope.nonlocals.contains(name) {
            return;
        }
        let target = if target_scope.globals.contains(name) {
            0
        } else {
            scope
        };
        if target == 0 && self.options.handler.as_deref() == Some(name) {
            if matches!(kind, BindingKind::FunctionDef) {
                // recorded by the FunctionDef visit
            } else {
                self.handler_bound_otherwise = true;
            }
        }
        let id = self.bindings.len();
        let shadows = self.names.insert((target, name), id);
        self.bindings.push(Binding {
            kind,
            range,
            used: false,
            shadows,
        });
    }

    fn bind(&mut self, name: &'a str, kind: BindingKind, range: TextRange) {
        self.bind_in(self.current, name, kind, range);
    }

    /// Records a load of `name` in the current scope.
    fn reference(&mut self, name: &'a str, range: TextRange) {
        let suppress =
            self.name_error_guard > 0 || (self.in_annotation && !self.annotations_evaluated);
        self.references.push(Reference {
            name,
            scope: self.current,
            range,
            suppress_undefined: suppress,
        });
    }

    /// The latest binding of `name` in `scope`.
    pub(crate) fn binding_in(&self, scope: usize, name: &str) -> Option<usize> {
        self.names.get(&(scope, name)).copied()
    }

    /// The binding `name` refers to at this point of the walk (bindings seen so far), following
    /// Python's scoping: class scopes are only visible from their own body.
    fn lookup_so_far(&self, name: &str) -> Option<&Binding> {
        let mut scope = self.current;
        let mut first = true;
        loop {
            let s = self.scopes.get(scope)?;
            if s.globals.contains(name) {
                scope = 0;
                first = false;
                continue;
            }
            let visible = first || s.kind != ScopeKind::Class;
            if visible
                && !s.nonlocals.contains(name)
                && let Some(id) = self.binding_in(scope, name)
            {
                return self.bindings.get(id);
            }
            first = false;
            scope = s.parent?;
        }
    }

    /// Writes into `out` the fully qualified name an expression refers to, through imports:
    /// `np.array` with `import numpy as np` is `numpy.array`; an unshadowed builtin `print` is
    /// `builtins.print`. Returns false when the expression names nothing qualified.
    pub(crate) fn qualified_name_into(&self, expr: &Expr, out: &mut String) -> bool {
        out.clear();
        self.write_qualified_name(expr, 0, out)
    }

    /// Writes the head of a dotted name, then each attribute below `outer` enclosing ones.
    fn write_qualified_name(&self, expr: &Expr, outer: usize, out: &mut String) -> bool {
        match expr {
            Expr::Attribute(attr) => {
                if outer >= MAX_QUALIFIED_SEGMENTS
                    || !self.write_qualified_name(&attr.value, outer + 1, out)
                {
                    return false;
                }
                out.push('.');
                out.push_str(attr.attr.as_str());
                true
            }
            Expr::Name(name) => {
                let head = name.id.as_str();
                match self.lookup_so_far(head) {
                    Some(Binding {
                        kind: BindingKind::Import { qualified, .. },
                        ..
                    }) => out.push_str(qualified),
                    Some(_) => return false,
                    None if self.data.is_builtin(head, self.options.python_version) => {
                        out.push_str("builtins.");
                        out.push_str(head);
                    }
                    None => return false,
                }
                true
            }
            _ => false,
        }
    }

    /// Runs `check` with the qualified name of `expr`, if it has one, built in the reused buffer.
    pub(crate) fn with_qualified_name(&mut self, expr: &Expr, check: impl FnOnce(&mut Self, &str)) {
        let mut name = std::mem::take(&mut self.qualified_scratch);
        if self.qualified_name_into(expr, &mut name) {
            check(self, &name);
        }
        self.qualified_scratch = name;
    }

    // ----- depth guard -----

    /// Enters one nesting level; returns false (and reports once) past [`MAX_DEPTH`]. Runs for
    /// every node, so the rare path lives in [`Self::too_deep`] and this one inlines.
    #[inline]
    fn enter(&mut self, range: TextRange) -> bool {
        if self.depth >= MAX_DEPTH {
            self.too_deep(range);
            return false;
        }
        self.depth += 1;
        self.max_depth = self.max_depth.max(self.depth);
        true
    }

    #[cold]
    fn too_deep(&mut self, range: TextRange) {
        if !self.depth_exceeded {
            self.depth_exceeded = true;
            self.report(Rule::NestingTooDeep, range, || {
                (
                    format!(
                        "code is nested more than {MAX_DEPTH} levels deep; CPython refuses to \
                     compile nesting this deep and the validator does not analyse below it"
                    ),
                    Some("flatten the expression or split it into named steps".to_owned()),
                )
            });
        }
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn nearest_function_kind(&self) -> Option<ScopeKind> {
        let mut scope = self.current;
        loop {
            let s = self.scopes.get(scope)?;
            match s.kind {
                ScopeKind::Function { .. } | ScopeKind::Lambda => return Some(s.kind),
                ScopeKind::Comprehension | ScopeKind::TypeParams => scope = s.parent?,
                ScopeKind::Module | ScopeKind::Class => return None,
            }
        }
    }

    fn context_error(&mut self, range: TextRange, message: &str) {
        self.report(Rule::InvalidContext, range, || (message.to_owned(), None));
    }

    // ----- statements -----

    fn visit_stmt_inner(&mut self, stmt: &'a Stmt) {
        let at_module = self.current == 0;
        if at_module {
            self.check_module_order(stmt);
        }
        match stmt {
            Stmt::FunctionDef(def) => self.visit_function_def(def),
            Stmt::ClassDef(class) => self.visit_class_def(class),
            Stmt::Import(import) => {
                let flagged = self.check_import(import);
                for (alias, flagged) in import.names.iter().zip(flagged) {
                    let module = alias.name.as_str();
                    let (name, qualified) = match &alias.asname {
                        Some(asname) => (asname.as_str(), module.to_owned()),
                        None => {
                            let top = module.split('.').next().unwrap_or(module);
                            (top, top.to_owned())
                        }
                    };
                    let exempt = flagged
                        || self.import_guard > 0
                        || self.scope().kind == ScopeKind::Class
                        || alias.asname.as_ref().is_some_and(|a| a.as_str() == module);
                    self.bind(
                        name,
                        BindingKind::Import {
                            qualified,
                            display: module.to_owned(),
                            exempt,
                        },
                        alias.range(),
                    );
                }
            }
            Stmt::ImportFrom(import) => {
                let flagged = self.check_import_from(import);
                let module = import.module.as_ref().map_or("", |m| m.as_str());
                let prefix = ".".repeat(usize::try_from(import.level).unwrap_or(0));
                let is_future = module == "__future__";
                for (alias, flagged) in import.names.iter().zip(flagged) {
                    let imported = alias.name.as_str();
                    if imported == "*" {
                        if self.current != 0 {
                            self.context_error(
                                alias.range(),
                                "`import *` is only allowed at module level",
                            );
                        }
                        self.scope_mut().star_import = true;
                        continue;
                    }
                    let qualified = if module.is_empty() {
                        format!("{prefix}{imported}")
                    } else {
                        format!("{prefix}{module}.{imported}")
                    };
                    let (name, exempt_alias) = match &alias.asname {
                        Some(asname) => (asname.as_str(), asname.as_str() == imported),
                        None => (imported, false),
                    };
                    self.bind(
                        name,
                        BindingKind::Import {
                            display: qualified.clone(),
                            qualified,
                            exempt: flagged
                                || is_future
                                || exempt_alias
                                || self.import_guard > 0
                                || self.scope().kind == ScopeKind::Class,
                        },
                        alias.range(),
                    );
                }
            }
            Stmt::Global(global) => {
                if self.current == 0 {
                    // `global` at module level is legal and has no effect.
                    return;
                }
                for name in &global.names {
                    self.scope_mut().globals.insert(name.as_str());
                }
            }
            Stmt::Nonlocal(nonlocal) => {
                if self.nearest_function_kind().is_none() || self.current == 0 {
                    self.context_error(
                        nonlocal.range(),
                        "nonlocal declaration not allowed at module level",
                    );
                    return;
                }
                for name in &nonlocal.names {
                    self.scope_mut().nonlocals.insert(name.as_str());
                }
            }
            Stmt::Return(ret) => {
                if !matches!(self.scope().kind, ScopeKind::Function { .. }) {
                    self.context_error(ret.range(), "'return' outside function");
                }
                visitor::walk_stmt(self, stmt);
            }
            Stmt::Break(_) | Stmt::Continue(_) => {
                if self.loops.last().copied().unwrap_or(0) == 0 {
                    let keyword = if matches!(stmt, Stmt::Break(_)) {
                        "'break' outside loop"
                    } else {
                        "'continue' not properly in loop"
                    };
                    self.context_error(stmt.range(), keyword);
                }
            }
            Stmt::For(for_stmt) => {
                if for_stmt.is_async {
                    self.check_async_context(
                        for_stmt.range(),
                        "'async for' outside async function",
                    );
                }
                self.visit_expr(&for_stmt.iter);
                self.visit_expr(&for_stmt.target);
                self.in_loop(|this| this.visit_body(&for_stmt.body));
                self.visit_body(&for_stmt.orelse);
            }
            Stmt::While(while_stmt) => {
                self.visit_expr(&while_stmt.test);
                self.in_loop(|this| this.visit_body(&while_stmt.body));
                self.visit_body(&while_stmt.orelse);
            }
            Stmt::With(with) => {
                if with.is_async {
                    self.check_async_context(with.range(), "'async with' outside async function");
                }
                visitor::walk_stmt(self, stmt);
            }
            Stmt::If(if_stmt) => {
                self.visit_expr(&if_stmt.test);
                // Imports under `if TYPE_CHECKING:` and in either branch of a `sys.version_info`
                // test may be unavailable at runtime on purpose.
                let version_test = u32::from(mentions_version_info(&if_stmt.test));
                let body_guard = version_test.max(u32::from(is_type_checking(&if_stmt.test)));
                self.typing_only += body_guard;
                self.visit_body(&if_stmt.body);
                self.typing_only -= body_guard;
                self.typing_only += version_test;
                for clause in &if_stmt.elif_else_clauses {
                    if let Some(test) = &clause.test {
                        self.visit_expr(test);
                    }
                    self.visit_body(&clause.body);
                }
                self.typing_only -= version_test;
            }
            Stmt::Try(try_stmt) => {
                let catches =
                    |names: &[&str]| try_stmt.handlers.iter().any(|h| handler_catches(h, names));
                let guards_imports = catches(&[
                    "ImportError",
                    "ModuleNotFoundError",
                    "Exception",
                    "BaseException",
                ]);
                let guards_names = catches(&["NameError"]);
                self.import_guard += u32::from(guards_imports);
                self.name_error_guard += u32::from(guards_names);
                self.visit_body(&try_stmt.body);
                self.import_guard -= u32::from(guards_imports);
                self.name_error_guard -= u32::from(guards_names);
                for handler in &try_stmt.handlers {
                    // A fallback import in `except ImportError:` is not reported either.
                    let fallback = u32::from(handler_catches(
                        handler,
                        &["ImportError", "ModuleNotFoundError"],
                    ));
                    self.import_guard += fallback;
                    self.visit_except_handler(handler);
                    self.import_guard -= fallback;
                }
                self.visit_body(&try_stmt.orelse);
                self.visit_body(&try_stmt.finalbody);
            }
            Stmt::Assign(assign) => {
                self.check_assign_secrets(&assign.targets, &assign.value);
                self.track_dynamic_sql(&assign.targets, &assign.value);
                self.track_dunder_all(&assign.targets, &assign.value);
                visitor::walk_stmt(self, stmt);
            }
            Stmt::AnnAssign(assign) => {
                if let Some(value) = &assign.value {
                    let targets = std::slice::from_ref(assign.target.as_ref());
                    self.check_assign_secrets(targets, value);
                    self.track_dynamic_sql(targets, value);
                    self.track_dunder_all(targets, value);
                    self.visit_expr(value);
                }
                // A variable annotation inside a function is never evaluated.
                let evaluated = self.annotations_evaluated
                    && !matches!(self.scope().kind, ScopeKind::Function { .. });
                self.visit_annotation_with(&assign.annotation, evaluated);
                self.visit_expr(&assign.target);
            }
            Stmt::AugAssign(assign) => {
                if let Expr::Name(name) = assign.target.as_ref() {
                    self.reference(name.id.as_str(), name.range());
                    if name.id.as_str() == "__all__" && self.current == 0 {
                        self.collect_all_names(&assign.value);
                    }
                }
                visitor::walk_stmt(self, stmt);
            }
            Stmt::Expr(expr_stmt) => {
                // Docstrings and other bare strings are not checked for placeholders.
                if let Expr::StringLiteral(literal) = expr_stmt.value.as_ref() {
                    self.check_secret_patterns(literal.value.to_str(), literal.range());
                    return;
                }
                self.track_dunder_all_call(&expr_stmt.value);
                visitor::walk_stmt(self, stmt);
            }
            Stmt::TypeAlias(alias) => {
                // `type Name[T] = value`: the name binds outside; T and the (lazily evaluated)
                // value live in an annotation scope.
                self.visit_expr(&alias.name);
                self.push_scope(ScopeKind::TypeParams);
                if let Some(type_params) = &alias.type_params {
                    self.visit_type_params_binding(type_params);
                }
                self.visit_expr(&alias.value);
                self.pop_scope();
            }
            Stmt::Delete(_)
            | Stmt::Raise(_)
            | Stmt::Assert(_)
            | Stmt::Match(_)
            | Stmt::Pass(_)
            | Stmt::IpyEscapeCommand(_) => visitor::walk_stmt(self, stmt),
        }
    }

    fn check_module_order(&mut self, stmt: &'a Stmt) {
        let is_future = matches!(stmt, Stmt::ImportFrom(i)
            if i.module.as_ref().is_some_and(|m| m.as_str() == "__future__") && i.level == 0);
        let is_docstring = matches!(stmt, Stmt::Expr(e) if e.value.is_string_literal_expr());
        let first = !self.seen_module_stmt;
        self.seen_module_stmt = true;
        if is_future && self.seen_module_code {
            self.context_error(
                stmt.range(),
                "from __future__ imports must occur at the beginning of the file",
            );
        }
        // Only a docstring (the first statement) and other __future__ imports may precede one.
        if !is_future && (!first || !is_docstring) {
            self.seen_module_code = true;
        }
    }

    fn check_async_context(&mut self, range: TextRange, message: &str) {
        if !matches!(
            self.nearest_function_kind(),
            Some(ScopeKind::Function { is_async: true })
        ) {
            self.context_error(range, message);
        }
    }

    fn in_loop(&mut self, f: impl FnOnce(&mut Self)) {
        if let Some(top) = self.loops.last_mut() {
            *top += 1;
        }
        f(self);
        if let Some(top) = self.loops.last_mut() {
            *top = top.saturating_sub(1);
        }
    }

    fn visit_function_def(&mut self, def: &'a ast::StmtFunctionDef) {
        for decorator in &def.decorator_list {
            self.visit_expr(&decorator.expression);
        }
        for param in def.parameters.iter_non_variadic_params() {
            if let Some(default) = &param.default {
                self.check_default_secret(param.parameter.name.as_str(), default);
                self.visit_expr(default);
            }
        }
        let outer = self.current;
        let has_type_params = def.type_params.is_some();
        if let Some(type_params) = &def.type_params {
            self.push_scope(ScopeKind::TypeParams);
            self.visit_type_params_binding(type_params);
        }
        for param in def.parameters.iter() {
            if let Some(annotation) = &param.as_parameter().annotation {
                self.visit_annotation_with(annotation, self.annotations_evaluated);
            }
        }
        if let Some(returns) = &def.returns {
            self.visit_annotation_with(returns, self.annotations_evaluated);
        }
        let name = def.name.as_str();
        self.bind_in(outer, name, BindingKind::FunctionDef, def.name.range());
        let is_handler = outer == 0 && self.options.handler.as_deref() == Some(name);
        if is_handler {
            self.handler_def = Some(handler_facts(def));
        }
        self.push_scope(ScopeKind::Function {
            is_async: def.is_async,
        });
        self.bind_parameters(&def.parameters);
        self.in_handler += u32::from(is_handler);
        self.visit_body(&def.body);
        self.in_handler -= u32::from(is_handler);
        self.pop_scope();
        if has_type_params {
            self.pop_scope();
        }
    }

    fn visit_class_def(&mut self, class: &'a ast::StmtClassDef) {
        for decorator in &class.decorator_list {
            self.visit_expr(&decorator.expression);
        }
        let outer = self.current;
        let has_type_params = class.type_params.is_some();
        if let Some(type_params) = &class.type_params {
            self.push_scope(ScopeKind::TypeParams);
            self.visit_type_params_binding(type_params);
        }
        if let Some(arguments) = &class.arguments {
            self.visit_arguments(arguments);
        }
        self.bind_in(
            outer,
            class.name.as_str(),
            BindingKind::Other,
            class.name.range(),
        );
        self.push_scope(ScopeKind::Class);
        self.visit_body(&class.body);
        self.pop_scope();
        if has_type_params {
            self.pop_scope();
        }
    }

    fn visit_type_params_binding(&mut self, type_params: &'a ast::TypeParams) {
        for param in &type_params.type_params {
            let name = match param {
                ast::TypeParam::TypeVar(p) => &p.name,
                ast::TypeParam::ParamSpec(p) => &p.name,
                ast::TypeParam::TypeVarTuple(p) => &p.name,
            };
            self.bind(name.as_str(), BindingKind::Other, name.range());
        }
        self.visit_type_params(type_params);
    }

    fn bind_parameters(&mut self, parameters: &'a ast::Parameters) {
        for param in parameters.iter() {
            let param = param.as_parameter();
            self.bind(param.name.as_str(), BindingKind::Other, param.name.range());
        }
    }

    fn visit_annotation_with(&mut self, annotation: &'a Expr, evaluated: bool) {
        let saved = (self.in_annotation, self.annotations_evaluated);
        self.in_annotation = true;
        self.annotations_evaluated = evaluated;
        self.visit_expr(annotation);
        (self.in_annotation, self.annotations_evaluated) = saved;
    }

    fn record_string_annotation(&mut self, text: &str) {
        // Names inside a string annotation count as uses (so imports used only there are not
        // "unused") but are never reported as undefined.
        let mut rest = text;
        while !rest.is_empty() {
            let start = rest
                .find(|c: char| c == '_' || c.is_alphabetic())
                .unwrap_or(rest.len());
            rest = &rest[start..];
            let end = rest
                .find(|c: char| !(c == '_' || c.is_alphanumeric()))
                .unwrap_or(rest.len());
            let (ident, tail) = rest.split_at(end);
            if !ident.is_empty() && self.annotation_names.len() < 100_000 {
                self.annotation_names.push((ident.to_owned(), self.current));
            }
            // Skip the attribute part of dotted names (`typing.Optional` uses only `typing`).
            let mut tail = tail;
            while let Some(after_dot) = tail.strip_prefix('.') {
                let skip = after_dot
                    .find(|c: char| !(c == '_' || c.is_alphanumeric()))
                    .unwrap_or(after_dot.len());
                tail = &after_dot[skip..];
            }
            rest = tail;
        }
    }

    // ----- expressions -----

    fn visit_expr_inner(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(name) => {
                let id = name.id.as_str();
                match name.ctx {
                    ExprContext::Load | ExprContext::Del => self.reference(id, name.range()),
                    ExprContext::Store => {
                        self.bind(id, BindingKind::Other, name.range());
                    }
                    ExprContext::Invalid => {}
                }
            }
            Expr::Attribute(attr) => {
                // Only an attribute that ends some API entry can name a deprecated API.
                if attr.ctx == ExprContext::Load && self.data.is_api_attribute(attr.attr.as_str()) {
                    self.check_api_use(expr);
                }
                visitor::walk_expr(self, expr);
            }
            Expr::Call(call) => {
                self.check_call(call);
                visitor::walk_expr(self, expr);
            }
            Expr::StringLiteral(literal) => {
                let text = literal.value.to_str();
                if self.in_annotation {
                    self.record_string_annotation(text);
                } else {
                    self.check_string_literal(text, literal.range());
                }
            }
            Expr::FString(fstring) => {
                for part in &fstring.value {
                    match part {
                        ast::FStringPart::Literal(literal) => {
                            self.check_string_literal(&literal.value, literal.range());
                        }
                        ast::FStringPart::FString(f) => {
                            for element in f.elements.literals() {
                                self.check_string_literal(&element.value, element.range());
                            }
                        }
                    }
                }
                visitor::walk_expr(self, expr);
            }
            Expr::Set(set) => {
                self.check_unquoted_placeholder(set);
                visitor::walk_expr(self, expr);
            }
            Expr::Named(named) => {
                self.visit_expr(&named.value);
                // The walrus target binds in the nearest non-comprehension scope.
                if let Expr::Name(target) = named.target.as_ref() {
                    let mut scope = self.current;
                    while let Some(s) = self.scopes.get(scope) {
                        if s.kind != ScopeKind::Comprehension {
                            break;
                        }
                        scope = s.parent.unwrap_or(0);
                    }
                    self.bind_in(
                        scope,
                        target.id.as_str(),
                        BindingKind::Other,
                        target.range(),
                    );
                }
            }
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    for param in parameters.iter_non_variadic_params() {
                        if let Some(default) = &param.default {
                            self.visit_expr(default);
                        }
                    }
                }
                self.push_scope(ScopeKind::Lambda);
                if let Some(parameters) = &lambda.parameters {
                    self.bind_parameters(parameters);
                }
                self.visit_expr(&lambda.body);
                self.pop_scope();
            }
            Expr::ListComp(comp) => self.visit_comprehension_expr(&comp.generators, &[&comp.elt]),
            Expr::SetComp(comp) => self.visit_comprehension_expr(&comp.generators, &[&comp.elt]),
            Expr::Generator(comp) => self.visit_comprehension_expr(&comp.generators, &[&comp.elt]),
            Expr::DictComp(comp) => match &comp.key {
                Some(key) => self.visit_comprehension_expr(&comp.generators, &[key, &comp.value]),
                None => self.visit_comprehension_expr(&comp.generators, &[&comp.value]),
            },
            Expr::Yield(_) | Expr::YieldFrom(_) => {
                match self.scope().kind {
                    ScopeKind::Function { .. } | ScopeKind::Lambda => {}
                    ScopeKind::Comprehension => self.context_error(
                        expr.range(),
                        "'yield' inside a comprehension or generator expression",
                    ),
                    _ => self.context_error(expr.range(), "'yield' outside function"),
                }
                visitor::walk_expr(self, expr);
            }
            Expr::Await(_) => {
                match self.nearest_function_kind() {
                    Some(ScopeKind::Function { is_async: true }) => {}
                    Some(_) => self.context_error(expr.range(), "'await' outside async function"),
                    None => self.context_error(expr.range(), "'await' outside function"),
                }
                visitor::walk_expr(self, expr);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }

    fn visit_comprehension_expr(
        &mut self,
        generators: &'a [ast::Comprehension],
        elements: &[&'a Expr],
    ) {
        let Some((first, rest)) = generators.split_first() else {
            return;
        };
        // The first iterable is evaluated in the enclosing scope.
        self.visit_expr(&first.iter);
        self.push_scope(ScopeKind::Comprehension);
        self.visit_expr(&first.target);
        for condition in &first.ifs {
            self.visit_expr(condition);
        }
        for generator in rest {
            self.visit_expr(&generator.iter);
            self.visit_expr(&generator.target);
            for condition in &generator.ifs {
                self.visit_expr(condition);
            }
        }
        for element in elements {
            self.visit_expr(element);
        }
        self.pop_scope();
    }
}

impl<'a> Visitor<'a> for Checker<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if !self.enter(stmt.range()) {
            return;
        }
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || self.visit_stmt_inner(stmt));
        self.leave();
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if !self.enter(expr.range()) {
            return;
        }
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || self.visit_expr_inner(expr));
        self.leave();
    }

    fn visit_pattern(&mut self, pattern: &'a Pattern) {
        if !self.enter(pattern.range()) {
            return;
        }
        match pattern {
            Pattern::MatchAs(p) => {
                if let Some(name) = &p.name {
                    self.bind(name.as_str(), BindingKind::Other, name.range());
                }
            }
            Pattern::MatchStar(p) => {
                if let Some(name) = &p.name {
                    self.bind(name.as_str(), BindingKind::Other, name.range());
                }
            }
            Pattern::MatchMapping(p) => {
                if let Some(name) = &p.rest {
                    self.bind(name.as_str(), BindingKind::Other, name.range());
                }
            }
            _ => {}
        }
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            visitor::walk_pattern(self, pattern);
        });
        self.leave();
    }

    fn visit_except_handler(&mut self, handler: &'a ast::ExceptHandler) {
        let ast::ExceptHandler::ExceptHandler(h) = handler;
        self.check_swallowed_exception(h);
        if let Some(type_) = &h.type_ {
            self.visit_expr(type_);
        }
        if let Some(name) = &h.name {
            self.bind(name.as_str(), BindingKind::Other, name.range());
        }
        self.visit_body(&h.body);
    }

    fn visit_keyword(&mut self, keyword: &'a ast::Keyword) {
        if let Some(arg) = &keyword.arg {
            self.check_named_secret(arg.as_str(), &keyword.value);
        }
        self.visit_expr(&keyword.value);
    }

    fn visit_annotation(&mut self, expr: &'a Expr) {
        self.visit_annotation_with(expr, self.annotations_evaluated);
    }
}

/// Whether a handler catches any of `names` (a bare `except:` catches everything).
fn handler_catches(handler: &ast::ExceptHandler, names: &[&str]) -> bool {
    let ast::ExceptHandler::ExceptHandler(h) = handler;
    let Some(type_) = &h.type_ else {
        return true;
    };
    let matches = |e: &Expr| match e {
        Expr::Name(n) => names.contains(&n.id.as_str()),
        Expr::Attribute(a) => names.contains(&a.attr.as_str()),
        _ => false,
    };
    match type_.as_ref() {
        Expr::Tuple(t) => t.elts.iter().any(matches),
        other => matches(other),
    }
}

/// `if TYPE_CHECKING:` / `if typing.TYPE_CHECKING:`.
fn is_type_checking(test: &Expr) -> bool {
    match test {
        Expr::Name(n) => n.id.as_str() == "TYPE_CHECKING",
        Expr::Attribute(a) => a.attr.as_str() == "TYPE_CHECKING",
        _ => false,
    }
}

/// A comparison involving `sys.version_info` (possibly within `and`/`or`/`not`).
fn mentions_version_info(test: &Expr) -> bool {
    let compare = match test {
        Expr::Compare(compare) => compare,
        Expr::BoolOp(b) => return b.values.iter().take(16).any(mentions_version_info_shallow),
        Expr::UnaryOp(u) => return mentions_version_info_shallow(&u.operand),
        _ => return false,
    };
    let is_version = |e: &Expr| match e {
        Expr::Attribute(a) => a.attr.as_str() == "version_info",
        Expr::Subscript(s) => {
            matches!(s.value.as_ref(), Expr::Attribute(a) if a.attr.as_str() == "version_info")
        }
        Expr::Name(n) => n.id.as_str() == "version_info",
        _ => false,
    };
    is_version(&compare.left) || compare.comparators.iter().any(is_version)
}

fn mentions_version_info_shallow(test: &Expr) -> bool {
    matches!(test, Expr::Compare(_)) && mentions_version_info(test)
}

fn has_future_annotations(body: &[Stmt]) -> bool {
    body.iter().take(32).any(|stmt| {
        matches!(stmt, Stmt::ImportFrom(i)
            if i.module.as_ref().is_some_and(|m| m.as_str() == "__future__")
                && i.names.iter().any(|a| a.name.as_str() == "annotations"))
    })
}

fn handler_facts(def: &ast::StmtFunctionDef) -> HandlerDef {
    let params = &def.parameters;
    let positional = params.posonlyargs.len() + params.args.len();
    let required_positional = params
        .posonlyargs
        .iter()
        .chain(params.args.iter())
        .filter(|p| p.default.is_none())
        .count();
    let required_kwonly = params
        .kwonlyargs
        .iter()
        .filter(|p| p.default.is_none())
        .count();
    HandlerDef {
        range: def.name.range(),
        is_async: def.is_async,
        positional,
        required_positional,
        has_varargs: params.vararg.is_some(),
        required_kwonly,
    }
}
