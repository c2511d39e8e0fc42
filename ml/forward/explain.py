"""Per-customer contributions of one fitted forward pipeline: how much each mart column pushes each
customer towards churn, in log-odds of the uncalibrated model (Platt scaling is a monotone sigmoid
of it, so a push towards churn here is one in the calibrated probability too)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from imblearn.pipeline import Pipeline
from sklearn.linear_model import LogisticRegression

from ml.base.explain import linear_contributions, load_shap, model_inputs


def pipeline_contributions(pipeline: Pipeline, background: pd.DataFrame, X: pd.DataFrame) -> pd.DataFrame:
    """Exact SHAP values, one column per feature the pipeline uses: in closed form against the
    background's mean for the logistic regression; shap's TreeExplainer (path-dependent, no
    background) for the boosted trees. shap loads only for the trees: its import (about 2 s, with
    matplotlib) was the largest part of a production run's start-up when the linear model ships."""
    model = pipeline.steps[-1][1]
    if isinstance(model, LogisticRegression):
        return linear_contributions(pipeline, X, background)
    inputs = model_inputs(pipeline, X)
    return pd.DataFrame(np.asarray(load_shap().TreeExplainer(model)(inputs).values), columns=inputs.columns)
