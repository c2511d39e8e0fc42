"""Per-customer contributions of one fitted forward pipeline: how much each mart column pushes each
customer towards churn, in log-odds of the uncalibrated model (Platt scaling is a monotone sigmoid
of it, so a push towards churn here is one in the calibrated probability too)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from imblearn.pipeline import Pipeline
from sklearn.linear_model import LogisticRegression

from ml.base.explain import linear_contributions, model_inputs, shap


def pipeline_contributions(pipeline: Pipeline, background: pd.DataFrame, X: pd.DataFrame) -> pd.DataFrame:
    """Exact SHAP values, one column per feature the pipeline uses: in closed form against the
    background's mean for the logistic regression; shap's TreeExplainer (path-dependent, no
    background) for the boosted trees."""
    model = pipeline.steps[-1][1]
    if isinstance(model, LogisticRegression):
        return linear_contributions(pipeline, X, background)
    inputs = model_inputs(pipeline, X)
    return pd.DataFrame(np.asarray(shap.TreeExplainer(model)(inputs).values), columns=inputs.columns)
