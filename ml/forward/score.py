"""Write `ml.forward_churn_scores` back into the warehouse in one transaction, and export it as files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from ml.data import warehouse_io_error
from ml.forward import config
from ml.score import export_table, replace_table

DRIVER_COLUMNS = tuple(
    column for rank in range(1, config.TOP_DRIVERS + 1) for column in (f"driver_{rank}", f"driver_{rank}_shap")
)


def build_scores(
    scoring: pd.DataFrame,
    proba: np.ndarray,
    drivers: pd.DataFrame,
    model_name: str,
    model_version: str,
    validation_status: str,
    scored_at: datetime,
) -> pd.DataFrame:
    """One row per customer of the scoring snapshot, in the contract's column order."""
    frame = pd.DataFrame(
        {
            config.ID_COLUMN: scoring[config.ID_COLUMN].astype(str).to_numpy(),
            config.AS_OF_COLUMN: scoring[config.AS_OF_COLUMN].to_numpy(),
            config.HORIZON_COLUMN: scoring[config.HORIZON_COLUMN].astype("int64").to_numpy(),
            "churn_probability": proba.astype("float64"),
        }
    )
    frame = pd.concat([frame, drivers.reset_index(drop=True)[list(DRIVER_COLUMNS)]], axis=1)
    frame["model_name"] = model_name
    frame["model_version"] = model_version
    frame["validation_status"] = validation_status
    frame["scored_at"] = pd.Timestamp(scored_at).tz_localize(None)
    return frame


def _select_sql() -> str:
    types = {
        config.ID_COLUMN: "varchar",
        config.AS_OF_COLUMN: "timestamp",
        config.HORIZON_COLUMN: "integer",
        "churn_probability": "double",
        **{c: ("double" if c.endswith("_shap") else "varchar") for c in DRIVER_COLUMNS},
        "model_name": "varchar",
        "model_version": "varchar",
        "validation_status": "varchar",
        "scored_at": "timestamp",
    }
    return ",\n            ".join(f"{column}::{kind} as {column}" for column, kind in types.items())


def write_scores(path: Path, scores: pd.DataFrame) -> int:
    """Replace the table in one transaction: readers see the old table or the new one, never a half."""
    sql = f"""
        create or replace table {config.SCORES_TABLE} as
        select
            {_select_sql()}
        from scores_frame
        order by {config.ID_COLUMN}
    """
    try:
        return replace_table(path, config.SCORES_TABLE, sql, scores)
    except duckdb.Error as error:
        raise warehouse_io_error(path, f"write {config.SCORES_TABLE} to", error) from error


def export_scores(path: Path, out_dir: Path) -> list[Path]:
    """The written table, as it is, as CSV and Parquet."""
    return export_table(
        path, config.SCORES_TABLE, out_dir / config.SCORES_CSV_FILE, out_dir / config.SCORES_PARQUET_FILE
    )
