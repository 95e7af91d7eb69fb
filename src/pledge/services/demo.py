"""The demo data: one function builds it, for `pledge init --demo`, the page tests and bench/.

The demo is the shipped data (frameworks and the public project list) plus an
illustrative history that exercises every page: one user per role, the three
first-tranche projects notified, two of them funded (one of them paying out on both sides
of the partner's recovery), a few scores each side records over the modelled ones. The
history is invented to show the system at work; it is not a record of what happened. Every
change goes through the same services and rules as a user's change, so the demo can never
hold a state the rules forbid.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine

from pledge.domain.errors import Conflict
from pledge.domain.lifecycle import Role
from pledge.services import capital, funding, priorities, projects
from pledge.services.base import SYSTEM, Actor
from pledge.services.dashboard import data_version
from pledge.services.setup import init
from pledge.services.users import add_user
from pledge.store.db import transaction

DEMO_PASSWORD_SUFFIX = "-demo-pass"


@dataclass(frozen=True, slots=True)
class DemoUser:
    name: str
    role: Role
    password: str
    token: str


@dataclass(frozen=True, slots=True)
class Demo:
    """What was built: the users (passwords and tokens shown once) and the project count."""

    users: dict[Role, DemoUser] = field(default_factory=dict)
    projects: int = 0


def demo_password(role: Role) -> str:
    """The demo users' password: known, so the demo and its tests can log in. Never for real use."""
    return f"{role.value}{DEMO_PASSWORD_SUFFIX}"


def _users(engine: Engine) -> dict[Role, DemoUser]:
    out = {}
    for role in Role:
        name = f"demo_{role.value}"
        u = add_user(engine, name, role.value, SYSTEM, password=demo_password(role))
        out[role] = DemoUser(name, role, demo_password(role), u.token)
    return out


def _history(engine: Engine, users: dict[Role, DemoUser]) -> None:
    def who(role: Role) -> Actor:
        return Actor(users[role].name, role)

    ic, funder = who(Role.IC), who(Role.FUNDER)
    notice = date(2026, 2, 18)
    for pid in (24, 25, 26):
        projects.advance(engine, pid, "notified", ic, notice,
                         "notice of selection sent to the partner (demo)", [])
    funding.fund(engine, 25, "US$1.2bn", date(2026, 3, 20), "loan", "JBIC", funder)
    funding.fund(engine, 25, "US$0.9bn", date(2026, 3, 27), "guarantee", "NEXI", funder)
    funding.fund(engine, 26, "US$600m", date(2026, 3, 30), "equity", "JBIC", funder)
    funding.allocate(engine, 24, "US$33bn", date(2026, 2, 20), ic,
                     "the Department of Commerce's figure rather than the upper one (demo)")
    _distributions(engine, ic)
    # The second round's candidates are stage reports after init: the committees take
    # two of them up and short-list them (the SMRs then go on to a recommendation).
    for pid in (27, 32):
        projects.advance(engine, pid, "under_review", who(Role.CC_US), date(2026, 3, 20),
                         "taken up by the consultation committee (demo)", [])
        projects.advance(engine, pid, "finalist", ic, date(2026, 3, 27),
                         "short-listed for the second round (demo)", [])
    projects.consult(engine, 27, "committee", who(Role.CC_JP), date(2026, 4, 1),
                     "second tranche reviewed with the consultation committee (demo)", [])
    projects.advance(engine, 27, "recommended", ic, date(2026, 4, 2),
                     "recommended to the President (demo)", [])


DEMO_DISTRIBUTIONS = ((date(2026, 6, 30), "US$200m"), (date(2026, 8, 31), "US$300m"),
                      (date(2026, 10, 30), "US$1bn"), (date(2026, 11, 27), "US$100m"))
"""Cash project 26's SPV pays out (demo): two distributions while the partner is still
owed its deemed allocation (50/50), one that recovers it (split inside the distribution),
one after (90/10), so its statement shows a recouped account."""


def _distributions(engine: Engine, ic: Actor) -> None:
    for on, amount in DEMO_DISTRIBUTIONS:
        capital.distribute(engine, 26, on, ic, amount=amount)


DEMO_SCORES = (
    (27, "us", "strategic", 10, "named by the Department of Commerce as a priority (demo)"),
    (27, "partner", "strategic", 6, "orders for Japanese reactor suppliers (demo)"),
    (22, "partner", "resilience", 10, "LNG for Japan's power plants (demo)"),
    (22, "us", "readiness", 3, "permits and financing still open (demo)"),
    (17, "partner", "resilience", 9, "copper concentrate offtake for Japan (demo)"),
)
"""Scores the two committees record in the demo, each with its reason; every other score
is modelled from the project's data (``domain.score_model``)."""


def _scores(engine: Engine, users: dict[Role, DemoUser]) -> None:
    """Each side records a few scores of its own over the modelled ones."""
    actors = {"us": Actor(users[Role.CC_US].name, Role.CC_US),
              "partner": Actor(users[Role.CC_JP].name, Role.CC_JP)}
    on = date(2026, 4, 15)
    for pid, side, crit, value, note in DEMO_SCORES:
        priorities.set_score(engine, pid, side, crit, value, actors[side], on, note)


SECTORS = ("energy", "ai_infrastructure", "critical_minerals", "manufacturing_logistics",
           "electronics")
STATES = ("Texas", "Ohio", "Louisiana", "Pennsylvania", "Georgia", "Arizona", "Tennessee")


def _synthetic(engine: Engine, count: int) -> int:
    """``count`` more proposed projects with plausible fields, for load tests."""
    rng = random.Random(20260217)
    rows = [projects.NewProject(
        name=f"Synthetic project {i:05d}", sector=SECTORS[i % len(SECTORS)], framework="japan",
        location=f"site {i}, {STATES[i % len(STATES)]}", lead=f"Sponsor {i % 97}",
        amount_text=f"US${rng.randint(2, 400) * 25}m") for i in range(1, count + 1)]
    with transaction(engine) as s:
        result = projects.import_projects(s, rows, SYSTEM)
    return len(result.added)


def build_demo(engine: Engine, *, extra_projects: int = 0) -> Demo:
    """Initialise ``engine`` (which must be empty) and fill it with the demo data.

    Raises Conflict when the database already has users or recorded history.
    """
    from pledge.services.users import has_users
    from pledge.store.db import is_initialised

    if is_initialised(engine) and (has_users(engine) or data_version(engine) > 0):
        raise Conflict.single("database", str(engine.url), "demo.not_empty",
                              "the demo goes into a new, empty database")
    init(engine)
    users = _users(engine)
    _history(engine, users)
    _scores(engine, users)
    added = _synthetic(engine, extra_projects) if extra_projects else 0
    return Demo(users, 32 + added)
