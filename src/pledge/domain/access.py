"""Who may do what: the role matrix, once, for every edge.

Each user has one role. The lifecycle, funding and scoring rules say which role
may make which change (``lifecycle.RULES``, ``funding``, ``priorities.SIDE_ROLES``);
this matrix says which roles may attempt each kind of operation at all, and what
an anonymous visitor may read when public read access is switched on.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pledge.domain.errors import PledgeError, Problem
from pledge.domain.lifecycle import RULES, Role, Stage
from pledge.domain.proposals import ProposalKind


class Unauthorized(PledgeError):
    """No valid identity was given (log in, or send a valid token)."""


class Forbidden(PledgeError):
    """The identity is known but its role may not do this."""


class Action(StrEnum):
    READ_PUBLIC = "read_public"        # frameworks, projects, deadlines, commitments
    READ = "read"                      # everything else: ledger, scores, history, rankings
    PROJECT_EDIT = "project_edit"      # add, import, estimates, economics
    ADVANCE = "advance"                # lifecycle transitions (the lifecycle rules decide which)
    CONSULT = "consult"
    EXTEND = "extend"
    FUND = "fund"
    LEDGER_EDIT = "ledger_edit"        # allocations, in-kind contributions, distributions
    SCORE = "score"                    # scores and weights (the side rules decide which side)
    ANALYSE = "analyse"                # simulations, batches, decline advice
    REVIEW = "review"                  # queue news for review, reject proposals; accepting
                                       # also needs the action of the change it applies
    FRAMEWORK_EDIT = "framework_edit"
    ADMIN = "admin"                    # users, rates


EVERYONE = frozenset(Role)
COMMITTEES = frozenset({Role.ADMIN, Role.IC, Role.CC_US, Role.CC_JP})

MATRIX: dict[Action, frozenset[Role]] = {
    Action.READ_PUBLIC: EVERYONE,
    Action.READ: EVERYONE,
    Action.PROJECT_EDIT: COMMITTEES,
    Action.ADVANCE: frozenset({Role.ADMIN, Role.IC, Role.PRESIDENT, Role.CC_US, Role.CC_JP,
                               Role.FUNDER}),
    Action.CONSULT: frozenset({Role.ADMIN, Role.IC, Role.CC_US, Role.CC_JP, Role.FUNDER}),
    Action.EXTEND: frozenset({Role.ADMIN, Role.IC}),
    Action.FUND: frozenset({Role.FUNDER}),
    Action.LEDGER_EDIT: frozenset({Role.ADMIN, Role.IC}),
    Action.SCORE: frozenset({Role.ADMIN, Role.IC, Role.CC_US, Role.CC_JP, Role.FUNDER}),
    Action.ANALYSE: EVERYONE,
    # the committees, the president (who selects) and analysts; not the partner's lenders
    Action.REVIEW: COMMITTEES | {Role.ANALYST, Role.PRESIDENT},
    Action.FRAMEWORK_EDIT: frozenset({Role.ADMIN}),
    Action.ADMIN: frozenset({Role.ADMIN}),
}


# Accepting a change read from the news needs REVIEW and the action of the change itself.
# Keyed by the kind (a StrEnum, so its text looks it up as well).
ACCEPT_NEEDS: dict[str, Action] = {ProposalKind.NEW_PROJECT: Action.PROJECT_EDIT,
                                   ProposalKind.ADDITIONAL_ESTIMATE: Action.PROJECT_EDIT,
                                   ProposalKind.STATUS_CHANGE: Action.ADVANCE,
                                   ProposalKind.SITE_REPORT: Action.PROJECT_EDIT,
                                   ProposalKind.SPONSOR: Action.PROJECT_EDIT,
                                   ProposalKind.TRANCHE: Action.PROJECT_EDIT,
                                   ProposalKind.RELATED_PROJECT: Action.PROJECT_EDIT,
                                   # a claim is kept beside the terms, never amends them
                                   ProposalKind.TERM_CLAIM: Action.PROJECT_EDIT}


def accept_roles(kind: str, to: str | None = None) -> frozenset[Role]:
    """The roles that may accept a news proposal of ``kind``: reviewers whose role may make
    the change (for a status change ``to`` a stage, those the lifecycle names for a plain
    transition there). The rules are still checked against the project when accepting."""
    roles = MATRIX[Action.REVIEW] & MATRIX[ACCEPT_NEEDS.get(kind, Action.PROJECT_EDIT)]
    if kind != ProposalKind.STATUS_CHANGE:
        return roles
    try:
        rule = RULES.get(Stage(str(to)))
    except ValueError:
        return frozenset()
    return roles & rule.roles if rule is not None and rule.via_operation is None \
        else frozenset()


def record_roles(kind: str) -> frozenset[Role]:
    """The roles that may keep a reported stage as a sourced status report instead."""
    if kind != ProposalKind.STATUS_CHANGE:
        return frozenset()
    return MATRIX[Action.REVIEW] & MATRIX[Action.PROJECT_EDIT]


@dataclass(frozen=True, slots=True)
class Acceptance:
    """What one role may accept from the news: the kinds of change (a stage change apart),
    the stages a reported stage change may move a project to, and whether it may keep a
    reported stage as a sourced report instead. Read from ``accept_roles`` and
    ``record_roles``, so it is always what accepting checks."""

    role: Role
    kinds: tuple[ProposalKind, ...]
    stages: tuple[Stage, ...]
    records_reports: bool


def acceptances() -> list[Acceptance]:
    """Every role and what it may accept, in the roles' order."""
    return [Acceptance(
        role,
        tuple(k for k in ProposalKind
              if k is not ProposalKind.STATUS_CHANGE and role in accept_roles(k)),
        tuple(st for st in Stage if role in accept_roles(ProposalKind.STATUS_CHANGE, st)),
        role in record_roles(ProposalKind.STATUS_CHANGE)) for role in Role]


