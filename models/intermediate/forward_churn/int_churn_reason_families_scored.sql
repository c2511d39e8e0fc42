-- One row per scored customer and reason family (seed churn_reason_codes): the family's score, the
-- sum of its features' contributions to the customer's churn score (log-odds; > 0 pushes towards
-- churn). Summing first is what keeps overlapping features that cancel out from giving a reason.
with

contributions as (

    select * from {{ ref('stg_ml__forward_churn_contributions') }}

),

codes as (

    select * from {{ ref('churn_reason_codes') }}

),

scored as (

    select
        contributions.customer_id,
        contributions.as_of_at,
        codes.family,
        sum(contributions.contribution) as family_score
    from contributions
    inner join codes
        on contributions.feature = codes.feature
    group by
        contributions.customer_id,
        contributions.as_of_at,
        codes.family

)

select * from scored
