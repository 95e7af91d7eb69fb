"""`pledge ingest` and `pledge review`: the JSON contract, dry runs, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pledge.cli import run
from tests.clirunner import Cli
from tests.ingest.helpers import NEWS, SEED_000, SEED_003

CONTRACT = {"source": str, "language": str, "pledging_country": str, "amounts": list,
            "companies": list, "sectors": list, "us_locations": list, "status_signals": list,
            "matched_projects": list}




def check_contract(item: dict[str, Any]) -> None:
    for key, kind in CONTRACT.items():
        assert isinstance(item[key], kind), key
    for a in item["amounts"]:
        assert isinstance(a["text"], str) and isinstance(a["currency"], str)
        assert a["low"] is None or isinstance(a["low"], str)
        assert a["high"] is None or isinstance(a["high"], str)
    for s in item["status_signals"]:
        assert isinstance(s["project"], str) and isinstance(s["status"], str)
    assert all(isinstance(i, int) for i in item["matched_projects"])


def test_ingest_dry_run_json_is_the_contract(cli: Cli) -> None:
    out = cli.json("ingest", str(SEED_000), str(SEED_003), "--dry-run")
    # A file's source is its name, never the folder it was read from.
    assert [o["source"] for o in out] == [SEED_000.name, SEED_003.name]
    for item in out:
        check_contract(item)
    assert out[0]["companies"] == ["SoftBank Group", "GE Vernova", "De Beers", "Westinghouse"]
    assert {"low": "350000000", "high": "100000000000", "currency": "USD",
            "text": "from $350 million to as much as $100 billion"} in out[1]["amounts"]
    assert cli.json("review", "list") == []          # the dry run queued nothing


def test_dry_run_without_a_database_creates_none(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "absent.db"
    code = run(["--db", f"sqlite:///{db}", "ingest", str(SEED_003), "--dry-run", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    [item] = json.loads(out)
    check_contract(item)
    assert set(item["matched_projects"]) == {24, 25, 26}
    assert not db.exists()


def test_a_folder_is_read_and_reviewed(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "one.txt").write_text(SEED_000.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "two.html").write_text((NEWS / "en_alaska_lng.html").read_text(encoding="utf-8"),
                                     encoding="utf-8")
    (folder / "labels.json").write_text("{}", encoding="utf-8")        # not an article
    out = cli.json("ingest", str(folder))
    assert [o["source"] for o in out] == ["one.txt", "two.html"]
    assert all(o["article_id"] for o in out)
    waiting = cli.json("review", "list")
    assert {p["kind"] for p in waiting} >= {"additional_estimate", "site_report"}
    first = waiting[0]
    assert first["article_source"] == "one.txt" and first["evidence"]
    again = cli.json("ingest", str(folder))
    assert [o["duplicate"] for o in again] == ["exact", "exact"]
    estimate = next(p for p in waiting if p["kind"] == "additional_estimate")
    code, out, err = cli("review", "accept", str(estimate["id"]), "--actor", "ana",
                         "--role", "analyst")
    assert code == 2 and err.startswith("error: role=analyst:") and "auth.forbidden" in err
    done = cli.json("review", "accept", str(estimate["id"]), "--role", "ic", "--on",
                    "2026-04-01")
    assert done["state"] == "accepted" and done["result"]["project_id"] == 24
    site = next(p for p in waiting if p["kind"] == "site_report")
    code, out, _ = cli("review", "reject", str(site["id"]), "--reason", "only a guess")
    assert code == 0 and "rejected" in out
    rejected = cli.json("review", "list", "--state", "rejected")
    assert [(p["id"], p["reason"]) for p in rejected] == [(site["id"], "only a guess")]
    shown = cli.json("review", "show", str(site["id"]))
    assert shown["state"] == "rejected" and shown["decided_by"]


def test_errors_are_one_line_with_exit_codes(cli: Cli, tmp_path: Path) -> None:
    code, _, err = cli("ingest", str(tmp_path / "nowhere.txt"), "--dry-run")
    assert code == 2 and err.strip().endswith("[news.no_such_file]")
    code, _, err = cli("review", "accept", "999")
    assert code == 2 and "[review.unknown]" in err
    code, _, err = cli("review", "list", "--state", "pending")
    assert code == 2 and "[review.unknown_state]" in err
    code, _, err = cli("ingest", str(SEED_000), str(SEED_003), "--source", "x", "--dry-run")
    assert code == 2 and "[news.source_for_one]" in err
    code, _, err = cli("ingest", str(SEED_000), "--source", "javascript:alert(1)", "--dry-run")
    assert code == 2 and err.strip().endswith("[source.bad_scheme]")
    code, _, err = cli("ingest", str(SEED_000), "--source", str(SEED_000), "--dry-run")
    assert code == 2 and err.strip().endswith("[source.path]")


def test_the_installed_command(sqlite_url: str) -> None:
    env = {**os.environ, "PLEDGE_DATABASE_URL": sqlite_url}
    proc = subprocess.run([sys.executable, "-m", "pledge", "ingest", str(SEED_003), "--dry-run",
                           "--json"], capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    [item] = json.loads(proc.stdout)
    check_contract(item)
    assert item["companies"] == ["SoftBank Group", "Westinghouse", "Toshiba"]


def test_review_article_shows_the_evidence(cli: Cli) -> None:
    [out] = cli.json("ingest", str(SEED_000), "--source", "https://news.example/000")
    shown = cli.json("review", "article", str(out["article_id"]))
    assert shown["id"] == out["article_id"] and shown["source"] == "https://news.example/000"
    assert any("Texas or Louisiana" in s for s in shown["evidence"])
    code, text, _ = cli("review", "article", str(out["article_id"]))
    assert code == 0 and "Sentences facts were read from" in text
    listed = cli.json("review", "articles", "--project", "24")
    assert [a["id"] for a in listed] == [out["article_id"]]
    code, text, _ = cli("review", "articles")
    assert code == 0 and "1 articles" in text
    code, _, err = cli("review", "articles", "--project", "999")
    assert code == 2 and "[project.unknown]" in err
    code, _, err = cli("review", "article", "999")
    assert code == 2 and "[review.unknown_article]" in err


@pytest.mark.parametrize(("args", "field"), [
    (["--watch", "{big}", "--once"], "watch"),
    (["--watch", "{folder}", "--once"], "watch"),
    (["--dry-run", "--gazetteer", "{big}", "{small}"], "gazetteer"),
])
def test_an_endless_or_unreadable_list_is_refused_in_one_line(
        cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str],
        field: str) -> None:
    # A feed list or gazetteer larger than any input file may be (here the limit is made
    # small, and the file is a little larger) is refused before it is read whole, as a
    # folder is: one error line naming the option, never a memory error.
    from pledge.domain import bounds
    monkeypatch.setattr(bounds, "MAX_INPUT_FILE_BYTES", 1000)
    big = tmp_path / "big.toml"
    big.write_text("# filler\n" * 200, encoding="utf-8")
    small = tmp_path / "short.txt"
    small.write_text("Tokyo, March 2, 2026 - A short note.\n", encoding="utf-8")
    named = [a.format(big=big, folder=tmp_path, small=small) for a in args]
    code, _, err = cli("ingest", *named)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1, err
    assert lines[0].startswith(f"error: {field}=") and lines[0].endswith("]"), lines
