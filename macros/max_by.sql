{#- The value of `value` on the row with the largest `ordering` in the group (NULL orderings are
    skipped). DuckDB and Spark call it max_by(); an engine without it needs <adapter>__max_by. -#}
{% macro max_by(value, ordering) -%}
    {{ return(adapter.dispatch('max_by')(value, ordering)) }}
{%- endmacro %}

{% macro default__max_by(value, ordering) -%}
    max_by({{ value }}, {{ ordering }})
{%- endmacro %}
