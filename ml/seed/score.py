"""Write `ml.churn_scores` back into the warehouse, atomically, so reruns replace it whole."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from ml.base.warehouse import export_table, replace_table, warehouse_io_error
from ml.seed import config


def build_scores(
    customer_ids: pd.Series,
    proba: np.ndarray,
    threshold: float,
    drivers: pd.DataFrame,
    model_version: str,
    scored_at: datetime,
    score_kind: str,
) -> pd.DataFrame:
    """One row per customer: probability, flag at the chosen threshold, top drivers, provenance.

    score_kind says which model produced the probability (config.SCORE_KIND_*).
    """
    scores = pd.DataFrame(
        {
            config.ID_COLUMN: customer_ids.astype(str).to_numpy(),
            "churn_probability": proba.astype("float64"),
            "predicted_churn": proba >= threshold,
            "score_kind": score_kind,
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
    """Replace the scores table in one transaction (readers never see a half-written table).

    DuckDB's lock and I/O failures (e.g. another process holds the file) become WarehouseIOError.
    """
    try:
        return _write_scores(path, scores)
    except duckdb.Error as error:
        raise warehouse_io_error(path, "write ml.churn_scores to", error) from error


def _write_scores(path: Path, scores: pd.DataFrame) -> int:
    sql = f"""
        create or replace table {config.SCORES_TABLE} as
        select
            {config.ID_COLUMN}::varchar as {config.ID_COLUMN},
            churn_probability::double as churn_probability,
            predicted_churn::boolean as predicted_churn,
            score_kind::varchar as score_kind,
            {_driver_columns_sql()},
            model_version::varchar as model_version,
            scored_at::timestamp as scored_at
        from scores_frame
        order by {config.ID_COLUMN}
    """
    return replace_table(path, config.SCORES_TABLE, sql, scores)


def export_scores(path: Path, out_dir: Path) -> list[Path]:
    """Copy the written table, as it is, to CSV and Parquet next to the other ml artefacts.

    For BI tools that read files (Tableau joins them to exports/rfm_for_tableau.csv on
    customer_id).
    """
    return export_table(
        path, config.SCORES_TABLE, out_dir / config.SCORES_CSV_FILE, out_dir / config.SCORES_PARQUET_FILE
    )


def realised_flag_metrics(path: Path) -> dict:
    """predicted_churn as written in ml.churn_scores, against the mart's label: what the flag delivers."""
    sql = f"""
        select
            count(*) filter (where s.predicted_churn and f.{config.LABEL_COLUMN}) as tp,
            count(*) filter (where s.predicted_churn and not f.{config.LABEL_COLUMN}) as fp,
            count(*) filter (where not s.predicted_churn and f.{config.LABEL_COLUMN}) as fn,
            count(*) filter (where not s.predicted_churn and not f.{config.LABEL_COLUMN}) as tn,
            list(distinct s.score_kind) as score_kinds
        from {config.SCORES_TABLE} s
        join {config.FEATURES_TABLE} f using ({config.ID_COLUMN})
    """
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            tp, fp, fn, tn, kinds = con.execute(sql).fetchone()
    except duckdb.Error as error:
        raise warehouse_io_error(path, "read ml.churn_scores from", error) from error
    return {
        "measured_on": f"{config.SCORES_TABLE}.predicted_churn joined to {config.FEATURES_TABLE}.{config.LABEL_COLUMN}",
        "score_kind": sorted(kinds),
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "flagged": int(tp + fp),
        "confusion_matrix": [[int(tn), int(fp)], [int(fn), int(tp)]],
    }
