"""The command line builds only the command it is asked for; its table of commands must
name every command exactly once and each with the module that registers it."""

from __future__ import annotations

import pytest
import typer.core
import typer.main

from pledge.cli import COMMAND_MODULES, build_app, command_of, run


def names(app: typer.Typer) -> set[str]:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    return set(group.commands)


def test_the_table_names_every_command_of_the_whole_command_line() -> None:
    assert names(build_app()) == set(COMMAND_MODULES)


def test_each_command_is_built_by_the_module_the_table_names() -> None:
    for command in COMMAND_MODULES:
        assert command in names(build_app(command)), command


def test_a_slim_command_line_builds_fewer_commands() -> None:
    assert names(build_app("deadline")) < names(build_app())
    assert "projects" not in names(build_app("deadline"))


def test_the_command_is_the_first_word_that_is_no_root_option_or_its_value() -> None:
    assert command_of(["deadline", "--framework", "japan"]) == "deadline"
    assert command_of(["--db", "sqlite:///x.db", "projects", "list"]) == "projects"
    assert command_of(["--user", "deadline", "projects"]) == "projects"
    assert command_of(["--help"]) is None
    assert command_of([]) is None


def test_an_unknown_command_is_a_usage_error_naming_it(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["no-such-command"]) == 2
    assert "no-such-command" in capsys.readouterr().err


def test_help_still_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("deadline", "projects", "review", "serve", "decline-advice"):
        assert command in out
