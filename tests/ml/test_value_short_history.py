"""A short history never fails the predicted-value step: each shortfall has its stated fallback and
says so in metrics.json ("value" -> status) and in the model version of every written row.

- `validated`: a validation holdout to choose on and a final holdout to report (test_value_run.py);
- `final_holdout_only`: no cut-off whose holdout ends by the final holdout's start, or too few
  repeat buyers there: the stated defaults, figures on the final holdout;
- `not_validated`: no cut-off with a complete holdout: the fit on the current cut-off, scored;
- `too_little_data`: fewer repeat buyers than a fit needs: historical figures only.
On the real data cut at 100, 200, 282 and 365 days these are not_validated, final_holdout_only,
validated and validated (docs/predicted-value.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from ml.base.metrics import METRICS_FILE
from ml.value import config

from .value_fixtures import value_summaries, write_value_summaries


@pytest.fixture(scope="module")
def full_history() -> pd.DataFrame:
    return value_summaries(customers=1500, seed=3)


def run_value(frame: pd.DataFrame, folder: Path, ml_cli) -> tuple[int, pd.DataFrame, dict]:
    warehouse = write_value_summaries(folder / "lifecycle.duckdb", frame)
    code = ml_cli(warehouse, folder / "ml", "value")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        predictions = con.execute(f"select * from {config.PREDICTIONS_TABLE} order by customer_id").df()
    section = json.loads((folder / "ml" / METRICS_FILE).read_text())["value"]
    return code, predictions, section


def assert_scored_with_status(code: int, predictions: pd.DataFrame, section: dict, current: pd.DataFrame, status: str):
    assert code == 0
    assert section["status"] == status
    assert len(predictions) == len(current)
    assert predictions["expected_purchases_90d"].notna().all()
    assert (predictions["expected_spend_per_purchase"] > 0).all()
    versions = set(predictions["model_version"])
    assert versions == {section["scores"]["model_version"]}
    assert f"-{status}-" in versions.pop()


def test_without_an_earlier_holdout_the_defaults_ship_checked_on_the_final_holdout(
    full_history, tmp_path: Path, ml_cli
) -> None:
    frame = full_history[full_history["cut_off_kind"] != "earlier"]
    code, predictions, section = run_value(frame, tmp_path, ml_cli)
    current = frame[frame["cut_off_kind"] == "current"]
    assert_scored_with_status(code, predictions, section, current, "final_holdout_only")
    assert section["spend_input"]["choice"] == config.DEFAULT_SPEND_INPUT
    assert section["level_correction"]["apply"] is False
    assert "validation" not in section
    assert section["final_holdout"]["forecasts"]["bgnbd"]["purchases_total_actual"] > 0
    assert set(predictions["model_name"]) == {"bgnbd"}


def test_too_few_repeat_buyers_at_the_validation_cut_off_falls_back_to_the_final_holdout(
    full_history, tmp_path: Path, ml_cli
) -> None:
    earlier = full_history["cut_off_kind"] == "earlier"
    frame = full_history[~earlier | (full_history["frequency"] == 0)]
    code, predictions, section = run_value(frame, tmp_path, ml_cli)
    current = frame[frame["cut_off_kind"] == "current"]
    assert_scored_with_status(code, predictions, section, current, "final_holdout_only")
    assert "final_holdout" in section


def test_a_history_shorter_than_the_holdout_scores_an_unvalidated_fit(
    full_history, tmp_path: Path, ml_cli, capsys
) -> None:
    frame = full_history[full_history["cut_off_kind"] == "current"]
    code, predictions, section = run_value(frame, tmp_path, ml_cli)
    assert_scored_with_status(code, predictions, section, frame, "not_validated")
    assert "unvalidated fit" in capsys.readouterr().out
    assert section["spend_input"]["choice"] == config.DEFAULT_SPEND_INPUT
    assert "final_holdout" not in section


def test_too_few_repeat_buyers_says_so_and_writes_historical_rows(full_history, tmp_path: Path, ml_cli, capsys) -> None:
    # Keep every customer, but only five with a repeat purchase day.
    repeat = full_history["frequency"] > 0
    keep = full_history.loc[repeat, "customer_id"].drop_duplicates().head(5)
    frame = full_history[~repeat | full_history["customer_id"].isin(keep)]
    code, predictions, section = run_value(frame, tmp_path, ml_cli)
    assert code == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if "too little data for predicted value" in line]
    assert len(lines) == 1 and "at least 30 needed" in lines[0]
    current = frame[frame["cut_off_kind"] == "current"]
    assert len(predictions) == len(current)
    assert set(predictions["model_name"]) == {"none"}
    assert predictions["expected_purchases_90d"].isna().all()
    assert (predictions["retention_horizon_days"] == 90).all()
    assert section["status"] == "too_little_data"
    assert set(predictions["model_version"]) == {section["scores"]["model_version"]}
    assert section["scores"]["model_version"].startswith("value-none-too_little_data-")
