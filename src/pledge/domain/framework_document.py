"""Frameworks as documents: the data files' form, with sources and assumptions.

A data file gives every setting of a version with the sources that state it. A
value no source states is an *assumption*: it says so (``assumption = true``), gives
its basis and the other readings with their sources, so whoever reads the terms sees
which figures rest on a source and which on a choice. A version may also record the
*earlier claims* it does not adopt (a figure announced before the signed text and
disputed since).

Storage keeps the same information in the version's sources mapping, under a
reserved key (:data:`PROVENANCE_KEY`), so a stored version reads back identical.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from pledge.domain.errors import InvalidInput, Problem
from pledge.domain.framework import (
    Assumption,
    EarlierClaim,
    Framework,
    FrameworkTerms,
    Reading,
)
from pledge.domain.framework_data import (
    RECORDED,
    SETTINGS,
    Settings,
    _date,
    settings_to_terms,
)
from pledge.domain.sources import check_sources

# A reserved key in the stored sources mapping (never a setting name) that keeps which
# settings are assumptions and the earlier claims, so storage needs no other column.
PROVENANCE_KEY = "_provenance"


def _source_list(raw: Any, where: str, problems: list[Problem]) -> tuple[str, ...]:
    """A list of sources as a data file writes it (a string or a list), each checked."""
    items = (raw,) if isinstance(raw, str) else tuple(raw or ())
    try:
        return tuple(check_sources([str(x) for x in items], where))
    except InvalidInput as exc:
        problems.extend(exc.problems)
        return ()


def _text(raw: Any) -> str:
    return " ".join(str(raw or "").split())


def _json_value(raw: Any) -> Any:
    """A data file's value in a form JSON keeps (dates as YYYY-MM-DD)."""
    if isinstance(raw, date):
        return raw.isoformat()
    if isinstance(raw, list):
        return [_json_value(x) for x in raw]
    if isinstance(raw, Mapping):
        return {str(k): _json_value(v) for k, v in raw.items()}
    return raw


def _assumption(entry: Mapping[str, Any], where: str, problems: list[Problem]
                ) -> Assumption | None:
    """The assumption mark of a setting entry, or None when it has none."""
    mark = entry.get("assumption", False)
    if mark is False:
        for key in ("basis", "alternatives"):
            if key in entry:
                problems.append(Problem(f"{where}.{key}", entry[key], "framework.bad_setting",
                                        f"'{key}' belongs to an assumption: add "
                                        f"assumption = true"))
        return None
    if mark is not True:
        problems.append(Problem(f"{where}.assumption", mark, "framework.bad_setting",
                                "must be true or false"))
        return None
    basis = _text(entry.get("basis"))
    if not basis:
        problems.append(Problem(f"{where}.basis", entry.get("basis"),
                                "framework.assumption_basis",
                                "an assumption needs its basis: why this value was chosen"))
    raw_alts = entry.get("alternatives", [])
    if not isinstance(raw_alts, list):
        problems.append(Problem(f"{where}.alternatives", raw_alts, "framework.bad_setting",
                                "must be a list of tables { value, reading, sources }"))
        raw_alts = []
    alts = []
    for i, alt in enumerate(raw_alts):
        awhere = f"{where}.alternatives[{i}]"
        if not isinstance(alt, Mapping):
            problems.append(Problem(awhere, alt, "framework.bad_setting", "must be a table"))
            continue
        reading = _text(alt.get("reading"))
        if not reading:
            problems.append(Problem(f"{awhere}.reading", alt.get("reading"),
                                    "framework.alternative_reading",
                                    "an alternative needs its reading in words"))
        extra = sorted(set(alt) - {"value", "reading", "sources"})
        if extra:
            problems.append(Problem(awhere, ", ".join(extra), "framework.bad_setting",
                                    "an alternative has only value, reading and sources"))
        alts.append(Reading(_json_value(alt.get("value")), reading,
                            _source_list(alt.get("sources"), f"{awhere}.sources", problems)))
    return Assumption(basis, tuple(alts))


