"""Use cases on project economics: the model, base-case cash flows, Monte Carlo."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files
from typing import Any

from sqlalchemy import Engine, select

from pledge.analytics import cashflows as cf
from pledge.analytics import montecarlo as mc
from pledge.domain.access import Action
from pledge.domain.bounds import check_seed
from pledge.domain.drivers import Kind, UnitFigure
from pledge.domain.errors import InvalidInput, RuleViolation
from pledge.domain.framework import Framework
from pledge.domain.lifecycle import Stage
from pledge.domain.waterfall import SplitTerms
from pledge.services import project_models as pm
from pledge.services.base import (
    Actor,
    audit,
    framework_row,
    load_framework,
    permit,
    primary_amount,
    primary_usd,
    project_row,
)
from pledge.services.economics import discount_rate_for, split_terms_for
from pledge.services.risk import macro, risk_parameters
from pledge.services.risk import parameter_sources as risk_sources
from pledge.services.simulation_summary import MONEY_KEYS as MONEY_KEYS
from pledge.services.simulation_summary import RECOVERS_WORDS as RECOVERS_WORDS
from pledge.services.simulation_summary import UNDISCOUNTED_KEYS as UNDISCOUNTED_KEYS
from pledge.services.simulation_summary import summary_document as summary_document
from pledge.store import tables as t
from pledge.store.db import reading, transaction


@lru_cache(maxsize=1)
def economics_defaults() -> dict[str, Any]:
    """The shipped per-sector model defaults (``data/economics.toml``)."""
    text = (files("pledge") / "data" / "economics.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _priced(name: str, sector: str, detail: str, economics: Any, estimate: Decimal | None
            ) -> tuple[cf.EconomicModel, pm.Resolved]:
    """A project's model: the programme's and its sector's defaults, its type's and its
    shipped values (``data/drivers.toml``), its reference class's construction risk
    (``data/risk.toml``), its own settings, and what its drivers work out (revenue and
    costs), in that order."""
    stored = dict(economics or {})
    resolved = pm.resolve(name, sector, detail, stored, pm.stored_capex(stored, estimate))
    driven = resolved.kind is not Kind.GENERIC
    own = {k: v for k, v in stored.items()
           if k in cf.PARAMETERS and not (driven and k in cf.DERIVED)}
    model = cf.model_over(_sector_parameters(sector),
                          {**resolved.params,
                           **risk_parameters(sector, detail, name, stored), **own},
                          None if estimate is None else float(estimate))
    return model, resolved


@lru_cache(maxsize=64)
def _sector_parameters(sector: str) -> dict[str, object]:
    """The shipped defaults and the sector's, validated once per sector (they do not change
    while pledge runs; a page prices a project each time it is shown)."""
    doc = economics_defaults()
    return cf.sector_parameters(sector, doc.get("sectors", {}), doc.get("defaults", {}))


def model_of(s: Any, row: Any) -> cf.EconomicModel:
    """The model of the project ``row`` (read on the connection ``s``)."""
    return _model(s, row)


def _model(s: Any, row: Any) -> cf.EconomicModel:
    return _economics(s, row).model


def _economics(s: Any, row: Any) -> ProjectEconomics:
    return _project_economics(row.id, row.name, row.sector, row.sector_detail, row.economics,
                              primary_usd(s, row.id))


def _project_economics(pid: int, name: str, sector: str, detail: str, economics: Any,
                       estimate: Decimal | None) -> ProjectEconomics:
    model, resolved = _priced(name, sector, detail, economics, estimate)
    stored = dict(economics or {})
    sources = pm.parameter_sources(model, resolved, stored, sector,
                                   economics_defaults().get("sectors", {}))
    sources.update({k: v for k, v in risk_sources(model.risk_type).items()
                    if k not in stored})
    return ProjectEconomics(pid, name, sector, model, stored, resolved.kind.value,
                            resolved.note, resolved.drivers, sources, resolved.units)


@dataclass(frozen=True, slots=True)
class ProjectEconomics:
    """A project's model: the cash-flow parameters (``model``), its own stored settings
    (``overrides``), the model type (``kind``; ``note`` says why the generic model stands
    in when it does), the type's drivers with units and sources, each parameter's source
    and the implied unit economics."""

    project_id: int
    name: str
    sector: str
    model: cf.EconomicModel
    overrides: dict[str, Any]
    kind: str = Kind.GENERIC.value
    note: str | None = None
    drivers: dict[str, pm.Sourced] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    units: list[UnitFigure] = field(default_factory=list)


def get_economics(engine: Engine, project_id: int | str) -> ProjectEconomics:
    """The project's model: defaults, its sector's, and its own stored overrides."""
    with reading(engine) as s:
        return _economics(s, project_row(s, project_id))


#: The parameters a reader of a project page most needs to see, with their words.
SHOWN_PARAMETERS = (("construction_years", "construction {:g} years"),
                    ("life_years", "operating life {:g} years"),
                    ("revenue_yield", "revenue {:.0%} of the cost a year"),
                    ("opex_ratio", "operating costs {:.0%} of revenue"),
                    ("overrun_sigma", "cost overrun spread {:.0%}"))


@dataclass(frozen=True, slots=True)
class Assumptions:
    """Which cash-flow assumptions a project's base case rests on, in words.

    own: the project's own settings (``pledge economics set``), as stored;
    sector: the sector whose defaults fill in the rest; sector_defaults: whether that
    sector has defaults of its own (else the programme-wide ones apply);
    shown: the main parameters as used, each in words; kind: the model type, and
    drivers_shown its drivers as used with their units ("capacity_mw 9200 MW").
    """

    own: dict[str, Any]
    sector: str
    sector_defaults: bool
    shown: list[str]
    kind: str = Kind.GENERIC.value
    drivers_shown: list[str] = field(default_factory=list)

    @property
    def own_shown(self) -> list[str]:
        """The project's own settings in words ("life years 20")."""
        return [f"{k.replace('_', ' ')} {v:g}" if isinstance(v, int | float) else
                f"{k.replace('_', ' ')} {v}" for k, v in sorted(self.own.items())]


