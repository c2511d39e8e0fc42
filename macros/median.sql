{#- The exact median of `value` over the group (linear interpolation between the two middle values,
    NULLs skipped): DuckDB's median(), Spark's percentile(x, 0.5), the standard percentile_cont
    elsewhere. -#}
{% macro median(value) -%}
    {{ return(adapter.dispatch('median')(value)) }}
{%- endmacro %}

{% macro default__median(value) -%}
    percentile_cont(0.5) within group (order by {{ value }})
{%- endmacro %}

{% macro duckdb__median(value) -%}
    median({{ value }})
{%- endmacro %}

{% macro spark__median(value) -%}
    percentile({{ value }}, 0.5)
{%- endmacro %}