def authorize(role: Role | None, action: Action, *, public_read: bool = False) -> None:
    """Raise Unauthorized (no identity) or Forbidden (wrong role) unless allowed.

    ``public_read``: anonymous visitors may do READ_PUBLIC (off by default).
    """
    if role is None:
        if public_read and action is Action.READ_PUBLIC:
            return
        raise Unauthorized([Problem("authorization", "anonymous", "auth.required",
                                    "log in or send a bearer token")])
    if role not in MATRIX[action]:
        allowed = ", ".join(sorted(r.value for r in MATRIX[action]))
        raise Forbidden([Problem("role", role.value, "auth.forbidden",
                                 f"role '{role.value}' may not {action.value.replace('_', ' ')}"
                                 f" (allowed: {allowed})")])


ROLE_TITLES: dict[Role, str] = {
    Role.ADMIN: "a pledge administrator", Role.IC: "the Investment Committee",
    Role.PRESIDENT: "the President", Role.CC_US: "the Consultation Committee (US members)",
    Role.CC_JP: "the Consultation Committee (partner members)",
    Role.FUNDER: "the partner's state lender", Role.ANALYST: "an analyst"}
"""Each role in words, as a public reader is told who acted (never a user's account)."""


def public_actor(actor: str, role: str, user_names: frozenset[str]) -> str:
    """Who acted, as anonymous readers see it: a named body or person as recorded, but
    a user's account name becomes its role in words (accounts are never public)."""
    if actor not in user_names:
        return actor
    try:
        return ROLE_TITLES[Role(role)]
    except ValueError:
        return "a pledge user"


def may_record_for(user_role: Role, role: Role) -> bool:
    """Whether a user in ``user_role`` may record a decision taken by someone in ``role``
    (the President's selection, a lender's funding): an administrator for any role, every
    other user only for their own (a committee's clerk naming the member who decided)."""
    return user_role is Role.ADMIN or role is user_role


def check_record_for(user: str, user_role: Role, role: Role) -> None:
    """Raise Forbidden unless ``user`` (in ``user_role``) may record for ``role``."""
    if not may_record_for(user_role, role):
        raise Forbidden([Problem(
            "role", role.value, "auth.not_on_behalf",
            f"user '{user}' is {user_role.value}: they may record only decisions taken as "
            f"{user_role.value}; an administrator records them for any role")])
