# Two commands for users: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DATA ?=
VARS ?=
# TARGET=spark builds on Spark (`make spark` installs it; docs/spark.md).
TARGET ?=
REAL_DATA := ../shared/data/online_retail.parquet
TEST_DIR := warehouse/test

export DBT_PROFILES_DIR := $(CURDIR)

.PHONY: run test lint bench docs clean tableau spark

PIP_INSTALL := $(PY) -m pip install --quiet --disable-pip-version-check --root-user-action=ignore

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@echo "installing the Python packages into $(VENV) (first run only, a minute or two)"
	@$(PYTHON) -m venv $(VENV)
	@$(PIP_INSTALL) --upgrade pip
	@$(PIP_INSTALL) -r requirements-dev.txt
	@touch $@

## Optional: pantab, for the Tableau extract (exports/customer_lifecycle.hyper).
tableau: $(VENV)/.installed
	$(PIP_INSTALL) -r requirements-tableau.txt

## Optional: dbt-spark and PySpark, for the spark target (make run TARGET=spark; needs Java 17).
spark: $(VENV)/.installed
	$(PIP_INSTALL) -r requirements-spark.txt

## Build the warehouse (sample data unless DATA=<file>), train, explain and score the churn model, write
## the exports, the dashboard and (with pantab) the Tableau extract, and publish all of it at once.
## One line per stage; VERBOSE=1 prints every line of dbt and of the ml step (else logs/dbt.log and
## outputs/ml/run.log). dbt's unit tests are left out (make test runs them).
run: $(VENV)/.installed
	$(PY) -m pipeline build $(if $(DATA),--data "$(DATA)") $(if $(VARS),--vars '$(VARS)') $(if $(TARGET),--target $(TARGET)) $(if $(VERBOSE),--verbose)

## Lint, build and test on the sample (with every dbt unit test) and (when present) the real data, then
## run every pytest.
test: $(VENV)/.installed lint
	rm -rf $(TEST_DIR) && mkdir -p $(TEST_DIR)
	LIFECYCLE_WAREHOUSE_PATH=$(TEST_DIR)/sample.duckdb LIFECYCLE_EXPORTS_DIR=$(TEST_DIR)/exports_sample \
		LIFECYCLE_ML_OUTPUT_DIR=$(TEST_DIR)/ml_sample $(PY) -m pipeline build --with-unit-tests
	LIFECYCLE_WAREHOUSE_PATH=$(TEST_DIR)/sample.duckdb LIFECYCLE_ML_OUTPUT_DIR=$(TEST_DIR)/ml_sample \
		$(PY) -m ml evaluate
	LIFECYCLE_WAREHOUSE_PATH=$(TEST_DIR)/sample.duckdb LIFECYCLE_ML_OUTPUT_DIR=$(TEST_DIR)/ml_sample \
		$(PY) -m ml forward-evaluate
	LIFECYCLE_WAREHOUSE_PATH=$(TEST_DIR)/sample.duckdb LIFECYCLE_ML_OUTPUT_DIR=$(TEST_DIR)/ml_sample \
		$(PY) -m ml value-evaluate
	@if [ -f $(REAL_DATA) ]; then \
		set -e; \
		LIFECYCLE_WAREHOUSE_PATH=$(TEST_DIR)/real_strict.duckdb LIFECYCLE_EXPORTS_DIR=$(TEST_DIR)/exports_real_strict \
			LIFECYCLE_ML_OUTPUT_DIR=$(TEST_DIR)/ml_real_strict $(PY) -m pipeline build --data $(REAL_DATA); \
		LIFECYCLE_WAREHOUSE_PATH=$(TEST_DIR)/real_seed.duckdb LIFECYCLE_EXPORTS_DIR=$(TEST_DIR)/exports_real_seed \
			LIFECYCLE_ML_OUTPUT_DIR=$(TEST_DIR)/ml_real_seed \
			$(PY) -m pipeline build --no-ml --data $(REAL_DATA) --vars '{cleaning_policy: seed}'; \
		LIFECYCLE_WAREHOUSE_PATH=$(TEST_DIR)/real_strict.duckdb LIFECYCLE_ML_OUTPUT_DIR=$(TEST_DIR)/ml_real_strict \
			$(PY) -m ml evaluate; \
		LIFECYCLE_WAREHOUSE_PATH=$(TEST_DIR)/real_seed.duckdb LIFECYCLE_ML_OUTPUT_DIR=$(TEST_DIR)/ml_real_seed \
			$(PY) -m ml evaluate; \
		LIFECYCLE_WAREHOUSE_PATH=$(TEST_DIR)/real_strict.duckdb LIFECYCLE_ML_OUTPUT_DIR=$(TEST_DIR)/ml_real_strict \
			$(PY) -m ml forward-evaluate; \
		LIFECYCLE_WAREHOUSE_PATH=$(TEST_DIR)/real_strict.duckdb LIFECYCLE_ML_OUTPUT_DIR=$(TEST_DIR)/ml_real_strict \
			$(PY) -m ml value-evaluate; \
	else echo "real data not found at $(REAL_DATA): real-data builds and parity tests are skipped"; fi
	$(if $(wildcard $(REAL_DATA)),LIFECYCLE_REAL_SEED_WAREHOUSE=$(TEST_DIR)/real_seed.duckdb LIFECYCLE_REAL_STRICT_WAREHOUSE=$(TEST_DIR)/real_strict.duckdb \
		LIFECYCLE_REAL_FORWARD_METRICS=$(TEST_DIR)/ml_real_strict/metrics.json \
		LIFECYCLE_REAL_VALUE_METRICS=$(TEST_DIR)/ml_real_strict/metrics.json) \
		LIFECYCLE_SAMPLE_WAREHOUSE=$(TEST_DIR)/sample.duckdb LIFECYCLE_SAMPLE_ML_OUTPUT_DIR=$(TEST_DIR)/ml_sample \
		$(PY) -m pytest tests --durations=15

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check pipeline ml tests
	# The dbt templater opens a connection; an in-memory DuckDB keeps lint independent of any build.
	LIFECYCLE_WAREHOUSE_PATH=:memory: $(VENV)/bin/sqlfluff lint models macros tests

## Full builds on the real data, the sample and real-shaped data at 1x, 10x, 100x beside pandas and
## DuckDB references: wall, CPU, peak RSS per stage -> outputs/bench/. BENCH_ARGS=--huge adds 1000x.
BENCH_ARGS ?=
bench: $(VENV)/.installed
	$(PY) -m pipeline bench $(BENCH_ARGS)

## The dbt docs site as one file, target/static_index.html, that opens from file:// with no network.
docs: $(VENV)/.installed
	@DO_NOT_TRACK=1 $(VENV)/bin/dbt docs generate --static --log-level warn --log-level-file debug $$([ -t 1 ] || echo --no-use-colors)
	@echo "docs: $(CURDIR)/target/static_index.html"

clean:
	rm -rf target logs warehouse exports outputs data/sample
