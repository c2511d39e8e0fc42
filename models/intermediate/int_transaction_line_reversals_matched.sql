{#- One row per (purchase line, reversal line) pair: a cancellation or manual credit matched to the
    earlier purchase it takes back, with the units and amount taken back. Only under a cleaning
    policy that applies both `reversal` and `reversed` (strict does; seed does not: no rows).
    - Same stock code: a customer's line of negative quantity takes back units of that customer's
      purchases of the stock code (ignoring case), the earliest first (FIFO), partially if need be.
    - Manual credit: a negative line whose stock code is of a kind in var
      manual_credit_stock_code_kinds (seeds/non_product_stock_codes.csv) takes back one whole earlier
      purchase line of the same customer and the same value (to the penny), the earliest first,
      among the lines the stock-code matching left untouched.
    A reversal only takes back purchases made at or before its own timestamp. Purchases are lines
    the policy would keep; reversals are lines it excludes, except a repeated copy of an earlier line
    (a duplicated cancellation would take the purchase back twice).
    Reversals are about 2 % of the lines, so only the lines that share a customer and a stock code
    (or a customer and a credit's value) with one are read past the first filter; exact duplicates
    are decided among those alone, which is exact because equal lines share both keys. -#}
{%- set line_columns = transaction_line_columns() -%}
{%- set manual_credit_kinds = var('manual_credit_stock_code_kinds') or [] -%}

with

policy_priorities as (

    {{ policy_priorities_select(exclusion_reasons()) }}

),

non_product_stock_codes as (

    select
        upper(stock_code) as stock_code,
        {% if manual_credit_kinds -%}
            coalesce(kind in (
                {%- for kind in manual_credit_kinds %}
                    {{ sql_string(kind) }}{% if not loop.last %},{% endif %}
                {%- endfor %}
            ), false)
        {%- else -%}
            false
        {%- endif %} as is_manual_credit
    from {{ ref('non_product_stock_codes') }}

),

reversal_keys as (

    -- The customer and stock code of each line that could reverse a purchase (a negative quantity,
    -- or a manual credit of negative value: its value in pence too), when the policy matches them.
    select distinct
        transaction_lines.customer_id,
        upper(transaction_lines.stock_code) as stock_code,
        case
            when non_product_stock_codes.is_manual_credit
                then cast(round(-transaction_lines.line_amount * 100) as {{ dbt.type_bigint() }})
        end as credit_pence
    from {{ ref('stg_retail__transaction_lines') }} as transaction_lines
    cross join policy_priorities
    left join non_product_stock_codes
        on upper(transaction_lines.stock_code) = non_product_stock_codes.stock_code
    where
        policy_priorities.reversal_priority is not null
        and policy_priorities.reversed_priority is not null
        and transaction_lines.customer_id is not null
        and (
            (transaction_lines.quantity < 0 and not coalesce(non_product_stock_codes.is_manual_credit, false))
            or (non_product_stock_codes.is_manual_credit and transaction_lines.line_amount < 0)
        )

),

stock_code_keys as (

    select distinct
        customer_id,
        stock_code
    from reversal_keys

),

credit_keys as (

    select distinct
        customer_id,
        credit_pence
    from reversal_keys
    where credit_pence is not null

),

candidate_lines as (

    -- Every line sharing a customer and stock code, or a customer and a credit's value, with a
    -- possible reversal: the reversals themselves, the purchases they may match, and their copies.
    select transaction_lines.*
    from {{ ref('stg_retail__transaction_lines') }} as transaction_lines
    left join stock_code_keys
        on
            transaction_lines.customer_id = stock_code_keys.customer_id
            and upper(transaction_lines.stock_code) = stock_code_keys.stock_code
    left join credit_keys
        on
            transaction_lines.customer_id = credit_keys.customer_id
            and cast(round(transaction_lines.line_amount * 100) as {{ dbt.type_bigint() }}) = credit_keys.credit_pence
    where stock_code_keys.customer_id is not null or credit_keys.customer_id is not null

),

flagged as (

    select
        candidate_lines.*,
        non_product_stock_codes.stock_code is not null as is_non_product_code,
        coalesce(non_product_stock_codes.is_manual_credit, false) as is_manual_credit,
        row_number() over (
            partition by
                {% for column in line_columns -%}
                    candidate_lines.{{ column }}{% if not loop.last %},{% endif %}
                {% endfor %}
            order by candidate_lines.transaction_line_id
        ) > 1 as is_exact_duplicate
    from candidate_lines
    left join non_product_stock_codes
        on upper(candidate_lines.stock_code) = non_product_stock_codes.stock_code

),

reasoned as (

    select
        flagged.*,
        {{ policy_exclusion_reason(line_exclusion_reasons(), 'flagged', 'policy_priorities') }}
            as line_exclusion_reason,
        flagged.is_exact_duplicate and policy_priorities.exact_duplicate_priority is not null
            as is_excluded_copy
    from flagged
    cross join policy_priorities

),

purchases as (

    -- Lines the policy keeps: only a kept purchase can be reversed.
    select * from reasoned
    where line_exclusion_reason is null and quantity > 0 and line_amount > 0

),

reversals as (

    select * from reasoned
    where
        line_exclusion_reason is not null
        and not is_excluded_copy
        and customer_id is not null
        and (
            (quantity < 0 and not is_manual_credit)
            or (is_manual_credit and line_amount < 0)
        )

),

stock_code_events as (

    select
        customer_id,
        upper(stock_code) as match_key,
        transaction_line_id,
        invoiced_at,
        false as is_reversal_event,
        quantity as event_quantity
    from purchases

    union all

    select
        customer_id,
        upper(stock_code) as match_key,
        transaction_line_id,
        invoiced_at,
        true as is_reversal_event,
        -quantity as event_quantity
    from reversals
    where not is_manual_credit

),

stock_code_intervals as (

    {{ fifo_reversal_intervals('stock_code_events') }}

),

stock_code_pairs as (

    {{ fifo_overlapping_pairs('stock_code_intervals') }}

),

credit_events as (

    -- Whole lines: each purchase and each credit is one unit on its customer's value axis.
    select
        purchases.customer_id,
        cast(cast(round(purchases.line_amount * 100) as {{ dbt.type_bigint() }}) as {{ dbt.type_string() }})
            as match_key,
        purchases.transaction_line_id,
        purchases.invoiced_at,
        false as is_reversal_event,
        1 as event_quantity
    from purchases
    left join stock_code_pairs
        on purchases.transaction_line_id = stock_code_pairs.purchase_line_id
    where stock_code_pairs.purchase_line_id is null

    union all

    select
        customer_id,
        cast(cast(round(-line_amount * 100) as {{ dbt.type_bigint() }}) as {{ dbt.type_string() }}) as match_key,
        transaction_line_id,
        invoiced_at,
        true as is_reversal_event,
        1 as event_quantity
    from reversals
    where is_manual_credit

),

credit_intervals as (

    {{ fifo_reversal_intervals('credit_events') }}

),

credit_pairs as (

    {{ fifo_overlapping_pairs('credit_intervals') }}

),

pairs as (

    select
        purchase_line_id,
        reversal_line_id,
        'same_stock_code' as match_kind,
        overlap_quantity as reversed_quantity
    from stock_code_pairs

    union all

    select
        purchase_line_id,
        reversal_line_id,
        'manual_credit' as match_kind,
        cast(null as {{ dbt.type_bigint() }}) as reversed_quantity
    from credit_pairs

),

final as (

    select
        pairs.purchase_line_id,
        pairs.reversal_line_id,
        purchases.customer_id,
        pairs.match_kind,
        purchases.invoice_no as purchase_invoice_no,
        reversals.invoice_no as reversal_invoice_no,
        purchases.invoiced_at as purchased_at,
        reversals.invoiced_at as reversed_at,
        -- Units and pounds taken back from the purchase, at the purchase's price: a whole line
        -- for a manual credit, so a full reversal nets the purchase to exactly zero.
        cast(coalesce(pairs.reversed_quantity, purchases.quantity) as {{ dbt.type_bigint() }})
            as reversed_quantity,
        cast(
            case
                when pairs.reversed_quantity = purchases.quantity or pairs.reversed_quantity is null
                    then purchases.line_amount
                else pairs.reversed_quantity * purchases.unit_price
            end as {{ type_double() }}
        ) as reversed_amount
    from pairs
    inner join purchases
        on pairs.purchase_line_id = purchases.transaction_line_id
    inner join reversals
        on pairs.reversal_line_id = reversals.transaction_line_id

)

select * from final
