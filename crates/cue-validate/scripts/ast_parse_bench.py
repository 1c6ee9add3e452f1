"""Per-file CPython ast.parse timing over the corpus (the in-process baseline for the benchmark).

Usage: python3 ast_parse_bench.py FILE...
Prints, per file, the best mean time of ast.parse over 5 repeats of an adaptive number of loops.
"""

import ast
import sys
import timeit


def main() -> None:
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as fh:
            source = fh.read()
        timer = timeit.Timer(lambda: ast.parse(source, feature_version=(3, 13)))
        loops, _ = timer.autorange()
        best = min(timer.repeat(repeat=5, number=loops)) / loops
        print(f"{path}\t{len(source)} bytes\t{best * 1e6:.1f} us\t{len(source) / best / 1e6:.1f} MB/s")


if __name__ == "__main__":
    main()
