-- Every reason code (and baseline) names a feature column of churn_scoring_snapshot: a code for a
-- renamed or removed column would never be shown, silently.
{%- set feature_columns = point_in_time_feature_columns() | reject('equalto', 'country') | list %}

with

codes as (

    select * from {{ ref('churn_reason_codes') }}

),

feature_columns as (

    {% for column in feature_columns %}
        select '{{ column }}' as feature
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select
    codes.code,
    codes.feature,
    codes.baseline_feature
from codes
where
    codes.feature not in (select feature_columns.feature from feature_columns)
    or codes.baseline_feature not in (select feature_columns.feature from feature_columns)
