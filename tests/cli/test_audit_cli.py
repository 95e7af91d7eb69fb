"""``pledge audit verify`` and the warnings of the commands that read the ledger and the audit
log when the record does not verify."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select, text

from pledge.store import tables as t
from pledge.store.db import make_engine
from tests.clirunner import Cli


def test_the_demo_database_verifies(demo_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    cli = Cli(demo_url, capsys)
    code, out, err = cli("audit", "verify")
    assert (code, err) == (0, "")
    assert out.strip().endswith("the record is intact")
    report = cli.json("audit", "verify")
    with make_engine(demo_url).connect() as conn:
        audit_rows = conn.execute(select(func.count()).select_from(t.audit_log)).scalar_one()
        entries = conn.execute(select(func.count()).select_from(t.ledger_entries)).scalar_one()
        postings = conn.execute(select(func.count()).select_from(t.postings)).scalar_one()
    assert report["ok"] is True and report["problems"] == []
    assert (report["audit"]["rows"], report["ledger"]["rows"], report["ledger"]["postings"]) \
        == (audit_rows, entries, postings)
    assert audit_rows > 100 and entries > 5  # the demo has a history to check


def forge_audit_row(url: str, project_id: int) -> int:
    with make_engine(url).begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER audit_log_no_update")
        target = int(conn.execute(select(func.max(t.audit_log.c.id))
                                  .where(t.audit_log.c.project_id == project_id)).scalar_one())
        conn.execute(text("UPDATE audit_log SET role = CASE WHEN role = 'analyst' "
                          "THEN 'admin' ELSE 'analyst' END WHERE id = :id"),
                     {"id": target})
    return target


def double_a_posting(url: str) -> int:
    with make_engine(url).begin() as conn:
        posting = conn.execute(select(t.postings).where(t.postings.c.framework_id == select(
            t.frameworks.c.id).where(t.frameworks.c.key == "japan").scalar_subquery())
            .order_by(t.postings.c.id.desc())).first()
        assert posting is not None
        conn.execute(t.postings.insert().values(
            {k: v for k, v in posting._mapping.items() if k != "id"}))
        return int(posting.entry_id)


def test_a_forged_row_makes_verify_exit_2_naming_it(cli: Cli) -> None:
    target = forge_audit_row(cli.url, 24)
    code, out, err = cli("audit", "verify")
    assert code == 2
    assert "audit log: " in out and "chain BROKEN" in out
    assert err.startswith(f"error: audit_log={target}: audit log: row {target} was edited")
    assert "[chain.edited]" in err
    code, out, _ = cli("audit", "verify", "--json")
    report = json.loads(out)
    assert code == 2 and report["ok"] is False
    assert report["audit"]["intact"] is False and report["ledger"]["intact"] is True
    assert report["problems"] == [{"table": "audit_log", "id": target, "kind": "edited",
                                   "rule": "chain.edited",
                                   "message": f"audit log: row {target} was edited: its "
                                              f"content no longer matches its hash"}]


def test_history_warns_about_a_forged_row(cli: Cli) -> None:
    code, _, err = cli("history", "24")
    assert (code, err) == (0, "")
    target = forge_audit_row(cli.url, 24)
    code, out, err = cli("history", "24", "--json")
    assert code == 0 and json.loads(out)["unverified"] == [target]
    assert err.startswith(f"warning: audit rows {target} were changed after they were written")


def test_balances_and_commitments_say_when_the_ledger_does_not_balance(cli: Cli) -> None:
    assert cli.json("commitments", "--framework", "japan")["ledger_balanced"] is True
    code, _, err = cli("balances", "--framework", "japan")
    assert (code, err) == (0, "")
    entry = double_a_posting(cli.url)
    code, out, err = cli("commitments", "--framework", "japan", "--json")
    assert code == 0 and json.loads(out)["ledger_balanced"] is False
    assert err.startswith("warning: the japan ledger does not balance")
    for args in (("balances", "--framework", "japan"),
                 ("balances", "--framework", "japan", "--json")):
        code, out, err = cli(*args)
        assert code == 0 and err.startswith("warning: the japan ledger does not balance"), args
    code, out, err = cli("balances", "--framework", "korea")
    assert (code, err) == (0, "")
    code, out, err = cli("audit", "verify", "--json")
    kinds = [(p["table"], p["id"], p["kind"]) for p in json.loads(out)["problems"]]
    assert code == 2 and kinds == [("ledger_entries", entry, "edited"),
                                   ("ledger_entries", entry, "unbalanced")]
