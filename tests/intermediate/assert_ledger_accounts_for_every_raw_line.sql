-- Raw lines = ledger lines = kept + excluded, and the audit mart adds up to the same total.
-- Returns a row (a failure) when any of the four counts disagrees.
with

counts as (

    select
        (select count(*) from {{ source('retail', 'transaction_lines') }}) as raw_lines,
        (select count(*) from {{ ref('int_transaction_lines_ledgered') }}) as ledger_lines,
        (
            select count(*) from {{ ref('int_transaction_lines_ledgered') }}
            where ledger_status = 'kept'
        ) as kept_lines,
        (
            select count(*) from {{ ref('int_transaction_lines_ledgered') }}
            where ledger_status = 'excluded'
        ) as excluded_lines,
        (select sum(line_count) from {{ ref('cleaning_audit') }}) as audited_lines

)

select * from counts
where
    raw_lines != ledger_lines
    or ledger_lines != kept_lines + excluded_lines
    or audited_lines != raw_lines
