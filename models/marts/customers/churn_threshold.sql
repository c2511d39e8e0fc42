-- One row: the churn threshold at the current snapshot, so reports can show the number behind
-- every churn_status.
with

thresholds as (

    -- Computed at the current snapshot only: one row.
    select * from {{ ref('int_churn_thresholds_computed') }}

),

final as (

    select
        threshold_days,
        percentile,
        gaps_pooled,
        as_of_at as snapshot_at
    from thresholds

)

select * from final
