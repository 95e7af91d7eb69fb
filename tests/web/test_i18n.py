"""The pages in English and Japanese: which language a request gets, the switch that
remembers it, pages and messages in Japanese, and a catalogue with every message in it."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from importlib.resources import files
from typing import Any, get_args

import pytest
from babel.messages.catalog import Catalog
from fastapi.testclient import TestClient

from pledge.analytics.selection.utilities import Status
from pledge.app import create_app
from pledge.domain.framework import Instrument, WindowMeaning
from pledge.domain.fx import Rate
from pledge.domain.lifecycle import ConsultationKind, Role, Stage
from pledge.domain.project import SECTORS
from pledge.domain.proposals import ProposalKind
from pledge.domain.provenance import Confidence
from pledge.domain.relations import CHOICES, SEEN_LABELS
from pledge.domain.selection import Objective
from pledge.domain.waterfall import ROUNDING_RULE, Phase
from pledge.web import charts, i18n, templating, words
from tests.web import catalogue
from tests.web.test_pages import csrf, log_in

PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")


# --- which language ------------------------------------------------------------------

@pytest.mark.parametrize(("header", "codes"), [
    ("ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7", ["ja", "ja", "en", "en"]),
    ("en;q=0.5, ja", ["ja", "en"]),
    ("fr, ja;q=0", ["fr"]),
    ("", []),
    (None, []),
    ("ja;q=oops, en", ["en"]),
])
def test_accept_language_is_read_most_wanted_first(header: str | None,
                                                   codes: list[str]) -> None:
    assert i18n.accepted(header) == codes


@pytest.mark.parametrize(("asked", "cookie", "header", "lang"), [
    (None, None, None, "en"),                      # nothing said: English
    (None, None, "ja-JP,ja;q=0.9", "ja"),          # the browser's
    (None, None, "fr-FR, ja;q=0.5", "ja"),         # the first the pages have
    (None, None, "fr-FR, de", "en"),
    (None, "ja", "en-US", "ja"),                   # a choice made before wins
    ("en", "ja", "ja", "en"),                      # and a choice made now wins over it
    ("ja", None, None, "ja"),
    ("xx", "zz", "ja", "ja"),                      # unknown codes are ignored
])
def test_the_language_is_the_one_asked_then_chosen_then_the_browsers(
        asked: str | None, cookie: str | None, header: str | None, lang: str) -> None:
    assert i18n.choose(asked, cookie, header) == lang


@pytest.fixture
def client(demo_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(demo_url)) as c:
        yield c


def test_pages_are_english_unless_asked(client: TestClient) -> None:
    r = client.get("/login")
    assert '<html lang="en">' in r.text and "<h1>Log in</h1>" in r.text
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in r.headers["vary"].split(",")}
    assert i18n.COOKIE not in r.headers.get("set-cookie", "")
    # the header offers the other language, keeping the page's parameters
    assert 'href="/login?next=%2Fprojects&amp;lang=ja"' in client.get(
        "/login?next=/projects").text


def test_accept_language_gives_japanese_without_a_cookie(client: TestClient) -> None:
    r = client.get("/login", headers={"Accept-Language": "ja,en-US;q=0.8"})
    assert '<html lang="ja">' in r.text and "<h1>ログイン</h1>" in r.text
    assert i18n.COOKIE not in r.headers.get("set-cookie", "")  # nothing chosen yet
    r = client.get("/login", headers={"Accept-Language": "de-DE,fr;q=0.8"})
    assert '<html lang="en">' in r.text


def test_the_switch_is_remembered_over_the_browsers_language(client: TestClient) -> None:
    r = client.get("/login?lang=ja", headers={"Accept-Language": "en"})
    assert '<html lang="ja">' in r.text
    assert f"{i18n.COOKIE}=ja" in r.headers["set-cookie"]
    assert "Max-Age=31536000" in r.headers["set-cookie"]
    assert client.cookies.get(i18n.COOKIE) == "ja"
    # later pages, with no parameter, stay Japanese whatever the browser says
    again = client.get("/login", headers={"Accept-Language": "en"})
    assert '<html lang="ja">' in again.text and "パスワード" in again.text
    assert 'hreflang="en"' in again.text  # and offer English back
    back = client.get("/login?lang=en")
    assert '<html lang="en">' in back.text and client.cookies.get(i18n.COOKIE) == "en"
    assert '<html lang="en">' in client.get("/login").text


def test_the_switch_never_leads_to_another_site(client: TestClient) -> None:
    r = client.get("http://testserver//elsewhere.example/x")  # the path "//elsewhere…"
    assert 'href="/elsewhere.example/x?lang=ja"' in r.text
    assert 'href="//' not in r.text


def test_an_unknown_language_is_ignored(client: TestClient) -> None:
    r = client.get("/login?lang=xx")
    assert '<html lang="en">' in r.text and i18n.COOKIE not in r.headers.get("set-cookie", "")


def test_the_dashboard_in_japanese(client: TestClient) -> None:
    log_in(client, Role.ANALYST)
    page = client.get("/?framework=japan&lang=ja").text
    assert '<html lang="ja">' in page
    assert "<h1>日米戦略的投資(5,500億ドル)</h1>" in page
    for text in ("ダッシュボード", "案件", "上限", "配分済み", "直近の資金拠出期限",
                 "特記のない金額は米ドル建て", "ログアウト", "アナリスト"):
        assert text in page, text
    # the cap, US$550bn, as a Japanese reader counts it; dates as Japanese writes them
    assert re.search(r'data-testid="cap">5,500億ドル\(約\d[\d,兆億]*円\)<', page)
    assert re.search(r'data-testid="yen-rate">円換算は1ドル=[\d.]+円\(\d{4}年', page)
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日時点", page)
    visible = re.sub(r"<script.*?</script>|<[^>]+>", " ", page, flags=re.S)
    assert "None" not in visible and "nan" not in visible.split()
    assert not re.search(r"\d{12}", visible)
    # chart titles and axis titles too
    pipeline = _figure(page, "pipeline")["layout"]
    assert pipeline["title"]["text"] == "段階別の案件パイプライン"
    assert pipeline["yaxis"]["title"]["text"] == "案件"
    assert _figure(page, "sectors")["layout"]["xaxis"]["title"]["text"] == "配分額(10億ドル)"


def _figure(page: str, key: str) -> dict[str, Any]:
    found = re.search(rf'<script type="application/json" id="figure-{key}">(.*?)</script>',
                      page)
    assert found is not None, key
    figure: dict[str, Any] = json.loads(found.group(1))
    return figure


def test_a_project_and_the_calendar_in_japanese(client: TestClient) -> None:
    log_in(client, Role.ANALYST)
    client.get("/login?lang=ja")
    page = client.get("/projects/26").text
    for text in ("資金拠出済み", "SPVへの資金拠出", "出資", "計算書", "経過", "出典"):
        assert text in page, text
    assert "計算書:日本の資本勘定" in page
    calendar = client.get("/deadlines").text
    assert "資金拠出期限" in calendar and "<th>月</th>" in calendar
    assert re.search(r"<h2>\d{4}年\d{1,2}月</h2>", calendar)
    assert "Mon" not in calendar


def test_a_form_s_message_is_in_the_language_of_the_page(client: TestClient) -> None:
    log_in(client, Role.CC_JP)
    client.get("/login?lang=ja")
    page = client.get("/projects/32").text
    assert "協議を記録" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    key = re.search(r'data-testid="form-consult">\s*<input type="hidden" name="csrf_token" '
                    r'value="[^"]+"><input type="hidden" name="idempotency_key" '
                    r'value="([^"]+)"', page)
    assert key is not None
    r = client.post("/projects/32/consult", data={
        "kind": "committee", "on": "2026-04-01", "note": "", "sources": "",
        "csrf_token": token.group(1), "idempotency_key": key.group(1)})
    assert r.status_code == 200
    assert "協議(委員会協議)を記録しました。" in r.text


def test_an_error_page_in_japanese(client: TestClient) -> None:
    log_in(client, Role.ANALYST)
    r = client.get("/projects/99999?lang=ja")
    assert r.status_code == 404 and "<h1>見つかりません</h1>" in r.text
    assert "ダッシュボードに戻る" in r.text


def test_a_wrong_password_is_told_in_japanese(client: TestClient) -> None:
    client.get("/login?lang=ja")
    r = client.post("/login", data={"name": "demo_ic", "password": "not-it",
                                    "csrf_token": csrf(client)})
    assert r.status_code == 401 and "名前またはパスワードが正しくありません。" in r.text


# --- formatting per language ---------------------------------------------------------

@pytest.fixture
def japanese() -> Iterator[None]:
    i18n.use("ja")
    yield
    i18n.use("en")


def test_no_yen_equivalent_in_english(client: TestClient) -> None:
    log_in(client, Role.ANALYST)
    page = client.get("/?framework=japan").text
    assert re.search(r'data-testid="cap">US\$550bn<', page) and "yen-rate" not in page


def test_english_keeps_the_forms_it_had() -> None:
    i18n.use("en")
    assert templating.usd(Decimal("550000000000")) == "US$550bn"
    assert templating.usd(Decimal("1234.5"), full=True) == "US$1,234.50"
    assert templating.day(date(2026, 6, 9)) == "2026-06-09"
    assert templating.pct(0.1234) == "12.3%"
    assert templating.usd_range(None, Decimal("3e9")) == "up to US$3bn"
    assert templating.month(date(2026, 6, 1)) == "June 2026"
    assert templating.role("cc_jp") == "cc_jp"  # as the command line takes it


@pytest.mark.usefixtures("japanese")
def test_japanese_counts_in_oku_and_cho_and_writes_dates_its_way() -> None:
    assert templating.usd(Decimal("550000000000")) == "5,500億ドル"
    assert templating.usd(Decimal("6508721687.06")) == "65億900万ドル"  # 4 significant digits
    assert templating.usd(Decimal("1234.5"), full=True) == "$1,234.50"
    assert templating.usd_about(Decimal("20230000000")) == "約202億ドル"
    rate = Rate(date(2026, 1, 5), "USD", "JPY", Decimal("156"), "a test rate")
    assert templating.in_yen(Decimal("550e9"), rate) == "(約85兆8,000億円)"
    assert templating.in_yen(Decimal("550e9"), None) == ""
    assert templating.usd_range(Decimal("1e9"), Decimal("3e9")) == "10億ドル〜30億ドル"
    assert templating.usd_range(None, Decimal("3e9")) == "最大30億ドル"
    assert templating.day(date(2026, 6, 9)) == "2026年6月9日"
    assert templating.day("2026-06-09") == "2026年6月9日"
    assert templating.month(date(2026, 6, 1)) == "2026年6月"
    assert templating.weekdays()[0] == "月"
    assert templating.number(25.46, 1) == "25.5"
    assert templating.label("critical_minerals") == "重要鉱物"
    assert templating.label("") == ""
    assert templating.role("cc_jp") == "協議委員会(日本側)"
    # an amount read from an article in yen
    assert templating.money({"low": "6000000000000", "high": "7000000000000",
                             "currency": "JPY"}) == "6兆円〜7兆円"
    assert templating.money({"low": "8250000000000", "high": "8250000000000",
                             "currency": "JPY"}) == "8兆2,500億円"
    assert templating.money({"low": None, "high": "2e9", "currency": "USD"}) == "最大20億ドル"
    assert templating.money({"low": "56e12", "high": "65e12", "currency": "KRW"}) == \
        "56兆ウォン〜65兆ウォン"
    assert templating.money({"low": "1e9", "high": None, "currency": "EUR"}) == \
        "€1bn以上"  # a currency Japanese does not count in 億: its short form


def test_a_batch_budget_s_reasons_write_their_amounts() -> None:
    i18n.use("en")
    assert templating.budget_reason("remaining cap 514300000000.00") == \
        "remaining cap US$514.3bn"
    assert templating.budget_reason("something else 12") == "something else 12"
    i18n.use("ja")
    try:
        assert templating.budget_reason("annual cap left 1000000000") == "年間上限の残り 10億ドル"
        assert templating.budget_reason("batch budget 2.5e9") == "batch budget 2.5e9"
    finally:
        i18n.use("en")


def test_the_terms_page_writes_amounts_never_their_raw_digits() -> None:
    i18n.use("en")
    assert templating.setting("550000000000", "commitment") == "US$550bn"
    assert templating.setting([{"key": "strategic", "amount": "550000000000",
                                "annual_cap": None}], "components") == \
        '[{"key": "strategic", "amount": "US$550bn", "annual_cap": null}]'
    assert templating.setting("45", "funding_window.length") == "45"
    assert templating.setting(["critical_minerals"], "sectors") == '["critical_minerals"]'
    assert templating.setting(True, "sectors_open") == "True"
    i18n.use("ja")
    try:
        assert templating.setting("550000000000", "commitment") == "5,500億ドル"
    finally:
        i18n.use("en")


@pytest.mark.usefixtures("japanese")
def test_charts_name_their_axes_in_japanese() -> None:
    fig = charts.pipeline(["提案"], [3], [Decimal("2e9")])
    assert fig["layout"]["title"]["text"] == "段階別の案件パイプライン"
    assert fig["layout"]["xaxis"]["title"]["text"] == "段階"
    assert fig["layout"]["yaxis2"]["title"]["text"] == "10億ドル(推計の上限)"
    g = charts.gauge(Decimal("550e9"), Decimal("35.7e9"), Decimal("1.8e9"))
    assert g["data"][0]["value"] == pytest.approx(357.0)  # counted in 億ドル
    assert g["data"][0]["number"]["suffix"] == "億ドル"
    assert "5,500億ドル" in g["layout"]["title"]["text"]
    assert charts._date_ticks()["tickformat"] == "%Y年%-m月"  # plotly.js writes English


# --- the catalogue ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def extracted() -> Catalog:
    return catalogue.extract()


@pytest.fixture(scope="module")
def japanese_catalogue() -> Catalog:
    return catalogue.read()


def _key(msgid: object) -> str:
    """A message's id (a plural's: its singular)."""
    if isinstance(msgid, str):
        return msgid
    assert isinstance(msgid, tuple | list)
    return str(msgid[0])


def test_every_message_of_the_pages_has_its_japanese_translation(
        extracted: Catalog, japanese_catalogue: Catalog) -> None:
    missing = []
    for message in extracted:
        if not message.id:
            continue
        found = japanese_catalogue.get(message.id)
        strings = [] if found is None else (
            [found.string] if isinstance(found.string, str) else list(found.string or []))
        if found is None or found.fuzzy or not strings or not all(strings):
            missing.append(_key(message.id))
    assert len(extracted) > 300  # the extraction did read the templates and the modules
    assert missing == [], ("not translated (run `python -m tests.web.catalogue`, then "
                           f"translate): {missing}")


def test_the_catalogue_has_no_message_the_pages_no_longer_use(
        extracted: Catalog, japanese_catalogue: Catalog) -> None:
    used = {_key(m.id) for m in extracted if m.id}
    unused = [_key(m.id) for m in japanese_catalogue if m.id and _key(m.id) not in used]
    assert unused == []


def test_translations_keep_every_placeholder(japanese_catalogue: Catalog) -> None:
    wrong = []
    for m in japanese_catalogue:
        if not m.id:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string or [])
        want = sorted(set(PLACEHOLDER.findall(ids[-1])))
        wrong += [ids[0] for s in strings if sorted(set(PLACEHOLDER.findall(s))) != want]
        # plotly's own placeholders (%{x}) must survive too
        wrong += [ids[0] for s in strings
                  if sorted(re.findall(r"%\{[^}]*\}", s)) != sorted(re.findall(
                      r"%\{[^}]*\}", ids[0]))]
    assert wrong == []


def test_the_catalogue_is_read_as_shipped_and_used() -> None:
    translations = i18n.catalogue("ja")
    assert translations.gettext("Projects") == "案件"
    assert translations.ngettext("%(num)s project", "%(num)s projects", 2) == "案件%(num)s件"
    assert i18n.catalogue("en").gettext("Projects") == "Projects"


def test_every_word_of_the_record_the_pages_show_is_in_the_catalogue() -> None:
    listed = {w for group in (words.STAGES, words.SECTORS, words.ROLES, words.INSTRUMENTS,
                              words.CONSULTATIONS, words.PROPOSALS, words.REVIEW_STATES,
                              words.PHASES, words.MEANINGS, words.OBJECTIVES, words.LINKS,
                              words.SEEN, words.AMOUNTS, words.COPIES, words.FRAMEWORKS,
                              words.PARTNERS, words.SOLUTIONS, words.CONFIDENCE)
              for w in group}
    keys = ([c.value for c in Confidence] + [s.value for s in Stage] + list(SECTORS)
            + [r.value for r in Role]
            + [i.value for i in Instrument] + [k.value for k in ConsultationKind]
            + [p.value for p in ProposalKind] + [p.value for p in Phase]
            + [m.value for m in WindowMeaning] + [o.value for o in Objective]
            + list(get_args(Status)))
    shown = {k.replace("_", " ") for k in keys} | {w for _, w in CHOICES} \
        | set(SEEN_LABELS.values())
    for path in (files("pledge") / "data" / "frameworks").iterdir():
        if path.name.endswith(".toml"):
            shipped = tomllib.loads(path.read_text(encoding="utf-8"))
            shown |= {shipped["name"], shipped["partner"]}
    assert shown - listed == set()
    assert words.ROUNDING == ROUNDING_RULE


def test_a_remembered_range_of_dollars_is_written_in_each_language_as_first_written() -> None:
    ranges = [(Decimal("850000000"), Decimal("1200000000")), (None, Decimal("3e9")),
              (Decimal("1e9"), None), (Decimal("2500000.00"), Decimal("2500000.00")),
              (Decimal("1234.5"), Decimal("1234.50")), (None, None)]
    for lang in ("en", "ja", "en"):
        i18n.use(lang)
        for low, high in ranges:
            written = templating._bounds(low, high, templating.usd)
            assert templating.usd_range(low, high) == written  # remembered: the same
            assert templating.usd_range(low, high) == written
    i18n.use("en")
    assert templating.usd_range(Decimal("1e9"), Decimal("3e9")) == "US$1bn–US$3bn"
