-- One row per customer at the current snapshot: the features and the churn status label the ml step
-- trains and scores on. The column list is a contract the ml step codes against: add columns at the
-- end, never rename or reorder.
with

customers as (

    -- Every customer at the current snapshot, with the seed's figures.
    select * from {{ ref('int_customers_current_profiled') }}

),

final as (

    select
        customer_id,
        recency_days,
        frequency,
        monetary,
        r_score,
        f_score,
        m_score,
        segment_key,
        average_order_value,
        -- The seed's np.std of the gaps: 0, not unknown, with a single purchase day.
        coalesce(gap_std_days, 0) as purchase_interval_std,
        unique_products,
        purchase_days,
        -- The seed's tenure: first to last purchase day (the point-in-time tenure_days runs to the as-of).
        purchase_span_days as tenure_days,
        gap_mean_days as mean_purchase_gap_days,
        items_per_order,
        return_rate,
        recent_spend_share,
        is_domestic,
        churn_threshold_days,
        is_churned,
        churn_status,
        -- added after the original contract
        as_of_at as snapshot_at
    from customers

)

select * from final
