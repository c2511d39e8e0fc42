-- One row per customer per purchase day (calendar date of a kept purchase invoice) over the whole
-- history, with the gap in calendar days since the previous purchase day (NULL on the first).
-- Computed once on the full sequence: the purchase days before any as-of are a prefix of it (a day
-- counts once its first purchase is before the as-of), so their gaps need no recomputation per as-of.
with

invoices as (

    select * from {{ ref('int_customer_invoices_aggregated') }}
    where is_purchase

),

purchase_days as (

    select
        customer_id,
        invoiced_on as purchased_on,
        min(invoiced_at) as first_purchased_at
    from invoices
    group by customer_id, invoiced_on

),

sequenced as (

    select
        *,
        lag(purchased_on) over (partition by customer_id order by purchased_on) as previous_purchased_on
    from purchase_days

),

final as (

    select
        customer_id,
        purchased_on,
        first_purchased_at,
        cast(
            {{ dbt.datediff('previous_purchased_on', 'purchased_on', 'day') }}
            as {{ dbt.type_int() }}
        ) as gap_days
    from sequenced

)

select * from final
