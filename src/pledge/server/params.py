"""The integer parameters of paths and queries, bounded once (``domain.bounds``).

A value outside its range is answered 422 in the one error shape, naming the
parameter, before any query is built: nothing out of a column's range reaches the
database. The pages use the same types.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from pledge.domain.bounds import MAX_ID, MAX_SEED, MAX_WINDOW_DAYS

#: A record's id in a path (``/projects/{project_id}``, ``/simulations/{job_id}``...).
RecordId = Annotated[int, Path(ge=1, le=MAX_ID, description=f"an id, 1 to {MAX_ID}")]

#: A record's id as a filter (``?project_id=``); absent means no filter.
RecordIdFilter = Annotated[int | None, Query(ge=1, le=MAX_ID,
                                             description=f"an id, 1 to {MAX_ID}")]

#: How many rows to skip when paging.
Offset = Annotated[int, Query(ge=0, le=MAX_ID, description="rows to skip")]

#: A page number of a listing page (50 rows a page, so the rows skipped stay in range).
PageNumber = Annotated[int, Query(ge=1, le=MAX_ID // 50, description="page, from 1")]

#: How many rows a listing page shows (the listing says which sizes it offers).
PageSize = Annotated[int, Query(ge=1, le=100, description="rows a page, 1 to 100")]

#: A simulation's seed.
Seed = Annotated[int, Query(ge=0, le=MAX_SEED, description=f"0 to {MAX_SEED}")]

#: The length of a funding window given by hand, in days.
WindowDays = Annotated[int | None, Query(ge=1, le=MAX_WINDOW_DAYS,
                                         description=f"1 to {MAX_WINDOW_DAYS}")]
