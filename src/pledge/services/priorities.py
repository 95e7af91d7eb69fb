"""Use cases on priorities, in one place for every edge: scores and weights per side and
the rankings (``services.rankings``), batches and the Pareto frontier
(``services.batches``), fund-or-decline advice (``services.decline``).

The command line, the API, the pages and the notebook all import from here; the
public shape of each answer is in ``pledge.models.priorities``.
"""

from __future__ import annotations

from pledge.services.batches import (
    SELECTABLE,
    BatchChoice,
    BatchLimits,
    BatchRequest,
    CheckedLimits,
    FrontierChoice,
    FrontierRequest,
    StoredBatch,
    batch_for,
    batch_frontier,
    batch_instance,
    check_batch,
    check_frontier,
    check_limits,
    check_objective,
    check_time_limit,
    choose_batch,
    compute_batch,
    compute_frontier,
    frontier_for,
    instance_frontier,
    solve_instance,
    stored_batch,
    usd_amount,
)
from pledge.services.decline import (
    DeclineReport,
    DeclineRequest,
    check_decline,
    compute_decline,
    decline_advice,
)
from pledge.services.rankings import (
    Progress,
    Rankings,
    check_ranking,
    compute_rankings,
    criteria,
    framework_key,
    open_project_count,
    open_projects_known,
    prioritise,
    project_scores,
    ranking_key,
    scores_document,
    set_score,
    set_weight,
    weights,
)

__all__ = [
    "SELECTABLE", "BatchChoice", "BatchLimits", "BatchRequest", "CheckedLimits",
    "DeclineReport", "DeclineRequest", "FrontierChoice", "FrontierRequest", "Progress",
    "Rankings", "StoredBatch", "batch_for", "batch_frontier", "batch_instance",
    "check_batch", "check_decline", "check_frontier", "check_limits", "check_objective",
    "check_ranking", "check_time_limit", "choose_batch", "compute_batch", "compute_decline",
    "compute_frontier", "compute_rankings", "criteria", "decline_advice", "framework_key",
    "frontier_for", "instance_frontier", "open_project_count", "open_projects_known",
    "prioritise",
    "project_scores", "ranking_key", "scores_document", "set_score", "set_weight",
    "solve_instance", "stored_batch", "usd_amount", "weights",
]
