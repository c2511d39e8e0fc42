-- One row per customer at the current snapshot: the features and the churn status label the ml step
-- trains and scores on. The column list is a contract the ml step codes against: add columns at the
-- end, never rename or reorder.
with

featured as (

    -- The point-in-time features at the current snapshot hold the seed's customer figures.
    select * from {{ ref('int_customers_point_in_time_featured') }}

),

labelled as (

    select * from {{ ref('int_customers_churn_labelled') }}

),

current_snapshot as (

    select * from {{ ref('int_snapshots_spined') }}
    where is_current

),

final as (

    select
        labelled.customer_id,
        labelled.recency_days,
        labelled.frequency,
        labelled.monetary,
        labelled.r_score,
        labelled.f_score,
        labelled.m_score,
        labelled.segment_key,
        featured.average_order_value,
        -- The seed's np.std of the gaps: 0, not unknown, with a single purchase day.
        coalesce(featured.gap_std_days, 0) as purchase_interval_std,
        featured.unique_products,
        featured.purchase_days,
        -- The seed's tenure: first to last purchase day (the point-in-time tenure_days runs to the as-of).
        featured.purchase_span_days as tenure_days,
        featured.gap_mean_days as mean_purchase_gap_days,
        featured.items_per_order,
        featured.return_rate,
        featured.recent_spend_share,
        featured.is_domestic,
        labelled.churn_threshold_days,
        labelled.is_churned,
        labelled.churn_status,
        -- added after the original contract
        labelled.as_of_at as snapshot_at
    from labelled
    inner join current_snapshot
        on labelled.as_of_at = current_snapshot.as_of_at
    inner join featured
        on
            labelled.as_of_at = featured.as_of_at
            and labelled.customer_id = featured.customer_id

)

select * from final
