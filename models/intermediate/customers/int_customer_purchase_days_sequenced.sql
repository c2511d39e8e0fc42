-- One row per customer per distinct purchase day (calendar date) before each as-of, with the gap in
-- days since the customer's previous purchase day (NULL on the first). The churn threshold and the
-- purchase-rhythm features are built on these gaps.
with

lines as (

    select * from {{ ref('int_customer_lines_snapshotted') }}

),

purchase_days as (

    select distinct
        as_of_at,
        customer_id,
        invoiced_on as purchased_on
    from lines

),

sequenced as (

    select
        as_of_at,
        customer_id,
        purchased_on,
        row_number() over (
            partition by as_of_at, customer_id
            order by purchased_on
        ) as purchase_day_number,
        lag(purchased_on) over (
            partition by as_of_at, customer_id
            order by purchased_on
        ) as previous_purchased_on
    from purchase_days

),

final as (

    select
        as_of_at,
        customer_id,
        purchased_on,
        cast(purchase_day_number as {{ dbt.type_int() }}) as purchase_day_number,
        previous_purchased_on,
        cast(
            {{ dbt.datediff('previous_purchased_on', 'purchased_on', 'day') }}
            as {{ dbt.type_int() }}
        ) as gap_days
    from sequenced

)

select * from final
