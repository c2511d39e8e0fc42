-- The dashboard's churn view: customers per recency bin (width: var dashboard_recency_bin_days),
-- split by churn status, per segment and country, so the page can draw the recency distribution
-- against the churn threshold after its filters.
with

customers as (

    select * from {{ ref('customer_rfm') }}

),

binned as (

    select
        segment_key,
        segment_name_en,
        country,
        is_churned,
        floor(recency_days / {{ var('dashboard_recency_bin_days') }})
        * {{ var('dashboard_recency_bin_days') }} as recency_bin_start_days
    from customers

),

final as (

    select
        segment_key,
        segment_name_en,
        country,
        cast(recency_bin_start_days as {{ dbt.type_int() }}) as recency_bin_start_days,
        cast({{ var('dashboard_recency_bin_days') }} as {{ dbt.type_int() }}) as recency_bin_days,
        is_churned,
        cast(count(*) as {{ dbt.type_int() }}) as customers
    from binned
    group by segment_key, segment_name_en, country, recency_bin_start_days, is_churned

)

select * from final
