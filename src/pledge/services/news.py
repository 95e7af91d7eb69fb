"""Use cases on news: read articles into proposed changes, and review the proposals.

``ingest`` reads articles (text or HTML) with :mod:`pledge.ingest`, stores each
new one with what was read from it, and queues the changes it suggests for the
programme's records:

=====================  =========================================================
new_project            a facility with a company behind it that matches no known
                       project (accepting adds it, with the article as source)
additional_estimate    an amount for a known project that no recorded estimate
                       agrees with (within 5%, in US dollars at the reference
                       rates); accepting records another sourced estimate, never
                       an overwrite
status_change          a status word placing a known project further along its
                       lifecycle than recorded; accepting asks for the transition
                       under the lifecycle rules (they may refuse; then the
                       proposal stays proposed and the rule's reason is given),
                       or, accepted ``as_report``, records a sourced status
                       report beside the lifecycle (the stage is unchanged)
site_report            a state named for a known project that its record does not
                       name; accepting records it as a reported site with the
                       article as source (the project's location is unchanged)
=====================  =========================================================

An article already stored (same cleaned text, or a near-identical copy by its
SimHash fingerprint) is recognised and queues nothing. A proposal already
waiting with the same change is not queued twice.

Who may: ingesting (not a dry run) and rejecting need the REVIEW action (admin,
ic, cc_us, cc_jp, president, analyst); listing needs READ; accepting needs REVIEW
and the rights of the change it applies (PROJECT_EDIT, or ADVANCE for a status
change), and the applied service checks its own rules as for any other change
(``who_may_accept`` says in advance which roles can). A dry run reads the
database (to match projects and spot duplicates) but writes nothing; without a
database it matches against the shipped project list.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Engine, case, func, select, update
from sqlalchemy import text as sql
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from pledge.domain.access import ACCEPT_NEEDS, Action, accept_roles, authorize, record_roles
from pledge.domain.bounds import is_possible_id
from pledge.domain.errors import Conflict, InvalidInput, NotFound, PledgeError, Problem
from pledge.domain.fx import RateTable
from pledge.domain.lifecycle import Role, further
from pledge.domain.money import MoneyRange, format_range, format_stored, parse_amount
from pledge.domain.project import (
    canonical_sector,
    sponsors_from_lists,
    stage_from_report,
    states_in,
)
from pledge.domain.sources import check_source
from pledge.domain.text import clean_text
from pledge.ingest import fingerprint as fp
from pledge.ingest.extract import Extraction, extract
from pledge.ingest.gazetteer import Gazetteer
from pledge.ingest.gazetteer import load as load_gazetteer
from pledge.ingest.match import KnownProject, ProjectIndex
from pledge.services import projects as project_svc
from pledge.services.base import Actor, audit, insert_id, jsonable, now, permit, project_row
from pledge.services.money import rate_table_in, shipped_rates
from pledge.store import tables as t
from pledge.store.db import is_initialised, is_sqlite, reading, transaction

__all__ = [
    "ArticleInput",
    "ArticleSummary",
    "ArticleView",
    "IngestResult",
    "NewsSummary",
    "Passage",
    "ProposalView",
    "accept",
    "article_view",
    "decode_article",
    "evidence_sentences",
    "get_article",
    "get_proposal",
    "ingest",
    "list_articles",
    "list_proposals",
    "news_summary",
    "reject",
    "shipped_projects",
    "who_may_accept",
    "who_may_record",
]

STATES: Final = ("proposed", "accepted", "rejected")
MIN_CONFIDENCE: Final = 0.5   # passages matched less surely than this propose nothing
TOLERANCE: Final = Decimal("0.05")


# What browsers decode these labels as (the WHATWG encoding standard): supersets that
# real pages written with the older name rely on.
_CHARSET_ALIASES: Final = {"euc-kr": "cp949", "ks_c_5601-1987": "cp949", "shift_jis": "cp932",
                           "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
                           "gb2312": "gb18030", "gbk": "gb18030", "iso-8859-1": "cp1252",
                           "latin1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252"}
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""",
                           re.IGNORECASE)
_BOMS: Final = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                (codecs.BOM_UTF16_BE, "utf-16"))


