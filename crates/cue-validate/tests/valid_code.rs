//! Valid code must raise no findings: the scoping cases pyflakes-style checkers get wrong, and
//! a realistic Lambda handler.
#![expect(clippy::unwrap_used, reason = "tests")]

use cue_validate::{Options, PythonVersion, Rule, Severity, validate};

const REALISTIC_HANDLER: &str = include_str!("../corpus/slack_digest.py");

#[test]
fn realistic_handler_has_no_errors_or_warnings_in_the_skeleton() {
    let report = validate(REALISTIC_HANDLER, &Options::default()).unwrap();
    assert!(report.is_valid);
    let noisy: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .collect();
    assert!(noisy.is_empty(), "{noisy:#?}");
    assert_eq!(report.error_count + report.warning_count, 0);
}

#[test]
fn realistic_handler_is_valid_on_every_supported_version() {
    for version in PythonVersion::ALL {
        let options = Options::default().with_python_version(version);
        let report = validate(REALISTIC_HANDLER, &options).unwrap();
        assert!(report.is_valid, "{version}: {:#?}", report.findings);
    }
}

/// Each snippet is valid Python that must produce no name or import findings.
const SCOPING_CASES: &[(&str, &str)] = &[
    (
        "module name used in function defined earlier",
        "def f():\n    return LATER\nLATER = 1\n",
    ),
    (
        "recursion",
        "def fact(n):\n    return 1 if n < 2 else n * fact(n - 1)\n",
    ),
    (
        "global declaration creates the module name",
        "def setup():\n    global CLIENT\n    CLIENT = object()\ndef use():\n    return CLIENT\n",
    ),
    (
        "nonlocal",
        "def outer():\n    count = 0\n    def inc():\n        nonlocal count\n        count += 1\n        return count\n    return inc\n",
    ),
    (
        "closure over enclosing function",
        "def outer(x):\n    def inner():\n        return x\n    return inner\n",
    ),
    (
        "class body sees its own names",
        "class A:\n    X = 1\n    Y = X + 1\n    Z = [Y]\n",
    ),
    (
        "method sees module names and self",
        "import os\nclass A:\n    def m(self):\n        return os.getcwd(), self, __class__\n",
    ),
    (
        "comprehension sees enclosing function",
        "def f(xs, k):\n    return [x * k for x in xs if x > k]\n",
    ),
    (
        "nested comprehensions",
        "def f(m):\n    return [c for row in m for c in row]\n",
    ),
    (
        "dict and set comprehensions and generators",
        "def f(xs):\n    a = {k: v for k, v in xs}\n    b = {x for x, _ in xs}\n    return sum(1 for _ in a), b\n",
    ),
    (
        "first iterable of class-level comprehension uses class scope",
        "class A:\n    NAMES = ['a', 'b']\n    UPPER = [n.upper() for n in NAMES]\n",
    ),
    (
        "lambda parameters and defaults",
        "K = 2\nf = lambda x, y=K: x + y\ng = lambda *a, **kw: (a, kw)\n",
    ),
    (
        "walrus in comprehension binds in function",
        "def f(xs):\n    if any((hit := x) > 3 for x in xs):\n        return hit\n    return None\n",
    ),
    (
        "except alias",
        "def f():\n    try:\n        return 1\n    except ValueError as exc:\n        return str(exc)\n",
    ),
    ("del", "x = 1\ndel x\n"),
    (
        "augmented assignment",
        "total = 0\nfor i in range(3):\n    total += i\n",
    ),
    (
        "for-else and while",
        "def f(xs):\n    for x in xs:\n        if x:\n            break\n    else:\n        x = None\n    while x:\n        x = x - 1\n        continue\n    return x\n",
    ),
    (
        "with and tuple unpacking",
        "def f(path):\n    with open(path) as fh, open(path) as (gh):\n        a, (b, *rest) = fh.read(), gh.read()\n    return a, b, rest\n",
    ),
    (
        "match statement captures",
        "def f(cmd):\n    match cmd:\n        case {'op': op, **rest}:\n            return op, rest\n        case [first, *others]:\n            return first, others\n        case Point(x=px) as p:\n            return px, p\n        case _:\n            return None\nclass Point:\n    x = 0\n",
    ),
    (
        "builtins and module dunders",
        "print(__name__, __file__, __doc__, len([]), NotImplemented, Ellipsis, __builtins__)\n",
    ),
    (
        "class dunders",
        "class A:\n    print(__module__, __qualname__)\n",
    ),
    (
        "star import disables undefined names",
        "from os.path import *\nprint(join('a', 'b'))\n",
    ),
    (
        "try/except ImportError fallback",
        "try:\n    import ujson as json\nexcept ImportError:\n    import json\nprint(json.dumps({}))\n",
    ),
    (
        "availability probe",
        "try:\n    import numpy\n    HAS_NUMPY = True\nexcept ImportError:\n    HAS_NUMPY = False\n",
    ),
    (
        "NameError guard",
        "try:\n    unicode\nexcept NameError:\n    unicode = str\n",
    ),
    (
        "conditional import",
        "import sys\nif sys.version_info >= (3, 11):\n    import tomllib\nelse:\n    import tomli as tomllib\nprint(tomllib)\n",
    ),
    (
        "TYPE_CHECKING import used in string annotation",
        "from __future__ import annotations\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from mypy_boto3_s3 import S3Client\ndef f(c: 'S3Client') -> 'S3Client':\n    return c\n",
    ),
    (
        "future annotations allow forward references",
        "from __future__ import annotations\ndef f(x: Later) -> Later:\n    return x\nclass Later:\n    pass\n",
    ),
    (
        "string annotation forward reference",
        "def f(x: 'Node') -> 'list[Node]':\n    return [x]\nclass Node:\n    pass\n",
    ),
    (
        "annotation of a local variable is not evaluated",
        "def f():\n    x: SomethingUndefined = 1\n    return x\n",
    ),
    (
        "imports used only in annotations",
        "from typing import Any, Optional\nimport decimal\ndef f(a: Optional[Any]) -> decimal.Decimal:\n    return decimal.Decimal(1)\n",
    ),
    (
        "__all__ marks imports as used",
        "from os.path import join, split\n__all__ = ['join']\n__all__ += ['split']\n",
    ),
    (
        "explicit re-export",
        "from os import path as path\nimport json as json\n",
    ),
    (
        "__future__ imports are never unused",
        "from __future__ import annotations, division\n",
    ),
    (
        "decorators and class bases",
        "import functools\nimport abc\nclass Base(abc.ABC):\n    @functools.cached_property\n    def v(self):\n        return 1\n",
    ),
    (
        "type parameters (3.12)",
        "def first[T](xs: list[T]) -> T:\n    return xs[0]\nclass Box[T]:\n    def get(self) -> T:\n        return self.item\ntype Pair[K] = tuple[K, K]\n",
    ),
    (
        "import submodule binds the package",
        "import os.path\nimport xml.etree.ElementTree\nprint(os.path.sep, xml.etree.ElementTree)\n",
    ),
    (
        "relative import",
        "from . import helpers\nfrom .util import thing\nprint(helpers, thing)\n",
    ),
    (
        "exception group 3.11",
        "try:\n    pass\nexcept* ValueError as eg:\n    print(eg)\n",
    ),
    (
        "async constructs",
        "import asyncio\nasync def main(xs):\n    async with asyncio.timeout(1):\n        async for x in xs:\n            await asyncio.sleep(x)\n    return [y async for y in xs]\n",
    ),
    (
        "global used before assignment in function",
        "COUNT = 0\ndef bump():\n    global COUNT\n    COUNT += 1\n",
    ),
    (
        "f-string with nested quotes",
        "name = 'x'\nprint(f\"{name!r:>10} {f'{name}'}\")\n",
    ),
    (
        "class attribute via cls",
        "class A:\n    N = 1\n    @classmethod\n    def f(cls):\n        return cls.N\n",
    ),
    (
        "lambda in class body sees module, not class",
        "import os\nclass A:\n    f = staticmethod(lambda: os.sep)\n",
    ),
    (
        "keyword-only and positional-only",
        "def f(a, /, b, *, c=1, **kw):\n    return a, b, c, kw\n",
    ),
    ("generator send", "def g():\n    x = yield 1\n    yield x\n"),
    (
        "conditional function definitions",
        "import os\nif os.name == 'nt':\n    def f():\n        return 1\nelse:\n    def f():\n        return 2\nf()\n",
    ),
    (
        "chained comparison and boolean ops",
        "def f(a, b, c):\n    return a < b <= c and not a or b\n",
    ),
    (
        "ellipsis body and docstrings",
        "class P:\n    \"\"\"Doc.\"\"\"\n    def m(self): ...\n",
    ),
];

