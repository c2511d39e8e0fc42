{#- Fails when the model and `compare_model` have different row counts (e.g. one row per raw line). -#}
{% test row_count_equals(model, compare_model) %}

with

counts as (

    select
        (select count(*) from {{ model }}) as model_rows,
        (select count(*) from {{ compare_model }}) as compare_model_rows

)

select * from counts
where model_rows != compare_model_rows

{% endtest %}
