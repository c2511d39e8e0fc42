-- The exclusion reasons are listed twice: as data (seeds/exclusion_reasons.csv: priority, wording)
-- and as code (the exclusion_reasons() macro: the is_<reason> flags the ledger evaluates). A reason
-- only in the seed would never exclude a line; one only in the macro could never be reported.
-- Returns a row per reason found on one side only.
with

evaluated as (

    {% for reason in exclusion_reasons() %}
        select '{{ reason }}' as exclusion_reason
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

seeded as (

    select exclusion_reason from {{ ref('exclusion_reasons') }}

),

one_sided as (

    select
        coalesce(seeded.exclusion_reason, evaluated.exclusion_reason) as exclusion_reason,
        case
            when evaluated.exclusion_reason is null
                then 'in the seed, but the ledger evaluates no is_<reason> flag for it'
            else 'evaluated by the ledger, but missing from the seed'
        end as problem
    from seeded
    full outer join evaluated
        on seeded.exclusion_reason = evaluated.exclusion_reason
    where seeded.exclusion_reason is null or evaluated.exclusion_reason is null

)

select * from one_sided
