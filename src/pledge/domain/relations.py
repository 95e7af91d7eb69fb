"""How project rows relate to each other, and how totals count each real project once.

The public lists report the same undertaking more than once: a company's interest on
one list and the project chosen later, or the same reactors under two names. A link
between two rows says which relation holds, with a source:

* ``duplicate``: the two rows are one real project reported twice (symmetric);
* ``later_tranche``: the first row is a later tranche (phase) of the second;
* ``part_of``: the first row is a part of the second, an umbrella programme whose
  amount includes it;
* ``related``: related in another way, said in the note (symmetric).

``earlier_tranche`` and ``umbrella_of`` are the same relations read the other way.

Which row stands for a real project. Rows linked as duplicates, directly or through
a chain, form one group; the row standing for it (its *canonical* row) is the one
furthest along the lifecycle (``lifecycle.further``), then the lowest id. A row that
was withdrawn stands for nothing while another row of its group has not left the
lifecycle: withdrawing a duplicate report is tidying up, not ending the project.
While linked, only a row no other row of its group is ahead of may move on; any row
may be withdrawn. So one row at most carries the project through selection, and
two rows that could both hold money (recommended or beyond) are never linked as one.

What a row adds to totals (``counted``). A duplicate report adds nothing: its
canonical row counts. An umbrella counts what its own amount leaves after its parts
(each bound separately, never below zero), and each part counts itself at its own
stage: together they count the umbrella's amount once. Later tranches and other
related projects are distinct projects and count in full.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from pledge.domain.errors import Conflict, InvalidInput, Problem, RuleViolation
from pledge.domain.lifecycle import Stage, further


class Relation(StrEnum):
    """A link's kind, read "the first project is <kind> of the second"."""

    DUPLICATE = "duplicate"
    LATER_TRANCHE = "later_tranche"
    PART_OF = "part_of"
    RELATED = "related"


SYMMETRIC = frozenset({Relation.DUPLICATE, Relation.RELATED})

# The words a user may give, and whether the two projects are then taken the other way
# round ("23 umbrella_of 27" is stored as "27 part_of 23").
_WORDS: dict[str, tuple[Relation, bool]] = {
    "duplicate": (Relation.DUPLICATE, False),
    "duplicate_of": (Relation.DUPLICATE, False),
    "same": (Relation.DUPLICATE, False),
    "same_project": (Relation.DUPLICATE, False),
    "later_tranche": (Relation.LATER_TRANCHE, False),
    "later_phase": (Relation.LATER_TRANCHE, False),
    "earlier_tranche": (Relation.LATER_TRANCHE, True),
    "earlier_phase": (Relation.LATER_TRANCHE, True),
    "part_of": (Relation.PART_OF, False),
    "part": (Relation.PART_OF, False),
    "umbrella_of": (Relation.PART_OF, True),
    "umbrella": (Relation.PART_OF, True),
    "includes": (Relation.PART_OF, True),
    "related": (Relation.RELATED, False),
}

# The choices a form offers, each with how it reads: "this project is <words> OTHER".
CHOICES: tuple[tuple[str, str], ...] = (
    ("duplicate", "the same project, reported twice, as"),
    ("later_tranche", "a later tranche of"),
    ("earlier_tranche", "an earlier tranche of"),
    ("part_of", "a part of the umbrella programme"),
    ("umbrella_of", "the umbrella programme including"),
    ("related", "related to"),
)

KINDS_HELP = ("duplicate (the same project reported twice), later_tranche, earlier_tranche, "
              "part_of (a part of an umbrella programme), umbrella_of, related")


class Seen(StrEnum):
    """What the other project of a link is to the project looked at."""

    DUPLICATE = "duplicate"              # the same project, reported again
    EARLIER_TRANCHE = "earlier_tranche"  # it came before; this one is a later tranche
    LATER_TRANCHE = "later_tranche"      # it is a later tranche of this one
    UMBRELLA = "umbrella"                # the programme this one is a part of
    PART = "part"                        # a part of this programme
    RELATED = "related"


SEEN_LABELS: dict[Seen, str] = {
    Seen.DUPLICATE: "same project (reported twice)",
    Seen.EARLIER_TRANCHE: "earlier tranche",
    Seen.LATER_TRANCHE: "later tranche",
    Seen.UMBRELLA: "umbrella programme (includes this one)",
    Seen.PART: "part of this programme",
    Seen.RELATED: "related",
}

# Stages at which a project may hold capacity or money under the cap
# (``funding.check_allocation``): two rows there are never recorded as one project.
HOLDING_STAGES = frozenset({Stage.RECOMMENDED, Stage.SELECTED, Stage.NOTIFIED, Stage.FUNDED,
                            Stage.OPERATING, Stage.RECOUPED, Stage.CLOSED})


