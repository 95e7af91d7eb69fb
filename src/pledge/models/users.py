"""The public shape of users, their tokens and the command line's identity (``pledge
users ... --json``, ``pledge whoami --json``). A token or password appears only in the
answer that created it."""

from __future__ import annotations

from typing import Any

from pledge.models import Shape, Timestamp
from pledge.services import identity as identity_svc
from pledge.services import users as users_svc


class NewUser(Shape):
    """A user just added, with their token (shown once) and, when one was generated, their
    password (the key is absent otherwise)."""

    name: str
    role: str
    token: str
    token_expires_at: Timestamp | None
    password: str | None = None

    @classmethod
    def of(cls, u: users_svc.NewUser) -> NewUser:
        doc: dict[str, Any] = {"name": u.name, "role": u.role.value, "token": u.token,
                               "token_expires_at": u.token_expires_at}
        if u.password is not None:
            doc["password"] = u.password
        return cls.model_validate(doc)

    def document(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_unset=True)


class PasswordSet(Shape):
    """A password changed (its page sessions ended); ``password`` only when generated."""

    name: str
    sessions_ended: bool
    password: str | None = None

    def document(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_unset=True)


class NewToken(Shape):
    """A token just issued (shown once), and until when the old ones keep working."""

    name: str
    token: str
    token_expires_at: Timestamp | None
    old_tokens: int
    old_valid_until: Timestamp

    @classmethod
    def of(cls, t: users_svc.NewToken) -> NewToken:
        return cls(name=t.name, token=t.token, token_expires_at=t.expires_at,
                   old_tokens=t.old_tokens, old_valid_until=t.old_valid_until)


class Token(Shape):
    created_at: Timestamp
    expires_at: Timestamp | None
    expired: bool
    last_used_at: Timestamp | None


class User(Shape):
    """A user, their role, their live tokens and the login mapped to them."""

    name: str
    role: str
    revoked: bool
    created_at: Timestamp
    os_user: str | None
    tokens: list[Token]

    @classmethod
    def of(cls, u: users_svc.UserInfo) -> User:
        return cls(name=u.name, role=u.role.value, revoked=u.revoked, created_at=u.created_at,
                   os_user=u.os_user,
                   tokens=[Token(created_at=x.created_at, expires_at=x.expires_at,
                                 expired=x.expired, last_used_at=x.last_used_at)
                           for x in u.tokens])


class OsUser(Shape):
    """The login mapped to a user (None: the mapping removed)."""

    name: str
    os_user: str | None


class WhoAmI(Shape):
    """The user the command line acts as and how they were identified."""

    user: str
    role: str
    via: str

    @classmethod
    def of(cls, me: identity_svc.Identity) -> WhoAmI:
        return cls(user=me.user, role=me.role.value, via=me.via)
