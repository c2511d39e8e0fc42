-- One row per customer at the current snapshot: the features and the churn status label the ml step
-- trains and scores on. The column list is a contract the ml step codes against: add columns at the
-- end, never rename or reorder.
with

measured as (

    select * from {{ ref('int_customers_measured') }}

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
        measured.average_order_value,
        measured.purchase_interval_std,
        measured.unique_products,
        measured.purchase_days,
        measured.tenure_days,
        measured.mean_purchase_gap_days,
        measured.items_per_order,
        measured.return_rate,
        measured.recent_spend_share,
        measured.is_domestic,
        labelled.churn_threshold_days,
        labelled.is_churned,
        labelled.churn_status,
        -- added after the original contract
        labelled.as_of_at as snapshot_at
    from labelled
    inner join current_snapshot
        on labelled.as_of_at = current_snapshot.as_of_at
    inner join measured
        on
            labelled.as_of_at = measured.as_of_at
            and labelled.customer_id = measured.customer_id

)

select * from final
