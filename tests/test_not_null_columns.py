"""macros/tests/not_null_columns.sql checks all of a model's NOT NULL columns in one dbt node. It must
still fail on a NULL in any one of them, and say which: model, column and how many rows."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from pipeline import config
from pipeline.build.publish import Layout

DBT = Path(sys.executable).with_name("dbt")


def test_a_null_in_one_column_fails_the_test_naming_model_column_and_rows(published: Layout, tmp_path: Path) -> None:
    warehouse = tmp_path / "lifecycle.duckdb"
    shutil.copyfile(published.warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        # Through the staging view (a rename of the raw table) and in a table further down.
        con.execute('update raw.transaction_lines set "InvoiceNo" = null where raw_line_number = 1')
        con.execute(
            "update intermediate.int_customer_invoices_aggregated set spend = null where rowid in "
            "(select rowid from intermediate.int_customer_invoices_aggregated limit 2)"
        )
    result = subprocess.run(
        # Own target path: the repository's partial-parse state is left as the builds made it.
        [str(DBT), "test", "--select", "test_name:not_null_columns", "--target-path", str(tmp_path / "target")],
        cwd=config.REPO_ROOT,
        env={
            **os.environ,
            "LIFECYCLE_WAREHOUSE_PATH": str(warehouse),
            "LIFECYCLE_DBT_AUTOLOAD": "off",
            "DBT_PROFILES_DIR": str(config.REPO_ROOT),
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0, result.stdout
    assert "stg_retail__transaction_lines.invoice_no is NULL on 1 rows" in result.stdout
    assert "int_customer_invoices_aggregated.spend is NULL on 2 rows" in result.stdout
    assert "ERROR=2" in result.stdout, "only the two models with a NULL fail"
