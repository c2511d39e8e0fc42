"""Read the churn feature mart, read-only, and check it honours the contract the model needs."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from ml import config
from ml.errors import InvalidFeatureValueError, MissingFeatureError, WarehouseIOError, WarehouseNotReadyError

BUILD_HINT = "run `make run` / dbt build first"
LOCK_HINT = (
    "another process may hold the warehouse (a dbt build, another `python -m ml`, or a client such as "
    "Tableau/DBeaver connected read-write): close it and rerun"
)


def warehouse_io_error(path: Path, action: str, error: duckdb.Error) -> WarehouseIOError:
    """DuckDB's I/O and lock failures as the project's one-line error (first line of DuckDB's text kept)."""
    detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return WarehouseIOError(f"cannot {action} warehouse {path}: {detail}; {LOCK_HINT}")


def load_churn_features(path: Path) -> pd.DataFrame:
    """All mart rows ordered by customer_id (the seed's order, which fixes the split)."""
    if not path.is_file():
        raise WarehouseNotReadyError(f"warehouse file {path} not found: {BUILD_HINT}")
    # read_only lets dashboards and dbt docs keep reading while we do; closed before any write.
    try:
        return _read_mart(path)
    except duckdb.Error as error:
        raise warehouse_io_error(path, "read", error) from error


def require_columns(
    con: duckdb.DuckDBPyConnection, path: Path, table: str, required: tuple[str, ...] | list[str], needed_by: str
) -> None:
    """Stop with one line naming the table, or its missing columns, before any model reads it."""
    schema, name = table.split(".")
    present = {
        row[0]
        for row in con.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
            [schema, name],
        ).fetchall()
    }
    if not present:
        raise WarehouseNotReadyError(f"table {table} not found in {path}: {BUILD_HINT}")
    missing = [column for column in required if column not in present]
    if missing:
        raise MissingFeatureError(f"{table} lacks column(s) {', '.join(missing)} needed by {needed_by}")


def _read_mart(path: Path) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        require_columns(
            con,
            path,
            config.FEATURES_TABLE,
            config.required_columns(),
            "the ml step: rebuild the mart or fix ml/config.py",
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
