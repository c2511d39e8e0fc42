"""The Tableau extract, when pantab is installed: written, read back, and equal to the marts in
tables, row counts and column types."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from pipeline.build.publish import Layout
from pipeline.deliver import tableau
from pipeline.deliver.export import MART_EXPORTS

pantab = pytest.importorskip("pantab", reason="pantab is not installed (pip install -r requirements-tableau.txt)")

# Hyper has one text, integer, float and timestamp type each; Arrow types that map onto the same one.
SAME_IN_HYPER = {pa.large_string(): pa.string(), pa.string_view(): pa.string()}


def _normalised(schema: pa.Schema) -> list[tuple[str, pa.DataType]]:
    return [(field.name, SAME_IN_HYPER.get(field.type, field.type)) for field in schema]


def test_extract_round_trip_equals_the_marts(published: Layout, tmp_path: Path) -> None:
    extract = tableau.write_extract(published.warehouse, tmp_path / tableau.EXTRACT_NAME)
    read_back = pantab.frames_from_hyper(extract, return_type="pyarrow")
    tables = dict(read_back)
    expected = tableau.extract_tables(published.warehouse)
    assert set(tables) == set(expected)
    assert ("marts", "customer_rfm") in tables and ("ml", "churn_scores") in tables
    for key, table in expected.items():
        assert tables[key].num_rows == table.num_rows, key
        assert _normalised(tables[key].schema) == _normalised(table.schema), key


def test_published_release_carries_the_extract(published: Layout) -> None:
    extract = published.exports_dir / tableau.EXTRACT_NAME
    assert extract.is_file()
    with duckdb.connect(str(published.warehouse), read_only=True) as con:
        (customers,) = con.execute("select count(*) from marts.customer_rfm").fetchall()[0]
    rfm = pantab.frame_from_hyper(extract, table=("marts", "customer_rfm"), return_type="pyarrow")
    assert rfm.num_rows == customers


def test_tables_of_many_record_batches_arrive_whole(tmp_path: Path) -> None:
    """The extract streams each table in record batches of 131,072 rows: none is lost or repeated."""
    warehouse = tmp_path / "w.duckdb"
    lines = 300_000
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts")
        for export in MART_EXPORTS:
            keys = ["report_order"] if export.order_by == "1" else export.order_by.split(", ")
            columns = ", ".join(keys)
            values = ", ".join("'b'" for _ in keys) + "), (" + ", ".join("'a'" for _ in keys)
            con.execute(f"create table {export.table} as select * from (values ({values})) as t({columns})")
        con.execute(
            "create or replace table marts.customer_rfm as select cast(i as varchar) as customer_id, "
            f"cast(i as double) as spend from range({lines}) as t(i)"
        )
    extract = tableau.write_extract(warehouse, tmp_path / tableau.EXTRACT_NAME)
    rfm = pantab.frame_from_hyper(extract, table=("marts", "customer_rfm"), return_type="pyarrow")
    assert rfm.num_rows == lines
    assert len(set(rfm.column("customer_id").to_pylist())) == lines
    assert sum(rfm.column("spend").to_pylist()) == lines * (lines - 1) / 2
    segments = pantab.frame_from_hyper(extract, table=("marts", "segment_ltv"), return_type="pyarrow")
    assert sorted(segments.column("segment_key").to_pylist()) == ["a", "b"]
