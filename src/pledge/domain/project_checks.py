"""The rules a project's descriptive fields follow, as a user, a list's row or an edit
gives them: a name, lengths, no control or invisible characters, a known sector and
framework, an amount that parses (converted to US dollars at its date), and an entry
stage (a later one only as a sourced, dated stage report). Every problem is reported
together, each naming its field (and its row, for a list).

Also the public project list's CSV form (``read_projects_csv``). Pure: no database.
"""

from __future__ import annotations

import contextlib
import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from pledge.domain.bounds import parse_date
from pledge.domain.errors import InvalidInput, PledgeError, Problem
from pledge.domain.fx import RateTable
from pledge.domain.lifecycle import ENTRY_STAGE, ENTRY_STAGES, check_entry_stage
from pledge.domain.money import parse_amount
from pledge.domain.project import (
    SponsorRole,
    canonical_sector,
    sponsors_from_lists,
    stage_from_report,
    states_in,
)
from pledge.domain.sources import check_source
from pledge.domain.text import NAME_MAX, clean_name, fold_name


@dataclass(frozen=True, slots=True)
class NewProject:
    """A project to add, as a user or a CSV row gives it (text fields, validated on add)."""

    name: str
    sector: str
    framework: str = "japan"
    location: str = ""
    lead: str = ""
    partners: str = ""
    amount_text: str = ""
    amount_low_usd: str = ""
    amount_high_usd: str = ""
    currency: str = ""
    status: str = ENTRY_STAGE.value  # an entry stage; a list's row may report a later one
    reported_on: str = ""
    source: str = ""


# The longest text each descriptive column holds (the table's column sizes).
TEXT_LIMITS = {"name": 300, "sector_detail": 200, "location": 300}
SPONSOR_NAME_LIMIT, SPONSOR_NOTE_LIMIT = 200, 300


def text_problems(values: dict[str, str], where: str = "") -> list[Problem]:
    """Problems with a project's descriptive fields: a name is required; none is too long;
    each is a name as ``domain.text.clean_name`` keeps one (no control or invisible
    characters)."""
    problems: list[Problem] = []
    for name, text in values.items():
        limit = TEXT_LIMITS.get(name, NAME_MAX)
        if name == "name" and not text.strip():
            problems.append(Problem(f"{where}name", text, "project.no_name",
                                    "a project needs a name"))
        elif len(text.strip()) > limit:
            problems.append(Problem(f"{where}{name}", text, "project.too_long",
                                    f"at most {limit} characters"))
        else:
            try:
                clean_name(f"{where}{name}", text, limit, required=False)
            except InvalidInput as exc:
                problems.extend(exc.problems)
    return problems


_ANY_LENGTH = 10**9


def sponsor_problems(lead: str, partners: str, where: str = "") -> list[Problem]:
    """Sponsor names and remarks that do not fit (``;``-separated lists, as on add)."""
    problems: list[Problem] = []
    for fieldname, cell in (("lead", lead), ("partners", partners)):
        try:  # the whole cell: no control or invisible characters (lengths: per sponsor)
            clean_name(f"{where}{fieldname}", cell, _ANY_LENGTH, required=False)
        except InvalidInput as exc:
            problems.extend(exc.problems)
            continue
        sponsors = sponsors_from_lists(cell, "") if fieldname == "lead" else \
            sponsors_from_lists("", cell)
        problems.extend(Problem(f"{where}{fieldname}", sp.name, "project.too_long",
                                f"a sponsor's name is at most {SPONSOR_NAME_LIMIT} characters "
                                f"and its remark at most {SPONSOR_NOTE_LIMIT}")
                        for sp in sponsors
                        if len(sp.name) > SPONSOR_NAME_LIMIT or len(sp.note) > SPONSOR_NOTE_LIMIT)
    return problems


