with

source as (

    select * from {{ source('retail', 'transaction_lines') }}

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
        -- The first copy in file order is the original; later identical lines are the duplicates.
        row_number() over (
            partition by
                "InvoiceNo", "StockCode", "Description", "Quantity",
                "InvoiceDate", "UnitPrice", "CustomerID", "Country"
            order by raw_line_number
        ) > 1 as is_exact_duplicate

    from source

)

select * from renamed
