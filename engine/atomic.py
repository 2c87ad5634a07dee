"""Atomic writes: a reader sees the old content or the new one, never half of it."""
from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

from .errors import WenanError


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _translate_os_error(err: OSError, path: Path) -> WenanError:
    if err.errno == errno.ENOSPC:
        return WenanError("no_space", path=str(path))
    return WenanError("not_writable", path=str(path))


@contextlib.contextmanager
def atomic_file(path: Path, mode: str = "wb", **kwargs) -> Iterator:
    """Write to a temp file beside `path`, fsync, then rename over it."""
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        raise _translate_os_error(err, path) from err
    try:
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException as err:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(err, OSError):
            raise _translate_os_error(err, path) from err
        raise


def write_text(path: Path, text: str) -> None:
    with atomic_file(path, "w", encoding="utf-8") as fh:
        fh.write(text)


@contextlib.contextmanager
def atomic_dir(path: Path) -> Iterator[Path]:
    """Fill a hidden temp folder, then rename it to `path`, which must not exist.

    A crash leaves only a `.tmp-*` folder, which listings ignore and
    `remove_stale_temps` deletes.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{path.name}-", dir=path.parent))
    try:
        yield tmp
        for root, _dirs, files in os.walk(tmp):
            for name in files:
                fd = os.open(os.path.join(root, name), os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        os.rename(tmp, path)
        _fsync_dir(path.parent)
    except BaseException as err:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(err, OSError):
            raise _translate_os_error(err, path) from err
        raise


def remove_stale_temps(folder: Path, older_than_s: float = 0.0) -> None:
    """Delete temp folders and files left by a crash in the middle of a write.

    `older_than_s` spares recent ones, which another thread or process may be writing now.
    """
    import time

    now = time.time()
    for child in Path(folder).glob(".tmp-*"):
        try:
            if now - child.stat().st_mtime < older_than_s:
                continue
        except FileNotFoundError:
            continue
        shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink(missing_ok=True)
