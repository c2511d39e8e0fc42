"""marts.customers_at_risk, built after the ml step: ranking, joins and reasons on a real build.

The build's first dbt step leaves out every model downstream of the ml source (built only after the
ml step; this fixture builds with run_ml=False). Here a synthetic
ml.forward_churn_scores and ml.forward_churn_contributions (a deterministic stand-in for the forward
model's output: one row per customer of churn_scoring_snapshot, a contribution for every feature
column) are written into a
small sample warehouse beside the real predicted-value step's ml.customer_value_predictions
(`python -m ml value`, a few seconds), and `dbt build --select source:ml+` builds and tests the mart.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline import config
from pipeline.build.run import build_warehouse

# Not features: the keys, and the country as text (the model reads is_domestic).
NOT_FEATURES = {"as_of_at", "customer_id", "horizon_days", "country"}
NO_SIGNAL = "no specific risk signal: listed for its value"
# The wording rules of a reason a manager reads (same as tests/marts/assert_reason_sentences_read_plainly.sql).
WORDING_FAULTS = {
    "plural after one": r"(^|[^0-9.,])1 (days|orders|items|products|new products|different products|times)([^a-z]|$)",
    "amount of £1,000 or more without a thousands separator": r"£[0-9]{4}",
    "a decimal .0": r"[0-9]\.0([^0-9]|$)",
    "a ratio written as 9x": r"[0-9]x([^a-z]|$)",
    "a zero or negative amount": r"£(-|0([^,.0-9]|$))",
    "internal jargon": r"[Ss]core",
    "a template placeholder": r"[{}]",
}
WAREHOUSES = {
    "sample": os.environ.get("LIFECYCLE_SAMPLE_WAREHOUSE"),
    "real_strict": os.environ.get("LIFECYCLE_REAL_STRICT_WAREHOUSE"),
}


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
    """P rises with recency; every feature gets a contribution in [-1, 1] from a hash of customer and feature."""
    as_of_sql = f"timestamp '{as_of}'" if as_of else "as_of_at"
    feature_list = ", ".join(f"'{name}'" for name in features)
    con.execute("create schema if not exists ml")
    con.execute(
        f"""
        create or replace table ml.forward_churn_scores as
        select
            customer_id,
            {as_of_sql} as as_of_at,
            horizon_days,
            least(0.99, 0.05 + recency_days / 400.0) as churn_probability,
            'out_of_time' as validation_status,
            'synthetic' as model_name,
            'test-1' as model_version,
            now() as scored_at
        from marts.churn_scoring_snapshot
        """
    )
    con.execute(
        f"""
        create or replace table ml.forward_churn_contributions as
        select
            customer_id,
            {as_of_sql} as as_of_at,
            feature,
            (hash(customer_id || feature) % 2001)::double / 1000 - 1 as contribution
        from marts.churn_scoring_snapshot
        cross join unnest([{feature_list}]) as features(feature)
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
        features = [c for (c,) in columns if c not in NOT_FEATURES]
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


