"""What ml.churn_scores and metrics.json claim is what they hold: out-of-fold scores, the flag's
realised precision/recall, the variant rule, the held-out threshold estimate, and single-run metrics."""

from __future__ import annotations

import json
import shutil

import joblib
import numpy as np
import pandas as pd
import pytest

from ml.seed import config, data, evaluate, sampling, train
from ml.seed.evaluate import CrossValidation

from .conftest import seed_metrics


def _mart(warehouse):
    frame = data.load_churn_features(warehouse)
    return frame, data.feature_matrix(frame, config.PIPELINE_FEATURES), data.label_vector(frame)


def test_scores_are_out_of_fold_probabilities_of_the_shipped_variant(two_runs, synthetic_warehouse):
    run = two_runs[1]
    _, X, y = _mart(synthetic_warehouse)
    variant = run.metrics["model_selection"]["variant"]
    assert run.metrics["threshold"]["variant"] == variant
    assert (run.scores["score_kind"] == config.SCORE_KIND_OUT_OF_FOLD).all()
    oof = evaluate.cross_validate_variant(X, y, variant).oof_proba
    np.testing.assert_allclose(run.scores["churn_probability"], oof, rtol=0, atol=1e-12)
    # Not the in-sample probabilities of the saved model (which trained on these customers).
    in_sample = train.fit_final_pipeline(X, y, variant).predict_proba(X)[:, 1]
    assert np.abs(in_sample - oof).max() > 1e-3


def test_realised_flag_metrics_match_the_table_the_label_and_the_rule(two_runs, synthetic_warehouse):
    run = two_runs[1]
    frame, _, y = _mart(synthetic_warehouse)
    merged = run.scores.merge(frame[[config.ID_COLUMN, config.LABEL_COLUMN]], on=config.ID_COLUMN)
    flagged, churned = merged["predicted_churn"].to_numpy(), merged[config.LABEL_COLUMN].to_numpy(dtype=bool)
    tp, fp, fn = int((flagged & churned).sum()), int((flagged & ~churned).sum()), int((~flagged & churned).sum())
    realised = run.metrics["scores"]["realised"]
    assert realised["confusion_matrix"][1] == [fn, tp] and realised["confusion_matrix"][0][1] == fp
    assert realised["recall"] == pytest.approx(tp / (tp + fn))
    assert realised["precision"] == pytest.approx(tp / (tp + fp))
    assert realised["score_kind"] == [config.SCORE_KIND_OUT_OF_FOLD]
    # The flag delivers what the rule promised on the probabilities it was chosen on.
    selection = run.metrics["threshold"]["selection"]
    assert realised["recall"] == pytest.approx(selection["recall"])
    assert realised["precision"] == pytest.approx(selection["precision"])
    assert realised["recall"] >= config.TARGET_RECALL
    assert len(y) == len(merged)


def test_threshold_reports_selection_and_holdout_separately(evaluation):
    threshold = evaluation.metrics["threshold"]
    holdout = threshold["holdout"]
    assert {"precision", "recall", "f1", "flagged_share"} <= set(threshold["selection"])
    assert len(holdout["folds"]) == config.OUTER_FOLDS
    assert sum(fold["test_rows"] for fold in holdout["folds"]) == evaluation.metrics["data"]["customers"]
    (tn, fp), (fn, tp) = holdout["confusion_matrix"]
    assert tn + fp + fn + tp == evaluation.metrics["data"]["customers"]
    assert holdout["recall"] == pytest.approx(tp / (tp + fn))
    assert holdout["precision"] == pytest.approx(tp / (tp + fp))
    # Pooled counts are the sum of the folds' own counts.
    folds = np.array([fold[config.THRESHOLD_RULE]["confusion_matrix"] for fold in holdout["folds"]])
    assert folds.sum(axis=0).tolist() == holdout["confusion_matrix"]


def test_nested_holdout_chooses_variant_and_threshold_without_the_held_out_rows(make_features, monkeypatch):
    frame = make_features(rows=300)
    X, y = data.feature_matrix(frame, config.PIPELINE_FEATURES), data.label_vector(frame)
    seen: list[set[int]] = []
    real_select = evaluate.select_model

    def recording_select(X_part, y_part, *args, **kwargs):
        seen.append(set(X_part.index))
        return real_select(X_part, y_part, *args, **kwargs)

    monkeypatch.setattr(evaluate, "select_model", recording_select)
    business = config.BusinessValues(5.0, 25.0, "default")
    evaluate.nested_holdout(X, y, business)
    outer_tests = [set(X.index[test]) for _, test in evaluate.cv_splits(X, y, config.OUTER_FOLDS)]
    assert len(seen) == len(outer_tests)
    for selected_on, held_out in zip(seen, outer_tests, strict=True):
        assert not selected_on & held_out
        assert selected_on | held_out == set(X.index)


def _fake_cvs(pr_auc: dict[str, list[float]]) -> dict[str, CrossValidation]:
    return {
        variant: CrossValidation(pd.DataFrame({"pr_auc": values}), np.zeros(1), [], [])
        for variant, values in pr_auc.items()
    }


def test_variant_rule_prefers_the_simplest_within_one_standard_error():
    near = _fake_cvs(
        {
            "unweighted": [0.505, 0.525, 0.545, 0.515, 0.535],
            "class_weight": [0.51, 0.53, 0.55, 0.52, 0.54],
            "smote": [0.50, 0.52, 0.55, 0.51, 0.53],
        }
    )
    choice = evaluate.select_variant(near)
    assert choice["best"] == "class_weight" and choice["variant"] == "unweighted"
    assert "within one standard error" in choice["reason"]


