"""Reading a data file once: the checks in the documented order (missing, folder, format,
empty, too large, unreadable, binary), then its bytes, then its text.

Text files may be UTF-8 (with or without BOM), UTF-16, GB18030/GBK, Big5 or Windows
Western cp1252 (see `engine.data.charsets`). Nothing here writes anything.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from ..common import memory
from ..common.errors import ConfigError, DataFileError
from .charsets import UTF16_BOMS, decode_text

SUFFIX_FORMATS = {".txt": "txt", ".csv": "csv", ".tsv": "tsv", ".xlsx": "xlsx", ".jsonl": "jsonl"}


# Training holds the whole file as text, samples and tokens, then indexes it for the copy
# check. On 50 MB of Chinese copy that peaked at about 30 bytes of memory per byte of file,
# so a file may take RAM / 64, leaving over half the memory to the model and the system.
RAM_PER_DATA_BYTE = 64


def max_data_bytes() -> int:
    """WENAN_MAX_DATA_MB if set, else min(2 GB, RAM / RAM_PER_DATA_BYTE)."""
    env = os.environ.get("WENAN_MAX_DATA_MB")
    if env:
        mb = float(env) if re.fullmatch(r"\s*\d+(\.\d*)?\s*", env) else 0.0
        if mb <= 0:
            raise ConfigError("bad_value", option="WENAN_MAX_DATA_MB", value=env, hint="MB > 0")
        return int(mb * 2**20)
    limit = 2048 * 2**20
    ram = memory.physical_memory()
    if not ram:  # the system doesn't say: assume a modest 8 GB machine rather than allow 2 GB
        ram = 8 * 2**30
    return min(limit, ram // RAM_PER_DATA_BYTE)


_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"%PDF-", b"PK\x03\x04", b"PK\x05\x06",
          b"\x7fELF", b"GIF87a", b"GIF89a")


def read_checked(path: str | Path) -> tuple[Path, str, bytes]:
    """Checks in the documented order, then the file's bytes, read once."""
    p = Path(path).expanduser()
    if not p.exists():
        raise DataFileError("file_missing", path=str(p))
    if p.is_dir():
        raise DataFileError("file_is_dir", path=str(p))
    fmt = SUFFIX_FORMATS.get(p.suffix.lower())
    if fmt is None:
        key = "xls_old" if p.suffix.lower() == ".xls" else "file_format"
        raise DataFileError(key, path=str(p), suffix=p.suffix or "(none)")
    try:
        size = p.stat().st_size
        if size == 0:
            raise DataFileError("file_empty", path=str(p))
        limit = max_data_bytes()
        if size > limit:
            raise DataFileError("file_too_large", path=str(p), size_mb=size / 2**20, limit_mb=limit / 2**20)
        raw = p.read_bytes()
    except OSError as err:  # no permission, or locked by Excel on Windows
        raise DataFileError("file_unreadable", path=str(p), reason=err.strerror or str(err)) from None
    # An .xlsx is a zip by design; openpyxl tells a broken one apart.
    if fmt != "xlsx" and (raw.startswith(_MAGIC)
                          or (not raw.startswith(UTF16_BOMS) and b"\x00" in raw[:8192])):
        raise DataFileError("file_binary", path=str(p))
    return p, fmt, raw


def decode_file(path: Path, raw: bytes) -> tuple[str, str]:
    encoding, text = decode_text(path, raw)
    if not text or text.isspace():
        raise DataFileError("file_blank", path=str(path))
    # One newline convention for every parser below (csv included).
    return encoding, text.replace("\r\n", "\n").replace("\r", "\n")


