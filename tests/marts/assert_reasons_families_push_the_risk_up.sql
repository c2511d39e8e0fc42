-- A reason is shown only when its family's contributions add up to a push towards churn: a
-- family that lowers the risk never explains it.
with

shown as (

    {{ shown_churn_reasons() }}

),

codes as (

    select * from {{ ref('churn_reason_codes') }}

),

family_scores as (

    select * from {{ ref('int_churn_reason_families_scored') }}

)

select
    shown.customer_id,
    shown.code,
    family_scores.family_score
from shown
inner join codes
    on shown.code = codes.code
left join family_scores
    on
        shown.customer_id = family_scores.customer_id
        and shown.as_of_at = family_scores.as_of_at
        and codes.family = family_scores.family
where coalesce(family_scores.family_score, 0) <= 0
