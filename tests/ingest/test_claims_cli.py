"""`pledge review` for sponsors, tranches and term claims: shown, accepted, listed; a term
claim shown beside the framework's terms, which `pledge frameworks show` still gives as
they were."""

from __future__ import annotations

from tests.clirunner import Cli
from tests.ingest.helpers import SEED_000, SEED_003


def test_sponsor_and_tranche_from_the_command_line(cli: Cli) -> None:
    [out] = cli.json("ingest", str(SEED_000), "--source", "https://news.example/000")
    kinds = {p["kind"]: p for p in out["proposals"]}
    assert {"sponsor", "tranche"} <= set(kinds)
    sponsor = cli.json("review", "show", str(kinds["sponsor"]["id"]))
    assert (sponsor["project_id"], sponsor["payload"]["name"], sponsor["payload"]["role"]) == (
        24, "GE Vernova", "partner")
    code, text, _ = cli("review", "show", str(kinds["sponsor"]["id"]))
    assert code == 0 and "sponsor: GE Vernova as partner" in text
    done = cli.json("review", "accept", str(kinds["sponsor"]["id"]), "--role", "cc_us",
                    "--on", "2026-02-20")
    assert done["state"] == "accepted" and done["result"]["name"] == "GE Vernova"
    project = cli.json("projects", "show", "24")
    assert {"name": "GE Vernova", "role": "partner"}.items() <= next(
        s for s in project["sponsors"] if s["name"] == "GE Vernova").items()
    tranche = cli.json("review", "show", str(kinds["tranche"]["id"]))
    assert tranche["payload"]["label"] == "first phase" and tranche["project_id"] is None
    cli.json("review", "accept", str(kinds["tranche"]["id"]), "--role", "ic", "--on",
             "2026-02-20")
    [listed] = cli.json("review", "tranches", "--framework", "japan")
    assert listed == {"id": listed["id"], "framework": "japan", "project_id": None,
                      "label": "first phase", "ordinal": 1,
                      "amount": "an estimated 6 to 7 trillion yen", "low": "6000000000000.00",
                      "high": "7000000000000.00", "currency": "JPY",
                      "source": "https://news.example/000", "as_of": "2026-02-20"}
    code, text, _ = cli("review", "tranches")
    assert code == 0 and "first phase" in text and "programme" in text


def test_a_term_claim_beside_the_terms_from_the_command_line(cli: Cli) -> None:
    terms_before = cli.json("frameworks", "show", "japan")
    [out] = cli.json("ingest", str(SEED_003), "--source", "https://news.example/003")
    claims = [p for p in out["proposals"] if p["kind"] == "term_claim"]
    assert len(claims) == 2
    window = next(p for p in claims if "funding_window.length" in p["payload"]["settings"])
    shown = cli.json("review", "show", str(window["id"]))
    assert shown["payload"]["settings"] == {"funding_window.length": 45,
                                            "funding_window.unit": "business"}
    assert shown["summary"].startswith("term claim (japan, terms unchanged)")
    code, text, _ = cli("review", "show", str(window["id"]))
    assert code == 0 and "terms in force" in text and "(agrees)" in text
    done = cli.json("review", "accept", str(window["id"]), "--role", "cc_jp", "--on",
                    "2026-02-20")
    assert done["result"]["terms_changed"] is False
    assert done["result"]["agrees"] == {"funding_window.length": True,
                                        "funding_window.unit": True}
    [claim] = cli.json("review", "claims", "japan")
    assert claim["settings"] == {"funding_window.length": 45, "funding_window.unit": "business"}
    assert claim["terms"] == claim["settings"] and claim["source"] == "https://news.example/003"
    assert cli.json("frameworks", "show", "japan") == terms_before   # the terms are unchanged
    code, text, _ = cli("frameworks", "show", "japan")
    assert code == 0 and "1 claim about the terms of japan (the terms are unchanged)" in text
    code, text, _ = cli("review", "claims", "japan")
    assert code == 0 and "funding_window.unit" in text and "yes" in text


def test_the_article_shows_its_officials(cli: Cli) -> None:
    [out] = cli.json("ingest", str(SEED_003), "--source", "https://news.example/003")
    assert [o["name"] for o in out["officials"]][:4] == [
        "Ryosei Akazawa", "Howard Lutnick", "Jamieson Greer", "Sanae Takaichi"]
    shown = cli.json("review", "article", str(out["article_id"]))
    assert shown["facts"]["officials"][1] == {"name": "Howard Lutnick",
                                              "office": "Commerce Secretary",
                                              "country": "United States"}
    code, text, _ = cli("review", "article", str(out["article_id"]))
    assert code == 0 and "Jamieson Greer (Trade Representative)" in text


def test_an_empty_framework_is_refused_not_read_as_every_framework(cli: Cli) -> None:
    # `--framework ""` (an unset variable in a script) names no framework: it is refused
    # as review claims refuses it, not taken for "every framework".
    for args in (["review", "tranches", "--framework", ""], ["review", "claims", ""]):
        code, _, err = cli(*args)
        assert code == 2 and err.startswith("error: framework=: ") and \
            "[framework.unknown]" in err, (args, err)