def assumptions(engine: Engine, project_id: int | str) -> Assumptions | None:
    """Which assumptions apply to the project's base case (read-only, cheap); None when
    it has no model (no cost estimate: the outlook says so)."""
    try:
        econ = get_economics(engine, project_id)
    except InvalidInput:
        return None
    return _assumptions(econ)


def assumptions_of(project_id: int, name: str, sector: str, economics: Any,
                   usd_low: Any, usd_high: Any, detail: str = "") -> Assumptions | None:
    """``assumptions`` of a project from its row as already read (its sector and the
    source's words for it, stored settings and primary estimate's bounds): no statement
    sent."""
    try:  # the model alone: where each parameter comes from is not shown here
        model, resolved = _priced(name, sector, detail, economics,
                                  primary_amount(usd_low, usd_high))
    except InvalidInput:
        return None
    return _assumed(model, dict(economics or {}), sector, resolved.kind.value,
                    resolved.drivers)


def _assumptions(econ: ProjectEconomics) -> Assumptions:
    return _assumed(econ.model, econ.overrides, econ.sector, econ.kind, econ.drivers)


def _assumed(model: cf.EconomicModel, own: dict[str, Any], sector: str, kind: str,
             drivers: Mapping[str, pm.Sourced]) -> Assumptions:
    used = model.as_dict()
    used["opex_ratio"] += used["variable_ratio"]  # fixed and variable: all running costs
    return Assumptions(own, sector, sector in economics_defaults().get("sectors", {}),
                       [words.format(used[key]) for key, words in SHOWN_PARAMETERS
                        if key in used], kind,
                       [f"{k} {d.value} {d.unit}".strip() for k, d in drivers.items()])


