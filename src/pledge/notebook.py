"""The Python API for analysts: the same use cases as the CLI, returning pandas DataFrames.

    >>> from pledge import notebook as nb
    >>> table = nb.waterfall([100, 0, 0], [0, 106, 200], deemed_rate="0.06",
    ...                      periods_per_year=1, start="2026-01-01")
    >>> print(table.loc["2027", "partner"])
    53.0
    >>> table.attrs["recoup_period"], table.attrs["recoup_years"]
    (2, 2.0)

Where the data come from: every function that reads stored data takes ``db=`` (a
SQLAlchemy URL or a SQLite file's path), else ``$PLEDGE_DATABASE_URL``, else
``pledge.db`` in the working folder, made ready as the command line makes it (a new
SQLite file is initialised with the shipped data, an older one migrated). A database
that cannot be opened, or a server database with no pledge tables, is refused with an
``InvalidInput`` naming ``db`` and saying what to run.

Money: ``money="float"`` (the default) gives float64 US dollars rounded to cents, which
plot and compute (``.plot()``, ``pct_change()``, arithmetic with floats);
``money="decimal"`` keeps exact ``Decimal`` amounts in cents. Per-path simulation
results are float64 either way.

Periods: frames with a row per period are indexed by dated periods (a ``PeriodIndex``
named ``period``, quarters for a quarterly split) counted from the project's start (its
first funding, notice or selection; for a project not yet selected, the day it was first
recorded), or from ``start=``; ``attrs["start"]`` says which date. A waterfall given by
hand without ``start`` keeps whole-number periods.

Recovery: ``recoup_period`` is the period (counted from 0) in which the partner's
balance fell to zero for good, ``recoup_years`` the same in years (period / periods a
year, as in the simulation's summary); both are None (NaN in a per-path frame) when the
partner never recovers.

Per-path flows for fan charts: ``simulate(..., keep_paths=True)`` also returns a
:class:`PathFrames` (one row per period, one column per path; at most
``MAX_KEPT_CELLS`` values per kind of flow).

The exports (``export_projects``, ``export_ledger``, ``export_deadlines``) write a
file whole or not at all and return its path; ``project_oc4ids`` returns the
OC4IDS document as a dict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, overload

import numpy as np
import pandas as pd

from pledge.analytics.montecarlo import to_frame
from pledge.domain.bounds import MAX_KEPT_CELLS, parse_date
from pledge.domain.errors import InvalidInput
from pledge.domain.waterfall import WaterfallResult
from pledge.services import economics, simulation
from pledge.services.frameworks import shipped_frameworks
from pledge.store.db import make_engine, resolve_url

__all__ = [
    "MAX_KEPT_CELLS",
    "MONEY_KINDS",
    "PathFrames",
    "batch",
    "export_deadlines",
    "export_ledger",
    "export_projects",
    "pareto",
    "period_index",
    "project_oc4ids",
    "project_waterfall",
    "projects_table",
    "rankings",
    "simulate",
    "waterfall",
    "waterfall_frame",
]

CENT = Decimal("0.01")
#: The kinds of money a frame may hold: float64 US dollars, or exact Decimal cents.
MONEY_KINDS = ("float", "decimal")
Money = Literal["float", "decimal"]

_ENGINES: dict[str, Any] = {}


def _engine(db: str | None) -> Any:
    """``db``, else ``$PLEDGE_DATABASE_URL`` (read here, at the edge), else the default,
    made ready as the command line makes it: a new or older SQLite file is initialised
    with the shipped data or migrated (once a session), so ``nb.simulate(24)`` in a fresh
    folder works as ``pledge simulate 24`` does. A server database is used as it is: one
    with no pledge tables, or older ones, is refused, as is a database that cannot be
    opened (``InvalidInput`` naming ``db``)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from pledge.settings import read
    from pledge.store.db import is_initialised, is_sqlite, schema_revision
    if db is not None and not isinstance(db, str | Path):
        raise InvalidInput.single("db", db, "notebook.bad_db",
                                  "a database URL or a SQLite file's path, as text")
    url = _absolute(resolve_url(str(db) if db is not None else read().database_url))
    if url in _ENGINES:
        return _ENGINES[url]
    shown = make_url(url).render_as_string(hide_password=True)
    engine = make_engine(url)
    try:
        if is_sqlite(engine):
            from pledge.services.setup import ensure_ready
            ensure_ready(engine)
        elif not is_initialised(engine):
            raise InvalidInput.single("db", shown, "notebook.not_initialised",
                                      f"the database has no pledge tables yet: run "
                                      f"`pledge --db {shown} init` first")
        elif (rev := schema_revision(engine))[0] != rev[1]:
            raise InvalidInput.single("db", shown, "notebook.old_schema",
                                      f"the database's tables are from another version "
                                      f"(revision {rev[0]}, this one ships {rev[1]}): run "
                                      f"`pledge --db {shown} init` to migrate them")
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        raise InvalidInput.single("db", shown, "notebook.unreachable",
                                  f"cannot open the database: "
                                  f"{reason[0] if reason else type(exc).__name__}") from None
    _ENGINES[url] = engine
    return engine


