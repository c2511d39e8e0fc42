-- One row per customer per month-end from the month of their first purchase through the current
-- snapshot's month, with the lifecycle stage at that month-end (doc block lifecycle_stage) and the
-- point-in-time figures it was decided on. The last month's row is read at the current snapshot.
with

staged as (

    select * from {{ ref('int_customer_month_ends_staged') }}

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
    from staged

)

select * from final
