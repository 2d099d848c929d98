"""Secondary suppression over all linked published tables together.

Modules, one job each:
- ``structure``: the public structure (``sdc/linked_tables.yml``) and the exact
  aggregates -> one variable per distinct published cell (common cells of linked
  marts merged) and the linear relations between them.
- ``gauss``: Gaussian elimination in the manner of Statistics Norway's
  GaussSuppression, so that no suppressed cell is a linear combination of
  published cells.
- ``intervals``: the attacker's interval (linear programming) for suppressed
  cells, so that no small cell can be proven small and no cell exact.
- ``protect``: orchestration per independent component.
- ``held``: last release's decisions, held where a cell's count did not change.
"""
