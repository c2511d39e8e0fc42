"""Reads and writes of the DuckDB warehouse, shared by every mode: DuckDB's failures become one
clear line, a written table is replaced in one transaction, an exported file appears whole."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from ml.base.errors import MissingFeatureError, WarehouseIOError, WarehouseNotReadyError
from pipeline.sql import sql_string

BUILD_HINT = "run `make run` / dbt build first"
LOCK_HINT = (
    "another process may hold the warehouse (a dbt build, another `python -m ml`, or a client such as "
    "Tableau/DBeaver connected read-write): close it and rerun"
)
# Every ml table holds one row per customer (and as-of) under this key: exports are ordered by it.
CUSTOMER_KEY = "customer_id"
# The name under which replace_table's `create_sql` reads the frame being written.
FRAME_VIEW = "scores_frame"


def warehouse_io_error(path: Path, action: str, error: duckdb.Error) -> WarehouseIOError:
    """DuckDB's I/O and lock failures as the project's one-line error (first line of DuckDB's text kept)."""
    detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return WarehouseIOError(f"cannot {action} warehouse {path}: {detail}; {LOCK_HINT}")


@contextmanager
def read_only(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection, so dashboards and dbt docs keep reading while a mode does; closed before
    any write. A missing file, a lock or a failed read inside the block is one line naming the file."""
    if not path.is_file():
        raise WarehouseNotReadyError(f"warehouse file {path} not found: {BUILD_HINT}")
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            yield con
    except duckdb.Error as error:
        raise warehouse_io_error(path, "read", error) from error


def require_columns(
    con: duckdb.DuckDBPyConnection, path: Path, table: str, required: tuple[str, ...] | list[str], needed_by: str
) -> None:
    """Stop with one line naming the table, or its missing columns, before any model reads it."""
    schema, name = table.split(".")
    present = {
        row[0]
        for row in con.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
            [schema, name],
        ).fetchall()
    }
    if not present:
        raise WarehouseNotReadyError(f"table {table} not found in {path}: {BUILD_HINT}")
    missing = [column for column in required if column not in present]
    if missing:
        raise MissingFeatureError(f"{table} lacks column(s) {', '.join(missing)} needed by {needed_by}")


def replace_table(path: Path, table: str, create_sql: str, frame: pd.DataFrame) -> int:
    """Run `create_sql` (reading `scores_frame`) in one transaction; returns the new table's row count.

    Readers see the old table or the new one, never a half-written one; a failure rolls back.
    """
    return replace_tables(path, {FRAME_VIEW: frame}, {table: create_sql})[table]


def replace_tables(path: Path, frames: dict[str, pd.DataFrame], create_sql: dict[str, str]) -> dict[str, int]:
    """Run each table's `create_sql` (reading the `frames`, registered under their keys) in one
    transaction, so readers see the old set of tables or the new one, never a mix; returns each new
    table's row count. A failure rolls back."""
    with duckdb.connect(str(path)) as con:
        for name, frame in frames.items():
            con.register(name, frame)
        con.execute("begin transaction")
        try:
            for schema in dict.fromkeys(table.split(".")[0] for table in create_sql):
                con.execute(f"create schema if not exists {schema}")
            for sql in create_sql.values():
                con.execute(sql)
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        finally:
            for name in frames:
                con.unregister(name)
        return {table: int(con.execute(f"select count(*) from {table}").fetchone()[0]) for table in create_sql}


def export_table(
    path: Path, table: str, csv_file: Path, parquet_file: Path, order_by: str = CUSTOMER_KEY
) -> list[Path]:
    """Copy an ml table, as written, to CSV and Parquet. Each file is written under a temporary name
    and then renamed, so a reader never opens a half-written file."""
    targets = {csv_file: "format csv, header true", parquet_file: "format parquet"}
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            for target, options in targets.items():
                partial = target.with_name(f".{target.name}.partial")
                con.execute(
                    f"copy (select * from {table} order by {order_by}) to {sql_string(str(partial))} ({options})"
                )
                partial.replace(target)
    except duckdb.Error as error:
        raise warehouse_io_error(path, f"export {table} from", error) from error
    return list(targets)