def _reason_rows(warehouse: Path) -> pd.DataFrame:
    """customers_at_risk's shown codes, one row per customer and code, with the code's seed row, the
    customer's feature value, the feature's median over the scored customers and the family's score."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        codes = con.execute("select * from reference.churn_reason_codes").df()
        risk = con.execute("select * from marts.customers_at_risk").df()
        snapshot = con.execute("select * from marts.churn_scoring_snapshot").df()
        contributions = con.execute("select * from ml.forward_churn_contributions").df()
    shown = pd.concat(
        [
            risk[["customer_id", f"reason_{rank}_code", f"reason_{rank}"]]
            .set_axis(["customer_id", "code", "reason"], axis=1)
            .assign(reason_rank=rank)
            for rank in (1, 2, 3)
        ]
    ).dropna(subset=["code"])
    shown = shown.merge(codes, on="code", how="left", validate="many_to_one")
    values = snapshot.set_index("customer_id")
    numeric = values.drop(columns=["as_of_at", "country"]).astype("float64")
    shown["feature_value"] = [numeric.at[c, f] for c, f in zip(shown["customer_id"], shown["feature"], strict=True)]
    shown["feature_median"] = shown["feature"].map(numeric.median())
    families = contributions.merge(codes[["feature", "family"]], on="feature")
    scores = families.groupby(["customer_id", "family"])["contribution"].sum().rename("family_score")
    return shown.join(scores, on=["customer_id", "family"])


def _warehouse_with_reasons(name: str) -> Path:
    path = WAREHOUSES[name]
    if not path:
        pytest.skip(f"no {name} warehouse (make test sets LIFECYCLE_{name.upper()}_WAREHOUSE)")
    with duckdb.connect(path, read_only=True) as con:
        present = con.execute(
            "select count(*) from information_schema.tables where table_name = 'forward_churn_contributions'"
        ).fetchone()[0]
    if not present:
        pytest.skip(f"the {name} warehouse was built without the ml step: no reasons to check")
    return Path(path)


@pytest.fixture(params=["synthetic", *WAREHOUSES])
def reason_warehouse(request: pytest.FixtureRequest) -> Path:
    """The synthetic build of this module, and the sample and real builds `make test` names (with ml)."""
    if request.param == "synthetic":
        return request.getfixturevalue("sample_warehouse")[0]
    return _warehouse_with_reasons(request.param)


def test_every_row_gives_a_reason_or_says_there_is_none(reason_warehouse: Path) -> None:
    with duckdb.connect(str(reason_warehouse), read_only=True) as con:
        rows = con.execute(
            "select reason_1, reason_1_code, reason_2, reason_2_code, reason_3, reason_3_code "
            "from marts.customers_at_risk"
        ).fetchall()
    assert rows
    for reason_1, code_1, reason_2, code_2, reason_3, code_3 in rows:
        assert reason_1 is not None
        assert (code_1 is None) == (reason_1 == NO_SIGNAL)
        assert (reason_2 is None) == (code_2 is None) and (reason_3 is None) == (code_3 is None)
        assert reason_2 is not None or reason_3 is None
    assert any(code_1 is not None for _, code_1, *_ in rows)


def test_shown_reasons_follow_the_reason_code_rules(reason_warehouse: Path) -> None:
    """One code per family, its family pushes the risk up, its feature is on its risky side of the median."""
    shown = _reason_rows(reason_warehouse)
    assert not shown.empty
    assert shown["family"].notna().all(), "a shown code is missing from the seed"
    assert not shown.duplicated(["customer_id", "family"]).any()
    assert (shown["family_score"] > 0).all()
    high = shown["risky_direction"] == "high"
    risky = (high & (shown["feature_value"] > shown["feature_median"])) | (
        ~high & (shown["feature_value"] < shown["feature_median"])
    )
    assert risky.all(), shown.loc[~risky, ["customer_id", "code", "feature_value", "feature_median"]].head()
    # Families ranked by score: reason 1 is the strongest family shown.
    ordered = shown.sort_values(["customer_id", "reason_rank"])
    assert (ordered.groupby("customer_id")["family_score"].diff().dropna() <= 1e-12).all()


def test_reason_sentences_read_plainly(reason_warehouse: Path) -> None:
    with duckdb.connect(str(reason_warehouse), read_only=True) as con:
        reasons = [
            reason
            for (reason,) in con.execute(
                "select reason from (select unnest([reason_1, reason_2, reason_3]) as reason "
                "from marts.customers_at_risk) where reason is not null"
            ).fetchall()
        ]
    faults = [(name, r) for r in reasons for name, pattern in WORDING_FAULTS.items() if re.search(pattern, r)]
    assert faults == []


def test_every_model_feature_has_exactly_one_reason_code(sample_warehouse: tuple[Path, list[str]]) -> None:
    """The seed is the feature -> family map: every feature column of the scoring snapshot has one code."""
    warehouse, features = sample_warehouse
    with duckdb.connect(str(warehouse), read_only=True) as con:
        coded = [f for (f,) in con.execute("select feature from reference.churn_reason_codes").fetchall()]
    assert sorted(coded) == sorted(features)


def test_risk_level_compares_with_the_mean_probability(sample_warehouse: tuple[Path, list[str]]) -> None:
    warehouse, _ = sample_warehouse
    with duckdb.connect(str(warehouse), read_only=True) as con:
        wrong = con.execute(
            """
            with base as (select avg(churn_probability) as rate from marts.customers_at_risk)
            select count(*) from marts.customers_at_risk cross join base
            where risk_level <> case when churn_probability >= 1.5 * rate then 'high'
                                     when churn_probability >= rate then 'elevated' else 'normal' end
            """
        ).fetchone()[0]
        levels = {row[0] for row in con.execute("select distinct risk_level from marts.customers_at_risk").fetchall()}
    assert wrong == 0
    assert levels == {"high", "elevated", "normal"}


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
