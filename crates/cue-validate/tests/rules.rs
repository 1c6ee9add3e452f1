//! Table-driven rule tests: for every rule, code that must trigger it and close-by valid code
//! that must not (a false positive is as bad as a miss).
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use cue_validate::{Options, PythonVersion, Report, Rule, Severity, Stage, validate};

struct Case {
    name: &'static str,
    rule: Rule,
    trigger: &'static str,
    clean: &'static str,
    options: fn() -> Options,
}

fn helper() -> Options {
    Options::default().without_handler()
}
fn final_stage() -> Options {
    helper().with_stage(Stage::FinalWithCredentials)
}
fn with_handler() -> Options {
    Options::default()
}
fn py311() -> Options {
    helper().with_python_version(PythonVersion::PY311)
}
fn py310() -> Options {
    helper().with_python_version(PythonVersion::PY310)
}
fn py314() -> Options {
    helper().with_python_version(PythonVersion::PY314)
}
fn with_requirements() -> Options {
    helper().with_requirements("requests==2.32.3\nPyYAML>=6\nslack-sdk\n")
}

const CASES: &[Case] = &[
    Case {
        name: "syntax error",
        rule: Rule::SyntaxError,
        trigger: "def f(:\n    pass\n",
        clean: "def f():\n    pass\n",
        options: helper,
    },
    Case {
        name: "unclosed bracket",
        rule: Rule::SyntaxError,
        trigger: "x = [1, 2\n",
        clean: "x = [1, 2]\n",
        options: helper,
    },
    Case {
        name: "match needs 3.10+, except* needs 3.11",
        rule: Rule::UnsupportedSyntax,
        trigger: "try:\n    pass\nexcept* ValueError:\n    pass\n",
        clean: "try:\n    pass\nexcept ValueError:\n    pass\n",
        options: py310,
    },
    Case {
        name: "type statement needs 3.12",
        rule: Rule::UnsupportedSyntax,
        trigger: "type Pair = tuple[int, int]\n",
        clean: "from typing import TypeAlias\nPair: TypeAlias = tuple[int, int]\n",
        options: py311,
    },
    Case {
        name: "return outside function",
        rule: Rule::InvalidContext,
        trigger: "x = 1\nreturn x\n",
        clean: "def f():\n    x = 1\n    return x\n",
        options: helper,
    },
    Case {
        name: "break outside loop",
        rule: Rule::InvalidContext,
        trigger: "def f(x):\n    if x:\n        break\n",
        clean: "def f(xs):\n    for x in xs:\n        if x:\n            break\n    else:\n        return 0\n",
        options: helper,
    },
    Case {
        name: "await outside async",
        rule: Rule::InvalidContext,
        trigger: "def f(x):\n    return await x\n",
        clean: "async def f(x):\n    return [await y for y in x]\n",
        options: helper,
    },
    Case {
        name: "yield at module level",
        rule: Rule::InvalidContext,
        trigger: "yield 1\n",
        clean: "def gen():\n    yield 1\n    yield from range(3)\n",
        options: helper,
    },
    Case {
        name: "late __future__ import",
        rule: Rule::InvalidContext,
        trigger: "import os\nfrom __future__ import annotations\nprint(os)\n",
        clean: "\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\nimport os\nos.getcwd()\n",
        options: helper,
    },
    Case {
        name: "star import in function",
        rule: Rule::InvalidContext,
        trigger: "def f():\n    from os import *\n",
        clean: "from os import *\n",
        options: helper,
    },
    Case {
        name: "too many nested parentheses",
        rule: Rule::NestingTooDeep,
        trigger: "x = ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))\n",
        clean: "x = ((((((((((1))))))))))\n",
        options: helper,
    },
    Case {
        name: "removed stdlib module",
        rule: Rule::RemovedStdlibModule,
        trigger: "import cgi\ncgi.escape('x')\n",
        clean: "import html\nhtml.escape('x')\n",
        options: helper,
    },
    Case {
        name: "distutils submodule",
        rule: Rule::RemovedStdlibModule,
        trigger: "from distutils.version import LooseVersion\nLooseVersion('1')\n",
        clean: "import sysconfig\nsysconfig.get_paths()\n",
        options: helper,
    },
    Case {
        name: "removed stdlib api",
        rule: Rule::RemovedStdlibApi,
        trigger: "from collections import Mapping\nisinstance({}, Mapping)\n",
        clean: "from collections.abc import Mapping\nisinstance({}, Mapping)\n",
        options: helper,
    },
    Case {
        name: "removed stdlib api by attribute",
        rule: Rule::RemovedStdlibApi,
        trigger: "import ast\nast.Num(1)\n",
        clean: "import ast\nast.Constant(1)\n",
        options: py314,
    },
    Case {
        name: "deprecated utcnow",
        rule: Rule::DeprecatedStdlib,
        trigger: "from datetime import datetime\nnow = datetime.utcnow()\n",
        clean: "from datetime import datetime, timezone\nnow = datetime.now(timezone.utc)\n",
        options: helper,
    },
    Case {
        name: "deprecated utcnow through module",
        rule: Rule::DeprecatedStdlib,
        trigger: "import datetime as dt\nnow = dt.datetime.utcnow()\n",
        clean: "import datetime as dt\nnow = dt.datetime.now(dt.UTC)\n",
        options: helper,
    },
    Case {
        name: "deprecated package boto",
        rule: Rule::DeprecatedPackage,
        trigger: "import boto\nboto.connect_s3()\n",
        clean: "import boto3\nboto3.client('s3')\n",
        options: helper,
    },
    Case {
        name: "slackclient import name",
        rule: Rule::DeprecatedPackage,
        trigger: "from slack import WebClient\nWebClient()\n",
        clean: "from slack_sdk import WebClient\nWebClient()\n",
        options: with_requirements,
    },
    Case {
        name: "google.generativeai",
        rule: Rule::DeprecatedPackage,
        trigger: "import google.generativeai as genai\ngenai.configure()\n",
        clean: "from google import genai\ngenai.Client()\n",
        options: || helper().with_requirements("google-genai\n"),
    },
    Case {
        name: "from google import generativeai",
        rule: Rule::DeprecatedPackage,
        trigger: "from google import generativeai\ngenerativeai.configure()\n",
        clean: "from google import genai\ngenai.Client()\n",
        options: || helper().with_requirements("google-genai\n"),
    },
    Case {
        name: "botocore vendored requests",
        rule: Rule::DeprecatedPackage,
        trigger: "from botocore.vendored import requests\nrequests.get('u', timeout=5)\n",
        clean: "import botocore.exceptions\nbotocore.exceptions.ClientError\n",
        options: helper,
    },
    Case {
        name: "pkg_resources",
        rule: Rule::DeprecatedPackage,
        trigger: "import pkg_resources\npkg_resources.get_distribution('x')\n",
        clean: "import importlib.metadata\nimportlib.metadata.version('x')\n",
        options: helper,
    },
    Case {
        name: "mock backport",
        rule: Rule::DeprecatedPackage,
        trigger: "from mock import patch\npatch('x')\n",
        clean: "from unittest.mock import patch\npatch('x')\n",
        options: helper,
    },
    Case {
        name: "PyPDF2",
        rule: Rule::DeprecatedPackage,
        trigger: "from PyPDF2 import PdfReader\nPdfReader('a.pdf')\n",
        clean: "from pypdf import PdfReader\nPdfReader('a.pdf')\n",
        options: || helper().with_requirements("pypdf\nPyPDF2\n"),
    },
    Case {
        name: "openai.ChatCompletion",
        rule: Rule::DeprecatedPackageApi,
        trigger: "import openai\nopenai.ChatCompletion.create(model='m', messages=[])\n",
        clean: "from openai import OpenAI\nOpenAI().chat.completions.create(model='m', messages=[])\n",
        options: || helper().with_requirements("openai>=1\n"),
    },
    Case {
        name: "from openai import Completion",
        rule: Rule::DeprecatedPackageApi,
        trigger: "from openai import Completion\nCompletion.create()\n",
        clean: "from openai import OpenAI\nOpenAI()\n",
        options: || helper().with_requirements("openai>=1\n"),
    },
    Case {
        name: "requests not declared",
        rule: Rule::MissingDependency,
        trigger: "import requests\nrequests.get('u', timeout=5)\n",
        clean: "import urllib.request\nurllib.request.urlopen('u', timeout=5)\n",
        options: helper,
    },
    Case {
        name: "requests declared",
        rule: Rule::MissingDependency,
        trigger: "import yaml\nimport httpx\nyaml.safe_load('a')\nhttpx.get('u')\n",
        clean: "import yaml\nimport requests\nyaml.safe_load('a')\nrequests.get('u', timeout=5)\n",
        options: with_requirements,
    },
    Case {
        name: "import name differs from distribution",
        rule: Rule::MissingDependency,
        // `yaml` is PyYAML on PyPI: declaring "yaml" does not provide it.
        trigger: "import yaml\nyaml.safe_load('a')\n",
        clean: "from slack_sdk import WebClient\nimport boto3\nWebClient()\nboto3.client('s3')\n",
        options: || helper().with_requirements("slack_sdk==3.33\nyaml\n"),
    },
    Case {
        name: "optional import guarded by ImportError",
        rule: Rule::MissingDependency,
        trigger: "import orjson\norjson.dumps(1)\n",
        clean: "try:\n    import orjson\nexcept ImportError:\n    orjson = None\nprint(orjson)\n",
        options: helper,
    },
    Case {
        name: "local bundle module",
        rule: Rule::MissingDependency,
        trigger: "import utils\nutils.run()\n",
        clean: "import helpers\nfrom . import other\nhelpers.run()\nother.run()\n",
        options: || helper().with_local_modules(["helpers"]),
    },
    Case {
        name: "transitive dependency of boto3",
        rule: Rule::TransitiveDependency,
        trigger: "import urllib3\nurllib3.PoolManager()\n",
        clean: "import jmespath\njmespath.search('a', {})\n",
        options: || helper().with_requirements("jmespath<2\n"),
    },
    Case {
        name: "undefined name",
        rule: Rule::UndefinedName,
        trigger: "def f():\n    return undefined_thing\n",
        clean: "undefined_thing = 1\ndef f():\n    return undefined_thing\n",
        options: helper,
    },
    Case {
        name: "class scope is not visible from methods",
        rule: Rule::UndefinedName,
        trigger: "class A:\n    limit = 3\n    def m(self):\n        return limit\n",
        clean: "class A:\n    limit = 3\n    def m(self):\n        return self.limit\n",
        options: helper,
    },
    Case {
        name: "comprehension variable does not leak",
        rule: Rule::UndefinedName,
        trigger: "xs = [y for y in range(3)]\nprint(y)\n",
        clean: "xs = [y for y in range(3)]\nprint(xs)\n",
        options: helper,
    },
    Case {
        name: "builtin of a newer version",
        rule: Rule::UndefinedName,
        trigger: "raise ExceptionGroup('x', [ValueError()])\n",
        clean: "raise ValueError('x')\n",
        options: py310,
    },
    Case {
        name: "unused import",
        rule: Rule::UnusedImport,
        trigger: "import json\nimport os\nos.getcwd()\n",
        clean: "import json\nimport os\nos.getcwd()\njson.dumps(1)\n",
        options: helper,
    },
    Case {
        name: "unused from-import in function",
        rule: Rule::UnusedImport,
        trigger: "def f():\n    from os import path\n    return 1\n",
        clean: "def f():\n    from os import path\n    return path.sep\n",
        options: helper,
    },
    Case {
        name: "undefined export",
        rule: Rule::UndefinedExport,
        trigger: "__all__ = ['run', 'missing']\ndef run():\n    pass\n",
        clean: "__all__ = ['run']\ndef run():\n    pass\n",
        options: helper,
    },
    Case {
        name: "missing handler",
        rule: Rule::MissingHandler,
        trigger: "def handler(event, context):\n    return 1\n",
        clean: "def lambda_handler(event, context):\n    return 1\n",
        options: with_handler,
    },
    Case {
        name: "handler nested in a class is not module level",
        rule: Rule::MissingHandler,
        trigger: "class A:\n    def lambda_handler(self, event, context):\n        return 1\n",
        clean: "from app import handler as lambda_handler\n__all__ = ['lambda_handler']\n",
        options: || with_handler().with_local_modules(["app"]),
    },
    Case {
        name: "custom handler name",
        rule: Rule::MissingHandler,
        trigger: "def lambda_handler(event, context):\n    return 1\n",
        clean: "def main(event, context):\n    return 1\n",
        options: || with_handler().with_handler("app.main").unwrap(),
    },
    Case {
        name: "handler arity",
        rule: Rule::HandlerSignature,
        trigger: "def lambda_handler(event):\n    return 1\n",
        clean: "def lambda_handler(event, context=None, *rest):\n    return 1\n",
        options: with_handler,
    },
    Case {
        name: "handler with required keyword-only",
        rule: Rule::HandlerSignature,
        trigger: "def lambda_handler(event, context, *, mode):\n    return 1\n",
        clean: "def lambda_handler(*args, mode='x'):\n    return 1\n",
        options: with_handler,
    },
    Case {
        name: "async handler",
        rule: Rule::AsyncHandler,
        trigger: "async def lambda_handler(event, context):\n    return 1\n",
        clean: "import asyncio\nasync def main():\n    return 1\ndef lambda_handler(event, context):\n    return asyncio.run(main())\n",
        options: with_handler,
    },
    Case {
        name: "client created in handler",
        rule: Rule::ClientInHandler,
        trigger: "import boto3\ndef lambda_handler(event, context):\n    s3 = boto3.client('s3')\n    return s3.list_buckets()\n",
        clean: "import boto3\ns3 = boto3.client('s3')\ndef lambda_handler(event, context):\n    return s3.list_buckets()\n",
        options: with_handler,
    },
    Case {
        name: "AWS key in skeleton",
        rule: Rule::HardcodedSecret,
        trigger: "AWS_ACCESS_KEY_ID = 'AKIAQ3EGUKXM7WZJ4PLD'\n",
        clean: "import os\nAWS_ACCESS_KEY_ID = os.environ.get('AWS_ACCESS_KEY_ID', '{{AWS_ACCESS_KEY_ID}}')\n",
        options: helper,
    },
    Case {
        name: "Slack token as getenv default",
        rule: Rule::HardcodedSecret,
        trigger: "import os\nTOKEN = os.environ.get('SLACK_BOT_TOKEN', 'xoxb-2048193742-4810385761-AbCdEfGhIjKlMnOpQrStUvWx')\n",
        clean: "import os\nTOKEN = os.environ.get('SLACK_BOT_TOKEN', '{{SLACK_BOT_TOKEN}}')\n",
        options: helper,
    },
    Case {
        name: "high-entropy value of a secret name",
        rule: Rule::HardcodedSecret,
        trigger: "headers = {'api_key': 'q8Zr2LmX0vT4kP9sW3nB7yH1'}\n",
        clean: "headers = {'api_key_header': 'X-Api-Key', 'cache_key': 'q8Zr2LmX0vT4kP9sW3nB7yH1'}\n",
        options: helper,
    },
    Case {
        name: "OpenAI key as keyword argument",
        rule: Rule::HardcodedSecret,
        trigger: "from openai import OpenAI\nOpenAI(api_key='sk-proj-Ab3dE5gH7jK9mN1pQ3rS5tU7vW9xY1z')\n",
        clean: "import os\nfrom openai import OpenAI\nOpenAI(api_key=os.environ['OPENAI_API_KEY'])\n",
        options: || helper().with_requirements("openai\n"),
    },
    Case {
        name: "placeholder left at final stage",
        rule: Rule::UnfilledPlaceholder,
        trigger: "import os\nTOKEN = os.environ.get('SLACK_BOT_TOKEN', '{{SLACK_BOT_TOKEN}}')\n",
        clean: "import os\nTOKEN = os.environ.get('SLACK_BOT_TOKEN', 'xoxb-2048193742-4810385761-AbCdEfGhIjKlMnOpQrStUvWx')\n",
        options: final_stage,
    },
    Case {
        name: "YOUR_..._HERE placeholder",
        rule: Rule::UnfilledPlaceholder,
        trigger: "API_KEY = 'YOUR_API_KEY_HERE'\n",
        clean: "GREETING = 'Here is your report'\n",
        options: final_stage,
    },
    Case {
        name: "unquoted placeholder",
        rule: Rule::UnquotedPlaceholder,
        trigger: "TOKEN = {{SLACK_BOT_TOKEN}}\n",
        clean: "TOKEN = '{{SLACK_BOT_TOKEN}}'\nVALUES = {frozenset({1})}\n",
        options: helper,
    },
    Case {
        name: "requests without timeout",
        rule: Rule::HttpWithoutTimeout,
        trigger: "import requests\nrequests.post('u', json={})\n",
        clean: "import requests\nrequests.post('u', json={}, timeout=10)\n",
        options: with_requirements,
    },
    Case {
        name: "urlopen without timeout",
        rule: Rule::HttpWithoutTimeout,
        trigger: "from urllib.request import urlopen\nurlopen('https://x')\n",
        clean: "from urllib.request import urlopen\nurlopen('https://x', None, 10)\n",
        options: helper,
    },
    Case {
        name: "httpx with timeout=None",
        rule: Rule::HttpWithoutTimeout,
        trigger: "import httpx\nhttpx.get('u', timeout=None)\n",
        clean: "import httpx\nhttpx.get('u')\n",
        options: || helper().with_requirements("httpx\n"),
    },
    Case {
        name: "verify=False",
        rule: Rule::TlsVerifyDisabled,
        trigger: "import requests\nrequests.get('u', timeout=5, verify=False)\n",
        clean: "import requests\nrequests.get('u', timeout=5, verify=True)\n",
        options: with_requirements,
    },
    Case {
        name: "eval",
        rule: Rule::EvalExec,
        trigger: "def f(event):\n    return eval(event['expr'])\n",
        clean: "import ast\ndef f(event):\n    return ast.literal_eval(event['expr'])\n",
        options: helper,
    },
    Case {
        name: "shadowed eval is not the builtin",
        rule: Rule::EvalExec,
        trigger: "exec('x = 1')\n",
        clean: "def eval(x):\n    return x\neval('1')\n",
        options: helper,
    },
    Case {
        name: "shell=True",
        rule: Rule::ShellInjection,
        trigger: "import subprocess\nsubprocess.run('ls ' + d, shell=True, check=True)\n",
        clean: "import subprocess\nsubprocess.run(['ls', '/tmp'], check=True)\n",
        options: helper,
    },
    Case {
        name: "os.system",
        rule: Rule::ShellInjection,
        trigger: "import os\nos.system('ls')\n",
        clean: "import os\nos.listdir('/tmp')\n",
        options: helper,
    },
    Case {
        name: "pickle.loads",
        rule: Rule::UnsafeDeserialization,
        trigger: "import pickle\ndef f(event):\n    return pickle.loads(event['body'])\n",
        clean: "import json\ndef f(event):\n    return json.loads(event['body'])\n",
        options: helper,
    },
    Case {
        name: "yaml.load without safe loader",
        rule: Rule::UnsafeDeserialization,
        trigger: "import yaml\nyaml.load(open('c.yml'))\n",
        clean: "import yaml\nyaml.load(open('c.yml'), Loader=yaml.SafeLoader)\nyaml.safe_load('a: 1')\n",
        options: with_requirements,
    },
    Case {
        name: "SQL f-string",
        rule: Rule::SqlStringFormatting,
        trigger: "def f(cur, uid):\n    cur.execute(f\"SELECT * FROM users WHERE id = {uid}\")\n",
        clean: "def f(cur, uid):\n    cur.execute(\"SELECT * FROM users WHERE id = %s\", (uid,))\n",
        options: helper,
    },
    Case {
        name: "SQL built in a variable",
        rule: Rule::SqlStringFormatting,
        trigger: "def f(cur, uid):\n    q = \"DELETE FROM t WHERE id = '%s'\" % uid\n    cur.execute(q)\n",
        clean: "def f(cur, table_name):\n    q = 'SELECT 1'\n    cur.execute(q)\n    cur.execute(f'{table_name}')\n",
        options: helper,
    },
    Case {
        name: "except: pass",
        rule: Rule::SwallowedException,
        trigger: "try:\n    x = 1\nexcept:\n    pass\n",
        clean: "import logging\ntry:\n    x = 1\nexcept Exception:\n    logging.exception('failed')\n    raise\n",
        options: helper,
    },
    Case {
        name: "except Exception: pass",
        rule: Rule::SwallowedException,
        trigger: "try:\n    x = 1\nexcept Exception:\n    ...\n",
        clean: "try:\n    x = 1\nexcept KeyError:\n    pass\n",
        options: helper,
    },
    Case {
        name: "print",
        rule: Rule::PrintInsteadOfLogging,
        trigger: "print('hello')\n",
        clean: "import logging\nlogging.getLogger().info('hello')\n",
        options: helper,
    },
];

