-- One row per customer at the current snapshot: the same point-in-time features as
-- churn_training_snapshots, computed the same way, for the forward model to score. No label: the
-- future is not known yet.
with

customers as (

    -- Every customer at the current snapshot, with the point-in-time features there.
    select * from {{ ref('int_customers_current_profiled') }}

),

final as (

    select
        as_of_at,
        customer_id,
        cast({{ var('churn_horizon_days') }} as {{ dbt.type_int() }}) as horizon_days,
        {% for column in point_in_time_feature_columns() -%}
            {{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from customers

)

select * from final
