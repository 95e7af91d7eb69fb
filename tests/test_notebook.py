"""The Python API returns DataFrames that match the engines."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, select, text

from pledge import notebook as nb
from pledge.domain.bounds import MAX_KEPT_CELLS
from pledge.domain.errors import InvalidInput
from pledge.exports.rows import PROJECT_COLUMNS
from pledge.store import tables
from tests.conftest import Templates
from tests.conftest import _pg_admin as pg_admin
from tests.conftest import _pg_url as pg_url
from tests.conftest import _require_backend as require_backend


def test_waterfall_frame() -> None:
    t = nb.waterfall([100, 0, 0], [0, 106, 200], deemed_rate="0.06", periods_per_year=1,
                     money="decimal")
    assert list(t.columns) == ["funding", "distributable", "partner", "us", "balance"]
    assert t.index.name == "period"
    assert t.loc[1, "partner"] == Decimal("53.00")
    assert t.loc[2, "balance"] == Decimal("0.00")
    assert t.attrs["recoup_period"] == 2
    assert t.attrs["partner_total"] == Decimal("117.94")


def test_money_is_float_by_default_so_frames_compute() -> None:
    t = nb.waterfall([100, 0, 0], [0, 106, 200], deemed_rate="0.06", periods_per_year=1)
    assert (t.dtypes == "float64").all()
    assert t.loc[1, "partner"] == 53.0 and t.loc[2, "partner"] == 64.94
    assert t.attrs["partner_total"] == 117.94 and t.attrs["money"] == "float"
    assert (t["partner"] * 1.5).tolist() == [0.0, 79.5, 97.41]
    assert t["us"].pct_change().iloc[2] == pytest.approx(135.06 / 53.0 - 1)
    with pytest.raises(InvalidInput) as err:
        nb.waterfall([100], [0], money="text")  # type: ignore[arg-type]  # the refusal is the point
    assert (err.value.first.field, err.value.first.value) == ("money", "text")


def test_periods_are_dated_from_the_start_given() -> None:
    t = nb.waterfall([100, 0, 0, 0, 0], [0, 30, 30, 30, 30], deemed_rate="0.04",
                     start="2026-05-20")
    assert isinstance(t.index, pd.PeriodIndex) and t.index.freqstr == "Q-DEC"
    assert [str(p) for p in t.index] == ["2026Q2", "2026Q3", "2026Q4", "2027Q1", "2027Q2"]
    assert t.attrs["start"] == date(2026, 5, 20)
    yearly = nb.waterfall([100, 0, 0], [0, 106, 200], deemed_rate="0.06",
                          periods_per_year=1, start="2026-01-01")
    assert list(yearly.index.astype(str)) == ["2026", "2027", "2028"]
    assert yearly.loc["2027", "partner"] == 53.0
    assert yearly.attrs["recoup_date"] == pd.Period("2028", freq="Y")


def test_recovery_in_years_and_none_for_never() -> None:
    t = nb.waterfall([100, 0, 0, 0, 0, 0], [0, 0, 60, 60, 60, 60], deemed_rate="0.04")
    # half of 60 a quarter from period 2: 90 by period 4, short of the 100 plus deemed
    # interest; the balance reaches zero in period 5, a year and a quarter in
    assert t.attrs["recoup_period"] == 5
    assert t.attrs["recoup_years"] == 1.25
    assert t["balance"].iloc[4] > 0 and t["balance"].iloc[5] == 0
    never = nb.waterfall([100, 0], [0, 50], deemed_rate="0.06", periods_per_year=1)
    assert never.attrs["recoup_period"] is None
    assert never.attrs["recoup_years"] is None and never.attrs["recoup_date"] is None


def test_a_projects_quarters_count_from_its_start(sqlite_engine: Engine) -> None:
    url = str(sqlite_engine.url)
    with sqlite_engine.connect() as conn:
        selected = conn.execute(select(tables.transitions.c.on).where(
            tables.transitions.c.project_id == 26,
            tables.transitions.c.to_stage == "selected")).scalar_one()
        proposed = conn.execute(select(tables.transitions.c.on).where(
            tables.transitions.c.project_id == 1)).scalar_one()
    base = nb.project_waterfall(26, db=url)
    assert base.attrs["start"] == selected
    assert base.index[0] == pd.Period(selected, freq="Q")
    assert base["funding"].sum() == pytest.approx(600_000_000.0, abs=0.01)
    recovers = nb.project_waterfall(9, db=url)      # a generic-model project that recovers
    assert recovers.attrs["recoup_period"] == 60
    assert recovers.attrs["recoup_years"] == 15.0
    assert recovers.attrs["recoup_date"] == recovers.index[60]
    not_selected = nb.project_waterfall(1, db=url)   # only proposed: the day it was recorded
    assert not_selected.index[0] == pd.Period(proposed, freq="Q")
    chosen = nb.project_waterfall(26, db=url, start="2030-01-01")
    assert chosen.index[0] == pd.Period("2030Q1") and len(chosen) == len(base)


def test_simulation_frames(sqlite_engine: Engine) -> None:
    url = str(sqlite_engine.url)
    summary, paths = nb.simulate(24, paths=500, seed=3, db=url)
    assert len(paths) == 500 and summary["paths"] == 500
    assert set(paths.columns) >= {"partner_total", "us_total", "partner_irr", "recouped"}
    assert abs(paths["recouped"].mean() - summary["prob_recover"]) < 1e-12
    base = nb.project_waterfall(26, db=url, money="decimal")
    assert base["funding"].sum() == Decimal("600000000.00")


def test_per_path_recovery_is_nan_for_never_and_in_years(sqlite_engine: Engine) -> None:
    summary, paths = nb.simulate(24, paths=600, seed=5, db=str(sqlite_engine.url))
    assert paths.index.name == "path"
    never = ~paths["recouped"]
    assert 0 < never.sum() < len(paths)           # both kinds of path occur
    assert paths.loc[never, "recoup_period"].isna().all()
    assert paths.loc[never, "recoup_years"].isna().all()
    assert (paths["recoup_period"].dropna() >= 0).all()
    assert (paths["recoup_years"] * 4).equals(paths["recoup_period"])
    assert paths["recoup_years"].median() == pytest.approx(summary["recoup_years_p50"])
    assert summary["periods_per_year"] == 4 and isinstance(summary["start"], date)


def test_kept_paths_are_the_simulations_own(sqlite_engine: Engine) -> None:
    url = str(sqlite_engine.url)
    summary, paths, flows = nb.simulate(24, paths=300, seed=7, db=url, keep_paths=True)
    _, alone = nb.simulate(24, paths=300, seed=7, db=url)
    pd.testing.assert_frame_equal(paths, alone)      # keeping the flows changes nothing
    assert flows.partner.shape == flows.funding.shape == (flows.partner.shape[0], 300)
    assert isinstance(flows.partner.index, pd.PeriodIndex)
    assert flows.partner.index[0] == pd.Period(summary["start"], freq="Q")
    np.testing.assert_allclose(flows.partner.sum().to_numpy(), paths["partner_total"],
                               rtol=1e-12)
    np.testing.assert_allclose(flows.funding.sum().to_numpy(), paths["funding_total"],
                               rtol=1e-12)
    np.testing.assert_allclose(flows.us.sum().to_numpy(), paths["us_total"], rtol=1e-9)
    # a path recovers in the quarter its cumulative receipts first leave nothing owed:
    # its last funding comes before its recovery
    recovered = paths.index[paths["recouped"]]
    last_funding = (flows.funding[recovered] > 0).to_numpy().cumsum(axis=0).argmax(axis=0)
    assert (last_funding <= paths.loc[recovered, "recoup_period"].to_numpy()).all()
    fan = flows.fan("net")
    assert list(fan.columns) == [0.05, 0.25, 0.5, 0.75, 0.95]
    assert (fan.diff(axis=1).iloc[:, 1:] >= 0).all().all()
    assert fan[0.5].iloc[-1] == pytest.approx(
        (paths["partner_total"] - paths["funding_total"]).median(), rel=1e-9)
    with pytest.raises(InvalidInput) as err:
        flows.fan("profit")
    assert err.value.first.field == "flow"


def test_a_portfolios_kept_paths_sum_its_projects(sqlite_engine: Engine) -> None:
    summary, paths, flows = nb.simulate(framework="japan", paths=120, seed=3,
                                        db=str(sqlite_engine.url), keep_paths=True)
    assert summary["recover_definition"] == "every project"
    np.testing.assert_allclose(flows.partner.sum().to_numpy(), paths["partner_total"],
                               rtol=1e-12)
    np.testing.assert_allclose(flows.funding.sum().to_numpy(), paths["funding_total"],
                               rtol=1e-12)


def test_keeping_too_many_paths_is_refused_before_running(sqlite_engine: Engine) -> None:
    with pytest.raises(InvalidInput) as err:
        nb.simulate(24, paths=1_000_000, db=str(sqlite_engine.url), keep_paths=True)
    problem = err.value.first
    assert (problem.field, problem.value, problem.rule) == (
        "paths", 1_000_000, "simulation.too_many_kept")
    assert f"{MAX_KEPT_CELLS:,}" in problem.message


def test_a_database_that_cannot_be_used_is_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as err:
        nb.project_waterfall(26, db=str(tmp_path / "missing" / "pledge.db"))
    assert (err.value.first.field, err.value.first.rule) == ("db", "notebook.unreachable")
    with pytest.raises(InvalidInput) as err:
        nb.simulate(24, db="postgresql://someone:secret@127.0.0.1:1/pledge")
    assert err.value.first.rule == "notebook.unreachable"
    assert "secret" not in str(err.value) and "127.0.0.1:1" in str(err.value)
    assert not (tmp_path / "missing").exists()


def test_projects_table_money_is_float_or_decimal(sqlite_engine: Engine) -> None:
    url = str(sqlite_engine.url)
    floats = nb.projects_table(db=url)
    exact = nb.projects_table(db=url, money="decimal")
    money = [c.name for c in PROJECT_COLUMNS if c.kind == "money"]
    assert money and all(floats[c].dtype == "float64" for c in money)
    for c in money:
        want = [None if v is None else float(v) for v in exact[c]]
        got = [None if pd.isna(v) else v for v in floats[c]]
        assert got == want


def test_all_names_the_public_api() -> None:
    public = {name for name, value in vars(nb).items() if not name.startswith("_")
              and callable(value) and getattr(value, "__module__", "") == nb.__name__}
    assert public <= set(nb.__all__)
    assert all(hasattr(nb, name) for name in nb.__all__)
    assert {"simulate", "waterfall", "project_waterfall", "PathFrames"} <= set(nb.__all__)


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
    base = nb.project_waterfall(26, money="decimal")
    assert (tmp_path / "pledge.db").is_file()
    assert base["funding"].sum() == Decimal("600000000.00")
    summary, paths = nb.simulate(24, paths=200, seed=1)
    assert summary["paths"] == 200 and len(paths) == 200


def test_each_folder_gets_its_own_default_database(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLEDGE_DATABASE_URL", raising=False)
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
        monkeypatch.chdir(tmp_path / name)
        nb.project_waterfall(26)
        assert (tmp_path / name / "pledge.db").is_file()


def test_the_module_example_holds() -> None:
    import doctest

    assert doctest.testmod(nb, verbose=False).failed == 0


def test_simulations_read_either_backend(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    summary, paths, flows = nb.simulate(24, paths=150, seed=4, db=url, keep_paths=True)
    assert summary["paths"] == 150 and flows.partner.shape[1] == 150
    assert isinstance(flows.partner.index, pd.PeriodIndex)
    np.testing.assert_allclose(flows.partner.sum().to_numpy(), paths["partner_total"],
                               rtol=1e-12)


def test_a_server_database_without_pledge_tables_names_the_command(
        templates: Templates) -> None:
    require_backend("postgresql")
    name = f"pledge_t_{uuid.uuid4().hex[:12]}"
    with pg_admin().connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    templates.pg_dbs.append(name)              # dropped with the session's others
    with pytest.raises(InvalidInput) as err:
        nb.simulate(24, db=pg_url(name))
    problem = err.value.first
    assert (problem.field, problem.rule) == ("db", "notebook.not_initialised")
    assert f"pledge --db {problem.value} init" in problem.message