def test_variant_rule_ships_a_rebalanced_variant_that_ranks_clearly_better():
    clear = _fake_cvs(
        {
            "unweighted": [0.40, 0.41, 0.42, 0.40, 0.41],
            "class_weight": [0.41, 0.42, 0.43, 0.41, 0.42],
            "smote": [0.50, 0.51, 0.52, 0.50, 0.51],
        }
    )
    assert evaluate.select_variant(clear)["variant"] == "smote"
    tie = _fake_cvs({variant: [0.5, 0.5, 0.5, 0.5, 0.5] for variant in config.VARIANTS})
    assert evaluate.select_variant(tie)["variant"] == config.VARIANTS[0]


def test_metrics_record_the_choice_and_the_model_version_names_it(two_runs):
    metrics = two_runs[0].metrics
    choice = metrics["model_selection"]
    assert choice["variant"] in choice["candidates"] and choice["metric"] == "pr_auc"
    assert metrics["model_version"].startswith(f"logreg-{choice['variant']}-")
    assert metrics["business_values"] == {"contact_cost": 5.0, "saved_churner_value": 25.0, "source": "default"}


def test_explain_writes_only_explanations(evaluation, synthetic_warehouse, ml_cli, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(evaluation.output_dir, out)
    before = {name: (out / name).read_bytes() for name in ("confusion_matrix.png", "pr_curve.png")}
    metrics_before = seed_metrics(out)
    assert ml_cli(synthetic_warehouse, out, "explain") == 0
    metrics_after = seed_metrics(out)
    assert {name: (out / name).read_bytes() for name in before} == before
    for section in ("seed_protocol", "pipeline", "threshold", "scores", "model_selection"):
        assert metrics_after[section] == metrics_before[section], section
    assert metrics_after["explain"]["pipeline"]["mean_abs_shap"]


def test_metrics_from_other_data_are_replaced_not_merged(evaluation, make_features, make_warehouse, ml_cli, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(evaluation.output_dir, out)
    other = make_warehouse(make_features(rows=200, seed=11), "other.duckdb")
    assert ml_cli(other, out, "train") == 0
    metrics = seed_metrics(out)
    assert metrics["data"]["fingerprint_sha256"] != evaluation.metrics["data"]["fingerprint_sha256"]
    assert metrics["data"]["customers"] == 200
    # Sections only the first run and evaluation computed (on other data) are gone.
    assert not {"explain", "scores", "seed_protocol"} & set(metrics)


def test_score_on_a_changed_mart_uses_the_saved_model_and_says_so(
    two_runs, make_features, make_warehouse, ml_cli, scores_of, tmp_path
):
    out = tmp_path / "out"
    shutil.copytree(two_runs[0].output_dir, out)
    other = make_warehouse(make_features(rows=200, seed=11), "other.duckdb")
    assert ml_cli(other, out, "score") == 0
    scores = scores_of(other)
    assert (scores["score_kind"] == config.SCORE_KIND_FINAL_MODEL).all()
    pipeline = joblib.load(out / config.MODEL_FILE)
    _, X, _ = _mart(other)
    np.testing.assert_allclose(scores["churn_probability"], pipeline.predict_proba(X)[:, 1], atol=1e-12)


def test_business_values_come_from_the_command_line_or_the_environment(make_features, make_warehouse, ml_cli, tmp_path):
    warehouse = make_warehouse(make_features(rows=200))
    out = tmp_path / "out"
    code = ml_cli(warehouse, out, "train", "--contact-cost", "2", env={config.SAVED_CHURNER_VALUE_ENV: "40"})
    assert code == 0
    metrics = seed_metrics(out)
    assert metrics["business_values"] == {
        "contact_cost": 2.0,
        "saved_churner_value": 40.0,
        "source": "command line + environment",
    }
    profit_rule = metrics["threshold"]["rules"]["expected_profit"]
    assert (profit_rule["contact_cost"], profit_rule["saved_churner_value"]) == (2.0, 40.0)
    metadata = json.loads((out / config.MODEL_METADATA_FILE).read_text())
    assert metadata["business_values"]["contact_cost"] == 2.0


def test_a_large_mart_chooses_the_variant_on_a_stratified_sample_and_scores_everyone(
    make_features, make_warehouse, ml_cli, scores_of, tmp_path, monkeypatch
):
    monkeypatch.setattr(config, "SELECTION_SAMPLE_SIZE", 200)
    warehouse = make_warehouse(make_features(rows=400))
    out = tmp_path / "out"
    # The seed mode's part of `run`: choose and fit (train), then write the scores (score).
    assert ml_cli(warehouse, out, "train") == 0 and ml_cli(warehouse, out, "score") == 0
    metrics = seed_metrics(out)
    _, X, y = _mart(warehouse)
    chosen_on = metrics["model_selection"]["chosen_on"]
    rows = sampling.selection_sample(y)
    assert chosen_on["customers"] == len(rows) == 200 and chosen_on["of_customers"] == 400
    assert chosen_on["churned"] == int(y[rows].sum()) and chosen_on["stratified_on"] == config.LABEL_COLUMN
    # The variant is the rule's choice on the sample; its scores and threshold are on every customer.
    sample_choice = evaluate.select_model(X.iloc[rows], y[rows], config.business_values(), summarise=False)
    assert metrics["model_selection"]["variant"] == sample_choice.variant
    oof = evaluate.cross_validate_variant(X, y, sample_choice.variant).oof_proba
    scores = scores_of(warehouse)
    np.testing.assert_allclose(scores["churn_probability"], oof, rtol=0, atol=1e-12)
    assert (
        metrics["threshold"]["value"]
        == evaluate.choose_threshold(y, oof, sample_choice.variant, config.business_values())["value"]
    )
    assert metrics["scores"]["realised"]["recall"] >= config.TARGET_RECALL
