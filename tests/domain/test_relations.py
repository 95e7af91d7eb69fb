"""Links between project rows: their kinds, which row stands for a project, what totals count."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pledge.domain.errors import Conflict, InvalidInput, RuleViolation
from pledge.domain.relations import (
    Link,
    Relation,
    Seen,
    canonical_ids,
    check_link,
    check_may_move,
    counted,
    duplicate_groups,
    oriented,
    parse_relation,
)

BN = Decimal("1e9")
DUP, LATER, PART, REL = (Relation.DUPLICATE, Relation.LATER_TRANCHE, Relation.PART_OF,
                         Relation.RELATED)


def test_each_word_names_a_relation_and_which_way_it_reads() -> None:
    assert oriented(27, 2, "part-of") == (27, 2, PART)
    assert oriented(2, 27, "Umbrella of") == (27, 2, PART)        # read the other way
    assert oriented(5, 9, "earlier_tranche") == (9, 5, LATER)     # 9 is a later tranche of 5
    assert oriented(30, 23, "duplicate") == (23, 30, DUP)         # symmetric: lowest first
    assert oriented(30, 23, "related") == (23, 30, REL)
    with pytest.raises(InvalidInput) as err:
        parse_relation("cousin")
    assert (err.value.first.field, err.value.first.rule) == ("kind", "link.unknown_kind")


def test_a_link_reads_from_either_end() -> None:
    tranche = Link(1, 9, 5, LATER)       # 9 is a later tranche of 5
    assert tranche.seen_from(9) == (5, Seen.EARLIER_TRANCHE)
    assert tranche.seen_from(5) == (9, Seen.LATER_TRANCHE)
    part = Link(2, 27, 2, PART)
    assert part.seen_from(27) == (2, Seen.UMBRELLA)
    assert part.seen_from(2) == (27, Seen.PART)
    assert Link(3, 23, 30, DUP).seen_from(30) == (23, Seen.DUPLICATE)


def test_a_chain_of_duplicates_is_one_group_standing_for_one_project() -> None:
    stages = {1: "proposed", 2: "proposed", 3: "proposed", 4: "proposed"}
    links = [Link(1, 2, 3, DUP), Link(2, 3, 4, DUP)]
    assert duplicate_groups(stages, links) == [[1], [2, 3, 4]]
    # all at the same stage: the lowest id stands for the project
    assert canonical_ids(stages, links) == {1: 1, 2: 2, 3: 2, 4: 2}
    # the row further along the lifecycle stands for it
    assert canonical_ids({**stages, 4: "finalist"}, links) == {1: 1, 2: 4, 3: 4, 4: 4}
    # a declined project was further along than any open report of it
    assert canonical_ids({**stages, 3: "declined", 4: "finalist"}, links)[2] == 3
    # a withdrawn report stands for nothing while another report is still open
    assert canonical_ids({**stages, 2: "withdrawn"}, links)[2] == 3
    assert canonical_ids({1: "proposed", 2: "withdrawn", 3: "withdrawn", 4: "withdrawn"},
                         links)[4] == 2


def test_only_the_row_ahead_moves_any_row_may_be_withdrawn() -> None:
    links = [Link(1, 20, 26, DUP)]
    stages = {20: "proposed", 26: "selected"}
    with pytest.raises(RuleViolation) as err:
        check_may_move(20, "under_review", stages, links)
    assert (err.value.first.field, err.value.first.rule) == ("id", "link.not_canonical")
    assert "26" in err.value.first.message
    check_may_move(20, "withdrawn", stages, links)
    check_may_move(26, "notified", stages, links)
    # at the same stage either may move on; the one that does then stands for them
    check_may_move(20, "under_review", {20: "proposed", 26: "proposed"}, links)


def test_a_self_link_and_a_second_link_of_a_pair_are_refused_naming_other() -> None:
    stages = {1: "proposed", 23: "proposed", 30: "proposed"}
    fws = dict.fromkeys(stages, "japan")
    with pytest.raises(InvalidInput) as err:
        check_link(Link(0, 23, 23, DUP), [], stages, fws)
    assert (err.value.first.field, err.value.first.rule) == ("other", "link.self")
    existing = [Link(4, 23, 1, PART)]
    for again in (Link(0, 1, 23, DUP), Link(0, 23, 1, PART), Link(0, 1, 23, REL)):
        with pytest.raises(Conflict) as dup:
            check_link(again, existing, stages, fws)
        assert (dup.value.first.field, dup.value.first.rule) == ("other", "link.exists")
        assert "link 4" in dup.value.first.message


def test_links_that_would_contradict_the_others_are_refused() -> None:
    stages = {i: "proposed" for i in range(1, 8)}
    fws = {**dict.fromkeys(stages, "japan"), 7: "korea"}

    def rules(new: Link, links: list[Link]) -> set[str]:
        with pytest.raises(RuleViolation) as err:
            check_link(new, links, stages, fws)
        assert {p.field for p in err.value.problems} == {"other"}
        return {p.rule for p in err.value.problems}

    assert rules(Link(0, 1, 7, REL), []) == {"link.other_framework"}
    # 1 is a part of 2 and a duplicate of 3: 3 cannot also be 2's umbrella ... or its duplicate
    assert rules(Link(0, 2, 3, PART), [Link(1, 1, 2, PART), Link(2, 1, 3, DUP)]) == {
        "link.cycle"}
    assert rules(Link(0, 2, 3, DUP), [Link(1, 1, 2, PART), Link(2, 1, 3, DUP)]) == {
        "link.same_project"}
    assert rules(Link(0, 3, 1, LATER), [Link(1, 1, 2, LATER), Link(2, 2, 3, LATER)]) == {
        "link.cycle"}
    assert rules(Link(0, 1, 4, PART), [Link(1, 1, 2, PART)]) == {"link.two_umbrellas"}
    # through a duplicate: 5 reports 1 again, and 1 is already a part of 2
    assert rules(Link(0, 5, 4, PART), [Link(1, 1, 2, PART), Link(2, 1, 5, DUP)]) == {
        "link.two_umbrellas"}
    # a later tranche of a part is fine, and so is a part of a part
    check_link(Link(0, 4, 1, LATER), [Link(1, 1, 2, PART)], stages, fws)
    check_link(Link(0, 4, 1, PART), [Link(1, 1, 2, PART)], stages, fws)


def test_two_rows_that_may_hold_money_are_never_recorded_as_one_project() -> None:
    stages = {24: "selected", 25: "notified", 6: "proposed", 9: "withdrawn"}
    fws = dict.fromkeys(stages, "japan")
    with pytest.raises(RuleViolation) as err:
        check_link(Link(0, 24, 25, DUP), [], stages, fws)
    assert (err.value.first.field, err.value.first.rule) == ("other", "link.both_holding")
    check_link(Link(0, 6, 24, DUP), [], stages, fws)
    check_link(Link(0, 9, 24, DUP), [], stages, fws)
    check_link(Link(0, 24, 25, LATER), [], stages, fws)  # two tranches each hold their own


def test_totals_count_each_real_project_once() -> None:
    stages = {1: "proposed", 2: "proposed", 3: "proposed", 4: "selected", 5: "proposed",
              6: "proposed", 7: "proposed"}
    amounts = {1: 100 * BN, 2: 80 * BN, 3: None, 4: Decimal("0.6") * BN,
               5: Decimal("0.5") * BN, 6: 10 * BN, 7: 4 * BN}
    links = [Link(1, 2, 1, PART),    # 2 (80bn) is a part of the umbrella 1 (100bn)
             Link(2, 2, 3, DUP),     # 3 reports 2 again, without an amount
             Link(3, 4, 5, DUP),     # 5 (0.5bn, proposed) reports 4 (0.6bn, selected) again
             Link(4, 7, 6, LATER)]   # 7 is a later tranche of 6: a project of its own
    c = counted(stages, amounts, links)
    assert {k: (v.stands_for, v.counted, v.amount) for k, v in c.items()} == {
        1: (1, True, 20 * BN), 2: (2, True, 80 * BN), 3: (2, False, Decimal(0)),
        4: (4, True, Decimal("0.6") * BN), 5: (4, False, Decimal(0)),
        6: (6, True, 10 * BN), 7: (7, True, 4 * BN)}
    total = sum((v.amount or Decimal(0) for v in c.values()), Decimal(0))
    assert total == Decimal("114.6") * BN      # 100 + 0.6 + 10 + 4
    # parts bigger than their umbrella leave it nothing, never less
    assert counted(stages, {**amounts, 2: 130 * BN}, links)[1].amount == Decimal(0)
    # an umbrella without an amount stays without one; nested parts add up to the top
    assert counted(stages, {**amounts, 1: None}, links)[1].amount is None
    nested = counted({1: "proposed", 2: "proposed", 3: "proposed"},
                     {1: 100 * BN, 2: 60 * BN, 3: 25 * BN},
                     [Link(1, 2, 1, PART), Link(2, 3, 2, PART)])
    assert [nested[i].amount for i in (1, 2, 3)] == [40 * BN, 35 * BN, 25 * BN]
