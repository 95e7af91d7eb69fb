"""The atomic file writer: whole or nothing, and the process umask left alone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pledge.exports.atomic import write_atomic


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def test_a_failed_write_leaves_no_partial_file(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "ledger.csv"

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError) as err:
        write_atomic(target, b"entry_id,date\n" * 1000)
    assert err.value.errno == 28
    assert list(tmp_path.iterdir()) == []            # no target, no temporary file

    monkeypatch.undo()
    write_atomic(target, "old\n")
    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError):
        write_atomic(target, "new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["ledger.csv"]


def test_the_process_umask_is_neither_read_nor_changed(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    before = _umask()

    def no_umask(mask: int) -> int:
        raise AssertionError("write_atomic changed the process umask")

    monkeypatch.setattr(os, "umask", no_umask)
    target = write_atomic(tmp_path / "deadlines.ics", "BEGIN:VCALENDAR\r\n")
    monkeypatch.undo()
    assert _umask() == before
    assert target.stat().st_mode & 0o777 == 0o666 & ~before   # a new file's usual mode
    assert target.read_bytes() == b"BEGIN:VCALENDAR\r\n"


def test_a_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "projects.xlsx"
    target.write_bytes(b"old")
    target.chmod(0o600)
    write_atomic(target, b"new workbook")
    assert target.read_bytes() == b"new workbook"
    assert target.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["projects.xlsx"]


def test_a_missing_folder_is_reported_by_the_file_asked_for(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "out.csv"
    with pytest.raises(FileNotFoundError) as err:
        write_atomic(target, "x")
    assert err.value.filename == str(target)
