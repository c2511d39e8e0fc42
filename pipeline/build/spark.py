"""The build on Spark (`python -m pipeline build --target spark`, `make run TARGET=spark`).

The same stages as on DuckDB, with Spark building the warehouse. Tables cross between the two sides
as parquet, inside dbt's own Spark session (macros/spark/parquet_exchange.sql), because a local
Spark's metastore admits one process at a time:
- the file is loaded and validated exactly as for DuckDB, into the release's DuckDB file; its raw
  tables go to Spark as parquet and become raw.* there when dbt starts;
- every mart Spark builds comes back as parquet and is copied into the release's DuckDB file: the
  ml step reads Spark's marts there, and the exports, the dashboard and BI tools read that file as on
  DuckDB (a serving copy; the warehouse itself is Spark's tables);
- the ml step's tables go to Spark as parquet before the marts that read them are built there.
Spark's tables live in LIFECYCLE_SPARK_DIR (default: beside the warehouse file, `<name>.spark/`):
parquet under tables/, their catalog in metastore_db/. Unlike the DuckDB file they are rebuilt in
place, so a failed Spark build leaves them half-updated; the published release is unchanged."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from pipeline.sql import sql_string

TARGET = "spark"
SPARK_DIR_ENV = "LIFECYCLE_SPARK_DIR"
IMPORT_ENV = "LIFECYCLE_SPARK_IMPORT"
EXPORT_ENV = "LIFECYCLE_SPARK_EXPORT_DIR"
RAW_TABLES = ("raw.transaction_lines", "raw.load_metadata")
ML_SCHEMA = "ml"
EXCHANGE_NAME = "spark_exchange"


def spark_dir(warehouse: Path) -> Path:
    """Where Spark keeps the tables: LIFECYCLE_SPARK_DIR, else `<warehouse name>.spark/` beside it."""
    named = os.environ.get(SPARK_DIR_ENV)
    return Path(named).absolute() if named else warehouse.with_name(warehouse.stem + ".spark").absolute()


def exchange_in(release: Path) -> Path:
    """The release's folder of parquet files on their way to or from Spark (removed once built)."""
    return release / EXCHANGE_NAME


def spark_env(warehouse: Path, exchange: Path, imports: str = "") -> dict[str, str]:
    """The variables the spark target (profiles.yml) and the exchange hooks read."""
    return {
        SPARK_DIR_ENV: str(spark_dir(warehouse)),
        IMPORT_ENV: imports,
        EXPORT_ENV: str(exchange / "from_spark"),
        # PySpark warns on import that it was tested with pandas 2: noise on every build's terminal.
        "PYTHONWARNINGS": "ignore::FutureWarning",
    }


def _portable_column(name: str, data_type: str) -> str:
    """A column as Spark should read it: a zone-less timestamp goes as an instant in UTC (Spark would
    read a zone-less parquet timestamp as timestamp_ntz, a type no model expects; the session's zone
    is UTC, so the wall-clock time is the same); an untyped all-NULL column goes as text."""
    quoted = '"' + name.replace('"', '""') + '"'
    if data_type == "TIMESTAMP":
        return f"cast({quoted} as timestamptz) as {quoted}"
    if data_type.strip('"') == "NULL":
        return f"cast({quoted} as varchar) as {quoted}"
    return quoted


def write_for_spark(database: Path, tables: list[str] | tuple[str, ...], folder: Path) -> str:
    """Each DuckDB table as one parquet file in `folder`; returns the LIFECYCLE_SPARK_IMPORT value."""
    folder.mkdir(parents=True, exist_ok=True)
    pairs = []
    with duckdb.connect(str(database)) as con:
        con.execute("set TimeZone = 'UTC'")
        for table in tables:
            schema, name = table.split(".")
            columns = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position",
                [schema, name],
            ).fetchall()
            path = folder / f"{table}.parquet"
            select = ", ".join(_portable_column(column, data_type) for column, data_type in columns)
            con.execute(f"copy (select {select} from {table}) to {sql_string(str(path))} (format parquet)")
            pairs.append(f"{table}={path}")
    return ";".join(pairs)


def ml_tables(database: Path) -> list[str]:
    """The tables the ml step wrote into the DuckDB file."""
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            "select table_name from information_schema.tables where table_schema = ? order by table_name", [ML_SCHEMA]
        ).fetchall()
    return [f"{ML_SCHEMA}.{name}" for (name,) in rows]


def read_from_spark(database: Path, exchange: Path) -> list[str]:
    """Copy every mart the last Spark build exported into the DuckDB file (replacing the table), then
    empty the folder for the next build; returns the tables copied."""
    folder = exchange / "from_spark"
    copied = []
    if not folder.is_dir():
        return copied
    with duckdb.connect(str(database)) as con:
        for directory in sorted(path for path in folder.iterdir() if path.is_dir()):
            schema, name = directory.name.split(".")
            con.execute(f"create schema if not exists {schema}")
            files = sql_string(str(directory / "*.parquet"))
            con.execute(f"create or replace table {schema}.{name} as select * from read_parquet({files})")
            copied.append(directory.name)
    shutil.rmtree(folder)
    return copied
