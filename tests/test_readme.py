"""Every command in the README's shell code blocks runs, in order, on a fresh database.

The README's ```sh blocks are read top to bottom and each command is run by ``sh`` in a
temporary working folder (holding a copy of ``examples/``), with ``PLEDGE_DATABASE_URL``
pointing at a new SQLite file there and no other ``PLEDGE_*`` variable set; ``pledge``
and ``.venv/bin/...`` are the ones installed beside the interpreter running the tests.
A command fails the test when it exits with another code than the one expected.

How the README says what to expect, on the command's own line:

* ``# exits N`` anywhere in the trailing comment: the command is expected to exit with
  code N (e.g. a step the rules refuse, ``# exits 2: not the rule``). Without it, 0.
* A block whose lines start with ``$ `` is a transcript: those lines are the commands
  and the others are their output. In any other block every line that is not empty
  and not a comment is a command; a line ending in a backslash continues on the next.

``docs/batch-instance.md`` is checked here too: its example is ``examples/batch_instance.json``
as it is, and its tables name every key the example uses and no other.

The commands that cannot run here are in ``NOT_RUN`` below, each with the reason; an
entry that no longer matches a README command fails the test, so the list cannot rot.

Each command is a shell line run by ``sh`` (so quoting, ``$`` and redirections behave as
in a terminal), but ``pledge`` there is a process forked from one that has imported the
command line already (``tests/readme_forks.py``): otherwise each of the README's
commands would spend seconds importing the same modules. Set ``README_TEST_FRESH=1``
to run the installed ``pledge`` script itself for every command instead.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from pledge.domain.selection import instance_from_document
from tests import readme_forks

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
EXAMPLES = ROOT / "examples"
BIN = Path(sys.executable).parent

# Commands not run, by their text before the comment: why each cannot run in a test.
NOT_RUN: dict[str, str] = {
    "make run": "installs, then serves until stopped",
    "make test": "runs the whole suite, this test included",
    "pledge simulate 24 --paths 1000000 --dask local":
        "starts a cluster of worker processes, which alone takes tens of seconds",
}

FENCE = re.compile(r"^\s*```\s*(\S*)")
EXPECTED_EXIT = re.compile(r"#.*\bexits (\d+)\b")
SHELL_LANGUAGES = frozenset({"sh", "shell", "bash", "console"})
TIMEOUT_SECONDS = 120
SOCKET_PATH_MAX = 100  # a Unix socket's path is at most 104 to 108 bytes, by system


@dataclass(frozen=True)
class Command:
    line: int  # in README.md, 1-based
    text: str  # as written, comment included (sh ignores it)
    expected_exit: int

    @property
    def bare(self) -> str:
        """The command without its trailing comment."""
        return strip_comment(self.text)


def strip_comment(text: str) -> str:
    """``text`` up to its first ``#`` that starts a comment (outside quotes, after a blank)."""
    quote = None
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1].isspace()):
            return text[:i].rstrip()
    return text.rstrip()


def shell_blocks(text: str) -> list[list[tuple[int, str]]]:
    """The lines (numbered) of every fenced block in a shell language, in order."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] | None = None
    inside = False
    for n, line in enumerate(text.splitlines(), start=1):
        fence = FENCE.match(line)
        if fence and not inside:
            inside = True
            current = [] if fence.group(1) in SHELL_LANGUAGES else None
        elif fence:
            inside = False
            if current is not None:
                blocks.append(current)
            current = None
        elif current is not None:
            current.append((n, line))
    assert not inside, "README.md has an unclosed code fence"
    return blocks


def block_commands(block: list[tuple[int, str]]) -> list[Command]:
    """The commands of one block (see the module docstring)."""
    transcript = any(line.startswith("$ ") for _, line in block)
    out: list[Command] = []
    pending: tuple[int, str] | None = None
    for n, line in block:
        if pending is not None:
            start, text = pending
            text = text[:-1].rstrip() + " " + line.strip()
        elif transcript:
            if not line.startswith("$ "):
                continue
            start, text = n, line[2:].strip()
        else:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            start, text = n, line.strip()
        if text.endswith("\\"):
            pending = (start, text)
            continue
        pending = None
        m = EXPECTED_EXIT.search(text)
        out.append(Command(start, text, int(m.group(1)) if m else 0))
    assert pending is None, f"README.md line {pending[0]}: a continued line never ends"
    return out


def readme_commands() -> list[Command]:
    text = README.read_text(encoding="utf-8")
    return [c for block in shell_blocks(text) for c in block_commands(block)]


def test_the_parser_reads_transcripts_comments_and_markers() -> None:
    text = "\n".join([
        "```sh", "pledge a 'US$1bn'   # note # exits 3", "# a comment", "",
        "pledge b \\", "  --json", "```", "```python", "pledge c", "```",
        "```sh", "$ pledge d \"x # y\"   # exits 2: refused", "error: no", "$ pledge e", "```"])
    cmds = [c for b in shell_blocks(text) for c in block_commands(b)]
    assert [(c.line, c.bare, c.expected_exit) for c in cmds] == [
        (2, "pledge a 'US$1bn'", 3), (5, "pledge b --json", 0),
        (12, 'pledge d "x # y"', 2), (14, "pledge e", 0)]


def test_every_skipped_command_is_in_the_readme() -> None:
    bare = {c.bare for c in readme_commands()}
    assert set(NOT_RUN) <= bare, f"not in README.md any more: {set(NOT_RUN) - bare}"


def _table_keys(markdown: str, heading: str) -> set[str]:
    """The backquoted names in the first column of the first table after ``heading``."""
    lines = markdown.split(heading, 1)[1].splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("|"))
    table = itertools.takewhile(lambda line: line.startswith("|"), lines[first:])
    return {m.group(1) for line in table if (m := re.match(r"\| `(\w+)` \|", line))}


def test_the_batch_instance_format_is_documented_by_its_example() -> None:
    """docs/batch-instance.md shows examples/batch_instance.json as it is, the example uses
    every key the document's tables describe, and the tables describe every key it uses."""
    doc = (ROOT / "docs" / "batch-instance.md").read_text(encoding="utf-8")
    example = json.loads((EXAMPLES / "batch_instance.json").read_text(encoding="utf-8"))
    shown = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", doc, re.S)]
    assert shown == [example]
    assert _table_keys(doc, "## The document") == set(example)
    assert _table_keys(doc, "Each candidate:") == {k for c in example["candidates"] for k in c}
    instance_from_document(example)  # and it is a valid instance


