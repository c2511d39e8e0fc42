"""Write the marts as CSV and parquet for Tableau and other tools that read files, not DuckDB.

CSV names are the seed project's, so a workbook built on its files keeps working."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.sql import sql_string


@dataclass(frozen=True)
class MartExport:
    table: str
    csv_name: str
    order_by: str


MART_EXPORTS: tuple[MartExport, ...] = (
    MartExport("marts.customer_rfm", "rfm_for_tableau.csv", "customer_id"),
    MartExport("marts.churn_features", "rfm_final_for_modeling.csv", "customer_id"),
    MartExport("marts.segment_ltv", "segment_ltv.csv", "segment_key"),
    MartExport("marts.churn_threshold", "churn_threshold.csv", "1"),
    MartExport("marts.cleaning_audit", "cleaning_audit.csv", "report_order"),
)


def _parquet_name(export: MartExport) -> str:
    return export.table.split(".")[-1] + ".parquet"


def write_exports(warehouse: Path, staging_dir: Path) -> list[Path]:
    """Write every export into `staging_dir` (a scratch folder); return the files written."""
    staging_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for export in MART_EXPORTS:
            query = f"select * from {export.table} order by {export.order_by}"
            csv_path = staging_dir / export.csv_name
            parquet_path = staging_dir / _parquet_name(export)
            con.execute(f"copy ({query}) to {sql_string(str(csv_path))} (header, delimiter ',')")
            con.execute(f"copy ({query}) to {sql_string(str(parquet_path))} (format parquet)")
            written += [csv_path, parquet_path]
    return written


def publish_exports(files: list[Path], exports_dir: Path) -> None:
    """Move finished files into place one by one (a rename each), then drop the scratch folder."""
    exports_dir.mkdir(parents=True, exist_ok=True)
    for file in files:
        file.replace(exports_dir / file.name)
    if files:
        shutil.rmtree(files[0].parent, ignore_errors=True)
