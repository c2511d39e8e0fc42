"""SHAP contributions of the forward score: how much each mart column pushes each customer towards churn."""

from __future__ import annotations

import numpy as np
import pandas as pd
from imblearn.pipeline import Pipeline
from sklearn.ensemble import HistGradientBoostingClassifier

from ml.base.explain import background_sample, model_inputs, shap
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


def contributions(explanation: shap.Explanation) -> pd.DataFrame:
    """One row per customer (the explained rows' order), one float column per feature the model uses.

    Every contribution is kept, signed, not only the largest: the reason codes in SQL add them up
    by family, so two overlapping features that cancel each other out give no reason.
    """
    values = np.asarray(explanation.values, dtype="float64")
    return pd.DataFrame(values, columns=list(explanation.feature_names))