def decode_article(data: bytes, *, declared: str | None = None, field: str = "file",
                   value: str = "") -> str:
    """An article's bytes as text.

    In order: a byte-order mark; UTF-8 (text in the older encodings almost never
    passes as UTF-8); the charset declared by the sender (an HTTP header) or in the
    page (``<meta charset>``), read as browsers read it (EUC-KR as CP949, Shift_JIS
    as CP932); else the encoding ``charset_normalizer`` finds (older
    Japanese and Korean pages are often EUC-JP, Shift_JIS or EUC-KR). Raises InvalidInput
    (``news.encoding``, naming ``field`` and ``value``) for bytes that are not text.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                break
    if b"\x00" in data:  # text has no NUL bytes outside UTF-16/32, which carry a BOM here
        raise InvalidInput.single(field, value, "news.encoding",
                                  "not text (NUL bytes): give the article as text or HTML")
    meta = _META_CHARSET.search(data[:4096])
    for label in ("utf-8", declared, meta.group(1).decode("ascii") if meta else None):
        if not label:
            continue
        codec = _CHARSET_ALIASES.get(label.strip().lower(), label.strip().lower())
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            continue
    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    if best is not None:
        return str(best)
    raise InvalidInput.single(field, value, "news.encoding",
                              "not text in an encoding that could be told; save it as UTF-8")


@dataclass(frozen=True, slots=True)
class ArticleInput:
    """One article to read: where it is from (URL or file name) and its text.

    html: whether the text is HTML; None guesses from the source's name and the text.
    """

    source: str
    text: str
    html: bool | None = None

    def checked(self) -> ArticleInput:
        """The article with its source checked (a web address or a file's bare name, never
        a path: ``check_source``). Control characters in its text (a NUL, which no
        database stores) are dropped when it is cleaned: the text comes from outside."""
        return ArticleInput(check_source(self.source, "source"), self.text, self.html)


@dataclass(frozen=True, slots=True)
class ProposalView:
    """A proposal with everything a review page shows."""

    id: int | None
    article_id: int | None
    article_source: str
    article_title: str
    language: str
    kind: str
    project_id: int | None
    project_name: str
    payload: dict[str, Any]
    evidence: str
    confidence: float
    state: str
    created_at: datetime | None = None
    decided_by: str | None = None
    decided_role: str | None = None
    decided_at: datetime | None = None
    reason: str = ""
    result: dict[str, Any] | None = None

    def record(self) -> dict[str, Any]:
        """JSON-ready (money as text, dates as ISO)."""
        value: dict[str, Any] = jsonable({**asdict(self), "summary": self.summary})
        return value

    @property
    def summary(self) -> str:
        """The change in a line, as a reviewer reads it."""
        p = self.payload
        if self.kind == "additional_estimate":
            recorded = "; ".join(format_stored(r.get("low"), r.get("high"), r.get("currency"))
                                 for r in p.get("recorded", []))
            return (f"another estimate: {p.get('written') or p.get('amount', '')}"
                    + (f" (recorded: {recorded})" if recorded else ""))
        if self.kind == "status_change":
            words = f" (\u201c{p['signal']}\u201d)" if p.get("signal") else ""
            return f"stage {p.get('from', '?')} \u2192 {p.get('to', '?')}{words}"
        if self.kind == "site_report":
            where = ", ".join([*p.get("sites", []), *p.get("states", [])])
            recorded = f" (recorded: {p['recorded']})" if p.get("recorded") else ""
            return f"reported site: {where}{recorded}"
        if self.kind == "new_project":
            extra = ", ".join(x for x in (str(p.get("sector", "")), str(p.get("amount", "")),
                                          str(p.get("location", ""))) if x)
            return f"new project: {p.get('name', '')}" + (f" ({extra})" if extra else "")
        return self.kind.replace("_", " ")


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What became of one article: what was read, whether it was stored or a copy of one
    already seen, and the proposals it queued (or would queue, on a dry run)."""

    extraction: Extraction
    article_id: int | None = None
    duplicate_of: int | None = None
    duplicate: str | None = None          # "exact" or "near"
    proposals: list[ProposalView] = field(default_factory=list)
    already_proposed: list[int] = field(default_factory=list)

    def contract(self) -> dict[str, Any]:
        """The extraction's contract object plus what ingesting did with it."""
        out = self.extraction.contract()
        out["article_id"] = self.article_id
        out["duplicate_of"] = self.duplicate_of
        out["duplicate"] = self.duplicate
        out["proposals"] = [p.record() for p in self.proposals]
        out["already_proposed"] = self.already_proposed
        return out


# --- Known projects -------------------------------------------------------------------------

def _database_ready(engine: Engine | None) -> bool:
    """Whether ``engine`` points at an initialised database, without creating one (a
    missing SQLite file stays missing)."""
    if engine is None:
        return False
    url = make_url(str(engine.url))
    if url.get_backend_name() == "sqlite":
        db = url.database or ""
        if not db or db == ":memory:" or not Path(db).exists():
            return False
    try:
        return is_initialised(engine)
    except (OperationalError, ProgrammingError):
        return False


