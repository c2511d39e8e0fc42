"""Median imputation shared by the seed and forward pipelines."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted


class MedianImputer(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """NULLs become the column's training median (0 for a column with no value at all): what
    SimpleImputer(strategy="median", keep_empty_features=True) does, the same medians, computed
    with numpy's partition-based nanmedian. SimpleImputer sorts a masked copy of every column,
    which took about a third of a production run's model fitting at 433,000 customers (seed mode)
    and about a tenth of the forward mode's fits at 10x."""

    def fit(self, X: np.ndarray, y: np.ndarray | None = None) -> MedianImputer:
        values = np.asarray(X, dtype="float64")
        self.n_features_in_ = values.shape[1]
        if hasattr(X, "columns"):  # as sklearn's own steps: a pipeline that starts here reports the names
            self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # "All-NaN slice": that column gets 0
            medians = np.nanmedian(values, axis=0)
        self.statistics_ = np.where(np.isnan(medians), 0.0, medians)
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        check_is_fitted(self, "statistics_")
        values = np.array(X, dtype="float64")
        rows, columns = np.nonzero(np.isnan(values))
        values[rows, columns] = self.statistics_[columns]
        return values