def _earlier_claims(raw: Any, where: str, problems: list[Problem]) -> tuple[EarlierClaim, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append(Problem(f"{where}earlier_claims", raw, "framework.bad_setting",
                                "must be a list of tables"))
        return ()
    out = []
    for i, item in enumerate(raw):
        cwhere = f"{where}earlier_claims[{i}]"
        if not isinstance(item, Mapping):
            problems.append(Problem(cwhere, item, "framework.bad_setting", "must be a table"))
            continue
        for key in ("made", "by", "claim"):
            if not _text(item.get(key)):
                problems.append(Problem(f"{cwhere}.{key}", item.get(key), "framework.missing",
                                        f"an earlier claim needs '{key}'"))
        settings = item.get("settings", {})
        if not isinstance(settings, Mapping):
            problems.append(Problem(f"{cwhere}.settings", settings, "framework.bad_setting",
                                    "must be a table of setting names to values"))
            settings = {}
        for name in settings:
            if name not in SETTINGS:
                problems.append(Problem(f"{cwhere}.settings.{name}", settings[name],
                                        "framework.unknown_setting", "unknown setting"))
        sources = _source_list(item.get("sources"), f"{cwhere}.sources", problems)
        if not sources:
            problems.append(Problem(f"{cwhere}.sources", item.get("sources"),
                                    "framework.unsourced", "an earlier claim needs its source"))
        out.append(EarlierClaim(
            made=_text(item.get("made")), by=_text(item.get("by")),
            claim=_text(item.get("claim")), settings=_json_value(dict(settings)),
            sources=sources,
            disputed_by=_text(item.get("disputed_by")),
            dispute_sources=_source_list(item.get("dispute_sources"),
                                         f"{cwhere}.dispute_sources", problems)))
    return tuple(out)


def _check_alternatives(eff: date, settings: Settings,
                        assumptions: Mapping[str, Assumption], where: str) -> list[Problem]:
    """Each alternative's value must be a valid value of its setting (so it can be adopted)."""
    problems: list[Problem] = []
    for name, assumption in assumptions.items():
        for i, alt in enumerate(assumption.alternatives):
            if alt.value is None:
                continue
            try:
                settings_to_terms(eff, {**settings, name: alt.value})
            except InvalidInput as exc:
                problems.extend(Problem(f"{where}{name}.alternatives[{i}].value", alt.value,
                                        p.rule, p.message) for p in exc.problems
                                if p.field == name)
    return problems


def read_framework_document(doc: Mapping[str, Any], origin: str = "") -> Framework:
    """Build a framework from a data-file document (parsed TOML).

    The document has ``key``, ``name``, ``partner``, ``partner_currency`` and a list
    ``versions``; each version has ``effective_from``, ``note``, ``settings`` and,
    optionally, ``earlier_claims`` (claims made before it that it does not adopt).
    Every setting is a table ``{ value = ..., sources = [...] }`` citing sources that
    state it, or an assumption: ``{ value = ..., assumption = true, basis = "...",
    alternatives = [{ value = ..., reading = "...", sources = [...] }], sources = [...] }``
    (its own sources optional). A setting with no source and no assumption mark is
    refused (``framework.unsourced``), naming the setting.
    """
    problems: list[Problem] = []
    where = f"{origin}:" if origin else ""
    for name in ("key", "name", "partner", "partner_currency"):
        if not str(doc.get(name, "")).strip():
            problems.append(Problem(f"{where}{name}", doc.get(name), "framework.missing",
                                    f"the framework document needs '{name}'"))
    versions: list[FrameworkTerms] = []
    for i, ver in enumerate(doc.get("versions", [])):
        vwhere = f"{where}versions[{i}]."
        try:
            eff = _date(ver.get("effective_from"))
        except (ValueError, TypeError):
            problems.append(Problem(f"{vwhere}effective_from", ver.get("effective_from"),
                                    "framework.bad_setting", "must be a date YYYY-MM-DD"))
            continue
        settings: Settings = {}
        sources: dict[str, tuple[str, ...]] = {}
        assumptions: dict[str, Assumption] = {}
        for name, entry in dict(ver.get("settings", {})).items():
            if not isinstance(entry, Mapping) or "value" not in entry:
                problems.append(Problem(f"{vwhere}{name}", entry, "framework.bad_setting",
                                        "a setting is a table { value = ..., sources = [...] }"))
                continue
            extra = sorted(set(entry) - {"value", "sources", "source", "assumption", "basis",
                                         "alternatives"})
            if extra:
                problems.append(Problem(f"{vwhere}{name}", ", ".join(extra),
                                        "framework.bad_setting",
                                        "a setting has value, sources and, for an assumption, "
                                        "assumption, basis and alternatives"))
            srcs = _source_list(entry.get("sources", entry.get("source", [])),
                                f"{vwhere}{name}.sources", problems)
            assumption = _assumption(entry, f"{vwhere}{name}", problems)
            if not srcs and assumption is None:
                problems.append(Problem(
                    f"{vwhere}{name}", entry.get("value"), "framework.unsourced",
                    f"setting '{name}' cites no source and is not marked as an assumption "
                    f"(assumption = true, with its basis and alternative readings)"))
            settings[name] = entry["value"]
            sources[name] = srcs
            if assumption is not None:
                assumptions[name] = assumption
        claims = _earlier_claims(ver.get("earlier_claims"), vwhere, problems)
        for n, claim in enumerate(claims):
            try:  # a claim's settings are valid values of those settings
                settings_to_terms(eff, {**settings, **claim.settings})
            except InvalidInput as exc:
                problems.extend(Problem(f"{vwhere}earlier_claims[{n}].settings.{p.field}",
                                        p.value, p.rule, p.message)
                                for p in exc.problems if p.field in claim.settings)
        try:
            versions.append(settings_to_terms(eff, settings, sources, str(ver.get("note", "")),
                                              where=vwhere, assumptions=assumptions,
                                              earlier_claims=claims))
            problems.extend(_check_alternatives(eff, settings, assumptions, vwhere))
        except InvalidInput as exc:
            problems.extend(exc.problems)
    if not doc.get("versions"):
        problems.append(Problem(f"{where}versions", None, "framework.no_terms",
                                "the framework document needs at least one version"))
    if problems:
        raise InvalidInput(problems)
    return Framework(key=str(doc["key"]), name=str(doc["name"]), partner=str(doc["partner"]),
                     partner_currency=str(doc["partner_currency"]).upper(),
                     versions=tuple(sorted(versions, key=lambda v: v.effective_from)))


def provenance(terms: FrameworkTerms) -> dict[str, Any]:
    """Which settings are assumptions (with basis and alternative readings), the earlier
    claims, and the recorded terms, as JSON-ready data (also the stored form)."""
    return {
        "assumptions": {
            name: {"basis": a.basis,
                   "alternatives": [{"value": alt.value, "reading": alt.reading,
                                     "sources": list(alt.sources)} for alt in a.alternatives]}
            for name, a in terms.assumptions.items()},
        "earlier_claims": [
            {"made": c.made, "by": c.by, "claim": c.claim, "settings": dict(c.settings),
             "sources": list(c.sources), "disputed_by": c.disputed_by,
             "dispute_sources": list(c.dispute_sources)} for c in terms.earlier_claims],
        "recorded_terms": [name for name in RECORDED if name in terms.recorded],
    }


def stored_sources(terms: FrameworkTerms) -> dict[str, Any]:
    """The sources mapping as storage keeps it: setting name -> sources, and under
    :data:`PROVENANCE_KEY` the assumptions and earlier claims."""
    out: dict[str, Any] = {k: list(v) for k, v in terms.sources.items()}
    prov = provenance(terms)
    if prov["assumptions"] or prov["earlier_claims"]:
        out[PROVENANCE_KEY] = {"assumptions": prov["assumptions"],
                               "earlier_claims": prov["earlier_claims"]}
    return out


def terms_from_stored(effective_from: date, settings: Settings, stored: Mapping[str, Any],
                      note: str = "") -> FrameworkTerms:
    """A version of the terms as storage keeps it (see :func:`stored_sources`)."""
    stored = dict(stored)
    prov = stored.pop(PROVENANCE_KEY, None) or {}
    assumptions = {
        name: Assumption(str(a.get("basis", "")),
                         tuple(Reading(alt.get("value"), str(alt.get("reading", "")),
                                       tuple(alt.get("sources") or ()))
                               for alt in a.get("alternatives") or ()))
        for name, a in dict(prov.get("assumptions") or {}).items()}
    claims = tuple(
        EarlierClaim(str(c.get("made", "")), str(c.get("by", "")), str(c.get("claim", "")),
                     dict(c.get("settings") or {}), tuple(c.get("sources") or ()),
                     str(c.get("disputed_by", "")), tuple(c.get("dispute_sources") or ()))
        for c in prov.get("earlier_claims") or ())
    return settings_to_terms(effective_from, settings,
                             {k: tuple(v) for k, v in stored.items()}, note,
                             assumptions=assumptions, earlier_claims=claims)
