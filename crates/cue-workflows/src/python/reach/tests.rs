//! What [`reached`] keeps and drops, on small modules, and on every template's generated
//! module (no helper defined that the handler does not reach, no finding of the validator).
#![expect(clippy::unwrap_used, reason = "tests")]

use super::{Readings, reached, reached_with};

const HEAD: &str = "\"\"\"Doc naming _unused and json.\"\"\"\n\nimport json\n\nlogger = 1\n";

#[test]
fn keeps_what_the_handler_reaches_through_other_helpers() {
    let text = format!(
        "{HEAD}\n\ndef _a(x):\n    return _b(x)\n\n\ndef _b(x):\n    return json.dumps(x)\n\n\n\
         def lambda_handler(event, context):\n    return _a(event)\n"
    );
    assert_eq!(reached(&text), text);
}

#[test]
fn drops_an_unreached_helper_with_its_blank_lines() {
    let kept = format!("{HEAD}\n\ndef lambda_handler(event, context):\n    return None\n");
    let text = format!(
        "{HEAD}\n\ndef _unused(x):\n    \"\"\"Calls _also_unused.\"\"\"\n    return _also_unused(x)\n\n\n\
         class _AlsoUnused:\n    pass\n\n\n_also_unused = _AlsoUnused()\n\n\n\
         def lambda_handler(event, context):\n    return None\n"
    );
    // json is only in the docstring: not a use, so its import goes too
    let want = kept.replace("import json\n\n", "");
    assert_eq!(reached(&text), want);
}

#[test]
fn a_name_in_a_string_a_comment_or_after_a_dot_reaches_nothing() {
    let text = format!(
        "{HEAD}\n\ndef _x():\n    pass\n\n\n\
         def lambda_handler(event, context):\n    # _x\n    return event._x, \"_x\", '''_x''', r\"\\\"_x\"\n"
    );
    assert!(!reached(&text).contains("def _x"));
    // the same names in code do reach it
    let used = text.replace("event._x,", "_x,");
    assert!(reached(&used).contains("def _x"));
}

#[test]
fn an_f_string_field_is_code_and_its_text_is_not() {
    let text = format!(
        "{HEAD}\n\ndef _x():\n    pass\n\n\ndef _y():\n    pass\n\n\n\
         def lambda_handler(event, context):\n    return f\"_y {{{{_y}}}} {{_x()!r:>{{len(event)}}}}\"\n"
    );
    let out = reached(&text);
    assert!(out.contains("def _x"));
    assert!(!out.contains("def _y"));
}

#[test]
fn an_import_stays_while_its_dotted_path_is_used() {
    let text = "\"\"\"Doc.\"\"\"\n\nimport urllib.parse\nimport urllib.request\nimport xml.etree.ElementTree\n\n\
                import boto3\n\nlogger = 1\n\n\n\
                def lambda_handler(event, context):\n    return urllib.parse.quote(event), xml.etree.ElementTree\n";
    let out = reached(text);
    assert!(out.contains("import urllib.parse\n"));
    assert!(out.contains("import xml.etree.ElementTree\n"));
    assert!(!out.contains("urllib.request"));
    assert!(!out.contains("boto3"));
    // the blank line that opened the dropped group goes with it, the one after stays
    assert!(out.contains("ElementTree\n\nlogger = 1\n"));
    // a first import dropped leaves its group's blank line to the next one
    let first = text.replace("return urllib.parse.quote(event), ", "return ");
    assert!(
        reached(&first).starts_with("\"\"\"Doc.\"\"\"\n\nimport xml.etree.ElementTree\n\nlogger")
    );
    // an attribute written apart keeps every import under its name
    let apart = text.replace("urllib.parse.quote", "urllib .request");
    let out = reached(&apart);
    assert!(out.contains("import urllib.parse\nimport urllib.request\n"));
}

