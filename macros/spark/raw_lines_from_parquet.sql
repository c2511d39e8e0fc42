{#- Spark's raw tables from the loader's parquet files (on-run-start). `python -m pipeline build
    --target spark` validates and types the file exactly as for DuckDB (pipeline/ingest), writes the
    lines as parquet to the folder in LIFECYCLE_RAW_PARQUET_DIR and lets the first dbt build turn it
    into raw.transaction_lines and raw.load_metadata here, in dbt's own Spark session. Without the
    variable (every other dbt command, or a cluster whose raw table already exists) it does nothing.
    Timestamps come back from parquet without a zone (Spark reads them as timestamp_ntz): cast to
    Spark's timestamp, which in the session's UTC is the same wall-clock time. -#}
{% macro raw_lines_from_parquet() -%}
    {%- set folder = env_var('LIFECYCLE_RAW_PARQUET_DIR', '') -%}
    {%- if execute and target.type == 'spark' and folder -%}
        {%- set tables = {
            'transaction_lines': 'raw_line_number, InvoiceNo, StockCode, Description, Quantity,'
                ~ ' cast(InvoiceDate as timestamp) as InvoiceDate, UnitPrice, CustomerID, Country',
            'load_metadata': 'source_file, file_format, encoding, raw_lines, sha256,'
                ~ ' cast(loaded_at as timestamp) as loaded_at',
        } -%}
        {%- do run_query('create database if not exists raw') -%}
        {%- for table, columns in tables.items() -%}
            {%- do run_query('drop table if exists raw.' ~ table) -%}
            {%- do run_query(
                'create table raw.' ~ table ~ ' using parquet as select ' ~ columns
                ~ ' from parquet.`' ~ folder ~ '/' ~ table ~ '.parquet`'
            ) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