fn run(source: &str, options: &Options) -> Report {
    validate(source, options).expect("validate")
}

#[test]
fn every_rule_has_a_triggering_and_a_clean_case() {
    for rule in Rule::ALL {
        assert!(
            CASES.iter().any(|c| c.rule == *rule),
            "no table case for {rule} ({})",
            rule.name()
        );
    }
}

#[test]
fn triggering_code_reports_the_rule() {
    for case in CASES {
        let report = run(case.trigger, &(case.options)());
        assert!(
            report.findings.iter().any(|f| f.rule == case.rule),
            "{}: expected {} in {:#?}",
            case.name,
            case.rule,
            report.findings
        );
    }
}

#[test]
fn clean_code_does_not_report_the_rule() {
    for case in CASES {
        let report = run(case.clean, &(case.options)());
        assert!(
            !report.findings.iter().any(|f| f.rule == case.rule),
            "{}: unexpected {} in {:#?}",
            case.name,
            case.rule,
            report.findings
        );
    }
}

#[test]
fn findings_carry_positions_messages_and_severity() {
    let report = run("import os\n\ndef f():\n    return undefined_x\n", &helper());
    let finding = report
        .findings
        .iter()
        .find(|f| f.rule == Rule::UndefinedName)
        .unwrap();
    assert_eq!(
        (
            finding.line,
            finding.column,
            finding.end_line,
            finding.end_column
        ),
        (4, 12, 4, 23)
    );
    assert_eq!(finding.severity, Severity::Error);
    assert_eq!(finding.message, "undefined name `undefined_x`");
    let unused = report
        .findings
        .iter()
        .find(|f| f.rule == Rule::UnusedImport)
        .unwrap();
    assert_eq!((unused.line, unused.column), (1, 8));
    assert_eq!(unused.severity, Severity::Warning);
    assert!(!report.is_valid);
}

