"""Idempotent changes through the services, on SQLite and on PostgreSQL: the same keyed
funding funds once, also when sent by eight threads at once."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from pledge.domain.errors import Conflict, InvalidInput, PledgeError, RuleViolation
from pledge.services import funding, idempotency, projects
from pledge.services.base import Actor
from pledge.store import tables as t
from pledge.store.db import after_commit, transaction

IC = Actor.of("Lutnick", "ic")
CC = Actor.of("Akazawa", "cc_jp")
PRESIDENT = Actor.of("The President", "president")
JBIC = Actor.of("JBIC", "funder")
NEXI = Actor.of("NEXI", "funder")
COPPER = 32  # proposed in the public list (reported a finalist)
NOTICE = date(2026, 3, 9)
PAID = date(2026, 4, 1)
BN = Decimal(10) ** 9


def notify(engine: Engine, pid: int = COPPER) -> None:
    for stage in ("under_review", "finalist"):  # projects are created at the entry stage
        projects.advance(engine, pid, stage, IC, NOTICE, "reviewed")
    projects.consult(engine, pid, "committee", CC, NOTICE)
    projects.advance(engine, pid, "recommended", IC, NOTICE, "ready")
    projects.advance(engine, pid, "selected", PRESIDENT, NOTICE, "selected")
    projects.advance(engine, pid, "notified", IC, NOTICE, "notice sent")


def funded(engine: Engine, pid: int = COPPER) -> Decimal:
    """What the ledger shows invested in the project's SPV."""
    return funding.commitments(engine, "japan").by_project.get(pid, Decimal(0))


def entries(engine: Engine) -> int:
    with transaction(engine) as s:
        return int(s.execute(select(func.count()).select_from(t.ledger_entries)).scalar_one())


def fund_once(engine: Engine, key: str, amount: str = "US$1bn", who: Actor = JBIC,
              **options: Any) -> idempotency.Outcome[Any]:
    body = {"id": COPPER, "amount": amount, "on": PAID, "instrument": "loan",
            "provider": "JBIC"}
    request = idempotency.claim(who.name, key, "test fund", body)
    return idempotency.once(
        engine, request,
        lambda: funding.fund(engine, COPPER, amount, PAID, "loan", "JBIC", who), **options)


def test_a_replayed_funding_funds_once_and_answers_the_first_result(engine: Engine) -> None:
    notify(engine)
    before = entries(engine)
    first = fund_once(engine, "k-1", status=201)
    again = fund_once(engine, "k-1", status=201)
    assert funded(engine) == BN
    assert entries(engine) == before + 1
    assert (first.replayed, again.replayed) == (False, True)
    assert again.value is None and again.status == 201
    assert again.document == first.document
    assert first.document["amount"] == "1000000000.00"
    assert first.document["project_id"] == COPPER and first.document["status"] == "funded"
    assert again.first_at is not None


def test_eight_threads_with_one_key_fund_once(engine: Engine) -> None:
    notify(engine)
    start = threading.Barrier(8)
    outcomes: list[Any] = []
    lock = threading.Lock()

    def race() -> None:
        start.wait()
        try:
            result: Any = fund_once(engine, "same-key", wait=60)
        except Exception as exc:  # collected, so a failure shows which
            result = exc
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=race) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert all(isinstance(o, idempotency.Outcome) for o in outcomes), outcomes
    assert sorted(o.replayed for o in outcomes) == [False] + [True] * 7
    assert len({str(o.document) for o in outcomes}) == 1
    assert funded(engine) == BN


def test_the_same_key_with_another_body_is_refused(engine: Engine) -> None:
    notify(engine)
    fund_once(engine, "k-2")
    with pytest.raises(Conflict) as err:
        fund_once(engine, "k-2", amount="US$2bn")
    assert err.value.first.rule == "idempotency.key_reused"
    assert err.value.first.field == "idempotency_key"
    assert "test fund" in err.value.first.message
    assert funded(engine) == BN


