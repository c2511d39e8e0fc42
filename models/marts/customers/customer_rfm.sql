-- One row per customer at the current snapshot: RFM values and scores, segment, LTV and churn
-- status. The seed document's rfm_for_tableau.csv; the Tableau dashboard reads it.
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
        ---------- ids
        labelled.customer_id,

        ---------- customer
        featured.country,
        featured.is_domestic,
        featured.first_purchase_at,
        featured.last_purchase_at,

        ---------- rfm
        labelled.recency_days,
        labelled.frequency,
        labelled.monetary,
        labelled.r_score,
        labelled.f_score,
        labelled.m_score,
        labelled.rfm_score,

        ---------- segment and value
        labelled.segment_key,
        labelled.segment_name_en,
        labelled.segment_name_zh,
        labelled.suggested_action,
        labelled.ltv,

        ---------- churn
        labelled.churn_threshold_days,
        labelled.is_churned,
        labelled.churn_status,

        ---------- snapshot
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
