"""Turning samples into training blocks, and prompts into model input.

Plain text is packed: samples joined with EOS and cut into equal blocks, so no
compute is spent on padding. Prompt->copy pairs are packed whole into blocks
and only the copy tokens carry a loss. Samples are tokenized in chunks, so packing
plain text peaks at about 15 bytes a token and keeps 8 (one int64 tensor).
"""
from __future__ import annotations

from ..data import Sample
from ..models.prompt_style import PromptStyle, start_ids

IGNORE = -100  # label value that cross-entropy skips


# Samples are tokenized a chunk at a time, so only one chunk's ids are ever Python ints
# (about 40 bytes each, more inside a BatchEncoding); the rest wait as int32 (4 bytes each).
CHUNK_SAMPLES = 1000
CHUNK_CHARS = 1_000_000


def _chunks(samples: list[Sample]):
    """Consecutive slices of `samples`: at most CHUNK_SAMPLES, and about CHUNK_CHARS characters."""
    start = 0
    while start < len(samples):
        end, chars = start, 0
        while end < len(samples) and end - start < CHUNK_SAMPLES and chars < CHUNK_CHARS:
            chars += len(samples[end].text) + len(samples[end].prompt or "")
            end += 1
        yield samples[start:end]
        start = end


def _encode_copy(tokenizer, chunk: list[Sample]) -> list[list[int]]:
    # No attention mask: it would double the Python ints for nothing.
    return tokenizer([s.text for s in chunk], add_special_tokens=False, return_attention_mask=False)["input_ids"]


def _to_long(parts: list, rows: int, width: int | None = None):
    """The int32 `parts` laid end to end as one int64 tensor of `rows` values (or rows of
    `width`), cut to fit. Each part is freed once copied, so the peak is the result plus one part."""
    import torch

    out = torch.empty((rows,) if width is None else (rows, width), dtype=torch.long)
    parts.reverse()
    pos = 0
    while parts and pos < rows:
        part = parts.pop()
        part = part[: rows - pos] if width is None else part[: rows - pos, :width]
        out[pos:pos + len(part)] = part
        pos += len(part)
    parts.clear()
    return out


def encode_text_blocks(tokenizer, samples: list[Sample], block_size: int):
    """Pack plain samples into (n_blocks, block_size) tensors; the tail shorter than a block is dropped.

    The labels equal the ids, so both are the same tensor: copy before changing either.
    """
    import torch

    eos = tokenizer.eos_token_id
    parts = [torch.tensor([eos], dtype=torch.int32)]
    for chunk in _chunks(samples):
        stream: list[int] = []
        for ids in _encode_copy(tokenizer, chunk):
            stream.extend(ids)
            stream.append(eos)
        parts.append(torch.tensor(stream, dtype=torch.int32))
    total = sum(len(p) for p in parts)
    n_blocks = total // block_size
    if n_blocks == 0:  # too little text for one block: keep it as one short block
        ids = _to_long(parts, total).view(1, total)
    else:
        ids = _to_long(parts, n_blocks * block_size).view(n_blocks, block_size)
    return ids, ids


def _rows_tensor(rows: list[list[int]], block_size: int, fill: int):
    import torch
    return torch.tensor([r + [fill] * (block_size - len(r)) for r in rows], dtype=torch.int32)


def encode_pair_blocks(tokenizer, style: PromptStyle, samples: list[Sample], block_size: int):
    """Pack whole prompt->copy examples into blocks; labels mask the prompts and the padding."""
    eos = tokenizer.eos_token_id
    ids_parts, label_parts = [], []  # int32 rows, block_size wide
    rows_ids: list[list[int]] = []
    rows_labels: list[list[int]] = []
    n_rows = width = 0

    def flush() -> None:
        nonlocal n_rows, width
        if rows_ids:
            ids_parts.append(_rows_tensor(rows_ids, block_size, eos))
            label_parts.append(_rows_tensor(rows_labels, block_size, IGNORE))
            n_rows += len(rows_ids)
            width = max(width, max(len(r) for r in rows_ids))
            rows_ids.clear()
            rows_labels.clear()

    cur_ids: list[int] = []
    cur_labels: list[int] = []
    for chunk in _chunks(samples):
        for sample, completion in zip(chunk, _encode_copy(tokenizer, chunk)):
            prompt = style.prompt_ids(tokenizer, sample.prompt) if sample.prompt else start_ids(tokenizer)
            copy = completion + [eos]
            # An example longer than a block keeps the end of its prompt and the start of its copy.
            if len(prompt) + len(copy) > block_size:
                prompt = prompt[-(block_size // 2):]
                copy = copy[: block_size - len(prompt)]
            if len(cur_ids) + len(prompt) + len(copy) > block_size:
                rows_ids.append(cur_ids)
                rows_labels.append(cur_labels)
                cur_ids, cur_labels = [], []
            cur_ids += prompt + copy
            cur_labels += [IGNORE] * len(prompt) + copy
        flush()
    if cur_ids:
        rows_ids.append(cur_ids)
        rows_labels.append(cur_labels)
        flush()
    return _to_long(ids_parts, n_rows, width), _to_long(label_parts, n_rows, width)


def encode_blocks(tokenizer, style: PromptStyle, samples: list[Sample], block_size: int):
    if any(s.prompt for s in samples):
        return encode_pair_blocks(tokenizer, style, samples, block_size)
    return encode_text_blocks(tokenizer, samples, block_size)


class BlockSampler:
    """Which training blocks each micro-batch holds: a fixed permutation per epoch, so step k
    always sees the same batch and a resumed run continues exactly; each process takes its own
    slice of every batch."""

    def __init__(self, n_blocks: int, batch_size: int, world: int = 1, rank: int = 0, seed: int = 0):
        self.n_blocks, self.batch_size, self.world, self.rank, self.seed = n_blocks, batch_size, world, rank, seed
        self._perms: dict = {}

    def indices(self, micro_index: int):
        """The block indices of micro-batch `micro_index` for this process."""
        import torch

        start = micro_index * self.batch_size * self.world + self.rank * self.batch_size
        picks = []
        for pos in range(start, start + self.batch_size):
            epoch, i = divmod(pos, self.n_blocks)
            if epoch not in self._perms:
                generator = torch.Generator().manual_seed(self.seed + epoch)
                self._perms[epoch] = torch.randperm(self.n_blocks, generator=generator)
            picks.append(self._perms[epoch][i])
        return torch.stack(picks)
