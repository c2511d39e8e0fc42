"""Load a user's file into `raw.transaction_lines`, the one table the dbt source reads."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.ingest.errors import InputDataError
from pipeline.ingest.parse import typed_select
from pipeline.ingest.readers import read_raw_input

RAW_SCHEMA = "raw"
RAW_TABLE = "transaction_lines"


@dataclass(frozen=True)
class LoadSummary:
    path: Path
    file_format: str
    encoding: str | None
    lines: int
    sha256: str


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(8 * 1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def load_raw_lines(con: duckdb.DuckDBPyConnection, path: str | Path) -> LoadSummary:
    """Read, validate and type the file; replace the raw table only when all of it is good."""
    path = Path(path)
    raw = read_raw_input(con, path)
    select = typed_select(con, raw)
    summary = LoadSummary(path, raw.file_format.value, raw.encoding, raw.line_count, _sha256(path))
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    # Lines are written in file order, so raw_line_number equals the row's position in the table:
    # the source's unique_row_position test proves the key unique from that in one scan. (dbt's
    # own connection, which the plugin loads with, does not preserve insertion order otherwise.)
    preserved = con.execute("select current_setting('preserve_insertion_order')").fetchone()[0]
    con.execute("set preserve_insertion_order = true")
    con.execute("begin transaction")
    try:
        con.execute(f"create or replace table {RAW_SCHEMA}.{RAW_TABLE} as {select}")
    except duckdb.Error as error:  # validation should have caught it; never show a traceback
        con.execute("rollback")
        raise InputDataError(path, f"could not be typed ({str(error).strip().splitlines()[0]})") from error
    finally:
        con.execute(f"set preserve_insertion_order = {str(preserved).lower()}")
    con.execute(
        f"""
        create or replace table {RAW_SCHEMA}.load_metadata as
        select ? as source_file, ? as file_format, ? as encoding, ? as raw_lines,
               ? as sha256, current_timestamp as loaded_at
        """,
        [str(path.resolve()), summary.file_format, summary.encoding, summary.lines, summary.sha256],
    )
    con.execute("commit")
    return summary
