"""The shipped forward model: members fitted and calibrated by the protocol, probabilities averaged.

Each member is a calibrated pipeline (models.fit_calibrated, or models.fit_cross_validated for a
single training as-of). Averaging members calibrated on different later months makes the level a
pooled one; every member is still calibrated on data later than its own fit data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV

from ml.base.explain import background_sample
from ml.forward import config, explain, models, protocol
from ml.forward.data import feature_matrix, label_vector

Rows = Callable[[tuple[pd.Timestamp, ...]], tuple[pd.DataFrame, np.ndarray]]


@dataclass
class Ensemble:
    """`recency_limit`: the longest recency any training row had; `beyond_range_floor`: the churn
    rate observed among the longest-gone training customers (config.BEYOND_RANGE_*)."""

    members: list[CalibratedClassifierCV]
    recency_limit: float
    beyond_range_floor: float

    def predict(self, X: pd.DataFrame, calibrated: bool = True) -> np.ndarray:
        proba = np.mean([models.predict(m, X, calibrated) for m in self.members], axis=0)
        if not calibrated:
            return proba
        return np.where(self.beyond_range(X), np.maximum(proba, self.beyond_range_floor), proba)

    def beyond_range(self, X: pd.DataFrame) -> np.ndarray:
        """Customers gone longer than every training row: the model would extrapolate for them."""
        return X[config.RECENCY_FEATURE].to_numpy(dtype="float64") > self.recency_limit

    @property
    def pipelines(self) -> list:
        return [p for m in self.members for p in models.inner_pipelines(m)]

    @property
    def used_columns(self) -> list[str]:
        return models.used_columns(self.members[0])


def rows_reader(frame: pd.DataFrame, columns: tuple[str, ...]) -> Rows:
    """Features and labels of the snapshot rows at some as-ofs."""

    def rows(as_ofs: tuple[pd.Timestamp, ...]) -> tuple[pd.DataFrame, np.ndarray]:
        part = frame.loc[protocol.rows_of(frame, as_ofs)]
        return feature_matrix(part, columns), label_vector(part)

    return rows


def beyond_range_rule(X: pd.DataFrame, y: np.ndarray) -> tuple[float, float]:
    """The training rows' longest recency, and the churn rate of the top config.BEYOND_RANGE_SHARE
    of them by recency: a customer gone longer than anyone the model learnt from is taken to be at
    least as likely to stop as the longest-gone customers it did learn from."""
    recency = X[config.RECENCY_FEATURE].to_numpy(dtype="float64")
    longest = recency >= np.quantile(recency, 1 - config.BEYOND_RANGE_SHARE)
    return float(recency.max()), float(y[longest].mean())


def fit(name: str, features: tuple[str, ...], split: protocol.Split, rows: Rows) -> Ensemble:
    members = []
    for member in split.members:
        calibration = rows((member.calibration_as_of,))
        if member.cross_validated:
            members.append(models.fit_cross_validated(name, features, calibration))
        else:
            members.append(models.fit_calibrated(name, features, rows(member.fit_as_ofs), calibration))
    return Ensemble(members, *beyond_range_rule(*rows(split.training_as_ofs)))


def contributions(ensemble: Ensemble, X_background: pd.DataFrame, X: pd.DataFrame) -> pd.DataFrame:
    """Per customer (X's rows) and feature, the mean over the member pipelines of their SHAP values
    (log-odds), one column per feature any member uses.

    Members may keep different features (near-duplicates are dropped per fit): a feature a
    pipeline does not use contributes 0 there. The mean of linear members is itself linear, so
    the contributions stay exact for the logistic regression."""
    used = ensemble.used_columns
    background = background_sample(X_background[used], config.SHAP_BACKGROUND_SIZE)
    frames = [explain.pipeline_contributions(p, background, X[used]) for p in ensemble.pipelines]
    names = [c for c in used if any(c in f.columns for f in frames)]
    return sum(f.reindex(columns=names, fill_value=0.0) for f in frames) / len(frames)
