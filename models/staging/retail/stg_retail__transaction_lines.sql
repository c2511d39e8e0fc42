-- The raw columns keep the UCI file's mixed-case names: adapter.quote() quotes them as each engine
-- does ("InvoiceNo" in DuckDB, `InvoiceNo` in Spark).
with

source as (

    select * from {{ source('retail', 'transaction_lines') }}

),

renamed as (

    select

        ----------  ids
        raw_line_number as transaction_line_id,
        {{ adapter.quote('InvoiceNo') }} as invoice_no,
        {{ adapter.quote('StockCode') }} as stock_code,
        {{ adapter.quote('CustomerID') }} as customer_id,

        ---------- strings
        {{ adapter.quote('Description') }} as description,
        {{ adapter.quote('Country') }} as country,

        ---------- numerics
        {{ adapter.quote('Quantity') }} as quantity,
        {{ adapter.quote('UnitPrice') }} as unit_price,
        {{ adapter.quote('Quantity') }} * {{ adapter.quote('UnitPrice') }} as line_amount,

        ---------- timestamps
        {{ adapter.quote('InvoiceDate') }} as invoiced_at,

        ---------- flags (one per exclusion reason, named is_<exclusion_reason>), for conditions the
        ---------- line shows by itself; is_non_product_code (a seed lookup) and is_exact_duplicate
        ---------- (a comparison with other lines) are the ledger's)
        {{ adapter.quote('CustomerID') }} is null as is_missing_customer,
        upper(left({{ adapter.quote('InvoiceNo') }}, 1)) = 'C' as is_cancellation,
        upper(left({{ adapter.quote('InvoiceNo') }}, 1)) = 'A' as is_adjustment,
        {{ adapter.quote('Quantity') }} <= 0 as is_non_positive_quantity,
        {{ adapter.quote('UnitPrice') }} <= 0 as is_non_positive_price

    from source

)

select * from renamed
