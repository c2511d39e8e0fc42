"""A Tableau extract (.hyper) of the exported tables, written with pantab when it is installed.

pantab (about 260 MB with its Hyper engine) is an optional dependency: requirements-tableau.txt.
The extract holds the customer-facing tables of the CSV/parquet exports (not the cleaning audit, a
data-quality report), one Hyper table each, under schema `marts` or `ml` as in the warehouse.
Hyper runs locally, with usage data to Tableau turned off (pantab's default)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import duckdb

from pipeline.export import exports_present

EXTRACT_NAME = "customer_lifecycle.hyper"
NOT_CUSTOMER_FACING = {"marts.cleaning_audit"}


def available() -> bool:
    return importlib.util.find_spec("pantab") is not None


def extract_tables(warehouse: Path) -> dict[tuple[str, str], object]:
    """(schema, table) -> Arrow table, for every table the exports write."""
    tables = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for export in exports_present(con):
            if export.table in NOT_CUSTOMER_FACING:
                continue
            schema, name = export.table.split(".")
            query = f"select * from {export.table} order by {export.order_by}"
            tables[(schema, name)] = con.sql(query).to_arrow_table()
    return tables


def write_extract(warehouse: Path, target: Path) -> Path:
    import pantab

    # pantab takes (schema, table) tuples as table names.
    frames = extract_tables(warehouse)
    partial = target.with_name(f".{target.stem}.partial{target.suffix}")
    partial.unlink(missing_ok=True)
    pantab.frames_to_hyper(frames, partial)
    partial.chmod(0o644)  # Hyper creates it owner/group-only; the other exports are readable by all
    return partial.replace(target)
