-- One row per acquisition cohort (month of the first purchase) per month since it, through the
-- current snapshot's month: cohort size, active customers and retention, orders, net revenue, and
-- revenue, cumulative net revenue and cumulative profit per cohort customer (the empirical LTV
-- curve). Summed from the customer-month grain (int_customer_months_aggregated), so a cell reads
-- the rows of its cohort and month, never the lines. Dense: a month no cohort customer bought in
-- has a row with 0 active customers, so the cumulative curves have a point every month.
with

customer_months as (

    select * from {{ ref('int_customer_months_aggregated') }}

),

months as (

    select * from {{ ref('int_months_spined') }}

),

cohort_sizes as (

    -- Every customer is active in the month of their first purchase: month 0 holds the cohort.
    select
        cohort_month,
        count(*) as cohort_customers
    from customer_months
    where months_since_first_purchase = 0
    group by cohort_month

),

cells as (

    select
        cohort_month,
        activity_month,
        count(case when is_active then 1 end) as active_customers,
        sum(orders) as orders,
        sum(net_revenue) as net_revenue
    from customer_months
    group by cohort_month, activity_month

),

grid as (

    select
        cohort_sizes.cohort_month,
        cohort_sizes.cohort_customers,
        months.month_start as activity_month,
        months.is_current,
        months.month_end_at < {{ dbt.dateadd('month', 1, 'months.month_start') }} as is_partial_month,
        coalesce(cells.active_customers, 0) as active_customers,
        coalesce(cells.orders, 0) as orders,
        cast(coalesce(cells.net_revenue, 0) as {{ type_double() }}) as net_revenue
    from cohort_sizes
    inner join months
        on cohort_sizes.cohort_month <= months.month_start
    left join cells
        on
            cohort_sizes.cohort_month = cells.cohort_month
            and months.month_start = cells.activity_month

),

cumulated as (

    select
        *,
        sum(net_revenue) over (
            partition by cohort_month order by activity_month rows between unbounded preceding and current row
        ) as cumulative_net_revenue
    from grid

),

final as (

    select
        ---------- keys
        cohort_month,
        cast(
            {{ dbt.datediff('cohort_month', 'activity_month', 'month') }}
            as {{ dbt.type_int() }}
        ) as months_since_first_purchase,
        activity_month,
        is_partial_month,

        ---------- customers
        cast(cohort_customers as {{ dbt.type_int() }}) as cohort_customers,
        cast(active_customers as {{ dbt.type_int() }}) as active_customers,
        cast(active_customers as {{ type_double() }}) / cohort_customers as retention_rate,

        ---------- value
        cast(orders as {{ dbt.type_int() }}) as orders,
        net_revenue,
        net_revenue / cohort_customers as net_revenue_per_cohort_customer,
        cumulative_net_revenue,
        cumulative_net_revenue / cohort_customers as cumulative_net_revenue_per_cohort_customer,
        cast(net_revenue * {{ var('profit_margin') }} as {{ type_double() }}) as profit,
        cast(cumulative_net_revenue * {{ var('profit_margin') }} as {{ type_double() }}) / cohort_customers
            as cumulative_profit_per_cohort_customer
    from cumulated

)

select * from final
