"""dbt-duckdb plugin (profiles.yml `plugins:`) that makes plain `dbt build` behave.

dbt-duckdb creates it before it opens the warehouse, so it can:
- say in one line who holds the warehouse when another process (a BI tool, a notebook, a reader
  connection) has it open, instead of dbt's stack of lock errors;
- load the raw table on a fresh clone: with no warehouse (or no raw table) yet it loads the bundled
  sample, or the file named by `--vars '{raw_data_file: path}'` or LIFECYCLE_DATA, through the
  same loader and validation as `python -m pipeline build`. A named file is loaded whenever it
  differs from the one the warehouse holds (by path and sha256).

`python -m pipeline build` loads the file itself and sets LIFECYCLE_DBT_AUTOLOAD=off; it starts dbt
during the load, and the plugin holds dbt back until the load has finished (pipeline/build/load_gate.py).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import duckdb
from dbt.adapters.duckdb.plugins import BasePlugin
from dbt_common.exceptions import DbtRuntimeError

from pipeline.build.load_gate import GATE_ENV, wait_for_load

AUTOLOAD_ENV = "LIFECYCLE_DBT_AUTOLOAD"
HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


class WarehouseUnavailable(DbtRuntimeError):
    """dbt reports it as "Encountered an error: <message>", without a stack trace, and exits with 2."""


def lock_message(path: Path, error: duckdb.Error) -> str | None:
    """One line naming the process that holds `path`, or None when the error is not a lock conflict."""
    match = HOLDER.search(str(error))
    if not match and "Could not set lock" not in str(error):
        return None
    holder = f"{match['program']} (PID {match['pid']})" if match else "another process"
    return (
        f"{path} is open in {holder}: close that connection (BI tool, notebook, DuckDB shell), or run "
        "`make run`, which builds beside the warehouse and publishes it without waiting for readers"
    )


def _open(path: Path) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path))
    except duckdb.Error as error:
        message = lock_message(path, error)
        if message is None:
            raise
        raise WarehouseUnavailable(message) from None


def _loaded_file(con: duckdb.DuckDBPyConnection) -> tuple[str, str] | None:
    try:
        row = con.execute("select source_file, sha256 from raw.load_metadata").fetchall()
    except duckdb.CatalogException:
        return None
    return (row[0][0], row[0][1]) if row else None


def _needs_load(con: duckdb.DuckDBPyConnection, named: Path | None) -> bool:
    loaded = _loaded_file(con)
    if named is None:
        return loaded is None
    from pipeline.ingest.load import _sha256

    return loaded != (str(named.resolve()), _sha256(named)) if named.is_file() else True


def _say(message: str) -> None:
    print(f"[dbt] {message}", flush=True)


def _load(con: duckdb.DuckDBPyConnection, data: Path) -> None:
    from pipeline.ingest import InputDataError, load_raw_lines

    _say(f"loading {data} into raw.transaction_lines")
    try:
        summary = load_raw_lines(con, data)
    except InputDataError as error:
        raise WarehouseUnavailable(str(error)) from None
    _say(f"loaded {summary.lines:,} lines ({summary.file_format})")


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        gate = os.environ.get(GATE_ENV)
        if gate and not wait_for_load(Path(gate)):
            raise WarehouseUnavailable("the build's load of the data file did not finish (see its output)")
        path_text = self.creds.path if self.creds else ":memory:"
        if path_text == ":memory:" or os.environ.get(AUTOLOAD_ENV, "on") == "off":
            return
        path = Path(path_text)
        named = str(plugin_config.get("raw_data_file") or "").strip()
        data = Path(named) if named else None
        path.parent.mkdir(parents=True, exist_ok=True)
        with _open(path) as con:
            if not _needs_load(con, data):
                return
            if data is None:
                from pipeline.sample.bundled import ensure_sample

                data = ensure_sample(say=_say)
            _load(con, data)