#[test]
fn never_drops_a_statement_that_is_not_a_definition() {
    let text = format!(
        "{HEAD}\n_a = _b = 1\n_c += 1\n_d: int = 2\nPUBLIC = 3\n_e, _f = 1, 2\nimport os as system\n\
         \n\n@decorate\ndef _h():\n    pass\n\n\n\
         def public():\n    pass\n\n\ndef __private():\n    pass\n\n\n\
         def lambda_handler(event, context):\n    return None\n"
    );
    assert_eq!(reached(&text), text.replace("import json\n\n", ""));
}

#[test]
fn a_comment_goes_with_the_definition_under_it_but_not_with_a_group() {
    let text = format!(
        "{HEAD}\n# Clients\n_one = 1\n_two = 2\n\n\n# the table\n_TABLE = 3\n\n\n\
         def lambda_handler(event, context):\n    return _two\n"
    );
    let out = reached(&text);
    assert!(out.contains("# Clients\n_one = 1\n_two = 2\n"));
    assert!(!out.contains("the table"));
    assert!(!out.contains("_TABLE"));
}

#[test]
fn code_inside_brackets_and_continuations_is_one_statement() {
    let text = format!(
        "{HEAD}\n\ndef _x():\n    pass\n\n\n_Y = (\n1,\n_x)\n\n\n\
         def lambda_handler(event, context):\n    return \\\n_Y\n"
    );
    // `1,` and `_x)` begin at column 0 inside brackets, `_Y` after a backslash: no new statements
    assert_eq!(reached(&text), text.replace("import json\n\n", ""));
}

