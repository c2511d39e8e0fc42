-- One row per value cut-off and customer: the BTYD summary and the holdout actuals the ml step's
-- predicted-value forecast fits on, validates against and scores (python -m ml value, part of
-- python -m ml run). The settings the forecast needs travel as columns, as horizon_days does in
-- the churn marts, so the ml step never reads dbt vars.
with

summarised as (

    select * from {{ ref('int_customers_value_summarised') }}

),

final as (

    select
        cut_off_at,
        cut_off_kind,
        customer_id,
        first_purchased_on,
        last_purchased_on,
        purchase_days,
        frequency,
        recency_days,
        t_days,
        total_spend,
        first_day_spend,
        mean_repeat_spend,
        median_day_spend,
        capped_mean_day_spend,
        capped_mean_repeat_spend,
        cast({{ var('value_bulk_day_cap_multiple') }} as {{ type_double() }}) as bulk_day_cap_multiple,
        holdout_days,
        holdout_ends_at,
        has_complete_holdout,
        holdout_purchase_days,
        holdout_spend,
        cast({{ var('value_clv_horizon_days') }} as {{ dbt.type_int() }}) as clv_horizon_days,
        cast({{ var('value_annual_discount_rate') }} as {{ type_double() }}) as annual_discount_rate,
        -- customers_at_risk's horizon: the value a retained customer brings over it.
        cast({{ var('churn_horizon_days') }} as {{ dbt.type_int() }}) as retention_horizon_days
    from summarised

)

select * from final
