"""Secondary suppression over all published marts together (linked tables).

Reads every exact aggregate a mart publishes and the public structure
sdc/linked_tables.yml, and decides per published cell whether it is primary
(0 < n < k) and whether it is suppressed, by Gaussian elimination over all
linked tables and an interval (LP) check (src/studentflow/sdc, docs:
docs/disclosure-control.md). sdc_publish takes is_suppressed from here.
Internal: holds the reasons, never published.

Incremental: each cell carries the fingerprint of its component (in practice
one period of one population). A component whose fingerprint is already in
the table (same cells, counts, relations, settings and engine code) keeps its
stored decision instead of being solved again, so an annual delivery solves
only the periods it changes; every run writes the whole table (delete+insert
per mart). A period of a population (linked_tables.yml, `period`) whose rows
did not change keeps its stored cells without building its structure
(src/studentflow/sdc/slices.py). --full-refresh solves everything.

Held across releases: a component solved again keeps last release's state of
each cell whose count did not change (src/studentflow/sdc/held.py), read from
this table's previous rows, or from var sdc_previous_decisions (a Parquet file
of the last release's mart, cell_id, is_suppressed, n_exact) when it is set:
that way a --full-refresh still holds last release's decisions.
"""

from pathlib import Path

import duckdb
import pandas as pd
import yaml

from studentflow import frames
from studentflow.sdc import held as holding
from studentflow.sdc.reuse import read_stored_cells, read_stored_slices
from studentflow.sdc.run import COLUMNS, engine_columns, suppress, with_kept_slices
from studentflow.sql import quote_ident, sql_text


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        incremental_strategy="delete+insert",
        unique_key="mart",
        on_schema_change="append_new_columns",
    )
    # one literal ref per aggregate, so dbt orders this model after each of them
    relations = {
        "agg_transition_by_age_25": dbt.ref("agg_transition_by_age_25"),
        "agg_foreign_background_by_municipality": dbt.ref("agg_foreign_background_by_municipality"),
        "agg_parents_education_by_municipality": dbt.ref("agg_parents_education_by_municipality"),
        "agg_institution_choice_by_municipality": dbt.ref("agg_institution_choice_by_municipality"),
        "agg_foreign_background_by_programme": dbt.ref("agg_foreign_background_by_programme"),
        "agg_parents_education_by_programme": dbt.ref("agg_parents_education_by_programme"),
        "agg_entrant_background_indicators": dbt.ref("agg_entrant_background_indicators"),
        "agg_students_by_municipality": dbt.ref("agg_students_by_municipality"),
        "agg_recruitment_by_county": dbt.ref("agg_recruitment_by_county"),
        "agg_credits_by_background": dbt.ref("agg_credits_by_background"),
        "agg_alumni_cat1_yrkesexamen": dbt.ref("agg_alumni_cat1_yrkesexamen"),
        "agg_alumni_cat2_program": dbt.ref("agg_alumni_cat2_program"),
        "agg_alumni_cat3_huvudomrade": dbt.ref("agg_alumni_cat3_huvudomrade"),
        "agg_alumni_cat4_forskarutbildning": dbt.ref("agg_alumni_cat4_forskarutbildning"),
        "agg_outcome_employment": dbt.ref("agg_outcome_employment"),
        "agg_outcome_occupation": dbt.ref("agg_outcome_occupation"),
        "agg_outcome_matching": dbt.ref("agg_outcome_matching"),
        "agg_outcome_net_migration": dbt.ref("agg_outcome_net_migration"),
        "agg_outcome_relationstal": dbt.ref("agg_outcome_relationstal"),
    }
    if dbt.config.get("sdc_method") != "suppression" or dbt.config.get("sdc_secondary") != "linked":
        # nothing to decide here: the cell key method suppresses nothing, and
        # with sdc_secondary = per_mart sdc_publish does not read this model
        return pd.DataFrame({column: pd.Series(dtype=object) for column in COLUMNS})
    spec = yaml.safe_load(Path(dbt.config.get("sdc_linked_tables")).read_text(encoding="utf-8"))
    declared = {mart["aggregate"] for mart in spec["marts"].values()}
    # only the columns the engine reads: nationally the aggregates' other columns
    # (labels, shares, medians) would be gigabytes held beside the structure
    # through Arrow (frames.py): DuckDB's .df() took 9 s of the national engine
    with frames.large_strings(session):
        aggregates = {
            name: frames.frame(
                relations[name]
                .select(*map(quote_ident, engine_columns(spec, name, relations[name].columns)))
                .to_arrow_table()
            )
            for name in sorted(declared)
            if name in relations
        }
    # a plain call: dbt collects the config keys a Python model reads from
    # its source and missed this one inside `or` / a keyword argument
    workers = dbt.config.get("sdc_workers")
    previous, kept = _stored(dbt, session) if dbt.is_incremental else (None, None)
    # a plain call, as for sdc_workers
    decisions = dbt.config.get("sdc_previous_decisions")
    held = _held(dbt, session, decisions)
    # a plain call, as for sdc_workers
    k_magnitude = dbt.config.get("sdc_k_magnitude")
    _release_cached_blocks(session)
    cells, stats = suppress(
        spec,
        aggregates,
        int(dbt.config.get("sdc_k")),
        workers=int(workers or 1),
        previous=previous,
        kept=kept.hashes if kept else frozenset(),
        held=held,
        k_magnitude=int(k_magnitude),
    )
    # Arrow: the kept slices' cells go from the table back to it without a
    # Python object per cell (nationally 5.6 M of 7.3 M cells in an update)
    return with_kept_slices(cells, kept, stats["kept_slices"])


