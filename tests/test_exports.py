"""Exports land under the seed's file names, also when the folder's path contains a quote."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from pipeline.deliver.export import MART_EXPORTS, write_exports


def _fake_marts(path: Path, with_scores: bool) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        for export in MART_EXPORTS:
            keys = ["report_order"] if export.order_by == "1" else [k.strip() for k in export.order_by.split(",")]
            rows = ", ".join("(" + ", ".join([f"'{value}'"] * len(keys)) + ")" for value in "ba")
            con.execute(f"create table {export.table} as select * from (values {rows}) as t({', '.join(keys)})")
        if with_scores:
            con.execute("create schema ml")
            con.execute("create table ml.churn_scores as select 'a' as customer_id, 0.5 as churn_probability")


def test_exports_are_written_sorted_under_seed_names_in_a_quoted_folder(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    _fake_marts(warehouse, with_scores=False)
    target = tmp_path / "o'brien exports"
    write_exports(warehouse, target)
    names = {p.name for p in target.iterdir()}
    assert {"rfm_for_tableau.csv", "rfm_final_for_modeling.csv", "customer_rfm.parquet"} <= names
    assert len(names) == 2 * len(MART_EXPORTS)
    assert list(pd.read_csv(target / "rfm_for_tableau.csv")["customer_id"]) == ["a", "b"]


def test_ml_scores_are_exported_when_the_ml_step_wrote_them(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    _fake_marts(warehouse, with_scores=True)
    written = {p.name for p in write_exports(warehouse, tmp_path / "exports")}
    assert {"churn_scores.csv", "churn_scores.parquet"} <= written
    assert "customers_at_risk.csv" not in written


HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "<script>alert(1)</script>", "a \"quoted\" 'text'"]


def test_csv_exports_neutralise_formula_prefixes_and_parquet_keeps_the_value(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    _fake_marts(warehouse, with_scores=False)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("drop table marts.customer_rfm")
        con.execute("create table marts.customer_rfm (customer_id varchar, country varchar, monetary double)")
        rows = [[str(i), value] for i, value in enumerate(HOSTILE)]
        con.executemany("insert into marts.customer_rfm values (?, ?, -1.5)", rows)
    write_exports(warehouse, tmp_path / "exports")
    exported = pd.read_csv(tmp_path / "exports" / "rfm_for_tableau.csv", dtype=str)
    assert list(exported["country"]) == ["'=cmd|' /C calc'!A0", "'+1+1", "'-2+3", "'@SUM(A1)", *HOSTILE[4:]]
    assert set(exported["monetary"]) == {"-1.5"}, "numbers are numbers, not text"
    assert list(pd.read_parquet(tmp_path / "exports" / "customer_rfm.parquet")["country"]) == HOSTILE
