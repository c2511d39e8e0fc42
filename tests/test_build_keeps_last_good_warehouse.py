"""One build publishes the warehouse, its ml scores, the exports and the dashboard together; a
failed build, at any stage (the ml step included), changes nothing a reader sees."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline.build.publish import Layout
from pipeline.build.run import BuildFailed, build_warehouse
from pipeline.ingest import InputDataError
from tests.releases import snapshot as _snapshot


def _build(layout: Layout, data: Path, **options) -> None:
    build_warehouse(
        data=data, warehouse=layout.warehouse, exports_dir=layout.exports_dir, ml_output_dir=layout.ml_dir, **options
    )


def test_one_release_holds_marts_scores_exports_and_dashboard(published: Layout) -> None:
    release = published.current.resolve()
    for link in (published.warehouse, published.exports_dir, published.ml_dir):
        assert link.is_symlink() and link.resolve().parent == release
    with duckdb.connect(str(published.warehouse), read_only=True) as con:
        customers = con.execute("select count(*) from marts.churn_features").fetchall()[0][0]
        scores = con.sql("select * from ml.churn_scores order by customer_id").df()
    assert customers > 0 and len(scores) == customers
    exported = pd.read_csv(published.exports_dir / "churn_scores.csv", dtype={"customer_id": str})
    assert list(exported["customer_id"]) == list(scores["customer_id"])
    assert set(exported["model_version"]) == set(scores["model_version"])
    names = {p.name for p in published.exports_dir.iterdir()}
    assert {"rfm_for_tableau.csv", "customer_rfm.parquet", "dashboard.html"} <= names
    assert {"metrics.json", "churn_scores.csv", "churn_pipeline.joblib"} <= {p.name for p in published.ml_dir.iterdir()}
    assert not published.scratch.exists()


def test_bad_input_changes_nothing_readers_see(published: Layout, tmp_path: Path) -> None:
    before = _snapshot(published)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        "1,A,x,1,not a date,1.0,1,UK\n"
    )
    with pytest.raises(InputDataError):
        _build(published, bad)
    assert _snapshot(published) == before
    assert not published.scratch.exists()


def test_failing_dbt_test_changes_nothing_readers_see(
    published: Layout, small_sample: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(published)
    # An unknown policy excludes nothing; the ledger's relationships test must stop the build.
    with pytest.raises(BuildFailed):
        _build(published, small_sample, dbt_vars="{cleaning_policy: lenient}")
    # The build keeps dbt quiet, but never its error: the failing test is named, with its count.
    shown = capfd.readouterr().out
    assert "Failure in test relationships_" in shown and "Got " in shown
    assert _snapshot(published) == before
    assert not published.scratch.exists()


def test_failing_ml_step_changes_nothing_readers_see(
    published: Layout, small_sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _snapshot(published)
    # An unusable contact cost is refused by the ml step (exit code 2) after dbt built every mart.
    monkeypatch.setenv("LIFECYCLE_ML_CONTACT_COST", "free")
    with pytest.raises(BuildFailed, match="ml step failed"):
        _build(published, small_sample)
    assert _snapshot(published) == before
    assert not published.scratch.exists()
