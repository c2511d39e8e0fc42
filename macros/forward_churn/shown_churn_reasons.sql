{#- The reason codes customers_at_risk shows, one row per customer and code (reason_rank 1..3):
    the mart's three code columns read back as rows, for the tests that check them. -#}
{% macro shown_churn_reasons() -%}
    {% for rank in range(1, 4) %}
        select
            customer_id,
            as_of_at,
            {{ rank }} as reason_rank,
            reason_{{ rank }}_code as code,
            reason_{{ rank }} as reason
        from {{ ref('customers_at_risk') }}
        where reason_{{ rank }}_code is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
{%- endmacro %}
