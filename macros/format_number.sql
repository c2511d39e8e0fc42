{#- A number as text with thousands separators and `decimals` decimals: 14263.4 -> '14,263'. The
    value is rounded first (half away from zero), so the text always agrees with round(value,
    decimals), which is what singular/plural choices compare. -#}
{% macro format_number(value, decimals=0) -%}
    {{ return(adapter.dispatch('format_number')(value, decimals)) }}
{%- endmacro %}

{% macro default__format_number(value, decimals=0) -%}
    format_number(round({{ value }}, {{ decimals }}), {{ decimals }})
{%- endmacro %}

{% macro duckdb__format_number(value, decimals=0) -%}
    format('{:,.{{ decimals }}f}', cast(round({{ value }}, {{ decimals }}) as double))
{%- endmacro %}
