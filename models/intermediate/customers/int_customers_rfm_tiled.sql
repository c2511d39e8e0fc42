-- R, F and M tiles of every customer among the customers of the same as-of (the seed's quartiles
-- with the default var rfm_tiles): recency ranked ascending and reversed (recent buyers score
-- high), frequency on purchase invoices, monetary on spend, all from the as-of sums. Tiled on this
-- narrow row: windows over the wide feature rows cost twice as much.
{%- set tiles = var('rfm_tiles') | int %}

with

totals as (

    select
        as_of_at,
        customer_id,
        recency_days,
        invoices,
        spend
    from {{ ref('int_customers_running_totalled') }}

),

final as (

    select
        as_of_at,
        customer_id,
        cast({{ tiles }} + 1 - {{ rfm_tile('recency_days', tiles, 'as_of_at') }} as {{ dbt.type_int() }}) as r_score,
        cast({{ rfm_tile('invoices', tiles, 'as_of_at') }} as {{ dbt.type_int() }}) as f_score,
        cast({{ rfm_tile('spend', tiles, 'as_of_at') }} as {{ dbt.type_int() }}) as m_score
    from totals

)

select * from final
