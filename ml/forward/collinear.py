"""Drop near-duplicate features at fit time, so that one signal has one coefficient.

Invoices and purchase days correlate at 0.999; on 13 months of data each all-time feature equals
its 365-day twin for most customers. Under L2 shrinkage such twins share one effect as two
coefficients, often of opposite sign, and a per-customer attribution then names the half that
points the wrong way. The rule is fixed and learnt from the fit rows only: walk the features in
their given order (mart order: all-time, then windows from the shortest) and keep a feature unless
its Spearman |rho| with an already kept one reaches the threshold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ml.forward import config


def spearman_abs(X: pd.DataFrame) -> np.ndarray:
    """|Spearman rho| between columns, pairwise over rows where both are present (NaN: 0)."""
    ranked = X.rank()
    return np.nan_to_num(np.abs(ranked.corr(min_periods=3).to_numpy()), nan=0.0)


def kept_in_order(rho: np.ndarray, threshold: float) -> list[int]:
    kept: list[int] = []
    for column in range(rho.shape[0]):
        if all(rho[column, other] < threshold for other in kept):
            kept.append(column)
    return kept


class CollinearFeatureDropper(TransformerMixin, BaseEstimator):
    """Keeps the columns that no earlier kept column mirrors (|rho| >= threshold on the fit rows)."""

    def __init__(
        self, threshold: float = config.COLLINEAR_THRESHOLD, sample_rows: int = config.COLLINEAR_SAMPLE_ROWS
    ) -> None:
        self.threshold = threshold
        self.sample_rows = sample_rows

    def fit(self, X, y=None):
        frame = pd.DataFrame(np.asarray(X, dtype="float64"))
        if len(frame) > self.sample_rows:
            frame = frame.sample(n=self.sample_rows, random_state=config.RANDOM_STATE)
        self.n_features_in_ = frame.shape[1]
        if hasattr(X, "columns"):
            self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.kept_ = np.asarray(kept_in_order(spearman_abs(frame), self.threshold), dtype=int)
        return self

    def transform(self, X):
        check_is_fitted(self, "kept_")
        return np.asarray(X, dtype="float64")[:, self.kept_]

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "kept_")
        if input_features is not None:
            names = np.asarray(input_features, dtype=object)
        elif hasattr(self, "feature_names_in_"):
            names = self.feature_names_in_
        else:
            names = np.asarray([f"x{i}" for i in range(self.n_features_in_)], dtype=object)
        return names[self.kept_]
