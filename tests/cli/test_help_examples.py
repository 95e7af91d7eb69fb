"""Every command's ``--help`` ends with an example command line, and no group's list of
commands cuts a summary short with "..."."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import typer.core
import typer.main

from pledge.cli import build_app, run

#: The width the summaries must fit at: what click allows a summary when it is not told
#: the terminal's width (the command list of an 80-column terminal allows a little more).
SUMMARY_WIDTH = 45


def every_command() -> Iterator[tuple[list[str], typer.core.TyperCommand | typer.core.TyperGroup]]:
    """Each command of the whole command line with its path, groups included, root first."""
    root = typer.main.get_command(build_app())
    assert isinstance(root, typer.core.TyperGroup)
    stack: list[tuple[list[str], typer.core.TyperCommand | typer.core.TyperGroup]] = [
        ([], root)]
    while stack:
        path, command = stack.pop(0)
        yield path, command
        if isinstance(command, typer.core.TyperGroup):
            for name, sub in command.commands.items():
                assert isinstance(sub, typer.core.TyperCommand | typer.core.TyperGroup)
                stack.append(([*path, name], sub))


COMMANDS = list(every_command())


def help_of(path: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert run([*path, "--help"]) == 0
    return capsys.readouterr().out


def command_list(text: str) -> list[str]:
    """The lines of the help's "Commands:" section."""
    _, found, rest = text.partition("\nCommands:\n")
    return [line for line in rest.splitlines() if line.strip()] if found else []


def test_the_walk_finds_the_groups_and_their_commands() -> None:
    paths = {" ".join(path) for path, _ in COMMANDS}
    assert {"", "deadline", "projects", "projects advance", "money rates load",
            "review accept"} <= paths
    assert len(paths) > 60


@pytest.mark.parametrize("path", [path for path, _ in COMMANDS],
                         ids=[" ".join(path) or "pledge" for path, _ in COMMANDS])
def test_help_ends_with_an_example_on_its_own_line(
        path: list[str], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    text = help_of(path, capsys)
    _, found, example = text.partition("Example")
    assert found, f"`pledge {' '.join(path)} --help` shows no example"
    # the example is a command line of its own (not rewrapped into a paragraph), of this
    # command or, for a group, of one of its commands
    lines = [line.strip() for line in example.splitlines()]
    assert any(line.startswith(" ".join(["pledge", *path])) for line in lines), example
    assert not [line for line in command_list(text) if line.rstrip().endswith("...")], text


@pytest.mark.parametrize("path", [path for path, _ in COMMANDS if path],
                         ids=[" ".join(path) for path, _ in COMMANDS if path])
def test_each_summary_fits_without_being_cut(path: list[str]) -> None:
    command = dict((tuple(p), c) for p, c in COMMANDS)[tuple(path)]
    summary = command.get_short_help_str(SUMMARY_WIDTH)
    assert summary and not summary.endswith("..."), (path, summary)
    # the summary is the docstring's whole first line
    assert (command.help or "").strip().splitlines()[0].strip() == summary
