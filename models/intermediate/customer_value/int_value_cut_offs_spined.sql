-- The cut-offs of the predicted-value summaries: the current snapshot (scored), the calibration
-- cut-off = current snapshot - value_holdout_days (the start of the final holdout), and earlier
-- cut-offs every value_cut_off_step_days before it, back to the first one with
-- snapshot_min_history_days of history. The earlier ones give the validation split (a cut-off
-- whose holdout ends by the calibration cut-off) and the training pairs of the time-aware forecast.
-- A cut-off's holdout is [cut_off_at, cut_off_at + value_holdout_days); it is complete when it ends
-- by the current snapshot (no kept invoice lies after the current snapshot's data).
{%- set holdout_days = var('value_holdout_days') | int -%}
{%- set step_days = var('value_cut_off_step_days') | int -%}
{%- if holdout_days < 1 or step_days < 1 -%}
    {{ exceptions.raise_compiler_error(
        "vars value_holdout_days and value_cut_off_step_days must be at least 1, got "
        ~ holdout_days ~ " and " ~ step_days
    ) }}
{%- endif %}

with

current_snapshot as (

    select as_of_at from {{ ref('int_snapshots_spined') }}
    where is_current

),

purchases as (

    select invoiced_on from {{ ref('int_customer_invoices_aggregated') }}
    where is_purchase

),

bounds as (

    select
        {{ dbt.dateadd('day', -holdout_days, 'current_snapshot.as_of_at') }} as calibration_cut_off_at,
        {{ dbt.dateadd('day', var('snapshot_min_history_days') | int, 'min(purchases.invoiced_on)') }}
            as earliest_allowed_at
    from current_snapshot
    cross join purchases
    group by current_snapshot.as_of_at

),

aligned as (

    -- The earliest allowed cut-off on the calibration cut-off's step grid.
    select
        calibration_cut_off_at,
        {{ dbt.dateadd(
            'day',
            '-' ~ step_days ~ ' * floor('
                ~ dbt.datediff('earliest_allowed_at', 'calibration_cut_off_at', 'second')
                ~ ' / ' ~ (86400 * step_days) ~ ')',
            'calibration_cut_off_at'
        ) }} as first_cut_off_at
    from bounds

),

past_cut_offs as (

    {{ timestamp_series('first_cut_off_at', 'calibration_cut_off_at', step_days, 'day', 'aligned') }}

),

cut_offs as (

    select
        as_of_at as cut_off_at,
        'current' as cut_off_kind
    from current_snapshot

    union all

    select
        past_cut_offs.series_at as cut_off_at,
        case
            when past_cut_offs.series_at = aligned.calibration_cut_off_at then 'calibration' else 'earlier'
        end as cut_off_kind
    from past_cut_offs
    cross join aligned

),

final as (

    select
        cast(cut_offs.cut_off_at as {{ dbt.type_timestamp() }}) as cut_off_at,
        cast(cut_offs.cut_off_kind as {{ dbt.type_string() }}) as cut_off_kind,
        cast({{ holdout_days }} as {{ dbt.type_int() }}) as holdout_days,
        cast(
            {{ dbt.dateadd('day', holdout_days, 'cut_offs.cut_off_at') }} as {{ dbt.type_timestamp() }}
        ) as holdout_ends_at,
        {{ dbt.dateadd('day', holdout_days, 'cut_offs.cut_off_at') }} <= current_snapshot.as_of_at
            as has_complete_holdout
    from cut_offs
    cross join current_snapshot

)

select * from final
