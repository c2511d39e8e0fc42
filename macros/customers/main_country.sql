{#- A customer's country per as-of: the one with most invoices; on a tie, the one bought from last,
    then by name. `country_invoices` is a relation with as_of_at, customer_id, country, invoices and
    last_invoiced_at; the seed chain and the point-in-time features both pick with this rule. -#}
{% macro main_country_select(country_invoices) -%}
    select
        as_of_at,
        customer_id,
        country
    from {{ country_invoices }}
    qualify row_number() over (
        partition by as_of_at, customer_id
        order by invoices desc, last_invoiced_at desc, country asc
    ) = 1
{%- endmacro %}
