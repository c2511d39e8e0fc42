"""The modelling rules: no leaky features, resampling only on training folds, stated thresholds."""

from __future__ import annotations

import warnings
from typing import ClassVar

import numpy as np
import pandas as pd
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import Pipeline
from sklearn.impute import SimpleImputer

from ml.base.explain import load_shap
from ml.seed import config, data, evaluate, explain, sampling, thresholds, train


class RecordingSMOTE(SMOTE):
    """SMOTE that remembers how many rows it was asked to resample."""

    seen_rows: ClassVar[list[int]] = []

    def fit_resample(self, X, y, **params):
        RecordingSMOTE.seen_rows.append(len(X))
        return super().fit_resample(X, y, **params)


def test_no_label_leaking_column_is_a_pipeline_feature():
    assert not set(config.PIPELINE_FEATURES) & set(config.LEAKY_COLUMNS)
    assert not set(config.SEED_FEATURES) & set(config.LEAKY_COLUMNS)
    assert {
        "recency_days",
        "r_score",
        "segment_key",
        "recent_spend_share",
        "churn_threshold_days",
    } <= set(config.LEAKY_COLUMNS)


def test_smote_is_a_step_inside_the_imblearn_pipeline():
    pipeline = train.build_pipeline("smote")
    assert isinstance(pipeline, Pipeline)
    names = [name for name, _ in pipeline.steps]
    assert names.index("log") < names.index("scale") < names.index("smote") < names.index("model")


def test_resampling_touches_only_training_folds(make_features):
    frame = make_features(rows=300)
    X, y = (
        data.feature_matrix(frame, config.PIPELINE_FEATURES),
        data.label_vector(frame),
    )

    def recording_pipeline() -> Pipeline:
        pipeline = train.build_pipeline("smote")
        position = [name for name, _ in pipeline.steps].index("smote")
        pipeline.steps[position] = ("smote", RecordingSMOTE(random_state=config.RANDOM_STATE))
        return pipeline

    RecordingSMOTE.seen_rows = []
    cv = evaluate.cross_validate(X, y, recording_pipeline, folds=5, needs_smote=True)
    # One resampling per fold, each of exactly the training rows (4/5 of the data), never a test row.
    assert RecordingSMOTE.seen_rows == [len(y) - len(y) // 5] * 5
    # Every customer is scored exactly once, by a model that did not train on it, and no synthetic
    # row is ever scored.
    assert cv.oof_proba.shape == (len(y),) and not np.isnan(cv.oof_proba).any()


def test_fitted_pipeline_does_not_resample_at_predict_time(make_features):
    frame = make_features(rows=200)
    X, y = (
        data.feature_matrix(frame, config.PIPELINE_FEATURES),
        data.label_vector(frame),
    )
    pipeline = train.fit_final_pipeline(X, y, "smote")
    assert pipeline.predict_proba(X.iloc[:37]).shape == (37, 2)


def test_null_feature_values_are_imputed_inside_the_pipeline(make_features):
    frame = make_features(rows=200)
    frame.loc[::7, "purchase_interval_std"] = np.nan
    X, y = data.feature_matrix(frame, config.PIPELINE_FEATURES), data.label_vector(frame)
    proba = train.fit_final_pipeline(X, y, "smote").predict_proba(X)[:, 1]
    assert np.isfinite(proba).all()


def test_median_imputer_matches_sklearns_median_imputer():
    rng = np.random.default_rng(3)
    X = rng.lognormal(size=(501, 4))
    X[rng.random(X.shape) < 0.2] = np.nan
    X[:, 3] = np.nan  # a column with no value at all: 0, as keep_empty_features=True gives
    X[:, 2] = np.where(np.isnan(X[:, 2]), np.nan, np.round(X[:, 2]))  # ties, and an even count
    ours = train.MedianImputer().fit(X)
    theirs = SimpleImputer(strategy="median", keep_empty_features=True).fit(X)
    np.testing.assert_array_equal(ours.statistics_, theirs.statistics_)
    np.testing.assert_array_equal(ours.transform(X), theirs.transform(X))
    assert list(ours.get_feature_names_out(["a", "b", "c", "d"])) == ["a", "b", "c", "d"]


def test_target_recall_rule_picks_the_highest_threshold_reaching_the_target():
    y = np.array([1, 1, 0, 1, 0, 0, 1, 0])
    proba = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2])
    assert thresholds.threshold_for_target_recall(y, proba, 0.75) == 0.6
    assert thresholds.threshold_for_target_recall(y, proba, 1.0) == 0.3


