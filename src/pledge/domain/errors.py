"""Errors the domain raises, each carrying the problems that caused it.

Every problem names the *field* at fault, the offending *value*, the *rule*
that was broken (a short stable identifier such as ``cap.exceeded``) and a
human-readable message. Edges (CLI, API) translate these in one place each.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input or an operation.

    field:   the name of the input or attribute at fault (``"amount"``, ``"on"``)
    value:   the offending value, as given (text for parse errors)
    rule:    a stable dotted identifier of the broken rule (``"money.unknown_currency"``)
    message: a sentence for a person
    """

    field: str
    value: object
    rule: str
    message: str

    def one_line(self) -> str:
        """``field=value: message [rule]`` on one line: the value's unprintable characters
        (line breaks, controls, direction overrides) are shown escaped (``\\n``,
        ``\\u202e``), so a value cannot start a line of its own or turn the text around."""
        return f"{self.field}={shown(self.value)}: {self.message} [{self.rule}]"


def shown(value: object) -> str:
    """``value`` as text with every unprintable character but the space escaped."""
    text = str(value)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else c.encode("unicode_escape").decode()
                   for c in text)


class PledgeError(Exception):
    """Base class of every error pledge raises on purpose."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("a PledgeError needs at least one problem")
        super().__init__("; ".join(p.one_line() for p in self.problems))

    @classmethod
    def single(cls, field: str, value: object, rule: str, message: str) -> PledgeError:
        return cls([Problem(field, value, rule, message)])

    @property
    def first(self) -> Problem:
        return self.problems[0]


class InvalidInput(PledgeError):
    """The input cannot be understood (malformed text, wrong type, out of range)."""


class RuleViolation(PledgeError):
    """The input is understood but a rule of the programme forbids the operation."""


class NotFound(PledgeError):
    """A named thing (framework, project, rate) does not exist."""


class Conflict(PledgeError):
    """The operation clashes with the current state (already exists, stale version)."""


class TooManyRequests(PledgeError):
    """Too many attempts in a short time: try again after ``retry_after`` seconds."""

    def __init__(self, problems: Iterable[Problem], retry_after: int):
        super().__init__(problems)
        self.retry_after = max(1, int(retry_after))
