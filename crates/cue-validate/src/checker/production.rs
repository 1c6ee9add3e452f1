//! Production-readiness rules on calls and exception handlers, and the client-in-handler note.

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::Checker;
use crate::rules::Rule;

const REQUESTS_METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "request",
];
const HTTPX_FUNCTIONS: &[&str] = &[
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "request",
    "stream",
    "Client",
    "AsyncClient",
];
const UNSAFE_DESERIALIZERS: &[&str] = &[
    "pickle.loads",
    "pickle.load",
    "pickle.Unpickler",
    "_pickle.loads",
    "_pickle.load",
    "marshal.loads",
    "marshal.load",
    "shelve.open",
    "dill.loads",
    "dill.load",
    "jsonpickle.decode",
    "pandas.read_pickle",
];
const SAFE_YAML_LOADERS: &[&str] = &["SafeLoader", "CSafeLoader", "BaseLoader"];
const SQL_KEYWORDS: &[&str] = &[
    "select", "insert", "update", "delete", "create", "drop", "alter", "replace", "merge",
    "truncate", "where", "values",
];
const SDK_CONSTRUCTORS: &[&str] = &[
    "boto3.client",
    "boto3.resource",
    "boto3.Session",
    "boto3.session.Session",
];

impl<'a> Checker<'a> {
    pub(super) fn check_call(&mut self, call: &ast::ExprCall) {
        if call
            .arguments
            .keywords
            .iter()
            .any(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == "verify") && is_false(&k.value))
        {
            self.report(Rule::TlsVerifyDisabled, call.range(), || {
                (
                    "verify=False disables TLS certificate verification".to_owned(),
                    Some("remove verify=False (or pass a CA bundle path)".to_owned()),
                )
            });
        }
        if let Expr::Attribute(attr) = call.func.as_ref()
            && matches!(
                attr.attr.as_str(),
                "execute" | "executemany" | "executescript"
            )
        {
            self.check_sql_execute(call);
        }
        self.with_qualified_name(&call.func, |this, q| this.check_qualified_call(call, q));
    }

    /// The rules that depend on what a call's callee resolves to (`requests.get`, `builtins.eval`).
    fn check_qualified_call(&mut self, call: &ast::ExprCall, q: &str) {
        self.check_getenv(call, q);
        self.check_http_timeout(call, q);
        match q {
            "builtins.eval" | "builtins.exec" => {
                let name = q.trim_start_matches("builtins.");
                self.report(Rule::EvalExec, call.range(), || {
                    (
                        format!("{name}() runs arbitrary code"),
                        Some("parse data with json.loads / ast.literal_eval, or dispatch through a dict of functions".to_owned()),
                    )
                });
            }
            "builtins.print" => self.report(Rule::PrintInsteadOfLogging, call.range(), || {
                (
                    "print() instead of logging".to_owned(),
                    Some("use logger = logging.getLogger(); logger.info(...) for levelled CloudWatch logs".to_owned()),
                )
            }),
            "os.system" | "os.popen" | "commands.getoutput" | "commands.getstatusoutput" => {
                self.report(Rule::ShellInjection, call.range(), || {
                    (
                        format!("{q}() runs its argument through a shell"),
                        Some("use subprocess.run([...], check=True) with a list of arguments".to_owned()),
                    )
                });
            }
            "ssl._create_unverified_context" => self.report(Rule::TlsVerifyDisabled, call.range(), || {
                (
                    "ssl._create_unverified_context() disables certificate verification".to_owned(),
                    Some("use ssl.create_default_context()".to_owned()),
                )
            }),
            "yaml.load" | "yaml.load_all" => {
                let safe = call.arguments.keywords.iter().any(|k| {
                    k.arg.as_ref().is_some_and(|a| a.as_str() == "Loader")
                        && loader_is_safe(&k.value)
                }) || call.arguments.args.get(1).is_some_and(loader_is_safe);
                if !safe {
                    self.report(Rule::UnsafeDeserialization, call.range(), || {
                        (
                            format!("{q}() without a safe Loader can construct arbitrary objects"),
                            Some("use yaml.safe_load(...)".to_owned()),
                        )
                    });
                }
            }
            _ if UNSAFE_DESERIALIZERS.contains(&q) => self.report(Rule::UnsafeDeserialization, call.range(), || {
                (
                    format!("{q}() executes code embedded in its input; never use it on event data"),
                    Some("use json for data that crosses a trust boundary".to_owned()),
                )
            }),
            _ if q.starts_with("subprocess.") => {
                let shell = call.arguments.keywords.iter().any(|k| {
                    k.arg.as_ref().is_some_and(|a| a.as_str() == "shell") && is_truthy(&k.value)
                });
                if shell {
                    self.report(Rule::ShellInjection, call.range(), || {
                        (
                            format!("{q}() with shell=True runs its command through a shell"),
                            Some("pass a list of arguments and drop shell=True".to_owned()),
                        )
                    });
                }
            }
            _ if SDK_CONSTRUCTORS.contains(&q) && self.in_handler > 0 => {
                let handler = self.options.handler.clone().unwrap_or_default();
                self.report(Rule::ClientInHandler, call.range(), || {
                    (
                        format!("{q}(...) is created on every invocation of {handler}"),
                        Some(format!(
                        "create the client once at module level, outside {handler}, so warm \
                         invocations reuse it"
                    )),
                    )
                });
            }
            _ => {}
        }
    }

    fn check_http_timeout(&mut self, call: &ast::ExprCall, q: &str) {
        let timeout = call
            .arguments
            .keywords
            .iter()
            .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == "timeout"));
        let has_kwargs = call.arguments.keywords.iter().any(|k| k.arg.is_none());
        let timeout_none = timeout.is_some_and(|k| k.value.is_none_literal_expr());
        let (applies, missing) = if let Some(method) = q.strip_prefix("requests.") {
            let method = method.strip_prefix("api.").unwrap_or(method);
            (
                REQUESTS_METHODS.contains(&method),
                timeout.is_none() && !has_kwargs,
            )
        } else if let Some(function) = q.strip_prefix("httpx.") {
            // httpx applies a 5-second default timeout; only an explicit None removes it.
            (HTTPX_FUNCTIONS.contains(&function), false)
        } else if q == "urllib.request.urlopen" {
            (
                true,
                timeout.is_none() && call.arguments.args.len() < 3 && !has_kwargs,
            )
        } else if matches!(
            q,
            "http.client.HTTPConnection" | "http.client.HTTPSConnection"
        ) {
            (true, timeout.is_none() && !has_kwargs)
        } else {
            (false, false)
        };
        if !applies || !(missing || timeout_none) {
            return;
        }
        let message = if timeout_none {
            format!("{q}() with timeout=None can wait forever")
        } else {
            format!("{q}() has no timeout and can hang until the Lambda itself times out")
        };
        self.report(Rule::HttpWithoutTimeout, call.range(), || {
            (
                message,
                Some("pass timeout=<seconds> (e.g. timeout=10)".to_owned()),
            )
        });
    }

    fn check_sql_execute(&mut self, call: &ast::ExprCall) {
        let query = call.arguments.args.first().or_else(|| {
            call.arguments
                .keywords
                .iter()
                .find(|k| {
                    k.arg
                        .as_ref()
                        .is_some_and(|a| matches!(a.as_str(), "sql" | "query" | "operation"))
                })
                .map(|k| &k.value)
        });
        let Some(query) = query else {
            return;
        };
        let dynamic = match query {
            Expr::Name(name) => self.is_dynamic_sql_name(name.id.as_str()),
            other => is_dynamic_sql(other),
        };
        if dynamic {
            self.report(Rule::SqlStringFormatting, query.range(), || {
                (
                    "SQL built by string formatting is passed to execute(): an SQL injection risk"
                        .to_owned(),
                    Some(
                        "pass values as query parameters: execute(\"... WHERE id = %s\", (value,))"
                            .to_owned(),
                    ),
                )
            });
        }
    }

    fn is_dynamic_sql_name(&self, name: &str) -> bool {
        let mut scope = Some(self.current);
        while let Some(index) = scope {
            let Some(s) = self.scopes.get(index) else {
                break;
            };
            if s.dynamic_sql.contains(name) {
                return true;
            }
            if self.binding_in(index, name).is_some() {
                return false;
            }
            scope = s.parent;
        }
        false
    }

    /// Remembers `query = f"SELECT ... {x}"` so a later `cursor.execute(query)` is caught.
    pub(super) fn track_dynamic_sql(&mut self, targets: &'a [Expr], value: &Expr) {
        let dynamic = is_dynamic_sql(value);
        for target in targets {
            if let Expr::Name(name) = target {
                let id = name.id.as_str();
                if dynamic {
                    self.scope_mut().dynamic_sql.insert(id);
                } else {
                    self.scope_mut().dynamic_sql.remove(id);
                }
            }
        }
    }

    pub(super) fn check_swallowed_exception(&mut self, handler: &ast::ExceptHandlerExceptHandler) {
        let blind = match handler.type_.as_deref() {
            None => Some("bare `except:`"),
            Some(Expr::Name(n)) if matches!(n.id.as_str(), "Exception" | "BaseException") => {
                Some("`except Exception:`")
            }
            Some(Expr::Tuple(t))
                if t.elts.iter().any(|e| {
                    matches!(e, Expr::Name(n) if matches!(n.id.as_str(), "Exception" | "BaseException"))
                }) =>
            {
                Some("`except (..., Exception):`")
            }
            _ => None,
        };
        let Some(what) = blind else {
            return;
        };
        let swallows = handler.body.iter().all(|stmt| match stmt {
            Stmt::Pass(_) | Stmt::Continue(_) => true,
            Stmt::Expr(e) => matches!(
                e.value.as_ref(),
                Expr::EllipsisLiteral(_) | Expr::StringLiteral(_)
            ),
            _ => false,
        });
        if swallows {
            self.report(Rule::SwallowedException, handler_head(handler), || {
                (format!("{what} silently discards every error"), Some(
                    "catch the specific exception, and log it (logger.exception(...)) or re-raise"
                        .to_owned(),
                ))
            });
        }
    }
}

