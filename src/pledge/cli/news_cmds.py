"""``pledge ingest`` and ``pledge review ...``: news in, proposed changes reviewed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final

import typer

from pledge.cli import render
from pledge.cli.once import KeyOpt, once
from pledge.cli.options import ActorOpt, JsonOpt, RoleOpt, acting, me, read_bytes
from pledge.domain.bounds import parse_date
from pledge.domain.errors import InvalidInput

if TYPE_CHECKING:
    from pledge.services import news as svc
    from pledge.services.base import Actor

review_app = typer.Typer(no_args_is_help=True,
                         help="Review the changes news articles propose.\n\n"
                              "List them, show one, accept or reject it.\n\n"
                              "\b\nExample:\n  pledge review list --state all")

ARTICLE_SUFFIXES = (".txt", ".html", ".htm", ".xhtml", ".md")


def reader() -> Actor:
    """Who reads articles in a dry run: it writes nothing, so it needs no one identified."""
    from pledge.domain.lifecycle import Role
    from pledge.services.base import Actor
    return Actor("dry-run", Role.ANALYST)


def _engine(*, ensure: bool = True) -> Any:
    from pledge.cli import state
    return state.engine(ensure=ensure)


def article_files(paths: list[Path]) -> list[Path]:
    """The files named, with folders expanded to the articles inside them (recursively,
    sorted; .txt, .html, .htm, .xhtml, .md; hidden files skipped)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)))
        elif path.is_file():
            out.append(path)
        else:
            raise InvalidInput.single("file", str(path), "news.no_such_file",
                                      "no such file or folder")
    if not out:
        raise InvalidInput.single("file", ", ".join(map(str, paths)), "news.no_articles",
                                  f"no articles found (looked for {', '.join(ARTICLE_SUFFIXES)})")
    return out


def ingest(files: Annotated[list[str] | None, typer.Argument(
               help="Article files (text or HTML), folders of them, or http(s) addresses "
                    "of pages", show_default=False)] = None,
           feed: Annotated[list[str] | None, typer.Option(
               "--feed", help="An RSS or Atom feed (http(s) address or file): read the "
                              "pages of its entries not stored yet", show_default=False)
           ] = None,
           watch: Annotated[Path | None, typer.Option(
               "--watch", help="A FEEDS.toml list of feeds: read them every `every` "
                               "seconds and queue only new articles", show_default=False)
           ] = None,
           once_only: Annotated[bool, typer.Option(
               "--once", help="With --watch: read the feeds once, then stop")] = False,
           rounds: Annotated[int | None, typer.Option(
               "--rounds", help="With --watch: read the feeds this many times, then stop "
                                "(default: until interrupted)", show_default=False)] = None,
           delay: Annotated[float | None, typer.Option(
               "--delay", help="Seconds between two requests to the web, 0 to 60 "
                               "(default 1, or the feed list's)", show_default=False)
           ] = None,
           outlet: Annotated[str, typer.Option(
               "--outlet", help="The publication the articles are from (default: a feed's "
                                "title, a page's site)")] = "",
           dry_run: Annotated[bool, typer.Option(
               "--dry-run", help="Read and report only; write nothing to the database")
           ] = False,
           gazetteer: Annotated[Path | None, typer.Option(
               "--gazetteer", help="A TOML file of organisations, places and words merged "
                                   "over the shipped gazetteer (default: "
                                   "$PLEDGE_NEWS_GAZETTEER)", show_default=False)] = None,
           source: Annotated[str | None, typer.Option(
               "--source", help="Where the article is from (URL), for a single file; "
                                "default: the file's name (never its folder)",
               show_default=False)] = None,
           jobs: Annotated[int | None, typer.Option(
               "--jobs", help="Processes to read on (default: one per core for 200 or "
                              "more articles, else one)", show_default=False)] = None,
           idempotency_key: KeyOpt = None, json: JsonOpt = False) -> None:
    """Read articles, pages, feeds into proposals.

    Read news articles into proposed changes, each with its source sentence.

    Articles come from files, from web pages (by address), from RSS or Atom feeds
    (--feed), or from a list of feeds read on a schedule (--watch FEEDS.toml). The web is
    read politely: one request at a time, --delay seconds apart, robots.txt obeyed.
    Scraper noise (paywalls, newsletter sign-ups, copyright lines, menus) is removed
    first. Without --dry-run, new articles are stored and their proposals queued for
    `pledge review`; an article seen before (or a near-identical copy) queues nothing,
    and one that proposes what a waiting proposal says corroborates it instead.

    \b
    Examples:
      pledge ingest --dry-run examples/article_copper.txt
      pledge ingest examples/clippings
      pledge ingest --feed https://news.example/rss.xml
      pledge ingest --watch feeds.toml --rounds 4
    """
    from pledge.cli import news_web
    from pledge.domain.fetching import check_delay, check_rounds
    targets, feeds = list(files or []), list(feed or [])
    if delay is not None:
        check_delay(delay, "delay")
    if watch is not None:
        if targets or feeds or dry_run or source is not None:
            raise InvalidInput.single("watch", str(watch), "news.watch_alone",
                                      "--watch reads its list only (no files, --feed, "
                                      "--source or --dry-run with it)")
        many = 1 if once_only else None if rounds is None else check_rounds(rounds)
        news_web.run_watch(_engine(), watch, me(), rounds=many, delay=delay,
                           gazetteer=gazetteer or _chosen_gazetteer(), json_out=json,
                           rows=lambda results, title: _show(results, title, False))
        return
    if once_only or rounds is not None:
        raise InvalidInput.single("rounds", rounds, "news.rounds_need_watch",
                                  "--once and --rounds go with --watch")
    if not targets and not feeds:
        raise InvalidInput.single("file", "", "news.nothing_to_read",
                                  "name article files, addresses, --feed or --watch")
    addresses = [t for t in targets if news_web.is_address(t)]
    paths = article_files([Path(t) for t in targets if t not in addresses]) \
        if len(addresses) < len(targets) else []
    if source is not None and (len(paths) != 1 or addresses or feeds):
        raise InvalidInput.single("source", source, "news.source_for_one",
                                  "--source names the source of a single file")
    engine = _engine(ensure=not dry_run)
    from pledge.services import news as svc
    articles = [svc.ArticleInput(source if source is not None else p.name,
                                 svc.decode_article(read_bytes(p), value=str(p)), None,
                                 outlet=outlet)
                for p in paths]
    if addresses or feeds:
        fetched, skipped = news_web.gather(addresses, feeds, engine=engine, delay=delay,
                                           outlet=outlet)
        articles += fetched
        news_web.show_skipped(skipped)
    _ingest(engine, articles, dry_run=dry_run, gazetteer=gazetteer,
            idempotency_key=idempotency_key, json=json, jobs=jobs)


