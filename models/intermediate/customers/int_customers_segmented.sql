-- Segment (from the seeds/rfm_segments map, by R and F score) and historical LTV of every customer
-- at the current snapshot, from the point-in-time features there: the seed's RFM values are the
-- lifetime figures before the snapshot (frequency = purchase invoices, monetary = spend) and its
-- scores the same tiles. The map is keyed by the number of tiles it was written for: with a var
-- rfm_tiles that has no map the customer is 'unmapped' rather than silently given a quartile segment.
with

current_snapshot as (

    select * from {{ ref('int_snapshots_spined') }}
    where is_current

),

featured as (

    select
        featured.as_of_at,
        featured.customer_id,
        featured.recency_days,
        featured.invoices as frequency,
        featured.spend as monetary,
        featured.r_score,
        featured.f_score,
        featured.m_score
    from {{ ref('int_customers_point_in_time_featured') }} as featured
    inner join current_snapshot
        on featured.as_of_at = current_snapshot.as_of_at

),

segments as (

    select * from {{ ref('rfm_segments') }}
    where rfm_tiles = {{ var('rfm_tiles') | int }}

),

segmented as (

    select
        featured.*,
        -- Text concatenation, e.g. '434'; with more than 9 tiles the digits become ambiguous.
        cast(featured.r_score as {{ dbt.type_string() }})
        || cast(featured.f_score as {{ dbt.type_string() }})
        || cast(featured.m_score as {{ dbt.type_string() }}) as rfm_score,
        coalesce(segments.segment_key, 'unmapped') as segment_key,
        coalesce(segments.segment_name_en, 'Unmapped') as segment_name_en,
        coalesce(segments.segment_name_zh, '未映射') as segment_name_zh,
        coalesce(
            segments.suggested_action,
            'No segment map for this number of tiles: add one to seeds/rfm_segments.csv.'
        ) as suggested_action,
        -- Historical LTV: the profit these purchases made (revenue × var profit_margin).
        cast(featured.monetary * {{ var('profit_margin') }} as {{ type_double() }}) as ltv
    from featured
    left join segments
        on
            featured.r_score = segments.r_score
            and featured.f_score = segments.f_score

)

select * from segmented
