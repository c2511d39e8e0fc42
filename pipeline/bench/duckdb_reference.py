"""The seed document's method (as in pandas_reference) as one bare DuckDB script: no dbt, no
ledger, no tests, no exports. It shows what the engine alone costs, so the bench can tell the
warehouse's own overhead (staging, ledger, tests) from the arithmetic.

`python -m pipeline.bench.reference duckdb FILE` prints the same JSON summary as the pandas one."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline import config
from pipeline.bench.pandas_reference import CHURN_PERCENTILE, PROFIT_MARGIN, TILES
from pipeline.sql import sql_string

_SCRIPT = """
create temp table lines as
select "InvoiceNo" as invoice_no, "StockCode" as stock_code, "CustomerID" as customer_id,
       cast("InvoiceDate" as timestamp) as invoiced_at, "Quantity" * "UnitPrice" as amount
from read_parquet({path})
where "CustomerID" is not null and "Quantity" > 0 and "UnitPrice" > 0;

create temp table rfm as
with totals as (
    select customer_id, max(invoiced_at) as last_purchase, count(distinct invoice_no) as frequency,
           sum(amount) as monetary, count(distinct stock_code) as unique_products
    from lines group by customer_id
), snapshot as (select max(invoiced_at) + interval 1 day as as_of from lines),
measured as (
    -- whole 24-hour periods, as pandas' Timedelta.days
    select totals.*, cast(floor(epoch(as_of - last_purchase) / 86400) as bigint) as recency
    from totals cross join snapshot
), ranked as (
    select *, count(*) over () as n,
           row_number() over (order by recency, customer_id) as r_rank,
           row_number() over (order by frequency, customer_id) as f_rank,
           row_number() over (order by monetary, customer_id) as m_rank
    from measured
)
select *,
       {tiles} + 1 - greatest(1, ceil((r_rank - 1) * {tiles} / (n - 1))) as r_score,
       greatest(1, ceil((f_rank - 1) * {tiles} / (n - 1))) as f_score,
       greatest(1, ceil((m_rank - 1) * {tiles} / (n - 1))) as m_score,
       monetary * {margin} as ltv
from ranked;

create temp table gaps as
with days as (select distinct customer_id, cast(invoiced_at as date) as day from lines)
select customer_id, date_diff('day', lag(day) over (partition by customer_id order by day), day) as gap
from days;
"""

_SUMMARY = """
with threshold as (
    select quantile_cont(gap, {percentile} / 100) as days from gaps where gap is not null
), interval_std as (
    select customer_id, coalesce(stddev_pop(gap), 0) as purchase_interval_std from gaps group by customer_id
), segmented as (
    select rfm.*, segments.segment_key, interval_std.purchase_interval_std,
           rfm.recency > threshold.days as churned, threshold.days as threshold_days
    from rfm
    cross join threshold
    left join interval_std using (customer_id)
    left join read_csv({segments}) as segments
        on segments.rfm_tiles = {tiles} and rfm.r_score = segments.r_score and rfm.f_score = segments.f_score
)
select segment_key, count(*) as customers, sum(monetary) as revenue, sum(ltv) as profit,
       avg(ltv) as mean_ltv, median(ltv) as median_ltv, count(*) filter (where churned) as churned,
       max(threshold_days) as threshold_days
from segmented group by segment_key order by segment_key
"""


def seed_method(path: Path) -> dict[str, object]:
    with duckdb.connect(config={"preserve_insertion_order": False}) as con:
        con.execute(_SCRIPT.format(path=sql_string(str(path)), tiles=TILES, margin=PROFIT_MARGIN))
        segments = sql_string(str(config.REPO_ROOT / "seeds" / "rfm_segments.csv"))
        rows = con.execute(_SUMMARY.format(percentile=CHURN_PERCENTILE, segments=segments, tiles=TILES)).fetchall()
    return {
        "customers": sum(row[1] for row in rows),
        "churn_threshold_days": float(rows[0][7]),
        "churned": sum(row[6] for row in rows),
        "segment_customers": {row[0]: row[1] for row in rows},
    }
