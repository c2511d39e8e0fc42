"""Per-customer attributions of the linear pipeline: exact contributions for the scores, SHAP for the
evaluation's plots (the same values up to the background SHAP averages over)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from imblearn.pipeline import Pipeline
from sklearn.linear_model import LogisticRegression

from ml.base.explain import background_sample, load_shap, model_inputs
from ml.base.explain import linear_contributions as base_linear_contributions
from ml.seed import config

if TYPE_CHECKING:
    import shap


def linear_shap(model: LogisticRegression, background: pd.DataFrame, X: pd.DataFrame) -> shap.Explanation:
    """SHAP values in log-odds units, one row per row of X."""
    explainer = load_shap().LinearExplainer(model, background)
    explanation = explainer(X)
    explanation.feature_names = list(X.columns)
    return explanation


def pipeline_shap(pipeline: Pipeline, X_train: pd.DataFrame, X: pd.DataFrame) -> shap.Explanation:
    """SHAP for the pipeline's logistic regression on the features it actually uses (log1p, scaled).

    Values are in log-odds per transformed feature; names are the mart columns they come from.
    """
    background = model_inputs(pipeline, background_sample(X_train, config.SHAP_BACKGROUND_SIZE))
    return linear_shap(pipeline.steps[-1][1], background, model_inputs(pipeline, X))


@dataclass
class Contributions:
    """Per-row contributions in log-odds, one column per feature (the shape top_drivers reads)."""

    values: np.ndarray
    feature_names: list[str]


def linear_contributions(pipeline: Pipeline, X: pd.DataFrame) -> Contributions:
    """Exact contributions of each feature to each row's log-odds against the mean of all the
    training rows (ml.base.explain.linear_contributions); they plus the intercept are the log-odds."""
    frame = base_linear_contributions(pipeline, X)
    return Contributions(frame.to_numpy(), list(frame.columns))


def mean_abs_importance(explanation: shap.Explanation) -> dict[str, float]:
    """Mean |SHAP| per feature, strongest first: the global ranking."""
    importance = np.abs(explanation.values).mean(axis=0)
    ranked = sorted(zip(explanation.feature_names, importance, strict=True), key=lambda item: -item[1])
    return {name: float(value) for name, value in ranked}


def top_drivers(explanation: shap.Explanation | Contributions, k: int = config.TOP_DRIVERS) -> pd.DataFrame:
    """Per customer, the k features with the largest |SHAP| and their signed contributions.

    Positive contributions push towards churn. Ties break by feature order (stable sort).
    """
    values = np.asarray(explanation.values)
    names = np.asarray(explanation.feature_names)
    order = np.argsort(-np.abs(values), axis=1, kind="stable")[:, :k]
    columns: dict[str, np.ndarray] = {}
    for rank in range(k):
        idx = order[:, rank]
        columns[f"driver_{rank + 1}"] = names[idx]
        columns[f"driver_{rank + 1}_shap"] = values[np.arange(len(values)), idx]
    return pd.DataFrame(columns)


def out_of_fold_drivers(
    models: list[Pipeline], folds: list[tuple[np.ndarray, np.ndarray]], X: pd.DataFrame
) -> pd.DataFrame:
    """Top drivers of each customer's out-of-fold probability, from the fold model that produced it.

    So the drivers in a scores row explain the probability in the same row (exact contributions,
    measured from the mean of that fold's training rows). Rows come back in X's order.
    """
    parts = []
    for model, (_, test_idx) in zip(models, folds, strict=True):
        contributions = linear_contributions(model, X.iloc[test_idx])
        parts.append(top_drivers(contributions).set_index(pd.Index(test_idx)))
    return pd.concat(parts).sort_index().reset_index(drop=True)
