"""Articles saved in the encodings Japanese and Korean pages still use are read as text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pledge.app import create_app
from pledge.domain.errors import InvalidInput
from pledge.ingest.decode import decode_article
from tests.clirunner import Cli
from tests.ingest.helpers import NEWS

KO = (NEWS / "ko_japan_first_projects.txt").read_text(encoding="utf-8")
# Lines Shift_JIS can write (a © line cannot be).
JA = "\n".join(line for line in (NEWS / "ja_tranche1_keizai.txt").read_text(
    encoding="utf-8").splitlines() if "\u00a9" not in line)


def html(body: str, charset: str | None) -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return f"<html><head>{meta}<title>t</title></head><body><p>{body}</p></body></html>"


@pytest.mark.parametrize(("text", "codec", "declared"), [
    (KO, "cp949", None),          # found by detection
    (KO, "utf-8", None),
    (JA, "shift_jis", None),
    (JA, "euc_jp", None),
    (JA, "utf-16", None),         # a byte-order mark
    (KO, "cp949", "euc-kr"),      # declared as EUC-KR, written with CP949's extra syllables
    (JA, "cp932", "Shift_JIS"),
])
def test_the_text_comes_back_whatever_the_encoding(text: str, codec: str,
                                                   declared: str | None) -> None:
    assert decode_article(text.encode(codec), declared=declared) == text


@pytest.mark.parametrize(("text", "codec", "declared"), [
    ("투자 발표", "cp949", "euc-kr"),
    ("日本の投資", "euc_jp", "EUC-JP"),
    ("Café, naïve résumé: €5bn", "cp1252", "windows-1252"),
    ("Investissement de 5 Md€ à Lyon", "iso-8859-15", "ISO-8859-15"),
])
def test_a_short_text_is_read_by_its_declared_charset(text: str, codec: str,
                                                      declared: str) -> None:
    # Detection alone misreads each of these (too few bytes to tell); the declaration wins.
    assert decode_article(text.encode(codec), declared=declared) == text
    assert decode_article(html(text, declared).encode(codec)) == html(text, declared)


def test_a_page_declaring_its_charset_is_read_by_it() -> None:
    page = html(KO, "euc-kr")
    assert decode_article(page.encode("cp949")) == page
    # A page saved again as UTF-8 keeps its old declaration; UTF-8 wins.
    assert decode_article(page.encode("utf-8")) == page


def test_bytes_that_are_not_text_are_refused() -> None:
    with pytest.raises(InvalidInput) as err:
        decode_article(b"%PDF-1.7\x00\x01\x02\xff\xfe\x00binary", field="file", value="a.pdf")
    assert (err.value.first.field, err.value.first.value, err.value.first.rule) == (
        "file", "a.pdf", "news.encoding")


def test_the_cli_reads_a_korean_page_in_euc_kr(cli: Cli, tmp_path: Path) -> None:
    page = tmp_path / "ko.html"
    page.write_bytes(html(KO, "euc-kr").encode("cp949"))
    labels = json.loads((NEWS / "ko_japan_first_projects.json").read_text(encoding="utf-8"))
    [out] = cli.json("ingest", str(page), "--dry-run")
    assert out["language"] == "ko" and set(out["companies"]) == set(labels["companies"])
    binary = tmp_path / "scan.pdf"
    binary.write_bytes(b"%PDF-1.7\x00\x00\x01")
    code, _, err = cli("ingest", str(binary), "--dry-run")
    assert code == 2 and f"file={binary}" in err and "[news.encoding]" in err


def test_the_api_takes_the_charset_from_the_header(demo_url: str) -> None:
    from pledge.services.base import SYSTEM
    from pledge.services.demo import demo_password  # noqa: F401  (the demo has users)
    from pledge.services.users import add_user
    from pledge.store.db import make_engine

    token = add_user(make_engine(demo_url), "reader", "analyst", SYSTEM).token
    with TestClient(create_app(demo_url)) as client:
        r = client.post("/api/v1/ingest?dry_run=true&source=ja", content=JA.encode("shift_jis"),
                        headers={"Authorization": f"Bearer {token}",
                                 "Content-Type": "text/plain; charset=Shift_JIS"})
        assert r.status_code == 201, r.json()
        assert r.json()[0]["language"] == "ja"
