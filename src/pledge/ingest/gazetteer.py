"""The gazetteers: organisations, sectors, places, facility types and cue words.

They ship as TOML in ``pledge/data/news/`` (see the README there). A user file of
the same shape is merged over them (``load(user_file)``): an organisation, state,
site or type with the same name is replaced field by field (aliases and keywords
are *added* to the shipped ones), anything new is appended. Word lists (sector
keywords, signals, cue words) are extended, never shortened.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Final

from pledge.domain.errors import InvalidInput, Problem
from pledge.domain.money import CURRENCIES
from pledge.domain.project import SECTORS, US_STATES, stage_from_report
from pledge.ingest.phrases import PhraseMatcher

__all__ = ["Country", "Gazetteer", "Official", "Organisation", "ProjectType", "Signal", "Site",
           "load"]

FILES: Final = ("organisations", "sectors", "places", "project_types", "cues", "officials")


@dataclass(frozen=True, slots=True)
class Organisation:
    name: str
    kind: str = "company"
    country: str = ""
    sectors: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    parent: str = ""      # the owner of a subsidiary or project company ("" when none)
    # recognised by its names but reported as the article writes it (no canonical form
    # chosen for it: "東京ガス" in a Japanese article, "Tokyo Gas" in an English one)
    as_written: bool = False


@dataclass(frozen=True, slots=True)
class Official:
    """A public official: full name, the office they are known to hold, their country."""

    name: str
    office: str
    country: str = ""


@dataclass(frozen=True, slots=True)
class Site:
    name: str
    kind: str
    states: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ProjectType:
    key: str
    label: str
    sector: str
    broader: str = ""      # the more general kind it is one of ("copper smelter": "smelter")
    # words of the kind that name a narrower facility in a new project's name, as written
    # in lower case -> the name ("cathode" -> "cathode materials plant")
    names: tuple[tuple[str, str], ...] = ()

    def label_for(self, written: str) -> str:
        """The words for a new project's name when the kind is named as ``written``."""
        if not self.names:
            return self.label   # (most kinds name no narrower facility)
        low = written.lower()
        return next((n for w, n in self.names if w == low), self.label)


@dataclass(frozen=True, slots=True)
class Signal:
    """A status word: the reported status it stands for, in which language, and the
    lifecycle stage that status is (None for a key the domain does not know)."""

    reported: str
    language: str
    stage: str | None = None


@dataclass(frozen=True, slots=True)
class Country:
    framework: str
    name: str
    pledges: tuple[Decimal, ...]


@dataclass(frozen=True, slots=True)
class Cue:
    """A word of a small list (back reference, tariff, programme...)."""

    kind: str


def _caps(word: str) -> bool:
    """Keywords written in capitals (AI, LNG) match only in capitals."""
    letters = [c for c in word if c.isalpha() and c.isascii()]
    return bool(letters) and all(c.isupper() for c in letters)