def _absolute(url: str) -> str:
    """A SQLite file's URL with its path made absolute (from the working folder now), so a
    notebook that changes folder keeps each database apart."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = parsed.database
    if (parsed.get_backend_name() != "sqlite" or not name or name == ":memory:"
            or name.startswith("file:") or Path(name).is_absolute()):
        return url
    return parsed.set(database=str(Path(name).resolve())).render_as_string(
        hide_password=False)


def _money_kind(money: object) -> Money:
    if money == "float":
        return "float"
    if money == "decimal":
        return "decimal"
    raise InvalidInput.single("money", money, "notebook.money",
                              f"one of: {', '.join(MONEY_KINDS)}")


def _frequency(periods_per_year: int) -> str | None:
    """The pandas period frequency of ``periods_per_year`` periods a year, or None when
    no calendar frequency fits (the periods stay numbered)."""
    if periods_per_year < 1 or 12 % periods_per_year:
        return None
    months = 12 // periods_per_year
    if months == 12:
        return "Y"
    return f"{months // 3}Q".removeprefix("1") if months % 3 == 0 else f"{months}M"


def period_index(periods: int, periods_per_year: int, start: date | str | None) -> pd.Index:
    """``periods`` dated periods from the one holding ``start`` (quarters for 4 a year,
    years for 1, months for 12), named ``period``; whole numbers from 0 when ``start`` is
    None or no calendar frequency fits."""
    freq = _frequency(periods_per_year)
    if start is None or freq is None:
        return pd.RangeIndex(periods, name="period")
    day = parse_date(start, "start")
    return pd.period_range(start=pd.Period(day, freq=freq), periods=periods, name="period")


def _amount(value: Decimal, money: Money) -> Decimal | float:
    cents = value.quantize(CENT)
    return cents if money == "decimal" else float(cents)


def waterfall_frame(result: WaterfallResult, *, money: Money = "float",
                    index: pd.Index | None = None) -> pd.DataFrame:
    """One row per period: funding, distributable, partner, us, balance (float64 US
    dollars rounded to cents, or Decimal cents with ``money="decimal"``)."""
    kind = _money_kind(money)
    frame = pd.DataFrame(
        [{"funding": _amount(p.funding, kind), "distributable": _amount(p.distributable, kind),
          "partner": _amount(p.partner, kind), "us": _amount(p.us, kind),
          "balance": _amount(p.balance, kind)} for p in result.periods],
        index=index if index is not None else pd.RangeIndex(len(result.periods),
                                                            name="period"))
    if kind == "float":
        frame = frame.astype("float64")
    return frame


def _recoup(frame: pd.DataFrame, period: int | None, periods_per_year: int) -> dict[str, Any]:
    """The recovery in periods, years and (when dated) the period itself; None for never."""
    if period is None or period < 0:
        return {"recoup_period": None, "recoup_years": None, "recoup_date": None}
    dated = isinstance(frame.index, pd.PeriodIndex)
    return {"recoup_period": period, "recoup_years": period / periods_per_year,
            "recoup_date": frame.index[period] if dated else None}


def _report_frame(rep: Any, money: Money, start: date | str | None) -> pd.DataFrame:
    n = rep.terms.periods_per_year
    index = period_index(len(rep.result.periods), n, start)
    frame = waterfall_frame(rep.result, money=money, index=index)
    kind = _money_kind(money)
    frame.attrs.update(_recoup(frame, rep.result.recoup_period, n),
                       partner_total=_amount(rep.result.partner_total, kind),
                       us_total=_amount(rep.result.us_total, kind),
                       partner_irr=rep.partner_irr, partner_moic=rep.partner_moic,
                       periods_per_year=n, start=None if start is None else
                       parse_date(start, "start"), money=kind)
    return frame


def waterfall(funding: Sequence[Decimal | int | str], distributable: Sequence[Decimal | int | str],
              *, framework: str = "japan", deemed_rate: str | None = None,
              periods_per_year: int | None = None, pre_split: str | None = None,
              post_split: str | None = None, money: Money = "float",
              start: date | str | None = None) -> pd.DataFrame:
    """The exact waterfall of one case under a shipped framework's split (overridable).

    Periods are dated from ``start`` when given. The frame's ``attrs`` carry the
    summary: recoup period and years (None for never), totals, IRR and MOIC.
    """
    _money_kind(money)
    found = [f for f in shipped_frameworks() if f.key == framework]
    if not found:
        raise InvalidInput.single("framework", framework, "framework.unknown",
                                  "no such framework (known: "
                                  f"{', '.join(f.key for f in shipped_frameworks())})")
    terms = economics.split_terms_for(found[0].current, deemed_rate=deemed_rate,
                                      periods_per_year=periods_per_year, pre_split=pre_split,
                                      post_split=post_split)
    rep = economics.waterfall_report(terms, [Decimal(str(v)) for v in funding],
                                     [Decimal(str(v)) for v in distributable])
    return _report_frame(rep, money, start)


def project_waterfall(project_id: int, *, db: str | None = None, money: Money = "float",
                      start: date | str | None = None) -> pd.DataFrame:
    """The exact waterfall of a stored project's base case, its periods dated from the
    project's start (or ``start``)."""
    _money_kind(money)
    engine = _engine(db)
    rep = simulation.project_waterfall(engine, project_id)
    if start is None:
        start = simulation.start_date(engine, [int(project_id)])
    return _report_frame(rep, money, start)


