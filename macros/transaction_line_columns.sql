{#- The eight columns of a raw line (staging names): two lines equal in all of them are exact
    duplicates, in the ledger and in the reversal matching alike. -#}
{% macro transaction_line_columns() -%}
    {{ return([
        'invoice_no', 'stock_code', 'description', 'quantity',
        'invoiced_at', 'unit_price', 'customer_id', 'country',
    ]) }}
{%- endmacro %}