def _chosen_gazetteer() -> str | None:
    from pledge.cli import state
    chosen: str | None = state.settings().news_gazetteer
    return chosen


def _ingest(engine: Any, articles: list[svc.ArticleInput], *, dry_run: bool,
            gazetteer: Path | None, idempotency_key: str | None, json: bool,
            jobs: int | None = None) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from pledge.models.news import IngestedArticle
    from pledge.services import news as svc
    if not articles:
        if json:
            render.emit_json([])
        else:
            render.console.print("nothing new to read")
        return
    chosen = gazetteer or _chosen_gazetteer()
    # a dry run reads only (and may have no database to identify anyone in)
    who = reader() if dry_run else me()
    show = len(articles) > 1 and render.err_console.is_terminal
    with Progress(TextColumn("reading articles"), BarColumn(), MofNCompleteColumn(),
                  console=render.err_console, transient=True, disable=not show) as bar:
        task = bar.add_task("ingest", total=len(articles))
        # A dry run writes nothing, so there is nothing to run once.
        ran = once(None if dry_run else engine, who, idempotency_key, lambda: svc.ingest(
            engine, articles, who, dry_run=dry_run, gazetteer=chosen, jobs=jobs,
            progress=lambda done, total: bar.update(task, completed=done)),
            lambda results: [IngestedArticle.of(r).document() for r in results])
    if json:
        render.emit_json(ran.json() if not dry_run else ran.document)
        return
    if (results := ran.value) is None:
        return
    _show(results, f"{len(results)} articles" + (" (dry run: nothing written)"
                                                 if dry_run else ""), dry_run)