@dataclass(frozen=True, slots=True)
class PathFrames:
    """Every path's flows period by period (US dollars, float64): one row per period
    (the simulation's index), one column per path (numbered as in the per-path frame).

    funding: the partner's funding; distributable: the SPV's distributable cash;
    partner: the partner's receipts under the split. ``us`` and ``net`` (the partner's
    receipts less its funding) are computed on demand.
    """

    funding: pd.DataFrame
    distributable: pd.DataFrame
    partner: pd.DataFrame

    @property
    def us(self) -> pd.DataFrame:
        return self.distributable.clip(lower=0.0) - self.partner

    @property
    def net(self) -> pd.DataFrame:
        return self.partner - self.funding

    def fan(self, flow: str = "net", *, cumulative: bool = True,
            quantiles: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95)) -> pd.DataFrame:
        """Quantiles over the paths of a flow (``net``, ``partner``, ``funding``, ``us``,
        ``distributable``), cumulative by default: one row per period, one column per
        quantile, ready for ``.plot()``."""
        if flow not in ("net", "partner", "funding", "us", "distributable"):
            raise InvalidInput.single("flow", flow, "notebook.flow",
                                      "one of: net, partner, funding, us, distributable")
        if not quantiles or not all(0.0 <= float(q) <= 1.0 for q in quantiles):
            raise InvalidInput.single("quantiles", list(quantiles), "notebook.quantiles",
                                      "one or more numbers from 0 to 1")
        values = getattr(self, flow)
        if cumulative:
            values = values.cumsum()
        return values.quantile(list(quantiles), axis=1).T


