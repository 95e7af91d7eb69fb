"""The Python API returns DataFrames that match the engines."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from pledge import notebook as nb


def test_waterfall_frame() -> None:
    t = nb.waterfall([100, 0, 0], [0, 106, 200], deemed_rate="0.06", periods_per_year=1)
    assert list(t.columns) == ["funding", "distributable", "partner", "us", "balance"]
    assert t.index.name == "period"
    assert t.loc[1, "partner"] == Decimal("53.00")
    assert t.loc[2, "balance"] == Decimal("0.00")
    assert t.attrs["recoup_period"] == 2
    assert t.attrs["partner_total"] == Decimal("117.94")


def test_simulation_frames(sqlite_engine: Engine) -> None:
    url = str(sqlite_engine.url)
    summary, paths = nb.simulate(24, paths=500, seed=3, db=url)
    assert len(paths) == 500 and summary["paths"] == 500
    assert set(paths.columns) >= {"partner_total", "us_total", "partner_irr", "recouped"}
    assert abs(paths["recouped"].mean() - summary["prob_recover"]) < 1e-12
    base = nb.project_waterfall(26, db=url)
    assert base["funding"].sum() == Decimal("600000000.00")


def test_batch_and_pareto_frames() -> None:
    inst = {"budget": "10", "candidates": [
        {"id": "a", "cost": "6", "sector": "e", "us_score": 10, "partner_score": 1},
        {"id": "b", "cost": "5", "sector": "e", "us_score": 1, "partner_score": 10},
        {"id": "c", "cost": "4", "sector": "m", "us_score": 5, "partner_score": 5}],
        "sector_max_count": {"e": 1}}
    assert nb.batch(inst, "us")["selected"] == ["a", "c"]
    frontier = nb.pareto(inst)
    assert list(frontier.columns) == ["u_us", "u_partner", "cost", "selected"]
    assert frontier["u_us"].is_monotonic_decreasing and len(frontier) >= 2


def test_rankings_frame(sqlite_engine: Engine) -> None:
    frame = nb.rankings("japan", paths=200, db=str(sqlite_engine.url))
    assert {"us_rank", "partner_rank", "drivers"} <= set(frame.columns)
    assert "kendall_tau" in frame.attrs


def test_a_fresh_folder_works_as_the_command_line_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the default database, in a folder with none yet: made and filled as `pledge` makes it
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PLEDGE_DATABASE_URL", raising=False)
    base = nb.project_waterfall(26)
    assert (tmp_path / "pledge.db").is_file()
    assert base["funding"].sum() == Decimal("600000000.00")
    summary, paths = nb.simulate(24, paths=200, seed=1)
    assert summary["paths"] == 200 and len(paths) == 200
