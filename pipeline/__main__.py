"""`python -m pipeline build|sample|bench|replicate`: the warehouse side's one command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.build.run import BuildFailed
from pipeline.ingest import InputDataError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="load a transaction file and build the warehouse")
    build.add_argument("--data", type=Path, help="parquet, CSV or xlsx file (default: the bundled sample)")
    build.add_argument("--vars", dest="dbt_vars", help="dbt vars as YAML, e.g. '{cleaning_policy: seed}'")
    build.add_argument("--warehouse", type=Path, help="DuckDB file to build (default: $LIFECYCLE_WAREHOUSE_PATH)")
    build.add_argument(
        "--no-ml", dest="run_ml", action="store_false", help="publish without running the ml step (no ml.* tables)"
    )
    build.add_argument(
        "--with-unit-tests", action="store_true", help="run dbt's unit tests too (make test; left out of production)"
    )
    build.add_argument(
        "--verbose", action="store_true", help="print every line of dbt and of the ml step (else logs/, ml/run.log)"
    )
    build.add_argument(
        "--target", choices=["spark"], help="build on Spark instead of DuckDB (make spark installs it; docs/spark.md)"
    )
    build.add_argument("--peak-memory", action="store_true", help="add the peak RSS to every stage line (make bench)")

    sample = commands.add_parser("sample", help="write the deterministic sample data as parquet")
    sample.add_argument("--scale", type=float, default=1.0, help="1 = about 540,000 lines")
    sample.add_argument("--seed", type=int, default=42)
    sample.add_argument("--out", type=Path, help="default: data/sample/…")

    bench = commands.add_parser("bench", help="time and measure warehouse builds beside pandas and DuckDB")
    bench.add_argument("--scales", type=float, nargs="*", default=[1.0, 10.0, 100.0])
    bench.add_argument("--skip-real", action="store_true", help="skip the real data even if present")
    bench.add_argument("--huge", action="store_true", help="add the real data replicated 1000x (540 M lines)")
    bench.add_argument("--only", nargs="*", help="run only these cases, e.g. 'real x1' 'real-shaped x10'")

    replicate = commands.add_parser("replicate", help="write the real data N times over, renumbered per copy")
    replicate.add_argument("--times", type=int, required=True)
    replicate.add_argument("--data", type=Path, help="default: the real data")
    replicate.add_argument("--out", type=Path)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "build":
            from pipeline.build.run import BuildOptions, build_warehouse

            options = BuildOptions(args.verbose, args.with_unit_tests, args.peak_memory, args.target)
            build_warehouse(args.data, args.dbt_vars, args.warehouse, run_ml=args.run_ml, options=options)
        elif args.command == "sample":
            from pipeline import config
            from pipeline.sample import write_sample

            out = args.out or config.sample_path(args.scale, args.seed)
            out.parent.mkdir(parents=True, exist_ok=True)
            partial = out.with_name(out.name + ".partial")
            write_sample(partial, scale=args.scale, seed=args.seed)
            print(partial.replace(out))
        elif args.command == "bench":
            from pipeline.bench import run_benchmarks

            run_benchmarks(args.scales, include_real=not args.skip_real, huge=args.huge, only=args.only)
        elif args.command == "replicate":
            from pipeline import config
            from pipeline.bench.replicate import replicate

            print(replicate(args.data or config.REAL_DATA_PATH, args.times, args.out))
    except InputDataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except BuildFailed as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