def test_expected_profit_rule_stops_where_contacts_cost_more_than_they_save():
    y = np.array([1, 1, 0, 0, 1, 0])
    proba = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.1])
    threshold, profit = thresholds.threshold_for_expected_profit(y, proba, profit_per_saved=10, contact_cost=4)
    # Flag 0.9, 0.8: +12. Adding 0.7, 0.6, 0.5 gives 30 - 20 = +10, so stop at 0.8.
    assert (threshold, profit) == (0.8, 12.0)


def test_top_drivers_keep_sign_and_order_by_magnitude():
    class FakeExplanation:
        values = np.array([[0.1, -0.5, 0.3, 0.0], [2.0, 0.0, -1.0, 0.5]])
        feature_names = ("a", "b", "c", "d")

    drivers = explain.top_drivers(FakeExplanation(), k=3)
    assert list(drivers.iloc[0][["driver_1", "driver_2", "driver_3"]]) == [
        "b",
        "c",
        "a",
    ]
    assert drivers.iloc[0]["driver_1_shap"] == -0.5
    assert list(drivers.iloc[1][["driver_1", "driver_2", "driver_3"]]) == [
        "a",
        "c",
        "d",
    ]


def test_fingerprint_changes_with_the_data(make_features):
    frame = make_features(rows=50)
    changed = frame.copy()
    changed.loc[0, "monetary"] += 1.0
    assert data.data_fingerprint(frame) == data.data_fingerprint(frame.sample(frac=1, random_state=1))
    assert data.data_fingerprint(frame) != data.data_fingerprint(changed)
    assert isinstance(frame, pd.DataFrame)


def test_log1p_features_are_heavy_tailed_pipeline_features_and_frequency_is_not_duplicated():
    assert set(config.LOG1P_FEATURES) <= set(config.PIPELINE_FEATURES)
    assert "is_domestic" not in config.LOG1P_FEATURES
    # frequency and purchase_days correlate ~0.97; the pipeline keeps one of them.
    assert not {"frequency", "purchase_days"} <= set(config.PIPELINE_FEATURES)


def test_shap_sees_log_and_scaled_features_under_their_mart_names(make_features):
    frame = make_features(rows=300)
    X, y = data.feature_matrix(frame, config.PIPELINE_FEATURES), data.label_vector(frame)
    pipeline = train.fit_final_pipeline(X, y, "smote")
    seen = explain.model_inputs(pipeline, X)
    assert sorted(seen.columns) == sorted(config.PIPELINE_FEATURES)
    for column in config.PIPELINE_FEATURES:
        raw = X[column].astype("float64")
        expected = np.log1p(raw) if column in config.LOG1P_FEATURES else raw
        standardised = (expected - expected.mean()) / expected.std(ddof=0)
        np.testing.assert_allclose(seen[column], standardised, atol=1e-9, err_msg=column)
    explanation = explain.pipeline_shap(pipeline, X, X)
    assert list(explanation.feature_names) == list(seen.columns)
    # Additivity: base value + contributions = the model's log-odds, so names and values line up.
    log_odds = pipeline.decision_function(X)
    np.testing.assert_allclose(explanation.base_values + explanation.values.sum(axis=1), log_odds, atol=1e-8)


