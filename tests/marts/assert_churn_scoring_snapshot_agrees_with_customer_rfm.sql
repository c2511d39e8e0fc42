-- At the current snapshot the point-in-time features (summed from the customer-invoice aggregate)
-- must equal the seed chain's figures (computed from the lines): same customers, recency,
-- frequency, monetary, R/F/M scores, country, unique products and purchase days. A difference
-- means one of the two ways of counting "lines before the as-of" is wrong.
with

scoring as (

    select * from {{ ref('churn_scoring_snapshot') }}

),

seed_chain as (

    select
        customer_rfm.*,
        churn_features.unique_products,
        churn_features.purchase_days
    from {{ ref('customer_rfm') }} as customer_rfm
    inner join {{ ref('churn_features') }} as churn_features
        on customer_rfm.customer_id = churn_features.customer_id

)

select
    coalesce(scoring.customer_id, seed_chain.customer_id) as customer_id,
    scoring.recency_days,
    seed_chain.recency_days as seed_recency_days
from scoring
full outer join seed_chain
    on scoring.customer_id = seed_chain.customer_id
where
    scoring.customer_id is null
    or seed_chain.customer_id is null
    or scoring.as_of_at != seed_chain.snapshot_at
    or scoring.recency_days != seed_chain.recency_days
    or scoring.invoices != seed_chain.frequency
    or abs(scoring.spend - seed_chain.monetary) > 1e-6
    or scoring.r_score != seed_chain.r_score
    or scoring.f_score != seed_chain.f_score
    or scoring.m_score != seed_chain.m_score
    or scoring.country != seed_chain.country
    or scoring.unique_products != seed_chain.unique_products
    or scoring.purchase_days != seed_chain.purchase_days
