"""A custom GX expectation: no identifier-like column in a published mart."""

from __future__ import annotations

from studentflow.identifiers import IDENTIFIER_NAMES, IDENTIFIER_SUFFIXES


def identifier_expectation_class():
    """A custom GX 1.x BatchExpectation: no identifier-like column names.

    No built-in expectation says 'this column must NOT exist'; this one reads the
    table's column list (metric ``table.columns``) and fails listing the offenders.
    Defined lazily so importing this module does not import GX.
    """
    global _IDENTIFIER_CLASS
    if _IDENTIFIER_CLASS is not None:
        return _IDENTIFIER_CLASS
    from great_expectations.expectations.expectation import BatchExpectation

    class ExpectTableColumnsToNotBeIdentifiers(BatchExpectation):
        """Expect no column named like a row-level identifier or exact date."""

        forbidden_names: list[str] = list(IDENTIFIER_NAMES)
        forbidden_suffixes: list[str] = list(IDENTIFIER_SUFFIXES)

        metric_dependencies = ("table.columns",)
        success_keys = ("forbidden_names", "forbidden_suffixes")
        domain_keys = ("batch_id",)

        def _validate(self, metrics, runtime_configuration=None, execution_engine=None):
            names = {n.lower() for n in self.forbidden_names}
            found = [
                column
                for column in metrics["table.columns"]
                if column.lower() in names
                or column.lower().endswith(tuple(s.lower() for s in self.forbidden_suffixes))
            ]
            return {
                "success": not found,
                "result": {
                    "observed_value": found,
                    "unexpected_count": len(found),
                    "unexpected_list": found,
                },
            }

    _IDENTIFIER_CLASS = ExpectTableColumnsToNotBeIdentifiers
    return _IDENTIFIER_CLASS


_IDENTIFIER_CLASS = None
