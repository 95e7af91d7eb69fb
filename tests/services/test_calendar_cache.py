"""The holidays ``holidays`` finds are kept in the user cache directory: the second
reading comes from the file, never from the library; a damaged file is computed again."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pledge.services import calendars


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "pledge" / "calendars"


def test_the_second_reading_comes_from_the_file(cache: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    first = calendars._holidays("US", ("public",), 2026, 2027)
    assert date(2027, 12, 31) in first  # New Year's Day 2028 (a Saturday) observed
    [written] = cache.iterdir()
    assert "US" in written.name and "2026-2027" in written.name

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the library was asked again")

    monkeypatch.setattr("holidays.country_holidays", refuse)
    assert calendars._holidays("US", ("public",), 2026, 2027) == first


@pytest.mark.parametrize("damage", ["", "2026-13-45\n", "not a date", "1999-01-01\n"])
def test_a_damaged_file_is_computed_again(cache: Path, damage: str) -> None:
    right = calendars._holidays("JP", ("public", "bank"), 2026, 2026)
    [written] = cache.iterdir()
    written.write_text(damage, encoding="ascii")
    assert calendars._holidays("JP", ("public", "bank"), 2026, 2026) == right
    assert date(2026, 2, 23) in right  # the Emperor's Birthday
    assert written.read_text(encoding="ascii").split()[0] == "2026-01-01"


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="ascii")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # a file where a folder must go
    assert date(2026, 1, 1) in calendars._holidays("US", ("public",), 2026, 2026)
