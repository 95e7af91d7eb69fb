"""The public shape of a verification of the tamper-evident record (``services.audit``):
``pledge audit verify --json`` and ``GET /audit/verify``."""

from __future__ import annotations

from pledge.models import Shape, Timestamp
from pledge.services import audit as audit_svc


class AuditChain(Shape):
    rows: int
    head: str | None
    intact: bool


class LedgerChain(Shape):
    """One framework's ledger: entries (``rows``) and postings read, its chain's end, and
    the verdict."""

    framework: str
    rows: int
    postings: int
    head: str | None
    intact: bool
    balanced: bool


class LedgerChains(Shape):
    rows: int
    postings: int
    intact: bool
    balanced: bool
    frameworks: list[LedgerChain]


class Finding(Shape):
    """Something wrong with the record: the table and row (None: none can be named), what
    happened to it, the rule and a sentence."""

    table: str
    id: int | None
    kind: str
    rule: str
    message: str


class Verification(Shape):
    """The whole record checked at ``checked_at``: ``ok`` when nothing is wrong."""

    ok: bool
    checked_at: Timestamp
    audit: AuditChain
    ledger: LedgerChains
    problems: list[Finding]

    @classmethod
    def of(cls, v: audit_svc.Verification) -> Verification:
        return cls.model_validate(v.as_dict())
