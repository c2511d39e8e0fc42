-- The churn threshold per as-of: the var churn_gap_percentile percentile (linear interpolation, as
-- numpy's np.percentile) of the gaps between consecutive purchase days, pooled over all customers.
-- A customer whose recency exceeds it has gone longer without buying than (by default) 95% of all
-- observed gaps between two purchases.
with

spine as (

    -- The seed's churn label is computed at the current snapshot only.
    select * from {{ ref('int_snapshots_spined') }}
    where is_current

),

purchase_days as (

    select * from {{ ref('int_customer_purchase_days_gapped') }}

),

pooled as (

    -- A purchase day is before the as-of from its first purchase on; the days before an as-of are
    -- a prefix of the customer's days, so their gaps are those of the whole history.
    select
        spine.as_of_at,
        count(purchase_days.gap_days) as gaps_pooled,
        percentile_cont({{ var('churn_gap_percentile') }}) within group (
            order by purchase_days.gap_days
        ) as threshold_days
    from purchase_days
    inner join spine
        on purchase_days.first_purchased_at < spine.as_of_at
    where purchase_days.gap_days is not null
    group by spine.as_of_at

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