def validated(new: NewProject, where: str, *, rates: RateTable, frameworks: set[str],
              strict_amount: bool, report_stage: bool) -> tuple[dict[str, Any], list[Problem]]:
    """The project's columns and estimate from ``new``, and every problem with it.

    ``strict_amount``: the amount text must parse (``projects add --amount``); otherwise
    (an imported list's descriptive column) text that is not an amount is kept as text.
    An amount in another currency is converted to US dollars at the reported date.

    The project always starts at the lifecycle's entry stage (``stage``). A later stage
    in ``new.status`` is refused (``lifecycle.not_entry_stage``) unless ``report_stage``:
    then it is the stage a source reports (``reported``), which needs that source and the
    date it was reported, and is recorded as a stage report beside the lifecycle.
    """
    problems: list[Problem] = []

    def attempt(fieldname: str, fn: Any) -> Any:
        try:
            return fn()
        except PledgeError as exc:
            problems.extend(Problem(f"{where}{fieldname}", p.value, p.rule, p.message)
                            for p in exc.problems)
            return None

    problems.extend(text_problems({"name": new.name, "location": new.location,
                                    "sector": new.sector, "amount": new.amount_text}, where))
    if new.source.strip():
        attempt("source", lambda: check_source(new.source))
    problems.extend(sponsor_problems(new.lead, new.partners, where))
    sector = attempt("sector", lambda: canonical_sector(new.sector)) or ("other", "")
    if new.framework.strip().lower() not in frameworks:
        problems.append(Problem(f"{where}framework", new.framework, "framework.unknown",
                                f"no such framework (known: {', '.join(sorted(frameworks))})"))
    reported = attempt("status", lambda: stage_from_report(new.status or ENTRY_STAGE.value))
    if reported is not None and not report_stage:
        attempt("status", lambda: check_entry_stage(reported, "status", new.status))
    beyond_entry = reported is not None and reported not in ENTRY_STAGES
    if beyond_entry and report_stage and not new.source.strip():
        problems.append(Problem(f"{where}source", "", "project.unsourced_stage",
                                f"a stage past '{ENTRY_STAGE.value}' is kept as a stage report, "
                                f"which needs the source reporting it"))
    if beyond_entry and report_stage and not new.reported_on.strip():
        problems.append(Problem(f"{where}date_reported", "", "project.undated_stage",
                                f"a stage past '{ENTRY_STAGE.value}' is kept as a stage report, "
                                f"which needs the date it was reported"))
    as_of = attempt("date_reported", lambda: parse_date(new.reported_on, "date_reported")
                    ) if new.reported_on else None
    usd: dict[str, Decimal | None] = {}
    for name, text in (("amount_low_usd", new.amount_low_usd),
                       ("amount_high_usd", new.amount_high_usd)):
        usd[name] = None
        if text.strip():
            rng = attempt(name, lambda text=text: parse_amount(
                text if any(c.isalpha() or c in "$" for c in text) else f"US${text}"))
            if rng is not None:
                if rng.currency != "USD":
                    problems.append(Problem(f"{where}{name}", text, "project.not_usd",
                                            "this column is in US dollars"))
                usd[name] = rng.low if rng.low is not None else rng.high
    low, high = usd["amount_low_usd"], usd["amount_high_usd"]
    if low is not None and high is not None and low > high:
        problems.append(Problem(f"{where}amount_low_usd", str(low), "money.reversed_range",
                                "the low amount is above the high amount"))
    estimate = {"low": low, "high": high, "currency": "USD", "usd_low": low, "usd_high": high}
    text = new.amount_text.strip()
    if text and low is None and high is None:
        rng = None
        if strict_amount:
            rng = attempt("amount", lambda: parse_amount(text))
        else:
            with contextlib.suppress(PledgeError):
                rng = parse_amount(text)
        if rng is not None:
            estimate = {"low": rng.low, "high": rng.high, "currency": rng.currency,
                        "usd_low": rng.low, "usd_high": rng.high}
            if rng.currency != "USD":
                conv = attempt("amount", lambda: rates.convert(rng, "USD",
                                                               as_of or date.today()))
                if conv is not None:
                    estimate["usd_low"], estimate["usd_high"] = (conv.result.low,
                                                                 conv.result.high)
    return ({"stage": ENTRY_STAGE, "reported": reported if beyond_entry else None,
             "as_of": as_of, "sector": sector, **estimate}, problems)


