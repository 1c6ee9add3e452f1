#!/usr/bin/env python3
"""Report import cycles between the top-level modules of each crate in the workspace.

A module `a` depends on `b` when a file under `src/a` (or `src/a.rs`) names `crate::b` (in a
`use` line or a path). Nested modules fold into their top-level module, and a module's own
children are not an edge. Exit status 1 when any crate has a cycle. Issue 15 asked that no module
import one that imports it back; this is how that is checked.

    python3 scripts/module-cycles.py
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CRATE_PATH = re.compile(r"\bcrate::([a-z_][a-z0-9_]*)")


def top_module(src: pathlib.Path, file: pathlib.Path) -> str:
    rel = file.relative_to(src)
    return rel.parts[0].removesuffix(".rs") if len(rel.parts) > 1 else rel.stem


def strip_comments(text: str) -> str:
    return "\n".join(line.split("//", 1)[0] for line in text.splitlines())


def crate_graph(src: pathlib.Path) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for file in src.rglob("*.rs"):
        module = top_module(src, file)
        if module in ("lib", "main"):
            continue
        deps = graph.setdefault(module, set())
        for name in CRATE_PATH.findall(strip_comments(file.read_text())):
            if name != module:
                deps.add(name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, seen = [], set()

    def walk(node: str, path: list[str]) -> None:
        for dep in sorted(graph.get(node, ())):
            if dep in path:
                cycle = path[path.index(dep):] + [dep]
                key = frozenset(cycle)
                if key not in seen:
                    seen.add(key)
                    found.append(cycle)
            elif len(path) < 12:
                walk(dep, path + [dep])

    for node in sorted(graph):
        walk(node, [node])
    return found


def main() -> int:
    status = 0
    crates = sorted(ROOT.glob("crates/*/src")) + [ROOT / "gateway/src", ROOT / "xtask/src"]
    for src in crates:
        found = cycles(crate_graph(src))
        name = src.parent.relative_to(ROOT)
        if found:
            status = 1
            for cycle in found:
                print(f"{name}: {' -> '.join(cycle)}")
        else:
            print(f"{name}: no cycles")
    return status


if __name__ == "__main__":
    sys.exit(main())
