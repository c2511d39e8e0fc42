-- The forward model's per-feature contributions the ml step wrote back: one row per scored customer
-- and feature the model uses (SHAP in log-odds of the uncalibrated model; positive = towards churn).
with

source as (

    select * from {{ source('ml', 'forward_churn_contributions') }}

),

renamed as (

    select
        ---------- ids
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(feature as {{ dbt.type_string() }}) as feature,

        ---------- numerics
        cast(contribution as {{ type_double() }}) as contribution,

        ---------- timestamps
        cast(as_of_at as {{ dbt.type_timestamp() }}) as as_of_at
    from source

)

select * from renamed
