-- The forward churn label of every customer at every as-of of the spine: churned when the customer
-- makes no kept purchase in [as_of_at, label_window_ends_at) (var churn_horizon_days). NULL when
-- the window is not wholly covered by the data (is_labelled false, e.g. the current snapshot):
-- "no purchase seen yet" is not "no purchase". Customers are those of the point-in-time features
-- (at least one kept purchase before the as-of).
with

spine as (

    select * from {{ ref('int_snapshots_spined') }}

),

featured as (

    select
        as_of_at,
        customer_id
    from {{ ref('int_customers_point_in_time_featured') }}

),

purchases as (

    select
        customer_id,
        invoiced_at
    from {{ ref('int_customer_invoices_aggregated') }}
    where is_purchase

),

buyers_in_window as (

    select distinct
        spine.as_of_at,
        purchases.customer_id
    from purchases
    inner join spine
        on
            purchases.invoiced_at >= spine.as_of_at
            and purchases.invoiced_at < spine.label_window_ends_at
    where spine.is_labelled

),

final as (

    select
        featured.as_of_at,
        featured.customer_id,
        spine.label_window_ends_at,
        spine.is_labelled,
        case
            when spine.is_labelled then buyers_in_window.customer_id is null
        end as churned_in_horizon
    from featured
    inner join spine
        on featured.as_of_at = spine.as_of_at
    left join buyers_in_window
        on
            featured.as_of_at = buyers_in_window.as_of_at
            and featured.customer_id = buyers_in_window.customer_id

)

select * from final
