"""The read-only connection of the stages that read the finished warehouse: exports, dashboard and
Tableau extract.

They run side by side in the build's process, where DuckDB keeps one instance per file and refuses
a second connection with other settings, so they all open it here, under the build's memory cap (a
1000x build's exports and extract sort tables of 4.4 M customers)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline import config


def connect_read_only(warehouse: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(warehouse), read_only=True, config=config.duckdb_settings())