def set_economics(engine: Engine, project_id: int | str, changes: dict[str, str],
                  actor: Actor) -> ProjectEconomics:
    """Store overrides of the project's model (validated; audited; a project edit)."""
    permit(actor, Action.PROJECT_EDIT)
    with transaction(engine) as s:
        row = project_row(s, project_id)
        before = dict(row.economics or {})
        kind = pm.nominal_kind(row.name, row.sector, row.sector_detail,
                               {**before, **({"model": changes["model"]} if "model" in changes
                                             else {})})
        after = {**before, **pm.check_changes(kind, changes)}
        _project_economics(row.id, row.name, row.sector, row.sector_detail, after,
                           primary_usd(s, row.id))  # the whole model must still hold
        s.execute(t.projects.update().where(t.projects.c.id == row.id).values(economics=after))
        audit(s, actor, "project.economics", "project", row.id, before=before, after=after,
              project_id=row.id)
        return _economics(s, project_row(s, row.id))


def framework_of(s: Any, row: Any) -> Framework:
    """The framework of the project ``row`` (read on the connection ``s``)."""
    return _framework_of(s, row)


def _framework_of(s: Any, row: Any) -> Framework:
    fw_row = s.execute(select(t.frameworks).where(t.frameworks.c.id == row.framework_id)).one()
    return load_framework(s, fw_row)


@dataclass(frozen=True, slots=True)
class Pricing:
    """What a project is priced from, as read: its words, stored settings, primary
    estimate and split terms; :meth:`economics_with` prices it with settings changed
    (nothing stored)."""

    project_id: int
    name: str
    sector: str
    detail: str
    economics: dict[str, Any]
    estimate: Decimal | None
    terms: SplitTerms
    capital_records: Any = None
    capital_settings: dict[str, Any] | None = None

    def economics_with(self, changes: Mapping[str, object]) -> ProjectEconomics:
        return _project_economics(self.project_id, self.name, self.sector, self.detail,
                                  {**self.economics, **changes}, self.estimate)


def pricing(engine: Engine, project_id: int | str, *, deemed_rate: str | None = None
            ) -> Pricing:
    """A project's :class:`Pricing`, read once."""
    with reading(engine) as s:
        row = project_row(s, project_id)
        terms = split_terms_for(_framework_of(s, row).current, deemed_rate=deemed_rate)
        from pledge.services.capital_structure import records_of
        return Pricing(row.id, row.name, row.sector, row.sector_detail,
                       dict(row.economics or {}), primary_usd(s, row.id), terms,
                       records_of(s, row), row.capital)


def cents_of(values: Any) -> list[Decimal]:
    """Float cash flows as amounts in whole cents (how money moves)."""
    cents = Decimal("0.01")
    return [Decimal(repr(float(x))).quantize(cents) for x in values]


def funding_cents(values: Any) -> list[Decimal]:
    """Funding in whole cents that adds up to its total in cents: each period the running
    total rounded, less the previous one (so a project's cents add up to its capex)."""
    cents, out, before, running = Decimal("0.01"), [], Decimal(0), Decimal(0)
    for x in values:
        running += Decimal(repr(float(x)))
        now = running.quantize(cents)
        out.append(now - before)
        before = now
    return out


def base_case(engine: Engine, project_id: int | str, *, deemed_rate: str | None = None
              ) -> tuple[ProjectEconomics, list[Decimal], list[Decimal], SplitTerms]:
    """The project's deterministic cash flows, rounded to cents, and its split terms."""
    with reading(engine) as s:
        row = project_row(s, project_id)
        econ = _economics(s, row)
        terms = split_terms_for(_framework_of(s, row).current, deemed_rate=deemed_rate)
    f, d = cf.base_case(econ.model, terms.periods_per_year)
    return econ, funding_cents(f), cents_of(d), terms


def project_waterfall(engine: Engine, project_id: int | str, *,
                      deemed_rate: str | None = None) -> Any:
    """The exact waterfall of the project's base case, through its capital structure (the
    split of the cash left after debt service and co-investors; shortfalls funded by the
    project's rule)."""
    from pledge.services.capital_structure import project_capital, settlement_report

    st = project_capital(engine, project_id, deemed_rate=deemed_rate).settlement
    return settlement_report(st)


def _start(s: Any, row: Any) -> date | None:
    """When a project's funding starts: its first funding, its notice, or its selection."""
    dates = {r.to_stage: r.on for r in s.execute(
        select(t.transitions.c.to_stage, t.transitions.c.on)
        .where(t.transitions.c.project_id == row.id))}
    for stage in (Stage.FUNDED, Stage.NOTIFIED, Stage.SELECTED):
        if stage.value in dates:
            return dates[stage.value]  # type: ignore[no-any-return]  # the column holds dates
    return None