#[test]
fn secrets_are_errors_in_the_skeleton_and_notes_at_the_final_stage() {
    let source = "KEY = 'AKIAQ3EGUKXM7WZJ4PLD'\n";
    let skeleton = run(source, &helper());
    assert!(!skeleton.is_valid);
    let final_report = run(source, &final_stage());
    assert!(final_report.is_valid);
    assert_eq!(final_report.findings[0].severity, Severity::Info);
}

#[test]
fn placeholders_are_fine_in_the_skeleton() {
    let source = "import os\nTOKEN = os.environ.get('SLACK_BOT_TOKEN', '{{SLACK_BOT_TOKEN}}')\nURL = '<WEBHOOK_URL>'\n";
    let report = run(source, &helper());
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    let final_report = run(source, &final_stage());
    assert_eq!(
        final_report
            .findings
            .iter()
            .filter(|f| f.rule == Rule::UnfilledPlaceholder)
            .count(),
        2
    );
}

#[test]
fn removed_modules_follow_the_target_version() {
    let source = "import telnetlib\ntelnetlib.Telnet\n";
    assert!(run(source, &py311()).is_valid);
    assert!(!run(source, &helper()).is_valid);
}

#[test]
fn syntax_errors_report_line_and_column_for_each_recovered_error() {
    let report = run("def f(:\n    pass\nx = (1,\ny = 2\n", &helper());
    let syntax: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == Rule::SyntaxError)
        .collect();
    assert!(syntax.len() >= 2, "{syntax:#?}");
    assert_eq!((syntax[0].line, syntax[0].column), (1, 7));
    // Name rules are skipped on a tree recovered from syntax errors.
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.rule == Rule::UndefinedName)
    );
}

#[test]
fn a_deprecated_import_is_not_also_reported_as_unused() {
    let report = run(
        "import asyncore\nfrom collections import Mapping\n",
        &helper(),
    );
    let rules: Vec<Rule> = report.findings.iter().map(|f| f.rule).collect();
    assert_eq!(rules, [Rule::RemovedStdlibModule, Rule::RemovedStdlibApi]);
}
