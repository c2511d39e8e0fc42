"""Parity of the customer marts with an independent pandas oracle of the seed document's code.

The oracle follows the seed's Data_Cleaning.py step by step (drop rows without CustomerID, keep
Quantity > 0 and UnitPrice > 0, groupby CustomerID, qcut of rank(method='first'), np.percentile of
pooled purchase-day gaps, np.std of gaps) on the real UCI file. The warehouse is the one the Makefile
builds with ``--vars '{cleaning_policy: seed}'``, named by LIFECYCLE_REAL_SEED_WAREHOUSE. The oracle
is test code only: the warehouse never computes anything in Python.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

RAW = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "online_retail.parquet"
WAREHOUSE = os.environ.get("LIFECYCLE_REAL_SEED_WAREHOUSE")
PROFIT_MARGIN = 0.25
CHURN_PERCENTILE = 95
TILES = 4

pytestmark = [
    pytest.mark.skipif(not RAW.exists(), reason=f"real data not found at {RAW}"),
    pytest.mark.skipif(not WAREHOUSE, reason="LIFECYCLE_REAL_SEED_WAREHOUSE is not set"),
]


def seed_segment(r_score: int, f_score: int) -> str:
    """The seed document's (R, F) → segment map, with R4 F4 → important as intended."""
    if r_score <= 2:
        return "low_value" if f_score <= 2 else "mid_value"
    if f_score <= 2:
        return "potential" if r_score == 3 else "new"
    return {(3, 3): "loyal", (3, 4): "high_value_loyal", (4, 3): "high_value_new", (4, 4): "important"}[
        (r_score, f_score)
    ]


def qcut_scores(values: pd.Series, labels: list[int]) -> pd.Series:
    """The seed's scoring: qcut of rank(method='first'), ties in row order (customers by id)."""
    return pd.qcut(values.rank(method="first"), TILES, labels=labels).astype(int)


@pytest.fixture(scope="module")
def oracle() -> pd.DataFrame:
    """One row per customer, as the seed's pandas code computes it."""
    df = pd.read_parquet(RAW)
    df = df.dropna(subset=["CustomerID"])
    df = df[df["Quantity"] > 0]
    df = df[df["UnitPrice"] > 0]
    df["InvoiceDate"] = pd.to_datetime(df["InvoiceDate"])
    df["TotalPrice"] = df["Quantity"] * df["UnitPrice"]

    snapshot_date = df["InvoiceDate"].max() + pd.Timedelta(days=1)
    rfm = df.groupby("CustomerID").agg(
        Recency=("InvoiceDate", lambda x: (snapshot_date - x.max()).days),
        Frequency=("InvoiceNo", "nunique"),
        Monetary=("TotalPrice", "sum"),
        UniqueProductsCount=("StockCode", "nunique"),
    )
    rfm["R_Score"] = qcut_scores(rfm["Recency"], labels=[4, 3, 2, 1])
    rfm["F_Score"] = qcut_scores(rfm["Frequency"], labels=[1, 2, 3, 4])
    rfm["M_Score"] = qcut_scores(rfm["Monetary"], labels=[1, 2, 3, 4])
    rfm["Segment"] = [seed_segment(r, f) for r, f in zip(rfm["R_Score"], rfm["F_Score"], strict=True)]
    rfm["LTV"] = rfm["Monetary"] * PROFIT_MARGIN
    rfm["AverageOrderValue"] = rfm["Monetary"] / rfm["Frequency"]

    purchase_days = df.assign(InvoiceDay=df["InvoiceDate"].dt.normalize())[["CustomerID", "InvoiceDay"]]
    purchase_days = purchase_days.drop_duplicates().sort_values(["CustomerID", "InvoiceDay"])
    purchase_days["Gap"] = purchase_days.groupby("CustomerID")["InvoiceDay"].diff().dt.days
    gaps = purchase_days.dropna(subset=["Gap"])
    threshold = np.percentile(gaps["Gap"], CHURN_PERCENTILE)
    rfm["PurchaseIntervalStd"] = gaps.groupby("CustomerID")["Gap"].agg(np.std).reindex(rfm.index).fillna(0)
    rfm["Churn"] = (rfm["Recency"] > threshold).astype(int)
    rfm.attrs["threshold"] = threshold

    rfm.index = rfm.index.astype(int).astype(str)
    rfm.index.name = "customer_id"
    return rfm


