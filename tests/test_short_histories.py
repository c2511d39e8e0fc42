"""A short history never stops the build: the real data cut after 100, 200 and 282 days publishes
RFM, LTV and an at-risk list, and every score says how far the data let it be validated.

100 days: no as-of has a complete 90-day label window, so no forward model (validation `none`: the
seed mode's probability stands in). 200 days: one labelled as-of, no later month to test on
(`in_time_only`). 282 days: the latest labelled as-of is tested on a model fitted and calibrated
by cross-validation within the one as-of whose window ends by it (`out_of_time`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
REAL_DATA = REPO_ROOT.parent / "shared" / "data" / "online_retail.parquet"
FIRST_INVOICE = "2010-12-01"

pytestmark = pytest.mark.skipif(not REAL_DATA.is_file(), reason=f"real data not found at {REAL_DATA}")


def cut(days: int, folder: Path) -> Path:
    """The real lines invoiced in the first `days` days, as a parquet file (built at test time)."""
    path = folder / f"online_retail_first_{days}_days.parquet"
    duckdb.sql(
        f"copy (select * from read_parquet('{REAL_DATA}') "
        f"where cast(InvoiceDate as timestamp) < timestamp '{FIRST_INVOICE}' + interval {days} day) "
        f"to '{path}' (format parquet)"
    )
    return path


@pytest.mark.parametrize(("days", "status"), [(100, "none"), (200, "in_time_only"), (282, "out_of_time")])
def test_a_short_history_publishes_with_the_validation_it_allows(tmp_path: Path, days: int, status: str) -> None:
    data = cut(days, tmp_path)
    env = {
        **os.environ,
        "LIFECYCLE_WAREHOUSE_PATH": str(tmp_path / "lifecycle.duckdb"),
        "LIFECYCLE_EXPORTS_DIR": str(tmp_path / "exports"),
        "LIFECYCLE_ML_OUTPUT_DIR": str(tmp_path / "ml"),
    }
    command = [sys.executable, "-m", "pipeline", "build", "--data", str(data)]
    result = subprocess.run(command, env=env, cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    forward = json.loads((tmp_path / "ml" / "metrics.json").read_text())["forward"]
    assert forward["validation"]["status"] == status
    with duckdb.connect(str(tmp_path / "lifecycle.duckdb"), read_only=True) as con:
        customers, at_risk, statuses = con.execute(
            """
            select
                (select count(*) from marts.customer_rfm),
                (select count(*) from marts.customers_at_risk),
                (select list(distinct validation_status) from ml.forward_churn_scores)
            """
        ).fetchone()
    assert customers > 1_000
    assert at_risk == customers
    assert statuses == [status]