def _stored(dbt, session):
    """(the last build's suppressed cells, its slices): reuse.read_stored_cells and
    reuse.read_stored_slices; None for what a table from an older release lacks
    (no fingerprints, no places of the cells, no slices: that is solved once)."""
    built = set(session.sql(f"select * from {dbt.this} limit 0").columns)
    previous = kept = None
    if {"component_hash", "component_cell"} <= built:
        previous = read_stored_cells(session, str(dbt.this))
    if set(COLUMNS) <= built:
        kept = read_stored_slices(session, str(dbt.this), COLUMNS)
    return previous, kept


def _held(dbt, session, decisions: str | None):
    """Where the last release's decisions are read from (held.py): the file var
    sdc_previous_decisions names, else this table's rows (an incremental run on
    a table that stores the counts), else nowhere (every cell decided afresh)."""
    if decisions:
        path = Path(decisions)
        if not path.is_file():
            raise FileNotFoundError(
                f"var sdc_previous_decisions: no file '{decisions}' (a Parquet file of the "
                "last release's int_sdc_cells_suppressed: mart, cell_id, is_suppressed, n_exact)"
            )
        relation = f"read_parquet({sql_text(str(path.resolve()))})"
        missing = set(holding.COLUMNS) - set(
            session.sql(f"select * from {relation} limit 0").columns
        )
        if missing:
            raise ValueError(f"var sdc_previous_decisions: '{decisions}' lacks {sorted(missing)}")
        return holding.lookup_in(session, relation)
    if dbt.is_incremental and "n_exact" in session.sql(f"select * from {dbt.this} limit 0").columns:
        return holding.lookup_in(session, str(dbt.this))
    return None


def _release_cached_blocks(session, floor: str = "1GB") -> None:
    """Give DuckDB's cached blocks back to the system before the engine runs.

    DuckDB keeps the blocks of the models built before this one in its buffer
    pool up to memory_limit (6 GB nationally) and the engine runs in the same
    process, so the two would add up. Lowering the limit evicts them; it is
    put back at once (each later dbt connection sets it from the profile
    again). If blocks are pinned by a query running beside this model, DuckDB
    refuses the lower limit and nothing changes.
    """
    limit = session.execute("select current_setting('memory_limit')").fetchone()[0]
    try:
        session.execute(f"set memory_limit = '{floor}'")
    except duckdb.Error:  # pinned by a running query: keep them
        pass
    finally:
        session.execute(f"set memory_limit = '{limit}'")
