"""Fixtures for the ml step: synthetic warehouses (random numbers, never real customers).

The synthetic label depends on the behavioural features (fewer, smaller, narrower orders churn
more) so a model has something to learn; recency columns are made consistent with the label.
"""

from __future__ import annotations

import json
import os
import shutil
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import duckdb
import numpy as np
import pandas as pd
import pytest

from ml.__main__ import main
from ml.base.metrics import METRICS_FILE
from ml.base.outputs import OUTPUT_DIR_ENV, WAREHOUSE_ENV
from ml.seed import config

from .forward_fixtures import forward_marts, write_forward_marts
from .value_fixtures import value_summaries, write_value_summaries

THRESHOLD_DAYS = 155.0

# The dbt contract of marts.churn_features: column -> DuckDB type.
CONTRACT_TYPES = {
    "customer_id": "varchar",
    "recency_days": "integer",
    "frequency": "integer",
    "monetary": "double",
    "r_score": "integer",
    "f_score": "integer",
    "m_score": "integer",
    "segment_key": "varchar",
    "average_order_value": "double",
    "purchase_interval_std": "double",
    "unique_products": "integer",
    "purchase_days": "integer",
    "tenure_days": "integer",
    "mean_purchase_gap_days": "double",
    "items_per_order": "double",
    "return_rate": "double",
    "recent_spend_share": "double",
    "is_domestic": "boolean",
    "churn_threshold_days": "double",
    "is_churned": "boolean",
    "churn_status": "varchar",
}


def _quartile_score(values: np.ndarray) -> np.ndarray:
    ranks = pd.Series(values).rank(method="first")
    return pd.qcut(ranks, 4, labels=[1, 2, 3, 4]).astype(int).to_numpy()


def churn_features(rows: int = 400, seed: int = 7, churned: int | None = None) -> pd.DataFrame:
    """Random customers; `churned` forces that many churners (the most at-risk ones) if given."""
    rng = np.random.default_rng(seed)
    frequency = 1 + rng.poisson(3, rows)
    purchase_days = np.minimum(frequency, 1 + rng.poisson(2, rows))
    tenure_days = np.where(purchase_days > 1, rng.integers(10, 360, rows), 0)
    gaps = np.where(purchase_days > 1, tenure_days / np.maximum(purchase_days - 1, 1), np.nan)
    average_order_value = rng.lognormal(5.5, 0.6, rows)
    monetary = average_order_value * frequency
    unique_products = 1 + rng.poisson(8 * np.sqrt(frequency))
    interval_std = np.where(purchase_days > 2, rng.gamma(2.0, 15.0, rows), 0.0)
    f_score, m_score = _quartile_score(frequency), _quartile_score(monetary)

    risk = (
        1.2
        - 0.45 * (f_score - 2.5)
        - 0.35 * (m_score - 2.5)
        - 0.04 * (unique_products - 15)
        + 0.01 * interval_std
        + rng.normal(0, 0.8, rows)
    )
    if churned is None:
        is_churned = risk > np.quantile(risk, 0.75)
    else:
        is_churned = np.zeros(rows, dtype=bool)
        is_churned[np.argsort(-risk)[:churned]] = True

    recency_days = np.where(is_churned, rng.integers(156, 374, rows), rng.integers(1, 156, rows))
    r_score = 5 - _quartile_score(recency_days)
    return pd.DataFrame(
        {
            "customer_id": [str(10000 + i) for i in range(rows)],
            "recency_days": recency_days,
            "frequency": frequency,
            "monetary": monetary,
            "r_score": r_score,
            "f_score": f_score,
            "m_score": m_score,
            "segment_key": [f"{r}{f}{m}" for r, f, m in zip(r_score, f_score, m_score, strict=True)],
            "average_order_value": average_order_value,
            "purchase_interval_std": interval_std,
            "unique_products": unique_products,
            "purchase_days": purchase_days,
            "tenure_days": tenure_days,
            "mean_purchase_gap_days": gaps,
            "items_per_order": rng.gamma(3.0, 40.0, rows),
            "return_rate": rng.beta(0.5, 12.0, rows),
            "recent_spend_share": np.where(recency_days <= 90, rng.uniform(0.05, 1, rows), 0.0),
            "is_domestic": rng.random(rows) < 0.9,
            "churn_threshold_days": THRESHOLD_DAYS,
            "is_churned": is_churned,
            "churn_status": np.where(is_churned, "churned", "active"),
        }
    )


