"""A failed build, at any stage, leaves the last good warehouse and exports as they were."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb
import pytest

from pipeline.build import BuildFailed, build_warehouse
from pipeline.ingest import InputDataError


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def good_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One real build on a small synthetic sample (the full dbt project, tests included)."""
    from pipeline.sample import write_sample

    work = tmp_path_factory.mktemp("atomic")
    sample = write_sample(work / "sample.parquet", scale=0.05, seed=7)
    warehouse, exports = work / "lifecycle.duckdb", work / "exports"
    build_warehouse(data=sample, warehouse=warehouse, exports_dir=exports)
    return warehouse, exports


def _snapshot(warehouse: Path, exports: Path) -> dict[str, str]:
    files = {p.name: _digest(p) for p in sorted(exports.iterdir())}
    return {"warehouse": _digest(warehouse), **files}


def test_good_build_writes_marts_and_exports(good_build: tuple[Path, Path]) -> None:
    warehouse, exports = good_build
    with duckdb.connect(str(warehouse), read_only=True) as con:
        customers = con.execute("select count(*) from marts.customer_rfm").fetchone()[0]
    assert customers > 0
    assert {"rfm_for_tableau.csv", "rfm_final_for_modeling.csv", "customer_rfm.parquet"} <= {
        p.name for p in exports.iterdir()
    }
    assert not warehouse.with_name(warehouse.name + ".building").exists()


def test_bad_input_leaves_the_last_good_build_intact(good_build: tuple[Path, Path], tmp_path: Path) -> None:
    warehouse, exports = good_build
    before = _snapshot(warehouse, exports)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        "1,A,x,1,not a date,1.0,1,UK\n"
    )
    with pytest.raises(InputDataError):
        build_warehouse(data=bad, warehouse=warehouse, exports_dir=exports)
    assert _snapshot(warehouse, exports) == before
    assert not warehouse.with_name(warehouse.name + ".building").exists()


def test_failing_dbt_test_leaves_the_last_good_build_intact(good_build: tuple[Path, Path]) -> None:
    warehouse, exports = good_build
    before = _snapshot(warehouse, exports)
    sample = warehouse.parent / "sample.parquet"
    # An unknown policy excludes nothing; the ledger's relationships test must stop the build.
    with pytest.raises(BuildFailed):
        build_warehouse(data=sample, dbt_vars="{cleaning_policy: lenient}", warehouse=warehouse, exports_dir=exports)
    assert _snapshot(warehouse, exports) == before
    assert os.listdir(warehouse.parent).count(warehouse.name + ".building") == 0
