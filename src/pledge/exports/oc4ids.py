"""Projects as OC4IDS project documents (Open Contracting for Infrastructure Data
Standards): the mapping from what pledge records to the standard's fields and codelists.

Pure: ``project_document`` maps a ``ProjectRecord`` (the rows the services read for one
project) to the document; nothing here reads the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pledge.domain.ledger import (
    ALLOCATED,
    CALLED_GUARANTEE,
    GUARANTEED,
    INVESTED,
    RECEIVED,
    SPV_IN_KIND,
    US_PARTY,
    EntryKind,
)
from pledge.domain.lifecycle import Stage
from pledge.domain.sources import web_address
from pledge.exports.oc4ids_codes import (
    ENERGY_SOURCES,
    INSTRUMENT_FINANCE,
    OC4IDS_RELATIONSHIPS,
    OC4IDS_SECTORS,
    OC4IDS_STATUS,
    SPONSOR_ROLES,
    STATE_LENDERS,
)
from pledge.exports.table import iso, money_text, utc_text

__all__ = ["OC4IDS_PREFIX", "OC4IDS_RELATIONSHIPS", "OC4IDS_SECTORS", "OC4IDS_STATUS",
           "SPONSOR_ROLES", "STATE_LENDERS", "ProjectRecord", "account_suffix", "json_amount",
           "json_when", "oc4ids_id", "project_document"]


@dataclass(frozen=True, slots=True)
class ProjectRecord:
    """Everything on record for one project that its OC4IDS document shows.

    project, framework: the project's row and its framework's row
    sponsors ... reports: the project's rows of each table, in the order recorded
    postings: its ledger postings with their entry's ``on``, ``kind`` and ``memo``
    updated: its last audited change
    related: its active links (``services.relations.related_of``: ``link_id``,
        ``other_id``, ``other_name``, ``relation``)
    duplicate_of: the project whose row stands for this one, when this row reports it again
    """

    project: Any
    framework: Any
    sponsors: Sequence[Any]
    estimates: Sequence[Any]
    transitions: Sequence[Any]
    consultations: Sequence[Any]
    extensions: Sequence[Any]
    sites: Sequence[Any]
    reports: Sequence[Any]
    postings: Sequence[Any]
    updated: datetime | None
    related: Sequence[Any]
    duplicate_of: int | None


def account_suffix(account: str) -> str:
    """``strategic:capacity:used`` -> ``capacity:used`` (the account without its component)."""
    return account.split(":", 1)[1] if ":" in account else account


OC4IDS_PREFIX = "oc4ids-pledge"


def oc4ids_id(project_id: int) -> str:
    """The project's OC4IDS identifier: the publisher prefix and the project id."""
    return f"{OC4IDS_PREFIX}-{project_id}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "party"


