-- The lifecycle's month spine: one row per calendar month from the month of the first purchase
-- through the month of the current snapshot, with the month-end every stage is read at: the start
-- of the next month, or the current snapshot for its own (partial) month. Generated rows, not
-- months found in the data, so a month nobody bought in still has a row.
with

current_snapshot as (

    select as_of_at from {{ ref('int_snapshots_spined') }}
    where is_current

),

bounds as (

    select
        cast(min(customer_months.activity_month) as {{ dbt.type_timestamp() }}) as first_month_starts_at,
        max(current_snapshot.as_of_at) as current_as_of_at
    from {{ ref('int_customer_months_aggregated') }} as customer_months
    cross join current_snapshot

),

month_starts as (

    {{ timestamp_series('first_month_starts_at', 'current_as_of_at', 1, 'month', 'bounds') }}

),

final as (

    select
        cast(month_starts.series_at as date) as month_start,
        cast(
            case
                when {{ dbt.dateadd('month', 1, 'month_starts.series_at') }} < bounds.current_as_of_at
                    then {{ dbt.dateadd('month', 1, 'month_starts.series_at') }}
                else bounds.current_as_of_at
            end as {{ dbt.type_timestamp() }}
        ) as month_end_at,
        {{ dbt.dateadd('month', 1, 'month_starts.series_at') }} >= bounds.current_as_of_at as is_current
    from month_starts
    cross join bounds
    -- A snapshot at midnight on the 1st ends the month before; its own month has not begun.
    where month_starts.series_at < bounds.current_as_of_at

)

select * from final