def _show(results: list[svc.IngestResult], title: str, dry_run: bool) -> None:
    rows = []
    for r in results:
        c = r.extraction.contract()
        if r.duplicate_of is not None or r.duplicate:
            outcome = f"{r.duplicate} copy of article {r.duplicate_of}" if r.duplicate_of \
                else f"{r.duplicate} copy of an earlier file"
        else:
            queued = len(r.proposals)
            outcome = (render.plural(queued, "proposal") + (" (dry run)" if dry_run else "")
                       + (f"; corroborates {len(r.already_proposed)} waiting"
                          if r.already_proposed else ""))
        rows.append((r.article_id or "", c["source"], c["published"] or "—", c["language"],
                     c["pledging_country"], len(c["amounts"]), ", ".join(c["companies"]),
                     ", ".join(map(str, c["matched_projects"])), outcome))
    render.table(title, ["id", "source", "published", "lang", "country", "amounts",
                         "companies", "projects", "outcome"], rows)


def _proposal_rows(items: list[svc.ProposalView]) -> list[tuple[Any, ...]]:
    return [(p.id, p.kind, p.project_id or "", p.project_name, p.summary,
             f"{p.confidence:.2f}", p.state, p.article_source,
             p.evidence if len(p.evidence) <= 90 else p.evidence[:87] + "...") for p in items]


_COLUMNS = ["id", "kind", "project", "name", "change", "conf.", "state", "source", "evidence"]


def _one(p: svc.ProposalView, json: bool) -> None:
    from pledge.cli.claims_cmds import in_force
    from pledge.models.news import Proposal
    if json:
        render.emit_json(Proposal.of(p).document())
        return
    render.pairs(f"Proposal {p.id}: {p.kind} ({p.state})", [
        ("project", f"{p.project_id} {p.project_name}" if p.project_id else p.project_name),
        ("change", p.summary),
        ("confidence", f"{p.confidence:.2f}"),
        ("source", p.article_source), ("outlet", p.article_outlet or None),
        ("published", p.article_published.isoformat() if p.article_published else None),
        ("evidence", p.evidence),
        ("corroborated by", "; ".join(f"{x['source']} ({x['outlet'] or '?'})"
                                      for x in p.sources[1:]) or None),
        ("decided", f"{p.decided_by} ({p.decided_role}) {p.decided_at:%Y-%m-%d %H:%M}"
         if p.decided_at else None),
        ("reason", p.reason or None), ("result", p.result),
        ("terms in force", in_force(p))])


@review_app.command("list")
def list_(state: Annotated[str, typer.Option(
              help="proposed, accepted, rejected, or all")] = "proposed",
          json: JsonOpt = False) -> None:
    """List proposals from news articles.

    List proposals with their source sentence and confidence.

    \b
    Example:
      pledge review list --state all
    """
    from pledge.models.news import Proposal
    from pledge.services import news as svc
    items = svc.list_proposals(_engine(), state=None if state == "all" else state)
    if json:
        render.emit_json([Proposal.of(p).document() for p in items])
        return
    render.table(f"{render.plural(len(items), 'proposal')} ({state})", _COLUMNS,
                 _proposal_rows(items))


@review_app.command("show")
def show(id: Annotated[str, typer.Argument(help="Proposal id")],
         json: JsonOpt = False) -> None:
    """Show one proposal and its evidence.

    Show one proposal: the change, its evidence, and any decision.

    \b
    Example:
      pledge review show 1
    """
    from pledge.services import news as svc
    _one(svc.get_proposal(_engine(), id), json)


@review_app.command("articles")
def articles(project: Annotated[str | None, typer.Option(
                 "--project", help="Only the articles about this project (id)",
                 show_default=False)] = None,
             json: JsonOpt = False) -> None:
    """List stored articles, newest first.

    List stored articles, newest first, with their proposals (all and still waiting).

    \b
    Example:
      pledge review articles --project 17
    """
    from pledge.models.news import ArticleListItem
    from pledge.services import news as svc
    rows = svc.list_articles(_engine(), project_id=project)
    if json:
        render.emit_json([ArticleListItem.of(a).document() for a in rows])
        return
    render.table(f"{len(rows)} articles" + (f" about project {project}" if project else ""),
                 ["id", "published", "read", "language", "country", "outlet",
                  "title or source", "proposals", "waiting"],
                 [(a.id, a.published.isoformat() if a.published else "—",
                   a.ingested_at.strftime("%Y-%m-%d"), a.language, a.pledging_country,
                   a.outlet or "—", a.title or a.source, a.proposals, a.waiting)
                  for a in rows])


