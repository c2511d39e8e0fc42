"""What the dashboard embeds, read from the warehouse: pre-aggregated marts, never customer rows,
except the few high- and elevated-risk customers with the most value at risk per segment and country
(when customers_at_risk exists)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.deliver.export import existing_tables
from pipeline.deliver.warehouse_reader import connect_read_only

AT_RISK_TABLE = "marts.customers_at_risk"
# Customers listed in the at-risk view. Keeping the top N of every segment x country pair keeps the
# top N of any filter combination (a filter is a union of pairs) without embedding every customer.
AT_RISK_ROWS = 15
# The list to act on: customers whose churn probability is high or elevated against the base rate
# (customers_at_risk.risk_level); a normal-risk customer is not called however much they are worth.
AT_RISK_LEVELS = ("high", "elevated")

CELLS_SQL = """
    select segment_name_en as segment, country, r_score, f_score, customers, churned_customers, revenue, profit
    from marts.dashboard_customer_cells
    order by segment, country, r_score, f_score
"""
BINS_SQL = """
    select segment_name_en as segment, country, recency_bin_start_days, recency_bin_days,
           case when is_churned then 'churned' else 'active' end as churn_status, customers
    from marts.dashboard_recency_bins
    order by segment, country, recency_bin_start_days, churn_status
"""
THRESHOLD_SQL = "select threshold_days, percentile from marts.churn_threshold"
# The lifecycle views (lifecycle_charts.py): cohorts and stages per segment and country, months as text.
COHORTS_SQL = """
    select strftime(cohort_month, '%Y-%m') as cohort, months_since_first_purchase as months_since,
           segment_name_en as segment, country, active_customers, net_revenue
    from marts.dashboard_cohort_cells
    order by cohort, months_since, segment, country
"""
STAGES_SQL = """
    select strftime(stage_month, '%Y-%m') as month, lifecycle_stage as stage, segment_name_en as segment, country,
           customers
    from marts.dashboard_lifecycle_stage_cells
    order by month, stage, segment, country
"""
AT_RISK_SQL = f"""
    select value_at_risk_rank, customer_id, segment_name_en as segment, country, churn_probability,
           risk_level, value_at_risk, expected_horizon_value, horizon_days, reason_1, reason_2, reason_3
    from {AT_RISK_TABLE}
    where risk_level in ({", ".join(f"'{level}'" for level in AT_RISK_LEVELS)})
    qualify row_number() over (partition by segment_name_en, country order by value_at_risk_rank) <= {AT_RISK_ROWS}
    order by value_at_risk_rank
"""


@dataclass(frozen=True)
class DashboardData:
    cells: pd.DataFrame
    recency_bins: pd.DataFrame
    threshold_days: float | None
    threshold_percentile: float | None
    at_risk: pd.DataFrame | None
    cohorts: pd.DataFrame
    stages: pd.DataFrame

    @property
    def segments(self) -> list[str]:
        totals = self.cells.groupby("segment")["customers"].sum().sort_values(ascending=False)
        return list(totals.index)

    @property
    def countries(self) -> list[str]:
        totals = self.cells.groupby("country")["customers"].sum().sort_values(ascending=False)
        return list(totals.index)


def read_dashboard_data(warehouse: Path) -> DashboardData:
    with connect_read_only(warehouse) as con:
        cells = con.sql(CELLS_SQL).df()
        bins = con.sql(BINS_SQL).df()
        threshold = con.execute(THRESHOLD_SQL).fetchall()
        at_risk = con.sql(AT_RISK_SQL).df() if AT_RISK_TABLE in existing_tables(con) else None
        cohorts = con.sql(COHORTS_SQL).df()
        stages = con.sql(STAGES_SQL).df()
    days, percentile = threshold[0] if threshold else (None, None)
    return DashboardData(cells, bins, days, percentile, at_risk, cohorts, stages)
