{#- A query giving, once each, the values of `expression` over `relation` that occur on more than
    one row, in a column named `alias`. The ledger's duplicate pre-filter feeds it row hashes. -#}
{% macro repeated_values(expression, relation, alias) -%}
    {{ return(adapter.dispatch('repeated_values')(expression, relation, alias)) }}
{%- endmacro %}

{% macro default__repeated_values(expression, relation, alias) -%}
    select {{ expression }} as {{ alias }}
    from {{ relation }}
    group by 1
    having count(*) > 1
{%- endmacro %}

{#- DuckDB sorts the values and compares neighbours: cheaper than a hash aggregate over tens of
    millions of mostly distinct values (100x: this pre-filter ~14 -> ~11 CPU s, the whole duplicate
    search in the ledger 22.5 -> 15 CPU s). Not the default: a window without a partition runs on
    one task in Spark. -#}
{% macro duckdb__repeated_values(expression, relation, alias) -%}
    select distinct sorted_values.listed_value as {{ alias }}
    from (
        select
            listed_value,
            lag(listed_value) over (order by listed_value) as previous_value
        from (select {{ expression }} as listed_value from {{ relation }}) as listed_values
    ) as sorted_values
    where sorted_values.listed_value = sorted_values.previous_value
{%- endmacro %}
