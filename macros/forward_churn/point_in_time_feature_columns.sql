{#- The feature columns of the point-in-time marts (churn_training_snapshots,
    churn_scoring_snapshot), in contract order; windowed ones for every W in var
    feature_windows_days. One list, so training and scoring can never disagree. -#}
{% macro point_in_time_feature_columns() -%}
    {%- set columns = [
        'country', 'is_domestic',
        'recency_days', 'tenure_days', 'purchase_days', 'invoices', 'spend', 'average_order_value',
        'items_per_order', 'unique_products', 'cancellation_invoices',
        'r_score', 'f_score', 'm_score',
    ] -%}
    {%- for window in var('feature_windows_days') | map('int') -%}
        {%- for feature in [
            'purchase_days', 'invoices', 'spend', 'average_order_value', 'items_per_order',
            'new_products', 'cancellation_invoices',
        ] -%}
            {%- do columns.append(feature ~ '_' ~ window ~ 'd') -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- do columns.extend([
        'gap_mean_days', 'gap_std_days', 'last_gap_days', 'overdue_ratio',
        'spend_prev_90d', 'spend_trend_90d',
    ]) -%}
    {{ return(columns) }}
{%- endmacro %}
