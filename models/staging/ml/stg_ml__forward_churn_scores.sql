-- The forward churn scores the ml step wrote back, one row per scored customer: the only place
-- the ml source is read.
with

source as (

    select * from {{ source('ml', 'forward_churn_scores') }}

),

renamed as (

    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(as_of_at as {{ dbt.type_timestamp() }}) as as_of_at,
        cast(horizon_days as {{ dbt.type_int() }}) as horizon_days,
        cast(churn_probability as {{ type_double() }}) as churn_probability,
        driver_1,
        cast(driver_1_shap as {{ type_double() }}) as driver_1_shap,
        driver_2,
        cast(driver_2_shap as {{ type_double() }}) as driver_2_shap,
        driver_3,
        cast(driver_3_shap as {{ type_double() }}) as driver_3_shap,
        model_name,
        model_version,
        cast(scored_at as {{ dbt.type_timestamp() }}) as scored_at
    from source

)

select * from renamed
