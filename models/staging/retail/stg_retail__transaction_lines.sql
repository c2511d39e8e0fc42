{#- Exact duplicates: a line whose eight columns all equal an earlier line's. Found in two steps:
    lines whose row hash occurs more than once are candidates (about 2 % of the real data), and
    only those are compared column by column with a window. A window over every line, partitioned
    by all eight columns, cost three times as long.
    The duplicate CTEs read the source relation itself, not the `source` CTE: DuckDB materialises a
    CTE that is read more than once, which here meant a copy of every line. -#}
{%- set line_columns = [
    '"InvoiceNo"', '"StockCode"', '"Description"', '"Quantity"',
    '"InvoiceDate"', '"UnitPrice"', '"CustomerID"', '"Country"',
] -%}

with

source as (

    select * from {{ source('retail', 'transaction_lines') }}

),

repeated_hashes as (

    select {{ row_hash(line_columns) }} as line_hash
    from {{ source('retail', 'transaction_lines') }}
    group by 1
    having count(*) > 1

),

duplicate_lines as (

    -- The first copy in file order is the original; later identical lines are the duplicates.
    -- The hash is computed again rather than kept in a CTE read twice (see the note on top).
    select raw_line_number
    from {{ source('retail', 'transaction_lines') }}
    where {{ row_hash(line_columns) }} in (select repeated_hashes.line_hash from repeated_hashes)
    qualify row_number() over (
        partition by {{ line_columns | join(', ') }}
        order by raw_line_number
    ) > 1

),

renamed as (

    select

        ----------  ids
        raw_line_number as transaction_line_id,
        "InvoiceNo" as invoice_no,
        "StockCode" as stock_code,
        "CustomerID" as customer_id,

        ---------- strings
        "Description" as description,
        "Country" as country,

        ---------- numerics
        "Quantity" as quantity,
        "UnitPrice" as unit_price,
        "Quantity" * "UnitPrice" as line_amount,

        ---------- timestamps
        "InvoiceDate" as invoiced_at,

        ---------- flags (one per exclusion reason, named is_<exclusion_reason>; is_non_product_code
        ---------- needs the seed lookup, a join, so the ledger adds it)
        "CustomerID" is null as is_missing_customer,
        upper(left("InvoiceNo", 1)) = 'C' as is_cancellation,
        upper(left("InvoiceNo", 1)) = 'A' as is_adjustment,
        "Quantity" <= 0 as is_non_positive_quantity,
        "UnitPrice" <= 0 as is_non_positive_price,
        raw_line_number in (select duplicate_lines.raw_line_number from duplicate_lines) as is_exact_duplicate

    from source

)

select * from renamed
