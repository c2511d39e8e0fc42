"""Build the warehouse from one file and publish it, all or nothing.

Stages, each printed as `[build] <stage> ... X.X s`: load the file -> `dbt build --exclude source:ml+`
-> the ml step (`python -m ml run`) -> `dbt build --select source:ml+` (the marts that read ml
tables) -> exports, dashboard, Tableau extract -> publish. Every stage writes into one scratch release
folder (a DuckDB file, exports/, ml/); only when all succeed does one symlink switch make it the
current release (pipeline/build/publish.py). A failed stage leaves the last good release, the one readers
see, exactly as it was."""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb

from pipeline import config
from pipeline.build import dbt_link, load_gate, publish
from pipeline.build.timing import timed_stage
from pipeline.deliver.export import write_exports
from pipeline.ingest import LoadSummary, load_raw_lines

T = TypeVar("T")

# The marts that read ml tables are built after the ml step; everything else before it.
ML_DOWNSTREAM = "source:ml+"
ML_SOURCE_PREFIX = "source.customer_lifecycle.ml."
BUILT_RESOURCES = {"model", "test", "unit_test", "snapshot", "seed"}


class BuildFailed(Exception):
    """A stage failed; the message says so, and that the last good release is unchanged."""


@dataclass(frozen=True)
class BuildResult:
    warehouse: Path
    load: LoadSummary
    seconds: float
    release: Path


def _say(message: str) -> None:
    print(f"[build] {message}", flush=True)


def _stage(name: str, step: Callable[..., T], *args, **kwargs) -> T:
    """Run one stage and print its wall time and the peak memory so far (`make bench` reads the line)."""
    with timed_stage(name):
        return step(*args, **kwargs)


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


def _build_env(database: Path, ml_dir: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "LIFECYCLE_WAREHOUSE_PATH": str(database)}
    # The build loaded the raw table itself; dbt's loader plugin must not load another file.
    env["LIFECYCLE_DBT_AUTOLOAD"] = "off"
    if ml_dir is not None:
        env["LIFECYCLE_ML_OUTPUT_DIR"] = str(ml_dir)
    return env


def _dbt_build_command(dbt_vars: str | None, selection: list[str] | None) -> list[str]:
    command = [
        _dbt_executable(),
        "build",
        "--project-dir",
        str(config.REPO_ROOT),
        "--profiles-dir",
        str(config.REPO_ROOT),
        *(selection or []),
    ]
    return command + (["--vars", dbt_vars] if dbt_vars else [])


def run_dbt_build(database: Path, dbt_vars: str | None, selection: list[str] | None = None) -> None:
    # Through one fixed path for every warehouse: dbt's partial parsing survives a change of warehouse.
    with dbt_link.linked(database) as link:
        command = _dbt_build_command(dbt_vars, selection)
        exit_code = subprocess.run(command, env=_build_env(link), cwd=config.REPO_ROOT).returncode
    if exit_code != 0:
        raise BuildFailed("dbt build failed (see the dbt output above)")


# Imported while dbt builds (this process only waits for it then): the dashboard's charting stack
# (altair, pandas) takes about 1.1 s to import, pantab 0.2 s, and dbt leaves a core mostly idle.
AFTER_DBT_MODULES = ("pipeline.deliver.dashboard", "pantab")


def _import_quietly(modules: tuple[str, ...]) -> None:
    for module in modules:
        # pantab is optional; any other failure recurs, with its message, in the stage that needs it.
        with contextlib.suppress(Exception):
            importlib.import_module(module)


def import_in_background(modules: tuple[str, ...] = AFTER_DBT_MODULES) -> None:
    """Nobody waits for it: a stage that needs a module imports it anyway, finished or not."""
    threading.Thread(target=_import_quietly, args=(modules,), name="import-after-dbt", daemon=True).start()


def load_while_dbt_starts(database: Path, data: Path, dbt_vars: str | None, selection: list[str]) -> LoadSummary:
    """The load stage, then the dbt build stage; dbt's start-up runs during the load, and the modules
    of the stages after dbt are imported while it builds."""
    with dbt_link.linked(database) as link:
        gate = load_gate.LoadGate()
        try:
            env = {**_build_env(link), load_gate.GATE_ENV: str(gate.path)}
            dbt = subprocess.Popen(_dbt_build_command(dbt_vars, selection), env=env, cwd=config.REPO_ROOT)
            try:
                summary = _stage("load", load, database, data)
            except BaseException:
                dbt.kill()
                dbt.wait()
                raise
            gate.release(loaded=True)
            options = " ".join([*selection, *(["--vars", dbt_vars] if dbt_vars else [])])
            _say(f"dbt build {options} (started during the load)")
            import_in_background()
            exit_code = _stage("dbt build", dbt.wait)
        finally:
            gate.remove()
    if exit_code != 0:
        raise BuildFailed("dbt build failed (see the dbt output above)")
    return summary


