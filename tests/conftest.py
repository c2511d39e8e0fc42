"""One real published build, shared by the tests that need a whole release (build, publish, dashboard,
Tableau extract): a small synthetic sample through load, dbt, the ml step, exports and publish."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.build.publish import Layout


@pytest.fixture(scope="session")
def small_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pipeline.sample import write_sample

    return write_sample(tmp_path_factory.mktemp("sample") / "sample.parquet", scale=0.05, seed=7)


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory, small_sample: Path) -> Layout:
    from pipeline.build.run import build_warehouse

    work = tmp_path_factory.mktemp("published")
    layout = Layout(work / "lifecycle.duckdb", work / "exports", work / "outputs" / "ml")
    build_warehouse(
        data=small_sample, warehouse=layout.warehouse, exports_dir=layout.exports_dir, ml_output_dir=layout.ml_dir
    )
    return layout
