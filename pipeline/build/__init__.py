"""`python -m pipeline build`: one file in, one published release out, all or nothing.

- run.py: the stages in order (load, dbt build, ml step, dbt build after ml, deliverables, publish);
- progress.py: what the build prints, one line per stage and where to open what it published;
- dbt_command.py: the dbt command lines (quiet, unit tests left out of production builds);
- publish.py: releases and the one symlink switch that publishes them;
- dbt_link.py, load_gate.py: dbt builds every warehouse through one path, and starts during the load;
- dbt_plugin.py: the dbt-duckdb plugin that makes plain `dbt build` load the data (profiles.yml).

Kept empty of imports: dbt imports the plugin, which needs none of the rest."""
