-- The reasons read as a manager would write them: "1 day" not "1 days", thousands separators in
-- amounts, no ".0" decimals, no "£0", no internal jargon ("score"), no template placeholder left.
with

reasons as (

    {% for rank in range(1, 4) %}
        select
            customer_id,
            reason_{{ rank }} as reason
        from {{ ref('customers_at_risk') }}
        where reason_{{ rank }} is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

faults as (

    {%- set faults = {
        'plural after one': '(^|[^0-9.,])1 (days|orders|items|products|new products|different products|times)([^a-z]|$)',
        'amount of £1,000 or more without a thousands separator': '£[0-9]{4}',
        'a decimal .0': '[0-9][.]0([^0-9]|$)',
        'a ratio written as 9x': '[0-9]x([^a-z]|$)',
        'a zero or negative amount': '£(-|0([^,.0-9]|$))',
        'internal jargon': '[Ss]core',
        'a template placeholder': '[{}]',
    } %}
    {% for fault, pattern in faults.items() %}
        select
            customer_id,
            reason,
            '{{ fault }}' as fault
        from reasons
        where {{ regexp_contains('reason', "'" ~ pattern ~ "'") }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from faults