/// The range of `except ...:` without the body.
fn handler_head(handler: &ast::ExceptHandlerExceptHandler) -> TextRange {
    let end = handler.type_.as_ref().map_or(
        handler.range().start() + ruff_text_size::TextSize::from(6),
        |t| t.range().end(),
    );
    TextRange::new(handler.range().start(), end.min(handler.range().end()))
}

fn is_false(expr: &Expr) -> bool {
    matches!(expr, Expr::BooleanLiteral(b) if !b.value)
}

fn is_truthy(expr: &Expr) -> bool {
    match expr {
        Expr::BooleanLiteral(b) => b.value,
        Expr::NumberLiteral(n) => !matches!(&n.value, ast::Number::Int(i) if *i == ast::Int::ZERO),
        _ => false,
    }
}

fn loader_is_safe(expr: &Expr) -> bool {
    match expr {
        Expr::Attribute(a) => SAFE_YAML_LOADERS.contains(&a.attr.as_str()),
        Expr::Name(n) => SAFE_YAML_LOADERS.contains(&n.id.as_str()),
        _ => false,
    }
}

/// Whether `text` contains an SQL keyword as a whole word.
fn mentions_sql(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .take(10_000)
        .any(|word| SQL_KEYWORDS.iter().any(|k| word.eq_ignore_ascii_case(k)))
}

