"""`python -m ml run` (and `evaluate` after it) end to end on a synthetic warehouse: artefacts,
write-back, determinism."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from ml.base.metrics import METRICS_FILE
from ml.seed import config

from .conftest import THRESHOLD_DAYS

RUN_FILES = (
    METRICS_FILE,
    config.MODEL_FILE,
    config.MODEL_METADATA_FILE,
    config.SCORES_CSV_FILE,
    config.SCORES_PARQUET_FILE,
)
EVALUATE_FILES = (
    "confusion_matrix.png",
    "shap_summary_plot.png",
    "shap_importance_bar.png",
    "seed_shap_summary_plot.png",
    "roc_curve.png",
    "pr_curve.png",
    "calibration_curve.png",
)


def test_run_exits_zero_and_writes_every_artefact(two_runs):
    first, _ = two_runs
    assert first.exit_code == 0
    for name in RUN_FILES:
        path = first.output_dir / name
        assert path.is_file() and path.stat().st_size > 0, name


def test_run_scores_without_the_evaluation(two_runs):
    # A production run fits, scores and explains exactly; the comparison is `ml evaluate`'s.
    metrics = two_runs[0].metrics
    assert not {"seed_protocol", "explain"} & set(metrics)
    assert "holdout" not in metrics["threshold"]
    assert not any((two_runs[0].output_dir / name).exists() for name in EVALUATE_FILES)


def test_evaluate_exits_zero_and_writes_every_plot(evaluation):
    assert evaluation.exit_code == 0
    for name in (*RUN_FILES, *EVALUATE_FILES):
        path = evaluation.output_dir / name
        assert path.is_file() and path.stat().st_size > 0, name


def test_run_and_evaluate_let_no_warning_escape(two_runs, evaluation):
    # The seed's ConvergenceWarning is caught and reported in metrics.json, not printed.
    assert two_runs[0].warnings == [] and two_runs[1].warnings == [] and evaluation.warnings == []


def test_metrics_have_the_documented_keys(evaluation):
    metrics = evaluation.metrics
    for model in ("baseline", "smote"):
        report = metrics["seed_protocol"][model]
        (tn, fp), (fn, tp) = report["confusion_matrix"]
        assert tn + fp + fn + tp == metrics["seed_protocol"]["test_rows"]
        assert report["recall"] == pytest.approx(tp / (tp + fn))
        assert report["precision"] == pytest.approx(tp / (tp + fp) if tp + fp else 0.0)
        assert report["classification_report"]["churned"]["recall"] == pytest.approx(report["recall"])
    for variant in config.VARIANTS:
        summary = metrics["pipeline"][variant]
        for metric in ("roc_auc", "pr_auc", "precision", "recall", "f1", "brier"):
            assert np.isfinite(summary[metric]) and np.isfinite(summary[f"{metric}_std"])
    assert metrics["threshold"]["rule"] == config.THRESHOLD_RULE
    assert 0.0 < metrics["threshold"]["value"] < 1.0
    assert len(metrics["data"]["fingerprint_sha256"]) == 64


def test_data_block_states_customers_churners_and_the_mart_threshold(two_runs, make_features):
    frame = make_features()
    block = two_runs[0].metrics["data"]
    assert block["customers"] == len(frame)
    assert block["churned"] == int(frame["is_churned"].sum())
    assert block["churn_share"] == block["churned"] / block["customers"]
    assert block["churn_threshold_days"] == THRESHOLD_DAYS


def test_the_model_learns_the_synthetic_signal(two_runs):
    assert two_runs[0].metrics["pipeline"]["smote"]["roc_auc"] > 0.7


def test_two_runs_give_identical_metrics_and_probabilities(two_runs):
    first, second = two_runs
    assert first.metrics == second.metrics
    pd.testing.assert_series_equal(first.scores["churn_probability"], second.scores["churn_probability"])
    pd.testing.assert_frame_equal(first.scores.filter(like="driver_"), second.scores.filter(like="driver_"))


def test_scores_join_the_mart_one_to_one_with_probabilities_in_unit_interval(two_runs, synthetic_warehouse):
    with duckdb.connect(str(synthetic_warehouse), read_only=True) as con:
        mart_ids = {row[0] for row in con.execute("select customer_id from marts.churn_features").fetchall()}
        (joined,) = con.execute(
            "select count(*) from marts.churn_features f join ml.churn_scores s using (customer_id)"
        ).fetchone()
        types = dict(
            con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'ml' and table_name = 'churn_scores'"
            ).fetchall()
        )
    scores = two_runs[1].scores
    assert set(scores["customer_id"]) == mart_ids
    assert joined == len(mart_ids)
    assert scores["churn_probability"].between(0.0, 1.0).all()
    assert types["customer_id"] == "VARCHAR"
    assert types["predicted_churn"] == "BOOLEAN"
    assert types["scored_at"] == "TIMESTAMP"


def test_predicted_churn_follows_the_chosen_threshold(two_runs):
    scores, threshold = two_runs[1].scores, two_runs[1].metrics["threshold"]["value"]
    assert (scores["predicted_churn"] == (scores["churn_probability"] >= threshold)).all()


def test_top_drivers_are_ordered_by_absolute_contribution(two_runs):
    scores = two_runs[1].scores
    magnitudes = scores[["driver_1_shap", "driver_2_shap", "driver_3_shap"]].abs().to_numpy()
    assert (np.diff(magnitudes, axis=1) <= 1e-12).all()
    assert set(scores["driver_1"]) <= set(config.PIPELINE_FEATURES)


def test_rerun_replaces_the_scores_table_without_duplicates(two_runs, synthetic_warehouse, scores_of):
    scores = scores_of(synthetic_warehouse)
    assert len(scores) == scores["customer_id"].nunique() == len(two_runs[0].scores)


def test_score_subcommand_rewrites_the_table_from_the_saved_model(two_runs, synthetic_warehouse, ml_cli, scores_of):
    first, _ = two_runs
    assert ml_cli(synthetic_warehouse, first.output_dir, "score") == 0
    rescored = scores_of(synthetic_warehouse)
    assert len(rescored) == len(first.scores)
    np.testing.assert_allclose(rescored["churn_probability"], first.scores["churn_probability"])


def test_scores_are_exported_as_csv_and_parquet_equal_to_the_table(two_runs, synthetic_warehouse, scores_of):
    out = two_runs[1].output_dir
    csv_path, parquet_path = out / config.SCORES_CSV_FILE, out / config.SCORES_PARQUET_FILE
    # customer_id as text, as Tableau should read it to join exports/rfm_for_tableau.csv.
    read_csv = f"read_csv('{csv_path}', header = true, types = {{'customer_id': 'varchar'}})"
    with duckdb.connect() as con:
        parquet_types = {row[0]: row[1] for row in con.execute(f"describe select * from '{parquet_path}'").fetchall()}
        parquet = con.execute(f"select * from '{parquet_path}' order by customer_id").df()
        csv = con.execute(f"select * from {read_csv} order by customer_id").df()
    # The score-subcommand test may rewrite the table (new scored_at, same scores) in between.
    table = scores_of(synthetic_warehouse)
    assert list(parquet.columns) == list(csv.columns) == list(table.columns)
    assert parquet_types["customer_id"] == "VARCHAR" and parquet_types["predicted_churn"] == "BOOLEAN"
    assert list(parquet["customer_id"]) == list(csv["customer_id"]) == list(table["customer_id"])
    np.testing.assert_allclose(parquet["churn_probability"], table["churn_probability"])
    np.testing.assert_allclose(csv["churn_probability"], parquet["churn_probability"])
    pd.testing.assert_frame_equal(csv.filter(like="driver_"), parquet.filter(like="driver_"))
    assert (csv["predicted_churn"] == parquet["predicted_churn"]).all()
    assert not list(out.glob("*.partial"))
