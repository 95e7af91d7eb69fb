"""The framework page: every setting with its sources, or its assumption mark with the
basis and the other readings; claims the terms do not adopt."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from pledge.app import create_app
from pledge.domain.lifecycle import Role
from pledge.services import frameworks as fw_svc
from pledge.store.db import make_engine
from tests.web.test_pages import log_in


@pytest.fixture
def client(demo_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(demo_url)) as c:
        yield c


def _row(page: str, key: str) -> str:
    m = re.search(rf'<tr data-testid="setting-{re.escape(key)}">(.*?)</tr>', page, re.S)
    assert m, f"no row for {key}"
    return html.unescape(m.group(1))


def test_each_setting_shows_its_sources_or_its_assumption(client: TestClient,
                                                          demo_url: str) -> None:
    log_in(client, Role.ANALYST)
    page = client.get("/frameworks/japan").text
    doc = fw_svc.framework_document(fw_svc.get_framework(make_engine(demo_url), "japan"))
    first = doc["versions"][0]
    # every setting of the version has its row, in the data's order
    keys = re.findall(r'<tr data-testid="setting-([^"]+)">',
                      page.split('data-testid="version-')[1])
    assert keys == list(first["settings"])
    # a sourced setting links each of its sources, and says no more
    split = _row(page, "split.pre_partner_share")
    assert "assumption" not in split and "0.5" in split
    assert split.count('class="src"') == len(first["sources"]["split.pre_partner_share"])
    # compounding is an assumption: the basis and the other reading with its sources
    compounding = first["assumptions"]["deemed_rate.compounding"]
    row = _row(page, "deemed_rate.compounding")
    assert "<strong data-testid=\"assumption\">assumption</strong>: " + compounding["basis"] in row
    for alt in compounding["alternatives"]:
        assert alt["reading"] in row
        for src in alt["sources"]:
            assert f'href="{src}"' in row
    # a default of the software is said to be one
    for key in first["defaults"]:
        assert "the software's default" in _row(page, key)


def test_the_claims_the_terms_do_not_adopt_are_listed(client: TestClient) -> None:
    log_in(client, Role.ANALYST)
    page = html.unescape(client.get("/frameworks/japan").text)
    claims = re.search(r'data-testid="earlier-claims">(.*?)</ul>', page, re.S)
    assert claims and "90%" in claims.group(1)


def test_an_unknown_framework_is_not_found_and_visitors_log_in_first(client: TestClient
                                                                     ) -> None:
    assert "/login" in str(client.get("/frameworks/japan").url)
    log_in(client, Role.ANALYST)
    assert client.get("/frameworks/nowhere").status_code == 404