def json_when(value: date | datetime | None) -> str | None:
    """An OC4IDS date-time: a date is midnight UTC; a naive datetime is taken as UTC."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return utc_text(value)
    return f"{value.isoformat()}T00:00:00Z"


def json_amount(amount: Decimal) -> int | float:
    """Money as the JSON number OC4IDS asks for, carrying the exact decimal.

    A whole amount is an integer (exact at any size). An amount with cents is a float
    whose shortest form (what ``json`` writes) is the decimal itself: every amount
    pledge accepts (below US$10 trillion, ``domain.money.MAX_AMOUNT``) has at most 15
    significant digits with its cents, which a float carries exactly in text. An amount
    that would not come back the same is refused rather than written rounded.
    """
    if amount == amount.to_integral_value():
        return int(amount)
    number = float(amount)
    if Decimal(repr(number)) != amount:
        raise ValueError(f"amount {amount} has more digits than a JSON number keeps exactly")
    return number


def _value(amount: Decimal, currency: str = "USD") -> dict[str, Any]:
    return {"amount": json_amount(amount), "currency": currency}


def _is_url(text: str) -> bool:
    """Whether a source is a web address (the rule pages link by, ``web_address``)."""
    return web_address(text) is not None


class _Parties:
    """The parties list, one entry per organisation name, roles merged in order."""

    def __init__(self) -> None:
        self.by_id: dict[str, dict[str, Any]] = {}

    def add(self, name: str, roles: Iterable[str], *, party_id: str | None = None,
            **details: Any) -> dict[str, str]:
        pid = party_id or _slug(name)
        party = self.by_id.setdefault(pid, {"id": pid, "name": name, "roles": []})
        for role in roles:
            if role not in party["roles"]:
                party["roles"].append(role)
        for key, value in details.items():
            if value:
                bucket = party.setdefault("details", {}).setdefault(key, [])
                if value not in bucket:
                    bucket.append(value)
        return {"id": pid, "name": name}

    def as_list(self) -> list[dict[str, Any]]:
        return list(self.by_id.values())


def project_document(rec: ProjectRecord, base_url: str | None = None) -> dict[str, Any]:
    """The project as an OC4IDS project document (Open Contracting for Infrastructure).

    Money is a JSON number as the standard requires (``{"amount": 1000000000,
    "currency": "USD"}``; see :func:`json_amount`); dates are OC4IDS date-times (a date is
    midnight UTC).

    * ``id``: ``oc4ids-pledge-<project id>`` (publisher prefix, then our id).
    * ``status``: proposed and under review are *identification*; finalist to
      notified (committee review, selection, the funding notice) *preparation*;
      funded *implementation*; operating and recouped (the asset is handed over,
      the split runs) *completion*; closed *completed*; declined and withdrawn
      *cancelled*. The stage itself is under ``pledge.stage``.
    * ``sector``: our sector on the projectSector codelist (energy -> energy,
      AI infrastructure -> communications, shipbuilding -> transport.water, the
      industrial sectors -> economy, pharmaceuticals -> health); our key and its
      detail are an ``additionalClassifications`` entry (scheme ``pledge-sector``).
    * ``locations``: one per US state named in the location (``address.region``),
      else one for the location text; the country is always the United States.
    * ``parties`` and their ``roles`` (partyRole codelist). For a framework with
      the funding machinery: the United States government is the
      *publicAuthority* (its investment committee recommends and its President
      selects), and a *funder* once it contributes in kind; the partner
      government is a *funder* (its commitment pays for the project); each
      provider in the ledger (JBIC, NEXI, a bank) is a *funder*; the project's
      SPV appears once money moves. Every party named in a transaction is also
      its *payer* or *payee* (a provider pays a funding to the SPV, the SPV pays
      distributions to each side). Sponsors: lead and partner companies develop and build
      the project for the programme, so *supplier* (as the private party is in
      OCDS for PPPs); suppliers *supplier*; lenders *funder*; offtakers, who buy
      the output rather than take part in the financing, *interestedParty*. The
      sponsor role as recorded is kept in ``details.sponsorRoles``. A pledge
      framework (no committees, no SPV) lists its sponsors only.
    * ``budget.amount``: the primary estimate in US dollars (a range's midpoint,
      else its one bound), with both bounds in ``budget.amountRange`` and the
      wording and source in ``budget.description``; ``approvalDate`` is the
      President's selection. ``budget.finance``: one entry per instrument and
      provider of the money in the SPV (equity: asset class equity; loan: debt,
      type loan), the provider as ``financingParty``; a guarantee is financing
      (type guarantee, its face value, what is outstanding and called in its
      ``description``), never a transaction: no cash moves unless it is called.
    * ``transactions``: every ledger movement for the project: cash fundings (provider
      to SPV; a called guarantee's cash among them), allocations and releases of
      capacity under the cap (partner to SPV and back; no cash moves, as
      ``description`` says), in-kind contributions
      (United States to SPV), distributions (SPV to each side).
    * ``documents``: every source on record; documentType ``costEstimate`` for an
      estimate's source, ``stageDecision`` for a stage's, ``minutes`` for a
      consultation's, ``deadlineExtension`` for an extension's, ``siteReport`` and
      ``statusReport`` for a reported site's or stage's (the documentType codelist
      is open; only ``minutes`` is in it, the others are our codes).
    * ``period``: from the first recorded stage to a closing, decline or
      withdrawal; ``completion``: its date, reason and (when money was put in)
      the final value.
    * ``relatedProjects``: one per active link (``services.relations``): the link's
      id, scheme ``oc4ids`` with the other project's OC4IDS id, its title, what it is
      to this project (``OC4IDS_RELATIONSHIPS``) and, given the server's ``base_url``,
      the address of its OC4IDS document. ``pledge.duplicateOf``: the project whose
      row stands for this one when this row reports it again.
    """
    row, fw = rec.project, rec.framework
    pid = row.id
    machinery = bool(row.component)
    sponsors, estimates, transitions = rec.sponsors, rec.estimates, rec.transitions
    postings, updated = rec.postings, rec.updated

    parties = _Parties()
    us = partner = None
    if machinery:
        us = parties.add(US_PARTY, ["publicAuthority"], party_id="government-united-states")
        partner = parties.add(fw.partner, ["funder"],
                              party_id=f"government-{_slug(fw.partner)}")
    for sp in sponsors:
        parties.add(sp.name, SPONSOR_ROLES.get(sp.role, ("supplier",)),
                    sponsorRoles=sp.role, notes=sp.note)
    spv = {"id": "spv", "name": f"Special purpose vehicle of project {pid}"}

    def party_ref(name: str) -> dict[str, str]:
        if us is not None and name == US_PARTY:
            return us
        if partner is not None and name == fw.partner:
            return partner
        return {"id": _slug(name), "name": name}

    transactions: list[dict[str, Any]] = []
    finance: dict[tuple[str, str], dict[str, Any]] = {}
    totals: dict[tuple[str, str], list[Any]] = {}  # total, currency, first date, last date
    invested = Decimal(0)

    def move(posting: Any, payer: dict[str, str], payee: dict[str, str], description: str,
             amount: Decimal) -> None:
        parties.add(payer["name"], ["payer"], party_id=payer["id"])
        parties.add(payee["name"], ["payee"], party_id=payee["id"])
        transactions.append({
            "id": f"{posting.entry_id}-{posting.id}", "date": json_when(posting.on),
            "value": _value(amount, posting.currency), "payer": payer, "payee": payee,
            "description": description, "kind": posting.kind})

    def finance_entry(po: Any, instrument: str, provider: str) -> tuple[str, str]:
        ref = parties.add(provider, ["funder"])
        key = (instrument, provider)
        if key not in finance:
            finance[key] = {
                "id": f"{instrument}-{_slug(provider)}",
                "title": f"{instrument.capitalize()} from {provider}",
                "financingParty": ref,
                **({"financingPartyType": "bilateral"}
                   if _slug(provider) in STATE_LENDERS else {}),
                **INSTRUMENT_FINANCE.get(instrument, {})}
            totals[key] = [Decimal(0), po.currency, po.on, po.on]
        return key

    guarantees: dict[tuple[str, str], list[Decimal]] = {}  # outstanding, called
    for po in postings:
        account = account_suffix(po.account)
        if account == GUARANTEED:
            # A guarantee is financing, never a transaction: no cash moves unless it is
            # called, and then the cash paid is the transaction.
            provider = po.provider or "unnamed provider"
            key = finance_entry(po, "guarantee", provider)
            state = guarantees.setdefault(key, [Decimal(0), Decimal(0)])
            state[0] += po.amount
            if po.amount > 0:
                totals[key][0] += po.amount
                totals[key][3] = po.on
            else:
                state[1] -= po.amount
        elif account == INVESTED and po.instrument == CALLED_GUARANTEE:
            provider = po.provider or "unnamed provider"
            ref = parties.add(provider, ["funder"])
            move(po, ref, spv, f"guarantee from {provider} called: cash paid in", po.amount)
            invested += po.amount
        elif account == INVESTED:
            provider = po.provider or "unnamed provider"
            instrument = po.instrument or "funding"
            ref = parties.add(provider, ["funder"])
            move(po, ref, spv, f"{instrument} from {provider}", po.amount)
            invested += po.amount
            key = finance_entry(po, instrument, provider)
            totals[key][0] += po.amount
            totals[key][3] = po.on
        elif account == ALLOCATED and po.kind in (EntryKind.ALLOCATION.value,
                                                 EntryKind.RELEASE.value):
            gov = party_ref(fw.partner)
            if po.amount >= 0:
                move(po, gov, spv, "capacity allocated under the cap (no cash moves)",
                     po.amount)
            else:
                move(po, spv, gov, "allocation released to the cap (no cash moves)",
                     -po.amount)
        elif account == SPV_IN_KIND:
            giver = party_ref(po.party or US_PARTY)
            parties.add(giver["name"], ["funder"], party_id=giver["id"])
            move(po, giver, spv, f"in kind: {po.instrument}", po.amount)
        elif account == RECEIVED:
            move(po, spv, party_ref(po.party or "unnamed party"),
                 f"distribution to {po.party or 'an unnamed party'}", po.amount)
    for key, (total, currency, first, last) in totals.items():
        finance[key]["value"] = _value(total, currency)
        finance[key]["period"] = {"startDate": json_when(first), "endDate": json_when(last)}
    for key, (outstanding, called) in guarantees.items():
        finance[key]["description"] = (
            f"a guarantee: contingent exposure, no cash in the SPV unless called; "
            f"outstanding {money_text(outstanding)}, called {money_text(called)} "
            f"(the called cash is among the transactions)")

    documents = _documents(estimates, transitions, rec.consultations, rec.extensions,
                           rec.sites, rec.reports)

    budget = _budget(estimates, transitions, list(finance.values()))

    doc: dict[str, Any] = {
        "id": oc4ids_id(pid),
        "updated": json_when(updated if isinstance(updated, datetime) else row.created_at),
        "title": row.name,
        "description": (f"A project under the {fw.name} framework, at the "
                        f"'{row.status.replace('_', ' ')}' stage."),
        "status": OC4IDS_STATUS.get(row.status, "identification"),
        "sector": _sectors(row.sector, row.sector_detail),
        "additionalClassifications": [{
            "scheme": "pledge-sector", "id": row.sector,
            "description": row.sector_detail or row.sector.replace("_", " ")}],
    }
    locations = [{"id": str(i), "description": row.location or state,
                  "address": {"region": state, "countryName": "United States",
                              "country": "US"}}
                 for i, state in enumerate(row.states or [], start=1)]
    if not locations and row.location:
        locations = [{"id": "1", "description": row.location,
                      "address": {"countryName": "United States", "country": "US"}}]
    if locations:
        doc["locations"] = locations
    if budget:
        doc["budget"] = budget
    doc["parties"] = parties.as_list()
    if us is not None:
        doc["publicAuthority"] = us
    if transactions:
        doc["transactions"] = transactions
    if documents:
        doc["documents"] = documents
    related = _related_projects(rec.related, base_url)
    if related:
        doc["relatedProjects"] = related
    end = next((tr for tr in reversed(transitions) if tr.to_stage in (
        Stage.CLOSED.value, Stage.DECLINED.value, Stage.WITHDRAWN.value)), None)
    if transitions:
        doc["period"] = {"startDate": json_when(transitions[0].on)}
        if end is not None and row.status == end.to_stage:
            doc["period"]["endDate"] = json_when(end.on)
    if end is not None and row.status == end.to_stage:
        completion: dict[str, Any] = {
            "endDate": json_when(end.on),
            "endDateDetails": f"{end.to_stage}" + (f": {end.reason}" if end.reason else "")}
        if invested:
            completion["finalValue"] = _value(invested)
            completion["finalValueDetails"] = "money put into the project's SPV"
        doc["completion"] = completion
    doc["pledge"] = {
        "projectId": pid, "framework": fw.key, "stage": row.status,
        "reportedStatus": row.reported_status, "component": row.component,
        "fundingDate": iso(row.funding_date) or None, "windowMeaning": row.window_meaning,
        "extensionUntil": iso(row.extension_until) or None,
        "disbursed": money_text(invested) if machinery else None,
        "guaranteed": money_text(sum((g[0] for g in guarantees.values()), Decimal(0)))
        if machinery else None,
        "duplicateOf": rec.duplicate_of}
    return doc


def _related_projects(related: Sequence[Any], base_url: str | None) -> list[dict[str, Any]]:
    out = []
    for r in related:
        item = {"id": str(r.link_id), "scheme": "oc4ids", "identifier": oc4ids_id(r.other_id),
                "relationship": OC4IDS_RELATIONSHIPS[r.relation], "title": r.other_name}
        if base_url:
            item["uri"] = f"{base_url.rstrip('/')}/api/v1/projects/{r.other_id}/oc4ids"
        out.append(item)
    return out


def _documents(estimates: Sequence[Any], transitions: Sequence[Any],
               consultations: Sequence[Any], extensions: Sequence[Any],
               sites: Sequence[Any] = (), reports: Sequence[Any] = ()
               ) -> list[dict[str, Any]]:
    """Every source on record as an OC4IDS document (a source that is no URL is described)."""
    documents: list[dict[str, Any]] = []

    def document(doc_id: str, doc_type: str, title: str, source: str, on: date | None,
                 description: str = "") -> None:
        source = source.strip()
        if not source:
            return
        doc: dict[str, Any] = {"id": doc_id, "documentType": doc_type, "title": title}
        if _is_url(source):
            doc["url"] = source
            if description:
                doc["description"] = description
        else:
            doc["description"] = f"{description} Source: {source}".strip()
        if on is not None:
            doc["datePublished"] = json_when(on)
        documents.append(doc)

    for est in estimates:
        known = [v for v in (est.low, est.high) if v is not None]
        bounds = " to ".join(money_text(v) for v in dict.fromkeys(known))
        document(f"estimate-{est.id}", "costEstimate",
                 f"Cost estimate: {est.text or bounds or 'unspecified'}", est.source,
                 est.as_of, f"{est.currency} {bounds}" if bounds else "")
    for tr in transitions:
        for n, src in enumerate(tr.sources or [], start=1):
            document(f"stage-{tr.id}-{n}", "stageDecision",
                     f"{tr.to_stage.replace('_', ' ').capitalize()} on {tr.on.isoformat()}",
                     str(src), tr.on, tr.reason or "")
    for co in consultations:
        for n, src in enumerate(co.sources or [], start=1):
            document(f"consultation-{co.id}-{n}", "minutes",
                     f"{co.kind.capitalize()} consultation on {co.on.isoformat()}",
                     str(src), co.on, co.note or "")
    for ex in extensions:
        for n, src in enumerate(ex.sources or [], start=1):
            document(f"extension-{ex.id}-{n}", "deadlineExtension",
                     f"Funding deadline extended until {ex.until.isoformat()}", str(src),
                     ex.on, ex.reason or "")
    for si in sites:
        document(f"site-{si.id}", "siteReport", f"Reported site: {si.location}", si.source,
                 si.as_of, ", ".join(si.states or []))
    for rp in reports:
        document(f"status-report-{rp.id}", "statusReport",
                 f"Reported as {rp.stage.replace('_', ' ')}", rp.source, rp.as_of,
                 f"As written: {rp.wording}" if rp.wording else "")
    return documents


def _budget(estimates: Sequence[Any], transitions: Sequence[Any],
            finance: list[dict[str, Any]]) -> dict[str, Any]:
    """The primary estimate in US dollars, the selection date and the finance entries."""
    budget: dict[str, Any] = {}
    primary = next((x for x in estimates if x.is_primary), None)
    if primary is not None and (primary.usd_low is not None or primary.usd_high is not None):
        low, high = primary.usd_low, primary.usd_high
        amount = (low + high) / 2 if (low is not None and high is not None) else (
            high if high is not None else low)
        budget["amount"] = _value(amount)
        budget["amountRange"] = {"low": None if low is None else json_amount(low),
                                 "high": None if high is None else json_amount(high),
                                 "currency": "USD"}
        wording = "; ".join(x for x in (primary.text, primary.source) if x)
        if wording:
            budget["description"] = f"As reported: {wording}"
    selected_on = next((tr.on for tr in reversed(transitions)
                        if tr.to_stage == Stage.SELECTED.value), None)
    if selected_on is not None:
        budget["approvalDate"] = json_when(selected_on)
    if finance:
        budget["finance"] = finance
    return budget


def _sectors(sector: str, detail: str) -> list[str]:
    codes = list(OC4IDS_SECTORS.get(sector, ()))
    if sector == "energy":
        codes += [f"energy.{src}" for src in ENERGY_SOURCES if src in detail.lower()]
    return codes
