{#- A customer's rhythm, defined once for the forward churn features (int_customers_running_totalled)
    and the lifecycle stages (customer_lifecycle_stages), which measure it at different moments. -#}

{#- The usual gap: the mean gap in calendar days between consecutive purchase days; null with fewer
    than two purchase days. -#}
{% macro purchase_gap_mean_days(gap_sum, gaps) -%}
    cast({{ gap_sum }} as {{ type_double() }}) / nullif({{ gaps }}, 0)
{%- endmacro %}

{#- How many usual gaps the days since the last purchase make: above 1, the customer is overdue. -#}
{% macro purchase_overdue_ratio(recency_days, gap_mean_days) -%}
    {{ recency_days }} / {{ gap_mean_days }}
{%- endmacro %}
