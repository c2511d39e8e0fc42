"""Write `ml.churn_scores` back into the warehouse, atomically, so reruns replace it whole."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from ml import config


def build_scores(
    customer_ids: pd.Series,
    proba: np.ndarray,
    threshold: float,
    drivers: pd.DataFrame,
    model_version: str,
    scored_at: datetime,
) -> pd.DataFrame:
    """One row per customer: probability, flag at the chosen threshold, top drivers, provenance."""
    scores = pd.DataFrame(
        {
            config.ID_COLUMN: customer_ids.astype(str).to_numpy(),
            "churn_probability": proba.astype("float64"),
            "predicted_churn": proba >= threshold,
        }
    )
    scores = pd.concat([scores, drivers.reset_index(drop=True)], axis=1)
    scores["model_version"] = model_version
    scores["scored_at"] = pd.Timestamp(scored_at).tz_localize(None)
    return scores


def _driver_columns_sql() -> str:
    parts = []
    for rank in range(1, config.TOP_DRIVERS + 1):
        parts.append(f"driver_{rank}::varchar as driver_{rank}")
        parts.append(f"driver_{rank}_shap::double as driver_{rank}_shap")
    return ",\n            ".join(parts)


def write_scores(path: Path, scores: pd.DataFrame) -> int:
    """Replace the scores table in one transaction (readers never see a half-written table)."""
    sql = f"""
        create or replace table {config.SCORES_TABLE} as
        select
            {config.ID_COLUMN}::varchar as {config.ID_COLUMN},
            churn_probability::double as churn_probability,
            predicted_churn::boolean as predicted_churn,
            {_driver_columns_sql()},
            model_version::varchar as model_version,
            scored_at::timestamp as scored_at
        from scores_frame
        order by {config.ID_COLUMN}
    """
    with duckdb.connect(str(path)) as con:
        con.register("scores_frame", scores)
        con.execute("begin transaction")
        try:
            con.execute(f"create schema if not exists {config.SCORES_SCHEMA}")
            con.execute(sql)
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        finally:
            con.unregister("scores_frame")
        (count,) = con.execute(f"select count(*) from {config.SCORES_TABLE}").fetchone()
    return int(count)


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def export_scores(path: Path, out_dir: Path) -> list[Path]:
    """Copy the written table, as it is, to CSV and Parquet next to the other ml artefacts.

    For BI tools that read files (Tableau joins them to exports/rfm_for_tableau.csv on
    customer_id). Each file is written under a temporary name and then renamed, so a reader
    never opens a half-written file.
    """
    targets = {
        out_dir / config.SCORES_CSV_FILE: "format csv, header true",
        out_dir / config.SCORES_PARQUET_FILE: "format parquet",
    }
    with duckdb.connect(str(path), read_only=True) as con:
        for target, options in targets.items():
            partial = target.with_name(f".{target.name}.partial")
            con.execute(
                f"copy (select * from {config.SCORES_TABLE} order by {config.ID_COLUMN}) "
                f"to {_sql_string(str(partial))} ({options})"
            )
            partial.replace(target)
    return list(targets)
