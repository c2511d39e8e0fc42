{#- True when `pattern` (a regular expression) matches somewhere in `value`. -#}
{% macro regexp_contains(value, pattern) -%}
    {{ return(adapter.dispatch('regexp_contains')(value, pattern)) }}
{%- endmacro %}

{% macro default__regexp_contains(value, pattern) -%}
    regexp_like({{ value }}, {{ pattern }})
{%- endmacro %}

{% macro duckdb__regexp_contains(value, pattern) -%}
    regexp_matches({{ value }}, {{ pattern }})
{%- endmacro %}

{% macro spark__regexp_contains(value, pattern) -%}
    {{ value }} rlike {{ pattern }}
{%- endmacro %}
