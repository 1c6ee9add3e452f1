#!/usr/bin/env bash
# Compares cue-validate with `ruff check --select F,UP,S` and CPython's ast.parse on the corpus,
# on this machine, in one run. Run from the repository root:
#   CARGO_TARGET_DIR=target bash crates/cue-validate/scripts/compare.sh
# Needs: ruff (pip install ruff), python3, a release build of the cue-validate binary.
set -euo pipefail

crate=crates/cue-validate
target=${CARGO_TARGET_DIR:-target}
copies=${COPIES:-25}
runs=${RUNS:-7}

cargo build --release -p cue-validate --bin cue-validate >/dev/null
bin="$target/release/cue-validate"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in $(seq 1 "$copies"); do
  for f in "$crate"/corpus/*.py; do
    cp "$f" "$work/$(basename "$f" .py)_$i.py"
  done
done
files=$(ls "$work"/*.py | wc -l)
bytes=$(cat "$work"/*.py | wc -c)
echo "corpus: $files files, $bytes bytes ($copies copies of $crate/corpus/*.py)"
echo "versions: $(ruff --version), $(python3 --version), $("$bin" --list-rules | wc -l) cue-validate rules"

best() { # best wall time in ms of $runs runs of the command
  local best_ms=""
  for _ in $(seq 1 "$runs"); do
    local start end ms
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 ))
    if [ -z "$best_ms" ] || [ "$ms" -lt "$best_ms" ]; then best_ms=$ms; fi
  done
  echo "$best_ms"
}

ruff_cmd=(ruff check --no-cache --isolated --select F,UP,S --target-version py313 --quiet "$work")
cue_cmd=("$bin" "$work"/*.py)

ruff_ms=$(best "${ruff_cmd[@]}")
ruff1_ms=$(RAYON_NUM_THREADS=1 best "${ruff_cmd[@]}")
cue_ms=$(best "${cue_cmd[@]}")
echo "ruff check --select F,UP,S (all cores):  ${ruff_ms} ms"
echo "ruff check --select F,UP,S (1 thread):   ${ruff1_ms} ms"
echo "cue-validate (1 thread):                 ${cue_ms} ms"

echo "CPython ast.parse, in process, per file:"
python3 "$crate/scripts/ast_parse_bench.py" "$crate"/corpus/*.py

echo "cue-validate validate(), in process, per file (criterion):"
cargo bench -p cue-validate --bench validate -- --warm-up-time 1 --measurement-time 3 2>/dev/null \
  | grep -E "^(corpus|hostile)/|time:|thrpt:" | grep -v "^Benchmarking"
