"""`make bench`: wall time and peak memory of full warehouse builds, stage by stage, beside the
seed's method as plain pandas and as one bare DuckDB script, on the same file in the same run.

Cases: the real data, and the sample and the real data replicated (real-shaped) at 10x and 100x;
1000x real-shaped with --huge. Figures are printed and written to outputs/bench/ (markdown, JSON,
PNG); they are measurements, never assertions."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipeline import config
from pipeline.bench.measure import Measurement, dbt_node_times, load_average, measure
from pipeline.bench.replicate import replicate, replicated_path
from pipeline.bench.report import CaseResult, write_report
from pipeline.build.publish import RELEASES_SUFFIX

# pandas needs about 18 GiB at 100x; at 1000x it cannot fit this machine, so it is not attempted.
PANDAS_MAX_LINES = 60_000_000


@dataclass(frozen=True)
class Case:
    name: str
    data: Path
    kind: str  # real, real-shaped or sample
    times: float


def _line_count(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


def _sample(scale: float, work: Path) -> Path | None:
    sample = config.sample_path(scale)
    if not sample.exists():
        # In a child process: Linux hands a parent's peak RSS on to every child it forks, so a
        # sample generated here would inflate every later measurement.
        print(f"generating the sample x{scale:g} ...", flush=True)
        command = [sys.executable, "-m", "pipeline", "sample", "--scale", f"{scale:g}"]
        if not measure(command, dict(os.environ), work / f"generate_x{scale:g}.log").ok:
            print(f"sample x{scale:g} could not be generated: see {work}", flush=True)
            return None
    return sample


def _real_shaped(times: int, work: Path) -> Path:
    out = replicated_path(config.REAL_DATA_PATH, times)
    if not out.exists():
        print(f"replicating the real data x{times} -> {out} ...", flush=True)
        command = [sys.executable, "-m", "pipeline.bench.replicate", "--times", str(times)]
        if not measure(command, dict(os.environ), work / f"replicate_x{times}.log").ok:
            raise RuntimeError(f"replication x{times} failed: see {work}")
    return out


def _cases(scales: list[float], include_real: bool, huge: bool, work: Path, only: list[str] | None) -> list[Case]:
    """The cases to run, their data prepared (replicated or generated) on first use."""

    def wanted(name: str) -> bool:
        return not only or name in only

    real = include_real and config.REAL_DATA_PATH.exists()
    cases = [Case("real x1", config.REAL_DATA_PATH, "real", 1)] if real and wanted("real x1") else []
    for scale in [*scales, *([1000.0] if huge else [])]:
        name = f"real-shaped x{scale:g}"
        if real and scale > 1 and wanted(name):
            cases.append(Case(name, _real_shaped(int(scale), work), "real-shaped", scale))
        name = f"sample x{scale:g}"
        if scale < 1000 and wanted(name) and (sample := _sample(scale, work)):
            cases.append(Case(name, sample, "sample", scale))
    return cases


def _reference(implementation: str, data: Path, log: Path) -> Measurement:
    command = [sys.executable, "-m", "pipeline.bench.reference", implementation, str(data)]
    return measure(command, dict(os.environ), log)


def _summary(measured: Measurement | None) -> dict[str, object] | None:
    lines = measured.output.strip().splitlines() if measured and measured.ok else []
    return json.loads(lines[-1]) if lines else None


def _check_references_agree(case: Case, pandas: Measurement | None, bare: Measurement) -> None:
    """Both references must compute the same customers, threshold and segments, or the race is void."""
    expected, actual = _summary(pandas), _summary(bare)
    if expected is not None and expected != actual:
        print(f"WARNING {case.name}: pandas and DuckDB references disagree: {expected} != {actual}", flush=True)


def _run_case(case: Case, work: Path, with_ml: bool) -> CaseResult:
    slug = case.name.replace(" ", "_")
    warehouse = work / f"{slug}.duckdb"
    env = {
        **os.environ,
        "LIFECYCLE_WAREHOUSE_PATH": str(warehouse),
        "LIFECYCLE_EXPORTS_DIR": str(work / f"exports_{slug}"),
        # A build publishes its ml folder too: keep it out of the user's outputs/ml.
        "LIFECYCLE_ML_OUTPUT_DIR": str(work / f"ml_{slug}"),
    }
    load = load_average()
    # The ml step is measured on its own below (real and real-shaped data), so the build runs without it. Its
    # stage lines carry their peak memory; dbt's every line goes to the log (a full parse is read there).
    command = [sys.executable, "-m", "pipeline", "build", "--no-ml", "--verbose", "--peak-memory"]
    command += ["--data", str(case.data)]
    build = measure(command, env, work / f"{slug}.log")
    run_results = config.REPO_ROOT / "target" / "run_results.json"
    nodes = dbt_node_times(run_results) if build.ok and run_results.exists() else {}
    ml = None
    if with_ml and build.ok:
        ml = measure([sys.executable, "-m", "ml", "run"], env, work / f"ml_{slug}.log")
    lines = _line_count(case.data)
    pandas = _reference("pandas", case.data, work / f"pandas_{slug}.log") if lines <= PANDAS_MAX_LINES else None
    bare = _reference("duckdb", case.data, work / f"duckdb_{slug}.log")
    _check_references_agree(case, pandas, bare)
    for path in (warehouse, warehouse.with_name(warehouse.name + ".wal")):
        path.unlink(missing_ok=True)
    shutil.rmtree(warehouse.with_name(warehouse.stem + RELEASES_SUFFIX), ignore_errors=True)
    return CaseResult(case.name, case.kind, case.times, lines, load, build, nodes, pandas, bare, ml)


def run_benchmarks(
    scales: list[float], include_real: bool = True, huge: bool = False, only: list[str] | None = None
) -> list[CaseResult]:
    work = Path(tempfile.mkdtemp(prefix="lifecycle-bench-"))
    cases = _cases(scales, include_real, huge, work, only)
    results: list[CaseResult] = []
    out = config.REPO_ROOT / "outputs" / "bench"
    report = "no case to run"
    for case in cases:
        print(f"== {case.name}: {case.data} (load average {load_average():.1f})", flush=True)
        # The ml step's goals are set on the real data and its real-shaped copies (issue 17: 10x, 100x).
        results.append(_run_case(case, work, with_ml=case.kind in ("real", "real-shaped")))
        print(results[-1].one_line(), flush=True)
        report = write_report(results, out)  # after every case: a long run keeps what it measured
    print(report, flush=True)
    print(f"logs in {work}", flush=True)
    for exports in work.glob("exports_*"):
        shutil.rmtree(exports, ignore_errors=True)
    return results


__all__ = ["replicate", "run_benchmarks"]