#[test]
fn valid_scoping_cases_raise_no_findings() {
    let options = Options::default().without_handler();
    for (name, source) in SCOPING_CASES {
        let report = validate(source, &options).unwrap();
        let relevant: Vec<_> = report
            .findings
            .iter()
            .filter(|f| {
                matches!(
                    f.rule,
                    Rule::UndefinedName
                        | Rule::UnusedImport
                        | Rule::UndefinedExport
                        | Rule::SyntaxError
                        | Rule::InvalidContext
                        | Rule::UnsupportedSyntax
                )
            })
            .collect();
        assert!(relevant.is_empty(), "{name}: {relevant:#?}");
    }
}

#[test]
fn report_serialises_with_the_documented_shape() {
    let report = validate(
        "import os\ndef lambda_handler(event, context):\n    return missing\n",
        &Options::default(),
    )
    .unwrap();
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["is_valid"], false);
    assert_eq!(json["python_version"], "3.13");
    assert_eq!(json["stage"], "initial_skeleton");
    let finding = &json["findings"][0];
    assert_eq!(finding["rule"], "CUE202");
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["line"], 1);
    assert_eq!(finding["column"], 8);
    assert!(finding["suggestion"].is_string());
    assert_eq!(json["findings"][1]["rule"], "CUE201");
    assert_eq!(json["suggestions"][0], "line 1: remove the import of `os`");
    let categories = report.categories();
    let names = categories
        .iter()
        .find(|c| c.category == cue_validate::Category::Names)
        .unwrap();
    assert!(!names.is_valid);
    assert!(names.message.contains("undefined name `missing`"));
    assert!(categories.iter().filter(|c| c.is_valid).count() >= 4);
}

#[test]
fn validation_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Options>();
    assert_send_sync::<cue_validate::Report>();
    assert_send_sync::<cue_validate::ValidateError>();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(|| {
                validate(REALISTIC_HANDLER, &Options::default())
                    .unwrap()
                    .is_valid
            })
        })
        .collect();
    for handle in handles {
        assert!(handle.join().unwrap());
    }
}
