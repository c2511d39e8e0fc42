-- The lines every customer metric is built on: those the ledger kept under the chosen policy.
-- A view, not a table: a filter on the ledger table is as fast to read as a copy of the kept lines,
-- and the copy (tens of millions of lines at scale) cost a full write and its memory on every build.
{{ config(materialized='view') }}

with

ledgered as (

    select * from {{ ref('int_transaction_lines_ledgered') }}

)

select * from ledgered
where ledger_status = 'kept'