def has_ml_downstream() -> bool:
    """Whether any dbt node reads an ml table, by the manifest the first dbt build just wrote.

    Without one, the second dbt build would only start dbt to find nothing to do (about 10 s)."""
    manifest = config.REPO_ROOT / "target" / "manifest.json"
    if not manifest.is_file():
        return True
    children = json.loads(manifest.read_text())["child_map"]
    readers = [node for source, nodes in children.items() if source.startswith(ML_SOURCE_PREFIX) for node in nodes]
    return any(node.split(".")[0] in BUILT_RESOURCES for node in readers)  # exposures are not built


def load(database: Path, data: Path) -> LoadSummary:
    _say(f"loading {data}")
    with duckdb.connect(str(database), config=config.duckdb_settings()) as con:
        summary = load_raw_lines(con, data)
    encoding = f", {summary.encoding}" if summary.encoding else ""
    _say(f"loaded {summary.lines:,} lines ({summary.file_format}{encoding})")
    return summary


def run_ml_step(database: Path, ml_dir: Path) -> None:
    """`python -m ml run` on the scratch warehouse: scores and artefacts land in the scratch release."""
    command = [sys.executable, "-m", "ml", "run"]
    result = subprocess.run(command, env=_build_env(database, ml_dir), cwd=config.REPO_ROOT)
    if result.returncode != 0:
        raise BuildFailed(f"the ml step failed (exit code {result.returncode}; see its output above)")


def write_dashboard(database: Path, exports_dir: Path) -> Path:
    from pipeline.deliver.dashboard import write_dashboard as write

    path = write(database, exports_dir / "dashboard.html")
    _say(f"dashboard: {path.name} ({path.stat().st_size / 1e6:.1f} MB)")
    return path


def write_tableau_extract(database: Path, exports_dir: Path) -> Path | None:
    from pipeline.deliver import tableau

    if not tableau.available():
        _say("tableau extract skipped: pantab is not installed (pip install -r requirements-tableau.txt)")
        return None
    return tableau.write_extract(database, exports_dir / tableau.EXTRACT_NAME)


def write_deliverables(database: Path, exports_dir: Path) -> None:
    """The exports, the dashboard and the Tableau extract, side by side: each reads the finished
    warehouse and writes its own files. The dashboard is Python; the others mostly wait for DuckDB
    and Hyper, which run outside the GIL. The first failure is raised once all three have ended."""
    exports_dir.mkdir(parents=True, exist_ok=True)
    stages = (("exports", write_exports), ("dashboard", write_dashboard), ("tableau extract", write_tableau_extract))
    with ThreadPoolExecutor(len(stages), thread_name_prefix="deliverable") as pool:
        running = [pool.submit(_stage, name, step, database, exports_dir) for name, step in stages]
    for stage in running:
        stage.result()


def build_warehouse(
    data: Path | None = None,
    dbt_vars: str | None = None,
    warehouse: Path | None = None,
    exports_dir: Path | None = None,
    ml_output_dir: Path | None = None,
    run_ml: bool = True,
) -> BuildResult:
    started = time.perf_counter()
    # Absolute: dbt and the ml step run from the repository root, whatever the caller's directory.
    layout = publish.Layout(
        warehouse=Path(warehouse or config.warehouse_path()).absolute(),
        exports_dir=Path(exports_dir or config.exports_dir()).absolute(),
        ml_dir=Path(ml_output_dir or config.ml_output_dir()).absolute(),
    )
    data = Path(data) if data else ensure_sample()
    try:
        with publish.build_lock(layout):
            scratch = publish.fresh_scratch(layout)
            database, exports = layout.database_in(scratch), layout.exports_in(scratch)
            try:
                summary = load_while_dbt_starts(database, data, dbt_vars, ["--exclude", ML_DOWNSTREAM])
                if run_ml:
                    _stage("ml step", run_ml_step, database, layout.ml_in(scratch))
                    if has_ml_downstream():
                        _stage("dbt build ml", run_dbt_build, database, dbt_vars, ["--select", ML_DOWNSTREAM])
                write_deliverables(database, exports)
                release, notes = _stage("publish", publish.publish, layout)
            except BaseException as error:
                publish.discard_scratch(layout)
                if isinstance(error, Exception):
                    current = layout.warehouse.exists()
                    _say(f"failed: {'the last good release is unchanged' if current else 'nothing published'}")
                raise
    except publish.BuildInProgress as error:
        raise BuildFailed(str(error)) from None
    for note in notes:
        _say(note)
    seconds = time.perf_counter() - started
    _say(f"published {release.name} ({seconds:.1f} s): {layout.warehouse}, {layout.exports_dir}, {layout.ml_dir}")
    return BuildResult(layout.warehouse, summary, seconds, release)
