-- Each kept customer line once per as-of timestamp it precedes: the only lines any feature at that
-- as-of may use (a line at or after the as-of is in the future).
-- A view, not a table: as a table it copied every kept line once per as-of; as a view its two
-- readers (purchase days, measures) filter the ledger table directly.
{{ config(materialized='view') }}

with

cleaned as (

    select * from {{ ref('int_transaction_lines_cleaned') }}

),

spine as (

    -- The seed's contemporaneous chain computes the current snapshot only: copying every line once
    -- per as-of does not scale. Past as-ofs get their features from the customer-invoice aggregate
    -- (int_customers_point_in_time_featured).
    select * from {{ ref('int_snapshots_spined') }}
    where is_current

),

snapshotted as (

    select
        spine.as_of_at,
        cleaned.transaction_line_id,
        cleaned.customer_id,
        cleaned.invoice_no,
        cleaned.stock_code,
        cleaned.country,
        cleaned.quantity,
        cleaned.line_amount,
        cleaned.invoiced_at,
        cast(cleaned.invoiced_at as date) as invoiced_on
    from cleaned
    inner join spine
        on cleaned.invoiced_at < spine.as_of_at
    where cleaned.customer_id is not null

)

select * from snapshotted
