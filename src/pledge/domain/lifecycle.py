"""The project lifecycle: stages, roles, and the rules every transition must obey.

Stages run proposed -> under_review -> finalist -> recommended -> selected ->
notified -> funded | declined, then funded -> operating -> recouped -> closed;
a project may be withdrawn from any open stage. Each rule lives here once:

* a project is created at its entry stage, ``proposed``, and reaches every other
  stage only by the transitions below (``ENTRY_STAGES``, ``check_entry_stage``);

* only the investment committee recommends, and (when the framework's gate is
  hard) only after a consultation-committee consultation is recorded;
* only the President selects, only a recommended project, only inside the
  investment period;
* a notice computes the funding date from the framework's window;
* funding is its own operation (see ``funding.py``), never a bare transition;
* a decline needs a recorded consultation with the United States;
* transitions never go back in time.

``plan_transition`` checks a request and returns what should change, or raises
``RuleViolation`` listing every broken rule. It changes nothing itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from pledge.domain.calendars import BusinessCalendar
from pledge.domain.errors import InvalidInput, Problem, RuleViolation
from pledge.domain.framework import ConsultationGate, FrameworkTerms, StartEvent, WindowMeaning


class Stage(StrEnum):
    PROPOSED = "proposed"
    UNDER_REVIEW = "under_review"
    FINALIST = "finalist"
    RECOMMENDED = "recommended"
    SELECTED = "selected"
    NOTIFIED = "notified"
    FUNDED = "funded"
    DECLINED = "declined"
    OPERATING = "operating"
    RECOUPED = "recouped"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


OPEN_STAGES = frozenset({Stage.PROPOSED, Stage.UNDER_REVIEW, Stage.FINALIST, Stage.RECOMMENDED,
                         Stage.SELECTED, Stage.NOTIFIED})

# The way forward through the lifecycle, for "further along" (reports of a project's stage
# that would move it on).
STAGE_ORDER = {s: i for i, s in enumerate((
    Stage.PROPOSED, Stage.UNDER_REVIEW, Stage.FINALIST, Stage.RECOMMENDED, Stage.SELECTED,
    Stage.NOTIFIED, Stage.FUNDED, Stage.OPERATING, Stage.RECOUPED, Stage.CLOSED))}


def further(a: str, b: str) -> bool:
    """Whether stage ``a`` lies after stage ``b``: along ``STAGE_ORDER``, and a withdrawal
    or a decline after any stage but a withdrawal, a decline or a closing. Unknown stage
    names are never further."""
    try:
        sa, sb = Stage(a), Stage(b)
    except ValueError:
        return False
    if sa in (Stage.WITHDRAWN, Stage.DECLINED):
        return sb not in (Stage.WITHDRAWN, Stage.DECLINED, Stage.CLOSED)
    if sa not in STAGE_ORDER or sb not in STAGE_ORDER:
        return False
    return STAGE_ORDER[sa] > STAGE_ORDER[sb]


class Role(StrEnum):
    """Who may act. The same names serve the CLI, the API and the pages."""

    ADMIN = "admin"
    IC = "ic"                # investment committee (US)
    PRESIDENT = "president"  # the US President
    CC_US = "cc_us"          # consultation committee, US members
    CC_JP = "cc_jp"          # consultation committee, partner members
    FUNDER = "funder"        # the partner's state lenders (JBIC, NEXI)
    ANALYST = "analyst"      # read-only


class ConsultationKind(StrEnum):
    """Consultations the rules depend on.

    COMMITTEE: the investment committee consulted the consultation committee
    (required before a recommendation when the gate is hard).
    DECLINE: the partner consulted the United States before declining.
    """

    COMMITTEE = "committee"
    DECLINE = "decline"


# Which roles may record which consultation.
CONSULTATION_ROLES: dict[ConsultationKind, frozenset[Role]] = {
    ConsultationKind.COMMITTEE: frozenset({Role.IC, Role.CC_US, Role.CC_JP}),
    ConsultationKind.DECLINE: frozenset({Role.FUNDER, Role.CC_JP}),
}


@dataclass(frozen=True, slots=True)
class TransitionRule:
    """The stages a transition may start from and the roles that may make it."""

    sources: frozenset[Stage]
    roles: frozenset[Role]
    via_operation: str | None = None  # set when a dedicated operation must be used


_REVIEWERS = frozenset({Role.IC, Role.CC_US, Role.CC_JP, Role.ADMIN})
_OPERATORS = frozenset({Role.IC, Role.ADMIN})

RULES: dict[Stage, TransitionRule] = {
    Stage.UNDER_REVIEW: TransitionRule(frozenset({Stage.PROPOSED}), _REVIEWERS),
    Stage.FINALIST: TransitionRule(frozenset({Stage.UNDER_REVIEW}), _REVIEWERS),
    Stage.RECOMMENDED: TransitionRule(frozenset({Stage.FINALIST}), frozenset({Role.IC})),
    Stage.SELECTED: TransitionRule(frozenset({Stage.RECOMMENDED}), frozenset({Role.PRESIDENT})),
    Stage.NOTIFIED: TransitionRule(frozenset({Stage.SELECTED}), frozenset({Role.IC})),
    Stage.FUNDED: TransitionRule(frozenset({Stage.NOTIFIED}), frozenset({Role.FUNDER}),
                                 via_operation="fund"),
    Stage.DECLINED: TransitionRule(frozenset({Stage.NOTIFIED}), frozenset({Role.FUNDER})),
    Stage.OPERATING: TransitionRule(frozenset({Stage.FUNDED}), _OPERATORS),
    Stage.RECOUPED: TransitionRule(frozenset({Stage.OPERATING}), _OPERATORS),
    Stage.CLOSED: TransitionRule(frozenset({Stage.RECOUPED, Stage.DECLINED}), _OPERATORS),
    Stage.WITHDRAWN: TransitionRule(OPEN_STAGES, _OPERATORS),
}


# Where a project enters the lifecycle. A project is created at ``proposed`` and nowhere
# else: every other stage, ``under_review`` included, is the target of a rule above and is
# reached only by a transition that a role the rule names makes, with its date (taking a
# proposal up for review is the reviewers' act, not a property of the proposal). A stage a
# source reports for a new project is kept beside the lifecycle, as a sourced stage report.
ENTRY_STAGE = Stage.PROPOSED
ENTRY_STAGES = frozenset({ENTRY_STAGE})


def check_entry_stage(stage: Stage, field: str = "status", value: str | None = None) -> Stage:
    """``stage`` if a project may be created at it; otherwise InvalidInput naming ``field``
    (rule ``lifecycle.not_entry_stage``). ``value`` is the text asked for, if not the name."""
    if stage in ENTRY_STAGES:
        return stage
    entries = ", ".join(sorted(f"'{s.value}'" for s in ENTRY_STAGES))
    raise InvalidInput.single(field, stage.value if value is None else value,
                              "lifecycle.not_entry_stage",
                              f"a project is created at {entries}; '{stage.value}' is reached "
                              f"only through the lifecycle's transitions, by the roles its "
                              f"rules name (a stage a source reports is recorded as a sourced "
                              f"stage report)")


def allowed_targets(current: Stage, role: Role) -> list[Stage]:
    """The stages ``role`` may move a project at ``current`` to by a plain transition."""
    return [dst for dst, rule in RULES.items()
            if current in rule.sources and role in rule.roles and rule.via_operation is None]


@dataclass(frozen=True, slots=True)
class Consultation:
    """A recorded consultation: its kind and the date it took place."""

    kind: ConsultationKind
    on: date


@dataclass(frozen=True, slots=True)
class TransitionRequest:
    """Everything the rules need to judge one transition.

    current / target: the project's stage now and the stage asked for
    role, on:          who asks (their role) and the date of the decision
    last_on:           date of the project's latest recorded transition, if any
    consultations:     consultations recorded for the project
    terms:             the framework terms in force on ``on``
    selected_on:       date the project was selected (for a notice's clock), if known
    """

    current: Stage
    target: Stage
    role: Role
    on: date
    terms: FrameworkTerms
    last_on: date | None = None
    consultations: tuple[Consultation, ...] = ()
    selected_on: date | None = None


@dataclass(frozen=True, slots=True)
class TransitionPlan:
    """What an accepted transition changes.

    stage:          the new stage
    funding_date:   for a notice, the date computed from the framework's window
    window_meaning: whether ``funding_date`` is a deadline or the earliest date
    """

    stage: Stage
    funding_date: date | None = None
    window_meaning: WindowMeaning | None = None


def parse_stage(text: str, field: str = "to") -> Stage:
    """A Stage from its name; raises InvalidInput naming the valid stages."""
    try:
        return Stage(text.strip().lower())
    except ValueError:
        names = ", ".join(s.value for s in Stage)
        raise InvalidInput.single(field, text, "lifecycle.unknown_stage",
                                  f"unknown stage (one of: {names})") from None


def parse_role(text: str, field: str = "role") -> Role:
    """A Role from its name; raises InvalidInput naming the valid roles."""
    try:
        return Role(text.strip().lower())
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise InvalidInput.single(field, text, "auth.unknown_role",
                                  f"unknown role (one of: {names})") from None


def funding_clock_start(terms: FrameworkTerms, selected_on: date | None,
                        notified_on: date | None) -> date | None:
    """The date the funding clock starts from under ``terms``, or None if not yet started."""
    if terms.window is None:
        return None
    if terms.window.start is StartEvent.SELECTION:
        return selected_on
    return notified_on


def plan_transition(req: TransitionRequest, calendar: BusinessCalendar | None) -> TransitionPlan:
    """Check ``req`` against every rule; return the plan or raise RuleViolation with all problems.

    ``calendar`` is the framework window's business calendar; it is needed only for
    a notice (it may be None otherwise).
    """
    problems: list[Problem] = []
    target = req.target
    rule = RULES.get(target)
    if rule is None:
        raise RuleViolation.single("to", target.value, "lifecycle.no_transition",
                                   f"no project can be moved to '{target.value}'")
    if rule.via_operation is not None:
        problems.append(Problem("to", target.value, "lifecycle.use_operation",
                                f"'{target.value}' is reached through `pledge "
                                f"{rule.via_operation}`, which records the money"))
    if req.current not in rule.sources:
        srcs = ", ".join(sorted(s.value for s in rule.sources))
        problems.append(Problem("to", target.value, "lifecycle.illegal_transition",
                                f"cannot move from '{req.current.value}' to '{target.value}' "
                                f"(only from: {srcs})"))
    if req.role not in rule.roles:
        roles = ", ".join(sorted(r.value for r in rule.roles))
        problems.append(Problem("role", req.role.value, "lifecycle.role_not_allowed",
                                f"role '{req.role.value}' may not move a project to "
                                f"'{target.value}' (allowed: {roles})"))
    if req.last_on is not None and req.on < req.last_on:
        problems.append(Problem("on", req.on.isoformat(), "lifecycle.date_order",
                                f"the date is before the project's latest transition "
                                f"({req.last_on.isoformat()})"))
    terms = req.terms

    if target is Stage.RECOMMENDED and terms.consultation_gate is ConsultationGate.HARD:
        consulted = [c for c in req.consultations
                     if c.kind is ConsultationKind.COMMITTEE and c.on <= req.on]
        if not consulted:
            problems.append(Problem("consultation", "none", "lifecycle.cc_consultation_required",
                                    "the investment committee must consult the consultation "
                                    "committee before recommending; none is recorded on or "
                                    "before this date"))
    if target is Stage.SELECTED:
        if terms.period_start is not None and req.on < terms.period_start:
            problems.append(Problem("on", req.on.isoformat(), "lifecycle.outside_period",
                                    f"selection before the investment period starts "
                                    f"({terms.period_start.isoformat()})"))
        if terms.period_end is not None and req.on > terms.period_end:
            problems.append(Problem("on", req.on.isoformat(), "lifecycle.outside_period",
                                    f"selection after the investment period ends "
                                    f"({terms.period_end.isoformat()})"))
        if not terms.has_machinery:
            problems.append(Problem("framework", "pledge", "lifecycle.no_machinery",
                                    "this framework is a pledge without selection machinery"))
    if target is Stage.DECLINED:
        consulted = [c for c in req.consultations
                     if c.kind is ConsultationKind.DECLINE and c.on <= req.on]
        if not consulted:
            problems.append(Problem("consultation", "none", "lifecycle.us_consultation_required",
                                    "the partner must consult the United States before "
                                    "declining; no such consultation is recorded on or before "
                                    "this date"))
    funding_date: date | None = None
    meaning: WindowMeaning | None = None
    if target is Stage.NOTIFIED and not problems:
        if terms.window is None:
            problems.append(Problem("framework", "pledge", "lifecycle.no_window",
                                    "this framework has no funding window"))
        elif calendar is None:
            raise ValueError("a notice needs the window's business calendar")
        else:
            start = funding_clock_start(terms, req.selected_on, req.on)
            start = start or req.on
            funding_date = terms.window.date_from(start, calendar)
            meaning = terms.window.meaning
    if problems:
        raise RuleViolation(problems)
    return TransitionPlan(stage=target, funding_date=funding_date, window_meaning=meaning)


def check_consultation(kind: ConsultationKind, role: Role, stage: Stage) -> None:
    """Raise RuleViolation unless ``role`` may record a ``kind`` consultation at ``stage``."""
    problems: list[Problem] = []
    if role not in CONSULTATION_ROLES[kind]:
        roles = ", ".join(sorted(r.value for r in CONSULTATION_ROLES[kind]))
        problems.append(Problem("role", role.value, "lifecycle.role_not_allowed",
                                f"role '{role.value}' may not record a {kind.value} "
                                f"consultation (allowed: {roles})"))
    if stage not in OPEN_STAGES:
        problems.append(Problem("project", stage.value, "lifecycle.closed_project",
                                f"the project is '{stage.value}'; consultations are recorded "
                                f"for open projects only"))
    if problems:
        raise RuleViolation(problems)
