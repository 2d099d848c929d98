# studentflow — two commands from a fresh clone:
#   make build   install everything, generate the demo data, run `dbt build`
#   make test    the same set-up, then every check the project has
# Everything runs from the project root; nothing needs to be installed first
# but Python 3.11 and make.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON_BOOT ?= $(shell command -v python3.11 || command -v python3)
VENV        := .venv
PY          := $(VENV)/bin/python
DBT         := $(VENV)/bin/dbt
SEED        ?= 42
SCALE       ?= demo
RAW_DIR     ?= data/raw
export STUDENTFLOW_RAW_DIR ?= $(RAW_DIR)
# Containers often set PYTHONDONTWRITEBYTECODE=1 (this machine does). Then no
# process caches its compiled imports, so dbt, every engine and audit worker and
# every pytest worker compiles pandas, scipy and dbt from source again, each time.
# .venv is the project's own, so Python may keep its bytecode there (demo
# `make build` 78.0 -> 73.0 s, benchmarks/results.md 2026-12-03).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: help setup data build test lint dbt-build pytest check gx audit audit-adversarial docs clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

# uv installs the pinned set in about 5 s where pip takes 35 s (both from PyPI, no
# cache); behind an index mirror set UV_DEFAULT_INDEX, or pip takes over if uv fails.
# The venv starts without pip (seeding it takes 2.9 s of a 63 s demo build): the
# boot Python's pip puts uv into it (pip >= 22.3: --python); where that fails,
# ensurepip seeds pip into the venv and pip installs the same set.
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON_BOOT) -m venv --without-pip $(VENV)
	$(PYTHON_BOOT) -m pip --python $(PY) install --quiet -c constraints.txt uv \
	  && $(VENV)/bin/uv pip install --quiet --python $(PY) -c constraints.txt -e ".[dev]" \
	  || { $(PY) -m ensurepip --upgrade >/dev/null \
	       && $(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"; }
	touch $@

profiles.yml: profiles.yml.example
	cp profiles.yml.example profiles.yml

setup: $(VENV)/.installed profiles.yml  ## create .venv with the pinned tools and a working dbt profile
	mkdir -p data/warehouse/tmp

$(RAW_DIR)/.complete: $(VENV)/.installed
	$(VENV)/bin/studentflow generate --scale $(SCALE) --seed $(SEED) --out $(RAW_DIR)
	touch $@

data: setup $(RAW_DIR)/.complete  ## generate the demo register extracts (SCALE=demo|region|national)

# On a fresh clone dbt parses the project (6 s on one core) while the generator
# writes the extracts (3 s, mostly one core); `dbt build` then reuses that parse
# (dbt's partial parsing: nothing changed in between). Once target/ holds a parse,
# each `dbt build` re-parses only what changed, so no separate parse runs.
dbt-build: setup
	$(MAKE) --no-print-directory -j2 data target/partial_parse.msgpack
	$(strip $(DBT) build $(DBT_BUILD_ARGS))

target/partial_parse.msgpack: | setup
	$(DBT) parse --quiet

# dbt Labs runs unit tests in development and CI only ("When to run unit tests" in dbt's
# unit-test docs): their inputs are fixed rows, so a build on a delivery learns nothing
# from them. `make build` leaves them out (demo: about 7 s of its 45 s dbt build);
# `make test` runs them in the adversarial world's build (audit-adversarial), and the
# GitHub workflow's `make dbt-build` and a plain `dbt build` before their models.
build: DBT_BUILD_ARGS := --exclude-resource-type unit_test
build: dbt-build  ## install, generate demo data and run `dbt build` (no unit tests: make test runs them) into data/warehouse/studentflow.duckdb

# Each sqlfluff process compiles the whole dbt project for its templater: alone, two
# processes lint in 80 s instead of 102 s, but spend 140 CPU-s instead of 100.
# `make test` keeps both cores busy anyway, so there one process does it
# (benchmarks/results.md 2026-12-06, third).
LINT_PROCESSES ?= 2
lint: setup  ## sqlfluff (dbt templater, in-memory target), ruff, and the other pre-commit hooks
	$(VENV)/bin/sqlfluff lint models analyses tests --processes $(LINT_PROCESSES)
	$(VENV)/bin/ruff check src tests_py
	$(VENV)/bin/ruff format --check src tests_py
	SKIP=sqlfluff-lint,ruff-check,ruff-format $(VENV)/bin/pre-commit run --all-files --show-diff-on-failure

# two workers, one test module each (module fixtures build their own warehouses); the
# longest modules first (tests_py/conftest.py LONGEST_FIRST), not xdist's most-tests-first
pytest: setup data
	$(VENV)/bin/pytest -q -n 2 --dist loadfile --no-loadscope-reorder --durations=15

check:  ## check a delivery without building anything: make check RAW_DIR=/secure/extracts/2025 (report also in target/delivery_check.json)
	$(VENV)/bin/studentflow check $(RAW_DIR) --json target/delivery_check.json

gx: setup  ## Great Expectations checkpoints on the raw extracts and the published marts
	$(VENV)/bin/studentflow gx --raw-dir $(RAW_DIR) --duckdb data/warehouse/studentflow.duckdb --out target/gx

# Two streams at once (make -j2), one per core: lint, the adversarial world, then the
# demo's audit and GX; and the demo's dbt build, then pytest. Alone each check keeps
# only 1.5-1.9 of the two cores busy, so one after the other left a core idle for
# about two minutes (9.5 -> 9.0 min, benchmarks/results.md 2026-12-03). The audit
# waits for the demo build; pytest reads its warehouse.
# Output comes per check when it ends (--output-sync); one sub-make per check keeps
# each stream in order.
test: setup data  ## everything CI checks: lint, dbt build with tests, the audits (demo, adversarial world), Python tests, GX
	$(MAKE) --no-print-directory -j2 --output-sync=recurse _test-streams

.PHONY: _test-streams _test-adversarial _test-demo-checks _test-pytest
# The unit tests run in the adversarial world's build (audit-adversarial), whose
# stream has slack, not in the demo's, which pytest waits for: they read only
# their given rows, so either build proves the same.
_test-streams: DBT_BUILD_ARGS := --exclude-resource-type unit_test
_test-streams: LINT_PROCESSES := 1
_test-streams: _test-demo-checks _test-pytest
_test-adversarial: lint
	$(MAKE) --no-print-directory audit-adversarial
_test-demo-checks: _test-adversarial dbt-build
	$(MAKE) --no-print-directory audit
	$(MAKE) --no-print-directory gx
_test-pytest: dbt-build
	$(MAKE) --no-print-directory pytest

audit: setup  ## the attacker: provable intervals of every protected cell by LP (docs/disclosure-control.md 9)
	$(VENV)/bin/studentflow audit --duckdb data/warehouse/studentflow.duckdb --linked-tables sdc/linked_tables.yml --out target/audit

ADV_DIR := data/adversarial
# own target and log paths: in `make test` this build runs beside the demo's,
# and runs the unit tests (the demo's leaves them out there: see _test-streams)
audit-adversarial: setup  ## the attacker on the adversarial world (many tiny groups): own raw dir, warehouse and target; the dbt unit tests too
	$(VENV)/bin/studentflow generate --scale adversarial --seed 7 --out $(ADV_DIR)/raw
	STUDENTFLOW_RAW_DIR=$(ADV_DIR)/raw STUDENTFLOW_DUCKDB=$(ADV_DIR)/warehouse.duckdb $(DBT) build --target-path $(ADV_DIR)/target --log-path $(ADV_DIR)/logs
	$(VENV)/bin/studentflow audit --duckdb $(ADV_DIR)/warehouse.duckdb --linked-tables sdc/linked_tables.yml --out $(ADV_DIR)/audit

docs: setup data  ## dbt docs site into target/ (open target/index.html)
	$(DBT) docs generate

clean:  ## remove generated data, warehouse and dbt artefacts (keeps .venv)
	rm -rf data target target_* logs

# --- pull-request CI (CONTRIBUTING.md) ----------------------------------------
STATE_DIR ?= state
BASE      ?= origin/main
DBT_ARGS  ?=

.PHONY: ci-pr state lint-changed actionlint pre-commit

ci-pr: setup data  ## slim CI: dbt build state:modified+ --defer against main's manifest in $(STATE_DIR)/ (full build without one)
	STATE_DIR=$(STATE_DIR) DBT=$(DBT) scripts/slim_ci.sh $(DBT_ARGS)

state:  ## after a build of main: keep its manifest in $(STATE_DIR)/ as the baseline for `make ci-pr`
	test -f target/manifest.json || { echo "no target/manifest.json: run make build on main first" >&2; exit 1; }
	mkdir -p $(STATE_DIR)
	cp target/manifest.json $(STATE_DIR)/manifest.json

lint-changed: setup  ## sqlfluff on the SQL changed since $(BASE) (what CI lints on a pull request), and ruff
	@files=$$(git diff --name-only --diff-filter=d $(BASE)...HEAD -- models macros tests/generic analyses \
	    | grep -E '\.sql$$' || true); \
	if [[ -n "$$files" ]]; then echo "sqlfluff lint $$files"; $(VENV)/bin/sqlfluff lint $$files --processes 2; \
	else echo "no changed SQL since $(BASE)"; fi
	$(VENV)/bin/ruff check src tests_py
	$(VENV)/bin/ruff format --check src tests_py

actionlint: setup  ## check the GitHub Actions workflows (actionlint from PyPI, pinned)
	$(VENV)/bin/actionlint -no-color -shellcheck=$(VENV)/bin/shellcheck -pyflakes= .github/workflows/*.yml
	$(VENV)/bin/shellcheck scripts/*.sh .ci/run

pre-commit: setup  ## every pre-commit hook on every file (.pre-commit-config.yaml, local hooks only)
	$(VENV)/bin/pre-commit run --all-files --show-diff-on-failure

# --- analysts: BI exports, the standard report, the browser for its test (docs/analysts.md) ---
INSTITUTION ?= liu
WINDOW      ?= 2013
WAREHOUSE   ?= data/warehouse/studentflow.duckdb
MANIFEST    ?= target/manifest.json

.PHONY: export report browser

export: setup  ## every published mart to output/export: Parquet, Excel CSV (BOM, ';', decimal comma), data dictionary
	$(PY) -m studentflow.export --duckdb $(WAREHOUSE) --out output/export --manifest $(MANIFEST)

report: setup  ## static HTML report with charts, works offline: make report INSTITUTION=liu WINDOW=2013
	$(PY) -m studentflow.report --institution $(INSTITUTION) --window $(WINDOW) --duckdb $(WAREHOUSE) --out output/report

# without root (a laptop) a missing browser is not installed: the browser test is then
# skipped with a message saying how to install it; under CI=true it fails instead
browser:  ## Debian's chromium + chromedriver for the report's browser test (apt-get as root)
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then :; \
	elif [[ "$$(id -u)" == 0 ]]; then apt-get update && apt-get install -y chromium chromium-driver; \
	elif [[ "$${CI:-}" == true ]]; then \
	    echo "CI=true: chromium/chromedriver missing and not root: run 'sudo make browser'" >&2; exit 1; \
	else echo "chromium/chromedriver not installed (needs root): the browser test will be skipped;" \
	    "install with 'sudo apt-get install -y chromium chromium-driver' (or 'sudo make browser')"; fi

# the report's browser test runs in `make pytest`/`make test`; within `make test` the
# tests read the warehouse dbt-build has just made (read-only) instead of building their own
pytest: browser
test: export STUDENTFLOW_TEST_WAREHOUSE := $(WAREHOUSE)

# --- national benchmark (README: Benchmark and the annual update) -------------
.PHONY: bench
bench: setup  ## national build measured: generator, layers, peak memory, floor, incremental; appends benchmarks/results.*
	$(VENV)/bin/studentflow bench --scale national --work-dir data/bench
