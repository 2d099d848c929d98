"""Secondary suppression over all linked published tables together.

Modules, one job each:
- ``structure``: the public structure (``sdc/linked_tables.yml``) and the exact
  aggregates -> one variable per distinct published cell (common cells of linked
  marts merged) and the linear relations between them.
- ``intervals``: the attacker's interval (linear programming) for suppressed
  cells, so that no small cell can be proven small and no cell exact.
- ``protection``: the published cells to suppress so that a small cell can
  reach k (one LP per batch of failing cells).
- ``partners``: a partner for a covering relation left with one suppressed
  cell.
- ``gauss``: Gaussian elimination in the manner of Statistics Norway's
  GaussSuppression (no suppressed cell a linear combination of published
  cells): the linear-only mode the tests compare the engine with.
- ``protect``: orchestration per independent component.
- ``held``: last release's decisions, held where a cell's count did not change.
"""
