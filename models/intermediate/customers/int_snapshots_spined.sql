-- The as-of spine: one row per as-of timestamp that customer features are computed at. The current
-- snapshot (var snapshot_date, default last kept invoice + 24 h) is always there; past as-of rows
-- for point-in-time training sets come from var snapshot_cadence:
--   monthly       the 1st of each month, from the first month start at least
--                 snapshot_min_history_days after the first kept invoice's date, through the last
--                 kept invoice;
--   every_n_days  every snapshot_every_n_days days from snapshot_start_date (default: as monthly's
--                 earliest date) through snapshot_end_date (default: the last kept invoice);
--   list          the timestamps in snapshot_as_of_dates.
-- Past rows are kept only when strictly before the current snapshot: a pinned past snapshot_date
-- is "now", and nothing after it may be trained on. A row is labelled when its forward label window
-- ends on or before both the last kept invoice and the current snapshot (the data covers all of it).
{%- set snapshot_date = var('snapshot_date') -%}
{%- if snapshot_date is none or snapshot_date | string | trim == '' -%}
    {#- Default: one whole day after the last kept invoice, so the latest buyers have recency 1. -#}
    {%- set current_as_of_sql = dbt.dateadd('hour', 24, 'last_invoiced_at') | trim -%}
{%- else -%}
    {%- set current_as_of_sql = 'cast(' ~ sql_string(snapshot_date) ~ ' as ' ~ dbt.type_timestamp() ~ ')' -%}
{%- endif -%}
{%- set cadence = var('snapshot_cadence') | string | trim -%}
{%- set horizon_days = var('churn_horizon_days') | int -%}
{%- set earliest_sql = dbt.dateadd('day', var('snapshot_min_history_days') | int, 'first_invoiced_on') | trim -%}
{%- set start_date = var('snapshot_start_date') -%}
{%- set end_date = var('snapshot_end_date') -%}
{%- if cadence == 'monthly' -%}
    {#- The first month start on or after the earliest allowed date. -#}
    {%- set month_start_sql = dbt.date_trunc('month', earliest_sql) | trim -%}
    {%- set series_starts_sql -%}
        case
            when {{ month_start_sql }} < {{ earliest_sql }} then {{ dbt.dateadd('month', 1, month_start_sql) }}
            else {{ month_start_sql }}
        end
    {%- endset -%}
    {%- set series_ends_sql = 'last_invoiced_at' -%}
    {%- set step_count, step_unit = 1, 'month' -%}
{%- elif cadence == 'every_n_days' -%}
    {%- if start_date is none or start_date | string | trim == '' -%}
        {%- set series_starts_sql = earliest_sql -%}
    {%- else -%}
        {%- set series_starts_sql = 'cast(' ~ sql_string(start_date) ~ ' as ' ~ dbt.type_timestamp() ~ ')' -%}
    {%- endif -%}
    {%- if end_date is none or end_date | string | trim == '' -%}
        {%- set series_ends_sql = 'last_invoiced_at' -%}
    {%- else -%}
        {%- set series_ends_sql = 'cast(' ~ sql_string(end_date) ~ ' as ' ~ dbt.type_timestamp() ~ ')' -%}
    {%- endif -%}
    {%- set step_count, step_unit = var('snapshot_every_n_days') | int, 'day' -%}
    {%- if step_count < 1 -%}
        {{ exceptions.raise_compiler_error("var snapshot_every_n_days must be at least 1, got " ~ step_count) }}
    {%- endif -%}
{%- elif cadence != 'list' -%}
    {{ exceptions.raise_compiler_error(
        "var snapshot_cadence must be monthly, every_n_days or list; got '" ~ cadence ~ "'"
    ) }}
{%- endif %}

with

cleaned as (

    select * from {{ ref('int_transaction_lines_cleaned') }}

),

bounds as (

    select
        cast(min(invoiced_at) as date) as first_invoiced_on,
        max(invoiced_at) as last_invoiced_at
    from cleaned

),

current_snapshot as (

    select
        cast({{ current_as_of_sql }} as {{ dbt.type_timestamp() }}) as as_of_at,
        last_invoiced_at
    from bounds

),

past_as_ofs as (

    {% if cadence == 'list' -%}
        {%- for as_of_date in var('snapshot_as_of_dates') or [] %}
            select cast({{ sql_string(as_of_date) }} as {{ dbt.type_timestamp() }}) as series_at
            union all
        {%- endfor %}
        select cast(null as {{ dbt.type_timestamp() }}) as series_at
        where false
    {%- else -%}
        {{ timestamp_series(series_starts_sql, series_ends_sql, step_count, step_unit, 'bounds') }}
    {%- endif %}

),

spine as (

    select
        as_of_at,
        true as is_current
    from current_snapshot

    union all

    select distinct
        cast(past_as_ofs.series_at as {{ dbt.type_timestamp() }}) as as_of_at,
        false as is_current
    from past_as_ofs
    cross join current_snapshot
    where past_as_ofs.series_at < current_snapshot.as_of_at

),

windowed as (

    select
        spine.as_of_at,
        spine.is_current,
        {{ dbt.dateadd('day', horizon_days, 'spine.as_of_at') }} as label_window_ends_at,
        current_snapshot.as_of_at as current_as_of_at,
        current_snapshot.last_invoiced_at
    from spine
    cross join current_snapshot

),

final as (

    select
        cast(as_of_at as {{ dbt.type_timestamp() }}) as as_of_at,
        is_current,
        cast(label_window_ends_at as {{ dbt.type_timestamp() }}) as label_window_ends_at,
        coalesce(
            not is_current
            and label_window_ends_at <= last_invoiced_at
            and label_window_ends_at <= current_as_of_at,
            false
        ) as is_labelled
    from windowed

)

select * from final
