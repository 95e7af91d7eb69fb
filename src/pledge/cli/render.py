"""Output for the CLI: JSON for scripts, Rich tables for people.

Rich is loaded when something is first printed for people (``console``, ``err_console``,
``table``): a command that writes JSON never pays for it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pledge.domain.money import format_amount, format_rate, format_rounded
from pledge.services.json_values import jsonable

if TYPE_CHECKING:
    from rich.console import Console


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    probe = Console(stderr=stderr)
    # Piped output is read by people too (in logs and pagers): do not squeeze it to 80.
    return probe if probe.is_terminal else Console(stderr=stderr, width=160)


_MADE: dict[str, Console] = {}


def _get(name: str) -> Console:
    if name not in _MADE:
        _MADE[name] = _console(stderr=name == "err_console")
    return _MADE[name]


def __getattr__(name: str) -> Console:
    """``console`` (standard output) and ``err_console`` (standard error), made on first
    use."""
    if name in ("console", "err_console"):
        return _get(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def emit_json(value: Any) -> None:
    """Print ``value`` as JSON (money as decimal strings, dates as ISO text)."""
    sys.stdout.write(json.dumps(jsonable(value), ensure_ascii=False, indent=2) + "\n")


def usd(value: Decimal | None, *, short: bool = True) -> str:
    return "—" if value is None else format_amount(value, "USD", short=short)


def approx_usd(value: float) -> str:
    """A float estimate for reading (simulation means), not an amount of record."""
    sign = "-" if value < 0 else ""
    for size, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if abs(value) >= size:
            return f"≈ {sign}US${abs(value) / size:,.2f}{suffix}"
    return f"≈ {sign}US${abs(value):,.0f}"


def usd_range(low: Decimal | None, high: Decimal | None) -> str:
    if low is None and high is None:
        return "—"
    if low is None:
        return f"up to {usd(high)}"
    if high is None:
        return f"at least {usd(low)}"
    if low == high:
        return usd(low)
    return f"{usd(low)}–{usd(high)}"


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]],
          *, justify_right: Sequence[str] = ()) -> None:
    from rich.table import Table

    tbl = Table(title=title, title_justify="left", header_style="bold")
    for col in columns:
        tbl.add_column(col, justify="right" if col in justify_right else "left",
                       overflow="fold")
    for row in rows:
        tbl.add_row(*("" if v is None else str(v) for v in row))
    _get("console").print(tbl)


def pairs(title: str, items: Iterable[tuple[str, Any]]) -> None:
    from rich.table import Table

    tbl = Table(title=title, title_justify="left", show_header=False)
    tbl.add_column(style="bold")
    tbl.add_column(overflow="fold")
    for k, v in items:
        tbl.add_row(k, "" if v is None else str(v))
    _get("console").print(tbl)


def plural(count: int, word: str, many: str | None = None) -> str:
    """``"1 proposal"``, ``"2 proposals"`` (``many`` for a word that is not made with -s)."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


# Settings whose values are US dollar amounts, shares or percentages, and basis points.
_AMOUNTS = ("commitment", "amount", "annual_cap", "cap")
_SHARES = ("share", "tariff.", "benchmark_rate", "cap_counting.")


def setting_text(name: str, value: Any) -> str:
    """A framework setting for a person: amounts in US dollars ("US$550bn"), shares and
    tariffs as percentages ("50%"), basis points with their unit, yes/no, lists joined,
    parts one per line; never a Python representation."""
    leaf = name.rsplit(".", 1)[-1]
    if isinstance(value, str) and value:
        try:
            number = Decimal(value)
        except ArithmeticError:
            return value
        if leaf in _AMOUNTS:
            return format_rounded(number, "USD")
        if any(mark in name for mark in _SHARES):
            return f"{format_rate(number * 100)}%"
        if leaf.endswith("_bps"):
            return f"{format_rate(number)} bp"
        return value
    return value_text(value, name)


def value_text(value: Any, name: str = "") -> str:
    """Any stored value for a person: dicts as "key: value" lines, lists joined by commas,
    booleans as yes/no, nothing as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return "\n".join(f"{k}: {setting_text(f'{name}.{k}' if name else str(k), v)}"
                         for k, v in value.items())
    if isinstance(value, list | tuple):
        if all(isinstance(v, dict) for v in value) and value:
            return "\n".join(_part_text(v, name) for v in value)
        return ", ".join(value_text(v, name) for v in value)
    return str(value)


def _part_text(part: dict[str, Any], name: str) -> str:
    """One part of a list (a commitment's component): its label first, then the rest."""
    head = part.get("label") or part.get("key") or part.get("name")
    rest = [f"{k} {setting_text(f'{name}.{k}', v)}" for k, v in part.items()
            if k not in ("label", "key", "name") and v not in (None, "", [])]
    return f"{head}: " + ", ".join(rest) if head else ", ".join(rest)
