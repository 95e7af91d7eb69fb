"""Recording what someone else decided: an administrator for any role, every other user only
for their own."""

from __future__ import annotations

import pytest

from pledge.domain.access import Forbidden, check_record_for, may_record_for
from pledge.domain.lifecycle import Role


@pytest.mark.parametrize(("user", "actor", "allowed"), [
    (Role.ADMIN, Role.PRESIDENT, True),
    (Role.ADMIN, Role.FUNDER, True),
    (Role.ADMIN, Role.ADMIN, True),
    (Role.IC, Role.IC, True),
    (Role.CC_JP, Role.CC_JP, True),
    (Role.CC_JP, Role.CC_US, False),
    (Role.IC, Role.PRESIDENT, False),
    (Role.ANALYST, Role.ADMIN, False),
    (Role.FUNDER, Role.IC, False),
    (Role.PRESIDENT, Role.ADMIN, False),
])
def test_who_may_record_for_whom(user: Role, actor: Role, allowed: bool) -> None:
    assert may_record_for(user, actor) is allowed


def test_a_refusal_names_the_role_and_the_user() -> None:
    with pytest.raises(Forbidden) as caught:
        check_record_for("ana", Role.ANALYST, Role.ADMIN)
    [problem] = caught.value.problems
    assert (problem.field, problem.value, problem.rule) == ("role", "admin",
                                                            "auth.not_on_behalf")
    assert "'ana' is analyst" in problem.message
    check_record_for("boss", Role.ADMIN, Role.PRESIDENT)  # no error
