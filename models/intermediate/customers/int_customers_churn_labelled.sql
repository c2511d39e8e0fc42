-- Every customer per as-of with the churn status label: churned when the whole days since the last
-- purchase exceed that as-of's churn threshold. This is the status at the as-of (looking back), not
-- a forecast; a forward label for training belongs to a later model on the same spine.
with

segmented as (

    select * from {{ ref('int_customers_segmented') }}

),

thresholds as (

    select * from {{ ref('int_churn_thresholds_computed') }}

),

labelled as (

    select
        segmented.*,
        thresholds.threshold_days as churn_threshold_days,
        -- NULL, not false, when the as-of has no threshold (no customer has two purchase days):
        -- an unknown status must not read as "active". The test
        -- churn_threshold_needs_a_customer_with_two_purchase_days then fails the build.
        segmented.recency_days > thresholds.threshold_days as is_churned
    from segmented
    inner join thresholds
        on segmented.as_of_at = thresholds.as_of_at

),

final as (

    select
        *,
        case when is_churned then 'churned' when not is_churned then 'active' end as churn_status
    from labelled

)

select * from final