@dataclass(frozen=True, slots=True)
class Link:
    """An active link: ``project_id`` is ``kind`` of ``other_id``."""

    id: int
    project_id: int
    other_id: int
    kind: Relation

    def pair(self) -> frozenset[int]:
        return frozenset((self.project_id, self.other_id))

    def seen_from(self, project_id: int) -> tuple[int, Seen]:
        """The other project and what it is to ``project_id`` (one of the two ends)."""
        first = project_id == self.project_id
        other = self.other_id if first else self.project_id
        if self.kind is Relation.DUPLICATE:
            return other, Seen.DUPLICATE
        if self.kind is Relation.RELATED:
            return other, Seen.RELATED
        if self.kind is Relation.LATER_TRANCHE:
            return other, Seen.EARLIER_TRANCHE if first else Seen.LATER_TRANCHE
        return other, Seen.UMBRELLA if first else Seen.PART


def parse_relation(text: str, field: str = "kind") -> tuple[Relation, bool]:
    """The relation a word names and whether it reads the projects the other way round."""
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    found = _WORDS.get(key)
    if found is None:
        raise InvalidInput.single(field, text, "link.unknown_kind", f"one of: {KINDS_HELP}")
    return found


def oriented(project_id: int, other_id: int, kind: str, field: str = "kind"
             ) -> tuple[int, int, Relation]:
    """The link as stored: (first, second, relation), "first is relation of second";
    a symmetric relation is stored lowest id first."""
    relation, swapped = parse_relation(kind, field)
    first, second = (other_id, project_id) if swapped else (project_id, other_id)
    if relation in SYMMETRIC:
        first, second = min(first, second), max(first, second)
    return first, second, relation


# ---- which row stands for a real project ------------------------------------------------------

def _left_by_withdrawal(stage: str) -> bool:
    return stage == Stage.WITHDRAWN.value


def ahead(a: str, b: str) -> bool:
    """Whether a row at stage ``a`` is ahead of one at ``b`` for standing for their project:
    further along the lifecycle; a withdrawn row is behind every row that is not."""
    wa, wb = _left_by_withdrawal(a), _left_by_withdrawal(b)
    if wa or wb:
        return wb and not wa
    return further(a, b)


def duplicate_groups(ids: Iterable[int], links: Iterable[Link]) -> list[list[int]]:
    """Rows joined by duplicate links (directly or through a chain), each group sorted,
    groups in order of their lowest id; a row with no duplicate is a group of one."""
    parent = {i: i for i in ids}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for ln in links:
        if ln.kind is Relation.DUPLICATE and ln.project_id in parent and ln.other_id in parent:
            a, b = root(ln.project_id), root(ln.other_id)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for i in sorted(parent):
        groups.setdefault(root(i), []).append(i)
    return [groups[k] for k in sorted(groups)]


def canonical(group: Sequence[int], stages: Mapping[int, str]) -> int:
    """The row of ``group`` that stands for the project: no other row is ahead of it;
    among those, the lowest id."""
    return next(m for m in sorted(group)
                if not any(ahead(stages[o], stages[m]) for o in group if o != m))


def canonical_ids(stages: Mapping[int, str], links: Iterable[Link]) -> dict[int, int]:
    """Each row's canonical row (itself when it stands for its project)."""
    out: dict[int, int] = {}
    for group in duplicate_groups(stages, links):
        head = canonical(group, stages)
        out.update(dict.fromkeys(group, head))
    return out


def check_may_move(project_id: int, to: str, stages: Mapping[int, str],
                   links: Iterable[Link]) -> None:
    """Refuse to move a row while another row of the same project is ahead of it (move
    that one; withdrawing is always allowed)."""
    if to == Stage.WITHDRAWN.value or project_id not in stages:
        return
    group = next(g for g in duplicate_groups(stages, links) if project_id in g)
    lead = [o for o in group if o != project_id and ahead(stages[o], stages[project_id])]
    if lead:
        head = canonical(group, stages)
        raise RuleViolation.single(
            "id", project_id, "link.not_canonical",
            f"project {project_id} is recorded as the same project as {head}, which is "
            f"further along and stands for it: move {head}, or unlink them first")


# ---- checking a new link ----------------------------------------------------------------------

def _resolved(links: Iterable[Link], heads: Mapping[int, int], kind: Relation
              ) -> list[tuple[int, int]]:
    return [(heads.get(ln.project_id, ln.project_id), heads.get(ln.other_id, ln.other_id))
            for ln in links if ln.kind is kind]


