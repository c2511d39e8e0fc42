-- Per month, how many customers moved from one lifecycle stage at the previous month-end to
-- another at this one (or stayed: from = to). A customer's first month comes from `none`. The
-- customers of a month sum to its rows in customer_lifecycle_stages.
with

stages as (

    select * from {{ ref('customer_lifecycle_stages') }}

),

flows as (

    select
        stage_month,
        coalesce(previous_lifecycle_stage, 'none') as from_stage,
        lifecycle_stage as to_stage,
        count(*) as customers
    from stages
    group by stage_month, coalesce(previous_lifecycle_stage, 'none'), lifecycle_stage

),

final as (

    select
        stage_month,
        from_stage,
        to_stage,
        cast(customers as {{ dbt.type_int() }}) as customers
    from flows

)

select * from final
