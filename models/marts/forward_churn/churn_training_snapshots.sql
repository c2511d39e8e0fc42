-- One row per customer per labelled past as-of: the point-in-time features (only lines before the
-- as-of) and the forward label (no kept purchase in the next horizon_days). The training set of the
-- forward churn model; the column list is a contract the ml step codes against.
with

featured as (

    select * from {{ ref('int_customers_point_in_time_featured') }}

),

labelled as (

    select * from {{ ref('int_customers_forward_labelled') }}
    where is_labelled

),

final as (

    select
        featured.as_of_at,
        featured.customer_id,
        cast({{ var('churn_horizon_days') }} as {{ dbt.type_int() }}) as horizon_days,
        labelled.label_window_ends_at,
        labelled.churned_in_horizon,
        {% for column in point_in_time_feature_columns() -%}
            featured.{{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from featured
    inner join labelled
        on
            featured.as_of_at = labelled.as_of_at
            and featured.customer_id = labelled.customer_id

)

select * from final
