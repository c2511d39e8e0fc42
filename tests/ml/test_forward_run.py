"""`python -m ml forward` and `forward-evaluate` end to end on a synthetic warehouse (and the sample's, if built)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from ml.base.metrics import METRICS_FILE
from ml.forward import config, score

from .forward_fixtures import forward_marts, write_forward_marts

FAST_PATH_FILES = (
    config.SCORES_CSV_FILE,
    config.SCORES_PARQUET_FILE,
    config.MODEL_FILE,
    config.MODEL_METADATA_FILE,
    METRICS_FILE,
)
EVALUATION_FILES = (
    "forward_reliability.png",
    "forward_roc_pr_lift.png",
    "forward_backtest.png",
    "forward_ablation.png",
)
SCORES_TYPES = {
    "customer_id": "VARCHAR",
    "as_of_at": "TIMESTAMP",
    "horizon_days": "INTEGER",
    "churn_probability": "DOUBLE",
    "validation_status": "VARCHAR",
    "model_name": "VARCHAR",
    "model_version": "VARCHAR",
    "scored_at": "TIMESTAMP",
}
SAMPLE_WAREHOUSE = os.environ.get("LIFECYCLE_SAMPLE_WAREHOUSE")
# Where `make test` already ran `forward-evaluate` on that sample warehouse: reused, not rerun.
SAMPLE_EVALUATION_DIR = os.environ.get("LIFECYCLE_SAMPLE_ML_OUTPUT_DIR")


def read_forward_scores(warehouse: Path) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(f"select * from {config.SCORES_TABLE} order by customer_id").df()


def read_contributions(warehouse: Path) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(f"select * from {score.CONTRIBUTIONS_TABLE} order by customer_id, feature").df()


def forward_runs(ml_cli, warehouse: Path, folder: Path, evaluation_dir: Path | None) -> dict:
    """`forward` twice (two output folders), then `forward-evaluate` into the first unless given."""
    runs = {}
    for name in ("first", "second"):
        out = folder / name
        runs[name] = {
            "code": ml_cli(warehouse, out, "forward"),
            "out": out,
            "scores": read_forward_scores(warehouse),
            "contributions": read_contributions(warehouse),
        }
    if evaluation_dir is None:
        evaluation_dir = runs["first"]["out"]
        runs["evaluate_code"] = ml_cli(warehouse, evaluation_dir, "forward-evaluate")
    else:
        runs["evaluate_code"] = 0
    runs["evaluation_dir"] = evaluation_dir
    runs["metrics"] = json.loads((evaluation_dir / METRICS_FILE).read_text())
    return runs


@pytest.fixture(scope="module", params=["synthetic", "sample"])
def runs(request, tmp_path_factory, synthetic_forward_marts, ml_cli):
    folder = tmp_path_factory.mktemp(f"forward_{request.param}")
    evaluation_dir = None
    if request.param == "synthetic":
        warehouse = write_forward_marts(folder / "lifecycle.duckdb", *synthetic_forward_marts)
    else:
        if not SAMPLE_WAREHOUSE:
            pytest.skip("LIFECYCLE_SAMPLE_WAREHOUSE not set (make test sets it to the sample build)")
        warehouse = folder / "sample.duckdb"
        shutil.copyfile(SAMPLE_WAREHOUSE, warehouse)  # the ml step writes ml.*; keep the build as it was
        if SAMPLE_EVALUATION_DIR and (Path(SAMPLE_EVALUATION_DIR) / METRICS_FILE).is_file():
            evaluation_dir = Path(SAMPLE_EVALUATION_DIR)
    return {"warehouse": warehouse, **forward_runs(ml_cli, warehouse, folder, evaluation_dir)}


def test_both_commands_exit_zero_and_write_every_artefact(runs):
    assert runs["first"]["code"] == runs["second"]["code"] == runs["evaluate_code"] == 0
    for name in FAST_PATH_FILES:
        path = runs["first"]["out"] / name
        assert path.is_file() and path.stat().st_size > 0, name
    for name in EVALUATION_FILES:
        path = runs["evaluation_dir"] / name
        assert path.is_file() and path.stat().st_size > 0, name
    for name in FAST_PATH_FILES:
        assert (runs["second"]["out"] / name).is_file(), name


def test_two_runs_give_identical_scores_and_contributions(runs):
    first, second = runs["first"]["scores"], runs["second"]["scores"]
    pd.testing.assert_frame_equal(first.drop(columns=["scored_at"]), second.drop(columns=["scored_at"]))
    pd.testing.assert_frame_equal(runs["first"]["contributions"], runs["second"]["contributions"])


def test_scores_table_has_the_contract_types_and_joins_the_scoring_mart_one_to_one(runs):
    with duckdb.connect(str(runs["warehouse"]), read_only=True) as con:
        types = dict(
            con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'ml' and table_name = 'forward_churn_scores' order by ordinal_position"
            ).fetchall()
        )
        (mart_rows,) = con.execute(f"select count(*) from {config.SCORING_TABLE}").fetchone()
        (joined,) = con.execute(
            f"select count(*) from {config.SCORING_TABLE} m join {config.SCORES_TABLE} s "
            "on s.customer_id = m.customer_id and s.as_of_at = m.as_of_at and s.horizon_days = m.horizon_days"
        ).fetchone()
    assert types == SCORES_TYPES
    scores = runs["second"]["scores"]
    assert joined == mart_rows == len(scores) == scores["customer_id"].nunique()
    assert scores["churn_probability"].between(0, 1).all()


def test_contributions_cover_every_model_feature_of_every_scored_customer_once(runs):
    scores, contributions = runs["second"]["scores"], runs["second"]["contributions"]
    metadata = json.loads((runs["second"]["out"] / config.MODEL_METADATA_FILE).read_text())
    features = set(metadata["features"])
    assert set(runs["metrics"]["forward"]["data"]["features"]) >= features
    assert set(contributions["feature"]) == features
    assert len(contributions) == len(scores) * len(features)
    assert not contributions.duplicated(["customer_id", "as_of_at", "feature"]).any()
    assert set(contributions["customer_id"]) == set(scores["customer_id"])
    assert contributions["contribution"].notna().all()
    assert (contributions["contribution"] > 0).any() and (contributions["contribution"] < 0).any()


def test_contributions_add_up_to_the_ranking_of_the_probabilities(runs):
    """Each member's SHAP values sum to its score minus its average one, and its Platt scaling is
    monotone in that score; the shipped probability averages members calibrated on different months
    (and floors customers gone longer than any training row), so the summed contributions rank the
    customers as the probabilities do, nearly but not exactly (0.977 on the synthetic marts, 0.999
    on the sample)."""
    scores, contributions = runs["second"]["scores"], runs["second"]["contributions"]
    total = contributions.groupby("customer_id")["contribution"].sum()
    joined = scores.set_index("customer_id").join(total.rename("total"))
    assert joined["total"].corr(joined["churn_probability"], method="spearman") > 0.95


def test_exported_files_equal_the_table(runs):
    out = runs["second"]["out"]
    with duckdb.connect() as con:
        parquet = con.execute(f"select * from '{out / config.SCORES_PARQUET_FILE}' order by customer_id").df()
        csv = con.execute(
            f"select * from read_csv('{out / config.SCORES_CSV_FILE}', header = true, "
            "types = {'customer_id': 'varchar'}) order by customer_id"
        ).df()
    table = runs["second"]["scores"]
    assert list(parquet["customer_id"]) == list(csv["customer_id"]) == list(table["customer_id"])
    np.testing.assert_allclose(parquet["churn_probability"], table["churn_probability"])
    np.testing.assert_allclose(csv["churn_probability"], table["churn_probability"])
    assert not list(out.glob("*.partial"))


def test_metrics_carry_every_model_with_intervals_the_backtest_and_the_ablation(runs):
    forward = runs["metrics"]["forward"]
    for name in (*config.CANDIDATES, *config.BASELINES):
        figures = forward["out_of_time"][name]
        for metric in ("roc_auc", "pr_auc", "top_decile_lift", "brier"):
            low, high = figures[f"{metric}_ci"]
            assert low <= figures[metric] <= high, (name, metric)
    assert len(forward["backtest"]["test_as_ofs"]) == config.BACKTEST_TEST_AS_OFS
    assert forward["shipping"]["shipped"] in config.CANDIDATES
    # The fast path and the evaluation apply the same rule to the same as-ofs.
    assert forward["shipping"]["shipped"] == forward["evaluated_shipping"]["shipped"]
    assert forward["out_of_time"]["split"]["test_as_of"] not in forward["shipping"]["chosen_on_test_as_ofs"]
    groups_seen = {label.split(" ")[-1] for label in forward["ablation"]["rows"] if label.startswith("without")}
    assert groups_seen == set(config.FEATURE_GROUPS)
    assert forward["scores"]["model_name"] == forward["shipping"]["shipped"]


def test_forward_sections_merge_into_metrics_without_touching_the_seed_sections(synthetic_warehouse, tmp_path, ml_cli):
    out = tmp_path / "out"
    assert ml_cli(synthetic_warehouse, out, "evaluate") == 0
    seed = json.loads((out / METRICS_FILE).read_text())
    assert ml_cli(synthetic_warehouse, out, "forward") == 0
    merged = json.loads((out / METRICS_FILE).read_text())
    assert {k: v for k, v in merged.items() if k != "forward"} == seed
    assert merged["forward"]["scores"]["rows"] > 0


def test_too_short_data_without_the_seed_scores_to_fall_back_on_is_one_clear_line(tmp_path, ml_cli, capsys):
    # No 90-day label window closes, and `forward` alone: the seed mode has not written its scores.
    training, scoring = forward_marts(customers=60, months=5)
    assert training.empty
    warehouse = write_forward_marts(tmp_path / "short.duckdb", training, scoring)
    code = ml_cli(warehouse, tmp_path / "out", "forward")
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert "no labelled as-of" in err and "snapshot_min_history_days + churn_horizon_days" in err
    assert "run the seed mode first" in err
