{#- Every raw line, once, with the outcome of cleaning under the chosen policy.
    A line with several exclusion reasons reports the highest-priority one that the policy applies. -#}
{%- set exclusion_reasons = [
    'missing_customer', 'cancellation', 'adjustment', 'non_product_code',
    'non_positive_quantity', 'non_positive_price', 'exact_duplicate',
] -%}

with

lines as (

    select * from {{ ref('stg_retail__transaction_lines') }}

),

policy_reasons as (

    select
        cleaning_policies.exclusion_reason,
        exclusion_reasons.priority
    from {{ ref('cleaning_policies') }} as cleaning_policies
    inner join {{ ref('exclusion_reasons') }} as exclusion_reasons
        on cleaning_policies.exclusion_reason = exclusion_reasons.exclusion_reason
    where cleaning_policies.cleaning_policy = '{{ var("cleaning_policy") }}'

),

line_flags as (

    {% for reason in exclusion_reasons %}
        select
            transaction_line_id,
            '{{ reason }}' as exclusion_reason
        from lines
        where is_{{ reason }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

applied_reasons as (

    select
        line_flags.transaction_line_id,
        line_flags.exclusion_reason,
        row_number() over (
            partition by line_flags.transaction_line_id
            order by policy_reasons.priority
        ) as reason_rank
    from line_flags
    inner join policy_reasons
        on line_flags.exclusion_reason = policy_reasons.exclusion_reason

),

ledgered as (

    select
        lines.*,
        '{{ var("cleaning_policy") }}' as cleaning_policy,
        case
            when applied_reasons.exclusion_reason is null then 'kept' else 'excluded'
        end as ledger_status,
        applied_reasons.exclusion_reason
    from lines
    left join applied_reasons
        on
            lines.transaction_line_id = applied_reasons.transaction_line_id
            and applied_reasons.reason_rank = 1

)

select * from ledgered
