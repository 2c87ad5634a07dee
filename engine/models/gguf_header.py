"""A GGUF file's header, read without touching its weights: metadata and the tensor table.

The `gguf` package's GGUFReader builds a numpy view for every string of the vocabulary, which
takes tens of seconds on a 150k-token file; scanning needs a tenth of a second. So the header
is walked here, with the `gguf` package's constants for what the numbers mean. Big string
arrays (vocabulary, merges) are skipped, not read: only their length is kept.
"""
from __future__ import annotations

import math
import mmap
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MAGIC = b"GGUF"
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9
_KEEP_ARRAY = 64            # arrays longer than this are counted, not kept (vocabularies, merges)
_U64 = struct.Struct("<Q")
_MAX_HOP_WINDOW = 16 << 20


class GgufFormatError(ValueError):
    """The file is not a GGUF this reader understands, or it is cut short."""


@dataclass(frozen=True)
class GgufTensor:
    name: str
    shape: tuple[int, ...]   # in ggml order (fastest-moving dimension first)
    type: int                # a gguf.GGMLQuantizationType value
    offset: int              # from the start of the data section

    @property
    def elements(self) -> int:
        return math.prod(self.shape)


@dataclass(frozen=True)
class GgufHeader:
    path: str
    version: int
    metadata: dict                       # key -> value; long arrays -> their length
    tensors: tuple[GgufTensor, ...]
    data_start: int
    file_size: int
    array_lengths: dict = field(default_factory=dict)

    @property
    def architecture(self) -> str:
        return str(self.metadata.get("general.architecture", ""))

    def arch_value(self, key: str):
        """`<arch>.<key>`, e.g. "context_length"."""
        return self.metadata.get(f"{self.architecture}.{key}")

    @property
    def parameters(self) -> int:
        return sum(t.elements for t in self.tensors)

    @property
    def data_end(self) -> int:
        """Where the last tensor ends; past the file's size means the file was cut short."""
        from gguf.constants import GGML_QUANT_SIZES

        end = self.data_start
        for t in self.tensors:
            block, size = GGML_QUANT_SIZES.get(t.type, (1, 0))
            end = max(end, self.data_start + t.offset + t.elements // block * size)
        return end

    def weight_types(self) -> dict[int, int]:
        """Parameters stored in each tensor type, for the matrices (1-D norms stay in float)."""
        counts: dict[int, int] = {}
        for t in self.tensors:
            if len(t.shape) >= 2:
                counts[t.type] = counts.get(t.type, 0) + t.elements
        return counts


def read_header(path: str | Path) -> GgufHeader:
    """Parse the metadata and tensor table of a GGUF file; raises GgufFormatError."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            size = fh.seek(0, 2)
            if size < 24:
                raise GgufFormatError(f"the file has only {size} bytes")
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
                return _parse(buf, str(path), size)
    except (struct.error, UnicodeDecodeError, OverflowError, IndexError) as err:
        raise GgufFormatError(f"the header is cut short or damaged ({type(err).__name__})") from err


def _parse(buf, path: str, size: int) -> GgufHeader:
    if buf[:4] != MAGIC:
        raise GgufFormatError("it does not start with GGUF")
    version, n_tensors, n_kv = struct.unpack_from("<IQQ", buf, 4)
    if version not in (2, 3):
        raise GgufFormatError(f"GGUF version {version} is not supported")
    if n_tensors > 1_000_000 or n_kv > 1_000_000:
        raise GgufFormatError("the header is damaged")
    pos, metadata, lengths = 24, {}, {}
    for _ in range(n_kv):
        key, pos = _string(buf, pos, size)
        (kind,) = struct.unpack_from("<I", buf, pos)
        value, pos = _value(buf, pos + 4, kind, size)
        if isinstance(value, _Long):
            lengths[key] = value.length
            value = value.length
        metadata[key] = value
    tensors = []
    for _ in range(n_tensors):
        name, pos = _string(buf, pos, size)
        (n_dims,) = struct.unpack_from("<I", buf, pos)
        if n_dims > 8:
            raise GgufFormatError("the tensor table is damaged")
        dims = struct.unpack_from(f"<{n_dims}Q", buf, pos + 4)
        pos += 4 + 8 * n_dims
        kind, offset = struct.unpack_from("<IQ", buf, pos)
        pos += 12
        tensors.append(GgufTensor(name, tuple(dims), kind, offset))
    alignment = metadata.get("general.alignment", 32)
    alignment = alignment if isinstance(alignment, int) and alignment > 0 else 32
    data_start = (pos + alignment - 1) // alignment * alignment
    return GgufHeader(path, version, metadata, tuple(tensors), data_start, size, lengths)


class _Long:
    """A long array: kept as its length only."""

    def __init__(self, length: int):
        self.length = length


def _string(buf, pos: int, size: int) -> tuple[str, int]:
    (n,) = _U64.unpack_from(buf, pos)
    end = pos + 8 + n
    if end > size:
        raise GgufFormatError("the header is cut short")
    return bytes(buf[pos + 8:end]).decode("utf-8", errors="replace"), end


def _value(buf, pos: int, kind: int, size: int):
    if kind in _SCALARS:
        fmt = _SCALARS[kind]
        return struct.unpack_from(fmt, buf, pos)[0], pos + struct.calcsize(fmt)
    if kind == _STRING:
        return _string(buf, pos, size)
    if kind != _ARRAY:
        raise GgufFormatError(f"unknown metadata type {kind}")
    item, count = struct.unpack_from("<IQ", buf, pos)
    pos += 12
    if item in _SCALARS:
        width = struct.calcsize(_SCALARS[item])
        if pos + count * width > size:
            raise GgufFormatError("the header is cut short")
        if count > _KEEP_ARRAY:
            return _Long(count), pos + count * width
        return list(struct.unpack_from(f"<{count}{_SCALARS[item][1]}", buf, pos)), pos + count * width
    if item == _STRING:
        if count > _KEEP_ARRAY:
            return _Long(count), skip_strings(buf, pos, count, size)
        values = []
        for _ in range(count):
            value, pos = _string(buf, pos, size)
            values.append(value)
        return values, pos
    raise GgufFormatError(f"unknown array type {item}")


def skip_strings(buf, pos: int, count: int, size: int) -> int:
    """The offset just past `count` GGUF strings (u64 length, then the bytes) starting at `pos`.

    Walking 300k strings one by one costs ~0.2 s in Python. Vocabulary strings hold no NUL bytes,
    so in a window of the file every run of NULs ends a length prefix and the byte after it may
    start a string: numpy finds all the candidates at once, and a candidate is only accepted
    where the lengths chain exactly from `pos`. Where they don't (a NUL inside a string), strings
    are stepped over one by one for a while and the fast path is tried again.
    """
    done, window = 0, count * 24 + 4096  # most vocabularies fit in one window: ~16 bytes a string
    while done < count:
        n, end = _hop(buf, pos, count - done, min(window, size - pos))
        if n:
            pos, done = pos + end, done + n
            window = min(max(window, (count - done) * 24 + 4096), _MAX_HOP_WINDOW)
            continue
        for _ in range(min(256, count - done)):  # the slow, always-right walk
            (length,) = _U64.unpack_from(buf, pos)
            pos += 8 + length
            done += 1
            if pos > size:
                raise GgufFormatError("the header is cut short")
        window = (count - done) * 24 + 4096
    return pos


def _hop(buf, pos: int, limit: int, length: int) -> tuple[int, int]:
    """(strings, bytes) that chain exactly from buf[pos], inside a window of `length` bytes.

    Each accepted string's start is proven by the one before it (or is pos + 8), so its length
    prefix, and therefore its end, are exact: a false candidate only ever stops the chain.
    """
    if length < 9:
        return 0, 0
    w = np.frombuffer(buf, dtype=np.uint8, count=length, offset=pos)
    zero = w == 0
    starts = np.flatnonzero(zero[:-1] & ~zero[1:]) + 1  # the first byte after a run of NULs
    starts = starts[starts >= 8]
    if not len(starts) or starts[0] != 8:
        return 0, 0
    starts = starts[:limit + 1]
    prefix = w[starts[:, None] - 8 + np.arange(8)]
    lengths = np.ascontiguousarray(prefix).view("<u8").ravel()  # the 8 bytes before each start
    ends = starts.astype(np.uint64) + lengths          # where each string's bytes end
    broken = np.flatnonzero(ends[:-1] + np.uint64(8) != starts[1:].astype(np.uint64))
    n = min(int(broken[0]) + 1 if len(broken) else len(starts), limit)
    while n and int(ends[n - 1]) > length:             # keep to what the window holds
        n -= 1
    return n, int(ends[n - 1]) if n else 0
