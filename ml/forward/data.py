"""Read the two snapshot marts, read-only, and derive the feature matrices the models use."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from ml.base.errors import MissingFeatureError
from ml.base.warehouse import read_only, require_columns
from ml.forward import config
from ml.forward.protocol import DataSpan

TRAINING_KEYS = (
    config.AS_OF_COLUMN,
    config.ID_COLUMN,
    config.HORIZON_COLUMN,
    config.LABEL_END_COLUMN,
    config.LABEL_COLUMN,
)
SCORING_KEYS = (config.AS_OF_COLUMN, config.ID_COLUMN, config.HORIZON_COLUMN)


@dataclass
class Snapshots:
    """Both marts as read, and the feature columns they share (mart order)."""

    training: pd.DataFrame
    scoring: pd.DataFrame
    features: tuple[str, ...]
    fingerprint: str

    @property
    def span(self) -> DataSpan:
        frame = self.scoring
        if frame.empty:
            return DataSpan(None, None, None)
        first = (frame[config.AS_OF_COLUMN] - pd.to_timedelta(frame["tenure_days"], unit="D")).min()
        return DataSpan(first.normalize(), frame[config.AS_OF_COLUMN].max(), int(frame[config.HORIZON_COLUMN].iloc[0]))


def load_snapshots(path: Path) -> Snapshots:
    with read_only(path) as con:
        training = _read(con, path, config.TRAINING_TABLE, TRAINING_KEYS)
        scoring = _read(con, path, config.SCORING_TABLE, SCORING_KEYS)
    features = config.feature_columns(list(scoring.columns))
    missing = [c for c in (*features, *config.SEED_FEATURES, config.RECENCY_FEATURE) if c not in training.columns]
    if missing:
        raise MissingFeatureError(
            f"{config.TRAINING_TABLE} lacks column(s) {', '.join(missing)} that {config.SCORING_TABLE} has: "
            "rebuild the marts"
        )
    return Snapshots(training, scoring, features, fingerprint(training, scoring))


def _read(con: duckdb.DuckDBPyConnection, path: Path, table: str, keys: tuple[str, ...]) -> pd.DataFrame:
    require_columns(
        con, path, table, (*keys, config.RECENCY_FEATURE, "tenure_days"), "the forward mode: rebuild the marts"
    )
    frame = con.execute(f"select * from {table} order by {config.AS_OF_COLUMN}, {config.ID_COLUMN}").df()
    return frame.reset_index(drop=True)


def feature_matrix(frame: pd.DataFrame, features: tuple[str, ...]) -> pd.DataFrame:
    """Mart columns as they are, as floats (booleans 0/1, NULL as NaN); nothing derived."""
    return frame.loc[:, list(features)].astype("float64")


def label_vector(frame: pd.DataFrame) -> np.ndarray:
    return frame[config.LABEL_COLUMN].astype(bool).to_numpy(dtype=np.int64)


def fingerprint(training: pd.DataFrame, scoring: pd.DataFrame) -> str:
    """sha256 of both marts as read, so metrics and the model name the data they saw."""
    digest = hashlib.sha256()
    for frame in (training, scoring):
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
        digest.update(",".join(frame.columns).encode())
    return digest.hexdigest()
