-- The forward churn scores the ml step wrote back, one row per scored customer.
with

source as (

    select * from {{ source('ml', 'forward_churn_scores') }}

),

renamed as (

    select
        ---------- ids
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        model_name,
        model_version,

        ---------- strings
        cast(validation_status as {{ dbt.type_string() }}) as validation_status,

        ---------- numerics
        cast(horizon_days as {{ dbt.type_int() }}) as horizon_days,
        cast(churn_probability as {{ type_double() }}) as churn_probability,

        ---------- timestamps
        cast(as_of_at as {{ dbt.type_timestamp() }}) as as_of_at,
        cast(scored_at as {{ dbt.type_timestamp() }}) as scored_at
    from source

)

select * from renamed