/// Every template's module, by an independent reader (Python's `ast`): each private name a
/// top-level definition binds is reached from the statements that are not such definitions
/// (the handler among them), and the module compiles. Prints the dead names, `None` without
/// python3.
fn dead_helpers(code: &str) -> Option<String> {
    use std::process::Command;
    Command::new("python3").arg("--version").output().ok()?;
    let script = r#"
import ast, sys
tree = ast.parse(sys.stdin.read())
defs = {}
for node in tree.body:
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        name = node.name
    elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        name = node.targets[0].id
    elif isinstance(node, ast.Import) and len(node.names) == 1 and node.names[0].asname is None:
        name = node.names[0].name
    else:
        continue
    if not name.startswith("_") and not isinstance(node, ast.Import):
        continue
    defs.setdefault(name, []).append(node)
nodes = {id(n) for ns in defs.values() for n in ns}
stack = [n for n in tree.body if id(n) not in nodes]
seen = set()
def dotted(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        parts.reverse()
        return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return []
while stack:
    for sub in ast.walk(stack.pop()):
        names = [sub.id] if isinstance(sub, ast.Name) else dotted(sub) if isinstance(sub, ast.Attribute) else []
        for name in names:
            if name in defs and name not in seen:
                seen.add(name)
                stack.extend(defs[name])
print(" ".join(sorted(set(defs) - seen)))
"#;
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(code.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{code}");
    Some(String::from_utf8(out.stdout).unwrap().trim().to_string())
}

#[test]
fn every_template_defines_only_what_it_reaches_and_lacks_nothing() {
    let engine = crate::Engine::new().unwrap();
    let library = crate::TemplateLibrary::builtin(engine.catalog()).unwrap();
    for t in library.all() {
        let g = engine.generate_from_plan(t.plan.clone()).unwrap();
        // nothing reached is missing: no undefined name, no unused import, no other finding
        let report = g.validation.as_ref().unwrap();
        assert!(
            report.findings.is_empty(),
            "{}: {:?}",
            t.id,
            report.findings
        );
        if let Some(dead) = dead_helpers(&g.code) {
            assert_eq!(dead, "", "{}: defined and never reached\n{}", t.id, g.code);
        }
    }
}

#[test]
fn the_reader_finds_dead_helpers_where_there_are() {
    let text = format!(
        "{HEAD}\n\ndef _x():\n    pass\n\n\ndef lambda_handler(event, context):\n    return None\n"
    );
    if let Some(dead) = dead_helpers(&text) {
        assert_eq!(dead, "_x json");
        assert_eq!(dead_helpers(&reached(&text)).unwrap(), "");
    }
}

#[test]
fn only_an_import_s_own_name_keeps_it() {
    // `ok` and `od` share `os`'s first byte and length (the reader's filter), `x.os` is an
    // attribute, `oss` a longer name: none of them is a use of `os`
    let text = "\"\"\"Doc.\"\"\"\n\nimport os\nimport json\n\n\n\
                def lambda_handler(event, context):\n    ok = od = event.os\n    oss = json\n    return ok, od, oss\n";
    let out = reached(text);
    assert!(!out.contains("import os\n"), "{out}");
    assert!(out.contains("import json\n"));
    let used = text.replace("event.os", "os.environ");
    assert!(reached(&used).contains("import os\n"));
}

#[test]
fn a_private_name_keeps_its_definition_wherever_it_is_used_in_code() {
    let text = format!(
        "{HEAD}\n\ndef _a():\n    pass\n\n\ndef _b():\n    pass\n\n\ndef _c():\n    pass\n\n\n\
         def lambda_handler(event, context):\n    x = [_a]\n    y = {{'k': _b}}\n    return rb'_c', x, y, f'{{x}}'\n"
    );
    let out = reached(&text);
    assert!(out.contains("def _a"));
    assert!(out.contains("def _b"));
    assert!(!out.contains("def _c"));
}

#[test]
fn broken_text_is_read_to_its_end_without_panicking() {
    // what the validator reports afterwards; the reader only must not fail or lose bytes
    let cases = [
        "x = 1 \\",
        "x = 'open",
        "x = '''open\n\n",
        "x = f'{open",
        "x = f\"{_a\ndef _a():\n    pass\n",
        "x = (\n",
        "x = )\n",
        "_é = 1\nuse = _é\n",
        "import \n",
        "@\n",
        "\\",
        "#",
        "   ",
        "",
    ];
    for text in cases {
        let out = reached(text);
        assert!(out.len() <= text.len(), "{text:?}");
        // what stays is the text's lines, in order
        let mut rest = text;
        for line in out.split_inclusive('\n') {
            let at = rest
                .find(line)
                .unwrap_or_else(|| panic!("{text:?} -> {out:?}"));
            rest = &rest[at + line.len()..];
        }
    }
}

#[test]
fn an_import_is_used_only_by_its_whole_name_in_code() {
    let module = |body: &str| {
        format!(
            "\"\"\"Doc.\"\"\"\n\nimport json\n\n\ndef lambda_handler(event, context):\n    {body}\n"
        )
    };
    let unused = [
        "return json_body, myjson, event.json",
        "return f'json {event}'  # json",
        "return '''\njson.dumps\n'''",
        "return f'{{json}}'",
    ];
    for body in unused {
        assert!(!reached(&module(body)).contains("import json"), "{body}");
    }
    let used = [
        "return json",
        "return f'{json.dumps(event)}'",
        "return (event,\njson)",
        "return [json .dumps]",
    ];
    for body in used {
        assert!(reached(&module(body)).contains("import json"), "{body}");
    }
}

#[test]
fn a_dot_on_an_earlier_line_makes_no_attribute() {
    // a comment ending with a dot above a call: the call still uses `_x`
    let text = format!(
        "{HEAD}\n\ndef _x():\n    pass\n\n\n\
         def lambda_handler(event, context):\n    # Call it.\n    _x()\n    return None\n"
    );
    assert!(reached(&text).contains("def _x"));
    // a dot before a backslash continuation still does
    let attribute = text.replace("    _x()\n", "    event. \\\n_x\n");
    assert!(!reached(&attribute).contains("def _x"));
}

/// Every template's module as the templates write it, before the reach pass.
fn rendered_modules() -> Vec<String> {
    let engine = crate::Engine::new().unwrap();
    let templates = crate::render::Templates::new().unwrap();
    let library = crate::TemplateLibrary::builtin(engine.catalog()).unwrap();
    library
        .all()
        .iter()
        .map(|t| {
            let prepared = super::super::prepare(engine.catalog(), &t.plan).unwrap();
            templates
                .render("python/module.py.j2", &prepared.module)
                .unwrap()
        })
        .collect()
}

/// `text` read with `readings` answers as `text` read byte by byte.
fn same_as_read_in_full(text: &str, readings: &mut Readings) {
    assert_eq!(
        reached_with(text, Some(readings)),
        reached_with(text, None),
        "{text}"
    );
}

#[test]
fn kept_readings_answer_as_reading_every_byte() {
    let modules = rendered_modules();
    assert!(modules.len() > 10);
    // one set of readings across every module, twice: the second time every statement has
    // been seen, in other modules too (other imports, other neighbours)
    let mut readings = Readings::default();
    for _ in 0..2 {
        for text in &modules {
            same_as_read_in_full(text, &mut readings);
        }
    }
    assert!(readings.bytes > 0);
    // most of the second round's statements were stepped over
    let statements: usize = modules
        .iter()
        .map(|m| m.matches("\n\n\ndef ").count())
        .sum();
    assert!(
        readings.hits > statements,
        "{} of {statements}",
        readings.hits
    );
    // cut anywhere (inside strings, brackets, lines) and put together with another module's
    // part, with the readings of the whole modules kept
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        usize::try_from(state % n as u64).unwrap()
    };
    for _ in 0..300 {
        let a = &modules[next(modules.len())];
        let b = &modules[next(modules.len())];
        let (mut i, mut j) = (next(a.len()), next(b.len()));
        while !a.is_char_boundary(i) {
            i -= 1;
        }
        while !b.is_char_boundary(j) {
            j -= 1;
        }
        same_as_read_in_full(&format!("{}{}", &a[..i], &b[j..]), &mut readings);
    }
}

#[test]
fn a_statement_seen_before_is_not_read_again() {
    let text = format!(
        "{HEAD}\n\ndef _a(x):\n    return _b(x)\n\n\ndef _b(x):\n    return json.dumps(x)\n\n\n\
         def lambda_handler(event, context):\n    return _a(event)\n"
    );
    let mut readings = Readings::default();
    same_as_read_in_full(&text, &mut readings);
    let kept = readings.bytes;
    assert!(kept > 0);
    assert_eq!(readings.hits, 0);
    same_as_read_in_full(&text, &mut readings);
    assert_eq!(readings.bytes, kept, "nothing new to keep");
    // every statement but the last (nothing follows it to end it)
    let statements = text
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '"'))
        .count();
    assert_eq!(readings.hits, statements - 1);
    // the same statements after another docstring: kept again only where the text differs
    let other = text.replacen("Doc naming", "Other doc naming", 1);
    same_as_read_in_full(&other, &mut readings);
    assert!(readings.bytes > kept);
}

