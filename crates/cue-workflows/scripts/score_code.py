"""Runs score.py's code checks (compile, placeholders, imports, secrets, env dumps, pyflakes,
import smoke test with faked third-party modules) on what the embedded engine generates.

    cargo build -p cue-workflows --example generate
    python3 crates/cue-workflows/scripts/score_code.py $CARGO_TARGET_DIR/debug/examples/generate \
        ../shared/eval/dev-prompts.jsonl crates/cue-workflows/tests/prompts.jsonl

The smoke test imports generated code: run it in a throwaway container.
"""
import json, os, subprocess, sys
sys.path.insert(0, os.environ.get("CUE_EVAL_DIR", "/work/shared/eval"))
import score
bin_ = sys.argv.pop(1)
files = sys.argv[1:]
tot = 0; bad = 0
for f in files:
    for line in open(f):
        item = json.loads(line)
        if item["expect"].get("reject"):
            continue
        args = [bin_, "--json"] + (["--speech"] if item["input_type"] == "speech_transcript" else []) + [item["prompt"]]
        out = subprocess.run(args, capture_output=True, text=True).stdout
        if out.startswith("error"):
            print(item["id"], out.strip()); bad += 1; continue
        g = json.loads(out)
        resp = {"workflow_id": "x", "generated_code_skeleton": g["code"], "identified_tools": g["tools"],
                "requirements": g["requirements"], "nodes": g["graph"]["nodes"], "edges": g["graph"]["edges"],
                "trigger": g["plan"]["trigger"]["kind"]}
        r = score.check_code(g["code"], resp, smoke=True)
        tot += 1
        problems = []
        for k in ("compiles", "placeholders_complete", "imports_ok", "lambda_handler", "pyflakes_clean"):
            if r.get(k) is False: problems.append(k)
        if r.get("secrets"): problems.append(("secrets", r["secrets"]))
        if r.get("deprecated_imports"): problems.append(("deprecated", r["deprecated_imports"]))
        if r.get("env_dump"): problems.append(("env", r["env_dump"]))
        sm = r.get("smoke") or {}
        if not sm.get("pass", False): problems.append(("smoke", sm))
        if problems:
            bad += 1; print(item["id"], problems)
print(f"checked {tot}, with problems {bad}")
