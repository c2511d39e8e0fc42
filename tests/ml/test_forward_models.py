"""Forward candidates, calibration and metrics: the pieces the protocol's figures rest on."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from ml.base.errors import SingleClassLabelError
from ml.forward import config, metrics, models


def synthetic_split(rows: int = 600, seed: int = 3) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "recency_days": rng.integers(0, 300, rows).astype(float),
            "purchase_days": 1 + rng.poisson(3, rows).astype(float),
            "spend_90d": rng.lognormal(4, 1, rows) * (rng.random(rows) < 0.6),
            "average_order_value_90d": np.where(rng.random(rows) < 0.4, np.nan, rng.lognormal(5, 0.5, rows)),
            "is_domestic": (rng.random(rows) < 0.9).astype(float),
        }
    )
    logit = 0.01 * frame["recency_days"] - 0.4 * frame["purchase_days"] + rng.normal(0, 1, rows)
    return frame, (logit > np.median(logit)).to_numpy(dtype=np.int64)


@pytest.mark.parametrize("name", config.CANDIDATES)
def test_platt_scaling_matches_the_calibration_as_ofs_churn_rate(name):
    X_fit, y_fit = synthetic_split(seed=1)
    X_cal, y_cal = synthetic_split(seed=2)
    y_cal = np.where(np.arange(len(y_cal)) % 4 == 0, 1, y_cal)  # a higher churn rate than the fit data
    model = models.fit_calibrated(name, tuple(X_fit.columns), (X_fit, y_fit), (X_cal, y_cal))
    # A logistic fit's mean prediction equals the rate it was fitted on: the level comes from C.
    assert models.predict(model, X_cal).mean() == pytest.approx(y_cal.mean(), abs=0.01)
    assert models.predict(model, X_cal, calibrated_output=False).mean() != pytest.approx(y_cal.mean(), abs=0.01)


def test_a_single_class_part_is_refused_naming_the_part():
    X, y = synthetic_split()
    with pytest.raises(SingleClassLabelError, match="calibration as-of"):
        models.fit_calibrated("logreg_none", tuple(X.columns), (X, y), (X, np.zeros_like(y)))


def test_signed_log1p_keeps_negative_amounts_finite_and_ordered():
    values = np.array([-100.0, -1.0, 0.0, 1.0, 100.0])
    transformed = models.signed_log1p(values)
    assert np.isfinite(transformed).all() and (np.diff(transformed) > 0).all()
    assert not config.is_linear_logged("r_score") and config.is_linear_logged("spend_30d")


def test_fast_metrics_equal_sklearns_with_ties():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 2000)
    score = np.round((rng.random(2000) + 0.3 * y) / 1.3, 2)  # many ties
    fast = metrics.fast_point_metrics(y, score)
    assert fast["roc_auc"] == pytest.approx(roc_auc_score(y, score), abs=1e-12)
    assert fast["pr_auc"] == pytest.approx(average_precision_score(y, score), abs=1e-12)
    assert fast["brier"] == pytest.approx(brier_score_loss(y, score), abs=1e-12)


def test_top_decile_lift_is_the_top_tenths_churn_rate_over_the_overall_rate():
    y = np.array([1] * 10 + [0] * 90)
    perfect = np.linspace(1, 0, 100)
    assert metrics.top_share_lift(y, perfect) == pytest.approx(10.0)
    assert metrics.top_share_lift(y, -perfect) == 0.0


def test_bootstrap_is_reproducible_and_brackets_the_point_estimate():
    X, y = synthetic_split()
    score = -X["purchase_days"].to_numpy() + 0.01 * X["recency_days"].to_numpy()
    score = (score - score.min()) / (score.max() - score.min())
    first, second = metrics.with_intervals(y, score, 200), metrics.with_intervals(y, score, 200)
    assert first == second
    for name in metrics.METRICS:
        assert first[f"{name}_ci"][0] <= first[name] <= first[f"{name}_ci"][1]


def test_hanley_mcneil_standard_error_is_near_the_bootstrap_spread():
    X, y = synthetic_split(rows=1500)
    score = 0.01 * X["recency_days"].to_numpy() - 0.4 * X["purchase_days"].to_numpy()
    auc = roc_auc_score(y, score)
    rng = np.random.default_rng(0)
    draws = [roc_auc_score(y[i], score[i]) for i in (rng.integers(0, len(y), len(y)) for _ in range(300))]
    assert metrics.auc_standard_error(y, auc) == pytest.approx(np.std(draws), rel=0.3)


def test_linear_contributions_in_closed_form_equal_shaps_linear_explainer():
    from ml.base.explain import model_inputs, shap
    from ml.forward import explain

    X, y = synthetic_split(seed=5)
    pipeline = models.build_candidate("logreg_none", tuple(X.columns)).fit(X, y)
    # 100 rows: shap's LinearExplainer subsamples a larger background to 100 rows for its mean.
    background = X.sample(n=100, random_state=0)
    closed_form = explain.pipeline_contributions(pipeline, background, X)
    inputs = model_inputs(pipeline, X)
    reference = shap.LinearExplainer(pipeline.steps[-1][1], model_inputs(pipeline, background))(inputs)
    expected = pd.DataFrame(np.asarray(reference.values), columns=inputs.columns)
    pd.testing.assert_frame_equal(closed_form[expected.columns], expected, check_names=False, atol=1e-9)


def test_a_near_duplicate_feature_is_dropped_and_the_first_of_the_pair_kept():
    from ml.forward.collinear import CollinearFeatureDropper

    X, _ = synthetic_split(seed=6)
    X.insert(2, "invoices", X["purchase_days"] * 1.1 + 0.01)  # a monotone twin: rho = 1
    dropper = CollinearFeatureDropper().fit(X)
    kept = list(dropper.get_feature_names_out())
    assert "purchase_days" in kept and "invoices" not in kept
    assert kept == [c for c in X.columns if c != "invoices"]
    assert dropper.transform(X).shape == (len(X), len(kept))
