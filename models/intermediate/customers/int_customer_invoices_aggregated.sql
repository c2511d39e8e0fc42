-- One row per customer invoice moment (customer, invoice, timestamp): what the customer bought on it
-- and whether it is a cancellation (from the ledger whatever the policy, as return_rate counts
-- them). Point-in-time features at any as-of are sums over these rows with invoiced_at < as_of_at,
-- so every as-of reads this small table instead of the lines. The grain keeps the timestamp
-- because a few invoices span two minutes: a row is then wholly before or wholly at/after any
-- as-of, and features stay exact at as-of times that are not midnight.
-- Reversals are known from their own timestamp on: a purchase later reversed (ledger reason
-- `reversed`, or kept and partly reversed) counts in full on its own row, and the cancellation or
-- credit row that reversed it carries the units and spend taken back, negative. A sum before an
-- as-of between the two sees the purchase; a sum after both sees the net, as the current snapshot
-- does. Counts (invoices, purchase days, products) stay as placed: a reversed order was an order.
with

ledgered as (

    select * from {{ ref('int_transaction_lines_ledgered') }}
    where customer_id is not null

),

placed_lines as (

    -- What the customer bought, as known when they bought it: kept lines and reversed ones.
    select * from ledgered
    where ledger_status = 'kept' or is_reversed

),

product_first_purchases as (

    -- When the customer first bought each product (one row per customer and stock code).
    select
        customer_id,
        stock_code,
        min(invoiced_at) as first_invoiced_at
    from placed_lines
    group by customer_id, stock_code

),

new_products_per_moment as (

    select
        customer_id,
        first_invoiced_at as invoiced_at,
        count(*) as new_products
    from product_first_purchases
    group by customer_id, first_invoiced_at

),

invoices as (

    select
        customer_id,
        invoice_no,
        invoiced_at,
        -- One country per invoice in practice; max() keeps the row deterministic if not.
        max(country) as country,
        count(case when ledger_status = 'kept' or is_reversed then 1 end) as purchase_lines,
        sum(
            case
                when ledger_status = 'kept' or is_reversed then quantity
                when is_reversal then -reversed_quantity
                else 0
            end
        ) as units,
        -- Exact decimals: a sum of doubles depends on the order threads add them in, so equal
        -- spends could differ by an ulp between runs and swap M tiles (as in int_customers_measured).
        sum(
            case
                when ledger_status = 'kept' or is_reversed then cast(line_amount as decimal(18, 4))
                when is_reversal then -cast(reversed_amount as decimal(18, 4))
                else 0
            end
        ) as spend,
        max(case when is_cancellation then 1 else 0 end) = 1 as is_cancellation,
        max(case when is_reversal then 1 else 0 end) = 1 as is_reversal
    from ledgered
    where ledger_status = 'kept' or is_reversed or is_reversal or is_cancellation
    group by customer_id, invoice_no, invoiced_at

),

flagged as (

    -- Flags that make every point-in-time count a plain sum (no count(distinct) per as-of):
    -- an invoice counts at its first purchase (or cancellation) row, a purchase day at its first
    -- purchase row. Ties on the timestamp go to the lower invoice number.
    select
        *,
        purchase_lines > 0 and row_number() over (
            partition by customer_id, invoice_no, purchase_lines > 0
            order by invoiced_at
        ) = 1 as counts_as_purchase_invoice,
        is_cancellation and row_number() over (
            partition by customer_id, invoice_no
            order by invoiced_at
        ) = 1 as counts_as_cancellation_invoice,
        purchase_lines > 0 and row_number() over (
            partition by customer_id, cast(invoiced_at as date), purchase_lines > 0
            order by invoiced_at, invoice_no
        ) = 1 as starts_purchase_day,
        -- New products are known per (customer, timestamp); when two purchase invoices share the
        -- timestamp they go on the lower invoice number (any point-in-time sum sees both or neither).
        purchase_lines > 0 and row_number() over (
            partition by customer_id, invoiced_at, purchase_lines > 0
            order by invoice_no
        ) = 1 as starts_purchase_moment
    from invoices

),

final as (

    select
        flagged.customer_id,
        flagged.invoice_no,
        flagged.invoiced_at,
        cast(flagged.invoiced_at as date) as invoiced_on,
        flagged.country,
        flagged.purchase_lines > 0 as is_purchase,
        flagged.is_cancellation,
        flagged.is_reversal,
        flagged.counts_as_purchase_invoice,
        flagged.counts_as_cancellation_invoice,
        flagged.starts_purchase_day,
        cast(flagged.purchase_lines as {{ dbt.type_int() }}) as purchase_lines,
        cast(flagged.units as {{ dbt.type_bigint() }}) as units,
        cast(flagged.spend as decimal(18, 4)) as spend,
        cast(
            case when flagged.starts_purchase_moment then coalesce(new_products_per_moment.new_products, 0) else 0 end
            as {{ dbt.type_int() }}
        ) as new_products
    from flagged
    left join new_products_per_moment
        on
            flagged.customer_id = new_products_per_moment.customer_id
            and flagged.invoiced_at = new_products_per_moment.invoiced_at

)

select * from final