def write_warehouse(path: Path, features: pd.DataFrame) -> Path:
    """A DuckDB file holding `marts.churn_features` with the contract's column types."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        con.register("features", features)
        # Only the columns given, so a test can build a mart that breaks the contract.
        casts = ", ".join(f"{column}::{CONTRACT_TYPES[column]} as {column}" for column in features.columns)
        con.execute(f"create or replace table marts.churn_features as select {casts} from features")
    return path


@dataclass
class RunResult:
    exit_code: int
    output_dir: Path
    metrics: dict
    scores: pd.DataFrame
    warnings: list[str]


def run_cli(
    warehouse: Path, output_dir: Path, command: str = "run", *args: str, env: dict[str, str] | None = None
) -> int:
    """The CLI in-process; the business-value variables are cleared unless `env` sets them."""
    settings = {WAREHOUSE_ENV: str(warehouse), OUTPUT_DIR_ENV: str(output_dir), **(env or {})}
    with mock.patch.dict(os.environ, settings):
        for name in (config.CONTACT_COST_ENV, config.SAVED_CHURNER_VALUE_ENV):
            if name not in (env or {}):
                os.environ.pop(name, None)
        return main([command, *args])


def read_scores(warehouse: Path) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(f"select * from {config.SCORES_TABLE} order by customer_id").df()


@pytest.fixture(scope="session")
def synthetic_forward_marts() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(training, scoring) snapshot marts, built once per session."""
    return forward_marts()


@pytest.fixture(scope="session")
def synthetic_warehouse(tmp_path_factory: pytest.TempPathFactory, synthetic_forward_marts) -> Path:
    """The seed mart, both snapshot marts and the value summaries, so `python -m ml run` (seed + forward
    + predicted value) has everything."""
    folder = tmp_path_factory.mktemp("warehouse")
    path = write_warehouse(folder / "lifecycle.duckdb", churn_features())
    write_value_summaries(path, value_summaries(customers=600, seed=5))
    return write_forward_marts(path, *synthetic_forward_marts)


def seed_metrics(out: Path) -> dict:
    """The seed mode's section of the metrics.json in an output folder."""
    return json.loads((out / METRICS_FILE).read_text())[config.METRICS_SECTION]


@pytest.fixture(scope="session")
def two_runs(
    synthetic_warehouse: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[RunResult, RunResult]]:
    """`python -m ml run` twice on the same warehouse, into two output folders."""
    results = []
    for name in ("first", "second"):
        out = tmp_path_factory.mktemp(f"ml_{name}")
        # Every warning that escapes the step (the seed's ConvergenceWarning is recorded inside).
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            code = run_cli(synthetic_warehouse, out)
        metrics = seed_metrics(out) if code == 0 else {}
        escaped = [f"{w.category.__name__}: {w.message}" for w in caught]
        results.append(RunResult(code, out, metrics, read_scores(synthetic_warehouse), escaped))
    yield results[0], results[1]


@pytest.fixture(scope="session")
def evaluation(two_runs: tuple[RunResult, RunResult], synthetic_warehouse: Path, tmp_path_factory) -> RunResult:
    """`python -m ml evaluate` after `run`, in a copy of the first run's output folder (as `make test`
    runs it after the build): the full comparison's sections and plots beside the run's artefacts."""
    out = tmp_path_factory.mktemp("ml_evaluate")
    shutil.copytree(two_runs[0].output_dir, out, dirs_exist_ok=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = run_cli(synthetic_warehouse, out, "evaluate")
    metrics = seed_metrics(out) if code == 0 else {}
    escaped = [f"{w.category.__name__}: {w.message}" for w in caught]
    return RunResult(code, out, metrics, read_scores(synthetic_warehouse), escaped)


@pytest.fixture
def make_features():
    """The synthetic mart generator, for tests that need a variant of it."""
    return churn_features


@pytest.fixture
def make_warehouse(tmp_path: Path):
    """Write a given synthetic mart to a fresh DuckDB file in this test's tmp folder."""

    def make(features: pd.DataFrame, name: str = "lifecycle.duckdb") -> Path:
        return write_warehouse(tmp_path / name, features)

    return make


@pytest.fixture(scope="session")
def ml_cli():
    """Run the CLI in-process against a given warehouse and output folder; returns the exit code."""
    return run_cli


@pytest.fixture(scope="session")
def scores_of():
    """Read `ml.churn_scores` back from a warehouse file."""
    return read_scores
