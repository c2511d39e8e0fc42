-- Every shown code's feature is on its risky side: strictly above the feature's median over the
-- scored customers for `high`, strictly below for `low` (a reason never describes an engaged
-- customer, such as "300 new products tried in the last 180 days").
{%- set feature_columns = point_in_time_feature_columns() | reject('equalto', 'country') | list %}

with

shown as (

    {{ shown_churn_reasons() }}

),

codes as (

    select * from {{ ref('churn_reason_codes') }}

),

features as (

    select * from {{ ref('churn_scoring_snapshot') }}

),

medians as (

    {% for column in feature_columns %}
        select
            '{{ column }}' as feature,
            {{ median('cast(' ~ column ~ ' as ' ~ type_double() ~ ')') }} as feature_median
        from features
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

valued as (

    select
        shown.customer_id,
        shown.code,
        codes.risky_direction,
        medians.feature_median,
        {{ point_in_time_feature_value('codes.feature', 'features') }} as feature_value
    from shown
    inner join codes
        on shown.code = codes.code
    inner join features
        on
            shown.customer_id = features.customer_id
            and shown.as_of_at = features.as_of_at
    left join medians
        on codes.feature = medians.feature

)

select *
from valued
where not coalesce(
    (risky_direction = 'high' and feature_value > feature_median)
    or (risky_direction = 'low' and feature_value < feature_median),
    false
)
