"""marts.customers_at_risk, built after the ml step: ranking, joins and reasons on a real build.

The build's first dbt step leaves out every model downstream of the ml source (built only after the
ml step; this fixture builds with run_ml=False). Here a synthetic
ml.forward_churn_scores (a deterministic stand-in for the forward model's output, one row per
customer of churn_scoring_snapshot, drivers cycling through every feature column) is written into a
small sample warehouse beside the real predicted-value step's ml.customer_value_predictions
(`python -m ml value`, a few seconds), and `dbt build --select source:ml+` builds and tests the mart.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline import config
from pipeline.build.run import build_warehouse

KEYS = {"as_of_at", "customer_id", "horizon_days"}


def _dbt_build_ml_models(warehouse: Path, work: Path) -> subprocess.CompletedProcess[str]:
    dbt = Path(sys.executable).with_name("dbt")
    command = [
        str(dbt) if dbt.exists() else "dbt",
        "build",
        "--select",
        "source:ml+",
        "--project-dir",
        str(config.REPO_ROOT),
        "--profiles-dir",
        str(config.REPO_ROOT),
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
    ]
    env = {**os.environ, "LIFECYCLE_WAREHOUSE_PATH": str(warehouse)}
    return subprocess.run(command, env=env, cwd=config.REPO_ROOT, capture_output=True, text=True)


def _write_synthetic_scores(con: duckdb.DuckDBPyConnection, features: list[str], as_of: str | None = None) -> None:
    """P rises with recency; drivers cycle through every feature; every 7th customer has no driver_3."""
    cases = " ".join(f"when {i} then '{name}'" for i, name in enumerate(features))
    n = len(features)
    as_of_sql = f"timestamp '{as_of}'" if as_of else "as_of_at"
    con.execute("create schema if not exists ml")
    con.execute(
        f"""
        create or replace table ml.forward_churn_scores as
        with numbered as (
            select *, row_number() over (order by customer_id) - 1 as i
            from marts.churn_scoring_snapshot
        )
        select
            customer_id,
            {as_of_sql} as as_of_at,
            horizon_days,
            least(0.99, 0.05 + recency_days / 400.0) as churn_probability,
            case i % {n} {cases} end as driver_1,
            0.3 as driver_1_shap,
            case (i + 1) % {n} {cases} end as driver_2,
            0.2 as driver_2_shap,
            case when i % 7 = 0 then null else case (i + 2) % {n} {cases} end end as driver_3,
            case when i % 7 = 0 then null else 0.1 end as driver_3_shap,
            'synthetic' as model_name,
            'test-1' as model_version,
            now() as scored_at
        from numbered
        """
    )


@pytest.fixture(scope="module")
def sample_warehouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    from pipeline.sample import write_sample

    work = tmp_path_factory.mktemp("at_risk")
    sample = write_sample(work / "sample.parquet", scale=0.05, seed=7)
    warehouse = work / "lifecycle.duckdb"
    # Without the ml step: this test writes its own stand-in scores and builds the mart from them.
    build_warehouse(
        data=sample, warehouse=warehouse, exports_dir=work / "exports", ml_output_dir=work / "ml", run_ml=False
    )
    with duckdb.connect(str(warehouse)) as con:
        assert not con.execute(
            "select count(*) from information_schema.tables where table_name = 'customers_at_risk'"
        ).fetchall()[0][0], "the main build must leave customers_at_risk to the step after ml"
        columns = con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'marts' and table_name = 'churn_scoring_snapshot' order by ordinal_position"
        ).fetchall()
        features = [c for (c,) in columns if c not in KEYS]
        _write_synthetic_scores(con, features)
    env = {**os.environ, "LIFECYCLE_WAREHOUSE_PATH": str(warehouse), "LIFECYCLE_ML_OUTPUT_DIR": str(work / "ml")}
    value = subprocess.run([sys.executable, "-m", "ml", "value"], env=env, cwd=config.REPO_ROOT)
    assert value.returncode == 0
    result = _dbt_build_ml_models(warehouse, work)
    assert result.returncode == 0, result.stdout[-4000:]
    return warehouse, features


def test_every_scored_customer_is_ranked_once_by_value_at_risk(sample_warehouse: tuple[Path, list[str]]) -> None:
    warehouse, _ = sample_warehouse
    with duckdb.connect(str(warehouse), read_only=True) as con:
        scored = con.execute("select count(*) from ml.forward_churn_scores").fetchall()[0][0]
        rows = con.execute(
            "select value_at_risk_rank, value_at_risk, churn_probability, expected_horizon_value "
            "from marts.customers_at_risk order by value_at_risk_rank"
        ).fetchall()
    assert scored > 50
    assert len(rows) == scored
    assert [r[0] for r in rows] == list(range(1, scored + 1))
    values = [r[1] for r in rows]
    assert values == sorted(values, reverse=True)
    assert values[0] > 0
    assert all(abs(v - p * e) < 1e-9 for _, v, p, e in rows)


def test_mart_joins_the_customer_marts(sample_warehouse: tuple[Path, list[str]]) -> None:
    warehouse, _ = sample_warehouse
    with duckdb.connect(str(warehouse), read_only=True) as con:
        unmatched = con.execute(
            """
            select count(*)
            from marts.customers_at_risk as risk
            left join marts.customer_rfm as rfm
                on risk.customer_id = rfm.customer_id and risk.segment_key = rfm.segment_key
            left join marts.churn_scoring_snapshot as scoring
                on risk.customer_id = scoring.customer_id and risk.as_of_at = scoring.as_of_at
            where rfm.customer_id is null or scoring.customer_id is null
                or abs(risk.historical_ltv - rfm.ltv) > 1e-9
            """
        ).fetchall()[0][0]
    assert unmatched == 0


def test_every_driver_reads_as_a_sentence(sample_warehouse: tuple[Path, list[str]]) -> None:
    warehouse, features = sample_warehouse
    with duckdb.connect(str(warehouse), read_only=True) as con:
        pairs = con.execute(
            """
            select scores.driver_1, risk.reason_1 from marts.customers_at_risk as risk
            inner join ml.forward_churn_scores as scores using (customer_id)
            union all
            select scores.driver_3, risk.reason_3 from marts.customers_at_risk as risk
            inner join ml.forward_churn_scores as scores using (customer_id)
            """
        ).fetchall()
    explained = {driver for driver, reason in pairs if driver and reason and reason != driver and len(reason) > 10}
    assert explained == set(features), f"no sentence for {set(features) - explained}"
    assert all((reason is None) == (driver is None) for driver, reason in pairs)


def test_scores_of_another_snapshot_fail_the_build(
    sample_warehouse: tuple[Path, list[str]], tmp_path: Path
) -> None:
    """Stale scores (an older as-of than this build's current snapshot) must not be published."""
    warehouse, features = sample_warehouse
    stale = tmp_path / "stale.duckdb"
    stale.write_bytes(warehouse.read_bytes())
    with duckdb.connect(str(stale)) as con:
        _write_synthetic_scores(con, features, as_of="2011-01-01 00:00:00")
    result = _dbt_build_ml_models(stale, tmp_path)
    assert result.returncode != 0
    assert "relationships_stg_ml__forward_churn_scores_as_of_at" in result.stdout


def test_expected_value_is_the_predicted_value_if_retained(sample_warehouse: tuple[Path, list[str]]) -> None:
    """With predictions written, every customer's horizon value is customer_value.value_if_retained."""
    warehouse, _ = sample_warehouse
    with duckdb.connect(str(warehouse), read_only=True) as con:
        sources, mismatched = con.execute(
            """
            select
                list(distinct risk.expected_value_source),
                count(*) filter (where abs(risk.expected_horizon_value - value.value_if_retained) > 1e-9)
            from marts.customers_at_risk as risk
            inner join marts.customer_value as value using (customer_id)
            """
        ).fetchone()
    assert sources == ["predicted"]
    assert mismatched == 0