def _spec(models: list[tuple[int, cf.EconomicModel, int]], terms: SplitTerms, seed: int,
          paths: int, *, pooled: bool, common: bool,
          discount_rate: str | float | None, capital: tuple[Any, ...] = ()) -> mc.SimSpec:
    rate, _ = discount_rate_for(terms, discount_rate)
    return mc.SimSpec(tuple(models), terms.periods_per_year, float(terms.period_rate),
                      float(terms.pre_share), float(terms.post_share), seed, paths, pooled,
                      common, rate, macro(), capital)


def _capital(s: Any, row: Any, model: cf.EconomicModel, n: int) -> Any:
    """The project's capital structure as the Monte Carlo takes it."""
    from pledge.analytics.capital_paths import CapitalTerms
    from pledge.services.capital_structure import structure_of

    return CapitalTerms.of(structure_of(s, row, model), n)


def check_paths(paths: int) -> None:
    """Refuse a path count outside what any simulation may take."""
    if not 1 <= paths <= 50_000_000:
        raise InvalidInput.single("paths", paths, "simulation.paths",
                                  "paths must be between 1 and 50,000,000")


def project_spec(engine: Engine, project_id: int | str, paths: int, seed: int, *,
                 deemed_rate: str | None = None,
                 discount_rate: str | float | None = None) -> mc.SimSpec:
    """One project's simulation; present values at ``discount_rate`` (annual effective),
    by default the deemed rate in force (the framework's, or ``deemed_rate``)."""
    check_paths(paths)
    check_seed(seed)
    with reading(engine) as s:
        row = project_row(s, project_id)
        model = _model(s, row)
        terms = split_terms_for(_framework_of(s, row).current, deemed_rate=deemed_rate)
        capital = (_capital(s, row, model, terms.periods_per_year),)
    return _spec([(row.id, model, 0)], terms, seed, paths, pooled=False, common=False,
                 discount_rate=discount_rate, capital=capital)


PORTFOLIO_STAGES = (Stage.SELECTED.value, Stage.NOTIFIED.value, Stage.FUNDED.value,
                    Stage.OPERATING.value)


def portfolio_spec(engine: Engine, framework: str, paths: int, seed: int, *,
                   deemed_rate: str | None = None, discount_rate: str | float | None = None
                   ) -> tuple[mc.SimSpec, list[int]]:
    """Every selected, notified, funded or operating project of a framework, correlated;
    present values as in :func:`project_spec`."""
    check_paths(paths)
    check_seed(seed)
    with reading(engine) as s:
        fw_row = framework_row(s, framework)
        fw = load_framework(s, fw_row)
        rows = s.execute(select(t.projects).where(
            t.projects.c.framework_id == fw_row.id,
            t.projects.c.status.in_(PORTFOLIO_STAGES)).order_by(t.projects.c.id)).all()
        if not rows:
            raise RuleViolation.single("framework", framework, "simulation.empty_portfolio",
                                       "no selected, notified, funded or operating projects")
        terms = split_terms_for(fw.current, deemed_rate=deemed_rate)
        starts = {r.id: _start(s, r) for r in rows}
        models = [(r.id, _model(s, r)) for r in rows]
        capital = tuple(_capital(s, r, m, terms.periods_per_year)
                        for r, (_, m) in zip(rows, models, strict=True))
    first = min((d for d in starts.values() if d), default=None)
    n = terms.periods_per_year

    def offset(pid: int) -> int:
        d = starts[pid]
        if d is None or first is None:
            return 0
        return int((d - first).days / 365.25 * n)

    spec = _spec([(pid, m, offset(pid)) for pid, m in models], terms, seed, paths,
                 pooled=fw.current.accounting_scope == "pooled", common=True,
                 discount_rate=discount_rate, capital=capital)
    return spec, [pid for pid, _ in models]