def _cycle(edges: Iterable[tuple[int, int]]) -> bool:
    """Whether the directed edges hold a cycle."""
    succ: dict[int, set[int]] = {}
    for a, b in edges:
        succ.setdefault(a, set()).add(b)
    state: dict[int, int] = {}  # 1: on the path, 2: done

    def visit(n: int) -> bool:
        state[n] = 1
        for m in succ.get(n, ()):
            if state.get(m) == 1 or (m not in state and visit(m)):
                return True
        state[n] = 2
        return False

    return any(n not in state and visit(n) for n in list(succ))


def check_link(new: Link, links: Sequence[Link], stages: Mapping[int, str],
               frameworks: Mapping[int, str]) -> None:
    """Refuse a new link that is not consistent with the active ``links``.

    ``stages`` and ``frameworks`` hold every row the links name. Problems name the
    field ``other``: a self-link (``link.self``), a pair already linked
    (``link.exists``), projects of two frameworks (``link.other_framework``), a tranche
    or part of what is recorded as the same project (``link.same_project``), a
    circle of tranches or parts (``link.cycle``), a second umbrella
    (``link.two_umbrellas``), two rows holding money recorded as one project
    (``link.both_holding``).
    """
    a, b = new.project_id, new.other_id
    if a == b:
        raise InvalidInput.single("other", b, "link.self", "a project is not linked to itself")
    existing = next((ln for ln in links if ln.pair() == new.pair()), None)
    if existing is not None:
        raise Conflict.single("other", b, "link.exists",
                              f"projects {a} and {b} are already linked (link {existing.id}: "
                              f"{existing.project_id} {existing.kind.value} "
                              f"{existing.other_id}); unlink them first to change it")
    if frameworks[a] != frameworks[b]:
        raise RuleViolation.single("other", b, "link.other_framework",
                                   f"project {a} is under {frameworks[a]}, project {b} "
                                   f"under {frameworks[b]}: links stay within a framework")
    problems: list[Problem] = []
    if new.kind is Relation.DUPLICATE and all(
            Stage(stages[x]) in HOLDING_STAGES for x in (a, b)):
        problems.append(Problem(
            "other", b, "link.both_holding",
            f"projects {a} and {b} are both {stages[a]} or further and may hold money under "
            f"the cap: withdraw one before recording them as one project"))
    after = [*links, new]
    heads = canonical_ids(stages, after)
    for kind, word in ((Relation.LATER_TRANCHE, "a tranche of"),
                       (Relation.PART_OF, "a part of")):
        edges = _resolved(after, heads, kind)
        if any(x == y for x, y in edges):
            problems.append(Problem("other", b, "link.same_project",
                                    f"this would make a project {word} itself: the two "
                                    f"are recorded as the same project"))
        elif _cycle(edges):
            problems.append(Problem("other", b, "link.cycle",
                                    f"this would make a circle of projects each {word} the "
                                    f"next"))
    umbrellas: dict[int, set[int]] = {}
    for part, whole in _resolved(after, heads, Relation.PART_OF):
        umbrellas.setdefault(part, set()).add(whole)
    if any(len(u) > 1 for u in umbrellas.values()):
        problems.append(Problem("other", b, "link.two_umbrellas",
                                "a project is a part of one umbrella programme at most"))
    if problems:
        raise RuleViolation(problems)


# ---- totals -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Counted:
    """What one row adds to totals.

    stands_for: its canonical row (itself unless it is a duplicate report).
    counted: whether it counts as a project (a duplicate report does not).
    amount: what it adds (None when its own amount is unknown; zero for a duplicate
    report, or an umbrella its parts use up).
    """

    stands_for: int
    counted: bool
    amount: Decimal | None


def counted(stages: Mapping[int, str], amounts: Mapping[int, Decimal | None],
            links: Iterable[Link]) -> dict[int, Counted]:
    """What each row adds to a total of ``amounts`` so each real project counts once."""
    links = list(links)
    heads = canonical_ids(stages, links)
    parts: dict[int, set[int]] = {}
    for part, whole in _resolved(links, heads, Relation.PART_OF):
        if part != whole and part in stages and whole in stages:
            parts.setdefault(whole, set()).add(part)
    out: dict[int, Counted] = {}
    for pid in stages:
        head = heads[pid]
        if head != pid:
            out[pid] = Counted(head, False, Decimal(0))
            continue
        own = amounts.get(pid)
        if own is not None and parts.get(pid):
            inside = sum((amounts.get(p) or Decimal(0) for p in parts[pid]), Decimal(0))
            own = max(own - inside, Decimal(0))
        out[pid] = Counted(pid, True, own)
    return out
