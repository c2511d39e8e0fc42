"""Build the warehouse from one file and publish it, all or nothing.

Stages, one line each as it ends (pipeline/build/progress.py): load the file -> dbt build of
everything but the ml readers -> the ml step (`python -m ml run`) -> dbt build of the marts that read
ml tables -> exports, dashboard, Tableau extract (pipeline/deliver/) -> publish. Every stage writes
into one scratch release folder (a DuckDB file, exports/, ml/); only when all succeed does one
symlink switch make it the current release (pipeline/build/publish.py). A failed stage leaves the
last good release, the one readers see, exactly as it was."""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline import config, deliver
from pipeline.build import dbt_command, dbt_link, load_gate, publish, spark, tied_child
from pipeline.build.kill_point import kill_point
from pipeline.build.progress import Progress, plural, where_to_open
from pipeline.ingest import LoadSummary, load_raw_lines
from pipeline.sample.bundled import ensure_sample

# The ml step's detail lines go to this file in the release's ml folder (ml/base/log.py reads the
# variable); only each mode's summary line reaches the terminal.
ML_DETAIL_LOG_ENV = "LIFECYCLE_ML_DETAIL_LOG"
ML_DETAIL_LOG_NAME = "run.log"
LOGS_DIR = config.REPO_ROOT / "logs"
DOCS_SITE = config.REPO_ROOT / "target" / "static_index.html"


class BuildFailed(Exception):
    """A stage failed; the message says so, and that the last good release is unchanged."""


@dataclass(frozen=True)
class BuildOptions:
    """How to build: `verbose` shows every line of dbt and of the ml step, `with_unit_tests` adds
    dbt's unit tests (make test), `peak_memory` puts the peak RSS on stage lines (make bench),
    `target` the dbt target (None: the profile's DuckDB; `spark`: pipeline/build/spark.py)."""

    verbose: bool = False
    with_unit_tests: bool = False
    peak_memory: bool = False
    target: str | None = None


@dataclass(frozen=True)
class BuildResult:
    warehouse: Path
    load: LoadSummary
    seconds: float
    release: Path


def _build_env(database: Path, ml_dir: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "LIFECYCLE_WAREHOUSE_PATH": str(database)}
    # The build loaded the raw table itself; dbt's loader plugin must not load another file.
    env["LIFECYCLE_DBT_AUTOLOAD"] = "off"
    if ml_dir is not None:
        env["LIFECYCLE_ML_OUTPUT_DIR"] = str(ml_dir)
    return env


def _finished_dbt(exit_code: int) -> str:
    """dbt's one-line summary; a failure raises, dbt having printed its own error above."""
    if exit_code != 0:
        raise BuildFailed(f"dbt build failed: its error is above, its full log in {LOGS_DIR / 'dbt.log'}")
    return dbt_command.summary()


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


def load(database: Path, data: Path) -> LoadSummary:
    with duckdb.connect(str(database), config=config.duckdb_settings()) as con:
        summary = load_raw_lines(con, data)
        kill_point("load")
        return summary


def _describe_load(data: Path) -> Callable[[LoadSummary], str]:
    def describe(summary: LoadSummary) -> str:
        encoding = f", {summary.encoding}" if summary.encoding else ""
        return f"{summary.lines:,} lines of {data.name}, {summary.file_format}{encoding}"

    return describe


def while_dbt_starts(
    database: Path,
    dbt_vars: str | None,
    nodes: list[str],
    options: BuildOptions,
    progress: Progress,
    before: tuple[str, Callable[[], object]],
    name: str,
) -> object:
    """Run the stage `before` (the load, or the ml step: each writes the warehouse) while dbt starts;
    dbt's plugin holds it at a gate until that stage has finished, then the dbt stage `name` runs.
    dbt's start-up (imports, loading the parsed project: a few seconds of one core) so overlaps a
    stage that mostly keeps the other core busy, instead of following it."""
    command = dbt_command.build_command(dbt_vars, nodes, options.verbose)
    with dbt_link.linked(database) as link:
        gate = load_gate.LoadGate(database.parent)  # in the scratch release: a killed build's goes with it
        try:
            env = {**_build_env(link), load_gate.GATE_ENV: str(gate.path)}
            dbt = subprocess.Popen(tied_child.command(command), env=env, cwd=config.REPO_ROOT)
            try:
                result = before[1]()
            except BaseException:
                dbt.kill()
                dbt.wait()
                raise
            gate.release(loaded=True)
            if options.verbose:
                progress.say(f"{' '.join(['dbt', 'build', *nodes])} (started during the {before[0]})")
            progress.stage(name, lambda: _finished_dbt(dbt.wait()), describe=str)
        finally:
            gate.remove()
    return result


