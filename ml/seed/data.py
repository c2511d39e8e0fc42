"""Read the churn feature mart, read-only, and check it honours the contract the model needs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ml.base.errors import InvalidFeatureValueError
from ml.base.log import log
from ml.base.outputs import warehouse_path
from ml.base.warehouse import read_only, require_columns
from ml.seed import config, train


def load_churn_features(path: Path) -> pd.DataFrame:
    """All mart rows ordered by customer_id (the seed's order, which fixes the split)."""
    with read_only(path) as con:
        require_columns(
            con,
            path,
            config.FEATURES_TABLE,
            config.required_columns(),
            "the ml step: rebuild the mart or fix ml/seed/config.py",
        )
        frame = con.execute(f"select * from {config.FEATURES_TABLE} order by {config.ID_COLUMN}").df()
    return frame.reset_index(drop=True)


def feature_matrix(frame: pd.DataFrame, features: tuple[str, ...]) -> pd.DataFrame:
    """The model's input: mart columns as they are, booleans as 0/1; nothing derived.

    Integer columns stay integer on purpose: imblearn's SMOTE keeps a DataFrame's column dtypes, so
    synthetic scores stay whole numbers as in the seed's DataFrame (recall 0.80 there, 0.85 if cast
    to float first).
    """
    matrix = frame.loc[:, list(features)].copy()
    for column in matrix.columns:
        if pd.api.types.is_bool_dtype(matrix[column]):
            matrix[column] = matrix[column].astype("int64")
    return matrix


def check_log1p_domain(frame: pd.DataFrame, columns: tuple[str, ...] = config.LOG1P_FEATURES) -> None:
    """Refuse negative values in the columns the pipeline takes log1p of.

    log1p of a value below -1 is NaN, which the imputer would silently replace by the median; and
    a negative amount (net returns exceeding purchases, possible under a custom cleaning policy)
    is outside what the model was built for. Better to stop and name the customer.
    """
    for column in columns:
        negative = frame[column] < 0
        if negative.any():
            example = frame.loc[negative].sort_values(config.ID_COLUMN).iloc[0]
            raise InvalidFeatureValueError(
                f"{int(negative.sum())} customer(s) have a negative {column} (e.g. customer "
                f"{example[config.ID_COLUMN]}: {example[column]:g}); the pipeline takes log1p of it: "
                "check the cleaning policy (net returns?) or exclude them from marts.churn_features"
            )


def label_vector(frame: pd.DataFrame) -> np.ndarray:
    """The mart's label as 0/1 integers."""
    return frame[config.LABEL_COLUMN].astype(bool).to_numpy(dtype=np.int64)


def churn_threshold_days(frame: pd.DataFrame) -> float | list[float] | None:
    """The label's cut-off as the mart states it: one value per snapshot (a list if it ever varies)."""
    values = sorted(float(v) for v in frame[config.THRESHOLD_COLUMN].dropna().unique())
    if not values:
        return None
    return values[0] if len(values) == 1 else values


def data_fingerprint(frame: pd.DataFrame) -> str:
    """sha256 of the mart rows as read, so a model and its metrics name the exact data they saw.

    Rows in customer order, each hashed by pandas from its exact values, and the column names:
    formatting the mart as CSV text instead took 20 s at 433,000 customers.
    """
    canonical = frame.sort_values(config.ID_COLUMN, kind="stable").reset_index(drop=True)
    digest = hashlib.sha256(",".join(canonical.columns).encode("utf-8"))
    digest.update(pd.util.hash_pandas_object(canonical, index=False).to_numpy().tobytes())
    return digest.hexdigest()


@dataclass
class Inputs:
    """The mart as read, with the two feature matrices and the label derived from it once."""

    frame: pd.DataFrame
    X_seed: pd.DataFrame
    X_pipeline: pd.DataFrame
    y: np.ndarray
    fingerprint: str


def load_inputs() -> Inputs:
    path = warehouse_path()
    log(f"reading {config.FEATURES_TABLE} from {path}")
    frame = load_churn_features(path)
    y = label_vector(frame)
    train.check_two_classes(y)
    check_log1p_domain(frame)
    inputs = Inputs(
        frame=frame,
        X_seed=feature_matrix(frame, config.SEED_FEATURES),
        X_pipeline=feature_matrix(frame, config.PIPELINE_FEATURES),
        y=y,
        fingerprint=data_fingerprint(frame),
    )
    log(f"{len(frame):,} customers, {int(y.sum()):,} churned ({y.mean():.1%}), data sha256 {inputs.fingerprint[:12]}")
    return inputs


def data_section(inputs: Inputs) -> dict:
    """What the model saw: customers, churners, churn share and the label's cut-off, from the mart."""
    return {
        "warehouse_table": config.FEATURES_TABLE,
        "customers": len(inputs.y),
        "churned": int(inputs.y.sum()),
        "churn_share": float(inputs.y.mean()),
        "churn_threshold_days": churn_threshold_days(inputs.frame),
        "fingerprint_sha256": inputs.fingerprint,
    }
