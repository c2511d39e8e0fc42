"""Write the marts (and the ml tables, once the ml step wrote them) as CSV and parquet, for Tableau
and other tools that read files, not DuckDB.

CSV names of the seed's marts are the seed project's, so a workbook built on its files keeps working.
Files are written into the build's scratch release and published with it (pipeline/build/publish.py).

A text cell of a CSV file that starts with = + - @, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula (`=cmd|' /C calc'!A0` runs a program): such cells get a
leading apostrophe in the CSV files, as OWASP advises for CSV injection, and the spreadsheet shows
the text. Only text columns, only the CSV files: parquet and the warehouse keep the value as it came."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.deliver.warehouse_reader import connect_read_only
from pipeline.sql import sql_string

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
APOSTROPHE = sql_string("'")


def _quoted(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _neutralised(column: str) -> str:
    prefixes = ", ".join(sql_string(prefix) for prefix in FORMULA_PREFIXES)
    name = _quoted(column)
    return f"case when left({name}, 1) in ({prefixes}) then {APOSTROPHE} || {name} else {name} end as {name}"


@dataclass(frozen=True)
class MartExport:
    table: str
    csv_name: str
    order_by: str

    @property
    def query(self) -> str:
        return f"select * from {self.table} order by {self.order_by}"

    def csv_query(self, con: duckdb.DuckDBPyConnection) -> str:
        """The query with every text column's formula-like cells neutralised (see the module's note)."""
        columns = con.execute(f"describe {self.table}").fetchall()
        selected = [_neutralised(name) if kind == "VARCHAR" else _quoted(name) for name, kind, *_ in columns]
        return f"select {', '.join(selected)} from {self.table} order by {self.order_by}"

    @property
    def parquet_name(self) -> str:
        return self.table.split(".")[-1] + ".parquet"


MART_EXPORTS: tuple[MartExport, ...] = (
    MartExport("marts.customer_rfm", "rfm_for_tableau.csv", "customer_id"),
    MartExport("marts.churn_features", "rfm_final_for_modeling.csv", "customer_id"),
    MartExport("marts.segment_ltv", "segment_ltv.csv", "segment_key"),
    MartExport("marts.churn_threshold", "churn_threshold.csv", "1"),
    MartExport("marts.cleaning_audit", "cleaning_audit.csv", "report_order"),
    MartExport("marts.customer_cohorts", "customer_cohorts.csv", "cohort_month, months_since_first_purchase"),
    MartExport("marts.customer_lifecycle_stages", "customer_lifecycle_stages.csv", "customer_id, stage_month"),
    MartExport("marts.lifecycle_stage_flows", "lifecycle_stage_flows.csv", "stage_month, from_stage, to_stage"),
)

# Written when the table exists: the ml step's scores, and the marts built on them after it.
OPTIONAL_EXPORTS: tuple[MartExport, ...] = (
    MartExport("ml.churn_scores", "churn_scores.csv", "customer_id"),
    MartExport("ml.forward_churn_scores", "forward_churn_scores.csv", "customer_id"),
    MartExport("marts.customers_at_risk", "customers_at_risk.csv", "value_at_risk_rank, customer_id"),
    MartExport("marts.customer_value", "customer_value.csv", "customer_id"),
)


def existing_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("select table_schema || '.' || table_name from information_schema.tables").fetchall()
    return {name for (name,) in rows}


def exports_present(con: duckdb.DuckDBPyConnection) -> list[MartExport]:
    present = existing_tables(con)
    return [*MART_EXPORTS, *(export for export in OPTIONAL_EXPORTS if export.table in present)]


def write_exports(warehouse: Path, exports_dir: Path) -> list[Path]:
    """Write every export into `exports_dir`; return the files written."""
    exports_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with connect_read_only(warehouse) as con:
        for export in exports_present(con):
            csv_path = exports_dir / export.csv_name
            parquet_path = exports_dir / export.parquet_name
            con.execute(f"copy ({export.csv_query(con)}) to {sql_string(str(csv_path))} (header, delimiter ',')")
            con.execute(f"copy ({export.query}) to {sql_string(str(parquet_path))} (format parquet)")
            written += [csv_path, parquet_path]
    return written