def test_keys_are_per_user(engine: Engine) -> None:
    notify(engine)
    a = fund_once(engine, "shared", who=JBIC)
    b = fund_once(engine, "shared", who=NEXI)
    assert not a.replayed and not b.replayed
    assert funded(engine) == 2 * BN


def test_an_expired_key_can_be_used_again(engine: Engine) -> None:
    notify(engine)
    fund_once(engine, "k-3", keep=timedelta(milliseconds=1))
    time.sleep(0.05)
    again = fund_once(engine, "k-3")
    assert not again.replayed
    assert funded(engine) == 2 * BN
    with transaction(engine) as s:
        rows = s.execute(select(t.idempotency_keys)).all()
    assert len(rows) == 1  # the expired record made way for the new one
    assert rows[0].expires_at - rows[0].created_at == timedelta(hours=24)


def test_expired_keys_are_purged_and_the_setting_is_used(engine: Engine) -> None:
    notify(engine)
    fund_once(engine, "k-4", keep=timedelta(hours=2))
    fund_once(engine, "k-5", keep=timedelta(milliseconds=1))
    time.sleep(0.05)
    assert idempotency.purge_expired(engine) == 1
    with transaction(engine) as s:
        [row] = s.execute(select(t.idempotency_keys)).all()
    assert row.key == "k-4" and row.expires_at - row.created_at == timedelta(hours=2)


def test_a_refusal_is_recorded_and_answered_again(engine: Engine) -> None:
    # Documented choice: a key's outcome is final, a refusal included; a new key retries.
    with pytest.raises(RuleViolation) as first:
        fund_once(engine, "k-7")
    notify(engine)
    with pytest.raises(RuleViolation) as again:
        fund_once(engine, "k-7")
    assert again.value.problems == first.value.problems
    assert idempotency.is_replay(again.value) and not idempotency.is_replay(first.value)
    assert funded(engine) == 0
    assert not fund_once(engine, "k-8").replayed
    assert funded(engine) == BN


def test_a_server_error_records_nothing(engine: Engine) -> None:
    notify(engine)
    request = idempotency.claim(JBIC.name, "k-9", "test fund", {"x": 1})

    def broken() -> None:
        funding.fund(engine, COPPER, "US$1bn", PAID, "loan", "JBIC", JBIC)
        raise RuntimeError("the disk is full")

    with pytest.raises(RuntimeError):
        idempotency.once(engine, request, broken)
    assert funded(engine) == 0  # the change went with the key: neither is left
    out = idempotency.once(engine, request, lambda: funding.fund(
        engine, COPPER, "US$1bn", PAID, "loan", "JBIC", JBIC))
    assert not out.replayed and funded(engine) == BN


def test_a_key_and_its_change_commit_together(engine: Engine) -> None:
    notify(engine)
    request = idempotency.claim(JBIC.name, "k-10", "test fund", {})

    def unwritable(_result: Any) -> Any:
        raise RuntimeError("cannot write the answer")

    with pytest.raises(RuntimeError):
        idempotency.once(engine, request, lambda: funding.fund(
            engine, COPPER, "US$1bn", PAID, "loan", "JBIC", JBIC), unwritable)
    with transaction(engine) as s:
        keys = s.execute(select(func.count()).select_from(t.idempotency_keys)).scalar_one()
    assert (keys, funded(engine)) == (0, Decimal(0))


def test_a_second_request_waits_for_the_first_and_answers_its_result(engine: Engine) -> None:
    notify(engine)
    holding, release = threading.Event(), threading.Event()
    first: list[Any] = []

    def slow() -> Any:
        result = funding.fund(engine, COPPER, "US$1bn", PAID, "loan", "JBIC", JBIC)
        holding.set()
        release.wait(10)
        return result

    request = idempotency.claim(JBIC.name, "k-11", "test fund", {})
    th = threading.Thread(target=lambda: first.append(idempotency.once(engine, request, slow)))
    th.start()
    assert holding.wait(10)
    threading.Timer(0.3, release.set).start()
    began = time.monotonic()
    second = idempotency.once(engine, request, lambda: funding.fund(
        engine, COPPER, "US$1bn", PAID, "loan", "JBIC", JBIC), wait=30)
    th.join()
    assert time.monotonic() - began >= 0.25
    assert second.replayed and second.document == first[0].document
    assert funded(engine) == BN


