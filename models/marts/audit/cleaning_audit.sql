-- Lines, units and amounts per cleaning outcome: what each exclusion reason removed and what was kept.
-- net_line_amount is what the kept lines count for once partial returns are taken off (the revenue
-- of customer_rfm); the reversed and reversal rows show what matched cancellations took back whole.
with

ledgered as (

    select * from {{ ref('int_transaction_lines_ledgered') }}

),

exclusion_reasons as (

    select * from {{ ref('exclusion_reasons') }}

),

invoice_outcomes as (

    -- Two levels: the lines per outcome and invoice first, then the distinct counts over those
    -- (a few million rows at 100x, not every line): 100x 10.5 -> 8.1 CPU s.
    select
        coalesce(exclusion_reason, 'kept') as cleaning_outcome,
        invoice_no,
        customer_id,
        max(ledger_status) as ledger_status,
        max(cleaning_policy) as cleaning_policy,
        count(*) as line_count,
        sum(quantity) as units,
        -- Exact decimals: a sum of doubles depends on the order threads add them in, and reruns
        -- of one file differed in the last digit.
        sum(cast(line_amount as decimal(18, 4))) as line_amount,
        sum(cast(net_line_amount as decimal(18, 4))) as net_line_amount
    from ledgered
    group by coalesce(exclusion_reason, 'kept'), invoice_no, customer_id

),

outcomes as (

    select
        cleaning_outcome,
        max(ledger_status) as ledger_status,
        max(cleaning_policy) as cleaning_policy,
        cast(sum(line_count) as {{ dbt.type_bigint() }}) as line_count,
        sum(units) as units,
        cast(sum(line_amount) as {{ type_double() }}) as line_amount,
        cast(sum(net_line_amount) as {{ type_double() }}) as net_line_amount,
        count(distinct invoice_no) as invoices,
        count(distinct customer_id) as customers
    from invoice_outcomes
    group by cleaning_outcome

),

audited as (

    select
        outcomes.cleaning_outcome,
        outcomes.ledger_status,
        outcomes.cleaning_policy,
        coalesce(exclusion_reasons.priority, 0) as report_order,
        coalesce(exclusion_reasons.description, 'Kept: no exclusion reason applies under the policy.')
            as outcome_description,
        outcomes.line_count,
        outcomes.line_count * 1.0 / sum(outcomes.line_count) over () as share_of_lines,
        outcomes.units,
        outcomes.line_amount,
        outcomes.net_line_amount,
        outcomes.invoices,
        outcomes.customers
    from outcomes
    left join exclusion_reasons
        on outcomes.cleaning_outcome = exclusion_reasons.exclusion_reason

)

select * from audited