def test_boolean_is_domestic_is_fitted_and_explained_as_0_1_without_warnings(make_features):
    frame = make_features(rows=200)
    assert frame["is_domestic"].dtype == bool
    X, y = data.feature_matrix(frame, config.PIPELINE_FEATURES), data.label_vector(frame)
    assert set(X["is_domestic"].unique()) <= {0, 1}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pipeline = train.fit_final_pipeline(X, y, "smote")
        explain.top_drivers(explain.pipeline_shap(pipeline, X, X))


def test_smote_keeps_integer_dtypes_so_synthetic_scores_stay_whole():
    """Pins imblearn behaviour the seed reproduction depends on (recall 0.803 vs 0.85 with floats).

    SMOTE on a DataFrame keeps each column's dtype, so interpolated f_score/m_score/unique_products
    of synthetic rows are cast back to int64 (truncated), as they were in the seed's DataFrame. If
    a library update changes this, the seed numbers move: this test says why.
    """
    rng = np.random.default_rng(0)
    X = pd.DataFrame(
        {
            "f_score": rng.integers(1, 5, 60).astype("int64"),
            "unique_products": rng.integers(1, 200, 60).astype("int64"),
            "average_order_value": rng.lognormal(5, 1, 60),
        }
    )
    y = np.array([1] * 12 + [0] * 48)
    X_res, y_res = SMOTE(random_state=config.RANDOM_STATE, k_neighbors=5).fit_resample(X, y)
    assert len(y_res) == 96
    assert X_res.dtypes.to_dict() == X.dtypes.to_dict()
    synthetic = X_res.iloc[len(X) :]
    assert (synthetic["f_score"] == np.floor(synthetic["f_score"])).all()
    # Some synthetic value is genuinely interpolated (non-integer) before the cast: floats would differ.
    X_float, _ = SMOTE(random_state=config.RANDOM_STATE, k_neighbors=5).fit_resample(X.astype("float64"), y)
    floats = X_float.iloc[len(X) :]
    assert (floats["unique_products"] != np.floor(floats["unique_products"])).any()
    np.testing.assert_array_equal(synthetic["unique_products"], np.trunc(floats["unique_products"]).astype("int64"))


def test_selection_sample_is_everyone_up_to_its_size_then_a_stratified_fixed_sample():
    y = np.r_[np.ones(300, dtype=np.int64), np.zeros(700, dtype=np.int64)]
    np.testing.assert_array_equal(sampling.selection_sample(y, size=1000), np.arange(1000))
    sample = sampling.selection_sample(y, size=200)
    assert len(sample) == len(set(sample)) == 200 and (np.diff(sample) > 0).all()
    assert y[sample].sum() == 60  # the mart's 30 % churn share, exactly
    np.testing.assert_array_equal(sample, sampling.selection_sample(y, size=200))


def test_linear_contributions_add_up_to_the_log_odds_and_are_shap_against_all_training_rows(make_features):
    frame = make_features(rows=300)
    X, y = data.feature_matrix(frame, config.PIPELINE_FEATURES), data.label_vector(frame)
    for variant in config.VARIANTS:
        pipeline = train.fit_final_pipeline(X, y, variant)
        contributions = explain.linear_contributions(pipeline, X.iloc[:50])
        assert contributions.feature_names == list(explain.model_inputs(pipeline, X).columns)
        intercept = pipeline.steps[-1][1].intercept_[0]
        log_odds = pipeline.decision_function(X.iloc[:50])
        np.testing.assert_allclose(contributions.values.sum(axis=1) + intercept, log_odds, atol=1e-9)
        # SHAP with every training row as the background (shap samples 100 unless told) gives the same.
        every_row = explain.model_inputs(pipeline, X)
        shap = load_shap()
        background = shap.maskers.Independent(every_row, max_samples=len(every_row))
        shap_values = shap.LinearExplainer(pipeline.steps[-1][1], background)(every_row.iloc[:50]).values
        np.testing.assert_allclose(contributions.values, shap_values, atol=1e-9)
