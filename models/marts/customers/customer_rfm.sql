-- One row per customer at the current snapshot: RFM values and scores, segment, LTV and churn
-- status. The seed document's rfm_for_tableau.csv; the Tableau dashboard reads it.
with

customers as (

    -- Every customer at the current snapshot, with the seed's figures.
    select * from {{ ref('int_customers_current_profiled') }}

),

final as (

    select
        ---------- ids
        customer_id,

        ---------- customer
        country,
        is_domestic,
        first_purchase_at,
        last_purchase_at,

        ---------- rfm
        recency_days,
        frequency,
        monetary,
        r_score,
        f_score,
        m_score,
        rfm_score,

        ---------- segment and value
        segment_key,
        segment_name_en,
        segment_name_zh,
        suggested_action,
        ltv,

        ---------- churn
        churn_threshold_days,
        is_churned,
        churn_status,

        ---------- snapshot
        as_of_at as snapshot_at

    from customers

)

select * from final
