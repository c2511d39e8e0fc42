"""A Tableau extract (.hyper) of the exported tables, written with pantab when it is installed.

pantab (about 260 MB with its Hyper engine) is an optional dependency: requirements-tableau.txt.
The extract holds the customer-facing tables of the CSV/parquet exports (not the cleaning audit, a
data-quality report), one Hyper table each, under schema `marts` or `ml` as in the warehouse.
Hyper runs locally, with usage data to Tableau turned off (pantab's default)."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline.deliver.export import exports_present
from pipeline.deliver.warehouse_reader import connect_read_only

EXTRACT_NAME = "customer_lifecycle.hyper"
NOT_CUSTOMER_FACING = {"marts.cleaning_audit"}


def available() -> bool:
    return importlib.util.find_spec("pantab") is not None


def _extract_queries(con: duckdb.DuckDBPyConnection) -> Iterator[tuple[tuple[str, str], str]]:
    """((schema, table), query) for every table the exports write; pantab takes such tuples as names."""
    for export in exports_present(con):
        if export.table not in NOT_CUSTOMER_FACING:
            schema, name = export.table.split(".")
            yield (schema, name), export.query


def extract_tables(warehouse: Path) -> dict[tuple[str, str], object]:
    """(schema, table) -> the whole table as Arrow, as the extract holds it."""
    with connect_read_only(warehouse) as con:
        return {key: con.sql(query).to_arrow_table() for key, query in _extract_queries(con)}


def _stream_when_read(con: duckdb.DuckDBPyConnection, query: str) -> pa.RecordBatchReader:
    """The query's rows in record batches, the query run only once the first batch is read."""

    def batches() -> Iterator[pa.RecordBatch]:
        with con.sql(query).to_arrow_reader() as reader:
            yield from reader

    return pa.RecordBatchReader.from_batches(con.sql(query).limit(0).to_arrow_table().schema, batches())


def write_extract(warehouse: Path, target: Path) -> Path:
    import pantab

    partial = target.with_name(f".{target.stem}.partial{target.suffix}")
    partial.unlink(missing_ok=True)
    # pantab takes every table's stream at once and reads them one after another, so the tables
    # pass through memory a batch at a time. Held whole (4.4 M customers per table at 1000x),
    # beside the exports' sorts, they took a 1000x build's peak RSS from 3.7 to 4.7 GiB. One
    # call starts Hyper once: a call per table made the extract 1 s slower at 1x.
    with connect_read_only(warehouse) as con:
        streams = {key: _stream_when_read(con, query) for key, query in _extract_queries(con)}
        pantab.frames_to_hyper(streams, partial)
    partial.chmod(0o644)  # Hyper creates it owner/group-only; the other exports are readable by all
    return partial.replace(target)
