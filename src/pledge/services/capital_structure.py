"""Use cases on a project's capital structure: its layers from the records and settings,
the base case through them (who is paid first, who funds what), and changing a setting."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from pledge.analytics import cashflows as cf
from pledge.domain.access import Action
from pledge.domain.capital_settings import SETTINGS, Records, build_structure, check_settings
from pledge.domain.capital_settlement import Settlement, settle
from pledge.domain.capital_structure import CapitalStructure, apply_structure, payment_order
from pledge.domain.ledger import GUARANTEED, INVESTED, SPV_IN_KIND, acct
from pledge.domain.money import round_cents
from pledge.services.base import Actor, audit, permit, project_row
from pledge.store import tables as t
from pledge.store.db import reading, transaction


@lru_cache(maxsize=1)
def capital_defaults() -> dict[str, Any]:
    """The shipped defaults and their sources (``data/capital.toml``)."""
    text = (files("pledge") / "data" / "capital.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def records_of(s: Connection, row: Any) -> Records:
    """The project's recorded cash by (instrument, provider), guarantees outstanding by
    provider and in-kind values by kind."""
    if not row.component:
        return Records()
    p = t.postings

    def grouped(account: str, *keys: Any) -> list[Any]:
        return list(s.execute(select(*keys, func.sum(p.c.amount)).where(
            p.c.framework_id == row.framework_id, p.c.project_id == row.id,
            p.c.account == acct(row.component, account)).group_by(*keys)))

    cash = {(r[0] or "", r[1] or ""): Decimal(r[2]) for r in
            grouped(INVESTED, p.c.instrument, p.c.provider)}
    guarantees = {r[0] or "": Decimal(r[1]) for r in grouped(GUARANTEED, p.c.provider)}
    in_kind = {r[0] or "": Decimal(r[1]) for r in grouped(SPV_IN_KIND, p.c.instrument)}
    return Records(cash, guarantees, in_kind)


def settings_of(model: cf.EconomicModel, own: dict[str, Any] | None
                ) -> tuple[dict[str, object], dict[str, str]]:
    """The settings in force (defaults, the model's co-investor share, the project's own)
    and where each comes from."""
    doc = capital_defaults()
    settings = check_settings({**doc.get("defaults", {}),
                               "co_investor_share": repr(1.0 - model.partner_share)},
                              "defaults.")
    sources = dict(doc.get("sources", {}))
    for name, value in check_settings(own or {}).items():
        settings[name] = value
        sources[name] = "set for the project"
    return settings, sources


def structure_of(s: Connection, row: Any, model: cf.EconomicModel) -> CapitalStructure:
    """The project's capital structure, its layers sized on the model's cost."""
    settings, sources = settings_of(model, row.capital)
    capex = round_cents(Decimal(repr(float(model.capex))))
    return build_structure(capex, records_of(s, row), settings, sources)


@dataclass(frozen=True, slots=True)
class CapitalReport:
    """A project's capital structure and its base case through it.

    settings, sources: the settings in force and where each comes from
    order:      who is paid first, one step a line
    settlement: the base case's structured cash and each side's split
    """

    project_id: int
    structure: CapitalStructure
    settings: dict[str, object]
    sources: dict[str, str]
    order: list[str]
    settlement: Settlement


def settle_model(model: cf.EconomicModel, records: Records, own: dict[str, Any] | None,
                 terms: Any) -> tuple[CapitalStructure, Settlement]:
    """A model's base case (no overrun, no delay) through the capital structure its
    records and settings make, and the split of what is left: one path for every caller
    that prices a project (the waterfall, the tornado, ``economics show``)."""
    from dataclasses import replace

    settings, sources = settings_of(model, own)
    capex_total = round_cents(Decimal(repr(float(model.capex))))
    structure = build_structure(capex_total, records, settings, sources)
    n = terms.periods_per_year
    capex, operating = cf.base_case(replace(model, partner_share=1.0), n)
    flows = apply_structure(structure, [Decimal(repr(float(x))) for x in capex],
                            [Decimal(repr(float(x))) for x in operating],
                            model.construction_periods(n), n)
    return structure, settle(flows, terms)


def settlement_report(st: Settlement) -> Any:
    """The partner's side of a settlement as a ``WaterfallReport``: the split's exact
    waterfall, and the partner's IRR and MOIC counting its loans' cash beside its split
    share when it lends."""
    from pledge.analytics.engine import annualise, irr_one
    from pledge.services.economics import WaterfallReport, waterfall_report

    if not st.flows.totals["partner_loan_draws"]:
        return waterfall_report(st.waterfall_terms, st.flows.funding, st.flows.distributable)
    n = st.waterfall_terms.periods_per_year
    x = irr_one([float(v) for v in st.partner_net_flows])
    funded = st.partner_funding_total
    return WaterfallReport(st.waterfall_terms, st.waterfall,
                           None if x is None else float(annualise(x, n)),
                           float(st.partner_total / funded) if funded else None)


def _report(s: Connection, row: Any, deemed_rate: str | None = None) -> CapitalReport:
    from pledge.services import simulation as sim
    from pledge.services.economics import split_terms_for
    model = sim.model_of(s, row)
    settings, sources = settings_of(model, row.capital)
    terms = split_terms_for(sim.framework_of(s, row).current, deemed_rate=deemed_rate)
    structure, settlement = settle_model(model, records_of(s, row), row.capital, terms)
    return CapitalReport(row.id, structure, settings, sources, payment_order(structure),
                         settlement)


def project_capital(engine: Engine, project_id: int | str, *,
                    deemed_rate: str | None = None) -> CapitalReport:
    """The project's capital structure and its base case (no overrun, no delay) through it."""
    with reading(engine) as s:
        return _report(s, project_row(s, project_id), deemed_rate)


