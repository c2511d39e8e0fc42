"""`python -m ml value` end to end on warehouses of simulated customers: the write-back (shape, keys,
types, sane values), the validation figures and plots (short histories: test_value_short_history.py)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from ml.base.metrics import METRICS_FILE
from ml.value import config
from ml.value.score import COLUMNS

from .value_fixtures import value_summaries, write_value_summaries


def read_predictions(warehouse: Path) -> tuple[pd.DataFrame, dict[str, str]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        frame = con.execute(f"select * from {config.PREDICTIONS_TABLE} order by customer_id").df()
        types = dict(
            con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'ml' and table_name = 'customer_value_predictions' order by ordinal_position"
            ).fetchall()
        )
    return frame, types


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, Path, Path]:
    folder = tmp_path_factory.mktemp("value")
    frame = value_summaries(customers=1500, seed=3)
    return frame, write_value_summaries(folder / "lifecycle.duckdb", frame), folder / "ml"


@pytest.fixture(scope="module")
def run(simulated, ml_cli) -> tuple[int, pd.DataFrame, dict[str, str], dict]:
    _, warehouse, out = simulated
    code = ml_cli(warehouse, out, "value")
    frame, types = read_predictions(warehouse)
    evaluate_code = ml_cli(warehouse, out, "value-evaluate")  # every forecast; writes no table
    assert read_predictions(warehouse)[0].equals(frame)
    return max(code, evaluate_code), frame, types, json.loads((out / METRICS_FILE).read_text())["value"]


def test_one_prediction_per_customer_of_the_current_cut_off(simulated, run) -> None:
    summaries, _, _ = simulated
    code, frame, types, _ = run
    assert code == 0
    current = summaries[summaries["cut_off_kind"] == "current"]
    assert list(frame["customer_id"]) == sorted(current["customer_id"])
    assert (frame["cut_off_at"] == current["cut_off_at"].iloc[0]).all()
    assert list(types) == list(COLUMNS)
    assert [kind.lower() for kind in types.values()] == list(COLUMNS.values())


def test_predictions_are_sane(run) -> None:
    _, frame, _, _ = run
    assert frame["probability_active"].between(0, 1).all()
    assert (frame["expected_purchases_90d"] >= 0).all()
    assert (frame["expected_purchases_90d"] <= frame["expected_purchases_365d"]).all()
    assert (frame["discounted_expected_purchases"] < frame["expected_purchases_365d"]).all()
    assert (frame["expected_spend_per_purchase"] > 0).all()
    # retention horizon = 90 days here: E[purchases] = P(active) x E[purchases | active]
    expected = frame["expected_purchases_if_active"] * frame["probability_active"]
    assert (expected - frame["expected_purchases_90d"]).abs().max() < 1e-9
    assert (frame["mean_days_between_purchases_if_active"] > 0).all()
    assert (frame["median_days_to_next_purchase_if_active"] > 0).all()
    assert set(frame["model_name"]) <= {"bgnbd", "bgnbd_level_corrected"}


def test_validation_reports_every_forecast_on_both_holdouts_against_naive(simulated, run) -> None:
    _, _, out = simulated
    _, _, _, section = run
    assert section["status"] == "validated"
    assert section["spend_input"]["choice"] in config.ELIGIBLE_SPEND_INPUTS
    assert (
        set(section["spend_input"]["validation"])
        == set(section["spend_input"]["final_holdout"])
        == set(config.SPEND_INPUTS)
    )
    assert section["final_holdout"]["spend_input"] == section["spend_input"]["choice"]
    assert section["scores"]["rows"] == len(run[1])  # the fast path's section survives value-evaluate
    assert section["validation"]["cut_off"] < section["final_holdout"]["cut_off"]
    assert section["validation"]["holdout_ends"] <= section["final_holdout"]["cut_off"]
    for key in ("validation", "final_holdout"):
        figures = section[key]["forecasts"]
        assert set(figures) == set(config.FORECASTS)
        for name in ("naive", "bgnbd"):
            assert figures[name]["purchases_total_actual"] > 0
            assert 0 <= figures[name]["spend_top10_share"] <= 1
        buckets = [row["frequency"] for row in section[key]["frequency_buckets"]]
        assert buckets[-1] == "7+" and buckets[0] == "0"
    # Simulated from BG/NBD itself: its forecast must beat the naive one on these customers.
    final = section["final_holdout"]["forecasts"]
    assert final["bgnbd"]["purchases_rmse"] < final["naive"]["purchases_rmse"]
    assert abs(final["bgnbd"]["purchases_total_error"]) < 0.15
    for name in (config.CALIBRATION_PLOT, config.PREDICTED_VS_ACTUAL_PLOT, config.PREDICTIONS_CSV_FILE):
        assert (out / name).stat().st_size > 1000


def test_a_missing_mart_is_one_line_and_exit_code_2(tmp_path: Path, ml_cli, capsys) -> None:
    with duckdb.connect(str(tmp_path / "empty.duckdb")) as con:
        con.execute("create schema marts")
    assert ml_cli(tmp_path / "empty.duckdb", tmp_path / "ml", "value") == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "customer_value_summaries not found" in error[0]
