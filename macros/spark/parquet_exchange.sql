{#- How tables cross between the pipeline's DuckDB side and Spark, as parquet, inside dbt's own Spark
    session (a local Spark's metastore admits one process at a time). `python -m pipeline build
    --target spark` validates and types the file exactly as for DuckDB (pipeline/ingest) and hands
    the tables over (pipeline/build/spark.py); without its variables (every other dbt command, or a
    cluster whose raw table already exists) both hooks do nothing, and on DuckDB they never run.

    spark_import_tables (on-run-start): LIFECYCLE_SPARK_IMPORT lists `schema.table=path` pairs
    separated by `;`: each parquet file becomes that Spark table (the raw lines before the first
    build, the ml step's scores before the marts that read them). -#}
{% macro spark_import_tables() -%}
    {%- set listed = env_var('LIFECYCLE_SPARK_IMPORT', '') | trim -%}
    {%- if execute and target.type == 'spark' and listed -%}
        {%- for pair in listed.split(';') if pair | trim -%}
            {%- set table, path = pair.split('=', 1) -%}
            {%- do run_query('create database if not exists ' ~ table.split('.')[0]) -%}
            {%- do run_query('drop table if exists ' ~ table) -%}
            {%- do run_query('create table ' ~ table ~ ' using parquet as select * from parquet.`' ~ path ~ '`') -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#- spark_export_marts (on-run-end): every mart this run built is written as parquet to
    LIFECYCLE_SPARK_EXPORT_DIR/<schema>.<table>/, which the pipeline copies into the release's DuckDB
    file, where the ml step, the exports, the dashboard and BI tools read them. -#}
{% macro spark_export_marts(results) -%}
    {%- set folder = env_var('LIFECYCLE_SPARK_EXPORT_DIR', '') | trim -%}
    {%- if execute and target.type == 'spark' and folder -%}
        {%- for result in results
            if result.node.resource_type == 'model' and result.status == 'success' and result.node.schema == 'marts' -%}
            {%- set table = result.node.schema ~ '.' ~ result.node.alias -%}
            {%- do run_query(
                "insert overwrite directory '" ~ folder ~ "/" ~ table ~ "' using parquet select * from " ~ table
            ) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
