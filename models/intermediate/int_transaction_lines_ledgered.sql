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
    not by unioning one row per flag and ranking them: one pass over the lines, no window. -#}
{%- set reasons = exclusion_reasons() -%}
{%- set line_columns = [
    'invoice_no', 'stock_code', 'description', 'quantity',
    'invoiced_at', 'unit_price', 'customer_id', 'country',
] -%}

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

policy_priorities as (

    -- One row: the priority of each reason the policy applies, NULL for a reason it does not.
    select
        {% for reason in reasons %}
            min(
                case when exclusion_reasons.exclusion_reason = '{{ reason }}' then exclusion_reasons.priority end
            ) as {{ reason }}_priority{% if not loop.last %},{% endif %}
        {% endfor %}
    from {{ ref('cleaning_policies') }} as cleaning_policies
    inner join {{ ref('exclusion_reasons') }} as exclusion_reasons
        on cleaning_policies.exclusion_reason = exclusion_reasons.exclusion_reason
    where cleaning_policies.cleaning_policy = {{ sql_string(var('cleaning_policy')) }}

),

flagged as (

    select
        lines.*,
        upper(lines.stock_code) in (
            select non_product_stock_codes.stock_code from non_product_stock_codes
        ) as is_non_product_code,
        lines.transaction_line_id in (
            select duplicate_lines.transaction_line_id from duplicate_lines
        ) as is_exact_duplicate
    from lines

),

reasoned as (

    select
        flagged.*,
        -- least() skips NULLs: the smallest priority among the flags the policy applies, if any.
        case least(
            {% for reason in reasons %}
                case when flagged.is_{{ reason }} then policy_priorities.{{ reason }}_priority end
                {% if not loop.last %},{% endif %}
            {% endfor %}
        )
            {% for reason in reasons %}
                when policy_priorities.{{ reason }}_priority then '{{ reason }}'
            {% endfor %}
        end as exclusion_reason
    from flagged
    cross join policy_priorities

),

ledgered as (

    select
        *,
        {{ sql_string(var('cleaning_policy')) }} as cleaning_policy,
        case when exclusion_reason is null then 'kept' else 'excluded' end as ledger_status
    from reasoned

)

select * from ledgered
