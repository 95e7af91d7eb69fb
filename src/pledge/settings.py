"""Every setting pledge takes from the environment, in one place.

``Settings`` is read once where a program starts (a command line run, a server, a
notebook) and handed down as values: the store and the services never read the
environment. Each field is one ``PLEDGE_*`` variable: its name is ``env_name(field)``,
its meaning the field's description, its default the field's default (the README's
table of variables is checked against these fields by a test).

An empty variable counts as unset. A value that cannot be used is refused naming the
variable (``InvalidInput``), except the two body limits, which keep their defaults
when given anything but a positive whole number (as they always have).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, SettingsConfigDict

from pledge.domain.bounds import (
    IDEMPOTENCY_KEEP_HOURS,
    IDEMPOTENCY_WAIT_SECONDS,
    MAX_IDEMPOTENCY_HOURS,
    MAX_IDEMPOTENCY_WAIT_SECONDS,
)
from pledge.domain.credentials import DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS
from pledge.domain.errors import InvalidInput, Problem

PREFIX = "PLEDGE_"
DEFAULT_DATABASE_URL = "sqlite:///pledge.db"
# The bounds of the settings that have them.
# The words that turn a yes/no setting on (any case); anything else leaves it off.
YES = ("1", "true", "yes", "on")
MAX_BODY = 2 * 1024 * 1024
MAX_INGEST_BODY = 10 * 1024 * 1024
BODY_CEILING = 256 * 1024 * 1024
"""The largest request body either limit may be set to (256 MiB): a larger setting is a
mistake that would let one request hold a server process's memory."""


