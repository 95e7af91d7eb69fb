"""Bulk open data: every table as CSV and Parquet with a complete data dictionary, money
exact in both, and all files written or none."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import Engine, create_engine, func, select

from pledge.services import bulk
from pledge.store import tables as t
from tests.clirunner import Cli

TABLES = ("projects", "estimates", "transitions", "fundings", "ledger")


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_every_table_twice_and_a_complete_dictionary(engine: Engine) -> None:
    files = bulk.bulk_export(engine, "japan")
    assert set(files) == {f"{n}.{x}" for n in TABLES for x in ("csv", "parquet")} | {
        "dictionary.csv", "datapackage.json"}
    dictionary = read_csv(files["dictionary.csv"])
    package = json.loads(files["datapackage.json"])
    resources = {r["name"]: r for r in package["resources"]}
    for name in TABLES:
        rows = read_csv(files[f"{name}.csv"])
        table = pq.read_table(io.BytesIO(files[f"{name}.parquet"]))
        header = next(csv.reader(io.StringIO(files[f"{name}.csv"].decode("utf-8"))))
        # the same columns and rows in both, each column described once
        assert table.column_names == header and table.num_rows == len(rows)
        described = [d["column"] for d in dictionary if d["table"] == name]
        assert described == header
        assert all(d["description"] for d in dictionary)
        assert [f["name"] for f in resources[name]["schema"]["fields"]] == header
        assert resources[name]["path"] == f"{name}.csv"
    projects = pq.read_table(io.BytesIO(files["projects.parquet"]))
    assert projects.schema.field("amount_high_usd").type == pa.decimal128(22, 2)
    assert projects.schema.field("funding_date").type == pa.date32()
    with engine.connect() as c:
        count = c.execute(select(func.count()).select_from(t.projects)
                          .where(t.projects.c.framework_id == select(t.frameworks.c.id)
                                 .where(t.frameworks.c.key == "japan").scalar_subquery())
                          ).scalar()
    assert projects.num_rows == count


def test_money_is_exact_in_both_formats(demo_url: str) -> None:
    engine = create_engine(demo_url)
    try:
        files = bulk.bulk_export(engine)
        with engine.connect() as c:
            invested = [Decimal(a) for (a,) in c.execute(
                select(t.postings.c.amount).where(t.postings.c.account.like("%:spv:invested"))
                .where(t.postings.c.project_id.is_not(None)))]
    finally:
        engine.dispose()
    assert invested, "the demo history funds projects"
    fundings = pq.read_table(io.BytesIO(files["fundings.parquet"])).to_pydict()
    assert sorted(fundings["amount"]) == sorted(invested)
    assert all(isinstance(a, Decimal) for a in fundings["amount"])
    rows = read_csv(files["fundings.csv"])
    assert sorted(Decimal(r["amount"]) for r in rows) == sorted(invested)
    assert all(isinstance(d, date) for d in fundings["date"])
    # the ledger balances per entry and currency, as the books do
    ledger = read_csv(files["ledger.csv"])
    sums: dict[tuple[str, str, str], Decimal] = {}
    for r in ledger:
        key = (r["framework"], r["entry_id"], r["currency"])
        sums[key] = sums.get(key, Decimal(0)) + Decimal(r["amount"])
    assert ledger and set(sums.values()) == {Decimal(0)}


def test_all_files_or_none(engine: Engine, tmp_path: Path,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "open-data"
    folder.mkdir()
    (folder / "projects.csv").write_text("the previous export\n", encoding="utf-8")
    real_fsync, calls = os.fsync, []

    def failing_fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 5:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="No space left"):
        bulk.write_bulk(engine, folder, "japan")
    assert sorted(p.name for p in folder.iterdir()) == ["projects.csv"]
    assert (folder / "projects.csv").read_text(encoding="utf-8") == "the previous export\n"
    monkeypatch.setattr(os, "fsync", real_fsync)
    written = bulk.write_bulk(engine, folder, "japan")
    assert len(written) == 12 and sorted(p.name for p in folder.iterdir()) == sorted(
        p.name for p in written)


def test_export_bulk_from_the_command_line(cli: Cli, tmp_path: Path) -> None:
    code, out, err = cli("export", "bulk", "--framework", "japan", "--out",
                         str(tmp_path / "data"))
    assert code == 0, err
    assert "wrote 12 files" in err and out == ""
    assert read_csv((tmp_path / "data" / "projects.csv").read_bytes())
    code, out, err = cli("export", "bulk", "--framework", "mars", "--out",
                         str(tmp_path / "none"))
    assert code != 0 and "mars" in err and not (tmp_path / "none").exists()