def project_capital_in_unit(engine: Engine, project_id: int | str) -> CapitalReport:
    """:func:`project_capital` read inside the unit of work in progress (so that it sees a
    change made in it but not yet committed, as a command's result must)."""
    with transaction(engine) as s:
        return _report(s, project_row(s, project_id))


def set_capital(engine: Engine, project_id: int | str, changes: dict[str, str],
                actor: Actor) -> dict[str, Any]:
    """Store the project's own capital settings (validated; audited; a project edit).
    Returns the project's own settings after the change."""
    permit(actor, Action.PROJECT_EDIT)
    checked = {k: (str(v) if isinstance(v, Decimal) else v)
               for k, v in check_settings(changes).items()}
    with transaction(engine) as s:
        row = project_row(s, project_id)
        before = dict(row.capital or {})
        after = {**before, **checked}
        s.execute(t.projects.update().where(t.projects.c.id == row.id).values(capital=after))
        audit(s, actor, "project.capital", "project", row.id, before=before, after=after,
              project_id=row.id)
        return after


def is_capital_setting(name: str) -> bool:
    """Whether ``name`` is a capital-structure setting (not a cash-flow model parameter)."""
    return name in SETTINGS


def capital_document(rep: CapitalReport) -> dict[str, Any]:
    """The capital structure as ``pledge economics show --json`` prints it (money as
    Decimal in whole cents)."""
    st = rep.settlement
    totals = st.flows.totals
    return {
        "layers": [{"name": x.name, "kind": x.kind.value, "holder": x.holder.value,
                    "amount": round_cents(x.amount), "rate": float(x.rate),
                    "tenor_years": float(x.tenor_years), "seniority": x.seniority,
                    "call_probability": float(x.call_probability),
                    "loss_given_call": float(x.loss_given_call),
                    "expected_loss": x.expected_loss, "source": x.source}
                   for x in rep.structure.layers],
        "payment_order": rep.order,
        "settings": {k: (str(v) if isinstance(v, Decimal) else v)
                     for k, v in rep.settings.items()},
        "sources": rep.sources,
        "base_case": {
            **{k: round_cents(v) for k, v in totals.items()},
            "partner_receipts": st.partner_total, "partner_funding": st.partner_funding_total,
            "partner_split_receipts": st.waterfall.partner_total,
            "us_receipts": st.us_total,
            "partner_guarantee_expected_loss": st.partner_guarantee_expected_loss,
            "abandoned_period": st.flows.abandoned_period,
            "lender_loss": st.flows.lender_loss,
        },
    }