def load_while_dbt_starts(
    database: Path, data: Path, dbt_vars: str | None, options: BuildOptions, progress: Progress
) -> LoadSummary:
    """The load stage, then the dbt build stage; the modules of the stages after dbt are imported
    while it builds."""

    def load_stage() -> LoadSummary:
        summary = progress.stage("load", load, database, data, describe=_describe_load(data))
        import_in_background()
        return summary

    nodes = dbt_command.selection(after_ml=False, with_unit_tests=options.with_unit_tests)
    return while_dbt_starts(database, dbt_vars, nodes, options, progress, ("load", load_stage), "dbt build")


def run_ml_step(database: Path, ml_dir: Path, verbose: bool) -> None:
    """`python -m ml run` on the scratch warehouse: scores and artefacts land in the scratch release."""
    env = _build_env(database, ml_dir)
    detail_log = ml_dir / ML_DETAIL_LOG_NAME
    if not verbose:
        env[ML_DETAIL_LOG_ENV] = str(detail_log)
    command = tied_child.command([sys.executable, "-m", "ml", "run"])
    exit_code = subprocess.run(command, env=env, cwd=config.REPO_ROOT).returncode
    if exit_code != 0:
        message = f"the ml step failed (exit code {exit_code}): its error is above"
        if detail_log.is_file():  # the scratch release is discarded: keep what the step logged
            LOGS_DIR.mkdir(exist_ok=True)
            kept = shutil.copy(detail_log, LOGS_DIR / "ml_run.log")
            message += f", what it did before in {kept}"
        raise BuildFailed(message)


def _describe_size(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:,.1f} MB"


def _describe_exports(written: list[Path]) -> str:
    return f"{plural(len({path.stem for path in written}), 'table')} as CSV and parquet"


def write_deliverables(database: Path, exports_dir: Path, progress: Progress) -> None:
    """The exports, the dashboard and the Tableau extract, side by side: each reads the finished
    warehouse and writes its own files. The dashboard is Python; the others mostly wait for DuckDB
    and Hyper, which run outside the GIL. The first failure is raised once all have ended."""
    exports_dir.mkdir(parents=True, exist_ok=True)
    stages = [
        ("exports", deliver.write_exports, _describe_exports),
        ("dashboard", deliver.write_dashboard, _describe_size),
    ]
    if deliver.tableau_available():
        stages.append(("tableau extract", deliver.write_tableau_extract, _describe_size))
    else:
        progress.skipped("tableau extract", "pantab is not installed: `make tableau` adds it")
    with ThreadPoolExecutor(len(stages), thread_name_prefix="deliverable") as pool:
        running = [
            pool.submit(progress.stage, name, step, database, exports_dir, describe=describe)
            for name, step, describe in stages
        ]
    for stage in running:
        stage.result()


def _layout(warehouse: Path | None, exports_dir: Path | None, ml_output_dir: Path | None) -> publish.Layout:
    # Absolute: dbt and the ml step run from the repository root, whatever the caller's directory.
    return publish.Layout(
        warehouse=Path(warehouse or config.warehouse_path()).absolute(),
        exports_dir=Path(exports_dir or config.exports_dir()).absolute(),
        ml_dir=Path(ml_output_dir or config.ml_output_dir()).absolute(),
    )


