-- Segment (from the seeds/rfm_segments map, by R and F score) and historical LTV of every customer
-- per as-of. The map is keyed by the number of tiles it was written for: with a var rfm_tiles that
-- has no map the customer is 'unmapped' rather than silently given a quartile segment.
with

scored as (

    select * from {{ ref('int_customers_rfm_scored') }}

),

segments as (

    select * from {{ ref('rfm_segments') }}
    where rfm_tiles = {{ var('rfm_tiles') | int }}

),

segmented as (

    select
        scored.*,
        coalesce(segments.segment_key, 'unmapped') as segment_key,
        coalesce(segments.segment_name_en, 'Unmapped') as segment_name_en,
        coalesce(segments.segment_name_zh, '未映射') as segment_name_zh,
        coalesce(
            segments.suggested_action,
            'No segment map for this number of tiles: add one to seeds/rfm_segments.csv.'
        ) as suggested_action,
        -- Historical LTV: the profit these purchases made (revenue × var profit_margin).
        cast(scored.monetary * {{ var('profit_margin') }} as {{ type_double() }}) as ltv
    from scored
    left join segments
        on
            scored.r_score = segments.r_score
            and scored.f_score = segments.f_score

)

select * from segmented
