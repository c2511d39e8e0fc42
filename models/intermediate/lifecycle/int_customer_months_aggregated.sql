-- One row per customer per calendar month with activity before the current snapshot, from the
-- month of their first purchase on: the grain every lifecycle model reads (cohorts, stages, the
-- dashboard's cohort cells), so none of them rescans lines or invoices.
-- Built on the ledger's invoice rows (int_customer_invoices_aggregated), with the project's
-- definitions: a purchase is a kept or a reversed purchase line (a reversed order was an order, as
-- customer_rfm's frequency and recency count it), and net revenue carries each reversal as negative
-- spend in the month of the cancellation or credit that made it. Summed over a customer's months,
-- orders give customer_rfm's frequency and net revenue its monetary.
-- Incremental-friendly: a month's row reads only that month's invoice rows, the customer's first
-- purchase (fixed once made) and the gap to the previous purchase day (already known), so a closed
-- month never changes; a later month adds rows, it does not rewrite earlier ones.
with

current_snapshot as (

    select as_of_at from {{ ref('int_snapshots_spined') }}
    where is_current

),

invoices as (

    select invoices.*
    from {{ ref('int_customer_invoices_aggregated') }} as invoices
    inner join current_snapshot
        on invoices.invoiced_at < current_snapshot.as_of_at

),

purchase_days as (

    select purchase_days.*
    from {{ ref('int_customer_purchase_days_gapped') }} as purchase_days
    inner join current_snapshot
        on purchase_days.first_purchased_at < current_snapshot.as_of_at

),

invoice_months as (

    select
        customer_id,
        cast({{ dbt.date_trunc('month', 'invoiced_at') }} as date) as activity_month,
        count(case when counts_as_purchase_invoice then 1 end) as orders,
        sum(spend) as net_revenue,
        min(case when is_purchase then invoiced_at end) as first_purchase_in_month_at,
        max(case when is_purchase then invoiced_at end) as last_purchase_at
    from invoices
    group by customer_id, cast({{ dbt.date_trunc('month', 'invoiced_at') }} as date)

),

purchase_day_months as (

    -- A purchase day's gap sits in the month of the day it ends: the month where it became known.
    select
        customer_id,
        cast({{ dbt.date_trunc('month', 'purchased_on') }} as date) as activity_month,
        count(*) as purchase_days,
        count(gap_days) as purchase_gaps,
        sum(gap_days) as purchase_gap_days
    from purchase_days
    group by customer_id, cast({{ dbt.date_trunc('month', 'purchased_on') }} as date)

),

with_first_purchase as (

    select
        invoice_months.*,
        min(invoice_months.first_purchase_in_month_at) over (
            partition by invoice_months.customer_id
        ) as first_purchase_at
    from invoice_months

),

cohorted as (

    select
        *,
        cast({{ dbt.date_trunc('month', 'first_purchase_at') }} as date) as cohort_month
    from with_first_purchase
    -- Cancellations before a customer's first purchase, and customers who never bought, are no
    -- part of a cohort (nor of customer_rfm).
    where first_purchase_at is not null

),

final as (

    select
        cohorted.customer_id,
        cohorted.activity_month,
        cohorted.cohort_month,
        cast(
            {{ dbt.datediff('cohorted.cohort_month', 'cohorted.activity_month', 'month') }}
            as {{ dbt.type_int() }}
        ) as months_since_first_purchase,
        cohorted.first_purchase_at,
        cohorted.last_purchase_at,
        cohorted.last_purchase_at is not null as is_active,
        cast(cohorted.orders as {{ dbt.type_int() }}) as orders,
        cast(coalesce(purchase_day_months.purchase_days, 0) as {{ dbt.type_int() }}) as purchase_days,
        cast(coalesce(purchase_day_months.purchase_gaps, 0) as {{ dbt.type_int() }}) as purchase_gaps,
        cast(coalesce(purchase_day_months.purchase_gap_days, 0) as {{ dbt.type_int() }}) as purchase_gap_days,
        cast(cohorted.net_revenue as decimal(18, 4)) as net_revenue
    from cohorted
    left join purchase_day_months
        on
            cohorted.customer_id = purchase_day_months.customer_id
            and cohorted.activity_month = purchase_day_months.activity_month
    where cohorted.activity_month >= cohorted.cohort_month

)

select * from final
