{#- One row per timestamp from `start_at` through `end_at` (inclusive) every `step_count`
    `step_unit`s ('day' or 'month'), as a select with one column `series_at`, evaluated once per row
    of `bounds_relation` (a one-row CTE holding the bounds). Each element is start + k steps (a
    month step from the 1st stays on the 1st). Generating rows is engine-specific
    (timestamp_series_rows): DuckDB unnests generate_series(), Spark explodes sequence(); another
    engine needs its own <adapter>__timestamp_series_rows. -#}
{% macro timestamp_series(start_at, end_at, step_count, step_unit, bounds_relation) -%}
    {%- if step_unit not in ['day', 'month'] -%}
        {{ exceptions.raise_compiler_error("timestamp_series: step_unit must be 'day' or 'month', got '" ~ step_unit ~ "'") }}
    {%- endif -%}
    select
        {{ adapter.dispatch('timestamp_series_rows')(
            'cast(' ~ start_at ~ ' as timestamp)', 'cast(' ~ end_at ~ ' as timestamp)', step_count | int, step_unit
        ) }} as series_at
    from {{ bounds_relation }}
    where {{ start_at }} <= {{ end_at }}
{%- endmacro %}

{% macro default__timestamp_series_rows(start_at, end_at, step_count, step_unit) -%}
    {{ exceptions.raise_compiler_error(
        "timestamp_series has no implementation for adapter '" ~ adapter.type()
        ~ "': add macros/snapshots/timestamp_series.sql " ~ adapter.type() ~ "__timestamp_series_rows"
    ) }}
{%- endmacro %}

{% macro duckdb__timestamp_series_rows(start_at, end_at, step_count, step_unit) -%}
    unnest(generate_series({{ start_at }}, {{ end_at }}, interval '{{ step_count }} {{ step_unit }}'))
{%- endmacro %}

{% macro spark__timestamp_series_rows(start_at, end_at, step_count, step_unit) -%}
    explode(sequence({{ start_at }}, {{ end_at }}, interval {{ step_count }} {{ step_unit }}))
{%- endmacro %}
