{#- A 64-bit hash of several columns (NULLs included), to find candidate equal rows cheaply.
    Equal rows always hash equal; unequal rows rarely do, so a caller must still compare the
    columns themselves among the candidates: a collision then costs time, never correctness. -#}
{% macro row_hash(columns) -%}
    {{ return(adapter.dispatch('row_hash')(columns)) }}
{%- endmacro %}

{% macro default__row_hash(columns) -%}
    xxhash64({{ columns | join(', ') }})
{%- endmacro %}

{% macro duckdb__row_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}
