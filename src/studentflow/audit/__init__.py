"""`studentflow audit`: an independent attacker on the published schema.

It reads only the published marts of a warehouse and the public structure in
sdc/linked_tables.yml, and proves for every protected cell the interval an
attacker can derive (docs/disclosure-control.md, section "The audit").
Modules, one job each: manifest (the declaration), structure (published
cells), relations (linear relations), components, bounds (rank test and bound
propagation), lp (HiGHS intervals), cache (LP results per component kept
between audits), slices (the periods whose published rows did not change,
kept between audits), report (counts, worst cases, summary), run (the
pipeline).
"""
