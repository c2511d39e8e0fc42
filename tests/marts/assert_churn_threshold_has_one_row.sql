-- Reports read the threshold as a single number: the model must hold exactly one row, with a value
-- whenever any customer has two purchase days.
with

thresholds as (

    select
        count(*) as threshold_rows,
        count(threshold_days) as thresholds_with_value
    from {{ ref('churn_threshold') }}

)

select * from thresholds
where threshold_rows != 1 or thresholds_with_value != 1
