-- R, F and M scores (1..var rfm_tiles) of every customer among the customers of the same as-of.
-- Recency is tiled ascending (rank 1 = most recent) and the labels reversed, so that the most
-- recent customers score highest, exactly as the seed's qcut(labels=[4, 3, 2, 1]) did.
{%- set tiles = var('rfm_tiles') | int %}

with

measured as (

    select * from {{ ref('int_customers_measured') }}

),

tiled as (

    select
        *,
        {{ rfm_tile('recency_days', tiles, 'as_of_at') }} as recency_tile,
        {{ rfm_tile('frequency', tiles, 'as_of_at') }} as f_score,
        {{ rfm_tile('monetary', tiles, 'as_of_at') }} as m_score
    from measured

),

scored as (

    select
        *,
        {{ tiles }} + 1 - recency_tile as r_score
    from tiled

),

final as (

    select
        as_of_at,
        customer_id,
        recency_days,
        frequency,
        monetary,
        cast(r_score as {{ dbt.type_int() }}) as r_score,
        cast(f_score as {{ dbt.type_int() }}) as f_score,
        cast(m_score as {{ dbt.type_int() }}) as m_score,
        -- Text concatenation, e.g. '434'; with more than 9 tiles the digits become ambiguous.
        cast(r_score as {{ dbt.type_string() }})
        || cast(f_score as {{ dbt.type_string() }})
        || cast(m_score as {{ dbt.type_string() }}) as rfm_score
    from scored

)

select * from final
