"""Hostile strings in a user's file flow through a whole build as data, from a path with quotes and
spaces; a second build started meanwhile is refused at once, and the first publishes one whole
release.

The strings: a spreadsheet formula that runs a program, a script element, quotes, SQL fragments, in
descriptions, countries and stock codes. The CSV exports neutralise the formula (a leading
apostrophe, pipeline/deliver/export.py), the parquet and the warehouse keep it as it came, and the
dashboard carries it only inside its JSON, escaped, for Vega to draw as SVG text. A customer id must
be a whole number: hostile text there is refused with its line (tests/ingest/test_ingest_fuzz.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd

from pipeline import config
from pipeline.build.publish import LOCK_NAME, Layout
from tests.releases import assert_readable, copy_of

FORMULA = "=cmd|' /C calc'!A0"
SCRIPT = "<script>alert(1)</script>"
SQL = "Robert'); drop table marts.customer_rfm; --"
QUOTES = 'the "best" o\'clock'


def _hostile_file(sample: Path, folder: Path) -> Path:
    lines = pd.read_parquet(sample)
    customers = lines["CustomerID"].dropna().drop_duplicates().head(3).tolist()
    for customer, country in zip(customers, [FORMULA, SCRIPT, SQL], strict=True):
        lines.loc[lines["CustomerID"] == customer, "Country"] = country
    hostile = [FORMULA, SCRIPT, SQL, QUOTES]
    lines.loc[lines.index[:400], "Description"] = [hostile[i % 4] for i in range(400)]
    lines.loc[lines.index[400:410], "StockCode"] = "'; select 1; --"
    path = folder / 'o\'brien "hostile" lines.csv'
    lines.to_csv(path, index=False)
    return path


def _command(layout: Layout, data: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pipeline",
        "build",
        "--no-ml",
        "--data",
        str(data),
        "--warehouse",
        str(layout.warehouse),
    ]


def test_hostile_strings_flow_through_as_data_and_a_second_build_is_refused(
    published: Layout, small_sample: Path, tmp_path: Path
) -> None:
    layout = copy_of(published, tmp_path / "hostile")
    data = _hostile_file(small_sample, tmp_path)
    env = {
        **os.environ,
        "LIFECYCLE_EXPORTS_DIR": str(layout.exports_dir),
        "LIFECYCLE_ML_OUTPUT_DIR": str(layout.ml_dir),
    }
    first = subprocess.Popen(
        _command(layout, data),
        env=env,
        cwd=config.REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lock = layout.root / LOCK_NAME
    deadline = time.monotonic() + 60
    while not (lock.is_file() and lock.read_text().startswith(f"PID {first.pid}")) and time.monotonic() < deadline:
        time.sleep(0.05)
    second = subprocess.run(_command(layout, data), env=env, cwd=config.REPO_ROOT, capture_output=True, text=True)
    printed = first.communicate(timeout=300)[0]
    assert first.returncode == 0, printed[-3000:]
    assert second.returncode == 1
    assert f"another build of {layout.warehouse} is running (PID {first.pid}, started " in second.stderr
    assert "Traceback" not in second.stderr + printed

    assert_readable(layout, with_ml=False)  # built with --no-ml
    release = layout.current.resolve()
    assert all(link.resolve().parent == release for link in (layout.warehouse, layout.exports_dir, layout.ml_dir))
    with duckdb.connect(str(layout.warehouse), read_only=True) as con:
        countries = {row[0] for row in con.execute("select country from marts.customer_rfm").fetchall()}
        descriptions = {
            row[0] for row in con.execute("select description from staging.stg_retail__transaction_lines").fetchall()
        }
        raw_lines = con.execute("select count(*) from raw.transaction_lines").fetchone()[0]
    assert {FORMULA, SCRIPT, SQL} <= countries
    assert {FORMULA, SCRIPT, SQL, QUOTES} <= descriptions
    assert raw_lines == len(pd.read_parquet(small_sample))

    exported = pd.read_csv(layout.exports_dir / "rfm_for_tableau.csv", dtype=str)
    assert {"'" + FORMULA, SCRIPT, SQL} <= set(exported["country"])
    assert FORMULA not in set(exported["country"]), "a formula reaches no CSV cell as a formula"
    assert {FORMULA, SCRIPT, SQL} <= set(pd.read_parquet(layout.exports_dir / "customer_rfm.parquet")["country"])

    page = (layout.exports_dir / "dashboard.html").read_text(encoding="utf-8")
    assert SCRIPT not in page, "a script element from the data would run"
    assert "<script>alert(1)<\\/script>" in page, "the string is there, as JSON text for Vega to draw"
