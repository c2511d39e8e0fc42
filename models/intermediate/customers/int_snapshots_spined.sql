-- The as-of spine: one row per as-of timestamp at which customer features are computed. Today it
-- holds one row, the current snapshot; point-in-time training sets will add past as-of rows here
-- and every per-customer model downstream computes them all at once (they join on as_of_at).
{%- set snapshot_date = var('snapshot_date') -%}
{%- if snapshot_date is none or snapshot_date | string | trim == '' -%}
    {#- Default: one whole day after the last kept invoice, so the latest buyers have recency 1. -#}
    {%- set as_of_sql = dbt.dateadd('hour', 24, 'last_invoiced_at') | trim -%}
{%- else -%}
    {%- set as_of_sql = 'cast(' ~ sql_string(snapshot_date) ~ ' as ' ~ dbt.type_timestamp() ~ ')' -%}
{%- endif %}

with

cleaned as (

    select * from {{ ref('int_transaction_lines_cleaned') }}

),

last_invoice as (

    select max(invoiced_at) as last_invoiced_at
    from cleaned

),

spine as (

    select
        {{ as_of_sql }} as as_of_at,
        true as is_current
    from last_invoice

),

final as (

    select
        cast(as_of_at as {{ dbt.type_timestamp() }}) as as_of_at,
        is_current
    from spine

)

select * from final
