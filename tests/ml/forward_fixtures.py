"""Synthetic snapshot marts for the forward mode (random numbers, never real customers).

Each customer has a buying rate and a date on which they stop; features at an as-of describe the
purchases before it, and the label is whether they buy in the 90 days after it, so recency,
frequency and the windows carry real signal and labels respect time.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

WINDOWS = (30, 90, 180, 365)
HORIZON_DAYS = 90
DATA_START = pd.Timestamp("2010-12-01 08:00")

# The dbt contract of both marts: column -> DuckDB type (training adds the label columns).
CONTRACT_TYPES: dict[str, str] = {
    "as_of_at": "timestamp",
    "customer_id": "varchar",
    "horizon_days": "integer",
    "label_window_ends_at": "timestamp",
    "churned_in_horizon": "boolean",
    "country": "varchar",
    "is_domestic": "boolean",
    "recency_days": "integer",
    "tenure_days": "integer",
    "purchase_days": "integer",
    "invoices": "integer",
    "spend": "double",
    "average_order_value": "double",
    "items_per_order": "double",
    "unique_products": "integer",
    "cancellation_invoices": "integer",
    "r_score": "integer",
    "f_score": "integer",
    "m_score": "integer",
    **{
        f"{name}_{w}d": kind
        for w in WINDOWS
        for name, kind in (
            ("purchase_days", "integer"),
            ("invoices", "integer"),
            ("spend", "double"),
            ("average_order_value", "double"),
            ("items_per_order", "double"),
            ("new_products", "integer"),
            ("cancellation_invoices", "integer"),
        )
    },
    "gap_mean_days": "double",
    "gap_std_days": "double",
    "last_gap_days": "double",
    "overdue_ratio": "double",
    "spend_prev_90d": "double",
    "spend_trend_90d": "double",
}
LABEL_COLUMNS = ("label_window_ends_at", "churned_in_horizon")


def _purchases(customers: int, days: int, rng: np.random.Generator) -> pd.DataFrame:
    """Purchase days per customer: a Poisson rate between a start day and a stop day."""
    rows = []
    for index in range(customers):
        start = int(rng.integers(0, days - 30))
        stop = start + int(rng.exponential(200))
        rate = rng.lognormal(-3.3, 0.8)  # purchases per day: median one every ~27 days
        basket = rng.lognormal(5.5, 0.5)
        day = start
        while day < min(stop, days):
            rows.append((f"{12000 + index}", day, basket * rng.lognormal(0, 0.3), int(1 + rng.poisson(8))))
            day += 1 + int(rng.exponential(1 / rate))
    return pd.DataFrame(rows, columns=["customer_id", "day", "spend", "items"])


def _quartile(values: pd.Series) -> np.ndarray:
    ranks = values.rank(method="first")
    return np.ceil(ranks / len(values) * 4).clip(1, 4).astype(int).to_numpy()


def _features(purchases: pd.DataFrame, as_of_day: int, rng: np.random.Generator) -> pd.DataFrame:
    before = purchases[purchases["day"] < as_of_day]
    grouped = before.groupby("customer_id")
    frame = pd.DataFrame(
        {
            "recency_days": as_of_day - grouped["day"].max(),
            "tenure_days": as_of_day - grouped["day"].min(),
            "purchase_days": grouped["day"].nunique(),
            "invoices": grouped.size(),
            "spend": grouped["spend"].sum(),
            "items": grouped["items"].sum(),
        }
    )
    frame["average_order_value"] = frame["spend"] / frame["invoices"]
    frame["items_per_order"] = frame.pop("items") / frame["invoices"]
    frame["unique_products"] = (frame["items_per_order"] * np.sqrt(frame["invoices"])).round().astype(int)
    frame["cancellation_invoices"] = rng.binomial(frame["invoices"], 0.05)
    frame["r_score"] = 5 - _quartile(frame["recency_days"])
    frame["f_score"] = _quartile(frame["invoices"])
    frame["m_score"] = _quartile(frame["spend"])
    for w in WINDOWS:
        recent = before[before["day"] >= as_of_day - w].groupby("customer_id")
        invoices = recent.size().reindex(frame.index, fill_value=0)
        spend = recent["spend"].sum().reindex(frame.index, fill_value=0.0)
        items = recent["items"].sum().reindex(frame.index, fill_value=0)
        frame[f"purchase_days_{w}d"] = recent["day"].nunique().reindex(frame.index, fill_value=0)
        frame[f"invoices_{w}d"] = invoices
        frame[f"spend_{w}d"] = spend
        frame[f"average_order_value_{w}d"] = (spend / invoices).where(invoices > 0)
        frame[f"items_per_order_{w}d"] = (items / invoices).where(invoices > 0)
        frame[f"new_products_{w}d"] = (invoices * 3).astype(int)
        frame[f"cancellation_invoices_{w}d"] = np.minimum(frame["cancellation_invoices"], invoices)
    gaps = before.sort_values("day").groupby("customer_id")["day"].diff().dropna().groupby(before["customer_id"])
    frame["gap_mean_days"] = gaps.mean().reindex(frame.index)
    frame["gap_std_days"] = gaps.std(ddof=0).reindex(frame.index).fillna(0.0)
    frame["last_gap_days"] = gaps.last().reindex(frame.index)
    frame["overdue_ratio"] = frame["recency_days"] / frame["gap_mean_days"]
    prev = before[(before["day"] >= as_of_day - 180) & (before["day"] < as_of_day - 90)]
    frame["spend_prev_90d"] = prev.groupby("customer_id")["spend"].sum().reindex(frame.index, fill_value=0.0)
    total = frame["spend_90d"] + frame["spend_prev_90d"]
    frame["spend_trend_90d"] = ((frame["spend_90d"] - frame["spend_prev_90d"]) / total).where(total > 0)
    after = purchases[(purchases["day"] >= as_of_day) & (purchases["day"] < as_of_day + HORIZON_DAYS)]
    frame["churned_in_horizon"] = ~frame.index.isin(after["customer_id"])
    domestic = np.array([int(c) % 10 != 0 for c in frame.index])
    frame["country"] = np.where(domestic, "United Kingdom", "Germany")
    frame["is_domestic"] = domestic
    return frame.reset_index()


def forward_marts(customers: int = 500, months: int = 13, seed: int = 11) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(training, scoring) marts: monthly as-ofs from the first with 90 days of history, `months` of data."""
    rng = np.random.default_rng(seed)
    end = DATA_START + pd.DateOffset(months=months) - pd.Timedelta(days=22)
    days = (end - DATA_START).days
    purchases = _purchases(customers, days, rng)
    last_purchase = DATA_START + pd.Timedelta(days=int(purchases["day"].max()))
    current = last_purchase + pd.Timedelta(days=1)
    first_as_of = (DATA_START.normalize() + pd.Timedelta(days=90)).to_period("M").to_timestamp()
    if first_as_of < DATA_START.normalize() + pd.Timedelta(days=90):
        first_as_of += pd.DateOffset(months=1)
    as_ofs = list(pd.date_range(first_as_of, current, freq="MS"))
    training, scoring = [], None
    for as_of in [*as_ofs, current]:
        day = (as_of - DATA_START).total_seconds() / 86400
        frame = _features(purchases, int(np.ceil(day)), rng)
        frame.insert(0, "as_of_at", as_of)
        frame["horizon_days"] = HORIZON_DAYS
        frame["label_window_ends_at"] = as_of + pd.Timedelta(days=HORIZON_DAYS)
        if as_of == current:
            scoring = frame.drop(columns=list(LABEL_COLUMNS))
        elif frame["label_window_ends_at"].iloc[0] <= last_purchase:
            training.append(frame)
    empty = scoring.iloc[:0].assign(label_window_ends_at=pd.NaT, churned_in_horizon=False)
    return (pd.concat(training) if training else empty), scoring


def write_forward_marts(path: Path, training: pd.DataFrame, scoring: pd.DataFrame) -> Path:
    """Write both marts with the contract's types (columns in the contract's order)."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        for table, frame in (("churn_training_snapshots", training), ("churn_scoring_snapshot", scoring)):
            con.register("frame", frame)
            columns = [c for c in CONTRACT_TYPES if c in frame.columns]
            casts = ", ".join(f"{c}::{CONTRACT_TYPES[c]} as {c}" for c in columns)
            con.execute(f"create or replace table marts.{table} as select {casts} from frame")
            con.unregister("frame")
    return path
