-- One row per customer at the current snapshot: what they have bought (the BTYD summary) and what
-- they are predicted to be worth (the ml step's BG/NBD + Gamma-Gamma figures): probability of being
-- active, expected purchases, predicted CLV (profit, discounted), mean days between purchases and
-- the expected next purchase date. Built after the ml step (dbt build --select source:ml+).
with

summaries as (

    select * from {{ ref('customer_value_summaries') }}
    where cut_off_kind = 'current'

),

predictions as (

    select * from {{ ref('stg_ml__customer_value_predictions') }}

),

final as (

    select
        summaries.customer_id,
        summaries.cut_off_at as as_of_at,

        ---------- history (BTYD summary at the current snapshot)
        summaries.first_purchased_on,
        summaries.last_purchased_on,
        summaries.purchase_days,
        summaries.frequency,
        summaries.recency_days,
        summaries.t_days,
        summaries.total_spend,
        cast(summaries.recency_days as {{ type_double() }})
        / nullif(summaries.frequency, 0) as historical_mean_days_between_purchases,

        ---------- prediction
        predictions.probability_active,
        predictions.expected_purchases_90d,
        predictions.expected_purchases_365d,
        predictions.median_purchases_90d,
        predictions.expected_spend_per_purchase,
        summaries.clv_horizon_days,
        summaries.annual_discount_rate,
        cast(
            {{ var('profit_margin') }} * predictions.expected_spend_per_purchase
            * predictions.discounted_expected_purchases as {{ type_double() }}
        ) as predicted_clv,
        predictions.retention_horizon_days,
        cast(
            {{ var('profit_margin') }} * predictions.expected_spend_per_purchase
            * predictions.expected_purchases_if_active as {{ type_double() }}
        ) as value_if_retained,
        predictions.mean_days_between_purchases_if_active as mean_days_between_purchases,
        cast(
            {{ dbt.dateadd(
                'day',
                'cast(ceil(predictions.median_days_to_next_purchase_if_active) as ' ~ dbt.type_int() ~ ')',
                'cast(summaries.cut_off_at as date)'
            ) }} as date
        ) as expected_next_purchase_on,
        coalesce(predictions.model_name, 'none') as model_name,
        predictions.model_version
    from summaries
    left join predictions
        on summaries.customer_id = predictions.customer_id

)

select * from final
