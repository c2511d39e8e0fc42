-- One row per customer at the current snapshot: the same point-in-time features as
-- churn_training_snapshots, computed the same way, for the forward model to score. No label: the
-- future is not known yet.
with

featured as (

    select * from {{ ref('int_customers_point_in_time_featured') }}

),

current_snapshot as (

    select * from {{ ref('int_snapshots_spined') }}
    where is_current

),

final as (

    select
        featured.as_of_at,
        featured.customer_id,
        cast({{ var('churn_horizon_days') }} as {{ dbt.type_int() }}) as horizon_days,
        {% for column in point_in_time_feature_columns() -%}
            featured.{{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from featured
    inner join current_snapshot
        on featured.as_of_at = current_snapshot.as_of_at

)

select * from final