def test_a_key_still_in_use_is_a_conflict_on_postgresql(engine: Engine, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("on SQLite a second writer waits for the first (shown above)")
    notify(engine)
    holding, release = threading.Event(), threading.Event()

    def slow() -> Any:
        holding.set()
        release.wait(10)
        return funding.fund(engine, COPPER, "US$1bn", PAID, "loan", "JBIC", JBIC)

    request = idempotency.claim(JBIC.name, "k-12", "test fund", {})
    th = threading.Thread(target=lambda: idempotency.once(engine, request, slow))
    th.start()
    assert holding.wait(10)
    try:
        with pytest.raises(Conflict) as err:
            idempotency.once(engine, request, lambda: None, wait=0.2)
        assert err.value.first.rule == "idempotency.in_progress"
    finally:
        release.set()
        th.join()
    assert funded(engine) == BN


@pytest.mark.parametrize("key", ["", " lead", "trail ", "x" * 256, "clé", "tab\there",
                                 "nul\x00", "bell\x07"])
def test_a_key_is_one_to_255_printable_ascii_characters(key: str) -> None:
    with pytest.raises(InvalidInput) as err:
        idempotency.claim("u", key, "r", {})
    assert (err.value.first.field, err.value.first.rule) == ("idempotency_key",
                                                             "idempotency.bad_key")


@pytest.mark.parametrize("key", ["a", "x" * 255, "3f2b8c1e-9d4a-4c7e-8b1f-2a6d5e9c0b47",
                                 "order 66/b~!"])
def test_printable_keys_are_accepted(key: str) -> None:
    assert idempotency.claim("u", key, "r", {}).key == key


def test_the_body_is_compared_in_canonical_form() -> None:
    a = idempotency.claim("u", "k", "POST /x", b'{"b": 1, "a": [1, 2]}')
    b = idempotency.claim("u", "k", "POST /x", {"a": [1, 2], "b": 1})
    c = idempotency.claim("u", "k", "POST /x", b'{"a": [2, 1], "b": 1}')
    d = idempotency.claim("u", "k", "POST /y", {"a": [1, 2], "b": 1})
    assert a.digest == b.digest
    assert len({a.digest, c.digest, d.digest}) == 3


def test_after_commit_runs_only_once_the_unit_commits(engine: Engine) -> None:
    ran: list[str] = []
    with transaction(engine):
        after_commit(engine, lambda: ran.append("outer"))
        with transaction(engine):
            after_commit(engine, lambda: ran.append("inner"))
        with pytest.raises(PledgeError), transaction(engine):
            after_commit(engine, lambda: ran.append("rolled back"))
            raise PledgeError.single("x", 1, "test.rollback", "roll back this part")
        assert ran == []
    assert ran == ["outer", "inner"]
    with pytest.raises(RuntimeError), transaction(engine):
        after_commit(engine, lambda: ran.append("never"))
        raise RuntimeError("roll back")
    after_commit(engine, lambda: ran.append("no unit open"))
    assert ran == ["outer", "inner", "no unit open"]


def test_a_refusal_after_an_audited_change_leaves_no_audit_row(engine: Engine) -> None:
    # A keyed request whose first change succeeds and whose second is refused keeps
    # neither the change nor its audit row: the log never tells of a change not made.
    notify(engine)

    def audit_rows() -> list[str]:
        with transaction(engine) as s:
            return list(s.execute(select(t.audit_log.c.action)
                                  .order_by(t.audit_log.c.id)).scalars())

    before = audit_rows()
    request = idempotency.claim(JBIC.name, "k-audit", "test fund", {})

    def fund_then_refused() -> None:
        funding.fund(engine, COPPER, "US$1bn", PAID, "loan", "JBIC", JBIC)
        raise InvalidInput.single("amount", "-1", "test.refused", "refused after a change")

    with pytest.raises(InvalidInput):
        idempotency.once(engine, request, fund_then_refused)
    assert funded(engine) == 0
    assert audit_rows() == before