def _stages(
    layout: publish.Layout, data: Path, dbt_vars: str | None, run_ml: bool, options: BuildOptions, progress: Progress
) -> tuple[LoadSummary, Path, list[str]]:
    """Every stage into the scratch release, then publish it; a failure discards the scratch."""
    scratch = publish.fresh_scratch(layout)
    kill_point("scratch")
    database = layout.database_in(scratch)
    try:
        if options.target == spark.TARGET:
            from pipeline.build.spark_stages import spark_stages  # it imports this module

            summary = spark_stages(layout, data, dbt_vars, run_ml, options, progress)
        else:
            summary = _duckdb_stages(layout, data, dbt_vars, run_ml, options, progress)
        write_deliverables(database, layout.exports_in(scratch), progress)
        kill_point("deliverables")
        release, notes = publish.publish(layout)
    except BaseException as error:
        publish.discard_scratch(layout)
        if isinstance(error, Exception):
            kept = "the last good release is unchanged" if layout.warehouse.exists() else "nothing published"
            progress.say(f"failed: {kept}")
        raise
    return summary, release, notes


def _duckdb_stages(
    layout: publish.Layout, data: Path, dbt_vars: str | None, run_ml: bool, options: BuildOptions, progress: Progress
) -> LoadSummary:
    """Load (dbt starting meanwhile), dbt build, ml step and dbt build after it (starting during the
    ml step), on DuckDB."""
    database = layout.database_in(layout.scratch)
    summary = load_while_dbt_starts(database, data, dbt_vars, options, progress)
    if run_ml:

        def ml_step() -> None:
            progress.stage("ml step", run_ml_step, database, layout.ml_in(layout.scratch), options.verbose)

        if dbt_command.has_ml_downstream():
            # The dbt build of the marts that read ml tables starts during the ml step.
            nodes = dbt_command.selection(after_ml=True, with_unit_tests=options.with_unit_tests)
            while_dbt_starts(database, dbt_vars, nodes, options, progress, ("ml step", ml_step), "dbt build after ml")
        else:
            ml_step()
    return summary


# DuckDB reports a failed write as an IO or a transaction error (a commit whose log could not be written).
FILE_SYSTEM_FAILURE = re.compile(r"could not write|no space left|file too large|read-only|permission denied", re.I)


def _file_system_failure(error: OSError | duckdb.Error, layout: publish.Layout) -> str:
    """One sentence for a disk that is full, a folder that is read-only, a file over a size limit."""
    if isinstance(error, OSError):
        reason = f"{error.strerror or error} ({error.filename})" if error.filename else str(error)
    else:
        reason = str(error).strip().splitlines()[0]
    kept = "the last good release is unchanged" if layout.warehouse.exists() else "nothing was published"
    return (
        f"the build could not write its release next to {layout.warehouse}: {reason}. "
        f"Free some disk space or make the folder writable and build again; {kept}"
    )


def build_warehouse(
    data: Path | None = None,
    dbt_vars: str | None = None,
    warehouse: Path | None = None,
    exports_dir: Path | None = None,
    ml_output_dir: Path | None = None,
    run_ml: bool = True,
    options: BuildOptions = BuildOptions(),
) -> BuildResult:
    started = time.perf_counter()
    progress = Progress(peak_memory=options.peak_memory)
    layout = _layout(warehouse, exports_dir, ml_output_dir)
    data = Path(data) if data else ensure_sample(say=progress.say)
    try:
        with publish.build_lock(layout, say=progress.say):
            kill_point("locked")
            summary, release, notes = _stages(layout, data, dbt_vars, run_ml, options, progress)
    except publish.BuildInProgress as error:
        raise BuildFailed(str(error)) from None
    except (OSError, duckdb.Error) as error:
        if isinstance(error, duckdb.Error) and not FILE_SYSTEM_FAILURE.search(str(error)):
            raise
        raise BuildFailed(_file_system_failure(error, layout)) from None
    for note in notes:
        progress.say(note)
    seconds = time.perf_counter() - started
    ml_files = "metrics.json" + ("" if options.verbose else f"; {ML_DETAIL_LOG_NAME}: the ml step's every line")
    places = {
        "dashboard": layout.exports_dir / deliver.DASHBOARD_NAME,
        "exports": layout.exports_dir,
        "warehouse": layout.warehouse,
        **({"ml": f"{layout.ml_dir} ({ml_files})"} if run_ml else {}),
    }
    progress.say(f"published in {seconds:.1f} s; open:")
    for line in where_to_open(places, DOCS_SITE):
        print(line, flush=True)
    return BuildResult(layout.warehouse, summary, seconds, release)
