"""Forward churn figures of a transaction file, to calibrate the sample against the real data.

`python -m pipeline.sample.forward_check --data FILE` prints, for monthly as-of dates, how many
customers had bought before the as-of and the share of them that buy nothing in the next 90 days;
then an out-of-time check: train on earlier as-ofs whose label windows end before the test as-of,
score the test as-of with recency alone and with a logistic regression on eight RFM-style features.

A calibration tool for the generator only: the project's features are the dbt marts.
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

HORIZON_DAYS = 90
AS_OF_DATES = [dt.date(2011, month, 1) for month in range(3, 10)]
TRAIN_AS_OF = [dt.date(2011, month, 1) for month in range(3, 7)]
TEST_AS_OF = dt.date(2011, 9, 1)
FEATURES = ["recency", "frequency", "monetary", "tenure", "purchase_days", "average_order_value",
            "spend_90d", "gap_mean"]

_CUSTOMER_DAYS = """
create temp table customer_days as
select CustomerID as customer, InvoiceDate::timestamp::date as day,
       max(InvoiceDate::timestamp) as last_at, min(InvoiceDate::timestamp) as first_at,
       count(distinct InvoiceNo) as invoices, sum(Quantity * UnitPrice) as spend
from read_parquet($path)
where CustomerID is not null and Quantity > 0 and UnitPrice > 0 and InvoiceNo not like 'C%'
group by all
"""

_SNAPSHOTS = """
with as_of as (select unnest($as_of::date[])::timestamp as as_of_at),
history as (
    select a.as_of_at, d.customer,
           epoch(a.as_of_at - max(d.last_at)) / 86400 as recency,
           epoch(a.as_of_at - min(d.first_at)) / 86400 as tenure,
           sum(d.invoices) as frequency,
           sum(d.spend) as monetary,
           count(*) as purchase_days,
           sum(d.spend) / sum(d.invoices) as average_order_value,
           coalesce(sum(d.spend) filter (where d.day >= a.as_of_at - interval 90 day), 0) as spend_90d,
           -- mean days between purchase days; the tenure when there is only one
           coalesce(date_diff('day', min(d.day), max(d.day)) / nullif(count(*) - 1, 0),
                    epoch(a.as_of_at - min(d.first_at)) / 86400) as gap_mean
    from as_of a join customer_days d on d.day < a.as_of_at
    group by a.as_of_at, d.customer
)
select h.*, not exists (
    select 1 from customer_days f where f.customer = h.customer
      and f.day >= h.as_of_at and f.day < h.as_of_at + to_days($horizon)
) as churned
from history h
"""


@dataclass(frozen=True)
class OutOfTime:
    recency_roc_auc: float
    logistic_roc_auc: float
    logistic_top_decile_lift: float


def snapshots(path: Path, as_of: list[dt.date] = AS_OF_DATES) -> pd.DataFrame:
    """One row per customer and as-of date: the features and the forward label."""
    con = duckdb.connect()
    con.execute(_CUSTOMER_DAYS, {"path": str(path)})
    frame = con.execute(_SNAPSHOTS, {"as_of": as_of, "horizon": HORIZON_DAYS}).df()
    return frame.sort_values(["as_of_at", "customer"], ignore_index=True)


def churn_by_as_of(frame: pd.DataFrame) -> pd.DataFrame:
    """Active customers and forward churn rate per as-of date."""
    return frame.groupby("as_of_at")["churned"].agg(active="size", churn_rate="mean").reset_index()


def top_decile_lift(y: np.ndarray, score: np.ndarray) -> float:
    top = np.argsort(-score, kind="stable")[: max(1, len(score) // 10)]
    return float(y[top].mean() / y.mean())


def out_of_time(frame: pd.DataFrame) -> OutOfTime:
    train = frame[frame["as_of_at"].dt.date.isin(TRAIN_AS_OF)]
    test = frame[frame["as_of_at"].dt.date == TEST_AS_OF]
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    model.fit(np.log1p(train[FEATURES].clip(lower=0)), train["churned"])
    score = model.predict_proba(np.log1p(test[FEATURES].clip(lower=0)))[:, 1]
    y = test["churned"].to_numpy()
    return OutOfTime(
        recency_roc_auc=float(roc_auc_score(y, test["recency"])),
        logistic_roc_auc=float(roc_auc_score(y, score)),
        logistic_top_decile_lift=top_decile_lift(y, score),
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pipeline.sample.forward_check", description=__doc__)
    parser.add_argument("--data", type=Path, required=True, help="transaction parquet file")
    path = parser.parse_args(argv).data
    frame = snapshots(path)
    print(f"{path}: forward churn = no kept purchase in the {HORIZON_DAYS} days after the as-of")
    for row in churn_by_as_of(frame).itertuples():
        print(f"  {row.as_of_at:%Y-%m-%d}  active {row.active:6d}  churn rate {row.churn_rate:.3f}")
    result = out_of_time(frame)
    print(f"test as-of {TEST_AS_OF}, trained on {TRAIN_AS_OF[0]}..{TRAIN_AS_OF[-1]}: "
          f"ROC-AUC recency {result.recency_roc_auc:.3f}, logistic {result.logistic_roc_auc:.3f}, "
          f"top-decile lift {result.logistic_top_decile_lift:.2f}")


if __name__ == "__main__":
    main()
