"""How long credentials live and how often a login may be tried: the rules, once.

Page sessions end after a stretch without use (idle) and at a fixed time after
login (absolute), whichever comes first. A login name and a network address may
each fail only so many times in a sliding window; beyond it the answer is "try
again in N seconds", computed from when the oldest counted failure leaves the
window. API tokens expire: a lifetime (``90d``), a last valid date, or an explicit
``never``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from pledge.domain.errors import InvalidInput

DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 3650          # ten years: an expiry further out is a typing mistake
MAX_GRACE = timedelta(days=30)  # how long a rotated token may keep working
TOUCH_EVERY = timedelta(minutes=1)  # last-seen and last-used times are this coarse


@dataclass(frozen=True, slots=True)
class SessionTimes:
    """A page session ends ``idle`` after its last use or ``absolute`` after login."""

    idle: timedelta = timedelta(hours=2)
    absolute: timedelta = timedelta(hours=8)

    def expires_at(self, created_at: datetime) -> datetime:
        return created_at + self.absolute

    def is_live(self, expires_at: datetime, last_seen_at: datetime, now: datetime) -> bool:
        return now < expires_at and now < last_seen_at + self.idle


@dataclass(frozen=True, slots=True)
class LoginLimits:
    """At most ``per_name`` failed logins for one name and ``per_address`` from one address
    within ``window``."""

    per_name: int = 5
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)


def retry_after(failures: Sequence[datetime], limit: int, window: timedelta,
                now: datetime) -> int | None:
    """Seconds until one more attempt is allowed, or None when it is allowed now.

    ``failures`` are the times of earlier failures (any order); those older than
    ``window`` do not count. An attempt is allowed while fewer than ``limit`` count.
    """
    recent = sorted(f for f in failures if f > now - window)
    if len(recent) < limit:
        return None
    # Once the limit-th most recent failure leaves the window, limit - 1 remain.
    frees_at = recent[-limit] + window
    return max(1, math.ceil((frees_at - now).total_seconds()))


def touch_due(last: datetime | None, now: datetime) -> bool:
    """Whether a last-seen or last-used time is stale enough to write again."""
    return last is None or now - last >= TOUCH_EVERY


_DURATION = re.compile(r"^\s*(\d{1,6})\s*([mhdw])\s*$", re.IGNORECASE)
_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1),
          "w": timedelta(weeks=1)}


def parse_duration(text: str, field: str) -> timedelta:
    """``30m``, ``12h``, ``90d``, ``2w`` or ``0`` as a length of time."""
    if text.strip() == "0":
        return timedelta(0)
    match = _DURATION.match(text)
    if match is None:
        raise InvalidInput.single(field, text, "input.bad_duration",
                                  "a length of time such as 30m, 12h, 90d or 2w")
    return int(match.group(1)) * _UNITS[match.group(2).lower()]


def token_expiry(text: str | None, now: datetime,
                 default_days: int = DEFAULT_TOKEN_DAYS) -> datetime | None:
    """When a new token stops working: ``None`` (the default lifetime), a lifetime such as
    ``90d``, a last valid date ``YYYY-MM-DD`` (valid through that day, UTC) or ``never``
    (returns None). Past dates and lifetimes beyond ten years are refused."""
    if text is None or not text.strip():
        text = f"{default_days}d"
    spec = text.strip()
    if spec.lower() == "never":
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", spec):
        try:
            last_day = date.fromisoformat(spec)
        except ValueError:
            raise InvalidInput.single("expires", text, "users.bad_expiry",
                                      "not a calendar date") from None
        when = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=UTC)
    else:
        try:
            when = now + parse_duration(spec, "expires")
        except InvalidInput:
            raise InvalidInput.single("expires", text, "users.bad_expiry",
                                      "an expiry is a lifetime such as 90d, a last valid "
                                      "date YYYY-MM-DD, or never") from None
    if when <= now:
        raise InvalidInput.single("expires", text, "users.bad_expiry",
                                  "the expiry must be in the future")
    if when - now > timedelta(days=MAX_TOKEN_DAYS):
        raise InvalidInput.single("expires", text, "users.bad_expiry",
                                  f"at most {MAX_TOKEN_DAYS} days ahead (or: never)")
    return when


def rotation_grace(text: str | None) -> timedelta:
    """How long the old token keeps working after a rotation (default: not at all)."""
    grace = parse_duration(text, "grace") if text else timedelta(0)
    if grace > MAX_GRACE:
        raise InvalidInput.single("grace", text, "users.bad_grace",
                                  f"at most {MAX_GRACE.days} days")
    return grace
