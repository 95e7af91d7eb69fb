"""Migrations that carry data: the news mentions are filled in for articles already read."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, select

from pledge.store import tables as t
from pledge.store.db import alembic_config, migrate


def test_0008_fills_in_the_projects_each_stored_article_is_about(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    command.upgrade(alembic_config(engine), "0007")
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(t.frameworks.insert().values(id=1, key="japan", name="Japan",
                                                  partner="Japan", partner_currency="JPY"))
        for pid in (24, 25):
            conn.execute(t.projects.insert().values(
                id=pid, framework_id=1, name=f"p{pid}", sector="energy", sector_detail="",
                location="", states=[], status="proposed", created_at=now))
        for aid, matched in ((1, [24, 25, 24]), (2, []), (3, [25, 999])):
            conn.execute(t.news_articles.insert().values(
                id=aid, source=f"s{aid}", title="", language="en", pledging_country="",
                content_hash=f"h{aid}", fingerprint="0", sketch="", text="x",
                facts={"matched_projects": matched}, ingested_at=now, ingested_by="a",
                role="analyst"))
    migrate(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(t.news_mentions.c.article_id, t.news_mentions.c.project_id)
                            .order_by(t.news_mentions.c.article_id,
                                      t.news_mentions.c.project_id)).all()
    # duplicates once; a project no longer known (999) is left out
    assert [tuple(r) for r in rows] == [(1, 24), (1, 25), (3, 25)]
