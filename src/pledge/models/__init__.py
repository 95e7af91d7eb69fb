"""The public shape of every resource: one Pydantic model per resource, used both by the
API (``response_model`` on its routes, so ``/openapi.json`` documents every response) and
by the command line's ``--json`` (the same model, so the same keys).

Money is written as text (``"36000000000.00"``: exact, never a float), dates and times
in ISO 8601. A model is built from the services' records (``Model.model_validate(record)``
reads attributes) and written with :func:`document`.

Layering: models import ``pledge.domain`` and ``pledge.services`` (for the records they
are built from), pydantic and the standard library; the edges import models.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, PlainSerializer

#: An amount of money as exact decimal text in JSON ("1200000000.00"), never a float.
MoneyText = Annotated[Decimal, PlainSerializer(lambda d: format(d, "f"), return_type=str,
                                               when_used="json")]


class Shape(BaseModel):
    """Base of every public model: built from records' attributes, unknown keys refused."""

    model_config = ConfigDict(from_attributes=True, extra="forbid")

    def document(self) -> dict[str, Any]:
        """The JSON-safe form the CLI prints and the API sends."""
        return self.model_dump(mode="json")


T = TypeVar("T", bound=BaseModel)


class Page(BaseModel, Generic[T]):
    """One page of a list: the rows, the total before paging, and the page's bounds."""

    data: list[T]
    count: int
    limit: int
    offset: int = 0


def document(model: BaseModel) -> Any:
    """The JSON-safe form of one model."""
    return model.model_dump(mode="json")


def documents(models: Iterable[BaseModel]) -> list[Any]:
    """The JSON-safe forms of several models, in order."""
    return [m.model_dump(mode="json") for m in models]


def keys_of(model: type[BaseModel]) -> Sequence[str]:
    """The top-level JSON keys a model writes (tests compare the CLI's and the API's)."""
    return [f.alias or name for name, f in model.model_fields.items()]


#: A moment as ISO 8601 text exactly as ``datetime.isoformat`` writes it ("+00:00", not "Z"),
#: the form the JSON documents have always used.
Timestamp = Annotated[datetime, PlainSerializer(lambda d: d.isoformat(), return_type=str,
                                                when_used="json")]


class Rows(BaseModel, Generic[T]):
    """A whole (unpaged) list: the rows and how many there are."""

    data: list[T]
    count: int
