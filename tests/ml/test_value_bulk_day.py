"""One bulk day does not make a customer's predicted value (issue 16: customer 21004 in the sample,
one £59k day of tea towels among £500 ones, ranked first by value at risk).

The spend per purchase that feeds predicted CLV and value at risk counts each purchase day at most
bulk_day_cap_multiple x the customer's median day (SQL, unit-tested in
_int_customer_value__models.yml); Gamma-Gamma then averages it with the population mean. So no
customer's expected spend per purchase exceeds the larger of the two, whatever their bulk day.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from ml.base.metrics import METRICS_FILE
from ml.value import config

from .value_fixtures import value_summaries, write_value_summaries

SAMPLE_WAREHOUSE = os.environ.get("LIFECYCLE_SAMPLE_WAREHOUSE")
BULK_DAY_CUSTOMERS = 20


def current_values(warehouse: Path) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            f"""
            select p.customer_id, p.expected_spend_per_purchase, s.purchase_days, s.mean_repeat_spend,
                s.median_day_spend, s.bulk_day_cap_multiple
            from {config.PREDICTIONS_TABLE} as p
            inner join {config.SUMMARIES_TABLE} as s
                on p.customer_id = s.customer_id and p.cut_off_at = s.cut_off_at
            order by p.customer_id
            """
        ).df()


def population_mean(section: dict) -> float:
    spend = section["scores"]["gamma_gamma"]
    return spend["p"] * spend["gamma"] / (spend["q"] - 1)


def assert_no_spend_above_the_cap_or_the_population(values: pd.DataFrame, section: dict) -> None:
    bound = np.maximum(population_mean(section), values["bulk_day_cap_multiple"] * values["median_day_spend"])
    assert (values["expected_spend_per_purchase"] <= bound * (1 + 1e-9)).all()


@pytest.fixture(scope="module")
def simulated_run(tmp_path_factory: pytest.TempPathFactory, ml_cli) -> tuple[pd.DataFrame, dict]:
    folder = tmp_path_factory.mktemp("bulk_day")
    frame = value_summaries(customers=1500, seed=3, bulk_day_customers=BULK_DAY_CUSTOMERS)
    warehouse = write_value_summaries(folder / "lifecycle.duckdb", frame)
    assert ml_cli(warehouse, folder / "ml", "value") == 0
    return current_values(warehouse), json.loads((folder / "ml" / METRICS_FILE).read_text())["value"]


def test_a_day_100x_the_others_counts_as_a_few_typical_days(simulated_run) -> None:
    values, section = simulated_run
    bulk = values[values["mean_repeat_spend"] > 10 * values["median_day_spend"]]
    assert len(bulk) >= BULK_DAY_CUSTOMERS // 2  # the fixture's bulk days are there, uncapped in the raw mean
    assert_no_spend_above_the_cap_or_the_population(values, section)
    # Uncapped, Gamma-Gamma would follow the raw mean; capped, it stays within 5 typical days.
    assert (bulk["expected_spend_per_purchase"] < bulk["mean_repeat_spend"] / 4).all()


def test_the_sample_bulk_day_customers_are_valued_at_their_typical_days(tmp_path: Path, ml_cli) -> None:
    if not SAMPLE_WAREHOUSE:
        pytest.skip("LIFECYCLE_SAMPLE_WAREHOUSE not set (make test sets it to the sample build)")
    warehouse = tmp_path / "sample.duckdb"
    shutil.copyfile(SAMPLE_WAREHOUSE, warehouse)  # the ml step writes ml.*; keep the build as it was
    assert ml_cli(warehouse, tmp_path / "ml", "value") == 0
    section = json.loads((tmp_path / "ml" / METRICS_FILE).read_text())["value"]
    values = current_values(warehouse)
    assert_no_spend_above_the_cap_or_the_population(values, section)
    # 21004: £824, £428, £62,748, £497 and £600 days; median £600, so the bulk day counts £3,000.
    customer = values.set_index("customer_id").loc["21004"]
    assert customer["mean_repeat_spend"] > 15_000
    assert customer["expected_spend_per_purchase"] < 1_500
