-- The churn threshold per as-of: the var churn_gap_percentile percentile (linear interpolation, as
-- numpy's np.percentile) of the gaps between consecutive purchase days, pooled over all customers.
-- A customer whose recency exceeds it has gone longer without buying than (by default) 95% of all
-- observed gaps between two purchases.
with

spine as (

    -- The seed's contemporaneous chain computes the current snapshot only: copying every line once
    -- per as-of does not scale. Past as-ofs get their features from the customer-invoice aggregate
    -- (int_customers_point_in_time_featured).
    select * from {{ ref('int_snapshots_spined') }}
    where is_current

),

purchase_days as (

    select * from {{ ref('int_customer_purchase_days_sequenced') }}

),

pooled as (

    select
        as_of_at,
        count(gap_days) as gaps_pooled,
        percentile_cont({{ var('churn_gap_percentile') }}) within group (
            order by gap_days
        ) as threshold_days
    from purchase_days
    where gap_days is not null
    group by as_of_at

),

final as (

    select
        spine.as_of_at,
        spine.is_current,
        cast(pooled.threshold_days as {{ type_double() }}) as threshold_days,
        cast({{ var('churn_gap_percentile') }} as {{ type_double() }}) as percentile,
        cast(coalesce(pooled.gaps_pooled, 0) as {{ dbt.type_int() }}) as gaps_pooled
    from spine
    left join pooled
        on spine.as_of_at = pooled.as_of_at

)

select * from final
