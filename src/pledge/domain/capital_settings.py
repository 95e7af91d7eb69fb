"""A project's capital structure from what is recorded and what is set.

The layers come from the project's recorded money (:class:`Records`: cash fundings by
provider and instrument, guarantees outstanding, the United States' contributions in
kind) and from its settings (:data:`SETTINGS`, each with a shipped default and a
source or the label "assumption"; a project may override any of them):

* each provider's equity (and the called part of its guarantees) is the partner's equity;
* each provider's loan is the partner's loan at ``loan_rate`` over ``loan_tenor_years``,
  serviced after the banks' loans (seniority 2);
* each guarantee is the partner's contingent exposure with an expected loss
  (``guarantee_call_probability`` × ``guarantee_loss_given_call``), and, when
  ``guaranteed_bank_loans`` is on, stands behind a bank loan of the same amount at
  ``bank_loan_rate`` over ``bank_loan_tenor_years``, serviced first (seniority 1);
* co-investors hold ``co_investor_share`` of the cost as equity;
* whatever of the cost is left is the partner's equity, not yet recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from pledge.domain.capital_structure import (
    NIL,
    CapitalStructure,
    FundingRule,
    Holder,
    Layer,
    LayerKind,
    parse_rule,
)
from pledge.domain.errors import InvalidInput, Problem
from pledge.domain.money import round_cents

#: name -> (kind, low, high, meaning); kind is "rule", "bool" or "number"
SETTINGS: dict[str, tuple[str, Decimal, Decimal, str]] = {
    "overrun_rule": ("rule", NIL, NIL, "who funds capex beyond the plan"),
    "shortfall_rule": ("rule", NIL, NIL, "who funds negative operating cash and unpaid "
                                         "debt service"),
    "debt_before_split": ("bool", NIL, NIL, "the partner's loans are repaid before the "
                                            "split (else they count in its deemed "
                                            "allocation)"),
    "loan_rate": ("number", NIL, Decimal(1), "annual interest on the partner's loans"),
    "loan_tenor_years": ("number", Decimal("0.25"), Decimal(50),
                         "years to repay the partner's loans from operation"),
    "guaranteed_bank_loans": ("bool", NIL, NIL, "each guarantee stands behind a bank loan "
                                                "of its amount"),
    "bank_loan_rate": ("number", NIL, Decimal(1), "annual interest on guaranteed bank loans"),
    "bank_loan_tenor_years": ("number", Decimal("0.25"), Decimal(50),
                              "years to repay guaranteed bank loans from operation"),
    "guarantee_call_probability": ("number", NIL, Decimal(1),
                                   "probability a guarantee is called over its life"),
    "guarantee_loss_given_call": ("number", NIL, Decimal(1),
                                  "share of a called guarantee that is lost"),
    "co_investor_share": ("number", NIL, Decimal(1), "share of the cost co-investors fund"),
}


def _bool(raw: object) -> bool | None:
    text = str(raw).strip().lower()
    return {"true": True, "yes": True, "1": True, "on": True, "false": False, "no": False,
            "0": False, "off": False}.get(text)


def check_settings(values: Mapping[str, object], where: str = "") -> dict[str, object]:
    """Validated settings (rules as their text, booleans, Decimal numbers); InvalidInput
    naming every bad one."""
    out: dict[str, object] = {}
    problems: list[Problem] = []
    for name, raw in values.items():
        key = f"{where}{name}"
        spec = SETTINGS.get(name)
        if spec is None:
            problems.append(Problem(key, raw, "capital.unknown_setting",
                                    f"unknown setting (known: {', '.join(SETTINGS)})"))
            continue
        kind, low, high, _ = spec
        if kind == "rule":
            try:
                out[name] = parse_rule(raw, key).value
            except InvalidInput as exc:
                problems.extend(exc.problems)
        elif kind == "bool":
            value = raw if isinstance(raw, bool) else _bool(raw)
            if value is None:
                problems.append(Problem(key, raw, "capital.bad_value", "true or false"))
            else:
                out[name] = value
        else:
            text = str(raw).strip()
            try:
                number = Decimal(text[:-1]) / 100 if text.endswith("%") else Decimal(text)
            except InvalidOperation:
                problems.append(Problem(key, raw, "capital.bad_value", "expected a number"))
                continue
            if not (number.is_finite() and low <= number <= high):
                problems.append(Problem(key, raw, "capital.out_of_range",
                                        f"must be between {low} and {high}"))
                continue
            out[name] = number
    if problems:
        raise InvalidInput(problems)
    return out


@dataclass(frozen=True, slots=True)
class Records:
    """A project's recorded money (US dollars, whole cents).

    cash:       (instrument, provider) -> amount paid into the SPV (equity, loan,
                guarantee_call)
    guarantees: provider -> guarantee exposure outstanding
    in_kind:    kind -> the value the United States contributed
    """

    cash: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    guarantees: dict[str, Decimal] = field(default_factory=dict)
    in_kind: dict[str, Decimal] = field(default_factory=dict)


def build_structure(capex: Decimal, records: Records, settings: Mapping[str, object],
                    sources: Mapping[str, str]) -> CapitalStructure:
    """The project's layers (module docstring) from its cost (``capex``, US dollars), its
    records and its checked ``settings`` (every key of :data:`SETTINGS`); ``sources`` says
    where each setting comes from."""
    def num(name: str) -> Decimal:
        return Decimal(str(settings[name]))

    layers: list[Layer] = []
    for (instrument, provider), amount in sorted(records.cash.items()):
        if amount <= 0:
            continue
        if instrument == "loan":
            layers.append(Layer(f"{provider} loan", LayerKind.LOAN, Holder.PARTNER, amount,
                                rate=num("loan_rate"), tenor_years=num("loan_tenor_years"),
                                seniority=2, source=sources.get("loan_rate", "assumption")))
        else:
            what = "guarantee called" if instrument == "guarantee_call" else "equity"
            layers.append(Layer(f"{provider} {what}", LayerKind.EQUITY, Holder.PARTNER, amount,
                                source="recorded"))
    for provider, amount in sorted(records.guarantees.items()):
        if amount <= 0:
            continue
        layers.append(Layer(
            f"{provider} guarantee", LayerKind.GUARANTEE, Holder.PARTNER, amount,
            call_probability=num("guarantee_call_probability"),
            loss_given_call=num("guarantee_loss_given_call"),
            source=sources.get("guarantee_call_probability", "assumption")))
        if settings["guaranteed_bank_loans"]:
            layers.append(Layer(
                f"bank loan guaranteed by {provider}", LayerKind.LOAN, Holder.LENDER, amount,
                rate=num("bank_loan_rate"), tenor_years=num("bank_loan_tenor_years"),
                seniority=1, source=sources.get("bank_loan_rate", "assumption")))
    for kind, value in sorted(records.in_kind.items()):
        if value > 0:
            layers.append(Layer(f"US {kind} (in kind)", LayerKind.IN_KIND, Holder.US, value,
                                source="recorded"))
    co = round_cents(capex * num("co_investor_share"))
    if co > 0:
        layers.append(Layer("co-investors", LayerKind.EQUITY, Holder.CO_INVESTOR, co,
                            source=sources.get("co_investor_share", "assumption")))
    cash = sum((x.amount for x in layers if x.is_cash), NIL)
    if capex - cash > 0:
        layers.append(Layer("partner equity (not yet recorded)", LayerKind.EQUITY,
                            Holder.PARTNER, round_cents(capex - cash),
                            source="assumption: the rest of the cost is the partner's equity"))
    return CapitalStructure(tuple(layers), FundingRule(str(settings["overrun_rule"])),
                            FundingRule(str(settings["shortfall_rule"])),
                            bool(settings["debt_before_split"]))
