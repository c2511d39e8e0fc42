-- The predicted-value figures the ml step wrote back, one row per customer of the current cut-off.
with

source as (

    select * from {{ source('ml', 'customer_value_predictions') }}

),

renamed as (

    select
        ---------- ids
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        model_name,
        model_version,

        ---------- numerics
        cast(probability_active as {{ type_double() }}) as probability_active,
        cast(expected_purchases_90d as {{ type_double() }}) as expected_purchases_90d,
        cast(expected_purchases_365d as {{ type_double() }}) as expected_purchases_365d,
        cast(median_purchases_90d as {{ type_double() }}) as median_purchases_90d,
        cast(expected_spend_per_purchase as {{ type_double() }}) as expected_spend_per_purchase,
        cast(clv_horizon_days as {{ dbt.type_int() }}) as clv_horizon_days,
        cast(discounted_expected_purchases as {{ type_double() }}) as discounted_expected_purchases,
        cast(retention_horizon_days as {{ dbt.type_int() }}) as retention_horizon_days,
        cast(expected_purchases_if_active as {{ type_double() }}) as expected_purchases_if_active,
        cast(mean_days_between_purchases_if_active as {{ type_double() }})
            as mean_days_between_purchases_if_active,
        cast(median_days_to_next_purchase_if_active as {{ type_double() }})
            as median_days_to_next_purchase_if_active,

        ---------- timestamps
        cast(cut_off_at as {{ dbt.type_timestamp() }}) as cut_off_at,
        cast(scored_at as {{ dbt.type_timestamp() }}) as scored_at
    from source

)

select * from renamed
