"""SHAP drivers of the forward score: which mart columns push each customer towards churn."""

from __future__ import annotations

import numpy as np
import pandas as pd
from imblearn.pipeline import Pipeline
from sklearn.ensemble import HistGradientBoostingClassifier

from ml.explain import background_sample, model_inputs, shap
from ml.forward import config


def pipeline_shap(pipeline: Pipeline, X_background: pd.DataFrame, X: pd.DataFrame) -> shap.Explanation:
    """SHAP in log-odds of the uncalibrated model, on the features it actually sees (named by mart column).

    LinearExplainer for the logistic regression (exact, interventional on a background sample of
    fit rows); TreeExplainer for the boosted trees (path-dependent, no background needed). Platt
    scaling is a monotone sigmoid of this score, so a push towards churn here is one in the
    calibrated probability too.
    """
    model = pipeline.steps[-1][1]
    inputs = model_inputs(pipeline, X)
    if isinstance(model, HistGradientBoostingClassifier):
        explanation = shap.TreeExplainer(model)(inputs)
    else:
        background = model_inputs(pipeline, background_sample(X_background, config.SHAP_BACKGROUND_SIZE))
        explanation = shap.LinearExplainer(model, background)(inputs)
    explanation.feature_names = list(inputs.columns)
    return explanation


def churn_drivers(explanation: shap.Explanation, k: int = config.TOP_DRIVERS) -> pd.DataFrame:
    """Per customer, the k largest positive contributions (towards churn), largest first; NULL if fewer.

    Ties break by feature order (stable sort), so the result is deterministic.
    """
    values = np.asarray(explanation.values, dtype="float64")
    names = np.asarray(explanation.feature_names, dtype=object)
    order = np.argsort(-values, axis=1, kind="stable")[:, :k]
    rows = np.arange(len(values))
    columns: dict[str, object] = {}
    for rank in range(k):
        if rank >= values.shape[1]:  # fewer features than drivers asked for
            columns[f"driver_{rank + 1}"] = pd.array([None] * len(values), dtype="string")
            columns[f"driver_{rank + 1}_shap"] = np.full(len(values), np.nan)
            continue
        idx = order[:, rank]
        value = values[rows, idx]
        towards_churn = value > 0
        columns[f"driver_{rank + 1}"] = pd.array(np.where(towards_churn, names[idx], None), dtype="string")
        columns[f"driver_{rank + 1}_shap"] = np.where(towards_churn, value, np.nan)
    return pd.DataFrame(columns, index=range(len(values)))
