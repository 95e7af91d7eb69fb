"""Writing a file all at once: readers see the old file or the new one, never a part."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

__all__ = ["write_atomic", "write_files"]

_TRIES = 16


def _temporary(target: Path, mode: int) -> tuple[int, Path]:
    """A new file beside ``target`` opened for writing, created with ``mode`` (which the
    kernel narrows by the process umask, as for any new file; the umask itself is
    neither read nor changed, so other threads are not affected)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(_TRIES):
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, flags, mode), tmp
        except FileExistsError:
            continue
        except OSError as exc:  # report the file asked for, not the temporary one
            raise OSError(exc.errno, exc.strerror, str(target)) from exc
    raise FileExistsError(17, "no free temporary name beside the file", str(target))


def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` all at once: a temporary file beside it,
    written and synced to disk, then renamed over it (``os.replace``, the folder synced
    after).

    On any failure the temporary file is removed and an existing file at ``path`` is left
    as it was. A new file gets the usual permissions (``0o666`` less the umask); a
    replaced file keeps its own.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        keep: int | None = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        keep = None
    fd, tmp = _temporary(target, 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            if keep is not None:
                os.fchmod(out.fileno(), keep)
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _sync_folder(target.parent)
    return target


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (where the system can sync a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_files(folder: str | os.PathLike[str], files: Mapping[str, bytes]) -> list[Path]:
    """Write several files into ``folder`` (made if missing) so that a failure leaves the
    folder as it was: every file is written and synced under a temporary name first, and
    only once all are on disk are they renamed over their targets. Returns the paths."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written: list[tuple[Path, Path]] = []
    try:
        for name, data in files.items():
            if Path(name).name != name or name.startswith("."):
                raise ValueError(f"not a plain file name: {name!r}")
            path = target / name
            fd, tmp = _temporary(path, 0o666)
            written.append((tmp, path))
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
    except BaseException:
        for tmp, _ in written:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise
    for tmp, path in written:
        os.replace(tmp, path)
    _sync_folder(target)
    return [path for _, path in written]