def _path_frames(flows: Any, index: pd.Index) -> PathFrames:
    def frame(values: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(values.T, index=index,
                            columns=pd.RangeIndex(values.shape[0], name="path"), copy=False)

    return PathFrames(frame(flows.funding), frame(flows.distributable), frame(flows.partner))


def _paths_frame(results: Any, periods_per_year: int) -> pd.DataFrame:
    """The per-path results, recovery as periods and years (NaN for never)."""
    frame = to_frame(results)
    recoup = frame["recoup_period"].to_numpy()
    period = np.where(recoup >= 0, recoup, np.nan).astype(np.float64)
    frame["recoup_period"] = period
    frame.insert(frame.columns.get_loc("recoup_period") + 1, "recoup_years",
                 period / periods_per_year)
    frame.index.name = "path"
    return frame


@overload
def simulate(project_id: int | None = ..., *, paths: int = ..., seed: int = ...,
             framework: str | None = ..., db: str | None = ..., dask: str | None = ...,
             keep_paths: Literal[False] = ..., start: date | str | None = ...
             ) -> tuple[dict[str, Any], pd.DataFrame]: ...


@overload
def simulate(project_id: int | None = ..., *, paths: int = ..., seed: int = ...,
             framework: str | None = ..., db: str | None = ..., dask: str | None = ...,
             keep_paths: Literal[True], start: date | str | None = ...
             ) -> tuple[dict[str, Any], pd.DataFrame, PathFrames]: ...


def simulate(project_id: int | None = None, *, paths: int = 10_000, seed: int = 0,
             framework: str | None = None, db: str | None = None,
             dask: str | None = None, keep_paths: bool = False,
             start: date | str | None = None
             ) -> tuple[dict[str, Any], pd.DataFrame] | tuple[dict[str, Any], pd.DataFrame,
                                                               PathFrames]:
    """Monte Carlo of a project (or, with ``framework``, its portfolio).

    Returns the summary as a dict (with ``start`` and ``periods_per_year`` added) and
    one row per path (``recoup_period`` and ``recoup_years`` NaN where the partner never
    recovers). With ``keep_paths=True`` also every path's flows by dated period
    (:class:`PathFrames`), for fan charts; at most ``MAX_KEPT_CELLS`` paths × periods,
    an ``InvalidInput`` naming ``paths`` beyond (checked before anything runs).
    """
    engine = _engine(db)
    if framework is None and project_id is None:
        raise InvalidInput.single("project_id", None, "simulation.target",
                                  "give a project id or a framework (its portfolio)")
    spec, extra = simulation.simulation_spec(
        engine, project_id=None if framework is not None else project_id,
        framework=framework, paths=paths, seed=seed)
    if keep_paths:
        from pledge.domain.bounds import check_kept_cells
        check_kept_cells(spec.paths, spec.horizon)
    ids = extra.get("projects") or [extra["project_id"]]
    day = parse_date(start, "start") if start is not None else simulation.start_date(engine,
                                                                                     ids)
    summary, results = simulation.simulate(spec, dask=dask)
    doc = {**asdict(summary), "start": day, "periods_per_year": spec.n}
    frame = _paths_frame(results, spec.n)
    if not keep_paths:
        return doc, frame
    flows = simulation.path_flows(spec)
    return doc, frame, _path_frames(flows, period_index(spec.horizon, spec.n, day))


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
                   sector: str | None = None, db: str | None = None,
                   money: Money = "float") -> pd.DataFrame:
    """The projects export as a frame indexed by id: money columns float64 US dollars
    (NaN where unknown), or ``Decimal`` (None where unknown) with ``money="decimal"``."""
    from pledge.services import exports

    kind = _money_kind(money)
    rows = exports.project_rows(_engine(db), framework=framework, status=status,
                                sector=sector)
    columns = [c.name for c in exports.PROJECT_COLUMNS]
    frame = pd.DataFrame([[c.get(r) for c in exports.PROJECT_COLUMNS] for r in rows],
                         columns=columns).set_index("id")
    if kind == "float":
        for c in exports.PROJECT_COLUMNS:
            if c.kind == "money":
                frame[c.name] = pd.to_numeric(frame[c.name].map(
                    lambda v: np.nan if v is None else float(v)), errors="raise")
    return frame


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
