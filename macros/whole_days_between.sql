{#- Whole 24-hour periods elapsed from `start_at` to `end_at`: floor(seconds / 86400), as pandas
    `Timedelta.days` counts them. A calendar-day difference (`dbt.datediff(..., 'day')`) counts
    midnights instead and is one day larger whenever the clock time of `end_at` is earlier than
    that of `start_at`. -#}
{% macro whole_days_between(start_at, end_at) -%}
    cast(floor({{ dbt.datediff(start_at, end_at, 'second') }} / 86400.0) as {{ dbt.type_int() }})
{%- endmacro %}
