"""Partners: no covering relation left with one suppressed cell."""

from studentflow.sdc.partners import Partners


def covering_partners(suppressed, covering, rank, barred=frozenset(), equations=()):
    return Partners(covering, rank, equations).of(suppressed, barred)


def _covering(total: int, parts: list[int]) -> dict[int, float]:
    """total <= sum of parts, as the structure writes it: total - parts <= 0."""
    return {total: 1.0, **{part: -1.0 for part in parts}}


def _alone(suppressed: set[int], covering) -> list[dict[int, float]]:
    return [r for r in covering if sum(var in suppressed for var in r) == 1]


def test_a_part_alone_takes_the_cell_least_preferred_to_publish():
    covering = [_covering(0, [1, 2, 3])]
    rank = [0, 3, 1, 2]  # cell 2 is the next to give up after cell 1
    assert covering_partners({1}, covering, rank) == {3}


def test_a_partner_alone_in_its_other_relation_gets_a_partner_there_too():
    # national 0 (published: barred) >= institutions 1, 2; institution 2 >= programmes 3, 4
    covering = [_covering(0, [1, 2]), _covering(2, [3, 4])]
    rank = [0, 1, 4, 2, 3]
    added = covering_partners({1}, covering, rank, barred={0})
    assert added == {2, 4}
    assert not _alone({1} | added, covering)


def test_a_partner_alone_in_an_equation_gets_a_partner_there():
    # programme 2 = its women 5 + men 6: suppressed alone, the equation shows it
    covering = [_covering(0, [1, 2])]
    equations = [{2: 1.0, 5: -1.0, 6: -1.0}]
    rank = [0, 1, 6, 0, 0, 2, 3]
    added = covering_partners({1}, covering, rank, barred={0}, equations=equations)
    assert added == {2, 6}


def test_the_partner_is_the_cell_alone_in_the_fewest_other_relations():
    # cell 2 would be alone in its sex equation, cell 3 in none (7 is suppressed)
    covering = [_covering(0, [1, 2, 3])]
    equations = [{2: 1.0, 5: -1.0, 6: -1.0}, {3: 1.0, 7: -1.0, 8: -1.0}]
    rank = [0, 1, 9, 2, 0, 0, 0, 0, 0]  # cell 2 is preferred by rank alone
    added = covering_partners({1, 7}, covering, rank, barred={0}, equations=equations)
    assert added == {3}


def test_relations_with_none_or_two_suppressed_cells_are_left_alone():
    covering = [_covering(0, [1, 2]), _covering(3, [4, 5])]
    assert covering_partners({1, 2}, covering, [0, 1, 2, 3, 4, 5]) == set()


def test_barred_cells_are_never_taken_and_a_relation_of_only_barred_cells_stays():
    covering = [_covering(0, [1, 2, 3]), _covering(4, [5, 6])]
    rank = [0, 1, 2, 3, 4, 5, 6]
    assert covering_partners({1, 5}, covering, rank, barred={3, 4, 6}) == {2}
