"""The hash chain's canonical form and the classification of a broken chain (pure)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from pledge.domain.chain import (
    GENESIS,
    BreakKind,
    ChainHead,
    ChainRow,
    audit_content,
    canonical,
    check_chain,
    entry_content,
    link,
    money_text,
)


def test_the_canonical_text_sorts_keys_and_fixes_money_dates_and_times() -> None:
    tokyo = timezone(timedelta(hours=9))
    text = canonical({"b": Decimal("1.50"), "a": date(2026, 3, 1),
                      "t": datetime(2026, 3, 1, 18, 30, tzinfo=tokyo), "n": None,
                      "j": {"z": [1, "é"], "y": True}})
    assert text == ('{"a":"2026-03-01","b":"1.50","j":{"y":true,"z":[1,"\\u00e9"]},'
                    '"n":null,"t":"2026-03-01T09:30:00.000000Z"}')
    # a naive timestamp (SQLite gives them back so) is UTC
    assert canonical({"t": datetime(2026, 3, 1, 9, 30)}) == canonical(
        {"t": datetime(2026, 3, 1, 9, 30, tzinfo=UTC)})


def test_money_is_hashed_in_whole_cents_whatever_its_exponent() -> None:
    assert money_text(Decimal("15E+9")) == "15000000000.00"
    assert money_text(Decimal("-2.5")) == "-2.50"
    row = {"framework_id": 1, "account": "a", "currency": "USD", "on": date(2026, 1, 2),
           "project_id": None, "party": None, "instrument": None, "provider": None}
    entry = {"framework_id": 1, "kind": "commitment", "on": date(2026, 1, 2), "memo": "m",
             "actor": "x", "role": "admin", "recorded_at": datetime(2026, 1, 2, tzinfo=UTC)}
    written = entry_content(entry, [{**row, "amount": Decimal("55E+10")}])
    read_back = entry_content(entry, [{**row, "amount": Decimal("550000000000.00")}])
    assert canonical(written) == canonical(read_back)


def test_a_link_is_sha256_of_the_previous_hash_and_the_canonical_text() -> None:
    expected = hashlib.sha256(("0" * 64 + ':{"a":1}').encode()).hexdigest()
    assert link(GENESIS, {"a": 1}) == expected
    assert link(expected, {"a": 1}) != expected


def test_values_that_have_no_stable_text_are_refused() -> None:
    with pytest.raises(ValueError):
        canonical({"x": float("nan")})
    with pytest.raises(TypeError):
        canonical({"x": object()})


def chain(n: int) -> list[ChainRow]:
    rows: list[ChainRow] = []
    prev = GENESIS
    for i in range(1, n + 1):
        content = {"action": f"step {i}"}
        digest = link(prev, content)
        rows.append(ChainRow(i, digest, prev, content))
        prev = digest
    return rows


def head(rows: list[ChainRow]) -> ChainHead:
    return ChainHead(rows[-1].id, str(rows[-1].hash))


def forged(after: ChainRow, new_id: int) -> ChainRow:
    """A row a forger computed correctly to follow ``after``."""
    content = {"action": "forged"}
    return ChainRow(new_id, link(str(after.hash), content), after.hash, content)


def test_an_intact_chain_and_an_empty_one_verify() -> None:
    rows = chain(5)
    assert check_chain(rows, head(rows)) is None
    assert check_chain([], ChainHead(None, GENESIS)) is None
    assert check_chain([], None) is None


def test_an_edited_row_is_named() -> None:
    rows = chain(5)
    rows[2] = replace(rows[2], content={"action": "something else"})
    broken = check_chain(rows, head(rows))
    assert broken is not None
    assert (broken.row_id, broken.kind) == (3, BreakKind.EDITED)


def test_an_edited_last_row_is_edited_not_inserted() -> None:
    rows = chain(3)
    recorded = head(rows)
    rows[2] = replace(rows[2], content={"action": "changed"})
    broken = check_chain(rows, recorded)
    assert broken is not None and (broken.row_id, broken.kind) == (3, BreakKind.EDITED)


def test_a_deleted_row_is_named_by_the_row_that_followed_it() -> None:
    rows = chain(5)
    del rows[2]  # row 3
    broken = check_chain(rows, head(rows))
    assert broken is not None
    assert (broken.row_id, broken.kind) == (4, BreakKind.DELETED)


def test_deleting_the_first_row_is_seen() -> None:
    rows = chain(4)
    broken = check_chain(rows[1:], head(rows))
    assert broken is not None and (broken.row_id, broken.kind) == (2, BreakKind.DELETED)


def test_deleting_rows_at_the_end_is_seen_against_the_recorded_head() -> None:
    rows = chain(5)
    recorded = head(rows)
    broken = check_chain(rows[:3], recorded)
    assert broken is not None
    assert (broken.row_id, broken.kind) == (5, BreakKind.DELETED)
    assert "ends at row 3" in broken.message
    everything = check_chain([], recorded)
    assert everything is not None and everything.kind is BreakKind.DELETED


def test_a_missing_head_is_a_deletion() -> None:
    broken = check_chain(chain(2), None)
    assert broken is not None and (broken.row_id, broken.kind) == (None, BreakKind.DELETED)


def test_rows_swapped_between_two_places_read_as_reordered() -> None:
    rows = chain(5)
    recorded = head(rows)
    second, third = rows[1], rows[2]
    rows[1], rows[2] = replace(third, id=2), replace(second, id=3)
    broken = check_chain(rows, recorded)
    assert broken is not None
    assert (broken.row_id, broken.kind) == (2, BreakKind.REORDERED)


def test_a_correctly_chained_row_inserted_in_the_middle_is_named() -> None:
    rows = chain(4)
    recorded = head(rows)
    rows.insert(2, forged(rows[1], 7))  # after row 2, before row 3
    broken = check_chain(rows, recorded)
    assert broken is not None
    assert (broken.row_id, broken.kind) == (7, BreakKind.INSERTED)


def test_a_row_with_a_made_up_hash_inserted_in_the_middle_is_inserted() -> None:
    rows = chain(4)
    recorded = head(rows)
    rows.insert(2, ChainRow(8, "f" * 64, "e" * 64, {"action": "made up"}))
    broken = check_chain(rows, recorded)
    assert broken is not None
    assert (broken.row_id, broken.kind) == (8, BreakKind.INSERTED)


def test_a_row_appended_after_the_recorded_head_is_inserted() -> None:
    rows = chain(3)
    recorded = head(rows)
    rows.append(forged(rows[-1], 4))
    broken = check_chain(rows, recorded)
    assert broken is not None
    assert (broken.row_id, broken.kind) == (4, BreakKind.INSERTED)
    first = chain(1)
    broken = check_chain(first, ChainHead(None, GENESIS))
    assert broken is not None and (broken.row_id, broken.kind) == (1, BreakKind.INSERTED)


def test_a_row_without_hashes_was_written_outside_pledge() -> None:
    rows = chain(3)
    recorded = head(rows)
    rows.append(ChainRow(4, None, None, {"action": "raw insert"}))
    broken = check_chain(rows, recorded)
    assert broken is not None and (broken.row_id, broken.kind) == (4, BreakKind.INSERTED)


def test_only_the_first_break_is_named() -> None:
    rows = chain(6)
    recorded = head(rows)
    rows[1] = replace(rows[1], content={"action": "first forgery"})
    rows[4] = replace(rows[4], content={"action": "second forgery"})
    broken = check_chain(rows, recorded)
    assert broken is not None and broken.row_id == 2


def test_the_audit_user_joins_a_rows_content_only_when_recorded() -> None:
    row = {"at": datetime(2026, 3, 1, 12, 0, tzinfo=UTC), "actor": "President",
           "role": "president", "action": "project.selected", "entity": "project",
           "entity_id": "7", "project_id": 7, "before": None, "after": {"to": "selected"}}
    old = link(GENESIS, audit_content(row))
    # a row written before the column existed, or by the actor themself, hashes as before
    assert link(GENESIS, audit_content({**row, "user_name": None})) == old
    recorded = link(GENESIS, audit_content({**row, "user_name": "boss"}))
    assert recorded != old
    assert recorded != link(GENESIS, audit_content({**row, "user_name": "eve"}))
