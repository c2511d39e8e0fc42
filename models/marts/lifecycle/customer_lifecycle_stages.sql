-- One row per customer per month-end from the month of their first purchase through the current
-- snapshot's month, with the lifecycle stage at that month-end (doc block lifecycle_stage) and the
-- point-in-time figures it was decided on. A customer's figures come from purchases before the
-- month-end (the last month's row is read at the current snapshot). The churn threshold is the
-- project's one (int_churn_thresholds_computed, at the current snapshot), applied to every
-- month-end alike: a threshold pooled from the gaps known at each month-end was measured and left
-- out, because the first months only show short gaps (on the real data 14 days at the end of
-- December 2010, 76 at the end of March 2011, 154 by the end of November 2011), so most of a young
-- month's customers would read as lapsed (docs/lifecycle.md). At the snapshot's month the row is
-- customer_rfm's churn status: lapsed exactly when churned.
-- Running figures are windows over the customer's months (last purchase, gaps between purchase
-- days), so a month-end reads one row per month instead of the invoices before it. The stage logic
-- is in the mart itself, not an intermediate model under it: one table of customer x month-end
-- rows is written instead of two.
{%- set overdue_ratio = var('lifecycle_at_risk_overdue_ratio') -%}
{%- set threshold_share = var('lifecycle_at_risk_threshold_share') -%}
{%- set customer_months_frame -%}
    over (partition by grid.customer_id order by grid.month_start rows between unbounded preceding and current row)
{%- endset %}

with

months as (

    select * from {{ ref('int_months_spined') }}

),

customer_months as (

    select * from {{ ref('int_customer_months_aggregated') }}

),

thresholds as (

    select threshold_days as churn_threshold_days
    from {{ ref('int_churn_thresholds_computed') }}
    where is_current

),

customers as (

    select
        customer_id,
        min(first_purchase_at) as first_purchase_at,
        min(cohort_month) as cohort_month
    from customer_months
    group by customer_id

),

grid as (

    select
        customers.customer_id,
        customers.first_purchase_at,
        customers.cohort_month,
        months.month_start,
        months.month_end_at,
        months.is_current,
        coalesce(customer_months.is_active, false) as has_purchase_in_month,
        coalesce(customer_months.orders, 0) as orders_in_month,
        customer_months.last_purchase_at as last_purchase_in_month_at,
        coalesce(customer_months.purchase_gaps, 0) as purchase_gaps,
        coalesce(customer_months.purchase_gap_days, 0) as purchase_gap_days
    from customers
    inner join months
        on customers.cohort_month <= months.month_start
    left join customer_months
        on
            customers.customer_id = customer_months.customer_id
            and months.month_start = customer_months.activity_month

),

running as (

    select
        grid.*,
        max(grid.last_purchase_in_month_at) {{ customer_months_frame }} as last_purchase_at,
        sum(grid.purchase_gaps) {{ customer_months_frame }} as gaps,
        sum(grid.purchase_gap_days) {{ customer_months_frame }} as gap_sum
    from grid

),

measured as (

    select
        running.*,
        {{ whole_days_between('running.last_purchase_at', 'running.month_end_at') }} as recency_days,
        -- The usual gap of the forward churn features.
        {{ purchase_gap_mean_days('running.gap_sum', 'running.gaps') }} as gap_mean_days,
        thresholds.churn_threshold_days
    from running
    cross join thresholds

),

lapsed as (

    select
        *,
        {{ purchase_overdue_ratio('recency_days', 'gap_mean_days') }} as overdue_ratio,
        coalesce(recency_days > churn_threshold_days, false) as is_lapsed
    from measured

),

staged as (

    select
        *,
        lag(is_lapsed) over (partition by customer_id order by month_start) as was_lapsed
    from lapsed

),

classified as (

    select
        customer_id,
        month_start as stage_month,
        month_end_at,
        is_current,
        cohort_month,
        cast(
            {{ dbt.datediff('cohort_month', 'month_start', 'month') }}
            as {{ dbt.type_int() }}
        ) as months_since_first_purchase,
        first_purchase_at,
        last_purchase_at,
        cast(recency_days as {{ dbt.type_int() }}) as recency_days,
        has_purchase_in_month,
        cast(orders_in_month as {{ dbt.type_int() }}) as orders_in_month,
        cast(gap_mean_days as {{ type_double() }}) as gap_mean_days,
        cast(overdue_ratio as {{ type_double() }}) as overdue_ratio,
        cast(churn_threshold_days as {{ type_double() }}) as churn_threshold_days,
        is_lapsed,
        -- Precedence: past the threshold at the month-end wins; then a first purchase this month;
        -- then a purchase after a lapsed month-end; then overdue; else active.
        case
            when is_lapsed then 'lapsed'
            when month_start = cohort_month then 'new'
            when has_purchase_in_month and coalesce(was_lapsed, false) then 'reactivated'
            when
                overdue_ratio > {{ overdue_ratio }}
                or recency_days > {{ threshold_share }} * churn_threshold_days
                then 'at_risk'
            else 'active'
        end as lifecycle_stage
    from staged

),

with_previous as (

    select
        *,
        lag(lifecycle_stage) over (partition by customer_id order by stage_month) as previous_lifecycle_stage
    from classified

),

final as (

    select
        ---------- keys
        customer_id,
        stage_month,
        month_end_at,
        is_current,

        ---------- stage
        lifecycle_stage,
        previous_lifecycle_stage,

        ---------- cohort
        cohort_month,
        months_since_first_purchase,
        first_purchase_at,

        ---------- point in time, before month_end_at
        last_purchase_at,
        recency_days,
        has_purchase_in_month,
        orders_in_month,
        gap_mean_days,
        overdue_ratio,
        churn_threshold_days,
        is_lapsed
    from with_previous

)

select * from final
