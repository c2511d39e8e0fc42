"""Write `ml.customer_value_predictions` back into the warehouse in one transaction, and export it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from ml.base.warehouse import export_table, replace_table, warehouse_io_error
from ml.value import config

# The table's columns and types, in order (the dbt source and its staging model read these).
COLUMNS: dict[str, str] = {
    "customer_id": "varchar",
    "cut_off_at": "timestamp",
    "probability_active": "double",
    "expected_purchases_90d": "double",
    "expected_purchases_365d": "double",
    "median_purchases_90d": "double",
    "expected_spend_per_purchase": "double",
    "clv_horizon_days": "integer",
    "discounted_expected_purchases": "double",
    "retention_horizon_days": "integer",
    "expected_purchases_if_active": "double",
    "mean_days_between_purchases_if_active": "double",
    "median_days_to_next_purchase_if_active": "double",
    "model_name": "varchar",
    "model_version": "varchar",
    "scored_at": "timestamp",
}


def write_predictions(path: Path, frame: pd.DataFrame) -> int:
    select = ",\n            ".join(f"{column}::{kind} as {column}" for column, kind in COLUMNS.items())
    sql = f"""
        create or replace table {config.PREDICTIONS_TABLE} as
        select
            {select}
        from scores_frame
        order by {config.ID_COLUMN}
    """
    try:
        return replace_table(path, config.PREDICTIONS_TABLE, sql, frame.loc[:, list(COLUMNS)])
    except duckdb.Error as error:
        raise warehouse_io_error(path, f"write {config.PREDICTIONS_TABLE} to", error) from error


def export_predictions(path: Path, out_dir: Path) -> list[Path]:
    return export_table(
        path, config.PREDICTIONS_TABLE, out_dir / config.PREDICTIONS_CSV_FILE, out_dir / config.PREDICTIONS_PARQUET_FILE
    )
