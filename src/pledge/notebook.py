"""The Python API for analysts: the same use cases as the CLI, returning pandas DataFrames.

    >>> from pledge import notebook as nb
    >>> table = nb.waterfall([100, 0, 0], [0, 106, 200], deemed_rate="0.06",
    ...                      periods_per_year=1)
    >>> table.loc[1, "partner"]
    Decimal('53.00')

Money columns hold ``Decimal`` rounded to cents (use ``.astype(float)`` for
plotting); per-path simulation results are float64.

The exports (``export_projects``, ``export_ledger``, ``export_deadlines``) write a
file whole or not at all and return its path; ``project_oc4ids`` returns the
OC4IDS document as a dict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from pledge.analytics.montecarlo import to_frame
from pledge.domain.waterfall import WaterfallResult
from pledge.services import economics, simulation
from pledge.services.frameworks import shipped_frameworks
from pledge.store.db import make_engine, resolve_url

CENT = Decimal("0.01")


_ENGINES: dict[str, Any] = {}


def _engine(db: str | None) -> Any:
    """``db``, else ``$PLEDGE_DATABASE_URL`` (read here, at the edge), else the default,
    made ready as the command line makes it: a new or older SQLite file is initialised
    with the shipped data or migrated (once a session), so ``nb.simulate(24)`` in a fresh
    folder works as ``pledge simulate 24`` does."""
    from pledge.settings import read
    from pledge.store.db import is_sqlite
    url = resolve_url(db or read().database_url)
    if url not in _ENGINES:
        engine = make_engine(url)
        if is_sqlite(engine):
            from pledge.services.setup import ensure_ready
            ensure_ready(engine)
        _ENGINES[url] = engine
    return _ENGINES[url]


def waterfall_frame(result: WaterfallResult) -> pd.DataFrame:
    """One row per period: funding, distributable, partner, us, balance (Decimal, cents)."""
    return pd.DataFrame(
        [{"funding": p.funding.quantize(CENT), "distributable": p.distributable.quantize(CENT),
          "partner": p.partner.quantize(CENT), "us": p.us.quantize(CENT),
          "balance": p.balance.quantize(CENT)} for p in result.periods],
        index=pd.RangeIndex(len(result.periods), name="period"))


def waterfall(funding: Sequence[Decimal | int | str], distributable: Sequence[Decimal | int | str],
              *, framework: str = "japan", deemed_rate: str | None = None,
              periods_per_year: int | None = None, pre_split: str | None = None,
              post_split: str | None = None) -> pd.DataFrame:
    """The exact waterfall of one case under a shipped framework's split (overridable).

    The frame's ``attrs`` carry the summary: recoup period, totals, IRR and MOIC.
    """
    fw = next(f for f in shipped_frameworks() if f.key == framework)
    terms = economics.split_terms_for(fw.current, deemed_rate=deemed_rate,
                                      periods_per_year=periods_per_year, pre_split=pre_split,
                                      post_split=post_split)
    rep = economics.waterfall_report(terms, [Decimal(str(v)) for v in funding],
                                     [Decimal(str(v)) for v in distributable])
    frame = waterfall_frame(rep.result)
    frame.attrs.update(recoup_period=rep.result.recoup_period,
                       partner_total=rep.result.partner_total.quantize(CENT),
                       us_total=rep.result.us_total.quantize(CENT),
                       partner_irr=rep.partner_irr, partner_moic=rep.partner_moic)
    return frame


def project_waterfall(project_id: int, *, db: str | None = None) -> pd.DataFrame:
    """The exact waterfall of a stored project's base case."""
    rep = simulation.project_waterfall(_engine(db), project_id)
    frame = waterfall_frame(rep.result)
    frame.attrs.update(recoup_period=rep.result.recoup_period, partner_irr=rep.partner_irr,
                       partner_moic=rep.partner_moic)
    return frame


def simulate(project_id: int | None = None, *, paths: int = 10_000, seed: int = 0,
             framework: str | None = None, db: str | None = None,
             dask: str | None = None) -> tuple[dict[str, Any], pd.DataFrame]:
    """Monte Carlo of a project (or, with ``framework``, its portfolio).

    Returns the summary as a dict and one row per path.
    """
    engine = _engine(db)
    if framework is not None:
        spec, _ = simulation.portfolio_spec(engine, framework, paths, seed)
    else:
        if project_id is None:
            raise ValueError("give a project id or a framework")
        spec = simulation.project_spec(engine, project_id, paths, seed)
    summary, results = simulation.simulate(spec, dask=dask)
    return asdict(summary), to_frame(results)


