{#- Every raw line, once, with the outcome of cleaning under the chosen policy.
    A line with several exclusion reasons reports the highest-priority (lowest `priority`) one that
    the policy applies. Each reason is a boolean column is_<reason>: staging's, plus two decided
    here because a line does not show them by itself: is_non_product_code (the seed lookup) and
    is_exact_duplicate (every column equals an earlier line's; the first copy in file order is the
    original).
    Duplicates in two steps: lines whose row hash occurs more than once are candidates (about 2 %
    of the real data; repeated_values finds those hashes, in DuckDB by sorting them), and only
    those are compared column by column with a window; a collision costs time, never a wrong flag.
    A window over every line partitioned by all eight columns took three times as long, and in
    the staging view it was recomputed by every test on the view.
    The duplicate CTEs read the staging relation itself, not the `lines` CTE: DuckDB materialises
    a CTE that is read more than once, which here would be a copy of every line.
    The reason is picked per line with least() over the policy's priorities (a one-row table),
    not by unioning one row per flag and ranking them: one pass over the lines, no window.
    Reversals (is_reversal, is_reversed) come from int_transaction_line_reversals_matched, a few
    thousand pairs joined to the lines: a purchase wholly taken back is `reversed`, the cancellation
    or credit that took it back `reversal`; a purchase partly taken back stays kept with
    net_quantity / net_line_amount, what every customer figure counts. -#}
{%- set reasons = exclusion_reasons() -%}
{%- set line_columns = transaction_line_columns() -%}

with

lines as (

    select * from {{ ref('stg_retail__transaction_lines') }}

),

repeated_line_hashes as (

    {{ repeated_values(row_hash(line_columns), ref('stg_retail__transaction_lines'), 'line_hash') }}

),

duplicate_lines as (

    select transaction_line_id
    from {{ ref('stg_retail__transaction_lines') }}
    where {{ row_hash(line_columns) }} in (select repeated_line_hashes.line_hash from repeated_line_hashes)
    qualify row_number() over (
        partition by {{ line_columns | join(', ') }}
        order by transaction_line_id
    ) > 1

),

non_product_stock_codes as (

    select upper(stock_code) as stock_code from {{ ref('non_product_stock_codes') }}

),

reversal_pairs as (

    select * from {{ ref('int_transaction_line_reversals_matched') }}

),

line_reversals as (

    -- One row per line in a reversal pair: on a purchase, the units and amount taken back from it;
    -- on a cancellation or credit, those it took back. The partner is the earliest-numbered one
    -- (all of them are in int_transaction_line_reversals_matched). Amounts add as exact decimals:
    -- a sum of doubles depends on the order threads add them in (reruns differed by an ulp).
    select
        purchase_line_id as transaction_line_id,
        cast(sum(reversed_quantity) as {{ dbt.type_bigint() }}) as reversed_quantity,
        cast(sum(cast(reversed_amount as decimal(18, 4))) as {{ type_double() }}) as reversed_amount,
        min(reversal_line_id) as reversed_by_line_id,
        cast(null as {{ dbt.type_bigint() }}) as reverses_line_id
    from reversal_pairs
    group by purchase_line_id

    union all

    select
        reversal_line_id as transaction_line_id,
        cast(sum(reversed_quantity) as {{ dbt.type_bigint() }}) as reversed_quantity,
        cast(sum(cast(reversed_amount as decimal(18, 4))) as {{ type_double() }}) as reversed_amount,
        cast(null as {{ dbt.type_bigint() }}) as reversed_by_line_id,
        min(purchase_line_id) as reverses_line_id
    from reversal_pairs
    group by reversal_line_id

),

policy_priorities as (

    -- One row: the priority of each reason the policy applies, NULL for a reason it does not.
    {{ policy_priorities_select(reasons) }}

),

flagged as (

    select
        lines.*,
        upper(lines.stock_code) in (
            select non_product_stock_codes.stock_code from non_product_stock_codes
        ) as is_non_product_code,
        lines.transaction_line_id in (
            select duplicate_lines.transaction_line_id from duplicate_lines
        ) as is_exact_duplicate,
        coalesce(
            line_reversals.reversed_by_line_id is not null and line_reversals.reversed_quantity >= lines.quantity,
            false
        ) as is_reversed,
        line_reversals.reverses_line_id is not null as is_reversal,
        coalesce(line_reversals.reversed_quantity, 0) as reversed_quantity,
        coalesce(line_reversals.reversed_amount, 0) as reversed_amount,
        line_reversals.reversed_by_line_id,
        line_reversals.reverses_line_id
    from lines
    left join line_reversals
        on lines.transaction_line_id = line_reversals.transaction_line_id

),

reasoned as (

    select
        flagged.*,
        {{ policy_exclusion_reason(reasons, 'flagged', 'policy_priorities') }} as exclusion_reason
    from flagged
    cross join policy_priorities

),

ledgered as (

    select
        *,
        -- What a purchase still counts for after the reversals matched to it (its own figures on
        -- every other line: a reversal's pairing is in reversed_quantity / reversed_amount).
        case
            when is_reversed then 0
            when reversed_by_line_id is not null then quantity - reversed_quantity
            else quantity
        end as net_quantity,
        -- Exactly 0 when wholly reversed: a sum of partial amounts can miss the line's by an ulp.
        case
            when is_reversed then 0
            when reversed_by_line_id is not null then line_amount - reversed_amount
            else line_amount
        end as net_line_amount,
        {{ sql_string(var('cleaning_policy')) }} as cleaning_policy,
        case when exclusion_reason is null then 'kept' else 'excluded' end as ledger_status
    from reasoned

)

select * from ledgered
