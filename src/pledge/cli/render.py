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

from pledge.domain.money import format_amount
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