def known_projects_in(s: Session) -> list[KnownProject]:
    """Every recorded project, with its sponsors and estimates, for matching."""
    p, f = t.projects, t.frameworks
    sponsors: dict[int, list[Any]] = {}
    for r in s.execute(select(t.sponsors).order_by(t.sponsors.c.id)):
        sponsors.setdefault(r.project_id, []).append(r)
    estimates: dict[int, list[tuple[Decimal | None, Decimal | None, str]]] = {}
    for r in s.execute(select(t.estimates).order_by(t.estimates.c.id)):
        rows = estimates.setdefault(r.project_id, [])
        rows.append((r.low, r.high, r.currency))
        if r.currency != "USD" and (r.usd_low is not None or r.usd_high is not None):
            rows.append((r.usd_low, r.usd_high, "USD"))
    out = []
    for r in s.execute(select(p, f.c.key.label("fw_key")).join(f, f.c.id == p.c.framework_id)
                       .order_by(p.c.id)):
        lead, partners = _sponsor_labels((x.name, x.note, x.role)
                                         for x in sponsors.get(r.id, []))
        out.append(KnownProject(r.id, r.name, r.fw_key, r.sector, r.sector_detail, r.location,
                                tuple(r.states), r.status, lead, partners,
                                tuple(estimates.get(r.id, [])), _reported_stage(r.reported_status)))
    return out


def _reported_stage(reported: str | None) -> str:
    """The lifecycle stage a project's reported status stands for ("" when none or unknown)."""
    try:
        return stage_from_report(reported).value if reported else ""
    except InvalidInput:
        return ""


