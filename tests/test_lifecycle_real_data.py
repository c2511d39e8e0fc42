"""The cohorts on the real data against an independent count: the December 2010 cohort and how many of
it buy again in January 2011, counted with pandas straight from the raw parquet under the policy's
line rules, equal customer_cohorts' figures exactly.

The count needs no reversal matching: a purchase counts whether or not it was later reversed (a
reversed order was an order, as customer_rfm counts it), so under either policy a customer-month is
active when it has a line the policy would keep were it not for reversals. Exact duplicates need no
rule either: a copy sits in the same month as its original."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline import config

SEEDS = config.REPO_ROOT / "seeds"
COHORT, NEXT_MONTH = pd.Period("2010-12", "M"), pd.Period("2011-01", "M")
# The seed policy's figures, as the issue quotes them (885 customers, about 37 % back in January).
SEED_POLICY_DECEMBER_2010 = (885, 324)


def _warehouse(variable: str) -> Path:
    value = os.environ.get(variable)
    if not value or not Path(value).exists():
        pytest.skip(f"{variable} not set: build the real-data warehouse first (make test does)")
    return Path(value)


def _purchase_lines(raw: pd.DataFrame, policy: str) -> pd.DataFrame:
    """(customer, month) of every purchase line the policy keeps, reversed ones included."""
    kept = raw["CustomerID"].notna() & (raw["Quantity"] > 0) & (raw["UnitPrice"] > 0)
    if policy == "strict":
        first_letter = raw["InvoiceNo"].str.upper().str[0]
        non_product = set(pd.read_csv(SEEDS / "non_product_stock_codes.csv")["stock_code"].str.upper())
        kept &= ~first_letter.isin(["C", "A"]) & ~raw["StockCode"].str.upper().isin(non_product)
    months = pd.to_datetime(raw.loc[kept, "InvoiceDate"]).dt.to_period("M")
    return pd.DataFrame({"customer": raw.loc[kept, "CustomerID"], "month": months})


def _independent_count(policy: str) -> tuple[int, int]:
    if not config.REAL_DATA_PATH.is_file():
        pytest.skip(f"real data not found at {config.REAL_DATA_PATH}")
    raw = pd.read_parquet(config.REAL_DATA_PATH)
    lines = _purchase_lines(raw, policy)
    first_month = lines.groupby("customer")["month"].min()
    cohort = set(first_month[first_month == COHORT].index)
    back = cohort & set(lines.loc[lines["month"] == NEXT_MONTH, "customer"])
    return len(cohort), len(back)


@pytest.mark.parametrize(
    ("variable", "policy"),
    [("LIFECYCLE_REAL_STRICT_WAREHOUSE", "strict"), ("LIFECYCLE_REAL_SEED_WAREHOUSE", "seed")],
)
def test_december_2010_cohort_month_1_retention_matches_an_independent_count(variable: str, policy: str) -> None:
    warehouse = _warehouse(variable)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            """
            select months_since_first_purchase, cohort_customers, active_customers, retention_rate
            from marts.customer_cohorts
            where cohort_month = date '2010-12-01' and months_since_first_purchase in (0, 1)
            order by months_since_first_purchase
            """
        ).fetchall()
    (_, size, first_month_active, first_month_rate), (_, _, back, rate) = rows
    assert (size, back) == _independent_count(policy)
    assert first_month_active == size and first_month_rate == 1.0
    assert rate == pytest.approx(back / size)
    if policy == "seed":
        assert (size, back) == SEED_POLICY_DECEMBER_2010
