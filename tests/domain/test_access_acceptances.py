"""Which role accepts which proposals: read from the one rule accepting checks."""

from __future__ import annotations

from pledge.domain.access import accept_roles, acceptances, record_roles
from pledge.domain.lifecycle import Role, Stage
from pledge.domain.proposals import ProposalKind


def test_the_table_is_what_accepting_checks() -> None:
    table = {a.role: a for a in acceptances()}
    assert list(table) == list(Role)
    for role, a in table.items():
        for kind in ProposalKind:
            if kind is ProposalKind.STATUS_CHANGE:
                continue
            assert (kind in a.kinds) == (role in accept_roles(kind)), (role, kind)
        for stage in Stage:
            assert (stage in a.stages) == (
                role in accept_roles(ProposalKind.STATUS_CHANGE, stage)), (role, stage)
        assert a.records_reports == (role in record_roles(ProposalKind.STATUS_CHANGE))
    # an administrator accepts a new project; a funder accepts nothing from the news
    assert ProposalKind.NEW_PROJECT in table[Role.ADMIN].kinds
    assert table[Role.FUNDER].kinds == () and table[Role.FUNDER].stages == ()
