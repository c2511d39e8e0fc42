"""`python -m pipeline.bench.reference pandas|duckdb FILE`: run one reference implementation of the
seed's method on FILE and print its JSON summary (customers, churn threshold, segment counts), so
the bench measures it in a process of its own and can check both agree with each other."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2 or argv[0] not in ("pandas", "duckdb"):
        print("usage: python -m pipeline.bench.reference pandas|duckdb FILE", file=sys.stderr)
        return 2
    if argv[0] == "pandas":
        from pipeline.bench.pandas_reference import seed_method
    else:
        from pipeline.bench.duckdb_reference import seed_method
    print(json.dumps(seed_method(Path(argv[1]))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
