"""Fixtures for the news tests: the shipped gazetteer and the shipped project index."""

from __future__ import annotations

import pytest

from pledge.ingest.gazetteer import Gazetteer, load
from pledge.ingest.match import ProjectIndex
from pledge.services.news import shipped_projects


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return load()


@pytest.fixture(scope="session")
def index(gazetteer: Gazetteer) -> ProjectIndex:
    return ProjectIndex(shipped_projects(), gazetteer)
