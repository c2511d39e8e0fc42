"""SHAP attributions: exact for linear models, so cheap enough to explain every customer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shap
from imblearn.pipeline import Pipeline
from sklearn.linear_model import LogisticRegression

from ml import config


def model_inputs(pipeline: Pipeline, X: pd.DataFrame) -> pd.DataFrame:
    """X as the final estimator sees it: imputed and scaled; samplers are fit-time only, so skipped."""
    values = X
    for _, step in pipeline.steps[:-1]:
        if hasattr(step, "fit_resample"):
            continue
        values = step.transform(values)
    return pd.DataFrame(np.asarray(values), columns=X.columns, index=X.index)


def background_sample(X: pd.DataFrame, size: int = config.SHAP_BACKGROUND_SIZE) -> pd.DataFrame:
    """A fixed random sample of training rows: the 'average customer' SHAP values are measured from."""
    return X.sample(n=min(size, len(X)), random_state=config.RANDOM_STATE)


def linear_shap(model: LogisticRegression, background: pd.DataFrame, X: pd.DataFrame) -> shap.Explanation:
    """SHAP values in log-odds units, one row per row of X."""
    explainer = shap.LinearExplainer(model, background)
    explanation = explainer(X)
    explanation.feature_names = list(X.columns)
    return explanation


def pipeline_shap(pipeline: Pipeline, X_train: pd.DataFrame, X: pd.DataFrame) -> shap.Explanation:
    """SHAP for the pipeline's logistic regression on the scaled features it actually uses."""
    background = model_inputs(pipeline, background_sample(X_train))
    return linear_shap(pipeline.steps[-1][1], background, model_inputs(pipeline, X))


def mean_abs_importance(explanation: shap.Explanation) -> dict[str, float]:
    """Mean |SHAP| per feature, strongest first: the global ranking."""
    importance = np.abs(explanation.values).mean(axis=0)
    ranked = sorted(zip(explanation.feature_names, importance, strict=True), key=lambda item: -item[1])
    return {name: float(value) for name, value in ranked}


def top_drivers(explanation: shap.Explanation, k: int = config.TOP_DRIVERS) -> pd.DataFrame:
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
