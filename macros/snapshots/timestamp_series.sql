{#- One row per timestamp from `start_at` through `end_at` (inclusive) every `step_count`
    `step_unit`s ('day' or 'month'), as a select with one column `series_at`, evaluated once per row
    of `bounds_relation` (a one-row CTE holding the bounds). Generating rows is engine-specific:
    DuckDB unnests generate_series(); another engine needs its own <adapter>__timestamp_series. -#}
{% macro timestamp_series(start_at, end_at, step_count, step_unit, bounds_relation) -%}
    {{ return(adapter.dispatch('timestamp_series')(start_at, end_at, step_count, step_unit, bounds_relation)) }}
{%- endmacro %}

{% macro default__timestamp_series(start_at, end_at, step_count, step_unit, bounds_relation) -%}
    {{ exceptions.raise_compiler_error(
        "timestamp_series has no implementation for adapter '" ~ adapter.type()
        ~ "': add macros/snapshots/timestamp_series.sql " ~ adapter.type() ~ "__timestamp_series"
    ) }}
{%- endmacro %}

{% macro duckdb__timestamp_series(start_at, end_at, step_count, step_unit, bounds_relation) -%}
    {%- if step_unit not in ['day', 'month'] -%}
        {{ exceptions.raise_compiler_error("timestamp_series: step_unit must be 'day' or 'month', got '" ~ step_unit ~ "'") }}
    {%- endif -%}
    select
        unnest(
            generate_series(
                cast({{ start_at }} as timestamp),
                cast({{ end_at }} as timestamp),
                interval '{{ step_count | int }} {{ step_unit }}'
            )
        ) as series_at
    from {{ bounds_relation }}
    where {{ start_at }} <= {{ end_at }}
{%- endmacro %}
