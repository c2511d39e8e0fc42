{#- Fails when the model and `compare_model` have different row counts (e.g. one row per raw line).
    `compare_where` filters the compare model (e.g. only the ledger's kept lines). Downstream of the
    model where a key is made and tested unique, an equal count proves no join fanned lines out or
    dropped them, for a count instead of a full uniqueness aggregation. -#}
{% test row_count_equals(model, compare_model, compare_where=none) %}

with

counts as (

    select
        (select count(*) from {{ model }}) as model_rows,
        (
            select count(*) from {{ compare_model }}
            {%- if compare_where is not none %} where {{ compare_where }}{% endif %}
        ) as compare_model_rows

)

select * from counts
where model_rows != compare_model_rows

{% endtest %}