class Settings(BaseSettings):
    """What the environment says, checked; see each field's description."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, env_ignore_empty=True,
                                      extra="ignore", frozen=True)

    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description="The database: a SQLAlchemy URL (`postgresql://…`) or a SQLite file's "
                    "path; `--db` given to a command wins")
    token: SecretStr | None = Field(
        None, description="The API token of the user the command line acts as "
                          "(with `--user NAME`)")
    token_days: int = Field(
        DEFAULT_TOKEN_DAYS,
        description=f"Days a new API token lives unless `--expires` says otherwise "
                    f"(1 to {MAX_TOKEN_DAYS})")
    debug: bool = Field(
        False, description="Any value: the command line shows the traceback of an "
                           "unexpected error instead of one line")
    secret_key: SecretStr | None = Field(
        None, description="The key the server signs its cookies with; server processes that "
                          "share it accept each other's cookies (default: a new random key "
                          "at each start)")
    public_read: bool = Field(
        False, description="Any value: anonymous visitors of the server read the public "
                           "subset: the public portal (as `pledge serve --public`)")
    secure_cookies: bool = Field(
        False, description="1, true, yes or on: cookies are Secure even over plain HTTP "
                           "(as `pledge serve --secure-cookies`)")
    trust_proxy: bool = Field(
        False, description="1, true, yes or on: take the scheme and client address from the "
                           "one reverse proxy in front (as `pledge serve --trust-proxy`)")
    max_body: int = Field(
        MAX_BODY, description="The largest request body the server accepts, in bytes "
                              "(beyond it, 413; at most 256 MiB)")
    max_ingest_body: int = Field(
        MAX_INGEST_BODY, description="The largest article sent to ingest the server accepts, "
                                     "in bytes (at most 256 MiB)")
    idempotency_hours: float = Field(
        IDEMPOTENCY_KEEP_HOURS,
        description=f"Hours an idempotency key and its answer are kept "
                    f"(above 0, at most {MAX_IDEMPOTENCY_HOURS})")
    idempotency_wait_seconds: float = Field(
        IDEMPOTENCY_WAIT_SECONDS,
        description=f"Seconds a request waits for another one holding the same "
                    f"idempotency key, on PostgreSQL (above 0, at most "
                    f"{MAX_IDEMPOTENCY_WAIT_SECONDS})")
    news_gazetteer: str | None = Field(
        None, description="A TOML file of organisations, places and cue words merged over "
                          "the shipped gazetteer when news is read (`--gazetteer` wins)")
    pure: bool = Field(
        False, description="Read news with the Python modules even when a compiled build of "
                           "the reader (`make compiled`) matches them")
    compiled_dir: str | None = Field(
        None, description="Where the compiled reader is built and looked for (default: "
                          "`pledge-compiled` in the virtual environment)")

    @field_validator("debug", "public_read", "pure", mode="before")
    @classmethod
    def _set_means_yes(cls, value: Any) -> Any:
        return bool(value.strip()) if isinstance(value, str) else value

    @field_validator("secure_cookies", "trust_proxy", mode="before")
    @classmethod
    def _yes_words(cls, value: Any) -> Any:
        return value.strip().lower() in YES if isinstance(value, str) else value

    @field_validator("max_body", "max_ingest_body", mode="before")
    @classmethod
    def _positive_size(cls, value: Any, info: ValidationInfo) -> Any:
        name = str(info.field_name)
        if isinstance(value, str):  # anything but a positive whole number: the default
            text = value.strip()
            value = int(text) if text.isdigit() and int(text) > 0 else (
                cls.model_fields[name].default)
        if isinstance(value, int) and value > BODY_CEILING:
            raise InvalidInput.single(env_name(name), value, "settings.body_too_large",
                                      f"at most {BODY_CEILING} bytes (256 MiB)")
        return value

    @field_validator("token_days", mode="before")
    @classmethod
    def _days(cls, value: Any) -> Any:
        text = str(value).strip()
        if not text.isdigit() or not 1 <= int(text) <= MAX_TOKEN_DAYS:
            raise InvalidInput.single(env_name("token_days"), text, "users.bad_expiry",
                                      f"a whole number of days from 1 to {MAX_TOKEN_DAYS}")
        return int(text)

    @field_validator("idempotency_hours", "idempotency_wait_seconds", mode="before")
    @classmethod
    def _positive_number(cls, value: Any, info: ValidationInfo) -> Any:
        name = str(info.field_name)
        largest, what = ((MAX_IDEMPOTENCY_HOURS, "hours to keep idempotency keys")
                         if name == "idempotency_hours" else
                         (MAX_IDEMPOTENCY_WAIT_SECONDS,
                          "seconds to wait for a request holding the same key"))
        text = str(value).strip()
        try:
            number = float(text)
        except ValueError:
            number = -1.0
        if not 0 < number <= largest:  # also refuses nan and infinity
            raise InvalidInput.single(env_name(name), text, "idempotency.bad_setting",
                                      f"{what}: a number above 0 and at most {largest}")
        return number

    def environment(self) -> dict[str, str]:
        """These settings as the PLEDGE_* variables that ``read`` reads back to them (for a
        process started by an import string, which can be given nothing else)."""
        out: dict[str, str] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            out[env_name(name)] = ("" if value is None or value is False
                                   else "1" if value is True else str(value))
        return out

    @property
    def idempotency_keep(self) -> timedelta:
        """How long idempotency keys are kept."""
        return timedelta(hours=self.idempotency_hours)

    @property
    def token_text(self) -> str | None:
        """``PLEDGE_TOKEN`` as text, or None."""
        return None if self.token is None else self.token.get_secret_value()

    @property
    def secret_key_text(self) -> str | None:
        """``PLEDGE_SECRET_KEY`` as text, or None."""
        return None if self.secret_key is None else self.secret_key.get_secret_value()


def read(**given: Any) -> Settings:
    """The settings from the environment (``given`` fields win), or ``InvalidInput`` naming
    each variable that cannot be used."""
    try:
        return Settings(**given)
    except ValidationError as exc:
        raise InvalidInput([
            Problem(env_name(str(e["loc"][0])) if e["loc"] else "settings", e.get("input"),
                    "settings.invalid", e["msg"]) for e in exc.errors()]) from None


def env_name(field: str) -> str:
    """The environment variable of a ``Settings`` field (``database_url`` ->
    ``PLEDGE_DATABASE_URL``)."""
    if field not in Settings.model_fields:
        raise KeyError(field)
    return PREFIX + field.upper()


def shown_default(info: FieldInfo) -> str:
    """A field's default as the README writes it (unset when it has none)."""
    value = info.default
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "off" if not value else "on"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def table() -> list[tuple[str, str, str]]:
    """(variable, meaning, default) of every setting, in the order of the fields."""
    return [(env_name(name), info.description or "", shown_default(info))
            for name, info in Settings.model_fields.items()]


def markdown_table() -> str:
    """The README's table of environment variables, exactly."""
    lines = ["| variable | meaning | default |", "|---|---|---|"]
    lines += [f"| `{name}` | {meaning} | {default} |" for name, meaning, default in table()]
    return "\n".join(lines) + "\n"
