"""The seed document's method as plain vectorised pandas: the yardstick `make bench` holds the
warehouse against (never used by the warehouse itself).

Written from the seed's description of Data_Cleaning.py: drop lines without a CustomerID, keep
Quantity > 0 and UnitPrice > 0; RFM per customer at (last invoice + 1 day); R, F, M scores as
qcut(rank(method='first'), 4); segment from (R, F) by the project's map (seeds/rfm_segments.csv);
historical LTV = revenue x 25 % margin; churn when recency exceeds the 95th percentile of pooled
gaps between consecutive purchase days; the behavioural features (average order value, unique
products, purchase-interval std); and LTV per segment. One groupby per measure, no Python loops
over customers: the fastest honest pandas, not a strawman.

`python -m pipeline.bench.reference pandas FILE` runs it and prints a JSON summary (customers,
threshold, segment counts) so the bench can check that both sides computed the same thing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipeline import config

PROFIT_MARGIN = 0.25
CHURN_PERCENTILE = 95
TILES = 4
COLUMNS = ["InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID"]


def _scores(values: pd.Series, labels: list[int]) -> np.ndarray:
    return pd.qcut(values.rank(method="first"), TILES, labels=labels).astype(int).to_numpy()


def _segment_map() -> pd.DataFrame:
    segments = pd.read_csv(config.REPO_ROOT / "seeds" / "rfm_segments.csv")
    return segments[segments["rfm_tiles"] == TILES][["r_score", "f_score", "segment_key"]]


def seed_method(path: Path) -> dict[str, object]:
    lines = pd.read_parquet(path, columns=COLUMNS)
    lines = lines[lines["CustomerID"].notna() & (lines["Quantity"] > 0) & (lines["UnitPrice"] > 0)]
    lines = lines.assign(
        InvoiceDate=pd.to_datetime(lines["InvoiceDate"]),
        TotalPrice=lines["Quantity"] * lines["UnitPrice"],
    )
    snapshot = lines["InvoiceDate"].max() + pd.Timedelta(days=1)
    by_customer = lines.groupby("CustomerID", sort=True)
    rfm = by_customer.agg(
        last_purchase=("InvoiceDate", "max"),
        Frequency=("InvoiceNo", "nunique"),
        Monetary=("TotalPrice", "sum"),
        UniqueProductsCount=("StockCode", "nunique"),
    )
    rfm["Recency"] = (snapshot - rfm.pop("last_purchase")).dt.days
    rfm["R_Score"] = _scores(rfm["Recency"], [4, 3, 2, 1])
    rfm["F_Score"] = _scores(rfm["Frequency"], [1, 2, 3, 4])
    rfm["M_Score"] = _scores(rfm["Monetary"], [1, 2, 3, 4])
    rfm["AverageOrderValue"] = rfm["Monetary"] / rfm["Frequency"]
    rfm["LTV"] = rfm["Monetary"] * PROFIT_MARGIN
    rfm = rfm.reset_index().merge(
        _segment_map(), left_on=["R_Score", "F_Score"], right_on=["r_score", "f_score"], how="left"
    )

    days = pd.DataFrame(
        {"CustomerID": lines["CustomerID"].to_numpy(), "day": lines["InvoiceDate"].dt.normalize().to_numpy()}
    ).drop_duplicates()
    days = days.sort_values(["CustomerID", "day"])
    days["gap"] = days.groupby("CustomerID")["day"].diff().dt.days
    gaps = days.dropna(subset=["gap"])
    threshold = float(np.percentile(gaps["gap"], CHURN_PERCENTILE))
    interval_std = gaps.groupby("CustomerID")["gap"].std(ddof=0)
    rfm["PurchaseIntervalStd"] = rfm["CustomerID"].map(interval_std).fillna(0)
    rfm["Churn"] = (rfm["Recency"] > threshold).astype(int)

    segment_ltv = rfm.groupby("segment_key").agg(
        customers=("CustomerID", "size"),
        revenue=("Monetary", "sum"),
        profit=("LTV", "sum"),
        mean_ltv=("LTV", "mean"),
        median_ltv=("LTV", "median"),
        churned=("Churn", "sum"),
    )
    return {
        "customers": len(rfm),
        "churn_threshold_days": threshold,
        "churned": int(rfm["Churn"].sum()),
        "segment_customers": {k: int(v) for k, v in segment_ltv["customers"].items()},
    }
