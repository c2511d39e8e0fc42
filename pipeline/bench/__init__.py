"""`make bench`: wall time and peak memory of warehouse builds (and of the ml step) on the real data
and on the sample at several scales. Figures are printed, not asserted: timing is a measurement."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from pipeline import config


@dataclass(frozen=True)
class Measurement:
    case: str
    seconds: float
    peak_mib: float
    ok: bool


def measure(case: str, command: list[str], env: dict[str, str], log: Path) -> Measurement:
    """Run a command; its peak RSS is the largest of it and every process it waited for."""
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=config.REPO_ROOT)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    return Measurement(case, seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status) == 0)


def _print(measurement: Measurement, lines: int | None = None) -> None:
    status = "ok" if measurement.ok else "FAILED"
    shown_lines = f"{lines:>12,}" if lines else f"{'':>12}"
    print(
        f"{measurement.case:<34}{shown_lines}{measurement.seconds:>10.1f} s"
        f"{measurement.peak_mib:>10,.0f} MiB  {status}",
        flush=True,
    )


def _line_count(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


def run_benchmarks(scales: list[float], include_real: bool = True) -> None:
    work = Path(tempfile.mkdtemp(prefix="lifecycle-bench-"))
    print(f"{'case':<34}{'lines':>12}{'wall':>12}{'peak':>14}", flush=True)
    cases: list[tuple[str, Path]] = []
    if include_real and config.REAL_DATA_PATH.exists():
        cases.append(("build: real data", config.REAL_DATA_PATH))
    for scale in scales:
        sample = config.sample_path(scale)
        if not sample.exists():
            # In a child process: Linux hands a parent's peak RSS on to every child it forks, so a
            # sample generated here would inflate every later measurement.
            generation = measure(
                f"generate: sample x{scale:g}",
                [sys.executable, "-m", "pipeline", "sample", "--scale", f"{scale:g}"],
                dict(os.environ),
                work / f"generate_x{scale:g}.log",
            )
            _print(generation, _line_count(sample) if generation.ok else None)
        cases.append((f"build: sample x{scale:g}", sample))
    for case, data in cases:
        warehouse = work / (case.replace(" ", "_").replace(":", "") + ".duckdb")
        env = {
            **os.environ,
            "LIFECYCLE_WAREHOUSE_PATH": str(warehouse),
            "LIFECYCLE_EXPORTS_DIR": str(work / "exports"),
        }
        command = [sys.executable, "-m", "pipeline", "build", "--data", str(data)]
        result = measure(case, command, env, work / f"{warehouse.stem}.log")
        _print(result, _line_count(data))
        if case == "build: real data" and result.ok:
            ml_env = {**env, "LIFECYCLE_ML_OUTPUT_DIR": str(work / "ml")}
            _print(measure("ml step: real data", [sys.executable, "-m", "ml", "run"], ml_env, work / "ml.log"))
        warehouse.unlink(missing_ok=True)
    print(f"logs in {work}", flush=True)
