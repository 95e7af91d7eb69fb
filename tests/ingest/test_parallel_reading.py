"""A large batch read on several processes gives the same extractions, in the same
order, as reading the articles one after the other; the number of processes is
checked; the command line takes --jobs; an extraction pickles (as it comes back from a
process) to an equal one."""

from __future__ import annotations

import gc
import pickle
from dataclasses import fields, replace
from pathlib import Path

import pytest

from pledge.domain.errors import InvalidInput
from pledge.ingest import facts
from pledge.ingest.claims import RelationFact
from pledge.ingest.extract import Amount, Extraction, extract
from pledge.ingest.gazetteer import Gazetteer, load
from pledge.ingest.match import ProjectIndex
from pledge.services import news
from pledge.services.news_projects import shipped_projects
from pledge.services.news_reading import PARALLEL_FROM, _no_collection, jobs_for
from tests.clirunner import Cli

NEWS = Path(__file__).resolve().parents[1] / "data" / "news"


def labelled() -> list[news.ArticleInput]:
    files = sorted([*NEWS.glob("*.txt"), *NEWS.glob("*.html")])
    assert len(files) >= 30
    return [news.ArticleInput(f.name, f.read_text(encoding="utf-8"), f.suffix == ".html")
            for f in files]


def test_two_processes_read_what_one_reads_in_the_same_order() -> None:
    articles = labelled() * 2          # several tasks per process
    gaz, projects = load(), shipped_projects()
    seen: list[tuple[int, int]] = []
    one = news.read_articles(articles, projects=projects, gazetteer=gaz)
    two = news.read_articles(articles, projects=projects, gazetteer=gaz, jobs=2,
                             progress=lambda done, total: seen.append((done, total)))
    assert [e.contract() for e in two] == [e.contract() for e in one]
    assert [e.source for e in two] == [a.source for a in articles]
    assert [e.fingerprint for e in two] == [e.fingerprint for e in one]
    # progress reaches the end, counting up
    assert seen[-1] == (len(articles), len(articles))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert gc.isenabled()       # paused while the results came in, on again after


def test_the_collector_pause_ends_as_it_began_even_on_an_error() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), _no_collection():
        assert not gc.isenabled()
        raise RuntimeError("a progress callback failed")
    assert gc.isenabled()
    gc.disable()
    try:
        with _no_collection():
            assert not gc.isenabled()
        assert not gc.isenabled()   # a caller that had it off keeps it off
    finally:
        gc.enable()


def test_how_many_processes() -> None:
    assert jobs_for(PARALLEL_FROM - 1) == 1
    assert jobs_for(PARALLEL_FROM) >= 1
    assert jobs_for(5, 3) == 3
    for bad in (0, 65, True, -1):
        with pytest.raises(InvalidInput) as err:
            jobs_for(10, bad)
        assert err.value.first.field == "jobs" and err.value.first.rule == "bounds.jobs"


def test_the_command_line_reads_on_the_processes_asked_for(cli: Cli) -> None:
    files = [str(p) for p in sorted(NEWS.glob("dev_en_*.txt"))[:6]]
    one = cli.json("ingest", "--dry-run", "--jobs", "1", "--json", *files)
    two = cli.json("ingest", "--dry-run", "--jobs", "2", "--json", *files)
    assert one == two and len(one) == len(files)
    code, _, err = cli("ingest", "--dry-run", "--jobs", "0", *files)
    assert code == 2 and "jobs=0" in err


def test_an_extraction_comes_back_from_pickling_field_for_field(gazetteer: Gazetteer,
                                                                 index: ProjectIndex) -> None:
    found = [extract(a.text, source=a.source, gazetteer=gazetteer, projects=index,
                     html=a.html) for a in labelled()]
    for protocol in (pickle.DEFAULT_PROTOCOL, pickle.HIGHEST_PROTOCOL):
        back = pickle.loads(pickle.dumps(found, protocol=protocol))
        assert back == found
        assert [repr(e) for e in back] == [repr(e) for e in found]
        assert [type(e.amounts) for e in back] == [tuple] * len(found)
    assert sum(len(e.amounts) + len(e.mentions) + len(e.roles) for e in back) > 100
    # every kind of fact but relations (see the next test) came back from somewhere
    for name in facts._FACT_FIELDS:
        assert any(getattr(e, name) for e in back) or name == "relations", name


def test_an_extraction_sends_its_facts_as_rows_of_values(gazetteer: Gazetteer,
                                                         index: ProjectIndex) -> None:
    """Its facts are pickled as one class per kind and plain rows, not a record each;
    facts of mixed classes (none are made so) go as they are, and come back the same."""
    a = next(a for a in labelled() if a.source == "dev_en_gov_release.txt")
    e = extract(a.text, source=a.source, gazetteer=gazetteer, projects=index, html=a.html)
    assert e.amounts and e.organisations and e.relations == ()
    rebuild, (values,) = e.__reduce__()
    names = [f.name for f in fields(Extraction)]
    kind, rows = values[names.index("amounts")]
    assert kind is Amount and rows[0] == e.amounts[0].__reduce__()[1]
    assert values[names.index("relations")] == ()
    assert rebuild(values) == e
    related = replace(e, relations=(RelationFact(1, 2, "duplicate", "also known as", 0,
                                                 "A is also known as B.", 0.8),))
    assert pickle.loads(pickle.dumps(related)) == related
    mixed = replace(e, organisations=(*e.organisations, e.amounts[0]))  # type: ignore[arg-type]  # a mixed group on purpose
    assert facts._rows(mixed.organisations) == mixed.organisations
    back = pickle.loads(pickle.dumps(mixed))
    assert back == mixed and back.organisations[-1] == e.amounts[0]
