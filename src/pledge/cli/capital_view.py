"""How the CLI shows and sets a project's capital structure (``pledge economics show`` and
``set``): the layers, who is paid first, and who funded what in the base case."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pledge.cli import render

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from pledge.services.base import Actor
    from pledge.services.capital_structure import CapitalReport


def report(engine: Engine, project_id: int) -> CapitalReport:
    from pledge.services.capital_structure import project_capital
    return project_capital(engine, project_id)


def document(rep: CapitalReport) -> dict[str, Any]:
    from pledge.services.capital_structure import capital_document
    return capital_document(rep)


def split_settings(values: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(model parameters, capital settings) of ``NAME=VALUE`` assignments."""
    from pledge.services.capital_structure import is_capital_setting
    return ({k: v for k, v in values.items() if not is_capital_setting(k)},
            {k: v for k, v in values.items() if is_capital_setting(k)})


def set_settings(engine: Engine, project_id: str, changes: dict[str, str], who: Actor) -> None:
    from pledge.services.capital_structure import set_capital
    set_capital(engine, project_id, changes, who)


def report_in_unit(engine: Engine, project_id: int) -> CapitalReport:
    """The report as the command's unit of work sees it (its changes included)."""
    from pledge.services.capital_structure import project_capital_in_unit
    return project_capital_in_unit(engine, project_id)


def _usd(v: Decimal) -> str:
    return f"{v.quantize(Decimal('0.01')):,}"


def show(rep: CapitalReport) -> None:
    """The layers, the order of payment, the rules and the base case's amounts."""
    rows = []
    for x in rep.structure.layers:
        terms = ""
        if x.kind.value == "loan":
            terms = f"{x.rate:%} a year, {x.tenor_years:g} years, seniority {x.seniority}"
        elif x.kind.value == "guarantee":
            terms = (f"call {x.call_probability:%} × loss {x.loss_given_call:%} = expected "
                     f"loss {_usd(x.expected_loss)}")
        rows.append((x.name, x.kind.value, x.holder.value, _usd(x.amount), terms, x.source))
    render.table("Capital structure", ["layer", "kind", "holder", "US$", "terms", "source"],
                 rows, justify_right=["US$"])
    render.console.print("Who is paid first:", markup=False, highlight=False)
    for k, step in enumerate(rep.order, start=1):
        render.console.print(f"  {k}. {step}", markup=False, highlight=False)
    st = rep.settlement
    tot = st.flows.totals
    render.pairs("Base case through the structure (US$)", [
        ("overruns funded by", f"{rep.settings['overrun_rule']} "
                               f"({rep.sources.get('overrun_rule', '')})"),
        ("negative cash funded by", f"{rep.settings['shortfall_rule']} "
                                    f"({rep.sources.get('shortfall_rule', '')})"),
        ("negative cash funded: partner / US / co-investors",
         f"{_usd(tot['shortfall_funded_by_partner'])} / {_usd(tot['shortfall_funded_by_us'])}"
         f" / {_usd(tot['shortfall_funded_by_co_investors'])}"),
        ("left unfunded (abandonment)",
         _usd(tot["overrun_unfunded"] + tot["shortfall_unfunded"])
         + ("" if st.flows.abandoned_period is None
            else f", abandoned in period {st.flows.abandoned_period}")),
        ("debt service (to lenders / to the partner)",
         f"{_usd(tot['lender_receipts'])} / {_usd(tot['partner_loan_receipts'])}"),
        ("co-investors receive", _usd(tot["co_investor_receipts"])),
        ("cash to the split", _usd(tot["to_split"])),
        ("partner receives (loans + split share)", _usd(st.partner_total)),
        ("partner funds (allocation + loans)", _usd(st.partner_funding_total)),
        ("US receives (split share)", _usd(st.us_total)),
        ("partner's guarantees: expected loss (not cash)",
         _usd(st.partner_guarantee_expected_loss)),
    ])


def simulation_rows(capital: dict[str, float], usd: Any) -> list[tuple[str, str]]:
    """A simulation's capital-structure expectations, for ``pledge simulate``'s table."""
    if not capital:
        return []

    def three(what: str) -> str:
        return " / ".join(usd(capital[f"{what}_funded_by_{who}"])
                          for who in ("partner", "us", "co_investors"))

    return [
        ("overruns funded, expected: partner / US / co-investors", three("overrun")),
        ("negative cash funded, expected: partner / US / co-investors", three("shortfall")),
        ("debt service, expected: to lenders / to the partner",
         f"{usd(capital['lender_receipts'])} / {usd(capital['partner_loan_receipts'])}"),
        ("paths where the project is abandoned (nobody funds)",
         f"{capital['abandoned']:.2%}"),
    ]
