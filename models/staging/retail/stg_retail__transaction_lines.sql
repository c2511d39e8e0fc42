with

source as (

    select * from {{ source('retail', 'transaction_lines') }}

),

renamed as (

    select

        ----------  ids
        raw_line_number as transaction_line_id,
        InvoiceNo as invoice_no,
        StockCode as stock_code,
        CustomerID as customer_id,

        ---------- strings
        Description as description,
        Country as country,

        ---------- numerics
        Quantity as quantity,
        UnitPrice as unit_price,
        Quantity * UnitPrice as line_amount,

        ---------- timestamps
        InvoiceDate as invoiced_at,

        ---------- flags (one per exclusion reason, named is_<exclusion_reason>), for conditions the
        ---------- line shows by itself; is_non_product_code (a seed lookup) and is_exact_duplicate
        ---------- (a comparison with other lines) are the ledger's)
        CustomerID is null as is_missing_customer,
        upper(left(InvoiceNo, 1)) = 'C' as is_cancellation,
        upper(left(InvoiceNo, 1)) = 'A' as is_adjustment,
        Quantity <= 0 as is_non_positive_quantity,
        UnitPrice <= 0 as is_non_positive_price

    from source

)

select * from renamed
