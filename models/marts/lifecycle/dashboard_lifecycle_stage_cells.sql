-- The dashboard's stage cube: customers per month, lifecycle stage, segment and country (both at
-- the current snapshot, from customer_rfm). The stages view sums these cells after the page's
-- filters.
with

stages as (

    select
        customer_id,
        stage_month,
        lifecycle_stage
    from {{ ref('customer_lifecycle_stages') }}

),

customers as (

    select
        customer_id,
        segment_key,
        segment_name_en,
        country
    from {{ ref('customer_rfm') }}

),

cells as (

    select
        stages.stage_month,
        stages.lifecycle_stage,
        customers.segment_key,
        customers.segment_name_en,
        customers.country,
        count(*) as customers
    from stages
    inner join customers
        on stages.customer_id = customers.customer_id
    group by
        stages.stage_month,
        stages.lifecycle_stage,
        customers.segment_key,
        customers.segment_name_en,
        customers.country

),

final as (

    select
        stage_month,
        lifecycle_stage,
        segment_key,
        segment_name_en,
        country,
        cast(customers as {{ dbt.type_int() }}) as customers
    from cells

)

select * from final
