"""The kinds of change a news article may propose for the programme's records.

The values are what the ``news_proposals.kind`` column and every JSON document hold;
they never change (a ``StrEnum`` compares equal to its text, so stored rows and keys
written as text keep working).
"""

from __future__ import annotations

from enum import StrEnum


class ProposalKind(StrEnum):
    """What accepting a proposal does.

    NEW_PROJECT          adds a project (the article as its source)
    ADDITIONAL_ESTIMATE  records another sourced estimate (never an overwrite)
    STATUS_CHANGE        asks for a lifecycle transition (or, accepted as a report, records
                         a sourced status report beside the lifecycle)
    SITE_REPORT          records a reported site (the project's location is unchanged)
    SPONSOR              records a company named with its role (lead, partner, supplier,
                         offtaker, lender) as a sponsor of the project
    TRANCHE              records a tranche (phase) with its amount, of the project or, when
                         the article names none, of the framework's programme
    RELATED_PROJECT      links two recorded projects (the same one reported twice, a later
                         tranche, a part of an umbrella, related) under the links' rules
    TERM_CLAIM           keeps what the article says a framework's term is (window, tariff,
                         split) beside the terms, with its source; the terms are unchanged
    """

    NEW_PROJECT = "new_project"
    ADDITIONAL_ESTIMATE = "additional_estimate"
    STATUS_CHANGE = "status_change"
    SITE_REPORT = "site_report"
    SPONSOR = "sponsor"
    TRANCHE = "tranche"
    RELATED_PROJECT = "related_project"
    TERM_CLAIM = "term_claim"
