"""Paths and small helpers shared by the news tests."""

from __future__ import annotations

from pathlib import Path

from pledge.ingest.extract import Extraction, extract
from pledge.ingest.gazetteer import Gazetteer
from pledge.ingest.match import ProjectIndex

DATA = Path(__file__).resolve().parents[1] / "data"
SEED_000 = DATA / "000_c962c52e75ce5afa.txt"
SEED_003 = DATA / "003_55c8f61983c93d13.txt"
NEWS = DATA / "news"


def dev_texts() -> list[str]:
    """The development articles' texts, in name order (never the held-out part)."""
    return [p.read_text(encoding="utf-8") for p in sorted(NEWS.glob("*.*"))
            if p.suffix in (".txt", ".html")]


def read(path: Path, gazetteer: Gazetteer, index: ProjectIndex | None) -> Extraction:
    return extract(path.read_text(encoding="utf-8"), source=path.name, gazetteer=gazetteer,
                   projects=index, name=path.name)


def read_text(text: str, gazetteer: Gazetteer, index: ProjectIndex | None = None,
              *, html: bool | None = False) -> Extraction:
    return extract(text, source="test", gazetteer=gazetteer, projects=index, html=html)


def status_signals(text: str, gazetteer: Gazetteer, index: ProjectIndex
                   ) -> set[tuple[int | str, str]]:
    """(project id, or the descriptive name of a new project, stage) as reported."""
    ext = read_text(text, gazetteer, index)
    ids = {s.project: s.project_id for s in ext.statuses}
    return {(ids[s["project"]] or s["project"], s["status"])
            for s in ext.contract()["status_signals"]}
