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
    """

    NEW_PROJECT = "new_project"
    ADDITIONAL_ESTIMATE = "additional_estimate"
    STATUS_CHANGE = "status_change"
    SITE_REPORT = "site_report"