def rankings(framework: str = "japan", *, top_k: int = 5, paths: int = 2000,
             db: str | None = None) -> pd.DataFrame:
    """Both sides' rankings of the open projects; ``attrs`` hold tau and the top-k overlap."""
    from pledge.services.priorities import prioritise

    r = prioritise(_engine(db), framework, top_k=top_k, paths=paths)
    c = r.comparison
    frame = pd.DataFrame(
        [{"id": p, "name": r.names[p], "us_rank": c.us.ranks[p],
          "partner_rank": c.partner.ranks[p], "us_score": c.us.scores[p],
          "partner_score": c.partner.scores[p],
          "drivers": ", ".join(f"{k} {v:+.3f}" for k, v in c.drivers[p])} for p in r.names]
    ).set_index("id").sort_values("us_rank")
    frame.attrs.update(kendall_tau=c.tau, top_k=c.top_k, top_k_overlap=c.top_overlap)
    return frame


def batch(instance: dict[str, Any], objective: str = "nash",
          time_limit: float | None = None) -> dict[str, Any]:
    """The optimal batch for an instance in the CLI's JSON form."""
    from pledge.analytics.selection import solve
    from pledge.domain.selection import Objective, instance_from_document

    sol = solve(instance_from_document(instance), Objective(objective), time_limit=time_limit)
    return {"selected": list(sol.selected), "cost": sol.cost, "u_us": sol.u_us,
            "u_partner": sol.u_partner, "objective": sol.objective, "status": sol.status,
            "gap": sol.gap}


def pareto(instance: dict[str, Any]) -> pd.DataFrame:
    """The Pareto frontier of an instance: one row per non-dominated batch."""
    from pledge.analytics.selection import pareto_frontier
    from pledge.domain.selection import instance_from_document

    return pd.DataFrame([{"u_us": p.u_us, "u_partner": p.u_partner, "cost": p.cost,
                          "selected": list(p.selected)}
                         for p in pareto_frontier(instance_from_document(instance))])


def projects_table(*, framework: str | None = None, status: str | None = None,
                   sector: str | None = None, db: str | None = None) -> pd.DataFrame:
    """The projects export as a frame indexed by id (money columns ``Decimal``, or None)."""
    from pledge.services import exports

    rows = exports.project_rows(_engine(db), framework=framework, status=status,
                                sector=sector)
    columns = [c.name for c in exports.PROJECT_COLUMNS]
    return pd.DataFrame([[c.get(r) for c in exports.PROJECT_COLUMNS] for r in rows],
                        columns=columns).set_index("id")


def export_projects(path: str | Path, *, format: str | None = None,
                    framework: str | None = None, status: str | None = None,
                    sector: str | None = None, db: str | None = None) -> Path:
    """Write the projects table to ``path`` as CSV or XLSX (default: from the suffix).

    The file is written whole or not at all; returns its path.
    """
    from pledge.services import exports

    fmt = exports.parse_format(format, path=path)
    return exports.write_atomic(path, exports.export_projects(
        _engine(db), fmt, framework=framework, status=status, sector=sector))


def export_ledger(path: str | Path, framework: str, *, format: str | None = None,
                  db: str | None = None) -> Path:
    """Write every posting of a framework's ledger to ``path`` (CSV, or XLSX with balances)."""
    from pledge.services import exports

    fmt = exports.parse_format(format, path=path)
    return exports.write_atomic(path, exports.export_ledger(_engine(db), framework, fmt))


def export_deadlines(path: str | Path, *, framework: str | None = None,
                     as_of: date | str | None = None, db: str | None = None) -> Path:
    """Write the funding dates of selected and notified projects as an iCalendar file."""
    from pledge.services import exports
    from pledge.services.base import parse_date

    when = None if as_of is None else parse_date(as_of, "as_of")
    return exports.write_atomic(path, exports.deadlines_ics(_engine(db), framework=framework,
                                                            as_of=when))


def project_oc4ids(project_id: int, *, db: str | None = None) -> dict[str, Any]:
    """A project as an OC4IDS document (a dict; money as text with two decimals)."""
    from pledge.services import exports

    return exports.project_oc4ids(_engine(db), project_id)
