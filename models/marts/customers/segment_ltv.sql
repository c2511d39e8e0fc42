-- One row per segment at the current snapshot: how many customers, what they spent and what profit
-- (historical LTV) they brought, with shares of the total and mean / median LTV per customer. The
-- "value contribution" view of the dashboard.
with

customers as (

    select * from {{ ref('customer_rfm') }}

),

segment_totals as (

    select
        segment_key,
        max(segment_name_en) as segment_name_en,
        max(segment_name_zh) as segment_name_zh,
        max(suggested_action) as suggested_action,
        count(*) as customers,
        -- Exact decimals (LTV is spend x margin: 6 places): a sum of doubles depends on the order
        -- threads add them in, and reruns of one file differed in the last digit.
        sum(cast(monetary as decimal(18, 4))) as revenue,
        sum(cast(ltv as decimal(18, 6))) as profit,
        -- The mean as the exact sum over the count: avg() of a decimal is a double in DuckDB but a
        -- decimal rounded to 10 places in Spark.
        cast(sum(cast(ltv as decimal(18, 6))) as {{ type_double() }}) / count(*) as mean_ltv,
        percentile_cont(0.5) within group (order by ltv) as median_ltv,
        sum(case when is_churned then 1 else 0 end) as churned_customers,
        max(snapshot_at) as snapshot_at
    from customers
    group by segment_key

),

final as (

    select
        segment_key,
        segment_name_en,
        segment_name_zh,
        suggested_action,
        cast(customers as {{ dbt.type_int() }}) as customers,
        cast(customers / sum(customers) over () as {{ type_double() }}) as customer_share,
        cast(revenue as {{ type_double() }}) as revenue,
        -- Shares divide the exact sums as doubles: a decimal quotient is rounded to 10 places in Spark.
        cast(revenue as {{ type_double() }}) / cast(sum(revenue) over () as {{ type_double() }}) as revenue_share,
        cast(profit as {{ type_double() }}) as profit,
        cast(profit as {{ type_double() }}) / cast(sum(profit) over () as {{ type_double() }}) as profit_share,
        cast(mean_ltv as {{ type_double() }}) as mean_ltv,
        cast(median_ltv as {{ type_double() }}) as median_ltv,
        cast(churned_customers as {{ dbt.type_int() }}) as churned_customers,
        cast(churned_customers / customers as {{ type_double() }}) as churn_rate,
        snapshot_at
    from segment_totals

)

select * from final