/// An SQL string built by formatting: an f-string with interpolations, `"..." % x`,
/// `"...".format(...)` or `"..." + x`, whose literal text mentions SQL keywords.
pub(super) fn is_dynamic_sql(expr: &Expr) -> bool {
    match expr {
        Expr::FString(f) => {
            let mut literal = String::new();
            let mut interpolated = false;
            for part in &f.value {
                match part {
                    ast::FStringPart::Literal(l) => literal.push_str(&l.value),
                    ast::FStringPart::FString(fs) => {
                        for element in fs.elements.iter() {
                            match element {
                                ast::InterpolatedStringElement::Literal(l) => {
                                    literal.push_str(&l.value);
                                }
                                ast::InterpolatedStringElement::Interpolation(_) => {
                                    interpolated = true;
                                }
                            }
                        }
                    }
                }
            }
            interpolated && mentions_sql(&literal)
        }
        Expr::BinOp(b) => {
            // Walk the left spine of `"..." + a + "..."` iteratively.
            let mut literal_sql = false;
            let mut non_literal = false;
            let mut current = expr;
            let mut steps = 0;
            while let Expr::BinOp(op) = current {
                steps += 1;
                if steps > 256 {
                    break;
                }
                match op.right.as_ref() {
                    Expr::StringLiteral(s) => literal_sql |= mentions_sql(s.value.to_str()),
                    _ => non_literal = true,
                }
                current = &op.left;
            }
            match current {
                Expr::StringLiteral(s) => literal_sql |= mentions_sql(s.value.to_str()),
                _ => non_literal = true,
            }
            let formatting = matches!(b.op, ast::Operator::Mod | ast::Operator::Add);
            formatting && literal_sql && (non_literal || b.op == ast::Operator::Mod)
        }
        Expr::Call(call) => match call.func.as_ref() {
            Expr::Attribute(a) if a.attr.as_str() == "format" => {
                matches!(a.value.as_ref(), Expr::StringLiteral(s) if mentions_sql(s.value.to_str()))
            }
            _ => false,
        },
        _ => false,
    }
}
