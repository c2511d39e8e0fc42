"""Write `ml.forward_churn_scores` and `ml.forward_churn_contributions` back into the warehouse in one
transaction, and export the scores as files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from ml.base.warehouse import export_table, replace_tables, warehouse_io_error
from ml.forward import config

SCORE_TYPES = {
    config.ID_COLUMN: "varchar",
    config.AS_OF_COLUMN: "timestamp",
    config.HORIZON_COLUMN: "integer",
    "churn_probability": "double",
    "validation_status": "varchar",
    "model_name": "varchar",
    "model_version": "varchar",
    "scored_at": "timestamp",
}
KEY_COLUMNS = (config.ID_COLUMN, config.AS_OF_COLUMN)
# Long: one row per scored customer and feature the model uses (the reason codes read it in SQL).
CONTRIBUTIONS_TABLE = "ml.forward_churn_contributions"


def build_scores(
    scoring: pd.DataFrame,
    proba: np.ndarray,
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
    frame["validation_status"] = validation_status
    frame["model_name"] = model_name
    frame["model_version"] = model_version
    frame["scored_at"] = pd.Timestamp(scored_at).tz_localize(None)
    return frame[list(SCORE_TYPES)]


def build_contributions(scoring: pd.DataFrame, contributions: pd.DataFrame) -> pd.DataFrame:
    """The wide contributions (one column per feature) keyed by the scoring snapshot's customer and as-of.

    Kept wide here: DuckDB unpivots it to the long table as it writes, far faster than pandas.
    """
    keys = scoring[list(KEY_COLUMNS)].reset_index(drop=True).copy()
    keys[config.ID_COLUMN] = keys[config.ID_COLUMN].astype(str)
    return pd.concat([keys, contributions.reset_index(drop=True)], axis=1)


def _scores_sql() -> str:
    columns = ",\n            ".join(f"{column}::{kind} as {column}" for column, kind in SCORE_TYPES.items())
    return f"""
        create or replace table {config.SCORES_TABLE} as
        select
            {columns}
        from scores_frame
        order by {config.ID_COLUMN}
    """


def _contributions_sql(contributions: pd.DataFrame) -> str:
    keys = ", ".join(KEY_COLUMNS)
    if len(contributions.columns) == len(KEY_COLUMNS):  # no model, no features (validation none)
        return f"""
        create or replace table {CONTRIBUTIONS_TABLE} (
            {config.ID_COLUMN} varchar, {config.AS_OF_COLUMN} timestamp, feature varchar, contribution double
        )
    """
    return f"""
        create or replace table {CONTRIBUTIONS_TABLE} as
        select
            {config.ID_COLUMN}::varchar as {config.ID_COLUMN},
            {config.AS_OF_COLUMN}::timestamp as {config.AS_OF_COLUMN},
            feature::varchar as feature,
            contribution::double as contribution
        from (
            unpivot contributions_frame
            on columns(* exclude ({keys}))
            into name feature value contribution
        )
    """


def write_scores(path: Path, scores: pd.DataFrame, contributions: pd.DataFrame) -> tuple[int, int]:
    """Replace both tables in one transaction: readers see the old pair or the new one, never a mix.

    Returns the row counts of the scores and of the (long) contributions.
    """
    try:
        counts = replace_tables(
            path,
            {"scores_frame": scores, "contributions_frame": contributions},
            {config.SCORES_TABLE: _scores_sql(), CONTRIBUTIONS_TABLE: _contributions_sql(contributions)},
        )
    except duckdb.Error as error:
        raise warehouse_io_error(path, f"write {config.SCORES_TABLE} to", error) from error
    return counts[config.SCORES_TABLE], counts[CONTRIBUTIONS_TABLE]


def export_scores(path: Path, out_dir: Path) -> list[Path]:
    """The written scores table, as it is, as CSV and Parquet (the long contributions stay in the warehouse)."""
    return export_table(
        path, config.SCORES_TABLE, out_dir / config.SCORES_CSV_FILE, out_dir / config.SCORES_PARQUET_FILE
    )
