-- One row per customer the forward model scored at the current snapshot, ranked by value at risk:
-- churn probability x the profit they are expected to bring over the horizon if retained (the
-- predicted value if retained from customer_value; the spend run-rate when the ml step had too
-- little data to predict it), with
-- their segment and suggested action, a risk level against the base rate, and up to three reason
-- codes with their sentences (int_churn_reasons_selected). Built after the ml step wrote
-- ml.forward_churn_scores and ml.forward_churn_contributions (dbt build --select source:ml+).
{%- set lookback = var('expected_value_lookback_days') | int -%}
{%- if lookback not in var('feature_windows_days') | map('int') | list -%}
    {{ exceptions.raise_compiler_error(
        "var expected_value_lookback_days (" ~ lookback ~ ") must be one of feature_windows_days "
        ~ var('feature_windows_days') | string
    ) }}
{%- endif %}

with

scores as (

    select * from {{ ref('stg_ml__forward_churn_scores') }}

),

features as (

    select * from {{ ref('churn_scoring_snapshot') }}

),

customers as (

    select * from {{ ref('customer_rfm') }}

),

predicted_values as (

    select * from {{ ref('customer_value') }}

),

selected_reasons as (

    select * from {{ ref('int_churn_reasons_selected') }}

),

-- One row per customer with a shown reason: the reasons side by side, strongest family first.
reasons as (

    select
        customer_id,
        as_of_at,
        {% for rank in range(1, 4) -%}
            max(case when reason_rank = {{ rank }} then code end) as reason_{{ rank }}_code,
            max(case when reason_rank = {{ rank }} then reason end)
                as reason_{{ rank }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from selected_reasons
    group by
        customer_id,
        as_of_at

),

valued as (

    select
        scores.customer_id,
        scores.as_of_at,
        scores.churn_probability,
        scores.horizon_days,
        customers.segment_key,
        customers.segment_name_en,
        customers.segment_name_zh,
        customers.suggested_action,
        features.country,
        customers.ltv as historical_ltv,
        -- See the expected_horizon_value doc block: the predicted value if retained (conditional on
        -- being active, so the churn probability does not count dropout twice); without a
        -- prediction, the run-rate: daily profit over the last lookback days (or the customer's
        -- whole history when shorter, but never fewer days than the horizon) times the horizon.
        coalesce(
            case
                when predicted_values.retention_horizon_days = scores.horizon_days
                    then predicted_values.value_if_retained
            end,
            {{ var('profit_margin') }} * features.spend_{{ lookback }}d
            / greatest(least({{ lookback }}, features.tenure_days), scores.horizon_days)
            * scores.horizon_days
        ) as expected_horizon_value,
        case
            when
                predicted_values.value_if_retained is not null
                and predicted_values.retention_horizon_days = scores.horizon_days
                then 'predicted'
            else 'run_rate'
        end as expected_value_source,
        -- The base rate the risk level compares with: the mean churn probability of the scored
        -- customers (see the risk_level doc block).
        avg(scores.churn_probability) over () as base_churn_probability,
        coalesce(reasons.reason_1, 'no specific risk signal: listed for its value') as reason_1,
        reasons.reason_1_code,
        reasons.reason_2,
        reasons.reason_2_code,
        reasons.reason_3,
        reasons.reason_3_code,
        scores.validation_status,
        scores.model_version
    from scores
    inner join features
        on
            scores.customer_id = features.customer_id
            and scores.as_of_at = features.as_of_at
    inner join customers
        on scores.customer_id = customers.customer_id
    left join predicted_values
        on scores.customer_id = predicted_values.customer_id
    left join reasons
        on
            scores.customer_id = reasons.customer_id
            and scores.as_of_at = reasons.as_of_at

),

final as (

    select
        customer_id,
        as_of_at,
        churn_probability,
        case
            when churn_probability >= {{ var('risk_level_high_multiple') }} * base_churn_probability then 'high'
            when churn_probability >= {{ var('risk_level_elevated_multiple') }} * base_churn_probability
                then 'elevated'
            else 'normal'
        end as risk_level,
        horizon_days,
        segment_key,
        segment_name_en,
        segment_name_zh,
        suggested_action,
        country,
        historical_ltv,
        cast(expected_horizon_value as {{ type_double() }}) as expected_horizon_value,
        expected_value_source,
        cast(churn_probability * expected_horizon_value as {{ type_double() }}) as value_at_risk,
        cast(
            row_number() over (
                order by churn_probability * expected_horizon_value desc, churn_probability desc, customer_id asc
            ) as {{ dbt.type_int() }}
        ) as value_at_risk_rank,
        reason_1,
        reason_1_code,
        reason_2,
        reason_2_code,
        reason_3,
        reason_3_code,
        validation_status,
        model_version
    from valued

)

select * from final
