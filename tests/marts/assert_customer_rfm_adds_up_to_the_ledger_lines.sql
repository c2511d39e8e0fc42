-- customer_rfm's figures come from the point-in-time features (summed over the customer-invoice
-- aggregate); checked here against the ledger's lines themselves, counted the seed's way: the same
-- customers, purchase invoices, revenue and first / last purchase before the snapshot. A
-- difference means one of the two ways of counting "lines before the as-of" is wrong. (The
-- per-customer figures are compared with an independent pandas oracle in tests/test_marts_parity.py.)
-- Purchases are the kept lines and the reversed ones (an order placed, then taken back, still was
-- an order); revenue is net of what reversals before the snapshot took back.
with

current_snapshot as (

    select as_of_at from {{ ref('int_snapshots_spined') }}
    where is_current

),

lines as (

    select
        ledgered.customer_id,
        ledgered.invoice_no,
        ledgered.line_amount,
        ledgered.invoiced_at
    from {{ ref('int_transaction_lines_ledgered') }} as ledgered
    inner join current_snapshot
        on ledgered.invoiced_at < current_snapshot.as_of_at
    where ledgered.customer_id is not null and (ledgered.ledger_status = 'kept' or ledgered.is_reversed)

),

reversed_before_snapshot as (

    select sum(cast(reversals.reversed_amount as decimal(18, 4))) as reversed_amount
    from {{ ref('int_transaction_line_reversals_matched') }} as reversals
    inner join current_snapshot
        on reversals.reversed_at < current_snapshot.as_of_at

),

invoices as (

    -- One pass over the lines: a CTE read twice would be materialised (a copy of every line).
    select
        customer_id,
        invoice_no,
        sum(cast(line_amount as decimal(18, 4))) as revenue,
        min(invoiced_at) as first_invoiced_at,
        max(invoiced_at) as last_invoiced_at
    from lines
    group by customer_id, invoice_no

),

line_totals as (

    select
        count(distinct customer_id) as customers,
        count(*) as invoices,
        cast(
            sum(revenue) - coalesce((select reversed_before_snapshot.reversed_amount from reversed_before_snapshot), 0)
            as {{ type_double() }}
        ) as revenue,
        min(first_invoiced_at) as first_purchase_at,
        max(last_invoiced_at) as last_purchase_at
    from invoices

),

mart_totals as (

    select
        count(*) as customers,
        sum(frequency) as invoices,
        sum(monetary) as revenue,
        min(first_purchase_at) as first_purchase_at,
        max(last_purchase_at) as last_purchase_at
    from {{ ref('customer_rfm') }}

)

select
    line_totals.*,
    mart_totals.customers as mart_customers,
    mart_totals.invoices as mart_invoices,
    mart_totals.revenue as mart_revenue
from line_totals
cross join mart_totals
where
    line_totals.customers != mart_totals.customers
    or line_totals.invoices != mart_totals.invoices
    or abs(line_totals.revenue - mart_totals.revenue) > 1e-9 * abs(line_totals.revenue) + 0.01
    or line_totals.first_purchase_at != mart_totals.first_purchase_at
    or line_totals.last_purchase_at != mart_totals.last_purchase_at
