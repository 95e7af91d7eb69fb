"""What sources say beyond costs and stages, kept as sourced records: a project's tranches
(phases, each with its amount), a sponsor named with its role, and claims about a
framework's terms.

A *term claim* is what a source says a term of a framework is ("45 business days", "a
15% tariff", "50/50, then 90/10"). It is kept beside the terms, with its source and
date, and never amends them: only an amendment (``Framework.amend``, an administrator's
act) changes the terms. :func:`compare` says whether a claim agrees with the terms in
force, so a reader sees at once where the news and the terms differ.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Final

from pledge.domain.bounds import MAX_WINDOW_DAYS
from pledge.domain.calendars import DayUnit
from pledge.domain.errors import InvalidInput, Problem
from pledge.domain.framework import WindowMeaning
from pledge.domain.money import MoneyRange
from pledge.domain.project import SponsorRole
from pledge.domain.text import NAME_MAX, clean_name

__all__ = ["CLAIMABLE", "MAX_ORDINAL", "Tranche", "check_claim", "check_role", "check_tranche",
           "compare"]

#: The settings a source may be read as stating, each with what it holds.
CLAIMABLE: Final[Mapping[str, str]] = {
    "funding_window.length": "days in the funding window (a whole number)",
    "funding_window.unit": "business | calendar",
    "funding_window.meaning": "deadline (within the window) | earliest (not before its end)",
    "tariff.agreed": "agreed all-in tariff rate (fraction)",
    "tariff.previous": "tariff rate before the deal (fraction)",
    "split.pre_partner_share": "partner's share until it recovers its DAA (fraction)",
    "split.post_partner_share": "partner's share afterwards (fraction)",
}

#: A tranche is at most the fiftieth of its project or programme.
MAX_ORDINAL: Final = 50


def _fraction(name: str, value: object, problems: list[Problem]) -> str | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        problems.append(Problem(name, value, "claim.not_a_fraction",
                                "a rate or share is a decimal fraction from 0 to 1"))
        return None
    if not number.is_finite() or not 0 <= number <= 1:
        problems.append(Problem(name, value, "claim.not_a_fraction",
                                "a rate or share is a decimal fraction from 0 to 1"))
        return None
    return format(number.normalize(), "f")


def check_claim(settings: Mapping[str, object]) -> dict[str, object]:
    """The settings a claim states, checked and in their stored form (a length as a whole
    number, a unit by its name, a rate or share as decimal text). Raises InvalidInput
    naming every setting that is unknown or out of range, or an empty claim."""
    if not settings:
        raise InvalidInput.single("settings", {}, "claim.empty",
                                  "a claim states at least one term")
    problems: list[Problem] = []
    out: dict[str, object] = {}
    for name, value in settings.items():
        if name not in CLAIMABLE:
            problems.append(Problem(name, value, "claim.unknown_setting",
                                    f"not a term a claim may state "
                                    f"(known: {', '.join(CLAIMABLE)})"))
        elif name == "funding_window.length":
            if isinstance(value, bool) or not isinstance(value, int | str) \
                    or not str(value).strip().isdigit() \
                    or not 1 <= int(str(value)) <= MAX_WINDOW_DAYS:
                problems.append(Problem(name, value, "claim.bad_length",
                                        f"a whole number of days from 1 to {MAX_WINDOW_DAYS}"))
            else:
                out[name] = int(str(value))
        elif name in ("funding_window.unit", "funding_window.meaning"):
            choices = [c.value for c in (DayUnit if name.endswith("unit") else WindowMeaning)]
            if str(value) not in choices:
                problems.append(Problem(name, value, "claim.bad_choice",
                                        f"one of {', '.join(choices)}"))
            else:
                out[name] = str(value)
        else:
            fraction = _fraction(name, value, problems)
            if fraction is not None:
                out[name] = fraction
    if problems:
        raise InvalidInput(problems)
    return out


def _same(name: str, claimed: object, current: object) -> bool:
    if name.startswith(("tariff.", "split.")):
        return Decimal(str(claimed)) == Decimal(str(current))
    return str(claimed) == str(current)


def compare(claim: Mapping[str, object], terms: Mapping[str, object]
            ) -> dict[str, bool | None]:
    """Per setting of ``claim``: whether it agrees with the terms in force (``terms``, the
    flat settings), or None when the terms do not give that setting."""
    return {name: (None if terms.get(name) is None else _same(name, value, terms[name]))
            for name, value in claim.items()}


@dataclass(frozen=True, slots=True)
class Tranche:
    """A tranche (phase) of a project or of a framework's programme, as a source gives it.

    label:   as the source names it ("first phase", "第1弾")
    ordinal: its place in the sequence (1 for the first), None when the source gives none
    amount:  what the source says it amounts to, None when it gives no amount
    """

    label: str
    ordinal: int | None
    amount: MoneyRange | None


def check_tranche(label: str, ordinal: object, amount: MoneyRange | None) -> Tranche:
    """A tranche as given; raises InvalidInput naming the label (a clean name) or an
    ordinal that is not a whole number from 1 to :data:`MAX_ORDINAL`."""
    problems: list[Problem] = []
    try:
        label = clean_name("label", label, NAME_MAX)
    except InvalidInput as exc:
        problems.extend(exc.problems)
    number: int | None = None
    if ordinal is not None:
        if isinstance(ordinal, bool) or not str(ordinal).strip().isdigit() \
                or not 1 <= int(str(ordinal)) <= MAX_ORDINAL:
            problems.append(Problem("ordinal", ordinal, "tranche.bad_ordinal",
                                    f"a whole number from 1 to {MAX_ORDINAL}"))
        else:
            number = int(str(ordinal))
    if problems:
        raise InvalidInput(problems)
    return Tranche(label, number, amount)


def check_role(role: str, field: str = "role") -> SponsorRole:
    """A sponsor's role by its name; InvalidInput naming ``field`` for any other."""
    try:
        return SponsorRole(str(role).strip().lower())
    except ValueError:
        raise InvalidInput.single(field, role, "sponsor.unknown_role",
                                  f"one of {', '.join(r.value for r in SponsorRole)}") from None
