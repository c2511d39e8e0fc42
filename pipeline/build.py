"""Build the warehouse from one file, all or nothing.

Everything is built in a scratch DuckDB file next to the warehouse; only when loading, every dbt
model and every dbt test succeed (and the exports are written) does it replace the warehouse, with
a rename. A failed build leaves the last good warehouse and exports exactly as they were."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline import config
from pipeline.export import publish_exports, write_exports
from pipeline.ingest import LoadSummary, load_raw_lines
from pipeline.scratch import dbt_database
from pipeline.timing import timed_stage


class BuildFailed(Exception):
    """dbt build failed; the message says where the last good warehouse is."""


@dataclass(frozen=True)
class BuildResult:
    warehouse: Path
    load: LoadSummary
    seconds: float


def _say(message: str) -> None:
    print(f"[build] {message}", flush=True)


def _scratch_path(warehouse: Path) -> Path:
    """A file with a fixed name in a folder of its own beside the warehouse: dbt reaches it through
    a fixed link (pipeline/scratch.py), and DuckDB names the catalog after the file, so the name
    must not change with the warehouse's."""
    return warehouse.with_name(warehouse.name + ".building") / "warehouse.duckdb"


def _remove_database(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + ".wal")):
        candidate.unlink(missing_ok=True)
    if path.parent.name.endswith(".building"):
        shutil.rmtree(path.parent, ignore_errors=True)


def ensure_sample(scale: float = 1.0, seed: int = 42) -> Path:
    """The bundled sample, generated on first use (deterministic, so a cached file is as good)."""
    path = config.sample_path(scale, seed)
    if not path.exists():
        from pipeline.sample import write_sample

        _say(f"generating the sample data (scale {scale:g}, seed {seed}) -> {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        write_sample(partial, scale=scale, seed=seed)
        partial.replace(path)
    return path


def _dbt_executable() -> str:
    beside_python = Path(sys.executable).with_name("dbt")
    return str(beside_python) if beside_python.exists() else "dbt"


def run_dbt_build(database: Path, dbt_vars: str | None) -> None:
    command = [
        _dbt_executable(),
        "build",
        "--project-dir",
        str(config.REPO_ROOT),
        "--profiles-dir",
        str(config.REPO_ROOT),
    ]
    if dbt_vars:
        command += ["--vars", dbt_vars]
    env = {**os.environ, "LIFECYCLE_WAREHOUSE_PATH": str(database)}
    if subprocess.run(command, env=env, cwd=config.REPO_ROOT).returncode != 0:
        raise BuildFailed("dbt build failed (see the dbt output above)")


def build_warehouse(
    data: Path | None = None,
    dbt_vars: str | None = None,
    warehouse: Path | None = None,
    exports_dir: Path | None = None,
) -> BuildResult:
    started = time.perf_counter()
    warehouse = warehouse or config.warehouse_path()
    exports_dir = exports_dir or config.exports_dir()
    data = Path(data) if data else ensure_sample()
    scratch = _scratch_path(warehouse)
    _remove_database(scratch)
    scratch.parent.mkdir(parents=True, exist_ok=True)
    export_scratch = exports_dir.with_name(exports_dir.name + ".building")
    try:
        _say(f"loading {data}")
        with timed_stage("load"), duckdb.connect(str(scratch), config=config.duckdb_settings()) as con:
            summary = load_raw_lines(con, data)
        encoding = f", {summary.encoding}" if summary.encoding else ""
        _say(f"loaded {summary.lines:,} lines ({summary.file_format}{encoding})")
        _say(f"dbt build{' --vars ' + dbt_vars if dbt_vars else ''}")
        with timed_stage("dbt build"), dbt_database(scratch) as dbt_path:
            run_dbt_build(dbt_path, dbt_vars)
        _say("writing exports")
        with timed_stage("exports"):
            exported = write_exports(scratch, export_scratch)
    except BaseException as error:
        _remove_database(scratch)
        shutil.rmtree(export_scratch, ignore_errors=True)
        if isinstance(error, Exception):
            outcome = f"the last good warehouse {warehouse} is unchanged" if warehouse.exists() else "nothing written"
            _say(f"failed: {outcome}")
        raise
    # A write-ahead log left by the old file must not be replayed onto the new one.
    warehouse.with_name(warehouse.name + ".wal").unlink(missing_ok=True)
    scratch.replace(warehouse)
    _remove_database(scratch)
    publish_exports(exported, exports_dir)
    seconds = time.perf_counter() - started
    _say(f"warehouse ready: {warehouse} ({seconds:.1f} s); exports in {exports_dir}")
    return BuildResult(warehouse, summary, seconds)