def _sponsor_labels(sponsors: Iterable[tuple[str, str, str]]
                    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(lead, partners) as matching reads them: "name (note)" from (name, note, role)."""
    labels = [(f"{name} ({note})" if note else name, role) for name, note, role in sponsors]
    return (tuple(x for x, role in labels if role == "lead"),
            tuple(x for x, role in labels if role != "lead"))


def shipped_projects() -> list[KnownProject]:
    """The public project list shipped with pledge, numbered 1, 2, ... in file order (the
    ids a freshly initialised database gives them), for reading news without a database."""
    from pledge.services.setup import shipped_figures

    further: dict[str, list[tuple[Decimal | None, Decimal | None, str]]] = {}
    for fig in shipped_figures():  # the further estimates `pledge init` records
        if fig.amount:
            rng = parse_amount(fig.amount)
            further.setdefault(fig.project, []).append((rng.low, rng.high, rng.currency))
    out = []
    for pid, row in enumerate(project_svc.shipped_project_rows(), start=1):
        lead, partners = _sponsor_labels((s.name, s.note, s.role.value) for s in
                                         sponsors_from_lists(row.lead, row.partners))
        sector, detail = canonical_sector(row.sector)
        low, high = row.amount_low_usd, row.amount_high_usd
        estimates: tuple[tuple[Decimal | None, Decimal | None, str], ...] = (
            ((Decimal(low) if low else None, Decimal(high) if high else None, "USD"),)
            if low or high else ())
        estimates += tuple(further.get(row.name.strip(), ()))
        out.append(KnownProject(pid, row.name, row.framework, sector, detail, row.location,
                                states_in(row.location), stage_from_report(row.status).value,
                                lead, partners, estimates))
    return out


def _gazetteer(gazetteer: str | Path | None) -> Gazetteer:
    chosen = gazetteer or None
    return load_gazetteer(chosen)


def read_articles(articles: Sequence[ArticleInput], *, projects: Sequence[KnownProject],
                  gazetteer: Gazetteer,
                  progress: Callable[[int, int], None] | None = None) -> list[Extraction]:
    """Read articles (pure: no database)."""
    index = ProjectIndex(projects, gazetteer)
    out = []
    for i, art in enumerate(articles, start=1):
        out.append(extract(art.text, source=art.source, gazetteer=gazetteer, projects=index,
                           html=art.html, name=art.source))
        if progress is not None:
            progress(i, len(articles))
    return out


# --- Planning proposals ------------------------------------------------------------------------

def _usd(r: MoneyRange, rates: RateTable | None, on: date) -> MoneyRange | None:
    if r.currency == "USD":
        return r
    if rates is None:
        return None
    try:
        return rates.convert(r, "USD", on).result
    except PledgeError:
        return None


def _agrees(new: MoneyRange, recorded: Iterable[tuple[Decimal | None, Decimal | None, str]],
            rates: RateTable | None, on: date) -> bool:
    """Whether a recorded estimate agrees with ``new`` (ranges overlap, 5% slack), compared
    in the same currency or else in US dollars."""
    new_usd = _usd(new, rates, on)
    for low, high, currency in recorded:
        if low is None and high is None:
            continue
        if currency == new.currency:
            cand: MoneyRange | None = new
        elif currency == "USD":
            cand = new_usd
        else:
            continue
        if cand is None:
            continue
        lo = cand.low if cand.low is not None else cand.high
        hi = cand.high if cand.high is not None else cand.low
        assert lo is not None and hi is not None
        r_lo = (low if low is not None else Decimal(0)) * (1 - TOLERANCE)
        r_hi = high * (1 + TOLERANCE) if high is not None else None
        if hi >= r_lo and (r_hi is None or lo <= r_hi):
            return True
    return False


def _amount_text(text: str, r: MoneyRange) -> str:
    """The amount as written when the parser reads it back the same; else its display."""
    try:
        again = parse_amount(text)
        if (again.low, again.high, again.currency) == (r.low, r.high, r.currency):
            return text
    except PledgeError:
        pass
    return format_range(r)


def plan_proposals(ext: Extraction, known: dict[int, KnownProject], rates: RateTable | None,
                   on: date, gazetteer: Gazetteer) -> list[ProposalView]:
    """The changes an article suggests against the records (not yet stored)."""
    out: list[ProposalView] = []
    keys: set[tuple[Any, ...]] = set()

    def add(kind: str, project: KnownProject | None, name: str, payload: dict[str, Any],
            evidence: str, confidence: float, key: tuple[Any, ...]) -> None:
        full = (kind, project.id if project else None, *key)
        if full in keys:
            return
        keys.add(full)
        out.append(ProposalView(None, None, ext.source, ext.title, ext.language, kind,
                                project.id if project else None, name, payload, evidence,
                                round(confidence, 2), "proposed"))

    for m in ext.mentions:
        if m.project_id is None or m.confidence < MIN_CONFIDENCE:
            continue
        project = known.get(m.project_id)
        if project is None:
            continue
        for i in m.amounts:
            a = ext.amounts[i]
            if a.refers_to != "project" or a.project_id != project.id or a.converted \
                    or a.per_period:
                continue
            r = MoneyRange(a.low, a.high, a.currency)
            if _agrees(r, project.estimates, rates, on):
                continue
            add("additional_estimate", project, project.name, {
                "amount": _amount_text(a.text, r), "written": a.text, "low": a.low,
                "high": a.high, "currency": a.currency,
                "recorded": [{"low": lo, "high": hi, "currency": c}
                             for lo, hi, c in project.estimates]},
                a.evidence, m.confidence * a.confidence, (a.low, a.high, a.currency))
        recorded_states = set(project.states)
        new_states = [st for st in m.states if st not in recorded_states]
        if new_states:
            add("site_report", project, project.name, {
                "states": new_states, "sites": list(m.sites), "recorded": project.location},
                m.evidence, m.confidence * 0.8, tuple(new_states))
    for st in ext.statuses:
        if st.project_id is None or st.confidence < MIN_CONFIDENCE:
            continue
        project = known.get(st.project_id)
        if project is None or not further(st.status, project.furthest):
            continue
        add("status_change", project, project.name, {
            "to": st.status, "from": project.status, "reported": st.reported,
            "signal": st.written}, st.evidence, st.confidence, (st.status,))
    for m in ext.mentions:
        if m.project_id is not None or m.via != "passage" or not m.types:
            continue
        companies = [o for o in m.orgs if (org := gazetteer.organisation(o)) is not None
                     and org.kind == "company"]
        if not companies or m.confidence < MIN_CONFIDENCE:
            continue
        amounts = [ext.amounts[i] for i in m.amounts if ext.amounts[i].refers_to == "project"
                   and not ext.amounts[i].converted]
        stage = next((s.status for s in ext.statuses
                      if s.project_id is None and s.project == m.descriptor
                      and s.confidence >= MIN_CONFIDENCE), "proposed")
        amount = ""
        if amounts:
            a = amounts[0]
            amount = _amount_text(a.text, MoneyRange(a.low, a.high, a.currency))
        add("new_project", None, m.descriptor, {
            "name": m.descriptor, "sector": m.sector, "framework": ext.framework or "japan",
            "location": ", ".join(m.states or m.sites), "lead": companies[0],
            "partners": "; ".join(companies[1:]), "amount": amount, "status": stage},
            m.evidence, m.confidence, (m.descriptor.lower(),))
    return out


# --- Ingesting ------------------------------------------------------------------------------

Seen = list[tuple[int | None, str, str, str]]   # (article id, hash, simhash, sketch)


def _existing_articles(s: Session) -> Seen:
    a = t.news_articles
    return [(r.id, r.content_hash, r.fingerprint, r.sketch) for r in s.execute(
        select(a.c.id, a.c.content_hash, a.c.fingerprint, a.c.sketch))]


def _duplicate(ext: Extraction, seen: Seen) -> tuple[int | None, str] | None:
    for aid, chash, _, _ in seen:
        if chash == ext.content_hash:
            return aid, "exact"
    for aid, _, simhash, sketch in seen:
        if fp.near_copy(sketch, simhash, ext.sketch, ext.fingerprint):
            return aid, "near"
    return None


def _waiting_keys(s: Session) -> dict[tuple[Any, ...], int]:
    out: dict[tuple[Any, ...], int] = {}
    for r in s.execute(select(t.news_proposals).where(
            t.news_proposals.c.state == "proposed")):
        out[_proposal_key(r.kind, r.project_id, dict(r.payload))] = r.id
    return out


def _proposal_key(kind: str, project_id: int | None, payload: dict[str, Any]
                  ) -> tuple[Any, ...]:
    if kind == "additional_estimate":
        return (kind, project_id, str(payload.get("low")), str(payload.get("high")),
                payload.get("currency"))
    if kind == "status_change":
        return (kind, project_id, payload.get("to"))
    if kind == "site_report":
        return (kind, project_id, tuple(payload.get("states", [])))
    return (kind, project_id, str(payload.get("name", "")).lower())


def ingest(engine: Engine | None, articles: Sequence[ArticleInput], actor: Actor, *,
           dry_run: bool = False, gazetteer: str | Path | None = None,
           on: date | None = None,
           progress: Callable[[int, int], None] | None = None) -> list[IngestResult]:
    """Read ``articles`` and queue the changes they suggest, one transaction for all.

    ``dry_run``: read and plan only; nothing is written (the database, if there is
    one, is still read to match projects and spot copies). ``gazetteer``: a user file
    merged over the shipped gazetteer (the edges pass ``$PLEDGE_NEWS_GAZETTEER``). ``on``:
    the date used for currency conversion when comparing amounts (default today).
    ``progress(done, total)`` is called after each article is read. An article with no
    text (blank) is refused (``news.empty``), and then none is read.
    """
    if dry_run:
        authorize(actor.role, Action.READ)
    else:
        permit(actor, Action.REVIEW)
        if engine is None:
            raise InvalidInput.single("database", None, "news.no_database",
                                      "ingesting without --dry-run needs a database")
    blank = [Problem("text", a.source, "news.empty", f"the article from {a.source} has no text")
             for a in articles if not a.text.strip()]
    if blank:
        raise InvalidInput(blank)
    articles = [a.checked() for a in articles]
    on = on or date.today()
    gaz = _gazetteer(gazetteer)
    ready = _database_ready(engine)
    if ready:
        assert engine is not None
        with reading(engine) as s:
            known = known_projects_in(s)
            rates: RateTable | None = rate_table_in(s)
            seen: Seen = list(_existing_articles(s))
    else:
        known, rates, seen = shipped_projects(), RateTable(shipped_rates()), []
    extractions = read_articles(articles, projects=known, gazetteer=gaz, progress=progress)
    by_id = {p.id: p for p in known}
    plans = [(ext, plan_proposals(ext, by_id, rates, on, gaz)) for ext in extractions]
    if dry_run:
        return _dry_results(plans, seen)
    if not ready:
        raise InvalidInput.single("database", None, "news.no_database",
                                  "the database is not initialised (run pledge init)")
    assert engine is not None
    results: list[IngestResult] = []
    with transaction(engine) as s:
        if not is_sqlite(engine):
            # Ingests queue behind one another (SQLite's BEGIN IMMEDIATE does the same),
            # so two copies of an article sent at once are recognised, not both stored.
            s.execute(sql("LOCK TABLE news_articles IN SHARE ROW EXCLUSIVE MODE"))
        seen = list(_existing_articles(s))
        waiting = _waiting_keys(s)
        for ext, planned in plans:
            dup = _duplicate(ext, seen)
            if dup is not None:
                results.append(IngestResult(ext, None, dup[0], dup[1]))
                continue
            aid = insert_id(s, t.news_articles.insert().values(
                source=ext.source, title=ext.title, language=ext.language,
                pledging_country=ext.pledging_country, framework=ext.framework or None,
                content_hash=ext.content_hash, fingerprint=ext.fingerprint, sketch=ext.sketch,
                text=ext.text,
                facts=jsonable(ext.contract()), ingested_at=now(), ingested_by=actor.name,
                role=actor.role.value))
            seen.append((aid, ext.content_hash, ext.fingerprint, ext.sketch))
            about = [pid for pid in dict.fromkeys(ext.matched_projects()) if pid in by_id]
            if about:
                s.execute(t.news_mentions.insert(), [{"article_id": aid, "project_id": pid}
                                                     for pid in about])
            stored: list[ProposalView] = []
            again: list[int] = []
            for prop in planned:
                key = _proposal_key(prop.kind, prop.project_id, prop.payload)
                if key in waiting:
                    again.append(waiting[key])
                    continue
                payload = jsonable(prop.payload)
                pid = insert_id(s, t.news_proposals.insert().values(
                    article_id=aid, kind=prop.kind, project_id=prop.project_id,
                    payload=payload, evidence=prop.evidence, confidence=prop.confidence,
                    state="proposed", created_at=now(), reason=""))
                waiting[key] = pid
                stored.append(_view(s, pid))
            audit(s, actor, "news.ingest", "news_article", aid, after={
                "source": ext.source, "proposals": [p.id for p in stored],
                "already_proposed": again})
            results.append(IngestResult(ext, aid, None, None, stored, again))
    return results


def _dry_results(plans: list[tuple[Extraction, list[ProposalView]]],
                 seen: Seen) -> list[IngestResult]:
    results = []
    batch: Seen = list(seen)
    for ext, planned in plans:
        dup = _duplicate(ext, batch)
        if dup is not None:
            results.append(IngestResult(ext, None, dup[0], dup[1]))
            continue
        batch.append((None, ext.content_hash, ext.fingerprint, ext.sketch))
        results.append(IngestResult(ext, None, None, None, planned))
    return results


# --- Reviewing ----------------------------------------------------------------------------------

def _proposals() -> Any:
    """Proposals with their article's source, title and language and their project's name."""
    q, a, p = t.news_proposals, t.news_articles, t.projects
    return (select(q, a.c.source, a.c.title, a.c.language, p.c.name.label("project_name"))
            .join(a, a.c.id == q.c.article_id).outerjoin(p, p.c.id == q.c.project_id)
            .order_by(q.c.id))


def _view(s: Session, proposal_id: int) -> ProposalView:
    row = s.execute(_proposals().where(t.news_proposals.c.id == proposal_id)).first()
    if row is None:
        raise NotFound.single("id", proposal_id, "review.unknown", "no proposal with this id")
    return _row_view(row)


def _row_view(row: Any) -> ProposalView:
    payload = dict(row.payload)
    name = row.project_name or str(payload.get("name", ""))
    return ProposalView(row.id, row.article_id, row.source, row.title, row.language, row.kind,
                        row.project_id, name, payload, row.evidence, float(row.confidence),
                        row.state, row.created_at, row.decided_by, row.decided_role,
                        row.decided_at, row.reason,
                        dict(row.result) if row.result is not None else None)


def _whole_id(value: int | str, what: str = "a proposal") -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput.single("id", value, "review.bad_id",
                                  f"{what} id is a whole number") from None
    if not is_possible_id(number):  # names nothing (and would overflow the query)
        rule = "review.unknown" if what == "a proposal" else "review.unknown_article"
        raise NotFound.single("id", value, rule, f"no {what.split()[-1]} with this id")
    return number


def list_proposals(engine: Engine, *, state: str | None = "proposed",
                   article_id: int | None = None, project_id: int | None = None,
                   actor: Actor | None = None) -> list[ProposalView]:
    """Proposals, oldest first: those in ``state`` (None: all), optionally of one article or
    one project. With ``actor``, checks that they may read."""
    if actor is not None:
        authorize(actor.role, Action.READ)
    if state is not None and state not in STATES:
        raise InvalidInput.single("state", state, "review.unknown_state",
                                  f"state is one of {', '.join(STATES)} (or all)")
    if any(x is not None and not is_possible_id(x) for x in (article_id, project_id)):
        return []  # an id that cannot exist has no proposals
    q = t.news_proposals
    stmt = _proposals()
    if state is not None:
        stmt = stmt.where(q.c.state == state)
    if article_id is not None:
        stmt = stmt.where(q.c.article_id == article_id)
    if project_id is not None:
        stmt = stmt.where(q.c.project_id == project_id)
    with reading(engine) as s:
        return [_row_view(r) for r in s.execute(stmt)]


def get_proposal(engine: Engine, proposal_id: int | str,
                 actor: Actor | None = None) -> ProposalView:
    """One proposal; raises NotFound."""
    if actor is not None:
        authorize(actor.role, Action.READ)
    with reading(engine) as s:
        return _view(s, _whole_id(proposal_id))


def get_article(engine: Engine, article_id: int | str,
                actor: Actor | None = None) -> dict[str, Any]:
    """A stored article: source, title, language, cleaned text and what was read from it."""
    if actor is not None:
        authorize(actor.role, Action.READ)
    aid = _whole_id(article_id, "an article")
    with reading(engine) as s:
        row = s.execute(select(t.news_articles).where(t.news_articles.c.id == aid)).first()
        if row is None:
            raise NotFound.single("id", article_id, "review.unknown_article",
                                  "no article with this id")
        return {k: v for k, v in row._mapping.items()}


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """A stored article in a list: what it is and how much it proposed."""

    id: int
    source: str
    title: str
    language: str
    pledging_country: str
    ingested_at: datetime
    ingested_by: str
    proposals: int
    waiting: int

    def record(self) -> dict[str, Any]:
        value: dict[str, Any] = jsonable(asdict(self))
        return value


def list_articles(engine: Engine, *, project_id: int | str | None = None,
                  actor: Actor | None = None) -> list[ArticleSummary]:
    """Stored articles, newest first; with ``project_id``, those about that project (the
    ones it was matched in). Raises NotFound for an unknown project."""
    if actor is not None:
        authorize(actor.role, Action.READ)
    a, q, m = t.news_articles, t.news_proposals, t.news_mentions
    counts = (select(q.c.article_id, func.count().label("n"),
                     func.sum(case((q.c.state == "proposed", 1), else_=0)).label("open"))
              .group_by(q.c.article_id).subquery())
    stmt = (select(a.c.id, a.c.source, a.c.title, a.c.language, a.c.pledging_country,
                   a.c.ingested_at, a.c.ingested_by, counts.c.n, counts.c.open)
            .outerjoin(counts, counts.c.article_id == a.c.id)
            .order_by(a.c.ingested_at.desc(), a.c.id.desc()))
    with reading(engine) as s:
        if project_id is not None:
            pid = project_row(s, project_id).id
            stmt = stmt.where(a.c.id.in_(select(m.c.article_id).where(m.c.project_id == pid)))
        return [ArticleSummary(r.id, r.source, r.title, r.language, r.pledging_country,
                               r.ingested_at, r.ingested_by, int(r.n or 0), int(r.open or 0))
                for r in s.execute(stmt)]


@dataclass(frozen=True, slots=True)
class NewsSummary:
    """What the dashboard shows of the news: proposals waiting and the latest articles."""

    waiting: int
    latest: list[ArticleSummary]


def news_summary(engine: Engine, *, limit: int = 5, actor: Actor | None = None
                 ) -> NewsSummary:
    """The count of proposals waiting for review and the ``limit`` latest articles
    (cached until the data changes)."""
    from pledge.services.dashboard import views

    if actor is not None:
        authorize(actor.role, Action.READ)

    def build() -> NewsSummary:
        with reading(engine) as s:
            waiting = int(s.execute(select(func.count()).select_from(t.news_proposals).where(
                t.news_proposals.c.state == "proposed")).scalar_one())
        return NewsSummary(waiting, list_articles(engine)[:limit])
    return views.get(engine, ("news-summary", limit), build)


@dataclass(frozen=True, slots=True)
class Passage:
    """A stretch of an article's cleaned text; ``evidence`` when a fact was read from it."""

    text: str
    evidence: bool


@dataclass(frozen=True, slots=True)
class ArticleView:
    """A stored article as a reviewer reads it: the record, its text cut into paragraphs of
    passages (the sentences facts came from marked), and the proposals it made."""

    article: dict[str, Any]
    paragraphs: list[list[Passage]]
    proposals: list[ProposalView]

    def record(self) -> dict[str, Any]:
        value: dict[str, Any] = jsonable({
            **{k: v for k, v in self.article.items() if k not in ("sketch", "content_hash")},
            "evidence": sorted(evidence_sentences(self.article.get("facts") or {})),
            "proposals": [p.record() for p in self.proposals]})
        return value


def evidence_sentences(facts: dict[str, Any]) -> set[str]:
    """Every sentence a fact in ``facts`` (an article's stored ``facts`` object) cites."""
    found: set[str] = set()
    for value in (facts.get("facts") or {}).values():
        for item in value if isinstance(value, list) else []:
            sentence = item.get("sentence") if isinstance(item, dict) else None
            if sentence:
                found.add(str(sentence))
    return found


def _passages(text: str, evidence: set[str]) -> list[list[Passage]]:
    marks = sorted(evidence, key=len, reverse=True)
    paragraphs = []
    for para in (p.strip() for p in text.split("\n")):
        if not para:
            continue
        spans: list[tuple[int, int]] = []
        for sentence in marks:
            start = para.find(sentence)
            while start >= 0:
                end = start + len(sentence)
                if not any(a < end and start < b for a, b in spans):
                    spans.append((start, end))
                start = para.find(sentence, end)
        out, at = [], 0
        for a, b in sorted(spans):
            if a > at:
                out.append(Passage(para[at:a], False))
            out.append(Passage(para[a:b], True))
            at = b
        if at < len(para):
            out.append(Passage(para[at:], False))
        paragraphs.append(out)
    return paragraphs


def article_view(engine: Engine, article_id: int | str, actor: Actor | None = None
                 ) -> ArticleView:
    """An article with the sentences its facts came from marked, and its proposals."""
    article = get_article(engine, article_id, actor)
    proposals = list_proposals(engine, state=None, article_id=article["id"], actor=actor)
    return ArticleView(article, _passages(str(article["text"]),
                                          evidence_sentences(article["facts"] or {})),
                       proposals)


def _undecided(s: Session, proposal_id: int) -> Any:
    row = s.execute(select(t.news_proposals).where(t.news_proposals.c.id == proposal_id)
                    ).first()
    if row is None:
        raise NotFound.single("id", proposal_id, "review.unknown", "no proposal with this id")
    if row.state != "proposed":
        raise Conflict.single("id", proposal_id, "review.decided",
                              f"this proposal is already {row.state}")
    return row


def _claim(s: Session, pid: int, **values: Any) -> None:
    """Decide a proposal still proposed; a concurrent decision waits on the row, then
    finds it decided (Conflict)."""
    claimed = s.execute(update(t.news_proposals).where(
        t.news_proposals.c.id == pid, t.news_proposals.c.state == "proposed")
        .values(**values).returning(t.news_proposals.c.id)).all()
    if len(claimed) != 1:
        raise Conflict.single("id", pid, "review.decided", "decided meanwhile")


def who_may_accept(proposal: ProposalView) -> frozenset[Role]:
    """The roles that may accept ``proposal`` (``domain.access.accept_roles``)."""
    return accept_roles(proposal.kind, proposal.payload.get("to"))


def who_may_record(proposal: ProposalView) -> frozenset[Role]:
    """The roles that may accept a reported stage as a status report (``as_report``)."""
    return record_roles(proposal.kind)


def accept(engine: Engine, proposal_id: int | str, actor: Actor, *,
           on: date | None = None, as_report: bool = False) -> ProposalView:
    """Apply a proposal through the service any such change goes through, with the article
    as its source, and record the decision. If the service refuses (a rule, a role), its
    error is raised and the proposal stays proposed.

    ``as_report``: for a reported stage, record it as a sourced status report beside the
    lifecycle instead of asking for the transition (which only the role the lifecycle
    names may make, and only from the stage before).
    """
    pid = _whole_id(proposal_id)
    on = on or date.today()
    permit(actor, Action.REVIEW)
    with transaction(engine) as s:
        row = _undecided(s, pid)
        if as_report and row.kind != "status_change":
            raise InvalidInput.single("as_report", True, "review.not_a_stage",
                                      f"a {row.kind.replace('_', ' ')} is not a reported "
                                      "stage; accept it as it is")
        permit(actor, Action.PROJECT_EDIT if as_report
               else ACCEPT_NEEDS.get(row.kind, Action.PROJECT_EDIT))
        source = s.execute(select(t.news_articles.c.source).where(
            t.news_articles.c.id == row.article_id)).scalar_one()
        # Claim it first; the change and the decision commit together or not at all.
        _claim(s, pid, state="accepted")
        kind = "status_report" if as_report else row.kind
        result = _apply(engine, kind, row.project_id, dict(row.payload), source, actor, on)
        s.execute(update(t.news_proposals).where(t.news_proposals.c.id == pid).values(
            decided_by=actor.name, decided_role=actor.role.value, decided_at=now(),
            result=jsonable(result)))
        audit(s, actor, "news.accept", "news_proposal", pid,
              before={"state": "proposed"}, after={"state": "accepted", "kind": row.kind,
                                                   "applied_as": kind, "result": result,
                                                   "source": source},
              project_id=result.get("project_id") or row.project_id)
        return _view(s, pid)


def _apply(engine: Engine, kind: str, project_id: int | None, payload: dict[str, Any],
           source: str, actor: Actor, on: date) -> dict[str, Any]:
    if kind == "additional_estimate":
        assert project_id is not None
        detail = project_svc.add_estimate(engine, project_id, str(payload["amount"]), source,
                                          on, actor)
        return {"project_id": project_id, "estimates": len(detail.estimates)}
    if kind == "status_change":
        assert project_id is not None
        reason = f"reported in the news ({payload.get('signal', payload.get('to'))})"
        detail = project_svc.advance(engine, project_id, str(payload["to"]), actor, on,
                                     reason, [source])
        return {"project_id": project_id, "status": detail.summary.status}
    if kind == "status_report":
        assert project_id is not None
        detail = project_svc.add_status_report(engine, project_id, str(payload["to"]), source,
                                               on, actor,
                                               wording=str(payload.get("signal") or ""))
        return {"project_id": project_id, "reported_status": detail.reported_status,
                "status": detail.summary.status}
    if kind == "new_project":
        new = project_svc.NewProject(
            name=str(payload["name"]), sector=str(payload["sector"]),
            framework=str(payload.get("framework") or "japan"),
            location=str(payload.get("location", "")), lead=str(payload.get("lead", "")),
            partners=str(payload.get("partners", "")), amount_text=str(payload.get("amount", "")),
            status=str(payload.get("status") or "proposed"), reported_on=on.isoformat(),
            source=source)
        detail = project_svc.add_project(engine, new, actor, report_stage=True)
        return {"project_id": detail.summary.id, "status": detail.summary.status,
                "reported_status": detail.reported_status}
    if kind == "site_report":
        assert project_id is not None
        states = [str(x) for x in payload.get("states", [])]
        sites = [str(x) for x in payload.get("sites", [])]
        location = "; ".join([*sites, *states])
        detail = project_svc.add_site_report(engine, project_id, location, source, on, actor,
                                             states=states)
        return {"project_id": project_id, "sites": len(detail.sites)}
    raise InvalidInput.single("kind", kind, "review.unknown_kind", "unknown proposal kind")


def reject(engine: Engine, proposal_id: int | str, actor: Actor,
           reason: str = "") -> ProposalView:
    """Reject a proposal; it is kept, with who rejected it, when and why."""
    permit(actor, Action.REVIEW)
    pid = _whole_id(proposal_id)
    reason = clean_text("reason", reason)
    with transaction(engine) as s:
        row = _undecided(s, pid)
        _claim(s, pid, state="rejected", decided_by=actor.name, decided_role=actor.role.value,
               decided_at=now(), reason=reason.strip())
        audit(s, actor, "news.reject", "news_proposal", pid, before={"state": "proposed"},
              after={"state": "rejected", "reason": reason.strip(), "kind": row.kind},
              project_id=row.project_id)
        return _view(s, pid)
