-- The dashboard's customer cube: customers, churned customers, revenue and profit (historical LTV)
-- per segment, country and R x F cell at the current snapshot. Every view of the dashboard (segment
-- counts, value contribution, the R x F matrix, LTV per segment) sums these cells after its segment
-- and country filters, so the page carries a few hundred rows instead of every customer.
with

customers as (

    select * from {{ ref('customer_rfm') }}

),

cells as (

    select
        segment_key,
        segment_name_en,
        country,
        r_score,
        f_score,
        count(*) as customers,
        sum(case when is_churned then 1 else 0 end) as churned_customers,
        -- Exact decimals (LTV is spend x margin: 6 places): a sum of doubles depends on the order
        -- threads add them in, and reruns of one file differed in the last digit.
        sum(cast(monetary as decimal(18, 4))) as revenue,
        sum(cast(ltv as decimal(18, 6))) as profit,
        max(snapshot_at) as snapshot_at
    from customers
    group by segment_key, segment_name_en, country, r_score, f_score

),

final as (

    select
        segment_key,
        segment_name_en,
        country,
        r_score,
        f_score,
        cast(customers as {{ dbt.type_int() }}) as customers,
        cast(churned_customers as {{ dbt.type_int() }}) as churned_customers,
        cast(revenue as {{ type_double() }}) as revenue,
        cast(profit as {{ type_double() }}) as profit,
        snapshot_at
    from cells

)

select * from final
