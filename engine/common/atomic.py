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


_NO_SPACE = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
# Where the destination cannot take a file: no permission, read-only disk, no such folder.
_CANNOT_WRITE_HERE = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOENT, errno.ENOTDIR, errno.EISDIR}


def translate_os_error(err: OSError, path: Path, *, ours: bool = True) -> WenanError | None:
    """The plain message for `err` met while writing `path`, or None when it is some other problem.

    `ours=False` is for errors raised by the caller's code inside the `with` block: there a
    missing or forbidden file may be a source being read, so only a full disk is reported.
    """
    if err.errno in _NO_SPACE:
        return WenanError("no_space", path=str(path))
    if ours and err.errno in _CANNOT_WRITE_HERE:
        return WenanError("not_writable", path=str(path))
    return None


@contextlib.contextmanager
def atomic_file(path: Path, mode: str = "wb", **kwargs) -> Iterator:
    """Write to a temp file beside `path`, fsync, then rename over it."""
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        raise translate_os_error(err, path) or err
    in_body = False
    try:
        with os.fdopen(fd, mode, **kwargs) as fh:
            in_body = True
            yield fh
            in_body = False
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException as err:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        translated = translate_os_error(err, path, ours=not in_body) if isinstance(err, OSError) else None
        if translated is None:
            raise
        raise translated from err


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
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{path.name}-", dir=path.parent))
    except FileExistsError as err:  # a file stands where the parent folder should be
        raise WenanError("not_writable", path=str(path)) from err
    except OSError as err:
        raise translate_os_error(err, path) or err
    in_body = True
    try:
        yield tmp
        in_body = False
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
        translated = translate_os_error(err, path, ours=not in_body) if isinstance(err, OSError) else None
        if translated is None:
            raise
        raise translated from err


def remove_stale_temps(folder: Path, older_than_s: float = 0.0, pattern: str = ".tmp-*") -> None:
    """Delete temp folders and files left by a crash in the middle of a write.

    `older_than_s` spares recent ones, which another thread or process may be writing now.
    """
    import time

    now = time.time()
    for child in Path(folder).glob(pattern):
        try:
            if now - child.stat().st_mtime < older_than_s:
                continue
        except FileNotFoundError:
            continue
        shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink(missing_ok=True)
