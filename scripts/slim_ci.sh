#!/usr/bin/env bash
# Slim CI for pull requests: build and test only what a change touches.
#
#   scripts/slim_ci.sh [extra dbt arguments...]      (what `make ci-pr` runs)
#
# With main's manifest in $STATE_DIR/manifest.json it runs
#
#   dbt build --select state:modified+ --defer --state $STATE_DIR
#
# i.e. every model, seed, snapshot and test whose definition differs from main
# (SQL or YAML, config, macros it calls; seeds by content checksum) plus
# everything downstream of it. Unchanged parents are not rebuilt: `--defer`
# resolves refs to unselected nodes through main's manifest when the current
# warehouse lacks them.
#
# DuckDB note: a deferred ref names main's relation ("<catalog>.<schema>.<table>",
# the catalog being the stem of main's warehouse file), so those relations must
# be reachable. The warehouse this build writes to ($STUDENTFLOW_DUCKDB) is
# therefore a copy of main's: when it does not exist yet and
# $STATE_DIR/warehouse.duckdb does (the CI artifact ships both), it is copied
# into place first. Locally the dev warehouse built from main already is one.
#
# Without a manifest in $STATE_DIR (first run of a fork, expired artifact), or
# with a manifest but no warehouse to defer to, it falls back to a full
# `dbt build`, so a pull request is never left untested.
#
# Environment:
#   STATE_DIR            main's artifacts (default: state)
#   DBT                  dbt executable (default: .venv/bin/dbt)
#   STUDENTFLOW_DUCKDB   warehouse file (default: data/warehouse/studentflow.duckdb,
#                        as in profiles.yml); must be the same path main was built with,
#                        or every model counts as modified (its relation changed)
#   SLIM_CI_FULL_FALLBACK  1 (default): full build without state; 0: fail instead
#   SLIM_CI_ALWAYS       nodes selected on every slim run, space-separated: checks
#                        that read the whole graph have no parents, so
#                        state:modified+ never reaches them (default: the check that
#                        every published mart declares the disclosure-control tests)
set -euo pipefail

STATE_DIR="${STATE_DIR:-state}"
DBT="${DBT:-.venv/bin/dbt}"
WAREHOUSE="${STUDENTFLOW_DUCKDB:-data/warehouse/studentflow.duckdb}"
FALLBACK="${SLIM_CI_FULL_FALLBACK:-1}"
ALWAYS="${SLIM_CI_ALWAYS-assert_published_marts_declare_sdc_tests}"

full_build() {
    echo "slim-ci: $1" >&2
    shift
    if [[ "$FALLBACK" != "1" ]]; then
        echo "slim-ci: SLIM_CI_FULL_FALLBACK=0, refusing to fall back to a full build" >&2
        exit 2
    fi
    echo "slim-ci: running a full dbt build instead" >&2
    exec "$DBT" build "$@"
}

if [[ ! -f "$STATE_DIR/manifest.json" ]]; then
    full_build "no manifest of main in $STATE_DIR/ (run \`make state\` on main, or download the CI artifact)" "$@"
fi

if [[ ! -f "$WAREHOUSE" ]]; then
    if [[ -f "$STATE_DIR/warehouse.duckdb" ]]; then
        echo "slim-ci: copying main's warehouse $STATE_DIR/warehouse.duckdb -> $WAREHOUSE" >&2
        mkdir -p "$(dirname "$WAREHOUSE")"
        cp "$STATE_DIR/warehouse.duckdb" "$WAREHOUSE"
    else
        full_build "main's manifest found but no warehouse to defer to ($WAREHOUSE, $STATE_DIR/warehouse.duckdb)" "$@"
    fi
fi

read -r -a always <<< "$ALWAYS"
echo "slim-ci: dbt build --select state:modified+ ${always[*]} --defer --state $STATE_DIR $*" >&2
exec "$DBT" build --select state:modified+ "${always[@]}" --defer --state "$STATE_DIR" "$@"
