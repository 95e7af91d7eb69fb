"""Which dollar a bare "$" means in an article: the outlet's own.

A Singapore or Australian outlet writes "$" for its own dollar. The gazetteer's
``[dollars]`` table names outlets by host name ("straitstimes.com") or by the end of
one (".au"); the outlet is given with the article, or taken from its URL. An outlet
named nowhere, or an article with no outlet, writes US dollars. Each amount read this
way says so in its note, and the article says which dollar it read and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from pledge.domain.money import MoneyRange
from pledge.ingest.gazetteer import Gazetteer

__all__ = ["Dollar", "bare_dollar", "dollar_of", "outlet_of"]


@dataclass(frozen=True, slots=True)
class Dollar:
    """The currency a bare "$" is read as, and why."""

    currency: str
    why: str


USD: Final = Dollar("USD", "no outlet known: a bare $ is read as US dollars")
# A "$" with a country's letters before it ("US$", "U.S. $", "S$", "HK$") is not bare.
_BARE: Final = re.compile(r"(?<![A-Za-z$])(?<!U\.S\.)(?<!U\.S\. )(?<!US )\$")


def outlet_of(source: str) -> str:
    """The host name of ``source`` when it is a web address ("" otherwise)."""
    if "://" not in source:
        return ""
    host = urlsplit(source).hostname or ""
    return host.lower().removeprefix("www.")


def dollar_of(gazetteer: Gazetteer, outlet: str) -> Dollar:
    """The dollar of ``outlet`` (a host name or an outlet's name in the gazetteer)."""
    name = outlet.strip().lower().removeprefix("www.")
    if not name:
        return USD
    table = gazetteer.dollars
    parts = name.split(".")
    for i in range(len(parts)):      # the host, then each parent domain
        code = table.get(".".join(parts[i:]))
        if code is not None:
            return Dollar(code, f"outlet {name}: a bare $ is read as {code}")
    for i in range(1, len(parts)):   # then the ends of the host name (".com.au", ".au")
        code = table.get("." + ".".join(parts[i:]))
        if code is not None:
            return Dollar(code, f"outlet {name} (a .{'.'.join(parts[i:])} site): a bare $ "
                                f"is read as {code}")
    return Dollar("USD", f"outlet {name} is not in the gazetteer's dollars: a bare $ is "
                         "read as US dollars")


def bare_dollar(written: str, rng: MoneyRange, dollar: Dollar) -> tuple[MoneyRange, str]:
    """``rng`` in the outlet's dollar when ``written`` uses a bare "$", with a note."""
    if rng.currency != "USD" or "$" not in written or not _BARE.search(written):
        return rng, ""
    note = "" if dollar is USD else dollar.why
    if dollar.currency == "USD":
        return rng, note
    return MoneyRange(rng.low, rng.high, dollar.currency, rng.text), note