#[test]
fn a_kept_reading_is_not_used_where_the_same_text_reads_otherwise() {
    let mut readings = Readings::default();
    // the same helper, with and without the import its code names
    let with = "import os\n\n\ndef _x():\n    return os.getcwd()\n\n\ndef lambda_handler(e, c):\n    return _x()\n";
    let without = with.replacen("import os\n", "import json\n", 1);
    // the same line, after a comment line that ends with a dot and a backslash (an attribute
    // then) and without it
    let plain = "\"\"\"Doc.\"\"\"\n\n\ndef _x():\n    pass\n\n\n_x()\nz = 1\n";
    let continued = plain.replacen("\n_x()", "\n# a.\\\n_x()", 1);
    // the same line before the first byte of another statement: an attribute written apart
    // (`os` then `.path`) or not
    let apart = "import os.path\nimport os\n\ny = os\n.path\n";
    let alone = apart.replacen(".path\n", "z = 1\n", 1);
    for pair in [
        [with, without.as_str()],
        [plain, continued.as_str()],
        [apart, alone.as_str()],
    ] {
        for text in [pair[0], pair[1], pair[0], pair[1]] {
            same_as_read_in_full(text, &mut readings);
        }
        assert_ne!(reached(pair[0]), reached(pair[1]), "{pair:?}");
    }
}

#[test]
fn kept_readings_are_bounded() {
    let modules = rendered_modules();
    let mut readings = Readings {
        limit: 64 << 10,
        ..Readings::default()
    };
    for text in &modules {
        same_as_read_in_full(text, &mut readings);
        assert!(readings.bytes <= (64 << 10) + text.len() + 4096);
    }
}
