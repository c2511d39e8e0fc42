{#- `value` as an SQL string literal: wrapped in single quotes, each quote inside doubled, so a var
    such as domestic_country: "Côte d'Ivoire" can neither break nor change the query. -#}
{% macro sql_string(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}
