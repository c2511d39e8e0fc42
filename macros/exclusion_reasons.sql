{#- The exclusion reasons the ledger evaluates, each from a boolean column `is_<reason>`. Their
    priorities and descriptions are data (seeds/exclusion_reasons.csv); this list is the code side,
    kept equal to the seed by tests/intermediate/assert_exclusion_reasons_match_the_seed.sql. -#}
{% macro exclusion_reasons() -%}
    {{ return([
        'missing_customer', 'cancellation', 'adjustment', 'non_product_code',
        'non_positive_quantity', 'non_positive_price', 'exact_duplicate',
    ]) }}
{%- endmacro %}
