"""`studentflow audit`: an independent attacker on the published schema.

It reads the published marts of a warehouse and the public structure in
sdc/linked_tables.yml (and, for ``window_sums``, the years' exact counts: a
stronger attacker than any real one), and proves for every protected cell the
interval an attacker can derive (docs/disclosure-control.md, section 9).
Modules, one job each: manifest (the declaration), structure (published
cells), relations (linear relations), components, bounds (rank test and bound
propagation), lp (HiGHS intervals), cache (LP results per component kept
between audits), slices (the periods whose published rows did not change,
kept between audits), window_sums (a year's persons within its window: the
windows attacked before the years), last_release (the counts the last release
published, revealed where unchanged), report (counts, worst cases, summary),
run (the pipeline).
"""
