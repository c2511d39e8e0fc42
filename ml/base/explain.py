"""What every mode's explanations share: the model's inputs as its estimator sees them, the SHAP
background, and shap itself loaded only when asked for."""

from __future__ import annotations

import warnings
from types import ModuleType

import numpy as np
import pandas as pd
from imblearn.pipeline import Pipeline

# A fixed seed, so the same training rows give the same background and the same SHAP values.
BACKGROUND_RANDOM_STATE = 42


def load_shap() -> ModuleType:
    """shap (with matplotlib) takes seconds to import and only SHAP plots and values need it, so it
    loads on first use; `from ml.base.explain import shap` still works (module __getattr__)."""
    with warnings.catch_warnings():
        # shap's colour module calls Colormap.set_bad/set_over/set_under at import time, which
        # matplotlib marks PendingDeprecation; not ours to fix, and it would clutter every test run.
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        import shap

    return shap


def __getattr__(name: str) -> ModuleType:
    if name == "shap":
        return load_shap()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def model_inputs(pipeline: Pipeline, X: pd.DataFrame) -> pd.DataFrame:
    """X as the final estimator sees it: transformed by every step before it (log1p, imputed, scaled).

    Samplers are fit-time only, so skipped. Column names follow each step's get_feature_names_out
    (the log step puts its columns first), so they stay the mart's names in the model's order.
    """
    values, names = X, np.asarray(X.columns, dtype=object)
    for _, step in pipeline.steps[:-1]:
        if hasattr(step, "fit_resample"):
            continue
        values = step.transform(values)
        names = step.get_feature_names_out(names)
    return pd.DataFrame(np.asarray(values, dtype="float64"), columns=list(names), index=X.index)


def background_sample(X: pd.DataFrame, size: int) -> pd.DataFrame:
    """A fixed random sample of training rows: the 'average customer' SHAP values are measured from."""
    return X.sample(n=min(size, len(X)), random_state=BACKGROUND_RANDOM_STATE)


def linear_contributions(pipeline: Pipeline, X: pd.DataFrame, background: pd.DataFrame | None = None) -> pd.DataFrame:
    """Exact SHAP values of a pipeline ending in a linear model, in log-odds, named by mart column:
    coefficient x (the feature as the model sees it - its reference). The reference is the mean of
    `background` as the model sees it, or 0 without one: the pipeline's scaler centres its training
    rows there, so that is the SHAP value against the mean of every training row. What shap's
    interventional LinearExplainer computes, in one product instead of its per-row overhead."""
    inputs = model_inputs(pipeline, X)
    reference = model_inputs(pipeline, background).mean() if background is not None else 0.0
    return (inputs - reference) * pipeline.steps[-1][1].coef_[0]