@review_app.command("article")
def article(id: Annotated[str, typer.Argument(help="Article id")],
            json: JsonOpt = False) -> None:
    """Show a stored article and its proposals.

    Show a stored article: its text with the sentences facts came from, and its proposals.

    \b
    Example:
      pledge review article 1
    """
    from pledge.models.news import Article
    from pledge.services import news as svc
    view = svc.article_view(_engine(), id)
    if json:
        render.emit_json(Article.of(view).document())
        return
    a = view.article
    facts = a.get("facts") or {}
    render.pairs(f"Article {a['id']}: {a['title'] or a['source']}", [
        ("source", a["source"]), ("outlet", a.get("outlet") or None),
        ("language", a["language"]),
        ("published", a["published_on"].isoformat() if a.get("published_on") else None),
        ("pledging country", a["pledging_country"] or None),
        ("read by", f"{a['ingested_by']} ({a['role']})"),
        ("companies", ", ".join(facts.get("companies", [])) or None),
        ("officials", "; ".join(f"{o['name']} ({o['office']})" if o.get("office")
                                else o["name"] for o in facts.get("officials", [])) or None),
        ("US locations", ", ".join(facts.get("us_locations", [])) or None),
        ("projects", ", ".join(str(p) for p in facts.get("matched_projects", [])) or None),
    ])
    cited = [part.text for para in view.paragraphs for part in para if part.evidence]
    render.table("Sentences facts were read from", ["sentence"], [(c,) for c in cited])
    if view.proposals:
        render.table(f"{len(view.proposals)} proposals", _COLUMNS,
                     _proposal_rows(view.proposals))


@review_app.command("accept")
def accept(id: Annotated[str, typer.Argument(help="Proposal id")],
           on: Annotated[str | None, typer.Option(
               "--on", "--effective",
               help="Date the change takes effect, YYYY-MM-DD (default: the article's "
                    "publication date; today only if it has none)",
               show_default=False)] = None,
           as_report: Annotated[bool, typer.Option(
               "--as-report", help="For a reported stage: record it as a sourced status "
                                   "report, leaving the lifecycle stage as it is")] = False,
           actor: ActorOpt = None, role: RoleOpt = None, idempotency_key: KeyOpt = None,
           json: JsonOpt = False) -> None:
    """Apply a proposal, sourced to its article.

    Apply a proposal through the usual rules, with the article as its source (you
    decide, or you record the decision of the --actor in the --role the change needs).

    \b
    Example:
      pledge review accept 1 --on 2026-03-02
    """
    from pledge.services import news as svc
    engine, who = _engine(), acting(actor, role)
    ran = once(engine, who, idempotency_key, lambda: svc.accept(
        engine, id, who, on=parse_date(on, "on") if on else None, as_report=as_report),
        _record)
    if json:
        render.emit_json(ran.json())
        return
    if (p := ran.value) is None:
        return
    render.console.print(f"proposal {p.id} accepted: {p.summary}"
                         + (f" (project {p.result['project_id']})"
                            if p.result and p.result.get("project_id") else ""))
    if p.result and p.result.get("sources"):
        render.console.print(f"sources: {', '.join(p.result['sources'])} "
                             f"({p.result.get('confidence_level')})", markup=False)
    if p.result and p.result.get("on"):
        render.console.print(f"recorded on {p.result['on']}" + _ON_FROM.get(
            str(p.result.get("on_from")), ""))


_ON_FROM: Final = {"article": ", the article's publication date",
                   "given": ", as given",
                   "today": ": today (the article has no date; give --on to record another)"}


@review_app.command("reject")
def reject(id: Annotated[str, typer.Argument(help="Proposal id")],
           reason: Annotated[str, typer.Option(help="Why")] = "",
           idempotency_key: KeyOpt = None, json: JsonOpt = False) -> None:
    """Reject a proposal (it is kept).

    Reject a proposal (it is kept, with who rejected it and why).

    \b
    Example:
      pledge review reject 2 --reason 'A different plant'
    """
    from pledge.services import news as svc
    engine, who = _engine(), me()
    ran = once(engine, who, idempotency_key, lambda: svc.reject(engine, id, who, reason),
               _record)
    if json:
        render.emit_json(ran.json())
    elif (p := ran.value) is not None:
        render.console.print(f"proposal {p.id} rejected")


def _record(p: svc.ProposalView) -> dict[str, Any]:
    from pledge.models.news import Proposal
    return Proposal.of(p).document()


def register(app: typer.Typer) -> None:
    from pledge.cli import claims_cmds
    app.command("ingest")(ingest)
    claims_cmds.register_review(review_app)   # review claims, review tranches
    app.add_typer(review_app, name="review")
