-- The lines every customer metric is built on: those the ledger kept under the chosen policy.
with

ledgered as (

    select * from {{ ref('int_transaction_lines_ledgered') }}

)

select * from ledgered
where ledger_status = 'kept'
