{#- dbt's safe_cast() renders a plain cast() on DuckDB (dbt-duckdb has no override), which fails on
    a value that does not convert. DuckDB's try_cast() gives NULL instead, which is what "safe"
    promises; dbt looks for `duckdb__safe_cast` in this project before its own. -#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