# What ``update_project`` may change, and the sponsor roles each sponsor list replaces.
EDITABLE_FIELDS = ("name", "sector", "sector_detail", "location", "lead", "partners")
SPONSOR_GROUPS = {"lead": frozenset({SponsorRole.LEAD}),
                   "partners": frozenset({SponsorRole.PARTNER, SponsorRole.OFFTAKER,
                                          SponsorRole.SUPPLIER})}


def checked_changes(changes: dict[str, str]) -> dict[str, Any]:
    """The new column values ``changes`` ask for; InvalidInput listing every problem.

    Fields are checked with the rules ``add_project`` applies; an unknown field is
    named. ``sector`` is written as on add ("energy (nuclear)": the sector and its
    detail, an empty detail when none is given); ``sector_detail`` sets the detail
    alone and wins over the one inside ``sector``. ``lead`` and ``partners`` are
    ``;``-separated lists that replace the sponsors in those roles.
    """
    if not changes:
        raise InvalidInput.single("changes", "", "project.no_changes",
                                  f"give at least one field to change "
                                  f"({', '.join(EDITABLE_FIELDS)})")
    problems: list[Problem] = []
    for name, value in changes.items():
        if name not in EDITABLE_FIELDS:
            problems.append(Problem(name, value, "project.not_editable",
                                    f"not a field that can be changed here (editable: "
                                    f"{', '.join(EDITABLE_FIELDS)})"))
        elif not isinstance(value, str):
            problems.append(Problem(name, value, "input.not_text", "expected text"))
    if problems:
        raise InvalidInput(problems)
    out: dict[str, Any] = {}
    problems.extend(text_problems({k: v for k, v in changes.items()
                                    if k in ("name", "sector", "sector_detail", "location")}))
    problems.extend(sponsor_problems(changes.get("lead", ""), changes.get("partners", "")))
    if "name" in changes:
        out["name"] = fold_name(changes["name"])
    if "sector" in changes:
        try:
            out["sector"], out["sector_detail"] = canonical_sector(changes["sector"])
        except PledgeError as exc:
            problems.extend(exc.problems)
    if "sector_detail" in changes:
        out["sector_detail"] = fold_name(changes["sector_detail"])
    if "location" in changes:
        out["location"] = fold_name(changes["location"])
        out["states"] = list(states_in(changes["location"]))
    for group in SPONSOR_GROUPS:
        if group in changes:
            lead, partners = (changes[group], "") if group == "lead" else ("", changes[group])
            out[group] = list(sponsors_from_lists(lead, partners))
    if problems:
        raise InvalidInput(problems)
    return out


CSV_COLUMNS = ("name", "sector", "lead_companies", "partner_companies", "location",
               "amount_low_usd", "amount_high_usd", "amount_original_text", "currency_original",
               "status", "date_reported", "source_url")
REQUIRED_COLUMNS = ("name", "sector")


def read_projects_csv(text: str, framework: str) -> list[NewProject]:
    """Rows of a project CSV (the public list's columns); raises InvalidInput with every bad row."""
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InvalidInput([Problem("header", ",".join(header), "csv.missing_column",
                                    f"missing column '{c}'") for c in missing])
    rows = []
    for row in reader:
        def g(name: str, row: dict[str, str | None] = row) -> str:
            return (row.get(name) or "").strip()
        rows.append(NewProject(
            name=g("name"), sector=g("sector"), framework=g("framework") or framework,
            location=g("location"), lead=g("lead_companies"), partners=g("partner_companies"),
            amount_text=g("amount_original_text"), amount_low_usd=g("amount_low_usd"),
            amount_high_usd=g("amount_high_usd"), currency=g("currency_original"),
            status=g("status") or "proposed", reported_on=g("date_reported"),
            source=g("source_url")))
    return rows