def _read_shipped(name: str) -> dict[str, Any]:
    text = (files("pledge") / "data" / "news" / f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _merge_named(base: list[dict[str, Any]], extra: Iterable[Mapping[str, Any]], key: str,
                 lists: tuple[str, ...]) -> list[dict[str, Any]]:
    out = [dict(entry) for entry in base]
    index = {str(entry.get(key)): i for i, entry in enumerate(out)}
    for entry in extra:
        name = str(entry.get(key, ""))
        if name in index:
            merged = out[index[name]]
            for k, v in entry.items():
                if k in lists:
                    merged[k] = [*merged.get(k, []), *[x for x in v if x not in merged.get(k, [])]]
                else:
                    merged[k] = v
        else:
            index[name] = len(out)
            out.append(dict(entry))
    return out


def _merge_words(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in extra.items():
        if isinstance(v, Mapping):
            out[k] = _merge_words(dict(out.get(k, {})), v)
        elif isinstance(v, list) and isinstance(out.get(k), list):
            out[k] = [*out[k], *[x for x in v if x not in out[k]]]
        else:
            out[k] = v
    return out


def merge(shipped: dict[str, dict[str, Any]], user: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The shipped tables with a user's file merged over them (see the module docstring)."""
    data = {name: dict(table) for name, table in shipped.items()}
    named = {"organisation": ("organisations", "name", ("aliases", "sectors")),
             "state": ("places", "name", ("aliases",)),
             "site": ("places", "name", ("aliases", "states")),
             "type": ("project_types", "key", ("words",)),
             "official": ("officials", "name", ("aliases",))}
    for key, value in user.items():
        if key in named:
            file, ident, lists = named[key]
            data[file][key] = _merge_named(data[file].get(key, []), value, ident, lists)
        elif key == "sector":
            data["sectors"]["sector"] = _merge_words(data["sectors"]["sector"], value)
        elif key == "country":
            data["cues"]["country"] = _merge_named(data["cues"]["country"], value, "framework",
                                                   ("words", "pledges"))
        elif key in ("signals", "negation", "modal", "words", "dollars"):
            data["cues"][key] = _merge_words(data["cues"].get(key, {}), value)
        else:
            raise InvalidInput.single("gazetteer", key, "news.unknown_table",
                                      "unknown table (organisation, state, site, type, sector, "
                                      "country, signals, negation, modal, words, dollars, "
                                      "official)")
    return data


# Reported words only news uses: passed over in a round (the project stays under review;
# see pledge.ingest.statuses).
_NEWS_REPORTED: Final = {"passed_over": "under_review"}


def _stage(reported: str) -> str | None:
    if reported in _NEWS_REPORTED:
        return _NEWS_REPORTED[reported]
    try:
        return stage_from_report(reported).value
    except InvalidInput:
        return None


def _as_written(entry: Mapping[str, Any], problems: list[Problem]) -> bool:
    """An organisation's ``as_written`` flag (true or false; absent is false)."""
    flag = entry.get("as_written", False)
    if not isinstance(flag, bool):
        problems.append(Problem("as_written", str(flag), "news.bad_gazetteer",
                                f"organisation '{entry.get('name', '')}': true or false"))
        return False
    return flag


def _type_names(entry: Mapping[str, Any], problems: list[Problem]
                ) -> tuple[tuple[str, str], ...]:
    """A facility type's ``names`` table (a name -> the words, a list of strings, that
    call for it), as (word in lower case, name) pairs."""
    table = entry.get("names", {})
    if not isinstance(table, Mapping) or not all(
            isinstance(ws, list) and all(isinstance(w, str) for w in ws)
            for ws in table.values()):
        problems.append(Problem("names", str(table)[:80], "news.bad_gazetteer",
                                f"type '{entry.get('key', '')}': a table of names, each "
                                "with a list of the words that call for it"))
        return ()
    return tuple((w.lower(), str(n)) for n, ws in table.items() for w in ws)


class Gazetteer:
    """Everything the extractor looks words up in, compiled once."""

    def __init__(self, data: Mapping[str, Mapping[str, Any]]) -> None:
        problems: list[Problem] = []
        orgs = [Organisation(str(o["name"]), str(o.get("kind", "company")),
                             str(o.get("country", "")), tuple(o.get("sectors", ())),
                             tuple(o.get("aliases", ())), str(o.get("parent", "")),
                             _as_written(o, problems))
                for o in data["organisations"].get("organisation", [])]
        for o in orgs:
            for s in o.sectors:
                if s not in SECTORS:
                    problems.append(Problem("sectors", s, "news.unknown_sector",
                                            f"organisation '{o.name}': unknown sector"))
        self.organisations: dict[str, Organisation] = {o.name: o for o in orgs}
        for o in orgs:
            if o.parent and (o.parent not in self.organisations or o.parent == o.name):
                problems.append(Problem("parent", o.parent, "news.unknown_parent",
                                        f"organisation '{o.name}': its parent is not an "
                                        "organisation of the gazetteer"))
        officials = [(Official(str(x["name"]), str(x.get("office", "")),
                               str(x.get("country", ""))), (x["name"], *x.get("aliases", ())))
                     for x in data.get("officials", {}).get("official", [])]
        self.officials: dict[str, Official] = {o.name: o for o, _ in officials}
        self.official_matcher: PhraseMatcher[Official] = PhraseMatcher(
            (alias, o, False) for o, aliases in officials for alias in aliases)
        self.org_matcher: PhraseMatcher[Organisation] = PhraseMatcher(
            (alias, o, False) for o in orgs for alias in (o.name, *o.aliases))

        sector_entries: list[tuple[str, str, bool]] = []
        for key, keywords in data["sectors"].get("sector", {}).items():
            if key not in SECTORS:
                problems.append(Problem("sector", key, "news.unknown_sector",
                                        "not a canonical sector key"))
            sector_entries.extend((w, key, not _caps(w)) for w in keywords)
        self.sector_matcher: PhraseMatcher[str] = PhraseMatcher(sector_entries)

        places = data["places"]
        state_entries: list[tuple[str, str, bool]] = []
        for st in places.get("state", []):
            if st["name"] not in US_STATES:
                problems.append(Problem("state", st["name"], "news.unknown_state",
                                        "not a US state name"))
            state_entries.extend((a, str(st["name"]), False) for a in st.get("aliases", ()))
        self.state_matcher: PhraseMatcher[str] = PhraseMatcher(state_entries)
        sites = []
        for s in places.get("site", []):
            site = Site(str(s["name"]), str(s.get("kind", "site")), tuple(s.get("states", ())))
            sites.append((site, (site.name, *s.get("aliases", ()))))
            for st_name in site.states:
                if st_name not in US_STATES:
                    problems.append(Problem("states", st_name, "news.unknown_state",
                                            f"site '{site.name}': not a US state name"))
        self.sites: dict[str, Site] = {site.name: site for site, _ in sites}
        self.site_matcher: PhraseMatcher[Site] = PhraseMatcher(
            (a, site, False) for site, aliases in sites for a in aliases)

        types = []
        for ty in data["project_types"].get("type", []):
            pt = ProjectType(str(ty["key"]), str(ty.get("label", ty["key"])),
                             str(ty.get("sector", "other")), str(ty.get("broader", "")),
                             _type_names(ty, problems))
            if pt.sector not in SECTORS:
                problems.append(Problem("sector", pt.sector, "news.unknown_sector",
                                        f"type '{pt.key}': unknown sector"))
            types.append((pt, ty.get("words", ())))
        self.types: dict[str, ProjectType] = {pt.key: pt for pt, _ in types}
        for pt in self.types.values():
            if pt.broader and pt.broader not in self.types:
                problems.append(Problem("broader", pt.broader, "news.unknown_type",
                                        f"type '{pt.key}': its broader kind is no known type"))
        self.type_matcher: PhraseMatcher[ProjectType] = PhraseMatcher(
            (w, pt, not _caps(w)) for pt, words in types for w in words)

        cues = data["cues"]
        self.countries: list[Country] = [
            Country(str(c["framework"]), str(c["name"]),
                    tuple(Decimal(str(p)) for p in c.get("pledges", ())))
            for c in cues.get("country", [])]
        self.country_matcher: PhraseMatcher[str] = PhraseMatcher(
            (w, str(c["framework"]), False) for c in cues.get("country", [])
            for w in c.get("words", ()))
        # Names of places and countries (a capitalised name that is none of them may be a
        # company the gazetteer does not know: see pledge.ingest.unknown_orgs).
        self.place_names: frozenset[str] = frozenset(
            [a for _, a, _ in state_entries] + [a for _, aliases in sites for a in aliases]
            + [str(w) for c in cues.get("country", []) for w in c.get("words", ())])
        self.signal_matchers: dict[str, PhraseMatcher[Signal]] = {}
        for lang, table in cues.get("signals", {}).items():
            self.signal_matchers[lang] = PhraseMatcher(
                (w, Signal(str(reported), lang, _stage(str(reported))), not _caps(w))
                for reported, ws in table.items() for w in ws)
        self.negations: dict[str, tuple[str, ...]] = {
            lang: tuple(ws) for lang, ws in cues.get("negation", {}).items()}
        self.modals: dict[str, tuple[str, ...]] = {
            lang: tuple(ws) for lang, ws in cues.get("modal", {}).items()}
        self.cue_matchers: dict[str, PhraseMatcher[Cue]] = {
            kind: PhraseMatcher((w, Cue(kind), not _caps(w)) for w in ws)
            for kind, ws in cues.get("words", {}).items()}
        # The dollar a bare "$" means at an outlet: host name (or ".tld") -> ISO code.
        self.dollars: dict[str, str] = {}
        for outlet, code in cues.get("dollars", {}).items():
            if str(code) not in CURRENCIES:
                problems.append(Problem("dollars", str(code), "news.unknown_currency",
                                        f"the dollar of '{outlet}' is not a known currency "
                                        f"(known: {', '.join(CURRENCIES)})"))
            else:
                self.dollars[str(outlet).lower()] = str(code)
        if problems:
            raise InvalidInput(problems)

    def organisation(self, name: str) -> Organisation | None:
        return self.organisations.get(name)

    def parent_of(self, name: str) -> str:
        """The owner of a subsidiary or project company ("" when none is known)."""
        org = self.organisations.get(name)
        return org.parent if org is not None else ""

    def with_parents(self, names: Iterable[str]) -> list[str]:
        """``names`` with each one's parent after it (once each): what matching compares,
        so "SB Energy" finds a project recorded under SoftBank Group and the reverse."""
        out: list[str] = []
        for name in names:
            for n in (name, self.parent_of(name)):
                if n and n not in out:
                    out.append(n)
        return out


@lru_cache(maxsize=1)
def _shipped_data() -> dict[str, dict[str, Any]]:
    return {name: _read_shipped(name) for name in FILES}


@lru_cache(maxsize=8)
def _load_cached(user_text: str | None) -> Gazetteer:
    data = _shipped_data()
    if user_text is not None:
        try:
            user = tomllib.loads(user_text)
        except tomllib.TOMLDecodeError as exc:
            raise InvalidInput.single("gazetteer", "", "news.bad_gazetteer",
                                      f"not a TOML file: {exc}") from None
        data = merge(data, user)
    return Gazetteer(data)


def load(user_file: str | Path | None = None) -> Gazetteer:
    """The shipped gazetteer, with ``user_file`` (TOML, same shape) merged over it.

    Raises InvalidInput when the user file cannot be read or names unknown
    sectors, states or tables.
    """
    if user_file is None:
        return _load_cached(None)
    from pledge.domain import bounds
    try:
        with Path(user_file).open("rb") as f:
            raw = f.read(bounds.MAX_INPUT_FILE_BYTES + 1)
    except OSError as exc:
        raise InvalidInput.single("gazetteer", str(user_file), "news.bad_gazetteer",
                                  exc.strerror or "cannot read the file") from None
    bounds.check_input_size(len(raw), "gazetteer", str(user_file))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput.single("gazetteer", str(user_file), "news.bad_gazetteer",
                                  "the file is not UTF-8 text") from None
    return _load_cached(text)
