-- The ml step's features and the dashboard's customer mart describe the same customers at the same
-- snapshot: same RFM values, scores, segment and churn status for every customer.
with

features as (

    select * from {{ ref('churn_features') }}

),

customers as (

    select * from {{ ref('customer_rfm') }}

),

disagreements as (

    select coalesce(features.customer_id, customers.customer_id) as customer_id
    from features
    full outer join customers
        on features.customer_id = customers.customer_id
    where
        features.customer_id is null
        or customers.customer_id is null
        or features.recency_days != customers.recency_days
        or features.frequency != customers.frequency
        or features.monetary != customers.monetary
        or features.r_score != customers.r_score
        or features.f_score != customers.f_score
        or features.m_score != customers.m_score
        or features.segment_key != customers.segment_key
        or features.is_domestic != customers.is_domestic
        or features.churn_status != customers.churn_status
        or features.snapshot_at != customers.snapshot_at

)

select * from disagreements
