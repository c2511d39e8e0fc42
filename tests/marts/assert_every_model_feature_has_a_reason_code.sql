-- The seed churn_reason_codes is the feature -> family map: every feature the shipped model uses
-- (it has contributions) needs exactly one code, or its push towards churn would count for no family.
with

model_features as (

    select distinct feature from {{ ref('stg_ml__forward_churn_contributions') }}

),

codes as (

    select * from {{ ref('churn_reason_codes') }}

)

select model_features.feature
from model_features
left join codes
    on model_features.feature = codes.feature
where codes.feature is null
