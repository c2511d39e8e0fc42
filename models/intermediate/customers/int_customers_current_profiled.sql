-- Every customer at the current snapshot, profiled: the point-in-time features there (the seed's
-- customer figures), segment, historical LTV and churn status. The one place the current snapshot's
-- customers are joined together; customer_rfm, churn_features and churn_scoring_snapshot select
-- from here.
with

featured as (

    select * from {{ ref('int_customers_point_in_time_featured') }}

),

labelled as (

    select * from {{ ref('int_customers_churn_labelled') }}

),

current_snapshot as (

    select as_of_at from {{ ref('int_snapshots_spined') }}
    where is_current

),

final as (

    select
        featured.*,
        ---------- the seed's RFM names, segment and value
        labelled.frequency,
        labelled.monetary,
        labelled.rfm_score,
        labelled.segment_key,
        labelled.segment_name_en,
        labelled.segment_name_zh,
        labelled.suggested_action,
        labelled.ltv,

        ---------- churn status
        labelled.churn_threshold_days,
        labelled.is_churned,
        labelled.churn_status
    from labelled
    inner join current_snapshot
        on labelled.as_of_at = current_snapshot.as_of_at
    inner join featured
        on
            labelled.as_of_at = featured.as_of_at
            and labelled.customer_id = featured.customer_id

)

select * from final
