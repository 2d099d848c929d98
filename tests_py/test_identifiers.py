"""The one list of column names no published table may carry (rule 5)."""

from studentflow.identifiers import is_identifier


def test_person_keys_dates_record_keys_and_reasons_are_identifiers():
    for name in ("LopNr", "person_id", "degree_date", "examensdatum", "record_key"):
        assert is_identifier(name), name
    assert is_identifier("n_suppression_reason")


def test_published_figures_are_not():
    for name in ("n", "share", "window_start_year", "recruitment_municipality_code"):
        assert not is_identifier(name), name