@contextmanager
def dask_client(address: str | None) -> Iterator[Any]:
    """A dask.distributed client: None (no dask), 'local' (a local cluster), or an address."""
    if not address:
        yield None
        return
    from distributed import Client, LocalCluster

    if address == "local":
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,  # type: ignore[no-untyped-call]  # distributed is untyped
                          dashboard_address=None) as cluster, \
                Client(cluster) as client:  # type: ignore[no-untyped-call]  # distributed is untyped
            yield client
        return
    if not address.startswith(("tcp://", "tls://", "inproc://")):
        raise InvalidInput.single("dask", address, "simulation.dask_address",
                                  "use 'local' or a scheduler address such as tcp://HOST:8786")
    with Client(address, timeout="10s") as client:  # type: ignore[no-untyped-call]  # distributed is untyped
        yield client


def simulate(spec: mc.SimSpec, *, dask: str | None = None, client: Any = None,
             progress: Callable[[int], None] | None = None) -> tuple[mc.Summary, mc.PathResults]:
    """Run a specification and summarise it (locally, or on dask when asked)."""
    if client is not None:
        res = mc.run(spec, client=client, progress=progress)
    else:
        with dask_client(dask) as c:
            res = mc.run(spec, client=c, progress=progress)
    return mc.summarise(res, spec), res


def simulation_spec(engine: Engine, *, project_id: int | str | None = None,
                    framework: str | None = None, paths: int = 10_000, seed: int = 0,
                    deemed_rate: str | None = None, discount_rate: str | float | None = None
                    ) -> tuple[mc.SimSpec, dict[str, Any]]:
    """What ``pledge simulate`` runs: one project, or a framework's portfolio.

    Returns the specification and the keys that name what was simulated
    (``project_id``; or ``framework``, ``projects`` and ``pooled``). Exactly one of
    ``project_id`` and ``framework`` is given.
    """
    if (project_id is None) == (framework is None):
        raise InvalidInput.single("project_id", project_id, "simulation.target",
                                  "give a project id or a framework (its portfolio), not "
                                  "both")
    if framework is not None:
        spec, ids = portfolio_spec(engine, framework, paths, seed, deemed_rate=deemed_rate,
                                   discount_rate=discount_rate)
        extra: dict[str, Any] = {"framework": framework, "projects": ids,
                                 "pooled": spec.pooled}
    else:
        assert project_id is not None
        spec = project_spec(engine, project_id, paths, seed, deemed_rate=deemed_rate,
                            discount_rate=discount_rate)
        extra = {"project_id": spec.models[0][0]}
    extra["discount_basis"] = ("the deemed rate in force" if discount_rate is None
                               else "given")
    return spec, extra


def warm_engines() -> dict[str, int]:
    """Compile, or load from the on-disk cache (``pledge.analytics.numba_cache_dir``), every
    signature of the compiled engines, so that no request and no command waits for numba;
    return each kernel's signature count (empty when numba's JIT is switched off, as under
    ``make coverage``, where there is nothing to compile)."""
    from pledge.analytics.engine import warm

    return warm()


def start_date(engine: Engine, project_ids: list[int]) -> date | None:
    """The date period 0 of a simulation of these projects stands for: the earliest of
    their starts (first funding, notice or selection: what a portfolio's offsets count
    from); for projects none of which has started, the earliest date one was recorded at
    a stage. None when no project has a recorded stage."""
    with reading(engine) as s:
        rows = s.execute(select(t.projects).where(t.projects.c.id.in_(project_ids))).all()
        starts = [d for r in rows if (d := _start(s, r)) is not None]
        if starts:
            return min(starts)
        first = s.execute(select(t.transitions.c.on).where(
            t.transitions.c.project_id.in_(project_ids)).order_by(t.transitions.c.on)
            .limit(1)).scalar()
    return first if isinstance(first, date) else None


def path_flows(spec: mc.SimSpec) -> Any:
    """Every path's funding, distributable cash and partner receipts, period by period
    (``analytics.pathflows.PathFlows``), for a specification small enough to keep
    (``domain.bounds.check_kept_cells``: InvalidInput naming ``paths`` otherwise)."""
    from pledge.analytics import pathflows
    from pledge.domain.bounds import check_kept_cells

    check_kept_cells(spec.paths, spec.horizon)
    return pathflows.flows(spec)
