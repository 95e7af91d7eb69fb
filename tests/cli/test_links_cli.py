"""`pledge projects link / unlink / links` and the related projects in `projects show`,
on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from pledge.services import audit as audit_svc
from tests.clirunner import Cli


@pytest.fixture
def cli_on(engine: Engine, capsys: pytest.CaptureFixture[str]) -> Cli:
    """The CLI against a fresh loaded database of each backend."""
    return Cli(engine.url.render_as_string(hide_password=False), capsys)


def test_link_show_and_unlink_from_the_command_line(cli_on: Cli, engine: Engine) -> None:
    cli = cli_on
    made = cli.json("projects", "link", "28", "29", "--as", "related", "--source",
                    "https://example.org/gas", "--on", "2026-03-19", "--note",
                    "the second round's two gas plants")
    assert (made["project_id"], made["relation"], made["source"], made["on"], made["note"]) == (
        29, "related", "https://example.org/gas", "2026-03-19",
        "the second round's two gas plants")
    [seen] = cli.json("projects", "links", "29")
    assert (seen["project_id"], seen["name"], seen["link_id"]) == (
        28, "Natural gas power plant, Pennsylvania (second tranche)", made["link_id"])
    shown = cli.json("projects", "show", "29")
    assert [x["project_id"] for x in shown["related"]] == [28]
    assert shown["duplicate_of"] is None
    # the default data: the October list's SoftBank row is the Ohio plant reported again
    six = cli.json("projects", "show", "6")
    assert six["duplicate_of"] == 24
    assert [(x["project_id"], x["relation"]) for x in six["related"]] == [(24, "duplicate")]
    code, out, err = cli("projects", "show", "23")
    assert code == 0, err
    assert "Related projects" in out and "umbrella programme" in out
    code, out, err = cli("projects", "unlink", "29", "28", "--reason", "two sites")
    assert code == 0 and f"link {made['link_id']} between projects 29 and 28 withdrawn" in out
    assert cli.json("projects", "links", "28") == []
    [old] = cli.json("projects", "links", "28", "--withdrawn")
    assert (old["withdrawn_reason"], old["withdrawn_by"] is not None) == ("two sites", True)
    assert audit_svc.verify(engine).ok


@pytest.mark.parametrize(("args", "rule"), [
    (("23", "23", "--as", "duplicate"), "other=23: a project is not linked to itself "
                                        "[link.self]"),
    (("30", "23", "--as", "duplicate"), "[link.exists]"),
    (("1", "23", "--as", "part_of"), "[link.exists]"),
    (("3", "4", "--as", "cousin"), "[link.unknown_kind]"),
])
def test_a_refused_link_exits_2_naming_the_field(cli_on: Cli, args: tuple[str, ...],
                                                 rule: str) -> None:
    code, out, err = cli_on("projects", "link", *args, "--source", "https://example.org/x")
    assert code == 2 and rule in err and out == ""
    if "exists" in rule:
        assert err.startswith("error: other=")