def _environment(db: Path, path: list[Path]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGE_")}
    env["PLEDGE_DATABASE_URL"] = f"sqlite:///{db}"
    env["PATH"] = os.pathsep.join([*map(str, path), env.get("PATH", "")])
    env["COLUMNS"] = "160"  # a wide, fixed terminal width for the tables
    return env


@contextmanager
def pledge_on_path(folder: Path, env: dict[str, str]) -> Iterator[list[Path]]:
    """The folders to put first on PATH so that ``pledge`` is the installed command line:
    a forking server's shim (see the module docstring), else the installed script."""
    sock = folder / "pledge.sock"
    if (os.environ.get("README_TEST_FRESH") or not readme_forks.supported()
            or len(str(sock)) > SOCKET_PATH_MAX):
        yield [BIN]
        return
    folder.mkdir()
    python_text, script = readme_forks.shim(str(sock))
    (folder / "pledge-shim.py").write_text(python_text, encoding="utf-8")
    (folder / "pledge").write_text(script, encoding="utf-8")
    (folder / "pledge").chmod(0o755)
    server = subprocess.Popen([sys.executable, readme_forks.__file__, str(sock)], cwd=folder,
                              env=env, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while not sock.exists():
            assert server.poll() is None, "the pledge fork server stopped at start"
            assert time.monotonic() < deadline, "the pledge fork server did not start"
            time.sleep(0.05)
        yield [folder, BIN]
    finally:
        server.terminate()
        server.wait(timeout=30)


def _tail(text: str, lines: int = 8) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def test_every_readme_command_runs(tmp_path: Path) -> None:
    if not (BIN / "pledge").exists():
        pytest.skip(f"no pledge command beside {sys.executable}")
    work = tmp_path / "work"
    work.mkdir()
    shutil.copytree(EXAMPLES, work / "examples")
    commands = readme_commands()
    assert len(commands) > 40, "the README's commands were not found"
    failures: list[str] = []
    timings: list[tuple[float, str]] = []
    base = _environment(tmp_path / "readme.db", [])
    with pledge_on_path(tmp_path / "bin", base) as path:
        env = _environment(tmp_path / "readme.db", path)
        for cmd in commands:
            if cmd.bare in NOT_RUN:
                continue
            script = cmd.text.replace(".venv/bin/", f"{BIN}/")
            started = time.monotonic()
            done = subprocess.run(["sh", "-c", script], cwd=work, env=env,
                                  capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
                                  check=False)
            timings.append((time.monotonic() - started, cmd.bare))
            if done.returncode != cmd.expected_exit:
                failures.append(f"README.md line {cmd.line}: `{cmd.bare}` exited "
                                f"{done.returncode}, expected {cmd.expected_exit}\n"
                                f"{_tail(done.stderr or done.stdout)}")
    slowest = ", ".join(f"{s:.1f}s {c}" for s, c in sorted(timings, reverse=True)[:3])
    assert not failures, "\n\n".join(failures) + f"\n\n(slowest: {slowest})"
