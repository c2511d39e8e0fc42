{#- An expression that stops the query with `message_sql` (an SQL string expression) as its error, so
    a failing test says what failed instead of dbt's "Got N results". Engine-specific. -#}
{% macro raise_error_in_query(message_sql) %}
    {{- return(adapter.dispatch('raise_error_in_query', 'customer_lifecycle')(message_sql)) -}}
{% endmacro %}

{% macro default__raise_error_in_query(message_sql) -%}
    error({{ message_sql }})
{%- endmacro %}

{% macro spark__raise_error_in_query(message_sql) -%}
    raise_error({{ message_sql }})
{%- endmacro %}