@pytest.fixture(scope="module")
def warehouse() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(WAREHOUSE, read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def customer_rfm(warehouse: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return warehouse.sql("select * from marts.customer_rfm").df().set_index("customer_id").sort_index()


@pytest.fixture(scope="module")
def churn_features(warehouse: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return warehouse.sql("select * from marts.churn_features").df().set_index("customer_id").sort_index()


@pytest.fixture(scope="module")
def segment_ltv(warehouse: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return warehouse.sql("select * from marts.segment_ltv").df().set_index("segment_key").sort_index()


def test_customer_count_is_4338_as_in_the_oracle(oracle: pd.DataFrame, customer_rfm: pd.DataFrame) -> None:
    assert len(oracle) == 4338
    assert len(customer_rfm) == 4338
    assert set(customer_rfm.index) == set(oracle.index)


def test_churn_threshold_is_155_days_as_in_the_oracle(
    oracle: pd.DataFrame, warehouse: duckdb.DuckDBPyConnection
) -> None:
    [(threshold,)] = warehouse.execute("select threshold_days from marts.churn_threshold").fetchall()
    assert oracle.attrs["threshold"] == 155
    assert threshold == pytest.approx(oracle.attrs["threshold"])
    assert threshold == 155


def test_churned_count_matches_the_oracle(oracle: pd.DataFrame, customer_rfm: pd.DataFrame) -> None:
    assert int(customer_rfm["is_churned"].sum()) == int(oracle["Churn"].sum())
    churned = customer_rfm["is_churned"].astype(int).rename("Churn")
    pd.testing.assert_series_equal(churned, oracle["Churn"].loc[churned.index], check_dtype=False)


def test_recency_frequency_monetary_match_for_every_customer(oracle: pd.DataFrame, customer_rfm: pd.DataFrame) -> None:
    expected = oracle.loc[customer_rfm.index]
    assert (customer_rfm["recency_days"] == expected["Recency"]).all()
    assert (customer_rfm["frequency"] == expected["Frequency"]).all()
    np.testing.assert_allclose(customer_rfm["monetary"], expected["Monetary"], rtol=1e-9)


@pytest.mark.parametrize(
    ("column", "oracle_column"), [("r_score", "R_Score"), ("f_score", "F_Score"), ("m_score", "M_Score")]
)
def test_every_customer_score_matches_the_oracle(
    oracle: pd.DataFrame, customer_rfm: pd.DataFrame, column: str, oracle_column: str
) -> None:
    expected = oracle[oracle_column].loc[customer_rfm.index]
    mismatched = customer_rfm.index[customer_rfm[column].to_numpy() != expected.to_numpy()]
    assert list(mismatched) == []


def test_segment_counts_match_the_oracle(oracle: pd.DataFrame, segment_ltv: pd.DataFrame) -> None:
    expected = oracle["Segment"].value_counts().sort_index()
    assert segment_ltv["customers"].to_dict() == expected.to_dict()


def test_mean_and_median_ltv_per_segment_match_the_oracle(oracle: pd.DataFrame, segment_ltv: pd.DataFrame) -> None:
    by_segment = oracle.groupby("Segment")["LTV"]
    expected_mean = by_segment.mean().loc[segment_ltv.index]
    expected_median = by_segment.median().loc[segment_ltv.index]
    np.testing.assert_allclose(segment_ltv["mean_ltv"], expected_mean, rtol=1e-9)
    np.testing.assert_allclose(segment_ltv["median_ltv"], expected_median, rtol=1e-9)


def test_seed_features_match_the_oracle(oracle: pd.DataFrame, churn_features: pd.DataFrame) -> None:
    expected = oracle.loc[churn_features.index]
    np.testing.assert_allclose(churn_features["average_order_value"], expected["AverageOrderValue"], rtol=1e-9)
    np.testing.assert_allclose(
        churn_features["purchase_interval_std"], expected["PurchaseIntervalStd"], rtol=1e-9, atol=1e-9
    )
    assert (churn_features["unique_products"] == expected["UniqueProductsCount"]).all()


def test_seed_document_ltv_figures_that_hold(segment_ltv: pd.DataFrame) -> None:
    """Section 5.1: important customers above 1200 per head, potential customers about 124."""
    assert segment_ltv.loc["important", "mean_ltv"] > 1200
    assert segment_ltv.loc["potential", "mean_ltv"] == pytest.approx(124, abs=1.5)


@pytest.mark.xfail(
    strict=True,
    reason=(
        "Seed document's figure not reproduced: high_value_new (R4 F3) averages ~329, not > 1200. It exceeds "
        "1200 (~1414) only with the R4 F4 customers folded in, which is what the seed's regex-order bug "
        "(important never assigned) would do."
    ),
)
def test_seed_document_high_value_new_ltv_above_1200(segment_ltv: pd.DataFrame) -> None:
    assert segment_ltv.loc["high_value_new", "mean_ltv"] > 1200


@pytest.mark.xfail(
    strict=True,
    reason=(
        "Seed document's figure not reproduced: mid_value (R1-2 F3-4) averages ~403, not ~318; ~318 is the "
        "loyal cell (R3 F3, 317.7) or R1-2 F3 alone (316.6), so the seed's labels for that cell differed."
    ),
)
def test_seed_document_mid_value_ltv_about_318(segment_ltv: pd.DataFrame) -> None:
    assert segment_ltv.loc["mid_value", "mean_ltv"] == pytest.approx(318, abs=5)
